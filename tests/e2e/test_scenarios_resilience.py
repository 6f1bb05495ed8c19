"""Scenarios 6, 7, 8 and 11: exactly-once counting through a gateway drop (resume), a crash (catch-up through
the history route), a graceful stop mid-burst, and a stream of hostile payloads."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from testing.standin import BotProcess, Channel, FakeDiscord, Message
from testing.standin import payloads as p

from .conftest import (
    World,
    db_query,
    db_try,
    leading_int,
    slash,
    stored_message_ids,
    unhandled_errors,
    wait_for_stored,
)

pytestmark = pytest.mark.e2e


async def assert_counts(
    fake: FakeDiscord, world: World, posted: list[Message], channels: list[Channel]
) -> None:
    """/stats agrees with what was posted, per channel (a channel includes its threads) and for the server."""
    per_channel = Counter(m.channel_id for m in posted)
    for channel in channels:
        threads = [
            c
            for c in fake.guild(world.guild).channels.values()
            if c.parent_id == channel.id and c.type in (p.CHANNEL_PUBLIC_THREAD, p.CHANNEL_PRIVATE_THREAD)
        ]
        want = per_channel[channel.id] + sum(per_channel[t.id] for t in threads)
        reply = await slash(
            fake,
            world.general,
            world.mod,
            "stats",
            {"channel": channel, "period": "all"},
            subcommand="channel",
        )
        assert leading_int(reply.fields()["Messages"]) == want, channel.name
    server = await slash(fake, world.general, world.mod, "stats", {"period": "all"}, subcommand="server")
    assert leading_int(server.fields()["Messages"]) == len(posted)


# --- scenario 6 ------------------------------------------------------------------------------------------


async def test_gateway_drop_mid_burst_resumes_and_counts_every_message_once(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    posted: list[Message] = []
    channels = [world.general, world.thread]
    for i in range(1000):
        if i == 400:
            assert await fake.drop_connection() == 1  # TCP gone: frames in flight are lost, then replayed
        if i == 700:
            await fake.wait_for(lambda: fake.resume_count >= 1, timeout=60, description="first RESUME")
            assert await fake.send_reconnect() == 1  # and Discord asking for a reconnect (op 7)
        author = world.alice if i % 3 else world.bob
        posted.append(await fake.post_message(channels[i % 2], author, f"burst message {i}"))
    await fake.wait_for(lambda: fake.resume_count >= 2, timeout=60, description="second RESUME")
    await wait_for_stored(fake, bot_process, 1000, timeout=90)
    assert stored_message_ids(bot_process.database) == {m.id for m in posted}
    assert fake.identify_count == 1  # resumed both times, never a new session
    await assert_counts(fake, world, posted, channels)
    assert await bot_process.terminate() == 0
    assert db_query(bot_process.database, "SELECT SUM(messages) FROM guild_day") == [(1000,)]
    assert unhandled_errors(bot_process.logs()) == []


# --- scenario 7 ------------------------------------------------------------------------------------------


async def test_after_sigkill_the_restart_catches_up_every_channel_exactly_once(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    clips = await fake.create_channel(world.guild, "clips")
    channels = [world.general, world.thread, clips, world.voice]
    quiet = await fake.create_channel(world.guild, "quiet")  # nothing stored for it before the crash
    posted: list[Message] = []

    async def post(n: int, start: int, where: list[Channel]) -> None:
        for i in range(start, start + n):
            author = [world.alice, world.bob, world.mod][i % 3]
            posted.append(await fake.post_message(where[i % len(where)], author, f"comment number {i}"))

    await post(300, 0, channels)
    await wait_for_stored(fake, bot_process, 300)
    await post(150, 300, channels)  # some of these are still on their way in when the process dies
    assert await bot_process.kill() == -9
    await post(200, 450, [*channels, quiet])  # nobody is listening
    late = await fake.create_channel(world.guild, "created-while-down")
    await post(30, 650, [late])
    history_before = len(fake.requests("GET", "/channels/{channel_id}/messages"))

    await bot_process.start()
    await bot_process.wait_ready(timeout=90)
    await post(100, 680, channels)  # live traffic while the catch-up runs
    await wait_for_stored(fake, bot_process, 780, timeout=90)
    assert stored_message_ids(bot_process.database) == {m.id for m in posted}
    assert len(fake.requests("GET", "/channels/{channel_id}/messages")) > history_before
    await bot_process.wait_for_log(r"caught up \d+ message")
    await assert_counts(fake, world, posted, [*channels, quiet, late])
    cursors = dict(db_query(bot_process.database, "SELECT channel_id, last_message_id FROM channel_cursors"))
    for channel in [*channels, quiet, late]:
        assert cursors[channel.id] == max(m.id for m in posted if m.channel_id == channel.id)
    assert unhandled_errors(bot_process.logs(current_run_only=True)) == []


# --- scenario 8 ------------------------------------------------------------------------------------------


async def test_sigterm_during_a_burst_commits_every_message_received(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    (session,) = fake.gateway.active_sessions()
    posted: list[tuple[int, Message]] = []  # (gateway sequence number, message)

    async def post(start: int, n: int) -> None:
        for i in range(start, start + n):
            msg = await fake.post_message(world.general, world.alice if i % 2 else world.bob, f"burst {i}")
            posted.append((session.seq, msg))

    await post(0, 600)
    # the bot's heartbeat carries the last sequence number it has read: proof of what it received
    await fake.request_heartbeat()
    read_up_to = posted[-1][0]
    await fake.wait_for(
        lambda: any(s is not None and s >= read_up_to for s in fake.gateway.heartbeat_seqs),
        timeout=30,
        description="a heartbeat acknowledging the first 600 messages",
    )
    burst = asyncio.create_task(post(600, 1000))
    await fake.wait_for(lambda: len(posted) >= 700, timeout=30)
    code = await bot_process.terminate(timeout=60)  # SIGTERM while messages keep arriving
    await burst
    assert code == 0, bot_process.logs()[-3000:]

    received_up_to = max(s for s in fake.gateway.heartbeat_seqs if s is not None)
    stored = stored_message_ids(bot_process.database)
    in_order = [m.id for _, m in posted]
    # every message the bot has read is stored, and it read the stream in order: a prefix, no gaps
    assert {m.id for s, m in posted if s <= received_up_to} <= stored
    assert len(stored) >= 600
    assert set(in_order[: len(stored)]) == stored, "stored messages are not a prefix of the stream"
    # the roll-ups agree with the rows
    assert db_query(bot_process.database, "SELECT SUM(messages) FROM guild_day") == [(len(stored),)]
    logs = bot_process.logs()
    assert "SIGTERM received" in logs
    at = logs.find("Traceback")
    assert unhandled_errors(logs) == [], logs[max(0, at - 500) : at + 4000]


# --- scenario 11 -----------------------------------------------------------------------------------------


def hostile_payloads(rng: random.Random, n: int) -> list[tuple[str, list[tuple[str, bytes]]]]:
    def random_unicode(size: int) -> str:
        out: list[str] = []
        while len(out) < size:
            cp = rng.choice(
                [
                    rng.randrange(0x20, 0x7F),
                    rng.randrange(0xA0, 0x3000),
                    rng.randrange(0x1F300, 0x1FAFF),
                    rng.randrange(0x0, 0x20),
                    rng.randrange(0xE000, 0xFFFF),
                    rng.randrange(0x10000, 0x10FFFF),
                ]
            )
            if 0xD800 <= cp <= 0xDFFF:
                continue  # Discord's JSON is UTF-8: no lone surrogates
            out.append(chr(cp))
        return "".join(out)

    def zalgo(text: str) -> str:
        return "".join(
            ch + "".join(chr(rng.randrange(0x300, 0x370)) for _ in range(rng.randrange(5, 30))) for ch in text
        )

    fixed = [
        "```",
        "```py\nprint('unclosed",
        "||",
        "||spoiler that never ends",
        "<@!abc>",
        "<@&>",
        "<#notachannel>",
        "<t:notanumber>",
        "<t:99999999999999999999999:R>",
        "<t:-1:F>",
        "<:bad:>",
        "<a:x:1>",
        "<:a:b:c:d>",
        "[link](javascript:alert(1))",
        "[](<>)",
        "**",
        "__*~~",
        "> ",
        ">>> ",
        "# ",
        "-# tiny",
        "\\",
        "\\\\\\",
        "@everyone @here I hate this",
        "<@0> <@&0> <#0>",
        "😀🔥👍🏽👨‍👩‍👧‍👦🇮🇩🏳️‍🌈",
        "🇮🇩" * 500,
        "\u202e\u202d\u2066\u2069 reversed hate",
        "\u200b" * 1000,
        "\x00\x01\x02 awful",
        "x" * 4000,
        "awful terrible horrible " * 170,
        "\n" * 2000,
        " " * 3999 + ".",
        "ｓｌｏｔ ｇａｃｏｒ",
        "http://" + "a" * 3000,
    ]
    out: list[tuple[str, list[tuple[str, bytes]]]] = []
    for i in range(n):
        kind = i % 8
        if kind == 0:
            text = fixed[(i // 8) % len(fixed)]
        elif kind == 1:
            text = random_unicode(rng.randrange(1, 400))
        elif kind == 2:
            text = random_unicode(rng.randrange(3000, 4000))[:4000]
        elif kind == 3:
            text = zalgo(rng.choice(["you are awful", "I hate it", "nice"]))[:4000]
        elif kind == 4:
            text = "".join(rng.choice("😀🔥👍🏽💀🤡👨‍👩‍👧") for _ in range(rng.randrange(1, 50)))
        elif kind == 5:
            out.append(("", [(f"file{i}.png", b"\x89PNG fake")]))
            continue
        elif kind == 6:
            text = rng.choice(fixed) + " this is terrible and I hate it " + rng.choice(fixed)
        else:
            text = zalgo("awful") + random_unicode(50) + "```||<t:x>"
        out.append((text[:4000], []))
    return out


async def test_a_thousand_hostile_payloads_leave_the_bot_running_without_unhandled_errors(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews = await fake.create_channel(world.guild, "reviews")
    admin_role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    admin = await fake.create_member(world.guild, "admin", roles=[admin_role])
    done = await slash(
        fake, world.general, admin, "config", {"channel": reviews}, subcommand="review-channel"
    )
    assert done.ephemeral
    payloads = hostile_payloads(random.Random(11), 1000)
    authors = [world.alice, world.bob]
    for i, (text, files) in enumerate(payloads):
        await fake.post_message(world.general, authors[i % 2], text, attachments=files)
    await wait_for_stored(fake, bot_process, 1000, timeout=120)

    def posts_settled() -> bool:
        rows = db_try(
            bot_process.database,
            "SELECT COUNT(*) FROM flags WHERE status = 'open' AND review_message_id IS NULL",
        )
        return rows is not None and rows[0][0] == 0

    await fake.wait_for(posts_settled, timeout=120, description="every open flag posted for review")
    flags = db_query(bot_process.database, "SELECT COUNT(*) FROM flags")[0][0]
    assert flags > 0
    assert len(fake.bot_messages(reviews)) == flags
    server = await slash(fake, world.general, world.mod, "stats", {"period": "all"}, subcommand="server")
    assert leading_int(server.fields()["Messages"]) == 1000
    assert bot_process.running
    logs = bot_process.logs()
    assert unhandled_errors(logs) == [], unhandled_errors(logs)[:5]
    assert "review post for flag" not in logs  # no post failed
    assert await bot_process.terminate() == 0
