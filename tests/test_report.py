"""The HTML report of `sentimeter analyze --report`: a real export through the real pipeline into a real
SQLite file, then the page: its sections, escaping, caps, the time zone, and a real headless Chromium."""

from __future__ import annotations

import asyncio
import html
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import cli
from bot.core.errors import SentimeterError
from bot.offline import report as report_module
from bot.offline.analyze import analyze
from bot.offline.report import rising_terms, write_report, write_report_sync, zone
from tests.test_exporter import CHANNEL, author, export, message, write

GUILD_ID = 111
HOSTILE_CHANNEL = '<img src=x onerror="alert(1)">'
HOSTILE_AUTHOR = '"><b>bold</b>'
HOSTILE_TEXT = '<script>alert("pwn")</script> the audio is awful and broken again, I hate it'
START = datetime(2024, 3, 1, tzinfo=UTC)  # New York moves its clocks on 2024-03-10

POSITIVE = ["I love this stream, best community ever!", "great video, thanks so much", "amazing clip haha"]
NEUTRAL = ["what time is the next stream?", "anyone here from Jakarta?", "ok"]
EARLY_COMPLAINTS = [
    "this is terrible, the audio is awful and I hate the new schedule",
    "the audio is awful again, mic sounds horrible",
    HOSTILE_TEXT,
]
LATE_COMPLAINTS = [
    "the stream lag is awful, constant buffering ruins it",
    "so much lag and buffering tonight, terrible",
    "lag lag lag, buffering every minute, worst stream",
]
SPAM = "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 hari ini maxwin!! deposit 10rb langsung cair"


def _community(tmp_path: Path) -> list[Path]:
    """Two channels over March 2024 (one named to break HTML), complaints that change subject halfway."""
    rng = random.Random(14)
    moments = sorted(START + timedelta(seconds=rng.randrange(31 * 86400)) for _ in range(420))
    channels: dict[int, list[dict[str, Any]]] = {222: [], 223: []}
    for i, at in enumerate(moments, start=1):
        late = at >= START + timedelta(days=16)
        roll = rng.random()
        if roll < 0.12:
            text = rng.choice(LATE_COMPLAINTS if late else EARLY_COMPLAINTS)
        elif roll < 0.15:
            text = SPAM
        elif roll < 0.6:
            text = rng.choice(POSITIVE)
        else:
            text = rng.choice(NEUTRAL)
        user = rng.randrange(5, 25)
        body = message(1000 + i, text, user=user, timestamp=at.isoformat())
        if user == 7:
            body["author"] = {**author(7), "name": HOSTILE_AUTHOR}
        if rng.random() < 0.2:
            emoji = {"id": "", "name": "👍", "code": "thumbsup", "isAnimated": False, "imageUrl": "x"}
            body["reactions"] = [{"emoji": emoji, "count": rng.randrange(1, 9)}]
        channels[222 if rng.random() < 0.6 else 223].append(body)
    hostile = {**CHANNEL, "id": "223", "name": HOSTILE_CHANNEL}
    return [
        write(tmp_path, export(channels[222]), "general.json"),
        write(tmp_path, export(channels[223], channel=hostile), "hostile.json"),
    ]


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(database, report in New York time, its text)."""
    folder = tmp_path_factory.mktemp("report")
    exports = _community(folder)
    db = folder / "db.sqlite"
    page = folder / "report.html"
    out = io.StringIO()
    code = asyncio.run(
        analyze(exports, db, workers=1, progress=False, out=out, report=page, timezone="America/New_York")
    )
    assert code == 0
    assert f"Report written to {page}" in out.getvalue()
    return db, page, page.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    """Every tag name and attribute name of a page, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href" and value is not None:
                self.hrefs.append(value)


def _heat(page: str) -> dict[tuple[int, int], int]:
    cells = re.findall(r'data-day="(\d)" data-hour="(\d+)" data-count="(\d+)"', page)
    return {(int(d), int(h)): int(c) for d, h, c in cells}


def _brute_heat(db: Path, tz: str) -> dict[tuple[int, int], int]:
    """Every stored message's local weekday and hour, one by one."""
    counts: Counter[tuple[int, int]] = Counter()
    with sqlite3.connect(db) as conn:
        for (created_at,) in conn.execute("SELECT created_at FROM messages WHERE guild_id = ?", (GUILD_ID,)):
            local = datetime.fromtimestamp(created_at, ZoneInfo(tz))
            counts[(local.weekday(), local.hour)] += 1
    return {(d, h): counts[(d, h)] for d in range(7) for h in range(24)}


