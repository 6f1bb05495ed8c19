"""Campaign storage (migration 0013) on real SQLite: the per-hour mention counts stay exact through deletes,
edits, forget-me and retention, checked against a brute-force count of what is stored."""

from __future__ import annotations

import random

import pytest

from bot.core.campaigns.matcher import MAX_CAMPAIGNS
from bot.storage._campaigns import CampaignExistsError, CampaignLimitError
from bot.storage.models import (
    CampaignMentions,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagesBulkDeleted,
)
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import NOW, T0, Clock, created, rec

G = 1


def _label(compound: float, scored: bool, spam: bool) -> int:
    if spam:
        return 4
    if not scored:
        return 0
    return 1 if compound >= 0.05 else 3 if compound <= -0.05 else 2


def edited(mid: int, compound: float, *, spam: bool = False) -> MessageEdited:
    return MessageEdited(
        guild_id=G,
        channel_id=10,
        message_id=mid,
        scored=True,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1 - abs(compound),
        neg=max(-compound, 0.0),
        language="en",
        is_spam=spam,
    )


async def _hours(storage: SQLiteStorage, campaign_id: int) -> dict[int, tuple[int, int, int, int, int, int]]:
    rows = await storage.campaign_hours(G, campaign_id, 0, 2**40)
    return {
        h.hour: (h.mentions, h.positive, h.neutral, h.negative, h.spam, round(h.compound_sum * 10000))
        for h in rows
    }


def _expected(model: dict[int, dict[str, object]], campaign_id: int) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {}
    for m in model.values():
        if campaign_id not in m["campaigns"]:  # type: ignore[operator]
            continue
        at = int(m["at"])  # type: ignore[call-overload]
        v = out.setdefault(at - at % 3600, [0, 0, 0, 0, 0, 0])
        label = _label(float(m["compound"]), True, bool(m["spam"]))  # type: ignore[arg-type]
        v[0] += 1
        if label:
            v[label] += 1
        if label in (1, 2, 3):
            v[5] += round(float(m["compound"]) * 10000)  # type: ignore[arg-type]
    return {h: tuple(v) for h, v in out.items()}


async def test_add_list_remove_and_limits(storage: SQLiteStorage) -> None:
    a = await storage.add_campaign(G, "Acme", ["acme", "https://acme.com/promo"], T0, None)
    assert (await storage.get_campaign(G, "acme")) == a  # names are case-insensitive
    assert await storage.get_campaign(2, "Acme") is None  # another server's view
    with pytest.raises(CampaignExistsError):
        await storage.add_campaign(G, "ACME", ["x"], T0, None)
    for i in range(1, MAX_CAMPAIGNS):
        await storage.add_campaign(G, f"c{i}", ["x"], T0, None)
    with pytest.raises(CampaignLimitError):
        await storage.add_campaign(G, "one too many", ["x"], T0, None)
    assert len(await storage.list_campaigns(G)) == MAX_CAMPAIGNS
    assert await storage.add_campaign(2, "Acme", ["acme"], T0, None)  # per server
    await storage.apply([created(1, at=T0 + 5, compound=0.5), CampaignMentions(G, 1, (a.id,))])
    assert await storage.remove_campaign(G, "Acme")
    assert not await storage.remove_campaign(G, "Acme")
    assert await storage.campaign_hours(G, a.id, 0, 2**40) == []
    assert (await storage.campaign_members(G, a.id, 0, 2**40)) == ([], 0)


async def test_mentions_need_a_stored_message_of_the_same_server(storage: SQLiteStorage) -> None:
    a = await storage.add_campaign(G, "Acme", ["acme"], T0, None)
    other = await storage.add_campaign(2, "Other", ["acme"], T0, None)
    await storage.apply(
        [
            created(1, at=T0 + 10, compound=0.6),
            CampaignMentions(G, 1, (a.id, other.id)),  # the other server's campaign is not counted
            CampaignMentions(G, 1, (a.id,)),  # twice (a back-fill re-read): once
            CampaignMentions(G, 99, (a.id,)),  # no such message
            created(2, at=T0 + 20, compound=0.0),
            CampaignMentions(G, 2, (a.id,)),
            MessageDeleted(G, 10, 2),  # created, mentioned and deleted in one batch
        ]
    )
    assert await _hours(storage, a.id) == {T0: (1, 1, 0, 0, 0, 6000)}
    assert await storage.campaign_hours(2, other.id, 0, 2**40) == []


