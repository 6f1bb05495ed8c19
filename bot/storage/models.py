"""Plain data returned by and passed to the storage layer. No Discord types here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class FlagKind(StrEnum):
    NEGATIVE = "negative"  # automatic: the feedback detector says a moderator should see it
    SPAM = "spam"  # automatic: the spam detector said so
    MANUAL = "manual"  # a moderator used "Flag for review"


class FlagStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # a moderator saw it and agrees
    NOT_NEGATIVE = "not_negative"  # false positive, kept for calibration
    NOT_SPAM = "not_spam"  # spam false positive
    DELETED = "deleted"  # a moderator deleted the message through the bot
    DELETED_TIMED_OUT = "deleted_timed_out"  # deleted and the author timed out (spam)
    AUTO_DELETED = "auto_deleted"  # spam deleted automatically (spam-action = delete)
    MESSAGE_DELETED = "message_deleted"  # the message was deleted in Discord
    AUTO_RESOLVED = "auto_resolved"  # an edit made the comment no longer negative


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One counted message. Never holds the text (privacy: text is kept only on flags)."""

    guild_id: int
    channel_id: int  # where it was posted (a thread's own id for thread messages)
    message_id: int
    author_id: int
    created_at: int  # unix seconds, UTC
    reply_to_id: int | None = None  # the message this one replies to, if any
    parent_channel_id: int | None = None  # a thread's parent channel
    scored: bool = True  # False for attachment/sticker-only messages (counted, not scored)
    compound: float = 0.0
    pos: float = 0.0
    neu: float = 0.0
    neg: float = 0.0
    language: str | None = None  # "en" | "id" | "mixed" | "unknown"
    is_spam: bool = False  # spam is counted on its own and left out of the sentiment mix


@dataclass(frozen=True, slots=True)
class FlagRequest:
    """The pipeline's decision that a message needs review, carried with the write."""

    kind: FlagKind
    text: str  # the original content, shown to moderators
    reason: str | None = None  # the spam reason, or the feedback's evidence
    topic: str | None = None  # feedback: its topic (bot/core/feedback TOPICS); spam: its category


@dataclass(frozen=True, slots=True)
class MessageCreated:
    record: MessageRecord
    flag: FlagRequest | None = None
    # the comment's terms for /trends (bot/core/trends); None: not extracted (nothing is counted)
    terms: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class MessageEdited:
    """Re-scored content. `flag` is what the pipeline would flag now (None: nothing)."""

    guild_id: int
    channel_id: int
    message_id: int
    scored: bool
    compound: float
    pos: float
    neu: float
    neg: float
    language: str | None
    is_spam: bool
    flag: FlagRequest | None = None


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    guild_id: int
    channel_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class MessagesBulkDeleted:
    guild_id: int
    channel_id: int
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReactionChanged:
    guild_id: int
    channel_id: int
    message_id: int
    delta: int  # +1 added, -1 removed; with ``clear``, the count the message has now
    # the count is SET to ``delta``: all reactions removed at once (delta 0), or one emoji's removed and
    # the rest read back from Discord
    clear: bool = False


# -- campaigns (migration 0013) ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CampaignMentions:
    """The campaigns a message's text mentions, written after the message (bot/storage/_campaigns.py).
    ``replace`` (an edit): the message's other mentions end."""

    guild_id: int
    message_id: int
    campaign_ids: tuple[int, ...]
    replace: bool = False


WriteOp = (
    MessageCreated | MessageEdited | MessageDeleted | MessagesBulkDeleted | ReactionChanged | CampaignMentions
)


@dataclass(frozen=True, slots=True)
class Flag:
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    kind: FlagKind
    status: FlagStatus
    text: str | None  # None once the message is deleted (deleting in Discord deletes it here)
    compound: float | None
    reason: str | None
    created_at: int
    resolved_at: int | None = None
    resolved_by: int | None = None  # user id; None for automatic resolutions
    review_channel_id: int | None = None
    review_message_id: int | None = None
    topic: str | None = None  # feedback: its topic; spam: its category; None on older flags

    @property
    def is_open(self) -> bool:
        return self.status is FlagStatus.OPEN