def test_the_page_has_every_section_and_loads_nothing(analyzed: tuple[Path, Path, str]) -> None:
    _, _, page = analyzed
    for section in ("overview", "channels", "trend", "activity", "top", "complaints", "flagged", "spam"):
        assert f'id="{section}"' in page, section
    for section in ("terms", "languages"):
        assert f'id="{section}"' in page, section
    assert "<h1>Test Server</h1>" in page
    assert "times in America/New_York" in page
    # self-contained: no script, no external asset, and a policy that forbids loading anything
    tags = _Tags()
    tags.feed(page)
    assert not {"script", "link", "img", "iframe", "object", "embed", "image", "use"} & tags.names
    assert not {"src", "srcset", "style", "xlink:href"} & tags.attributes
    assert "url(" not in page
    assert "default-src 'none'" in page
    assert "prefers-color-scheme:dark" in page
    # the only links are to the messages in Discord, or within the page
    assert tags.hrefs and all(
        h.startswith(f"https://discord.com/channels/{GUILD_ID}/") or h.startswith("#") for h in tags.hrefs
    )


def test_user_text_is_escaped(analyzed: tuple[Path, Path, str]) -> None:
    db, _, page = analyzed
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM flags WHERE text = ?", (HOSTILE_TEXT,)).fetchone()[0]
    assert stored > 0  # the hostile comment was flagged, so its text is in the report
    assert html.escape(HOSTILE_TEXT, quote=True) in page
    assert '<script>alert("pwn")' not in page
    assert HOSTILE_CHANNEL not in page and f"#{html.escape(HOSTILE_CHANNEL, quote=True)}" in page
    assert HOSTILE_AUTHOR not in page and html.escape(HOSTILE_AUTHOR, quote=True) in page


def test_figures_match_the_database(analyzed: tuple[Path, Path, str]) -> None:
    db, _, page = analyzed
    with sqlite3.connect(db) as conn:
        messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        authors = conn.execute("SELECT count(DISTINCT author_id) FROM messages").fetchone()[0]
        negative = conn.execute("SELECT count(*) FROM flags WHERE kind = 'negative'").fetchone()[0]
        per_channel = dict(
            conn.execute("SELECT channel_id, count(DISTINCT author_id) FROM messages GROUP BY 1")
        )
    assert messages == 420 and negative > 20
    overview = page[page.index('id="overview"') : page.index('id="channels"')]
    assert f"<b>{messages:,}</b>" in overview
    assert f'<span class="muted">active members</span><b>{authors}</b>' in overview
    table = page[page.index('id="channels"') : page.index('id="trend"')]
    assert (
        f'<td class="n">{per_channel[222]}</td>' in table
        and f'<td class="n">{per_channel[223]}</td>' in table
    )
    # the trend's bars add up to every message; one bar per New York day from the first to the last
    bars = re.findall(r'<g class="bar" data-date="([\d-]+)" data-messages="(\d+)">', page)
    assert sum(int(m) for _, m in bars) == messages
    days = [datetime.strptime(d, "%Y-%m-%d").date() for d, _ in bars]
    assert days == [days[0] + timedelta(days=i) for i in range(len(days))]
    assert days[0] == datetime(2024, 2, 29).date()  # 1 March in UTC starts on 29 February in New York
    assert f"all {negative}" in page  # fewer flags than the cap: all listed
    assert (
        len(re.findall(r'<tr class="flag"', page[page.index('id="flagged"') : page.index('id="spam"')]))
        == negative
    )


def test_heatmap_is_shifted_into_the_time_zone(analyzed: tuple[Path, Path, str], tmp_path: Path) -> None:
    db, _, page = analyzed
    new_york = _heat(page)
    assert len(new_york) == 7 * 24
    assert new_york == _brute_heat(db, "America/New_York")  # daylight saving time on 10 March included
    tokyo = tmp_path / "tokyo.html"
    write_report_sync(db, tokyo, "Asia/Tokyo", GUILD_ID)
    assert _heat(tokyo.read_text(encoding="utf-8")) == _brute_heat(db, "Asia/Tokyo")
    assert _heat(tokyo.read_text(encoding="utf-8")) != new_york


