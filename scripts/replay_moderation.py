"""Replay: does learning from moderators cut the flood on a server without losing feedback?

Each niche of community-dev (column ``niche``) plays one server. Its shipped model is fitted by
``scripts/train_feedback.py``'s own functions on everything except that niche (the other niches and the
labelled real comments), with the ``normal`` threshold chosen on those rows' cross-validated predictions, so
the server's messages are new to it. Walking the niche's messages in file order, each is decided with the
server's adjustment as it stands (bot/core/feedback/adapt.py); a simulated moderator handles the first
``--corrections`` of them: a flag on a message that is not feedback gets **Not negative**, a flag on
feedback **Acknowledge**, missed feedback a hand-made flag, and the adjustment is refitted after each
decision as the bot does. On the rest of the niche it reports the flood (ordinary messages flagged /
ordinary messages) and the recall of feedback, with the shipped model alone ("before") and with the
adjustment ("after"). Spam rows are left out (spam is decided before feedback).

``--servers real`` plays the labelled real Indonesian comments instead (``scripts/data/feedback_labels``,
``id-judol-youtube`` dev file): its lines run video by video, so ``--real-servers`` equal ranges of lines are
that many servers of a few videos each, with a few hundred labelled comments apiece. The niches of
community-dev are small (about 25 messages left after 40 corrections); these give the adapter's settings a
larger development set, so the community-dev replay stays a held-out check.

    python scripts/replay_moderation.py [--data DIR] [--corrections 40] [--niche NAME] [--servers real]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import train_feedback as tf  # noqa: E402

from bot.core.feedback import FeedbackDetector, adapt  # noqa: E402
from bot.core.scoring import Scorer  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402
from bot.storage.models import ExampleKind, LearnedAdjustment, LearningExample  # noqa: E402


@dataclass
class Message:
    text: str
    feedback: bool
    cleaned: str
    compound: float
    neg: float


@dataclass
class Counts:
    ordinary: int = 0
    flooded: int = 0
    feedback: int = 0
    found: int = 0

    def add(self, other: Counts) -> None:
        self.ordinary += other.ordinary
        self.flooded += other.flooded
        self.feedback += other.feedback
        self.found += other.found

    @property
    def flood(self) -> float:
        return self.flooded / self.ordinary if self.ordinary else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.feedback if self.feedback else 0.0


def read_niches(data: Path) -> dict[str, list[tuple[str, bool]]]:
    """niche -> (text, is feedback) in file order, spam left out (the same reading as train_feedback)."""
    out: dict[str, list[tuple[str, bool]]] = {}
    with (data / "community-dev" / "dev.tsv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["spam"] == "1":
                continue
            out.setdefault(r["niche"], []).append((r["text"].replace("\\n", "\n"), r["feedback"] == "1"))
    return out


def read_real(data: Path, servers: int) -> dict[str, list[tuple[str, bool]]]:
    """The labelled real Indonesian comments as ``servers`` servers: equal ranges of the dev file's lines
    (which run video by video), each in line order."""
    corpus = "id-judol-youtube"
    with (data / corpus / "dev.tsv").open(encoding="utf-8", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f, delimiter="\t")]
    labelled: dict[int, bool] = {}
    for labels in sorted(tf.LABELS.glob(f"{corpus}-dev*.tsv")):
        with labels.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                labelled[int(r["line"])] = r["feedback"] == "1"
    size = -(-len(texts) // servers)
    out: dict[str, list[tuple[str, bool]]] = {}
    for line in sorted(labelled):
        start = (line - 1) // size * size + 1
        out.setdefault(f"lines {start}-{min(start + size - 1, len(texts))}", []).append(
            (texts[line - 1], labelled[line])
        )
    return out


def shipped_without(rows: list[tf.Row], held_out: set[str]) -> tuple[FeedbackDetector, float]:
    """The shipped model as train_feedback builds it, from every row whose text is not the server's, and its
    ``normal`` threshold."""
    train = [r for r in rows if r.text not in held_out]
    params = tf.Params()
    thresholds = tf.pick_thresholds(train, tf.cross_validate(train, params))
    w = tf.fit(train, params)
    bias = w.pop("bias", 0.0)
    return FeedbackDetector({"bias": bias, "thresholds": thresholds, "weights": w}), thresholds["normal"]


def decide(
    detector: FeedbackDetector, threshold: float, learned: LearnedAdjustment | None, m: Message
) -> tuple[bool, float]:
    """The bot's decision (bot/core/ingest/decision.py): flag, and the shipped probability."""
    verdict = detector.assess(m.cleaned, m.compound, m.neg)
    p, topic = verdict.probability, verdict.topic
    if learned is not None and adapt.may_change(learned, p, threshold):
        return adapt.adjusted_probability(learned, p, topic, m.cleaned, m.compound, m.neg) >= threshold, p
    return p >= threshold, p


