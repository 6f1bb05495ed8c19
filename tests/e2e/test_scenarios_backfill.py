"""Issue 14 item 1: /backfill through the real bot against the stand-in. History posted before the bot
joined is read through the live path with an edited progress message; a second run, live traffic during the
run and a SIGKILL in the middle count nothing twice; cancel keeps what was read; only Manage Server may start
it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from testing.standin import BotProcess, FakeDiscord, Member, Message
from testing.standin import payloads as p
from testing.standin.rest import HoldRule
from testing.standin.state import RecordedRequest

from .conftest import World, db_query, slash, stored_message_ids, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e

HISTORY = "GET /channels/{channel_id}/messages"
PROGRESS = re.compile(r"^Back-fill: (\d+)/(\d+) channels done, ([\d,]+) messages read, [\d,]+ messages/s, ")
FINISHED = re.compile(r"^Back-fill finished: (\d+) channels, ([\d,]+) messages read\.$")


class HistoryHold(HoldRule):
    """Withholds the answer to the next history read of one channel after ``after_above`` (the bot waits as
    on a slow Discord) until ``release()``."""

    def __init__(self, fake: FakeDiscord, channel_id: int, after_above: int) -> None:
        super().__init__(HISTORY, 1, fake.state.notify)
        self.channel_id = channel_id
        self.after_above = after_above

    async def hold(self, record: RecordedRequest) -> bool:
        if record.match.get("channel_id") != str(self.channel_id):
            return False
        if int(record.query.get("after", "0")) <= self.after_above:
            return False
        return await super().hold(record)


def hold_history(fake: FakeDiscord, channel_id: int, after_above: int) -> HistoryHold:
    rule = HistoryHold(fake, channel_id, after_above)
    fake.rest.hold_rules.append(rule)
    return rule


async def post_history(fake: FakeDiscord, world: World, n: int) -> list[Message]:
    """``n`` comments from 20 days ago on, spread over #general, its thread and the voice chat, with a
    reply and reactions; plus one two years old (past the default 365 days, never read)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    channels = [world.general, world.general, world.general, world.thread, world.voice]
    authors = [world.alice, world.bob]
    await fake.post_message(world.general, world.bob, "ancient", created_at=start - dt.timedelta(days=700))
    posted: list[Message] = []
    for i in range(n):
        at = start + dt.timedelta(minutes=i)
        posted.append(
            await fake.post_message(
                channels[i % 5], authors[i % 2], f"old comment {i} about the stream", created_at=at
            )
        )
    at = start + dt.timedelta(minutes=n)
    posted.append(
        await fake.post_message(world.general, world.alice, "agreed!", reply_to=posted[0], created_at=at)
    )
    await fake.add_reaction(posted[0], world.bob, "👍")
    await fake.add_reaction(posted[0], world.mod, "🎉")
    await fake.add_reaction(posted[3], world.alice, "🔥")
    return posted