async def test_random_operations_match_brute_force(storage: SQLiteStorage) -> None:
    rng = random.Random(15)
    a = await storage.add_campaign(G, "A", ["a"], T0, None)
    b = await storage.add_campaign(G, "B", ["b"], T0, None)
    model: dict[int, dict[str, object]] = {}
    next_id = 1
    for _ in range(40):
        ops: list[object] = []
        for _ in range(rng.randrange(1, 12)):
            roll = rng.random()
            if roll < 0.5 or not model:
                mid, next_id = next_id, next_id + 1
                at = T0 + rng.randrange(0, 3 * 86_400)
                compound = rng.choice([-0.7, -0.05, 0.0, 0.04, 0.05, 0.6])
                spam = rng.random() < 0.1
                author = 100 + rng.randrange(5)
                campaigns = tuple(c.id for c in (a, b) if rng.random() < 0.5)
                ops.append(MessageCreated(rec(mid, at=at, compound=compound, spam=spam, author_id=author)))
                if campaigns:
                    ops.append(CampaignMentions(G, mid, campaigns))
                model[mid] = {"at": at, "compound": compound, "spam": spam, "author": author,
                              "campaigns": set(campaigns)}  # fmt: skip
            elif roll < 0.75:
                mid = rng.choice(list(model))
                compound = rng.choice([-0.6, 0.0, 0.7])
                campaigns = tuple(c.id for c in (a, b) if rng.random() < 0.5)
                ops += [edited(mid, compound), CampaignMentions(G, mid, campaigns, replace=True)]
                model[mid].update(compound=compound, spam=False, campaigns=set(campaigns))
            elif roll < 0.9:
                mid = rng.choice(list(model))
                ops.append(MessageDeleted(G, 10, mid))
                del model[mid]
            else:
                mids = rng.sample(list(model), min(3, len(model)))
                ops.append(MessagesBulkDeleted(G, 10, tuple(mids)))
                for mid in mids:
                    del model[mid]
        await storage.apply(ops)  # type: ignore[arg-type]
        if rng.random() < 0.1:
            author = 100 + rng.randrange(5)
            await storage.forget_member(G, author)
            model = {k: v for k, v in model.items() if v["author"] != author}
        for c in (a, b):
            assert await _hours(storage, c.id) == _expected(model, c.id)
            pairs, unique = await storage.campaign_members(G, c.id, 0, 2**40)
            mentioned = [m for m in model.values() if c.id in m["campaigns"]]  # type: ignore[operator]
            assert unique == len({m["author"] for m in mentioned})
            assert sorted(pairs) == sorted(
                {(int(m["at"]) - int(m["at"]) % 3600, m["author"]) for m in mentioned}  # type: ignore[call-overload]
            )


async def test_retention_keeps_counts_and_drops_members(storage: SQLiteStorage, clock: Clock) -> None:
    a = await storage.add_campaign(G, "A", ["a"], T0, None)
    await storage.apply(
        [
            created(1, at=T0, compound=0.5, author_id=7),
            CampaignMentions(G, 1, (a.id,)),
            created(2, at=NOW - 3600, compound=-0.5, author_id=8),
            CampaignMentions(G, 2, (a.id,)),
        ]
    )
    before = await _hours(storage, a.id)
    await storage.sweep_retention(5)  # message 1 is older than five days
    assert await _hours(storage, a.id) == before  # the counts stay, as the roll-ups do
    pairs, unique = await storage.campaign_members(G, a.id, 0, 2**40)
    assert unique == 1 and [au for _, au in pairs] == [8]  # the member ids go with the message rows
    # a real delete after the sweep still takes its mention off the counts
    await storage.apply([MessageDeleted(G, 10, 2)])
    assert await _hours(storage, a.id) == {T0: before[T0]}


async def test_purge_guild_removes_everything(storage: SQLiteStorage) -> None:
    a = await storage.add_campaign(G, "A", ["a"], T0, None)
    await storage.apply([created(1, at=T0), CampaignMentions(G, 1, (a.id,))])
    await storage.purge_guild(G)
    assert await storage.list_campaigns(G) == []
    assert await storage.campaign_hours(G, a.id, 0, 2**40) == []


async def test_my_data_lists_a_members_mentions(storage: SQLiteStorage) -> None:
    a = await storage.add_campaign(G, "Acme", ["a"], T0, None)
    await storage.apply(
        [
            created(1, at=T0 + 5, author_id=7),
            CampaignMentions(G, 1, (a.id,)),
            created(2, at=T0 + 6, author_id=8),
            CampaignMentions(G, 2, (a.id,)),
        ]
    )
    data = await storage.member_data(G, 7)
    assert data["campaign_mentions"] == [{"message_id": 1, "campaign": "Acme", "hour": T0}]
    await storage.forget_member(G, 7)
    assert (await storage.member_data(G, 7))["campaign_mentions"] == []
    assert sum(h.mentions for h in await storage.campaign_hours(G, a.id, 0, 2**40)) == 1
