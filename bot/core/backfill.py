"""Back-fill, the Discord-free part: which range of each channel's history to read, and the figures of the
progress message (channels done, messages read, rate, ETA).

A back-fill reads, per channel, the messages after ``since_id`` (the window's start: ``days`` back, at most
the server's limit) and before ``until_id`` (when it started: newer ones arrived live), oldest first. The
ranges are stored (bot/storage/_backfill.py) and narrowed as what was read is committed, so a restart
continues where it stopped; storage ignores message ids it already has, so nothing is counted twice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.ingest.catchup import ChannelState
from bot.storage.models import BackfillRange

DEFAULT_DAYS = 365  # how far back a back-fill reads unless the server set its own limit
MAX_DAYS = 3650


def plan_ranges(
    channels: Iterable[ChannelState], *, since_id: int, until_id: int, only: int | None = None
) -> list[BackfillRange]:
    """The range to read in every readable channel (or only ``only``) that may hold messages in the window;
    a channel whose newest message is older than the window has nothing to read."""
    ranges: list[BackfillRange] = []
    seen: set[int] = set()
    for state in channels:
        if state.channel_id in seen or (only is not None and state.channel_id != only):
            continue
        seen.add(state.channel_id)
        if not state.readable:
            continue
        if state.last_message_id is not None and state.last_message_id <= since_id:
            continue
        ranges.append(BackfillRange(state.channel_id, since_id, since_id, until_id))
    return ranges


def range_fraction(start_id: int, read_up_to: int, before_id: int) -> float:
    """How much of a range is read, 0..1, measured in time (message ids are timestamps)."""
    span = before_id - start_id
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (read_up_to - start_id) / span))


@dataclass(frozen=True, slots=True)
class Progress:
    channels_done: int
    channels_total: int
    messages: int  # read so far, all sessions
    rate: float  # messages per second in this session
    eta_seconds: float | None  # None until there is enough to estimate
    fraction: float  # 0..1

    @property
    def finished(self) -> bool:
        return self.channels_done >= self.channels_total


def progress(
    *,
    channels_done: int,
    channels_total: int,
    current_fraction: float,
    messages: int,
    session_messages: int,
    session_fraction: float,
    elapsed: float,
) -> Progress:
    """The figures of the progress message. The rate and the ETA come from this session alone (a restart
    starts a new one, so the downtime does not count): ``session_messages`` and the fraction done since it
    began at ``session_fraction``, over ``elapsed`` seconds."""
    if channels_total <= 0:
        return Progress(channels_done, channels_total, messages, 0.0, 0.0, 1.0)
    done = min(channels_done, channels_total)
    fraction = min(1.0, (done + (current_fraction if done < channels_total else 0.0)) / channels_total)
    rate = session_messages / elapsed if elapsed > 0 else 0.0
    gained = fraction - session_fraction
    eta: float | None = None
    if fraction >= 1.0:
        eta = 0.0
    elif gained > 0 and elapsed > 0:
        eta = elapsed * (1.0 - fraction) / gained
    return Progress(done, channels_total, messages, rate, eta, fraction)
