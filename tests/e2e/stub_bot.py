"""A tiny discord.py bot used only to test `BotProcess` (the real bot is `python -m bot run`); run from the
repository root as ``python -m tests.e2e.stub_bot``.

Reads the same environment as the real bot, syncs one /ping command to SENTIMETER_DEV_GUILD_ID, answers
"!ping" with
"pong", and exits 0 on SIGTERM after closing the client.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import discord
from discord import app_commands

from bot.app.endpoints import configure_endpoints

log = logging.getLogger("stub_bot")


class StubBot(discord.Client):
    def __init__(self, dev_guild: int | None) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.1)
        self.tree = app_commands.CommandTree(self)
        self.dev_guild = dev_guild

        @self.tree.command(name="ping", description="Pong!")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook(self) -> None:
        if self.dev_guild is not None:
            guild = discord.Object(id=self.dev_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("synced commands to %s", self.dev_guild)

    async def on_ready(self) -> None:
        log.info("stub ready as %s", self.user)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id != self.user.id and message.content == "!ping":  # type: ignore[union-attr]
            await message.channel.send("pong")


async def main() -> int:
    logging.basicConfig(level=os.environ.get("SENTIMETER_LOG_LEVEL", "INFO"), stream=sys.stderr)
    configure_endpoints(os.environ.get("SENTIMETER_API_BASE_URL"), os.environ.get("SENTIMETER_GATEWAY_URL"))
    dev = os.environ.get("SENTIMETER_DEV_GUILD_ID")
    client = StubBot(int(dev) if dev else None)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with client:
        runner = asyncio.create_task(client.start(os.environ["DISCORD_TOKEN"]))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        log.info("shutting down")
        await client.close()
        stopper.cancel()
        if runner.done() and runner.exception() is not None:
            raise runner.exception()  # type: ignore[misc]
    log.info("clean exit")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
