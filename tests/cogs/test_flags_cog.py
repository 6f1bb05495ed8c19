"""The flags cog: review posts, buttons checked at click time, automatic spam deletion with Undo, the
"Flag for review" menu, /flags list and /flags summary. Real bot, real SQLite storage, real scorer and spam
detector; Discord objects built from payloads, HTTP and interactions faked with create_autospec."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord.http import HTTPClient

from bot.core.review import ReviewAction
from bot.storage.models import FlagKind, FlagRequest, FlagStatus, MessageCreated, MessageRecord
from cogs.flags._cog import Flags
from cogs.flags._views import BUTTON_STYLES, TEMPLATE, FlagButton, FlagPager, custom_id
from tests.cogs.conftest import fake_interaction
from tests.cogs.test_listener import (
    BOT_ID,
    GUILD_ID,
    MOD_ID,
    MOD_ROLE_ID,
    REVIEW_ID,
    TEXT_ID,
    USER_ID,
    World,
    channel_payload,
    member_payload,
    message_payload,
    next_id,
)

OTHER_GUILD_ID = 100_000_000_000_000_999
NO_PINGS: dict[str, list[str]] = {"parse": []}
SPAM_TEXT = (
    "SLOT GACOR hari ini!! maxwin 100% daftar sekarang di PULAU777 bonus new member https://pulau777.xyz"
)


# -- fixtures ------------------------------------------------------------------------------------------------


class Discord:
    """Records what the bot sent through HTTP and answers like Discord would."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.sent: list[tuple[int, dict[str, Any]]] = []  # (channel id, payload)
        self.edited: list[tuple[int, int, dict[str, Any]]] = []
        self.deleted: list[tuple[int, int]] = []
        self.delete_error: Exception | None = None
        http.send_message.side_effect = self._send
        http.edit_message.side_effect = self._edit
        http.delete_message.side_effect = self._delete
        http.edit_member.side_effect = self._edit_member

    async def _send(self, channel_id: int, *, params: Any) -> dict[str, Any]:
        self.sent.append((int(channel_id), params.payload))
        return message_payload(int(channel_id), params.payload.get("content") or "", author_id=999, bot=True)

    async def _edit(self, channel_id: int, message_id: int, *, params: Any) -> dict[str, Any]:
        self.edited.append((int(channel_id), int(message_id), params.payload))
        return message_payload(int(channel_id), "", message_id=int(message_id), author_id=999, bot=True)

    async def _delete(self, channel_id: int, message_id: int, *, reason: str | None = None) -> None:
        if self.delete_error is not None:
            raise self.delete_error
        self.deleted.append((int(channel_id), int(message_id)))

    async def _edit_member(
        self, guild_id: int, user_id: int, *, reason: str | None = None, **fields: Any
    ) -> Any:
        self.member_edit = fields
        return member_payload(int(user_id), [])


def http_error(cls: type[discord.HTTPException], status: int) -> discord.HTTPException:
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    response.status = status
    response.reason = "error"
    return cls(response, {"code": 10008, "message": "Unknown Message"})


