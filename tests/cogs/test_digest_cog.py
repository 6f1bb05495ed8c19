"""The digest cog: /digest set | off | preview, and the scheduler posting once per week with a fake clock
(missed weeks, a send refused by Discord, a send whose answer was lost). Real bot, real SQLite, the real chart
renderer; Discord's HTTP faked with create_autospec (see test_flags_cog.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord.http import HTTPClient

from bot.app.charts import close_charts
from bot.app.permissions import PermissionsMissing
from bot.core.errors import UserFacingError
from bot.storage.models import MessageCreated, MessageRecord
from cogs.digest import _scheduler
from cogs.digest._cog import Digest
from cogs.digest._scheduler import DigestScheduler
from cogs.digest._view import CHART_NAME, DIGEST_MARK
from tests.cogs.conftest import fake_interaction
from tests.cogs.test_flags_cog import http_error
from tests.cogs.test_listener import BOT_ID, GUILD_ID, TEXT_ID, USER_ID, World, message_payload, next_id

WEEK = 7 * 86_400
MONDAY_9 = int(datetime(2026, 12, 7, 2, 0, tzinfo=UTC).timestamp())  # Monday 09:00 in Asia/Jakarta
NO_PINGS: dict[str, list[str]] = {"parse": []}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Channel:
    """What the bot posted in each channel; ``refuse`` answers sends with that error first."""

    def __init__(self, http: Any) -> None:
        self.sent: list[tuple[int, dict[str, Any], int]] = []  # (channel id, payload, files)
        self.refuse: list[Exception] = []
        self.history: list[dict[str, Any]] = []
        http.send_message.side_effect = self._send
        http.logs_from.side_effect = self._logs

    async def _send(self, channel_id: int, *, params: Any) -> dict[str, Any]:
        if self.refuse:
            raise self.refuse.pop(0)
        self.sent.append((int(channel_id), params.payload, len(params.files or [])))
        return message_payload(int(channel_id), "", author_id=BOT_ID, bot=True, flags=1 << 15)

    async def _logs(self, channel_id: int, limit: int, **kw: Any) -> list[dict[str, Any]]:
        return list(self.history)


@pytest.fixture
async def env(storage: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from tests.cogs.conftest import make_bot

    bot = make_bot(storage, tmp_path / "sentimeter.db")
    http = create_autospec(HTTPClient, instance=True, spec_set=True)
    bot.http = http
    bot._connection.http = http
    bot._connection.allowed_mentions = discord.AllowedMentions.all()  # every send must pass none() itself
    world = World(bot._connection, http)
    await storage.set_timezone(GUILD_ID, "Asia/Jakarta")
    clock = Clock(MONDAY_9 - 3 * 86_400)  # Friday
    cog = Digest(bot)
    cog.scheduler = DigestScheduler(bot, clock=clock, rng=lambda: 0.0)

    class Env:
        pass

    e = Env()
    e.bot, e.world, e.cog, e.storage, e.clock, e.channel = bot, world, cog, storage, clock, Channel(http)  # type: ignore[attr-defined]
    old = _scheduler.CLOCK
    _scheduler.CLOCK = clock
    yield e
    _scheduler.CLOCK = old
    await close_charts()


def admin_interaction(env: Any) -> Any:
    member = env.world.guild.get_member(USER_ID)
    return fake_interaction(env.world.guild, user=member, permissions=discord.Permissions(manage_guild=True))


async def seed(env: Any) -> None:
    """A week of messages before MONDAY_9 (in Jakarta's Monday 30 Nov .. Sunday 6 Dec) and one outside."""
    records = [
        MessageRecord(
            guild_id=GUILD_ID,
            channel_id=TEXT_ID,
            message_id=next_id(),
            author_id=USER_ID + i % 3,
            created_at=MONDAY_9 - 86_400 * (1 + i % 6),
            compound=(0.6, -0.6, 0.0)[i % 3],
            pos=0.5,
            neu=0.5,
            language="en",
        )
        for i in range(12)
    ]
    await env.storage.apply([MessageCreated(r) for r in records])


def texts(payload: dict[str, Any]) -> str:
    out: list[str] = []
    stack = list(payload.get("components") or [])
    while stack:
        item = stack.pop(0)
        if item.get("type") == 10:
            out.append(item["content"])
        stack.extend(item.get("components") or [])
    return "\n".join(out)


# -- commands ------------------------------------------------------------------------------------------------


async def test_set_stores_the_schedule_in_the_servers_zone_and_says_when(env: Any) -> None:
    interaction = admin_interaction(env)
    channel = env.world.guild.get_channel(TEXT_ID)
    await env.cog.set_.callback(env.cog, interaction, channel, "mon", 9)
    schedule = await env.storage.get_digest_schedule(GUILD_ID)
    assert (schedule.channel_id, schedule.weekday, schedule.hour, schedule.slot) == (TEXT_ID, 0, 9, MONDAY_9)
    kwargs = interaction.response.send_message.await_args.kwargs
    text = interaction.response.send_message.await_args.args[0]
    assert kwargs["ephemeral"] is True and kwargs["allowed_mentions"].to_dict() == NO_PINGS
    assert f"<t:{MONDAY_9}:F>" in text and "Monday" in text and "Asia/Jakarta" in text

    await env.cog.off.callback(env.cog, interaction)
    assert await env.storage.get_digest_schedule(GUILD_ID) is None


async def test_set_is_refused_without_manage_server_and_for_a_channel_the_bot_cannot_post_in(
    env: Any,
) -> None:
    channel = env.world.guild.get_channel(TEXT_ID)
    member = env.world.guild.get_member(USER_ID)
    nobody = fake_interaction(env.world.guild, user=member, permissions=discord.Permissions.none())
    with pytest.raises(PermissionsMissing):
        await env.cog.set_.callback(env.cog, nobody, channel, "mon", 9)
    hidden = env.world.guild.get_channel(300000000000000005)  # "secret": the bot cannot see it
    if hidden.permissions_for(env.world.guild.me).send_messages:
        pytest.fail("the test world's secret channel should be closed to the bot")
    with pytest.raises(UserFacingError, match="can't post the digest"):
        await env.cog.set_.callback(env.cog, admin_interaction(env), hidden, "mon", 9)
    assert await env.storage.get_digest_schedule(GUILD_ID) is None


async def test_preview_is_an_ephemeral_components_v2_post_with_the_chart(env: Any) -> None:
    await seed(env)
    env.clock.now = MONDAY_9
    interaction = admin_interaction(env)
    await env.cog.preview.callback(env.cog, interaction)
    assert interaction.response.defer.await_args.kwargs["ephemeral"] is True
    kwargs = interaction.followup.send.await_args.kwargs
    assert kwargs["ephemeral"] is True and kwargs["allowed_mentions"].to_dict() == NO_PINGS
    view = kwargs["view"]
    assert isinstance(view, discord.ui.LayoutView)
    payload = {"components": view.to_components()}
    assert payload["components"][0]["id"] == DIGEST_MARK
    body = texts(payload)
    assert "**Messages:** 12" in body  # the seeded week
    assert "Nothing rose much this week." in body  # term counting is on; these comments carry no terms
    assert f"attachment://{CHART_NAME}" in str(payload)
    png = kwargs["file"].fp.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


async def test_a_new_time_zone_moves_the_digest_owed_next(env: Any) -> None:
    channel = env.world.guild.get_channel(TEXT_ID)
    await env.cog.set_.callback(env.cog, admin_interaction(env), channel, "mon", 9)
    await env.bot.configs.set_timezone(GUILD_ID, "Asia/Kolkata")
    await env.cog.on_timezone_change(GUILD_ID)
    schedule = await env.storage.get_digest_schedule(GUILD_ID)
    assert schedule.slot == MONDAY_9 + int(1.5 * 3600)  # Monday 09:00 at +05:30 instead of +07:00
    await env.cog.scheduler.run_due()
    assert env.channel.sent == []
    env.clock.now = MONDAY_9 + 3600  # Jakarta's 09:00 has passed, Kolkata's not yet
    assert await env.cog.scheduler.run_due() == 0
    env.clock.now = schedule.slot
    assert await env.cog.scheduler.run_due() == 1


# -- the scheduler -------------------------------------------------------------------------------------------


async def schedule_monday(env: Any) -> None:
    channel = env.world.guild.get_channel(TEXT_ID)
    await env.cog.set_.callback(env.cog, admin_interaction(env), channel, "mon", 9)


async def test_the_digest_is_posted_once_when_its_slot_comes(env: Any) -> None:
    await seed(env)
    await schedule_monday(env)
    scheduler = env.cog.scheduler
    env.clock.now = MONDAY_9 - 1
    assert await scheduler.run_due() == 0 and env.channel.sent == []
    env.clock.now = MONDAY_9
    assert await scheduler.run_due() == 1
    env.clock.now = MONDAY_9 + 3600
    assert await scheduler.run_due() == 0
    [(channel_id, payload, files)] = env.channel.sent
    assert channel_id == TEXT_ID
    # the test world's bot may not attach files in #general: the post goes out without the chart
    assert not env.world.guild.get_channel(TEXT_ID).permissions_for(env.world.guild.me).attach_files
    assert files == 0 and "attachment://" not in str(payload)
    assert payload["flags"] & (1 << 15)  # Components V2
    assert payload["allowed_mentions"] == NO_PINGS
    assert "**Messages:** 12" in texts(payload)
    schedule = await env.storage.get_digest_schedule(GUILD_ID)
    assert (schedule.posted_slot, schedule.slot) == (MONDAY_9, MONDAY_9 + WEEK)


async def test_weeks_missed_while_down_give_exactly_one_post(env: Any) -> None:
    await schedule_monday(env)
    env.clock.now = MONDAY_9 + 3 * WEEK + 5 * 3600  # three slots passed while the bot was away
    assert await env.cog.scheduler.run_due() == 1
    assert await env.cog.scheduler.run_due() == 0
    assert len(env.channel.sent) == 1
    schedule = await env.storage.get_digest_schedule(GUILD_ID)
    assert (schedule.posted_slot, schedule.slot) == (MONDAY_9 + 3 * WEEK, MONDAY_9 + 4 * WEEK)


async def test_a_refused_channel_is_logged_once_and_the_digest_is_posted_when_it_works(
    env: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await schedule_monday(env)
    env.channel.refuse = [http_error(discord.Forbidden, 403), http_error(discord.Forbidden, 403)]
    env.clock.now = MONDAY_9
    with caplog.at_level(logging.WARNING, logger="cogs.digest._scheduler"):
        for _ in range(3):
            await env.cog.scheduler.run_due()
            schedule = await env.storage.get_digest_schedule(GUILD_ID)
            env.clock.now = schedule.next_at  # the retry time it chose
    cannot = [r for r in caplog.records if "cannot post the weekly digest" in r.getMessage()]
    assert len(cannot) == 1
    assert len(env.channel.sent) == 1
    assert (await env.storage.get_digest_schedule(GUILD_ID)).posted_slot == MONDAY_9


async def test_a_post_made_whose_answer_was_lost_is_found_not_posted_again(env: Any) -> None:
    await schedule_monday(env)
    # a previous process claimed the slot and sent it, then died before recording the post
    assert await env.storage.claim_digest(GUILD_ID, MONDAY_9, MONDAY_9, TEXT_ID, MONDAY_9, lease=600)
    made = message_payload(
        TEXT_ID,
        "",
        author_id=BOT_ID,
        bot=True,
        flags=1 << 15,
        components=[
            {
                "type": 17,
                "id": DIGEST_MARK,
                "components": [{"type": 10, "id": MONDAY_9 // 60, "content": "x"}],
            }
        ],
    )
    other_week = {
        **made,
        "id": str(next_id()),
        "components": [
            {
                **made["components"][0],
                "components": [{"type": 10, "id": (MONDAY_9 - WEEK) // 60, "content": "x"}],
            }
        ],
    }
    env.channel.history = [message_payload(TEXT_ID, "hi"), other_week, made]
    env.clock.now = MONDAY_9 + 601  # the lease is over
    assert await env.cog.scheduler.run_due() == 0
    assert env.channel.sent == []
    schedule = await env.storage.get_digest_schedule(GUILD_ID)
    assert (schedule.posted_slot, schedule.message_id) == (MONDAY_9, int(made["id"]))

    # without such a post in the channel, the claimed slot is posted (once)
    await env.storage.set_digest_schedule(GUILD_ID, TEXT_ID, 0, 9, MONDAY_9 + WEEK)
    assert await env.storage.claim_digest(
        GUILD_ID, MONDAY_9 + WEEK, MONDAY_9 + WEEK, TEXT_ID, MONDAY_9 + WEEK, lease=600
    )
    env.channel.history = [other_week, made]  # digests, but of other weeks
    env.clock.now = MONDAY_9 + WEEK + 601
    assert await env.cog.scheduler.run_due() == 1
    assert len(env.channel.sent) == 1
