"""The shared SQL (written for SQLite, see bot/storage/sqlite.py's SQLStorage) as PostgreSQL runs it.

``translate(sql)`` is done once per distinct string (cached): ``?`` and ``:name`` placeholders become ``$n``
(``names`` gives the order of a dict's values), and the few SQLite spellings the shared SQL uses become
PostgreSQL's. String literals, quoted identifiers, comments and ``::`` casts are left untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

# Whole fragments of the shared SQL that PostgreSQL spells differently (exact text; applied first).
_FRAGMENTS = {
    # _top.ANNOUNCEMENTS_SQL: the staff ids arrive as one JSON array
    "(SELECT value FROM json_each(:staff))": (
        "(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(:staff AS json)))"
    ),
    # sqlite.py _FORGET_WORDS_SQL: the learning example's features without the text's words
    (
        "(SELECT json_group_object(key, value) FROM json_each(learning_examples.features)"
        " WHERE key NOT LIKE 'h:%')"
    ): (
        "(SELECT coalesce(json_object_agg(key, value), '{}'::json)::text"
        " FROM json_each(learning_examples.features::json) WHERE key NOT LIKE 'h:%')"
    ),
    # _privacy.sweep_retention's scratch table (message ids are 64-bit)
    "CREATE TEMP TABLE IF NOT EXISTS expiring (message_id INTEGER PRIMARY KEY)": (
        "CREATE TEMP TABLE IF NOT EXISTS expiring (message_id BIGINT PRIMARY KEY)"
    ),
    "temp.expiring": "pg_temp.expiring",
}

_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|DEFERRED|EXCLUSIVE)\b", re.IGNORECASE)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
# SQLite's scalar max(a, b) / min(a, b) with two plain arguments (no parentheses or commas inside)
_SCALAR_MINMAX = re.compile(r"\b(max|min)\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FROM_SUBQUERY = re.compile(r"\bFROM\s*\(", re.IGNORECASE)
# what may follow a subquery in FROM that has no alias (SQLite allows none; PostgreSQL 15 needs one)
_NOT_ALIAS = {
    "",
    "where",
    "group",
    "order",
    "limit",
    "offset",
    "union",
    "having",
    "join",
    "left",
    "inner",
    "cross",
}


def _closing(sql: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start`` (quotes skipped); -1 if none."""
    depth, i, quote = 0, start, ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _alias_subqueries(sql: str) -> str:
    inserts = []
    for m in _FROM_SUBQUERY.finditer(sql):
        end = _closing(sql, m.end() - 1)
        if end < 0:
            continue
        after = _NAME.match(sql[end + 1 :].lstrip())
        word = after.group(0).lower() if after else ""
        if word in _NOT_ALIAS:
            inserts.append(end + 1)
    for k, at in enumerate(sorted(inserts, reverse=True)):
        sql = f"{sql[:at]} AS _sub{k}{sql[at:]}"
    return sql


class Translated(NamedTuple):
    sql: str
    names: tuple[str, ...] | None  # the dict keys in $n order; None: positional (``?``) parameters
    slots: int  # how many $n


def _rewrite(sql: str) -> str:
    for old, new in _FRAGMENTS.items():
        if old in sql:
            sql = sql.replace(old, new)
    sql = _BEGIN.sub("BEGIN", sql)
    if _OR_IGNORE.search(sql):
        sql = _OR_IGNORE.sub("INSERT INTO", sql).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"

    def minmax(m: re.Match[str]) -> str:
        return f"{'greatest' if m.group(1).lower() == 'max' else 'least'}({m.group(2)}, {m.group(3)})"

    return _alias_subqueries(_SCALAR_MINMAX.sub(minmax, sql))


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """SQLite-flavoured ``sql`` -> PostgreSQL (see the module's docstring)."""
    sql = _rewrite(sql)
    out: list[str] = []
    names: list[str] = []
    slots: dict[str, int] = {}
    positional = numbered = 0
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):  # a literal or a quoted identifier: copied as is ('' / "" escapes included)
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif ch == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif ch == "?":
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            if j > i + 1:  # ?NNN: SQLite's numbered parameter
                number = int(sql[i + 1 : j])
                numbered = max(numbered, number)
                out.append(f"${number}")
            else:
                positional += 1
                out.append(f"${positional}")
            i = j
        elif ch == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and (m := _NAME.match(sql, i + 1)) is not None:
            name = m.group(0)
            if name not in slots:
                names.append(name)
                slots[name] = len(names)
            out.append(f"${slots[name]}")
            i = m.end()
        else:
            out.append(ch)
            i += 1
    if (positional or numbered) and names:
        raise ValueError(f"both ? and :name placeholders in {sql!r}")
    positional = max(positional, numbered)
    if names:
        return Translated("".join(out), tuple(names), len(names))
    return Translated("".join(out), None, positional)


def arguments(t: Translated, params: Any) -> Sequence[Any]:
    """``params`` (a sequence, or a mapping for ``:name``) in ``$n`` order, text made storable (``text``)."""
    if t.names is not None:
        if not isinstance(params, Mapping):
            raise TypeError("named placeholders need a mapping of parameters")
        return [text(params[name]) for name in t.names]
    if isinstance(params, Mapping):
        raise TypeError("? placeholders need a sequence of parameters")
    args = [text(v) for v in params]
    if len(args) != t.slots:
        raise ValueError(f"{t.slots} placeholders, {len(args)} parameters")
    return args


def text(value: Any) -> Any:
    """PostgreSQL's text cannot hold NUL (SQLite's can, and Discord lets a member send one): a NUL becomes
    U+FFFD, as an undecodable byte would, instead of the whole write being refused."""
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def text_row(row: Sequence[Any]) -> Sequence[Any]:
    """``text`` over one row of values (COPY)."""
    if any(type(v) is str and "\x00" in v for v in row):
        return tuple(text(v) for v in row)
    return row
