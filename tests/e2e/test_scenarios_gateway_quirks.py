"""Issue 13 item 4: one bad gateway event never ends the process. Payloads as Spacebar sends them (a member's
roles as objects, ``"thread": null``) used to raise out of discord.py's ``connect()``; the bot now reads them
and keeps counting. A failed command sync at start-up is one clear log line, not a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from testing.standin import BotProcess, FakeDiscord

from .conftest import ANY_DATABASE, World, stored_message_ids, unhandled_errors, wait_for_stored

pytestmark = [pytest.mark.e2e, ANY_DATABASE]  # about Discord, not the database


@pytest.mark.parametrize("quirk", ["member_roles_as_objects", "thread_null"])
async def test_spacebar_payloads_neither_stop_the_bot_nor_lose_messages(
    fake: FakeDiscord, world: World, bot_process: BotProcess, quirk: str
) -> None:
    before = [await fake.post_message(world.general, world.alice, f"before {i}") for i in range(3)]
    await wait_for_stored(fake, bot_process, 3)
    fans = await fake.create_role(world.guild, "Fans")
    carol = await fake.create_member(world.guild, "carol", roles=[fans])  # roles to send as objects
    fake.quirks.add(quirk)
    odd = [
        await fake.post_message(world.general, carol, "odd payload, good video"),
        await fake.post_message(world.thread, carol, "odd payload in a thread"),
    ]
    fake.quirks.clear()
    after = [await fake.post_message(world.general, world.alice, f"after {i}") for i in range(3)]
    await wait_for_stored(fake, bot_process, 8)
    assert stored_message_ids(bot_process.database) == {m.id for m in [*before, *odd, *after]}
    assert bot_process.running
    logs = bot_process.logs()
    assert unhandled_errors(logs) == [], unhandled_errors(logs)[:5]
    assert fake.token not in logs
    assert fake.identify_count == 1  # the session carried on: no crash, no new IDENTIFY


async def test_a_failed_command_sync_at_start_up_is_one_line_and_the_bot_runs(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    fake.inject_error("PUT /applications/{application_id}/guilds/{guild_id}/commands", status=503, count=1)
    proc = make_bot_process(dev_guild_id=world.guild.id)
    await proc.start()
    await proc.wait_ready(timeout=90, require_sync=False, log_line="Could not sync commands")
    comment = await fake.post_message(world.general, world.alice, "still counted")
    await wait_for_stored(fake, proc, 1)
    assert stored_message_ids(proc.database) == {comment.id}
    logs = proc.logs()
    (line,) = [x for x in logs.splitlines() if "Could not sync commands" in x]
    assert "503" in line and str(world.guild.id) in line
    assert unhandled_errors(logs) == [], unhandled_errors(logs)[:5]
    assert await proc.terminate() == 0
