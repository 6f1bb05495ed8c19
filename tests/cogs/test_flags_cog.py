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
from cogs.flags._views import TEMPLATE, FlagButton, FlagPager, custom_id
from tests.cogs.conftest import fake_interaction
from tests.cogs.test_listener import (
    GUILD_ID,
    MOD_ID,
    REVIEW_ID,
    TEXT_ID,
    USER_ID,
    World,
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


@pytest.mark.parametrize(
    "cid", ["sentimeter:flag:ban:1", "sentimeter:flag:ack:", "other:flag:ack:1", "sentimeter:flag:ack:1x"]
)
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
    keys += [f"review.button.{a}" for a in re.findall(r"\w+", TEMPLATE.split("(?P<action>")[1].split(")")[0])]
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
