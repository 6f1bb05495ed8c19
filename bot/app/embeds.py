"""Embeds and number formatting for replies: statistics, sentiment checks, configuration, the lexicon.

Pure functions of plain data (no Discord state beyond building `discord.Embed`), every string through `t`,
numbers formatted with the separators of the reply's language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.app.i18n import t
from bot.app.markdown import truncate
from bot.core.scoring.thresholds import sentiment_label
from bot.storage.models import ChannelCount, GuildConfig, Sentiment, Totals

if TYPE_CHECKING:
    from bot.core.feedback import FeedbackVerdict
    from bot.core.periods import Period
    from bot.core.scoring import Explanation
    from bot.core.stats import Change, ChannelStats, MemberStats, ServerStats

log = logging.getLogger(__name__)

COLOUR_INFO = discord.Colour.blurple()
COLOUR_POSITIVE = discord.Colour.green()
COLOUR_NEGATIVE = discord.Colour.red()
COLOUR_NEUTRAL = discord.Colour.light_grey()

# Discord's limits
FIELD_VALUE_LIMIT = 1024
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256

ARROW_UP = "▲"
ARROW_DOWN = "▼"
ARROW_FLAT = "▬"


# -- formatting ----------------------------------------------------------------------------------------------


def _localise(formatted: str, locale: str) -> str:
    """Swap the separators of a number formatted the English way for the locale's."""
    thousands = t("format.thousands_separator", locale)
    decimal = t("format.decimal_separator", locale)
    table: dict[str, str | int | None] = {",": thousands, ".": decimal}
    return formatted.translate(str.maketrans(table))


def fmt_int(value: int, locale: str) -> str:
    return _localise(f"{value:,}", locale)


def fmt_decimal(value: float, locale: str, digits: int = 2, *, signed: bool = False) -> str:
    text = _localise(f"{abs(value):,.{digits}f}", locale)
    if round(value, digits) < 0:
        return "−" + text  # a real minus sign
    if signed and round(value, digits) > 0:
        return "+" + text
    return text


def fmt_pct(value: float | None, locale: str, digits: int = 1) -> str:
    """A percentage given on the 0..100 scale; ``—`` when there is nothing to divide."""
    if value is None:
        return t("common.none", locale)
    return t("format.percent", locale, value=fmt_decimal(value, locale, digits))


def fmt_ratio(value: float | None, locale: str, digits: int = 1) -> str:
    """A ratio given on the 0..1 scale, shown as a percentage."""
    return fmt_pct(None if value is None else value * 100.0, locale, digits)


def fmt_change(pct: float | None, locale: str) -> str:
    """``▲ 12.5%`` / ``▼ 3.0%`` / ``▬ 0%``; empty when the periods cannot be compared."""
    if pct is None:
        return ""
    if round(pct, 1) == 0:
        return f"{ARROW_FLAT} {fmt_pct(0.0, locale, 0)}"
    arrow = ARROW_UP if pct > 0 else ARROW_DOWN
    return f"{arrow} {fmt_pct(abs(pct), locale)}"


def fmt_delta(delta: float | None, locale: str) -> str:
    """A change of the average compound score: ``▲ +0.05``."""
    if delta is None:
        return ""
    if round(delta, 2) == 0:
        return f"{ARROW_FLAT} {fmt_decimal(0.0, locale)}"
    arrow = ARROW_UP if delta > 0 else ARROW_DOWN
    return f"{arrow} {fmt_decimal(delta, locale, signed=True)}"


def with_change(value: str, change: str) -> str:
    return f"{value} ({change})" if change else value


def page_footer(key: str, locale: str, *, page: int, pages: int, total: int) -> str:
    """The footer of a paged list: "page 2 of 5 · 93 entries" in the list's own wording (``key``)."""
    return t(
        key, locale, page=fmt_int(page, locale), pages=fmt_int(pages, locale), total=fmt_int(total, locale)
    )


def period_label(period: Period, locale: str) -> str:
    return t(f"period.{period.value}", locale)


def hour_label(hour: int | None, locale: str, zone: str = "UTC") -> str:
    if hour is None:
        return t("common.none", locale)
    return t("format.hour_range", locale, start=f"{hour:02d}:00", end=f"{(hour + 1) % 24:02d}:00", zone=zone)


def sentiment_mix(totals: Totals, locale: str) -> str:
    if not totals.scored:
        return t("stats.no_scored_messages", locale)
    return t(
        "stats.mix",
        locale,
        positive=fmt_pct(totals.share(Sentiment.POSITIVE), locale),
        neutral=fmt_pct(totals.share(Sentiment.NEUTRAL), locale),
        negative=fmt_pct(totals.share(Sentiment.NEGATIVE), locale),
    )


