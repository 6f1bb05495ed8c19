"""REST API v10 routes the bot uses, with Discord's status codes, error bodies and rate-limit headers.

Every request is recorded (`State.requests`) with its decoded JSON or multipart body before it is handled.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from . import payloads as p
from .gateway import Gateway, guild_payload
from .state import (
    Attachment,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    RateLimitRule,
    Reaction,
    RecordedRequest,
    State,
    UploadedFile,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MENTION_USER = re.compile(r"<@!?(\d{15,21})>")
MENTION_ROLE = re.compile(r"<@&(\d{15,21})>")
CUSTOM_EMOJI = re.compile(r"^(?:a:)?([A-Za-z0-9_~]+):(\d{15,21})$")
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class RestError(Exception):
    def __init__(self, status: int, error: tuple[int, str], errors: dict[str, Any] | None = None) -> None:
        super().__init__(error[1])
        self.status = status
        self.code, self.message = error
        self.errors = errors


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text() compares the header verbatim, so aiohttp's
    # default
    # "application/json; charset=utf-8" would make it treat every answer as text.
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def no_content() -> web.Response:
    return web.Response(status=204)


def _snowflake(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise RestError(400, p.ERR_INVALID_FORM, {"id": "Value is not snowflake."}) from exc


def parse_emoji(raw: str) -> tuple[str, dict[str, Any]]:
    """Route emoji ("👍" or "name:id") -> (key, partial emoji payload)."""
    raw = urllib.parse.unquote(raw)
    m = CUSTOM_EMOJI.match(raw)
    if m:
        return f"{m.group(1)}:{m.group(2)}", {
            "id": m.group(2),
            "name": m.group(1),
            "animated": raw.startswith("a:"),
        }
    return raw, {"id": None, "name": raw}


class RestApi:
    def __init__(self, state: State, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway
        self.interaction_ack_timeout: float | None = None
        self.unhandled: list[str] = []
        self._records: dict[int, RecordedRequest] = {}  # in-flight request -> its record
        self.hold_rules: list[HoldRule] = []  # answers withheld after the work is done (see HoldRule)

    # --- plumbing ---

    def add_routes(self, app: web.Application) -> None:
        r = app.router
        a = p.API_PREFIX
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("POST", "/applications/{application_id}/commands", self.post_command),
            ("DELETE", "/applications/{application_id}/commands/{command_id}", self.delete_command),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self.post_command),
            (
                "DELETE",
                "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
                self.delete_command,
            ),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands/permissions", self.empty_list),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("POST", "/channels/{channel_id}/messages/bulk-delete", self.bulk_delete),
            ("GET", "/channels/{channel_id}/messages", self.get_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self.add_reaction),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self.remove_reaction,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
                self.remove_reaction,
            ),
            ("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", self.get_reactions),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_roles),
            ("GET", "/guilds/{guild_id}/threads/active", self.get_active_threads),
            ("GET", "/channels/{channel_id}/threads/archived/public", self.get_archived_public_threads),
            ("GET", "/channels/{channel_id}/threads/archived/private", self.get_archived_private_threads),
            ("GET", "/guilds/{guild_id}/members", self.get_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("PATCH", "/guilds/{guild_id}/members/{user_id}", self.edit_member),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self.interaction_callback,
            ),
            ("POST", "/webhooks/{application_id}/{interaction_token}", self.followup_create),
            ("GET", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}", self.webhook_get),
            (
                "PATCH",
                "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
                self.webhook_edit,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
                self.webhook_delete,
            ),
        ]
        for method, path, handler in routes:
            r.add_route(method, a + path, handler)
        r.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self.get_attachment)
        for prefix in ("/avatars", "/embed/avatars", "/icons"):
            r.add_get(prefix + "/{tail:.*}", self.get_image)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route_info = request.match_info.route
        resource = route_info.resource
        canonical = resource.canonical if resource is not None else None
        if canonical is None or not canonical.startswith(p.API_PREFIX):
            if canonical is None and request.path.startswith(p.API_PREFIX):
                self.unhandled.append(f"{request.method} {request.path}")
                log.warning("stand-in has no route for %s %s", request.method, request.path)
                return json_response({"message": "404: Not Found", "code": 0}, status=404)
            return await handler(request)
        route = canonical[len(p.API_PREFIX) :]
        try:
            body, files = await self._read_body(request)
        except RestError as exc:
            return self._error_response(exc)
        record = RecordedRequest(
            method=request.method,
            path=request.path[len(p.API_PREFIX) :],
            route=route,
            match=dict(request.match_info),
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
        )
        self._records[id(request)] = record
        self.state.requests.append(record)
        try:
            needs_auth = not route.startswith(("/webhooks/", "/interactions/"))  # those use the token
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.state.token}":
                raise RestError(401, p.ERR_UNAUTHORIZED)
            injected = self._injected(record)
            if injected is not None:
                response: web.StreamResponse = injected
            else:
                response = await handler(request)
                await self._hold(record)
        except RestError as exc:
            response = self._error_response(exc)
        finally:
            self._records.pop(id(request), None)
        record.status = response.status
        self.state.notify()
        return response

    def _error_response(self, exc: RestError) -> web.Response:
        body: dict[str, Any] = {"message": exc.message, "code": exc.code}
        if exc.errors:
            body["errors"] = exc.errors
        return json_response(body, status=exc.status)

    def _injected(self, record: RecordedRequest) -> web.Response | None:
        for rule in self.state.rate_limit_rules:
            if rule.remaining <= 0 or not rule.matches(record.method, record.route):
                continue
            rule.remaining -= 1
            if rule.status != 429:
                error = rule.error or (0, f"{rule.status}: injected error")
                return json_response({"message": error[1], "code": error[0]}, status=rule.status)
            self.state.rate_limited.append(record)
            retry = rule.retry_after
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": retry,
                "global": False,
            }
            headers = {
                "Retry-After": str(max(1, math.ceil(retry))),
                "X-RateLimit-Scope": rule.scope,
                "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
            }
            if rule.is_global:
                body.update({"global": True, "code": 0})
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
                        "X-RateLimit-Reset-After": f"{retry:.3f}",
                        "X-RateLimit-Bucket": f"standin{abs(hash(record.route)) % 10**8:08d}",
                    }
                )
            return json_response(body, status=429, headers=headers)
        return None

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        if not request.can_read_body:
            return None, []
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            payload: Any = None
            files: list[UploadedFile] = []
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    raise RestError(400, p.ERR_INVALID_FORM, {"_errors": "nested multipart is not supported"})
                name = part.name or ""
                raw = await part.read()
                if name == "payload_json":
                    payload = json.loads(raw.decode())
                else:
                    files.append(
                        UploadedFile(
                            field_name=name,
                            filename=part.filename or name,
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(raw),
                        )
                    )
            return payload, files
        raw_text = await request.text()
        if not raw_text:
            return None, []
        try:
            return json.loads(raw_text), []
        except ValueError as exc:
            raise RestError(400, (50109, "The request body contains invalid JSON.")) from exc

    # --- lookups ---

    def _channel(self, request: web.Request) -> Channel:
        channel = self.state.channels.get(_snowflake(request.match_info["channel_id"]))
        if channel is None:
            raise RestError(404, p.ERR_UNKNOWN_CHANNEL)
        if not self.state.permissions_in(channel, self.state.bot_user.id) & p.P_VIEW_CHANNEL:
            raise RestError(403, p.ERR_MISSING_ACCESS)
        return channel

    def _message(self, channel: Channel, raw_id: str) -> Message:
        msg = channel.messages.get(_snowflake(raw_id))
        if msg is None or msg.deleted:
            raise RestError(404, p.ERR_UNKNOWN_MESSAGE)
        return msg

    def _guild(self, request: web.Request) -> Guild:
        guild = self.state.guilds.get(_snowflake(request.match_info["guild_id"]))
        if guild is None:
            raise RestError(404, p.ERR_UNKNOWN_GUILD)
        return guild

    def _require(self, channel: Channel, needed: int) -> None:
        if not self.state.has_permissions(channel, self.state.bot_user.id, needed):
            raise RestError(403, p.ERR_MISSING_PERMISSIONS)

    def _body(self, request: web.Request) -> dict[str, Any]:
        record = self._records[id(request)]
        return record.json if isinstance(record.json, dict) else {}

    def _files(self, request: web.Request) -> list[UploadedFile]:
        return self._records[id(request)].files

    # --- users / app / gateway ---

    async def get_me(self, request: web.Request) -> web.Response:
        user = self.state.bot_user
        return json_response(
            {**p.user_payload(user), "verified": True, "mfa_enabled": False, "locale": "en-US"}
        )

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.state.users.get(_snowflake(request.match_info["user_id"]))
        if user is None:
            raise RestError(404, p.ERR_UNKNOWN_USER)
        return json_response(p.user_payload(user))

    async def get_application(self, request: web.Request) -> web.Response:
        owner = next((self.state.users[g.owner_id] for g in self.state.guilds.values()), self.state.bot_user)
        return json_response(
            {
                "id": str(self.state.application_id),
                "name": self.state.bot_user.username,
                "icon": None,
                "description": "Discord stand-in application",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": self.state.application_flags,
                "owner": p.user_payload(owner),
                "team": None,
                "bot": p.user_payload(self.state.bot_user),
                "tags": [],
                "approximate_guild_count": len(self.state.guilds),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "integration_types_config": {"0": {}},
            }
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway.gateway_url,
                "shards": self.gateway.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def empty_list(self, request: web.Request) -> web.Response:
        return json_response([])

    # --- application commands ---

    def _command_list(self, request: web.Request) -> tuple[int | None, list[dict[str, Any]]]:
        if _snowflake(request.match_info["application_id"]) != self.state.application_id:
            raise RestError(403, (20012, "You are not authorized to perform this action on this application"))
        raw_guild = request.match_info.get("guild_id")
        if raw_guild is None:
            return None, self.state.global_commands
        guild = self._guild(request)
        return guild.id, self.state.guild_commands.setdefault(guild.id, [])

    def _stored_command(
        self, body: dict[str, Any], guild_id: int | None, existing: list[dict[str, Any]]
    ) -> dict:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise RestError(400, p.ERR_INVALID_FORM, {"name": "This field is required"})
        ctype = int(body.get("type", 1))
        if ctype == 1 and not re.fullmatch(r"[-_\w]{1,32}", body["name"]):
            raise RestError(400, p.ERR_INVALID_FORM, {"name": "Invalid chat input command name"})
        prev = next((c for c in existing if c["name"] == body["name"] and c["type"] == ctype), None)
        cmd = dict(body)
        cmd.update(
            id=prev["id"] if prev else str(self.state.new_id()),
            application_id=str(self.state.application_id),
            version=str(self.state.new_id()),
            type=ctype,
            description=body.get("description", ""),
            default_member_permissions=body.get("default_member_permissions"),
            nsfw=body.get("nsfw", False),
            options=body.get("options", []) if ctype == 1 else [],
        )
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
        return cmd

    async def get_commands(self, request: web.Request) -> web.Response:
        _, commands = self._command_list(request)
        return json_response(commands)

    async def put_commands(self, request: web.Request) -> web.Response:
        guild_id, existing = self._command_list(request)
        body = self._records[id(request)].json
        if not isinstance(body, list):
            raise RestError(400, p.ERR_INVALID_FORM)
        names = [(c.get("name"), int(c.get("type", 1))) for c in body if isinstance(c, dict)]
        if len(set(names)) != len(names):
            raise RestError(400, p.ERR_INVALID_FORM, {"_errors": "Application command names must be unique"})
        new = [self._stored_command(c, guild_id, existing) for c in body]
        existing[:] = new
        self.state.command_syncs.append((guild_id, new))
        return json_response(new)

    async def post_command(self, request: web.Request) -> web.Response:
        guild_id, existing = self._command_list(request)
        cmd = self._stored_command(self._body(request), guild_id, existing)
        existing[:] = [c for c in existing if c["id"] != cmd["id"]] + [cmd]
        return json_response(cmd, status=201)

    async def delete_command(self, request: web.Request) -> web.Response:
        _, existing = self._command_list(request)
        cid = request.match_info["command_id"]
        if not any(c["id"] == cid for c in existing):
            raise RestError(404, p.ERR_UNKNOWN_COMMAND)
        existing[:] = [c for c in existing if c["id"] != cid]
        return no_content()

    # --- channels and messages ---

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        return json_response(p.channel_payload(channel))

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def get_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_VIEW_CHANNEL | p.P_READ_MESSAGE_HISTORY)
        q = request.query
        limit = int(q.get("limit", "50"))
        if not 1 <= limit <= 100:
            raise RestError(400, p.ERR_INVALID_FORM, {"limit": "int value should be between 1 and 100"})
        msgs = channel.live_messages()  # oldest first
        if "around" in q:
            around = _snowflake(q["around"])
            older = [m for m in msgs if m.id <= around][-((limit + 1) // 2) :]
            newer = [m for m in msgs if m.id > around][: limit // 2]
            chosen = older + newer
        elif "after" in q:
            after = _snowflake(q["after"])
            chosen = [m for m in msgs if m.id > after][:limit]
        else:
            if "before" in q:
                before = _snowflake(q["before"])
                msgs = [m for m in msgs if m.id < before]
            chosen = msgs[-limit:]
        chosen.sort(key=lambda m: m.id, reverse=True)  # Discord answers newest first
        return json_response([self._history_payload(m) for m in chosen])

    def _history_payload(self, msg: Message) -> dict[str, Any]:
        """A message as history returns it; ``malform_in_history`` breaks it the way Spacebar's did
        (``author: null``: discord.py's Message() raises TypeError)."""
        data = p.message_payload(self.state, msg)
        if msg.id in self.state.malformed_history:
            data["author"] = None
        return data

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_VIEW_CHANNEL | p.P_READ_MESSAGE_HISTORY)
        msg = self._message(channel, request.match_info["message_id"])
        return json_response(p.message_payload(self.state, msg))

    def _attachments_from(self, channel_id: int, body: dict[str, Any], files: list[UploadedFile]) -> list:
        meta = {str(a.get("id")): a for a in body.get("attachments", []) if isinstance(a, dict)}
        out = []
        for index, f in enumerate(files):
            m = re.fullmatch(r"files\[(\d+)\]", f.field_name)
            key = m.group(1) if m else str(index)
            info = meta.get(key, {})
            att_id = self.state.new_id()
            filename = info.get("filename") or f.filename
            url = f"{self.state.base_url}/attachments/{channel_id}/{att_id}/{urllib.parse.quote(filename)}"
            out.append(
                Attachment(
                    id=att_id,
                    filename=filename,
                    size=len(f.data),
                    url=url,
                    content_type=f.content_type,
                    data=f.data,
                    description=info.get("description"),
                )
            )
        return out

    def compute_mentions(
        self,
        msg: Message,
        allowed: dict[str, Any] | None,
        *,
        can_mention_everyone: bool,
        replied_author: int | None,
    ) -> None:
        """Fill mention fields the way Discord does: only what allowed_mentions lets through is pinged."""
        guild = self.state.guilds.get(msg.guild_id) if msg.guild_id else None
        users = [int(u) for u in MENTION_USER.findall(msg.content)]
        roles = [int(r) for r in MENTION_ROLE.findall(msg.content)]
        if allowed is None:
            parse = {"users", "roles", "everyone"}
            allow_users: set[int] = set()
            allow_roles: set[int] = set()
            replied = True
        else:
            parse = set(allowed.get("parse") or [])
            allow_users = {int(u) for u in allowed.get("users") or []}
            allow_roles = {int(r) for r in allowed.get("roles") or []}
            replied = bool(allowed.get("replied_user", False))
        mention_ids = [u for u in dict.fromkeys(users) if "users" in parse or u in allow_users]
        if replied_author is not None and replied and replied_author not in mention_ids:
            mention_ids.append(replied_author)
        msg.mention_ids = [u for u in mention_ids if u in self.state.users]
        msg.mention_role_ids = [
            r
            for r in dict.fromkeys(roles)
            if guild is not None and r in guild.roles and ("roles" in parse or r in allow_roles)
        ]
        msg.mention_everyone = (
            ("@everyone" in msg.content or "@here" in msg.content)
            and "everyone" in parse
            and can_mention_everyone
        )

    def _validate_message_body(self, body: dict[str, Any], has_files: bool, *, require_content: bool) -> None:
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            content = str(content)
            body["content"] = content
        if content and len(content) > 2000:
            raise RestError(400, p.ERR_INVALID_FORM, {"content": "Must be 2000 or fewer in length."})
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            raise RestError(400, p.ERR_INVALID_FORM, {"embeds": "Must be 10 or fewer in length."})
        for embed in embeds:
            total = len(embed.get("title", "")) + len(embed.get("description", ""))
            total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
            if len(embed.get("description", "")) > 4096 or total > 6000 or len(embed.get("fields", [])) > 25:
                raise RestError(
                    400, p.ERR_INVALID_FORM, {"embeds": "Embed size exceeds maximum size of 6000"}
                )
        if require_content and not (
            content
            or embeds
            or has_files
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
        ):
            raise RestError(400, p.ERR_EMPTY_MESSAGE)

    def new_bot_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        interaction: Interaction | None = None,
        msg_type: int | None = None,
    ) -> Message:
        """Build (not store) a message the bot sends, from a create-message style body."""
        state = self.state
        self._validate_message_body(body, bool(files), require_content=True)
        msg = Message(
            id=state.new_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=state.bot_user,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            attachments=self._attachments_from(channel.id, body, files),
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts", False)),
            nonce=body.get("nonce"),
            allowed_mentions=body.get("allowed_mentions"),
            request_payload=body,
        )
        replied_author = None
        ref = body.get("message_reference")
        if ref and interaction is None:
            target = state.messages.get(int(ref.get("message_id", 0)))
            fail = ref.get("fail_if_not_exists", True)
            if target is None or target.deleted or target.channel_id != channel.id:
                if fail:
                    raise RestError(
                        400,
                        p.ERR_INVALID_FORM,
                        {"message_reference": "Unknown message (REPLIES_UNKNOWN_MESSAGE)"},
                    )
            else:
                msg.type = p.MESSAGE_REPLY
                msg.reference = {
                    "type": 0,
                    "message_id": str(target.id),
                    "channel_id": str(channel.id),
                    "guild_id": str(channel.guild_id),
                }
                replied_author = target.author.id
        if interaction is not None:
            msg.webhook_id = state.application_id
            msg.application_id = state.application_id
            msg.interaction_id = interaction.id
            meta: dict[str, Any] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": p.user_payload(state.users[interaction.user_id]),
                "authorizing_integration_owners": {"0": str(channel.guild_id)},
            }
            data = interaction.payload.get("data", {})
            if interaction.type == p.INTERACTION_APPLICATION_COMMAND:
                meta["name"] = data.get("name", "")
                meta["command_type"] = data.get("type", 1)
            if interaction.message_id is not None:
                meta["interacted_message_id"] = str(interaction.message_id)
            msg.interaction_metadata = meta
            if msg_type is None:
                if interaction.type == p.INTERACTION_APPLICATION_COMMAND and data.get("type", 1) == 1:
                    msg_type = p.MESSAGE_CHAT_INPUT_COMMAND
                elif interaction.type == p.INTERACTION_APPLICATION_COMMAND:
                    msg_type = p.MESSAGE_CONTEXT_MENU_COMMAND
                else:
                    msg_type = p.MESSAGE_DEFAULT
        if msg_type is not None:
            msg.type = msg_type
        everyone_ok = state.has_permissions(channel, state.bot_user.id, p.P_MENTION_EVERYONE)
        self.compute_mentions(
            msg, body.get("allowed_mentions"), can_mention_everyone=everyone_ok, replied_author=replied_author
        )
        return msg

    async def store_and_dispatch(self, msg: Message) -> None:
        state = self.state
        channel = state.channels[msg.channel_id]
        if not msg.ephemeral:
            channel.messages[msg.id] = msg
            channel.last_message_id = msg.id
            if channel.is_thread and channel.archived and not channel.locked:
                channel.archived = False
        state.messages[msg.id] = msg
        state.notify()
        if not msg.ephemeral:
            await self.gateway.message_create(msg)

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel.type in (p.CHANNEL_CATEGORY, p.CHANNEL_FORUM):
            raise RestError(400, (50008, "Cannot send messages in a non-text channel"))
        needed = p.P_SEND_MESSAGES_IN_THREADS if channel.is_thread else p.P_SEND_MESSAGES
        self._require(channel, p.P_VIEW_CHANNEL | needed)
        if channel.is_thread and channel.locked:
            raise RestError(403, (50083, "Thread is archived"))
        body = self._body(request)
        files = self._files(request)
        if files:
            self._require(channel, p.P_ATTACH_FILES)
        if body.get("message_reference"):
            self._require(channel, p.P_READ_MESSAGE_HISTORY)
        msg = self.new_bot_message(channel, body, files)
        msg.flags &= ~p.FLAG_EPHEMERAL  # not allowed outside interactions
        await self.store_and_dispatch(msg)
        return json_response(p.message_payload(self.state, msg))

    def apply_edit(self, msg: Message, body: dict[str, Any], files: list[UploadedFile]) -> None:
        self._validate_message_body(body, bool(files), require_content=False)
        changed_text = False
        if "content" in body:
            msg.content = body["content"] or ""
            changed_text = True
        if "embeds" in body:
            msg.embeds = list(body["embeds"] or [])
            changed_text = True
        if "components" in body:
            msg.components = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            keep = msg.flags & (p.FLAG_EPHEMERAL)
            msg.flags = (int(body["flags"]) & ~p.FLAG_EPHEMERAL) | keep
        if "attachments" in body:
            keep_ids = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
            msg.attachments = [a for a in msg.attachments if str(a.id) in keep_ids]
        if files:
            msg.attachments += self._attachments_from(msg.channel_id, body, files)
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        if changed_text:
            channel = self.state.channels[msg.channel_id]
            everyone_ok = self.state.has_permissions(channel, msg.author.id, p.P_MENTION_EVERYONE)
            self.compute_mentions(
                msg, msg.allowed_mentions, can_mention_everyone=everyone_ok, replied_author=None
            )
            msg.edited_at = p.utcnow()
        msg.flags &= ~p.FLAG_LOADING
        msg.edits.append(body)

    async def edit_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        msg = self._message(channel, request.match_info["message_id"])
        body = self._body(request)
        if msg.author.id != self.state.bot_user.id or msg.webhook_id is not None:
            if set(body) - {"flags"}:
                raise RestError(403, p.ERR_CANNOT_EDIT_OTHERS)
            self._require(channel, p.P_MANAGE_MESSAGES)
        self.apply_edit(msg, body, self._files(request))
        self.state.notify()
        await self.gateway.message_update(msg)
        return json_response(p.message_payload(self.state, msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        msg = self._message(channel, request.match_info["message_id"])
        if msg.author.id != self.state.bot_user.id:
            self._require(channel, p.P_MANAGE_MESSAGES)
        msg.deleted = True
        self.state.notify()
        await self.gateway.message_delete(msg)
        return no_content()

    async def bulk_delete(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_MANAGE_MESSAGES)
        ids = [_snowflake(i) for i in self._body(request).get("messages", [])]
        if not 2 <= len(ids) <= 100:
            raise RestError(400, p.ERR_INVALID_FORM, {"messages": "Must be between 2 and 100 in length."})
        cutoff = p.utcnow() - dt.timedelta(days=14)
        if any(p.snowflake_time(i) < cutoff for i in ids):
            raise RestError(400, p.ERR_BULK_TOO_OLD)
        deleted = []
        for mid in dict.fromkeys(ids):
            msg = channel.messages.get(mid)
            if msg is not None and not msg.deleted:
                msg.deleted = True
                deleted.append(mid)
        self.state.notify()
        if deleted:
            await self.gateway.message_delete_bulk(channel, deleted)
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_READ_MESSAGE_HISTORY)
        msg = self._message(channel, request.match_info["message_id"])
        key, emoji = parse_emoji(request.match_info["emoji"])
        reaction = msg.reactions.get(key)
        if reaction is None:
            self._require(channel, p.P_ADD_REACTIONS)
            reaction = msg.reactions[key] = Reaction(emoji=emoji)
        bot_id = self.state.bot_user.id
        if bot_id not in reaction.user_ids:
            reaction.user_ids.append(bot_id)
            self.state.notify()
            await self.gateway.reaction(msg, bot_id, emoji, added=True)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        msg = self._message(channel, request.match_info["message_id"])
        key, emoji = parse_emoji(request.match_info["emoji"])
        raw_user = request.match_info.get("user_id")
        user_id = self.state.bot_user.id if raw_user is None else _snowflake(raw_user)
        if user_id != self.state.bot_user.id:
            self._require(channel, p.P_MANAGE_MESSAGES)
        if msg.remove_reaction(key, user_id):
            self.state.notify()
            await self.gateway.reaction(msg, user_id, emoji, added=False)
        return no_content()

    async def get_reactions(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        msg = self._message(channel, request.match_info["message_id"])
        key, _ = parse_emoji(request.match_info["emoji"])
        reaction = msg.reactions.get(key)
        ids = reaction.user_ids if reaction else []
        return json_response([p.user_payload(self.state.users[u]) for u in ids])

    async def get_attachment(self, request: web.Request) -> web.Response:
        att_id = int(request.match_info["attachment_id"])
        for msg in self.state.messages.values():
            for att in msg.attachments:
                if att.id == att_id:
                    return web.Response(
                        body=att.data or b"", content_type=att.content_type or "application/octet-stream"
                    )
        return web.Response(status=404)

    async def get_image(self, request: web.Request) -> web.Response:
        return web.Response(body=TINY_PNG, content_type="image/png")

    # --- guilds and members ---

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild_payload(guild)
        if request.query.get("with_counts") == "true":
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([p.channel_payload(c) for c in guild.channels.values() if not c.is_thread])

    async def get_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([p.role_payload(r) for r in guild.roles.values()])

    async def get_active_threads(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
        return json_response({"threads": [p.channel_payload(t) for t in threads], "members": []})

    async def get_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        limit = int(request.query.get("limit", "1"))
        after = int(request.query.get("after", "0"))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return json_response([p.member_payload(m) for m in members[:limit]])

    def _member(self, guild: Guild, raw: str) -> Member:
        member = guild.members.get(_snowflake(raw))
        if member is None:
            raise RestError(404, p.ERR_UNKNOWN_MEMBER)
        return member

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response(p.member_payload(self._member(guild, request.match_info["user_id"])))

    def _top_position(self, guild: Guild, member: Member) -> int:
        return max((guild.roles[r].position for r in member.roles if r in guild.roles), default=0)

    async def edit_member(self, request: web.Request) -> web.Response:
        state = self.state
        guild = self._guild(request)
        member = self._member(guild, request.match_info["user_id"])
        bot_member = guild.members[state.bot_user.id]
        perms = state.base_permissions(guild, bot_member)
        body = self._body(request)
        if "communication_disabled_until" in body:
            if not perms & p.P_MODERATE_MEMBERS:
                raise RestError(403, p.ERR_MISSING_PERMISSIONS)
            target_perms = state.base_permissions(guild, member)
            if (
                member.user.id == guild.owner_id
                or target_perms & p.P_ADMINISTRATOR
                or self._top_position(guild, member) >= self._top_position(guild, bot_member)
            ):
                raise RestError(403, p.ERR_MISSING_PERMISSIONS)
            raw = body["communication_disabled_until"]
            if raw is None:
                member.communication_disabled_until = None
            else:
                until = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
                if until > p.utcnow() + dt.timedelta(days=28, minutes=1):
                    raise RestError(
                        400, p.ERR_INVALID_FORM, {"communication_disabled_until": "must be 28 days or less"}
                    )
                member.communication_disabled_until = until
        if "nick" in body:
            member.nick = body["nick"] or None
        if "roles" in body:
            if not perms & p.P_MANAGE_ROLES:
                raise RestError(403, p.ERR_MISSING_PERMISSIONS)
            member.roles = [int(r) for r in body["roles"] if int(r) in guild.roles and int(r) != guild.id]
        state.notify()
        await self.gateway.member_update(member)
        return json_response(p.member_payload(member))

    # --- interactions and follow-ups ---

    def _interaction_by_token(self, request: web.Request) -> Interaction:
        token = request.match_info["interaction_token"]
        interaction = self.state.interactions_by_token.get(token)
        if (
            interaction is None
            or _snowflake(request.match_info["application_id"]) != self.state.application_id
        ):
            raise RestError(404, p.ERR_UNKNOWN_WEBHOOK)
        return interaction

    def _callback_result(self, interaction: Interaction, ctype: int, msg: Message | None) -> dict[str, Any]:
        info: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        if msg is not None:
            info.update(
                response_message_id=str(msg.id),
                response_message_loading=bool(msg.flags & p.FLAG_LOADING),
                response_message_ephemeral=msg.ephemeral,
            )
        result: dict[str, Any] = {"interaction": info}
        if msg is not None:
            result["resource"] = {"type": ctype, "message": p.message_payload(self.state, msg)}
        return result

    async def interaction_callback(self, request: web.Request) -> web.Response:
        state = self.state
        interaction = state.interactions.get(_snowflake(request.match_info["interaction_id"]))
        if interaction is None or interaction.token != request.match_info["interaction_token"]:
            raise RestError(404, p.ERR_UNKNOWN_INTERACTION)
        if interaction.acknowledged:
            raise RestError(400, p.ERR_ALREADY_ACKNOWLEDGED)
        limit = self.interaction_ack_timeout
        if limit is not None and time.monotonic() - interaction.created_at > limit:
            raise RestError(404, p.ERR_UNKNOWN_INTERACTION)
        body = self._body(request)
        files = self._files(request)
        ctype = int(body.get("type", 0))
        data = body.get("data") or {}
        channel = state.channels[interaction.channel_id]
        msg: Message | None = None
        is_component = interaction.type in (p.INTERACTION_MESSAGE_COMPONENT, p.INTERACTION_MODAL_SUBMIT)
        if ctype == p.CALLBACK_CHANNEL_MESSAGE:
            msg = self.new_bot_message(channel, data, files, interaction=interaction)
            interaction.ephemeral = msg.ephemeral
        elif ctype == p.CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = int(data.get("flags") or 0)
            msg = Message(
                id=state.new_id(),
                channel_id=channel.id,
                guild_id=channel.guild_id,
                author=state.bot_user,
                flags=p.FLAG_LOADING | (flags & p.FLAG_EPHEMERAL),
                webhook_id=state.application_id,
                application_id=state.application_id,
                interaction_id=interaction.id,
            )
            template = self.new_bot_message(channel, {"content": "…"}, [], interaction=interaction)
            msg.type = template.type
            msg.interaction_metadata = template.interaction_metadata
            interaction.ephemeral = msg.ephemeral
        elif ctype in (p.CALLBACK_DEFERRED_UPDATE_MESSAGE, p.CALLBACK_UPDATE_MESSAGE):
            if not is_component or interaction.message_id is None:
                raise RestError(400, (40043, "Interaction callback type not valid for this interaction"))
            target = state.messages.get(interaction.message_id)
            if target is None or target.deleted:
                raise RestError(404, p.ERR_UNKNOWN_MESSAGE)
            interaction.original_message_id = target.id
            interaction.ephemeral = target.ephemeral
            if ctype == p.CALLBACK_UPDATE_MESSAGE:
                self.apply_edit(target, dict(data), files)
                msg = target
        elif ctype == p.CALLBACK_MODAL:
            if interaction.type == p.INTERACTION_MODAL_SUBMIT:
                raise RestError(400, (40043, "Interaction callback type not valid for this interaction"))
            if not data.get("custom_id") or not data.get("components"):
                raise RestError(
                    400, p.ERR_INVALID_FORM, {"data": "custom_id, title and components are required"}
                )
            interaction.modal = data
        elif ctype == p.CALLBACK_AUTOCOMPLETE_RESULT:
            if interaction.type != p.INTERACTION_AUTOCOMPLETE:
                raise RestError(400, (40043, "Interaction callback type not valid for this interaction"))
            interaction.autocomplete_choices = list(data.get("choices") or [])
        elif ctype != p.CALLBACK_PONG:
            raise RestError(400, p.ERR_INVALID_FORM, {"type": f"Value {ctype} is not a valid callback type"})
        interaction.callbacks.append(body)
        interaction.callback_type = ctype
        interaction.acknowledged_at = time.monotonic()
        if msg is not None and ctype in (p.CALLBACK_CHANNEL_MESSAGE, p.CALLBACK_DEFERRED_CHANNEL_MESSAGE):
            interaction.original_message_id = msg.id
            await self.store_and_dispatch(msg)
        elif msg is not None:
            state.notify()
            if not msg.ephemeral:
                await self.gateway.message_update(msg)
        state.notify()
        if request.query.get("with_response") in ("1", "true", "True"):
            return json_response(self._callback_result(interaction, ctype, msg))
        return no_content()

    def _webhook_message(self, interaction: Interaction, raw_id: str) -> Message:
        if raw_id == "@original":
            mid = interaction.original_message_id
        else:
            mid = _snowflake(raw_id)
            if mid != interaction.original_message_id and mid not in interaction.followup_ids:
                raise RestError(404, p.ERR_UNKNOWN_MESSAGE)
        msg = self.state.messages.get(mid) if mid is not None else None
        if msg is None or msg.deleted:
            raise RestError(404, p.ERR_UNKNOWN_MESSAGE)
        return msg

    async def followup_create(self, request: web.Request) -> web.Response:
        interaction = self._interaction_by_token(request)
        if not interaction.acknowledged:
            raise RestError(404, p.ERR_UNKNOWN_WEBHOOK)
        body = self._body(request)
        files = self._files(request)
        channel = self.state.channels[interaction.channel_id]
        original = (
            self.state.messages.get(interaction.original_message_id)
            if interaction.original_message_id
            else None
        )
        if (
            interaction.callback_type == p.CALLBACK_DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.flags & p.FLAG_LOADING
        ):
            # Discord: the first follow-up after a "thinking" defer edits the deferred message.
            self.apply_edit(original, dict(body), files)
            self.state.notify()
            if not original.ephemeral:
                await self.gateway.message_update(original)
            msg = original
        else:
            msg = self.new_bot_message(
                channel, dict(body), files, interaction=interaction, msg_type=p.MESSAGE_DEFAULT
            )
            interaction.followup_ids.append(msg.id)
            await self.store_and_dispatch(msg)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(p.message_payload(self.state, msg))
        return no_content()

    async def webhook_get(self, request: web.Request) -> web.Response:
        interaction = self._interaction_by_token(request)
        msg = self._webhook_message(interaction, request.match_info["message_id"])
        return json_response(p.message_payload(self.state, msg))

    async def webhook_edit(self, request: web.Request) -> web.Response:
        interaction = self._interaction_by_token(request)
        msg = self._webhook_message(interaction, request.match_info["message_id"])
        self.apply_edit(msg, self._body(request), self._files(request))
        self.state.notify()
        if not msg.ephemeral:
            await self.gateway.message_update(msg)
        return json_response(p.message_payload(self.state, msg))

    async def webhook_delete(self, request: web.Request) -> web.Response:
        interaction = self._interaction_by_token(request)
        msg = self._webhook_message(interaction, request.match_info["message_id"])
        msg.deleted = True
        self.state.notify()
        if not msg.ephemeral:
            await self.gateway.message_delete(msg)
        return no_content()

    # --- answers withheld (HoldRule) ---

    async def _hold(self, record: RecordedRequest) -> None:
        for rule in self.hold_rules:
            if await rule.hold(record):
                return

    # -- archived threads (back-fill reads them) -----------------------------------------------------------
    async def get_archived_public_threads(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_VIEW_CHANNEL | p.P_READ_MESSAGE_HISTORY)
        return self._archived_threads(request, channel, p.CHANNEL_PUBLIC_THREAD)

    async def get_archived_private_threads(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._require(channel, p.P_VIEW_CHANNEL | p.P_READ_MESSAGE_HISTORY | p.P_MANAGE_THREADS)
        return self._archived_threads(request, channel, p.CHANNEL_PRIVATE_THREAD)

    def _archived_threads(self, request: web.Request, parent: Channel, kind: int) -> web.Response:
        """Newest archived first, paged by ``before`` (an ISO 8601 archive time) and ``limit``, as Discord."""
        guild = self.state.guilds[parent.guild_id]
        limit = int(request.query.get("limit", "50"))
        if not 2 <= limit <= 100:
            raise RestError(400, p.ERR_INVALID_FORM, {"limit": "int value should be between 2 and 100"})

        def archived_at(thread: Channel) -> dt.datetime:
            return thread.archived_at or p.snowflake_time(thread.id)

        threads = sorted(
            (
                c
                for c in guild.channels.values()
                if c.parent_id == parent.id and c.type == kind and c.archived
            ),
            key=archived_at,
            reverse=True,
        )
        if "before" in request.query:
            before = dt.datetime.fromisoformat(request.query["before"])
            threads = [t for t in threads if archived_at(t) < before]
        page = threads[:limit]
        return json_response(
            {"threads": [p.channel_payload(t) for t in page], "members": [], "has_more": len(threads) > limit}
        )


class HoldRule:
    """The next `count` requests matching `selector` (as for `RateLimitRule`) are handled (a message is
    created, events are sent) but their responses wait until `release()`: a client killed meanwhile never
    learns that its request succeeded."""

    def __init__(self, selector: str, count: int, notify: Callable[[], None]) -> None:
        self.matcher = RateLimitRule(selector, count, 0.0, False, "user")
        self.held: list[RecordedRequest] = []
        self._released = asyncio.Event()
        self._notify = notify

    def release(self) -> None:
        self.matcher.remaining = 0
        self._released.set()

    async def hold(self, record: RecordedRequest) -> bool:
        if self.matcher.remaining <= 0 or not self.matcher.matches(record.method, record.route):
            return False
        self.matcher.remaining -= 1
        self.held.append(record)
        self._notify()
        await self._released.wait()
        return True
