"""The interface language: complete catalogs, every key used in code exists, the command tree translates."""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands
from discord.app_commands import TranslationContext
from discord.app_commands import TranslationContextLocation as Where

from bot.app import embeds
from bot.app.client import Sentimeter
from bot.app.i18n import (
    DEFAULT_LOCALE,
    SentimeterTranslator,
    available_locales,
    catalogs,
    locale_for,
    placeholders,
    t,
    translation_key,
)
from bot.app.i18n.translator import NAME_RE
from bot.storage.models import GuildConfig
from bot.storage.sqlite import SQLiteStorage
from tests.cogs.conftest import make_bot
from tests.test_extensions import extension_names

ROOT = Path(__file__).resolve().parent.parent
# Modules whose every dotted string literal in a catalog namespace must be a key (keys chosen in variables).
STRICT_MODULES = [
    "cogs/stats.py",
    "cogs/sentiment.py",
    "cogs/config.py",
    "cogs/lexicon.py",
    "bot/app/embeds.py",
]
# Keys built at run time: the literal head of the f-string -> every key it can produce.
DYNAMIC_KEYS: dict[str, list[str]] = {
    "period.": [f"period.{p}" for p in ("24h", "7d", "30d", "90d", "all")],
    "tier.": [f"tier.{tier}{rule}" for tier in ("nano", "micro", "macro", "mega") for rule in ("", ".rule")],
    "sentiment.label.": [f"sentiment.label.{label}" for label in ("positive", "neutral", "negative")],
    "language.detected.": [f"language.detected.{code}" for code in ("en", "id", "mixed", "unknown")],
    "permission.": [f"permission.{name}" for name in ("view_channel", "send_messages", "embed_links")],
    "config.spam_action.": [
        f"config.spam_action.{done}{action}" for done in ("", "done.") for action in ("review", "delete")
    ],
}
TRANSLATING_CALLS = {"t", "_text"}  # t(key, locale, ...) and the tree's _text(key, interaction, ...)


# -- the catalogs --------------------------------------------------------------------------------------------


def test_english_and_indonesian_exist() -> None:
    assert DEFAULT_LOCALE == "en"
    assert set(available_locales()) >= {"en", "id"}
    assert available_locales()[0] == "en"


def test_every_locale_has_the_same_keys_and_placeholders() -> None:
    english = catalogs()["en"]
    for code, catalog in catalogs().items():
        assert sorted(set(english) - set(catalog)) == [], f"{code}.json lacks keys"
        assert sorted(set(catalog) - set(english)) == [], f"{code}.json has keys English lacks"
        for key, text in catalog.items():
            assert placeholders(text) == placeholders(english[key]), f"{code}: {key}"
            assert text.strip(), f"{code}: {key} is empty"


def test_indonesian_is_actually_translated() -> None:
    english, indonesian = catalogs()["en"], catalogs()["id"]
    same = [k for k in english if english[k] == indonesian[k] and any(c.isalpha() for c in english[k])]
    assert len(same) < 0.2 * len(english), same


# -- keys used in code ---------------------------------------------------------------------------------------


