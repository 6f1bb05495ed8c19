"""The `sentimeter` command line: run, score, analyze, eval."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.core.errors import SentimeterError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentimeter",
        description="Sentiment, review queue, spam catching and engagement statistics for Discord servers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (needs DISCORD_TOKEN)")
    run.add_argument(
        "--sync",
        action="store_true",
        help="also sync slash commands globally (once after an upgrade; can take up to an hour to show)",
    )

    sub.add_parser(
        "score",
        help="score texts: one JSON string per line on stdin, one JSON object per line on stdout",
    )

    analyze = sub.add_parser("analyze", help="run DiscordChatExporter JSON exports through the pipeline")
    analyze.add_argument("exports", nargs="+", type=Path, help="export files (.json) or folders of them")
    analyze.add_argument("--database", type=Path, help="database file (default: SENTIMETER_DATABASE)")
    analyze.add_argument(
        "--workers",
        type=int,
        help="processes: 1 runs everything in this one; N > 1 uses one writer and N-1 scorers "
        "(default: the number of cores for large exports, 1 for small ones)",
    )
    analyze.add_argument("--no-progress", action="store_true", help="no progress bar")

    evaluate = sub.add_parser("eval", help="precision/recall/F1 of flagging on your own labelled comments")
    evaluate.add_argument(
        "file",
        type=Path,
        help="TSV: text<TAB>label (positive/neutral/negative or 1/0), or the community format with the header"
        " lang sentiment feedback spam topic niche text",
    )
    return parser


def score_stream(stdin: TextIO, stdout: TextIO) -> int:
    """`sentimeter score`: the stable interface for evaluating the scorer from outside."""
    from bot.core.ingest.pipeline import Pipeline
    from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
    from bot.core.spam import SpamDetector
    from bot.storage.models import FlagKind, GuildConfig

    pipeline = Pipeline(Scorer(), SpamDetector())
    config = GuildConfig(guild_id=0, threshold=DEFAULT_FLAG_THRESHOLD)
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SentimeterError(f"line {number}: not a JSON string ({exc.msg})") from None
        if not isinstance(text, str):
            raise SentimeterError(f"line {number}: expected a JSON string, got {type(text).__name__}")
        result = pipeline.assess(text, config, None, exempt=False)
        score = result.score
        out = {
            "compound": score.compound if score else 0.0,
            "pos": score.pos if score else 0.0,
            "neu": score.neu if score else 1.0,
            "neg": score.neg if score else 0.0,
            # flag: goes to the review queue as negative feedback at the default sensitivity
            "flag": result.flag is not None and result.flag.kind is FlagKind.NEGATIVE,
            "feedback": result.feedback[0] if result.feedback else 0.0,
            "topic": result.feedback[1] if result.feedback else None,
            "spam": result.spam.is_spam,
            "spam_reason": result.spam.reason,
            "spam_category": result.spam.category,  # gambling | scam | promotion | bait; "" when not spam
            "language": score.language if score else None,
        }
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


def _community_spam_report(path: Path, out: TextIO) -> int:
    """`sentimeter eval` on a community file: the spam figures per category, after the review-queue report."""
    from bot.core.feedback.evaluate import read_community
    from bot.core.spam import SpamDetector
    from bot.core.spam.evaluate import spam_report, write_spam_report

    rows = read_community(path)
    write_spam_report(spam_report(((row.text, row.spam) for row in rows), SpamDetector()), out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except SentimeterError as exc:
        print(f"sentimeter: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    if args.command == "score":
        return score_stream(sys.stdin, sys.stdout)
    if args.command == "eval":
        from bot.core.feedback.evaluate import is_community_file, run_community_eval
        from bot.core.scoring.evaluate import run_eval

        try:
            if is_community_file(args.file):
                status = run_community_eval(args.file, sys.stdout)
                return status or _community_spam_report(args.file, sys.stdout)
            return run_eval(args.file, sys.stdout)
        except (OSError, ValueError) as exc:
            raise SentimeterError(f"{args.file}: {exc}") from None

    settings = load_settings()
    level = settings.log_level
    if args.command == "analyze" and "log_level" not in settings.model_fields_set:
        level = "WARNING"  # the report goes to stdout; keep stderr for the progress bar and problems
    if args.command == "run":
        from bot.app.runner import run_bot, setup_logging

        setup_logging(level)
        asyncio.run(run_bot(settings, sync_global=args.sync))
        return 0
    # the analyze report goes to stdout; discord.py is not even imported (it costs memory)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-8s %(name)s %(message)s")
    if args.command == "analyze":
        from bot.offline.analyze import analyze

        if args.workers is not None and args.workers < 1:
            raise SentimeterError("--workers must be at least 1")
        for path in args.exports:
            if not path.exists():
                raise SentimeterError(f"{path}: no such file or folder")
        return asyncio.run(
            analyze(
                args.exports,
                args.database or settings.database,
                workers=args.workers,
                progress=not args.no_progress,
                out=sys.stdout,
            )
        )
    raise AssertionError(args.command)


if __name__ == "__main__":
    raise SystemExit(main())
