"""Start-up against a Discord whose REST API answers but whose gateway cannot be reached: one line naming the
gateway and a non-zero exit, not discord.py's reconnect traceback followed by its own AttributeError."""

from __future__ import annotations

import socket
from collections.abc import Callable

from testing.standin import BotProcess, FakeDiscord
from tests.e2e.conftest import ANY_DATABASE, World

pytestmark = ANY_DATABASE  # about Discord, not the database


async def test_gateway_out_of_reach_at_start_is_one_line(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens on it once the socket is closed
    gateway = f"ws://127.0.0.1:{port}/gateway"
    proc = make_bot_process(dev_guild_id=world.guild.id, env={"SENTIMETER_GATEWAY_URL": gateway})
    await proc.start()
    code = await proc.wait_exit(timeout=60)
    logs = proc.logs()
    assert code == 1, logs
    ours = [line for line in logs.splitlines() if line.startswith("sentimeter: ")]
    assert len(ours) == 1 and ours[0].startswith(f"sentimeter: cannot reach Discord at {gateway}"), logs
    for noise in ("Traceback", "Event loop is closed", "Exception ignored", "Attempting a reconnect"):
        assert noise not in logs, logs
    assert fake.token not in logs
