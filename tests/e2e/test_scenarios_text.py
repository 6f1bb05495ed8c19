"""Hostile text through the real bot and the stand-in (issue 13, items 5-7): messages shaped to make the text
steps backtrack, a message far longer than Discord allows, and a member who runs /sentiment check again and
again."""

from __future__ import annotations

from bot.core.text.bounds import MAX_CONTENT_CHARS
from cogs.sentiment import CHECK_RATE
from testing.standin import BotProcess, FakeDiscord

from .conftest import World, db_query, slash, unhandled_errors, wait_for_stored

NEGATIVE = "this stream is trash, worst one ever, so disappointed. "


async def test_hostile_text_is_counted_and_a_huge_message_is_kept_at_discords_maximum(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    hostile = [
        "a1a " + "b" * 3996,  # a leet word before a long word
        "[" * 3998 + "](",  # masked-link openings
        "a" + "\u0301\u0316\u0334" * 1333,  # stacked combining marks of three classes
        "my " + "1" * 3990 + " sub",  # a site-name shape before digits
    ]
    for text in hostile:
        await fake.post_message(world.general, world.alice, text)
    huge = NEGATIVE * 2000  # 110,000 characters: no Discord client sends that, a hostile one might
    posted = await fake.post_message(world.general, world.bob, huge)

    await wait_for_stored(fake, bot_process, len(hostile) + 1)

    rows = db_query(bot_process.database, "SELECT text FROM flags WHERE message_id = ?", (posted.id,))
    assert rows == [(huge[:MAX_CONTENT_CHARS],)]  # flagged, with at most Discord's maximum of its text
    reply = await slash(fake, world.general, world.bob, "sentiment", {"text": "love it"}, subcommand="check")
    assert "Positive" in reply.text()
    assert unhandled_errors(bot_process.logs()) == []


async def test_sentiment_check_has_a_polite_per_member_cooldown(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    for i in range(CHECK_RATE):
        reply = await slash(
            fake, world.general, world.alice, "sentiment", {"text": f"great video {i}"}, subcommand="check"
        )
        assert reply.ephemeral and "Positive" in reply.text()

    refused = await slash(
        fake, world.general, world.alice, "sentiment", {"text": "one more"}, subcommand="check"
    )
    assert refused.ephemeral and not refused.embeds
    assert refused.content.startswith("Slow down a little: try again in ")
    other = await slash(
        fake, world.general, world.bob, "sentiment", {"text": "great video"}, subcommand="check"
    )
    assert "Positive" in other.text()  # another member is not held up
    assert unhandled_errors(bot_process.logs()) == []
