"""/lexicon add | remove | list: the server's own words and weights, applied over the built-in lexicons."""

from __future__ import annotations

import logging
import math
import unicodedata
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import embeds
from bot.app.context import guild_context
from bot.app.i18n import t
from bot.app.markdown import truncate
from bot.core.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

MAX_WORD_LENGTH = 40
MAX_WEIGHT = 4.0  # VADER's scale
MAX_WORDS = 500  # per server: keeps the lexicon (and every message's scoring) small
PAGE_SIZE = 20


def normalise_word(raw: str) -> str | None:
    """Lower case, single spaces; None unless it is a word or a two-word phrase of 1-40 characters with at
    least one letter or digit and no Discord markup characters."""
    word = " ".join(unicodedata.normalize("NFKC", raw).casefold().split())
    if not 1 <= len(word) <= MAX_WORD_LENGTH or word.count(" ") > 1:
        return None
    if not any(ch.isalnum() for ch in word) or any(ch in "`<>@#|*~" for ch in word):
        return None
    return word


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Lexicon(
    commands.GroupCog,
    group_name=_("lexicon"),
    group_description=_("This server's own words and their weights"),
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        super().__init__()

    async def _start(self, interaction: discord.Interaction[Sentimeter]) -> tuple[int, str]:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        return ctx.guild.id, ctx.locale

    @app_commands.command(name=_("add"), description=_("Add a word or change its weight"))
    @app_commands.describe(
        word=_("A word or two-word phrase, e.g. 'gacor' or 'kill it'"),
        weight=_("From -4 (very negative) to 4 (very positive); 0 makes the word neutral"),
    )
    async def add(
        self,
        interaction: discord.Interaction[Sentimeter],
        word: app_commands.Range[str, 1, MAX_WORD_LENGTH],
        weight: app_commands.Range[float, -MAX_WEIGHT, MAX_WEIGHT],
    ) -> None:
        guild_id, locale = await self._start(interaction)
        normalised = normalise_word(word)
        if normalised is None:
            raise UserFacingError(t("lexicon.error.bad_word", locale, max=MAX_WORD_LENGTH))
        if not math.isfinite(weight) or not -MAX_WEIGHT <= weight <= MAX_WEIGHT:
            raise UserFacingError(t("lexicon.error.bad_weight", locale))
        current = await self.bot.storage.get_lexicon(guild_id)
        if normalised not in current and len(current) >= MAX_WORDS:
            raise UserFacingError(t("lexicon.error.full", locale, max=embeds.fmt_int(MAX_WORDS, locale)))
        weight = round(weight, 2)
        await self.bot.configs.set_lexicon_word(guild_id, normalised, weight)
        key = "lexicon.updated" if normalised in current else "lexicon.added"
        embed = discord.Embed(
            title=t("lexicon.title", locale),
            description=t(
                key, locale, word=normalised, weight=embeds.fmt_decimal(weight, locale, 2, signed=True)
            ),
            colour=embeds.COLOUR_INFO,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=_("remove"), description=_("Remove a word from this server's lexicon"))
    @app_commands.describe(word=_("The word or phrase"))
    async def remove(self, interaction: discord.Interaction[Sentimeter], word: str) -> None:
        guild_id, locale = await self._start(interaction)
        normalised = normalise_word(word)
        if normalised is None or not await self.bot.configs.remove_lexicon_word(guild_id, normalised):
            raise UserFacingError(
                t("lexicon.error.not_found", locale, word=truncate(word.strip().replace("`", "ˋ"), 60))
            )
        embed = discord.Embed(
            title=t("lexicon.title", locale),
            description=t("lexicon.removed", locale, word=normalised),
            colour=embeds.COLOUR_INFO,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @remove.autocomplete("word")
    async def remove_autocomplete(
        self, interaction: discord.Interaction[Sentimeter], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        needle = current.casefold().strip()
        words = sorted(await self.bot.configs.lexicon(interaction.guild_id))
        return [app_commands.Choice(name=w, value=w) for w in words if needle in w][:25]

    @app_commands.command(name=_("list"), description=_("Show this server's words and weights"))
    @app_commands.describe(page=_("Page number (default: 1)"))
    async def list_words(
        self, interaction: discord.Interaction[Sentimeter], page: app_commands.Range[int, 1, 1000] = 1
    ) -> None:
        guild_id, locale = await self._start(interaction)
        lexicon = await self.bot.storage.get_lexicon(guild_id)
        entries = sorted(lexicon.items())
        pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        embed = embeds.lexicon_embed(shown, locale, page=page, pages=pages, total=len(entries))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Lexicon(bot))
