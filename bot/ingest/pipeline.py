"""Clean → score → spam check → flag decision. Pure and synchronous: the bot, `sentimeter analyze` and the
benchmarks all run messages through this one class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.ingest.models import IncomingEdit, IncomingMessage
from bot.scoring import Scorer, SentimentScore
from bot.spam import BehaviourTracker, SpamDetector, SpamVerdict
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    GuildConfig,
    MessageCreated,
    MessageEdited,
    MessageRecord,
)
from bot.text.clean import clean_for_scoring

_NOT_SPAM = SpamVerdict(is_spam=False, confidence=0.0, reason=None, high_confidence=False)


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the pipeline concluded about one piece of content."""

    score: SentimentScore | None  # None: nothing to score (attachment/sticker-only, or only markup)
    spam: SpamVerdict
    flag: FlagRequest | None


class Pipeline:
    def __init__(self, scorer: Scorer, spam: SpamDetector, behaviour: BehaviourTracker | None = None) -> None:
        self.scorer = scorer
        self.spam = spam
        self.behaviour = behaviour

    def assess(
        self,
        content: str,
        config: GuildConfig,
        lexicon: Mapping[str, float] | None,
        *,
        exempt: bool,
        behaviour_verdict: SpamVerdict | None = None,
    ) -> Assessment:
        cleaned = clean_for_scoring(content) if content else ""
        score = self.scorer.score(cleaned, overrides=lexicon or None) if cleaned.strip() else None
        if exempt:
            return Assessment(score=score, spam=_NOT_SPAM, flag=None)
        verdict = self.spam.check_text(content) if content.strip() else _NOT_SPAM
        if not verdict.is_spam and behaviour_verdict is not None and behaviour_verdict.is_spam:
            verdict = behaviour_verdict
        flag: FlagRequest | None = None
        if verdict.is_spam:
            flag = FlagRequest(kind=FlagKind.SPAM, text=content, reason=verdict.reason)
        elif score is not None and score.compound <= config.threshold:
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text=content, reason=None)
        return Assessment(score=score, spam=verdict, flag=flag)

    @staticmethod
    def is_exempt(
        config: GuildConfig, channel_id: int, parent_channel_id: int | None, role_ids: frozenset[int]
    ) -> bool:
        if channel_id in config.exempt_channels:
            return True
        if parent_channel_id is not None and parent_channel_id in config.exempt_channels:
            return True
        return not config.exempt_roles.isdisjoint(role_ids)

    def on_message(
        self, msg: IncomingMessage, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageCreated:
        exempt = self.is_exempt(config, msg.channel_id, msg.parent_channel_id, msg.author_role_ids)
        behaviour_verdict = None
        if self.behaviour is not None and not exempt and msg.content.strip():
            behaviour_verdict = self.behaviour.observe(
                guild_id=msg.guild_id,
                channel_id=msg.channel_id,
                author_id=msg.author_id,
                content=msg.content,
                created_at=msg.created_at,
                account_created_at=msg.author_created_at,
            )
        result = self.assess(msg.content, config, lexicon, exempt=exempt, behaviour_verdict=behaviour_verdict)
        score = result.score
        record = MessageRecord(
            guild_id=msg.guild_id,
            channel_id=msg.channel_id,
            message_id=msg.message_id,
            author_id=msg.author_id,
            created_at=int(msg.created_at),
            reply_to_id=msg.reply_to_id,
            parent_channel_id=msg.parent_channel_id,
            scored=score is not None,
            compound=score.compound if score else 0.0,
            pos=score.pos if score else 0.0,
            neu=score.neu if score else 0.0,
            neg=score.neg if score else 0.0,
            language=score.language if score else None,
            is_spam=result.spam.is_spam,
        )
        return MessageCreated(record=record, flag=result.flag)

    def on_edit(
        self, edit: IncomingEdit, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageEdited:
        exempt = self.is_exempt(config, edit.channel_id, edit.parent_channel_id, edit.author_role_ids)
        result = self.assess(edit.content, config, lexicon, exempt=exempt)
        score = result.score
        return MessageEdited(
            guild_id=edit.guild_id,
            channel_id=edit.channel_id,
            message_id=edit.message_id,
            scored=score is not None,
            compound=score.compound if score else 0.0,
            pos=score.pos if score else 0.0,
            neu=score.neu if score else 0.0,
            neg=score.neg if score else 0.0,
            language=score.language if score else None,
            is_spam=result.spam.is_spam,
            flag=result.flag,
        )
