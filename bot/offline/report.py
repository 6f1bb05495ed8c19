"""`sentimeter analyze … --report report.html`: one self-contained HTML page from the database.

The page has no script, no external asset and a Content-Security-Policy that forbids loading anything, so it
opens the same offline, attached to a mail or from a shared drive. The charts are inline SVG drawn here; the
styles follow the reader's light or dark scheme. Every piece of text that came from people (flagged
comments, names, spam reasons) is escaped, and every list is capped, so the file stays small whatever the
database holds.

The figures are read with SQL aggregates (bot/storage/report.py): the roll-ups for the overview, the channels,
the trend and the heatmap, capped lists for top posts and flags. The hour buckets are whole UTC hours; they
are shifted into the chosen time zone one by one (daylight saving time included). In a zone whose offset is
not a whole number of hours (Asia/Kolkata), an hour is placed by its middle: the page says so.

Sentimeter keeps no message text, only the text of flagged comments, so "rising terms" are the words that
grew in flagged comments, and the page says plainly when there is no text to count."""

from __future__ import annotations

import asyncio
import html
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.errors import SentimeterError
from bot.storage.report import ChannelRow, FlagEntry, HourRow, ReportReader

# caps: the page stays a few hundred KB at most
MAX_CHANNELS = 100
MAX_TOP_POSTS = 25
MAX_FLAGGED = 500
MAX_SPAM = 100
PAGE_ROWS = 50  # flagged comments per collapsible page
MAX_TEXT = 600  # characters of one flagged comment shown
MAX_BARS = 400  # trend bars: days, else weeks, else months
MAX_TERMS = 20
MAX_TERM_TEXTS = 20_000  # flagged comments read for the rising terms (a sample past that)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


def zone(name: str | None) -> ZoneInfo:
    """An IANA time zone (``Europe/Berlin``); None is UTC. Parsed as analyze's ``--timezone`` is."""
    from bot.offline.analyze import zone_named

    tz = zone_named(name or "UTC").tz
    assert isinstance(tz, ZoneInfo)  # zone_named reads IANA names only
    return tz


def esc(value: object) -> str:
    """Text for HTML: escaped (quotes too, for attributes), control characters and lone surrogates dropped."""
    text = _CONTROL.sub("", str(value))
    text = text.encode("utf-8", "replace").decode("utf-8")
    return html.escape(text, quote=True)


