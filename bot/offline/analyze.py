"""`sentimeter analyze`: run DiscordChatExporter exports through the bot's own pipeline, without Discord.

The export is streamed (never loaded whole) and cut into chunks of about 2,000 messages. With ``--workers N``
(N > 1; default: one per core) the work is spread over processes:

- this process reads and parses the export (a thread) and passes chunks on;
- N - 1 scoring workers run the analysis half of the pipeline (bot/core/ingest/analysis.py: clean, score,
  text spam check, behaviour fingerprint) through the bot's own worker protocol (bot/core/ingest/scoring.py:
  a ``ScoreJob`` in, a ``ScoreResult`` out, both pickled here and there: ``score_in_worker_pickled``);
- one writer process runs the decision half (bot/core/ingest/decision.py, ``Decider.finish_message``: the
  behaviour tracker, the flag decision, the write operation) and ``storage.apply``, one transaction per
  chunk, in message order, with its own connection. It gets the chunk's message fields from here and the
  scores from the worker as bytes (this process never unpickles them).

The messages and results travel as plain tuples, pickled with protocol 5. At most a few chunks are in
flight, so memory stays flat whatever the export size. ``--workers 1`` does everything in this process.
Then the channel statistics and the comments a moderator would be asked to review are printed.

Determinism: the behaviour tracker sees the messages in order in every layout and the workers only compute
pure functions of the text, so `--workers 1` and `--workers N` write exactly the same rows.

Stopping: Ctrl-C or SIGTERM cancels the run; the scorers finish their chunk, the writer commits what it holds
and closes the database, and ``AnalyzeStopped`` (exit 128 + signal) says to run the command again. The workers
and the writer ignore those signals (a terminal or a service manager sends them to the whole group) and exit
by themselves within a second when this process is gone, even after a SIGKILL (``_watch_parent``).

Memory: the process tree is this process, the spawned workers (lexicons and spam rules only), the writer and
multiprocessing's resource tracker; no fork server. The SQLite page cache per connection is bounded by
bot/storage/sqlite.py and the file is not memory-mapped."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TextIO

from bot.core.errors import SentimeterError
from bot.core.ingest.analysis import Analyser
from bot.core.ingest.decision import Decider, is_exempt
from bot.core.ingest.models import IncomingMessage
from bot.core.ingest.scoring import (
    NO_LEXICON,
    PICKLE_PROTOCOL,
    WATCH_INTERVAL,
    ScoreJob,
    ScoreResult,
    load_worker,
    score_in_worker_pickled,
    score_job,
    spam_verdict,
    warm_up,
)
from bot.core.spam import BehaviourTracker
from bot.core.text.terminal import one_line
from bot.core.timezones import zone_info
from bot.offline.exporter import (
    ExportedMessage,
    ExportError,
    ExportHeader,
    ExportReader,
    IncomingRow,
    UniqueMessages,
    export_files,
)
from bot.storage.models import (
    Flag,
    FlagKind,
    FlagStatus,
    GuildConfig,
    ReactionChanged,
    Sentiment,
    Totals,
    WriteOp,
)

log = logging.getLogger(__name__)

CHUNK_SIZE = 2_000
# messages per transaction of the writer process (see _WriterState). One chunk: 10,000 saved about 5-10% of
# the writer's CPU on 300,000 messages, but a 500,000-message run then peaked at 213.5 MB (budget: 200)
WRITE_BATCH = CHUNK_SIZE
PARALLEL_MIN_BYTES = 20 * 1024 * 1024  # smaller exports are analysed in-process when --workers is not given
# The writer process's SQLite page cache per connection: it appends, so a small cache costs little time
# and keeps a 500,000-message `analyze --report` under 200 MB (the bot's own connections keep CACHE_KIB).
WRITER_CACHE_KIB = 6 * 1024
TOP_FLAGS = 10
_FLAG_PAGE = 1_000


@dataclass(slots=True)
class _Chunk:
    rows: list[IncomingRow]  # per message: IncomingMessage's fields
    exempt: list[bool]  # per message
    reactions: list[int]  # per message: the export's reaction count to add
    job: ScoreJob | None  # per message, for the analysis half (the bot's worker protocol)


# -- the reading side ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Seen:
    """What the reader learned on the way: author names for the report, the time range, counts."""

    authors: dict[int, str] = field(default_factory=dict)
    first: float | None = None
    last: float | None = None
    counted: int = 0
    already_stored: int = 0  # at or before the channel's newest stored message when the run began
    duplicates: int = 0  # copies of a message in another export of the same channel, left out


class _Reader:
    def __init__(
        self,
        messages: Iterator[ExportedMessage],
        settings: Mapping[int, tuple[GuildConfig, dict[str, float]]],
        cursors: Mapping[tuple[int, int], int],
    ) -> None:
        self._messages = messages
        self._configs = {g: config for g, (config, _) in settings.items()}
        # each job carries the run's server lexicons (the empty ones left out: NO_LEXICON)
        self._lexicons: list[dict[str, float]] = []
        self._lexicon_slot: dict[int, int] = {}
        for g, (_, lexicon) in settings.items():
            self._lexicon_slot[g] = len(self._lexicons) if lexicon else NO_LEXICON
            if lexicon:
                self._lexicons.append(lexicon)
        self._cursors = cursors
        self.seen = _Seen()

    def next_chunk(self, size: int) -> _Chunk | None:
        rows: list[IncomingRow] = []
        reactions: list[int] = []
        exempt: list[bool] = []
        items: list[tuple[str, int, bool]] = []
        seen, cursors, configs, lex_slot = self.seen, self._cursors, self._configs, self._lexicon_slot
        authors = seen.authors
        first, last = seen.first, seen.last
        for exported in self._messages:
            row = exported.incoming_row()
            guild_id, channel_id, message_id, author_id, content, at = row[:6]
            reaction_count = exported.reactions
            if cursors:
                cursor = cursors.get((guild_id, channel_id))
                if cursor is not None and message_id <= cursor:
                    # probably stored already (an earlier run, or the live bot, which counted its reactions
                    # itself): the insert is skipped by storage, and the reactions must not be added twice
                    seen.already_stored += 1
                    reaction_count = 0
            if author_id not in authors:
                authors[author_id] = exported.author_name
            if first is None or at < first:
                first = at
            if last is None or at > last:
                last = at
            ex = is_exempt(
                configs[guild_id], channel_id, exported.parent_channel_id, exported.author_role_ids
            )
            rows.append(row)
            reactions.append(reaction_count)
            exempt.append(ex)
            items.append((content, lex_slot[guild_id], ex))
            if len(rows) >= size:
                break
        seen.first, seen.last = first, last
        seen.counted += len(rows)
        return _Chunk(rows, exempt, reactions, ScoreJob(items, self._lexicons)) if rows else None


def _finish(
    decider: Decider,
    rows: Sequence[IncomingRow],
    exempt: Sequence[bool],
    reactions: Sequence[int],
    analysed: ScoreResult,
    configs: Mapping[int, GuildConfig],
) -> list[WriteOp]:
    """The decision half, in message order: behaviour tracker, flag decision, write operations."""
    for error in analysed.errors:
        log.warning("A comment could not be scored (counted unscored): %s", error)
    ops: list[WriteOp] = []
    append = ops.append
    finish = decider.finish_message
    for row, ex, count, (score, spam, fp, feedback, terms) in zip(
        rows, exempt, reactions, analysed.items, strict=True
    ):
        msg = IncomingMessage(*row)
        append(finish(msg, configs[msg.guild_id], ex, score, spam_verdict(spam), fp, feedback, terms))
        if count:
            append(
                ReactionChanged(
                    guild_id=msg.guild_id, channel_id=msg.channel_id, message_id=msg.message_id, delta=count
                )
            )
    return ops


# -- the writer process (with a database file and --workers > 1) ------------------------------------
# The decision half and storage.apply (real Python work per message: the roll-up simulation) would otherwise
# compete for this process's GIL with the reader. A one-process pool keeps its own SQLiteStorage, event loop
# and behaviour tracker; it receives each chunk's rows (pickled here) and the scorer's results (passed on
# as bytes, never unpickled here).


@dataclass(slots=True)
class _WriterState:
    """The writer process's connection, decision half, and the operations it holds: one transaction per
    ``batch`` messages rather than per chunk (each commit writes every page it touched to the WAL, and the
    presence rows, keyed by author, touch a page each, so fewer and larger commits write fewer pages)."""

    loop: asyncio.AbstractEventLoop
    storage: Any
    decider: Decider
    configs: dict[int, GuildConfig]
    batch: int
    held: list[WriteOp] = field(default_factory=list)
    held_messages: int = 0

    def commit_held(self) -> None:
        ops, self.held, self.held_messages = self.held, [], 0
        if ops:
            self.loop.run_until_complete(self.storage.apply(ops))


_writer_state: _WriterState | None = None


def _watch_parent(parent_pid: int) -> None:
    """A worker or the writer ends when the analyze process is gone, even killed (SIGKILL runs no cleanup):
    then it is re-parented, and nothing else would tell it (it blocks reading its task queue)."""
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)  # the writer's open transaction, if any, is rolled back by SQLite


def _follow_parent(parent_pid: int) -> None:
    """In a worker or the writer: Ctrl-C and a SIGTERM sent to the whole process group (a terminal, a
    service manager) are left to the analyze process, which stops them in order; they exit on their own if
    it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="watch-parent", daemon=True).start()


