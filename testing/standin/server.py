"""`FakeDiscord`: the stand-in server (REST + gateway on one loopback port) and the Python API tests drive
it with.

async with FakeDiscord() as fake:
    guild = await fake.create_guild("Creators")
    general = await fake.create_channel(guild, "general")
    alice = await fake.create_member(guild, "alice")
    ...  # point a client at fake.api_base_url / fake.gateway_url
    await fake.post_message(general, alice, "hello")
    reply = await fake.wait_for_bot_message(general)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from aiohttp import web

from . import payloads as p
from .gateway import Gateway
from .rest import HoldRule, RestApi, parse_emoji
from .state import (
    Attachment,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    Overwrite,
    RateLimitRule,
    Reaction,
    RecordedRequest,
    Role,
    State,
    User,
)

T = TypeVar("T")
MENTION_USER = re.compile(r"<@!?(\d{15,21})>")
MENTION_ROLE = re.compile(r"<@&(\d{15,21})>")


class HasId(Protocol):
    @property
    def id(self) -> int: ...


IdLike = int | HasId


def _id(value: IdLike) -> int:
    return value if isinstance(value, int) else int(value.id)


class FakeDiscord:
    """A protocol-level Discord on 127.0.0.1 (random port), driven from tests."""

    def __init__(
        self,
        *,
        token: str = "standin-bot-token",
        bot_name: str = "Sentimeter",
        heartbeat_interval_ms: int = 5000,
        message_content_enabled: bool = True,
        members_enabled: bool = True,
        presences_enabled: bool = False,
        interaction_ack_timeout: float | None = None,
    ) -> None:
        self.state = State(token=token, bot_name=bot_name)
        self.gateway = Gateway(
            self.state,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_enabled={
                "members": members_enabled,
                "presences": presences_enabled,
                "message_content": message_content_enabled,
            },
            on_change=self.state.notify,
        )
        self.rest = RestApi(self.state, self.gateway)
        self.rest.interaction_ack_timeout = interaction_ack_timeout
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ---

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        self.rest.add_routes(app)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.state.base_url = self.base_url
        self.gateway.gateway_url = f"ws://127.0.0.1:{self.port}/gateway"
        self.gateway.resume_url = f"ws://127.0.0.1:{self.port}/gateway-resume"
        return self

    async def close(self) -> None:
        for conn in list(self.gateway.connections):
            conn.abort()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """Value for SENTIMETER_API_BASE_URL (what discord.http.Route.BASE must become)."""
        return f"{self.base_url}{p.API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for SENTIMETER_GATEWAY_URL (discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)."""
        return self.gateway.gateway_url

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_user(self) -> User:
        return self.state.bot_user

    @property
    def application_id(self) -> int:
        return self.state.application_id

    def set_privileged_intent(self, name: str, enabled: bool) -> None:
        """name: "members" | "presences" | "message_content" (as toggled in the developer portal)."""
        self.gateway.privileged_enabled[name] = enabled

    # --- world building ---

    async def create_user(
        self,
        name: str,
        *,
        bot: bool = False,
        created_at: dt.datetime | None = None,
        global_name: str | None = None,
    ) -> User:
        created = created_at or (p.utcnow() - dt.timedelta(days=365))
        user = User(id=self.state.new_id(created), username=name, global_name=global_name, bot=bot)
        self.state.users[user.id] = user
        self.state.notify()
        return user

    async def create_guild(
        self,
        name: str = "Stand-in Guild",
        *,
        owner: User | None = None,
        bot_permissions: int = p.DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = p.DEFAULT_EVERYONE_PERMISSIONS,
        locale: str = "en-US",
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild the bot is in. ``shard=(id, count)``: one whose id falls on that shard of ``count``
        (``(guild_id >> 22) % count == id``), as Discord routes it."""
        state = self.state
        owner = owner or await self.create_user(f"{name.lower().replace(' ', '_')}_owner")
        if shard is None:
            gid = state.new_id(p.utcnow() - dt.timedelta(days=200))
        else:
            gid = self._id_on_shard(*shard)
        guild = Guild(id=gid, name=name, owner_id=owner.id, preferred_locale=locale)
        guild.roles[gid] = Role(id=gid, guild_id=gid, name="@everyone", permissions=everyone_permissions)
        bot_role = Role(
            id=state.new_id(),
            guild_id=gid,
            name=state.bot_user.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
            bot_id=state.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = Member(guild_id=gid, user=owner, joined_at=p.snowflake_time(gid))
        guild.members[state.bot_user.id] = Member(
            guild_id=gid,
            user=state.bot_user,
            roles=[bot_role.id],
            joined_at=p.utcnow() - dt.timedelta(days=30),
        )
        state.guilds[gid] = guild
        state.notify()
        await self.gateway.guild_create(guild)
        return guild

    # --- shards (issue 16) ---

    @property
    def recommended_shards(self) -> int:
        """The shard count ``GET /gateway/bot`` recommends (1 unless a test sets it)."""
        return self.gateway.recommended_shards

    @recommended_shards.setter
    def recommended_shards(self, count: int) -> None:
        if count < 1:
            raise ValueError("a shard count is at least 1")
        self.gateway.recommended_shards = count

    def _id_on_shard(self, shard_id: int, count: int) -> int:
        if not 0 <= shard_id < count:
            raise ValueError(f"shard {shard_id} is not one of {count}")
        at = p.utcnow() - dt.timedelta(days=200)
        while True:  # the timestamp part (milliseconds) decides the shard: step a millisecond at a time
            gid = self.state.new_id(at)
            if (gid >> 22) % count == shard_id:
                return gid
            at += dt.timedelta(milliseconds=1)

    def bot_role(self, guild: IdLike) -> Role:
        g = self.guild(guild)
        return next(r for r in g.roles.values() if r.bot_id == self.state.bot_user.id)

    async def create_role(
        self,
        guild: IdLike,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        mentionable: bool = False,
        color: int = 0,
    ) -> Role:
        g = self.guild(guild)
        pos = position if position is not None else max(r.position for r in g.roles.values()) + 1
        role = Role(
            id=self.state.new_id(),
            guild_id=g.id,
            name=name,
            permissions=int(permissions),
            position=pos,
            mentionable=mentionable,
            color=color,
        )
        g.roles[role.id] = role
        self.state.notify()
        await self.gateway.role_event(role, created=True)
        return role

    async def set_role_permissions(self, role: Role, permissions: int) -> None:
        role.permissions = int(permissions)
        self.state.notify()
        await self.gateway.role_event(role, created=False)

    async def create_member(
        self,
        guild: IdLike,
        user: User | str,
        *,
        roles: Iterable[IdLike] = (),
        nick: str | None = None,
        joined_at: dt.datetime | None = None,
        created_at: dt.datetime | None = None,
        bot: bool = False,
    ) -> Member:
        """Add a member (creating the user when given a name). Dispatches GUILD_MEMBER_ADD."""
        g = self.guild(guild)
        if isinstance(user, str):
            user = await self.create_user(user, bot=bot, created_at=created_at)
        member = Member(
            guild_id=g.id,
            user=user,
            roles=[_id(r) for r in roles],
            nick=nick,
            joined_at=joined_at or p.utcnow() - dt.timedelta(days=10),
        )
        g.members[user.id] = member
        self.state.notify()
        await self.gateway.member_add(member)
        return member

    async def update_member(
        self,
        member: Member,
        *,
        roles: Iterable[IdLike] | None = None,
        nick: str | None = None,
        communication_disabled_until: dt.datetime | None = None,
    ) -> Member:
        if roles is not None:
            member.roles = [_id(r) for r in roles]
        if nick is not None:
            member.nick = nick
        if communication_disabled_until is not None:
            member.communication_disabled_until = communication_disabled_until
        self.state.notify()
        await self.gateway.member_update(member)
        return member

    async def remove_member(self, member: Member) -> None:
        g = self.guild(member.guild_id)
        g.members.pop(member.user.id, None)
        self.state.notify()
        await self.gateway.member_remove(g.id, member.user)

    async def create_channel(
        self,
        guild: IdLike,
        name: str,
        *,
        type: str | int = "text",
        parent: IdLike | None = None,
        topic: str | None = None,
        overwrites: Sequence[Overwrite] = (),
        nsfw: bool = False,
        position: int | None = None,
    ) -> Channel:
        """type: "text" | "voice" (has text chat) | "forum" | "category" | "news" | "stage" | an int."""
        g = self.guild(guild)
        ctype = p.CHANNEL_TYPE_NAMES[type] if isinstance(type, str) else int(type)
        channel = Channel(
            id=self.state.new_id(p.utcnow() - dt.timedelta(days=100)),
            guild_id=g.id,
            type=ctype,
            name=name,
            position=position if position is not None else len(g.channels),
            parent_id=_id(parent) if parent is not None else None,
            topic=topic,
            overwrites=list(overwrites),
            nsfw=nsfw,
        )
        g.channels[channel.id] = channel
        self.state.channels[channel.id] = channel
        self.state.notify()
        await self.gateway.channel_create(channel)
        return channel

    def overwrite(self, target: Role | Member | User, *, allow: int = 0, deny: int = 0) -> Overwrite:
        """Permission overwrite for create_channel(overwrites=[...]); the @everyone role id is the guild
        id."""
        kind = 0 if isinstance(target, Role) else 1
        return Overwrite(id=target.id, type=kind, allow=allow, deny=deny)

    async def set_channel_overwrites(self, channel: Channel, overwrites: Sequence[Overwrite]) -> None:
        channel.overwrites = list(overwrites)
        self.state.notify()
        await self.gateway.channel_update(channel)

    async def create_thread(
        self,
        parent: IdLike,
        name: str,
        *,
        owner: IdLike | None = None,
        private: bool = False,
        archived: bool = False,
        locked: bool = False,
        starter_content: str | None = None,
        created_at: dt.datetime | None = None,
    ) -> Channel:
        """A thread under a text/news channel or a forum post (for a forum, starter_content becomes the first
        message, whose id equals the thread id as on Discord)."""
        parent_ch = self.channel(parent)
        g = self.guild(parent_ch.guild_id)
        owner_id = _id(owner) if owner is not None else g.owner_id
        thread = Channel(
            id=self.state.new_id(created_at),
            guild_id=g.id,
            type=p.CHANNEL_PRIVATE_THREAD if private else p.CHANNEL_PUBLIC_THREAD,
            name=name,
            parent_id=parent_ch.id,
            owner_id=owner_id,
            archived=archived,
            locked=locked,
            thread_member_ids={owner_id},
        )
        if archived:
            thread.archived_at = created_at or dt.datetime.now(dt.UTC)
        g.channels[thread.id] = thread
        self.state.channels[thread.id] = thread
        if starter_content is not None and parent_ch.type == p.CHANNEL_FORUM:
            author = self.state.users[owner_id]
            msg = Message(
                id=thread.id, channel_id=thread.id, guild_id=g.id, author=author, content=starter_content
            )
            thread.messages[msg.id] = msg
            thread.last_message_id = msg.id
            self.state.messages[msg.id] = msg
        self.state.notify()
        await self.gateway.channel_create(thread)
        return thread

    async def set_thread_archived(
        self, thread: Channel, archived: bool = True, *, locked: bool = False
    ) -> None:
        thread.archived = archived
        thread.locked = locked
        thread.archived_at = dt.datetime.now(dt.UTC) if archived else None
        self.state.notify()
        await self.gateway.channel_update(thread)

    # --- user actions ---

    async def post_message(
        self,
        channel: IdLike,
        author: Member | User,
        content: str = "",
        *,
        reply_to: Message | None = None,
        attachments: Sequence[tuple[str, bytes] | tuple[str, bytes, str]] = (),
        stickers: Sequence[str] = (),
        embeds: Sequence[dict[str, Any]] = (),
        mentions: Sequence[IdLike] | None = None,
        mention_roles: Sequence[IdLike] | None = None,
        mention_everyone: bool | None = None,
        type: int = p.MESSAGE_DEFAULT,
        created_at: dt.datetime | None = None,
        webhook_name: str | None = None,
        flags: int = 0,
        tts: bool = False,
        dispatch: bool | None = None,
    ) -> Message:
        """A message by a member (or a plain user, a bot user, or — with webhook_name — a webhook).

        attachments: (filename, data[, content_type]); stickers: sticker names. Mentions default to what
        the content contains (<@id>, <@&id>, @everyone). With created_at in the past the message is only
        stored (history backfill) unless dispatch=True; otherwise MESSAGE_CREATE is dispatched.
        """
        ch = self.channel(channel)
        state = self.state
        user = author.user if isinstance(author, Member) else author
        webhook_id = None
        if webhook_name is not None:
            webhook_id = state.new_id()
            user = User(id=webhook_id, username=webhook_name, bot=True, discriminator="0000")
        msg = Message(
            id=state.new_id(created_at),
            channel_id=ch.id,
            guild_id=ch.guild_id,
            author=user,
            content=content,
            type=type,
            embeds=list(embeds),
            flags=flags,
            tts=tts,
            webhook_id=webhook_id,
        )
        for att in attachments:
            filename, data = att[0], att[1]
            ctype = att[2] if len(att) > 2 else _guess_type(filename)
            att_id = state.new_id()
            msg.attachments.append(
                Attachment(
                    id=att_id,
                    filename=filename,
                    size=len(data),
                    url=f"{self.base_url}/attachments/{ch.id}/{att_id}/{filename}",
                    content_type=ctype,
                    data=data,
                )
            )
        msg.sticker_items = [{"id": str(state.new_id()), "name": s, "format_type": 1} for s in stickers]
        if reply_to is not None:
            msg.type = p.MESSAGE_REPLY if type == p.MESSAGE_DEFAULT else type
            msg.reference = {
                "type": 0,
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
                "guild_id": str(ch.guild_id),
            }
        guild = self.guild(ch.guild_id)
        if mentions is None:
            ids = [int(u) for u in MENTION_USER.findall(content)]
            if reply_to is not None:
                ids.append(reply_to.author.id)
            msg.mention_ids = [u for u in dict.fromkeys(ids) if u in state.users]
        else:
            msg.mention_ids = [_id(u) for u in mentions]
        if mention_roles is None:
            msg.mention_role_ids = [int(r) for r in MENTION_ROLE.findall(content) if int(r) in guild.roles]
        else:
            msg.mention_role_ids = [_id(r) for r in mention_roles]
        msg.mention_everyone = (
            ("@everyone" in content or "@here" in content) if mention_everyone is None else mention_everyone
        )
        ch.messages[msg.id] = msg
        if ch.last_message_id is None or msg.id > ch.last_message_id:
            ch.last_message_id = msg.id
        state.messages[msg.id] = msg
        state.notify()
        if dispatch is None:
            dispatch = created_at is None
        if dispatch:
            await self.gateway.message_create(msg)
        return msg

    async def edit_message(
        self, message: Message, content: str | None = None, *, embeds: Sequence[dict[str, Any]] | None = None
    ) -> Message:
        if content is not None:
            message.content = content
            message.mention_ids = [
                u
                for u in dict.fromkeys(int(x) for x in MENTION_USER.findall(content))
                if u in self.state.users
            ]
        if embeds is not None:
            message.embeds = list(embeds)
        message.edited_at = p.utcnow()
        self.state.notify()
        await self.gateway.message_update(message)
        return message

    async def delete_message(self, message: Message) -> None:
        message.deleted = True
        self.state.notify()
        await self.gateway.message_delete(message)

    async def bulk_delete_messages(self, channel: IdLike, messages: Sequence[Message]) -> None:
        ch = self.channel(channel)
        for m in messages:
            m.deleted = True
        self.state.notify()
        await self.gateway.message_delete_bulk(ch, [m.id for m in messages])

    async def add_reaction(self, message: Message, user: Member | User, emoji: str) -> None:
        """emoji: "👍" or "name:id" for a custom emoji."""
        uid = user.user.id if isinstance(user, Member) else user.id
        key, payload = parse_emoji(emoji)
        reaction = message.reactions.setdefault(key, Reaction(emoji=payload))
        if uid not in reaction.user_ids:
            reaction.user_ids.append(uid)
            self.state.notify()
            await self.gateway.reaction(message, uid, payload, added=True)

    async def remove_reaction(self, message: Message, user: Member | User, emoji: str) -> None:
        uid = user.user.id if isinstance(user, Member) else user.id
        key, payload = parse_emoji(emoji)
        if message.remove_reaction(key, uid):
            self.state.notify()
            await self.gateway.reaction(message, uid, payload, added=False)

    async def clear_reactions(self, message: Message, emoji: str | None = None) -> None:
        """A moderator removes every reaction of a message, or (``emoji``) every reaction of one emoji."""
        if emoji is None:
            message.reactions.clear()
            payload = None
        else:
            key, payload = parse_emoji(emoji)
            message.reactions.pop(key, None)
        self.state.notify()
        await self.gateway.reactions_removed(message, payload)

    # --- interactions ---

    def _find_command(self, guild_id: int, name: str, ctype: int) -> tuple[dict[str, Any], bool]:
        for cmd in self.state.guild_commands.get(guild_id, []):
            if cmd["name"] == name and cmd["type"] == ctype:
                return cmd, True
        for cmd in self.state.global_commands:
            if cmd["name"] == name and cmd["type"] == ctype:
                return cmd, False
        synced = [c["name"] for c in self.state.global_commands] + [
            c["name"] for c in self.state.guild_commands.get(guild_id, [])
        ]
        raise LookupError(f"command {name!r} (type {ctype}) was never synced; synced: {synced}")

    def _base_interaction(
        self, itype: int, channel: Channel, member: Member, data: dict[str, Any]
    ) -> Interaction:
        state = self.state
        guild = self.guild(channel.guild_id)
        perms = state.permissions_in(channel, member.user.id)
        iid = state.new_id()
        token = state.new_token()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(state.application_id),
            "type": itype,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {
                "id": str(guild.id),
                "locale": guild.preferred_locale,
                "features": list(guild.features),
            },
            "channel_id": str(channel.id),
            "channel": p.channel_payload(channel, permissions=perms),
            "member": p.member_payload(member, permissions=perms),
            "token": token,
            "version": 1,
            "app_permissions": str(state.permissions_in(channel, state.bot_user.id)),
            "locale": "en-US",
            "guild_locale": guild.preferred_locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        interaction = Interaction(
            id=iid,
            token=token,
            type=itype,
            guild_id=guild.id,
            channel_id=channel.id,
            user_id=member.user.id,
            payload=payload,
        )
        state.interactions[iid] = interaction
        state.interactions_by_token[token] = interaction
        return interaction

    async def _send_interaction(self, interaction: Interaction) -> Interaction:
        self.state.notify()
        await self.gateway.interaction_create(interaction.payload, interaction.guild_id)
        return interaction

    def _resolve_value(
        self, opt_type: int, value: Any, channel: Channel, member: Member, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        state = self.state
        guild = self.guild(channel.guild_id)
        if opt_type in (3,):
            return str(value)
        if opt_type == 4:
            return int(value)
        if opt_type == 5:
            return bool(value)
        if opt_type == 10:
            return float(value)
        if opt_type == 11:  # attachment: value = (filename, data[, content_type]) or Attachment
            att = value if isinstance(value, Attachment) else None
            if att is None:
                filename, data = value[0], value[1]
                att_id = state.new_id()
                att = Attachment(
                    id=att_id,
                    filename=filename,
                    size=len(data),
                    url=f"{self.base_url}/attachments/{channel.id}/{att_id}/{filename}",
                    content_type=value[2] if len(value) > 2 else _guess_type(filename),
                    data=data,
                )
            resolved.setdefault("attachments", {})[str(att.id)] = p.attachment_payload(att)
            return str(att.id)
        target = _id(value)
        if opt_type in (6, 9) and target in state.users:
            resolved.setdefault("users", {})[str(target)] = p.user_payload(state.users[target])
            m = guild.members.get(target)
            if m is not None:
                perms = state.permissions_in(channel, target)
                resolved.setdefault("members", {})[str(target)] = p.member_payload(
                    m, with_user=False, permissions=perms
                )
            return str(target)
        if opt_type in (8, 9) and target in guild.roles:
            resolved.setdefault("roles", {})[str(target)] = p.role_payload(guild.roles[target])
            return str(target)
        if opt_type == 7 and target in state.channels:
            ch = state.channels[target]
            data = p.channel_payload(ch, permissions=state.permissions_in(ch, member.user.id))
            data.pop("guild_id", None)
            resolved.setdefault("channels", {})[str(target)] = data
            return str(target)
        raise ValueError(f"cannot resolve {value!r} for option type {opt_type}")

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        given: Mapping[str, Any],
        channel: Channel,
        member: Member,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; command has {sorted(by_name)}")
        out = []
        for opt in schema:
            name = opt["name"]
            if name not in given:
                if opt.get("required") and focused is None:
                    raise ValueError(f"required option {name!r} missing")
                continue
            value = self._resolve_value(int(opt["type"]), given[name], channel, member, resolved)
            entry: dict[str, Any] = {"name": name, "type": int(opt["type"]), "value": value}
            if focused == name:
                entry["focused"] = True
                entry["value"] = str(given[name])
            out.append(entry)
        return out

    def _member_of(self, channel: Channel, member: Member | User) -> Member:
        if isinstance(member, Member):
            return member
        m = self.guild(channel.guild_id).members.get(member.id)
        if m is None:
            raise LookupError(f"user {member.username} is not a member of the channel's guild")
        return m

    async def invoke_slash_command(
        self,
        channel: IdLike,
        member: Member | User,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        autocomplete: str | None = None,
    ) -> Interaction:
        """Run /name [group] [subcommand] with options as `member` in `channel`.

        Option values: str/int/bool/float; for user/member, channel, role, mentionable options an id or an
        object with `.id` (resolved data is filled in as Discord does); for attachments (filename, bytes[,
        content_type]).
        The command must have been synced (its option types come from the synced definition).
        With autocomplete="<option>" an APPLICATION_COMMAND_AUTOCOMPLETE interaction is sent instead.
        """
        ch = self.channel(channel)
        m = self._member_of(ch, member)
        cmd, is_guild = self._find_command(ch.guild_id, name, 1)
        resolved: dict[str, dict[str, Any]] = {}
        schema = cmd.get("options", [])
        nest: list[tuple[str, int]] = []
        if group is not None:
            grp = next((o for o in schema if o["name"] == group and o["type"] == 2), None)
            if grp is None:
                raise ValueError(f"/{name} has no subcommand group {group!r}")
            schema = grp.get("options", [])
            nest.append((group, 2))
        if subcommand is not None:
            sub = next((o for o in schema if o["name"] == subcommand and o["type"] == 1), None)
            if sub is None:
                raise ValueError(f"/{name} {group or ''} has no subcommand {subcommand!r}")
            schema = sub.get("options", [])
            nest.append((subcommand, 1))
        opts = self._build_options(schema, options or {}, ch, m, resolved, autocomplete)
        for opt_name, opt_type in reversed(nest):
            opts = [{"name": opt_name, "type": opt_type, "options": opts}]
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if is_guild:
            data["guild_id"] = str(ch.guild_id)
        itype = p.INTERACTION_AUTOCOMPLETE if autocomplete else p.INTERACTION_APPLICATION_COMMAND
        return await self._send_interaction(self._base_interaction(itype, ch, m, data))

    async def invoke_message_command(self, member: Member | User, name: str, message: Message) -> Interaction:
        """A message context-menu command on `message`, run by `member`."""
        ch = self.channel(message.channel_id)
        m = self._member_of(ch, member)
        cmd, is_guild = self._find_command(ch.guild_id, name, 3)
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": name,
            "type": 3,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): p.message_payload(self.state, message)}},
        }
        if is_guild:
            data["guild_id"] = str(ch.guild_id)
        return await self._send_interaction(
            self._base_interaction(p.INTERACTION_APPLICATION_COMMAND, ch, m, data)
        )

    async def invoke_user_command(
        self, channel: IdLike, member: Member | User, name: str, target: Member | User
    ) -> Interaction:
        ch = self.channel(channel)
        m = self._member_of(ch, member)
        cmd, is_guild = self._find_command(ch.guild_id, name, 2)
        resolved: dict[str, dict[str, Any]] = {}
        target_id = self._resolve_value(6, target, ch, m, resolved)
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": name,
            "type": 2,
            "target_id": target_id,
            "resolved": resolved,
        }
        if is_guild:
            data["guild_id"] = str(ch.guild_id)
        return await self._send_interaction(
            self._base_interaction(p.INTERACTION_APPLICATION_COMMAND, ch, m, data)
        )

    def _component_interaction(
        self, message: Message, member: Member | User, custom_id: str, extra: dict[str, Any]
    ) -> Interaction:
        comp = message.find_component(custom_id)
        if comp is None:
            raise LookupError(
                f"no component {custom_id!r} on message {message.id}; has {message.all_custom_ids()}"
            )
        if comp.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        ch = self.channel(message.channel_id)
        m = self._member_of(ch, member)
        data = {"custom_id": custom_id, "component_type": comp["type"], **extra}
        interaction = self._base_interaction(p.INTERACTION_MESSAGE_COMPONENT, ch, m, data)
        interaction.payload["message"] = p.message_payload(self.state, message)
        interaction.message_id = message.id
        return interaction

    async def click_button(self, message: Message, custom_id: str, member: Member | User) -> Interaction:
        """Click a button the bot put on `message` (channel message or ephemeral interaction response)."""
        return await self._send_interaction(self._component_interaction(message, member, custom_id, {}))

    async def choose_select(
        self, message: Message, custom_id: str, values: Sequence[str], member: Member | User
    ) -> Interaction:
        """Pick `values` in a select menu on `message`."""
        return await self._send_interaction(
            self._component_interaction(message, member, custom_id, {"values": list(values)})
        )

    async def submit_modal(
        self, opened_by: Interaction, values: Mapping[str, str], member: Member | User | None = None
    ) -> Interaction:
        """Submit the modal the bot answered `opened_by` with; values maps text-input custom_id -> text."""
        modal = opened_by.modal
        if modal is None:
            raise LookupError(f"interaction {opened_by.id} was not answered with a modal")
        ch = self.channel(opened_by.channel_id)
        m = (
            self._member_of(ch, member)
            if member is not None
            else self.guild(ch.guild_id).members[opened_by.user_id]
        )
        missing = set(values)

        def answer(comp: dict[str, Any]) -> dict[str, Any]:
            cid = comp.get("custom_id")
            missing.discard(cid)
            value = values.get(cid, "") if cid else ""
            if comp.get("required", True) and comp["type"] == 4 and cid not in values:
                raise ValueError(f"modal text input {cid!r} is required")
            out: dict[str, Any] = {"type": comp["type"], "custom_id": cid, "value": value}
            if "id" in comp:
                out["id"] = comp["id"]
            return out

        components = []
        for top in modal.get("components", []):
            if top["type"] == 1:
                components.append({"type": 1, "components": [answer(c) for c in top.get("components", [])]})
            elif top["type"] == 18:
                components.append({"type": 18, "id": top.get("id", 0), "component": answer(top["component"])})
            else:
                components.append({"type": top["type"], "id": top.get("id", 0)})
        if missing:
            raise ValueError(f"modal has no inputs {sorted(missing)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        interaction = self._base_interaction(p.INTERACTION_MODAL_SUBMIT, ch, m, data)
        if opened_by.message_id is not None:
            source = self.state.messages[opened_by.message_id]
            interaction.payload["message"] = p.message_payload(self.state, source)
            interaction.message_id = source.id
        return await self._send_interaction(interaction)

    # --- reading back ---

    def guild(self, guild: IdLike) -> Guild:
        return self.state.guilds[_id(guild)]

    def channel(self, channel: IdLike) -> Channel:
        return self.state.channels[_id(channel)]

    def message(self, message_id: int) -> Message:
        return self.state.messages[message_id]

    def messages_in(self, channel: IdLike) -> list[Message]:
        """Visible (non-deleted, non-ephemeral) messages, oldest first."""
        return self.channel(channel).live_messages()

    def bot_messages(
        self, channel: IdLike | None = None, *, include_ephemeral: bool = False
    ) -> list[Message]:
        """Messages the bot created (REST sends, interaction replies, follow-ups), oldest first, not
        deleted."""
        cid = None if channel is None else _id(channel)
        out = [
            m
            for m in self.state.messages.values()
            if m.author.id == self.state.bot_user.id
            and not m.deleted
            and (cid is None or m.channel_id == cid)
            and (include_ephemeral or not m.ephemeral)
        ]
        return sorted(out, key=lambda m: m.id)

    def requests(self, method: str | None = None, route: str | None = None) -> list[RecordedRequest]:
        """Recorded REST requests; route is the template, e.g. "/channels/{channel_id}/messages"."""
        return [
            r
            for r in self.state.requests
            if (method is None or r.method == method.upper()) and (route is None or r.route == route)
        ]

    def synced_commands(self, guild: IdLike | None = None) -> list[dict[str, Any]]:
        """The current command set (global, or for one guild) as the bot last synced it."""
        if guild is None:
            return list(self.state.global_commands)
        return list(self.state.guild_commands.get(_id(guild), []))

    @property
    def command_syncs(self) -> list[tuple[int | None, list[dict[str, Any]]]]:
        """Every bulk overwrite: (guild id or None for global, commands)."""
        return list(self.state.command_syncs)

    def interaction(self, interaction_id: int) -> Interaction:
        return self.state.interactions[interaction_id]

    def original_response(self, interaction: Interaction) -> Message | None:
        mid = interaction.original_message_id
        return None if mid is None else self.state.messages.get(mid)

    def followups(self, interaction: Interaction) -> list[Message]:
        return [self.state.messages[i] for i in interaction.followup_ids]

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    @property
    def connection_log(self) -> list[Any]:
        return list(self.gateway.connection_log)

    @property
    def rate_limited_requests(self) -> list[RecordedRequest]:
        return list(self.state.rate_limited)

    @property
    def unhandled_routes(self) -> list[str]:
        return list(self.rest.unhandled)

    # --- waiting ---

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float = 15.0,  # noqa: ASYNC109
        description: str = "",
    ) -> T:
        """Wait (event-driven, re-checked on every stand-in change) until predicate() is truthy; return it."""
        return await self.state.wait_for(predicate, timeout=timeout, description=description)

    async def wait_for_bot_message(
        self,
        channel: IdLike | None = None,
        *,
        check: Callable[[Message], bool] | None = None,
        after: Message | int | None = None,
        include_ephemeral: bool = False,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> Message:
        """The first bot message (newer than `after`, default: any) matching `check`."""
        floor = 0 if after is None else _id(after)

        def find() -> Message | None:
            for m in self.bot_messages(channel, include_ephemeral=include_ephemeral):
                if m.id > floor and (check is None or check(m)):
                    return m
            return None

        return await self.wait_for(find, timeout=timeout, description="a bot message")

    async def wait_for_response(self, interaction: Interaction, *, timeout: float = 15.0) -> Interaction:  # noqa: ASYNC109
        """Wait until the bot acknowledged the interaction (any callback type)."""
        await self.wait_for(
            lambda: interaction.acknowledged, timeout=timeout, description="interaction response"
        )
        return interaction

    async def wait_for_request(
        self,
        method: str,
        route: str,
        *,
        count: int = 1,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> list[RecordedRequest]:
        def enough() -> list[RecordedRequest] | None:
            found = self.requests(method, route)
            return found if len(found) >= count else None

        return await self.wait_for(enough, timeout=timeout, description=f"{count}x {method} {route}")

    async def wait_until_connected(self, *, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Until a client has a live gateway session (READY or RESUMED sent)."""
        await self.wait_for(
            lambda: self.gateway.live_connections(), timeout=timeout, description="a live session"
        )

    # --- faults ---

    async def drop_connection(self, *, code: int | None = None) -> int:
        """Drop every gateway connection now: code=None aborts TCP (network failure), else a close frame."""
        return await self.gateway.drop(code)

    async def send_reconnect(self) -> int:
        """Opcode 7 RECONNECT to every live connection; events from now on are buffered for the RESUME."""
        return await self.gateway.send_op(p.OP_RECONNECT, None)

    async def send_invalid_session(self, *, resumable: bool = False) -> int:
        """Opcode 9 INVALID_SESSION (d=resumable); a non-resumable session is discarded (client must
        IDENTIFY)."""
        return await self.gateway.send_op(p.OP_INVALID_SESSION, resumable, invalidate=not resumable)

    async def request_heartbeat(self) -> int:
        return await self.gateway.request_heartbeat()

    def set_heartbeat_ack(self, enabled: bool) -> None:
        """Stop/start answering heartbeats (zombie connection)."""
        self.gateway.ack_heartbeats = enabled

    def inject_rate_limit(
        self,
        selector: str = "sends",
        *,
        count: int = 1,
        retry_after: float = 0.3,
        is_global: bool = False,
        scope: str = "user",
    ) -> RateLimitRule:
        """The next `count` requests matching `selector` get a 429 with retry_after.

        selector: "METHOD /route/{template}" (e.g. "POST /channels/{channel_id}/messages"), "sends" (channel
        sends + follow-ups), "callbacks" (interaction callbacks) or "*".
        scope: "user" | "global" | "shared" (the X-RateLimit-Scope header).
        """
        rule = RateLimitRule(selector, count, retry_after, is_global, scope)
        self.state.rate_limit_rules.append(rule)
        return rule

    def inject_error(
        self, selector: str, *, status: int = 500, count: int = 1, code: int = 0, message: str = "injected"
    ) -> RateLimitRule:
        """The next `count` matching requests fail with `status` and a Discord error body {code, message}."""
        rule = RateLimitRule(selector, count, 0.0, False, "user", status=status, error=(code, message))
        self.state.rate_limit_rules.append(rule)
        return rule

    # --- opt-in fault modes seen against Spacebar (issue 13) ---

    def malform_in_history(self, message: Message) -> None:
        """History reads (GET /channels/{id}/messages) return ``message`` with ``author: null``, which
        discord.py's parser cannot read (a TypeError), as Spacebar did for some messages."""
        self.state.malformed_history.add(message.id)
        self.state.notify()

    # --- faults: payload quirks of other Discord-compatible servers ---

    @property
    def quirks(self) -> set[str]:
        """Opt-in payload deviations, e.g. ``fake.quirks.add("member_roles_as_objects")`` (see
        ``gateway.QUIRKS``): every gateway event dispatched from then on carries them."""
        return self.gateway.quirks

    # --- faults: answers withheld ---

    def hold_responses(self, selector: str, *, count: int = 1) -> HoldRule:
        """The next `count` matching requests do their work (e.g. the message is created) but get no answer
        until `rule.release()`: a client killed meanwhile never learns that they succeeded."""
        rule = HoldRule(selector, count, self.state.notify)
        self.rest.hold_rules.append(rule)
        return rule


def _guess_type(filename: str) -> str:
    lower = filename.lower()
    for ext, ctype in (
        (".png", "image/png"),
        (".jpg", "image/jpeg"),
        (".gif", "image/gif"),
        (".txt", "text/plain"),
    ):
        if lower.endswith(ext):
            return ctype
    return "application/octet-stream"
