"""Text → words → cue matches → the model's named feature values, and the same knowledge compiled for the
detector's one-pass scan.

Linear in the text: the text is cut to ``MAX_CHARS``, lower-cased, its punctuation turned into spaces by one
``str.translate`` and split once (at most ``MAX_WORDS`` words); phrases are followed word by word in a trie,
at most ``MAX_PHRASE`` words deep. :func:`features` (what the trainer sees) and :func:`compile_lexicon` +
:func:`scan` (what the detector runs) read the same words and the same lists; a test proves they give the
same probability."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.feedback import cues
from bot.core.text.bounds import cap_mark_runs

MAX_CHARS = 2000
MAX_WORDS = 300
MAX_PHRASE = 4
TOPICS: tuple[str, ...] = (*cues.TOPIC_WORDS, "toxicity")
PUNCT = frozenset({"?", "!"})

_REPEAT = re.compile(r"(.)\1\1+")  # "sooo" -> "so", "gariiing" -> "garing"
_REDUP = re.compile(r"([a-z]{2,})2")  # "lagi2" (and "lagi²") -> "lagi lagi"
# laughter in any spelling -> one word: "wkwkwk", "wkkwwk", "awokawok" -> "wkwk"; "hahah", "hehe" -> "haha"
_WK = re.compile(r"a?w[wk]*k[wk]*|(?:awok|wokwok)\w*|(?:k+w+)+k*")
_HA = re.compile(r"a?(?:h+[aei]){2,}h*")


def _build_table() -> dict[int, str]:
    """Punctuation and symbols → space; ``?``, ``!`` and emoji → words of their own; ``’`` → ``'``,
    ``²`` → ``2``. Letters, digits, ``_`` and ``'`` stay (other rare symbols stay too)."""
    table: dict[int, str] = {}
    ranges = (
        range(0x00, 0x100), range(0x2000, 0x2070), range(0x2190, 0x2800), range(0x2900, 0x2C00),
        range(0x3000, 0x3040), range(0xFE00, 0xFE70), range(0xFF00, 0xFF66), range(0x1F000, 0x1FB00),
    )  # fmt: skip
    for cp in itertools.chain(*ranges):
        ch = chr(cp)
        if ch.isalnum() or ch in "_'":
            continue
        emoji = 0x2600 <= cp < 0x27C0 or (0x1F300 <= cp < 0x1FB00 and not 0x1F3FB <= cp <= 0x1F3FF)
        table[cp] = f" {ch} " if emoji else " "
    table.update({ord("?"): " ? ", ord("!"): " ! ", ord("’"): "'", ord("²"): "2"})
    table.update({ord(c): " " for c in "\u200d\u200b\u00ad\ufeff"})
    return table


_TABLE = _build_table()


def _fix(tok: str) -> tuple[str, ...]:
    """A split token in its normal form: surrounding quotes dropped, "lagi2" as two words."""
    if tok[0] == "'" or tok[-1] == "'":
        tok = tok.strip("'")
        if not tok:
            return ()
    if tok[-1] == "2" and (m := _REDUP.fullmatch(tok)) is not None:
        return (m[1], m[1])
    if tok[0] in "awkh" and len(tok) > 3:
        if _WK.fullmatch(tok):
            return ("wkwk",)
        if _HA.fullmatch(tok):
            return ("haha",)
    return (tok,)


def words(text: str) -> list[str]:
    """Lower-cased words, emoji and ``?``/``!`` of ``text``, with any character repeated three or more times
    written once ("sooo" → "so", "😭😭😭" → "😭"), "lagi2"/"lagi²"/"itu-itu" as two words, laughter as
    "wkwk"/"haha", styled letters ("𝘙𝘶𝘮𝘢𝘩") read as plain (NFKC), at most ``MAX_WORDS``."""
    out: list[str] = []
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", cap_mark_runs(text))
    for tok in _REPEAT.sub(r"\1", text.lower()).translate(_TABLE).split():
        out.extend(_fix(tok))
        if len(out) >= MAX_WORDS:
            break
    return out[:MAX_WORDS]