def _init_scorer(parent_pid: int) -> None:
    _follow_parent(parent_pid)
    load_worker()


def _init_writer(
    db_path: str, configs: dict[int, GuildConfig], parent_pid: int | None = None, batch: int = WRITE_BATCH
) -> None:
    global _writer_state
    from bot.storage.sqlite import SQLiteStorage

    if parent_pid is not None:
        _follow_parent(parent_pid)

    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(SQLiteStorage.connect(db_path, cache_kib=WRITER_CACHE_KIB))
    _writer_state = _WriterState(loop, storage, Decider(BehaviourTracker()), configs, batch)


def _writer_ready() -> None:
    """A no-op task: starts the writer process (its initializer opens the database)."""


def _write_blob(chunk_blob: bytes, analysed_blob: bytes) -> int:
    """The decision half of one chunk; its writes are committed with the next chunks' once the state's
    ``batch`` of messages is held (``_close_writer`` commits the rest)."""
    state = _writer_state
    assert state is not None, "writer not initialised"
    rows, exempt, reactions = pickle.loads(chunk_blob)
    ops = _finish(state.decider, rows, exempt, reactions, pickle.loads(analysed_blob), state.configs)
    state.held.extend(ops)
    state.held_messages += len(rows)
    if state.held_messages >= state.batch:
        state.commit_held()
    return len(ops)


