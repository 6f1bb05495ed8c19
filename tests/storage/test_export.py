"""CSV exports on a real SQLite file, with data written through the real write path: each CSV is parsed back
with ``csv`` and checked against the database (the daily figures against a recount of the messages table),
read in several pages, scoped by server, and free text cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.export import HEADERS, TOP_LIMIT, ExportKind, PartSplitter, export_lines, neutralise
from bot.core.periods import DAY, HOUR
from bot.core.scoring.thresholds import sentiment_label
from bot.storage import _export
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    FlagStatus,
    MessageCreated,
    MessageDeleted,
    ReactionChanged,
)
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import T0, raw_db, rec

G, OTHER_G = 1, 2
GENERAL, RANDOM, THREAD = 10, 11, 20  # THREAD is a thread of GENERAL
MOD = 555
NAMES = {GENERAL: "general", RANDOM: '=HYPERLINK("http://evil")'}
END = T0 + 30 * DAY
HOSTILE = ("=cmd|' /C calc'!A0", "@SUM(1+1)", 'plain, "quoted"\nsecond line', "-2+3", "+x", "\tx")


LABELS = ("positive", "neutral", "negative")
LANGS = ("en", "id", "mixed", "other")


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _ts(cell: str) -> int:
    return int(datetime.strptime(cell, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp())


async def _seed(storage: SQLiteStorage) -> None:
    """60 messages in G over 6 days in two channels and a thread (replies, reactions, spam, unscored, flags
    with hostile text), one deleted, one flag resolved; and messages and a flag in another server."""
    ops: list[Any] = []
    for i in range(60):
        mid = 1_000 + i
        channel = (GENERAL, RANDOM, THREAD)[i // 6 % 3]
        at = T0 + (i % 6) * DAY + (i % 7) * HOUR
        r = rec(mid, guild_id=G, channel_id=channel, author_id=100 + i % 4, at=at, compound=(i % 5 - 2) / 2.5)
        r = replace(
            r,
            reply_to_id=mid - 1 if i % 4 == 1 else None,
            parent_channel_id=GENERAL if channel == THREAD else None,
            is_spam=i % 11 == 0,
            scored=i % 13 != 0,
            language=("en", "id", "mixed", "unknown")[i % 4],
        )
        flag = None
        if i % 5 == 0:
            text = HOSTILE[i // 5 % len(HOSTILE)]
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text=f"{text} {i}", reason=f"“bad” {i}", topic="audio")
        ops.append(MessageCreated(r, flag))
    ops += [ReactionChanged(G, GENERAL, 1_000 + i, delta=i % 4) for i in range(0, 60, 3)]
    ops += [
        MessageCreated(rec(9_000 + i, guild_id=OTHER_G, channel_id=77, at=T0 + i * HOUR)) for i in range(5)
    ]
    ops.append(
        MessageCreated(
            rec(9_100, guild_id=OTHER_G, channel_id=77, at=T0),
            FlagRequest(kind=FlagKind.SPAM, text="other server text", reason="link"),
        )
    )
    await storage.apply(ops)
    await storage.apply([MessageDeleted(G, GENERAL, 1_015)])  # its flag loses its text
    flags = await storage.list_flags(G, FlagStatus.OPEN, 0, 100)
    await storage.resolve_flag(G, flags[-1].id, FlagStatus.ACKNOWLEDGED, MOD, T0 + 9 * DAY)


async def _csv(
    storage: SQLiteStorage, kind: ExportKind, start: int | None = None, end: int = END
) -> list[dict[str, str]]:
    text = "".join([line async for line in export_lines(storage, kind, G, start, end, NAMES.get)])
    assert "\r\n" in text and text.endswith("\r\n")  # RFC 4180 line ends
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == HEADERS[kind]
    return list(reader)


@pytest.fixture
async def seeded(storage: SQLiteStorage, monkeypatch: pytest.MonkeyPatch) -> SQLiteStorage:
    monkeypatch.setattr(_export, "PAGE", 4)  # every export crosses several pages
    await _seed(storage)
    return storage


async def test_daily_matches_a_recount_of_the_messages(seeded: SQLiteStorage, tmp_path: Path) -> None:
    rows = await _csv(seeded, ExportKind.DAILY)
    with raw_db(seeded, tmp_path) as db:
        stored = db.execute(
            "SELECT channel_id, created_at, reply_to_id, reactions, is_spam, scored, compound, language"
            " FROM messages WHERE guild_id = ?",
            (G,),
        ).fetchall()
    want: dict[tuple[str, str], dict[str, float]] = {}
    for channel, at, reply, reactions, spam, scored, compound, language in stored:
        zero = dict.fromkeys(("messages", "replies", "reactions", "spam", "sum", *LABELS, *LANGS), 0.0)
        cell = want.setdefault((_iso(at), str(channel)), zero)
        cell["messages"] += 1
        cell["replies"] += reply is not None
        cell["reactions"] += reactions
        cell["spam"] += spam
        if scored and not spam:
            cell[sentiment_label(compound)] += 1
            cell["sum"] += compound
            cell[language if language in ("en", "id", "mixed") else "other"] += 1
    got = {(row["date"], row["channel_id"]): row for row in rows}
    assert set(got) == set(want)
    assert len(rows) == len(want) > 3 * 4  # more than a few pages
    for key, row in got.items():
        w = want[key]
        for col in ("messages", "replies", "reactions", "spam", *LABELS):
            assert int(row[col]) == w[col], (key, col)
        for lang in LANGS:
            assert int(row[f"lang_{lang}"]) == w[lang], (key, lang)
        scored = w["positive"] + w["neutral"] + w["negative"]
        if scored:
            assert float(row["mean_compound"]) == pytest.approx(w["sum"] / scored, abs=1e-4)
        else:
            assert row["mean_compound"] == ""
        assert row["parent_channel_id"] == (str(GENERAL) if key[1] == str(THREAD) else "")
        names = {str(GENERAL): "general", str(RANDOM): "'" + NAMES[RANDOM], str(THREAD): ""}
        assert row["channel_name"] == names[key[1]]
    assert sum(int(r["messages"]) for r in rows) == 59  # one deleted; nothing of the other server
    # days in order, then channels
    keys = [(r["date"], int(r["channel_id"])) for r in rows]
    assert keys == sorted(keys)


async def test_daily_range_is_whole_days_overlapping_it(seeded: SQLiteStorage) -> None:
    rows = await _csv(seeded, ExportKind.DAILY, T0 + 2 * DAY + 5 * HOUR, T0 + 4 * DAY)
    assert {r["date"] for r in rows} == {_iso(T0 + 2 * DAY), _iso(T0 + 3 * DAY)}


async def test_flags_match_the_flag_table(seeded: SQLiteStorage, tmp_path: Path) -> None:
    rows = await _csv(seeded, ExportKind.FLAGS)
    with raw_db(seeded, tmp_path) as db:
        db.row_factory = sqlite3.Row
        stored = {r["id"]: r for r in db.execute("SELECT * FROM flags WHERE guild_id = ? ORDER BY id", (G,))}
    assert [int(r["flag_id"]) for r in rows] == list(stored) and len(rows) == 12
    for row in rows:
        s = stored[int(row["flag_id"])]
        assert row["kind"] == s["kind"] and row["status"] == s["status"] and row["topic"] == s["topic"]
        assert row["channel_id"] == str(s["channel_id"])
        assert row["message_link"] == f"https://discord.com/channels/{G}/{s['channel_id']}/{s['message_id']}"
        assert row["text"] == neutralise(s["text"])
        assert row["reason_or_evidence"] == s["reason"]
        assert row["compound"] == ("" if s["compound"] is None else f"{s['compound']:.4f}")
        assert row["resolved_by"] == ("" if s["resolved_by"] is None else str(s["resolved_by"]))
        assert _ts(row["created_utc"]) == s["created_at"]
        assert (row["resolved_utc"] and _ts(row["resolved_utc"])) == (s["resolved_at"] or "")
    deleted = next(r for r in rows if r["message_link"].endswith("/1015"))
    assert deleted["text"] == "" and deleted["status"] == "message_deleted"  # erased text is not exported
    resolved = [r for r in rows if r["resolved_by"]]
    assert [r["resolved_by"] for r in resolved] == [str(MOD)] and resolved[0]["status"] == "acknowledged"
    # a formula never reaches a spreadsheet as one; a multi-line, quoted text survives the round trip
    texts = [r["text"] for r in rows if r["text"]]
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert any(t.startswith("'=cmd|") for t in texts) and any(t.startswith("'@SUM") for t in texts)
    assert any(t.startswith('plain, "quoted"\nsecond line') for t in texts)


async def test_flags_in_a_range(seeded: SQLiteStorage, tmp_path: Path) -> None:
    with raw_db(seeded, tmp_path) as db:
        created = sorted(r[0] for r in db.execute("SELECT created_at FROM flags WHERE guild_id = ?", (G,)))
    start, end = created[3], created[8]
    rows = await _csv(seeded, ExportKind.FLAGS, start, end)
    assert len(rows) == sum(start <= c < end for c in created) > 0


async def test_top_posts_by_reactions_and_replies(seeded: SQLiteStorage, tmp_path: Path) -> None:
    rows = await _csv(seeded, ExportKind.TOP)
    with raw_db(seeded, tmp_path) as db:
        stored = db.execute(
            "SELECT message_id, channel_id, reactions, replies, is_spam FROM messages WHERE guild_id = ?",
            (G,),
        ).fetchall()
    engaged = [s for s in stored if s[2] + s[3] > 0 and not s[4]]
    assert len(rows) == len(engaged) > 5
    by_id = {s[0]: s for s in stored}
    scores = []
    for rank, row in enumerate(rows, start=1):
        assert row["rank"] == str(rank)
        mid = int(row["message_link"].rsplit("/", 1)[1])
        s = by_id[mid]
        assert (int(row["reactions"]), int(row["replies"]), row["channel_id"]) == (s[2], s[3], str(s[1]))
        assert not s[4]  # spam is never a top post
        scores.append((s[2] + s[3], s[2]))
    assert scores == sorted(scores, reverse=True)
    assert "text" not in HEADERS[ExportKind.TOP]


async def test_top_is_capped(storage: SQLiteStorage) -> None:
    ops = [MessageCreated(rec(i + 1, guild_id=G, at=T0 + i)) for i in range(TOP_LIMIT + 20)]
    ops += [ReactionChanged(G, 10, i + 1, delta=1 + i % 7) for i in range(TOP_LIMIT + 20)]
    await storage.apply(ops)
    rows = await _csv(storage, ExportKind.TOP)
    assert len(rows) == TOP_LIMIT and rows[0]["reactions"] == "7"


async def test_other_servers_and_guild_list(seeded: SQLiteStorage) -> None:
    assert await seeded.export_guilds() == [G, OTHER_G]
    text = "".join([x async for x in export_lines(seeded, ExportKind.FLAGS, OTHER_G, None, END, NAMES.get)])
    assert "other server text" in text and "“bad”" not in text
    empty = "".join([x async for x in export_lines(seeded, ExportKind.DAILY, 3, None, END, NAMES.get)])
    assert empty == ",".join(HEADERS[ExportKind.DAILY]) + "\r\n"  # an unknown server: the header only


def test_parts_fit_the_limit_and_each_opens_alone() -> None:
    header = "a,b\r\n"
    lines = [f"{i},{'é' * (i % 9)}\r\n" for i in range(500)]
    splitter = PartSplitter(header, 200, bom=True)
    parts = [p for p in (splitter.add(line) for line in lines) if p is not None]
    parts.append(splitter.finish())
    assert len(parts) > 10 and all(len(p) <= 200 for p in parts)
    body: list[str] = []
    for part in parts:
        text = part.decode("utf-8-sig")
        assert text.startswith(header)
        body += text[len(header) :].splitlines(keepends=True)
    assert body == lines


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(cell: str | None, out: str) -> None:
    assert neutralise(cell) == out