@dataclass(frozen=True, slots=True)
class FlagChange:
    """What a write batch did to flags, so the bot can post or update review messages afterwards."""

    flag: Flag
    created: bool  # True: new flag to post; False: an existing flag changed status (update its post)


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    threshold: float
    review_channel_id: int | None = None
    exempt_channels: frozenset[int] = field(default_factory=frozenset)
    exempt_roles: frozenset[int] = field(default_factory=frozenset)
    language: str | None = None  # interface language fallback: "en" | "id"; None = English
    spam_action: str = (
        "review"  # "review" (post for moderators) | "delete" (auto-delete high-confidence spam)
    )
    spam_timeout_minutes: int = 60  # duration used by "Delete and time out author"
    sensitivity: str = "normal"  # the review queue's sensitivity: "low" | "normal" | "high"
    learned: LearnedAdjustment | None = None  # what the server's moderators taught (None: nothing yet)
    timezone: str = "UTC"  # IANA name; days, weekdays and charts are shown in it (bot/core/timezones.py)


class ExampleKind(StrEnum):
    FEEDBACK = "feedback"  # Acknowledge / Not negative / Delete on a feedback flag, or a hand-made flag
    SPAM = "spam"  # Not spam / Delete (and time out) on a spam flag


@dataclass(frozen=True, slots=True)
class LearningExample:
    """One moderator decision, as the adapter's numbers: never the text (word features are hashed)."""

    flag_id: int
    kind: ExampleKind
    label: bool  # feedback: a moderator wants to see it; spam: it is spam
    features: Mapping[str, float]  # bot/core/feedback/adapt.py's features ({"confidence": …} for spam)
    shipped_logit: float  # the shipped model's logit (feedback) or 0.0 (spam)
    created_at: int


@dataclass(frozen=True, slots=True)
class LearnedAdjustment:
    """A server's correction on top of the shipped models, fitted by bot/core/feedback/adapt.py from its
    moderators' decisions."""

    weights: tuple[tuple[str, float], ...]  # feature -> weight of the logit correction, sorted
    cap: float  # |correction| never exceeds this (grows slowly with the number of decisions)
    decisions: int  # how many moderator decisions it was fitted on
    spam_floor: float = 0.0  # text spam verdicts (not high-confidence) at or below this are overruled
    lookup: dict[str, float] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lookup", dict(self.weights))


# The language split of the roll-ups: a message's detected language is counted as one of these.
LANGUAGE_BUCKETS = ("en", "id", "mixed", "other")


def language_bucket(language: str | None) -> str:
    """ "en" | "id" | "mixed" as detected; anything else ("unknown", no language recorded) is "other"."""
    if language is not None and language in ("en", "id", "mixed"):
        return language
    return "other"


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over roll-up buckets for a time range.

    The language counts cover the same messages as the sentiment mix (scored and not spam), so for channel and
    server totals ``lang_en + lang_id + lang_mixed + lang_other == scored``. Member totals do not carry the
    language split (all four stay 0)."""

    messages: int = 0
    replies: int = 0
    reactions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    spam: int = 0
    compound_sum: float = 0.0
    lang_en: int = 0
    lang_id: int = 0
    lang_mixed: int = 0
    lang_other: int = 0

    @property
    def scored(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def avg_compound(self) -> float | None:
        return self.compound_sum / self.scored if self.scored else None

    def share(self, sentiment: Sentiment) -> float | None:
        """Percentage (0..100) of scored, non-spam messages with this sentiment."""
        if not self.scored:
            return None
        count = {
            Sentiment.POSITIVE: self.positive,
            Sentiment.NEUTRAL: self.neutral,
            Sentiment.NEGATIVE: self.negative,
        }[sentiment]
        return 100.0 * count / self.scored

    @property
    def languages_counted(self) -> int:
        return self.lang_en + self.lang_id + self.lang_mixed + self.lang_other

    def language_count(self, bucket: str) -> int:
        """Scored, non-spam messages in a language bucket ("en" | "id" | "mixed" | "other")."""
        counts = {"en": self.lang_en, "id": self.lang_id, "mixed": self.lang_mixed, "other": self.lang_other}
        try:
            return counts[bucket]
        except KeyError:
            raise ValueError(f"unknown language bucket {bucket!r}; one of {LANGUAGE_BUCKETS}") from None

    def language_share(self, bucket: str) -> float | None:
        """Percentage (0..100) of the scored, non-spam messages in this language bucket; None when none."""
        total = self.languages_counted
        if not total:
            return None
        return 100.0 * self.language_count(bucket) / total

    def language_split(self) -> dict[str, float] | None:
        """Every bucket's percentage, in LANGUAGE_BUCKETS order (they add up to 100); None when none."""
        total = self.languages_counted
        if not total:
            return None
        return {b: 100.0 * self.language_count(b) / total for b in LANGUAGE_BUCKETS}


@dataclass(frozen=True, slots=True)
class ChannelCount:
    channel_id: int
    messages: int