def language_mix(totals: Totals, locale: str) -> str:
    """The detected languages of the scored, non-spam messages (the sentiment mix's messages)."""
    split = totals.language_split()
    if split is None:
        return t("stats.no_scored_messages", locale)
    return t("stats.language_mix", locale, **{code: fmt_pct(pct, locale) for code, pct in split.items()})


def average_compound(totals: Totals, locale: str) -> str:
    avg = totals.avg_compound
    if avg is None:
        return t("common.none", locale)
    label = t(f"sentiment.label.{sentiment_label(avg)}", locale)
    return f"{fmt_decimal(avg, locale, signed=True)} · {label}"


def _colour_for(totals: Totals) -> discord.Colour:
    avg = totals.avg_compound
    if avg is None:
        return COLOUR_INFO
    return {"positive": COLOUR_POSITIVE, "negative": COLOUR_NEGATIVE}.get(sentiment_label(avg), COLOUR_INFO)


def channel_list(
    counts: Sequence[ChannelCount], locale: str, describe: Callable[[int], str | None], limit: int = 5
) -> str:
    """``1. #general — 1,234`` lines; ``describe`` turns an id into a mention, or None to leave it out."""
    lines: list[str] = []
    for count in counts:
        name = describe(count.channel_id)
        if name is None:
            continue
        lines.append(
            t(
                "stats.channel_line",
                locale,
                rank=len(lines) + 1,
                channel=name,
                messages=fmt_int(count.messages, locale),
            )
        )
        if len(lines) >= limit:
            break
    return truncate("\n".join(lines), FIELD_VALUE_LIMIT) if lines else t("common.none", locale)


# -- statistics ----------------------------------------------------------------------------------------------


def _totals_fields(
    embed: discord.Embed,
    totals: Totals,
    active_members: int | None,
    change: Change | None,
    locale: str,
    *,
    languages: bool = False,
) -> None:
    def pct(name: str) -> str:
        return fmt_change(getattr(change, name), locale) if change is not None else ""

    embed.add_field(
        name=t("stats.field.messages", locale),
        value=with_change(fmt_int(totals.messages, locale), pct("messages_pct")),
    )
    if active_members is not None:
        embed.add_field(
            name=t("stats.field.active_members", locale),
            value=with_change(fmt_int(active_members, locale), pct("active_pct")),
        )
    embed.add_field(
        name=t("stats.field.replies", locale),
        value=with_change(fmt_int(totals.replies, locale), pct("replies_pct")),
    )
    embed.add_field(
        name=t("stats.field.reactions", locale),
        value=with_change(fmt_int(totals.reactions, locale), pct("reactions_pct")),
    )
    embed.add_field(
        name=t("stats.field.sentiment_mix", locale), value=sentiment_mix(totals, locale), inline=False
    )
    if languages:
        embed.add_field(
            name=t("stats.field.language_mix", locale), value=language_mix(totals, locale), inline=False
        )
    delta = fmt_delta(change.avg_compound_delta, locale) if change is not None else ""
    embed.add_field(
        name=t("stats.field.average_compound", locale),
        value=with_change(average_compound(totals, locale), delta),
    )
    embed.add_field(
        name=t("stats.field.spam", locale),
        value=t("stats.spam_value", locale, count=fmt_int(totals.spam, locale)),
    )


def _period_footer(embed: discord.Embed, period: Period, change: Change | None, locale: str) -> None:
    label = period_label(period, locale)
    fields = ("messages_pct", "active_pct", "replies_pct", "reactions_pct", "avg_compound_delta")
    if change is None or all(getattr(change, name) is None for name in fields):
        text = t("stats.footer.no_comparison", locale, period=label)
    else:
        text = t("stats.footer.compared", locale, period=label)
    embed.set_footer(text=text)


def channel_stats_embed(
    stats: ChannelStats,
    locale: str,
    *,
    channel_name: str,
    channel_mention: str,
    includes_threads: bool = False,
) -> discord.Embed:
    """``includes_threads``: the channel can have threads (text or forum channel), whose messages the
    statistics include; the description says so."""
    embed = discord.Embed(
        title=truncate(t("stats.channel.title", locale, channel=channel_name), TITLE_LIMIT),
        description=t(
            "stats.channel.description_threads" if includes_threads else "stats.channel.description",
            locale,
            channel=channel_mention,
            period=period_label(stats.period, locale),
        ),
        colour=_colour_for(stats.totals),
    )
    _totals_fields(embed, stats.totals, stats.active_members, stats.change, locale, languages=True)
    embed.add_field(
        name=t("stats.field.busiest_hour", locale), value=hour_label(stats.busiest_hour, locale, stats.zone)
    )
    _period_footer(embed, stats.period, stats.change, locale)
    return embed


