"""Property: whatever sequence of writes arrives, in whatever batches, every statistic equals a brute-force
recomputation from a plain Python model of the surviving messages.

Threads: channels 20 and 21 are threads of 10, 22 of 12; their messages carry the parent only sometimes (the
mapping may be learned late). Channel 10 sometimes claims 12 as its parent: whichever comes first wins and
the other is refused (one level only), which the model mirrors."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.periods import Period, period_range
from bot.storage.models import (
    ChannelCount,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagesBulkDeleted,
    ReactionChanged,
    Totals,
    WriteOp,
)
from bot.storage.sqlite import SQLStorage
from tests.storage.conftest import T0, open_backend, rec

H = 3600
D = 86400
GUILDS = (1, 2)
CHANNELS = (10, 11, 12, 20, 21, 22)
PARENT = {20: 10, 21: 10, 22: 12, 10: 12}  # the parent a message in the channel may carry
LANGUAGES = ("en", "id", "mixed", "unknown", None)
AUTHORS = (100, 101, 102, 103)
IDS = st.integers(1, 16)
NOW = T0 + 70 * D + 5 * H + 17


@dataclass
class M:
    guild_id: int
    channel_id: int
    author_id: int
    created_at: int
    reply: bool
    scored: bool
    compound: float
    spam: bool
    language: str | None
    reactions: int = 0


@dataclass
class Model:
    messages: dict[int, M] = field(default_factory=dict)
    parents: dict[tuple[int, int], int] = field(default_factory=dict)  # (guild, channel) -> parent

    def family(self, guild: int, channel: int) -> set[int]:
        """The channel and the channels recorded as its threads."""
        return {channel} | {c for (g, c), p in self.parents.items() if g == guild and p == channel}

    def attributed(self, guild: int, channel: int) -> int:
        """Where lists of channels count a message posted in ``channel``: its parent, if recorded."""
        return self.parents.get((guild, channel), channel)

    def learn(self, guild: int, channel: int, parent: int | None) -> None:
        if parent is None or parent == channel or (guild, channel) in self.parents:
            return
        is_parent = any(g == guild and p == channel for (g, _), p in self.parents.items())
        is_child = (guild, parent) in self.parents
        if not is_parent and not is_child:
            self.parents[(guild, channel)] = parent


# hours cluster so that gaps of every size (1 hour .. weeks) occur
hours = st.one_of(
    st.integers(0, 30), st.integers(0, 70 * 24), st.sampled_from([0, 1, 2, 23, 24, 25, 167, 168, 720])
)
compounds = st.sampled_from([-0.9, -0.05, -0.0499, 0.0, 0.0499, 0.05, 0.3333, 1.0])


def creates(guilds: st.SearchStrategy[int], channels: st.SearchStrategy[int]) -> st.SearchStrategy[WriteOp]:
    return st.builds(
        lambda mid, g, ch, au, h, sec, c, scored, spam, reply, lang, with_parent: MessageCreated(
            replace(
                rec(
                    mid,
                    guild_id=g,
                    channel_id=ch,
                    author_id=au,
                    at=T0 + h * H + sec,
                    compound=c,
                    scored=scored,
                    spam=spam,
                    reply_to=reply,
                ),
                language=lang,
                parent_channel_id=PARENT.get(ch) if with_parent else None,
            )
        ),
        IDS,
        guilds,
        channels,
        st.sampled_from(AUTHORS),
        hours,
        st.integers(0, H - 1),
        compounds,
        st.booleans(),
        st.booleans(),
        st.one_of(st.none(), IDS),
        st.sampled_from(LANGUAGES),
        st.sampled_from((False, False, True)),  # the parent is carried by a third of the messages only
    )


create_op = creates(st.sampled_from(GUILDS), st.sampled_from(CHANNELS))
edit_op = st.builds(
    lambda mid, g, c, scored, spam, lang: MessageEdited(
        g, 10, mid, scored, c, max(c, 0), 1 - abs(c), max(-c, 0), lang, spam
    ),
    IDS,
    st.sampled_from(GUILDS),
    compounds,
    st.booleans(),
    st.booleans(),
    st.sampled_from(LANGUAGES),
)
delete_op = st.builds(lambda mid, g: MessageDeleted(g, 10, mid), IDS, st.sampled_from(GUILDS))
bulk_op = st.builds(
    lambda ids, g: MessagesBulkDeleted(g, 10, tuple(ids)), st.lists(IDS, max_size=5), st.sampled_from(GUILDS)
)
react_op = st.builds(
    lambda mid, g, d: ReactionChanged(g, 10, mid, d),
    IDS,
    st.sampled_from(GUILDS),
    st.sampled_from([1, 1, -1]),
)
# reactions removed at once: all of them (0), or one emoji's with the rest read back (the count is set)
clear_op = st.builds(
    lambda mid, g, n: ReactionChanged(g, 10, mid, n, clear=True),
    IDS,
    st.sampled_from(GUILDS),
    st.sampled_from([0, 0, 2]),
)
ops_strategy = st.lists(
    st.one_of(create_op, create_op, create_op, edit_op, delete_op, bulk_op, react_op, react_op, clear_op),
    min_size=5,
    max_size=80,
)
# threads in depth: one guild, mostly messages in threads, so that parents are often learned late (a thread's
# messages stored before one of them carries the parent) and the one-level rule is exercised
thread_ops_strategy = st.lists(
    st.one_of(
        *[creates(st.just(1), st.sampled_from((10, 12, 20, 20, 21, 22)))] * 4,
        st.builds(lambda mid: MessageDeleted(1, 10, mid), IDS),
        st.builds(
            lambda mid, c, lang: MessageEdited(
                1, 10, mid, True, c, max(c, 0), 1 - abs(c), max(-c, 0), lang, False
            ),
            IDS,
            compounds,
            st.sampled_from(LANGUAGES),
        ),
        st.builds(lambda mid: ReactionChanged(1, 10, mid, 1), IDS),
    ),
    min_size=10,
    max_size=40,
)


def model_apply(model: Model, op: WriteOp) -> None:
    messages = model.messages
    if isinstance(op, MessageCreated):
        r = op.record
        if r.message_id not in messages:
            messages[r.message_id] = M(
                r.guild_id,
                r.channel_id,
                r.author_id,
                r.created_at,
                r.reply_to_id is not None,
                r.scored,
                r.compound,
                r.is_spam,
                r.language,
            )
            model.learn(r.guild_id, r.channel_id, r.parent_channel_id)
        return
    if isinstance(op, MessagesBulkDeleted):
        for mid in op.message_ids:
            model_apply(model, MessageDeleted(op.guild_id, op.channel_id, mid))
        return
    m = messages.get(op.message_id)
    if m is None or m.guild_id != op.guild_id:
        return
    if isinstance(op, MessageDeleted):
        del messages[op.message_id]
    elif isinstance(op, MessageEdited):
        messages[op.message_id] = replace(
            m, scored=op.scored, compound=op.compound, spam=op.is_spam, language=op.language
        )
    else:
        m.reactions = max(0, op.delta) if op.clear else max(0, m.reactions + op.delta)


def ceil_hour(t: int) -> int:
    return -(-t // H) * H


def brute(
    model: Model, guild: int, channel: int | None, author: int | None, start: int | None, end: int
) -> list[M]:
    """Messages of the guild in the range; ``channel``: posted in it or in one of its threads."""
    s = None if start is None else ceil_hour(start)
    e = ceil_hour(end)
    family = None if channel is None else model.family(guild, channel)
    out = []
    for m in model.messages.values():
        hour = m.created_at - m.created_at % H
        if m.guild_id != guild or (family is not None and m.channel_id not in family):
            continue
        if author is not None and m.author_id != author:
            continue
        if (s is None or hour >= s) and hour < e:
            out.append(m)
    return out


def totals_tuple(ms: list[M], *, languages: bool = True) -> tuple[int, ...]:
    pos = neu = neg = spam = 0
    ce = 0
    langs = {"en": 0, "id": 0, "mixed": 0, "other": 0}
    for m in ms:
        if m.spam:
            spam += 1
        elif m.scored:
            if m.compound >= 0.05:
                pos += 1
            elif m.compound <= -0.05:
                neg += 1
            else:
                neu += 1
            ce += round(m.compound * 10000)
            langs[m.language if m.language in ("en", "id", "mixed") else "other"] += 1
    base = (len(ms), sum(m.reply for m in ms), sum(m.reactions for m in ms), pos, neu, neg, spam, ce)
    return (*base, *langs.values()) if languages else base


def got_tuple(t: Totals, *, languages: bool = True) -> tuple[int, ...]:
    base = (
        t.messages,
        t.replies,
        t.reactions,
        t.positive,
        t.neutral,
        t.negative,
        t.spam,
        round(t.compound_sum * 10000),
    )
    return (*base, t.lang_en, t.lang_id, t.lang_mixed, t.lang_other) if languages else base


def ranges(extra: list[tuple[int, int]]) -> list[tuple[int | None, int]]:
    out: list[tuple[int | None, int]] = []
    for p in Period:
        start, end = period_range(p, NOW)
        out.append((start, end))
        if start is not None:
            out.append((start - (end - start), start))
    for a, b in extra:
        lo, hi = sorted((a, b))
        out.append((T0 + lo * H, T0 + hi * H + 1))
    return out


async def check(storage: SQLStorage, model: Model, extra: list[tuple[int, int]]) -> None:
    for guild in GUILDS:
        for start, end in ranges(extra):
            for channel in (None, *CHANNELS):
                ms = brute(model, guild, channel, None, start, end)
                t = await storage.totals(guild, channel, start, end)
                assert got_tuple(t) == totals_tuple(ms), (guild, channel, start, end)
                assert t.languages_counted == t.scored
                assert await storage.active_authors(guild, channel, start, end) == len(
                    {m.author_id for m in ms}
                )
                by_hour: dict[int, int] = {}
                for m in ms:
                    h = (m.created_at % D) // H
                    by_hour[h] = by_hour.get(h, 0) + 1
                best = min(by_hour, key=lambda h: (-by_hour[h], h)) if by_hour else None
                assert await storage.busiest_hour(guild, channel, start, end) == best
            ms = brute(model, guild, None, None, start, end)
            per_channel: dict[int, int] = {}
            for m in ms:
                where = model.attributed(guild, m.channel_id)
                per_channel[where] = per_channel.get(where, 0) + 1
            expected = sorted(
                (ChannelCount(c, n) for c, n in per_channel.items()),
                key=lambda x: (-x.messages, x.channel_id),
            )
            assert await storage.top_channels(guild, start, end, 2) == expected[:2]
            for author in AUTHORS:
                ms = brute(model, guild, None, author, start, end)
                t = await storage.member_totals(guild, author, start, end)
                got = got_tuple(t, languages=False)
                assert got == totals_tuple(ms, languages=False), (guild, author, start, end)
                days = {m.created_at // D for m in ms}
                assert await storage.member_active_days(guild, author, start, end) == len(days)
                per_ch: dict[int, int] = {}
                for m in ms:
                    where = model.attributed(guild, m.channel_id)
                    per_ch[where] = per_ch.get(where, 0) + 1
                exp = sorted(
                    (ChannelCount(c, n) for c, n in per_ch.items()), key=lambda x: (-x.messages, x.channel_id)
                )
                assert await storage.member_top_channels(guild, author, start, end, 5) == exp
        hours_left = [m.created_at - m.created_at % H for m in model.messages.values() if m.guild_id == guild]
        assert await storage.first_message_at(guild) == (min(hours_left) if hours_left else None)


# Both back ends check the same properties. Each example opens a fresh database: about 10 ms on SQLite, about
# a second on PostgreSQL (its many small queries: ~1 ms each), so PostgreSQL runs fewer of them.
SQLITE_EXAMPLES, POSTGRES_EXAMPLES = 100, 12
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
_rollup_cases = given(
    ops=ops_strategy,
    cuts=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    extra=st.lists(st.tuples(st.integers(0, 70 * 24), st.integers(0, 70 * 24)), max_size=3),
)
_thread_cases = given(ops=thread_ops_strategy, cuts=st.lists(st.integers(1, 30), min_size=2, max_size=5))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(max_examples=SQLITE_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
@_rollup_cases
def test_rollups_match_brute_force(
    backend: str,
    request: pytest.FixtureRequest,
    ops: list[WriteOp],
    cuts: list[int],
    extra: list[tuple[int, int]],
) -> None:
    run_and_check(backend, request, ops, cuts, extra)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@settings(max_examples=POSTGRES_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
@_rollup_cases
def test_rollups_match_brute_force_on_postgres(
    backend: str,
    request: pytest.FixtureRequest,
    ops: list[WriteOp],
    cuts: list[int],
    extra: list[tuple[int, int]],
) -> None:
    run_and_check(backend, request, ops, cuts, extra)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(max_examples=SQLITE_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
@_thread_cases
def test_threads_count_under_their_parent(
    backend: str, request: pytest.FixtureRequest, ops: list[WriteOp], cuts: list[int]
) -> None:
    run_and_check(backend, request, ops, cuts, [])


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@settings(max_examples=POSTGRES_EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
@_thread_cases
def test_threads_count_under_their_parent_on_postgres(
    backend: str, request: pytest.FixtureRequest, ops: list[WriteOp], cuts: list[int]
) -> None:
    run_and_check(backend, request, ops, cuts, [])


def run_and_check(
    backend: str,
    request: pytest.FixtureRequest,
    ops: list[WriteOp],
    cuts: list[int],
    extra: list[tuple[int, int]],
) -> None:
    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            async with open_backend(backend, request, Path(tmp)) as storage:
                model = Model()
                bounds = sorted({0, len(ops), *(c for c in cuts if c < len(ops))})
                for a, b in itertools.pairwise(bounds):
                    await storage.apply(ops[a:b])
                    for op in ops[a:b]:
                        model_apply(model, op)
                await check(storage, model, extra)

    asyncio.run(run())
