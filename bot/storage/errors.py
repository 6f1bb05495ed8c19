"""Errors of the storage back ends that callers outside bot/storage handle without knowing the back end."""

from __future__ import annotations

from bot.core.errors import SentimeterError


class StorageUnavailable(SentimeterError):
    """A transient problem (connection lost, lock timeout, disk full...): the same write may succeed later.
    Raised by the PostgreSQL driver; SQLite raises ``sqlite3.OperationalError`` for the same cases."""
