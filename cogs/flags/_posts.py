"""Embeds for the review channel and for /flags: pure functions of a Flag (no Discord state)."""

from __future__ import annotations

import datetime as dt

import discord

from bot.app.embeds import fmt_change, fmt_decimal, fmt_int, fmt_ratio, page_footer
from bot.app.i18n import t
from bot.app.markdown import EMBED_FIELD_VALUE_LIMIT, REVIEW_REASON_LIMIT, jump_url, safe_text, truncate
from bot.core.review import WordCandidate
from bot.storage.models import Flag, FlagKind, FlagStatus, FlagSummary

COLOUR_OPEN = {
    FlagKind.NEGATIVE: discord.Colour.red(),
    FlagKind.SPAM: discord.Colour.orange(),
    FlagKind.MANUAL: discord.Colour.gold(),
}
COLOUR_RESOLVED = discord.Colour.dark_grey()
COLOUR_KEPT = discord.Colour.green()  # resolved as a false positive
LIST_TEXT_LIMIT = 120
TITLE_LIMIT = 256


def _when(unix: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, tz=dt.UTC)


def status_label(status: FlagStatus, locale: str) -> str:
    return t(f"review.status.{status.value}", locale)


def kind_label(kind: FlagKind, locale: str) -> str:
    return t(f"review.kind.{kind.value}", locale)


def status_line(flag: Flag, locale: str) -> str:
    """``Open`` / ``Deleted by @mod <t:…:R>`` / ``Message deleted (automatic) <t:…:R>``."""
    label = status_label(flag.status, locale)
    if flag.is_open or flag.resolved_at is None:
        return label
    if flag.resolved_by is not None:
        return t(
            "review.resolved_by", locale, status=label, user=f"<@{flag.resolved_by}>", when=flag.resolved_at
        )
    return t("review.resolved_auto", locale, status=label, when=flag.resolved_at)


def review_embed(
    flag: Flag, locale: str, *, show_text: bool = True, note: str | None = None
) -> discord.Embed:
    """The review post for a flag. ``show_text=False`` once the message is gone (privacy)."""
    if flag.is_open:
        colour = COLOUR_OPEN.get(flag.kind, discord.Colour.red())
    elif flag.status in (FlagStatus.NOT_NEGATIVE, FlagStatus.NOT_SPAM):
        colour = COLOUR_KEPT
    else:
        colour = COLOUR_RESOLVED
    if flag.text is not None and show_text:
        description = safe_text(flag.text) if flag.text.strip() else t("review.no_text", locale)
    else:
        description = t("review.text_removed", locale)
    embed = discord.Embed(
        title=t(f"review.title.{flag.kind.value}", locale),
        description=description,
        colour=colour,
        timestamp=_when(flag.created_at),
    )
    embed.add_field(name=t("review.field.author", locale), value=f"<@{flag.author_id}>")
    embed.add_field(name=t("review.field.channel", locale), value=f"<#{flag.channel_id}>")
    if flag.kind is FlagKind.SPAM:
        reason = safe_text(flag.reason, REVIEW_REASON_LIMIT) if flag.reason else t("review.no_reason", locale)
        if flag.topic is not None:  # for spam, the kind: gambling, scam, promotion, bait
            embed.add_field(
                name=t("review.field.spam_kind", locale), value=t(f"spam.category.{flag.topic}", locale)
            )
        embed.add_field(name=t("review.field.reason", locale), value=reason, inline=False)
    else:
        if flag.topic is not None:
            embed.add_field(name=t("review.field.topic", locale), value=t(f"topic.{flag.topic}", locale))
        if flag.compound is not None:
            embed.add_field(
                name=t("review.field.score", locale), value=fmt_decimal(flag.compound, locale, 3, signed=True)
            )
        if flag.reason:
            embed.add_field(
                name=t("review.field.evidence", locale),
                value=safe_text(flag.reason, REVIEW_REASON_LIMIT),
                inline=False,
            )
    embed.add_field(
        name=t("review.field.message", locale),
        value=t("review.jump", locale, url=jump_url(flag.guild_id, flag.channel_id, flag.message_id)),
    )
    embed.add_field(name=t("review.field.status", locale), value=status_line(flag, locale), inline=False)
    if note:
        embed.add_field(
            name=t("review.field.note", locale), value=truncate(note, EMBED_FIELD_VALUE_LIMIT), inline=False
        )
    embed.set_footer(text=t("review.footer", locale, id=flag.id))
    return embed


def spam_log_embed(flag: Flag, locale: str, *, note: str | None = None) -> discord.Embed:
    """The log entry for spam deleted automatically (spam action = delete)."""
    embed = review_embed(flag, locale, note=note or t("spam.auto_deleted.note", locale))
    embed.title = t("spam.auto_deleted.title", locale)
    return embed


def restored_embed(flag: Flag, locale: str, quoted: str) -> discord.Embed:
    """What Undo posts in the original channel: the deleted text, quoted by the bot."""
    embed = discord.Embed(
        title=t("spam.restored.title", locale),
        description=quoted or t("review.no_text", locale),
        colour=COLOUR_KEPT,
        timestamp=_when(flag.created_at),
    )
    embed.add_field(name=t("review.field.author", locale), value=f"<@{flag.author_id}>")
    embed.set_footer(text=t("spam.restored.footer", locale))
    return embed


