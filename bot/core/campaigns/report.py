"""A campaign's report (issue 15): mentions per day in the server's time zone, unique members, the
mentions' sentiment, and the whole server's activity before, during and after the campaign.

Spans: *during* is [start, end) (an open or running campaign: up to now); *before* is as long, just before
the start; *after* as long, just after the end (up to now). Each UTC hour counts in the span its start lies in
and on the local day its start falls on (roll-ups are per UTC hour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.periods import DAY, HOUR
from bot.core.timezones import zone_info
from bot.storage.base import CampaignStore
from bot.storage.models import ActivityHour, Campaign

MAX_SPAN = 120 * DAY  # before/after compare at most this much; the chart shows at most MAX_DAYS
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class SpanActivity:
    """The whole server in one span."""

    start: int
    end: int
    messages: int
    scored: int  # positive + neutral + negative
    compound_sum: float

    @property
    def per_day(self) -> float:
        return self.messages * DAY / (self.end - self.start) if self.end > self.start else 0.0

    @property
    def mean_compound(self) -> float | None:
        return self.compound_sum / self.scored if self.scored else None


@dataclass(frozen=True, slots=True)
class CampaignReport:
    campaign: Campaign
    days: tuple[date, ...]  # local days shown, oldest first
    mentions: tuple[int, ...]  # per day
    positive: tuple[int, ...]
    neutral: tuple[int, ...]
    negative: tuple[int, ...]
    members: tuple[int, ...]  # unique members per day (only mentions whose messages are still kept)
    total_mentions: int  # during the campaign
    total_positive: int
    total_neutral: int
    total_negative: int
    total_spam: int
    unique_members: int  # during the campaign
    mean_compound: float | None  # of the scored, non-spam mentions during the campaign
    before: SpanActivity
    during: SpanActivity
    after: SpanActivity | None  # None: not ended yet
    span_days: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # before/during/after day indices


def _floor_hour(t: int) -> int:
    return t - t % HOUR


def spans(campaign: Campaign, now: int) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int] | None]:
    """(before, during, after) as [start, end) unix seconds; after is None until the campaign has ended."""
    start = campaign.starts_at
    end = campaign.ends_at if campaign.ends_at is not None and campaign.ends_at <= now else max(now, start)
    length = min(max(end - start, HOUR), MAX_SPAN)
    before = (start - length, start)
    after = None
    if campaign.ends_at is not None and campaign.ends_at < now:
        after = (campaign.ends_at, min(campaign.ends_at + length, now))
    return before, (start, end), after


def _hours(start: int, end: int) -> tuple[int, int]:
    """The UTC hours [lo, hi) that count for [start, end): those whose start lies in it."""
    return _floor_hour(start + HOUR - 1), _floor_hour(end + HOUR - 1)


def _activity(rows: list[ActivityHour], start: int, end: int) -> SpanActivity:
    lo, hi = _hours(start, end)
    chosen = [r for r in rows if lo <= r.hour < hi]
    return SpanActivity(
        start=start,
        end=end,
        messages=sum(r.messages for r in chosen),
        scored=sum(r.positive + r.neutral + r.negative for r in chosen),
        compound_sum=sum(r.compound_sum for r in chosen),
    )


async def build_report(store: CampaignStore, campaign: Campaign, now: int, timezone: str) -> CampaignReport:
    zone = zone_info(timezone)
    before, during, after = spans(campaign, now)
    first, last = before[0], (after or during)[1]
    lo, hi = _hours(first, last)

    def local_day(t: int) -> date:
        return datetime.fromtimestamp(t, zone).date()

    first_day, last_day = local_day(lo), local_day(max(lo, hi - HOUR))
    n_days = (last_day - first_day).days + 1
    if n_days > MAX_DAYS:  # the chart keeps the newest days
        first_day = last_day - timedelta(days=MAX_DAYS - 1)
        n_days = MAX_DAYS
    days = tuple(first_day + timedelta(days=i) for i in range(n_days))
    index = {d: i for i, d in enumerate(days)}

    mentions, positive, neutral, negative = ([0] * n_days for _ in range(4))
    totals = [0, 0, 0, 0, 0]
    compound = 0.0
    d_lo, d_hi = _hours(*during)
    for h in await store.campaign_hours(campaign.guild_id, campaign.id, lo, hi):
        i = index.get(local_day(h.hour))
        if i is not None:
            mentions[i] += h.mentions
            positive[i] += h.positive
            neutral[i] += h.neutral
            negative[i] += h.negative
        if d_lo <= h.hour < d_hi:
            totals[0] += h.mentions
            totals[1] += h.positive
            totals[2] += h.neutral
            totals[3] += h.negative
            totals[4] += h.spam
            compound += h.compound_sum
    pairs, _ = await store.campaign_members(campaign.guild_id, campaign.id, lo, hi)
    per_day: list[set[int]] = [set() for _ in range(n_days)]
    during_members: set[int] = set()
    for hour, author in pairs:
        i = index.get(local_day(hour))
        if i is not None:
            per_day[i].add(author)
        if d_lo <= hour < d_hi:
            during_members.add(author)

    rows = await store.activity_hours(campaign.guild_id, lo, hi)
    scored = totals[1] + totals[2] + totals[3]

    def day_span(start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return (0, 0)
        h_lo, h_hi = _hours(start, end)
        a = (local_day(h_lo) - first_day).days
        b = (local_day(h_hi - HOUR) - first_day).days + 1
        return (max(0, min(a, n_days)), max(0, min(b, n_days)))

    return CampaignReport(
        campaign=campaign,
        days=days,
        mentions=tuple(mentions),
        positive=tuple(positive),
        neutral=tuple(neutral),
        negative=tuple(negative),
        members=tuple(len(s) for s in per_day),
        total_mentions=totals[0],
        total_positive=totals[1],
        total_neutral=totals[2],
        total_negative=totals[3],
        total_spam=totals[4],
        unique_members=len(during_members),
        mean_compound=compound / scored if scored else None,
        before=_activity(rows, *before),
        during=_activity(rows, *during),
        after=None if after is None else _activity(rows, *after),
        span_days=(day_span(*before), day_span(*during), day_span(*after) if after else (0, 0)),
    )
