"""Issue 13 item 1: review posts are never lost and never doubled, through a run of 5xx answers, a global 429
storm, a SIGKILL while posts wait, and a kill after a post was made but before the bot heard back."""

from __future__ import annotations

import pytest

from testing.standin import BotProcess, Channel, FakeDiscord, Message

from .conftest import World, db_query, db_try, unhandled_errors
from .test_scenarios_review import NEGATIVE, actions, review_post_for, setup_review_channel

pytestmark = pytest.mark.e2e

SEND = "POST /channels/{channel_id}/messages"


def sends_to(fake: FakeDiscord, channel: Channel, status: int | None = None) -> int:
    return sum(
        1
        for r in fake.requests("POST", "/channels/{channel_id}/messages")
        if r.path.endswith(f"/channels/{channel.id}/messages") and (status is None or r.status == status)
    )


def posted_rows(proc: BotProcess) -> dict[int, int | None]:
    """message id -> review message id, for every flag."""
    rows = db_try(proc.database, "SELECT message_id, review_message_id FROM flags") or []
    return {int(m): (None if r is None else int(r)) for m, r in rows}


async def every_post_lands_once(
    fake: FakeDiscord, proc: BotProcess, reviews: Channel, comments: list[Message]
) -> None:
    """Each comment has exactly one review post, recorded on its flag; nothing is left pending."""

    def all_recorded() -> bool:
        proc._check_alive()
        rows = posted_rows(proc)
        return len(rows) == len(comments) and all(v is not None for v in rows.values())

    try:
        await fake.wait_for(all_recorded, timeout=90, description="every review post recorded")
    except TimeoutError as exc:
        raise AssertionError(f"{exc}: {posted_rows(proc)}\n{proc.logs()[-4000:]}") from None
    posts = fake.bot_messages(reviews)
    assert len(posts) == len(comments), [p.embeds for p in posts]  # none twice
    rows = posted_rows(proc)
    for comment in comments:
        post = await review_post_for(fake, reviews, comment)
        assert rows[comment.id] == post.id
        assert set(actions(post)) == {"ack", "fp", "del"}
    assert db_query(proc.database, "SELECT COUNT(*) FROM review_outbox") == [(0,)]


async def test_review_posts_failing_with_5xx_all_land_once_the_errors_stop(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    outage = fake.inject_error(SEND, status=503, count=10**6, message="upstream connect error")
    comments = [await fake.post_message(world.general, world.alice, text) for text in NEGATIVE[:3]]
    # the bot keeps trying (more failed sends than flags), and posts nothing while Discord fails
    await fake.wait_for(
        lambda: sends_to(fake, reviews, 503) >= len(comments) + 3, timeout=60, description="retries"
    )
    assert fake.bot_messages(reviews) == []
    assert all(v is None for v in posted_rows(bot_process).values())
    outage.remaining = 0
    await every_post_lands_once(fake, bot_process, reviews, comments)
    assert unhandled_errors(bot_process.logs()) == []


async def test_a_global_429_storm_delays_review_posts_but_loses_and_doubles_none(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    storm = fake.inject_rate_limit("*", count=10**6, retry_after=0.1, is_global=True, scope="global")
    comments = [await fake.post_message(world.general, world.bob, text) for text in NEGATIVE]
    # discord.py waits out a 429 five times, then gives up on the request: the outbox must take over
    await bot_process.wait_for_log(r"review post for flag \d+ in guild \d+ failed \(HTTP 429\)", timeout=60)
    assert fake.bot_messages(reviews) == []
    storm.remaining = 0
    await every_post_lands_once(fake, bot_process, reviews, comments)
    assert unhandled_errors(bot_process.logs()) == []


async def test_posts_waiting_when_the_bot_is_killed_land_exactly_once_after_the_restart(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    limit = fake.inject_rate_limit("sends", count=10**6, retry_after=5.0)
    comments = [await fake.post_message(world.general, world.alice, text) for text in NEGATIVE]

    def flags_waiting() -> bool:
        rows = posted_rows(bot_process)
        return len(rows) == len(comments) and len(fake.rate_limited_requests) >= 1

    await fake.wait_for(flags_waiting, timeout=60, description="five flags, their posts rate limited")
    assert await bot_process.kill() == -9
    assert fake.bot_messages(reviews) == []
    limit.remaining = 0
    await bot_process.start()
    await bot_process.wait_ready(timeout=90)
    await every_post_lands_once(fake, bot_process, reviews, comments)
    assert unhandled_errors(bot_process.logs(current_run_only=True)) == []


async def test_a_post_made_but_never_confirmed_is_found_not_posted_again(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    reviews, _admin = await setup_review_channel(fake, world)
    held = fake.hold_responses(SEND, count=2)  # Discord makes the post; the bot never hears back
    comments = [await fake.post_message(world.general, world.bob, text) for text in NEGATIVE[:2]]

    def waiting() -> bool:  # the first post made, its answer held; the second waits behind it (same bucket)
        return len(held.held) == 1 and len(posted_rows(bot_process)) == 2

    await fake.wait_for(waiting, timeout=60, description="a post made, its answer held")
    assert len(fake.bot_messages(reviews)) == 1
    assert all(v is None for v in posted_rows(bot_process).values())  # the bot does not know yet
    assert await bot_process.kill() == -9
    held.release()
    await bot_process.start()
    await bot_process.wait_ready(timeout=90)
    await every_post_lands_once(fake, bot_process, reviews, comments)
    assert "was already made" in bot_process.logs(current_run_only=True)
    assert unhandled_errors(bot_process.logs(current_run_only=True)) == []
