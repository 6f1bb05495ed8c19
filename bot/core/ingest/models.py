"""What the ingest pipeline takes in: a Discord-free view of a message, built by the listener cog from a
discord.Message and by `sentimeter analyze` from an export."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.text.bounds import MAX_CONTENT_CHARS, bound_content

__all__ = ["MAX_CONTENT_CHARS", "IncomingEdit", "IncomingMessage"]


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str
    created_at: float  # unix seconds
    reply_to_id: int | None = None
    parent_channel_id: int | None = None  # a thread's parent (exempt channels apply to their threads)
    has_attachments: bool = False  # attachments or stickers
    author_role_ids: frozenset[int] = field(default_factory=frozenset)
    author_created_at: float | None = None  # account age, for the spam behaviour signals
    author_is_staff: bool = False  # the owner or a moderator: never flagged (their links are announcements)

    def __post_init__(self) -> None:
        # where text enters the pipeline: at most Discord's own maximum, for scoring and the flag text
        bounded = bound_content(self.content)
        if bounded is not self.content:
            object.__setattr__(self, "content", bounded)


@dataclass(frozen=True, slots=True)
class IncomingEdit:
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    content: str
    edited_at: float
    parent_channel_id: int | None = None
    has_attachments: bool = False
    author_role_ids: frozenset[int] = field(default_factory=frozenset)
    author_is_staff: bool = False

    def __post_init__(self) -> None:
        # where text enters the pipeline: at most Discord's own maximum, for scoring and the flag text
        bounded = bound_content(self.content)
        if bounded is not self.content:
            object.__setattr__(self, "content", bounded)
