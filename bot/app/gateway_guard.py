"""One bad gateway event never ends the process.

discord.py parses every gateway event inside its websocket loop, so one payload it cannot parse (seen against
Spacebar, a Discord-compatible server: a member's ``roles`` as role objects instead of ids, ``"thread": null``
in a message) raises out of ``Client.connect()`` and ends the bot. ``guard_parsers`` wraps each of the
connection state's parsers: the known quirks are put back into Discord's shape first (so those messages are
still counted), and anything else that fails is logged in one line and skipped; the session carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Parser = Callable[[Any], Any]


def normalise_payload(data: Any) -> Any:
    """Known deviations from Discord's payloads, repaired in place (cheap checks; nothing else changes)."""
    if not isinstance(data, dict):
        return data
    member = data.get("member")
    if isinstance(member, dict):
        _role_ids(member)
    if "roles" in data and "user" in data:  # GUILD_MEMBER_ADD / UPDATE: the member is the payload
        _role_ids(data)
    members = data.get("members")
    if isinstance(members, list):  # GUILD_CREATE, GUILD_MEMBERS_CHUNK
        for each in members:
            if isinstance(each, dict):
                _role_ids(each)
    if "thread" in data and data["thread"] is None:  # Discord leaves the key out
        del data["thread"]
    return data


def _role_ids(member: dict[str, Any]) -> None:
    roles = member.get("roles")
    if isinstance(roles, list) and any(isinstance(r, dict) for r in roles):
        member["roles"] = [r.get("id") if isinstance(r, dict) else r for r in roles if r is not None]


def guarded(event: str, parse: Parser) -> Parser:
    def run(data: Any) -> Any:
        try:
            return parse(normalise_payload(data))
        except Exception as exc:  # one event lost, not the process
            log.warning(
                "Gateway event %s could not be read (%s: %s); skipped", event, type(exc).__name__, exc
            )
            log.debug("Unreadable %s event", event, exc_info=True)
            return None

    run.__wrapped__ = parse  # type: ignore[attr-defined]
    return run


def guard_parsers(parsers: dict[str, Parser]) -> None:
    """Wrap every parser of a discord.py ``ConnectionState.parsers`` in place (the websocket reads this very
    dict on every connect). Calling it twice wraps nothing twice."""
    for event, parse in list(parsers.items()):
        if not hasattr(parse, "__wrapped__"):
            parsers[event] = guarded(event, parse)