def _norm(entry: str) -> str:
    return " ".join(words(entry))


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
    "rhetoric": cues.RHETORIC,
    "should": cues.SHOULD,
    "laugh": cues.LAUGH,
    "wish": cues.WISH,
}
FAMILIES: tuple[str, ...] = tuple(FAMILY_LISTS)
LIST_TOPICS: tuple[str, ...] = tuple(cues.TOPIC_WORDS)  # the topics that have word lists
_TOPIC_TAG = "topic:"


def _build_index() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    index: dict[str, tuple[str, ...]] = {}
    prefixes: set[str] = set()

    def add(entry: str, tag: str) -> None:
        key = _norm(entry)
        if not key or key.count(" ") >= MAX_PHRASE or tag in index.get(key, ()):
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
            # "-nya" on a topic noun names it and addresses the creator: "suaranya", "kameranya", "editannya"
            if " " not in entry and not entry.endswith(("nya", "ny")) and entry.isalpha():
                add(entry + "nya", _TOPIC_TAG + topic)
                add(entry + "nya", "target")
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
    return match_words(words(text))


def match_words(ws: list[str]) -> Matches:
    """:func:`match` on words already split (by :func:`words` or the scan)."""
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
                    hits.setdefault(family, []).append(gram)
                for topic in topics:
                    topic_hits.setdefault(topic, []).append(gram)
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


def length_feature(n_words: int) -> float:
    return min(math.log1p(n_words) / 4, 1.5)


def binary_features(
    h: Collection[str],
    topic_hits: Collection[str],
    negated: bool,
    question: bool,
    negative: bool,
    positive: bool = False,
) -> dict[str, float]:
    """The 0/1 inputs: cue families present and the combinations that make a remark feedback (a complaint
    *about* something, negativity aimed at the creator). ``h``: the families found, ``topic_hits``: the
    topics named, ``negative``: VADER's compound ≤ -0.05."""
    topic = bool(topic_hits)
    specific = topic and (len(topic_hits) > 1 or "content" not in topic_hits)
    complaint = "complaint" in h or negated
    target = "target" in h
    x: dict[str, float] = {}
    if question:
        x["q"] = 1.0
    if topic:
        x["topic"] = 1.0
    if specific:
        x["topic_spec"] = 1.0
    if negated:
        x["negpraise"] = 1.0
    for family in h:
        x["f_" + family] = 1.0
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
        if "personal" in h and not target and not complaint:
            x["pers_neg"] = 1.0  # the speaker's own misfortune; "I hate it, awful" is a complaint
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
    if "rhetoric" in h:
        if target or topic:
            x["rhet_tgt"] = 1.0
        if negative or complaint:
            x["rhet_neg"] = 1.0
    if "should" in h:
        if target or topic:
            x["should_tgt"] = 1.0
        if complaint:
            x["should_comp"] = 1.0
    if "insult" in h and not target and not topic:
        x["ins_alone"] = 1.0
    if positive and complaint:
        x["comp_pos"] = 1.0  # a complaint word in a message VADER (or the server's lexicon) reads as positive
    return x


def cue_features(found: Matches, compound: float, neg: float) -> dict[str, float]:
    """The model's inputs apart from words: VADER's negativity and positivity, the length and
    :func:`binary_features`."""
    x: dict[str, float] = {
        "bias": 1.0,
        "cneg": max(0.0, -compound),
        "cpos": max(0.0, compound),
        "vneg": neg,
        "len": length_feature(len(found.words)),
    }
    x.update(
        binary_features(
            found.hits,
            found.topic_hits,
            bool(found.negated_praise),
            "?" in found.words,
            compound <= -0.05,
            compound >= 0.05,
        )
    )
    return x


def plain_words(found: Matches) -> list[str]:
    return [w for w in found.words if w not in PUNCT]


def word_pairs(ws: Iterable[str]) -> list[str]:
    """Neighbouring words as ``"a b"``, none with ``?``/``!`` in it."""
    return [a + " " + b for a, b in itertools.pairwise(ws) if a not in PUNCT and b not in PUNCT]


def features(found: Matches, compound: float, neg: float) -> dict[str, float]:
    """:func:`cue_features` plus the words and word pairs as ``w=``/``b=`` features (what the trainer
    sees; the detector sums their weights in :func:`scan`)."""
    x = cue_features(found, compound, neg)
    for w in plain_words(found):
        x["w=" + w] = 1.0
    for pair in word_pairs(found.words):
        x["b=" + pair] = 1.0
    return x


