"""/privacy and /config retention through the real cogs, the real bot (SQLite in tmp_path, the real scorer,
ingest service and write queue); Discord's HTTP is an autospec."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import aiohttp
import discord
import pytest
from discord.http import HTTPClient

from bot.app.client import Sentimeter
from bot.core import privacy
from bot.core.errors import UserFacingError
from bot.core.ingest.models import IncomingMessage
from bot.storage.models import FlagKind, FlagRequest, MessageCreated
from bot.storage.sqlite import SQLiteStorage
from cogs.config import Config
from cogs.privacy import ForgetConfirm, Privacy
from tests.cogs.conftest import (
    CHANNEL_ID,
    GUILD_ID,
    OTHER_GUILD_ID,
    USER_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    make_bot,
    nothing_sent,
    record,
    sent,
)

NOW = 1_700_000_000
OTHER_USER = 501
REVIEW_CHANNEL, REVIEW_POST = 90, 9_001


async def _deleted(*args: Any, **kwargs: Any) -> None:
    return None


@pytest.fixture
async def live_bot(storage: SQLiteStorage, tmp_path: Path) -> AsyncIterator[Sentimeter]:
    """The real bot with its write queue running (scoring in this process); HTTP is an autospec."""
    bot = make_bot(storage, tmp_path / "sentimeter.db")
    http = create_autospec(HTTPClient, instance=True, spec_set=True)
    http.delete_message.side_effect = _deleted  # a route that returns an awaitable, like the real one
    bot.http = http
    bot._connection.http = http
    bot.queue.start()
    try:
        yield bot
    finally:
        await bot.shutdown_writes()


@pytest.fixture
def cog(live_bot: Sentimeter) -> Privacy:
    return Privacy(live_bot)


def member_interaction(user_id: int = USER_ID, **kwargs: Any) -> Any:
    guild = kwargs.pop("guild", None) or fake_guild()
    return fake_interaction(guild, channel=fake_channel(guild), user=fake_member(user_id), **kwargs)


def said(interaction: Any) -> tuple[str, dict[str, Any]]:
    """The one plain-text reply (send_message) and its keyword arguments."""
    call = interaction.response.send_message.await_args
    assert interaction.response.send_message.await_count == 1
    return str(call.args[0]), call.kwargs


async def _message(bot: Sentimeter, message_id: int, author_id: int, content: str) -> None:
    await bot.ingest.message(
        IncomingMessage(
            guild_id=GUILD_ID,
            channel_id=CHANNEL_ID,
            message_id=message_id,
            author_id=author_id,
            content=content,
            created_at=NOW,
        )
    )


async def _settle(bot: Sentimeter) -> None:
    await bot.ingest.wait_idle()
    await bot.queue.flush()


# -- forget-me -----------------------------------------------------------------------------------------------


async def _seed(storage: SQLiteStorage) -> None:
    mine = record(author_id=USER_ID, created_at=NOW - 3600)
    changes = await storage.apply(
        [
            MessageCreated(mine, FlagRequest(kind=FlagKind.NEGATIVE, text="this stream is awful")),
            MessageCreated(record(author_id=USER_ID, created_at=NOW - 7200)),
            MessageCreated(record(author_id=OTHER_USER, created_at=NOW - 3600)),
            MessageCreated(record(author_id=USER_ID, created_at=NOW - 3600, guild_id=OTHER_GUILD_ID)),
        ]
    )
    flag = changes[0].flag
    await storage.set_review_message(GUILD_ID, flag.id, REVIEW_CHANNEL, REVIEW_POST)


async def test_forget_me_asks_first_and_only_the_member_can_confirm(
    cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage
) -> None:
    await _seed(storage)
    interaction = member_interaction()

    await cog.forget_me.callback(cog, interaction)

    text, kwargs = said(interaction)
    assert kwargs["ephemeral"] is True and "cannot be undone" in text
    view: ForgetConfirm = kwargs["view"]
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 2  # nothing yet

    stranger = member_interaction(OTHER_USER)
    assert await view.interaction_check(stranger) is False
    refusal = stranger.response.send_message.await_args
    assert refusal.kwargs["ephemeral"] is True and "Only the member who asked" in refusal.args[0]
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 2

    owner = member_interaction()
    assert await view.interaction_check(owner) is True
    await view.confirm.callback(owner)

    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 0
    assert (await storage.totals(GUILD_ID, None, None, NOW + 3600)).messages == 1  # the other member's
    assert (await storage.member_totals(OTHER_GUILD_ID, USER_ID, None, NOW)).messages == 1
    assert await storage.list_flags(GUILD_ID, None, 0, 10) == []
    done = owner.edit_original_response.await_args.kwargs["content"]
    assert done.startswith("Done: 2 message records and 1 flags")
    # the review post that showed their text is deleted in Discord too
    http: Any = live_bot.http
    http.delete_message.assert_called_once_with(REVIEW_CHANNEL, REVIEW_POST)


async def test_forget_me_cancel_keeps_everything(cog: Privacy, storage: SQLiteStorage) -> None:
    await _seed(storage)
    interaction = member_interaction(locale=discord.Locale.indonesian)
    await cog.forget_me.callback(cog, interaction)
    text, kwargs = said(interaction)
    assert "Tidak bisa dibatalkan" in text
    view: ForgetConfirm = kwargs["view"]
    assert view.confirm.label == "Hapus dataku"

    owner = member_interaction(locale=discord.Locale.indonesian)
    await view.cancel.callback(owner)

    assert owner.response.edit_message.await_args.kwargs["content"] == "Tidak ada yang dihapus."
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 2


async def test_forget_me_survives_a_review_post_that_is_already_gone(
    cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage
) -> None:
    await _seed(storage)
    http: Any = live_bot.http
    response = create_autospec(aiohttp.ClientResponse, instance=True)
    response.status, response.reason = 404, "Not Found"

    async def gone(*args: Any, **kwargs: Any) -> None:
        raise discord.NotFound(response, "Unknown Message")

    http.delete_message.side_effect = gone
    interaction = member_interaction()
    await cog.forget_me.callback(cog, interaction)
    view: ForgetConfirm = said(interaction)[1]["view"]

    owner = member_interaction()
    await view.confirm.callback(owner)

    assert owner.edit_original_response.await_args.kwargs["content"].startswith("Done: 2")
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 0


# -- opt-out / opt-in ----------------------------------------------------------------------------------------


async def test_an_opted_out_members_messages_are_not_stored_scored_or_flagged(
    cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage
) -> None:
    interaction = member_interaction()
    await cog.opt_out.callback(cog, interaction)
    text, kwargs = said(interaction)
    assert kwargs["ephemeral"] is True and "opted out" in text

    # the first goes the slow way (the server's settings and list are read), the next ones the quick way
    await _message(live_bot, 1, USER_ID, "this is the worst stream ever, I hate it, awful audio")
    await _message(live_bot, 2, USER_ID, "FREE NITRO click here https://dlscord-gift.example/claim now")
    await _message(live_bot, 3, OTHER_USER, "this is the worst stream ever, I hate it, awful audio")
    await _settle(live_bot)

    totals = await storage.totals(GUILD_ID, None, None, NOW + 3600)
    assert totals.messages == 1  # only the other member's
    assert await storage.active_authors(GUILD_ID, None, None, NOW + 3600) == 1
    flags = await storage.list_flags(GUILD_ID, None, 0, 10)
    assert {f.author_id for f in flags} <= {OTHER_USER}

    again = member_interaction()
    await cog.opt_out.callback(cog, again)
    assert "already opted out" in said(again)[0]

    back = member_interaction()
    await cog.opt_in.callback(cog, back)
    assert "counted again" in said(back)[0]
    await _message(live_bot, 4, USER_ID, "nice one")
    await _settle(live_bot)
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW + 3600)).messages == 1


async def test_opt_in_when_not_opted_out_says_so_in_the_members_language(cog: Privacy) -> None:
    interaction = member_interaction(locale=discord.Locale.indonesian)
    await cog.opt_in.callback(cog, interaction)
    assert said(interaction)[0] == "Kamu tidak sedang berhenti dihitung di server ini."


async def test_opt_out_is_per_server(cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage) -> None:
    await cog.opt_out.callback(cog, member_interaction(guild=fake_guild(OTHER_GUILD_ID)))
    await _message(live_bot, 1, USER_ID, "hello there")
    await _settle(live_bot)
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW + 3600)).messages == 1


# -- my-data -------------------------------------------------------------------------------------------------


async def test_my_data_is_an_ephemeral_json_file_of_their_data_only(
    cog: Privacy, storage: SQLiteStorage
) -> None:
    await _seed(storage)
    interaction = member_interaction()

    await cog.my_data.callback(cog, interaction)

    assert interaction.response.defer.await_args.kwargs["ephemeral"] is True
    call = interaction.followup.send.await_args
    assert call.kwargs["ephemeral"] is True
    file: discord.File = call.kwargs["file"]
    assert file.filename == "my-data.json"
    data = json.loads(file.fp.read())
    assert data["user_id"] == str(USER_ID) and data["guild_id"] == str(GUILD_ID)
    assert len(data["messages"]) == 2
    assert [f["text"] for f in data["flags"]] == ["this stream is awful"]


def test_a_large_export_is_compressed() -> None:
    data = {"messages": [{"message_id": i, "text": "x" * 100} for i in range(100_000)]}
    name, content = privacy.export_file(data)
    assert name == "my-data.json.gz"
    assert len(content) < privacy.EXPORT_GZIP_ABOVE
    assert json.loads(gzip.decompress(content)) == data


# -- retention, removal --------------------------------------------------------------------------------------


async def test_config_retention_is_stored_for_managers_only(
    live_bot: Sentimeter, storage: SQLiteStorage
) -> None:
    config = Config(live_bot)
    guild = fake_guild()
    member = fake_interaction(guild, channel=fake_channel(guild), permissions=discord.Permissions.none())
    with pytest.raises(UserFacingError, match="Manage Server"):
        await config.retention.callback(config, member, 30)
    assert nothing_sent(member)
    assert await storage.get_retention(GUILD_ID) is None

    admin = fake_interaction(
        guild, channel=fake_channel(guild), permissions=discord.Permissions(manage_guild=True)
    )
    await config.retention.callback(config, admin, 30)

    assert await storage.get_retention(GUILD_ID) == 30
    reply = sent(admin)
    assert reply.ephemeral is True
    assert "older than 30 days" in str(reply.embed.description)
    assert f"Default: {privacy.DEFAULT_RETENTION_DAYS} days" in str(reply.embed.description)


@pytest.mark.parametrize("days", [0, -5, privacy.MAX_RETENTION_DAYS + 1])
async def test_config_retention_out_of_range_is_refused_politely(
    live_bot: Sentimeter, storage: SQLiteStorage, days: int
) -> None:
    config = Config(live_bot)
    guild = fake_guild()
    admin = fake_interaction(
        guild, channel=fake_channel(guild), permissions=discord.Permissions(manage_guild=True)
    )
    with pytest.raises(UserFacingError, match="between 1 and 3,650 days"):
        await config.retention.callback(config, admin, days)
    assert await storage.get_retention(GUILD_ID) is None


async def test_the_sweep_applies_retention_and_purges_servers_left_long_ago(
    cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage, tmp_path: Path
) -> None:
    clock_now = [float(NOW)]
    storage._clock = lambda: clock_now[0]  # the storage's clock (its constructor takes one)
    old = record(author_id=USER_ID, created_at=NOW - (privacy.DEFAULT_RETENTION_DAYS + 1) * 86_400)
    recent = record(author_id=USER_ID, created_at=NOW - 86_400)
    gone = record(author_id=USER_ID, created_at=NOW - 86_400, guild_id=OTHER_GUILD_ID)
    await storage.apply([MessageCreated(old), MessageCreated(recent), MessageCreated(gone)])
    await cog.on_guild_remove(fake_guild(OTHER_GUILD_ID))
    await live_bot.optouts.set(OTHER_GUILD_ID, USER_ID, True)

    await cog.run_sweep()  # retention only: the grace period has not passed

    data = await storage.member_data(GUILD_ID, USER_ID)
    assert [m["message_id"] for m in data["messages"]] == [recent.message_id]
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 2  # roll-ups stay
    assert (await storage.totals(OTHER_GUILD_ID, None, None, NOW)).messages == 1

    clock_now[0] = NOW + (live_bot.settings.purge_grace_days + 1) * 86_400
    await cog.run_sweep()

    assert (await storage.totals(OTHER_GUILD_ID, None, None, NOW)).messages == 0
    assert await live_bot.optouts.get(OTHER_GUILD_ID) == frozenset()
    assert (await storage.member_totals(GUILD_ID, USER_ID, None, NOW)).messages == 2


async def test_rejoining_in_time_cancels_the_purge(
    cog: Privacy, live_bot: Sentimeter, storage: SQLiteStorage
) -> None:
    clock_now = [float(NOW)]
    storage._clock = lambda: clock_now[0]
    await storage.apply([MessageCreated(record(author_id=USER_ID, created_at=NOW - 60))])
    await cog.on_guild_remove(fake_guild())
    await cog.on_guild_join(fake_guild())
    clock_now[0] = NOW + 365 * 86_400
    await cog.run_sweep()
    assert (await storage.totals(GUILD_ID, None, None, NOW)).messages == 1


async def test_a_failing_sweep_is_logged_not_raised(
    cog: Privacy, live_bot: Sentimeter, caplog: pytest.LogCaptureFixture
) -> None:
    await live_bot.storage.close()
    await cog.run_sweep()
    assert "the privacy sweep failed" in caplog.text


async def test_the_sweep_task_ends_quietly_without_a_gateway(cog: Privacy) -> None:
    await cog.cog_load()
    task = cog._sweep_task
    assert task is not None
    await asyncio.wait_for(task, timeout=10)  # wait_until_ready refuses at once: never logged in
    await cog.cog_unload()