@pytest.fixture
async def env(storage: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from tests.cogs.conftest import make_bot

    bot = make_bot(storage, tmp_path / "sentimeter.db")
    http = create_autospec(HTTPClient, instance=True, spec_set=True)
    bot.http = http
    bot._connection.http = http
    # Every send must pass AllowedMentions.none() itself: a default that pings everything would leak.
    bot._connection.allowed_mentions = discord.AllowedMentions.all()
    world = World(bot._connection, http)
    await storage.set_review_channel(GUILD_ID, REVIEW_ID)
    cog = Flags(bot)
    await cog.cog_load()

    class Env:
        pass

    e = Env()
    e.bot, e.world, e.cog, e.discord, e.storage = bot, world, cog, Discord(http), storage  # type: ignore[attr-defined]
    yield e
    await cog.cog_unload()


async def new_flag(
    env: Any, kind: FlagKind = FlagKind.NEGATIVE, text: str = "you are an idiot", **kw: Any
) -> Any:
    message_id = next_id()
    record = MessageRecord(
        guild_id=kw.get("guild_id", GUILD_ID),
        channel_id=TEXT_ID,
        message_id=message_id,
        author_id=USER_ID,
        created_at=int(time.time()),
        compound=-0.7,
        neg=0.7,
        neu=0.3,
        is_spam=kind is FlagKind.SPAM,
    )
    reason = "online-gambling promotion ('slot gacor')" if kind is FlagKind.SPAM else None
    changes = await env.storage.apply(
        [MessageCreated(record, FlagRequest(kind=kind, text=text, reason=reason))]
    )
    assert len(changes) == 1 and changes[0].created
    return changes[0]


def interaction_for(
    env: Any, *, user_id: int = MOD_ID, perms: discord.Permissions | None = None, guild: Any = None
) -> Any:
    world: World = env.world
    guild = guild or world.guild
    member = world.guild.get_member(user_id)
    interaction = fake_interaction(
        guild, user=member, permissions=perms if perms is not None else discord.Permissions.none()
    )
    interaction.client = env.bot
    interaction.guild_id = guild.id
    return interaction


def components_ids(payload: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in payload.get("components", []) for c in row["components"]]


def edited_with(interaction: Any) -> dict[str, Any]:
    assert interaction.response.edit_message.await_count == 1, (
        interaction.response.send_message.await_args_list
    )
    kwargs = interaction.response.edit_message.await_args.kwargs
    assert kwargs["allowed_mentions"].to_dict() == NO_PINGS
    return dict(kwargs)


def refused_with(interaction: Any) -> str:
    assert interaction.response.edit_message.await_count == 0
    assert interaction.response.send_message.await_count == 1
    call = interaction.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True
    assert call.kwargs["allowed_mentions"].to_dict() == NO_PINGS
    return str(call.args[0])


def field(embed: discord.Embed, name: str) -> str:
    for f in embed.fields:
        if f.name == name:
            return str(f.value)
    raise AssertionError(f"no field {name!r}: {[f.name for f in embed.fields]}")


async def click(env: Any, action: str, flag_id: int, interaction: Any) -> None:
    match = re.fullmatch(TEMPLATE, custom_id(action, flag_id))
    assert match is not None
    item = await FlagButton.from_custom_id(
        interaction, discord.ui.Button(label="x", custom_id=custom_id(action, flag_id)), match
    )
    await item.callback(interaction)


# -- DynamicItem ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        ReviewAction.ACK,
        ReviewAction.NOT_NEGATIVE,
        ReviewAction.DELETE,
        ReviewAction.SPAM_DELETE,
        ReviewAction.SPAM_TIMEOUT,
        ReviewAction.NOT_SPAM,
        ReviewAction.UNDO,
    ],
)
async def test_custom_id_round_trip(action: str) -> None:
    flag_id = 12345678901234
    cid = custom_id(action, flag_id)
    assert len(cid) <= 100
    match = FlagButton.__discord_ui_compiled_template__.fullmatch(cid)
    assert match is not None
    button: discord.ui.Button[Any] = discord.ui.Button(label="Localised label", custom_id=cid)
    interaction = create_autospec(discord.Interaction, instance=True, spec_set=True)
    item = await FlagButton.from_custom_id(interaction, button, match)
    assert (item.action, item.flag_id, item.item.label, item.custom_id) == (
        action,
        flag_id,
        "Localised label",
        cid,
    )


# Broken ids under our prefix match and are refused politely on click (test_flags_guild_checks.py).
@pytest.mark.parametrize("cid", ["other:flag:ack:1", "sentimeter:flags:ack:1", "sentimeter:flag:ack:1:2"])
def test_template_rejects_other_ids(cid: str) -> None:
    assert FlagButton.__discord_ui_compiled_template__.fullmatch(cid) is None


async def test_cog_load_registers_buttons_and_menu(env: Any) -> None:
    bot = env.bot
    assert bot.tree.get_command("Flag for review", type=discord.AppCommandType.message) is env.cog.flag_menu
    assert FlagButton.__discord_ui_compiled_template__ in bot._connection._view_store._dynamic_items
    await env.cog.cog_unload()
    assert bot.tree.get_command("Flag for review", type=discord.AppCommandType.message) is None
    await env.cog.cog_load()  # the fixture unloads again


# -- review posts --------------------------------------------------------------------------------------------


async def test_new_flag_is_posted_without_pings_and_recorded(env: Any) -> None:
    change = await new_flag(env, text="**@everyone** <@123456789012345678> you are an idiot")
    await env.cog.on_flag_change(change)
    assert len(env.discord.sent) == 1
    channel_id, payload = env.discord.sent[0]
    assert channel_id == REVIEW_ID
    assert payload["allowed_mentions"] == NO_PINGS
    embed = payload["embeds"][0]
    assert embed["description"].startswith(r"\*\*@" + "\u200beveryone\\*\\*")
    assert "<@\u200b123456789012345678>" in embed["description"]
    assert components_ids(payload) == [custom_id(a, change.flag.id) for a in ("ack", "fp", "del")]
    stored = await env.storage.get_flag(GUILD_ID, change.flag.id)
    assert stored.review_channel_id == REVIEW_ID and stored.review_message_id is not None


