"""Posting-behaviour spam signals: the same text repeated across channels or by a burst of new accounts.

Messages are grouped by a fingerprint of their normalised words (order-insensitive, digits dropped, so
"FREE NITRO 123 https://x" and "free nitro 456 https://x" match). Memory is bounded twice: fingerprints not
seen within the window are evicted oldest-first, and at most ``max_fingerprints`` are kept (least recently
seen evicted first), each with at most ``max_entries`` recent posts.
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
from collections import OrderedDict, deque
from typing import Final, NamedTuple

from bot.core.periods import DAY
from bot.core.spam.community import BAIT
from bot.core.spam.detector import SpamVerdict
from bot.core.spam.normalize import Normalized, normalize
from bot.core.spam.rules import may_have_link

log = logging.getLogger(__name__)

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_WORDS = _WORD_RE.findall
_ASCII_WORDS = re.compile(r"[^\W\d_]{2,}", re.ASCII).findall  # the same words, for ASCII-only text
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied per fingerprint: cheaper than a new one
_INT64 = struct.Struct(">q").unpack  # the digest as a signed big-endian integer


class _Unset:
    """Marks "fingerprint not computed yet" (None means "too short to judge")."""


UNSET: Final = _Unset()


class _Post(NamedTuple):
    at: float
    channel_id: int
    author_id: int
    new_account: bool


FINGERPRINT_CACHE_SIZE = 4096
# fingerprints per exact text (default sizes only): a scoring worker asks for the text's fingerprint when the
# spam check answered from its verdict cache (a repeated text) or judged a rewritten text (links)
_FINGERPRINTS: dict[str, int | None] = {}


def fingerprint(content: str, *, min_words: int = 3, min_chars: int = 12) -> int | None:
    """Order-insensitive hash of the message's words; None for messages too short to judge ("gm", "lol")."""
    if min_words != 3 or min_chars != 12:
        return fingerprint_normalized(normalize(content), min_words=min_words, min_chars=min_chars)
    cache = _FINGERPRINTS
    if content in cache:
        return cache[content]
    fp = fingerprint_normalized(normalize(content))
    if len(cache) >= FINGERPRINT_CACHE_SIZE:
        cache.clear()  # cheaper than LRU bookkeeping; refills from live traffic
    cache[content] = fp
    return fp


def fingerprint_normalized(norm: Normalized, *, min_words: int = 3, min_chars: int = 12) -> int | None:
    """:func:`fingerprint` of the text whose :func:`bot.core.spam.normalize.normalize` is ``norm`` (the spam
    detector works it out anyway: see SpamDetector.check_text_with_normalized)."""
    text = norm.text
    if len(text) < min_chars:  # the words are pieces of the text
        return None
    if norm.has_digits:
        words = _ASCII_WORDS(text) if text.isascii() else _WORDS(text)
        size = sum(map(len, words))
    else:
        # every word character is a letter: the words are the tokens of two letters or more
        words = norm.tokens
        lengths = list(map(len, words))
        size = sum(lengths)
        singles = lengths.count(1)
        if singles:
            words = [t for t in words if len(t) > 1]
            size -= singles
    if len(words) < min_words or size < min_chars:
        return None
    # a stable hash (not hash(), which differs per process): scoring workers compute it for the bot process
    h = _BLAKE2B_8.copy()
    h.update(" ".join(sorted(set(words))).encode())
    return _INT64(h.digest())[0]