def server_stats_embed(
    stats: ServerStats, locale: str, *, guild_name: str, describe_channel: Callable[[int], str | None]
) -> discord.Embed:
    overall = stats.overall
    embed = discord.Embed(
        title=truncate(t("stats.server.title", locale, server=guild_name), TITLE_LIMIT),
        description=t("stats.server.description", locale, period=period_label(overall.period, locale)),
        colour=_colour_for(overall.totals),
    )
    _totals_fields(embed, overall.totals, overall.active_members, overall.change, locale, languages=True)
    embed.add_field(
        name=t("stats.field.busiest_hour", locale),
        value=hour_label(overall.busiest_hour, locale, overall.zone),
    )
    embed.add_field(name=t("stats.field.member_count", locale), value=fmt_int(stats.member_count, locale))
    embed.add_field(
        name=t("stats.field.engagement_rate", locale), value=fmt_ratio(stats.engagement_rate, locale)
    )
    embed.add_field(
        name=t("stats.field.tier", locale),
        value=t(
            "stats.tier_value",
            locale,
            tier=t(f"tier.{stats.tier}", locale),
            rule=t(f"tier.{stats.tier}.rule", locale),
        ),
    )
    embed.add_field(
        name=t("stats.field.top_channels", locale),
        value=channel_list(stats.top_channels, locale, describe_channel),
        inline=False,
    )
    _period_footer(embed, overall.period, overall.change, locale)
    return embed


def member_stats_embed(
    stats: MemberStats,
    locale: str,
    *,
    member_name: str,
    member_mention: str,
    describe_channel: Callable[[int], str | None],
) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(t("stats.member.title", locale, member=member_name), TITLE_LIMIT),
        description=t(
            "stats.member.description",
            locale,
            member=member_mention,
            period=period_label(stats.period, locale),
        ),
        colour=_colour_for(stats.totals),
    )
    _totals_fields(embed, stats.totals, None, None, locale)
    embed.add_field(name=t("stats.field.active_days", locale), value=fmt_int(stats.active_days, locale))
    embed.add_field(
        name=t("stats.field.top_channels", locale),
        value=channel_list(stats.top_channels, locale, describe_channel),
        inline=False,
    )
    embed.set_footer(text=period_label(stats.period, locale))
    return embed


# -- sentiment check -----------------------------------------------------------------------------------------


# The scorer explains a word's valence in English (WordContribution.note, parts joined by "; "); the parts we
# know are shown in the reader's language, anything else as it is.
_NOTE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^server lexicon$", "sentiment.note.server_lexicon"),
        (r"^ALL CAPS$", "sentiment.note.all_caps"),
        (r"^laughter ignored next to an insult$", "sentiment.note.laughter_ignored"),
        (r"^weakened and negated by '(?P<word>.+)'$", "sentiment.note.weakened_and_negated_by"),
        (r"^negated by '(?P<word>.+)'$", "sentiment.note.negated_by"),
        (r"^boosted by '(?P<word>.+)'$", "sentiment.note.boosted_by"),
        (r"^dampened by '(?P<word>.+)'$", "sentiment.note.dampened_by"),
        (r"^weakened before '(?P<word>.+)'$", "sentiment.note.weakened_before"),
        (r"^strengthened after '(?P<word>.+)'$", "sentiment.note.strengthened_after"),
    )
)


def localise_note(note: str, locale: str) -> str:
    parts: list[str] = []
    for part in note.split("; "):
        for pattern, key in _NOTE_PATTERNS:
            match = pattern.match(part)
            if match is not None:
                parts.append(t(key, locale, **match.groupdict()))
                break
        else:
            parts.append(part)
    return "; ".join(parts)


def contribution_lines(explanation: Explanation, locale: str, limit: int = 8) -> str:
    lines: list[str] = []
    for item in explanation.contributions[:limit]:
        line = t(
            "sentiment.contribution",
            locale,
            word=item.word,
            valence=fmt_decimal(item.valence, locale, signed=True),
        )
        if item.note:
            line += t("sentiment.contribution_note", locale, note=localise_note(item.note, locale))
        lines.append(line)
    more = len(explanation.contributions) - limit
    if more > 0:
        lines.append(t("sentiment.contribution_more", locale, count=fmt_int(more, locale)))
    return truncate("\n".join(lines), FIELD_VALUE_LIMIT) if lines else t("sentiment.no_contributions", locale)