# -- figures -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Vector:
    messages: int = 0
    replies: int = 0
    reactions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    spam: int = 0
    compound_e4: int = 0
    lang_en: int = 0
    lang_id: int = 0
    lang_mixed: int = 0
    lang_other: int = 0

    def add(self, r: HourRow) -> None:
        self.messages += r.messages
        self.replies += r.replies
        self.reactions += r.reactions
        self.positive += r.positive
        self.neutral += r.neutral
        self.negative += r.negative
        self.spam += r.spam
        self.compound_e4 += r.compound_e4
        self.lang_en += r.lang_en
        self.lang_id += r.lang_id
        self.lang_mixed += r.lang_mixed
        self.lang_other += r.lang_other

    @property
    def scored(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def unscored(self) -> int:
        """Counted but not scored (no text: an image, a sticker) and not spam."""
        return max(0, self.messages - self.spam - self.scored)


@dataclass(slots=True)
class Timeline:
    """The hour buckets shifted into a time zone: totals, per local day, per (weekday, hour)."""

    zone: ZoneInfo
    total: _Vector = field(default_factory=_Vector)
    days: dict[date, _Vector] = field(default_factory=dict)
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    first: datetime | None = None  # local start of the first hour with messages
    last: datetime | None = None  # local start of the last one
    fractional: bool = False  # an offset that is not a whole number of hours was met

    def add(self, r: HourRow) -> None:
        start = datetime.fromtimestamp(r.hour, self.zone)
        offset = start.utcoffset()
        at = start
        if offset is not None and offset.total_seconds() % 3600:
            self.fractional = True
            at = datetime.fromtimestamp(r.hour + 1800, self.zone)  # the hour's middle
        self.total.add(r)
        day = self.days.get(at.date())
        if day is None:
            day = self.days[at.date()] = _Vector()
        day.add(r)
        self.heat[at.weekday()][at.hour] += r.messages
        if self.first is None:
            self.first = start
        self.last = start


def timeline(hours: Iterable[HourRow], tz: ZoneInfo) -> Timeline:
    t = Timeline(tz)
    for r in hours:
        t.add(r)
    return t


def trend_buckets(
    days: Mapping[date, _Vector], max_bars: int = MAX_BARS
) -> tuple[str, list[tuple[date, _Vector]]]:
    """(unit, bars): every day from the first to the last (empty ones too), or weeks (from Monday), or
    months when there would be more than ``max_bars`` days."""
    if not days:
        return "day", []
    first, last = min(days), max(days)
    span = (last - first).days + 1
    if span <= max_bars:
        unit, key = "day", (lambda d: d)
    elif span <= max_bars * 7:
        unit, key = "week", (lambda d: d - timedelta(days=d.weekday()))
    else:
        unit, key = "month", (lambda d: d.replace(day=1))
    bars: dict[date, _Vector] = {}
    d = first
    while d <= last:
        k = key(d)
        bar = bars.get(k)
        if bar is None:
            bar = bars[k] = _Vector()
        v = days.get(d)
        if v is not None:
            for name in _Vector.__slots__:
                setattr(bar, name, getattr(bar, name) + getattr(v, name))
        d += timedelta(days=1)
    return unit, sorted(bars.items())


_STOP: frozenset[str] | None = None


def _stopwords() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        from bot.core.scoring.indonesian import STOPWORDS as ID_STOP
        from bot.core.scoring.language import EN_STOPWORDS

        _STOP = frozenset(EN_STOPWORDS | ID_STOP | {"http", "https", "www", "com"})
    return _STOP


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    before: int  # flagged comments with the word in the first half of the span
    after: int  # in the second half


def rising_terms(
    texts: Iterable[tuple[int, str]], first: int, last: int, limit: int = MAX_TERMS, min_after: int = 3
) -> list[Term]:
    """Words of flagged comments that grew from the first half of [first, last] to the second: each word
    counted once per comment, ranked by the smoothed ratio of its shares of the two halves' comments."""
    middle = first + (last - first) / 2
    stop = _stopwords()
    find = _WORD.findall
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    n_before = n_after = 0
    for at, text in texts:
        words = set(find(text.lower()))
        words -= stop
        if at < middle:
            n_before += 1
            before.update(words)
        else:
            n_after += 1
            after.update(words)
    if not n_after:
        return []
    ranked = []
    for word, count in after.items():
        if count < min_after:
            continue
        growth = ((count + 1) / (n_after + 1)) / ((before[word] + 1) / (n_before + 1))
        if growth > 1.0:
            ranked.append((-growth, -count, word))
    ranked.sort()
    return [Term(word, before[word], after[word]) for _, _, word in ranked[:limit]]


# -- page ----------------------------------------------------------------------------------------------------

_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1d1f23;--muted:#5d6470;--line:#d9dce1;--card:#f6f7f9;
--pos:#2e9d5b;--neu:#8a94a3;--neg:#d1453b;--spam:#b07d12;--other:#c6cad1;--heat:#4a63d9;--link:#2f55d4}
@media (prefers-color-scheme:dark){:root{--bg:#17191d;--fg:#e6e8eb;--muted:#a0a7b2;--line:#343840;
--card:#1f2227;--pos:#4cc27c;--neu:#8f99a8;--neg:#f06a60;--spam:#e0a93a;--other:#4b505a;--heat:#7d93ff;
--link:#8aa6ff}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 16px 64px}h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.25em;margin:36px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:1.05em;margin:20px 0 8px}.muted{color:var(--muted)}a{color:var(--link)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}.card{background:var(--card);border-radius:8px;
padding:10px 14px;min-width:130px}.card b{display:block;font-size:1.35em}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{padding:5px 8px;border-bottom:1px solid
var(--line);text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}svg{display:block;max-width:100%;height:auto}
svg text{fill:var(--muted);font-size:11px}
.pos{fill:var(--pos)}.neu{fill:var(--neu)}.neg{fill:var(--neg)}.spam{fill:var(--spam)}.other{fill:var(--other)}
.heat{fill:var(--heat)}.grid{stroke:var(--line)}.key{display:inline-block;width:10px;height:10px;
border-radius:2px;margin:0 4px 0 12px}.key.pos{background:var(--pos)}.key.neu{background:var(--neu)}
.key.neg{background:var(--neg)}.key.spam{background:var(--spam)}.key.other{background:var(--other)}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-weight:600}.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0 0}
.text,td b{unicode-bidi:isolate}
.guild{margin-top:40px}
"""

_SENTIMENT = (
    ("positive", "pos"),
    ("neutral", "neu"),
    ("negative", "neg"),
    ("spam", "spam"),
    ("other", "other"),
)


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _avg(compound_e4: int, scored: int) -> str:
    return f"{compound_e4 / 10000 / scored:+.2f}" if scored else "–"


def _parts(v: _Vector) -> list[tuple[str, str, int]]:
    return [
        ("positive", "pos", v.positive),
        ("neutral", "neu", v.neutral),
        ("negative", "neg", v.negative),
        ("spam", "spam", v.spam),
        ("other (no text)", "other", v.unscored),
    ]


def _legend() -> str:
    return (
        '<p class="muted">'
        + "".join(f'<span class="key {css}"></span>{label}' for label, css in _SENTIMENT)
        + "</p>"
    )


def _share_bar(parts: Sequence[tuple[str, str, int]], label: str) -> str:
    """A horizontal 100% bar (SVG) of named parts, each with its count in a tooltip."""
    total = sum(c for _, _, c in parts)
    width, height = 960, 28
    out = [
        f'<svg class="chart share" role="img" aria-label="{esc(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" data-total="{total}">'
    ]
    x = 0.0
    for name, css, count in parts:
        if not count or not total:
            continue
        w = width * count / total
        out.append(
            f'<rect class="{css}" x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" data-count="{count}">'
            f"<title>{esc(name)}: {_n(count)} ({_pct(count, total)})</title></rect>"
        )
        x += w
    out.append("</svg>")
    return "".join(out)


def trend_svg(unit: str, bars: Sequence[tuple[date, _Vector]]) -> str:
    """Messages per day (week, month), stacked by sentiment, spam and other."""
    width, height, left, bottom, top = 960, 260, 48, 24, 8
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((v.messages for _, v in bars), default=0)
    out = [
        f'<svg class="chart trend" role="img" aria-label="messages per {unit}" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" data-unit="{unit}" data-bars="{len(bars)}">'
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        out.append(f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_n(round(peak * frac))}</text>')
    step = plot_w / max(1, len(bars))
    bar_w = max(1.0, step * 0.8)
    for i, (start, v) in enumerate(bars):
        x = left + i * step + (step - bar_w) / 2
        out.append(
            f'<g class="bar" data-date="{start.isoformat()}" data-messages="{v.messages}">'
            f"<title>{'' if unit == 'day' else f'{unit} of '}{start.isoformat()}: {_n(v.messages)} messages "
            f"({_n(v.positive)} positive, {_n(v.neutral)} neutral, {_n(v.negative)} negative, "
            f"{_n(v.spam)} spam)</title>"
        )
        y = top + plot_h
        for _, css, count in _parts(v):
            if not count or not peak:
                continue
            h = plot_h * count / peak
            y -= h
            out.append(f'<rect class="{css}" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" height="{h:.2f}"/>')
        out.append("</g>")
    if bars:
        marks = {0, len(bars) // 2, len(bars) - 1}
        for i in sorted(marks):
            x = left + i * step + step / 2
            anchor = "start" if i == 0 else "end" if i == len(bars) - 1 and len(bars) > 1 else "middle"
            out.append(
                f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}">{bars[i][0].isoformat()}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def heatmap_svg(heat: Sequence[Sequence[int]], zone_name: str) -> str:
    """Messages per weekday and hour of the day (local time), darker is busier."""
    cell, left, top = 36, 40, 18
    width, height = left + 24 * cell + 4, top + 7 * (cell - 8) + 4
    peak = max((max(row) for row in heat), default=0)
    out = [
        f'<svg class="chart heatmap" role="img" aria-label="activity by weekday and hour ({esc(zone_name)})" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    ]
    for h in range(0, 24, 3):
        out.append(f'<text x="{left + h * cell + cell / 2}" y="12" text-anchor="middle">{h:02d}</text>')
    row_h = cell - 8
    for d, name in enumerate(WEEKDAYS):
        y = top + d * row_h
        out.append(f'<text x="{left - 6}" y="{y + row_h / 2 + 4}" text-anchor="end">{name}</text>')
        for h in range(24):
            count = heat[d][h]
            opacity = 0.06 + 0.94 * count / peak if peak else 0.06
            out.append(
                f'<rect class="heat cell" x="{left + h * cell + 1}" y="{y + 1}" width="{cell - 2}" '
                f'height="{row_h - 2}" rx="3" fill-opacity="{opacity:.3f}" data-day="{d}" data-hour="{h}" '
                f'data-count="{count}"><title>{name} {h:02d}:00: {_n(count)} messages</title></rect>'
            )
    out.append("</svg>")
    return "".join(out)


def _when(ts: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M")


def _link(guild_id: int, channel_id: int, message_id: int, label: str = "open") -> str:
    url = f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
    return f'<a href="{url}" rel="noopener noreferrer" target="_blank">{esc(label)}</a>'


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rstrip() + "…"


@dataclass(slots=True)
class _Names:
    channels: Mapping[int, str]
    authors: Mapping[int, str]

    def channel(self, channel_id: int) -> str:
        name = self.channels.get(channel_id)
        return f"#{esc(name)}" if name else f"channel {channel_id}"

    def author(self, author_id: int) -> str:
        name = self.authors.get(author_id)
        return esc(name) if name else f"user {author_id}"


def _guild_section(
    reader: ReportReader, guild_id: int, tz: ZoneInfo, names: _Names, guild_name: str | None
) -> str:
    t = timeline(reader.hours(guild_id), tz)
    v = t.total
    out: list[str] = [f'<section class="guild" data-guild="{guild_id}">']
    title = esc(guild_name) if guild_name else f"Server {guild_id}"
    out.append(f"<h1>{title}</h1>")
    if t.first is not None and t.last is not None:
        period = f"{t.first:%Y-%m-%d %H:00} → {t.last + timedelta(hours=1):%Y-%m-%d %H:00}"
    else:
        period = "no messages"
    out.append(f'<p class="muted">Period {esc(period)} · times in {esc(tz.key)}</p>')

    # overview
    out.append('<h2 id="overview">Overview</h2><div class="cards">')
    cards = [
        ("messages", _n(v.messages)),
        ("active members", _n(reader.members(guild_id))),
        ("replies", _n(v.replies)),
        ("reactions", _n(v.reactions)),
        ("spam", _n(v.spam)),
        ("average sentiment", _avg(v.compound_e4, v.scored)),
    ]
    out.extend(f'<div class="card"><span class="muted">{k}</span><b>{val}</b></div>' for k, val in cards)
    out.append("</div><h3>Sentiment mix</h3>")
    out.append(
        f"<p>{_pct(v.positive, v.scored)} positive · {_pct(v.neutral, v.scored)} neutral · "
        f'{_pct(v.negative, v.scored)} negative <span class="muted">(of {_n(v.scored)} scored comments)'
        "</span></p>"
    )
    out.append(_share_bar(_parts(v), "sentiment mix") + _legend())

    # channels
    out.append(_channels_section(reader, guild_id, names))

    # trend and activity
    unit, bars = trend_buckets(t.days)
    out.append(f'<h2 id="trend">Messages per {unit}</h2>')
    if bars:
        out.append(f'<div class="scroll">{trend_svg(unit, bars)}</div>{_legend()}')
    else:
        out.append('<p class="muted">No messages.</p>')
    out.append(f'<h2 id="activity">Activity by weekday and hour ({esc(tz.key)})</h2>')
    out.append(f'<div class="scroll">{heatmap_svg(t.heat, tz.key)}</div>')
    if t.fractional:
        out.append(
            '<p class="muted">The database keeps whole UTC hours; this time zone is offset by a fraction '
            "of an hour, so each hour is placed by its middle.</p>"
        )

    out.append(_top_section(reader, guild_id, tz, names))
    out.append(_complaints_section(reader, guild_id, tz, names))
    out.append(_spam_section(reader, guild_id, v.spam, tz, names))
    out.append(_terms_section(reader, guild_id, tz))
    out.append(_languages_section(v))
    out.append("</section>")
    return "".join(out)


def _channels_section(reader: ReportReader, guild_id: int, names: _Names) -> str:
    rows: list[ChannelRow] = reader.channels(guild_id, MAX_CHANNELS)
    count = reader.channel_count(guild_id)
    out = ['<h2 id="channels">Channels</h2><div class="scroll"><table class="channels"><thead><tr>']
    heads = [
        "channel",
        "messages",
        "members",
        "replies",
        "reactions",
        "positive",
        "neutral",
        "negative",
        "spam",
        "average",
    ]
    out.extend(f'<th class="{"" if h == "channel" else "n"}">{h}</th>' for h in heads)
    out.append("</tr></thead><tbody>")
    for r in rows:
        scored = r.positive + r.neutral + r.negative
        where = names.channel(r.channel_id)
        if r.parent_id is not None:
            where += f' <span class="muted">thread in {names.channel(r.parent_id)}</span>'
        cells = [
            _n(r.messages),
            _n(r.members),
            _n(r.replies),
            _n(r.reactions),
            _pct(r.positive, scored),
            _pct(r.neutral, scored),
            _pct(r.negative, scored),
            _n(r.spam),
            _avg(r.compound_e4, scored),
        ]
        out.append(f"<tr><td>{where}</td>" + "".join(f'<td class="n">{c}</td>' for c in cells) + "</tr>")
    out.append("</tbody></table></div>")
    if count > len(rows):
        out.append(f'<p class="muted">The {len(rows)} busiest of {_n(count)} channels and threads.</p>')
    out.append('<p class="muted">A channel\'s members include the authors in its threads.</p>')
    return "".join(out)


def _top_section(reader: ReportReader, guild_id: int, tz: ZoneInfo, names: _Names) -> str:
    posts = reader.top_posts(guild_id, MAX_TOP_POSTS)
    out = ['<h2 id="top">Top posts</h2>']
    if not posts:
        return out[0] + '<p class="muted">No post has replies or reactions yet.</p>'
    out.append(
        '<p class="muted">By reactions and replies. Sentimeter keeps no message text: follow the link.</p>'
        '<div class="scroll"><table class="top"><thead><tr><th>when</th><th>channel</th><th>author</th>'
        '<th class="n">reactions</th><th class="n">replies</th><th class="n">sentiment</th><th></th></tr>'
        "</thead><tbody>"
    )
    for p in posts:
        sentiment = f"{p.compound:+.2f}" if p.compound is not None else "–"
        out.append(
            f"<tr><td>{_when(p.created_at, tz)}</td><td>{names.channel(p.channel_id)}</td>"
            f'<td>{names.author(p.author_id)}</td><td class="n">{_n(p.reactions)}</td>'
            f'<td class="n">{_n(p.replies)}</td><td class="n">{sentiment}</td>'
            f"<td>{_link(guild_id, p.channel_id, p.message_id)}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def _flag_pages(
    flags: Sequence[FlagEntry], guild_id: int, tz: ZoneInfo, names: _Names, css: str, detail: str
) -> str:
    """Flags in collapsible pages of PAGE_ROWS (the first page open)."""
    out = []
    for start in range(0, len(flags), PAGE_ROWS):
        page = flags[start : start + PAGE_ROWS]
        opened = " open" if start == 0 else ""
        out.append(
            f'<details class="{css} page"{opened}><summary>{start + 1}–{start + len(page)}</summary>'
            "<table><tbody>"
        )
        for f in page:
            extra = esc(f.topic or "other") if detail == "topic" else esc(f.reason or "")
            score = f" · {f.compound:+.2f}" if f.compound is not None else ""
            text = (
                f'<p class="text">{esc(_clip(f.text))}</p>'
                if f.text is not None
                else '<p class="text muted">(text no longer stored)</p>'
            )
            out.append(
                f'<tr class="flag" data-flag="{f.id}"><td>{_when(f.created_at, tz)}<br>'
                f'<span class="muted">{names.channel(f.channel_id)}</span></td>'
                f"<td><b>{names.author(f.author_id)}</b> "
                f'<span class="muted">{extra}{score} · {esc(f.status)}</span>{text}</td>'
                f"<td>{_link(guild_id, f.channel_id, f.message_id)}</td></tr>"
            )
        out.append("</tbody></table></details>")
    return "".join(out)


def _complaints_section(reader: ReportReader, guild_id: int, tz: ZoneInfo, names: _Names) -> str:
    topics = reader.flag_counts(guild_id, "negative")
    total = sum(c for _, c in topics)
    out = ['<h2 id="complaints">Complaint topics</h2>']
    if not total:
        return out[0] + '<p class="muted">No comment was flagged as negative feedback.</p>'
    out.append(
        '<table class="topics"><thead><tr><th>topic</th><th class="n">flagged</th><th class="n">share</th>'
    )
    out.append("</tr></thead><tbody>")
    for topic, count in topics:
        out.append(
            f'<tr><td>{esc(topic or "other")}</td><td class="n">{_n(count)}</td>'
            f'<td class="n">{_pct(count, total)}</td></tr>'
        )
    out.append("</tbody></table>")
    flags = reader.flags(guild_id, "negative", MAX_FLAGGED)
    shown = f"the newest {len(flags)} of {_n(total)}" if total > len(flags) else f"all {_n(total)}"
    out.append(f'<h3 id="flagged">Flagged comments ({shown})</h3>')
    out.append(_flag_pages(flags, guild_id, tz, names, "flagged", "topic"))
    return "".join(out)


def _spam_section(reader: ReportReader, guild_id: int, spam: int, tz: ZoneInfo, names: _Names) -> str:
    out = ['<h2 id="spam">Spam</h2>', f"<p>{_n(spam)} message(s) counted as spam.</p>"]
    reasons = reader.spam_reasons(guild_id, 20)
    if reasons:
        out.append(
            '<table class="reasons"><thead><tr><th>reason</th><th class="n">flags</th></tr></thead><tbody>'
        )
        out.extend(f'<tr><td>{esc(r or "–")}</td><td class="n">{_n(c)}</td></tr>' for r, c in reasons)
        out.append("</tbody></table>")
        flags = reader.flags(guild_id, "spam", MAX_SPAM)
        out.append(f"<h3>Newest spam ({len(flags)})</h3>")
        out.append(_flag_pages(flags, guild_id, tz, names, "spamlist", "reason"))
    return "".join(out)


def _terms_section(reader: ReportReader, guild_id: int, tz: ZoneInfo) -> str:
    out = ['<h2 id="terms">Rising terms</h2>']
    kinds = ("negative", "manual")
    span = reader.flag_text_span(guild_id, kinds)
    if span is None:
        return out[0] + (
            '<p class="muted">No term data: Sentimeter keeps no message text, only the text of flagged '
            "comments, and none is stored for this server.</p>"
        )
    first, last, count = span
    step = -(-count // MAX_TERM_TEXTS)  # more comments than that: an even sample by flag id
    terms = rising_terms(reader.flag_texts(guild_id, kinds, step), first, last)
    middle = first + (last - first) // 2
    read = f"{_n(count)} comments" if step == 1 else f"a sample of 1 in {step} of {_n(count)} comments"
    out.append(
        f'<p class="muted">Words in flagged comments (the only text Sentimeter keeps; {read}) '
        f"that grew from {_when(first, tz)} – {_when(middle, tz)} to {_when(middle, tz)} – {_when(last, tz)}."
        "</p>"
    )
    if not terms:
        return "".join(out) + '<p class="muted">No word grew enough to show.</p>'
    out.append(
        '<table class="terms"><thead><tr><th>word</th><th class="n">before</th><th class="n">after</th></tr>'
        "</thead><tbody>"
    )
    out.extend(
        f'<tr><td>{esc(t.word)}</td><td class="n">{_n(t.before)}</td><td class="n">{_n(t.after)}</td></tr>'
        for t in terms
    )
    out.append("</tbody></table>")
    return "".join(out)


def _languages_section(v: _Vector) -> str:
    parts = [
        ("English", "pos", v.lang_en),
        ("Indonesian", "heat", v.lang_id),
        ("mixed", "neu", v.lang_mixed),
        ("other / unknown", "other", v.lang_other),
    ]
    total = sum(c for _, _, c in parts)
    out = ['<h2 id="languages">Language mix</h2>']
    if not total:
        return out[0] + '<p class="muted">No scored comments.</p>'
    out.append(_share_bar(parts, "language mix"))
    out.append('<table class="languages"><tbody>')
    out.extend(
        f'<tr><td><span class="key {css}"></span>{name}</td><td class="n">{_n(c)}</td>'
        f'<td class="n">{_pct(c, total)}</td></tr>'
        for name, css, c in parts
    )
    out.append("</tbody></table>")
    return "".join(out)


def render(
    reader: ReportReader,
    guilds: Sequence[int],
    tz: ZoneInfo,
    *,
    channel_names: Mapping[int, str] | None = None,
    author_names: Mapping[int, str] | None = None,
    guild_names: Mapping[int, str] | None = None,
    generated: datetime | None = None,
) -> str:
    names = _Names(channel_names or {}, author_names or {})
    now = (generated or datetime.now(UTC)).astimezone(tz)
    head = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        # nothing may be loaded: no script, no image, no font, no request of any kind
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Sentimeter report</title><style>{_CSS}</style></head><body><main>"
        '<nav class="muted">Sentimeter report · <a href="#overview">overview</a>'
        ' · <a href="#channels">channels</a>'
        ' · <a href="#trend">trend</a> · <a href="#activity">activity</a> · <a href="#top">top posts</a>'
        ' · <a href="#complaints">complaints</a> · <a href="#spam">spam</a> · <a href="#terms">terms</a>'
        ' · <a href="#languages">languages</a></nav>'
    )
    body = [head]
    if not guilds:
        body.append(
            '<h1>Sentimeter report</h1><p class="muted">The database holds no server\'s data yet.</p>'
        )
    for guild_id in guilds:
        body.append(_guild_section(reader, guild_id, tz, names, (guild_names or {}).get(guild_id)))
    body.append(
        f'<footer class="muted"><p>Made by Sentimeter on {now:%Y-%m-%d %H:%M} ({esc(tz.key)}).</p></footer>'
        "</main></body></html>\n"
    )
    return "".join(body)


def write_report_sync(
    database: Path,
    path: Path,
    tz: ZoneInfo | str | None = None,
    guild: int | Sequence[int] | None = None,
    *,
    channel_names: Mapping[int, str] | None = None,
    author_names: Mapping[int, str] | None = None,
    guild_names: Mapping[int, str] | None = None,
) -> Path:
    """Write the report of ``guild`` (one id, several, or None: every server in the database) to ``path``,
    atomically (a temporary file beside it, then renamed). Returns ``path``."""
    zone_info = tz if isinstance(tz, ZoneInfo) else zone(tz)
    if not database.is_file():
        raise SentimeterError(f"{database}: no such database")
    with ReportReader(database) as reader:
        if guild is None:
            guilds = reader.guilds()
        elif isinstance(guild, int):
            guilds = [guild]
        else:
            guilds = list(guild)
        page = render(
            reader,
            guilds,
            zone_info,
            channel_names=channel_names,
            author_names=author_names,
            guild_names=guild_names,
        )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", errors="replace", newline="\n") as f:
            f.write(page)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


async def write_report(
    database: Path,
    path: Path,
    tz: ZoneInfo | str | None = None,
    guild: int | Sequence[int] | None = None,
    **names: Mapping[int, str] | None,
) -> Path:
    """`write_report_sync` off the event loop."""
    return await asyncio.to_thread(write_report_sync, database, path, tz, guild, **names)