async def test_spam_flag_gets_spam_buttons_and_reason(env: Any) -> None:
    change = await new_flag(env, FlagKind.SPAM, text="buy followers cheap")
    await env.cog.on_flag_change(change)
    _, payload = env.discord.sent[0]
    assert components_ids(payload) == [custom_id(a, change.flag.id) for a in ("spamdel", "spamto", "notspam")]
    assert any(f["value"].startswith("online-gambling") for f in payload["embeds"][0]["fields"])


async def test_no_review_channel_no_post(env: Any) -> None:
    await env.storage.set_review_channel(GUILD_ID, None)
    env.bot.configs.invalidate(GUILD_ID)
    await env.cog.on_flag_change(await new_flag(env))
    assert env.discord.sent == []


async def test_status_change_edits_the_post_and_drops_buttons(env: Any) -> None:
    from bot.storage.models import MessageDeleted

    change = await new_flag(env)
    await env.cog.on_flag_change(change)
    changes = await env.storage.apply(
        [MessageDeleted(guild_id=GUILD_ID, channel_id=TEXT_ID, message_id=change.flag.message_id)]
    )
    assert [c.created for c in changes] == [False]
    await env.cog.on_flag_change(changes[0])
    channel_id, message_id, payload = env.discord.edited[-1]
    stored = await env.storage.get_flag(GUILD_ID, change.flag.id)
    assert (channel_id, message_id) == (REVIEW_ID, stored.review_message_id)
    assert payload["allowed_mentions"] == NO_PINGS
    assert payload["components"] == []
    assert (
        "you are an idiot" not in payload["embeds"][0]["description"]
    )  # deleting in Discord deletes it here


# -- clicks --------------------------------------------------------------------------------------------------


async def test_click_without_manage_messages_changes_nothing(env: Any) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, user_id=USER_ID, perms=discord.Permissions(send_messages=True))
    await click(env, ReviewAction.DELETE, change.flag.id, interaction)
    assert "Manage Messages" in refused_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.OPEN
    assert env.discord.deleted == []


async def test_click_on_another_servers_flag_changes_nothing(env: Any) -> None:
    change = await new_flag(env)
    other = create_autospec(discord.Guild, instance=True, spec_set=True)
    other.id = OTHER_GUILD_ID
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True), guild=other)
    await click(env, ReviewAction.ACK, change.flag.id, interaction)
    refused_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.OPEN


async def test_timeout_needs_moderate_members(env: Any) -> None:
    change = await new_flag(env, FlagKind.SPAM, text="buy followers cheap")
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await click(env, ReviewAction.SPAM_TIMEOUT, change.flag.id, interaction)
    assert "Moderate Members" in refused_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.OPEN
    assert env.discord.deleted == []


async def test_forged_action_for_the_kind_is_refused(env: Any) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True, moderate_members=True))
    await click(env, ReviewAction.SPAM_TIMEOUT, change.flag.id, interaction)
    refused_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.OPEN


async def test_acknowledge_then_second_click_is_told_it_was_first(env: Any) -> None:
    change = await new_flag(env)
    perms = discord.Permissions(manage_messages=True)
    first = interaction_for(env, perms=perms)
    await click(env, ReviewAction.ACK, change.flag.id, first)
    kwargs = edited_with(first)
    assert kwargs["view"] is None
    assert f"Acknowledged by <@{MOD_ID}>" in field(kwargs["embed"], "Status")
    stored = await env.storage.get_flag(GUILD_ID, change.flag.id)
    assert (stored.status, stored.resolved_by) == (FlagStatus.ACKNOWLEDGED, MOD_ID)

    second = interaction_for(env, perms=perms)
    await click(env, ReviewAction.NOT_NEGATIVE, change.flag.id, second)
    assert "Acknowledged" in refused_with(second)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.ACKNOWLEDGED


async def test_delete_removes_the_message_and_its_text_from_the_post(env: Any) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await click(env, ReviewAction.DELETE, change.flag.id, interaction)
    assert env.discord.deleted == [(TEXT_ID, change.flag.message_id)]
    embed = edited_with(interaction)["embed"]
    assert "idiot" not in (embed.description or "")
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.DELETED


async def test_delete_of_an_already_deleted_message(env: Any) -> None:
    change = await new_flag(env)
    env.discord.delete_error = http_error(discord.NotFound, 404)
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await click(env, ReviewAction.DELETE, change.flag.id, interaction)
    assert "already deleted" in field(edited_with(interaction)["embed"], "Note")
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.DELETED


async def test_delete_and_time_out(env: Any) -> None:
    await env.storage.set_spam_action(GUILD_ID, "review", 15)
    env.bot.configs.invalidate(GUILD_ID)
    change = await new_flag(env, FlagKind.SPAM, text="buy followers cheap")
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True, moderate_members=True))
    before = time.time()
    await click(env, ReviewAction.SPAM_TIMEOUT, change.flag.id, interaction)
    assert env.discord.deleted == [(TEXT_ID, change.flag.message_id)]
    until = discord.utils.parse_time(env.discord.member_edit["communication_disabled_until"])
    assert until is not None and 14 * 60 <= until.timestamp() - before <= 16 * 60
    assert "15 minutes" in field(edited_with(interaction)["embed"], "Note")
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.DELETED_TIMED_OUT


