"""/sentiment check and the "Check sentiment" message menu: score a text the way the bot scores comments."""

from __future__ import annotations

import logging
import unicodedata
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import embeds
from bot.app.context import guild_context
from bot.app.i18n import t
from bot.core.errors import UserFacingError
from bot.core.feedback import FeedbackVerdict
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import FlagKind

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000
# Characters that render as nothing but are not Unicode whitespace or format characters.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """True when nothing visible is left: whitespace, zero-width and other invisible characters only."""
    return all(
        ch.isspace() or ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc", "Mn") for ch in text
    )


@app_commands.guild_only()
class SentimentCheck(
    commands.GroupCog, group_name=_("sentiment"), group_description=_("See how the bot scores a text")
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        super().__init__()
        self.check_menu = app_commands.ContextMenu(name=_("Check sentiment"), callback=self.check_message)
        app_commands.guild_only()(self.check_menu)
        self.bot.tree.add_command(self.check_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.check_menu.name, type=self.check_menu.type)

    @app_commands.command(name=_("check"), description=_("Score a text: sentiment, language and why"))
    @app_commands.describe(text=_("The text to score (up to 2,000 characters)"))
    async def check(
        self, interaction: discord.Interaction[Sentimeter], text: app_commands.Range[str, 1, MAX_TEXT_LENGTH]
    ) -> None:
        await self._check(interaction, text)

    async def check_message(
        self, interaction: discord.Interaction[Sentimeter], message: discord.Message
    ) -> None:
        await self._check(interaction, message.content, from_message=True)

    async def _check(
        self, interaction: discord.Interaction[Sentimeter], text: str, *, from_message: bool = False
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, config, locale = ctx.guild, ctx.config, ctx.locale
        if is_blank(text):
            raise UserFacingError(
                t("sentiment.error.no_text" if from_message else "sentiment.error.empty", locale)
            )
        if len(text) > MAX_TEXT_LENGTH:
            raise UserFacingError(
                t(
                    "sentiment.error.too_long",
                    locale,
                    limit=embeds.fmt_int(MAX_TEXT_LENGTH, locale),
                    length=embeds.fmt_int(len(text), locale),
                )
            )
        cleaned = clean_for_scoring(text)
        if is_blank(cleaned):
            raise UserFacingError(t("sentiment.error.nothing_to_score", locale))

        lexicon = await self.bot.configs.lexicon(guild.id)
        explanation = self.bot.scorer.explain(cleaned, overrides=lexicon)
        # the bot's own decision for this server (its sensitivity, lexicon and what its moderators taught)
        assessment = self.bot.pipeline.assess(text, config, lexicon, exempt=False)
        p, topic, evidence = assessment.feedback if assessment.feedback is not None else (0.0, "other", ())
        feedback = FeedbackVerdict(p, topic, evidence)
        flagged = assessment.flag is not None and assessment.flag.kind is FlagKind.NEGATIVE
        embed = embeds.sentiment_embed(
            explanation, locale, text=text, sensitivity=config.sensitivity, feedback=feedback, flagged=flagged
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(SentimentCheck(bot))
