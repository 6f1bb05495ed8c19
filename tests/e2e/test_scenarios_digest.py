"""Issue 15 item 6 end to end: /digest preview, a digest posted when its slot comes, one missed while the
bot was down posted exactly once after the restart, and a post made whose answer was lost adopted instead of
doubled. The digest's clock is a file the test moves (tests/e2e/digest_clock_bot.py): no sleeps."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from testing.standin import BotProcess, Channel, FakeDiscord, Member, Message
from testing.standin import payloads as p

from .conftest import World, db_query, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e

WEEK = 7 * 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIGEST_MARK = 150_006
V2 = 1 << 15
SEND = "POST /channels/{channel_id}/messages"


class FileClock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.set(time.time())

    def set(self, now: float) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(repr(float(now)), encoding="utf-8")
        tmp.replace(self.path)  # atomic: the bot never reads half a number


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    return FileClock(tmp_path / "clock.txt")


@pytest.fixture
async def digest_bot(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess], clock: FileClock
) -> BotProcess:
    proc = make_bot_process(
        dev_guild_id=world.guild.id,
        argv=(sys.executable, "-m", "tests.e2e.digest_clock_bot"),
        env={"SENTIMETER_TEST_CLOCK_FILE": str(clock.path)},
    )
    await proc.start()
    await proc.wait_ready(timeout=90)
    return proc


async def admin(fake: FakeDiscord, world: World) -> Member:
    role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    return await fake.create_member(world.guild, "admin", roles=[role])


def texts(msg: Message) -> str:
    out: list[str] = []
    stack: list[Any] = list(msg.components)
    while stack:
        item = stack.pop(0)
        if item.get("type") == 10:
            out.append(item["content"])
        stack.extend(item.get("components") or [])
    return "\n".join(out)


def is_digest(msg: Message) -> bool:
    return bool(msg.flags & V2) and any(c.get("id") == DIGEST_MARK for c in msg.components)


def digests(fake: FakeDiscord, channel: Channel) -> list[Message]:
    return [m for m in fake.bot_messages(channel) if is_digest(m)]


async def preview_of(fake: FakeDiscord, world: World, who: Member) -> Message:
    """/digest preview's answer: the deferred "thinking" message that the first follow-up replaces."""
    interaction = await fake.invoke_slash_command(world.general, who, "digest", {}, subcommand="preview")

    def answered() -> Message | None:
        original = fake.original_response(interaction)
        if original is not None and original.components:
            return original
        return next(iter(fake.followups(interaction)), None)

    return await fake.wait_for(answered, timeout=60, description="the preview")


async def schedule_is(fake: FakeDiscord, proc: BotProcess, want: list[tuple[Any, ...]], columns: str) -> None:
    """Until the stored schedule reads ``want`` (the post is recorded just after it is made)."""
    seen: list[Any] = []

    def reached() -> bool:
        proc._check_alive()
        seen[:] = db_query(proc.database, f"SELECT {columns} FROM digest_schedules")
        return seen == want

    try:
        await fake.wait_for(reached, timeout=60, description=f"the schedule to read {want}")
    except TimeoutError as exc:
        raise AssertionError(f"{exc}; it reads {seen}\n{proc.logs()[-3000:]}") from None


