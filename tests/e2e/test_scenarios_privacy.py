"""Issue 13, items 9, 11 and 12 against the stand-in, with the real bot process: /stats shows nothing of a
private channel to the wrong person, an opted-out member is not stored, /privacy forget-me deletes a member's
data after the confirmation button, /privacy my-data is a file only they see, and removing the bot from a
server starts its grace period (adding it back cancels it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from testing.standin import BotProcess, FakeDiscord
from testing.standin import payloads as p

from .conftest import World, command_reply, db_query, db_try, slash, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e


def _count(proc: BotProcess, sql: str, params: tuple[Any, ...] = ()) -> int:
    return int(db_query(proc.database, sql, params)[0][0])


async def test_private_channels_in_stats(fake: FakeDiscord, world: World, bot_process: BotProcess) -> None:
    everyone = fake.guild(world.guild.id).roles[world.guild.id]
    mods = await fake.create_channel(
        world.guild,
        "mods-only",
        overwrites=[
            fake.overwrite(everyone, deny=p.P_VIEW_CHANNEL),
            fake.overwrite(world.moderator_role, allow=p.P_VIEW_CHANNEL),
            fake.overwrite(fake.bot_role(world.guild), allow=p.P_VIEW_CHANNEL | p.P_READ_MESSAGE_HISTORY),
        ],
    )
    await fake.post_message(mods, world.mod, "private planning talk")
    await fake.post_message(world.general, world.alice, "hello everyone")
    await wait_for_stored(fake, bot_process, 2)

    refused = await slash(fake, world.general, world.alice, "stats", {"channel": mods}, subcommand="channel")
    assert refused.ephemeral and "can't view" in refused.content

    private = await slash(fake, world.general, world.mod, "stats", {"channel": mods}, subcommand="channel")
    assert private.ephemeral and "mods-only" in private.text()

    public = await slash(
        fake, world.general, world.alice, "stats", {"channel": world.general}, subcommand="channel"
    )
    assert not public.ephemeral

    server = await slash(fake, world.general, world.alice, "stats", subcommand="server")
    assert server.ephemeral and "channels you cannot see" in server.content
    assert f"<#{mods.id}>" not in server.text()

    for_mod = await slash(fake, world.general, world.mod, "stats", subcommand="server")
    assert not for_mod.ephemeral  # the moderator sees every channel: a public reply...
    assert f"<#{mods.id}>" not in for_mod.text()  # ...that does not name the private one
    assert unhandled_errors(bot_process.logs()) == []


async def test_opt_out_forget_me_and_my_data(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    opted = await slash(fake, world.general, world.alice, "privacy", subcommand="opt-out")
    assert opted.ephemeral and "opted out" in opted.content

    await fake.post_message(
        world.general, world.alice, "this stream is awful, the worst audio ever, I hate it"
    )
    await fake.post_message(world.general, world.bob, "love this stream")
    await fake.post_message(world.general, world.bob, "this is the worst stream, terrible audio, I hate it")
    await wait_for_stored(fake, proc, 2, where=f"author_id = {world.bob.id}")
    # events are applied in order: alice's came first, so it would be there by now
    assert _count(proc, "SELECT count(*) FROM messages WHERE author_id = ?", (world.alice.id,)) == 0
    assert _count(proc, "SELECT count(*) FROM presence WHERE author_id = ?", (world.alice.id,)) == 0
    assert _count(proc, "SELECT count(*) FROM flags WHERE author_id = ?", (world.alice.id,)) == 0

    # my-data: an ephemeral JSON file of bob's own data
    asked = await fake.invoke_slash_command(world.general, world.bob, "privacy", {}, subcommand="my-data")
    reply = await command_reply(fake, asked)
    assert reply.ephemeral
    answer = fake.original_response(asked) or fake.followups(asked)[0]
    (attachment,) = answer.attachments
    data = json.loads(attachment.data)
    assert data["user_id"] == str(world.bob.id) and len(data["messages"]) == 2

    # forget-me: nothing happens until bob confirms with the button
    asked = await fake.invoke_slash_command(world.general, world.bob, "privacy", {}, subcommand="forget-me")
    question = await command_reply(fake, asked)
    assert question.ephemeral and "cannot be undone" in question.content
    prompt = fake.original_response(asked)
    assert prompt is not None
    buttons = [c for row in prompt.components for c in row.get("components", [])]
    confirm = next(b for b in buttons if b.get("style") == 4)  # the danger button
    assert _count(proc, "SELECT count(*) FROM messages WHERE author_id = ?", (world.bob.id,)) == 2

    await fake.click_button(prompt, confirm["custom_id"], world.bob)

    def forgotten() -> bool:
        rows = db_try(proc.database, "SELECT count(*) FROM messages WHERE author_id = ?", (world.bob.id,))
        return rows is not None and rows[0][0] == 0

    await fake.wait_for(forgotten, timeout=30, description="bob's data deleted")
    assert _count(proc, "SELECT coalesce(sum(messages), 0) FROM guild_hour") == 0
    assert _count(proc, "SELECT count(*) FROM presence WHERE author_id = ?", (world.bob.id,)) == 0
    assert _count(proc, "SELECT count(*) FROM flags WHERE author_id = ?", (world.bob.id,)) == 0
    assert unhandled_errors(proc.logs()) == []


async def test_removal_starts_the_grace_period_and_rejoining_cancels_it(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    await fake.post_message(world.general, world.alice, "hello")
    await wait_for_stored(fake, proc, 1)

    await fake.gateway.guild_delete(world.guild.id)

    def marked() -> bool:
        rows = db_try(
            proc.database, "SELECT count(*) FROM guild_removals WHERE guild_id = ?", (world.guild.id,)
        )
        return rows is not None and rows[0][0] == 1

    await fake.wait_for(marked, timeout=30, description="the removal recorded")
    assert _count(proc, "SELECT count(*) FROM messages") == 1  # kept during the grace period

    await fake.gateway.guild_create(fake.guild(world.guild.id))

    def cancelled() -> bool:
        rows = db_try(proc.database, "SELECT count(*) FROM guild_removals")
        return rows is not None and rows[0][0] == 0

    await fake.wait_for(cancelled, timeout=30, description="the removal cancelled")
    assert unhandled_errors(proc.logs()) == []