async def test_not_spam(env: Any) -> None:
    change = await new_flag(env, FlagKind.SPAM, text="check my channel")
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await click(env, ReviewAction.NOT_SPAM, change.flag.id, interaction)
    edited_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.NOT_SPAM
    assert env.discord.deleted == []


# -- automatic spam deletion ---------------------------------------------------------------------------------


async def test_high_confidence_spam_is_deleted_and_logged_with_undo(env: Any) -> None:
    text = SPAM_TEXT + " <@123456789012345678>"
    # precondition: the sample must be high-confidence spam, or this test would check nothing
    assert env.bot.spam.check_text(text).high_confidence, "sample not rated high-confidence spam"
    await env.storage.set_spam_action(GUILD_ID, "delete", None)
    env.bot.configs.invalidate(GUILD_ID)
    change = await new_flag(env, FlagKind.SPAM, text=text)
    await env.cog.on_flag_change(change)
    assert env.discord.deleted == [(TEXT_ID, change.flag.message_id)]
    stored = await env.storage.get_flag(GUILD_ID, change.flag.id)
    assert stored.status is FlagStatus.AUTO_DELETED and stored.resolved_by is None
    channel_id, payload = env.discord.sent[-1]
    assert channel_id == REVIEW_ID and payload["allowed_mentions"] == NO_PINGS
    assert components_ids(payload) == [custom_id("undo", change.flag.id)]
    assert "Undo re-posts" in str(payload["embeds"][0])

    # Undo: the log entry's text is re-posted as a quote from the bot, never pinging
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    interaction.message = env.world.message(
        message_payload(REVIEW_ID, "", author_id=999, bot=True, embeds=payload["embeds"])
    )
    await click(env, ReviewAction.UNDO, change.flag.id, interaction)
    channel_id, repost = env.discord.sent[-1]
    assert channel_id == TEXT_ID and repost["allowed_mentions"] == NO_PINGS
    assert "PULAU777" in repost["embeds"][0]["description"]
    assert "<@\u200b123456789012345678>" in repost["embeds"][0]["description"]
    kwargs = edited_with(interaction)
    assert kwargs["view"] is None
    assert "Restored by" in field(kwargs["embed"], "Note")
    undone = await env.storage.get_flag(GUILD_ID, change.flag.id)
    assert undone.status is FlagStatus.NOT_SPAM and undone.resolved_by == MOD_ID

    # a second Undo (another moderator, same old post) is told it was already done and re-posts nothing
    sent_before = len(env.discord.sent)
    again = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    again.message = interaction.message
    await click(env, ReviewAction.UNDO, change.flag.id, again)
    refused_with(again)
    assert len(env.discord.sent) == sent_before


async def test_review_mode_never_auto_deletes(env: Any) -> None:
    change = await new_flag(env, FlagKind.SPAM, text=SPAM_TEXT)
    await env.cog.on_flag_change(change)
    assert env.discord.deleted == []
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).is_open


# -- "Flag for review" ---------------------------------------------------------------------------------------


async def test_flag_for_review_menu(env: Any) -> None:
    message = env.world.message(message_payload(TEXT_ID, "this is a subtle dig at the host"))
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.flag_for_review(interaction, message)
    flag = await env.storage.open_flag_for_message(GUILD_ID, message.id)
    assert flag is not None and flag.kind is FlagKind.MANUAL and flag.text == message.content
    _, payload = env.discord.sent[-1]
    assert payload["allowed_mentions"] == NO_PINGS
    assert components_ids(payload) == [custom_id(a, flag.id) for a in ("ack", "fp", "del")]
    reply = interaction.response.send_message.await_args
    assert reply.kwargs["ephemeral"] is True and f"#{flag.id}" in reply.args[0]

    again = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.flag_for_review(again, message)
    assert "already under review" in again.response.send_message.await_args.args[0]
    assert len(env.discord.sent) == 1


async def test_flag_menu_requires_manage_messages_at_run_time(env: Any) -> None:
    interaction = interaction_for(env, user_id=USER_ID, perms=discord.Permissions(send_messages=True))
    with pytest.raises(discord.app_commands.MissingPermissions):
        await env.cog.flag_menu._check_can_run(interaction)
    assert env.cog.flag_menu.default_permissions == discord.Permissions(manage_messages=True)


# -- /flags list, /flags summary -----------------------------------------------------------------------------


