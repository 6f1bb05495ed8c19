"""Discord messages as the ingest pipeline's events: which messages are people's comments, and the
``IncomingMessage`` / ``IncomingEdit`` built from them. Shared by the live listener, catch-up and
back-fill."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.ingest.models import IncomingEdit, IncomingMessage

# Only these are people's comments; joins, pins, boosts, thread-starter copies, poll results... are not.
COMMENT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def _parent_channel_id(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def _role_ids(author: discord.abc.User) -> frozenset[int]:
    if isinstance(author, discord.Member):
        return frozenset(role.id for role in author.roles if not role.is_default())
    return frozenset()


def _is_staff(message: discord.Message) -> bool:
    """The server's owner or a moderator (Manage Messages, Manage Server or Administrator): their comments are
    never flagged — announcements with links are not spam and staff do not review themselves."""
    author = message.author
    guild = message.guild
    if not isinstance(author, discord.Member) or guild is None:
        return False
    if guild.owner_id == author.id:
        return True
    perms = author.guild_permissions
    return perms.administrator or perms.manage_guild or perms.manage_messages


def _has_attachments(message: discord.Message) -> bool:
    """Attachments, stickers, forwards and polls: counted for engagement; the text (if any) is scored."""
    return bool(message.attachments or message.stickers or message.message_snapshots or message.poll)


def is_comment(message: discord.Message) -> bool:
    """A person's message in a server: not a bot, a webhook, a system message, or a DM."""
    return (
        message.guild is not None
        and not message.author.bot
        and message.webhook_id is None
        and not message.is_system()
        and message.type in COMMENT_TYPES
    )


def incoming_from_message(message: discord.Message) -> IncomingMessage | None:
    if not is_comment(message) or message.guild is None:
        return None
    reply_to_id: int | None = None
    reference = message.reference
    if (
        message.type is discord.MessageType.reply
        and reference is not None
        and reference.type is discord.MessageReferenceType.reply
        and reference.message_id is not None
    ):
        reply_to_id = reference.message_id
    return IncomingMessage(
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        created_at=message.created_at.timestamp(),
        reply_to_id=reply_to_id,
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
        author_created_at=message.author.created_at.timestamp(),
    )


def incoming_from_edit(payload: discord.RawMessageUpdateEvent) -> IncomingEdit | None:
    """An edit of a person's comment, or None for updates that are not the author changing the text.

    Discord also sends MESSAGE_UPDATE when a link preview is added, a poll closes, or the message is pinned;
    those carry no new ``edited_timestamp`` (or no content at all in older payloads) and must not re-score."""
    data: Any = payload.data
    if payload.guild_id is None or "content" not in data or not data.get("edited_timestamp"):
        return None
    message = payload.message
    if not is_comment(message):
        return None
    cached = payload.cached_message
    if cached is not None and cached.content == message.content and cached.edited_at == message.edited_at:
        return None
    edited_at = message.edited_at or message.created_at
    return IncomingEdit(
        guild_id=payload.guild_id,
        channel_id=payload.channel_id,
        message_id=payload.message_id,
        author_id=message.author.id,
        content=message.content,
        edited_at=edited_at.timestamp(),
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
    )


def incoming_edit_from_message(message: discord.Message) -> IncomingEdit | None:
    """The edit a history message shows (catch-up), or None when it is not an edited comment."""
    if not is_comment(message) or message.guild is None or message.edited_at is None:
        return None
    return IncomingEdit(
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        edited_at=message.edited_at.timestamp(),
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
    )


def reactions_of(message: discord.Message) -> int:
    """The message's reactions as the live path counts them (the bot's own are not counted)."""
    return sum(max(0, reaction.count - (1 if reaction.me else 0)) for reaction in message.reactions)
