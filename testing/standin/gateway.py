"""Gateway v10 over a websocket: HELLO, IDENTIFY/READY, RESUME/RESUMED, heartbeats, dispatch with per-session
sequence numbers and a replay buffer, RECONNECT, INVALID_SESSION and server-side drops.

Transport compression: ``compress=zlib-stream`` (one zlib stream per connection, every message ends with a
Z_SYNC_FLUSH) and, when the ``zstandard`` package is importable, ``compress=zstd-stream``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads as p
from .state import Channel, Guild, Member, Message, Role, State, User

log = logging.getLogger(__name__)

PRIVILEGED = {
    "members": p.INTENT_GUILD_MEMBERS,
    "presences": p.INTENT_GUILD_PRESENCES,
    "message_content": p.INTENT_MESSAGE_CONTENT,
}

Transform = Callable[["Session", dict[str, Any]], dict[str, Any] | None]


@dataclass
class ConnectionInfo:
    """What one websocket connection looked like (for assertions)."""

    path: str
    query: dict[str, str]
    compress: str | None
    identified: bool = False
    resumed: bool = False
    close_code: int | None = None


class Connection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, info: ConnectionInfo) -> None:
        self.ws = ws
        self.request = request
        self.info = info
        self.session: Session | None = None
        self.live = False  # dispatches go out directly (READY/RESUMED sent and not told to reconnect)
        self.dead = False
        self._zlib = zlib.compressobj() if info.compress == "zlib-stream" else None
        self._zstd: Any = None
        if info.compress == "zstd-stream":
            import zstandard  # only when a client asks for it

            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._zstd_flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    async def send(self, payload: dict[str, Any]) -> None:
        if self.dead:
            raise ConnectionResetError("connection is gone")
        text = json.dumps(payload, separators=(",", ":"))
        try:
            if self._zlib is not None:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            elif self._zstd is not None:
                data = self._zstd.compress(text.encode()) + self._zstd.flush(self._zstd_flush)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)
        except (ConnectionError, RuntimeError) as exc:
            self.dead = True
            self.live = False
            raise ConnectionResetError(str(exc)) from exc

    async def close(self, code: int, message: str = "") -> None:
        self.live = False
        self.info.close_code = code
        if not self.ws.closed:
            await self.ws.close(code=code, message=message.encode())
        self.dead = True

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (what a network failure looks like)."""
        self.live = False
        self.dead = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] | None
    seq: int = 0
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=10_000))
    connection: Connection | None = None
    invalid: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    dispatched: list[str] = field(default_factory=list)  # event names, in sequence order

    def wants_guild(self, guild_id: int) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    async def push(self, event: str, data: dict[str, Any] | None) -> None:
        """Assign the next sequence number, buffer the event and send it if the connection is live."""
        async with self.lock:
            self.seq += 1
            frame = {"op": p.OP_DISPATCH, "t": event, "s": self.seq, "d": data}
            self.buffer.append(frame)
            self.dispatched.append(event)
            conn = self.connection
            if conn is not None and conn.live:
                try:
                    await conn.send(frame)
                except ConnectionResetError:
                    log.debug("session %s: send failed, event %s kept for RESUME", self.id, event)


