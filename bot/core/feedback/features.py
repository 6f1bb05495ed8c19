"""Text → words → cue matches → the model's named feature values.

Linear in the text: the text is cut to ``MAX_CHARS``, split once, and every word is looked up at most
``MAX_PHRASE`` times in one dictionary (``INDEX``, built once from ``cues``), extending a phrase only while it
is the prefix of some entry."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from bot.core.feedback import cues

MAX_CHARS = 2000
MAX_WORDS = 300
MAX_PHRASE = 4
TOPICS: tuple[str, ...] = (*cues.TOPIC_WORDS, "toxicity")

_REPEAT = re.compile(r"(.)\1\1+")  # "sooo" -> "so", "!!!" -> "!", "😭😭😭" -> "😭"
_REDUP = re.compile(r"^([a-z]{2,})2$")
_EMOJI = r"[\U0001F300-\U0001FAFF\u2600-\u27BF]"
_TOKEN = re.compile(r"[\w']+(?:[-/²][\w']+)*²?|" + _EMOJI + r"|[?!]")
_EMOJI_RE = re.compile(_EMOJI)
_SPLIT = re.compile(r"[-²]")


def words(text: str) -> list[str]:
    """Lower-cased words, emoji and ``?``/``!`` of ``text``, with any character repeated three or more times
    written once ("sooo" → "so"), "lagi2"/"lagi²"/"itu-itu" → two words, at most ``MAX_WORDS``."""
    text = _REPEAT.sub(r"\1", text[:MAX_CHARS].lower().replace("’", "'"))
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if "-" in tok or "²" in tok:
            parts = [p for p in _SPLIT.split(tok) if p]
            if tok.endswith("²") and parts:
                parts.append(parts[-1])
            out.extend(parts)
        elif tok[-1] == "2" and (m := _REDUP.match(tok)) is not None:
            out.extend((m.group(1), m.group(1)))
        else:
            out.append(tok)
        if len(out) >= MAX_WORDS:
            break
    return out[:MAX_WORDS]


def _norm(entry: str) -> str:
    return entry if _EMOJI_RE.fullmatch(entry) else " ".join(words(entry))


FAMILY_LISTS: dict[str, tuple[str, ...]] = {
    "insult": cues.INSULTS,
    "complaint": cues.COMPLAINT,
    "persist": cues.PERSIST,
    "sarcasm": cues.SARCASM,
    "hype": cues.HYPE,
    "gameplay": cues.GAMEPLAY,
    "third": cues.THIRD_PARTY,
    "personal": cues.PERSONAL,
    "target": cues.TARGET,
    "asking": cues.ASKING,
    "praise": cues.PRAISE,
    "contest": cues.CONTEST,
}
FAMILIES: tuple[str, ...] = tuple(FAMILY_LISTS)
_TOPIC_TAG = "topic:"


def _build_index() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    index: dict[str, tuple[str, ...]] = {}
    prefixes: set[str] = set()

    def add(entry: str, tag: str) -> None:
        key = _norm(entry)
        if not key or tag in index.get(key, ()):
            return
        index[key] = (*index.get(key, ()), tag)
        parts = key.split(" ")
        prefixes.update(" ".join(parts[:k]) for k in range(1, len(parts)))

    for family, entries in FAMILY_LISTS.items():
        for entry in entries:
            add(entry, family)
    for topic, entries in cues.TOPIC_WORDS.items():
        for entry in entries:
            add(entry, _TOPIC_TAG + topic)
    return index, frozenset(prefixes)


INDEX, PREFIXES = _build_index()
NEGATORS = frozenset(_norm(n) for n in cues.NEGATORS)
# per phrase: (families, topics), split once so matching does no string work per hit
_SPLIT_INDEX: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    key: (
        tuple(t for t in tags if not t.startswith(_TOPIC_TAG)),
        tuple(t[len(_TOPIC_TAG) :] for t in tags if t.startswith(_TOPIC_TAG)),
    )
    for key, tags in INDEX.items()
}
_PRAISING = frozenset({"praise", "hype"})


@dataclass(slots=True)
class Matches:
    """What the cue lists found in one text."""

    words: list[str]
    hits: dict[str, list[str]] = field(default_factory=dict)  # family -> matched phrases, in order
    topic_hits: dict[str, list[str]] = field(default_factory=dict)  # topic -> matched phrases
    negated_praise: list[str] = field(default_factory=list)  # "ga lucu", "not funny"


def match(text: str) -> Matches:
    ws = words(text)
    found = Matches(ws)
    hits = found.hits
    topic_hits = found.topic_hits
    index = _SPLIT_INDEX
    prefixes = PREFIXES
    n = len(ws)
    for i in range(n):
        gram = ws[i]
        k = 0
        while True:
            tags = index.get(gram)
            if tags is not None:
                families, topics = tags
                for family in families:
                    if family in hits:
                        hits[family].append(gram)
                    else:
                        hits[family] = [gram]
                for topic in topics:
                    if topic in topic_hits:
                        topic_hits[topic].append(gram)
                    else:
                        topic_hits[topic] = [gram]
                if k == 0 and i > 0 and not _PRAISING.isdisjoint(families):
                    _negated(found, ws, i)
            k += 1
            if k >= MAX_PHRASE or i + k >= n or gram not in prefixes:
                break
            gram = gram + " " + ws[i + k]
    return found


def _negated(found: Matches, ws: list[str], i: int) -> None:
    """Praise right after a negator ("ga lucu", "not funny", "teu rame") is a complaint."""
    if ws[i - 1] in NEGATORS or (i > 1 and ws[i - 2] in NEGATORS):
        phrase = " ".join(ws[max(0, i - 2) : i + 1])
        if not found.negated_praise or found.negated_praise[-1] != phrase:
            found.negated_praise.append(phrase)


_FAMILY_FEATURE = {family: "f_" + family for family in FAMILIES}


def cue_features(found: Matches, compound: float, neg: float) -> dict[str, float]:
    """The model's inputs apart from words: cue families present, VADER's negativity and positivity, and
    the combinations that make a remark feedback (a complaint *about* something, negativity aimed at the
    creator)."""
    h = found.hits
    negative = compound <= -0.05
    topic_hits = found.topic_hits
    topic = bool(topic_hits)
    specific = topic and (len(topic_hits) > 1 or "content" not in topic_hits)
    negated = bool(found.negated_praise)
    complaint = "complaint" in h or negated
    target = "target" in h
    question = "?" in found.words
    x: dict[str, float] = {
        "bias": 1.0,
        "cneg": max(0.0, -compound),
        "cpos": max(0.0, compound),
        "vneg": neg,
        "q": float(question),
        "topic": float(topic),
        "topic_spec": float(specific),
        "negpraise": float(negated),
        "len": min(math.log1p(len(found.words)) / 4, 1.5),
    }
    for family in h:
        x[_FAMILY_FEATURE[family]] = 1.0
    if target:
        if complaint:
            x["tgt_comp"] = 1.0
        if negative:
            x["tgt_neg"] = 1.0
        if "insult" in h:
            x["ins_tgt"] = 1.0
    if topic:
        if complaint:
            x["top_comp"] = 1.0
        if negative:
            x["top_neg"] = 1.0
        if "persist" in h:
            x["persist_top"] = 1.0
        if "sarcasm" in h:
            x["sarc_top"] = 1.0
    if specific and complaint:
        x["spec_comp"] = 1.0
    if negative:
        if "personal" in h and not target:
            x["pers_neg"] = 1.0
        if "gameplay" in h:
            x["game_neg"] = 1.0
        if "hype" in h:
            x["hype_neg"] = 1.0
        if "third" in h:
            x["third_neg"] = 1.0
    if question and "asking" in h and not complaint:
        x["ask_nocomp"] = 1.0
    if "contest" in h and (target or topic):
        x["contest_tgt"] = 1.0
    return x


def plain_words(found: Matches) -> list[str]:
    return [w for w in found.words if w != "?" and w != "!"]


def features(found: Matches, compound: float, neg: float) -> dict[str, float]:
    """:func:`cue_features` plus the words and word pairs as ``w=``/``b=`` features (what the trainer
    sees; the detector sums their weights directly)."""
    x = cue_features(found, compound, neg)
    plain = plain_words(found)
    for w in plain:
        x["w=" + w] = 1.0
    for a, b in itertools.pairwise(plain):
        x["b=" + a + " " + b] = 1.0
    return x
