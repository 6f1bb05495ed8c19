"""A protocol-level Discord stand-in (REST v10 + gateway v10 on 127.0.0.1) for end-to-end tests and the
benchmarks."""

from .payloads import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    FLAG_EPHEMERAL,
    SnowflakeGenerator,
    snowflake_time,
)
from .process import BotProcess
from .server import FakeDiscord
from .state import Channel, Guild, Interaction, Member, Message, RecordedRequest, Role, User

__all__ = [
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "FLAG_EPHEMERAL",
    "BotProcess",
    "Channel",
    "FakeDiscord",
    "Guild",
    "Interaction",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "SnowflakeGenerator",
    "User",
    "snowflake_time",
]
