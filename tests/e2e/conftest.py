"""Fixtures for end-to-end tests against the loopback Discord stand-in (tests/e2e/standin)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest

from bot.endpoints import configure_endpoints, reset_endpoints

from .standin import BotProcess, Channel, FakeDiscord, Guild, Member, Role
from .standin import payloads as p


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A running stand-in with a short heartbeat interval."""
    async with FakeDiscord(heartbeat_interval_ms=1000) as server:
        yield server
    if server.unhandled_routes:  # the client used an endpoint the stand-in does not implement: extend it
        pytest.fail(f"REST routes missing from the stand-in: {sorted(set(server.unhandled_routes))}")


@dataclass
class World:
    guild: Guild
    general: Channel
    voice: Channel
    forum: Channel
    forum_post: Channel
    thread: Channel
    moderator_role: Role
    alice: Member
    bob: Member
    mod: Member


@pytest.fixture
async def world(fake: FakeDiscord) -> World:
    """One guild: #general (+ a thread), a voice channel with text chat, a forum with a post, a Moderator
    role,
    members alice, bob and mod (Moderator: manage messages, moderate members)."""
    guild = await fake.create_guild("Creators")
    general = await fake.create_channel(guild, "general", topic="talk")
    voice = await fake.create_channel(guild, "Stage Talk", type="voice")
    forum = await fake.create_channel(guild, "feedback", type="forum")
    moderator = await fake.create_role(
        guild,
        "Moderator",
        permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_MESSAGES | p.P_MODERATE_MEMBERS,
    )
    alice = await fake.create_member(guild, "alice")
    bob = await fake.create_member(guild, "bob")
    mod = await fake.create_member(guild, "mod", roles=[moderator])
    post = await fake.create_thread(forum, "Video idea", owner=alice, starter_content="What about a vlog?")
    thread = await fake.create_thread(general, "side chat", owner=bob)
    return World(guild, general, voice, forum, post, thread, moderator, alice, bob, mod)


@pytest.fixture
def endpoints(fake: FakeDiscord) -> Iterator[None]:
    """discord.py pointed at the stand-in for the test; Discord's URLs restored afterwards."""
    configure_endpoints(fake.api_base_url, fake.gateway_url)
    yield None
    reset_endpoints()


def default_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return intents


ClientFactory = Callable[..., Awaitable[discord.Client]]


@pytest.fixture
async def start_client(fake: FakeDiscord, endpoints: None) -> AsyncIterator[ClientFactory]:
    """start_client(client=None, *, wait_ready=True) -> a logged-in discord.Client (closed at teardown)."""
    started: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def factory(client: discord.Client | None = None, *, wait_ready: bool = True) -> discord.Client:
        client = client or discord.Client(intents=default_intents(), guild_ready_timeout=0.1)
        await client.login(fake.token)  # the same steps as client.start(): login, then connect
        task = asyncio.create_task(client.connect())
        started.append((client, task))
        if wait_ready:
            waiter = asyncio.create_task(client.wait_until_ready())
            done, _ = await asyncio.wait({waiter, task}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                waiter.cancel()
                task.result()  # raises the connect error
            if waiter not in done:
                waiter.cancel()
                raise TimeoutError("discord.py client did not become ready")
        return client

    yield factory
    for client, task in started:
        await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)


@pytest.fixture
def make_bot_process(fake: FakeDiscord, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """make_bot_process(dev_guild_id=None, argv=...) -> BotProcess (killed at teardown if still running)."""
    made: list[BotProcess] = []

    def factory(**kwargs: object) -> BotProcess:
        proc = BotProcess(
            fake,
            database=tmp_path / "sentimeter.db",
            log_path=tmp_path / "bot.log",
            **kwargs,  # type: ignore[arg-type]
        )
        made.append(proc)
        return proc

    yield factory
    for proc in made:
        if proc.running and proc.proc is not None:
            proc.proc.kill()


@pytest.fixture
async def bot_process(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> AsyncIterator[BotProcess]:
    """The real bot (`python -m bot run`) running against the stand-in with the world's guild as dev guild."""
    proc = make_bot_process(dev_guild_id=world.guild.id)
    await proc.start()
    await proc.wait_ready(timeout=90)
    yield proc
    if proc.running:
        await proc.terminate()