def comments_in_history(fake: FakeDiscord, world: World) -> set[int]:
    """What a back-fill of 365 days must store: people's messages in every channel the bot reads."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    out: set[int] = set()
    for channel in (world.general, world.voice, world.thread, world.forum_post):
        for message in fake.messages_in(channel):
            if not message.author.bot and message.type in (0, 19) and p.snowflake_time(message.id) > since:
                out.add(message.id)
    return out


async def admin(fake: FakeDiscord, world: World) -> Member:
    role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    return await fake.create_member(world.guild, "admin", roles=[role])


async def started(make_bot_process: Callable[..., BotProcess], world: World, **env: str) -> BotProcess:
    proc = make_bot_process(dev_guild_id=world.guild.id, env=env)
    await proc.start()
    await proc.wait_ready(timeout=90)
    return proc


def runs(proc: BotProcess) -> list[tuple[Any, ...]]:
    return db_query(proc.database, "SELECT guild_id, messages_read FROM backfill_runs")


def ranges(proc: BotProcess) -> dict[int, int]:
    rows = db_query(proc.database, "SELECT channel_id, after_id FROM backfill_ranges")
    return {int(c): int(a) for c, a in rows}


def totals(proc: BotProcess) -> tuple[int, int, int]:
    row = db_query(
        proc.database,
        "SELECT coalesce(SUM(messages), 0), coalesce(SUM(replies), 0), coalesce(SUM(reactions), 0)"
        " FROM guild_day",
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def reactions_of(proc: BotProcess, message_id: int) -> int | None:
    rows = db_query(proc.database, "SELECT reactions FROM messages WHERE message_id = ?", (message_id,))
    return int(rows[0][0]) if rows else None


async def finished(fake: FakeDiscord, proc: BotProcess) -> None:
    def done() -> bool:
        proc._check_alive()
        return not runs(proc)

    await fake.wait_for(done, timeout=120, description="the back-fill to finish")


def progress_message(fake: FakeDiscord, world: World) -> Message:
    (message,) = [m for m in fake.bot_messages(world.general) if m.content.startswith("Back-fill")]
    return message


async def test_backfill_reads_history_with_progress_and_a_second_run_counts_nothing_twice(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    posted = await post_history(fake, world, 240)
    want = comments_in_history(fake, world)
    assert {m.id for m in posted} <= want and len(want) == len(posted) + 1  # + the forum post's starter
    manager = await admin(fake, world)
    proc = await started(make_bot_process, world, SENTIMETER_BACKFILL_PROGRESS_SECONDS="0")
    assert stored_message_ids(proc.database) == set()  # a fresh install reads nothing by itself

    reply = await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    assert reply.ephemeral and reply.content.startswith("Back-fill started: 4 channels, up to 365 days back")
    await finished(fake, proc)
    assert stored_message_ids(proc.database) == want
    assert totals(proc) == (len(want), 1, 3)  # one reply, three reactions

    post = progress_message(fake, world)
    assert post.allowed_mentions == {"parse": []}
    assert FINISHED.match(post.content), post.content
    assert FINISHED.match(post.content).group(2) == f"{len(want):,}"  # type: ignore[union-attr]
    steps = [PROGRESS.match(str(edit.get("content", ""))) for edit in post.edits]
    figures = [(int(m.group(1)), int(m.group(3).replace(",", ""))) for m in steps if m is not None]
    assert len(figures) >= 3, [edit.get("content") for edit in post.edits]
    assert figures == sorted(figures) and figures[-1][1] <= len(want)  # channels and messages only grow
    assert any(done == 0 and read > 0 for done, read in figures)  # an edit in the middle of a channel

    again = await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    assert again.content.startswith("Back-fill started"), again
    await finished(fake, proc)
    assert stored_message_ids(proc.database) == want
    assert totals(proc) == (len(want), 1, 3)  # read twice, counted once
    assert await proc.terminate() == 0
    assert totals(proc) == (len(want), 1, 3)
    assert unhandled_errors(proc.logs()) == []


async def test_sigkill_in_the_middle_resumes_where_it_stopped_with_live_traffic_counted_once(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    posted = await post_history(fake, world, 400)
    want = comments_in_history(fake, world)
    general = [m for m in posted if m.channel_id == world.general.id]
    manager = await admin(fake, world)
    # commit after every message, so the kill finds the first page of #general committed
    proc = await started(make_bot_process, world, SENTIMETER_BACKFILL_CHECKPOINT_SECONDS="0")
    held = hold_history(fake, world.general.id, after_above=general[0].id)  # #general's 2nd page waits
    reply = await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    assert reply.content.startswith("Back-fill started"), reply
    await fake.wait_for(lambda: bool(held.held), timeout=60, description="the second page asked for")
    first_page_end = general[99].id
    await fake.wait_for(
        lambda: ranges(proc).get(world.general.id) == first_page_end,
        timeout=60,
        description="page 1 committed",
    )

    # live traffic while the back-fill waits: counted, and a live reaction on an old message is not lost
    live = [await fake.post_message(world.general, world.bob, f"live {i}") for i in range(5)]
    await fake.add_reaction(general[150], world.alice, "😂")  # not back-filled yet: history will show it
    await fake.add_reaction(general[5], world.alice, "😂")  # back-filled already: the live path counts it
    await wait_for_stored(fake, proc, 100 + 5, where=f"channel_id = {world.general.id}")
    await fake.wait_for(
        lambda: (
            db_query(proc.database, "SELECT reactions FROM messages WHERE message_id = ?", (general[5].id,))
            == [(1,)]
        ),
        timeout=30,
        description="the live reaction committed",
    )
    status = await slash(fake, world.general, manager, "backfill", {}, subcommand="status")
    assert status.ephemeral and PROGRESS.match(status.content), status

    assert await proc.kill() == -9
    held.release()
    assert ranges(proc)[world.general.id] == first_page_end  # the stored range: where to continue
    await proc.start()
    await proc.wait_ready(timeout=90)
    await proc.wait_for_log(r"resuming the back-fill of guild \d+: 4 channel\(s\) left", timeout=60)
    await finished(fake, proc)

    want |= {m.id for m in live}
    assert stored_message_ids(proc.database) == want
    assert totals(proc) == (len(want), 1, 5)
    restarted = [
        r
        for r in fake.requests("GET", "/channels/{channel_id}/messages")
        if r.match["channel_id"] == str(world.general.id) and r.at > held.held[0].at
    ]
    assert restarted and int(restarted[0].query["after"]) == first_page_end  # not from the start again
    post = progress_message(fake, world)
    assert FINISHED.match(post.content), post.content
    assert unhandled_errors(proc.logs(current_run_only=True)) == []


async def test_cancel_stops_the_backfill_and_keeps_what_was_read(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    posted = await post_history(fake, world, 300)
    general = [m for m in posted if m.channel_id == world.general.id]
    manager = await admin(fake, world)
    proc = await started(make_bot_process, world)
    held = hold_history(fake, world.general.id, after_above=general[0].id)
    await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    await fake.wait_for(lambda: bool(held.held), timeout=60, description="the second page asked for")
    await wait_for_stored(fake, proc, 100)

    refused = await slash(fake, world.general, world.bob, "backfill", {}, subcommand="cancel")
    assert refused.ephemeral and "Manage Server" in refused.content, refused
    reply = await slash(fake, world.general, manager, "backfill", {}, subcommand="cancel")
    assert reply.ephemeral and reply.content == "Back-fill cancelled: the 100 messages read so far are kept."
    held.release()
    assert runs(proc) == [] and ranges(proc) == {}
    assert stored_message_ids(proc.database) == {m.id for m in general[:100]}
    post = progress_message(fake, world)
    assert post.content == "Back-fill cancelled after 100 messages; what was read is kept."
    status = await slash(fake, world.general, manager, "backfill", {}, subcommand="status")
    assert status.ephemeral and status.content.startswith("No back-fill is running"), status

    assert await proc.terminate() == 0  # cancelled for good: a restart does not resume it
    await proc.start()
    await proc.wait_ready(timeout=90)
    assert "resuming the back-fill" not in proc.logs(current_run_only=True)
    assert len(stored_message_ids(proc.database)) == 100
    assert unhandled_errors(proc.logs()) == []


async def test_only_manage_server_starts_it_one_channel_and_the_server_limit_apply(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    posted = await post_history(fake, world, 20)
    secret = await fake.create_channel(world.guild, "secret")
    bot_role = fake.bot_role(world.guild)
    await fake.set_channel_overwrites(secret, [fake.overwrite(bot_role, deny=p.P_VIEW_CHANNEL)])
    manager = await admin(fake, world)
    proc = await started(make_bot_process, world)

    refused = await slash(fake, world.general, world.bob, "backfill", {}, subcommand="start")
    assert refused.ephemeral and "Manage Server" in refused.content, refused
    assert runs(proc) == [] and stored_message_ids(proc.database) == set()
    hidden = await slash(fake, world.general, manager, "backfill", {"channel": secret}, subcommand="start")
    assert hidden.ephemeral and hidden.content.startswith(f"I cannot read the history of <#{secret.id}>")

    one = await slash(fake, world.general, manager, "backfill", {"channel": world.thread}, subcommand="start")
    assert one.content.startswith("Back-fill started: 1 channels, up to 365 days back"), one
    await finished(fake, proc)
    assert stored_message_ids(proc.database) == {m.id for m in posted if m.channel_id == world.thread.id}

    limit = await slash(fake, world.general, manager, "backfill", {"days": 10}, subcommand="max-days")
    assert limit.ephemeral and "at most 10 days" in limit.content, limit
    too_far = await slash(fake, world.general, manager, "backfill", {"days": 30}, subcommand="start")
    assert too_far.ephemeral and "at most 10 days" in too_far.content, too_far
    recent = await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    assert re.match(r"Back-fill started: \d+ channels, up to 10 days back", recent.content), recent
    await finished(fake, proc)
    # everything posted is 20 days old: only the forum post's starter (new) is added
    assert stored_message_ids(proc.database) == {m.id for m in posted if m.channel_id == world.thread.id} | {
        m.id for m in fake.messages_in(world.forum_post)
    }
    assert await proc.terminate() == 0
    assert unhandled_errors(proc.logs()) == []


async def test_archived_threads_and_forum_posts_are_read_too(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    """Threads archived before the bot came are not in READY's thread list; back-fill lists them through the
    archived-threads routes (public ones, and private ones where the bot may manage threads)."""
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    public = await fake.create_thread(world.general, "finished discussion", created_at=recent)
    private = await fake.create_thread(world.general, "mods only", private=True, created_at=recent)
    in_archived = [
        await fake.post_message(thread, world.alice, f"thread comment {i}", created_at=recent)
        for i, thread in enumerate((public, public, private))
    ]
    ancient = await fake.create_thread(world.general, "long gone", created_at=recent - dt.timedelta(days=800))
    too_old = await fake.post_message(
        ancient, world.bob, "from long ago", created_at=recent - dt.timedelta(days=800)
    )
    for thread in (public, private):
        await fake.set_thread_archived(thread)
    ancient.archived, ancient.archived_at = True, recent - dt.timedelta(days=799)
    await fake.set_thread_archived(world.forum_post)
    manager = await admin(fake, world)
    proc = await started(make_bot_process, world, SENTIMETER_BACKFILL_PROGRESS_SECONDS="0")

    reply = await slash(fake, world.general, manager, "backfill", {}, subcommand="start")
    assert reply.content.startswith("Back-fill started"), reply.content
    await finished(fake, proc)

    stored = stored_message_ids(proc.database)
    assert {m.id for m in in_archived} <= stored
    assert world.forum_post.id in stored  # the archived forum post's starter message
    assert too_old.id not in stored
    parents = db_query(
        proc.database,
        "SELECT DISTINCT parent_channel_id FROM messages WHERE channel_id IN (?, ?)",
        (public.id, private.id),
    )
    assert parents == [(world.general.id,)]  # counted under their channel, like live thread messages
    assert fake.requests("GET", "/channels/{channel_id}/threads/archived/private")  # it may manage threads
    assert await proc.terminate() == 0
    assert unhandled_errors(proc.logs()) == []
