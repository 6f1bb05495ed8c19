"""Catch-up planning without Discord: which gaps to read, close or fetch, and what reconcile changes."""

from __future__ import annotations

import datetime as dt

from bot.core.ingest.catchup import (
    ChannelState,
    Seen,
    backoff,
    plan_gaps,
    reconcile,
    snowflake_at,
    snowflake_time,
)
from bot.storage.models import Gap, StoredMessage


def test_plan_gaps() -> None:
    cursors = {1: 100, 2: 500, 3: 300}
    gaps = [Gap(1, 100), Gap(1, 40, 101), Gap(2, 500), Gap(3, 300), Gap(9, 250), Gap(8, 260)]
    channels = [
        ChannelState(1, 120, True),  # both gaps read, the older first
        ChannelState(2, 500, True),  # nothing newer than the gap: closed
        ChannelState(3, 900, False),  # not readable now: the gap stays, untouched
        ChannelState(4, 600, True),  # no cursor, newer than the newest cursor: a new gap after 500
        ChannelState(5, 400, True),  # no cursor, nothing since the bot went away
    ]
    plan = plan_gaps(gaps, cursors, channels, max_unresolved=1)
    assert plan.read == [Gap(1, 40, 101), Gap(1, 100), Gap(4, 500)]
    assert plan.new == [Gap(4, 500)]
    assert plan.close == [Gap(2, 500)]
    assert plan.unresolved == [Gap(8, 260)]  # not visible: newest first, capped
    # a retry (no cursors): only the recorded gaps
    assert plan_gaps(gaps, {}, channels).new == []
    assert plan_gaps([], {}, channels).read == []  # fresh install: nothing


def test_reconcile_finds_deletes_edits_and_reaction_changes() -> None:
    pairs = [(1, 0), (2, 1), (3, 0), (4, 2), (5, 0)]
    stored = [StoredMessage(10, mid, reactions) for mid, reactions in pairs]
    seen: dict[int, Seen | None] = {
        1: Seen(1, 0, None),
        2: Seen(2, 3, 50.0),  # edited before the bot went away (applied live), reactions changed
        4: None,  # unreadable (malformed): neither deleted nor compared
        5: Seen(5, 0, 150.0),
    }
    result = reconcile(stored, seen, 4, edited_since=100.0)  # the read stopped after message 4
    assert result.deleted == [3]  # 5 is past the read: unknown, not deleted
    assert result.edited == []
    assert result.reactions == [(2, 3)]
    assert reconcile(stored, seen, 5, edited_since=100.0).edited == [5]
    assert reconcile(stored[:1], seen, 5, edited_since=100.0).empty


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff(n, 2.0, 10.0) for n in range(1, 6)] == [2.0, 4.0, 8.0, 10.0, 10.0]


def test_snowflakes_and_times() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    assert abs(snowflake_time(snowflake_at(at)) - at) < 0.001
    assert snowflake_at(0) == 0  # before Discord's epoch
