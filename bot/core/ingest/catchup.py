"""Catch-up after downtime, the Discord-free part: given the per-channel cursors (newest stored message id)
and what the bot can see now, decide which channels to read history for and from where.

- A channel with a cursor is read after its cursor, unless Discord says its newest message is not newer.
- A channel without a cursor (created while we were away, or quiet until now) is read after the newest
  cursor of the whole server, i.e. from roughly when the bot went down, if it has anything newer than that.
- A server with no cursors at all is a fresh install: nothing is back-filled.
- Cursors whose channel is not visible now (archived threads, deleted channels) are returned separately,
  newest first and capped, so the caller can try to fetch those channels one by one.

Exactly-once is storage's job (it ignores message ids it already has), so overlapping reads are harmless.

Gaps (``plan_gaps``): every range to read is stored as a gap (bot/storage/_catchup.py) before it is read and
closed only once what was read from it is committed, so a failed read, a crash or live messages moving the
cursor never lose it; the next retry or start reads exactly the gap. ``reconcile`` compares the recent stored
messages with the history read back: deleted, edited and reaction counts changed while the bot was away."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.storage.models import Gap, StoredMessage

MAX_UNRESOLVED = 25


@dataclass(frozen=True, slots=True)
class ChannelState:
    channel_id: int
    last_message_id: int | None  # Discord's newest message id for the channel, None when unknown
    readable: bool  # the bot may view the channel and read its history


@dataclass(frozen=True, slots=True)
class CatchUpPlan:
    fetch: list[tuple[int, int]] = field(default_factory=list)  # (channel id, read after this message id)
    unresolved: list[tuple[int, int]] = field(default_factory=list)  # (channel id, cursor), not visible now

    @property
    def empty(self) -> bool:
        return not self.fetch and not self.unresolved


def plan_catch_up(
    cursors: Mapping[int, int], channels: Iterable[ChannelState], *, max_unresolved: int = MAX_UNRESOLVED
) -> CatchUpPlan:
    if not cursors:
        return CatchUpPlan()
    newest = max(cursors.values())
    fetch: list[tuple[int, int]] = []
    seen: set[int] = set()
    for channel in channels:
        if channel.channel_id in seen:
            continue
        seen.add(channel.channel_id)
        if not channel.readable:
            continue
        cursor = cursors.get(channel.channel_id)
        if cursor is not None:
            if channel.last_message_id is None or channel.last_message_id > cursor:
                fetch.append((channel.channel_id, cursor))
        elif channel.last_message_id is not None and channel.last_message_id > newest:
            fetch.append((channel.channel_id, newest))
    fetch.sort(key=lambda item: item[1])
    unresolved = sorted(
        ((cid, cursor) for cid, cursor in cursors.items() if cid not in seen),
        key=lambda item: item[1],
        reverse=True,
    )[: max(max_unresolved, 0)]
    return CatchUpPlan(fetch=fetch, unresolved=unresolved)


# -- gaps --------------------------------------------------------------------------------------------------

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_at(unix_seconds: float) -> int:
    """The smallest message id Discord can give a message created at ``unix_seconds``."""
    return max(0, int(unix_seconds * 1000) - DISCORD_EPOCH_MS) << 22


def snowflake_time(message_id: int) -> float:
    return ((message_id >> 22) + DISCORD_EPOCH_MS) / 1000


def backoff(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, ...): base, 2·base, 4·base, ... at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempt - 1))


@dataclass(frozen=True, slots=True)
class GapPlan:
    new: list[Gap] = field(default_factory=list)  # to record, then read (channels without a cursor)
    read: list[Gap] = field(default_factory=list)  # channel visible and readable
    close: list[Gap] = field(default_factory=list)  # nothing can be missing: Discord has nothing newer
    unresolved: list[Gap] = field(default_factory=list)  # channel not visible now: fetch it, then read
    # gaps of visible channels the bot may not read now stay recorded and are in none of the lists


def plan_gaps(
    gaps: Iterable[Gap],
    cursors: Mapping[int, int],
    channels: Iterable[ChannelState],
    *,
    max_unresolved: int = MAX_UNRESOLVED,
) -> GapPlan:
    """What to read: every stored gap, plus (as in ``plan_catch_up``) channels without a cursor that have
    messages newer than the server's newest cursor."""
    states: dict[int, ChannelState] = {}
    for channel in channels:
        states.setdefault(channel.channel_id, channel)
    plan = GapPlan()
    with_gap: set[int] = set()
    unresolved: list[Gap] = []
    for gap in gaps:
        with_gap.add(gap.channel_id)
        state = states.get(gap.channel_id)
        if state is None:
            unresolved.append(gap)
        elif not state.readable:
            continue
        elif state.last_message_id is not None and state.last_message_id <= gap.after_id:
            plan.close.append(gap)
        else:
            plan.read.append(gap)
    if cursors:
        newest = max(cursors.values())
        for state in states.values():
            cid = state.channel_id
            if cid in cursors or cid in with_gap or not state.readable:
                continue
            if state.last_message_id is not None and state.last_message_id > newest:
                plan.new.append(Gap(cid, newest))
    plan.read.extend(plan.new)
    plan.read.sort(key=lambda gap: (gap.after_id, gap.channel_id))
    unresolved.sort(key=lambda gap: gap.after_id, reverse=True)
    plan.unresolved.extend(unresolved[: max(max_unresolved, 0)])
    return plan


# -- reconcile ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """A message as the channel's history shows it now (``reactions`` without the bot's own)."""

    message_id: int
    reactions: int
    edited_at: float | None  # unix seconds, None when never edited


@dataclass(frozen=True, slots=True)
class Reconcile:
    deleted: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    reactions: list[tuple[int, int]] = field(default_factory=list)  # (message id, reactions now)

    @property
    def empty(self) -> bool:
        return not (self.deleted or self.edited or self.reactions)


def reconcile(
    stored: Sequence[StoredMessage],
    seen: Mapping[int, Seen | None],
    read_up_to: int,
    *,
    edited_since: float,
) -> Reconcile:
    """Compare one channel's recent stored messages with its history read back, oldest to ``read_up_to``.

    ``seen``: every message id the history returned (None: present but unreadable, e.g. malformed, so
    neither deleted nor compared). A stored message missing from the history read so far was deleted; one
    edited at or after ``edited_since`` (when the bot went away; earlier edits were applied live) is
    re-scored; a different reaction count is replaced."""
    out = Reconcile()
    for message in stored:
        if message.message_id > read_up_to:
            continue  # the read stopped before it: unknown
        if message.message_id not in seen:
            out.deleted.append(message.message_id)
            continue
        now = seen[message.message_id]
        if now is None:
            continue
        if now.edited_at is not None and now.edited_at >= edited_since:
            out.edited.append(message.message_id)
        if now.reactions != message.reactions:
            out.reactions.append((message.message_id, now.reactions))
    return out
