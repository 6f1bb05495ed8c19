"""Narrow cog tests: the real bot object with real collaborators (SQLite in tmp_path, the real Scorer), and
Discord objects faked with `create_autospec(..., spec_set=True)` so a misspelt attribute, read or assigned,
fails the test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.scoring import Scorer
from bot.core.spam import SpamDetector
from bot.settings import Settings
from bot.storage.models import MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage

GUILD_ID = 1_000
OTHER_GUILD_ID = 2_000
CHANNEL_ID = 10
OTHER_CHANNEL_ID = 11
HIDDEN_CHANNEL_ID = 12
USER_ID = 500
BOT_USER_ID = 999

_scorer: Scorer | None = None


def shared_scorer() -> Scorer:
    """The scorer loads its lexicons once; share it between tests like the bot shares it between servers."""
    global _scorer
    if _scorer is None:
        _scorer = Scorer()
    return _scorer


def make_bot(storage: SQLiteStorage, database: Path) -> Sentimeter:
    """The real bot class, built without touching the network (nothing connects until `start`)."""
    settings = Settings(_env_file=None, SENTIMETER_DATABASE=database)  # type: ignore[call-arg]
    return Sentimeter(settings=settings, storage=storage, scorer=shared_scorer(), spam=SpamDetector())


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db") as opened:
        yield opened


@pytest.fixture
async def bot(storage: SQLiteStorage, tmp_path: Path) -> Sentimeter:
    return make_bot(storage, tmp_path / "sentimeter.db")


# -- Discord fakes -------------------------------------------------------------------------------------------


def fake_member(
    user_id: int = USER_ID, *, name: str = "Rina", guild_permissions: discord.Permissions | None = None
) -> Any:
    member = create_autospec(discord.Member, instance=True, spec_set=True)
    member.id = user_id
    member.display_name = name
    member.name = name.lower()
    member.mention = f"<@{user_id}>"
    member.guild_permissions = guild_permissions or discord.Permissions.none()
    return member


def fake_guild(guild_id: int = GUILD_ID, *, name: str = "Creator Hub", member_count: int = 2_500) -> Any:
    guild = create_autospec(discord.Guild, instance=True, spec_set=True)
    guild.id = guild_id
    guild.name = name
    guild.member_count = member_count
    guild.approximate_member_count = None
    guild.me = fake_member(BOT_USER_ID, name="Sentimeter", guild_permissions=discord.Permissions.all())
    guild.get_channel_or_thread.return_value = None
    return guild


def fake_channel(
    guild: Any,
    channel_id: int = CHANNEL_ID,
    *,
    name: str = "general",
    cls: type[discord.abc.GuildChannel] | type[discord.Thread] = discord.TextChannel,
    viewer_can_read: bool = True,
    bot_permissions: discord.Permissions | None = None,
) -> Any:
    """A channel: `permissions_for(guild.me)` gives `bot_permissions`; others may read if viewer_can_read."""
    channel = create_autospec(cls, instance=True, spec_set=True)
    channel.id = channel_id
    channel.name = name
    channel.mention = f"<#{channel_id}>"
    channel.guild = guild
    bot_perms = bot_permissions if bot_permissions is not None else discord.Permissions.all()
    viewer_perms = discord.Permissions(read_messages=viewer_can_read, send_messages=viewer_can_read)

    def permissions_for(who: Any) -> discord.Permissions:
        return bot_perms if who is guild.me else viewer_perms

    channel.permissions_for.side_effect = permissions_for
    return channel


def register_channels(guild: Any, channels: Iterable[Any]) -> None:
    by_id = {channel.id: channel for channel in channels}
    guild.get_channel_or_thread.side_effect = by_id.get


def fake_role(guild: Any, role_id: int = 77, name: str = "Mods") -> Any:
    role = create_autospec(discord.Role, instance=True, spec_set=True)
    role.id = role_id
    role.name = name
    role.mention = f"<@&{role_id}>"
    role.guild = guild
    return role


def fake_interaction(
    guild: Any,
    *,
    channel: Any = None,
    user: Any = None,
    permissions: discord.Permissions | None = None,
    locale: discord.Locale = discord.Locale.american_english,
) -> Any:
    interaction = create_autospec(discord.Interaction, instance=True, spec_set=True)
    interaction.guild = guild
    interaction.guild_id = guild.id
    interaction.channel = channel
    interaction.user = user if user is not None else fake_member()
    interaction.permissions = permissions if permissions is not None else discord.Permissions.none()
    interaction.locale = locale
    interaction.response = create_autospec(discord.InteractionResponse, instance=True, spec_set=True)
    interaction.response.is_done.return_value = False
    interaction.followup = create_autospec(discord.Webhook, instance=True, spec_set=True)
    return interaction


class Sent:
    """What a command sent: the one embed and whether it was ephemeral."""

    def __init__(
        self, embed: discord.Embed, ephemeral: bool, deferred: bool, defer_ephemeral: bool | None
    ) -> None:
        self.embed = embed
        self.ephemeral = ephemeral
        self.deferred = deferred
        self.defer_ephemeral = defer_ephemeral

    def field(self, name: str) -> str:
        for field in self.embed.fields:
            if field.name == name:
                return str(field.value)
        raise AssertionError(f"no field {name!r} in {[f.name for f in self.embed.fields]}")

    @property
    def field_names(self) -> list[str]:
        return [str(f.name) for f in self.embed.fields]


def sent(interaction: Any) -> Sent:
    """The one reply an interaction got: `response.send_message`, or `followup.send` after a defer."""
    response, followup = interaction.response, interaction.followup
    deferred = response.defer.await_count > 0
    defer_ephemeral = response.defer.await_args.kwargs.get("ephemeral", False) if deferred else None
    calls = [*response.send_message.await_args_list, *followup.send.await_args_list]
    assert len(calls) == 1, f"expected one reply, got {calls}"
    kwargs = calls[0].kwargs
    assert deferred == bool(followup.send.await_args_list), (
        "followup without defer, or defer without followup"
    )
    embed = kwargs.get("embed")
    assert isinstance(embed, discord.Embed), kwargs
    return Sent(embed, bool(kwargs.get("ephemeral", False)), deferred, defer_ephemeral)


def nothing_sent(interaction: Any) -> bool:
    return (
        interaction.response.send_message.await_count == 0
        and interaction.response.defer.await_count == 0
        and interaction.followup.send.await_count == 0
    )


# -- data ----------------------------------------------------------------------------------------------------

_next_message_id = [100_000]


def record(
    *,
    channel_id: int = CHANNEL_ID,
    author_id: int = USER_ID,
    created_at: int,
    compound: float = 0.0,
    is_spam: bool = False,
    reply_to_id: int | None = None,
    guild_id: int = GUILD_ID,
    message_id: int | None = None,
) -> MessageRecord:
    if message_id is None:
        _next_message_id[0] += 1
        message_id = _next_message_id[0]
    pos = max(compound, 0.0)
    neg = max(-compound, 0.0)
    return MessageRecord(
        guild_id=guild_id,
        channel_id=channel_id,
        message_id=message_id,
        author_id=author_id,
        created_at=created_at,
        reply_to_id=reply_to_id,
        compound=compound,
        pos=pos,
        neg=neg,
        neu=1.0 - pos - neg,
        language="en",
        is_spam=is_spam,
    )


async def store(storage: SQLiteStorage, records: Iterable[MessageRecord]) -> None:
    await storage.apply([MessageCreated(r) for r in records])
