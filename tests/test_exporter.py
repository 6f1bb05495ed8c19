"""The DiscordChatExporter reader: shape, skipping rules, and one-line errors that say where."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import SentimeterError
from bot.offline.exporter import ExportError, ExportReader, export_files, merged_messages
from tests.conftest import REPO_ROOT

GUILD = {"id": "111", "name": "Test Server", "iconUrl": "https://cdn.discordapp.com/embed/avatars/1.png"}
CHANNEL = {
    "id": "222",
    "type": "GuildTextChat",
    "categoryId": "9",
    "category": "Text",
    "name": "general",
    "topic": None,
}


def author(user_id: int, *, bot: bool = False, roles: tuple[int, ...] = ()) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "name": f"user{user_id}",
        "discriminator": "0000",
        "nickname": None,
        "color": None,
        "isBot": bot,
        "roles": [{"id": str(r), "name": f"role{r}", "color": None, "position": 1} for r in roles],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
    }


def message(message_id: int, content: str, *, user: int = 5, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(message_id),
        "type": "Default",
        "timestamp": "2024-03-01T19:30:00.123+07:00",
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author(user),
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
    }
    body.update(extra)
    return body


def export(messages: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "guild": GUILD,
        "channel": CHANNEL,
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-03-02T00:00:00+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }
    doc.update(top)
    return doc


def write(tmp_path: Path, doc: Any, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def sample(tmp_path: Path) -> Path:
    reaction = {"emoji": {"id": "", "name": "👍", "code": "thumbsup", "isAnimated": False, "imageUrl": "x"}}
    return write(
        tmp_path,
        export(
            [
                message(1001, "love this stream 🔥", reactions=[{**reaction, "count": 3}]),
                message(
                    1002,
                    "agreed!",
                    user=6,
                    type="Reply",
                    reference={"messageId": "1001", "channelId": "222", "guildId": "111"},
                    timestampEdited="2024-03-01T19:35:00+07:00",
                    reactions=[{**reaction, "count": 2}, {**reaction, "count": 1}],
                ),
                message(1003, "", attachments=[{"id": "1", "url": "https://x/a.png", "fileName": "a.png"}]),
                message(
                    1004, "", stickers=[{"id": "7", "name": "Wave", "format": "Lottie", "sourceUrl": "x"}]
                ),
                {**message(1005, "Welcome!"), "author": author(99, bot=True)},
                message(1006, "", type="GuildMemberJoin", user=7),
                message(1007, "", type="ChannelPinnedMessage"),
                {**message(1008, "with roles"), "author": author(8, roles=(31, 32))},
            ]
        ),
    )


def test_header_and_counted_messages(tmp_path: Path) -> None:
    reader = ExportReader(sample(tmp_path))
    assert reader.header.guild_id == 111
    assert reader.header.guild_name == "Test Server"
    assert reader.header.channel_id == 222
    assert reader.header.channel_name == "general"
    assert reader.header.parent_channel_id is None

    messages = list(reader)
    assert [m.message_id for m in messages] == [1001, 1002, 1003, 1004, 1008]
    assert (reader.seen, reader.skipped_bots, reader.skipped_system) == (8, 1, 2)

    first, reply, attachment, sticker, with_roles = messages
    assert first.created_at == datetime(2024, 3, 1, 12, 30, 0, 123000, tzinfo=UTC).timestamp()
    assert first.content == "love this stream 🔥"
    assert first.reactions == 3 and first.reply_to_id is None and not first.has_attachments
    assert reply.reply_to_id == 1001 and reply.reactions == 3
    assert reply.edited_at == datetime(2024, 3, 1, 12, 35, tzinfo=UTC).timestamp()
    assert attachment.has_attachments and attachment.content == ""
    assert sticker.has_attachments
    assert with_roles.author_role_ids == frozenset({31, 32})

    incoming = reply.to_incoming()
    assert (incoming.guild_id, incoming.channel_id, incoming.message_id, incoming.author_id) == (
        111,
        222,
        1002,
        6,
    )
    assert incoming.reply_to_id == 1001
    assert attachment.to_incoming().has_attachments


def test_thread_export_knows_its_parent(tmp_path: Path) -> None:
    thread = {**CHANNEL, "id": "333", "type": "GuildPublicThread", "categoryId": "222", "category": "general"}
    path = write(tmp_path, export([message(1, "hi")], channel=thread))
    reader = ExportReader(path)
    assert reader.header.parent_channel_id == 222
    assert [m.parent_channel_id for m in reader] == [222]


def test_truncated_file_names_the_position(tmp_path: Path) -> None:
    full = sample(tmp_path).read_bytes()
    cut = full.index(b'"id": "1004"') + 5
    path = tmp_path / "cut.json"
    path.write_bytes(full[:cut])
    reader = ExportReader(path)
    with pytest.raises(ExportError) as caught:
        list(reader)
    text = str(caught.value)
    assert "\n" not in text
    assert f"truncated JSON at byte {cut}" in text
    assert "message 4" in text
    assert str(path) in text
    assert isinstance(caught.value, SentimeterError)


def test_malformed_json_names_the_byte(tmp_path: Path) -> None:
    good = sample(tmp_path).read_text(encoding="utf-8")
    broken = good.replace('"content": "agreed!"', '"content": "agreed!" oops', 1)
    path = tmp_path / "broken.json"
    path.write_text(broken, encoding="utf-8")
    expected = broken.encode("utf-8").index(b" oops") + 1  # 0-based offset of the stray "o"
    reader = ExportReader(path)
    with pytest.raises(ExportError) as caught:
        list(reader)
    text = str(caught.value)
    assert "\n" not in text
    assert "malformed JSON" in text and "message 2" in text
    assert f"at byte {expected}" in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2, 3]", "top level is not an object"),
        ('{"name": "package", "version": "1.0"}', "no 'messages' list"),
        ('{"messages": [{"id": "1"}]}', "no 'guild' and 'channel'"),
        ('{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": {"a": 1}}', "'messages' is not a list"),
        ("", "empty file"),
        ('{"guild": {"id": "1", "name": "x"', r"truncated JSON at byte 33 \(header\)"),
    ],
)
def test_files_that_are_not_exports(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "other.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=expected):
        list(ExportReader(path))


def test_bad_message_fields_name_the_message(tmp_path: Path) -> None:
    path = write(tmp_path, export([message(1, "fine"), message(2, "bad time", timestamp="yesterday")]))
    with pytest.raises(ExportError, match=r"bad message 2 .*'timestamp' is not an ISO 8601 time"):
        list(ExportReader(path))


def test_missing_file_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot read"):
        ExportReader(tmp_path / "nope.json")


def test_folders_expand_and_channels_merge_in_time_order(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    write(
        folder,
        export(
            [
                message(10, "a", timestamp="2024-03-01T10:00:00+00:00"),
                message(12, "c", timestamp="2024-03-01T12:00:00+00:00"),
            ]
        ),
        "a.json",
    )
    other = {**CHANNEL, "id": "223", "name": "feedback"}
    write(folder, export([message(11, "b", timestamp="2024-03-01T11:00:00+00:00")], channel=other), "b.json")
    files = export_files([folder])
    assert [p.name for p in files] == ["a.json", "b.json"]
    merged = list(merged_messages(ExportReader(p) for p in files))
    assert [(m.message_id, m.channel_id) for m in merged] == [(10, 222), (11, 223), (12, 222)]


def test_progress_callback_counts_every_byte(tmp_path: Path) -> None:
    path = sample(tmp_path)
    read: list[int] = []
    reader = ExportReader(path, on_bytes=read.append)
    list(reader)
    assert sum(read) == path.stat().st_size


def test_the_shipped_example_parses_fully() -> None:
    folder = REPO_ROOT / "examples" / "dapur-nara"
    files = export_files([folder])
    assert {p.name for p in files} >= {"general.json", "feedback.json", "clips.json", "ngobrol.json"}
    total = 0
    languages_seen = set()
    for path in files:
        reader = ExportReader(path)
        messages = list(reader)
        declared = json.loads(path.read_text(encoding="utf-8"))["messageCount"]
        assert reader.seen == declared
        assert len(messages) == declared - reader.skipped_bots - reader.skipped_system
        total += len(messages)
        for m in messages:
            if "banget" in m.content:
                languages_seen.add("id")
            if "stream" in m.content:
                languages_seen.add("en")
    assert 3_000 <= total <= 5_000
    assert languages_seen == {"en", "id"}
    assert sum(p.stat().st_size for p in files) < 3_000_000