def _sources() -> Iterator[Path]:
    for folder in ("bot", "cogs"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _key_expressions(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.IfExp):
        yield from _key_expressions(node.body)
        yield from _key_expressions(node.orelse)
    else:
        yield node


def keys_used_in_code() -> tuple[set[str], set[str], list[str]]:
    """(literal keys, literal heads of f-string keys, problems) from every t(...) call in bot/ and cogs/."""
    literal: set[str] = set()
    heads: set[str] = set()
    problems: list[str] = []
    namespaces = {key.split(".", 1)[0] for key in catalogs()[DEFAULT_LOCALE]}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in TRANSLATING_CALLS and node.args:
                for expr in _key_expressions(node.args[0]):
                    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                        literal.add(expr.value)
                    elif isinstance(expr, ast.JoinedStr):
                        first = expr.values[0] if expr.values else None
                        if isinstance(first, ast.Constant) and isinstance(first.value, str):
                            heads.add(first.value)
                        else:
                            problems.append(f"{relative}:{node.lineno}: key with no literal head")
            if relative in STRICT_MODULES and isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                looks_like_key = "." in value and " " not in value and not value.endswith((".", ".py"))
                if looks_like_key and value.split(".", 1)[0] in namespaces:
                    literal.add(value)
    return literal, heads, problems


def test_the_scan_finds_keys() -> None:
    literal, heads, _ = keys_used_in_code()
    assert {
        "stats.field.messages",
        "lexicon.updated",
        "sentiment.error.empty",
        "errors.unexpected",
    } <= literal
    assert "period." in heads


def test_every_key_used_in_code_exists_in_every_locale() -> None:
    literal, heads, problems = keys_used_in_code()
    assert problems == []
    for code, catalog in catalogs().items():
        assert sorted(literal - set(catalog)) == [], f"{code}.json lacks keys used in code"
        for head in heads:
            family = next((keys for prefix, keys in DYNAMIC_KEYS.items() if head.startswith(prefix)), None)
            if family is None:  # somebody else's run-time keys: at least one must exist
                assert any(key.startswith(head) for key in catalog), f"{code}: no key starts with {head!r}"
            else:
                assert sorted(set(family) - set(catalog)) == [], f"{code}: {head}…"


# -- t and locale_for ----------------------------------------------------------------------------------------


def test_t_fills_placeholders_and_falls_back() -> None:
    assert t("config.sensitivity.done", "en", level="High") == "Review sensitivity set to High."
    assert t("config.sensitivity.done", "id", level="Tinggi") == "Sensitivitas tinjauan diatur ke Tinggi."
    assert t("config.sensitivity.done", discord.Locale.indonesian, level="x").endswith("x.")
    assert t("period.7d", "en-GB") == "Last 7 days"  # a regional code uses its language
    assert t("period.7d", "fr") == "Last 7 days"  # a language we lack falls back to English
    assert t("period.7d", None) == "Last 7 days"
    assert t("no.such.key", "id") == "no.such.key"
    assert t("config.sensitivity.done", "en") == "Review sensitivity set to {level}."  # nothing to fill
    assert (
        t("config.sensitivity.done", "en", wrong="x") == "Review sensitivity set to {level}."
    )  # never raises


def test_numbers_use_the_languages_separators() -> None:
    assert embeds.fmt_int(1_234_567, "en") == "1,234,567"
    assert embeds.fmt_int(1_234_567, "id") == "1.234.567"
    assert embeds.fmt_decimal(-0.5, "id") == "−0,50"
    assert embeds.fmt_decimal(0.25, "en", signed=True) == "+0.25"
    assert embeds.fmt_pct(12.345, "id") == "12,3%"
    assert embeds.fmt_change(-3.04, "en") == "▼ 3.0%"
    assert embeds.fmt_change(None, "en") == ""
    assert embeds.hour_label(23, "en") == "23:00–00:00 UTC"


def _interaction(locale: discord.Locale) -> Any:
    interaction = create_autospec(discord.Interaction, instance=True, spec_set=True)
    interaction.locale = locale
    return interaction


@pytest.mark.parametrize(
    ("locale", "server_language", "expected"),
    [
        (discord.Locale.indonesian, None, "id"),
        (discord.Locale.indonesian, "en", "id"),  # the person's own language first
        (discord.Locale.british_english, "id", "en"),
        (discord.Locale.french, "id", "id"),  # a language we lack: the server's choice
        (discord.Locale.french, None, "en"),
    ],
)
def test_locale_for(locale: discord.Locale, server_language: str | None, expected: str) -> None:
    config = GuildConfig(guild_id=1, threshold=-0.5, language=server_language)
    assert locale_for(_interaction(locale), config) == expected


def test_locale_for_posts_nobody_asked_for() -> None:
    assert locale_for(None, GuildConfig(guild_id=1, threshold=-0.5, language="id")) == "id"
    assert locale_for(None, None) == "en"


# -- the command tree ----------------------------------------------------------------------------------------


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[Sentimeter]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db") as storage:
        bot = make_bot(storage, tmp_path / "sentimeter.db")
        for name in extension_names():
            await bot.load_extension(name)
        yield bot


def tree_strings(bot: Sentimeter) -> Iterator[tuple[app_commands.locale_str, TranslationContext[Any, Any]]]:
    """Every translatable string of the tree with the context the library translates it in."""

    def walk(command: Any) -> Iterator[tuple[app_commands.locale_str, TranslationContext[Any, Any]]]:
        if isinstance(command, app_commands.ContextMenu):
            yield (
                command._locale_name or app_commands.locale_str(command.name),
                TranslationContext(Where.command_name, command),
            )
            return
        group = isinstance(command, app_commands.Group)
        yield (
            command._locale_name or app_commands.locale_str(command.name),
            TranslationContext(Where.group_name if group else Where.command_name, command),
        )
        yield (
            command._locale_description or app_commands.locale_str(command.description),
            TranslationContext(Where.group_description if group else Where.command_description, command),
        )
        if group:
            for child in command.commands:
                yield from walk(child)
            return
        for parameter in command.parameters:
            name = parameter.locale_name or app_commands.locale_str(parameter.display_name)
            description = parameter.locale_description or app_commands.locale_str(parameter.description)
            yield name, TranslationContext(Where.parameter_name, parameter)
            yield description, TranslationContext(Where.parameter_description, parameter)
            for choice in parameter.choices:
                yield (
                    choice._locale_name or app_commands.locale_str(choice.name),
                    TranslationContext(Where.choice_name, choice),
                )

    for command in bot.tree.get_commands(type=None):
        yield from walk(command)


async def test_every_command_string_has_a_translation(loaded_bot: Sentimeter) -> None:
    english = catalogs()["en"]
    checked = 0
    for string, context in tree_strings(loaded_bot):
        key = translation_key(string, context)
        if key is None:
            continue  # marked translate=False (language names)
        checked += 1
        for code, catalog in catalogs().items():
            assert key in catalog, f"{code}.json lacks {key} ({string.message!r})"
        assert english[key] == string.message, f"en.json {key} differs from the code"
        for code, catalog in catalogs().items():
            text = catalog[key]
            if context.location in (
                Where.command_name,
                Where.group_name,
                Where.parameter_name,
            ) and not isinstance(context.data, app_commands.ContextMenu):
                assert NAME_RE.match(text) and text == text.lower(), (
                    f"{code}: {key} = {text!r} is no valid name"
                )
            elif context.location is Where.command_name:
                assert 1 <= len(text) <= 32, f"{code}: {key}"
            else:
                assert 1 <= len(text) <= 100, f"{code}: {key} is too long for Discord"
    assert checked > 50


async def test_translated_names_stay_unique(loaded_bot: Sentimeter) -> None:
    translator = SentimeterTranslator()
    for command in loaded_bot.tree.get_commands(type=None):
        payload = await command.get_translated_payload(loaded_bot.tree, translator)
        _assert_unique_localised_names(payload)


def _assert_unique_localised_names(payload: dict[str, Any]) -> None:
    options = payload.get("options") or []
    for code in available_locales()[1:]:
        names = [option.get("name_localizations", {}).get(code, option["name"]) for option in options]
        assert len(names) == len(set(names)), f"{code}: {names}"
    for option in options:
        if "options" in option:
            _assert_unique_localised_names(option)


async def test_translator_gives_indonesian_through_the_library(loaded_bot: Sentimeter) -> None:
    translator = SentimeterTranslator()
    tree = loaded_bot.tree

    stats = tree.get_command("stats")
    assert stats is not None
    payload = await stats.get_translated_payload(tree, translator)
    assert payload["name_localizations"] == {"id": "statistik"}
    channel = next(option for option in payload["options"] if option["name"] == "channel")
    assert channel["name_localizations"]["id"] == "saluran"
    period = next(option for option in channel["options"] if option["name"] == "period")
    assert {c["value"]: c["name_localizations"]["id"] for c in period["choices"]}["7d"] == "7 hari terakhir"

    menu = tree.get_command("Check sentiment", type=discord.AppCommandType.message)
    assert menu is not None
    menu_payload = await menu.get_translated_payload(tree, translator)
    assert menu_payload["name_localizations"] == {"id": "Cek sentimen"}

    config = tree.get_command("config")
    assert config is not None
    config_payload = await config.get_translated_payload(tree, translator)
    language = next(option for option in config_payload["options"] if option["name"] == "language")
    choices = language["options"][0]["choices"]
    assert {c["value"]: c["name"] for c in choices} == {"en": "English", "id": "Bahasa Indonesia"}
    assert all("name_localizations" not in c for c in choices)  # language names stay in their own language
