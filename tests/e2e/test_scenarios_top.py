"""Issue 15, item 3 against the stand-in, with the real bot process: comments, replies and reactions arrive
through the gateway, then `/top posts` lists the posts with working jump links and the counts that were given,
and `/top announcements` shows a moderator's post with its first-day reactions and replies."""

from __future__ import annotations

import re

import pytest

from testing.standin import BotProcess, FakeDiscord

from .conftest import World, db_query, slash, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e


def _lines(description: str) -> list[tuple[int, int, int, int]]:
    """(channel id, message id, reactions, replies) per listed post, in order."""
    out = []
    for line in description.splitlines():
        link = re.search(r"https://discord\.com/channels/\d+/(\d+)/(\d+)", line)
        counts = re.search(r"(\d+) reactions · (\d+) replies", line)
        assert link and counts, line
        out.append((int(link[1]), int(link[2]), int(counts[1]), int(counts[2])))
    return out


async def test_top_posts_and_announcements_through_discord(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    news = await fake.post_message(
        world.general, world.mod, "New video is out tonight, tell me what you think"
    )
    clip = await fake.post_message(world.general, world.alice, "my favourite clip from the stream")
    side = await fake.post_message(world.thread, world.bob, "side chat about the thumbnail")
    quiet = await fake.post_message(world.general, world.bob, "first time here")
    await wait_for_stored(fake, proc, 4)
    for member, text in ((world.alice, "great news"), (world.bob, "can't wait"), (world.alice, "hype")):
        await fake.post_message(world.general, member, text, reply_to=news)
    await fake.post_message(world.thread, world.alice, "agreed", reply_to=side)
    await wait_for_stored(fake, proc, 8)
    for message, member, emoji in (
        (clip, world.bob, "🔥"),
        (clip, world.mod, "🔥"),
        (clip, world.mod, "👍"),
        (news, world.alice, "🎉"),
        (side, world.alice, "👍"),
    ):
        await fake.add_reaction(message, member, emoji)
    await fake.remove_reaction(clip, world.mod, "👍")

    def reacted() -> bool:
        rows = db_query(proc.database, "SELECT sum(reactions) FROM messages")
        return bool(rows) and rows[0][0] == 4

    await fake.wait_for(reacted, timeout=30, description="the reactions stored")

    reply = await slash(fake, world.general, world.alice, "top", {"period": "24h"}, subcommand="posts")
    assert not reply.ephemeral and reply.embeds, reply
    listed = _lines(reply.embed["description"])
    g = world.general.id
    assert listed == [
        (g, news.id, 1, 3),  # 4 in all
        (g, clip.id, 2, 0),
        (world.thread.id, side.id, 1, 1),
    ]
    assert quiet.id not in {m for _c, m, _r, _p in listed}
    assert f"https://discord.com/channels/{world.guild.id}/{g}/{clip.id}" in reply.embed["description"]

    by_reactions = await slash(
        fake,
        world.general,
        world.alice,
        "top",
        {"channel": world.general, "by": "reactions"},
        subcommand="posts",
    )
    assert [m for _c, m, _r, _p in _lines(by_reactions.embed["description"])] == [clip.id, news.id, side.id]

    refused = await slash(
        fake, world.general, world.alice, "top", {"channel": world.general}, subcommand="announcements"
    )
    assert refused.ephemeral and "Manage Messages" in refused.content

    ann = await slash(
        fake, world.general, world.mod, "top", {"channel": world.general}, subcommand="announcements"
    )
    assert ann.ephemeral and ann.embeds, ann
    text = ann.embed["description"]
    assert f"/{g}/{news.id})" in text and f"/{clip.id})" not in text
    assert "1 reactions" in text and "3 replies" in text and "first 24 hours still running" in text
    assert unhandled_errors(proc.logs()) == []
