"""Scenarios 2, 5 and 10: statistics that are exactly right, kept exact through edits and deletes (also of
messages the bot has never seen in this run), and commands that refuse bad input politely without leaking
another server's data."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bot.app import embeds
from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
from bot.core.spam import SpamDetector
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import Totals
from testing.standin import BotProcess, Channel, FakeDiscord, Member, Message
from testing.standin import payloads as p

from .conftest import (
    Reply,
    World,
    command_reply,
    db_query,
    leading_int,
    slash,
    unhandled_errors,
    wait_for_stored,
)

pytestmark = pytest.mark.e2e

LOCALE = "en"

# Comment fragments: a first and a second half, combined so that no member repeats a comment.
OPENERS = [
    "I love this video",
    "this was honestly great",
    "amazing editing as always",
    "the thumbnail is a bit boring",
    "not sure about the new intro",
    "I watched it twice",
    "this is the worst upload in months",
    "the sound was terrible in the middle",
    "thanks for the tutorial",
    "what camera do you use",
    "the pacing felt slow",
    "keren banget videonya",
    "bagus sekali kontennya",
    "jelek banget audionya",
    "when is the next stream",
    "the colors look fantastic",
    "I am disappointed with the ending",
    "good job on the research",
    "the guest was annoying",
    "first time here",
]
CLOSERS = [
    "keep it up",
    "see you next week",
    "please fix the audio",
    "can you make a part two",
    "it made my day",
    "I hate the background music",
    "my friends loved it too",
    "no idea what happened at the end",
    "subscribed",
    "the chat was fun",
    "that was boring",
    "great collab",
    "the lighting was awful",
    "mantap",
    "we need more of this",
    "posted from my phone",
    "this deserves more views",
    "kinda sad it ended",
    "the map looked cool",
    "ok",
]


@dataclass
class Expect:
    """What a set of comments should add up to, computed from what was posted."""

    messages: int = 0
    replies: int = 0
    reactions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    spam: int = 0
    compound_e4: int = 0
    authors: set[int] = field(default_factory=set)

    def totals(self) -> Totals:
        return Totals(
            messages=self.messages,
            replies=self.replies,
            reactions=self.reactions,
            positive=self.positive,
            neutral=self.neutral,
            negative=self.negative,
            spam=self.spam,
            compound_sum=self.compound_e4 / 10000,
        )


class Expectations:
    """Per channel and whole-server expectations; sentiment from bot.core.scoring on the same texts."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.scorer = Scorer()
        self.spam = SpamDetector()
        self.by_message: dict[int, tuple[int, int, str, bool]] = {}  # id -> channel, author, text, is_reply
        self.reactions: Counter[int] = Counter()

    def add(self, msg: Message, *, is_reply: bool) -> None:
        self.by_message[msg.id] = (msg.channel_id, msg.author.id, msg.content, is_reply)

    def remove(self, message_id: int) -> None:
        self.by_message.pop(message_id, None)
        self.reactions.pop(message_id, None)

    def edit(self, message_id: int, text: str) -> None:
        channel_id, author_id, _old, is_reply = self.by_message[message_id]
        self.by_message[message_id] = (channel_id, author_id, text, is_reply)

    def compound(self, text: str) -> float | None:
        cleaned = clean_for_scoring(text)
        return self.scorer.score(cleaned).compound if cleaned.strip() else None

    def counted_under(self, channel_id: int) -> int:
        """A thread's messages count for its parent channel too (and in lists of channels, under it)."""
        channel = self.fake.channel(channel_id)
        is_thread = channel.type in (p.CHANNEL_PUBLIC_THREAD, p.CHANNEL_PRIVATE_THREAD)
        return channel.parent_id if is_thread and channel.parent_id is not None else channel_id

    def of(self, channel_id: int | None = None) -> Expect:
        """Totals for a channel (a text channel includes its threads; a thread is its own), or the server."""
        out = Expect()
        for mid, (cid, author, text, is_reply) in self.by_message.items():
            if channel_id is not None and channel_id not in (cid, self.counted_under(cid)):
                continue
            out.messages += 1
            out.replies += int(is_reply)
            out.reactions += self.reactions[mid]
            out.authors.add(author)
            if text.strip() and self.spam.check_text(text).is_spam:
                out.spam += 1
                continue
            compound = self.compound(text)
            if compound is None:
                continue
            if compound >= 0.05:
                out.positive += 1
            elif compound <= -0.05:
                out.negative += 1
            else:
                out.neutral += 1
            out.compound_e4 += round(compound * 10000)
        return out