def test_a_fractional_offset_is_said_on_the_page(analyzed: tuple[Path, Path, str], tmp_path: Path) -> None:
    db, _, page = analyzed
    assert "placed by its middle" not in page
    kolkata = tmp_path / "kolkata.html"
    write_report_sync(db, kolkata, "Asia/Kolkata", GUILD_ID)
    text = kolkata.read_text(encoding="utf-8")
    assert "placed by its middle" in text
    assert sum(_heat(text).values()) == 420


def test_rising_terms_come_from_flagged_comments(analyzed: tuple[Path, Path, str]) -> None:
    _, _, page = analyzed
    terms = page[page.index('id="terms"') : page.index('id="languages"')]
    words = re.findall(r"<tr><td>([^<]+)</td>", terms)
    assert words and {"lag", "buffering"} <= set(words[:4])
    assert "audio" not in words  # early complaints' word: it fell


def test_rising_terms_rank_growth() -> None:
    texts = [(0, "the audio is broken")] * 5 + [(100, "lag again, audio fine")] * 4 + [(100, "lag")] * 2
    terms = rising_terms(texts, 0, 100)
    assert [t.word for t in terms] == ["lag", "again", "fine"]  # "audio" fell: 5 of 5 comments, then 4 of 6
    assert (terms[0].before, terms[0].after) == (0, 6)
    assert rising_terms(texts, 0, 100, min_after=5) == terms[:1]
    assert rising_terms([], 0, 0) == []


def test_no_term_data_is_said_plainly(analyzed: tuple[Path, Path, str], tmp_path: Path) -> None:
    db, _, _ = analyzed
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        dst.execute("UPDATE flags SET text = NULL")  # retention erased every flagged comment's text
    page = write_report_sync(copy, tmp_path / "r.html", "UTC", GUILD_ID).read_text(encoding="utf-8")
    terms = page[page.index('id="terms"') : page.index('id="languages"')]
    assert "No term data" in terms and "<table" not in terms
    assert "(text no longer stored)" in page


