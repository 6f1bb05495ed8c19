"""The ownership helper (bot/core/shards.py): Discord's shard formula, which process owns a server, the checks
on the shard settings, and the due-work window that skips other processes' rows without starving ours."""

from __future__ import annotations

import pytest

from bot.core.shards import MAX_WINDOW, Ownership, check_shards, owns, shard_for

ON_0, ON_1, ON_2 = 6 << 22, 7 << 22, 8 << 22  # shards 0, 1 and 2 of 3; 0, 1 and 0 of 2


def test_shard_for_is_discords_formula() -> None:
    assert [shard_for(g, 3) for g in (ON_0, ON_1, ON_2)] == [0, 1, 2]
    assert [shard_for(g, 2) for g in (ON_0, ON_1, ON_2)] == [0, 1, 0]
    assert shard_for(ON_1 + (1 << 22) - 1, 3) == 1  # the low 22 bits do not count
    assert shard_for(175928847299117063, 16) == (175928847299117063 >> 22) % 16
    with pytest.raises(ValueError):
        shard_for(ON_0, 0)


def test_owns() -> None:
    assert owns(ON_1, None, None) and owns(ON_1, None, 2)  # unsharded, or every shard: everything
    assert owns(ON_1, {1}, 2) and not owns(ON_0, {1}, 2)
    assert owns(ON_2, {0, 2}, 3) and not owns(ON_1, {0, 2}, 3)
    mine = Ownership(3, frozenset({1}))
    assert mine.keep([ON_0, ON_1, ON_2], lambda g: g) == [ON_1]
    assert not mine.first and Ownership(3, frozenset({0})).first and Ownership().first
    assert not Ownership().sharded and mine.sharded


@pytest.mark.parametrize(
    ("count", "ids", "problem"),
    [
        (None, None, None),
        (2, None, None),
        (2, (1, 0), None),
        (1, (0,), None),
        (None, (0,), "needs SENTIMETER_SHARD_COUNT"),
        (0, None, "at least 1"),
        (2, (), "empty"),
        (2, (1, 1), "twice"),
        (2, (0, 2), "2 is outside 0..1"),
    ],
)
def test_check_shards(count: int | None, ids: tuple[int, ...] | None, problem: str | None) -> None:
    found = check_shards(count, ids)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "\n" not in found


class Due:
    """The storage's due query over a list of guild ids, oldest first, recording each window asked for."""

    def __init__(self, rows: list[int]) -> None:
        self.rows = rows
        self.windows: list[int] = []

    async def __call__(self, limit: int) -> list[int]:
        self.windows.append(limit)
        return self.rows[:limit]


async def test_due_keeps_our_rows_and_says_others_were_skipped() -> None:
    fetch = Due([ON_1, ON_0, ON_1, ON_0])
    mine, skipped = await Ownership(2, frozenset({0})).due(fetch, 10, lambda g: g)
    assert (mine, skipped, fetch.windows) == ([ON_0, ON_0], True, [10])
    everything, skipped = await Ownership().due(Due([ON_1, ON_0]), 10, lambda g: g)
    assert (everything, skipped) == ([ON_1, ON_0], False)


async def test_a_window_of_only_other_processes_rows_is_widened_so_ours_are_not_starved() -> None:
    backlog = [ON_1] * 120 + [ON_0, ON_0]  # the process of shard 1 is down: its posts pile up first
    fetch = Due(backlog)
    mine, skipped = await Ownership(2, frozenset({0})).due(fetch, 50, lambda g: g)
    assert (mine, skipped, fetch.windows) == ([ON_0, ON_0], True, [50, 200])
    # bounded: past MAX_WINDOW it gives up for this round rather than read without end
    fetch = Due([ON_1] * (MAX_WINDOW + 10) + [ON_0])
    mine, skipped = await Ownership(2, frozenset({0})).due(fetch, 50, lambda g: g)
    assert mine == [] and skipped and fetch.windows[-1] == MAX_WINDOW
