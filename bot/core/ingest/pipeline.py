"""The whole pipeline in one call, built from its two halves: the analysis (bot/core/ingest/analysis.py:
clean, score, text spam check, fingerprint; pure, may run in a worker process) and the decision
(bot/core/ingest/decision.py: exemptions, behaviour tracker, flag decision, write operation; in order).

The bot's scoring stage and `sentimeter analyze` run the halves apart (bot/core/ingest/scoring.py is the
worker protocol); ``on_message`` / ``on_edit`` / ``assess`` run both for one message at a time (tests,
`sentimeter score`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.ingest.analysis import NOT_SPAM, Analyser, FeedbackValues, raw_score
from bot.core.ingest.decision import Decider, decide_flag, is_exempt, let_through
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.scoring import Scorer, SentimentScore
from bot.core.spam import BehaviourTracker, SpamDetector, SpamVerdict
from bot.storage.models import FlagRequest, GuildConfig, MessageCreated, MessageEdited


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the pipeline concluded about one piece of content."""

    score: SentimentScore | None  # None: nothing to score (attachment/sticker-only, or only markup)
    spam: SpamVerdict
    flag: FlagRequest | None
    feedback: FeedbackValues | None = None  # probability, topic, evidence (None: exempt, blank or spam)


class Pipeline:
    """Both halves: ``analysis`` (needs the scorer and spam rules) and ``decision`` (needs the tracker)."""

    def __init__(self, scorer: Scorer, spam: SpamDetector, behaviour: BehaviourTracker | None = None) -> None:
        self.analysis = Analyser(scorer, spam)
        self.decision = Decider(behaviour)

    def assess(
        self,
        content: str,
        config: GuildConfig,
        lexicon: Mapping[str, float] | None,
        *,
        exempt: bool,
        behaviour_verdict: SpamVerdict | None = None,
    ) -> Assessment:
        """One text, without the behaviour tracker (``behaviour_verdict``: its verdict, if known), decided
        the way the bot decides it: at the server's sensitivity, with what its moderators taught."""
        score, verdict, feedback = self.analysis.analyse(content, lexicon, exempt=exempt)
        if exempt:
            return Assessment(score=score, spam=NOT_SPAM, flag=None, feedback=None)
        verdict = let_through(verdict, config.learned) or NOT_SPAM
        if not verdict.is_spam and behaviour_verdict is not None and behaviour_verdict.is_spam:
            verdict = behaviour_verdict
            feedback = None
        flag = decide_flag(
            content, feedback, verdict, config.sensitivity, learned=config.learned, score=raw_score(score)
        )
        return Assessment(score=score, spam=verdict, flag=flag, feedback=feedback)

    def on_message(
        self, msg: IncomingMessage, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageCreated:
        exempt = is_exempt(
            config, msg.channel_id, msg.parent_channel_id, msg.author_role_ids, msg.author_is_staff
        )
        score, verdict, _fp, feedback, terms = self.analysis.analyse_all(msg.content, lexicon, exempt=exempt)
        return self.decision.finish_message(
            msg, config, exempt, raw_score(score), verdict, feedback=feedback, terms=terms
        )

    def on_edit(
        self, edit: IncomingEdit, config: GuildConfig, lexicon: Mapping[str, float] | None = None
    ) -> MessageEdited:
        exempt = is_exempt(
            config, edit.channel_id, edit.parent_channel_id, edit.author_role_ids, edit.author_is_staff
        )
        score, verdict, feedback = self.analysis.analyse(edit.content, lexicon, exempt=exempt)
        return self.decision.finish_edit(edit, config, exempt, raw_score(score), verdict, feedback)
