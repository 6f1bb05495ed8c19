"""Wire-level constants and helpers: snowflakes, timestamps, permission bits, opcodes.

Everything here mirrors what Discord documents and what discord.py's ``discord/types/*.py`` TypedDicts expect.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Attachment, Channel, Member, Message, Overwrite, Role, State, User

DISCORD_EPOCH_MS = 1420070400000
API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"

# Gateway opcodes
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Gateway intents (bit positions from the Discord docs)
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1  # privileged
INTENT_GUILD_PRESENCES = 1 << 8  # privileged
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15  # privileged

# Channel types
CHANNEL_TEXT = 0
CHANNEL_DM = 1
CHANNEL_VOICE = 2
CHANNEL_CATEGORY = 4
CHANNEL_NEWS = 5
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_PRIVATE_THREAD = 12
CHANNEL_STAGE = 13
CHANNEL_FORUM = 15
THREAD_TYPES = frozenset({10, CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD})
CHANNEL_TYPE_NAMES = {
    "text": CHANNEL_TEXT,
    "voice": CHANNEL_VOICE,
    "category": CHANNEL_CATEGORY,
    "news": CHANNEL_NEWS,
    "stage": CHANNEL_STAGE,
    "forum": CHANNEL_FORUM,
}

# Message flags
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_EMBEDS = 1 << 2

# Interaction types / callback types
INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5
CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

# Message types
MESSAGE_DEFAULT = 0
MESSAGE_GUILD_MEMBER_JOIN = 7
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20
MESSAGE_CONTEXT_MENU_COMMAND = 23

# Permission bits
P_CREATE_INSTANT_INVITE = 1 << 0
P_KICK_MEMBERS = 1 << 1
P_BAN_MEMBERS = 1 << 2
P_ADMINISTRATOR = 1 << 3
P_MANAGE_CHANNELS = 1 << 4
P_MANAGE_GUILD = 1 << 5
P_ADD_REACTIONS = 1 << 6
P_VIEW_AUDIT_LOG = 1 << 7
P_VIEW_CHANNEL = 1 << 10
P_SEND_MESSAGES = 1 << 11
P_MANAGE_MESSAGES = 1 << 13
P_EMBED_LINKS = 1 << 14
P_ATTACH_FILES = 1 << 15
P_READ_MESSAGE_HISTORY = 1 << 16
P_MENTION_EVERYONE = 1 << 17
P_USE_EXTERNAL_EMOJIS = 1 << 18
P_CHANGE_NICKNAME = 1 << 26
P_MANAGE_ROLES = 1 << 28
P_USE_APPLICATION_COMMANDS = 1 << 31
P_MANAGE_THREADS = 1 << 34
P_CREATE_PUBLIC_THREADS = 1 << 35
P_SEND_MESSAGES_IN_THREADS = 1 << 38
P_MODERATE_MEMBERS = 1 << 40
P_ALL = (1 << 53) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    P_CREATE_INSTANT_INVITE
    | P_ADD_REACTIONS
    | P_VIEW_CHANNEL
    | P_SEND_MESSAGES
    | P_EMBED_LINKS
    | P_ATTACH_FILES
    | P_READ_MESSAGE_HISTORY
    | P_USE_EXTERNAL_EMOJIS
    | P_CHANGE_NICKNAME
    | P_USE_APPLICATION_COMMANDS
    | P_CREATE_PUBLIC_THREADS
    | P_SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = (
    DEFAULT_EVERYONE_PERMISSIONS
    | P_MANAGE_MESSAGES
    | P_MODERATE_MEMBERS
    | P_MANAGE_THREADS
    | P_VIEW_AUDIT_LOG
)
# What a member in timeout keeps.
TIMEOUT_ALLOWED = P_VIEW_CHANNEL | P_READ_MESSAGE_HISTORY


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(when: dt.datetime | None) -> str | None:
    """Discord's timestamp format: ISO 8601 with microseconds and an explicit +00:00 offset."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def snowflake_time(snowflake: int) -> dt.datetime:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