def _close_writer() -> None:
    """Commit what the writer holds, then close its connection."""
    global _writer_state
    state = _writer_state
    if state is not None:
        _writer_state = None
        try:
            state.commit_held()
        finally:
            try:
                state.loop.run_until_complete(state.storage.close())
            finally:
                state.loop.close()


# -- the run ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class RunResult:
    headers: list[ExportHeader]
    seen: _Seen
    read: int  # message entries in the files, counted or not
    skipped_bots: int
    skipped_system: int
    seconds: float
    workers: int
    failures: list[ExportError] = field(default_factory=list)  # files not read, or not to the end


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


async def ingest_exports(
    paths: Sequence[Path],
    storage: Any,
    *,
    workers: int | None = None,
    progress: bool = False,
    chunk_size: int = CHUNK_SIZE,
    in_flight: int | None = None,
    db_path: Path | None = None,
    write_batch: int = WRITE_BATCH,
) -> RunResult:
    """Stream the exports through the pipeline into ``storage`` (any `Storage`). Returns what was read.

    ``workers``: how many processes work beside this one (1: none, everything here). With a ``db_path``
    (the file behind ``storage``) one of them is the writer (the decision half and the writes, with its own
    connection; ``storage`` is then only used for the configuration reads before the run) and the others
    score; without one, all of them score and the writes are applied here, in order. The writer commits
    once per ``write_batch`` messages (and what it holds when the run ends or is stopped)."""
    files = export_files(paths)
    if not files:
        raise ExportError("no export files given")
    failures: list[ExportError] = []
    readers: list[ExportReader] = []
    for file in files:  # every header first: a file that is no export is named before anything is written
        try:
            readers.append(ExportReader(file))
        except ExportError as exc:
            failures.append(exc)
    if not readers:
        if len(failures) == 1:
            raise failures[0]
        raise ExportError(f"none of the {len(failures)} files is a readable export; the first: {failures[0]}")
    headers = [r.header for r in readers]
    settings, cursors = await _server_settings(storage, headers)
    configs = {g: config for g, (config, _) in settings.items()}
    if workers is None:
        # starting worker processes costs about a second: below ~25,000 messages it is not worth it
        workers = default_workers() if sum(r.size for r in readers) >= PARALLEL_MIN_BYTES else 1
    bar = _progress_bar(readers, progress)
    messages = UniqueMessages(readers, failures)
    reader = _Reader(iter(messages), settings, cursors)
    started = time.perf_counter()
    layout = _Layout.start(workers, db_path, configs, write_batch)
    try:
        await _pump(reader, layout, storage, configs, chunk_size, in_flight or (workers + 2))
    finally:
        bar.close()
        await layout.stop()
    reader.seen.duplicates = messages.duplicates
    return RunResult(
        headers=headers,
        seen=reader.seen,
        read=sum(r.seen for r in readers),
        skipped_bots=sum(r.skipped_bots for r in readers),
        skipped_system=sum(r.skipped_system for r in readers),
        seconds=time.perf_counter() - started,
        workers=workers,
        failures=failures,
    )


