"""Self-tests of the Discord stand-in, using a plain discord.py Client connected through bot.endpoints."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import zlib
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from testing.standin import BotProcess, FakeDiscord, SnowflakeGenerator, snowflake_time
from testing.standin import payloads as p

from .conftest import ANY_DATABASE, ClientFactory, World, default_intents

pytestmark = pytest.mark.e2e

STUB_BOT = ("-m", "tests.e2e.stub_bot")  # run from the repository root (BotProcess cwd)


class Recorder(discord.Client):
    """A Client that records the events the tests look at."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(intents=kwargs.pop("intents", default_intents()), guild_ready_timeout=0.1, **kwargs)
        self.messages: list[discord.Message] = []
        self.edits: list[discord.RawMessageUpdateEvent] = []
        self.deletes: list[discord.RawMessageDeleteEvent] = []
        self.bulk_deletes: list[discord.RawBulkMessageDeleteEvent] = []
        self.reactions: list[tuple[str, discord.RawReactionActionEvent]] = []
        self.member_updates: list[discord.Member] = []
        self.resumed_count = 0
        self.ready_count = 0

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every re-IDENTIFY (not the first); skipped to keep the suite fast."""

    async def on_ready(self) -> None:
        self.ready_count += 1

    async def on_resumed(self) -> None:
        self.resumed_count += 1

    async def on_message(self, message: discord.Message) -> None:
        self.messages.append(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        self.edits.append(payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.deletes.append(payload)

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        self.bulk_deletes.append(payload)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.reactions.append(("add", payload))

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.reactions.append(("remove", payload))

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        self.member_updates.append(after)

    def contents(self) -> list[str]:
        return [m.content for m in self.messages]


# --- pure helpers ---


def test_snowflakes_carry_their_timestamp_and_increase() -> None:
    gen = SnowflakeGenerator()
    past = dt.datetime(2023, 5, 1, 12, 0, tzinfo=dt.UTC)
    old = gen.next(past)
    assert snowflake_time(old) == past
    assert discord.utils.snowflake_time(old) == past
    ids = [gen.next() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert gen.next(past) != old  # same instant, still unique


# --- login, cache, messages ---


async def test_login_caches_guild_channels_threads_and_members(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert client.user is not None and client.user.id == fake.bot_user.id
    assert client.application_id == fake.application_id
    guild = client.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Creators"
    assert guild.member_count == 5 and guild.chunked
    assert isinstance(guild.get_channel(world.general.id), discord.TextChannel)
    voice = guild.get_channel(world.voice.id)
    assert isinstance(voice, discord.VoiceChannel)
    assert isinstance(guild.get_channel(world.forum.id), discord.ForumChannel)
    post = guild.get_thread(world.forum_post.id)
    assert post is not None and post.parent_id == world.forum.id
    mod = guild.get_member(world.mod.id)
    assert mod is not None and [r.name for r in mod.roles] == ["@everyone", "Moderator"]
    bob = guild.get_member(world.bob.id)
    assert (
        bob is not None
        and not bob.guild_permissions.manage_messages
        and mod.guild_permissions.manage_messages
    )
    (conn,) = fake.connection_log
    assert conn.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    identify = fake.gateway.sessions[next(iter(fake.gateway.sessions))]
    assert identify.intents & p.INTENT_MESSAGE_CONTENT and identify.dispatched[:2] == [
        "READY",
        "GUILD_CREATE",
    ]
    # text chat in a voice channel works like a text channel
    await fake.post_message(world.voice, world.alice, "voice chat")
    received = await fake.wait_for(lambda: [m for m in client.messages if m.content == "voice chat"])  # type: ignore[attr-defined]
    assert received[0].channel.id == world.voice.id


async def test_receives_messages_with_author_reference_attachments_and_kinds(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    first = await fake.post_message(world.general, world.alice, "this video is great")
    reply = await fake.post_message(world.general, world.bob, f"agreed {world.alice.mention}", reply_to=first)
    await fake.post_message(world.general, world.bob, "", attachments=[("clip.png", b"\x89PNG fake")])
    await fake.post_message(world.general, world.alice, "", stickers=["wave"])
    await fake.post_message(world.general, world.alice, "hook says hi", webhook_name="Zapier")
    await fake.post_message(world.general, world.alice, "", type=p.MESSAGE_GUILD_MEMBER_JOIN)
    await fake.post_message(world.forum_post, world.bob, "in the forum")
    await fake.wait_for(lambda: len(client.messages) == 7, description="7 messages")

    got = client.messages
    assert got[0].content == "this video is great" and isinstance(got[0].author, discord.Member)
    assert got[0].author.id == world.alice.id and got[0].created_at == first.created_at
    assert got[1].reference is not None and got[1].reference.message_id == first.id
    assert got[1].type is discord.MessageType.reply and got[1].id == reply.id
    assert (
        isinstance(got[1].reference.resolved, discord.Message)
        and got[1].reference.resolved.content == first.content
    )
    assert [u.id for u in got[1].mentions] == [world.alice.id]
    assert got[2].content == "" and [a.filename for a in got[2].attachments] == ["clip.png"]
    assert await got[2].attachments[0].read() == b"\x89PNG fake"
    assert [s.name for s in got[3].stickers] == ["wave"]
    assert got[4].webhook_id is not None and got[4].author.bot and got[4].author.name == "Zapier"
    assert got[5].type is discord.MessageType.new_member and got[5].is_system()
    assert isinstance(got[6].channel, discord.Thread) and got[6].channel.parent_id == world.forum.id


async def test_send_records_allowed_mentions_embeds_and_components(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Open", custom_id="open:1"))
    sent = await channel.send(
        f"{world.alice.mention} @everyone look",
        embed=discord.Embed(title="Report", description="3 flagged"),
        view=view,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    stored = fake.message(sent.id)
    assert stored.allowed_mentions == {"parse": []}
    assert stored.mention_ids == [] and not stored.mention_everyone  # nobody pinged
    assert stored.embeds[0]["title"] == "Report" and stored.all_custom_ids() == ["open:1"]
    pinging = await channel.send(
        f"{world.bob.mention} hi", allowed_mentions=discord.AllowedMentions(users=True)
    )
    assert fake.message(pinging.id).mention_ids == [world.bob.id]
    # discord.py sends multipart when a file is attached
    with_file = await channel.send("log", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "x.csv"))
    assert fake.message(with_file.id).attachments[0].data == b"a,b\n1,2\n"
    assert fake.requests("POST", "/channels/{channel_id}/messages")[-1].json["content"] == "log"
    # Discord echoes the bot's own messages over the gateway
    await fake.wait_for(lambda: {sent.id, pinging.id, with_file.id} <= {m.id for m in client.messages})
    assert [m.content for m in fake.bot_messages(world.general)] == [sent.content, pinging.content, "log"]


async def test_history_backfill_is_newest_first_with_before_after(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    old = [
        await fake.post_message(
            world.general, world.alice, f"old {i}", created_at=start + dt.timedelta(hours=i)
        )
        for i in range(30)
    ]
    client = await start_client(Recorder())
    assert isinstance(client, Recorder) and client.messages == []  # backfill is not dispatched
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    newest = [m async for m in channel.history(limit=5)]
    assert [m.content for m in newest] == [f"old {i}" for i in range(29, 24, -1)]
    assert newest[0].created_at == old[29].created_at
    after = [m async for m in channel.history(limit=None, after=old[9].created_at, oldest_first=True)]
    assert [m.content for m in after] == [f"old {i}" for i in range(10, 30)]
    before = [m async for m in channel.history(limit=3, before=discord.Object(old[3].id))]
    assert [m.content for m in before] == ["old 2", "old 1", "old 0"]
    fetched = await channel.fetch_message(old[7].id)
    assert fetched.content == "old 7"
    assert all(r.route == "/channels/{channel_id}/messages" for r in fake.requests("GET")[-4:-1])


async def test_edits_deletes_bulk_and_reactions_both_ways(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    msgs = [await fake.post_message(world.general, world.alice, f"m{i}") for i in range(4)]
    await fake.edit_message(msgs[0], "m0 edited")
    await fake.delete_message(msgs[1])
    await fake.bulk_delete_messages(world.general, msgs[2:])
    await fake.add_reaction(msgs[0], world.bob, "👍")
    await fake.remove_reaction(msgs[0], world.bob, "👍")
    await fake.wait_for(lambda: len(client.reactions) == 2 and client.bulk_deletes)
    assert client.edits[0].data["content"] == "m0 edited" and client.edits[0].message.content == "m0 edited"
    assert [d.message_id for d in client.deletes] == [msgs[1].id]
    assert client.bulk_deletes[0].message_ids == {msgs[2].id, msgs[3].id}
    assert [(k, str(r.emoji), r.user_id) for k, r in client.reactions] == [
        ("add", "👍", world.bob.id),
        ("remove", "👍", world.bob.id),
    ]
    # and the bot side through REST
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    target = await channel.fetch_message(msgs[0].id)
    await target.add_reaction("🔥")
    assert [r for r in msgs[0].reactions["🔥"].user_ids] == [fake.bot_user.id]
    mine = await channel.send("to be edited")
    await mine.edit(content="edited by bot")
    assert fake.message(mine.id).content == "edited by bot" and fake.message(mine.id).edited_at is not None
    extra = [await fake.post_message(world.general, world.bob, f"spam {i}") for i in range(3)]
    await channel.delete_messages([discord.Object(m.id) for m in extra])
    await target.delete()
    assert all(m.deleted for m in extra) and msgs[0].deleted
    assert [m.content for m in fake.messages_in(world.general)] == ["edited by bot"]


async def test_member_timeout_is_recorded_and_dispatched(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    member = guild.get_member(world.bob.id)
    assert member is not None
    await member.timeout(dt.timedelta(minutes=10), reason="spam links")
    assert world.bob.timed_out()
    (req,) = fake.requests("PATCH", "/guilds/{guild_id}/members/{user_id}")
    assert (
        req.headers["X-Audit-Log-Reason"] == "spam links"
        and req.json["communication_disabled_until"] is not None
    )
    await fake.wait_for(lambda: client.member_updates)
    assert client.member_updates[0].is_timed_out()
    # a timed-out member keeps only view/read permissions
    assert not fake.state.has_permissions(world.general, world.bob.id, p.P_SEND_MESSAGES)
    # members joining/leaving after READY arrive as GUILD_MEMBER_ADD / _REMOVE
    carol = await fake.create_member(world.guild, "carol")
    await fake.wait_for(lambda: guild.get_member(carol.id) is not None)
    await fake.remove_member(carol)
    await fake.wait_for(lambda: guild.get_member(carol.id) is None)
    # the bot cannot time out the guild owner
    with pytest.raises(discord.Forbidden):
        await guild.get_member(world.guild.owner_id).timeout(dt.timedelta(minutes=1))  # type: ignore[union-attr]


async def test_missing_permission_gives_403(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    locked = await fake.create_channel(
        world.guild,
        "announcements",
        overwrites=[fake.overwrite(fake.bot_role(world.guild), deny=p.P_SEND_MESSAGES)],
    )
    client = await start_client(Recorder())
    channel = client.get_channel(locked.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("hello")
    assert info.value.code == 50013
    assert fake.bot_messages(locked) == []


# --- gateway robustness ---


@pytest.mark.parametrize("how", ["abort", "close-4000", "reconnect-op7"])
async def test_resume_replays_missed_events_without_duplicates(
    fake: FakeDiscord, world: World, start_client: ClientFactory, how: str
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    await fake.post_message(world.general, world.alice, "before")
    await fake.wait_for(lambda: client.contents() == ["before"])
    if how == "abort":
        assert await fake.drop_connection() == 1
    elif how == "close-4000":
        assert await fake.drop_connection(code=4000) == 1
    else:
        assert await fake.send_reconnect() == 1
    for i in range(3):  # dispatched while the client is away: buffered, replayed on RESUME
        await fake.post_message(world.general, world.alice, f"missed {i}")
    await fake.wait_for(lambda: fake.resume_count == 1, timeout=30, description="RESUME")
    await fake.post_message(world.general, world.alice, "after")
    await fake.wait_for(lambda: "after" in client.contents())
    assert client.contents() == ["before", "missed 0", "missed 1", "missed 2", "after"]
    assert fake.identify_count == 1 and client.resumed_count == 1 and client.ready_count == 1
    assert fake.connection_log[-1].path == "/gateway-resume"  # resume_gateway_url from READY was used
    assert fake.connection_log[-1].resumed


async def test_invalid_session_forces_a_fresh_identify(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    assert await fake.send_invalid_session(resumable=False) == 1
    await fake.post_message(world.general, world.alice, "lost with the old session")
    await fake.wait_for(lambda: fake.identify_count == 2 and client.ready_count == 2, timeout=30)
    await fake.post_message(world.general, world.alice, "new session")
    await fake.wait_for(lambda: "new session" in client.contents())
    assert client.contents() == ["new session"]
    assert fake.resume_count == 0
    assert client.get_guild(world.guild.id) is not None  # cache rebuilt from the new READY/GUILD_CREATE


async def test_resumable_invalid_session_resumes(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    await fake.send_invalid_session(resumable=True)
    await fake.post_message(world.general, world.alice, "kept")
    await fake.wait_for(lambda: fake.resume_count == 1 and "kept" in client.contents(), timeout=30)
    assert fake.identify_count == 1


@pytest.mark.parametrize("compress", [True, False])
async def test_discord_py_with_and_without_zlib_stream(
    fake: FakeDiscord,
    world: World,
    start_client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    compress: bool,
) -> None:
    if not compress:
        original = discord.gateway.DiscordWebSocket.from_client.__func__  # type: ignore[attr-defined]

        async def from_client(cls: Any, client: Any, **kwargs: Any) -> Any:
            return await original(cls, client, **{**kwargs, "compress": False})

        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "from_client", classmethod(from_client))
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    await fake.post_message(world.general, world.alice, "x" * 5000)  # big enough to span deflate blocks
    await fake.wait_for(lambda: client.messages)
    assert client.messages[0].content == "x" * 5000
    assert fake.connection_log[0].compress == ("zlib-stream" if compress else None)


@pytest.mark.parametrize("compress", [True, False])
async def test_raw_gateway_protocol(fake: FakeDiscord, world: World, compress: bool) -> None:
    """Protocol-level check without discord.py: HELLO, heartbeat ACK, IDENTIFY -> READY + GUILD_CREATE,
    seq."""
    query = "?v=10&encoding=json" + ("&compress=zlib-stream" if compress else "")
    inflator = zlib.decompressobj()

    async def recv(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
        msg = await ws.receive(timeout=10)
        if compress:
            assert msg.type is aiohttp.WSMsgType.BINARY and msg.data.endswith(b"\x00\x00\xff\xff")
            return json.loads(inflator.decompress(msg.data))
        assert msg.type is aiohttp.WSMsgType.TEXT
        return json.loads(msg.data)

    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url + query) as ws:
        hello = await recv(ws)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 1000
        await ws.send_json({"op": 1, "d": None})
        assert (await recv(ws))["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 513, "properties": {}}})
        ready, guild_create = await recv(ws), await recv(ws)
        assert (ready["t"], ready["s"], guild_create["t"], guild_create["s"]) == (
            "READY",
            1,
            "GUILD_CREATE",
            2,
        )
        assert ready["d"]["resume_gateway_url"].startswith("ws://127.0.0.1:")
        assert ready["d"]["guilds"] == [{"id": str(world.guild.id), "unavailable": True}]
        # without GUILD_MEMBERS only the bot's own member is sent; member_count is still the full count
        assert [m["user"]["id"] for m in guild_create["d"]["members"]] == [str(fake.bot_user.id)]
        assert guild_create["d"]["member_count"] == 5
        # without MESSAGE_CONTENT, content is blanked unless the bot is mentioned
        await fake.post_message(world.general, world.alice, "secret")
        await fake.post_message(world.general, world.alice, f"hey {fake.bot_user.mention}")
        first, second = await recv(ws), await recv(ws)
        assert (first["s"], first["d"]["content"]) == (3, "")
        assert second["d"]["content"].startswith("hey")


async def test_identify_errors_close_with_discord_codes(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            await ws.receive(timeout=10)
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 1, "properties": {}}})
            closing = await ws.receive(timeout=10)
            assert closing.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 4004
        fake.set_privileged_intent("message_content", False)
        async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            await ws.receive(timeout=10)
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 1 << 15, "properties": {}}})
            await ws.receive(timeout=10)
            assert ws.close_code == 4014


async def test_disallowed_message_content_intent_raises_privileged_intents_required(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    fake.set_privileged_intent("message_content", False)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await start_client(Recorder())


async def test_bad_token_fails_login(fake: FakeDiscord, endpoints: None) -> None:
    client = discord.Client(intents=default_intents())
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()


# --- REST rate limits ---


async def test_injected_429_is_waited_out_and_the_send_succeeds(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject_rate_limit("POST /channels/{channel_id}/messages", count=2, retry_after=0.2)
    sent = await channel.send("eventually")
    assert fake.message(sent.id).content == "eventually"
    assert [r.status for r in fake.requests("POST", "/channels/{channel_id}/messages")] == [429, 429, 200]
    assert len(fake.rate_limited_requests) == 2
    assert len(fake.bot_messages(world.general)) == 1  # no duplicate send
    # a global one, on any route
    fake.inject_rate_limit("*", count=1, retry_after=0.1, is_global=True, scope="global")
    await channel.send("after global")
    assert fake.bot_messages(world.general)[-1].content == "after global"


# --- application commands and interactions ---


def build_tree(client: discord.Client) -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    stats = app_commands.Group(name="stats", description="Statistics")
    channel_group = app_commands.Group(name="channel", description="Per channel", parent=stats)

    @channel_group.command(name="show", description="Show a channel's stats")
    async def show(
        interaction: discord.Interaction, channel: discord.TextChannel, member: discord.Member, days: int = 7
    ) -> None:
        await interaction.response.send_message(
            f"{channel.name}/{member.display_name}/{days}/{interaction.permissions.manage_messages}",
            ephemeral=True,
        )

    @tree.command(name="slow", description="Defers then follows up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done thinking")
        file = discord.File(io.BytesIO(b"r"), "r.txt")
        await interaction.followup.send("and one more", ephemeral=True, file=file)
        await interaction.edit_original_response(content="final answer")

    class Vote(discord.ui.View):
        @discord.ui.button(label="Up", custom_id="vote:up")
        async def up(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
            await interaction.response.edit_message(content="1 vote", view=None)

    @tree.command(name="poll", description="Posts a poll with a button")
    async def poll(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("0 votes", view=Vote(timeout=None))

    class Reason(discord.ui.Modal, title="Why?"):
        why: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Reason", custom_id="why")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"noted: {self.why.value}", ephemeral=True)

    @tree.context_menu(name="Flag message")
    async def flag(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_modal(Reason())

    tree.add_command(stats)
    return tree


async def sync_to_guild(
    tree: app_commands.CommandTree[discord.Client], guild_id: int
) -> list[app_commands.AppCommand]:
    """As the bot does in development: copy the global commands to the dev guild, sync that guild."""
    guild = discord.Object(guild_id)
    tree.copy_global_to(guild=guild)
    return await tree.sync(guild=guild)


async def test_command_sync_to_guild_is_recorded(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    tree = build_tree(client)
    synced = await sync_to_guild(tree, world.guild.id)
    assert sorted(c.name for c in synced) == ["Flag message", "poll", "slow", "stats"]
    assert fake.synced_commands() == []  # nothing global
    stored = {c["name"]: c for c in fake.synced_commands(world.guild)}
    assert stored["Flag message"]["type"] == 3
    group = stored["stats"]["options"][0]
    assert (group["name"], group["type"], group["options"][0]["name"]) == ("channel", 2, "show")
    assert [g for g, _ in fake.command_syncs] == [world.guild.id]
    # an unchanged re-sync keeps the ids, as Discord does
    again = await sync_to_guild(tree, world.guild.id)
    assert {c.id for c in again} == {c.id for c in synced}


async def test_slash_command_round_trip_with_resolved_options(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    tree = build_tree(client)
    await sync_to_guild(tree, world.guild.id)
    interaction = await fake.invoke_slash_command(
        world.general,
        world.mod,
        "stats",
        {"channel": world.general, "member": world.alice, "days": 30},
        group="channel",
        subcommand="show",
    )
    await fake.wait_for_response(interaction)
    assert interaction.callback_type == 4 and interaction.ephemeral
    assert interaction.response_data is not None
    assert interaction.response_data["content"] == "general/alice/30/True"
    assert interaction.response_data["flags"] == p.FLAG_EPHEMERAL
    original = fake.original_response(interaction)
    assert original is not None and original.ephemeral and fake.messages_in(world.general) == []

    slow = await fake.invoke_slash_command(world.general, world.alice, "slow")
    await fake.wait_for_request(
        "PATCH", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}"
    )
    thinking = fake.original_response(slow)
    assert slow.callback_type == 5 and thinking is not None and not thinking.flags & p.FLAG_LOADING
    # the first follow-up after a thinking defer edited the deferred message (as on Discord), then the edit
    assert [e.get("content") for e in thinking.edits] == ["done thinking", "final answer"]
    assert thinking.content == "final answer"
    (extra,) = fake.followups(slow)  # sent as multipart (payload_json + files[0])
    assert extra.content == "and one more" and extra.ephemeral and extra.attachments[0].data == b"r"
    assert [m.content for m in fake.messages_in(world.general)] == ["final answer"]


async def test_button_click_round_trips_with_update_message(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    assert isinstance(client, Recorder)
    tree = build_tree(client)
    await sync_to_guild(tree, world.guild.id)
    opened = await fake.invoke_slash_command(world.general, world.alice, "poll")
    await fake.wait_for_response(opened)
    poll = fake.original_response(opened)
    assert poll is not None and poll.all_custom_ids() == ["vote:up"] and not poll.ephemeral
    await fake.wait_for(lambda: any(m.id == poll.id for m in client.messages))  # public reply is dispatched
    fake.inject_rate_limit("callbacks", retry_after=0.1)
    click = await fake.click_button(poll, "vote:up", world.bob)
    await fake.wait_for_response(click)
    assert click.callback_type == 7 and click.original_message_id == poll.id
    assert poll.content == "1 vote" and poll.components == []
    assert len(fake.rate_limited_requests) == 1  # the callback was retried after the 429
    await fake.wait_for(lambda: any(e.message_id == poll.id for e in client.edits))
    with pytest.raises(LookupError):
        await fake.click_button(poll, "vote:up", world.bob)  # the button is gone


async def test_message_context_menu_modal_round_trip(
    fake: FakeDiscord, world: World, start_client: ClientFactory
) -> None:
    client = await start_client(Recorder())
    tree = build_tree(client)
    await sync_to_guild(tree, world.guild.id)
    target = await fake.post_message(world.general, world.alice, "you are all idiots")
    opened = await fake.invoke_message_command(world.mod, "Flag message", target)
    await fake.wait_for_response(opened)
    assert opened.callback_type == 9 and opened.modal is not None and opened.modal["custom_id"]
    submitted = await fake.submit_modal(opened, {"why": "insult"})
    await fake.wait_for_response(submitted)
    assert submitted.response_data is not None and submitted.response_data["content"] == "noted: insult"


# --- BotProcess ---


@ANY_DATABASE  # about the process, not the database
async def test_bot_process_start_ready_terminate_kill_restart(
    fake: FakeDiscord, world: World, make_bot_process: Any
) -> None:
    proc: BotProcess = make_bot_process(dev_guild_id=world.guild.id, argv=[sys.executable, *STUB_BOT])
    await proc.start()
    await proc.wait_ready(timeout=60, log_line="stub ready")
    assert [c["name"] for c in fake.synced_commands(world.guild)] == ["ping"]
    await fake.post_message(world.general, world.alice, "!ping")
    reply = await fake.wait_for_bot_message(world.general, check=lambda m: m.content == "pong")
    assert reply.author.id == fake.bot_user.id
    ping = await fake.invoke_slash_command(world.general, world.alice, "ping")
    await fake.wait_for_response(ping)
    assert ping.response_data is not None and ping.response_data["content"] == "pong" and ping.ephemeral
    assert await proc.terminate() == 0
    assert "clean exit" in proc.logs()
    await proc.start()
    await proc.wait_ready(timeout=60)
    assert fake.identify_count == 2
    assert await proc.kill() == -9
    await proc.restart()
    assert fake.identify_count == 3 and proc.starts == 3
    await proc.wait_for_log("stub ready")  # this run's output only
    assert proc.logs().count("=== BotProcess start") == 3 and "clean exit" not in proc.logs(
        current_run_only=True
    )
    assert await proc.terminate() == 0


# --- shards (issue 16) ---


async def test_shards_get_only_their_guilds_and_events(fake: FakeDiscord) -> None:
    """IDENTIFY with ``shard: [id, count]``: READY and GUILD_CREATE list only the guilds with
    ``(guild_id >> 22) % count == id``, and a guild's events go only to its shard's session; a session without
    ``shard`` gets everything; ``GET /gateway/bot`` recommends the configured count."""
    fake.recommended_shards = 2
    on_0 = await fake.create_guild("Shard Zero", shard=(0, 2))
    on_1 = await fake.create_guild("Shard One", shard=(1, 2))
    assert ((on_0.id >> 22) % 2, (on_1.id >> 22) % 2) == (0, 1)
    channels = {g.id: await fake.create_channel(g, "general") for g in (on_0, on_1)}
    authors = {g.id: await fake.create_member(g, f"fan{i}") for i, g in enumerate((on_0, on_1))}

    async def identify(ws: aiohttp.ClientWebSocketResponse, shard: list[int] | None) -> list[str]:
        assert (await ws.receive_json(timeout=10))["op"] == 10
        d: dict[str, Any] = {"token": fake.token, "intents": 513 | (1 << 15), "properties": {}}
        if shard is not None:
            d["shard"] = shard
        await ws.send_json({"op": 2, "d": d})
        ready = await ws.receive_json(timeout=10)
        assert ready["t"] == "READY" and ready["d"].get("shard") == shard
        guilds = [g["id"] for g in ready["d"]["guilds"]]
        for _ in guilds:
            assert (await ws.receive_json(timeout=10))["t"] == "GUILD_CREATE"
        return guilds

    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{fake.api_base_url}/gateway/bot", headers={"Authorization": f"Bot {fake.token}"}
        ) as r:
            assert (await r.json())["shards"] == 2
        url = fake.gateway_url + "?v=10&encoding=json"
        async with http.ws_connect(url) as ws0, http.ws_connect(url) as ws1, http.ws_connect(url) as whole:
            assert await identify(ws0, [0, 2]) == [str(on_0.id)]
            assert await identify(ws1, [1, 2]) == [str(on_1.id)]
            assert sorted(await identify(whole, None)) == sorted([str(on_0.id), str(on_1.id)])
            for guild in (on_1, on_0):
                await fake.post_message(channels[guild.id], authors[guild.id], f"hello {guild.name}")
            first0, first1 = await ws0.receive_json(timeout=10), await ws1.receive_json(timeout=10)
            assert (first0["t"], first0["d"]["guild_id"]) == ("MESSAGE_CREATE", str(on_0.id))
            assert (first1["t"], first1["d"]["guild_id"]) == ("MESSAGE_CREATE", str(on_1.id))
            both = [await whole.receive_json(timeout=10) for _ in range(2)]
            assert [m["d"]["content"] for m in both] == ["hello Shard One", "hello Shard Zero"]
            # nothing else reached the shard sessions: the next frame each gets is its heartbeat ACK
            for ws in (ws0, ws1):
                await ws.send_json({"op": 1, "d": None})
                assert (await ws.receive_json(timeout=10))["op"] == 11
        async with http.ws_connect(url) as bad:
            await bad.receive_json(timeout=10)
            await bad.send_json({"op": 2, "d": {"token": fake.token, "intents": 513, "shard": [2, 2]}})
            await bad.receive(timeout=10)
            assert bad.close_code == 4010