class SnowflakeGenerator:
    """Unique ids whose timestamp part is the creation time (Discord epoch 2015-01-01).

    Ids made for "now" strictly increase; ids for a past time (backfill) sit at that time, made unique with
    the
    12-bit increment.
    """

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._increment = itertools.count()
        self._last_now = 0
        self._issued: set[int] = set()
        self._lock = threading.Lock()

    def _make(self, ms: int) -> int:
        inc = next(self._increment) & 0xFFF
        return ((ms - DISCORD_EPOCH_MS) << 22) | (self._worker << 17) | (self._process << 12) | inc

    def next(self, at: dt.datetime | None = None) -> int:
        with self._lock:
            if at is None:
                ms = int(utcnow().timestamp() * 1000)
                value = self._make(ms)
                if value <= self._last_now:
                    value = self._last_now + 1
                while value in self._issued:
                    value += 1
                self._last_now = value
            else:
                if at.tzinfo is None:
                    at = at.replace(tzinfo=dt.UTC)
                value = self._make(int(at.timestamp() * 1000))
                while value in self._issued:
                    value += 1
            self._issued.add(value)
            return value


def error_body(code: int, message: str) -> dict[str, object]:
    return {"code": code, "message": message}


# JSON error codes used by the stand-in (same numbers as Discord's)
ERR_UNKNOWN_CHANNEL = (10003, "Unknown Channel")
ERR_UNKNOWN_GUILD = (10004, "Unknown Guild")
ERR_UNKNOWN_MEMBER = (10007, "Unknown Member")
ERR_UNKNOWN_MESSAGE = (10008, "Unknown Message")
ERR_UNKNOWN_USER = (10013, "Unknown User")
ERR_UNKNOWN_EMOJI = (10014, "Unknown Emoji")
ERR_UNKNOWN_WEBHOOK = (10015, "Unknown Webhook")
ERR_UNKNOWN_INTERACTION = (10062, "Unknown interaction")
ERR_UNKNOWN_COMMAND = (10063, "Unknown application command")
ERR_CANNOT_EDIT_OTHERS = (50005, "Cannot edit a message authored by another user")
ERR_EMPTY_MESSAGE = (50006, "Cannot send an empty message")
ERR_MISSING_ACCESS = (50001, "Missing Access")
ERR_MISSING_PERMISSIONS = (50013, "Missing Permissions")
ERR_INVALID_FORM = (50035, "Invalid Form Body")
ERR_BULK_TOO_OLD = (50034, "You can only bulk delete messages that are under 14 days old.")
ERR_ALREADY_ACKNOWLEDGED = (40060, "Interaction has already been acknowledged.")
ERR_UNAUTHORIZED = (0, "401: Unauthorized")


# --- payload builders ---
# These turn state objects into the dicts Discord sends (compare discord/types/{user,member,role,channel,
# threads,guild,message,interactions}.py).


def user_payload(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": user.discriminator,
        "global_name": user.global_name,
        "avatar": user.avatar,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }
    if user.bot:
        data["bot"] = True
    if user.system:
        data["system"] = True
    return data


