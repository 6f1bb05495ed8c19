"""Threshold evaluation and `sentimeter eval` file handling."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.core.scoring.evaluate import best_threshold, flag_metrics, read_labelled, run_eval


def test_flag_metrics_counts() -> None:
    compounds = [-0.9, -0.5, -0.1, 0.0, 0.4, -0.6]
    negatives = [True, True, False, True, False, False]
    m = flag_metrics(compounds, negatives, -0.3)
    # flagged: -0.9 (tp), -0.5 (tp), -0.6 (fp)
    assert (m.flagged, m.true_positives, m.negatives, m.total) == (3, 2, 3, 6)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)


def test_flag_metrics_threshold_is_inclusive_and_handles_nothing_flagged() -> None:
    assert flag_metrics([-0.3], [True], -0.3).true_positives == 1
    m = flag_metrics([0.5, 0.6], [True, False], -0.5)
    assert (m.precision, m.recall, m.f1) == (0.0, 0.0, 0.0)


def test_best_threshold_finds_the_separating_cut() -> None:
    compounds = [-0.8, -0.7, -0.45, -0.2, 0.1, 0.3]
    negatives = [True, True, True, False, False, False]
    best = best_threshold(compounds, negatives)
    assert best.f1 == 1.0
    assert -0.45 <= best.threshold < -0.2


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labels.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_text_label_format_with_header(tmp_path: Path) -> None:
    path = write(tmp_path, "text\tlabel\nthis is awful\tnegative\nlove it\tpositive\nok then\tneutral\n\n")
    items = read_labelled(path)
    assert [(i.text, i.negative) for i in items] == [
        ("this is awful", True),
        ("love it", False),
        ("ok then", False),
    ]


def test_read_binary_labels(tmp_path: Path) -> None:
    items = read_labelled(write(tmp_path, "trash stream\t1\ngreat stream\t0\n"))
    assert [i.negative for i in items] == [True, False]


def test_read_vader_groundtruth_format(tmp_path: Path) -> None:
    items = read_labelled(write(tmp_path, '1\t2.5\tSo happy "today"\n2\t-1.2\tugh\twhat a day\n'))
    assert [(i.text, i.negative) for i in items] == [('So happy "today"', False), ("ugh\twhat a day", True)]


def test_quoted_cells(tmp_path: Path) -> None:
    items = read_labelled(write(tmp_path, '"tab\tinside"\tnegative\n'))
    assert items[0].text == "tab\tinside" and items[0].negative


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("fine\tpositive\nbad\tnegative\nmeh\tmaybe\n", "line 3"),
        ("fine\tpositive\njust text\n", "line 2"),
        ("1\tabc\tsome text\n", "line 1"),
        ("", "no labelled rows"),
    ],
)
def test_bad_files_raise_one_line_value_error(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        read_labelled(write(tmp_path, content))
    assert "\n" not in str(info.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        read_labelled(tmp_path / "nope.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"ok\tpositive\n\xff\xfe\tnegative\n")
    with pytest.raises(ValueError, match="line 2"):
        read_labelled(bad)


def test_run_eval_prints_table_and_suggestion(tmp_path: Path) -> None:
    rows = [
        ("this stream is trash", "negative"),
        ("kecewa banget, isinya iklan doang", "negative"),
        ("worst video ever", "negative"),
        ("love this channel", "positive"),
        ("bagus banget kontennya", "positive"),
        ("see you tomorrow", "neutral"),
    ]
    path = write(tmp_path, "".join(f"{t}\t{label}\n" for t, label in rows))
    out = io.StringIO()
    assert run_eval(path, out) == 0
    report = out.getvalue()
    assert "6 comments, 3 labelled negative" in report
    assert "Warning: only 6 comments, 3 labelled negative" in report
    assert "normal             3      1.000   1.000  1.000  <- default" in report
    assert "Suggestion: none yet (too few labelled comments)" in report
