"""`sentimeter analyze` as a user runs it: overlapping exports, a bad file among good ones, the wrong export
format, times in the export's zone, the whole flagged list, a reader that goes away, and a resumed run."""

from __future__ import annotations

import asyncio
import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import SentimeterError
from bot.offline.analyze import analyze, ingest_exports, zone_named
from bot.offline.exporter import ExportError, ExportReader, export_files
from bot.storage.sqlite import SQLiteStorage
from tests.conftest import REPO_ROOT
from tests.test_analyze import END, REACTION, _snapshot, example_module
from tests.test_cli import run_cli
from tests.test_cli_errors import one_error_line
from tests.test_exporter import export, message, write

EXAMPLE = REPO_ROOT / "examples" / "dapur-nara"


def db_reactions(db: Path) -> tuple[int, int]:
    """The reactions on the stored messages, and the number of stored messages."""
    with sqlite3.connect(db) as conn:
        total, count = conn.execute("SELECT coalesce(sum(reactions), 0), count(*) FROM messages").fetchone()
    return int(total), int(count)


def at(minute: int) -> str:
    return f"2024-05-01T12:{minute:02d}:00+00:00"


def reacted(message_id: int, count: int, minute: int) -> dict[str, Any]:
    return message(message_id, f"nice one number {message_id}", timestamp=at(minute),
                   reactions=[{**REACTION, "count": count}])  # fmt: skip


# -- overlapping exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
async def test_overlapping_exports_of_a_channel_count_each_message_once(tmp_path: Path, workers: int) -> None:
    """Two exports of one channel (an older one of messages 1-3, a newer one of 2-4), and the folder given
    with a file inside it: four messages, each once; the shared ones carry the newer export's reactions."""
    folder = tmp_path / "exports"
    folder.mkdir()
    older = [reacted(1, 1, 0), reacted(2, 1, 1), reacted(3, 2, 2)]
    newer = [reacted(2, 5, 1), reacted(3, 2, 2), reacted(4, 1, 3)]
    write(folder, export(older, exportedAt="2024-05-01T12:02:30+00:00"), "b_older.json")
    write(folder, export(newer, exportedAt="2024-05-02T00:00:00+00:00"), "a_newer.json")
    db = tmp_path / "o.db"
    out = io.StringIO()
    assert await analyze([folder, folder / "b_older.json"], db, workers=workers, progress=False, out=out) == 0
    async with SQLiteStorage.open(db) as storage:
        totals = await storage.totals(111, 222, None, END)
    assert (totals.messages, totals.reactions) == (4, 1 + 5 + 2 + 1)
    assert db_reactions(db) == (totals.reactions, 4)  # the messages agree with the roll-ups
    report = out.getvalue()
    assert "Read 6 messages from 2 export files" in report  # the file named twice is read once
    assert "4 counted" in report and "2 already read from another export of the same channel" in report


async def test_the_example_given_twice_counts_as_once(tmp_path: Path) -> None:
    once, twice = tmp_path / "once.db", tmp_path / "twice.db"
    await analyze([EXAMPLE], once, workers=1, progress=False, out=io.StringIO())
    await analyze([EXAMPLE, EXAMPLE / "general.json"], twice, workers=1, progress=False, out=io.StringIO())
    module = example_module()
    channels = [c.id for c in module.CHANNELS]
    assert await _snapshot(once, module.GUILD_ID, channels) == await _snapshot(
        twice, module.GUILD_ID, channels
    )
    assert db_reactions(twice) == db_reactions(once)


def test_a_file_named_twice_is_listed_once(tmp_path: Path) -> None:
    path = write(tmp_path, export([message(1, "hi")]))
    assert export_files([tmp_path, path, Path(str(path))]) == [path]


# -- one bad file among many -------------------------------------------------------------------------------


def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    write(folder, export([reacted(1, 2, 0), reacted(2, 1, 1)]), "a_good.json")
    (folder / "b_broken.json").write_text('{"guild": {"id": "111"', encoding="utf-8")
    cut = write(
        folder, export([reacted(10 + k, 1, k) for k in range(6)], channel=_other_channel()), "c_cut.json"
    )
    text = cut.read_text(encoding="utf-8")
    cut.write_text(text[: text.index('"id": "14"')], encoding="utf-8")  # truncated in its fifth message
    return folder


def _other_channel() -> dict[str, Any]:
    from tests.test_exporter import CHANNEL

    return {**CHANNEL, "id": "223", "name": "second"}


