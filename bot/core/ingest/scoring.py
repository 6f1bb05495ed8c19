"""The one worker protocol: the analysis half of the pipeline (bot/core/ingest/analysis.py) for a batch of
comments, in a worker process or in this one. The bot's scoring stage (bot/core/ingest/stage.py) and
`sentimeter analyze` (bot/offline/analyze.py) both send a ``ScoreJob`` to ``score_in_worker`` and hand the
``ScoreResult`` to the decision half (bot/core/ingest/decision.py) in order.

What travels is kept to plain values, which pickle fast: in, a list of (content, lexicon slot, exempt) and the
server lexicons the slots refer to, each once; out, per item a raw score tuple (or None: nothing to score),
the spam verdict's values only when the text is spam (None: not spam), and the text's behaviour fingerprint,
so the decision half only looks it up."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.core.campaigns.matcher import CampaignSet, matcher_for
from bot.core.ingest.analysis import Analyser, FeedbackValues, RawScore, Terms, raw_score
from bot.core.spam import SpamVerdict

log = logging.getLogger(__name__)

NO_LEXICON = -1
PICKLE_PROTOCOL = 5


@dataclass(frozen=True, slots=True)
class ScoreJob:
    items: list[tuple[str, int, bool]]  # (content, index into lexicons or NO_LEXICON, exempt)
    lexicons: list[dict[str, float]]
    # campaigns (issue 15): per item an index into campaigns or NO_CAMPAIGNS; empty: none in the whole job
    campaign_slots: tuple[int, ...] = ()
    campaigns: tuple[CampaignSet, ...] = ()


SpamValues = tuple[
    float, str | None, bool, str
]  # a spam verdict: confidence, reason, high_confidence, category
# (None: nothing to score), (None: not spam), the behaviour fingerprint (None: too short or exempt), negative
# feedback (None: nothing to score, exempt or spam), the terms for /trends (bot/core/trends)
ItemResult = tuple[RawScore | None, SpamValues | None, int | None, FeedbackValues | None, Terms]


def spam_verdict(values: SpamValues | None) -> SpamVerdict | None:
    return None if values is None else SpamVerdict(True, values[0], values[1], values[2], category=values[3])


@dataclass(frozen=True, slots=True)
class ScoreResult:
    items: list[ItemResult]
    errors: list[str]  # one line per item that could not be scored (counted unscored)
    pid: int
    campaign_hits: dict[int, tuple[int, ...]] = field(
        default_factory=dict
    )  # item -> campaign ids it mentions


# Chat repeats itself ("lol", "gg", "ok", the same emoji): short comments already analysed with the same
# lexicon are answered from a bounded cache (the analysis is a pure function of these inputs).
CACHE_MAX_CHARS = 100
CACHE_MAX_ENTRIES = 10_000
_cache: dict[tuple[str, frozenset[tuple[str, float]] | None, bool], ItemResult] = {}


def score_job(analyser: Analyser, job: ScoreJob) -> ScoreResult:
    out: list[ItemResult] = []
    errors: list[str] = []
    lexicons = job.lexicons
    lexicon_keys = [frozenset(lexicon.items()) for lexicon in lexicons]
    cache = _cache
    analyse = analyser.analyse_all
    for content, slot, exempt in job.items:
        key = None
        if len(content) <= CACHE_MAX_CHARS:
            key = (content, lexicon_keys[slot] if slot != NO_LEXICON else None, exempt)
            hit = cache.get(key)
            if hit is not None:
                out.append(hit)
                continue
        try:
            lexicon = lexicons[slot] if slot != NO_LEXICON else None
            score, verdict, fp, feedback, terms = analyse(content, lexicon, exempt=exempt)
        except Exception as exc:  # one bad comment must not cost the batch: it is counted unscored
            errors.append(f"{type(exc).__name__}: {exc} (content {content[:80]!r})")
            out.append((None, None, None, None, ""))
            continue
        if verdict[0]:  # is_spam
            # plain values, not the verdict object (the detector's verdicts work their reason out lazily and
            # do not pickle); the flag needs the reason anyway, so it is worked out here, in the worker
            result: ItemResult = (
                raw_score(score),
                (verdict.confidence, verdict.reason, verdict.high_confidence, verdict.category),
                fp,
                feedback,  # None unless a server's moderators could overrule the verdict
                terms,
            )
        else:
            result = (raw_score(score), None, fp, feedback, terms)
        out.append(result)
        if key is not None:
            if len(cache) >= CACHE_MAX_ENTRIES:
                cache.clear()
            cache[key] = result
    return ScoreResult(out, errors, os.getpid(), campaign_hits(job))


# -- campaigns (issue 15) ------------------------------------------------------------------------------------
NO_CAMPAIGNS = -1


def campaign_hits(job: ScoreJob) -> dict[int, tuple[int, ...]]:
    """Item index -> the ids of the campaigns its text mentions (only items that mention one)."""
    if not job.campaign_slots:
        return {}
    matchers = [matcher_for(c) for c in job.campaigns]
    hits: dict[int, tuple[int, ...]] = {}
    for i, ((content, _, _), slot) in enumerate(zip(job.items, job.campaign_slots, strict=True)):
        if slot != NO_CAMPAIGNS:
            found = matchers[slot].match(content)
            if found:
                hits[i] = found
    return hits


def with_campaigns(job: ScoreJob, sets: Sequence[CampaignSet | None]) -> ScoreJob:
    """``job`` with each item's server campaigns (None: none), each distinct set sent once."""
    slots: dict[int, int] = {}
    campaigns: list[CampaignSet] = []
    out: list[int] = []
    for cset in sets:
        if cset is None:
            out.append(NO_CAMPAIGNS)
            continue
        slot = slots.get(id(cset))
        if slot is None:
            slot = slots[id(cset)] = len(campaigns)
            campaigns.append(cset)
        out.append(slot)
    return replace(job, campaign_slots=tuple(out), campaigns=tuple(campaigns))


