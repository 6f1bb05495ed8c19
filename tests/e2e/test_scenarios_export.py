"""Issue 14, item 2 against the stand-in, with the real bot process: a moderator's /export sends CSV files
only they see, each parsed back and checked against the bot's database; a member without Manage Messages
gets a polite refusal and no file."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from bot.core.export import HEADERS, ExportKind
from testing.standin import BotProcess, FakeDiscord, Interaction

from .conftest import World, command_reply, db_query, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e


async def _export(fake: FakeDiscord, world: World, what: str) -> tuple[str, list[dict[str, str]], bool]:
    """(the reply's text, the CSV rows, ephemeral) of a moderator's /export <what> all."""
    asked: Interaction = await fake.invoke_slash_command(
        world.general, world.mod, "export", {"what": what, "period": "all"}
    )
    reply = await command_reply(fake, asked)
    messages = [m for m in (fake.original_response(asked), *fake.followups(asked)) if m is not None]
    files = [a for m in messages for a in m.attachments]
    assert len(files) == 1, files
    (attachment,) = files
    assert attachment.filename.startswith(f"sentimeter-{what}-all-{world.guild.id}-")
    text = attachment.data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == HEADERS[ExportKind(what)]
    return reply.content, list(reader), reply.ephemeral


async def test_export_sends_csv_files_that_match_the_database(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    hostile = await fake.post_message(
        world.general,
        world.alice,
        '=HYPERLINK("http://x") this stream is awful, the worst audio ever, I hate it',
    )
    liked = await fake.post_message(world.general, world.bob, "love this stream, great work")
    await fake.post_message(world.thread, world.bob, "this is the worst stream, terrible audio, I hate it")
    await wait_for_stored(fake, proc, 3)
    await fake.add_reaction(liked, world.alice, "👍")
    await fake.add_reaction(liked, world.mod, "🔥")

    def reacted() -> bool:
        rows = db_query(proc.database, "SELECT reactions FROM messages WHERE message_id = ?", (liked.id,))
        return bool(rows) and rows[0][0] == 2

    await fake.wait_for(reacted, timeout=30, description="the reactions stored")

    content, daily, ephemeral = await _export(fake, world, "daily")
    assert ephemeral and "rows in the attached CSV file" in content
    stored = db_query(
        proc.database, "SELECT channel_id, messages, reactions FROM channel_day ORDER BY channel_id"
    )
    got = sorted((int(r["channel_id"]), int(r["messages"]), int(r["reactions"])) for r in daily)
    assert got == sorted(stored) and sum(m for _c, m, _r in got) == 3
    names = {r["channel_id"]: r["channel_name"] for r in daily}
    assert names == {str(world.general.id): "general", str(world.thread.id): "side chat"}
    assert {r["parent_channel_id"] for r in daily if r["channel_id"] == str(world.thread.id)} == {
        str(world.general.id)
    }

    _content, flags, ephemeral = await _export(fake, world, "flags")
    stored_flags = db_query(proc.database, "SELECT id, message_id, text, kind, status FROM flags ORDER BY id")
    assert ephemeral and [int(r["flag_id"]) for r in flags] == [f[0] for f in stored_flags]
    assert len(flags) >= 1
    for row, (_id, message_id, text, kind, status) in zip(flags, stored_flags, strict=True):
        assert (row["kind"], row["status"]) == (kind, status)
        assert row["message_link"].endswith(f"/{message_id}")
        assert row["text"].lstrip("'") == text and not row["text"].startswith("=")
    mine = [r for r in flags if r["message_link"].endswith(f"/{hostile.id}")]
    assert mine and mine[0]["text"].startswith("'=HYPERLINK")

    _content, top, _ = await _export(fake, world, "top")
    assert top[0]["message_link"] == (
        f"https://discord.com/channels/{world.guild.id}/{world.general.id}/{liked.id}"
    )
    assert top[0]["reactions"] == "2"
    assert unhandled_errors(proc.logs()) == []


async def test_a_member_without_manage_messages_gets_no_file(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    asked = await fake.invoke_slash_command(world.general, world.alice, "export", {"what": "flags"})
    reply = await command_reply(fake, asked)
    assert reply.ephemeral and "Manage Messages" in reply.content
    messages: list[Any] = [
        m for m in (fake.original_response(asked), *fake.followups(asked)) if m is not None
    ]
    assert not [a for m in messages if m is not None for a in m.attachments]
    assert unhandled_errors(bot_process.logs()) == []
