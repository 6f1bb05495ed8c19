"""Hostile exports: huge texts, absurd nesting, ids and counts out of range, times without a zone. The
reader builds only what it uses, so memory stays small whatever the file holds."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.text.bounds import MAX_CONTENT_CHARS
from bot.offline.exporter import MAX_DEPTH, ExportedMessage, ExportError, ExportReader
from tests.conftest import REPO_ROOT
from tests.test_exporter import export, message, write


def peak_while(read: Callable[[], Any]) -> tuple[Any, int]:
    """What ``read`` returns, and the peak of Python memory allocated while it ran (bytes)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def raw_export(tmp_path: Path, messages_json: str, name: str = "hostile.json") -> Path:
    """An export whose messages list is given as JSON text (json.dumps recurses: it cannot write these)."""
    head = json.dumps(export([]))
    assert head.count('"messages": []') == 1
    path = tmp_path / name
    path.write_text(head.replace('"messages": []', f'"messages": [{messages_json}]'), encoding="utf-8")
    return path


def test_message_text_is_cut_to_discords_maximum_and_big_texts_are_not_kept(tmp_path: Path) -> None:
    big = "x" * 2_000_000
    path = write(tmp_path, export([message(k, big + str(k)) for k in range(1, 9)]))

    def read_all() -> list[ExportedMessage]:
        return list(ExportReader(path))

    messages, peak = peak_while(read_all)
    assert [len(m.content) for m in messages] == [MAX_CONTENT_CHARS] * 8
    # eight 2 MB texts in the file; at most one of them is in memory at a time
    assert peak < 12_000_000


def test_memory_is_bounded_by_one_message_not_by_the_file(tmp_path: Path) -> None:
    junk = {"embeds": [{"fields": [{"value": "y" * 100_000}] * 40}], "mentions": [{"id": "1"}] * 20_000}

    def peak_for(count: int) -> int:
        path = write(
            tmp_path, export([message(k, "hello", **junk) for k in range(1, count + 1)]), f"{count}.json"
        )
        messages, peak = peak_while(lambda: list(ExportReader(path)))
        assert [m.content for m in messages] == ["hello"] * count
        return int(peak)

    one, many = peak_for(1), peak_for(12)
    # each message holds 4 MB of embed text and 20,000 mention objects: read one at a time, and not kept
    assert many < 1.5 * one


def test_deep_but_plausible_nesting_in_an_unused_field_is_read(tmp_path: Path) -> None:
    inner = json.dumps(message(1, "still here"))
    path = raw_export(tmp_path, inner[:-1] + f', "embeds": {nested(MAX_DEPTH - 4)}}}')
    assert [m.content for m in ExportReader(path)] == ["still here"]


@pytest.mark.parametrize("where", ["embeds", "author"])
def test_absurd_nesting_is_refused_in_one_line_without_building_it(tmp_path: Path, where: str) -> None:
    inner = json.dumps(message(1, "hi"))
    path = raw_export(tmp_path, inner[:-1] + f', "{where}x": {nested(3_000)}}}')
    reader = ExportReader(path)

    def read_all() -> str:
        with pytest.raises(ExportError) as caught:
            list(reader)
        return str(caught.value)

    text, peak = peak_while(read_all)
    assert "\n" not in text and str(path) in text
    assert f"nested more than {MAX_DEPTH} levels" in text and "message 1" in text
    assert peak < 1_000_000  # refused before it is parsed (ijson's prefixes are quadratic in the depth)


def test_absurd_nesting_in_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"dateRange": ' + nested(3_000) + ', "messages": []}', encoding="utf-8")
    with pytest.raises(ExportError, match=rf"deep\.json: nested more than {MAX_DEPTH} levels .*\(header\)"):
        ExportReader(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": str(1 << 63)}, r"'id' 9223372036854775808 is out of range"),
        ({"id": -5}, r"'id' -5 is out of range"),
        ({"author": {"id": "9" * 40, "name": "x"}}, r"author id is not an id"),
        (
            {"type": "Reply", "reference": {"messageId": str(1 << 63)}},
            "replied-to message id .* out of range",
        ),
        ({"reactions": [{"count": 1e300}]}, r"reaction count .* is out of range"),
        ({"reactions": [{"count": -3}]}, r"reaction count -3 is out of range"),
        ({"reactions": [{"count": 2.5}]}, r"reaction count is not a count: 2.5"),
        ({"reactions": [{"count": 900_000_000}] * 3}, r"2,700,000,000 reactions is out of range"),
        ({"reactions": [{"count": 1}] * 5_000}, r"more than 1,000 'reactions'"),
        ({"timestamp": "2024-03-01T19:30:00"}, r"'timestamp' '2024-03-01T19:30:00' has no time zone"),
        ({"timestampEdited": "2024-03-01 19:35"}, r"'timestampEdited' .* has no time zone"),
    ],
)
def test_out_of_range_values_name_the_message(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    path = write(tmp_path, export([message(1, "fine"), message(2, "hostile", **change)]))
    with pytest.raises(ExportError, match=rf"bad message 2 \(near byte \d+\): {expected}") as caught:
        list(ExportReader(path))
    assert "\n" not in str(caught.value)


def test_header_ids_out_of_range_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, export([message(1, "x")], guild={"id": str(1 << 63), "name": "g"}))
    with pytest.raises(ExportError, match=r"bad export header: guild id 9223372036854775808 is out of range"):
        ExportReader(path)


