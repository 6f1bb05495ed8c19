"""One unreadable gateway event is skipped with one log line, through discord.py's real parsers; the Spacebar
quirks (roles as objects, ``"thread": null``) are read as Discord's shape."""

from __future__ import annotations

import logging

import pytest

from bot.app.gateway_guard import guard_parsers
from tests.cogs.test_listener import ROLE_ID, TEXT_ID, make_world, message_payload


def test_an_unreadable_event_is_one_line_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    world = make_world()
    parsers = world.state.parsers
    guard_parsers(parsers)
    guard_parsers(parsers)  # idempotent: wrapped once
    broken = message_payload(TEXT_ID, "hello")
    broken["author"] = None  # nothing can repair this one
    with caplog.at_level(logging.INFO, logger="bot.app.gateway_guard"):
        parsers["MESSAGE_CREATE"](broken)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage().startswith("Gateway event MESSAGE_CREATE could not be read (TypeError")
    assert "\n" not in record.getMessage()


def test_spacebar_payloads_are_read_as_discords() -> None:
    world = make_world()
    guard_parsers(world.state.parsers)
    data = message_payload(TEXT_ID, "odd but fine", roles=[ROLE_ID])
    data["member"]["roles"] = [{"id": str(ROLE_ID), "name": "fans"}]
    data["thread"] = None
    world.state.parsers["MESSAGE_CREATE"](data)
    (message,) = list(world.state._messages or [])
    assert message.content == "odd but fine"
    assert [r.id for r in message.author.roles if not r.is_default()] == [ROLE_ID]  # type: ignore[union-attr]


def test_member_lists_get_role_ids_too() -> None:
    from bot.app.gateway_guard import normalise_payload

    chunk = {"guild_id": "1", "members": [{"user": {"id": "5"}, "roles": [{"id": "7"}, "8"]}, None]}
    assert normalise_payload(chunk)["members"][0]["roles"] == ["7", "8"]
    update = {"guild_id": "1", "user": {"id": "5"}, "roles": [{"id": "9", "name": "x"}]}
    assert normalise_payload(update)["roles"] == ["9"]
    guild = {"id": "1", "roles": [{"id": "1", "name": "@everyone"}]}  # a guild's roles are objects: kept
    assert normalise_payload(guild)["roles"] == [{"id": "1", "name": "@everyone"}]
