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
from bot.app.offload import off_loop
from bot.core.errors import UserFacingError
from bot.core.feedback import FeedbackVerdict
from bot.core.ingest.pipeline import Assessment
from bot.core.scoring.results import Explanation
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import FlagKind, GuildConfig

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000
CHECK_RATE, CHECK_PER = 5, 30.0  # checks a member may run per 30 seconds (the command and the menu together)
# Characters that render as nothing but are not Unicode whitespace or format characters.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """True when nothing visible is left: whitespace, zero-width and other invisible characters only."""
    return all(
        ch.isspace() or ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc", "Mn") for ch in text
    )


def _member_key(interaction: discord.Interaction[Sentimeter]) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)


# one bucket per member and server, shared by /sentiment check and the "Check sentiment" menu
check_cooldown = app_commands.checks.cooldown(CHECK_RATE, CHECK_PER, key=_member_key)


@app_commands.guild_only()
class SentimentCheck(
    commands.GroupCog, group_name=_("sentiment"), group_description=_("See how the bot scores a text")
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        super().__init__()
        self.check_menu = app_commands.ContextMenu(name=_("Check sentiment"), callback=self.check_message)
        app_commands.guild_only()(self.check_menu)
        check_cooldown(self.check_menu)
        self.bot.tree.add_command(self.check_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.check_menu.name, type=self.check_menu.type)

    @app_commands.command(name=_("check"), description=_("Score a text: sentiment, language and why"))
    @app_commands.describe(text=_("The text to score (up to 2,000 characters)"))
    @check_cooldown
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
        lexicon = await self.bot.configs.lexicon(guild.id)
        # the scoring runs on the text thread: the event loop keeps serving everyone else meanwhile
        scored = await off_loop(self._score, text, config, lexicon)
        if scored is None:
            raise UserFacingError(t("sentiment.error.nothing_to_score", locale))
        explanation, assessment = scored
        p, topic, evidence = assessment.feedback if assessment.feedback is not None else (0.0, "other", ())
        feedback = FeedbackVerdict(p, topic, evidence)
        flagged = assessment.flag is not None and assessment.flag.kind is FlagKind.NEGATIVE
        embed = embeds.sentiment_embed(
            explanation, locale, text=text, sensitivity=config.sensitivity, feedback=feedback, flagged=flagged
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def _score(
        self, text: str, config: GuildConfig, lexicon: dict[str, float]
    ) -> tuple[Explanation, Assessment] | None:
        """The explanation and the bot's own decision for this server (its sensitivity, lexicon and what its
        moderators taught); None when nothing is left to score. Blocking: called through ``off_loop``."""
        cleaned = clean_for_scoring(text)
        if is_blank(cleaned):
            return None
        explanation = self.bot.scorer.explain(cleaned, overrides=lexicon)
        return explanation, self.bot.pipeline.assess(text, config, lexicon, exempt=False)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(SentimentCheck(bot))
