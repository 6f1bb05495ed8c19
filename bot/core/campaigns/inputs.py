"""What `/campaign add` accepts: a name, keywords or links separated by commas, optional start and end dates
(YYYY-MM-DD, in the server's time zone; the end day is included). Refusals carry an i18n key and values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.campaigns.matcher import (
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    MAX_NAME_CHARS,
    keyword_words,
    parse_link,
)
from bot.core.timezones import zone_info


class CampaignInputError(ValueError):
    """``key``: the message's i18n key under ``campaign.error.``; ``values``: its placeholders."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class CampaignInput:
    name: str
    keywords: tuple[str, ...]
    starts_at: int
    ends_at: int | None


def parse_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise CampaignInputError("name", limit=MAX_NAME_CHARS)
    return name


def parse_keywords(raw: str) -> tuple[str, ...]:
    """Comma- or line-separated keywords, phrases or links; duplicates (ignoring case) dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for part in raw.replace("\n", ",").split(","):
        keyword = " ".join(part.split())
        if not keyword:
            continue
        if len(keyword) > MAX_KEYWORD_CHARS:
            raise CampaignInputError("keyword_long", keyword=keyword[:40], limit=MAX_KEYWORD_CHARS)
        if parse_link(keyword) is None and not keyword_words(keyword):
            raise CampaignInputError("keyword_empty", keyword=keyword[:40])
        folded = keyword.casefold()
        if folded not in seen:
            seen.add(folded)
            out.append(keyword)
    if not out:
        raise CampaignInputError("no_keywords")
    if len(out) > MAX_KEYWORDS:
        raise CampaignInputError("too_many_keywords", count=len(out), limit=MAX_KEYWORDS)
    return tuple(out)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise CampaignInputError("date", value=raw.strip()[:20]) from None


def local_midnight(day: date, timezone: str) -> int:
    return int(datetime.combine(day, time(0), zone_info(timezone)).timestamp())


def parse_campaign(
    name: str, keywords: str, start: str | None, end: str | None, *, timezone: str, now: int
) -> CampaignInput:
    """Start: the given day's midnight in the server's zone (default: today's); end: the midnight after the
    given day (None: open-ended)."""
    zone = zone_info(timezone)
    start_day = _day(start) if start else datetime.fromtimestamp(now, zone).date()
    starts_at = local_midnight(start_day, timezone)
    ends_at = None
    if end:
        end_day = _day(end)
        if end_day < start_day:
            raise CampaignInputError("end_before_start")
        ends_at = local_midnight(end_day + timedelta(days=1), timezone)
    return CampaignInput(parse_name(name), parse_keywords(keywords), starts_at, ends_at)
