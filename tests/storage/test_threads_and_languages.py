"""The language split of the roll-ups, and threads / forum posts counted under their parent channel."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.storage.models import (
    ChannelCount,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
    Totals,
)
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import NOW, T0, rec

H = 3600
FORUM = 50
POST_A, POST_B = 51, 52
TEXT, THREAD = 10, 20


def msg(
    mid: int,
    *,
    channel: int = TEXT,
    parent: int | None = None,
    language: str | None = "en",
    author: int = 100,
    at: int = T0,
    compound: float = 0.5,
    guild: int = 1,
    reply_to: int | None = None,
    scored: bool = True,
    spam: bool = False,
) -> MessageCreated:
    record = rec(
        mid,
        guild_id=guild,
        channel_id=channel,
        author_id=author,
        at=at,
        compound=compound,
        reply_to=reply_to,
        scored=scored,
        spam=spam,
    )
    return MessageCreated(replace(record, language=language, parent_channel_id=parent))


def edit(mid: int, *, language: str | None, compound: float = 0.5, spam: bool = False) -> MessageEdited:
    return MessageEdited(1, TEXT, mid, True, compound, max(compound, 0), 1 - abs(compound), 0, language, spam)


def langs(t: Totals) -> tuple[int, int, int, int]:
    return (t.lang_en, t.lang_id, t.lang_mixed, t.lang_other)


# -- languages -----------------------------------------------------------------------------------------------


async def test_language_counts_cover_scored_non_spam_messages(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            msg(1, language="en"),
            msg(2, language="id"),
            msg(3, language="id", at=T0 + 30 * H),  # another day: the day buckets carry it
            msg(4, language="mixed"),
            msg(5, language="unknown"),
            msg(6, language=None),  # scored without a language: "other"
            msg(7, language="id", spam=True),  # spam: counted as spam only
            msg(8, language=None, scored=False),  # attachment only: counted as a message only
        ]
    )
    t = await storage.totals(1, None, None, NOW)
    assert (t.messages, t.spam, t.scored) == (8, 1, 6)
    assert langs(t) == (1, 2, 1, 2)
    assert t.languages_counted == t.scored
    assert t.language_share("id") == pytest.approx(100 * 2 / 6)
    assert t.language_split() == pytest.approx(
        {"en": 100 / 6, "id": 200 / 6, "mixed": 100 / 6, "other": 200 / 6}
    )
    assert langs(await storage.totals(1, TEXT, None, NOW)) == (1, 2, 1, 2)
    assert langs(await storage.totals(1, TEXT, T0, T0 + H)) == (1, 1, 1, 2)  # hour buckets
    assert langs(await storage.totals(1, None, T0 + 24 * H, NOW)) == (0, 1, 0, 0)
    # member totals do not carry the split
    assert langs(await storage.member_totals(1, 100, None, NOW)) == (0, 0, 0, 0)


async def test_edits_move_and_deletes_remove_language_counts(storage: SQLiteStorage) -> None:
    await storage.apply([msg(1, language="en"), msg(2, language="en"), msg(3, language="id")])
    await storage.apply([edit(1, language="id")])  # re-detected after an edit
    assert langs(await storage.totals(1, TEXT, None, NOW)) == (1, 2, 0, 0)
    await storage.apply([edit(2, language="en", spam=True)])  # now spam: out of the split
    assert langs(await storage.totals(1, TEXT, None, NOW)) == (0, 2, 0, 0)
    await storage.apply([ReactionChanged(1, TEXT, 3, 1), MessageDeleted(1, TEXT, 3)])
    t = await storage.totals(1, None, None, NOW)
    assert langs(t) == (0, 1, 0, 0) and t.reactions == 0
    await storage.apply([edit(2, language="mixed")])  # spam no longer
    assert langs(await storage.totals(1, None, None, NOW)) == (0, 1, 1, 0)


def test_totals_language_helpers() -> None:
    assert Totals().language_share("en") is None
    assert Totals().language_split() is None
    t = Totals(positive=3, lang_en=1, lang_other=2)
    assert t.language_share("other") == pytest.approx(200 / 3)
    assert sum((t.language_split() or {}).values()) == pytest.approx(100)
    with pytest.raises(ValueError):
        t.language_share("fr")


# -- threads and forums --------------------------------------------------------------------------------------


async def test_a_forum_counts_its_posts_and_a_channel_its_threads(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            # forum posts: the forum itself holds no messages
            msg(1, channel=POST_A, parent=FORUM, author=1, at=T0 + 5 * H, language="id"),
            msg(2, channel=POST_A, parent=FORUM, author=2, at=T0 + 5 * H, reply_to=1),
            msg(3, channel=POST_B, parent=FORUM, author=1, at=T0 + 6 * H, compound=-0.5),
            msg(4, channel=POST_B, parent=FORUM, author=3, at=T0 + 5 * H + 60),
            # a text channel with one thread
            msg(5, channel=TEXT, author=1, at=T0 + 9 * H),
            msg(6, channel=THREAD, parent=TEXT, author=4, at=T0 + 9 * H),
            msg(7, channel=THREAD, parent=TEXT, author=4, at=T0 + 30 * H),
        ]
    )
    forum = await storage.totals(1, FORUM, None, NOW)
    assert (forum.messages, forum.replies, forum.positive, forum.negative) == (4, 1, 3, 1)
    assert langs(forum) == (3, 1, 0, 0)
    assert await storage.active_authors(1, FORUM, None, NOW) == 3  # author 1 posted in both: once
    assert await storage.busiest_hour(1, FORUM, None, NOW) == 5
    # a post on its own
    assert (await storage.totals(1, POST_B, None, NOW)).messages == 2
    assert await storage.active_authors(1, POST_B, None, NOW) == 2
    assert await storage.busiest_hour(1, POST_B, None, NOW) == 5  # 05:01 and 06:00: a tie, the earlier
    # the text channel includes its thread, over hour and day buckets alike
    assert (await storage.totals(1, TEXT, None, NOW)).messages == 3
    assert (await storage.totals(1, TEXT, T0 + 9 * H, T0 + 10 * H)).messages == 2
    assert (await storage.totals(1, TEXT, T0 + 9 * H, NOW)).messages == 3
    assert await storage.active_authors(1, TEXT, T0, NOW) == 2
    assert await storage.active_authors(1, TEXT, T0 + 10 * H, NOW) == 1
    assert (await storage.totals(1, THREAD, None, NOW)).messages == 2
    # lists count thread messages under the parent
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(FORUM, 4), ChannelCount(TEXT, 3)]
    assert await storage.top_channels(1, T0 + 24 * H, NOW, 5) == [ChannelCount(TEXT, 1)]
    assert await storage.member_top_channels(1, 1, None, NOW, 5) == [
        ChannelCount(FORUM, 2),
        ChannelCount(TEXT, 1),
    ]
    assert await storage.member_top_channels(1, 4, None, NOW, 5) == [ChannelCount(TEXT, 2)]
    # the server as a whole counts every message once
    assert (await storage.totals(1, None, None, NOW)).messages == 7
    assert await storage.active_authors(1, None, None, NOW) == 4


async def test_deleting_thread_messages_keeps_the_parent_exact(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            msg(1, channel=POST_A, parent=FORUM, author=1, at=T0),
            msg(2, channel=POST_B, parent=FORUM, author=1, at=T0 + 3 * H),
            msg(3, channel=POST_B, parent=FORUM, author=2, at=T0 + 3 * H),
        ]
    )
    await storage.apply([ReactionChanged(1, POST_B, 3, 1), ReactionChanged(1, POST_B, 3, 1)])
    assert (await storage.totals(1, FORUM, None, NOW)).reactions == 2
    await storage.apply([MessageDeleted(1, POST_A, 1), MessageDeleted(1, POST_B, 3)])
    forum = await storage.totals(1, FORUM, None, NOW)
    assert (forum.messages, forum.reactions) == (1, 0)
    assert await storage.active_authors(1, FORUM, None, NOW) == 1
    assert await storage.active_authors(1, FORUM, T0, T0 + H) == 0
    assert await storage.busiest_hour(1, FORUM, None, NOW) == 3
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(FORUM, 1)]
    await storage.apply([MessageDeleted(1, POST_B, 2)])
    assert await storage.totals(1, FORUM, None, NOW) == Totals()
    assert await storage.active_authors(1, FORUM, None, NOW) == 0
    assert await storage.top_channels(1, None, NOW, 5) == []


async def test_a_parent_learned_late_takes_the_threads_earlier_messages(storage: SQLiteStorage) -> None:
    # e.g. catch-up stored some thread messages without their parent
    await storage.apply(
        [msg(1, channel=THREAD, author=1, at=T0), msg(2, channel=THREAD, author=2, at=T0 + H)]
    )
    await storage.apply([msg(3, channel=TEXT, author=1, at=T0 + 2 * H)])
    assert (await storage.totals(1, TEXT, None, NOW)).messages == 1
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(THREAD, 2), ChannelCount(TEXT, 1)]

    await storage.apply([msg(4, channel=THREAD, parent=TEXT, author=3, at=T0 + 2 * H, language="id")])
    text = await storage.totals(1, TEXT, None, NOW)
    assert (text.messages, langs(text)) == (4, (3, 1, 0, 0))
    assert await storage.active_authors(1, TEXT, None, NOW) == 3
    assert await storage.active_authors(1, TEXT, T0 + H, NOW) == 3  # author 1 again at 02:00
    assert await storage.busiest_hour(1, TEXT, None, NOW) == 2
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(TEXT, 4)]
    assert await storage.member_top_channels(1, 1, None, NOW, 5) == [ChannelCount(TEXT, 2)]
    # and the copied rows stay exact under deletes
    await storage.apply([MessageDeleted(1, THREAD, 1), MessageDeleted(1, THREAD, 2)])
    assert (await storage.totals(1, TEXT, None, NOW)).messages == 2
    assert await storage.active_authors(1, TEXT, None, NOW) == 2
    assert await storage.active_authors(1, TEXT, T0, T0 + 2 * H) == 0


async def test_one_level_only(storage: SQLiteStorage) -> None:
    await storage.apply([msg(1, channel=THREAD, parent=TEXT, at=T0)])
    # TEXT is a parent now, so it cannot become somebody's child ...
    await storage.apply([msg(2, channel=TEXT, parent=12, at=T0), msg(3, channel=12, at=T0)])
    assert (await storage.totals(1, 12, None, NOW)).messages == 1
    assert (await storage.totals(1, TEXT, None, NOW)).messages == 2
    # ... and a channel recorded as a child cannot become a parent
    await storage.apply([msg(4, channel=30, parent=THREAD, at=T0)])
    assert (await storage.totals(1, THREAD, None, NOW)).messages == 1
    assert await storage.top_channels(1, None, NOW, 5) == [
        ChannelCount(TEXT, 2),
        ChannelCount(12, 1),
        ChannelCount(30, 1),
    ]


async def test_parents_are_per_guild(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            msg(1, channel=THREAD, parent=TEXT, guild=1, at=T0),
            msg(2, channel=THREAD, guild=2, at=T0),  # the same channel id in another server: no parent
            msg(3, channel=TEXT, guild=2, at=T0),
        ]
    )
    assert (await storage.totals(1, TEXT, None, NOW)).messages == 1
    assert (await storage.totals(2, TEXT, None, NOW)).messages == 1
    assert await storage.top_channels(2, None, NOW, 5) == [ChannelCount(TEXT, 1), ChannelCount(THREAD, 1)]
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(TEXT, 1)]