async def test_one_bad_file_among_many_is_named_and_the_others_analysed(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    out, err = io.StringIO(), io.StringIO()
    code = await analyze([bad_folder(tmp_path)], db, workers=1, progress=False, out=out, err=err)
    assert code == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert (
        lines[0].startswith("sentimeter: ") and "b_broken.json" in lines[0] and "truncated JSON" in lines[0]
    )
    assert "c_cut.json" in lines[1] and "truncated JSON" in lines[1]
    async with SQLiteStorage.open(db) as storage:
        good = await storage.totals(111, 222, None, END)
        cut = await storage.totals(111, 223, None, END)
    assert (good.messages, good.reactions) == (2, 3)
    assert cut.messages == 4  # the messages before the cut are kept (and skipped when run again)
    assert "Read" in out.getvalue() and "could not be read to the end" in out.getvalue()


def test_one_bad_file_on_the_command_line_exits_1_after_the_summary(tmp_path: Path) -> None:
    result = run_cli(
        "analyze",
        str(bad_folder(tmp_path)),
        "--database",
        str(tmp_path / "c.db"),
        "--no-progress",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "#general" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("sentimeter: ")]
    assert len(errors) == 2 and "Traceback" not in result.stderr
    assert "b_broken.json" in errors[0] and "c_cut.json" in errors[1]


async def test_when_every_file_is_bad_nothing_is_written(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text("[]", encoding="utf-8")
    db = tmp_path / "none.db"
    with pytest.raises(ExportError, match=r"none of the 2 files is a readable export; the first: .*a\.json"):
        await analyze(
            [tmp_path / "a.json", tmp_path / "b.json"], db, workers=1, progress=False, out=io.StringIO()
        )


# -- the wrong export format -------------------------------------------------------------------------------

HTML = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>Test Server - general</title></head><body></body></html>'
)
CSV = (
    'AuthorID,Author,Date,Content,Attachments,Reactions\n"5","user5","2024-05-01T12:00:00+00:00","hi","",""\n'
)
TEXT = (
    "==============================================================\nGuild: Test Server\nChannel: general\n"
)


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("general.html", HTML, "HTML"),
        ("general.csv", CSV, "CSV"),
        ("general.txt", TEXT, "plain-text"),
        ("renamed.json", HTML, "HTML"),  # the content decides, not the name
        ("renamed.json", CSV, "CSV"),
    ],
)
def test_other_export_formats_get_a_hint_to_export_json(
    tmp_path: Path, name: str, body: str, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        ExportReader(path)
    assert str(caught.value).startswith(f"{path}: a DiscordChatExporter {kind} export")
    assert "--format Json" in str(caught.value)
    line = one_error_line(run_cli("analyze", str(path), "--database", str(tmp_path / "h.db"), cwd=tmp_path))
    assert "export the channel again as JSON" in line


def test_a_folder_of_html_exports_gets_the_hint(tmp_path: Path) -> None:
    (tmp_path / "general.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "clips.csv").write_text(CSV, encoding="utf-8")
    with pytest.raises(
        ExportError, match=r"no \.json export files, only CSV and HTML ones: export .* as JSON"
    ):
        export_files([tmp_path])


# -- times, languages and the flagged list -----------------------------------------------------------------


def zoned_export(tmp_path: Path) -> Path:
    """Two messages at 12:00 and 12:01 UTC, written by a machine at +07:00 (as DiscordChatExporter does)."""
    messages = [
        message(1, "I love this stream, best community ever!", timestamp="2024-05-01T19:00:00+07:00"),
        message(2, "this is terrible, the audio is awful and I hate it", user=7,
                timestamp="2024-05-01T19:01:00+07:00"),
    ]  # fmt: skip
    return write(tmp_path, export(messages, exportedAt="2024-05-02T08:00:00+07:00"))


async def test_times_are_in_the_exports_own_offset(tmp_path: Path) -> None:
    out = io.StringIO()
    await analyze([zoned_export(tmp_path)], tmp_path / "z.db", workers=1, progress=False, out=out)
    report = out.getvalue()
    assert "Times are in UTC+07:00." in report
    assert "2024-05-01 19:00 → 2024-05-01 19:01" in report
    assert "busiest hour 19:00" in report
    assert "#general  2024-05-01 19:01  user7: this is terrible" in report


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("America/New_York", "08:00"), ("UTC", "12:00"), ("Asia/Kolkata", "17:30")],
)
async def test_times_in_a_chosen_zone(tmp_path: Path, zone: str, shown: str) -> None:
    out = io.StringIO()
    path = zoned_export(tmp_path)
    await analyze([path], tmp_path / "z.db", workers=1, progress=False, out=out, zone=zone_named(zone))
    report = out.getvalue()
    assert f"Times are in {zone}." in report
    assert f"2024-05-01 {shown} →" in report and f"busiest hour {shown}" in report


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../../etc/passwd", "/etc/localtime"])
def test_an_unknown_time_zone_is_refused(name: str) -> None:
    with pytest.raises(SentimeterError, match="--timezone: unknown time zone"):
        zone_named(name)


