"""The interface language: ``t(key, locale, **kw)`` for every user-facing string, ``locale_for`` to pick the
language of a reply, and a command-tree ``Translator`` (set it with ``await tree.set_translator(...)``)."""

from bot.app.i18n.catalog import DEFAULT_LOCALE, available_locales, catalogs, placeholders, resolve_locale, t
from bot.app.i18n.locale import locale_for
from bot.app.i18n.translator import SentimeterTranslator, translation_key

__all__ = [
    "DEFAULT_LOCALE",
    "SentimeterTranslator",
    "available_locales",
    "catalogs",
    "locale_for",
    "placeholders",
    "resolve_locale",
    "t",
    "translation_key",
]
