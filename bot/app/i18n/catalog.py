"""Message catalogs: one flat JSON file per language in ``locales/`` (``en.json``, ``id.json``, …).

Adding a language means adding one file named after its Discord locale code (``fr.json``, ``pt-BR.json``);
a regional code falls back to its language (``en-GB`` -> ``en``) and everything falls back to English.
"""

from __future__ import annotations

import json
import logging
import string
from functools import cache
from importlib import resources
from typing import Any

import discord

log = logging.getLogger(__name__)

DEFAULT_LOCALE = "en"
_FORMATTER = string.Formatter()


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Every locale file, loaded once: locale code -> flat key -> template."""
    found: dict[str, dict[str, str]] = {}
    for entry in resources.files("bot.app.i18n.locales").iterdir():
        if not entry.name.endswith(".json"):
            continue
        data: Any = json.loads(entry.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise ValueError(f"{entry.name}: expected a flat object of strings")
        found[entry.name.removesuffix(".json")] = data
    if DEFAULT_LOCALE not in found:
        raise RuntimeError(f"bot/app/i18n/locales/{DEFAULT_LOCALE}.json is missing")
    return found


def available_locales() -> tuple[str, ...]:
    """Locale codes we have a catalog for, English first."""
    codes = sorted(catalogs())
    codes.remove(DEFAULT_LOCALE)
    return (DEFAULT_LOCALE, *codes)


def resolve_locale(value: str | discord.Locale | None) -> str | None:
    """The catalog for a Discord locale or language code (``"id"``, ``"en-GB"``); None when we lack it."""
    if value is None:
        return None
    code = value.value if isinstance(value, discord.Locale) else str(value)
    known = catalogs()
    if code in known:
        return code
    language = code.split("-", 1)[0]
    return language if language in known else None


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a template."""
    return frozenset(field for _, field, _, _ in _FORMATTER.parse(template) if field)


def t(key: str, locale: str | discord.Locale | None, /, **kw: object) -> str:
    """The text for ``key`` in ``locale`` (falling back to English), with ``{placeholders}`` filled from kw.

    Never raises: a missing key returns the key itself and a bad placeholder leaves the template unfilled
    (both are logged, and tests/test_i18n.py keeps them from happening)."""
    known = catalogs()
    code = resolve_locale(locale) or DEFAULT_LOCALE
    template = known[code].get(key)
    if template is None:
        template = known[DEFAULT_LOCALE].get(key)
        if template is None:
            log.warning("missing interface text %r", key)
            return key
    if not kw:
        return template
    try:
        return template.format(**kw)
    except (KeyError, IndexError, ValueError):
        log.warning("interface text %r (%s) could not be filled with %s", key, code, sorted(kw))
        return template