@dataclass(frozen=True, slots=True)
class FlagSummary:
    by_status: dict[FlagStatus, int]
    by_channel: list[ChannelCount]  # flags per channel, most first
    by_kind: dict[FlagKind, int]
    by_topic: dict[str, int] = field(default_factory=dict)  # negative feedback by what it is about

    @property
    def false_positive_rate(self) -> float | None:
        """Share of reviewed negative flags that moderators marked Not negative."""
        fp = self.by_status.get(FlagStatus.NOT_NEGATIVE, 0)
        reviewed = (
            fp + self.by_status.get(FlagStatus.ACKNOWLEDGED, 0) + self.by_status.get(FlagStatus.DELETED, 0)
        )
        return fp / reviewed if reviewed else None


# -- catch-up: gaps still to read and the recent window to reconcile (migration 0006) ------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """A range of a channel's history still to be read: after ``after_id``, before ``before_id`` (None: up
    to the newest message)."""

    channel_id: int
    after_id: int
    before_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """What catch-up compares with a channel's history: a stored message's id and reaction count."""

    channel_id: int
    message_id: int
    reactions: int


# -- members' data rights and retention (bot/storage/_privacy.py)
@dataclass(frozen=True, slots=True)
class ForgetResult:
    messages: int  # message rows deleted (with their contributions to the roll-ups)
    flags: int  # flags about the member deleted (with their text and learning examples)
    rows: int  # every row deleted, all tables
    # review posts of the deleted flags: (channel id, message id), for the bot to delete in Discord too
    review_posts: tuple[tuple[int, int], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class SweepResult:
    messages: int  # message rows deleted
    flag_texts: int  # flags whose text was erased


# -- the review-post outbox (migration 0005) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingPost:
    """A flag that still owes its review post (cogs/flags/_outbox.py)."""

    guild_id: int
    flag_id: int
    attempts: int  # failed sends so far
    next_at: float  # unix seconds: not retried before
    attempted_at: int | None = None  # a send whose outcome is unknown started then: a post may exist
    attempt_channel_id: int | None = None  # where that send went


# -- back-fill (migration 0009, bot/storage/_backfill.py) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackfillRange:
    """What a back-fill still has to read in one channel: after ``after_id``, before ``before_id``; it began
    after ``start_id``."""

    channel_id: int
    start_id: int
    after_id: int
    before_id: int


@dataclass(frozen=True, slots=True)
class BackfillRun:
    """A server's back-fill in progress (one at a time), with the ranges still to read."""

    guild_id: int
    started_at: int  # unix seconds
    days: int
    only_channel_id: int | None  # None: every readable channel and thread
    channels_total: int
    messages_read: int = 0
    progress_channel_id: int | None = None  # the message edited with the progress
    progress_message_id: int | None = None
    locale: str = "en"
    ranges: tuple[BackfillRange, ...] = ()

    @property
    def channels_done(self) -> int:
        return max(0, self.channels_total - len(self.ranges))


@dataclass(frozen=True, slots=True)
class TermCount:
    """One term's use for /trends: comments that used it in the period and the one before, and the sum of
    the period's comments' compound scores."""

    term: str
    count: int
    previous: int
    compound_sum: float


# -- the weekly digest's schedule (migration 0014, bot/storage/_digest.py) -----------------------------------


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """Where and when a server's weekly digest is posted, and the state of the one owed next (cogs/digest)."""

    guild_id: int
    channel_id: int
    weekday: int  # 0 = Monday .. 6 = Sunday, in the server's zone
    hour: int  # 0..23, in the server's zone
    slot: int  # unix seconds of the digest owed next
    next_at: float  # not tried before
    posted_slot: int = 0  # the last slot posted
    message_id: int | None = None  # the last digest post
    attempted_at: int | None = None  # a send of ``slot`` whose outcome is unknown started then
    attempt_channel_id: int | None = None
    attempts: int = 0
    warned: bool = False  # "cannot post in the channel" was logged for this slot


# -- campaigns (migration 0013) ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    guild_id: int
    name: str
    keywords: tuple[str, ...]  # words, phrases or links (bot/core/campaigns/matcher.py)
    starts_at: int  # unix seconds
    ends_at: int | None  # None: open-ended
    created_at: int


@dataclass(frozen=True, slots=True)
class CampaignHour:
    """A campaign's mentions in one UTC hour."""

    hour: int
    mentions: int
    positive: int
    neutral: int
    negative: int
    spam: int
    compound_sum: float  # scored, non-spam mentions


@dataclass(frozen=True, slots=True)
class ActivityHour:
    """The whole server's messages in one UTC hour (guild_hour)."""

    hour: int
    messages: int
    positive: int
    neutral: int
    negative: int
    compound_sum: float