def assert_stats(reply: Reply, expect: Expect, *, what: str) -> None:
    fields = reply.fields()
    got = {
        "messages": leading_int(fields["Messages"]),
        "active": leading_int(fields["Active members"]),
        "replies": leading_int(fields["Replies"]),
        "reactions": leading_int(fields["Reactions"]),
        "spam": leading_int(fields["Spam"]),
    }
    want = {
        "messages": expect.messages,
        "active": len(expect.authors),
        "replies": expect.replies,
        "reactions": expect.reactions,
        "spam": expect.spam,
    }
    assert got == want, f"{what}: {fields}"
    totals = expect.totals()
    assert fields["Sentiment mix"] == embeds.sentiment_mix(totals, LOCALE), what
    assert fields["Average sentiment"].startswith(embeds.average_compound(totals, LOCALE)), (what, fields)


async def stats_channel(fake: FakeDiscord, world: World, channel: Channel, period: str = "7d") -> Reply:
    reply = await slash(
        fake, world.general, world.mod, "stats", {"channel": channel, "period": period}, subcommand="channel"
    )
    assert not reply.ephemeral and reply.embeds, reply
    return reply


async def stats_server(fake: FakeDiscord, world: World, period: str = "7d") -> Reply:
    reply = await slash(fake, world.general, world.mod, "stats", {"period": period}, subcommand="server")
    assert reply.embeds, reply
    return reply


# --- scenario 2 ------------------------------------------------------------------------------------------


