"""/export <what> [period] (Manage Messages, ephemeral): the server's daily statistics per channel, flag log
or top posts as CSV files. The rows and the text: bot/core/export.py; the reads: bot/storage/_export.py.

A file larger than the server's upload limit is split into parts that each fit (each with the header row), one
part per message; the reply says so. Rows of channels the person asking cannot see are left out (as /stats
does) and the reply says how many."""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app.context import guild_context
from bot.app.embeds import fmt_int, period_label
from bot.app.errors import NO_PINGS
from bot.app.i18n import t
from bot.app.options import PERIOD_CHOICES
from bot.app.permissions import has_permissions
from bot.core.errors import UserFacingError
from bot.core.export import ExportKind, PartSplitter, export_lines
from bot.core.periods import Period, period_range

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

EXPORT_CHOICES: list[app_commands.Choice[str]] = [
    app_commands.Choice(name=_("Daily statistics per channel"), value=ExportKind.DAILY.value),
    app_commands.Choice(name=_("Flag log"), value=ExportKind.FLAGS.value),
    app_commands.Choice(name=_("Top posts"), value=ExportKind.TOP.value),
]
MAX_PARTS = 10  # files one export may send; a larger one is refused (the command line has no limit)
UPLOAD_MARGIN = 64 * 1024  # bytes kept free under the upload limit for the request's own parts
MIN_PART = 256 * 1024


def _choice(value: str, enum: type[ExportKind] | type[Period], locale: str) -> ExportKind | Period:
    """The chosen value; one that is not a choice (a crafted request) is refused politely."""
    try:
        return enum(value)
    except ValueError:
        raise UserFacingError(t("errors.bad_value", locale, value=value[:100])) from None


def _size(limit: int, locale: str) -> str:
    return t("export.megabytes", locale, size=fmt_int(max(1, limit // (1024 * 1024)), locale))


class Export(commands.Cog):
    def __init__(
        self, bot: Sentimeter, *, clock: Callable[[], float] = time.time, part_limit: int | None = None
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.part_limit = part_limit  # tests: a small upload limit; None = the server's own

    @app_commands.command(
        name=_("export"), description=_("Download statistics, the flag log or top posts as CSV files")
    )
    @app_commands.describe(what=_("What to export"), period=_("The time period (default: last 30 days)"))
    @app_commands.choices(what=EXPORT_CHOICES, period=PERIOD_CHOICES)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @has_permissions(manage_messages=True)
    async def export(
        self, interaction: discord.Interaction[Sentimeter], what: str, period: str = Period.MONTH.value
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        guild, locale = ctx.guild, ctx.locale
        kind = ExportKind(_choice(what, ExportKind, locale))
        chosen = Period(_choice(period, Period, locale))
        start, end = period_range(chosen, int(self.clock()))
        await interaction.response.defer(ephemeral=True, thinking=True)

        limit = self.part_limit or max(guild.filesize_limit - UPLOAD_MARGIN, MIN_PART)
        viewer = interaction.user if isinstance(interaction.user, discord.Member) else None
        visible: dict[int, bool] = {}
        hidden = 0

        def can_view(channel_id: int) -> bool:
            nonlocal hidden
            if channel_id not in visible:
                channel = guild.get_channel_or_thread(channel_id)
                # a deleted channel hides nothing; rows of one the person cannot see are left out
                seen = channel is None or viewer is None or channel.permissions_for(viewer).view_channel
                visible[channel_id] = seen
            if not visible[channel_id]:
                hidden += 1
            return visible[channel_id]

        def name_of(channel_id: int) -> str | None:
            channel = guild.get_channel_or_thread(channel_id)
            return None if channel is None else channel.name

        parts: list[IO[bytes]] = []
        rows = 0
        try:
            splitter: PartSplitter | None = None
            lines = export_lines(self.bot.storage, kind, guild.id, start, end, name_of, keep=can_view)
            async with contextlib.aclosing(lines):
                async for line in lines:
                    if splitter is None:  # the header row
                        splitter = PartSplitter(line, limit, bom=True)
                        continue
                    rows += 1
                    done = splitter.add(line)
                    if done is not None:
                        if len(parts) + 1 >= MAX_PARTS:
                            raise UserFacingError(
                                t("export.too_large", locale, parts=MAX_PARTS, size=_size(limit, locale))
                            )
                        parts.append(_spool(done))
            assert splitter is not None
            parts.append(_spool(splitter.finish()))
            await self._send(interaction, kind, chosen, guild.id, parts, rows, hidden, limit, locale)
        finally:
            for part in parts:
                part.close()

    async def _send(
        self,
        interaction: discord.Interaction[Sentimeter],
        kind: ExportKind,
        period: Period,
        guild_id: int,
        parts: list[IO[bytes]],
        rows: int,
        hidden: int,
        limit: int,
        locale: str,
    ) -> None:
        what = t(f"export.what.{kind.value}", locale)
        label = period_label(period, locale)
        if rows == 0:
            text = t("export.empty", locale, what=what, period=label)
        elif len(parts) == 1:
            text = t("export.done", locale, what=what, period=label, rows=fmt_int(rows, locale))
        else:
            text = t(
                "export.split",
                locale,
                what=what,
                period=label,
                rows=fmt_int(rows, locale),
                parts=len(parts),
                size=_size(limit, locale),
            )
        if hidden:
            text += "\n" + t("export.hidden_channels", locale, rows=fmt_int(hidden, locale))
        day = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%d")
        stem = f"sentimeter-{kind.value}-{period.value}-{guild_id}-{day}"
        for number, part in enumerate(parts, start=1):
            name = f"{stem}.csv" if len(parts) == 1 else f"{stem}-part{number}of{len(parts)}.csv"
            content = text if number == 1 else t("export.part", locale, part=number, parts=len(parts))
            file = discord.File(cast(io.BufferedIOBase, part), filename=name)
            try:
                await interaction.followup.send(content, file=file, ephemeral=True, allowed_mentions=NO_PINGS)
            finally:
                file.close()  # gives the part its own close() back (the command closes it)
        log.info("guild %s: exported %s (%s), %d rows in %d files", guild_id, kind, period, rows, len(parts))


def _spool(data: bytes) -> IO[bytes]:
    """A finished part, kept on disk until it is sent (a large export does not sit in memory)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the command once sent
    file.write(data)
    file.seek(0)
    return file


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Export(bot))
