"""Render the README's chart pictures from the example community (issue 15).

    python scripts/make_chart_pictures.py [--out docs/images] [--timezone Asia/Jakarta] [--locale en]

Runs ``sentimeter analyze`` on ``examples/dapur-nara`` into a temporary database, then draws each chart with
the same statistics (``bot.core.stats.StatsService``) and specs (``bot.app.stat_charts``) the bot uses, "now"
being the end of the example's newest hour. To add a chart, append a ``Picture`` to ``PICTURES``: a file name
and an async function from a ``Source`` to a spec (None: nothing to draw, the picture is skipped)."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.app.campaign_embeds import report_chart  # noqa: E402
from bot.app.embeds import period_label  # noqa: E402
from bot.app.i18n import t  # noqa: E402
from bot.app.stat_charts import activity_chart, flag_topics_chart, trend_chart  # noqa: E402
from bot.charts import BarChart, Heatmap, render_png  # noqa: E402
from bot.core.campaigns.cache import campaign_set  # noqa: E402
from bot.core.campaigns.inputs import local_midnight  # noqa: E402
from bot.core.campaigns.matcher import matcher_for  # noqa: E402
from bot.core.campaigns.report import build_report  # noqa: E402
from bot.core.digest import build_digest  # noqa: E402
from bot.core.periods import Period  # noqa: E402
from bot.core.stats import StatsService  # noqa: E402
from bot.core.timezones import zone_info  # noqa: E402
from bot.offline.exporter import ExportReader, export_files  # noqa: E402
from bot.storage.models import CampaignMentions, WriteOp  # noqa: E402
from bot.storage.sqlite import SQLiteStorage  # noqa: E402
from cogs.digest._view import chart_spec as digest_chart  # noqa: E402

EXAMPLE = ROOT / "examples" / "dapur-nara"
SERVER_NAME = "Dapur Nara"


@dataclass(frozen=True)
class Source:
    """What a picture is drawn from: the analysed example's statistics."""

    stats: StatsService
    storage: SQLiteStorage
    guild_id: int
    now: int
    zone: str
    locale: str


@dataclass(frozen=True)
class Picture:
    filename: str
    build: Callable[[Source], Awaitable[BarChart | Heatmap | None]]


async def _trend(src: Source) -> BarChart | None:
    trend = await src.stats.trend(src.guild_id, None, Period.MONTH, src.now, src.zone)
    title = t(
        "chart.title.trend", src.locale, place=SERVER_NAME, period=period_label(Period.MONTH, src.locale)
    )
    return trend_chart(trend, src.locale, title=title)


async def _activity(src: Source) -> Heatmap:
    activity = await src.stats.activity(src.guild_id, None, Period.QUARTER, src.now, src.zone)
    title = t(
        "chart.title.activity",
        src.locale,
        place=t("stats.place.server", src.locale),
        period=period_label(Period.QUARTER, src.locale),
    )
    return activity_chart(activity, src.locale, title=title)


async def _flags(src: Source) -> BarChart | None:
    topics = await src.stats.flag_topics(src.guild_id, Period.MONTH, src.now, src.zone)
    title = t("chart.title.flags", src.locale, period=period_label(Period.MONTH, src.locale))
    return flag_topics_chart(topics, src.locale, title=title)


async def _campaign(src: Source) -> BarChart | None:
    """A sponsor campaign over the example's weeks before last: the example's comments are matched with the
    bot's own matcher (``analyze`` keeps no campaigns) and written as the ingest path writes mentions."""
    today = datetime.fromtimestamp(src.now, zone_info(src.zone)).date()
    start, end = (local_midnight(today - timedelta(days=n), src.zone) for n in (21, 7))  # as /campaign add
    campaign = await src.storage.add_campaign(src.guild_id, "Sponsor reads", ["sponsor", "promo"], start, end)
    found = campaign_set([campaign])
    assert found is not None
    matcher = matcher_for(found)
    ops: list[WriteOp] = []
    for file in export_files([EXAMPLE]):
        for message in ExportReader(file):
            hits = matcher.match(message.content)
            if hits and message.created_at >= campaign.starts_at:
                ops.append(CampaignMentions(message.guild_id, message.message_id, hits))
    await src.storage.apply(ops)
    report = await build_report(src.storage, campaign, src.now, src.zone)
    return report_chart(report, src.locale)


async def _digest(src: Source) -> BarChart:
    return digest_chart(await build_digest(src.storage, src.guild_id, src.zone, src.now), src.locale)


PICTURES: list[Picture] = [
    Picture("stats-trend.png", _trend),
    Picture("stats-activity.png", _activity),
    Picture("flags-by-topic.png", _flags),
    Picture("campaign-report.png", _campaign),
    Picture("digest-week.png", _digest),
]


def analyze_example(db: Path) -> None:
    cmd = [sys.executable, "-m", "bot", "analyze", str(EXAMPLE), "--database", str(db), "--no-progress"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"make_chart_pictures: analyze failed: {done.stderr.strip()[-500:]}")


async def build_all(db: Path, zone: str, locale: str) -> list[tuple[str, BarChart | Heatmap]]:
    """Each picture's spec, from the analysed example (pictures with nothing to draw are left out)."""
    specs = []
    async with SQLiteStorage.open(db) as storage:
        guilds = await storage.export_guilds()
        if len(guilds) != 1:
            raise SystemExit(f"make_chart_pictures: expected one server in the example, found {len(guilds)}")
        guild_id = guilds[0]
        with sqlite3.connect(db) as conn:  # the newest hour with figures
            (newest,) = conn.execute(
                "SELECT max(hour) FROM guild_hour WHERE guild_id = ?", (guild_id,)
            ).fetchone()
        src = Source(StatsService(storage), storage, guild_id, int(newest) + 3599, zone, locale)
        for picture in PICTURES:
            spec = await picture.build(src)
            if spec is None:
                print(f"{picture.filename}: nothing to draw, skipped", file=sys.stderr)
            else:
                specs.append((picture.filename, spec))
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--timezone", default="Asia/Jakarta")
    parser.add_argument("--locale", default="en")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sentimeter-pictures-") as tmp:
        db = Path(tmp) / "example.db"
        analyze_example(db)
        specs = asyncio.run(build_all(db, args.timezone, args.locale))
    args.out.mkdir(parents=True, exist_ok=True)
    for filename, spec in specs:
        path = args.out / filename
        path.write_bytes(render_png(spec))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