async def test_flags_list_pages_for_the_invoker_only(env: Any) -> None:
    for i in range(11):
        await new_flag(env, text=f"bad comment {i}")
    await new_flag(env, text="elsewhere", guild_id=OTHER_GUILD_ID)
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.list_flags.callback(env.cog, interaction, None)
    call = interaction.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True
    pager: FlagPager = call.kwargs["view"]
    assert pager.total == 11 and pager.pages == 2
    assert call.kwargs["embed"].fields[0].value.endswith("bad comment 10")  # newest first

    stranger = interaction_for(env, user_id=USER_ID, perms=discord.Permissions(manage_messages=True))
    assert await pager.interaction_check(stranger) is False
    refused_with(stranger)

    owner = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    assert await pager.interaction_check(owner) is True
    await pager._turn(owner, +1)
    embed = edited_with(owner)["embed"]
    assert len(embed.fields) == 11 - len(call.kwargs["embed"].fields)
    assert pager.next.disabled and not pager.previous.disabled

    await pager.on_timeout()  # the ephemeral list loses its buttons
    kwargs = interaction.edit_original_response.await_args.kwargs
    assert kwargs["view"] is None and kwargs["allowed_mentions"].to_dict() == NO_PINGS


async def test_flags_summary_suggests_words_from_false_positives(env: Any) -> None:
    perms = discord.Permissions(manage_messages=True)
    for text in ("died to the boss 6 times", "died in the lava again", "i died laughing"):
        change = await new_flag(env, text=text)
        await click(env, ReviewAction.NOT_NEGATIVE, change.flag.id, interaction_for(env, perms=perms))
    change = await new_flag(env, text="you are awful")
    await click(env, ReviewAction.ACK, change.flag.id, interaction_for(env, perms=perms))

    interaction = interaction_for(env, perms=perms)
    await env.cog.summary.callback(env.cog, interaction, None)
    embed = interaction.followup.send.await_args.kwargs["embed"]
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True
    assert field(embed, "False-positive rate") == "75.0%"
    assert "`died`" in field(embed, "Words behind false positives")
    assert "Not negative: 3" in field(embed, "By status")


# -- interface text ------------------------------------------------------------------------------------------


def test_every_status_kind_and_button_has_text_in_every_language() -> None:
    from bot.app.i18n import catalogs

    keys = [f"review.status.{s.value}" for s in FlagStatus]
    keys += [f"review.kind.{k.value}" for k in FlagKind] + [f"review.title.{k.value}" for k in FlagKind]
    keys += [f"review.button.{a}" for a in BUTTON_STYLES]
    keys += [f"app.choice.{s.value}" for s in FlagStatus]
    for code, catalog in catalogs().items():
        assert sorted(set(keys) - set(catalog)) == [], code


# -- learning from moderators --------------------------------------------------------------------------------


async def test_review_clicks_teach_the_servers_adjustment(env: Any) -> None:
    from bot.storage.models import ExampleKind

    perms = discord.Permissions(manage_messages=True, moderate_members=True)
    fp = await new_flag(env, text="reset hell is real, nothing past level 2 in 4 hours")
    await click(env, ReviewAction.NOT_NEGATIVE, fp.flag.id, interaction_for(env, perms=perms))
    ack = await new_flag(env, text="the audio is terrible every single stream, fix your mic")
    await click(env, ReviewAction.ACK, ack.flag.id, interaction_for(env, perms=perms))
    spam = await new_flag(env, FlagKind.SPAM, text="sub4sub anyone? check my channel")
    await click(env, ReviewAction.NOT_SPAM, spam.flag.id, interaction_for(env, perms=perms))

    examples = await env.storage.learning_examples(GUILD_ID, 10)
    by_flag = {e.flag_id: e for e in examples}
    assert set(by_flag) == {fp.flag.id, ack.flag.id, spam.flag.id}
    assert (by_flag[fp.flag.id].kind, by_flag[fp.flag.id].label) == (ExampleKind.FEEDBACK, False)
    assert (by_flag[ack.flag.id].kind, by_flag[ack.flag.id].label) == (ExampleKind.FEEDBACK, True)
    assert (by_flag[spam.flag.id].kind, by_flag[spam.flag.id].label) == (ExampleKind.SPAM, False)
    assert 0.0 < by_flag[spam.flag.id].features["confidence"] <= 1.0
    words = ("reset", "hell", "terrible", "mic", "sub4sub")
    assert not any(w in k for e in examples for k in e.features for w in words)  # numbers, no text
    learned = (await env.bot.configs.get(GUILD_ID)).learned  # the cached configuration carries it at once
    assert learned is not None and learned.decisions == 3
    assert learned == (await env.storage.get_config(GUILD_ID)).learned
    assert await env.storage.learning_examples(OTHER_GUILD_ID, 10) == []


