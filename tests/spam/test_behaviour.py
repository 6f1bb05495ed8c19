"""BehaviourTracker: cross-channel repeats, bursts from new accounts, bounded memory."""

from __future__ import annotations

from bot.core.spam import BehaviourTracker

T0 = 1_700_000_000.0
OLD_ACCOUNT = T0 - 400 * 86400
NEW_ACCOUNT = T0 - 3600
SCAM = "Free nitro for everyone who joins, claim it here https://discorcl.gift/abc"


def post(
    tracker: BehaviourTracker,
    *,
    channel: int,
    author: int,
    content: str = SCAM,
    at: float = T0,
    account: float | None = OLD_ACCOUNT,
    guild: int = 1,
):
    return tracker.observe(
        guild_id=guild, channel_id=channel, author_id=author, content=content, created_at=at,
        account_created_at=account,
    )  # fmt: skip


def test_same_text_in_three_channels_by_one_account() -> None:
    tracker = BehaviourTracker()
    assert post(tracker, channel=10, author=7) is None
    assert post(tracker, channel=11, author=7, at=T0 + 20) is None
    verdict = post(tracker, channel=12, author=7, at=T0 + 40)
    assert verdict is not None and verdict.is_spam
    assert verdict.reason == "same message posted in 3 channels within 5 min"
    assert verdict.high_confidence  # it carries a link


def test_near_same_text_counts_as_the_same() -> None:
    tracker = BehaviourTracker()
    post(tracker, channel=10, author=7, content="FREE NITRO giveaway 123, claim it now")
    post(tracker, channel=11, author=7, content="free nitro GIVEAWAY 456 claim it now!!", at=T0 + 5)
    verdict = post(tracker, channel=12, author=7, content="claim it now: free nitro giveaway 789", at=T0 + 9)
    assert verdict is not None and verdict.is_spam


def test_repeats_spread_beyond_the_window_are_fine() -> None:
    tracker = BehaviourTracker(window=300)
    assert post(tracker, channel=10, author=7) is None
    assert post(tracker, channel=11, author=7, at=T0 + 400) is None
    assert post(tracker, channel=12, author=7, at=T0 + 800) is None


def test_other_guilds_are_separate() -> None:
    tracker = BehaviourTracker()
    for guild, channel in ((1, 10), (2, 11), (3, 12)):
        assert post(tracker, guild=guild, channel=channel, author=7) is None


def test_burst_of_new_accounts() -> None:
    tracker = BehaviourTracker()
    text = "join my server for free crypto signals, best community"
    assert post(tracker, channel=10, author=1, content=text, account=NEW_ACCOUNT) is None
    assert post(tracker, channel=10, author=2, content=text, account=NEW_ACCOUNT, at=T0 + 10) is None
    verdict = post(tracker, channel=10, author=3, content=text, account=NEW_ACCOUNT, at=T0 + 20)
    assert verdict is not None and verdict.is_spam
    assert verdict.reason == "same message from 3 new accounts within 5 min"
    assert not verdict.high_confidence  # no link, only three accounts


def test_established_accounts_agreeing_is_not_a_burst() -> None:
    tracker = BehaviourTracker()
    text = "congrats on one million subscribers, well deserved"
    for author in range(1, 8):
        assert post(tracker, channel=10, author=author, content=text, at=T0 + author) is None


def test_unknown_account_age_is_not_new() -> None:
    tracker = BehaviourTracker()
    text = "congrats on one million subscribers, well deserved"
    for author in range(1, 8):
        assert post(tracker, channel=10, author=author, content=text, account=None, at=T0 + author) is None


def test_short_messages_are_ignored() -> None:
    tracker = BehaviourTracker()
    for channel in range(10, 20):
        assert post(tracker, channel=channel, author=7, content="gm", at=T0 + channel) is None
    assert len(tracker) == 0


def test_flooding_one_channel() -> None:
    tracker = BehaviourTracker(min_repeats=5)
    results = [
        post(tracker, channel=10, author=7, content="buy my mixtape today please", at=T0 + i)
        for i in range(5)
    ]
    assert results[:4] == [None] * 4
    assert results[4] is not None and "repeated 5 times" in (results[4].reason or "")


def spell(i: int) -> str:
    """A distinct letters-only word per number (fingerprints ignore digits)."""
    return "".join(chr(ord("a") + int(d)) for d in str(i)) + "zz"


def test_memory_is_bounded_by_count() -> None:
    tracker = BehaviourTracker(max_fingerprints=100)
    for i in range(1000):
        post(tracker, channel=10, author=i, content=f"message {spell(i)} about the topic", at=T0 + i * 0.01)
        assert len(tracker) <= 100
    assert len(tracker) == 100


def test_old_fingerprints_are_evicted_by_time() -> None:
    tracker = BehaviourTracker(window=60)
    for i in range(50):
        post(tracker, channel=10, author=i, content=f"unique words {spell(i)} beta gamma", at=T0 + i)
    assert len(tracker) == 50
    post(tracker, channel=10, author=999, content="something else entirely, later on", at=T0 + 10_000)
    assert len(tracker) == 1