def tomorrow_midnight_utc() -> tuple[str, int]:
    """A schedule (weekday, hour 0, UTC) whose next slot is the coming midnight: its week holds today."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    slot = int(datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC).timestamp())
    return WEEKDAYS[tomorrow.weekday()], slot


async def set_digest(fake: FakeDiscord, world: World, who: Member, weekday: str) -> str:
    interaction = await fake.invoke_slash_command(
        world.general,
        who,
        "digest",
        {"channel": world.general, "weekday": weekday, "hour": 0},
        subcommand="set",
    )
    await fake.wait_for_response(interaction, timeout=30)
    data = interaction.response_data or {}
    assert int(data.get("flags") or 0) & p.FLAG_EPHEMERAL
    return str(data.get("content") or "")


async def post_comments(fake: FakeDiscord, world: World, proc: BotProcess) -> None:
    texts_ = ["love this stream!", "great video, thanks", "the audio is terrible and keeps cutting out", "hi"]
    for i, text in enumerate(texts_):
        await fake.post_message(world.general, world.alice if i % 2 else world.bob, text)
    await wait_for_stored(fake, proc, len(texts_))


async def test_preview_then_the_scheduled_digest_is_posted_once(
    fake: FakeDiscord, world: World, digest_bot: BotProcess, clock: FileClock
) -> None:
    who = await admin(fake, world)
    await post_comments(fake, world, digest_bot)

    # /digest preview: ephemeral, Components V2, with the chart attached, the figures of the last days
    preview = await preview_of(fake, world, who)
    assert preview.ephemeral and preview.flags & V2 and is_digest(preview)
    assert [a.filename for a in preview.attachments] == ["digest.png"]
    assert "attachment://digest.png" in str(preview.components)
    assert "**Messages:** 0" in texts(preview)  # the preview covers the seven whole days before today

    weekday, slot = tomorrow_midnight_utc()
    reply = await set_digest(fake, world, who, weekday)
    assert f"<t:{slot}:F>" in reply, reply
    assert digests(fake, world.general) == []

    clock.set(slot + 5)  # the slot comes
    post = await fake.wait_for_bot_message(world.general, check=is_digest, timeout=60)
    body = texts(post)
    assert "**Messages:** 4" in body and "**Active members:** 2" in body, body
    assert [a.filename for a in post.attachments] == ["digest.png"]
    assert post.allowed_mentions == {"parse": []}
    assert "terrible" not in str(post.components)  # no member's text in a digest
    await schedule_is(fake, digest_bot, [(slot, post.id, slot + WEEK)], "posted_slot, message_id, slot")

    # an hour later nothing more is owed; a preview round-trip shows the bot is alive and posted no second
    clock.set(slot + 3600)
    await preview_of(fake, world, who)
    assert len(digests(fake, world.general)) == 1
    assert unhandled_errors(digest_bot.logs()) == []


async def test_a_digest_missed_while_the_bot_was_down_is_posted_exactly_once(
    fake: FakeDiscord, world: World, digest_bot: BotProcess, clock: FileClock
) -> None:
    who = await admin(fake, world)
    weekday, slot = tomorrow_midnight_utc()
    await set_digest(fake, world, who, weekday)
    assert await digest_bot.kill() == -9

    clock.set(slot + 2 * WEEK + 3 * 3600)  # down for three slots
    await digest_bot.start()
    await digest_bot.wait_ready(timeout=90)
    await fake.wait_for_bot_message(world.general, check=is_digest, timeout=60)
    await schedule_is(
        fake, digest_bot, [(slot + 2 * WEEK, slot + 3 * WEEK)], "posted_slot, slot"
    )  # the newest

    await digest_bot.restart(timeout=90)  # and not again after another restart
    await preview_of(fake, world, who)
    assert len(digests(fake, world.general)) == 1
    assert digest_bot.logs().count("digest posted in guild") == 1
    assert unhandled_errors(digest_bot.logs()) == []


async def test_a_digest_made_whose_answer_was_lost_is_found_after_a_restart_not_posted_again(
    fake: FakeDiscord, world: World, digest_bot: BotProcess, clock: FileClock
) -> None:
    who = await admin(fake, world)
    weekday, slot = tomorrow_midnight_utc()
    await set_digest(fake, world, who, weekday)
    held = fake.hold_responses(SEND, count=1)  # Discord makes the post; the bot never hears back
    clock.set(slot + 5)
    await fake.wait_for(lambda: len(held.held) == 1 or None, timeout=60, description="the send held")
    assert len(digests(fake, world.general)) == 1
    assert await digest_bot.kill() == -9
    held.release()

    clock.set(slot + 3600)  # past the claim's lease
    await digest_bot.start()
    await digest_bot.wait_ready(timeout=90)
    await schedule_is(fake, digest_bot, [(slot,)], "posted_slot")  # the post adopted
    assert len(digests(fake, world.general)) == 1
    await fake.wait_for(  # logged just after the schedule is written: wait for the line, never race it
        lambda: "was already posted" in digest_bot.logs(current_run_only=True) or None,
        timeout=30,
        description="the adoption logged",
    )
    assert unhandled_errors(digest_bot.logs(current_run_only=True)) == []