async def _server_settings(
    storage: Any, headers: Sequence[ExportHeader]
) -> tuple[dict[int, tuple[GuildConfig, dict[str, float]]], dict[tuple[int, int], int]]:
    """Each server's configuration and lexicon, and each stored channel's newest message id."""
    settings: dict[int, tuple[GuildConfig, dict[str, float]]] = {}
    for header in headers:
        if header.guild_id not in settings:
            settings[header.guild_id] = (
                await storage.get_config(header.guild_id),
                await storage.get_lexicon(header.guild_id),
            )
    cursors: dict[tuple[int, int], int] = {}
    for guild_id in settings:
        for channel_id, newest in (await storage.channel_cursors(guild_id)).items():
            cursors[(guild_id, channel_id)] = newest
    return settings, cursors


def _progress_bar(readers: Sequence[ExportReader], progress: bool) -> Any:
    """A byte-count bar on stderr (disabled: ``progress`` False), fed by the readers."""
    from tqdm import tqdm

    bar = tqdm(
        total=sum(r.size for r in readers),
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc="analyze",
        file=sys.stderr,
        disable=not progress,
        leave=False,
        mininterval=0.5,
    )
    for r in readers:
        r.on_bytes = bar.update
    return bar


@dataclass(slots=True)
class _Layout:
    """Where the two halves run. ``scorers`` None: the analysis half runs here (``analyser``); ``writer``
    None: the decision half and the writes run here (``decider``), else in the writer process."""

    decider: Decider
    analyser: Analyser | None = None
    scorers: Executor | None = None
    writer: Executor | None = None

    @classmethod
    def start(
        cls,
        workers: int,
        db_path: Path | None,
        configs: dict[int, GuildConfig],
        write_batch: int = WRITE_BATCH,
    ) -> _Layout:
        layout = cls(Decider(BehaviourTracker()))
        if workers <= 1:
            from bot.core.scoring import Scorer
            from bot.core.spam import SpamDetector

            layout.analyser = Analyser(Scorer(), SpamDetector())
            return layout
        # spawn: workers start from a clean interpreter (not a fork of this one, which has threads running)
        # and load only what they use; unlike forkserver, no server process stays around the whole run
        context = multiprocessing.get_context("spawn")
        scorers = workers - 1 if db_path is not None else workers
        me = os.getpid()
        layout.scorers = ProcessPoolExecutor(
            scorers, mp_context=context, initializer=_init_scorer, initargs=(me,)
        )
        if db_path is not None:
            layout.writer = ProcessPoolExecutor(
                1,
                mp_context=context,
                initializer=_init_writer,
                initargs=(str(db_path), configs, me, write_batch),
            )
        # start every process now (a pool spawns them at the first tasks): their imports and models load
        # while the first chunks are read, not after the first chunk is scored and then again for the writer
        for _ in range(scorers):
            layout.scorers.submit(warm_up)
        if layout.writer is not None:
            layout.writer.submit(_writer_ready)
        return layout

    async def stop(self) -> None:
        """Stop the scoring workers; close the writer's connection, then stop it."""
        if self.scorers is not None:
            self.scorers.shutdown(wait=True, cancel_futures=True)
        if self.writer is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(self.writer, _close_writer)
            finally:
                self.writer.shutdown(wait=True, cancel_futures=True)


