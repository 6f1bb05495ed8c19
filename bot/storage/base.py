"""The storage interface, by concern. SQLite implements it today (bot/storage/sqlite.py); a PostgreSQL back
end can implement it later, one part at a time, each part with its own tests:

- ``WriteStore``: the write path (``apply``: messages, reactions, edits, deletions, with every roll-up);
- ``StatsStore``: statistics, answered from the roll-ups;
- ``CursorStore``: catch-up cursors after downtime;
- ``FlagStore``: flags and their review;
- ``SettingsStore``: per-server settings and lexicon;
- ``ExportStore``: the CSV exports' reads;
- ``Storage``: all of them plus ``close`` (what the bot is given).

A consumer that needs one part is typed with that part (``StatsService`` takes a ``StatsStore``,
``ConfigCache`` a ``SettingsStore``). Times are unix seconds (UTC); ranges are half-open [start, end), and
``start=None`` means "from the beginning". Every method is scoped by guild."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Sequence
from typing import Any, Protocol

from bot.core.export import DailyRow, FlagRow, TopRow
from bot.core.top import AnnouncementRow
from bot.storage.models import (
    ActivityHour,
    BackfillRun,
    Campaign,
    CampaignHour,
    ChannelCount,
    DigestSchedule,
    Flag,
    FlagChange,
    FlagKind,
    FlagStatus,
    FlagSummary,
    ForgetResult,
    Gap,
    GuildConfig,
    LearnedAdjustment,
    LearningExample,
    PendingPost,
    StoredMessage,
    SweepResult,
    TermCount,
    Totals,
    WriteOp,
)


class WriteStore(Protocol):
    """The write path: one transaction per batch."""

    async def apply(self, ops: Sequence[WriteOp]) -> list[FlagChange]:
        """Apply a batch in one transaction, keeping every roll-up exact.

        - MessageCreated: insert (a message id already stored is ignored: exactly-once under resume/catch-up),
          bump roll-ups (hour, day, per-author, per-channel-author), count a reply on the parent message,
          move the
          channel's catch-up cursor, create a flag if ``flag`` is set (returned with created=True). A
          ``parent_channel_id`` records the channel's parent (the first one seen wins; one level only: a
          parent is never recorded as a child nor the reverse); from then on the channel's figures, including
          those stored before, also count for the parent (see the statistics below).
        - Language counts (lang_en/id/mixed/other in Totals) cover scored, non-spam messages only, like the
          sentiment mix; an edit moves a message between languages.
        - MessageEdited: move the message's sentiment/spam contribution in the roll-ups; open automatic flag +
          no longer flagged -> AUTO_RESOLVED (created=False); not flagged before + flagged now -> new flag.
        - MessageDeleted / MessagesBulkDeleted: remove the message and its reactions/reply from the roll-ups;
          its open flag becomes MESSAGE_DELETED and every flag of it loses its text (created=False for open
          ones that changed). Unknown ids are ignored.
        - ReactionChanged: reactions on a stored message (never below zero); unknown messages ignored.
        """
        ...


class StatsStore(Protocol):
    """Statistics, answered from roll-ups, never by scanning messages.

    ``channel_id`` None = the whole server. A channel's figures include its threads (a forum's: its posts); a
    thread's are its own. Lists of channels (top_channels, member_top_channels) count a thread's messages
    under its parent."""

    async def totals(self, guild_id: int, channel_id: int | None, start: int | None, end: int) -> Totals: ...
    async def active_authors(
        self, guild_id: int, channel_id: int | None, start: int | None, end: int
    ) -> int: ...
    async def busiest_hour(
        self, guild_id: int, channel_id: int | None, start: int | None, end: int
    ) -> int | None:
        """Hour of day (0-23, UTC) with the most messages in the range, None when there are none."""
        ...

    async def top_channels(
        self, guild_id: int, start: int | None, end: int, limit: int
    ) -> list[ChannelCount]: ...
    async def member_totals(self, guild_id: int, author_id: int, start: int | None, end: int) -> Totals:
        """Without the language split (its language counts are 0)."""
        ...

    async def member_active_days(self, guild_id: int, author_id: int, start: int | None, end: int) -> int: ...
    async def member_top_channels(
        self, guild_id: int, author_id: int, start: int | None, end: int, limit: int
    ) -> list[ChannelCount]: ...
    async def first_message_at(self, guild_id: int) -> int | None: ...

    # -- issue 15: local time (bot/core/local_time.py) --
    async def local_buckets(
        self, guild_id: int, channel_id: int | None, segments: Sequence[tuple[int, int, int]], unit: str
    ) -> list[tuple[int, int, int, int, int, int]]:
        """The hour roll-ups in ``segments`` ((lo, hi, UTC offset) each) grouped by local ``unit``: "day"
        (key: days since 1970-01-01 in local time), "hour" (0-23), "week_hour" (Monday 00:00 = 0 .. 167) or
        "utc_hour" (the hour's own start; the offset is not used).
        Rows ``(key, messages, positive, neutral, negative, spam)`` by key; keys without messages left out.
        "hour" and "week_hour" count messages only (the other four are 0)."""
        ...

    async def member_active_local_days(
        self, guild_id: int, author_id: int, segments: Sequence[tuple[int, int, int]]
    ) -> int:
        """Local days in ``segments`` on which the member wrote (a UTC hour counts on the day it starts)."""
        ...

    async def flags_by_day_topic(
        self, guild_id: int, segments: Sequence[tuple[int, int, int]]
    ) -> list[tuple[int, str, int]]:
        """Negative-feedback flags with a topic (those ``flag_summary.by_topic`` counts) created in
        ``segments``, by local day and topic: ``(day, topic, count)`` by day then topic."""
        ...


class CursorStore(Protocol):
    """Catch-up after downtime (the cursors move with ``WriteStore.apply``)."""

    async def channel_cursors(self, guild_id: int) -> dict[int, int]:
        """channel id -> the newest message id stored for it."""
        ...

    # gaps and reconcile (bot/core/ingest/catchup.py): a gap is kept until what was read from it is committed
    async def begin_catch_up(self, guild_id: int) -> dict[int, int]:
        """``channel_cursors``, recording at once an open gap after each cursor (called when a gateway session
        starts, before its first live message can move a cursor)."""
        ...

    async def catch_up_gaps(self, guild_id: int) -> list[Gap]:
        """Every gap of the guild still to read, oldest first."""
        ...

    async def record_gap(self, guild_id: int, gap: Gap) -> None: ...
    async def narrow_gap(self, guild_id: int, gap: Gap, read_up_to: int) -> None:
        """Everything of ``gap`` up to message ``read_up_to`` is committed: keep the rest (none: closed)."""
        ...

    async def close_gap(self, guild_id: int, gap: Gap) -> None: ...
    async def recent_messages(self, guild_id: int, since_id: int, per_channel: int) -> list[StoredMessage]:
        """Per channel, the newest ``per_channel`` stored messages with an id >= ``since_id``."""
        ...


class FlagStore(Protocol):
    """Flags (created by ``WriteStore.apply`` or by hand) and their review."""

    async def get_flag(self, guild_id: int, flag_id: int) -> Flag | None: ...
    async def open_flag_for_message(self, guild_id: int, message_id: int) -> Flag | None: ...
    async def create_flag(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int,
        author_id: int,
        kind: FlagKind,
        text: str | None,
        compound: float | None,
        reason: str | None,
        created_at: int,
    ) -> Flag:
        """A hand-made flag (context menu). If the message already has an open flag, return that one."""
        ...

    async def resolve_flag(
        self, guild_id: int, flag_id: int, status: FlagStatus, resolved_by: int | None, at: int
    ) -> Flag | None:
        """Resolve an OPEN flag; returns the updated flag, or None if it is not open (someone was first)."""
        ...

    async def relabel_flag(
        self,
        guild_id: int,
        flag_id: int,
        expected: FlagStatus,
        status: FlagStatus,
        resolved_by: int | None,
        at: int,
    ) -> Flag | None:
        """Change a flag's status only if it is still ``expected`` (e.g. Undo of an automatic delete:
        AUTO_DELETED -> NOT_SPAM); None when it is not (someone was first)."""
        ...

    async def set_review_message(
        self, guild_id: int, flag_id: int, channel_id: int, message_id: int
    ) -> None: ...
    async def list_flags(
        self, guild_id: int, status: FlagStatus | None, offset: int, limit: int
    ) -> list[Flag]:
        """Newest first."""
        ...

    async def count_flags(self, guild_id: int, status: FlagStatus | None) -> int: ...
    async def flag_summary(self, guild_id: int, start: int | None, end: int) -> FlagSummary: ...
    async def false_positive_texts(self, guild_id: int, start: int | None, end: int, limit: int) -> list[str]:
        """Texts of flags marked NOT_NEGATIVE (for the lexicon suggestions in /flags summary)."""
        ...

    # -- the review-post outbox (migration 0005): flags whose review post is not confirmed yet --
    async def due_review_posts(self, now: float, limit: int) -> list[PendingPost]:
        """Pending posts due by ``now`` (every server: the outbox task's own query), soonest first."""
        ...

    async def pending_review_post(self, guild_id: int, flag_id: int) -> PendingPost | None: ...
    async def next_review_post_at(self) -> float | None:
        """When the next pending post is due; None when none is pending."""
        ...

    async def begin_review_post(
        self, guild_id: int, flag_id: int, channel_id: int, at: int, *, lease: float = 120.0
    ) -> bool:
        """Record that a send starts (not retried for ``lease`` seconds, while it may still be under way);
        False (send nothing) when the flag no longer owes a post."""
        ...

    async def postpone_review_post(
        self, guild_id: int, flag_id: int, next_at: float, *, attempted_at: int | None, channel_id: int | None
    ) -> None:
        """A failed send: one more attempt counted, not retried before ``next_at``. ``attempted_at``: when a
        send whose outcome is unknown started (None when no post can exist)."""
        ...

    async def drop_review_post(self, guild_id: int, flag_id: int) -> None:
        """Give up on a post (its flag too old, or the server has no review channel any more)."""
        ...


class SettingsStore(Protocol):
    """Per-server configuration and lexicon. The bot reads them through ``bot.core.config_cache.ConfigCache``
    and writes them through it too, so its cached copy never goes stale."""

    async def get_config(self, guild_id: int) -> GuildConfig:
        """Defaults (threshold = DEFAULT_FLAG_THRESHOLD) when the server never changed anything."""
        ...

    async def set_threshold(self, guild_id: int, threshold: float) -> GuildConfig: ...
    async def set_sensitivity(self, guild_id: int, sensitivity: str) -> GuildConfig:
        """The review queue's sensitivity ("low" | "normal" | "high"); ValueError for anything else."""
        ...

    async def set_review_channel(self, guild_id: int, channel_id: int | None) -> GuildConfig: ...
    async def set_language(self, guild_id: int, language: str | None) -> GuildConfig: ...

    async def set_timezone(self, guild_id: int, timezone: str) -> GuildConfig:
        """The server's time zone (an IANA name); ValueError for anything else."""
        ...

    async def set_spam_action(
        self, guild_id: int, action: str, timeout_minutes: int | None
    ) -> GuildConfig: ...
    async def add_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig: ...
    async def remove_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig: ...
    async def add_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig: ...
    async def remove_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig: ...

    # learning from moderators (bot/core/feedback/adapt.py); ``get_config`` carries the fitted adjustment
    async def record_example(self, guild_id: int, example: LearningExample) -> None:
        """Keep one review decision as numbers (never text); a flag's later decision replaces its earlier."""
        ...

    async def learning_examples(self, guild_id: int, limit: int) -> list[LearningExample]:
        """The server's newest ``limit`` decisions, oldest first."""
        ...

    async def set_learned(self, guild_id: int, learned: LearnedAdjustment | None) -> GuildConfig:
        """Store (None: drop) the adjustment fitted from the decisions."""
        ...

    async def reset_learning(self, guild_id: int) -> GuildConfig:
        """Forget every decision and the adjustment fitted from them."""
        ...

    # lexicon
    async def get_lexicon(self, guild_id: int) -> dict[str, float]: ...
    async def set_lexicon_word(self, guild_id: int, word: str, valence: float) -> None: ...
    async def remove_lexicon_word(self, guild_id: int, word: str) -> bool: ...


class PrivacyStore(Protocol):
    """Members' data rights, retention and server removal (bot/storage/_privacy.py, README "Privacy")."""

    async def forget_member(self, guild_id: int, user_id: int) -> ForgetResult:
        """Delete everything stored about the member in this server in one transaction: their messages with
        their contributions to every roll-up (as if each were deleted), presence rows, flags with their text
        and learning examples, any other row with their author id; flags they resolved lose their id. Their
        opt-out, if any, stays."""
        ...

    async def member_data(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything stored about the member in this server, as JSON-able data."""
        ...

    async def opted_out(self, guild_id: int) -> frozenset[int]: ...
    async def set_opt_out(self, guild_id: int, user_id: int, opted_out: bool) -> bool:
        """Returns whether it changed."""
        ...

    async def get_retention(self, guild_id: int) -> int | None:
        """Days message rows and flag text are kept; None = the default."""
        ...

    async def set_retention(self, guild_id: int, days: int) -> None: ...
    async def sweep_retention(self, default_days: int) -> SweepResult:
        """Delete message rows and erase flag text older than each server's retention (roll-ups stay)."""
        ...

    async def mark_guild_removed(self, guild_id: int) -> None:
        """The bot left the server: its grace period starts (an earlier start is kept)."""
        ...

    async def cancel_guild_removal(self, guild_id: int) -> bool: ...
    async def purge_removed_guilds(
        self, grace_days: int, present: Collection[int] = (), owned: Callable[[int], bool] | None = None
    ) -> list[int]:
        """Purge the servers removed more than ``grace_days`` ago, except those in ``present`` (the bot is
        in them again, e.g. re-added while it was offline: their removal is cancelled); returns the ids
        purged. ``owned``: only the servers it accepts (a sharded process: those of its shards)."""
        ...

    async def purge_guild(self, guild_id: int) -> int:
        """Delete every row of the server in every table; returns how many."""
        ...


class ExportStore(Protocol):
    """The CSV exports' reads (bot/storage/_export.py): rows in order, read in pages, scoped by guild."""

    def export_daily(self, guild_id: int, start: int | None, end: int) -> AsyncIterator[DailyRow]:
        """Each channel's (and thread's) own figures per UTC day, for days starting in [start, end), by day
        then channel; days without messages are left out."""
        ...

    def export_flags(self, guild_id: int, start: int | None, end: int) -> AsyncIterator[FlagRow]:
        """Flags created in [start, end), oldest first."""
        ...

    async def export_top(self, guild_id: int, start: int | None, end: int, limit: int) -> list[TopRow]:
        """Stored non-spam messages created in [start, end) with the most reactions + replies."""
        ...

    async def export_guilds(self) -> list[int]:
        """Every server with figures or flags stored (the command line picks one)."""
        ...


class BackfillStore(Protocol):
    """Back-fill runs (bot/storage/_backfill.py): one per server, resumable; the per-server limit of days."""

    async def start_backfill(self, run: BackfillRun) -> bool:
        """Record the run and its ranges; False (nothing written) when the server already has one."""
        ...

    async def backfill_run(self, guild_id: int) -> BackfillRun | None: ...
    async def backfill_guilds(self) -> list[int]:
        """The servers with a run to finish (resumed after a restart)."""
        ...

    async def advance_backfill(
        self, guild_id: int, channel_id: int, read_up_to: int, messages: int, *, done: bool
    ) -> None:
        """Call once what was read up to ``read_up_to`` is committed; ``done``: the channel is finished."""
        ...

    async def set_backfill_progress_message(
        self, guild_id: int, channel_id: int, message_id: int
    ) -> None: ...
    async def end_backfill(self, guild_id: int) -> bool: ...
    async def get_backfill_days(self, guild_id: int) -> int | None: ...
    async def set_backfill_days(self, guild_id: int, days: int) -> None: ...


class TrendStore(Protocol):
    """Per-day term counts for /trends (bot/storage/_trends.py, migration 0012)."""

    async def trends_enabled(self, guild_id: int) -> bool: ...
    async def set_trends_enabled(self, guild_id: int, enabled: bool) -> int:
        """On or off; off deletes the server's stored terms (returns how many rows)."""
        ...

    async def term_counts(
        self, guild_id: int, start_day: int, mid_day: int, end_day: int, min_count: int
    ) -> tuple[int, int, list[TermCount]]:
        """(comments counted in [start_day, mid_day), in [mid_day, end_day), the terms used at least
        ``min_count`` times in the latter with their counts in both)."""
        ...


class DigestStore(Protocol):
    """The weekly digest's schedule (bot/storage/_digest.py, migration 0014): one per server."""

    async def get_digest_schedule(self, guild_id: int) -> DigestSchedule | None: ...
    async def set_digest_schedule(
        self, guild_id: int, channel_id: int, weekday: int, hour: int, slot: int
    ) -> DigestSchedule:
        """Create or change the schedule; ``slot`` is the first one owed (unix seconds)."""
        ...

    async def delete_digest_schedule(self, guild_id: int) -> bool: ...
    async def due_digests(self, now: float, limit: int) -> list[DigestSchedule]:
        """Schedules whose ``next_at`` has come, soonest first."""
        ...

    async def next_digest_at(self) -> float | None: ...
    async def claim_digest(
        self, guild_id: int, expected: int, slot: int, channel_id: int, at: int, *, lease: float
    ) -> bool:
        """In one statement: the schedule owes ``slot`` (the newest due; was ``expected``) and a send of it
        starts at ``at`` (not retried for ``lease`` seconds). False when that slot was posted or the schedule
        changed meanwhile: then send nothing."""
        ...

    async def finish_digest(self, guild_id: int, slot: int, message_id: int | None, next_slot: int) -> bool:
        """``slot`` was posted (as ``message_id``): record it and owe ``next_slot``."""
        ...

    async def postpone_digest(
        self,
        guild_id: int,
        slot: int,
        next_at: float,
        *,
        attempted_at: int | None,
        channel_id: int | None,
        warned: bool,
    ) -> None: ...
    async def skip_digest(self, guild_id: int, slot: int, next_slot: int) -> bool:
        """Owe ``next_slot`` instead (``slot`` is not to be posted)."""
        ...


class TopStore(Protocol):
    """What works (bot/storage/_top.py): posts by the reactions and replies they drew, and staff posts' first
    24 hours. Scoped by guild; a channel includes its threads."""

    async def top_posts(
        self,
        guild_id: int,
        channel_id: int | None,
        start: int | None,
        end: int,
        by: str,
        limit: int,
        offset: int = 0,
    ) -> list[TopRow]:
        """Non-spam messages created in [start, end) that drew any of ``by`` (bot.core.top.RankBy: reactions,
        replies or engagement), best first (bot.core.top.rank_key's order), ``limit`` from ``offset``."""
        ...

    async def announcement_posts(
        self,
        guild_id: int,
        channel_id: int,
        author_ids: Collection[int],
        start: int | None,
        end: int,
        limit: int,
    ) -> list[AnnouncementRow]:
        """The newest ``limit`` posts (not replies, not spam) by ``author_ids`` in the channel created in
        [start, end), with their reactions and replies in their first 24 hours."""
        ...

    async def post_authors(
        self, guild_id: int, channel_id: int, start: int | None, end: int, limit: int
    ) -> list[int]:
        """Who posted (not replies, not spam) in the channel in [start, end), most posts first."""


class CampaignStore(Protocol):
    """Campaigns (migration 0013, bot/storage/_campaigns.py): per server, their mentions per UTC hour and the
    members who mentioned them (kept while the messages are)."""

    async def add_campaign(
        self, guild_id: int, name: str, keywords: Sequence[str], starts_at: int, ends_at: int | None
    ) -> Campaign:
        """Raises CampaignExistsError (name taken) or CampaignLimitError (MAX_CAMPAIGNS already)."""
        ...

    async def remove_campaign(self, guild_id: int, name: str) -> bool: ...
    async def end_campaign(self, guild_id: int, name: str, ends_at: int) -> Campaign | None:
        """Set its end (not before its start); None when there is no campaign of that name."""
        ...

    async def list_campaigns(self, guild_id: int) -> list[Campaign]: ...
    async def get_campaign(self, guild_id: int, name: str) -> Campaign | None: ...
    async def campaign_hours(
        self, guild_id: int, campaign_id: int, start: int, end: int
    ) -> list[CampaignHour]:
        """Hours with mentions in [start, end), oldest first."""
        ...

    async def campaign_members(
        self, guild_id: int, campaign_id: int, start: int, end: int
    ) -> tuple[list[tuple[int, int]], int]:
        """(hour, author) pairs with mentions in [start, end) and the number of distinct authors."""
        ...

    async def activity_hours(self, guild_id: int, start: int, end: int) -> list[ActivityHour]:
        """The whole server's messages per UTC hour in [start, end) (hours with messages only)."""
        ...


class Storage(
    CampaignStore,
    WriteStore,
    StatsStore,
    CursorStore,
    FlagStore,
    SettingsStore,
    PrivacyStore,
    ExportStore,
    BackfillStore,
    TrendStore,
    DigestStore,
    TopStore,
    Protocol,
):
    """Everything the bot stores (each part above), plus the life cycle."""

    async def close(self) -> None: ...