async def test_a_refused_click_teaches_nothing(env: Any) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, user_id=USER_ID, perms=discord.Permissions(send_messages=True))
    await click(env, ReviewAction.NOT_NEGATIVE, change.flag.id, interaction)
    refused_with(interaction)
    assert await env.storage.learning_examples(GUILD_ID, 10) == []
    assert (await env.bot.configs.get(GUILD_ID)).learned is None


async def test_a_hand_made_flag_is_an_example_of_feedback(env: Any) -> None:
    message = env.world.message(message_payload(TEXT_ID, "the overlay covers the timer again"))
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.flag_for_review(interaction, message)
    flag = await env.storage.open_flag_for_message(GUILD_ID, message.id)
    (taught,) = await env.storage.learning_examples(GUILD_ID, 10)
    assert (taught.flag_id, taught.label) == (flag.id, True)
    # then Not negative on the same flag: the later decision replaces the example
    await click(env, ReviewAction.NOT_NEGATIVE, flag.id, interaction_for(env, perms=interaction.permissions))
    (taught,) = await env.storage.learning_examples(GUILD_ID, 10)
    assert (taught.flag_id, taught.label) == (flag.id, False)


async def test_flags_summary_says_how_many_decisions_it_learned_from(env: Any) -> None:
    perms = discord.Permissions(manage_messages=True)
    for text in ("that drop was sick", "sick edit bro"):
        change = await new_flag(env, text=text)
        await click(env, ReviewAction.NOT_NEGATIVE, change.flag.id, interaction_for(env, perms=perms))
    interaction = interaction_for(env, perms=perms)
    await env.cog.summary.callback(env.cog, interaction, None)
    embed = interaction.followup.send.await_args.kwargs["embed"]
    assert "learned from 2 moderator decisions" in embed.footer.text


# -- item 10 of issue 13: only this server's messages, permissions in uncached channels, broken ids ----------
# A review button or the "Flag for review" menu acts only on a message of the interaction's own server,
# checks permissions in the flagged channel even when it is not cached (fetched), and refuses a forged or
# broken custom id politely (ephemeral, localised) instead of raising or staying silent.

UNCACHED_ID = 4_242_424_242
MANAGE = discord.Permissions(manage_messages=True)


async def click_raw(cid: str, interaction: Any) -> None:
    """Click a button with exactly this custom id, the way discord.py dispatches a DynamicItem."""
    match = re.fullmatch(TEMPLATE, cid)
    assert match is not None, cid
    item = await FlagButton.from_custom_id(interaction, discord.ui.Button(label="x", custom_id=cid), match)
    await item.callback(interaction)


@pytest.mark.parametrize(
    "cid",
    [
        "sentimeter:flag:ack:9223372036854775808",  # 2^63: past SQLite's integers
        "sentimeter:flag:del:99999999999999999999",
        "sentimeter:flag:ack:-1",
        "sentimeter:flag:ack:0",
        "sentimeter:flag:fp:abc",
        "sentimeter:flag:ack:",
        "sentimeter:flag:ack:１２",  # full-width digits: str.isdigit() says yes, int() would accept them
        "sentimeter:flag:ban:1",  # no such action
    ],
)
async def test_a_broken_custom_id_is_refused_politely(env: Any, cid: str) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, perms=MANAGE)
    await click_raw(cid, interaction)
    assert "not a valid Sentimeter review button" in refused_with(interaction)
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.OPEN
    assert env.discord.deleted == []


async def test_the_refusal_is_in_the_clickers_language(env: Any) -> None:
    interaction = interaction_for(env, perms=MANAGE)
    interaction.locale = discord.Locale.indonesian
    await click_raw("sentimeter:flag:ack:18446744073709551616", interaction)
    assert "bukan tombol tinjauan Sentimeter" in refused_with(interaction)


async def test_a_valid_id_still_round_trips(env: Any) -> None:
    change = await new_flag(env)
    interaction = interaction_for(env, perms=MANAGE)
    await click_raw(f"sentimeter:flag:ack:{change.flag.id}", interaction)
    assert interaction.response.edit_message.await_count == 1
    assert (await env.storage.get_flag(GUILD_ID, change.flag.id)).status is FlagStatus.ACKNOWLEDGED


def answer(payload: dict[str, Any]) -> Any:
    async def get_channel(channel_id: int) -> dict[str, Any]:
        assert int(channel_id) == UNCACHED_ID
        return payload

    return get_channel