def role_payload(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def member_payload(
    member: Member, *, with_user: bool = True, permissions: int | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "joined_at": iso(member.joined_at),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "pending": member.pending,
        "communication_disabled_until": iso(member.communication_disabled_until),
    }
    if with_user:
        data["user"] = user_payload(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def overwrite_payload(ow: Overwrite) -> dict[str, Any]:
    return {"id": str(ow.id), "type": ow.type, "allow": str(ow.allow), "deny": str(ow.deny)}


def thread_metadata(channel: Channel) -> dict[str, Any]:
    return {
        "archived": channel.archived,
        "auto_archive_duration": channel.auto_archive_duration,
        "archive_timestamp": iso(channel.archived_at or snowflake_time(channel.id)),
        "locked": channel.locked,
        "invitable": channel.type == CHANNEL_PRIVATE_THREAD,
        "create_timestamp": iso(snowflake_time(channel.id)),
    }


def channel_payload(channel: Channel, *, permissions: int | None = None) -> dict[str, Any]:
    last = str(channel.last_message_id) if channel.last_message_id else None
    data: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "nsfw": channel.nsfw,
        "rate_limit_per_user": channel.rate_limit_per_user,
        "flags": 0,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    if channel.is_thread:
        live = len(channel.live_messages())
        data.update(
            owner_id=str(channel.owner_id or 0),
            last_message_id=last,
            message_count=live,
            total_message_sent=live,
            member_count=len(channel.thread_member_ids),
            thread_metadata=thread_metadata(channel),
            applied_tags=[],
        )
        return data
    data.update(
        position=channel.position, permission_overwrites=[overwrite_payload(o) for o in channel.overwrites]
    )
    if channel.type in (CHANNEL_TEXT, CHANNEL_NEWS, CHANNEL_VOICE, CHANNEL_FORUM, CHANNEL_STAGE):
        data.update(topic=channel.topic, last_message_id=last, default_auto_archive_duration=1440)
    if channel.type in (CHANNEL_VOICE, CHANNEL_STAGE):
        data.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
    if channel.type == CHANNEL_FORUM:
        data.update(
            available_tags=[],
            default_reaction_emoji=None,
            default_sort_order=None,
            default_forum_layout=0,
            default_thread_rate_limit_per_user=0,
        )
    return data


def attachment_payload(att: Attachment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(att.id),
        "filename": att.filename,
        "size": att.size,
        "url": att.url,
        "proxy_url": att.url,
        "flags": 0,
    }
    if att.content_type:
        data["content_type"] = att.content_type
    if att.description:
        data["description"] = att.description
    if att.width is not None:
        data.update(width=att.width, height=att.height)
    return data


def reactions_payload(message: Message, me_id: int) -> list[dict[str, Any]]:
    out = []
    for reaction in message.reactions.values():
        if not reaction.user_ids:
            continue
        count = len(reaction.user_ids)
        out.append(
            {
                "count": count,
                "count_details": {"burst": 0, "normal": count},
                "me": me_id in reaction.user_ids,
                "me_burst": False,
                "burst_colors": [],
                "emoji": dict(reaction.emoji),
            }
        )
    return out


def message_payload(
    state: State, msg: Message, *, gateway: bool = False, nested: bool = False
) -> dict[str, Any]:
    """A message object. Gateway events carry guild_id and the author's partial member; REST answers do
    not."""
    guild = state.guilds.get(msg.guild_id) if msg.guild_id else None
    mentions = []
    for uid in msg.mention_ids:
        user = state.users.get(uid)
        if user is None:
            continue
        entry = user_payload(user)
        member = guild.members.get(uid) if guild else None
        if member is not None and gateway:
            entry["member"] = member_payload(member, with_user=False)
        mentions.append(entry)
    data: dict[str, Any] = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "type": msg.type,
        "author": user_payload(msg.author),
        "content": msg.content,
        "timestamp": iso(msg.created_at),
        "edited_timestamp": iso(msg.edited_at),
        "tts": msg.tts,
        "mention_everyone": msg.mention_everyone,
        "mentions": mentions,
        "mention_roles": [str(r) for r in msg.mention_role_ids],
        "attachments": [attachment_payload(a) for a in msg.attachments],
        "embeds": [dict(e) for e in msg.embeds],
        "pinned": msg.pinned,
        "flags": msg.flags,
        "components": [dict(c) for c in msg.components],
    }
    if msg.sticker_items:
        data["sticker_items"] = [dict(s) for s in msg.sticker_items]
    reactions = reactions_payload(msg, state.bot_user.id)
    if reactions:
        data["reactions"] = reactions
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if msg.application_id is not None:
        data["application_id"] = str(msg.application_id)
    if msg.interaction_metadata is not None:
        data["interaction_metadata"] = dict(msg.interaction_metadata)
        legacy = {
            k: msg.interaction_metadata[k]
            for k in ("id", "type", "user", "name")
            if k in msg.interaction_metadata
        }
        if "name" in legacy:
            data["interaction"] = legacy
    if msg.nonce is not None:
        data["nonce"] = msg.nonce
    channel = state.channels.get(msg.channel_id)
    if channel is not None and channel.is_thread:
        data["position"] = sum(1 for m in channel.messages.values() if m.id < msg.id)
    if msg.reference is not None:
        data["message_reference"] = dict(msg.reference)
        if not nested and msg.type == MESSAGE_REPLY:
            ref = state.messages.get(int(msg.reference.get("message_id", 0)))
            data["referenced_message"] = (
                None
                if ref is None or ref.deleted
                else message_payload(state, ref, gateway=gateway, nested=True)
            )
    if gateway and msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
        member = guild.members.get(msg.author.id) if guild and msg.webhook_id is None else None
        if member is not None:
            data["member"] = member_payload(member, with_user=False)
    return data
