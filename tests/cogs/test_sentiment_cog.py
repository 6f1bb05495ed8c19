"""/sentiment check and the "Check sentiment" menu, with the real cleaner, Scorer and server settings."""

from __future__ import annotations

from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.core.feedback.sensitivity import threshold_for
from bot.storage.sqlite import SQLiteStorage
from cogs.sentiment import SentimentCheck
from tests.cogs.conftest import GUILD_ID, fake_channel, fake_guild, fake_interaction, nothing_sent, sent


@pytest.fixture
async def cog(bot: Sentimeter) -> SentimentCheck:
    return SentimentCheck(bot)


def interaction_in_guild(locale: discord.Locale = discord.Locale.british_english) -> Any:
    guild = fake_guild()
    return fake_interaction(guild, channel=fake_channel(guild), locale=locale)


async def test_positive_text_is_scored_privately(cog: SentimentCheck) -> None:
    interaction = interaction_in_guild()

    await cog.check.callback(cog, interaction, "I love this video, it is amazing!")

    reply = sent(interaction)
    assert reply.ephemeral is True and not reply.deferred
    assert reply.field("Sentiment") == "Positive"
    assert reply.field("Compound score").startswith("+0.")
    assert reply.field("Would it be flagged?").startswith("No")
    assert reply.field("Language") == "English"
    reasons = reply.field("Why")
    assert "`love`" in reasons and "`amazing`" in reasons


async def test_negative_text_would_be_flagged_at_the_default_threshold(cog: SentimentCheck) -> None:
    interaction = interaction_in_guild()

    await cog.check.callback(
        cog, interaction, "This is the worst video ever, I hate it. Terrible and boring."
    )

    reply = sent(interaction)
    assert reply.field("Sentiment") == "Negative"
    assert reply.field("Would it be flagged?").startswith("Yes")
    assert "`hate`" in reply.field("Why")


MILD_COMPLAINTS = (
    "no, this is awful and I hate it",
    "stream keeps lagging, fix it",
    "this video is awful and I hate it",
    "the stream keeps lagging every single time, fix it",
    "the mic is kinda quiet again",
    "the sponsor segment was way too long",
    "audionya agak kecil bang",
    "telat lagi live nya",
)


def probability(pipeline: Any, text: str) -> float:
    feedback = pipeline.analysis.analyse(text, None, exempt=False)[2]
    return 0.0 if feedback is None else float(feedback[0])


async def test_the_servers_sensitivity_decides_flagging(cog: SentimentCheck, storage: SQLiteStorage) -> None:
    text = "the stream keeps lagging every single time, fix it"  # no negative word; feedback about tech
    first = interaction_in_guild()
    await cog.check.callback(cog, first, text)
    answer = sent(first).field("Would it be flagged?")
    assert answer.startswith("Yes: negative feedback about technical problems")  # the default, normal
    assert "Normal sensitivity" in answer

    # a milder complaint, between the low and the normal threshold: normal flags it, low does not
    pipeline = cog.bot.pipeline
    mild = next(
        m
        for m in MILD_COMPLAINTS
        if threshold_for("normal") <= probability(pipeline, m) < threshold_for("low")
    )
    await cog.bot.configs.set_sensitivity(GUILD_ID, "low")
    second = interaction_in_guild()
    await cog.check.callback(cog, second, mild)
    assert sent(second).field("Would it be flagged?").startswith("No: not negative feedback")
    await cog.bot.configs.set_sensitivity(GUILD_ID, "normal")
    third = interaction_in_guild()
    await cog.check.callback(cog, third, mild)
    assert sent(third).field("Would it be flagged?").startswith("Yes")

    hype = interaction_in_guild()
    await cog.check.callback(cog, hype, "I died to the boss 6 times 😭")  # negative, and not feedback
    assert sent(hype).field("Sentiment") == "Negative"
    assert sent(hype).field("Would it be flagged?").startswith("No")


async def test_server_lexicon_moves_the_score(cog: SentimentCheck, storage: SQLiteStorage) -> None:
    await storage.set_lexicon_word(GUILD_ID, "zonk", -3.0)
    interaction = interaction_in_guild()

    await cog.check.callback(cog, interaction, "that stream was zonk")

    reply = sent(interaction)
    assert reply.field("Sentiment") == "Negative"
    assert "`zonk` −3.00 (server lexicon)" in reply.field("Why")


async def test_indonesian_text_and_reply(cog: SentimentCheck) -> None:
    interaction = interaction_in_guild(discord.Locale.indonesian)

    await cog.check.callback(cog, interaction, "videonya jelek banget, aku kecewa")

    reply = sent(interaction)
    assert reply.embed.title == "Cek sentimen"
    assert reply.field("Sentimen") == "Negatif"
    assert reply.field("Bahasa") == "Indonesia"
    assert "`jelek`" in reply.field("Alasannya")
    assert "(diperkuat oleh 'banget')" in reply.field(
        "Alasannya"
    )  # the scorer's note, in the reader's language


@pytest.mark.parametrize("text", ["", "   \n\t ", "\u200b\u200b", "\u200d \ufeff\u2060", "\u3164"])
async def test_empty_or_invisible_text_is_refused(cog: SentimentCheck, text: str) -> None:
    interaction = interaction_in_guild()
    with pytest.raises(UserFacingError, match="can't be empty"):
        await cog.check.callback(cog, interaction, text)
    assert nothing_sent(interaction)


async def test_text_over_2000_characters_is_refused(cog: SentimentCheck) -> None:
    interaction = interaction_in_guild()
    with pytest.raises(UserFacingError, match="2,001 characters"):
        await cog.check.callback(cog, interaction, "a" * 2001)
    assert nothing_sent(interaction)

    exactly = interaction_in_guild()
    await cog.check.callback(cog, exactly, "good " * 400)  # 2,000 characters is fine
    assert sent(exactly).field("Sentiment") == "Positive"


async def test_text_with_only_links_and_mentions_has_nothing_to_score(cog: SentimentCheck) -> None:
    interaction = interaction_in_guild()
    with pytest.raises(UserFacingError, match="Nothing is left"):
        await cog.check.callback(cog, interaction, "<@123> https://example.com")
    assert nothing_sent(interaction)


async def test_message_menu_scores_the_message(cog: SentimentCheck) -> None:
    message = create_autospec(discord.Message, instance=True, spec_set=True)
    message.content = "Thanks, this tutorial was really helpful!"
    interaction = interaction_in_guild()

    await cog.check_menu.callback(interaction, message)

    reply = sent(interaction)
    assert reply.ephemeral is True
    assert reply.field("Sentiment") == "Positive"

    attachment_only = create_autospec(discord.Message, instance=True, spec_set=True)
    attachment_only.content = ""
    empty = interaction_in_guild()
    with pytest.raises(UserFacingError, match="no text"):
        await cog.check_menu.callback(empty, attachment_only)


async def test_menu_is_registered_guild_only_and_removed_on_unload(bot: Sentimeter) -> None:
    await bot.add_cog(SentimentCheck(bot))
    menu = bot.tree.get_command("Check sentiment", type=discord.AppCommandType.message)
    assert menu is not None and menu.guild_only

    await bot.remove_cog("SentimentCheck")
    assert bot.tree.get_command("Check sentiment", type=discord.AppCommandType.message) is None
