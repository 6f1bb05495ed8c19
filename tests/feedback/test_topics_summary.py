"""Complaint topics where a creator looks: the flags the pipeline writes keep their topic, /flags summary
counts them by topic with the change against the period before."""

from __future__ import annotations

from pathlib import Path

from bot.core.ingest.models import IncomingMessage
from bot.core.ingest.pipeline import Pipeline
from bot.core.scoring import Scorer
from bot.core.spam import SpamDetector
from bot.storage.models import FlagSummary, GuildConfig
from bot.storage.sqlite import SQLiteStorage
from cogs.flags._posts import flag_summary_embed, topic_lines

GUILD = 1
DAY = 86_400
T0 = 1_700_000_000


def message(message_id: int, content: str, created_at: int) -> IncomingMessage:
    return IncomingMessage(
        guild_id=GUILD,
        channel_id=10,
        message_id=message_id,
        author_id=7,
        content=content,
        created_at=created_at,
    )


async def test_flags_keep_their_topic_and_the_summary_counts_them(tmp_path: Path) -> None:
    pipeline = Pipeline(Scorer(), SpamDetector())
    config = GuildConfig(guild_id=GUILD, threshold=0.0)
    earlier = [message(1, "suaranya kecil gak kedengeran", T0)]
    later = [
        message(2, "the audio was a bit meh today", T0 + DAY),
        message(3, "mic nya kecil bgt bang, suara lu ketutup musik", T0 + DAY + 60),
        message(4, "going live at 7 and it's 9:40, every single time", T0 + DAY + 120),
        message(5, "loved this one, thank you!!", T0 + DAY + 180),
    ]
    async with SQLiteStorage.open(tmp_path / "s.db") as storage:
        changes = await storage.apply([pipeline.on_message(m, config) for m in earlier + later])
        assert {c.flag.message_id: c.flag.topic for c in changes} == {
            1: "audio", 2: "audio", 3: "audio", 4: "schedule",
        }  # fmt: skip
        now = await storage.flag_summary(GUILD, T0 + DAY, T0 + 2 * DAY)
        before = await storage.flag_summary(GUILD, T0, T0 + DAY)
    assert now.by_topic == {"audio": 2, "schedule": 1}
    assert before.by_topic == {"audio": 1}
    assert topic_lines(now, before, "en") == ["audio: 2 ▲ 100.0%", "schedule: 1"]
    embed = flag_summary_embed(now, [], "en", period_label="Last 24 hours", previous=before)
    field = next(f for f in embed.fields if f.name == "Complaints by topic (change from the period before)")
    assert field.value == "audio: 2 ▲ 100.0%\nschedule: 1"


def test_no_topics_no_field() -> None:
    empty_topics = FlagSummary(by_status={}, by_channel=[], by_kind={})
    assert topic_lines(empty_topics, None, "id") == []


def test_a_review_post_shows_the_topic_and_the_evidence_safely() -> None:
    from bot.storage.models import Flag, FlagKind, FlagStatus
    from cogs.flags._posts import review_embed

    flag = Flag(
        id=9,
        guild_id=GUILD,
        channel_id=10,
        message_id=2,
        author_id=7,
        kind=FlagKind.NEGATIVE,
        status=FlagStatus.OPEN,
        text="telat mulu @everyone",
        compound=-0.2,
        reason="“telat mulu”, “@everyone”",
        created_at=T0,
        topic="schedule",
    )
    fields = {f.name: f.value for f in review_embed(flag, "en").fields}
    assert fields["About"] == "schedule"
    assert "telat mulu" in str(fields["Because of"]) and "@everyone" not in str(fields["Because of"]).replace(
        "@\u200beveryone", ""
    )  # escaped: never pings
    assert {f.name: f.value for f in review_embed(flag, "id").fields}["Tentang"] == "jadwal"


async def test_spam_flags_keep_their_category_and_the_post_names_it(tmp_path: Path) -> None:
    from cogs.flags._posts import review_embed

    pipeline = Pipeline(Scorer(), SpamDetector())
    config = GuildConfig(guild_id=GUILD, threshold=0.0)
    texts = {
        11: "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini maxwin, depo 10rb langsung jp! link di bio",
        12: "hey bro i accidentally reported your account, contact this admin <@123456789012345678>",
    }
    async with SQLiteStorage.open(tmp_path / "s.db") as storage:
        changes = await storage.apply(
            [pipeline.on_message(message(i, text, T0), config) for i, text in texts.items()]
        )
        flags = {c.flag.message_id: c.flag for c in changes}
        assert {i: f.topic for i, f in flags.items()} == {11: "gambling", 12: "scam"}
        assert (await storage.flag_summary(GUILD, T0, T0 + DAY)).by_topic == {}  # topics count feedback only
    en = {f.name: f.value for f in review_embed(flags[11], "en").fields}
    assert en["Kind"] == "gambling promotion" and en["Reason"]
    assert {f.name: f.value for f in review_embed(flags[12], "id").fields}[
        "Jenis"
    ] == "penipuan atau phishing"
