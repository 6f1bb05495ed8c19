"""Text enters the pipeline bounded (issue 13, item 6): at most Discord's own maximum for scoring, the spam
check and the flag text, and with combining-mark runs short enough for normalisation to stay linear."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from bot.core.feedback.features import words
from bot.core.ingest.models import MAX_CONTENT_CHARS, IncomingEdit, IncomingMessage
from bot.core.ingest.pipeline import Pipeline
from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
from bot.core.spam import BehaviourTracker, SpamDetector
from bot.core.spam.normalize import normalize
from bot.core.text.bounds import MAX_MARK_RUN, bound_content, cap_mark_runs
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import FlagKind, GuildConfig
from cogs.listener import incoming_from_edit, incoming_from_message
from tests.cogs.test_listener import TEXT_ID, World, message_payload, world  # noqa: F401 (fixture)

NEGATIVE = "this stream is trash, worst one ever, so disappointed. "


def test_the_maximum_is_discords_own() -> None:
    assert MAX_CONTENT_CHARS == 4000


@pytest.mark.parametrize(
    "text",
    ["", "plain ascii", "café naïve", "P͓̽U͓̽L͓̽A͓̽U͓̽", "😀👍🏽", "ǘ" + "\u0301" * MAX_MARK_RUN, "\u0f73" * 10],
)
def test_text_without_long_mark_runs_is_unchanged(text: str) -> None:
    assert cap_mark_runs(text) == text
    assert bound_content(text) == text


def test_a_long_mark_run_keeps_its_first_marks_only() -> None:
    marks = "\u0301\u0316\u0334" * 1000
    capped = cap_mark_runs("za" + marks + "lgo" + marks)
    assert capped == "za" + marks[:MAX_MARK_RUN] + "lgo" + marks[:MAX_MARK_RUN]


def test_characters_that_decompose_into_marks_count_as_marks() -> None:
    """U+0F73 is a starter that NFKD splits into two combining marks: a run of them is a run of marks."""
    run = "\u0f73" * 100
    assert cap_mark_runs("a" + run) == "a" + run[:MAX_MARK_RUN]
    assert all(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", "\u0f73"))


def test_content_longer_than_discords_maximum_is_cut() -> None:
    assert bound_content("x" * 50_000) == "x" * MAX_CONTENT_CHARS
    assert len(bound_content("é" * 10_000)) == MAX_CONTENT_CHARS


def test_messages_and_edits_hold_at_most_the_maximum() -> None:
    huge = NEGATIVE * 20_000  # about 1 MB
    msg = IncomingMessage(guild_id=1, channel_id=2, message_id=3, author_id=4, content=huge, created_at=1.7e9)
    edit = IncomingEdit(guild_id=1, channel_id=2, message_id=3, author_id=4, content=huge, edited_at=1.7e9)
    assert msg.content == huge[:MAX_CONTENT_CHARS] and edit.content == huge[:MAX_CONTENT_CHARS]
    short = IncomingMessage(guild_id=1, channel_id=2, message_id=3, author_id=4, content="hi", created_at=1.0)
    assert short.content == "hi"


def test_a_huge_negative_message_is_flagged_with_at_most_the_maximum_of_its_text() -> None:
    pipeline = Pipeline(Scorer(), SpamDetector(), BehaviourTracker())
    config = GuildConfig(guild_id=1, threshold=DEFAULT_FLAG_THRESHOLD)
    huge = NEGATIVE * 20_000
    msg = IncomingMessage(guild_id=1, channel_id=2, message_id=3, author_id=4, content=huge, created_at=1.7e9)

    op = pipeline.on_message(msg, config)

    assert op.flag is not None and op.flag.kind is FlagKind.NEGATIVE
    assert op.flag.text == huge[:MAX_CONTENT_CHARS]
    # the analysis half bounds what it is handed directly too (`sentimeter score`, /sentiment check)
    direct = pipeline.analysis.analyse(huge, None, exempt=False)
    assert direct == pipeline.analysis.analyse(huge[:MAX_CONTENT_CHARS], None, exempt=False)


def test_the_listener_hands_on_at_most_the_maximum(world: World) -> None:  # noqa: F811
    """A stand-in or a modified client can send more than Discord would: the listener's message is cut."""
    huge = "a" * (MAX_CONTENT_CHARS * 3)
    incoming = incoming_from_message(world.message(message_payload(TEXT_ID, huge)))
    assert incoming is not None and incoming.content == "a" * MAX_CONTENT_CHARS
    edited = message_payload(TEXT_ID, huge, edited=dt.datetime.now(dt.UTC))
    edit = incoming_from_edit(world.edit_event(edited))
    assert edit is not None and edit.content == "a" * MAX_CONTENT_CHARS


def test_folding_keeps_its_results_on_zalgo_text() -> None:
    """Cutting mark runs changes nothing the matchers see: the marks are dropped when folding anyway."""
    zalgo = "s" + "\u0301\u0316" * 200 + "l" + "\u0334" * 300 + "ot gacor"
    assert normalize(zalgo).text == normalize("slot gacor").text
    assert words(zalgo) == words("s" + "\u0301\u0316" * 15 + "l" + "\u0334" * 30 + "ot gacor")
    assert clean_for_scoring(zalgo) == zalgo  # the cleaner leaves letters and marks alone


# -- the cheap check in front of the mark-run search (issue 14: analyze's speed) ---------------------------


def test_every_non_starter_lies_in_the_span_the_cheap_check_tests() -> None:
    from bot.core.text.bounds import _NON_STARTER_SPAN

    lo, hi = _NON_STARTER_SPAN

    def non_starter(ch: str) -> bool:  # as _non_starter_class decides
        if unicodedata.combining(ch):
            return True
        return bool(unicodedata.decomposition(ch)) and bool(
            unicodedata.combining(unicodedata.normalize("NFKD", ch)[0])
        )

    outside = [cp for cp in (*range(0, lo), *range(hi, 0x110000)) if non_starter(chr(cp))]
    assert outside == []


class _NoSearch:
    def sub(self, *_args: object) -> str:
        raise AssertionError("the costly mark-run search ran")


@pytest.mark.parametrize(
    "text",
    [
        "café naïve, mantap 🔥🔥🔥 😂😂",
        "𝐀𝐂𝐆𝐋𝐎𝐑𝐒𝐓 giveaway ✨❤️ 🎁",
        "ǘ" + "\u0301" * MAX_MARK_RUN + " ok",
        ("é" * 15 + " ") * 20,  # many marks in all, no run longer than the span check allows
    ],
)
def test_chat_text_never_reaches_the_costly_search(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.core.text.bounds as bounds

    monkeypatch.setattr(bounds, "_LONG_MARK_RUN", _NoSearch())
    assert cap_mark_runs(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "𝐀" * 40 + "\u0301" * 31,  # a long run of the span before the marks
        "漢字" * 20 + "a" + "\u0316" * 50,
        "x" + "\u0f73" * 40,
    ],
)
def test_long_runs_next_to_other_characters_of_the_span_are_still_cut(text: str) -> None:
    out = cap_mark_runs(text)
    assert len(out) < len(text)
    from bot.core.text.bounds import _LONG_MARK_RUN

    assert _LONG_MARK_RUN.search(out) is None  # no run of more than MAX_MARK_RUN non-starters is left
    assert unicodedata.normalize("NFD", out)  # and normalisation stays cheap


def test_a_long_run_of_the_span_without_marks_is_unchanged() -> None:
    text = "漢字" * 40 + " 𝐀𝐂𝐆" * 30
    assert cap_mark_runs(text) == text