async def flag_in_uncached_channel(env: Any) -> int:
    record = MessageRecord(
        guild_id=GUILD_ID,
        channel_id=UNCACHED_ID,
        message_id=next_id(),
        author_id=USER_ID,
        created_at=int(time.time()),
        compound=-0.7,
        neg=0.7,
        neu=0.3,
    )
    (change,) = await env.storage.apply(
        [MessageCreated(record, FlagRequest(kind=FlagKind.NEGATIVE, text="you are an idiot"))]
    )
    assert env.world.guild.get_channel_or_thread(UNCACHED_ID) is None
    return int(change.flag.id)


async def test_an_uncached_channel_is_fetched_and_its_permissions_checked(env: Any) -> None:
    flag_id = await flag_in_uncached_channel(env)
    deny = discord.PermissionOverwrite(manage_messages=False)
    allow, denied = deny.pair()
    fetched = channel_payload(
        UNCACHED_ID,
        0,
        "private-mods-cannot-manage",
        permission_overwrites=[
            {"id": str(MOD_ROLE_ID), "type": 0, "allow": str(allow.value), "deny": str(denied.value)}
        ],
    )
    env.world.http.get_channel.side_effect = answer(fetched)
    # Manage Messages where the button was clicked (the review channel), but not in the flagged channel
    interaction = interaction_for(env, perms=MANAGE)
    await click_raw(f"sentimeter:flag:{ReviewAction.DELETE}:{flag_id}", interaction)
    assert "Manage Messages" in refused_with(interaction)
    assert env.world.http.get_channel.call_count == 1
    assert env.discord.deleted == []
    assert (await env.storage.get_flag(GUILD_ID, flag_id)).status is FlagStatus.OPEN
    # a channel that is gone (and its message with it) can still have its flag acknowledged
    env.world.http.get_channel.side_effect = http_error(discord.NotFound, 404)
    ack = interaction_for(env, perms=MANAGE)
    await click_raw(f"sentimeter:flag:{ReviewAction.ACK}:{flag_id}", ack)
    assert ack.response.edit_message.await_count == 1
    assert (await env.storage.get_flag(GUILD_ID, flag_id)).status is FlagStatus.ACKNOWLEDGED


async def test_a_channel_that_turns_out_to_be_another_servers_is_refused(env: Any) -> None:
    flag_id = await flag_in_uncached_channel(env)
    other = channel_payload(UNCACHED_ID, 0, "elsewhere")
    other["guild_id"] = str(GUILD_ID + 1)
    env.world.http.get_channel.side_effect = answer(other)
    interaction = interaction_for(env, perms=MANAGE)
    await click_raw(f"sentimeter:flag:{ReviewAction.DELETE}:{flag_id}", interaction)
    assert "does not belong to this server" in refused_with(interaction)
    assert env.discord.deleted == []
    assert (await env.storage.get_flag(GUILD_ID, flag_id)).status is FlagStatus.OPEN


async def test_flag_for_review_refuses_another_servers_message(env: Any) -> None:
    data = message_payload(TEXT_ID, "a subtle dig at the host")
    message = env.world.message(data)
    other = discord.Object(id=GUILD_ID + 7)
    message.guild = other  # type: ignore[assignment]  # what a forged resolved message would carry
    interaction = interaction_for(env, perms=MANAGE)
    with pytest.raises(Exception, match="not in this server"):
        await env.cog.flag_for_review(interaction, message)
    assert await env.storage.open_flag_for_message(GUILD_ID, message.id) is None
    assert env.discord.sent == []


# -- item 1 of issue 13: the review-post outbox (narrow; end to end in tests/e2e/test_scenarios_outbox.py) --


async def test_a_failed_post_is_retried_and_a_flag_resolved_meanwhile_is_not_posted(env: Any) -> None:
    failures = [http_error(discord.DiscordServerError, 503), http_error(discord.DiscordServerError, 503)]
    send = env.world.http.send_message.side_effect

    async def flaky(channel_id: int, *, params: Any) -> Any:
        if failures:
            raise failures.pop()
        return await send(channel_id, params=params)

    env.world.http.send_message.side_effect = flaky
    kept, resolved = await new_flag(env), await new_flag(env, text="you are a clown")
    await env.cog.on_flag_change(kept)
    await env.cog.on_flag_change(resolved)  # both sends fail: nothing posted, nothing raised
    assert env.discord.sent == []
    for change in (kept, resolved):
        pending = await env.storage.pending_review_post(GUILD_ID, change.flag.id)
        assert pending is not None and pending.attempts == 1 and pending.next_at > time.time()
        assert pending.attempted_at is not None  # a 503 may have made the post: look before retrying
    await env.storage.resolve_flag(GUILD_ID, resolved.flag.id, FlagStatus.ACKNOWLEDGED, MOD_ID, 1)
    env.world.http.logs_from.side_effect = no_history
    await env.cog.outbox._round(float(2**62))  # what the task does once the retry is due
    assert [components_ids(p)[0] for _, p in env.discord.sent] == [custom_id("ack", kept.flag.id)]
    assert (await env.storage.get_flag(GUILD_ID, kept.flag.id)).review_message_id is not None
    assert await env.storage.due_review_posts(float(2**62), 10) == []


