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
    n = len(ws)
    for i in range(n):
        gram = ws[i]
        k = 0
        while True:
            tags = INDEX.get(gram)
            if tags:
                _record(found, tags, gram, ws, i, k)
            k += 1
            if k >= MAX_PHRASE or i + k >= n or gram not in PREFIXES:
                break
            gram = gram + " " + ws[i + k]
    return found


def _record(found: Matches, tags: tuple[str, ...], gram: str, ws: list[str], i: int, k: int) -> None:
    for tag in tags:
        if tag.startswith(_TOPIC_TAG):
            found.topic_hits.setdefault(tag[len(_TOPIC_TAG) :], []).append(gram)
            continue
        found.hits.setdefault(tag, []).append(gram)
        if (
            k == 0
            and tag in ("praise", "hype")
            and i > 0
            and (ws[i - 1] in NEGATORS or (i > 1 and ws[i - 2] in NEGATORS))
        ):
            phrase = " ".join(ws[max(0, i - 2) : i + 1])
            if not found.negated_praise or found.negated_praise[-1] != phrase:  # praise and hype both
                found.negated_praise.append(phrase)


def cue_features(found: Matches, compound: float, neg: float) -> dict[str, float]:
    """The model's inputs apart from words: cue families present, VADER's negativity and positivity, and
    the combinations that make a remark feedback (a complaint *about* something, negativity aimed at the
    creator)."""
    h = found.hits
    has = {family: family in h for family in FAMILIES}
    negative = compound <= -0.05
    topic = bool(found.topic_hits)
    specific = any(t != "content" for t in found.topic_hits)
    complaint = has["complaint"] or bool(found.negated_praise)
    target = has["target"]
    question = "?" in found.words
    x: dict[str, float] = {
        "bias": 1.0,
        "cneg": max(0.0, -compound),
        "cpos": max(0.0, compound),
        "vneg": neg,
        "q": float(question),
        "topic": float(topic),
        "topic_spec": float(specific),
        "negpraise": float(bool(found.negated_praise)),
        "len": min(math.log1p(len(found.words)) / 4, 1.5),
    }
    for family in FAMILIES:
        if has[family]:
            x["f_" + family] = 1.0
    pairs = {
        "tgt_comp": target and complaint,
        "tgt_neg": target and negative,
        "top_comp": topic and complaint,
        "top_neg": topic and negative,
        "spec_comp": specific and complaint,
        "persist_top": has["persist"] and topic,
        "sarc_top": has["sarcasm"] and topic,
        "ins_tgt": has["insult"] and target,
        "pers_neg": has["personal"] and negative and not target,
        "game_neg": has["gameplay"] and negative,
        "hype_neg": has["hype"] and negative,
        "ask_nocomp": has["asking"] and question and not complaint,
        "third_neg": has["third"] and negative,
        "contest_tgt": has["contest"] and (target or topic),
    }
    for name, on in pairs.items():
        if on:
            x[name] = 1.0
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
