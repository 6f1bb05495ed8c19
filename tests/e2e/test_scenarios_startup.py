"""Scenario 1: start-up of the real bot process against the stand-in (identify, command sync, ready, the
invite URL) and the two start-up failures a creator is most likely to hit (bad token, Message Content off)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import pytest

from bot.app.invite import required_permissions
from testing.standin import BotProcess, FakeDiscord
from testing.standin import payloads as p

from .conftest import ANY_DATABASE, World, unhandled_errors

pytestmark = [pytest.mark.e2e, ANY_DATABASE]  # about Discord, not the database

EXPECTED_COMMANDS = {"stats", "config", "flags", "sentiment", "lexicon"}


async def test_start_identifies_syncs_to_the_dev_guild_and_logs_the_invite_url(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    # identify with the intents the product needs (message content is privileged)
    (session,) = fake.gateway.active_sessions()
    assert session.intents & p.INTENT_MESSAGE_CONTENT
    assert session.dispatched[:2] == ["READY", "GUILD_CREATE"]
    # commands synced to the development guild only, never globally on a normal start
    assert [guild for guild, _ in fake.command_syncs] == [world.guild.id]
    assert fake.synced_commands() == []
    slash = {c["name"] for c in fake.synced_commands(world.guild) if c["type"] == 1}
    assert slash >= EXPECTED_COMMANDS
    menus = {c["name"] for c in fake.synced_commands(world.guild) if c["type"] == 3}
    assert {"Flag for review", "Check sentiment"} <= menus

    match = await bot_process.wait_for_log(r"Invite the bot with: (\S+)")
    url = urllib.parse.urlsplit(match.group(1))
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    query = urllib.parse.parse_qs(url.query)
    assert query["client_id"] == [str(fake.application_id)]
    assert query["scope"][0].split() == ["bot", "applications.commands"]  # "+" decodes to a space
    permissions = int(query["permissions"][0])
    assert permissions == required_permissions().value
    for needed in (
        p.P_VIEW_CHANNEL,
        p.P_SEND_MESSAGES,
        p.P_EMBED_LINKS,
        p.P_READ_MESSAGE_HISTORY,
        p.P_MANAGE_MESSAGES,
    ):
        assert permissions & needed
    assert not permissions & p.P_ADMINISTRATOR

    await bot_process.wait_for_log(r"Ready as ")
    logs = bot_process.logs()
    assert fake.token not in logs
    assert unhandled_errors(logs) == []
    assert await bot_process.terminate() == 0
    assert fake.token not in bot_process.logs()


def _error_lines(logs: str) -> list[str]:
    body = [line for line in logs.splitlines() if line.strip() and not line.startswith("=== BotProcess")]
    return [line for line in body if "DISCORD_TOKEN" in line or "MESSAGE CONTENT INTENT" in line]


async def test_bad_token_exits_non_zero_with_one_line_naming_discord_token(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    bad_token = "definitely-not-the-token.abcdef"
    proc = make_bot_process(dev_guild_id=world.guild.id, env={"DISCORD_TOKEN": bad_token})
    await proc.start()
    code = await proc.wait_exit(timeout=60)
    logs = proc.logs()
    assert code != 0, logs
    lines = _error_lines(logs)
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0], logs
    assert "Traceback" not in logs
    assert bad_token not in logs and fake.token not in logs
    assert fake.identify_count == 0  # refused at login, before the gateway


async def test_message_content_intent_disabled_exits_non_zero_naming_the_intent(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    fake.set_privileged_intent("message_content", False)
    proc = make_bot_process(dev_guild_id=world.guild.id)
    await proc.start()
    code = await proc.wait_exit(timeout=60)
    logs = proc.logs()
    assert code != 0, logs
    lines = [line for line in logs.splitlines() if "MESSAGE CONTENT INTENT" in line]
    assert len(lines) == 1, logs
    assert "Traceback" not in logs
    assert fake.token not in logs
    assert re.search(r"close.*4014|4014", "\n".join(str(c.close_code) for c in fake.connection_log))
