"""Catch-up after downtime, the Discord-free part: given the per-channel cursors (newest stored message id)
and what the bot can see now, decide which channels to read history for and from where.

- A channel with a cursor is read after its cursor, unless Discord says its newest message is not newer.
- A channel without a cursor (created while we were away, or quiet until now) is read after the newest
  cursor of the whole server, i.e. from roughly when the bot went down, if it has anything newer than that.
- A server with no cursors at all is a fresh install: nothing is back-filled.
- Cursors whose channel is not visible now (archived threads, deleted channels) are returned separately,
  newest first and capped, so the caller can try to fetch those channels one by one.

Exactly-once is storage's job (it ignores message ids it already has), so overlapping reads are harmless."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
