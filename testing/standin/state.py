"""The stand-in's world: users, guilds, roles, members, channels, threads, messages, interactions, commands.

Plain dataclasses plus a `State` holding indexes, the request log and a change notifier that `wait_for` uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import payloads as p

T = TypeVar("T")


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    system: bool = False
    avatar: str | None = None
    discriminator: str = "0"

    @property
    def created_at(self) -> dt.datetime:
        return p.snowflake_time(self.id)

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Member:
    guild_id: int
    user: User
    roles: list[int] = field(default_factory=list)
    joined_at: dt.datetime = field(default_factory=p.utcnow)
    nick: str | None = None
    communication_disabled_until: dt.datetime | None = None
    pending: bool = False

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    def timed_out(self) -> bool:
        until = self.communication_disabled_until
        return until is not None and until > p.utcnow()


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Attachment:
    id: int
    filename: str
    size: int
    url: str
    content_type: str | None = None
    data: bytes | None = None
    description: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class Reaction:
    emoji: dict[str, Any]  # {"id": ..., "name": ...}
    user_ids: list[int] = field(default_factory=list)


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    type: int = p.MESSAGE_DEFAULT
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    mention_ids: list[int] = field(default_factory=list)
    mention_role_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    flags: int = 0
    reference: dict[str, Any] | None = None
    edited_at: dt.datetime | None = None
    pinned: bool = False
    tts: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    sticker_items: list[dict[str, Any]] = field(default_factory=list)
    interaction_metadata: dict[str, Any] | None = None
    reactions: dict[str, Reaction] = field(default_factory=dict)
    nonce: str | int | None = None
    deleted: bool = False
    # Bookkeeping for assertions
    allowed_mentions: dict[str, Any] | None = None
    request_payload: dict[str, Any] | None = None
    interaction_id: int | None = None  # set when created as an interaction response / follow-up
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def created_at(self) -> dt.datetime:
        return p.snowflake_time(self.id)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & p.FLAG_EPHEMERAL)

    def remove_reaction(self, key: str, user_id: int) -> bool:
        """Take ``user_id``'s reaction ``key`` off (dropping the emoji when nobody is left); False when there
        was none."""
        reaction = self.reactions.get(key)
        if reaction is None or user_id not in reaction.user_ids:
            return False
        reaction.user_ids.remove(user_id)
        if not reaction.user_ids:
            del self.reactions[key]
        return True

    def all_custom_ids(self) -> list[str]:
        found: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if "custom_id" in item:
                    found.append(item["custom_id"])
                walk(item.get("components", []))
                if isinstance(item.get("component"), dict):
                    walk([item["component"]])
                if isinstance(item.get("accessory"), dict):
                    walk([item["accessory"]])

        walk(self.components)
        return found

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        stack = list(self.components)
        while stack:
            item = stack.pop()
            if item.get("custom_id") == custom_id:
                return item
            stack.extend(item.get("components", []))
            for key in ("component", "accessory"):
                if isinstance(item.get(key), dict):
                    stack.append(item[key])
        return None


@dataclass
class Channel:
    id: int
    guild_id: int
    type: int
    name: str
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    nsfw: bool = False
    rate_limit_per_user: int = 0
    # thread-only
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archived_at: dt.datetime | None = None  # when it was archived (thread_metadata.archive_timestamp)
    thread_member_ids: set[int] = field(default_factory=set)
    # messages, by id
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in p.THREAD_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def live_messages(self) -> list[Message]:
        return sorted((m for m in self.messages.values() if not m.deleted), key=lambda m: m.id)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)  # includes threads
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)

    @property
    def everyone_role(self) -> Role:
        return self.roles[self.id]


@dataclass
class UploadedFile:
    field_name: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request the client made, with its decoded body."""

    method: str
    path: str
    route: str  # template, e.g. "/channels/{channel_id}/messages" (no /api/v10 prefix)
    match: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.monotonic)

    @property
    def key(self) -> str:
        return f"{self.method} {self.route}"


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user_id: int
    payload: dict[str, Any]  # exactly what INTERACTION_CREATE carried
    created_at: float = field(default_factory=time.monotonic)
    message_id: int | None = None  # the message a component sat on
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # each callback body, in order
    callback_type: int | None = None
    acknowledged_at: float | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    autocomplete_choices: list[dict[str, Any]] | None = None
    ephemeral: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    @property
    def response_data(self) -> dict[str, Any] | None:
        """The `data` of the first callback (reply content, embeds, modal …)."""
        if not self.callbacks:
            return None
        data = self.callbacks[0].get("data")
        return data if isinstance(data, dict) else None


