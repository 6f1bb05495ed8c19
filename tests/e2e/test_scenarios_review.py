"""Scenarios 3, 4 and 9: the review queue end to end (set-up by a Manage Server moderator, buttons that check
permissions and survive restarts), review posts that never ping, and Discord's 429s waited out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from testing.standin import BotProcess, Channel, FakeDiscord, Member, Message
from testing.standin import payloads as p

from .conftest import Reply, World, command_reply, db_query, slash, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e

NEGATIVE = [
    "this video is terrible, I hate it",
    "awful sound and horrible editing, worst upload ever",
    "what a disgusting, stupid and boring stream",
    "I hate this channel, it is pathetic",
    "the worst tutorial, totally useless and awful",
]
FLAG_ID = re.compile(r"^sentimeter:flag:(?P<action>[a-z]+):(?P<flag_id>\d+)$")


async def setup_review_channel(fake: FakeDiscord, world: World) -> tuple[Channel, Member]:
    """#reviews, and an admin (Manage Server) who points the bot at it with /config review-channel."""
    reviews = await fake.create_channel(world.guild, "reviews")
    admin_role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    admin = await fake.create_member(world.guild, "admin", roles=[admin_role])
    reply = await slash(
        fake, world.general, admin, "config", {"channel": reviews}, subcommand="review-channel"
    )
    assert reply.ephemeral and f"<#{reviews.id}>" in reply.text(), reply
    return reviews, admin


async def review_post_for(fake: FakeDiscord, reviews: Channel, comment: Message) -> Message:
    """The bot's review post about `comment` (found by its jump link)."""

    def about(msg: Message) -> bool:
        return any(str(comment.id) in str(embed) for embed in msg.embeds)

    return await fake.wait_for_bot_message(reviews, check=about, timeout=30)


def actions(post: Message) -> dict[str, str]:
    out = {}
    for cid in post.all_custom_ids():
        match = FLAG_ID.match(cid)
        assert match, cid
        out[match["action"]] = cid
    return out


def flag_row(proc: BotProcess, message_id: int) -> tuple[Any, ...]:
    (row,) = db_query(
        proc.database,
        "SELECT id, status, resolved_by, review_channel_id, review_message_id FROM flags"
        " WHERE message_id = ?",
        (message_id,),
    )
    return row


def examples(proc: BotProcess) -> list[tuple[Any, ...]]:
    """(flag id, label, features JSON) of every decision the bot learned from, oldest first."""
    return db_query(
        proc.database, "SELECT flag_id, label, features FROM learning_examples ORDER BY created_at, flag_id"
    )


async def click(fake: FakeDiscord, post: Message, custom_id: str, member: Member) -> Reply:
    return await command_reply(fake, await fake.click_button(post, custom_id, member))


# --- scenario 3 ------------------------------------------------------------------------------------------


