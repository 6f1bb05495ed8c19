"""/trends end to end: comments reach the real bot through the stand-in; a phrase that spikes today shows up
in a moderator's /trends, counted once per comment, with its sentiment; only terms are stored; a member
without Manage Messages is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from testing.standin import BotProcess, FakeDiscord
from testing.standin import payloads as p

from .conftest import World, db_query, slash, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e

YESTERDAY = [
    "the stream yesterday was fun",
    "nice editing on the intro",
    "what camera do you use",
    "the chat was lively tonight",
    "thanks for the tutorial",
]
TODAY = [
    "the new map is amazing",
    "loving the new map so much",
    "new map looks beautiful",
    "map baru keren banget, new map mantap",
    "who made the new map? brilliant",
]


async def test_a_spiking_phrase_is_shown_by_trends(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    authors = [world.alice, world.bob]
    earlier = p.utcnow() - dt.timedelta(days=1)
    posted = 0
    for i in range(25):  # yesterday: ordinary chat, no map
        text = f"{YESTERDAY[i % len(YESTERDAY)]} {['really', 'truly', 'honestly', 'ok', 'yes'][i // 5]}"
        at = earlier + dt.timedelta(seconds=i)
        await fake.post_message(world.general, authors[i % 2], text, created_at=at, dispatch=True)
        posted += 1
    for i in range(25):  # today: the same chat, and ten comments about the new map
        text = TODAY[i % len(TODAY)] if i < 10 else YESTERDAY[i % len(YESTERDAY)]
        await fake.post_message(world.general, authors[i % 2], f"{text} {i}")
        posted += 1
    await wait_for_stored(fake, proc, posted)

    counted = db_query(
        proc.database, "SELECT sum(messages) FROM trend_days WHERE guild_id = ?", (world.guild.id,)
    )
    assert counted == [(50,)]
    stored = {r[0] for r in db_query(proc.database, "SELECT term FROM trend_terms")}
    assert "new map" in stored and not any(" " in t and len(t.split()) > 2 for t in stored)  # terms, no text

    reply = await slash(fake, world.general, world.mod, "trends", {"period": "24h"})
    assert reply.ephemeral
    lines = reply.embed["description"].splitlines()
    assert lines[0].startswith("1. **new map**: 10 comments (before: 0)"), lines
    assert "sentiment +" in lines[0]
    assert "From 25 comments (previous period: 25)" in reply.embed["footer"]["text"]

    refused = await slash(fake, world.general, world.alice, "trends", {"period": "24h"})
    assert refused.ephemeral and "Manage Messages" in refused.text()
    assert not unhandled_errors(proc.logs())