@dataclass
class RateLimitRule:
    selector: str  # "METHOD /route/{template}", "sends", "callbacks" or "*"
    remaining: int
    retry_after: float
    is_global: bool
    scope: str
    status: int = 429
    error: tuple[int, str] | None = None

    def matches(self, method: str, route: str) -> bool:
        if self.selector == "*":
            return True
        if self.selector == "sends":
            return (method, route) in SEND_ROUTES
        if self.selector == "callbacks":
            return route == "/interactions/{interaction_id}/{interaction_token}/callback"
        sel_method, _, sel_route = self.selector.partition(" ")
        return sel_method.upper() == method and sel_route == route


SEND_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("POST", "/webhooks/{application_id}/{interaction_token}"),
}


class State:
    """All mutable data of the stand-in. Mutations call `notify()` so `wait_for` wakes up."""

    def __init__(self, *, token: str, bot_name: str, application_id: int | None = None) -> None:
        self.snowflakes = p.SnowflakeGenerator()
        self.token = token
        created = p.utcnow() - dt.timedelta(days=400)
        self.bot_user = User(
            id=self.snowflakes.next(created), username=bot_name, global_name=None, bot=True, discriminator="0"
        )
        self.application_id = application_id if application_id is not None else self.bot_user.id
        self.application_flags = (1 << 19) | (
            1 << 23
        )  # GATEWAY_GUILD_MEMBERS_LIMITED | MESSAGE_CONTENT_LIMITED
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.requests: list[RecordedRequest] = []
        self.rate_limit_rules: list[RateLimitRule] = []
        self.rate_limited: list[RecordedRequest] = []
        self.base_url = ""
        self._changed = asyncio.Event()
        # opt-in fault mode (issue 13, Spacebar quirk): message ids whose history payload discord.py cannot
        # parse (FakeDiscord.malform_in_history)
        self.malformed_history: set[int] = set()

    # --- change notification ---

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float,  # noqa: ASYNC109
        description: str = "",
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                what = description or getattr(predicate, "__name__", "condition")
                raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")
            # Re-check at least every 0.1 s: the predicate may depend on something outside the stand-in
            # (the client's own state, a log file).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=min(remaining, 0.1))

    # --- lookups ---

    def new_id(self, at: dt.datetime | None = None) -> int:
        return self.snowflakes.next(at)

    def new_token(self) -> str:
        return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)

    def guild_of_channel(self, channel: Channel) -> Guild:
        return self.guilds[channel.guild_id]

    def member(self, guild_id: int, user_id: int) -> Member | None:
        guild = self.guilds.get(guild_id)
        return None if guild is None else guild.members.get(user_id)

    # --- permissions (Discord's documented algorithm) ---

    def base_permissions(self, guild: Guild, member: Member) -> int:
        if member.user.id == guild.owner_id:
            return p.P_ALL
        perms = guild.everyone_role.permissions
        for role_id in member.roles:
            role = guild.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        if perms & p.P_ADMINISTRATOR:
            return p.P_ALL
        return perms

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        guild = self.guild_of_channel(channel)
        member = guild.members.get(user_id)
        if member is None:
            return 0
        perms = self.base_permissions(guild, member)
        if perms == p.P_ALL:
            return perms
        source = self.channels.get(channel.parent_id) if channel.is_thread and channel.parent_id else channel
        overwrites = {ow.id: ow for ow in (source.overwrites if source else [])}
        everyone = overwrites.get(guild.id)
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in member.roles:
            ow = overwrites.get(role_id)
            if ow and ow.type == 0:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        ow = overwrites.get(user_id)
        if ow and ow.type == 1:
            perms = (perms & ~ow.deny) | ow.allow
        if not perms & p.P_VIEW_CHANNEL:
            return 0
        if member.timed_out():
            perms &= p.TIMEOUT_ALLOWED
        return perms

    def has_permissions(self, channel: Channel, user_id: int, needed: int) -> bool:
        return self.permissions_in(channel, user_id) & needed == needed