async def test_review_post_buttons_check_permissions_and_survive_a_restart(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    # a member without Manage Server cannot choose the review channel
    refused = await slash(
        fake, world.general, world.bob, "config", {"channel": world.general}, subcommand="review-channel"
    )
    assert (refused.ephemeral and not refused.embeds) or "Manage" in refused.text()
    reviews, _admin = await setup_review_channel(fake, world)
    assert db_query(bot_process.database, "SELECT review_channel_id FROM guild_config") == [(reviews.id,)]

    first = await fake.post_message(world.general, world.alice, NEGATIVE[0])
    post = await review_post_for(fake, reviews, first)
    buttons = actions(post)
    assert set(buttons) == {"ack", "fp", "del"}
    await fake.wait_for(lambda: flag_row(bot_process, first.id)[4] is not None, description="post recorded")
    flag_id, status, _by, channel_id, message_id = flag_row(bot_process, first.id)
    assert (status, channel_id, message_id) == ("open", reviews.id, post.id)
    assert all(m == str(flag_id) for m in (FLAG_ID.match(c)["flag_id"] for c in buttons.values()))  # type: ignore[index]
    assert post.allowed_mentions is not None and post.allowed_mentions.get("parse") == []

    # bob (no Manage Messages) clicks: an ephemeral refusal, nothing changes
    before = (list(post.embeds), list(post.components), len(post.edits))
    refusal = await click(fake, post, buttons["fp"], world.bob)
    assert refusal.ephemeral and refusal.callback_type == 4 and "Manage Messages" in refusal.text()
    assert (post.embeds, post.components, len(post.edits)) == before
    assert flag_row(bot_process, first.id)[1] == "open"

    # the moderator clicks "Not negative": resolved, the post updated in place, buttons gone
    done = await click(fake, post, buttons["fp"], world.mod)
    assert done.callback_type == 7 and not done.ephemeral
    assert post.components == [] and post.embeds != before[0]
    assert flag_row(bot_process, first.id)[1:3] == ("not_negative", world.mod.user.id)
    assert "Not negative" in str(post.embeds[0]) or "not negative" in str(post.embeds[0]).lower()
    # ... and the decision is kept as an example of this server's language: numbers, never the text
    await fake.wait_for(lambda: examples(bot_process) != [], description="decision learned")
    ((example_flag, label, features),) = examples(bot_process)
    assert (example_flag, label) == (flag_id, 0)
    assert "terrible" not in features and "video" not in features.replace("t:video", "")

    # two more flags, then a restart: the old posts' buttons still work
    second = await fake.post_message(world.general, world.alice, NEGATIVE[1])
    third = await fake.post_message(world.general, world.bob, NEGATIVE[2])
    post2 = await review_post_for(fake, reviews, second)
    post3 = await review_post_for(fake, reviews, third)
    await bot_process.restart(timeout=90)

    refusal = await click(fake, post2, actions(post2)["ack"], world.bob)
    assert refusal.ephemeral and flag_row(bot_process, second.id)[1] == "open"
    ack = await click(fake, post2, actions(post2)["ack"], world.mod)
    assert ack.callback_type == 7 and post2.components == []
    assert flag_row(bot_process, second.id)[1:3] == ("acknowledged", world.mod.user.id)
    deleted = await click(fake, post3, actions(post3)["del"], world.mod)
    assert deleted.callback_type == 7 and post3.components == []
    assert fake.message(third.id).deleted  # the comment itself is gone from Discord
    assert flag_row(bot_process, third.id)[1] == "deleted"
    # its text is no longer shown on the post (privacy), and the delete reached the statistics
    assert NEGATIVE[2] not in str(post3.embeds)
    await wait_for_stored(fake, bot_process, 2)
    # three decisions learned, across the restart; the deleted comment's example lost its words
    await fake.wait_for(lambda: len(examples(bot_process)) == 3, description="three decisions learned")
    assert [label for _f, label, _x in examples(bot_process)] == [0, 1, 1]
    await fake.wait_for(
        lambda: '"h:' not in examples(bot_process)[2][2], description="the deleted comment's words forgotten"
    )
    # the refit after the third example is written after the example itself
    await fake.wait_for(
        lambda: db_query(bot_process.database, "SELECT decisions FROM learned_adjustments") == [(3,)],
        description="refitted on three decisions",
    )
    assert unhandled_errors(bot_process.logs()) == []


# --- scenario 4 ------------------------------------------------------------------------------------------


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


async def test_flagged_comment_with_pings_and_markdown_is_reposted_without_pinging(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    subscribers = await fake.create_role(world.guild, "Subscribers", mentionable=True)
    text = (
        f"@everyone @here {subscribers.mention} <@{world.bob.user.id}> **this** is __the worst__ `video` "
        "```py\nawful()``` ||garbage|| ~~trash~~ [click](https://evil.example) # I HATE IT\n"
        "> terrible, stupid and disgusting"
    )
    comment = await fake.post_message(world.general, world.alice, text)
    assert comment.mention_everyone and comment.mention_role_ids  # it did ping in the original channel
    post = await review_post_for(fake, reviews, comment)

    (request,) = [
        r
        for r in fake.requests("POST", "/channels/{channel_id}/messages")
        if r.status == 200 and r.path.endswith(f"/channels/{reviews.id}/messages")
    ]
    payload = request.json
    assert payload is not None
    allowed = payload["allowed_mentions"]
    assert allowed["parse"] == [] and not allowed.get("users") and not allowed.get("roles")
    assert not post.mention_everyone and post.mention_ids == [] and post.mention_role_ids == []
    # the embed shows the comment as typed, with nothing live in it
    (embed,) = post.embeds
    shown = embed["description"]
    assert len(shown) <= 4096
    assert "@everyone" not in shown and "@here" not in shown
    assert subscribers.mention not in shown and f"<@{world.bob.user.id}>" not in shown
    assert "```" not in shown.replace("\\`", "")  # the fence cannot open a code block
    assert "||garbage||" not in shown and "**this**" not in shown
    assert unescape(shown) == text
    assert post.content in ("", None) or "@" not in post.content
    assert actions(post)  # the buttons are there: the post is intact
    assert unhandled_errors(bot_process.logs()) == []


# --- scenario 9 ------------------------------------------------------------------------------------------


async def test_429s_on_sends_and_callbacks_are_waited_out_and_nothing_is_dropped(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, admin = await setup_review_channel(fake, world)
    fake.inject_rate_limit("sends", count=4, retry_after=0.3)
    fake.inject_rate_limit("PATCH /channels/{channel_id}/messages/{message_id}", count=1, retry_after=0.2)
    comments = [await fake.post_message(world.general, world.alice, t) for t in NEGATIVE]
    for i in range(200):
        await fake.post_message(world.general, world.bob, f"thanks {i}")
    posts = [await review_post_for(fake, reviews, c) for c in comments]
    assert len(fake.bot_messages(reviews)) == len(NEGATIVE)  # one post each, no duplicates
    await wait_for_stored(fake, bot_process, 205)
    assert len(fake.rate_limited_requests) >= 4

    fake.inject_rate_limit("callbacks", count=2, retry_after=0.3)
    stats = await slash(fake, world.general, world.mod, "stats", {"period": "24h"}, subcommand="server")
    assert stats.embeds and stats.fields()["Messages"].startswith("205")
    fake.inject_rate_limit("callbacks", count=1, retry_after=0.2)
    fake.inject_rate_limit("*", count=1, retry_after=0.2, is_global=True, scope="global")
    done = await click(fake, posts[0], actions(posts[0])["ack"], world.mod)
    assert done.callback_type == 7 and posts[0].components == []
    assert flag_row(bot_process, comments[0].id)[1] == "acknowledged"
    fake.inject_rate_limit("callbacks", count=1, retry_after=0.2)
    config = await slash(fake, world.general, admin, "config", {}, subcommand="show")
    assert config.ephemeral and config.embeds
    callbacks = fake.requests("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
    assert sum(r.status == 429 for r in callbacks) >= 4
    assert len(fake.rate_limited_requests) >= 9
    assert unhandled_errors(bot_process.logs()) == []
