"""Issue 13 item 10 end to end: a review button checks the clicker's permissions in the flagged message's
channel even when the bot no longer has that channel cached (an archived thread: fetched), and a custom id
with an id out of range is refused politely instead of failing."""

from __future__ import annotations

import pytest

from testing.standin import BotProcess, FakeDiscord
from testing.standin import payloads as p

from .conftest import ANY_DATABASE, World, db_query, unhandled_errors
from .test_scenarios_review import NEGATIVE, actions, click, flag_row, review_post_for, setup_review_channel

pytestmark = [pytest.mark.e2e, ANY_DATABASE]  # about Discord, not the database


async def test_delete_in_an_uncached_thread_checks_permissions_there(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    helpers = await fake.create_role(
        world.guild, "Helpers", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_MESSAGES
    )
    helper = await fake.create_member(world.guild, "helper", roles=[helpers])
    # helpers moderate the server, but not the VIP lounge
    vip = await fake.create_channel(
        world.guild, "vip", overwrites=[fake.overwrite(helpers, deny=p.P_MANAGE_MESSAGES)]
    )
    lounge = await fake.create_thread(vip, "lounge", owner=world.alice)
    comment = await fake.post_message(lounge, world.alice, NEGATIVE[0])
    post = await review_post_for(fake, reviews, comment)
    await fake.wait_for(lambda: flag_row(bot_process, comment.id)[4] is not None, description="post recorded")
    await fake.set_thread_archived(lounge)  # discord.py drops archived threads from its cache
    fetches_before = len(fake.requests("GET", "/channels/{channel_id}"))

    refusal = await click(fake, post, actions(post)["del"], helper)
    assert refusal.ephemeral and "Manage Messages" in refusal.text()
    assert f"<#{lounge.id}>" in refusal.text()  # the permission is missing there, not here
    assert len(fake.requests("GET", "/channels/{channel_id}")) > fetches_before  # it looked the thread up
    assert not fake.message(comment.id).deleted
    assert flag_row(bot_process, comment.id)[1] == "open"

    done = await click(fake, post, actions(post)["del"], world.mod)  # mods may (server-wide role, no deny)
    assert done.callback_type == 7
    assert flag_row(bot_process, comment.id)[1] == "deleted"
    assert unhandled_errors(bot_process.logs()) == []


async def test_a_button_with_an_out_of_range_id_is_refused_politely(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    comment = await fake.post_message(world.general, world.alice, NEGATIVE[1])
    post = await review_post_for(fake, reviews, comment)
    forged = "sentimeter:flag:ack:" + str(2**64)  # what a modified client could send
    post.components[0]["components"][0]["custom_id"] = forged
    refusal = await click(fake, post, forged, world.mod)
    assert refusal.ephemeral and "not a valid Sentimeter review button" in refusal.text()
    assert db_query(bot_process.database, "SELECT status FROM flags") == [("open",)]
    assert unhandled_errors(bot_process.logs()) == []
