"""Campaign matching: which of a server's campaigns a comment mentions.

Keywords are folded with the spam matcher's normaliser (bot/core/spam/normalize.py), so "B R A N D",
"b.r.a.n.d" and styled letters (𝐁𝐑𝐀𝐍𝐃) read "brand"; they match whole words (a keyword of several words
matches those words in a row), never inside another word. Links match by host (and its subdomains) plus
path prefix. One :class:`CampaignMatcher` per server's keyword set: a trie of words walked from each word of
the comment (its depth is bounded by the longest keyword) and one host table, so matching is linear in the
text's length. Workers compile each set once (:func:`matcher_for`, a bounded cache)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.spam.normalize import normalize
from bot.core.text.bounds import bound_content

MAX_CAMPAIGNS = 25  # per server
MAX_KEYWORDS = 20  # per campaign
MAX_KEYWORD_CHARS = 100
MAX_NAME_CHARS = 50
MATCHER_CACHE = 64  # compiled matchers a process keeps (one per server with campaigns in its recent batches)

# a link in a comment: optional scheme and www., host labels, optional port, path. Possessive quantifiers and
# the look-behind (a link starts at a word's start) keep it linear.
_URL_RE = re.compile(
    r"(?<![\w@.-])(?:https?://)?+(?:www\.)?+((?:[a-z0-9-]++\.)++[a-z]{2,63})(?![\w-])(?::\d{1,5})?+"
    r"(/[^\s<>()\[\]{}\"'|`]*+)?+",
    re.IGNORECASE,
)
# a keyword that is a link: a host with a dotted name ending in letters, with or without scheme and path
_LINK_KEYWORD_RE = re.compile(
    r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,63})(?::\d{1,5})?(/\S*)?", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Link:
    host: str  # lower case, without "www."
    path: str  # lower case prefix, "" for the whole site; never ends with "/"


def parse_link(keyword: str) -> Link | None:
    """``keyword`` as a link (``acme.com``, ``https://www.acme.com/promo``), or None when it is words."""
    match = _LINK_KEYWORD_RE.fullmatch(keyword.strip())
    if match is None:
        return None
    return Link(match.group(1).lower(), (match.group(2) or "").lower().rstrip("/"))


def keyword_words(keyword: str) -> tuple[str, ...]:
    """The folded words a word keyword matches (empty: nothing to match)."""
    return tuple(normalize(keyword).tokens) if keyword.strip() else ()


@dataclass(frozen=True, slots=True)
class CampaignSet:
    """One server's campaigns as plain values, sent to the scoring workers: (campaign id, keywords) pairs.
    Equal sets compile to the same matcher (the key of :func:`matcher_for`'s cache)."""

    campaigns: tuple[tuple[int, tuple[str, ...]], ...]


class _Node:
    __slots__ = ("children", "ids")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ids: tuple[int, ...] = ()


def _path_matches(path: str, prefix: str) -> bool:
    """``prefix`` is a whole-segment prefix of ``path`` ("/promo" matches "/promo/x", not "/promotion")."""
    if not prefix:
        return True
    return path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] in "/?#&")


class CampaignMatcher:
    def __init__(self, campaigns: CampaignSet) -> None:
        self._root: dict[str, _Node] = {}
        self._single: dict[str, tuple[int, ...]] = {}  # one-word keywords: a set lookup per word
        self._multi = False
        self._hosts: dict[str, list[tuple[str, int]]] = {}
        for campaign_id, keywords in campaigns.campaigns:
            for keyword in keywords:
                link = parse_link(keyword)
                if link is not None:
                    self._hosts.setdefault(link.host, []).append((link.path, campaign_id))
                    continue
                words = keyword_words(keyword)
                if not words:
                    continue
                if len(words) == 1:
                    ids = self._single.get(words[0], ())
                    if campaign_id not in ids:
                        self._single[words[0]] = (*ids, campaign_id)
                    continue
                # a phrase spelt out letter by letter ("k.o.p.i k.e.n.a.n.g.a.n") folds into one word, and
                # a hashtag writes it as one: the joined words count too
                joined = "".join(words)
                ids = self._single.get(joined, ())
                if campaign_id not in ids:
                    self._single[joined] = (*ids, campaign_id)
                self._multi = True
                node = self._root.setdefault(words[0], _Node())
                for word in words[1:]:
                    node = node.children.setdefault(word, _Node())
                if campaign_id not in node.ids:
                    node.ids = (*node.ids, campaign_id)

    def match(self, content: str) -> tuple[int, ...]:
        """The ids of the campaigns ``content`` mentions, sorted (empty: none)."""
        if not content:
            return ()
        content = bound_content(content)
        hits: set[int] = set()
        if self._hosts and "." in content:
            self._match_links(content, hits)
        if self._single or self._multi:
            tokens = normalize(content).tokens
            words = set(tokens)
            single = self._single
            for word in single.keys() & words:
                hits.update(single[word])
            # phrases: walked only from the words that start one (most comments have none)
            starts = self._root.keys() & words if self._multi else ()
            if starts:
                root = self._root
                n = len(tokens)
                for i, word in enumerate(tokens):
                    if word not in starts:
                        continue
                    node: _Node | None = root[word]
                    j = i + 1
                    while node is not None:
                        if node.ids:
                            hits.update(node.ids)
                        if j >= n:
                            break
                        node = node.children.get(tokens[j])
                        j += 1
        return tuple(sorted(hits)) if hits else ()

    def _match_links(self, content: str, hits: set[int]) -> None:
        hosts = self._hosts
        for url in _URL_RE.finditer(content):
            host = url.group(1).lower()
            path = (url.group(2) or "").lower()
            while True:  # the host, then each parent domain ("shop.acme.com" counts for "acme.com")
                for prefix, campaign_id in hosts.get(host, ()):
                    if _path_matches(path, prefix):
                        hits.add(campaign_id)
                dot = host.find(".")
                if dot < 0:
                    break
                host = host[dot + 1 :]


_compiled: dict[CampaignSet, CampaignMatcher] = {}


def matcher_for(campaigns: CampaignSet) -> CampaignMatcher:
    """The compiled matcher of ``campaigns``, built once per process (bounded: cleared when full)."""
    matcher = _compiled.get(campaigns)
    if matcher is None:
        if len(_compiled) >= MATCHER_CACHE:
            _compiled.clear()
        matcher = _compiled[campaigns] = CampaignMatcher(campaigns)
    return matcher
