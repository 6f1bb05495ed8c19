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


class TickClock:
    """Time moves by ``step`` each time it is read (the job reads it once per message and per step)."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def history(bot: Any, payloads: list[dict[str, Any]], failing: set[int]) -> asyncio.Event:
    """logs_from over ``payloads``; the n-th call (1-based) in ``failing`` gets a 503. Returns an event set
    once a call after the failing ones is made."""
    calls = itertools.count(1)
    past_failures = asyncio.Event()

    async def logs_from(channel_id: int, limit: int, **kw: Any) -> Any:
        n = next(calls)
        if failing and n > max(failing):
            past_failures.set()
        if n in failing:
            raise _server_error()
        after = int(kw["after"])
        newer = [m for m in payloads if int(m["id"]) > after and int(m["channel_id"]) == int(channel_id)]
        return list(reversed(newer[:limit]))

    bot.http.logs_from.side_effect = logs_from
    return past_failures


def record_edits(bot: Any, clock: TickClock) -> list[tuple[float, str]]:
    edits: list[tuple[float, str]] = []

    async def edit_message(channel_id: int, message_id: int, **kw: Any) -> Any:
        content = kw["params"].payload["content"]
        edits.append((clock.now, content))
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


@pytest.mark.parametrize("step", [0.0, 0.05], ids=["time-stands-still", "time-moves"])
async def test_progress_edits_are_throttled(live_bot: Any, step: float) -> None:
    bot = live_bot
    payloads = [message_payload(TEXT_ID, f"old comment {i}") for i in range(350)]
    clock = TickClock(step)
    history(bot, payloads, failing=set())
    edits = record_edits(bot, clock)
    run = await start(bot, payloads)

    await BackfillJob(bot, bot.world.guild, run, clock=clock)()
    await _settle(bot)

    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 350
    assert await bot.storage.backfill_run(GUILD_ID) is None
    assert edits[-1][1] == "Back-fill finished: 1 channels, 350 messages read."
    progress = edits[:-1]
    assert all(text.startswith("Back-fill: 0/1 channels done, ") for _, text in progress)
    if step == 0:
        assert progress == []  # 350 messages read, no time passed: nothing to report yet
    else:
        assert len(progress) >= 2, edits  # about 350 × 0.05 s = 17 s
        times = [at for at, _ in progress]
        assert all(later - earlier >= 5.0 for earlier, later in itertools.pairwise(times))


async def test_a_failed_read_keeps_the_range_and_a_new_job_continues_from_it(
    live_bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bot = live_bot
    bot.settings.catchup_retry_seconds = 0.001  # the retries' pauses, not what the test measures
    bot.settings.catchup_retry_max_seconds = 0.002
    payloads = [message_payload(TEXT_ID, f"old comment {i}") for i in range(350)]
    clock = TickClock(0.0)
    past_failures = history(bot, payloads, failing={3, 4, 5})  # the third page fails three times
    record_edits(bot, clock)
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

    history(bot, payloads, failing=set())  # a restart: a new job from what is stored
    await BackfillJob(bot, bot.world.guild, stored, clock=clock)()
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 350
    asked = [int(call.kwargs["after"]) for call in bot.http.logs_from.call_args_list]
    assert int(payloads[199]["id"]) in asked
    assert await bot.storage.backfill_run(GUILD_ID) is None


async def test_a_resumed_job_counts_what_was_read_before_and_its_eta_from_now(live_bot: Any) -> None:
    run = BackfillRun(
        guild_id=GUILD_ID,
        started_at=0,
        days=365,
        only_channel_id=None,
        channels_total=2,
        messages_read=500,
        ranges=(BackfillRange(TEXT_ID, 1_000, 1_500, 2_000),),  # the other channel is done, this one half
    )
    clock = TickClock(0.0)
    job = BackfillJob(live_bot, live_bot.world.guild, run, clock=clock)
    before = job.progress()
    assert (before.channels_done, before.messages, before.fraction) == (1, 500, 0.75)
    assert before.eta_seconds is None  # nothing read in this session yet
    job.current_fraction = 0.75  # 10 s later, half of what was left of the channel is read
    clock.now += 10.0
    assert job.progress().eta_seconds == pytest.approx(10.0 * 0.125 / 0.125)
