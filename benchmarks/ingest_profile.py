"""CPU per comment, stage by stage, of the bot's ingest path on the benchmark corpus (JSON on stdout):

    python benchmarks/ingest_profile.py [--corpus N] [--rounds R] [--cprofile STAGE]

The stages run one after the other in this process, on the same objects the bot uses (no worker processes,
no event loop), each timed with ``time.process_time`` (CPU, all threads) so the figures do not depend on what
else runs on the machine:

- intake: IngestService's entry per message (exemptions) and the scoring stage's batches (ScoreJob)
- pickle_job, pickle_result: the jobs and results sent between the bot and its workers, both ways
- analysis: ``score_job`` (the worker: clean, score, spam, feedback, fingerprint), fresh short-text cache
- ordered: the scoring stage's ordered half (``ScoringStage._finish``: behaviour tracker, flag decision, ops)
- write: ``apply_batch`` on a fresh SQLite file, in write batches of the bot's default size

``main`` (intake + both pickling halves on the bot's side + ordered + write) and ``workers`` (analysis + the
workers' pickling halves) are what ``benchmarks/bench.py`` measures per process, less the event loop. Each
stage is the median over ``--rounds`` runs (analysis cache, behaviour tracker and database start fresh)."""

from __future__ import annotations

import argparse
import cProfile
import json
import pickle
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a script (python benchmarks/x.py): put the repository root on sys.path
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402
from benchmarks.bench import GUILD, incoming  # noqa: E402

STAGES = ("intake", "pickle_job", "analysis", "pickle_result", "ordered", "write")


def _timed(profile: cProfile.Profile | None, fn: Callable[[], Any]) -> tuple[float, Any]:
    if profile is not None:
        profile.enable()
    cpu = time.process_time()
    value = fn()
    spent = time.process_time() - cpu
    if profile is not None:
        profile.disable()
    return spent, value


def one_round(
    texts: list[str], workdir: Path, *, batch: int, write_batch: int, cprofile: str | None
) -> tuple[dict[str, float], cProfile.Profile | None]:
    from bot.core.ingest import scoring
    from bot.core.ingest.analysis import Analyser
    from bot.core.ingest.decision import Decider
    from bot.core.ingest.scoring import PICKLE_PROTOCOL, score_job
    from bot.core.ingest.stage import Entry, ScoringStage
    from bot.core.ingest.stage import _Batch as StageBatch
    from bot.core.scoring import Scorer
    from bot.core.spam import BehaviourTracker, SpamDetector
    from bot.storage._batch import apply_batch
    from bot.storage._presence import LastHourCache
    from bot.storage.models import GuildConfig
    from bot.storage.sqlite import _connect_pragmas, default_threshold, migrate

    messages = list(incoming(texts, guild_id=GUILD, start=time.time() - 86_400))
    config = GuildConfig(guild_id=GUILD, threshold=default_threshold())
    lexicon: dict[str, float] = {}
    analyser = _ANALYSER.get("a")
    if analyser is None:
        analyser = _ANALYSER["a"] = Analyser(Scorer(), SpamDetector())
    scoring._cache.clear()

    async def sink(_ops: Any) -> None:  # never called: _finish is driven directly
        return None

    stage = ScoringStage(analyser, Decider(BehaviourTracker()), sink)
    profile = cProfile.Profile() if cprofile else None
    spent = dict.fromkeys(STAGES, 0.0)

    def prof(stage_name: str) -> cProfile.Profile | None:
        return profile if cprofile == stage_name else None

    from bot.core.ingest.decision import is_exempt

    def intake(chunk: list[Any]) -> StageBatch:
        entries = []
        for msg in chunk:
            exempt = is_exempt(
                config, msg.channel_id, msg.parent_channel_id, msg.author_role_ids, msg.author_is_staff
            )
            entries.append(Entry(msg, config, lexicon, exempt))
        return StageBatch(entries)

    ops: list[Any] = []
    for i in range(0, len(messages), batch):
        chunk = messages[i : i + batch]
        t, stage_batch = _timed(prof("intake"), lambda chunk=chunk: intake(chunk))
        spent["intake"] += t
        job = stage_batch.job
        assert job is not None
        t, job = _timed(prof("pickle_job"), lambda job=job: pickle.loads(pickle.dumps(job, PICKLE_PROTOCOL)))
        spent["pickle_job"] += t
        t, result = _timed(prof("analysis"), lambda job=job: score_job(analyser, job))
        spent["analysis"] += t
        t, result = _timed(
            prof("pickle_result"), lambda result=result: pickle.loads(pickle.dumps(result, PICKLE_PROTOCOL))
        )
        spent["pickle_result"] += t
        t, batch_ops = _timed(prof("ordered"), lambda b=stage_batch, r=result: stage._finish(b, r))
        spent["ordered"] += t
        ops.extend(batch_ops)

    path = workdir / f"profile-{time.monotonic_ns()}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _connect_pragmas(conn, reader=False)
        migrate(conn)
        cache = LastHourCache()
        now = int(time.time())
        for i in range(0, len(ops), write_batch):
            chunk_ops = ops[i : i + write_batch]
            t, _ = _timed(prof("write"), lambda c=chunk_ops: apply_batch(conn, c, now, cache))
            spent["write"] += t
        stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        conn.close()
    if stored != len(messages):
        raise RuntimeError(f"{stored} stored of {len(messages)}")
    return {k: v / len(messages) * 1e6 for k, v in spent.items()}, profile


_ANALYSER: dict[str, Any] = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU per comment by ingest stage (JSON on stdout).")
    parser.add_argument("--corpus", type=int, default=20_000, help="comments (benchmarks/corpus.py)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256, help="scoring batch (the stage's batch_max)")
    parser.add_argument("--write-batch", type=int, default=1000, help="write batch (SENTIMETER_BATCH_SIZE)")
    parser.add_argument("--cprofile", choices=STAGES, help="print a cProfile of one stage to stderr")
    args = parser.parse_args(argv)

    texts = corpus.corpus(args.corpus)
    rounds: list[dict[str, float]] = []
    profile: cProfile.Profile | None = None
    with tempfile.TemporaryDirectory(prefix="sentimeter-profile-") as tmp:
        for _ in range(args.rounds):
            figures, profile = one_round(
                texts, Path(tmp), batch=args.batch, write_batch=args.write_batch, cprofile=args.cprofile
            )
            rounds.append(figures)
    out: dict[str, Any] = {f"{k}_us": round(statistics.median(r[k] for r in rounds), 2) for k in STAGES}
    half = 0.5  # each pickling stage: one half in the bot, one in a worker
    job_us, result_us = out["pickle_job_us"], out["pickle_result_us"]
    out["main_us"] = round(
        out["intake_us"] + out["ordered_us"] + out["write_us"] + half * (job_us + result_us), 2
    )
    out["workers_us"] = round(out["analysis_us"] + half * (job_us + result_us), 2)
    out["total_us"] = round(out["main_us"] + out["workers_us"], 2)
    out["comments"] = args.corpus
    out["rounds"] = args.rounds
    print(json.dumps(out))
    if profile is not None:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