def replay(
    detector: FeedbackDetector, threshold: float, messages: list[Message], corrections: int
) -> tuple[Counts, Counts, int]:
    """Before and after on the messages after the first ``corrections``, and how many decisions taught."""
    examples: list[LearningExample] = []
    learned: LearnedAdjustment | None = None
    before, after = Counts(), Counts()
    for i, m in enumerate(messages):
        flagged, p = decide(detector, threshold, learned, m)
        if i < corrections:
            if flagged or m.feedback:  # Not negative, Acknowledge, or a hand-made flag
                topic = detector.assess(m.cleaned, m.compound, m.neg).topic
                z = adapt.logit(p)
                x = adapt.features(m.cleaned, m.compound, m.neg, z, topic)
                examples.append(LearningExample(i, ExampleKind.FEEDBACK, m.feedback, x, z, i))
                learned = adapt.fit(examples)
            continue
        shipped = p >= threshold
        for counts, flag in ((before, shipped), (after, flagged)):
            if m.feedback:
                counts.feedback += 1
                counts.found += flag
            else:
                counts.ordinary += 1
                counts.flooded += flag
    return before, after, len(examples)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--corrections", type=int, default=40)
    ap.add_argument("--niche", action="append", help="only these servers (default: all)")
    ap.add_argument("--servers", choices=("community", "real"), default="community")
    ap.add_argument("--real-servers", type=int, default=8, help="with --servers real: how many")
    args = ap.parse_args(argv)
    scorer = Scorer()
    rows = tf.read_community(args.data)
    for labels in sorted(tf.LABELS.glob("*.tsv")):  # every label file, as train_feedback reads them
        rows += tf.read_labelled(args.data, labels.name.split("-dev")[0], labels)
    print(f"featurising {len(rows)} texts", file=sys.stderr)
    tf.featurise(rows, scorer)
    if args.servers == "community":
        niches = read_niches(args.data)
    else:
        niches = read_real(args.data, args.real_servers)
    total_before, total_after = Counts(), Counts()
    print("| server | corrections | flood before | flood after | recall before | recall after |")
    print("|---|---|---|---|---|---|")
    for niche in sorted(niches):
        if args.niche and niche not in args.niche:
            continue
        messages = []
        for text, fb in niches[niche]:
            cleaned = clean_for_scoring(text)
            score = scorer.score(cleaned) if cleaned.strip() else None
            messages.append(
                Message(text, fb, cleaned, score.compound if score else 0.0, score.neg if score else 0.0)
            )
        print(f"fitting the shipped model without {niche}", file=sys.stderr)
        detector, threshold = shipped_without(rows, {text for text, _ in niches[niche]})
        before, after, n = replay(detector, threshold, messages, args.corrections)
        total_before.add(before)
        total_after.add(after)
        print(
            f"| {niche} | {n} | {before.flooded}/{before.ordinary} ({before.flood:.1%}) |"
            f" {after.flooded}/{after.ordinary} ({after.flood:.1%}) |"
            f" {before.found}/{before.feedback} ({before.recall:.2f}) |"
            f" {after.found}/{after.feedback} ({after.recall:.2f}) |",
            flush=True,
        )
    print(
        f"| **all** | | {total_before.flooded}/{total_before.ordinary} ({total_before.flood:.1%}) |"
        f" {total_after.flooded}/{total_after.ordinary} ({total_after.flood:.1%}) |"
        f" {total_before.found}/{total_before.feedback} ({total_before.recall:.2f}) |"
        f" {total_after.found}/{total_after.feedback} ({total_after.recall:.2f}) |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