# -- /flags list and /flags summary --------------------------------------------------------------------------


def flag_list_embed(
    flags: list[Flag], locale: str, *, page: int, pages: int, total: int, status: FlagStatus | None
) -> discord.Embed:
    title = (
        t("flags.list.title_status", locale, status=status_label(status, locale))
        if status is not None
        else t("flags.list.title", locale)
    )
    embed = discord.Embed(title=truncate(title, TITLE_LIMIT), colour=discord.Colour.blurple())
    if not flags:
        embed.description = t("flags.list.empty", locale)
        return embed
    for flag in flags:
        snippet = (
            safe_text(" ".join(flag.text.split()), LIST_TEXT_LIMIT)
            if flag.text
            else t("review.text_removed", locale)
        )
        value = t(
            "flags.list.entry",
            locale,
            kind=kind_label(flag.kind, locale),
            status=status_line(flag, locale),
            channel=f"<#{flag.channel_id}>",
            author=f"<@{flag.author_id}>",
            when=flag.created_at,
            url=jump_url(flag.guild_id, flag.channel_id, flag.message_id),
            text=snippet,
        )
        embed.add_field(
            name=t("flags.list.entry_name", locale, id=flag.id),
            value=truncate(value, EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    embed.set_footer(text=page_footer("flags.list.footer", locale, page=page, pages=pages, total=total))
    return embed


def topic_lines(summary: FlagSummary, previous: FlagSummary | None, locale: str) -> list[str]:
    """Negative feedback by topic, most first, each with its change against the period before (when that
    period is known and had some)."""
    lines = []
    for topic, count in sorted(summary.by_topic.items(), key=lambda item: (-item[1], item[0])):
        before = previous.by_topic.get(topic, 0) if previous is not None else 0
        change = fmt_change(100.0 * (count - before) / before, locale) if before else ""
        line = t(
            "flags.summary.count_line",
            locale,
            label=t(f"topic.{topic}", locale),
            count=fmt_int(count, locale),
        )
        lines.append(f"{line} {change}".rstrip())
    return lines


def flag_summary_embed(
    summary: FlagSummary,
    candidates: list[WordCandidate],
    locale: str,
    *,
    period_label: str,
    previous: FlagSummary | None = None,
    learned_from: int = 0,
) -> discord.Embed:
    """``learned_from``: how many moderator decisions the server's adjustment was fitted on (footer)."""
    embed = discord.Embed(
        title=t("flags.summary.title", locale, period=period_label), colour=discord.Colour.blurple()
    )
    learned = (
        t("flags.summary.learned", locale, count=fmt_int(learned_from, locale)) if learned_from else None
    )
    total = sum(summary.by_status.values())
    if total == 0:
        embed.description = t("flags.summary.empty", locale)
        if learned is not None:
            embed.set_footer(text=learned)
        return embed
    status_lines = [
        t(
            "flags.summary.count_line",
            locale,
            label=status_label(status, locale),
            count=fmt_int(count, locale),
        )
        for status, count in sorted(summary.by_status.items(), key=lambda item: (-item[1], item[0].value))
        if count
    ]
    kind_lines = [
        t("flags.summary.count_line", locale, label=kind_label(kind, locale), count=fmt_int(count, locale))
        for kind, count in sorted(summary.by_kind.items(), key=lambda item: (-item[1], item[0].value))
        if count
    ]
    channel_lines = [
        t("flags.summary.count_line", locale, label=f"<#{c.channel_id}>", count=fmt_int(c.messages, locale))
        for c in summary.by_channel[:10]
    ]
    none = t("common.none", locale)
    embed.add_field(name=t("flags.summary.field.total", locale), value=fmt_int(total, locale), inline=True)
    embed.add_field(
        name=t("flags.summary.field.fp_rate", locale), value=fmt_ratio(summary.false_positive_rate, locale)
    )
    embed.add_field(
        name=t("flags.summary.field.by_status", locale),
        value=truncate("\n".join(status_lines), EMBED_FIELD_VALUE_LIMIT) or none,
        inline=False,
    )
    embed.add_field(
        name=t("flags.summary.field.by_kind", locale),
        value=truncate("\n".join(kind_lines), EMBED_FIELD_VALUE_LIMIT) or none,
    )
    if summary.by_topic:
        embed.add_field(
            name=t("flags.summary.field.by_topic", locale),
            value=truncate("\n".join(topic_lines(summary, previous, locale)), EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    embed.add_field(
        name=t("flags.summary.field.by_channel", locale),
        value=truncate("\n".join(channel_lines), EMBED_FIELD_VALUE_LIMIT) or none,
    )
    if candidates:
        words = "\n".join(
            t(
                "flags.summary.word_line",
                locale,
                word=safe_text(c.word, 100),
                count=fmt_int(c.flags, locale),
                valence=fmt_decimal(c.avg_valence, locale, 2, signed=True),
            )
            for c in candidates
        )
        value = truncate(words, EMBED_FIELD_VALUE_LIMIT)
    else:
        value = t("flags.summary.no_words", locale)
    embed.add_field(name=t("flags.summary.field.words", locale), value=value, inline=False)
    hint = t("flags.summary.words_hint", locale)
    embed.set_footer(text=hint if learned is None else f"{hint}\n{learned}")
    return embed
