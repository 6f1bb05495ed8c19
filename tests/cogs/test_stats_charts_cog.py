"""/stats charts (issue 15): the trend chart attached to /stats channel and /stats server, /stats activity's
heatmap and busiest hour in the server's time zone, and the answer without a picture when none can be drawn.
Real SQLite, the real StatsService and the real renderer (bot/app/charts: a worker process)."""

from __future__ import annotations

import struct
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.app.charts import ChartUnavailable
from bot.app.client import Sentimeter
from bot.charts import BAR_SIZE, HEATMAP_SIZE, BarChart, Heatmap
from bot.core.errors import UserFacingError
from bot.storage.sqlite import SQLiteStorage
from cogs.stats import Stats
from tests.cogs.conftest import (
    GUILD_ID,
    HIDDEN_CHANNEL_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    nothing_sent,
    record,
    register_channels,
    sent,
    store,
)

NOW = 1_700_000_000  # Tuesday 2023-11-14 22:13:20 UTC = Wednesday 05:13 in Asia/Jakarta (UTC+7)
DAY = 86_400
H = 3600


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def attachment(interaction: Any) -> discord.File:
    file = interaction.followup.send.await_args.kwargs.get("file")
    assert isinstance(file, discord.File), interaction.followup.send.await_args.kwargs
    return file


@pytest.fixture
async def cog(bot: Sentimeter) -> Stats:
    bot.fetch_guild = create_autospec(  # type: ignore[method-assign]
        bot.fetch_guild, spec_set=True, side_effect=discord.HTTPException(_response(503), "unavailable")
    )
    return Stats(bot, clock=lambda: NOW)


def _response(status: int) -> Any:
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    response.status = status
    response.reason = "error"
    return response


async def seed(storage: SQLiteStorage) -> None:
    # Fridays 13:xx UTC = Fridays 20:xx in Jakarta: the busiest slot there; one Monday 01:00 UTC message
    fridays = [NOW - 4 * DAY - 9 * H + i * 60 for i in range(3)] + [NOW - 11 * DAY - 9 * H]
    await store(storage, [record(created_at=at, compound=0.6) for at in fridays])
    await store(storage, [record(created_at=NOW - DAY - 21 * H, compound=-0.6)])


async def test_channel_and_server_stats_attach_a_trend_chart(
    cog: Stats, storage: SQLiteStorage, bot: Sentimeter
) -> None:
    await seed(storage)
    await bot.configs.set_timezone(GUILD_ID, "Asia/Jakarta")
    guild = fake_guild()
    general = fake_channel(guild)
    register_channels(guild, [general])

    interaction = fake_interaction(guild, channel=general)
    await cog.channel.callback(cog, interaction, None, "30d")
    reply = sent(interaction)
    file = attachment(interaction)
    assert file.filename == "trend.png" and reply.embed.image.url == "attachment://trend.png"
    assert png_size(file.fp.read()) == BAR_SIZE
    # the busiest hour is in the server's zone: 13:00 UTC on Fridays is 20:00 in Jakarta
    assert reply.field("Busiest hour") == "20:00–21:00 Asia/Jakarta"

    server = fake_interaction(guild, channel=general)
    await cog.server.callback(cog, server, "7d")
    assert sent(server).embed.image.url == "attachment://trend.png"
    assert png_size(attachment(server).fp.read()) == BAR_SIZE


async def test_stats_activity_heatmap_and_busiest_slot_in_the_servers_zone(
    cog: Stats, storage: SQLiteStorage, bot: Sentimeter
) -> None:
    await seed(storage)
    await bot.configs.set_timezone(GUILD_ID, "Asia/Jakarta")
    guild = fake_guild()
    general = fake_channel(guild)
    register_channels(guild, [general])

    interaction = fake_interaction(guild, channel=general)
    await cog.activity.callback(cog, interaction, None, "30d")
    reply = sent(interaction)
    assert reply.ephemeral is False
    assert reply.embed.description == "Busiest: **Fri 20:00–21:00** (Asia/Jakarta)"
    file = attachment(interaction)
    assert file.filename == "activity.png" and reply.embed.image.url == "attachment://activity.png"
    assert png_size(file.fp.read()) == HEATMAP_SIZE

    # Indonesian: weekday names localised
    indonesian = fake_interaction(guild, channel=general, locale=discord.Locale.indonesian)
    await cog.activity.callback(cog, indonesian, general, "30d")
    assert sent(indonesian).embed.description == "Paling ramai: **Jum 20:00–21:00** (Asia/Jakarta)"


async def test_activity_of_a_hidden_channel_is_refused_and_empty_periods_say_so(
    cog: Stats, storage: SQLiteStorage
) -> None:
    guild = fake_guild()
    hidden = fake_channel(guild, HIDDEN_CHANNEL_ID, name="mods", viewer_can_read=False)
    refused = fake_interaction(guild, channel=fake_channel(guild))
    with pytest.raises(UserFacingError, match="can't view"):
        await cog.activity.callback(cog, refused, hidden, "7d")
    assert nothing_sent(refused)

    empty = fake_interaction(guild, channel=fake_channel(guild))
    await cog.activity.callback(cog, empty, None, "24h")
    reply = sent(empty)
    assert reply.embed.description == "No messages in this period."
    assert "file" not in empty.followup.send.await_args.kwargs


async def test_figures_go_out_without_the_chart_when_it_cannot_be_drawn(
    bot: Sentimeter, storage: SQLiteStorage
) -> None:
    await seed(storage)
    drawn: list[BarChart | Heatmap] = []

    async def unavailable(spec: BarChart | Heatmap) -> bytes:
        drawn.append(spec)
        raise ChartUnavailable("busy")

    cog = Stats(bot, clock=lambda: NOW, render=unavailable)
    guild = fake_guild()
    general = fake_channel(guild)
    interaction = fake_interaction(guild, channel=general)
    await cog.channel.callback(cog, interaction, None, "30d")
    reply = sent(interaction)
    assert len(drawn) == 1 and isinstance(drawn[0], BarChart)
    assert reply.field("Messages").startswith("5")
    assert not reply.embed.image.url
    assert "file" not in interaction.followup.send.await_args.kwargs or not isinstance(
        interaction.followup.send.await_args.kwargs["file"], discord.File
    )
    assert any("could not be drawn" in str(f.value) for f in reply.embed.fields)
