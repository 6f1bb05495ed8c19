"""Clean → score → spam check → flag decision. Pure and synchronous: the bot, `sentimeter analyze` and the
benchmarks all run messages through this one class.

The work is split in two halves so the bot can run the costly one elsewhere:

- ``analyse`` (clean, score, text spam check) depends only on the text, the server's lexicon and whether the
  author/channel is exempt: it can run in a worker process (bot/core/ingest/scoring.py);
- ``finish_message`` / ``finish_edit`` (the behaviour tracker, which needs the messages in order, the flag
  decision and the write operation) run where the events are ordered.

``on_message`` / ``on_edit`` do both halves in one call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.scoring import Scorer, SentimentScore
from bot.core.spam import BehaviourTracker, SpamDetector, SpamVerdict
from bot.core.spam import behaviour as _behaviour
from bot.core.spam.behaviour import UNSET, _Unset
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    GuildConfig,
    MessageCreated,
    MessageEdited,
    MessageRecord,
)

_NOT_SPAM = SpamVerdict(is_spam=False, confidence=0.0, reason=None, high_confidence=False)

# A score as plain values (compound, pos, neu, neg, language): cheap to send between processes.
RawScore = tuple[float, float, float, float, str]


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the pipeline concluded about one piece of content."""

    score: SentimentScore | None  # None: nothing to score (attachment/sticker-only, or only markup)
    spam: SpamVerdict
    flag: FlagRequest | None


def raw_score(score: SentimentScore | None) -> RawScore | None:
    if score is None:
        return None
    return (score.compound, score.pos, score.neu, score.neg, score.language)


def decide_flag(
    content: str, compound: float | None, verdict: SpamVerdict | None, threshold: float
) -> FlagRequest | None:
    """Spam first; otherwise negative when the compound is at or below the server's threshold."""
    if verdict is not None and verdict.is_spam:
        return FlagRequest(kind=FlagKind.SPAM, text=content, reason=verdict.reason)
    if compound is not None and compound <= threshold:
        return FlagRequest(kind=FlagKind.NEGATIVE, text=content, reason=None)
    return None