async def test_stats_are_exact_for_2000_messages_from_50_members(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    rng = random.Random(2024)
    clips = await fake.create_channel(world.guild, "clips")
    memes = await fake.create_channel(world.guild, "memes")
    channels = [world.general, clips, memes, world.thread]
    # The members join before the bot connects (/stats server asks Discord for the member count anyway).
    members = [await fake.create_member(world.guild, f"viewer{i:02d}") for i in range(50)]
    bot_process = make_bot_process(dev_guild_id=world.guild.id)
    await bot_process.start()
    await bot_process.wait_ready(timeout=90)
    # every member gets distinct comments (no member repeats one, as a spammer would)
    combos = [f"{a}, {b}" for a, b in itertools.product(OPENERS, CLOSERS)]
    per_member = {m.user.id: rng.sample(combos, 40) for m in members}

    expect = Expectations(fake)
    recent: dict[int, list[Message]] = defaultdict(list)
    for i in range(2000):
        member: Member = members[i % 50]
        channel = rng.choices(channels, weights=[5, 3, 2, 2])[0]
        text = per_member[member.user.id][i // 50]
        parent = None
        if recent[channel.id] and rng.random() < 0.2:
            parent = rng.choice(recent[channel.id][-20:])
        msg = await fake.post_message(channel, member, text, reply_to=parent)
        expect.add(msg, is_reply=parent is not None)
        recent[channel.id].append(msg)
    await wait_for_stored(fake, bot_process, 2000)

    # reactions once the comments are in (as in real life), some taken back
    all_messages = [m for msgs in recent.values() for m in msgs]
    given: list[tuple[Message, Member, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for _ in range(400):
        msg, member, emoji = rng.choice(all_messages), rng.choice(members), rng.choice(["👍", "🔥", "😂"])
        if (msg.id, member.user.id, emoji) in seen:
            continue
        seen.add((msg.id, member.user.id, emoji))
        await fake.add_reaction(msg, member, emoji)
        given.append((msg, member, emoji))
        expect.reactions[msg.id] += 1
    for msg, member, emoji in rng.sample(given, 60):
        await fake.remove_reaction(msg, member, emoji)
        expect.reactions[msg.id] -= 1
    await fake.add_reaction(all_messages[0], fake.bot_user, "✅")  # the bot's own reaction is not engagement
    # a moderator removes all reactions from one message and one emoji's from another (Discord's events
    # say which emoji, not how many: the bot reads the message back)
    busy = [m for m in all_messages if len(m.reactions) >= 2 and m is not all_messages[0]]
    cleared, trimmed = busy[0], busy[1]
    await fake.clear_reactions(cleared)
    expect.reactions[cleared.id] = 0
    emoji_key = next(iter(trimmed.reactions))
    gone = len(trimmed.reactions[emoji_key].user_ids)
    await fake.clear_reactions(trimmed, trimmed.reactions[emoji_key].emoji["name"])
    expect.reactions[trimmed.id] -= gone
    want_reactions = sum(expect.reactions.values())

    def reactions_stored() -> bool:
        return db_query(bot_process.database, "SELECT SUM(reactions) FROM messages")[0][0] == want_reactions

    await fake.wait_for(reactions_stored, timeout=60, description="reactions stored")

    for channel in channels:
        assert_stats(await stats_channel(fake, world, channel), expect.of(channel.id), what=channel.name)
    overall = expect.of()
    assert overall.spam == 0 and overall.messages == 2000 and len(overall.authors) == 50
    assert overall.positive and overall.negative and overall.neutral  # a real mix
    server = await stats_server(fake, world)
    assert_stats(server, overall, what="server")
    fields = server.fields()
    member_count = len(fake.guild(world.guild).members)
    assert leading_int(fields["Members"]) == member_count == 55
    assert fields["Engagement rate"] == embeds.fmt_ratio(50 / member_count, LOCALE)
    counts = Counter(expect.counted_under(cid) for cid, *_ in expect.by_message.values())
    top = fields["Top channels (messages)"].splitlines()
    assert [line.split(" · ")[1] for line in top] == [
        embeds.fmt_int(n, LOCALE) for _, n in counts.most_common()
    ]
    for line, (cid, _) in zip(top, counts.most_common(), strict=True):
        assert f"<#{cid}>" in line
    # the same numbers for "all time"
    assert_stats(await stats_server(fake, world, "all"), overall, what="server, all time")
    assert await bot_process.terminate() == 0
    assert unhandled_errors(bot_process.logs()) == []


# --- scenario 5 ------------------------------------------------------------------------------------------


def flag_status(proc: BotProcess, message_id: int) -> list[str]:
    rows = db_query(proc.database, "SELECT status FROM flags WHERE message_id = ? ORDER BY id", (message_id,))
    return [r[0] for r in rows]


async def wait_flags(fake: FakeDiscord, proc: BotProcess, message_id: int, statuses: list[str]) -> None:
    await fake.wait_for(
        lambda: flag_status(proc, message_id) == statuses,
        timeout=30,
        description=f"flags of {message_id} to be {statuses}",
    )


async def test_edits_and_deletes_keep_stats_and_flags_exact_also_uncached(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    expect = Expectations(fake)
    general = world.general
    posted: list[Message] = []
    texts = [
        "I love this stream, great job",
        "this is the worst video, I hate it",
        "ok see you tomorrow",
        "terrible audio, awful editing",
        "thanks, very helpful",
        "the intro is horrible and boring",
    ]
    for i in range(60):
        member = [world.alice, world.bob][i % 2]
        # a made-up word makes each comment distinct (a repeated text would rightly look like spam)
        tag = f"{chr(97 + i // 26)}{chr(97 + i % 26)}q"
        msg = await fake.post_message(general, member, f"{texts[i % len(texts)]} ({tag})")
        expect.add(msg, is_reply=False)
        posted.append(msg)
    parent = posted[0]
    reply = await fake.post_message(general, world.bob, "agreed, it was lovely", reply_to=parent)
    expect.add(reply, is_reply=True)
    await fake.add_reaction(posted[2], world.alice, "👍")
    expect.reactions[posted[2].id] += 1
    await wait_for_stored(fake, bot_process, 61)
    await fake.wait_for(
        lambda: (
            db_query(
                bot_process.database, "SELECT reactions FROM messages WHERE message_id = ?", (posted[2].id,)
            )
            == [(1,)]
        )
    )
    negative = posted[1]
    await wait_flags(fake, bot_process, negative.id, ["open"])

    # live (cached) edit: negative -> positive resolves its flag automatically
    await fake.edit_message(negative, "actually this is a wonderful video, I love it")
    expect.edit(negative.id, negative.content)
    await wait_flags(fake, bot_process, negative.id, ["auto_resolved"])
    # positive -> negative opens a flag
    turned = posted[4]
    await fake.edit_message(turned, "no, this video is awful and I hate it")
    expect.edit(turned.id, turned.content)
    await wait_flags(fake, bot_process, turned.id, ["open"])
    # single delete of a flagged message; bulk delete of five (one of them the replied-to parent)
    await fake.delete_message(posted[3])
    expect.remove(posted[3].id)
    await fake.bulk_delete_messages(general, [parent, *posted[5:9]])
    for m in (parent, *posted[5:9]):
        expect.remove(m.id)
    await wait_for_stored(fake, bot_process, 61 - 6)
    assert flag_status(bot_process, posted[3].id) == ["message_deleted"]
    assert_stats(await stats_channel(fake, world, general), expect.of(general.id), what="after live changes")

    # a restart empties the bot's message cache: the same events on messages it never saw in this run
    await bot_process.restart(timeout=90)
    await fake.edit_message(posted[10], "what a fantastic and beautiful video")
    expect.edit(posted[10].id, posted[10].content)
    await fake.edit_message(posted[12], "this is a hateful, disgusting and awful mess")
    expect.edit(posted[12].id, posted[12].content)
    await fake.delete_message(posted[13])  # flagged before the restart (#13 is "the worst video")
    expect.remove(posted[13].id)
    await fake.bulk_delete_messages(general, posted[20:30])
    for m in posted[20:30]:
        expect.remove(m.id)
    await fake.remove_reaction(posted[2], world.alice, "👍")
    expect.reactions[posted[2].id] -= 1
    await fake.delete_message(reply)
    expect.remove(reply.id)
    await wait_for_stored(fake, bot_process, 61 - 6 - 12)
    await wait_flags(fake, bot_process, posted[12].id, ["open"])
    await wait_flags(fake, bot_process, posted[13].id, ["message_deleted"])
    await fake.wait_for(
        lambda: db_query(bot_process.database, "SELECT SUM(reactions) FROM messages")[0][0] == 0
    )
    assert flag_status(bot_process, posted[10].id) in ([], ["auto_resolved"])
    # flags of deleted messages lose their text
    rows = db_query(
        bot_process.database,
        "SELECT COUNT(*) FROM flags WHERE status = 'message_deleted' AND text IS NOT NULL",
    )
    assert rows == [(0,)]
    # open flags are exactly the stored messages that are negative now
    open_ids = {
        r[0] for r in db_query(bot_process.database, "SELECT message_id FROM flags WHERE status = 'open'")
    }
    want_open = {
        mid
        for mid, (_c, _a, text, _r) in expect.by_message.items()
        if (c := expect.compound(text)) is not None and c <= DEFAULT_FLAG_THRESHOLD
    }
    assert open_ids <= want_open and open_ids, (open_ids, want_open)
    assert_stats(
        await stats_channel(fake, world, general), expect.of(general.id), what="after uncached changes"
    )
    assert_stats(await stats_server(fake, world), expect.of(), what="server")
    assert unhandled_errors(bot_process.logs()) == []


# --- scenario 10 -----------------------------------------------------------------------------------------


def assert_polite(reply: Reply, *, what: str) -> None:
    assert reply.ephemeral, f"{what}: not ephemeral: {reply}"
    text = reply.text()
    assert text.strip(), what
    assert "went wrong" not in text.lower() and "unexpected" not in text.lower(), f"{what}: {text}"
    assert "Traceback" not in text


async def test_bad_input_gets_polite_ephemeral_errors_and_no_cross_guild_data(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    admin_role = await fake.create_role(
        world.guild,
        "Admin",
        permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD | p.P_MANAGE_MESSAGES,
    )
    admin = await fake.create_member(world.guild, "admin", roles=[admin_role])
    # guild B with its own activity and flags
    other = await fake.create_guild("Other Creators")
    other_channel = await fake.create_channel(other, "secret-plans")
    stranger = await fake.create_member(other, "stranger")
    for i in range(7):
        await fake.post_message(other_channel, stranger, f"I hate this, awful and terrible {i}")
    await fake.post_message(world.general, world.alice, "hello, nice to be here")
    await wait_for_stored(fake, bot_process, 8)

    g = world.general
    cases: list[tuple[str, Reply]] = [
        (
            "stats channel of another guild",
            await slash(fake, g, world.alice, "stats", {"channel": other_channel}, subcommand="channel"),
        ),
        (
            "config review-channel of another guild",
            await slash(fake, g, admin, "config", {"channel": other_channel}, subcommand="review-channel"),
        ),
        (
            "sensitivity not one of the choices",
            await slash(fake, g, admin, "config", {"level": "extreme"}, subcommand="sensitivity"),
        ),
        (
            "timeout out of range",
            await slash(
                fake,
                g,
                admin,
                "config",
                {"action": "review", "timeout-minutes": 10**7},
                subcommand="spam-action",
            ),
        ),
        (
            "4,000 characters",
            await slash(fake, g, world.alice, "sentiment", {"text": "a" * 4000}, subcommand="check"),
        ),
        (
            "zero-width only",
            await slash(
                fake,
                g,
                world.alice,
                "sentiment",
                {"text": "\u200b\u200c\u200d\u2060\ufeff"},
                subcommand="check",
            ),
        ),
        (
            "right-to-left marks only",
            await slash(
                fake, g, world.alice, "sentiment", {"text": "\u202e\u200f\u202b\u2067"}, subcommand="check"
            ),
        ),
        (
            "invalid period",
            await slash(fake, g, world.alice, "stats", {"period": "forever"}, subcommand="server"),
        ),
        (
            "invalid period for a channel",
            await slash(fake, g, world.alice, "stats", {"channel": g, "period": "-1d"}, subcommand="channel"),
        ),
        (
            "config by a member without Manage Server",
            await slash(fake, g, world.alice, "config", {"level": "high"}, subcommand="sensitivity"),
        ),
    ]
    for what, reply in cases:
        assert_polite(reply, what=what)
        # no statistics, settings or flags of the other server (its channel's name may be echoed back: the
        # person picked it)
        assert "Messages" not in reply.text() and str(other_channel.id) not in reply.text(), what
    # nothing was changed by the refused commands
    assert db_query(
        bot_process.database,
        "SELECT COUNT(*) FROM guild_config WHERE review_channel_id = ?",
        (other_channel.id,),
    ) == [(0,)]
    assert db_query(
        bot_process.database, "SELECT sensitivity FROM guild_config WHERE guild_id = ?", (world.guild.id,)
    ) in ([], [(None,)])

    # a right-to-left text with words is scored, not refused, and shown without breaking the reply
    rtl = await slash(
        fake, g, world.alice, "sentiment", {"text": "\u202eI love this\u202c مرحبا"}, subcommand="check"
    )
    assert rtl.ephemeral and rtl.embeds and "Sentiment" in rtl.text()

    # guild A sees only guild A
    server = await stats_server(fake, world, "all")
    assert leading_int(server.fields()["Messages"]) == 1
    assert str(other_channel.id) not in server.text()
    flags = await slash(fake, g, world.mod, "flags", {}, subcommand="list")
    assert flags.ephemeral and "hate this" not in flags.text() and "secret" not in flags.text()
    member = await slash(
        fake, g, world.mod, "stats", {"member": stranger.user.id, "period": "all"}, subcommand="member"
    )
    assert member.ephemeral
    if member.embeds:
        assert leading_int(member.fields()["Messages"]) == 0
    assert unhandled_errors(bot_process.logs()) == []


# --- issue 15: charts in the server's time zone -------------------------------------------------------------


def _png_size(data: bytes | None) -> tuple[int, int]:
    assert data is not None and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = (int.from_bytes(data[i : i + 4], "big") for i in (16, 20))
    return width, height


async def test_stats_server_and_activity_answer_with_charts_in_the_servers_zone(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    admin_role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    admin = await fake.create_member(world.guild, "owner", roles=[admin_role])
    zone = await slash(fake, world.general, admin, "config", {"zone": "Asia/Jakarta"}, subcommand="timezone")
    assert "Asia/Jakarta" in zone.text(), zone
    for i, text in enumerate(["I love this video", "the sound was terrible", "thanks for the tutorial"] * 4):
        await fake.post_message(world.general, (world.alice, world.bob)[i % 2], f"{text} #{i}")
    await wait_for_stored(fake, bot_process, 12)

    asked = await fake.invoke_slash_command(
        world.general, world.mod, "stats", {"period": "7d"}, subcommand="server"
    )
    reply = await command_reply(fake, asked)
    assert leading_int(reply.fields()["Messages"]) == 12
    assert reply.fields()["Busiest hour"].endswith("Asia/Jakarta")
    answer = fake.original_response(asked) or fake.followups(asked)[0]
    (chart,) = answer.attachments
    assert chart.filename == "trend.png" and reply.embed["image"]["url"] == "attachment://trend.png"
    assert _png_size(chart.data) == (1000, 500)

    asked = await fake.invoke_slash_command(world.general, world.alice, "stats", {}, subcommand="activity")
    reply = await command_reply(fake, asked)
    assert reply.embed["description"].startswith("Busiest: **")
    assert "(Asia/Jakarta)" in reply.embed["description"]
    answer = fake.original_response(asked) or fake.followups(asked)[0]
    (chart,) = answer.attachments
    assert chart.filename == "activity.png" and _png_size(chart.data) == (1000, 420)
    assert unhandled_errors(bot_process.logs()) == []