def test_the_largest_valid_values_are_accepted(tmp_path: Path) -> None:
    biggest = (1 << 63) - 1
    path = write(
        tmp_path,
        export(
            [message(biggest, "ok", reactions=[{"count": 1_000_000_000}], timestamp="2024-03-01T19:30:00Z")]
        ),
    )
    (only,) = list(ExportReader(path))
    assert only.message_id == biggest and only.reactions == 1_000_000_000
    assert only.created_at == 1709321400.0


def test_a_number_too_big_for_the_parser_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, export([message(1, "fine"), message(2, "hostile", id=1 << 64)]))
    with pytest.raises(
        ExportError, match=r"malformed JSON at byte \d+ \(message 2\): parse error: integer overflow"
    ):
        list(ExportReader(path))


def test_brackets_quotes_and_backslashes_inside_texts_are_not_nesting(tmp_path: Path) -> None:
    # texts that span many read chunks, full of brackets, escaped quotes and backslashes (split anywhere)
    tricky = ['[{"\\' * 40_000, "\\" * 70_001 + "[" * 100, '"]' * 50_000 + "[" * 70]
    path = write(tmp_path, export([message(k, text) for k, text in enumerate(tricky, start=1)]))
    messages = list(ExportReader(path))
    assert [m.content for m in messages] == [text[:MAX_CONTENT_CHARS] for text in tricky]


LAUNCHER = """
import os, resource, subprocess, sys

def budget():  # killed (SIGXCPU) past 60 s of CPU
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

quiet = subprocess.DEVNULL
child = subprocess.Popen(sys.argv[1:], stdout=quiet, stderr=quiet, preexec_fn=budget)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 (Unix)")
def test_analyze_of_huge_messages_stays_within_a_cpu_and_memory_budget(tmp_path: Path) -> None:
    """5 MB messages through the real `sentimeter analyze`: the text is cut before any work is done on it.
    Before the cut, the first one alone used the whole CPU budget (quadratic patterns) and ~470 MB."""
    hostile = "a1a " + "b" * 5_000_000
    angry = "this is terrible, the audio is awful and I hate it. " * 100_000
    path = write(
        tmp_path, export([message(1, hostile), message(2, angry, user=6), message(3, "love it", user=7)])
    )
    db = tmp_path / "a.db"

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    command = [sys.executable, "-m", "bot", "analyze", str(path), "--database", str(db), "--workers", "1"]
    # started from a small launcher: Linux carries a process's peak RSS over fork and exec, and this test
    # process may be big; the launcher reports the exit code and peak RSS (KiB) of analyze alone
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        timeout=600,
    )
    code, peak_kib = map(int, result.stdout.split())
    assert code == 0
    assert peak_kib * 1024 < 300_000_000
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (3,)
        texts = [row[0] for row in conn.execute("SELECT text FROM flags")]
    assert texts and all(len(text) <= MAX_CONTENT_CHARS for text in texts)  # the angry one, cut


def test_bytes_that_are_not_utf8_are_one_readable_line(tmp_path: Path) -> None:
    text = json.dumps(export([message(1, "XXXX"), message(2, "ok")]), ensure_ascii=False).encode()
    path = tmp_path / "latin1.json"
    path.write_bytes(text.replace(b"XXXX", b"caf\xe9 \xff"))
    with pytest.raises(ExportError) as caught:
        list(ExportReader(path))
    assert re.fullmatch(
        rf"{re.escape(str(path))}: malformed JSON near byte \d+ \(message 1\): "
        "lexical error: invalid bytes in UTF8 string",
        str(caught.value),
    )
