"""The `sentimeter` command line: run, score, analyze, eval, forget, purge, export."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import gc
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from bot.core.errors import SentimeterError, StartupError

if TYPE_CHECKING:
    from bot.settings import Settings

if TYPE_CHECKING:
    from bot.core.export import ExportKind

log = logging.getLogger("bot")


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command whose reader went away


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sentimeter")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sentimeter",
        description="Sentiment, review queue, spam catching and engagement statistics for Discord servers.",
        epilog="Problems are one line on stderr and a non-zero exit; when the reader of the output goes away "
        f"(`sentimeter score < in | head`), it stops quietly with exit {EXIT_BROKEN_PIPE}, as `cat` would.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
    analyze.add_argument("--database", help="database file (default: SENTIMETER_DATABASE)")
    analyze.add_argument(
        "--workers",
        type=int,
        help="processes: 1 runs everything in this one; N > 1 uses one writer and N-1 scorers "
        "(default: the number of cores for large exports, 1 for small ones)",
    )
    analyze.add_argument("--no-progress", action="store_true", help="no progress bar")
    analyze.add_argument(
        "--report", type=Path, metavar="FILE", help="also write a self-contained HTML report to FILE"
    )
    analyze.add_argument(
        "--timezone",
        metavar="TZ",
        help="show times in this IANA time zone, e.g. Asia/Jakarta (default: the export's offset, or UTC)",
    )
    analyze.add_argument(
        "--all", action="store_true", help="list every flagged comment and spam message, not only the newest"
    )

    evaluate = sub.add_parser("eval", help="precision/recall/F1 of flagging on your own labelled comments")
    evaluate.add_argument(
        "file",
        type=Path,
        help="TSV: text<TAB>label (positive/neutral/negative or 1/0), or the community format with the header"
        " lang sentiment feedback spam topic niche text",
    )
    evaluate.add_argument(
        "--misses",
        type=int,
        default=0,
        metavar="N",
        help="also list up to N comments the review queue missed and N it sent wrongly",
    )

    # members' data rights and server removal (README "Privacy")
    forget = sub.add_parser("forget", help="delete everything stored about one member of one server")
    forget.add_argument(
        "--database", help="database file or postgresql:// URL (default: SENTIMETER_DATABASE)"
    )
    forget.add_argument("--guild", required=True, help="the server (guild) id")
    forget.add_argument("--user", required=True, help="the member's user id")
    purge = sub.add_parser("purge", help="delete everything stored about one server now")
    purge.add_argument("--database", help="database file or postgresql:// URL (default: SENTIMETER_DATABASE)")
    purge.add_argument("--guild", required=True, help="the server (guild) id")

    # CSV exports (README "Exports")
    export = sub.add_parser("export", help="daily statistics, the flag log or top posts as CSV on stdout")
    export.add_argument(
        "--database", help="database file or postgresql:// URL (default: SENTIMETER_DATABASE)"
    )
    export.add_argument("--what", required=True, help="daily (per channel and day), flags or top (posts)")
    export.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="first day (UTC)")
    export.add_argument("--until", metavar="YYYY-MM-DD", help="last day, included (default: no end)")
    export.add_argument("--guild", help="the server (guild) id; needed when the database holds several")
    export.add_argument("--bom", action="store_true", help="start with a UTF-8 byte order mark (old Excel)")
    _add_ops_commands(sub)
    return parser


def _add_ops_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Operating an installation (README "Running at scale"): health checks and moving to PostgreSQL."""
    health = sub.add_parser("healthcheck", help="exit 0 when the database answers (container health checks)")
    health.add_argument("--database", help="SQLite file or postgresql:// URL (default: SENTIMETER_DATABASE)")
    health.add_argument("--timeout", type=float, default=5.0, metavar="S", help="give up after S seconds")
    migrate = sub.add_parser(
        "migrate", help="copy every table of an installation into PostgreSQL, then verify the copy"
    )
    migrate.add_argument(
        "--from", dest="source", required=True, metavar="SOURCE", help="SQLite file or postgresql:// URL"
    )
    migrate.add_argument("--to", dest="target", required=True, metavar="URL", help="postgresql:// URL")
    migrate.add_argument("--no-progress", action="store_true", help="no progress bar")
    migrate.add_argument(
        "--verify-only", action="store_true", help="copy nothing: compare an earlier copy with the source"
    )


