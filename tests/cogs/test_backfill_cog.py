"""The back-fill job (cogs/backfill.py) with the real bot, storage and ingest path; Discord's HTTP is an
autospec (tests/cogs/test_listener.py builds the guild from payloads) and the clock is ours, so the
throttling of progress edits is checked without waiting."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import pytest

from bot.storage.models import BackfillRange, BackfillRun
from cogs.backfill import BackfillJob
from tests.cogs import test_listener
from tests.cogs.test_listener import BOT_ID, GUILD_ID, TEXT_ID, _server_error, _settle, message_payload

live_bot = test_listener.live_bot  # the fixture: the real bot with an autospec'd HTTP client

PROGRESS_ID = 1_190_000_000_000_000_000


class PageClock:
    """Time moves only when a history page is asked for."""

    def __init__(self, per_page: float) -> None:
        self.now = 0.0
        self.per_page = per_page

    def __call__(self) -> float:
        return self.now


def history(bot: Any, payloads: list[dict[str, Any]], clock: PageClock, failing: set[int]) -> asyncio.Event:
    """logs_from over ``payloads``, advancing ``clock``; the n-th call (1-based) in ``failing`` gets a 503.
    Returns an event set once a call after the failing ones is made."""
    calls = itertools.count(1)
    past_failures = asyncio.Event()

    async def logs_from(channel_id: int, limit: int, **kw: Any) -> Any:
        n = next(calls)
        clock.now += clock.per_page
        if failing and n > max(failing):
            past_failures.set()
        if n in failing:
            raise _server_error()
        after = int(kw["after"])
        newer = [m for m in payloads if int(m["id"]) > after and int(m["channel_id"]) == int(channel_id)]
        return list(reversed(newer[:limit]))

    bot.http.logs_from.side_effect = logs_from
    return past_failures


def record_edits(bot: Any) -> list[str]:
    edits: list[str] = []

    async def edit_message(channel_id: int, message_id: int, **kw: Any) -> Any:
        content = kw["params"].payload["content"]
        edits.append(content)
        return message_payload(TEXT_ID, content, message_id=message_id, author_id=BOT_ID, bot=True)

    bot.http.edit_message.side_effect = edit_message
    return edits


async def start(bot: Any, payloads: list[dict[str, Any]]) -> BackfillRun:
    first, last = int(payloads[0]["id"]), int(payloads[-1]["id"])
    run = BackfillRun(
        guild_id=GUILD_ID,
        started_at=0,
        days=365,
        only_channel_id=None,
        channels_total=1,
        progress_channel_id=TEXT_ID,
        progress_message_id=PROGRESS_ID,
        ranges=(BackfillRange(TEXT_ID, first - 1, first - 1, last + 1),),
    )
    assert await bot.storage.start_backfill(run)
    return run


@pytest.mark.parametrize(
    ("per_page", "progress_edits"),
    [(0.0, 0), (3.0, 2), (10.0, 4)],  # 4 pages; an edit at most every 5 s
    ids=["time-stands-still", "3s-a-page", "10s-a-page"],
)
async def test_progress_edits_are_throttled(live_bot: Any, per_page: float, progress_edits: int) -> None:
    bot = live_bot
    payloads = [message_payload(TEXT_ID, f"old comment {i}") for i in range(350)]
    clock = PageClock(per_page)
    history(bot, payloads, clock, failing=set())
    edits = record_edits(bot)
    run = await start(bot, payloads)

    await BackfillJob(bot, bot.world.guild, run, clock=clock)()
    await _settle(bot)

    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 350
    assert await bot.storage.backfill_run(GUILD_ID) is None
    assert edits[-1] == "Back-fill finished: 1 channels, 350 messages read."
    assert len(edits) - 1 == progress_edits, edits
    assert all(edit.startswith("Back-fill: 0/1 channels done, ") for edit in edits[:-1])


async def test_a_failed_read_keeps_the_range_and_a_new_job_continues_from_it(
    live_bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bot = live_bot
    bot.settings.catchup_retry_seconds = 0.001  # the retries' pauses, not what the test measures
    bot.settings.catchup_retry_max_seconds = 0.002
    payloads = [message_payload(TEXT_ID, f"old comment {i}") for i in range(350)]
    clock = PageClock(0.0)
    past_failures = history(bot, payloads, clock, failing={3, 4, 5})  # the third page fails three times
    record_edits(bot)
    run = await start(bot, payloads)

    blocked = asyncio.Event()
    original = bot.http.logs_from.side_effect

    async def stop_after_failures(channel_id: int, limit: int, **kw: Any) -> Any:
        result = await original(channel_id, limit, **kw)
        if past_failures.is_set():
            blocked.set()
            await asyncio.Event().wait()  # Discord stops answering: the job is cancelled here
        return result

    bot.http.logs_from.side_effect = stop_after_failures
    task = asyncio.create_task(BackfillJob(bot, bot.world.guild, run, clock=clock)())
    await blocked.wait()
    stored = await bot.storage.backfill_run(GUILD_ID)
    assert stored is not None and stored.messages_read == 200
    assert stored.ranges == (
        BackfillRange(TEXT_ID, run.ranges[0].start_id, int(payloads[199]["id"]), run.ranges[0].before_id),
    )
    assert f"back-fill paused in channel {TEXT_ID} after message {payloads[199]['id']}" in caplog.text
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    history(bot, payloads, clock, failing=set())  # a restart: a new job from what is stored
    await BackfillJob(bot, bot.world.guild, stored, clock=clock)()
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 350
    asked = [int(call.kwargs["after"]) for call in bot.http.logs_from.call_args_list]
    assert int(payloads[199]["id"]) in asked
    assert await bot.storage.backfill_run(GUILD_ID) is None