class Pipeline:
    def __init__(self, scorer: Scorer, spam: SpamDetector, behaviour: BehaviourTracker | None = None) -> None:
        self.scorer = scorer
        self.spam = spam
        self.behaviour = behaviour

    # -- the text half (may run in a worker process) -------------------------------------------------------
    def analyse(
        self, content: str, lexicon: Mapping[str, float] | None, *, exempt: bool
    ) -> tuple[SentimentScore | None, SpamVerdict]:
        """Score the cleaned text and (unless exempt) check the raw text for spam."""
        cleaned = clean_for_scoring(content) if content else ""
        score = self.scorer.score(cleaned, overrides=lexicon or None) if cleaned.strip() else None
        if exempt or not content.strip():
            return score, _NOT_SPAM
        return score, self.spam.check_text(content)

    def analyse_with_fingerprint(
        self, content: str, lexicon: Mapping[str, float] | None, *, exempt: bool
    ) -> tuple[SentimentScore | None, SpamVerdict, int | None]:
        """:meth:`analyse` plus the text's behaviour fingerprint (None when exempt or blank), reusing the spam
        check's normalisation of the text (what a scoring worker sends the bot process)."""
        cleaned = clean_for_scoring(content) if content else ""
        score = self.scorer.score(cleaned, overrides=lexicon or None) if cleaned.strip() else None
        if exempt or not content.strip():
            return score, _NOT_SPAM, None
        verdict, norm = self.spam.check_text_with_normalized(content)
        if norm is None:
            return score, verdict, _behaviour.fingerprint(content)
        return score, verdict, _behaviour.fingerprint_normalized(norm)

    def assess(
        self,
        content: str,
        config: GuildConfig,
        lexicon: Mapping[str, float] | None,
        *,
        exempt: bool,
        behaviour_verdict: SpamVerdict | None = None,
    ) -> Assessment:
        score, verdict = self.analyse(content, lexicon, exempt=exempt)
        if exempt:
            return Assessment(score=score, spam=_NOT_SPAM, flag=None)
        if not verdict.is_spam and behaviour_verdict is not None and behaviour_verdict.is_spam:
            verdict = behaviour_verdict
        flag = decide_flag(content, score.compound if score else None, verdict, config.threshold)
        return Assessment(score=score, spam=verdict, flag=flag)

    @staticmethod
    def is_exempt(
        config: GuildConfig,
        channel_id: int,
        parent_channel_id: int | None,
        role_ids: frozenset[int],
        staff: bool = False,
    ) -> bool:
        """Exempt channels (and their threads), exempt roles, and the server's own staff are never flagged."""
        if staff or channel_id in config.exempt_channels:
            return True
        if parent_channel_id is not None and parent_channel_id in config.exempt_channels:
            return True
        return not config.exempt_roles.isdisjoint(role_ids)

    # -- the ordered half ----------------------------------------------------------------------------------
    def finish_message(
        self,
        msg: IncomingMessage,
        config: GuildConfig,
        exempt: bool,
        score: RawScore | None,
        verdict: SpamVerdict | None,
        fingerprint: int | _Unset | None = UNSET,
    ) -> MessageCreated:
        """The write for a message whose text was analysed (``verdict`` None: not spam). Runs the behaviour
        tracker, so it must be called in the order the messages came in (``fingerprint``: the text's
        behaviour fingerprint when a scoring worker already computed it)."""
        flag: FlagRequest | None = None
        is_spam = False
        if not exempt:
            content = msg.content
            if self.behaviour is not None and content.strip():
                behaviour_verdict = self.behaviour.observe(
                    guild_id=msg.guild_id,
                    channel_id=msg.channel_id,
                    author_id=msg.author_id,
                    content=content,
                    created_at=msg.created_at,
                    account_created_at=msg.author_created_at,
                    precomputed=fingerprint,
                )
                if (
                    behaviour_verdict is not None
                    and behaviour_verdict.is_spam
                    and (verdict is None or not verdict.is_spam)
                ):
                    verdict = behaviour_verdict
            is_spam = verdict is not None and verdict.is_spam
            flag = decide_flag(content, score[0] if score else None, verdict, config.threshold)
        compound, pos, neu, neg, language = score if score is not None else (0.0, 0.0, 0.0, 0.0, None)
        record = MessageRecord(
            guild_id=msg.guild_id,
            channel_id=msg.channel_id,
            message_id=msg.message_id,
            author_id=msg.author_id,
            created_at=int(msg.created_at),
            reply_to_id=msg.reply_to_id,
            parent_channel_id=msg.parent_channel_id,
            scored=score is not None,
            compound=compound,
            pos=pos,
            neu=neu,
            neg=neg,
            language=language,
            is_spam=is_spam,
        )
        return MessageCreated(record=record, flag=flag)

    def finish_edit(
        self,
        edit: IncomingEdit,
        config: GuildConfig,
        exempt: bool,
        score: RawScore | None,
        verdict: SpamVerdict | None,
    ) -> MessageEdited:
        flag: FlagRequest | None = None
        is_spam = False
        if not exempt:
            is_spam = verdict is not None and verdict.is_spam
            flag = decide_flag(edit.content, score[0] if score else None, verdict, config.threshold)
        compound, pos, neu, neg, language = score if score is not None else (0.0, 0.0, 0.0, 0.0, None)
        return MessageEdited(
            guild_id=edit.guild_id,
            channel_id=edit.channel_id,
            message_id=edit.message_id,
            scored=score is not None,
            compound=compound,
            pos=pos,
            neu=neu,
            neg=neg,
            language=language,
            is_spam=is_spam,
            flag=flag,
        )

    # -- both halves in one call -------------------------------------------------------------------------
    def on_message(
        self, msg: IncomingMessage, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageCreated:
        exempt = self.is_exempt(
            config, msg.channel_id, msg.parent_channel_id, msg.author_role_ids, msg.author_is_staff
        )
        score, verdict = self.analyse(msg.content, lexicon, exempt=exempt)
        return self.finish_message(msg, config, exempt, raw_score(score), verdict)

    def on_edit(
        self, edit: IncomingEdit, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageEdited:
        exempt = self.is_exempt(
            config, edit.channel_id, edit.parent_channel_id, edit.author_role_ids, edit.author_is_staff
        )
        score, verdict = self.analyse(edit.content, lexicon, exempt=exempt)
        return self.finish_edit(edit, config, exempt, raw_score(score), verdict)