# A chunk on its way: what the decision half needs here (or, pickled, in the writer process), and the
# worker's pickled result to come (None: the chunk is analysed here).
_Pending = tuple[_Chunk, bytes, asyncio.Future[bytes] | None]


async def _pump(
    reader: _Reader,
    layout: _Layout,
    storage: Any,
    configs: Mapping[int, GuildConfig],
    chunk_size: int,
    limit: int,
) -> None:
    """Read, analyse and write every chunk, at most ``limit`` in flight between reading and writing. A
    failure on either side stops the other."""
    pending: asyncio.Queue[_Pending | None] = asyncio.Queue(limit)
    producer = asyncio.create_task(_produce(reader, layout, pending, chunk_size))
    try:
        await _consume(pending, layout, storage, configs)
    finally:
        if not producer.done():
            producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def _produce(
    reader: _Reader, layout: _Layout, pending: asyncio.Queue[_Pending | None], chunk_size: int
) -> None:
    """Read chunks (in a thread) and hand each to a scoring worker, if any; queue them in order."""
    loop = asyncio.get_running_loop()
    try:
        while True:
            chunk = await asyncio.to_thread(reader.next_chunk, chunk_size)
            if chunk is None:
                break
            future = None
            blob = b""
            if layout.scorers is not None:
                job_blob = pickle.dumps(chunk.job, PICKLE_PROTOCOL)
                future = loop.run_in_executor(layout.scorers, score_in_worker_pickled, job_blob)
                chunk.job = None
                if layout.writer is not None:
                    blob = pickle.dumps((chunk.rows, chunk.exempt, chunk.reactions), PICKLE_PROTOCOL)
                    chunk.rows = []
            await pending.put((chunk, blob, future))
    except asyncio.CancelledError:
        raise  # the consumer failed: nobody waits for the end marker (and the queue may be full)
    except BaseException:
        await pending.put(None)  # the consumer is still draining: let it finish, then re-raise
        raise
    await pending.put(None)


async def _consume(
    pending: asyncio.Queue[_Pending | None],
    layout: _Layout,
    storage: Any,
    configs: Mapping[int, GuildConfig],
) -> None:
    """The chunks in order: their analysis (awaited, or done here), then the decision half and the writes.
    Writes stay in order, one in flight: chunk N is committed while chunk N+1 is finished/scored."""
    loop = asyncio.get_running_loop()
    writing: asyncio.Future[Any] | None = None
    try:
        while True:
            item = await pending.get()
            if item is None:
                break
            chunk, blob, future = item
            if future is None:
                assert layout.analyser is not None and chunk.job is not None
                analysed = await asyncio.to_thread(score_job, layout.analyser, chunk.job)
            elif layout.writer is not None:
                analysed_blob = await future
                if writing is not None:
                    await writing
                writing = loop.run_in_executor(layout.writer, _write_blob, blob, analysed_blob)
                continue
            else:
                analysed = pickle.loads(await future)
            ops = _finish(layout.decider, chunk.rows, chunk.exempt, chunk.reactions, analysed, configs)
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(storage.apply(ops))
        if writing is not None:
            await writing
            writing = None
    finally:
        if writing is not None and not writing.done():
            writing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writing


# -- the report ------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "–"


def _mix(totals: Totals) -> str:
    if not totals.scored:
        return "no scored messages"
    return (
        f"{_pct(totals.share(Sentiment.POSITIVE))} positive · "
        f"{_pct(totals.share(Sentiment.NEUTRAL))} neutral · "
        f"{_pct(totals.share(Sentiment.NEGATIVE))} negative"
    )


def _avg(totals: Totals) -> str:
    avg = totals.avg_compound
    return f"{avg:+.2f}" if avg is not None else "–"


