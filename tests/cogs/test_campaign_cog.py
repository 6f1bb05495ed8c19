"""/campaign against real storage and the real chart renderer: permissions, polite refusals, the cache the
ingest path reads, names offered per server, and a report with its PNG."""

from __future__ import annotations

import struct
import time
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from bot.app.charts import close_charts
from bot.app.client import Sentimeter
from bot.app.permissions import PermissionsMissing
from bot.core.campaigns.matcher import MAX_CAMPAIGNS, MAX_KEYWORDS
from bot.core.errors import UserFacingError
from bot.storage.models import CampaignMentions, MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage
from cogs.campaign import Campaigns
from tests.cogs.conftest import GUILD_ID, OTHER_GUILD_ID, fake_channel, fake_guild, fake_interaction, sent

ADMIN = discord.Permissions(manage_guild=True, manage_messages=True)
MOD = discord.Permissions(manage_messages=True)


@pytest.fixture
async def cog(bot: Sentimeter) -> AsyncIterator[Campaigns]:
    yield Campaigns(bot)
    await close_charts()


def interaction(permissions: discord.Permissions = ADMIN, guild_id: int = GUILD_ID, **kw: Any) -> Any:
    guild = fake_guild(guild_id)
    return fake_interaction(guild, channel=fake_channel(guild), permissions=permissions, **kw)


async def test_add_list_remove(cog: Campaigns, bot: Sentimeter, storage: SQLiteStorage) -> None:
    assert await bot.campaigns.get(GUILD_ID) is None  # cached: no campaigns
    add = interaction()
    await cog.add.callback(
        cog, add, "  Kopi  Kenangan ", "kopi kenangan, https://kopi.example/promo, KOPI KENANGAN"
    )
    reply = sent(add)
    assert reply.ephemeral and "Kopi Kenangan" in str(reply.embed.description)
    stored = await storage.list_campaigns(GUILD_ID)
    assert [c.keywords for c in stored] == [("kopi kenangan", "https://kopi.example/promo")]
    cset = await bot.campaigns.get(GUILD_ID)  # the ingest path sees it at once
    assert cset is not None and cset.campaigns[0][0] == stored[0].id

    listing = interaction(MOD)
    await cog.list_campaigns.callback(cog, listing)
    assert [f.name for f in sent(listing).embed.fields] == ["Kopi Kenangan"]

    other = interaction(guild_id=OTHER_GUILD_ID)
    await cog.list_campaigns.callback(cog, other)
    assert sent(other).embed.fields == []  # another server sees none of it

    remove = interaction()
    await cog.remove.callback(cog, remove, "kopi kenangan")
    assert await storage.list_campaigns(GUILD_ID) == []
    assert await bot.campaigns.get(GUILD_ID) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "x"), "1 to 50 characters"),
        (("A", " , ,"), "at least one keyword"),
        (("A", "!!!"), "no letters or digits"),
        (("A", "x" * 101), "at most 100"),
        (("A", ",".join(f"k{i}" for i in range(MAX_KEYWORDS + 1))), "at most 20"),
        (("A", "x", "tomorrow"), "not a date"),
        (("A", "x", "2026-12-10", "2026-12-01"), "before the first day"),
    ],
)
async def test_bad_input_is_refused_politely(cog: Campaigns, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        await cog.add.callback(cog, interaction(), *args)


async def test_limits_names_and_permissions(cog: Campaigns, storage: SQLiteStorage) -> None:
    with pytest.raises(PermissionsMissing):  # adding needs Manage Server
        await cog.add.callback(cog, interaction(MOD), "A", "x")
    with pytest.raises(PermissionsMissing):  # reports need Manage Messages
        await cog.report.callback(cog, interaction(discord.Permissions.none()), "A")
    for i in range(MAX_CAMPAIGNS):
        await cog.add.callback(cog, interaction(), f"C{i}", "x")
    with pytest.raises(UserFacingError, match="already"):
        await cog.add.callback(cog, interaction(), "c0", "y")  # names ignore case
    with pytest.raises(UserFacingError, match="25 campaigns already"):
        await cog.add.callback(cog, interaction(), "One more", "y")
    with pytest.raises(UserFacingError, match="no campaign called"):
        await cog.report.callback(cog, interaction(), "nope")
    choices = await cog.name_autocomplete(interaction(), "c1")
    assert [c.value for c in choices] == [
        "C1",
        "C10",
        "C11",
        "C12",
        "C13",
        "C14",
        "C15",
        "C16",
        "C17",
        "C18",
        "C19",
    ]
    assert await cog.name_autocomplete(interaction(guild_id=OTHER_GUILD_ID), "") == []


async def test_report_shows_counts_and_a_chart(cog: Campaigns, storage: SQLiteStorage) -> None:
    await cog.add.callback(cog, interaction(), "Brand", "brand", "2026-01-01")
    campaign = await storage.get_campaign(GUILD_ID, "Brand")
    assert campaign is not None
    now = int(time.time())
    ops: list[Any] = []
    for i, compound in enumerate([0.6, 0.7, -0.5, 0.0]):
        ops.append(
            MessageCreated(
                MessageRecord(GUILD_ID, 10, 500 + i, 40 + i % 3, now - 3600 * i, compound=compound)
            )
        )
        ops.append(CampaignMentions(GUILD_ID, 500 + i, (campaign.id,)))
    await storage.apply(ops)
    report = interaction(MOD, locale=discord.Locale.indonesian)
    await cog.report.callback(cog, report, "brand")
    reply = sent(report)
    assert reply.deferred and reply.defer_ephemeral and reply.ephemeral
    assert reply.field("Sebutan selama kampanye") == "4"
    assert reply.field("Anggota yang menyebutnya") == "3"
    assert "Positif 50,0%" in reply.field("Sentimen sebutan")
    assert reply.embed.image.url == "attachment://campaign.png"
    file = report.followup.send.await_args.kwargs["file"]
    png = file.fp.read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1000, 500)


async def test_end_keeps_the_figures(cog: Campaigns, storage: SQLiteStorage) -> None:
    await cog.add.callback(cog, interaction(), "Brand", "brand", "2026-01-01")
    ended = interaction()
    await cog.end.callback(cog, ended, "brand")
    assert "ends today" in str(sent(ended).embed.description)
    campaign = await storage.get_campaign(GUILD_ID, "Brand")
    assert campaign is not None and campaign.ends_at is not None
    assert 0 < campaign.ends_at - time.time() <= 86_400  # the midnight after today (UTC here)
    with pytest.raises(PermissionsMissing):
        await cog.end.callback(cog, interaction(MOD), "brand")
    with pytest.raises(UserFacingError, match="no campaign called"):
        await cog.end.callback(cog, interaction(), "nope")