class BehaviourTracker:
    """In-memory, bounded record of recent posts per guild, keyed by text fingerprint.

    ``observe`` returns a verdict when the message is part of a pattern:
    - one account posting the same text in ``min_channels`` or more channels within ``window`` seconds;
    - ``min_new_accounts`` or more accounts younger than ``new_account_age`` posting it within the window;
    - one account repeating it ``min_repeats`` times within the window (flooding one channel).
    """

    def __init__(
        self,
        *,
        window: float = 300.0,
        min_channels: int = 3,
        min_new_accounts: int = 3,
        new_account_age: float = 7.0 * DAY,
        min_repeats: int = 5,
        max_fingerprints: int = 10_000,
        max_entries: int = 50,
    ) -> None:
        self.window = window
        self.min_channels = min_channels
        self.min_new_accounts = min_new_accounts
        self.new_account_age = new_account_age
        self.min_repeats = min_repeats
        self.max_fingerprints = max_fingerprints
        self.max_entries = max_entries
        # (guild_id, fingerprint) -> recent posts, oldest first; the dict is ordered by last use
        self._posts: OrderedDict[tuple[int, int], deque[_Post]] = OrderedDict()

    def __len__(self) -> int:
        """Number of fingerprints currently remembered."""
        return len(self._posts)

    def observe(
        self,
        *,
        guild_id: int,
        channel_id: int,
        author_id: int,
        content: str,
        created_at: float,
        account_created_at: float | None,
        precomputed: int | _Unset | None = UNSET,
    ) -> SpamVerdict | None:
        """Record one message (times in seconds since the epoch); return a verdict if it looks like spam.
        ``precomputed`` is ``fingerprint(content)`` when a scoring worker already worked it out."""
        store = self._posts
        horizon = created_at - self.window
        if store:
            # what _evict would check first, without a call when nothing is due (the common case)
            oldest = next(iter(store.values()))
            if not oldest or oldest[-1].at < horizon:
                self._evict(created_at)
        fp = fingerprint(content) if isinstance(precomputed, _Unset) else precomputed
        if fp is None:
            return None
        key = (guild_id, fp)
        posts = store.get(key)
        if posts is None:
            posts = deque(maxlen=self.max_entries)
            store[key] = posts
            if len(store) > self.max_fingerprints:
                store.popitem(last=False)
        else:
            store.move_to_end(key)
            while posts and posts[0].at < horizon:
                posts.popleft()
        new_account = (
            account_created_at is not None and created_at - account_created_at < self.new_account_age
        )
        posts.append(_Post(created_at, channel_id, author_id, new_account))
        n = len(posts)
        if n < self.min_channels and n < self.min_new_accounts and n < self.min_repeats:
            return None  # too few posts for any pattern (what _judge checks first)
        return self._judge(posts, author_id, content)

    def _judge(self, posts: deque[_Post], author_id: int, content: str) -> SpamVerdict | None:
        if len(posts) < min(self.min_channels, self.min_new_accounts, self.min_repeats):
            return None  # too few posts for any pattern
        minutes = max(1, round(self.window / 60))
        link = may_have_link(content)
        mine = [p for p in posts if p.author_id == author_id]
        channels = {p.channel_id for p in mine}
        if len(channels) >= self.min_channels:
            high = link or len(channels) >= self.min_channels + 2
            reason = f"same message posted in {len(channels)} channels within {minutes} min"
            return SpamVerdict(True, 0.9 if high else 0.8, reason, high, category=BAIT)
        new_authors = {p.author_id for p in posts if p.new_account}
        if len(new_authors) >= self.min_new_accounts:
            high = link or len(new_authors) >= self.min_new_accounts + 2
            reason = f"same message from {len(new_authors)} new accounts within {minutes} min"
            return SpamVerdict(True, 0.9 if high else 0.8, reason, high, category=BAIT)
        if len(mine) >= self.min_repeats:
            return SpamVerdict(
                True,
                0.7,
                f"same message repeated {len(mine)} times within {minutes} min",
                False,
                category=BAIT,
            )
        return None

    def _evict(self, now: float) -> None:
        """Drop fingerprints whose latest post is older than the window (the dict is in last-use order)."""
        horizon = now - self.window
        posts = self._posts
        while posts:
            key, recent = next(iter(posts.items()))
            if recent and recent[-1].at >= horizon:
                break
            del posts[key]
