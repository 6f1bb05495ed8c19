"""The decision half of the pipeline: exemptions, the behaviour tracker, the review/flag decision and the
write operation.

It runs where the events are ordered (the bot's scoring stage emitter; `sentimeter analyze`'s writer), on
what the analysis half (bot/core/ingest/analysis.py) concluded about the text, as plain values: the raw
score, the spam verdict (None: not spam) and the behaviour fingerprint. It needs no lexicons or spam rules,
only the behaviour tracker's state, and the server's adjustment learned from its moderators
(``GuildConfig.learned``, bot/core/feedback/adapt.py)."""

from __future__ import annotations

from bot.core.feedback import adapt
from bot.core.feedback.sensitivity import threshold_for
from bot.core.ingest.analysis import FeedbackValues, RawScore, Terms, split_terms
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.spam import BehaviourTracker, SpamVerdict
from bot.core.spam.behaviour import UNSET, _Unset
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    GuildConfig,
    LearnedAdjustment,
    MessageCreated,
    MessageEdited,
    MessageRecord,
)


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


def decide_flag(
    content: str,
    feedback: FeedbackValues | None,
    verdict: SpamVerdict | None,
    sensitivity: str,
    *,
    learned: LearnedAdjustment | None = None,
    score: RawScore | None = None,
) -> FlagRequest | None:
    """Spam first; otherwise negative feedback when the feedback model's probability, corrected by what the
    server's moderators taught (``learned``; the text's features are worked out again only when the
    correction could cross the threshold), reaches the server's sensitivity threshold. The flag carries the
    topic and the evidence (the words that made it feedback)."""
    if verdict is not None and verdict.is_spam:
        return FlagRequest(
            kind=FlagKind.SPAM, text=content, reason=verdict.reason, topic=verdict.category or None
        )
    if feedback is None:
        return None
    p, topic, evidence = feedback
    threshold = threshold_for(sensitivity)
    if learned is not None and score is not None and adapt.may_change(learned, p, threshold):
        p = adapt.adjusted_probability(learned, p, topic, clean_for_scoring(content), score[0], score[3])
    if p >= threshold:
        reason = ", ".join(f"“{phrase}”" for phrase in evidence) or None
        return FlagRequest(kind=FlagKind.NEGATIVE, text=content, reason=reason, topic=topic)
    return None


def let_through(verdict: SpamVerdict | None, learned: LearnedAdjustment | None) -> SpamVerdict | None:
    """The text spam verdict, or None when the server's moderators have taught that such verdicts are not
    spam (never a high-confidence one; see adapt.spam_overruled)."""
    if (
        verdict is not None
        and verdict.is_spam
        and adapt.spam_overruled(learned, verdict.confidence, verdict.high_confidence)
    ):
        return None
    return verdict


class Decider:
    """The ordered half. ``behaviour`` None: no behaviour signals (text spam only)."""

    def __init__(self, behaviour: BehaviourTracker | None = None) -> None:
        self.behaviour = behaviour

    def finish_message(
        self,
        msg: IncomingMessage,
        config: GuildConfig,
        exempt: bool,
        score: RawScore | None,
        verdict: SpamVerdict | None,
        fingerprint: int | _Unset | None = UNSET,
        feedback: FeedbackValues | None = None,
        terms: Terms | None = None,
    ) -> MessageCreated:
        """The write for a message whose text was analysed (``verdict`` None: not spam). Runs the behaviour
        tracker, so it must be called in the order the messages came in (``fingerprint``: the text's
        behaviour fingerprint when the analysis already computed it; ``terms``: its terms for /trends, which
        storage counts unless it is spam)."""
        flag: FlagRequest | None = None
        is_spam = False
        if not exempt:
            content = msg.content
            verdict = let_through(verdict, config.learned)
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
            flag = decide_flag(
                content, feedback, verdict, config.sensitivity, learned=config.learned, score=score
            )
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
        return MessageCreated(record=record, flag=flag, terms=None if terms is None else split_terms(terms))

    def finish_edit(
        self,
        edit: IncomingEdit,
        config: GuildConfig,
        exempt: bool,
        score: RawScore | None,
        verdict: SpamVerdict | None,
        feedback: FeedbackValues | None = None,
    ) -> MessageEdited:
        """The write for a re-scored edit (edits do not feed the behaviour tracker)."""
        flag: FlagRequest | None = None
        is_spam = False
        if not exempt:
            verdict = let_through(verdict, config.learned)
            is_spam = verdict is not None and verdict.is_spam
            flag = decide_flag(
                edit.content, feedback, verdict, config.sensitivity, learned=config.learned, score=score
            )
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