def test_an_unknown_time_zone_is_one_line_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    result = run_cli("analyze", str(EXAMPLE), "--database", str(db), "--timezone", "Jakarta", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown time zone 'Jakarta'" in one_error_line(result)
    assert not db.exists()


async def test_the_summary_has_the_language_mix(tmp_path: Path) -> None:
    folder = tmp_path / "l"
    folder.mkdir()
    texts = ["I love this stream so much", "great video, thanks", "mantap banget kak, seru sekali",
             "keren banget streamnya"]  # fmt: skip
    write(folder, export([message(k + 1, t, timestamp=at(k)) for k, t in enumerate(texts)]))
    out = io.StringIO()
    await analyze([folder], tmp_path / "l.db", workers=1, progress=False, out=out)
    line = next(x for x in out.getvalue().splitlines() if x.strip().startswith("Languages"))
    async with SQLiteStorage.open(tmp_path / "l.db") as storage:
        t = await storage.totals(111, 222, None, END)
    assert t.lang_en and t.lang_id
    assert f"{100 * t.lang_en / t.languages_counted:.0f}% English" in line
    assert f"{100 * t.lang_id / t.languages_counted:.0f}% Indonesian" in line


def flagged_section(report: str, title: str) -> list[str]:
    part = report.split(title, 1)[1].split("\n\n", 1)[0]
    return [line for line in part.splitlines()[1:] if line.strip()]


async def test_the_flagged_list_shows_the_newest_and_all_of_it_with_all(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    short, full = io.StringIO(), io.StringIO()
    await analyze([EXAMPLE], db, workers=1, progress=False, out=short, top=5)
    async with SQLiteStorage.open(db) as storage:
        flags = await storage.list_flags(example_module().GUILD_ID, None, 0, 100_000)
    negative = [f for f in flags if f.kind.value == "negative"]
    spam = [f for f in flags if f.kind.value == "spam"]
    assert len(negative) > 5 and len(spam) > 5
    await analyze([EXAMPLE], db, workers=1, progress=False, out=full, show_all=True)  # again: nothing new
    listed = flagged_section(short.getvalue(), "  Flagged comments (")
    assert len(listed) == 5 and f"--all lists all {len(negative):,}" in short.getvalue()
    everything = flagged_section(full.getvalue(), "  Flagged comments (")
    assert len(everything) == len(negative)
    assert len(flagged_section(full.getvalue(), "  Spam (all")) == len(spam)
    newest = max(negative, key=lambda f: f.message_id)
    assert re.sub(r"\s+", " ", everything[0]).find((newest.text or "")[:30].strip()) > 0


# -- a reader that goes away, and a run stopped part-way ---------------------------------------------------


def test_analyze_into_a_closed_pipe_ends_quietly_with_141(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    db = tmp_path / "p.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "analyze",
            str(EXAMPLE),
            "--database",
            str(db),
            "--no-progress",
            "--all",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head` that has already gone: the summary has nowhere to go
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert stderr == b""
    assert db_reactions(db)[1] > 3_000  # the analysis itself was committed


class _StopAfter(SQLiteStorage):
    """Cancels the run after its second write, as Ctrl-C does (``_stopped_by_signals`` cancels the task)."""

    run: asyncio.Task[Any] | None = None
    writes = 0

    async def apply(self, ops: Any) -> Any:
        result = await super().apply(ops)
        type(self).writes += 1
        if type(self).writes == 2 and self.run is not None:
            self.run.cancel()
        return result


async def test_a_stopped_run_finished_by_running_again_equals_one_run(tmp_path: Path) -> None:
    module = example_module()
    folder = tmp_path / "server"
    module.write_all(folder, seed=3, total=900)
    channels = [c.id for c in module.CHANNELS]
    db = tmp_path / "stopped.db"
    async with _StopAfter.open(db) as storage:
        run = asyncio.ensure_future(ingest_exports([folder], storage, workers=1, chunk_size=100, in_flight=2))
        _StopAfter.run = run
        with pytest.raises(asyncio.CancelledError):
            await run
    _StopAfter.run = None
    partial = db_reactions(db)[1]
    assert 0 < partial < 900
    await analyze([folder], db, workers=1, progress=False, out=io.StringIO())  # "run the same command again"
    await analyze([folder], tmp_path / "whole.db", workers=1, progress=False, out=io.StringIO())
    stopped = await _snapshot(db, module.GUILD_ID, channels)
    whole = await _snapshot(tmp_path / "whole.db", module.GUILD_ID, channels)
    assert stopped == whole
    assert db_reactions(db) == db_reactions(tmp_path / "whole.db")
