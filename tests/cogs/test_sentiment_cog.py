"""/sentiment check and the "Check sentiment" menu, with the real cleaner, Scorer and server settings."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.core.feedback.sensitivity import threshold_for
from bot.storage.sqlite import SQLiteStorage
from cogs.sentiment import CHECK_RATE, SentimentCheck
from tests.cogs.conftest import (
    GUILD_ID,
    USER_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    nothing_sent,
    sent,
)


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


# -- off the event loop, and a per-member cooldown (issue 13, item 7) ------------------------------------


async def test_the_check_scores_on_another_thread_while_the_loop_keeps_running(
    cog: SentimentCheck, bot: Sentimeter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real pipeline, wrapped: while it scores, a callback scheduled on the event loop runs. Were the
    scoring on the loop, the loop could not run it and the wait would end unanswered."""
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    real_assess = bot.pipeline.assess
    seen: list[tuple[int, bool]] = []

    def assess(*args: Any, **kwargs: Any) -> Any:
        loop_ran = threading.Event()
        loop.call_soon_threadsafe(loop_ran.set)
        seen.append((threading.get_ident(), loop_ran.wait(timeout=10)))
        return real_assess(*args, **kwargs)

    monkeypatch.setattr(bot.pipeline, "assess", assess)
    interaction = interaction_in_guild()

    await cog.check.callback(cog, interaction, "This is the worst video ever, I hate it.")

    assert len(seen) == 1
    thread, loop_was_free = seen[0]
    assert thread != loop_thread and loop_was_free
    assert sent(interaction).field("Sentiment") == "Negative"  # the real result still comes back


async def run_checks(command: Any, interaction: Any) -> None:
    for check in command.checks:
        assert await discord.utils.maybe_coroutine(check, interaction)


@pytest.mark.parametrize(
    ("member_id", "locale", "expected"),  # one member per case: the buckets live as long as the process
    [
        (USER_ID + 101, discord.Locale.british_english, "Slow down a little: try again in 30 seconds."),
        (USER_ID + 102, discord.Locale.indonesian, "Pelan-pelan dulu: coba lagi dalam 30 detik."),
    ],
)
async def test_a_member_who_checks_too_often_is_asked_politely_to_wait(
    cog: SentimentCheck, bot: Sentimeter, member_id: int, locale: discord.Locale, expected: str
) -> None:
    guild = fake_guild()
    at = datetime.now(UTC)  # the cooldown counts by the interaction's own time: all at one instant here
    interaction = fake_interaction(
        guild, channel=fake_channel(guild), user=fake_member(member_id), locale=locale
    )
    interaction.created_at = at
    for _ in range(CHECK_RATE):
        await run_checks(cog.check, interaction)

    with pytest.raises(app_commands.CommandOnCooldown) as hit:  # the menu shares the member's bucket
        await run_checks(cog.check_menu, interaction)
    interaction.command = cog.check_menu
    await bot.tree.on_error(interaction, hit.value)

    interaction.response.send_message.assert_awaited_once()
    call = interaction.response.send_message.await_args
    assert call.args == (expected,) and call.kwargs["ephemeral"] is True
    other = fake_interaction(guild, user=fake_member(member_id + 1000))
    other.created_at = at
    await run_checks(cog.check, other)  # someone else is not held up
