"""Issue 16 item 3: sharded bot processes against the stand-in, on one SQLite file (WAL: several processes on
one machine may share it; several machines need PostgreSQL).

One process running both shards of two (``SENTIMETER_SHARD_COUNT=2``): both shards IDENTIFY, each guild's
messages are counted exactly once and ``/stats server`` answers in both. Then a process running only shard 0
(``SENTIMETER_SHARD_IDS=0``) counts only shard 0's guild and leaves the other guild's owed review post alone,
until a process for shard 1 starts beside it on the same file and does that guild's work: caught up, posted
once, counted once."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageRecord
from bot.storage.open import open_storage
from testing.standin import BotProcess, Channel, FakeDiscord, Guild, Member
from testing.standin import payloads as p

from .conftest import db_query, leading_int, slash, unhandled_errors, wait_for_stored
from .test_scenarios_review import NEGATIVE, review_post_for

pytestmark = pytest.mark.e2e

SYNC_ARGV = (sys.executable, "-m", "bot", "run", "--sync")  # global commands: both guilds can run them


@dataclass
class Server:
    guild: Guild
    general: Channel
    reviews: Channel
    admin: Member
    fan: Member


async def make_server(fake: FakeDiscord, name: str, shard: int) -> Server:
    guild = await fake.create_guild(name, shard=(shard, 2))
    general = await fake.create_channel(guild, "general")
    reviews = await fake.create_channel(guild, "reviews")
    role = await fake.create_role(
        guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    admin = await fake.create_member(guild, f"admin{shard}", roles=[role])
    fan = await fake.create_member(guild, f"fan{shard}")
    return Server(guild, general, reviews, admin, fan)


def live_shards(fake: FakeDiscord) -> list[tuple[int, int] | None]:
    return sorted(
        (s.shard for s in fake.gateway.active_sessions() if s.connection is not None and s.connection.live),
        key=str,
    )


_started: list[BotProcess] = []


@pytest.fixture(autouse=True)
def _kill_leftovers() -> Iterator[None]:
    """The processes this module started are killed even when a check fails half-way."""
    yield
    while _started:
        proc = _started.pop()
        if proc.running and proc.proc is not None:
            proc.proc.kill()


async def start(
    fake: FakeDiscord,
    tmp_path: Path,
    database: Path | str,
    name: str,
    shards: list[tuple[int, int]],
    **env: str,
) -> BotProcess:
    """A bot process with these settings; returns once its shards are live and it logged its READY."""
    before = set(live_shards(fake))
    proc = BotProcess(
        fake,
        database=database,
        log_path=tmp_path / f"{name}.log",
        argv=SYNC_ARGV,
        env={"SENTIMETER_SHARD_COUNT": "2", **env},
    )
    _started.append(proc)
    await proc.start()
    await fake.wait_for(
        lambda: proc._check_alive() or set(live_shards(fake)) - before >= set(shards),
        timeout=90,
        description=f"shards {shards} of {name} live",
    )
    await proc.wait_for_log(r"Ready as ", timeout=60)
    return proc


def stored_in(proc: BotProcess, guild: Guild) -> int:
    return int(db_query(proc.database, "SELECT COUNT(*) FROM messages WHERE guild_id = ?", (guild.id,))[0][0])


async def stats_messages(fake: FakeDiscord, server: Server) -> int:
    reply = await slash(fake, server.general, server.admin, "stats", {"period": "7d"}, subcommand="server")
    assert reply.embeds, reply
    return leading_int(reply.fields()["Messages"])


async def test_one_process_runs_two_shards_then_each_shard_its_own_process(
    fake: FakeDiscord, tmp_path: Path, bot_database: Path | str
) -> None:
    """Several processes share one database: the SQLite file on one machine, or PostgreSQL."""
    fake.recommended_shards = 2
    zero, one = await make_server(fake, "Shard Zero", 0), await make_server(fake, "Shard One", 1)

    # -- one process, both shards ---------------------------------------------------------------------------
    both = await start(fake, tmp_path, bot_database, "both", [(0, 2), (1, 2)])
    assert fake.identify_count == 2 and live_shards(fake) == [(0, 2), (1, 2)]
    for server in (zero, one):
        reply = await slash(
            fake,
            server.general,
            server.admin,
            "config",
            {"channel": server.reviews},
            subcommand="review-channel",
        )
        assert reply.ephemeral and f"<#{server.reviews.id}>" in reply.text(), reply
    for i in range(6):
        await fake.post_message(zero.general, zero.fan, f"hello from shard zero, message {i}")
    for i in range(4):
        await fake.post_message(one.general, one.fan, f"hello from shard one, message {i}")
    await wait_for_stored(fake, both, 10)
    assert (stored_in(both, zero.guild), stored_in(both, one.guild)) == (6, 4)
    assert (await stats_messages(fake, zero), await stats_messages(fake, one)) == (6, 4)
    assert await both.terminate() == 0
    assert unhandled_errors(both.logs()) == []

    # -- while no process runs: a flag of shard 1's guild owes its review post -----------------------------
    said = await fake.post_message(one.general, one.fan, NEGATIVE[1], dispatch=False)  # no process heard it
    owed = MessageRecord(
        guild_id=one.guild.id,
        channel_id=one.general.id,
        message_id=said.id,
        author_id=one.fan.user.id,
        created_at=int(time.time()),
        reply_to_id=None,
        scored=True,
        compound=-0.8,
    )
    async with open_storage(bot_database) as storage:
        (change,) = await storage.apply([MessageCreated(owed, FlagRequest(FlagKind.NEGATIVE, "awful video"))])
        owed_flag = change.flag.id
        assert await storage.pending_review_post(one.guild.id, owed_flag) is not None

    # -- a process for shard 0 only ------------------------------------------------------------------------
    first = await start(fake, tmp_path, bot_database, "shard0", [(0, 2)], SENTIMETER_SHARD_IDS="0")
    assert live_shards(fake) == [(0, 2)]
    ours = await fake.post_message(zero.general, zero.fan, NEGATIVE[0])
    missed = await fake.post_message(one.general, one.fan, "said while shard one had no process")
    await wait_for_stored(fake, first, 7, where=f"guild_id = {zero.guild.id}")
    await review_post_for(fake, zero.reviews, ours)  # its own server's review work is done
    assert stored_in(first, one.guild) == 5  # shard 1's live message reached no one; nothing counted
    pending = db_query(
        first.database, "SELECT attempts, attempted_at FROM review_outbox WHERE flag_id = ?", (owed_flag,)
    )
    assert pending == [(0, None)]  # the other shard's post: not tried, not postponed
    assert fake.bot_messages(one.reviews) == []

    # -- a second process, for shard 1, beside it on the same SQLite file ------------------------------------
    second = await start(fake, tmp_path, bot_database, "shard1", [(1, 2)], SENTIMETER_SHARD_IDS="1")
    assert live_shards(fake) == [(0, 2), (1, 2)]
    await wait_for_stored(fake, second, 6, where=f"guild_id = {one.guild.id}")  # the missed one caught up
    await fake.wait_for_bot_message(
        one.reviews, check=lambda m: str(owed.message_id) in str(m.embeds), timeout=60
    )  # the owed review post, by the process that owns its server
    await fake.post_message(zero.general, zero.fan, "more from zero")
    await fake.post_message(one.general, one.fan, "more from one")
    await wait_for_stored(fake, second, 15)
    assert (stored_in(second, zero.guild), stored_in(second, one.guild)) == (8, 7)
    assert db_query(second.database, "SELECT COUNT(*) FROM review_outbox") == [(0,)]
    assert len([m for m in fake.bot_messages(one.reviews) if str(owed.message_id) in str(m.embeds)]) == 1
    assert (missed.id,) in db_query(second.database, "SELECT message_id FROM messages")
    # /stats is right from either process: each guild's command goes to its own shard's process
    assert (await stats_messages(fake, zero), await stats_messages(fake, one)) == (8, 7)
    for proc in (first, second):
        assert await proc.terminate() == 0
        assert unhandled_errors(proc.logs()) == []