def _score_lines(stdin: TextIO | BinaryIO) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line; the bytes must be UTF-8 (garbage is refused, not scored)."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:  # a text stream (tests): already decoded
        yield from enumerate(stdin, start=1)
        return
    for number, data in enumerate(raw, start=1):
        try:
            yield number, data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SentimeterError(
                f"line {number}: not UTF-8 (byte {exc.start + 1} is 0x{data[exc.start]:02x}); "
                "send UTF-8 text, one JSON string per line"
            ) from None


def score_stream(stdin: TextIO | BinaryIO, stdout: TextIO) -> int:
    """`sentimeter score`: the stable interface for evaluating the scorer from outside."""
    from bot.core.ingest.pipeline import Pipeline
    from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
    from bot.core.spam import SpamDetector
    from bot.storage.models import FlagKind, GuildConfig

    pipeline = Pipeline(Scorer(), SpamDetector())
    config = GuildConfig(guild_id=0, threshold=DEFAULT_FLAG_THRESHOLD)
    for number, line in _score_lines(stdin):
        if not line.strip():
            continue
        try:
            text = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SentimeterError(f"line {number}: not a JSON string ({exc.msg})") from None
        if not isinstance(text, str):
            raise SentimeterError(f"line {number}: expected a JSON string, got {type(text).__name__}")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # "\ud800" escapes: half of a character, not text
            raise SentimeterError(
                f"line {number}: not valid Unicode (a lone surrogate \\u{ord(text[exc.start]):04x})"
            ) from None
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
    """Every problem is one line on stderr and a non-zero exit code; tracebacks are for bugs only."""
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except SentimeterError as exc:
        return _fail(str(exc), int(getattr(exc, "exit_code", 1)))
    except BrokenPipeError:
        return _reader_gone()
    except sqlite3.Error as exc:
        return _fail(_database_problem(exc, getattr(args, "db_path", None)))
    except OSError as exc:
        return _fail(_os_problem(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, code: int = 1) -> int:
    print(f"sentimeter: {' '.join(message.split())}", file=sys.stderr)
    return code


def _reader_gone() -> int:
    """The reader of stdout went away (`| head`): stop quietly. Python would still try to flush what is
    buffered at exit and complain, so stdout now points at /dev/null."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _database_problem(exc: sqlite3.Error, path: Path | None) -> str:
    text = str(exc) or type(exc).__name__
    where = f"database {path}" if path else "database"
    if "full" in text or "disk I/O" in text:
        return f"{where}: {text} (is the disk full?); what was committed before is kept"
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"{where} is damaged ({text}): restore a backup, or move it aside to start a new one"
    if "locked" in text or "busy" in text:
        return f"{where}: {text} (is another sentimeter using it?)"
    return f"{where}: {text}"


def _os_problem(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _DISK_FULL:
        return f"{where}{reason} (the disk is full or a size limit was reached); what was committed is kept"
    return f"{where}{reason}"


async def _run_bot(settings: Settings, *, sync_global: bool) -> None:
    """`run`; a start-up error is re-raised only after the objects its traceback held (sockets, sessions)
    are collected while the loop still runs, so nothing reports "Event loop is closed" after the line."""
    from bot.app.runner import run_bot

    failure: StartupError | None = None
    try:
        await run_bot(settings, sync_global=sync_global)
    except SentimeterError as exc:
        failure = StartupError(str(exc))
    if failure is not None:
        gc.collect()
        await asyncio.sleep(0)  # let the transports closed by the collection finish on this loop
        raise failure


def _dispatch(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    if args.command == "score":
        return score_stream(sys.stdin, sys.stdout)
    if args.command == "eval":
        from bot.core.feedback.evaluate import is_community_file, run_community_eval
        from bot.core.scoring.evaluate import run_eval

        if args.misses < 0:
            raise SentimeterError("--misses must be 0 or more")
        try:
            if is_community_file(args.file):
                status = run_community_eval(args.file, sys.stdout, misses=args.misses)
                return status or _community_spam_report(args.file, sys.stdout)
            return run_eval(args.file, sys.stdout, misses=args.misses)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise SentimeterError(f"{args.file}: {exc}") from None

    settings = load_settings()
    if args.command in ("healthcheck", "migrate"):
        return _ops_command(args, settings)
    level = settings.log_level
    if args.command in ("analyze", "forget", "purge") and "log_level" not in settings.model_fields_set:
        level = "WARNING"  # the report goes to stdout; keep stderr for the progress bar and problems
    if args.command == "run":
        from bot.app.runner import setup_logging

        args.db_path = settings.database
        setup_logging(level)
        asyncio.run(_run_bot(settings, sync_global=args.sync))
        return 0
    # the analyze report goes to stdout; discord.py is not even imported (it costs memory)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-8s %(name)s %(message)s")
    if args.command == "analyze":
        from bot.offline.analyze import analyze, zone_named

        if args.workers is not None and args.workers < 1:
            raise SentimeterError("--workers must be at least 1")
        zone = None if args.timezone is None else zone_named(args.timezone)
        for path in args.exports:
            if not path.exists():
                raise SentimeterError(f"{path}: no such file or folder")
        args.db_path = _sqlite_only(args.database or settings.database, "analyze")
        _check_report_args(args.report)
        return asyncio.run(
            analyze(
                args.exports,
                args.db_path,
                workers=args.workers,
                progress=not args.no_progress,
                out=sys.stdout,
                zone=zone,
                show_all=args.all,
                report=args.report,
                timezone=args.timezone,
            )
        )
    if args.command == "export":
        return _export_command(args, settings.database, "log_level" in settings.model_fields_set)
    if args.command in ("forget", "purge"):
        guild_id = _snowflake(args.guild, "--guild")
        user_id = _snowflake(args.user, "--user") if args.command == "forget" else None
        database = _existing_database(args.database or settings.database)  # never create one to delete from
        args.db_path = database
        return asyncio.run(
            _forget_or_purge(database, guild_id, user_id, sys.stdout, settings.database_pool_size)
        )
    raise AssertionError(args.command)


def _check_report_args(report: Path | None) -> None:
    """--report is checked before the analysis starts, not after it (--timezone by ``zone_named``)."""
    if report is not None:
        if report.is_dir():
            raise SentimeterError(f"--report {report}: is a folder; give a file name such as report.html")
        if not report.parent.is_dir():
            raise SentimeterError(f"--report {report}: no such folder {report.parent}")


# -- forget / purge ------------------------------------------------------------------------------------------


def _snowflake(value: str, what: str) -> int:
    """A Discord id: a positive integer below 2^63."""
    try:
        number = int(value.strip())
    except ValueError:
        raise SentimeterError(f"{what} must be a Discord id (a number), got {value[:40]!r}") from None
    if not 0 < number < 2**63:
        raise SentimeterError(f"{what} must be a Discord id between 1 and 2^63 - 1, got {value[:40]}")
    return number


async def _forget_or_purge(
    database: str | Path, guild_id: int, user_id: int | None, out: TextIO, pool_size: int = 2
) -> int:
    """`sentimeter purge` (``user_id`` None) or `sentimeter forget`."""
    from bot.storage.open import open_storage

    async with open_storage(database, pool_size=pool_size) as storage:
        if user_id is None:
            rows = await storage.purge_guild(guild_id)
            out.write(f"Deleted everything stored about server {guild_id} ({rows} rows).\n")
            return 0
        result = await storage.forget_member(guild_id, user_id)
    out.write(
        f"Deleted everything stored about user {user_id} in server {guild_id}: {result.messages} message"
        f" records, {result.flags} flags ({result.rows} rows).\n"
    )
    for channel_id, message_id in result.review_posts:
        # the bot deletes these itself for /privacy forget-me; from here it cannot reach Discord
        out.write(
            f"Review post still in Discord, delete it by hand: https://discord.com/channels/{guild_id}"
            f"/{channel_id}/{message_id}\n"
        )
    return 0


# -- export (CSV to stdout) ----------------------------------------------------------------------------------

_EXPORT_END = 2**62  # no --until: everything from --since on


def _day_arg(value: str, what: str) -> int:
    """A YYYY-MM-DD date: its 00:00 UTC in unix seconds."""
    from datetime import UTC, datetime

    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise SentimeterError(f"{what} must be a date as YYYY-MM-DD, got {value[:40]!r}") from None
    return int(day.timestamp())


def _export_command(args: argparse.Namespace, default_database: str | Path, log_level_set: bool) -> int:
    from bot.core.export import ExportKind
    from bot.core.periods import DAY

    try:
        kind = ExportKind(args.what.strip().lower())
    except ValueError:
        raise SentimeterError(f"--what must be daily, flags or top, got {args.what[:40]!r}") from None
    start = _day_arg(args.since, "--since")
    end = _EXPORT_END if args.until is None else _day_arg(args.until, "--until") + DAY
    if end <= start:
        raise SentimeterError(f"--until ({args.until}) is before --since ({args.since})")
    guild_id = None if args.guild is None else _snowflake(args.guild, "--guild")
    database = _existing_database(args.database or default_database)  # never create one just to read it
    if not log_level_set:
        logging.getLogger().setLevel(logging.WARNING)  # stdout is the CSV; stderr only for problems
    args.db_path = database
    return asyncio.run(_export_csv(database, kind, guild_id, start, end, sys.stdout.buffer, bom=args.bom))


async def _export_csv(
    database: str | Path,
    kind: ExportKind,
    guild_id: int | None,
    start: int,
    end: int,
    out: BinaryIO,
    *,
    bom: bool,
) -> int:
    from bot.core.export import BOM, export_lines
    from bot.storage.open import open_storage

    async with open_storage(database, pool_size=2) as storage:
        guilds = await storage.export_guilds()
        shown = ", ".join(str(g) for g in guilds[:10]) + (", …" if len(guilds) > 10 else "")
        if guild_id is None:
            if not guilds:
                raise SentimeterError(f"{database} holds no server's data yet")
            if len(guilds) > 1:
                raise SentimeterError(f"{database} holds several servers ({shown}): choose one with --guild")
            guild_id = guilds[0]
        elif guild_id not in guilds:
            known = shown or "none"
            raise SentimeterError(f"{database} holds no data of server {guild_id} (servers: {known})")
        if bom:
            out.write(BOM.encode("utf-8"))
        async with contextlib.aclosing(export_lines(storage, kind, guild_id, start, end, _no_name)) as lines:
            async for line in lines:
                out.write(line.encode("utf-8"))
        out.flush()
    return 0


def _no_name(channel_id: int) -> None:
    """Channel names live in Discord, not in the database: the command line leaves them empty."""
    return None


# -- healthcheck / migrate (README "Running at scale") -------------------------------------------------------


def _ops_command(args: argparse.Namespace, settings: Settings) -> int:
    level = settings.log_level if "log_level" in settings.model_fields_set else "WARNING"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)-8s %(name)s %(message)s")
    if args.command == "healthcheck":
        from bot.offline.health import check_database

        if not 0 < args.timeout <= 600:
            raise SentimeterError("--timeout must be between 0 and 600 seconds")
        print(check_database(args.database or settings.database, timeout=args.timeout))
        return 0
    from bot.offline.migrate import migrate_database

    return asyncio.run(
        migrate_database(
            args.source,
            args.target,
            progress=not args.no_progress,
            out=sys.stdout,
            verify_only=args.verify_only,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())


# -- issue 16: the database setting is a SQLite path or a PostgreSQL URL ----------------------------------


def _existing_database(database: str | Path) -> str | Path:
    """A PostgreSQL URL as given, or the path of a SQLite file that exists (SentimeterError if none)."""
    from bot.storage.open import is_postgres

    if is_postgres(str(database)):
        return str(database).strip()
    path = Path(database)
    if not path.is_file():
        raise SentimeterError(f"{path}: no such database")
    return path


def _sqlite_only(database: str | Path, command: str) -> Path:
    """``sentimeter analyze`` writes a SQLite file only: a PostgreSQL URL gets a one-line error."""
    from bot.storage.open import is_postgres

    if is_postgres(str(database)):
        raise SentimeterError(
            f"{command} writes a SQLite database file: give --database a file path (it cannot use PostgreSQL;"
            " move the file over afterwards with sentimeter migrate)"
        )
    return Path(database)