def _langs(totals: Totals) -> str:
    """The language mix of the scored, non-spam messages (as /stats shows it)."""
    counted = totals.languages_counted
    if not counted:
        return "–"
    parts = [
        f"{100 * totals.language_count(bucket) / counted:.0f}% {label}"
        for bucket, label in (("en", "English"), ("id", "Indonesian"), ("mixed", "mixed"), ("other", "other"))
        if totals.language_count(bucket) or bucket != "other"
    ]
    return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Zone:
    """How times are shown: ``tz`` and its label (an IANA name, or UTC±HH:MM for a fixed offset)."""

    tz: tzinfo
    label: str

    def when(self, ts: float) -> str:
        return datetime.fromtimestamp(ts, self.tz).strftime("%Y-%m-%d %H:%M")

    def hour(self, utc_hour: int | None, at: float) -> str:
        """A UTC hour of day (the roll-ups' buckets) as local time, in the offset the zone has at ``at``; a
        zone with a half-hour offset shows the bucket's start (17:30)."""
        if utc_hour is None:
            return "–"
        offset = datetime.fromtimestamp(at, self.tz).utcoffset() or timedelta(0)
        minutes = (utc_hour * 60 + int(offset.total_seconds()) // 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


UTC_ZONE = Zone(UTC, "UTC")


def _offset_label(seconds: int) -> str:
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else "-"
    minutes = abs(seconds) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_named(name: str) -> Zone:
    """``--timezone``: an IANA name (Asia/Jakarta, Europe/Berlin, UTC). A clear error for anything else."""
    try:
        return Zone(zone_info(name), name.strip())
    except ValueError:
        raise SentimeterError(
            f"--timezone: unknown time zone {name[:60]!r} (an IANA name, such as Asia/Jakarta or UTC)"
        ) from None


def export_zone(headers: Sequence[ExportHeader]) -> Zone:
    """The exports' own offset (DiscordChatExporter writes times in the exporting machine's): the first
    file's that has one, else UTC."""
    for header in headers:
        if header.utc_offset is not None:
            return Zone(timezone(timedelta(seconds=header.utc_offset)), _offset_label(header.utc_offset))
    return UTC_ZONE


def _quote(text: str | None, width: int = 90) -> str:
    return one_line(text, width)  # message text: escape sequences are shown, never sent to the terminal


def _name(name: object) -> str:
    """A server, channel or member name from the export, safe to print."""
    return one_line(str(name))


def _where(headers: list[ExportHeader]) -> str:
    if len(headers) == 1:
        return _name(headers[0].path)
    folders = {h.path.parent for h in headers}
    if len(folders) == 1:
        return f"{len(headers)} export files in {_name(folders.pop())}"
    return f"{len(headers)} export files"


@dataclass(slots=True)
class _FlagDigest:
    negative: int = 0
    spam: int = 0
    # topic -> (count, the example: the most negative of them, earliest on a tie)
    topics: dict[str, tuple[int, Flag]] = field(default_factory=dict)
    first_spam: list[tuple[int, Flag]] = field(default_factory=list)  # max-heap on -message id
    newest: list[Flag] = field(default_factory=list)  # the newest negative ones, newest first


async def _run_flags(storage: Any, guild_id: int, channels: set[int]) -> AsyncIterator[Flag]:
    """The open flags of these channels, newest first, one page at a time (memory stays flat)."""
    offset = 0
    while True:
        page = await storage.list_flags(guild_id, FlagStatus.OPEN, offset, _FLAG_PAGE)
        for f in page:
            if f.channel_id in channels:
                yield f
        if len(page) < _FLAG_PAGE:
            return
        offset += _FLAG_PAGE


async def _flag_digest(storage: Any, guild_id: int, channels: set[int], top: int) -> _FlagDigest:
    """Counts and the top few open flags of these channels."""
    digest = _FlagDigest()
    async for f in _run_flags(storage, guild_id, channels):
        if f.kind is FlagKind.NEGATIVE:
            digest.negative += 1
            if len(digest.newest) < top:
                digest.newest.append(f)
            topic = f.topic or "other"
            count, example = digest.topics.get(topic, (0, f))
            if (f.compound or 0.0, f.message_id) < (example.compound or 0.0, example.message_id):
                example = f
            digest.topics[topic] = (count + 1, example)
        elif f.kind is FlagKind.SPAM:
            digest.spam += 1
            entry = (-f.message_id, f)
            if len(digest.first_spam) < top:
                heapq.heappush(digest.first_spam, entry)
            elif entry[0] > digest.first_spam[0][0]:
                heapq.heapreplace(digest.first_spam, entry)
    return digest


async def write_report(
    storage: Any,
    result: RunResult,
    out: TextIO,
    *,
    top: int = TOP_FLAGS,
    zone: Zone | None = None,
    show_all: bool = False,
) -> None:
    """The printed summary: per server, the totals with the sentiment and language mix, each channel, what
    people complain about, the flagged comments and the spam (``top`` of each, every one with ``show_all``),
    times in ``zone`` (default: the exports' own offset)."""
    from bot.core.periods import Period
    from bot.core.stats import StatsService

    zone = zone or export_zone(result.headers)
    stats = StatsService(storage)
    seen = result.seen
    now = int(seen.last or time.time()) + 1
    rate = seen.counted / result.seconds if result.seconds > 0 else 0.0
    skipped = f"skipped {result.skipped_bots:,} from bots and {result.skipped_system:,} system messages"
    if seen.duplicates:
        skipped += f", {seen.duplicates:,} already read from another export of the same channel"
    out.write(
        f"Analyzed {seen.counted:,} messages in {result.seconds:.1f} s "
        f"({rate:,.0f} messages/s, {result.workers} worker{'s' if result.workers != 1 else ''}).\n"
        f"Read {result.read:,} messages from {_where(result.headers)}: {seen.counted:,} counted; {skipped}.\n"
    )
    if seen.already_stored:
        out.write(f"{seen.already_stored:,} of them were already in the database and are counted once.\n")
    if result.failures:
        out.write(f"{len(result.failures)} file(s) could not be read to the end (see the errors below).\n")
    out.write(f"Times are in {zone.label}.\n")
    guilds: dict[int, list[ExportHeader]] = {}
    for header in result.headers:
        guilds.setdefault(header.guild_id, []).append(header)
    for guild_id, headers in guilds.items():
        names = {h.channel_id: _name(h.channel_name) for h in headers}
        server = await stats.server(guild_id, Period.ALL, now, member_count=len(seen.authors))
        overall = server.overall
        t = overall.totals
        span = "no messages"
        if seen.first and seen.last:
            span = f"{zone.when(seen.first)} → {zone.when(seen.last)}"
        out.write(f"\n{_name(headers[0].guild_name or guild_id)} · {len(names)} channel(s) · {span}\n")
        out.write(
            f"  Messages {t.messages:,} · active members {overall.active_members:,} · "
            f"replies {t.replies:,} · "
            f"reactions {t.reactions:,} · spam {t.spam:,}\n"
            f"  Sentiment {_mix(t)} · average {_avg(t)} · "
            f"busiest hour {zone.hour(overall.busiest_hour, now)}\n"
            f"  Languages {_langs(t)}\n"
        )
        out.write(
            "\n  Channel            messages  members  replies  reactions  positive neutral negative  avg"
            "   busiest\n"
        )
        for channel_id in sorted(names, key=lambda c: names[c]):
            ch = await stats.channel(guild_id, channel_id, Period.ALL, now)
            c = ch.totals
            out.write(
                f"  #{names[channel_id][:17]:<17} {c.messages:>9,} {ch.active_members:>8,} {c.replies:>8,} "
                f"{c.reactions:>10,}  {_pct(c.share(Sentiment.POSITIVE)):>8} "
                f"{_pct(c.share(Sentiment.NEUTRAL)):>7} "
                f"{_pct(c.share(Sentiment.NEGATIVE)):>8} {_avg(c):>5}   {zone.hour(ch.busiest_hour, now)}\n"
            )
        digest = await _flag_digest(storage, guild_id, set(names), top)
        out.write(
            f"\n  Flagged for review: {digest.negative:,} negative comment(s) "
            f"and {digest.spam:,} spam message(s)\n"
        )

        def line(f: Flag, width: int = 90, names: dict[int, str] = names) -> str:
            return (
                f"#{names.get(f.channel_id, f.channel_id)}  {zone.when(f.created_at)}  "
                f"{_name(seen.authors.get(f.author_id, f.author_id))}: {_quote(f.text, width)}"
            )

        if digest.topics:
            out.write("\n  What people complain about (negative feedback by topic, with an example):\n")
            ranked = sorted(digest.topics.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
            for topic, (count, f) in ranked:
                out.write(f"  {topic:<10} {count:>6,}  {line(f)}\n")
        if digest.negative:
            shown = digest.negative if show_all else len(digest.newest)
            more = "" if shown == digest.negative else f"; --all lists all {digest.negative:,}"
            out.write(f"\n  Flagged comments ({shown:,} newest first{more}):\n")
            if show_all:
                async for f in _run_flags(storage, guild_id, set(names)):
                    if f.kind is FlagKind.NEGATIVE:
                        out.write(f"  {f.topic or 'other':<10} {line(f)}\n")
            else:
                for f in digest.newest:
                    out.write(f"  {f.topic or 'other':<10} {line(f)}\n")
        if digest.spam:

            def spam_line(f: Flag) -> str:
                return f"  {line(f, 70)}{f'  ({one_line(f.reason)})' if f.reason else ''}\n"

            if show_all:
                out.write(f"\n  Spam (all {digest.spam:,}, newest first):\n")
                async for f in _run_flags(storage, guild_id, set(names)):
                    if f.kind is FlagKind.SPAM:
                        out.write(spam_line(f))
            else:
                out.write(f"\n  Spam (first {len(digest.first_spam)}):\n")
                for _, f in sorted(digest.first_spam, key=lambda e: e[0], reverse=True):
                    out.write(spam_line(f))
    out.flush()


class AnalyzeStopped(SentimeterError):
    """Ctrl-C or SIGTERM: the run stopped in order (workers and writer too). ``exit_code`` is 128 + signal."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextlib.contextmanager
def _stopped_by_signals(db_path: Path) -> Iterator[None]:
    """SIGINT and SIGTERM cancel the run: the scorers finish their chunk and stop, the writer commits what it
    holds and closes the database, then AnalyzeStopped is raised. A second signal stops at once (the workers
    and the writer follow: ``_watch_parent``)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    received: list[signal.Signals] = []

    def stop(sig: signal.Signals) -> None:
        if received:
            os._exit(128 + sig)
        received.append(sig)
        if task is not None:
            task.cancel()

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not Unix, or not the main thread
            continue
        installed.append(sig)
    try:
        yield
    except asyncio.CancelledError:
        if not received:
            raise
        sig = received[0]
        raise AnalyzeStopped(
            f"stopped by {sig.name}; what was analyzed so far is in {db_path} "
            "(run the same command again to finish: messages already stored are skipped)",
            128 + sig,
        ) from None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def analyze(
    path: Path | Sequence[Path],
    db_path: Path,
    *,
    workers: int | None,
    progress: bool,
    out: TextIO,
    top: int = TOP_FLAGS,
    zone: Zone | None = None,
    show_all: bool = False,
    err: TextIO | None = None,
    report: Path | None = None,
    timezone: str | None = None,
) -> int:
    """`sentimeter analyze <export.json | folder> ... [--database PATH] [--workers N] [--timezone TZ]
    [--all] [--report FILE]`; returns the exit code: 1 when a file could not be read (each is named on
    ``err`` in one line, after the summary of the others). ``timezone`` is the IANA name the HTML report
    uses (UTC when None); ``zone`` the printed summary's."""
    from bot.storage.sqlite import SQLiteStorage

    paths = [path] if isinstance(path, Path) else list(path)
    with _stopped_by_signals(db_path):
        async with SQLiteStorage.open(db_path) as storage:
            result = await ingest_exports(paths, storage, workers=workers, progress=progress, db_path=db_path)
    log.info("Analyzed %d messages in %.1fs into %s", result.seen.counted, result.seconds, db_path)
    async with SQLiteStorage.open(db_path) as storage:  # a fresh connection sees the writer process's work
        await write_report(storage, result, out, top=top, zone=zone, show_all=show_all)
    if report is not None:
        await _write_html_report(db_path, report, timezone, result, out)
    if not result.failures:
        return 0
    err = err or sys.stderr
    for failure in result.failures:
        err.write(f"sentimeter: {one_line(str(failure))}\n")
    err.flush()
    return 1


async def _write_html_report(
    db_path: Path, report: Path, timezone: str | None, result: RunResult, out: TextIO
) -> None:
    """The HTML report (bot/offline/report.py) of the servers in the exports, after the analysis committed."""
    from bot.offline.report import write_report as write_html_report

    await write_html_report(
        db_path,
        report,
        timezone,
        sorted({h.guild_id for h in result.headers}),
        channel_names={h.channel_id: h.channel_name for h in result.headers},
        guild_names={h.guild_id: h.guild_name for h in result.headers if h.guild_name},
        author_names=result.seen.authors,
    )
    out.write(f"\nReport written to {_name(report)}\n")
    out.flush()
