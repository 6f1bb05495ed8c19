"""/flags summary's chart (issue 15): complaints per day in the server's zone, one stacked series per topic,
named as the summary names them, attached as a PNG; the summary goes out without it when there is none."""

from __future__ import annotations

import struct
import time
from typing import Any

import discord

from bot.charts import BAR_SIZE, BarChart, Heatmap, render_png
from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageRecord
from tests.cogs.test_flags_cog import env, interaction_for  # noqa: F401  (the flags cog's fixture)
from tests.cogs.test_listener import GUILD_ID, TEXT_ID, USER_ID, next_id

DAY = 86_400


async def flag(env: Any, topic: str, at: int) -> None:  # noqa: F811 (the fixture's name)
    record = MessageRecord(
        guild_id=GUILD_ID,
        channel_id=TEXT_ID,
        message_id=next_id(),
        author_id=USER_ID,
        created_at=at,
        compound=-0.7,
        neg=0.7,
        neu=0.3,
    )
    await env.storage.apply(
        [MessageCreated(record, FlagRequest(FlagKind.NEGATIVE, "the audio is bad", topic=topic))]
    )


async def test_flags_summary_attaches_flags_per_day_by_topic(env: Any) -> None:  # noqa: F811
    await env.bot.configs.set_timezone(GUILD_ID, "Asia/Makassar")
    now = int(time.time())
    for at in (now - 2 * DAY, now - 2 * DAY - 60, now - 5 * DAY):
        await flag(env, "audio", at)
    await flag(env, "schedule", now)
    drawn: list[BarChart | Heatmap] = []

    async def render(spec: BarChart | Heatmap) -> bytes:
        drawn.append(spec)
        return render_png(spec)

    env.cog.render = render
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.summary.callback(env.cog, interaction, None)
    kwargs = interaction.followup.send.await_args.kwargs
    assert kwargs["embed"].image.url == "attachment://flags.png"
    png = kwargs["file"].fp.read()
    assert struct.unpack(">II", png[16:24]) == BAR_SIZE
    (spec,) = drawn
    assert isinstance(spec, BarChart)
    assert len(spec.labels) == 30  # the last 30 days, one bar each
    assert [(s.name, sum(s.values)) for s in spec.series] == [("audio", 3), ("schedule", 1)]
    assert spec.series[1].values[-1] == 1  # today's complaint is on today's bar


async def test_flags_summary_without_complaints_has_no_chart(env: Any) -> None:  # noqa: F811
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.summary.callback(env.cog, interaction, None)
    kwargs = interaction.followup.send.await_args.kwargs
    assert not kwargs["embed"].image.url
    assert not isinstance(kwargs.get("file"), discord.File)
