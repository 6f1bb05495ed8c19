"""``sentimeter eval`` on the community format: feedback, flood, spam, sentiment and topic figures from a
moderator's own labelled messages, through the real pipeline; malformed files are refused with the line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.core.feedback.evaluate import is_community_file, read_community, run_community_eval
from tests.test_cli import run_cli

HEADER = "lang\tsentiment\tfeedback\tspam\ttopic\tniche\ttext\n"
ROWS = [
    "en\tneg\t1\t0\tschedule\tgeneral\tgoing live at 7 and it's 9:40, every single time",
    "id\tneg\t1\t0\taudio\tgeneral\tsuaranya kecil gak kedengeran",
    "en\tneg\t0\t0\t\tgeneral\tI died to the boss 6 times 😭",
    "en\tpos\t0\t0\t\tgeneral\tcan't wait!! this goes hard",
    "en\tneu\t0\t0\t\tgeneral\tjoin our discord\\nlink in the channel topic",
    "id\tpos\t0\t1\t\tgeneral\tSLOT GACOR hari ini maxwin 💰 depo 10k via dana, link di bio 🔥 𝐆𝐀𝐂𝐎𝐑𝟖𝟖",
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "labels.tsv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_report_counts_what_the_pipeline_decides(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS)
    assert is_community_file(path)
    rows = read_community(path)
    assert rows[4].text == "join our discord\nlink in the channel topic"  # \n is a newline
    out = io.StringIO()
    assert run_community_eval(path, out) == 0
    report = out.getvalue()
    assert "6 labelled messages" in report
    assert "negative feedback: precision 1.000  recall 1.000  F1 1.000  (2 of 2 found)" in report
    assert "flood (ordinary messages sent to the review queue): 0.0%" in report
    assert "spam: precision 1.000  recall 1.000" in report
    assert "topic right on the feedback found: 100.0%" in report
    assert "schedule    -> schedule    1" in report


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (["en\tneg\t1\t0\tcontent\tgeneral"], HEADER, "line 2: expected 7"),
        (["en\tangry\t1\t0\tcontent\tgeneral\tx"], HEADER, "line 2: sentiment must be"),
        ([], HEADER, "no labelled messages"),
    ],
)
def test_malformed_files_are_refused_with_the_line(
    tmp_path: Path, rows: list[str], header: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        read_community(write(tmp_path, rows, header))


def test_the_cli_picks_the_format_and_fails_in_one_line(tmp_path: Path) -> None:
    good = run_cli("eval", str(write(tmp_path, ROWS)))
    assert good.returncode == 0, good.stderr
    assert "negative feedback:" in good.stdout and "topic confusion" in good.stdout
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "en\tneg\t1\n", encoding="utf-8")
    result = run_cli("eval", str(bad))
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "line 2" in result.stderr
