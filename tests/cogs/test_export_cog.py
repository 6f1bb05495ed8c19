"""/export: the real cog on real SQLite; the files it sends are parsed back with `csv` and checked against the
database: scoped by the interaction's server, channels the moderator cannot see left out, a file larger than
the upload limit split into parts that each open on their own, refusals without a file."""

from __future__ import annotations

import csv
import io
from typing import Any

import discord
import pytest

from bot.app.client import Sentimeter
from bot.app.permissions import PermissionsMissing
from bot.core.errors import UserFacingError
from bot.core.export import HEADERS, ExportKind
from bot.core.periods import DAY
from bot.storage.models import FlagKind, FlagRequest, MessageCreated, ReactionChanged
from bot.storage.sqlite import SQLiteStorage
from cogs.export import MAX_PARTS, Export
from tests.cogs.conftest import (
    CHANNEL_ID,
    GUILD_ID,
    HIDDEN_CHANNEL_ID,
    OTHER_GUILD_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    nothing_sent,
    record,
    register_channels,
)

NOW = 1_700_000_000
MODS = discord.Permissions(manage_messages=True)


class Files:
    """What followup.send sent: (content, filename, bytes) per message, read when sent (the cog closes the
    files afterwards, as discord.py does)."""

    def __init__(self, interaction: Any) -> None:
        self.sent: list[tuple[str, str, bytes]] = []
        interaction.followup.send.side_effect = self._send

    async def _send(self, content: str, *, file: discord.File, ephemeral: bool, **_: Any) -> None:
        assert ephemeral is True
        self.sent.append((content, file.filename, file.fp.read()))

    def rows(self, kind: ExportKind) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for _content, _name, data in self.sent:
            reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            assert tuple(reader.fieldnames or ()) == HEADERS[kind]
            out += list(reader)
        return out


@pytest.fixture
def guild() -> Any:
    guild = fake_guild()
    guild.filesize_limit = 10 * 1024 * 1024
    register_channels(
        guild,
        [
            fake_channel(guild, CHANNEL_ID, name="general"),
            fake_channel(guild, HIDDEN_CHANNEL_ID, name="mods-only", viewer_can_read=False),
        ],
    )
    return guild


def _interaction(guild: Any, permissions: discord.Permissions = MODS) -> Any:
    return fake_interaction(guild, user=fake_member(), permissions=permissions)


async def _seed(storage: SQLiteStorage) -> None:
    ops: list[Any] = []
    for day in range(5):
        for channel in (CHANNEL_ID, HIDDEN_CHANNEL_ID):
            r = record(channel_id=channel, created_at=NOW - day * DAY - 60, compound=0.5)
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text=f"@everyone {'x' * 40} day {day}", reason="“x”")
            ops += [MessageCreated(r, flag), ReactionChanged(GUILD_ID, channel, r.message_id, delta=day + 1)]
    ops.append(MessageCreated(record(guild_id=OTHER_GUILD_ID, created_at=NOW - 60), None))
    await storage.apply(ops)


async def test_daily_is_one_file_of_this_server_without_hidden_channels(
    bot: Sentimeter, storage: SQLiteStorage, guild: Any
) -> None:
    await _seed(storage)
    cog = Export(bot, clock=lambda: NOW)
    interaction = _interaction(guild)
    files = Files(interaction)

    await cog.export.callback(cog, interaction, "daily", "7d")

    assert interaction.response.defer.await_args.kwargs["ephemeral"] is True
    ((content, name, data),) = files.sent
    assert name.startswith(f"sentimeter-daily-7d-{GUILD_ID}-") and name.endswith(".csv")
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = files.rows(ExportKind.DAILY)
    assert [(r["channel_id"], r["channel_name"], r["messages"]) for r in rows] == [
        (str(CHANNEL_ID), "general", "1")
    ] * 5
    assert sorted(int(r["reactions"]) for r in rows) == [1, 2, 3, 4, 5]
    assert "5 rows" in content and "5 rows from channels you cannot see were left out" in content


async def test_flags_and_top(bot: Sentimeter, storage: SQLiteStorage, guild: Any) -> None:
    await _seed(storage)
    cog = Export(bot, clock=lambda: NOW)
    interaction = _interaction(guild)
    files = Files(interaction)
    await cog.export.callback(cog, interaction, "flags", "all")
    flags = files.rows(ExportKind.FLAGS)
    assert len(flags) == 5 and all(f["text"].startswith("'@everyone") for f in flags)
    assert {f["channel_name"] for f in flags} == {"general"}

    interaction = _interaction(guild)
    files = Files(interaction)
    await cog.export.callback(cog, interaction, "top", "all")
    top = files.rows(ExportKind.TOP)
    assert [t["reactions"] for t in top] == ["5", "4", "3", "2", "1"]
    assert all(
        t["message_link"].startswith(f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/") for t in top
    )


async def test_a_file_over_the_upload_limit_comes_in_parts(
    bot: Sentimeter, storage: SQLiteStorage, guild: Any
) -> None:
    await _seed(storage)
    whole = Files(one := _interaction(guild))
    plain = Export(bot, clock=lambda: NOW)
    await plain.export.callback(plain, one, "flags", "all")

    cog = Export(bot, clock=lambda: NOW, part_limit=700)
    interaction = _interaction(guild)
    files = Files(interaction)
    await cog.export.callback(cog, interaction, "flags", "all")

    assert 1 < len(files.sent) <= MAX_PARTS
    assert all(len(data) <= 700 for _c, _n, data in files.sent)
    assert files.rows(ExportKind.FLAGS) == whole.rows(ExportKind.FLAGS)  # nothing lost or doubled
    first = files.sent[0][0]
    assert f"comes in {len(files.sent)} parts" in first and "header row" in first
    names = [name for _c, name, _d in files.sent]
    assert names[-1].endswith(f"-part{len(names)}of{len(names)}.csv") and len(set(names)) == len(names)
    assert files.sent[1][0] == f"Part 2 of {len(files.sent)}."


async def test_too_many_parts_is_refused_without_a_file(
    bot: Sentimeter, storage: SQLiteStorage, guild: Any
) -> None:
    await _seed(storage)
    ops = [
        MessageCreated(record(created_at=NOW - 3600 - i), FlagRequest(kind=FlagKind.NEGATIVE, text="y" * 300))
        for i in range(40)
    ]
    await storage.apply(ops)
    cog = Export(bot, clock=lambda: NOW, part_limit=400)
    interaction = _interaction(guild)
    with pytest.raises(UserFacingError, match="too large to send in Discord"):
        await cog.export.callback(cog, interaction, "flags", "all")
    assert interaction.followup.send.await_count == 0


async def test_without_manage_messages_nothing_is_read_or_sent(bot: Sentimeter, guild: Any) -> None:
    cog = Export(bot, clock=lambda: NOW)
    interaction = _interaction(guild, discord.Permissions(send_messages=True))
    with pytest.raises(PermissionsMissing):
        await cog.export.callback(cog, interaction, "flags", "all")
    assert nothing_sent(interaction)


@pytest.mark.parametrize(("what", "period"), [("weekly", "7d"), ("daily", "1y")])
async def test_a_crafted_value_is_refused_politely(
    bot: Sentimeter, guild: Any, what: str, period: str
) -> None:
    cog = Export(bot, clock=lambda: NOW)
    interaction = _interaction(guild)
    with pytest.raises(UserFacingError, match="isn't valid"):
        await cog.export.callback(cog, interaction, what, period)
    assert nothing_sent(interaction)