def test_lists_are_capped_and_paginated(
    analyzed: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _, _ = analyzed
    monkeypatch.setattr(report_module, "MAX_FLAGGED", 7)
    monkeypatch.setattr(report_module, "PAGE_ROWS", 3)
    monkeypatch.setattr(report_module, "MAX_TOP_POSTS", 4)
    monkeypatch.setattr(report_module, "MAX_CHANNELS", 1)
    monkeypatch.setattr(report_module, "MAX_TEXT", 20)
    monkeypatch.setattr(report_module, "MAX_TERM_TEXTS", 10)
    page = write_report_sync(db, tmp_path / "r.html", "UTC", GUILD_ID).read_text(encoding="utf-8")
    flagged = page[page.index('id="flagged"') : page.index('id="spam"')]
    assert len(re.findall(r'<tr class="flag"', flagged)) == 7
    assert re.findall(r"<summary>([^<]+)</summary>", flagged) == ["1–3", "4–6", "7–7"]
    assert "the newest 7 of" in flagged
    assert (
        len(
            re.findall(
                r"<tr><td>[^<]*</td><td>", page[page.index('id="top"') : page.index('id="complaints"')]
            )
        )
        == 4
    )
    assert "The 1 busiest of 2 channels" in page
    with sqlite3.connect(db) as conn:
        sql = "SELECT count(*) FROM flags WHERE text IS NOT NULL AND kind IN ('negative', 'manual')"
        texts = conn.execute(sql).fetchone()
    step = -(-texts[0] // 10)
    assert f"a sample of 1 in {step} of {texts[0]:,} comments" in page
    assert all(len(html.unescape(t)) <= 21 for t in re.findall(r'<p class="text">([^<]*)</p>', page))


def test_written_atomically_and_bad_time_zone_refused(
    analyzed: tuple[Path, Path, str], tmp_path: Path
) -> None:
    db, _, _ = analyzed
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(SentimeterError, match="unknown time zone 'Mars/Olympus'"):
        write_report_sync(db, target, "Mars/Olympus", GUILD_ID)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]
    for bad in ("", "../../etc/passwd", "UTC+7"):
        with pytest.raises(SentimeterError, match="--timezone"):
            zone(bad) if bad else zone("  ")
    assert zone(None).key == "UTC"


async def test_async_writer_and_an_empty_database(tmp_path: Path) -> None:
    from bot.storage.sqlite import SQLiteStorage

    db = tmp_path / "empty.sqlite"
    async with SQLiteStorage.open(db):
        pass
    page = await write_report(db, tmp_path / "r.html", "UTC")
    assert "holds no server" in page.read_text(encoding="utf-8")
    with pytest.raises(SentimeterError, match="no such database"):
        await write_report(tmp_path / "none.sqlite", tmp_path / "x.html")


def test_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exports = _community(tmp_path)
    page = tmp_path / "out.html"
    argv = ["analyze", *map(str, exports), "--database", str(tmp_path / "db.sqlite"), "--no-progress"]
    assert cli.main([*argv, "--report", str(page), "--timezone", "Asia/Jakarta", "--workers", "1"]) == 0
    assert f"Report written to {page}" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    assert "times in Asia/Jakarta" in text and "<h1>Test Server</h1>" in text and "#general" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--timezone", "Nowhere/City"], "unknown time zone 'Nowhere/City'"),
        (["--report", "{tmp}/missing/r.html"], "no such folder"),
        (["--report", "{tmp}"], "is a folder"),
    ],
)
def test_cli_refuses_bad_report_options_before_analysing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    exports = _community(tmp_path)
    db = tmp_path / "db.sqlite"
    argv = ["analyze", str(exports[0]), "--database", str(db), "--no-progress"]
    code = cli.main(argv + [a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err
    assert code == 1 and expected in err and err.count("\n") == 1
    assert not db.exists()  # nothing was analysed


def test_memory_does_not_grow_with_the_messages(tmp_path: Path) -> None:
    """Aggregates and capped lists only: ten times the messages (the same year, the same server) leave the
    report's Python memory about where it was; reading the messages themselves would add megabytes."""
    import time
    import tracemalloc

    from benchmarks import bench
    from bot.storage import bulkload

    peaks = []
    for n in (5_000, 50_000):
        db = tmp_path / f"{n}.db"
        bulkload.bulk_load(db, bench.stats_ops(n), now=int(time.time()))
        tracemalloc.start()
        try:
            write_report_sync(db, tmp_path / f"{n}.html", "Europe/Berlin")
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    small, large = peaks
    assert large - small < 2_000_000, peaks
    assert large < 8_000_000, peaks


# -- a real browser ------------------------------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is missing in CI (.ci/run installs the Debian package chromium)")
    pytest.skip("no Chromium on this machine (CI installs it)")


def _open_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """(the DOM after loading, the page's console messages)."""
    run = subprocess.run(
        [
            _chromium(),
            "--headless=new",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            "--enable-logging=stderr",
            "--v=0",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, [line for line in run.stderr.splitlines() if ":CONSOLE" in line]


def test_console_check_catches_a_broken_page(tmp_path: Path) -> None:
    """The check below could fail: a broken chart and a blocked load are console errors."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '</head><body><svg><rect height="NaN"/></svg><img src="https://example.com/x.png"></body></html>',
        encoding="utf-8",
    )
    _, console = _open_in_chromium(bad, tmp_path / "profile")
    assert any("NaN" in line for line in console) and any(
        "Content Security Policy" in line for line in console
    )


def test_the_report_renders_in_headless_chromium(analyzed: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, page, _ = analyzed
    dom, console = _open_in_chromium(page, tmp_path / "profile")
    assert console == []
    # the charts are drawn, with their data
    trend = re.search(r'<svg class="chart trend".*?</svg>', dom, re.DOTALL)
    assert trend is not None
    heights = [
        float(h)
        for h in re.findall(r'<rect class="(?:pos|neu|neg|spam|other)"[^>]*height="([\d.]+)"', trend[0])
    ]
    assert len(heights) > 30 and max(heights) > 100
    heat = re.search(r'<svg class="chart heatmap".*?</svg>', dom, re.DOTALL)
    assert heat is not None and len(re.findall(r'class="heat cell"', heat[0])) == 7 * 24
    assert sum(int(c) for c in re.findall(r'data-count="(\d+)"', heat[0])) == 420
    assert '<svg class="chart share"' in dom
    assert "<script" not in dom.lower()