async def no_history(*args: Any, **kwargs: Any) -> list[Any]:
    return []


async def test_a_post_made_before_a_crash_is_found_in_the_history_not_posted_again(env: Any) -> None:
    change = await new_flag(env)
    flag_id = change.flag.id
    # the last run recorded the send, Discord made the post, the process died before storing its id
    assert await env.storage.begin_review_post(GUILD_ID, flag_id, REVIEW_ID, int(time.time()) - 5)
    buttons = [
        {"type": 2, "style": 2, "label": a, "custom_id": custom_id(a, flag_id)} for a in ("ack", "fp", "del")
    ]
    made = message_payload(
        REVIEW_ID, "", author_id=BOT_ID, bot=True, components=[{"type": 1, "components": buttons}]
    )
    other = message_payload(REVIEW_ID, "someone chatting", author_id=MOD_ID)

    async def history(channel_id: int, limit: int, **kwargs: Any) -> list[Any]:
        assert int(channel_id) == REVIEW_ID and kwargs.get("after") is not None
        return [made, other]

    env.world.http.logs_from.side_effect = history
    found = await env.cog.outbox.deliver(change.flag)
    assert found is not None and found.id == int(made["id"])
    assert env.discord.sent == []  # not posted twice
    stored = await env.storage.get_flag(GUILD_ID, flag_id)
    assert (stored.review_channel_id, stored.review_message_id) == (REVIEW_ID, int(made["id"]))
    assert await env.storage.pending_review_post(GUILD_ID, flag_id) is None


async def test_flag_for_review_whose_post_fails_says_it_keeps_trying(env: Any) -> None:
    env.world.http.send_message.side_effect = http_error(discord.DiscordServerError, 503)
    message = env.world.message(message_payload(TEXT_ID, "a subtle dig at the host"))
    interaction = interaction_for(env, perms=discord.Permissions(manage_messages=True))
    await env.cog.flag_for_review(interaction, message)
    reply = interaction.response.send_message.await_args
    assert reply.kwargs["ephemeral"] is True and "keeps trying" in reply.args[0]
    flag = await env.storage.open_flag_for_message(GUILD_ID, message.id)
    assert flag is not None and flag.review_message_id is None
    assert await env.storage.pending_review_post(GUILD_ID, flag.id) is not None  # owed, retried later


# -- heavy text work off the event loop (issue 13, item 7) ---------------------------------------------------


def off_loop_probe(real: Any, seen: list[tuple[int, bool]]) -> Any:
    """``real`` wrapped: records the thread of each call and whether the event loop ran a callback meanwhile
    (it cannot while the loop thread itself is busy with the call)."""
    loop = asyncio.get_running_loop()

    def probe(*args: Any, **kwargs: Any) -> Any:
        loop_ran = threading.Event()
        loop.call_soon_threadsafe(loop_ran.set)
        seen.append((threading.get_ident(), loop_ran.wait(timeout=10)))
        return real(*args, **kwargs)

    return probe


async def test_summary_explanations_run_off_the_event_loop(env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    perms = discord.Permissions(manage_messages=True)
    change = await new_flag(env, text="died to the boss 6 times")
    await click(env, ReviewAction.NOT_NEGATIVE, change.flag.id, interaction_for(env, perms=perms))
    seen: list[tuple[int, bool]] = []
    monkeypatch.setattr(env.bot.scorer, "explain", off_loop_probe(env.bot.scorer.explain, seen))

    interaction = interaction_for(env, perms=perms)
    await env.cog.summary.callback(env.cog, interaction, None)

    assert seen and all(thread != threading.get_ident() and free for thread, free in seen)
    assert "`died`" in field(
        interaction.followup.send.await_args.kwargs["embed"], "Words behind false positives"
    )


async def test_the_auto_delete_recheck_runs_off_the_event_loop(
    env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await env.storage.set_spam_action(GUILD_ID, "delete", None)
    env.bot.configs.invalidate(GUILD_ID)
    seen: list[tuple[int, bool]] = []
    monkeypatch.setattr(env.bot.spam, "check_text", off_loop_probe(env.bot.spam.check_text, seen))
    change = await new_flag(env, FlagKind.SPAM, text=SPAM_TEXT + " <@123456789012345678>")

    await env.cog.on_flag_change(change)

    assert len(seen) == 1 and seen[0][0] != threading.get_ident() and seen[0][1]
    assert env.discord.deleted == [(TEXT_ID, change.flag.message_id)]  # the verdict still decides
