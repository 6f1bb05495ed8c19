"""Fixtures for end-to-end tests against the loopback Discord stand-in (testing/standin)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import discord
import pytest

from bot.app.endpoints import configure_endpoints, reset_endpoints
from bot.storage.errors import StorageUnavailable
from testing.postgres import PostgresServer
from testing.standin import BotProcess, Channel, FakeDiscord, Guild, Interaction, Member, Message, Role
from testing.standin import payloads as p
from tests.storage.pg import SyncPg


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


# Scenarios about Discord's side (gateway, start-up, permissions), not about what is stored: SQLite only.
ANY_DATABASE = pytest.mark.parametrize("bot_database", ["sqlite"], indirect=True)


@pytest.fixture(params=["sqlite", "postgres"])
def bot_database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """What the bot's SENTIMETER_DATABASE is: every scenario runs on both back ends (a SQLite file in
    tmp_path, a fresh database on the throwaway PostgreSQL server)."""
    if request.param == "sqlite":
        return tmp_path / "sentimeter.db"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def make_bot_process(
    fake: FakeDiscord, tmp_path: Path, bot_database: Path | str
) -> Iterator[Callable[..., BotProcess]]:
    """make_bot_process(dev_guild_id=None, argv=...) -> BotProcess (killed at teardown if still running)."""
    made: list[BotProcess] = []

    def factory(**kwargs: object) -> BotProcess:
        proc = BotProcess(
            fake,
            database=bot_database,
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


# --- helpers for the scenarios (tests/e2e/test_scenarios_*.py) -------------------------------------------


@dataclass
class Reply:
    """What the person who ran a command (or clicked a button) saw: the final content and embeds."""

    content: str
    embeds: list[dict[str, Any]]
    ephemeral: bool
    callback_type: int | None

    @property
    def embed(self) -> dict[str, Any]:
        assert self.embeds, f"expected an embed, got content {self.content!r}"
        return self.embeds[0]

    def fields(self, index: int = 0) -> dict[str, str]:
        return {f["name"]: f["value"] for f in self.embeds[index].get("fields", [])}

    def text(self) -> str:
        """Content plus every embed's title/description/fields, for "does it mention X" checks."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        return "\n".join(parts)


async def command_reply(fake: FakeDiscord, interaction: Interaction, *, timeout: float = 30.0) -> Reply:  # noqa: ASYNC109
    """Wait for the bot's answer to an interaction; follows a deferral to the message that replaced it."""
    await fake.wait_for_response(interaction, timeout=timeout)
    if interaction.callback_type == 5:  # deferred ("thinking"): the answer edits the deferred message

        def answered() -> Message | None:
            original = fake.original_response(interaction)
            if original is not None and (original.content or original.embeds):
                return original
            followups = fake.followups(interaction)
            return followups[0] if followups else None

        msg = await fake.wait_for(answered, timeout=timeout, description="the deferred answer")
        return Reply(msg.content, list(msg.embeds), msg.ephemeral, interaction.callback_type)
    data = interaction.response_data or {}
    return Reply(
        data.get("content") or "",
        list(data.get("embeds") or []),
        bool(int(data.get("flags") or 0) & p.FLAG_EPHEMERAL),
        interaction.callback_type,
    )


async def slash(
    fake: FakeDiscord,
    channel: Any,
    member: Any,
    name: str,
    options: dict[str, Any] | None = None,
    *,
    subcommand: str | None = None,
    group: str | None = None,
    timeout: float = 30.0,  # noqa: ASYNC109
) -> Reply:
    interaction = await fake.invoke_slash_command(
        channel, member, name, options or {}, subcommand=subcommand, group=group
    )
    return await command_reply(fake, interaction, timeout=timeout)


def db_query(database: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database: its SQLite file (read-only; safe while the bot runs in WAL mode) or its
    PostgreSQL URL. ``sql`` is written once for both (``?`` placeholders, portable SQL)."""
    if is_postgres(database):
        return _pg_query(str(database), sql, params)
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def db_try(database: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]] | None:
    """db_query, or None while the database/schema does not exist yet or is briefly busy."""
    if is_postgres(database):
        try:
            return db_query(database, sql, params)
        except (OSError, asyncpg.PostgresError, StorageUnavailable):  # not migrated yet, or starting
            return None
    if not Path(database).exists():
        return None
    try:
        return db_query(database, sql, params)
    except sqlite3.OperationalError:
        return None


def is_postgres(database: Path | str) -> bool:
    return isinstance(database, str) and database.startswith(("postgresql://", "postgres://"))


_pg_readers: dict[str, SyncPg] = {}  # one connection per database URL, closed after each test


def _pg_query(url: str, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The storage tests' sync PostgreSQL connection (its own thread and loop: callable from the scenarios'
    event loop, as the SQLite reads are); a connection that was lost is opened again on the next call."""
    if url not in _pg_readers:
        _pg_readers[url] = SyncPg(url)
    try:
        return list(_pg_readers[url].execute(sql, params).fetchall())
    except StorageUnavailable:
        _pg_readers.pop(url).close()
        raise


@pytest.fixture(autouse=True)
def _close_pg_readers() -> Iterator[None]:
    yield
    while _pg_readers:
        _pg_readers.popitem()[1].close()


def stored_message_ids(database: Path | str) -> set[int]:
    return {row[0] for row in db_query(database, "SELECT message_id FROM messages")}


async def wait_for_stored(
    fake: FakeDiscord,
    proc: BotProcess,
    count: int,
    *,
    where: str = "1 = 1",
    timeout: float = 60.0,  # noqa: ASYNC109
) -> int:
    """Until the messages table holds exactly `count` rows matching `where` (fails early if the bot died)."""
    sql = f"SELECT COUNT(*) FROM messages WHERE {where}"
    seen: list[int] = []

    def reached() -> bool:
        proc._check_alive()
        rows = db_try(proc.database, sql)
        if rows is None:
            return False
        seen.append(rows[0][0])
        return rows[0][0] == count

    try:
        await fake.wait_for(reached, timeout=timeout, description=f"{count} stored messages")
    except TimeoutError as exc:
        raise AssertionError(f"{exc}; last count {seen[-1:]}\n{proc.logs()[-3000:]}") from None
    return count


def leading_int(value: str) -> int:
    """The number at the start of an embed field value: "1,234 (▲ 5.0%)" -> 1234."""
    match = re.match(r"\s*([\d,.\u00a0\u202f ]+)", value)
    assert match, f"no number at the start of {value!r}"
    return int(re.sub(r"[^\d]", "", match.group(1)))


UNHANDLED_MARKERS = ("Traceback", "Ignoring exception", "Unhandled")


def unhandled_errors(log_text: str) -> list[str]:
    return [line for line in log_text.splitlines() if any(m in line for m in UNHANDLED_MARKERS)]