# -- the detector's compiled form ---------------------------------------------------------------------------
# One dict hit per word gives a node: (bits, topic indexes, weight id, weight, children). The bits hold the
# families (FAMILIES order), "?" (QUESTION_BIT), the topics named (from TOPIC_SHIFT, LIST_TOPICS order) and
# two flags of the word itself (a negator, praise or hype). A word's node carries its word weight, a pair's
# node (depth 1) the pair weight; children continue phrases and weighted pairs.
QUESTION_BIT = 1 << len(FAMILIES)
TOPIC_SHIFT = len(FAMILIES) + 1
NEGATOR_BIT = 1 << (TOPIC_SHIFT + len(LIST_TOPICS))
PRAISING_BIT = NEGATOR_BIT << 1
CUE_BITS = NEGATOR_BIT - 1  # families, "?" and topics: what the model's cue weights depend on
_PRAISING_FAMILY_BITS = sum(1 << FAMILIES.index(f) for f in _PRAISING)

Node = tuple[int, tuple[int, ...], int, float, "dict[str, Node] | None"]


def compile_lexicon(word_weights: Mapping[str, float], pair_weights: Mapping[str, float]) -> dict[str, Node]:
    """The cue index, the negators and the model's word and pair weights as one trie of nodes."""
    raw: dict[str, dict] = {}

    def node(path: list[str]) -> dict:
        level = raw
        cur: dict = {}
        for w in path:
            cur = level.setdefault(w, {"bits": 0, "topics": [], "weight": 0.0, "kids": {}})
            level = cur["kids"]
        return cur

    for key, (families, topics) in _SPLIT_INDEX.items():
        n = node(key.split(" "))
        for family in families:
            n["bits"] |= 1 << FAMILIES.index(family)
        for topic in topics:
            n["bits"] |= 1 << (TOPIC_SHIFT + LIST_TOPICS.index(topic))
            n["topics"].append(LIST_TOPICS.index(topic))
        if n["bits"] & _PRAISING_FAMILY_BITS:
            n["bits"] |= PRAISING_BIT
    node(["?"])["bits"] |= QUESTION_BIT
    for neg in NEGATORS:
        node([neg])["bits"] |= NEGATOR_BIT
    for word, weight in word_weights.items():
        if word not in PUNCT:
            node([word])["weight"] += weight
    for pair, weight in pair_weights.items():
        a, b = pair.split(" ")
        node([a, b])["weight"] += weight
    ids = itertools.count(1)

    def freeze(level: dict) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for w, n in level.items():
            weight_id = next(ids) if n["weight"] else 0
            out[w] = (n["bits"], tuple(n["topics"]), weight_id, n["weight"], freeze(n["kids"]) or None)
        return out

    # a word words() never gives (a weight from another tokeniser) could not match in either path
    return {w: n for w, n in freeze(raw).items() if words(w) == [w]}


# ASCII punctuation → space and ASCII capitals → small letters, byte for byte (non-ASCII bytes untouched): the
# scan's first pass. What it leaves (a word with "?", an emoji, a non-ASCII letter or symbol) misses the
# lexicon and goes through :func:`words` itself, remembered per distinct token.
_BYTES = bytes(
    (b + 32 if 65 <= b <= 90 else b) if b >= 128 or chr(b).isalnum() or chr(b) in "_'?!" else 32
    for b in range(256)
)
VOCAB_LIMIT = 1 << 15  # distinct raw tokens a vocabulary remembers before it starts again from the lexicon

Entry = tuple[tuple[str, "Node | None"], ...]


def vocabulary(lexicon: dict[str, Node]) -> dict[str, Entry]:
    """Raw token → its normal words with their nodes, filled by :func:`scan` as tokens are met."""
    return {w: ((w, n),) for w, n in lexicon.items()}


def _learn(tok: str, lexicon: dict[str, Node], vocab: dict[str, Entry]) -> Entry:
    entry = tuple((w, lexicon.get(w)) for w in words(tok))
    if len(vocab) >= VOCAB_LIMIT:
        vocab.clear()
        vocab.update(vocabulary(lexicon))
    vocab[tok] = entry
    return entry


def _negator(node: Node | None) -> bool:
    return node is not None and bool(node[0] & NEGATOR_BIT)