# -- in a worker process -------------------------------------------------------------------------------------

_worker: Analyser | None = None

WATCH_INTERVAL = 1.0
# Workers run at a lower CPU priority than the bot process: when the cores are all busy (a burst, a catch-up),
# the bot's own work -- gateway heartbeats, answering commands, committing writes -- comes first and scoring
# takes the rest, instead of the three competing as equals and the writes falling behind.
WORKER_NICENESS = 5


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fp:
            stat = fp.read()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (not Linux): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] != b"Z"  # a zombie is dead, only unreaped


def _watch_bot(pid: int) -> None:
    """Workers are children of the forkserver, not of the bot, and block reading their task queue (whose
    pipe they hold both ends of): nothing tells them when the bot is killed. So they look every second."""
    while _alive(pid):
        time.sleep(WATCH_INTERVAL)
    os._exit(0)


def load_worker() -> None:
    """Load the lexicons and spam rules once per process (the initializer of `sentimeter analyze`'s
    workers; the bot's run :func:`init_worker`)."""
    global _worker
    from bot.core.scoring import Scorer
    from bot.core.spam import SpamDetector

    _worker = Analyser(Scorer(), SpamDetector())
    # the word lists and models live as long as the process: out of the garbage collector's way, which
    # would otherwise walk them again on every full collection
    gc.collect()
    gc.freeze()


def follow_bot(bot_pid: int | None) -> None:
    """In a worker process of the bot (scoring, charts): exit when the bot process is gone. Ctrl-C reaches
    the whole process group; the bot drains and stops its workers itself, so they ignore it. Runs at
    WORKER_NICENESS."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    if bot_pid is not None:
        threading.Thread(target=_watch_bot, args=(bot_pid,), name="watch-bot", daemon=True).start()


def init_worker(bot_pid: int | None = None) -> None:
    """The bot's scoring worker initializer: :func:`follow_bot`, then :func:`load_worker`."""
    follow_bot(bot_pid)
    load_worker()


def warm_up() -> int:
    """A no-op task: returns once this worker is initialised (the pool starts workers lazily)."""
    assert _worker is not None, "worker not initialised"
    return os.getpid()


def score_in_worker(job: ScoreJob) -> ScoreResult:
    """The worker entry point."""
    analyser = _worker
    assert analyser is not None, "worker not initialised"
    return score_job(analyser, job)


def score_in_worker_pickled(job: bytes) -> bytes:
    """:func:`score_in_worker` with the job and the result pickled (protocol 5) by the caller and here: for a
    process that passes the result on to another one unopened (`sentimeter analyze`'s writer)."""
    return pickle.dumps(score_in_worker(pickle.loads(job)), PICKLE_PROTOCOL)


def build_job(items: Sequence[tuple[str, dict[str, float] | None, bool]]) -> ScoreJob:
    """(content, lexicon or None, exempt) per item -> a job that sends each distinct lexicon once."""
    slots: dict[int, int] = {}
    lexicons: list[dict[str, float]] = []
    out: list[tuple[str, int, bool]] = []
    for content, lexicon, exempt in items:
        if not lexicon:
            out.append((content, NO_LEXICON, exempt))
            continue
        slot = slots.get(id(lexicon))
        if slot is None:
            slot = slots[id(lexicon)] = len(lexicons)
            lexicons.append(lexicon)
        out.append((content, slot, exempt))
    return ScoreJob(out, lexicons)