def sentiment_embed(
    explanation: Explanation,
    locale: str,
    *,
    text: str,
    sensitivity: str,
    feedback: FeedbackVerdict,
    flagged: bool,
) -> discord.Embed:
    score = explanation.score
    label = sentiment_label(score.compound)
    colour = {"positive": COLOUR_POSITIVE, "negative": COLOUR_NEGATIVE}.get(label, COLOUR_NEUTRAL)
    quoted = truncate(text.replace("`", "ˋ"), 1000)
    embed = discord.Embed(
        title=t("sentiment.title", locale), description=f"```\n{quoted}\n```", colour=colour
    )
    embed.add_field(name=t("sentiment.field.label", locale), value=t(f"sentiment.label.{label}", locale))
    embed.add_field(
        name=t("sentiment.field.compound", locale), value=fmt_decimal(score.compound, locale, 3, signed=True)
    )
    embed.add_field(
        name=t("sentiment.field.parts", locale),
        value=t(
            "sentiment.parts",
            locale,
            pos=fmt_decimal(score.pos, locale, 3),
            neu=fmt_decimal(score.neu, locale, 3),
            neg=fmt_decimal(score.neg, locale, 3),
        ),
    )
    embed.add_field(
        name=t("sentiment.field.flagged", locale),
        value=t(
            "sentiment.flagged.yes" if flagged else "sentiment.flagged.no",
            locale,
            topic=t(f"topic.{feedback.topic}", locale),
            probability=fmt_pct(100 * feedback.probability, locale),
            level=t(f"config.sensitivity.name.{sensitivity}", locale),
        ),
    )
    embed.add_field(name=t("sentiment.field.language", locale), value=language_label(score.language, locale))
    embed.add_field(
        name=t("sentiment.field.reasoning", locale),
        value=contribution_lines(explanation, locale),
        inline=False,
    )
    return embed


def language_label(code: str, locale: str) -> str:
    known = {"en", "id", "mixed", "unknown"}
    return t(f"language.detected.{code if code in known else 'unknown'}", locale)


# -- configuration and lexicon -------------------------------------------------------------------------------


def _mentions(ids: frozenset[int], fmt: str, locale: str) -> str:
    if not ids:
        return t("common.none", locale)
    return truncate(" ".join(fmt.format(i) for i in sorted(ids)), FIELD_VALUE_LIMIT)


def config_embed(
    config: GuildConfig, locale: str, *, lexicon_size: int, title: str | None = None
) -> discord.Embed:
    embed = discord.Embed(title=title or t("config.title", locale), colour=COLOUR_INFO)
    embed.add_field(
        name=t("config.field.sensitivity", locale),
        value=t(f"config.sensitivity.{config.sensitivity}", locale),
    )
    embed.add_field(
        name=t("config.field.review_channel", locale),
        value=f"<#{config.review_channel_id}>"
        if config.review_channel_id
        else t("config.review_channel_none", locale),
    )
    embed.add_field(
        name=t("config.field.language", locale),
        value=t("language.name", config.language)
        if config.language
        else t("config.language_default", locale),
    )
    embed.add_field(
        name=t("config.field.spam_action", locale),
        value=t(
            f"config.spam_action.{config.spam_action}",
            locale,
            minutes=fmt_int(config.spam_timeout_minutes, locale),
        ),
    )
    embed.add_field(
        name=t("config.field.spam_timeout", locale),
        value=t("config.minutes", locale, minutes=fmt_int(config.spam_timeout_minutes, locale)),
    )
    embed.add_field(name=t("config.field.timezone", locale), value=config.timezone)
    embed.add_field(
        name=t("config.field.lexicon", locale),
        value=t("config.lexicon_value", locale, count=fmt_int(lexicon_size, locale)),
    )
    embed.add_field(
        name=t("config.field.exempt_channels", locale),
        value=_mentions(config.exempt_channels, "<#{}>", locale),
        inline=False,
    )
    embed.add_field(
        name=t("config.field.exempt_roles", locale),
        value=_mentions(config.exempt_roles, "<@&{}>", locale),
        inline=False,
    )
    return embed


def lexicon_embed(
    entries: Sequence[tuple[str, float]], locale: str, *, page: int, pages: int, total: int
) -> discord.Embed:
    embed = discord.Embed(title=t("lexicon.title", locale), colour=COLOUR_INFO)
    if not entries:
        embed.description = t("lexicon.empty", locale)
        return embed
    lines = [
        t(
            "lexicon.line",
            locale,
            word=word.replace("`", "ˋ"),
            weight=fmt_decimal(weight, locale, 1, signed=True),
        )
        for word, weight in entries
    ]
    embed.description = truncate("\n".join(lines), DESCRIPTION_LIMIT)
    embed.set_footer(text=page_footer("lexicon.footer", locale, page=page, pages=pages, total=total))
    return embed