def quiet_words(quiet: Collection[str]) -> frozenset[str]:
    """A server's own lexicon entries as the words :func:`words` gives (entries of several words are left
    out: a phrase's parts may be ordinary words)."""
    out = set()
    for entry in quiet:
        ws = words(entry)
        if len(ws) == 1 and ws[0] not in PUNCT:
            out.add(ws[0])
    return frozenset(out)


def silence(ws: list[str], quiet: frozenset[str]) -> list[str]:
    """``ws`` with the ``quiet`` words (from :func:`quiet_words`) blanked: they match no cue, no phrase and
    no weight, but still count towards the length."""
    return [QUIET if w in quiet else w for w in ws]


QUIET = ""  # what a silenced word becomes (no entry of the lexicon or the cue index is empty)


# A cue or topic match of the scan: (index of its first word, its length in words less one, its node's bits,
# its topic indexes), in :func:`match_words`'s order.
Hit = tuple[int, int, int, tuple[int, ...]]
_HIT_BITS = CUE_BITS & ~QUESTION_BIT  # what match_words records: a family or a topic


def scan(
    text: str, lexicon: dict[str, Node], vocab: dict[str, Entry], quiet: frozenset[str] = frozenset()
) -> tuple[int, list[Hit] | None, bool, float, list[tuple[str, Node | None]]]:
    """One pass over the words of ``text``: (bits of the cues found, every cue and topic match or None,
    negated praise, summed word and pair weights, the words with their nodes). ``vocab`` is
    ``vocabulary(lexicon)``, kept by the caller; words in ``quiet`` (see :func:`silence`) are blanked.
    :func:`matches_of` turns the matches into :func:`match_words`'s result without a second pass.

    The text is split at ASCII spaces and punctuation first (byte for byte); a raw token seen before is
    one dict hit away from its normal words and nodes, a new one goes through :func:`words` once."""
    seq: list[tuple[str, Node | None]] = []
    get = vocab.get
    for tok in text[:MAX_CHARS].encode().translate(_BYTES).decode().split():
        entry = get(tok)
        seq += entry if entry is not None else _learn(tok, lexicon, vocab)
    del seq[MAX_WORDS:]  # (at most MAX_CHARS / 2 tokens were looked up)
    if quiet:
        seq = [(QUIET, None) if w in quiet else (w, nd) for w, nd in seq]
    mask = 0
    hits: list[Hit] | None = None
    negated = False
    weights: dict[int, float] = {}
    n = len(seq)
    for i in range(n):
        nd = seq[i][1]  # the word, then each longer phrase starting at it, while the lexicon has one
        depth = 0
        while nd is not None:
            bits, topics, wid, weight, kids = nd
            mask |= bits
            if bits & _HIT_BITS:
                if hits is None:
                    hits = [(i, depth, bits, topics)]
                else:
                    hits.append((i, depth, bits, topics))
            if wid:
                weights[wid] = weight
            if depth == 0 and bits & PRAISING_BIT and i and not negated:
                negated = _negator(seq[i - 1][1]) or (i > 1 and _negator(seq[i - 2][1]))
            depth += 1
            if kids is None or depth >= MAX_PHRASE or i + depth >= n:
                break
            nd = kids.get(seq[i + depth][0])
    return mask, hits, negated, sum(weights.values()), seq


_FAMILIES_OF: dict[int, tuple[str, ...]] = {}  # a node's bits -> its families (a few hundred distinct nodes)


def matches_of(hits: list[Hit] | None, seq: list[tuple[str, Node | None]]) -> Matches:
    """:func:`match_words` of the scan's words, from the scan's matches."""
    ws = [w for w, _ in seq]
    found = Matches(ws)
    for i, depth, bits, topics in hits or ():
        gram = ws[i] if not depth else " ".join(ws[i : i + depth + 1])
        families = _FAMILIES_OF.get(bits)
        if families is None:
            families = _FAMILIES_OF[bits] = tuple(f for n, f in enumerate(FAMILIES) if bits >> n & 1)
        for family in families:
            found.hits.setdefault(family, []).append(gram)
        for t in topics:
            found.topic_hits.setdefault(LIST_TOPICS[t], []).append(gram)
        if not depth and i and bits & PRAISING_BIT:
            _negated(found, ws, i)
    return found
