"""Issue 13, items 2 and 3: catch-up never leaves a gap (5xx during history reads, across restarts; a
malformed history message), and what happened while the bot was down is applied (deletes, edits, reactions;
open flags whose message is gone lose their text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from testing.standin import BotProcess, Channel, FakeDiscord, Member, Message

from .conftest import World, db_query, stored_message_ids, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e

HISTORY = "GET /channels/{channel_id}/messages"
FAST_RETRIES = {"SENTIMETER_CATCHUP_RETRY_SECONDS": "0.05", "SENTIMETER_CATCHUP_RETRY_MAX_SECONDS": "0.5"}
NEGATIVE = "awful sound and horrible editing, worst upload ever"


async def started(make_bot_process: Callable[..., BotProcess], world: World, **env: str) -> BotProcess:
    proc = make_bot_process(dev_guild_id=world.guild.id, env={**FAST_RETRIES, **env})
    await proc.start()
    await proc.wait_ready(timeout=90)
    return proc


async def post_many(
    fake: FakeDiscord, channels: list[Channel], authors: list[Member], n: int, label: str
) -> list[Message]:
    return [
        await fake.post_message(channels[i % len(channels)], authors[i % len(authors)], f"{label} {i}")
        for i in range(n)
    ]


def gaps(proc: BotProcess) -> list[tuple[Any, ...]]:
    return db_query(proc.database, "SELECT channel_id, after_id, before_id FROM catchup_gaps")


def counted(proc: BotProcess) -> int:
    return int(db_query(proc.database, "SELECT coalesce(SUM(messages), 0) FROM guild_day")[0][0])


# --- item 2: no gap -----------------------------------------------------------------------------------------


async def test_history_5xx_across_two_restarts_counts_every_message_exactly_once(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    channels = [world.general, world.thread]
    authors = [world.alice, world.bob]
    proc = await started(make_bot_process, world)
    posted = await post_many(fake, channels, authors, 30, "before")
    await wait_for_stored(fake, proc, 30)
    assert await proc.kill() == -9

    posted += await post_many(fake, channels, authors, 100, "while down")
    outage = fake.inject_error(HISTORY, status=503, count=10**6)  # every history read fails
    await proc.start()
    await proc.wait_ready(timeout=90)
    await proc.wait_for_log(r"catch-up stopped in channel", timeout=60)
    posted += await post_many(fake, channels, authors, 30, "live")  # move the cursors past the gap
    await wait_for_stored(fake, proc, 60)
    assert gaps(proc), "the unread range must stay recorded"
    assert await proc.terminate() == 0  # first restart, the reads still failing
    assert gaps(proc)

    outage.remaining = 0  # Discord answers again
    await proc.start()
    await proc.wait_ready(timeout=90)
    await wait_for_stored(fake, proc, 160, timeout=90)
    assert stored_message_ids(proc.database) == {m.id for m in posted}
    await fake.wait_for(lambda: not gaps(proc), timeout=30, description="every gap closed")
    assert counted(proc) == 160
    assert await proc.terminate() == 0
    assert counted(proc) == 160  # nothing counted twice by the overlapping reads
    assert unhandled_errors(proc.logs()) == []


async def test_gap_is_read_again_while_running_once_the_errors_stop(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    proc = await started(make_bot_process, world)
    posted = await post_many(fake, [world.general], [world.alice], 10, "before")
    await wait_for_stored(fake, proc, 10)
    assert await proc.kill() == -9
    posted += await post_many(fake, [world.general], [world.bob], 40, "while down")

    outage = fake.inject_error(HISTORY, status=503, count=10**6)
    await proc.start()
    await proc.wait_ready(timeout=90)
    await proc.wait_for_log(r"catch-up stopped in channel", timeout=60)
    posted += await post_many(fake, [world.general], [world.alice], 5, "live")
    await wait_for_stored(fake, proc, 15)
    outage.remaining = 0
    await wait_for_stored(fake, proc, 55, timeout=60)  # the background retry, no restart
    assert stored_message_ids(proc.database) == {m.id for m in posted}
    await fake.wait_for(lambda: not gaps(proc), timeout=30, description="every gap closed")
    assert await proc.terminate() == 0
    assert counted(proc) == 55


async def test_a_malformed_history_message_is_skipped_and_the_others_are_counted(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    proc = await started(make_bot_process, world)
    posted = await post_many(fake, [world.general, world.thread], [world.alice], 6, "before")
    await wait_for_stored(fake, proc, 6)
    assert await proc.kill() == -9
    missed = await post_many(fake, [world.general, world.thread], [world.bob], 20, "while down")
    bad = [missed[4], missed[9]]  # one in each channel
    for message in bad:
        fake.malform_in_history(message)

    await proc.start()
    await proc.wait_ready(timeout=90)
    want = {m.id for m in posted + missed} - {m.id for m in bad}
    await wait_for_stored(fake, proc, len(want), timeout=90)
    await proc.wait_for_log(rf"skipped message {bad[0].id} in channel {world.general.id}")
    await proc.wait_for_log(rf"skipped message {bad[1].id} in channel {world.thread.id}")
    assert stored_message_ids(proc.database) == want
    await fake.wait_for(lambda: not gaps(proc), timeout=30, description="every gap closed")
    assert unhandled_errors(proc.logs(current_run_only=True)) == []


# --- item 3: what happened while the bot was down ---------------------------------------------------------


def message_row(proc: BotProcess, message_id: int) -> tuple[Any, ...] | None:
    rows = db_query(
        proc.database, "SELECT compound, reactions FROM messages WHERE message_id = ?", (message_id,)
    )
    return rows[0] if rows else None


def flag_of(proc: BotProcess, message_id: int) -> tuple[Any, ...]:
    (row,) = db_query(proc.database, "SELECT status, text FROM flags WHERE message_id = ?", (message_id,))
    return row


async def test_deletes_edits_and_reactions_while_down_are_applied_on_restart(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    proc = await started(make_bot_process, world, SENTIMETER_FLAG_CHECK_MINUTES="0")  # reconcile alone
    fine = await fake.post_message(world.general, world.alice, "thanks, this stream was great fun")
    flagged = await fake.post_message(world.general, world.bob, NEGATIVE)
    doomed = await fake.post_message(world.thread, world.alice, "see you all tomorrow")
    edited = await fake.post_message(world.general, world.bob, "I love this channel, wonderful videos")
    liked = await fake.post_message(world.general, world.alice, "new upload is out")
    await fake.add_reaction(liked, world.bob, "👍")
    await wait_for_stored(fake, proc, 5)
    await fake.wait_for(
        lambda: (
            db_query(proc.database, "SELECT reactions FROM messages WHERE message_id = ?", (liked.id,))
            == [(1,)]
        ),
        timeout=30,
        description="the live reaction",
    )
    assert flag_of(proc, flagged.id) == ("open", NEGATIVE)
    compound_before = message_row(proc, edited.id)
    assert compound_before is not None and compound_before[0] > 0.3
    assert await proc.terminate() == 0

    # while nobody is listening
    await fake.delete_message(flagged)
    await fake.delete_message(doomed)
    await fake.edit_message(edited, "I hate this channel, awful and boring videos")
    await fake.add_reaction(liked, world.mod, "🎉")
    await fake.add_reaction(liked, world.alice, "🔥")
    await fake.add_reaction(fine, world.bob, "❤️")
    await fake.remove_reaction(liked, world.bob, "👍")

    await proc.start()
    await proc.wait_ready(timeout=90)
    await proc.wait_for_log(r"reconciled guild \d+: 2 deleted, 1 edited, 2 reaction", timeout=60)

    def applied() -> bool:
        row = message_row(proc, edited.id)
        return (
            message_row(proc, flagged.id) is None
            and message_row(proc, doomed.id) is None
            and row is not None
            and row[0] < 0
            and (message_row(proc, fine.id) or (0, 0))[1] == 1
        )

    await fake.wait_for(applied, timeout=60, description="the store to match Discord")
    assert flag_of(proc, flagged.id) == ("message_deleted", None)  # the privacy rule: no text kept
    liked_row = message_row(proc, liked.id)
    assert liked_row is not None and liked_row[1] == 2  # 👍 removed, 🎉 and 🔥 added
    assert counted(proc) == 3  # the two deleted ones no longer count
    stored = stored_message_ids(proc.database)
    assert stored == {fine.id, edited.id, liked.id}
    assert unhandled_errors(proc.logs(current_run_only=True)) == []


async def test_an_open_flag_whose_message_was_deleted_while_down_loses_its_text(
    fake: FakeDiscord, world: World, make_bot_process: Callable[..., BotProcess]
) -> None:
    # reconcile off: the open flags' check alone must find it (at start-up, then every interval)
    proc = await started(
        make_bot_process, world, SENTIMETER_RECONCILE_HOURS="0", SENTIMETER_FLAG_CHECK_MINUTES="0.01"
    )
    first = await fake.post_message(world.general, world.bob, NEGATIVE)
    second = await fake.post_message(world.thread, world.alice, "I hate this channel, it is pathetic")
    await wait_for_stored(fake, proc, 2)
    assert flag_of(proc, first.id) == ("open", NEGATIVE)
    assert flag_of(proc, second.id)[0] == "open"
    assert await proc.kill() == -9
    await fake.delete_message(first)

    await proc.start()
    await proc.wait_ready(timeout=90)
    await fake.wait_for(
        lambda: flag_of(proc, first.id) == ("message_deleted", None), timeout=60, description="text erased"
    )
    assert message_row(proc, first.id) is None and counted(proc) == 1

    # a delete the gateway never delivered (an outage while running) is found by the next periodic check
    second.deleted = True
    fake.state.notify()
    await fake.wait_for(
        lambda: flag_of(proc, second.id) == ("message_deleted", None), timeout=60, description="second check"
    )
    assert counted(proc) == 0
    assert unhandled_errors(proc.logs(current_run_only=True)) == []
