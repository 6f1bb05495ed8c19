"""The Discord-free part of back-fill (bot/core/backfill.py): the ranges to read and the progress figures."""

from __future__ import annotations

import pytest

from bot.core.backfill import plan_ranges, progress, range_fraction
from bot.core.ingest.catchup import ChannelState
from bot.storage.models import BackfillRange

SINCE, UNTIL = 1_000, 2_000


def test_every_readable_channel_with_messages_in_the_window_is_read_once() -> None:
    states = [
        ChannelState(1, 1_500, True),
        ChannelState(2, 900, True),  # newest message older than the window: nothing to read
        ChannelState(3, 1_800, False),  # the bot may not read it
        ChannelState(4, None, True),  # newest unknown: read
        ChannelState(1, 1_500, True),  # listed twice
    ]
    assert plan_ranges(states, since_id=SINCE, until_id=UNTIL) == [
        BackfillRange(1, SINCE, SINCE, UNTIL),
        BackfillRange(4, SINCE, SINCE, UNTIL),
    ]
    only_four = plan_ranges(states, since_id=SINCE, until_id=UNTIL, only=4)
    assert only_four == [BackfillRange(4, SINCE, SINCE, UNTIL)]
    assert plan_ranges(states, since_id=SINCE, until_id=UNTIL, only=3) == []


@pytest.mark.parametrize(
    ("read_up_to", "expected"), [(1_000, 0.0), (1_250, 0.25), (2_000, 1.0), (5_000, 1.0), (10, 0.0)]
)
def test_range_fraction_is_measured_in_time(read_up_to: int, expected: float) -> None:
    assert range_fraction(SINCE, read_up_to, UNTIL) == expected
    assert range_fraction(5, 5, 5) == 1.0  # an empty range is done


def test_rate_and_eta_come_from_this_session() -> None:
    # 4 channels, 1 done and half of the second: 37.5%; this session started at 25% and read 300 in 60 s
    figures = progress(
        channels_done=1,
        channels_total=4,
        current_fraction=0.5,
        messages=1_300,
        session_messages=300,
        session_fraction=0.25,
        elapsed=60.0,
    )
    assert figures.fraction == pytest.approx(0.375)
    assert figures.rate == pytest.approx(5.0)
    assert figures.eta_seconds == pytest.approx(60.0 * 0.625 / 0.125)  # 300 s
    assert not figures.finished


def test_no_eta_before_any_progress_and_zero_when_done() -> None:
    start = progress(
        channels_done=0,
        channels_total=3,
        current_fraction=0.0,
        messages=0,
        session_messages=0,
        session_fraction=0.0,
        elapsed=0.0,
    )
    assert start.eta_seconds is None and start.rate == 0.0
    done = progress(
        channels_done=3,
        channels_total=3,
        current_fraction=0.7,  # left over from the last channel: not counted twice
        messages=10,
        session_messages=10,
        session_fraction=0.0,
        elapsed=2.0,
    )
    assert done.finished and done.fraction == 1.0 and done.eta_seconds == 0.0