class Gateway:
    def __init__(
        self,
        state: State,
        *,
        heartbeat_interval_ms: int,
        privileged_enabled: dict[str, bool],
        on_change: Callable[[], None],
    ) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_enabled = dict(privileged_enabled)
        self.ack_heartbeats = True
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.connection_log: list[ConnectionInfo] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.heartbeat_seqs: list[int | None] = []  # the `d` of every heartbeat: the client's last seq
        self.presence_updates: list[dict[str, Any]] = []
        self.gateway_url = ""
        self.resume_url = ""
        self._on_change = on_change
        self.quirks: set[str] = set()  # opt-in payload deviations (QUIRKS)
        # GET /gateway/bot's "shards"; sessions are routed by their IDENTIFY's shard (Session.wants_guild)
        self.recommended_shards = 1

    # --- helpers ---

    def live_connections(self) -> list[Connection]:
        return [c for c in self.connections if c.live and not c.dead]

    def active_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.invalid]

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        intent: int | None = None,
        guild_id: int | None = None,
        transform: Transform | None = None,
    ) -> None:
        """Send an event to every session that asked for it (buffered while a session is disconnected)."""
        for session in self.active_sessions():
            if intent is not None and not session.intents & intent:
                continue
            if guild_id is not None and not session.wants_guild(guild_id):
                continue
            payload = transform(session, data) if transform else data
            if payload is None:
                continue
            if self.quirks:
                payload = with_quirks(self.quirks, event, payload)
            await session.push(event, payload)
        self._on_change()

    def guild_create_payload(self, guild: Guild, session: Session) -> dict[str, Any]:
        state = self.state
        with_members = bool(session.intents & p.INTENT_GUILD_MEMBERS)
        members = list(guild.members.values())
        if not with_members:
            members = [m for m in members if m.user.id == state.bot_user.id]
        bot_member = guild.members.get(state.bot_user.id)
        channels = [c for c in guild.channels.values() if not c.is_thread]
        threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
        data = guild_payload(guild)
        data.update(
            joined_at=p.iso(bot_member.joined_at if bot_member else p.utcnow()),
            large=False,
            unavailable=False,
            member_count=len(guild.members),
            voice_states=[],
            members=[p.member_payload(m) for m in members],
            channels=[{k: v for k, v in p.channel_payload(c).items() if k != "guild_id"} for c in channels],
            threads=[p.channel_payload(t) for t in threads],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
            embedded_activities=[],
            lazy=True,
        )
        return data

    # --- websocket handler ---

    async def handle(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        compress = query.get("compress")
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        info = ConnectionInfo(path=request.path, query=query, compress=compress)
        self.connection_log.append(info)
        if compress not in (None, "zlib-stream", "zstd-stream"):
            await ws.close(code=4000, message=b"Unknown compression")
            return ws
        if compress == "zstd-stream":
            try:
                import zstandard  # noqa: F401
            except ImportError:
                await ws.close(code=4000, message=b"zstd-stream not available in the stand-in")
                return ws
        conn = Connection(ws, request, info)
        self.connections.append(conn)
        self._on_change()
        try:
            if query.get("v") not in (None, str(p.API_VERSION)):
                await conn.close(4012, "Invalid API version")
                return ws
            if query.get("encoding", "json") != "json":
                await conn.close(4002, "Decode error (only JSON is supported by the stand-in)")
                return ws
            await conn.send(
                {
                    "op": p.OP_HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ['["standin",{}]']},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    if msg.type is WSMsgType.BINARY:
                        await conn.close(4002, "Decode error")
                    break
                try:
                    frame = json.loads(msg.data)
                    op = frame["op"]
                except (ValueError, KeyError, TypeError):
                    await conn.close(4002, "Decode error")
                    break
                await self._on_frame(conn, op, frame.get("d"))
                if conn.dead:
                    break
        except ConnectionResetError:
            pass
        finally:
            conn.live = False
            conn.dead = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if info.close_code is None:
                info.close_code = ws.close_code
            if conn in self.connections:
                self.connections.remove(conn)
            self._on_change()
        return ws

    async def _on_frame(self, conn: Connection, op: int, d: Any) -> None:
        if op == p.OP_HEARTBEAT:
            self.heartbeat_count += 1
            self.heartbeat_seqs.append(d if isinstance(d, int) else None)
            self._on_change()
            if self.ack_heartbeats:
                await conn.send({"op": p.OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            return
        if op == p.OP_IDENTIFY:
            await self._identify(conn, d or {})
            return
        if op == p.OP_RESUME:
            await self._resume(conn, d or {})
            return
        if conn.session is None:
            await conn.close(4003, "Not authenticated.")
            return
        if op == p.OP_PRESENCE:
            self.presence_updates.append(d)
        elif op == p.OP_REQUEST_MEMBERS:
            await self._request_members(conn.session, d or {})
        elif op == p.OP_VOICE_STATE:
            pass
        else:
            await conn.close(4001, "Unknown opcode.")

    def _token_ok(self, token: Any) -> bool:
        if not isinstance(token, str):
            return False
        return token.removeprefix("Bot ") == self.state.token

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not self._token_ok(d.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await conn.close(4013, "Invalid intent(s).")
            return
        for name, bit in PRIVILEGED.items():
            if intents & bit and not self.privileged_enabled.get(name, False):
                await conn.close(4014, "Disallowed intent(s).")
                return
        shard_raw = d.get("shard")
        shard = (int(shard_raw[0]), int(shard_raw[1])) if shard_raw else None
        if shard is not None and not 0 <= shard[0] < shard[1]:
            await conn.close(4010, "Invalid shard.")
            return
        session = Session(id=secrets.token_hex(16), intents=intents, shard=shard)
        self.sessions[session.id] = session
        self.identify_count += 1
        conn.info.identified = True
        state = self.state
        guilds = [g for g in state.guilds.values() if session.wants_guild(g.id)]
        async with session.lock:
            session.connection = conn
            conn.session = session
            ready = {
                "v": p.API_VERSION,
                "user_settings": {},
                "user": {
                    **p.user_payload(state.bot_user),
                    "verified": True,
                    "mfa_enabled": False,
                    "email": None,
                },
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "guild_join_requests": [],
                "relationships": [],
                "private_channels": [],
                "presences": [],
                "session_type": "normal",
                "session_id": session.id,
                "resume_gateway_url": self.resume_url,
                "auth_session_id_hash": secrets.token_urlsafe(16),
                "application": {"id": str(state.application_id), "flags": state.application_flags},
                "geo_ordered_rtc_regions": ["local"],
                "_trace": ['["standin-ready",{}]'],
            }
            if shard is not None:
                ready["shard"] = list(shard)
            frames = [("READY", ready)]
            frames += [("GUILD_CREATE", self.guild_create_payload(g, session)) for g in guilds]
            for event, data in frames:
                session.seq += 1
                frame = {"op": p.OP_DISPATCH, "t": event, "s": session.seq, "d": data}
                session.buffer.append(frame)
                session.dispatched.append(event)
                await conn.send(frame)
            conn.live = True
        self._on_change()

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not self._token_ok(d.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(d.get("session_id")))
        client_seq = d.get("seq")
        if session is None or session.invalid or not isinstance(client_seq, int) or client_seq > session.seq:
            await conn.send({"op": p.OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        async with session.lock:
            oldest = session.buffer[0]["s"] if session.buffer else session.seq + 1
            if client_seq + 1 < oldest:
                await conn.send({"op": p.OP_INVALID_SESSION, "d": False, "s": None, "t": None})
                return
            previous = session.connection
            if previous is not None and previous is not conn:
                previous.live = False
                previous.dead = True
                if not previous.ws.closed:
                    asyncio.get_running_loop().create_task(
                        previous.ws.close(code=4009, message=b"Superseded")
                    )
            session.connection = conn
            conn.session = session
            for frame in list(session.buffer):
                if frame["s"] > client_seq:
                    await conn.send(frame)
            session.seq += 1
            resumed = {
                "op": p.OP_DISPATCH,
                "t": "RESUMED",
                "s": session.seq,
                "d": {"_trace": ['["standin"]']},
            }
            session.buffer.append(resumed)
            session.dispatched.append("RESUMED")
            await conn.send(resumed)
            conn.live = True
        self.resume_count += 1
        conn.info.resumed = True
        self._on_change()

    async def _request_members(self, session: Session, d: dict[str, Any]) -> None:
        guild = self.state.guilds.get(int(d.get("guild_id", 0)))
        if guild is None:
            return
        members = list(guild.members.values())
        query = d.get("query")
        user_ids = d.get("user_ids")
        not_found: list[str] = []
        if user_ids:
            wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
            members = [m for m in members if m.user.id in wanted]
            not_found = [str(u) for u in wanted - {m.user.id for m in members}]
        elif query:
            members = [m for m in members if m.user.username.lower().startswith(str(query).lower())]
        limit = int(d.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [p.member_payload(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if d.get("presences"):
            chunk["presences"] = []
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        await session.push("GUILD_MEMBERS_CHUNK", chunk)

    # --- typed dispatch helpers (used by the REST side and the test API) ---

    def _content_filter(self, author_id: int, mention_ids: list[int]) -> Transform:
        """Without the MESSAGE_CONTENT intent Discord blanks content/embeds/attachments/components,
        except for the bot's own messages and messages that mention it."""
        bot_id = self.state.bot_user.id

        def transform(session: Session, data: dict[str, Any]) -> dict[str, Any]:
            if session.intents & p.INTENT_MESSAGE_CONTENT or author_id == bot_id or bot_id in mention_ids:
                return data
            return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

        return transform

    async def message_create(self, msg: Message) -> None:
        data = p.message_payload(self.state, msg, gateway=True)
        await self.dispatch(
            "MESSAGE_CREATE",
            data,
            intent=p.INTENT_GUILD_MESSAGES,
            guild_id=msg.guild_id,
            transform=self._content_filter(msg.author.id, msg.mention_ids),
        )

    async def message_update(self, msg: Message) -> None:
        data = p.message_payload(self.state, msg, gateway=True)
        await self.dispatch(
            "MESSAGE_UPDATE",
            data,
            intent=p.INTENT_GUILD_MESSAGES,
            guild_id=msg.guild_id,
            transform=self._content_filter(msg.author.id, msg.mention_ids),
        )

    async def message_delete(self, msg: Message) -> None:
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        await self.dispatch("MESSAGE_DELETE", data, intent=p.INTENT_GUILD_MESSAGES, guild_id=msg.guild_id)

    async def message_delete_bulk(self, channel: Channel, ids: list[int]) -> None:
        data = {
            "ids": [str(i) for i in ids],
            "channel_id": str(channel.id),
            "guild_id": str(channel.guild_id),
        }
        await self.dispatch(
            "MESSAGE_DELETE_BULK", data, intent=p.INTENT_GUILD_MESSAGES, guild_id=channel.guild_id
        )

    async def reaction(self, msg: Message, user_id: int, emoji: dict[str, Any], *, added: bool) -> None:
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": dict(emoji),
            "burst": False,
            "type": 0,
        }
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            member = self.state.member(msg.guild_id, user_id)
            if added and member is not None:
                data["member"] = p.member_payload(member)
        if added:
            data["message_author_id"] = str(msg.author.id)
            data["burst_colors"] = []
        event = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        await self.dispatch(event, data, intent=p.INTENT_GUILD_MESSAGE_REACTIONS, guild_id=msg.guild_id)

    async def reactions_removed(self, msg: Message, emoji: dict[str, Any] | None) -> None:
        """A moderator removed every reaction (emoji None) or every reaction of one emoji."""
        data: dict[str, Any] = {"channel_id": str(msg.channel_id), "message_id": str(msg.id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        if emoji is None:
            event = "MESSAGE_REACTION_REMOVE_ALL"
        else:
            event, data["emoji"] = "MESSAGE_REACTION_REMOVE_EMOJI", dict(emoji)
        await self.dispatch(event, data, intent=p.INTENT_GUILD_MESSAGE_REACTIONS, guild_id=msg.guild_id)

    async def member_add(self, member: Member) -> None:
        data = {**p.member_payload(member), "guild_id": str(member.guild_id)}
        await self.dispatch("GUILD_MEMBER_ADD", data, intent=p.INTENT_GUILD_MEMBERS, guild_id=member.guild_id)

    async def member_update(self, member: Member) -> None:
        data = {**p.member_payload(member), "guild_id": str(member.guild_id)}
        await self.dispatch(
            "GUILD_MEMBER_UPDATE", data, intent=p.INTENT_GUILD_MEMBERS, guild_id=member.guild_id
        )

    async def member_remove(self, guild_id: int, user: User) -> None:
        data = {"guild_id": str(guild_id), "user": p.user_payload(user)}
        await self.dispatch("GUILD_MEMBER_REMOVE", data, intent=p.INTENT_GUILD_MEMBERS, guild_id=guild_id)

    async def channel_create(self, channel: Channel) -> None:
        if channel.is_thread:
            data = {**p.channel_payload(channel), "newly_created": True}
            await self.dispatch("THREAD_CREATE", data, intent=p.INTENT_GUILDS, guild_id=channel.guild_id)
        else:
            data = p.channel_payload(channel)
            await self.dispatch("CHANNEL_CREATE", data, intent=p.INTENT_GUILDS, guild_id=channel.guild_id)

    async def channel_update(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        data = p.channel_payload(channel)
        await self.dispatch(event, data, intent=p.INTENT_GUILDS, guild_id=channel.guild_id)

    async def role_event(self, role: Role, *, created: bool) -> None:
        data = {"guild_id": str(role.guild_id), "role": p.role_payload(role)}
        event = "GUILD_ROLE_CREATE" if created else "GUILD_ROLE_UPDATE"
        await self.dispatch(event, data, intent=p.INTENT_GUILDS, guild_id=role.guild_id)

    async def guild_create(self, guild: Guild) -> None:
        for session in self.active_sessions():
            if session.wants_guild(guild.id):
                await session.push("GUILD_CREATE", self.guild_create_payload(guild, session))
        self._on_change()

    async def guild_delete(self, guild_id: int) -> None:
        """The bot was removed from the guild (kicked, or the guild deleted): GUILD_DELETE without
        ``unavailable``. ``guild_create`` afterwards is the bot being added back."""
        await self.dispatch("GUILD_DELETE", {"id": str(guild_id)}, intent=p.INTENT_GUILDS, guild_id=guild_id)

    async def interaction_create(self, data: dict[str, Any], guild_id: int | None) -> None:
        await self.dispatch("INTERACTION_CREATE", data, guild_id=guild_id)

    # --- faults ---

    async def drop(self, code: int | None) -> int:
        conns = [c for c in self.connections if not c.dead]
        for conn in conns:
            if code is None:
                conn.abort()
            else:
                await conn.close(code, "Dropped by the stand-in")
        self._on_change()
        return len(conns)

    async def send_op(self, op: int, d: Any, *, invalidate: bool = False) -> int:
        conns = self.live_connections()
        for conn in conns:
            session = conn.session
            if session is not None:
                async with session.lock:
                    conn.live = False  # from now on events are only buffered (the client will reconnect)
                    if invalidate:
                        session.invalid = True
                    with contextlib.suppress(ConnectionResetError):
                        await conn.send({"op": op, "d": d, "s": None, "t": None})
        self._on_change()
        return len(conns)

    async def request_heartbeat(self) -> int:
        conns = self.live_connections()
        for conn in conns:
            await conn.send({"op": p.OP_HEARTBEAT, "d": None, "s": None, "t": None})
        return len(conns)


def guild_payload(guild: Guild) -> dict[str, Any]:
    """The guild object (REST shape; GUILD_CREATE adds members/channels/threads on top)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [p.role_payload(r) for r in sorted(guild.roles.values(), key=lambda r: r.position)],
        "emojis": [],
        "stickers": [],
        "features": list(guild.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "public_updates_channel_id": None,
        "max_video_channel_users": 25,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "safety_alerts_channel_id": None,
        "incidents_data": None,
    }


# --- quirks: payloads as other Discord-compatible servers send them (opt-in, `FakeDiscord.quirks`) ---------

QUIRKS = {
    # Spacebar: a member's roles as role objects instead of role ids (in messages and member events)
    "member_roles_as_objects",
    # Spacebar: "thread": null in every message instead of leaving the key out
    "thread_null",
}


def with_quirks(quirks: set[str], event: str, data: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` as a server with these quirks would send it (the stand-in's state is untouched)."""
    unknown = quirks - QUIRKS
    if unknown:
        raise ValueError(f"unknown stand-in quirks: {sorted(unknown)}")
    out = dict(data)
    if "member_roles_as_objects" in quirks:

        def as_objects(member: dict[str, Any]) -> dict[str, Any]:
            roles = [{"id": str(r), "name": f"role {r}", "permissions": "0"} for r in member.get("roles", [])]
            return {**member, "roles": roles}

        if isinstance(out.get("member"), dict):
            out["member"] = as_objects(out["member"])
        if event.startswith("GUILD_MEMBER_") and "roles" in out:
            out = as_objects(out)
    if "thread_null" in quirks and event in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
        out["thread"] = None
    return out
