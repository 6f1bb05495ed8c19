"""Issue 15, item 5 against the stand-in, with the real bot process: an admin adds a campaign, members
mention it (spaced, dotted, styled, by link), an edit and a delete keep the count exact, and a moderator's
/campaign report shows the counts with a chart attachment only they see."""

from __future__ import annotations

import struct

import pytest

from testing.standin import BotProcess, FakeDiscord, Interaction
from testing.standin import payloads as p

from .conftest import World, command_reply, db_query, slash, unhandled_errors, wait_for_stored

pytestmark = pytest.mark.e2e


async def test_campaign_add_mentions_and_report(
    fake: FakeDiscord, world: World, bot_process: BotProcess
) -> None:
    proc = bot_process
    role = await fake.create_role(
        world.guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
    )
    admin = await fake.create_member(world.guild, "admin", roles=[role])

    refused = await slash(
        fake, world.general, world.alice, "campaign", {"name": "X", "keywords": "x"}, subcommand="add"
    )
    assert refused.ephemeral and "permission" in refused.text().lower()

    added = await slash(
        fake,
        world.general,
        admin,
        "campaign",
        {"name": "Kopi Kenangan", "keywords": "kopi kenangan, https://kopi.example/promo"},
        subcommand="add",
    )
    assert added.ephemeral and "Kopi Kenangan" in added.text()

    await fake.post_message(world.general, world.alice, "I love K O P I kenangan, so good")
    await fake.post_message(world.general, world.bob, "k.o.p.i k.e.n.a.n.g.a.n is great")
    styled = await fake.post_message(world.thread, world.bob, "𝐊𝐎𝐏𝐈 𝐊𝐄𝐍𝐀𝐍𝐆𝐀𝐍 is awful today")
    edited = await fake.post_message(world.general, world.mod, "nothing about coffee here")
    await fake.post_message(world.general, world.alice, "promo: https://kopi.example/promo/december")
    await fake.post_message(world.general, world.alice, "kopi only, and kenangan")  # no mention
    await wait_for_stored(fake, proc, 6)
    await fake.edit_message(edited, "ok fine, kopi kenangan is nice")
    await fake.delete_message(styled)
    await wait_for_stored(fake, proc, 5)

    def counted() -> bool:
        rows = db_query(
            proc.database, "SELECT coalesce(sum(mentions), 0), coalesce(sum(negative), 0) FROM campaign_hour"
        )
        return rows[0] == (4, 0)

    await fake.wait_for(counted, timeout=30, description="four mentions counted, the negative one deleted")

    asked: Interaction = await fake.invoke_slash_command(
        world.general, world.mod, "campaign", {"name": "kopi kenangan"}, subcommand="report"
    )
    reply = await command_reply(fake, asked, timeout=60)
    assert reply.ephemeral
    fields = reply.fields()
    assert fields["Mentions during the campaign"] == "4"
    assert fields["Members who mentioned it"] == "3"
    assert "Before" in fields["The whole server"] and "During" in fields["The whole server"]
    assert reply.embed["image"]["url"] == "attachment://campaign.png"
    messages = [m for m in (fake.original_response(asked), *fake.followups(asked)) if m is not None]
    files = [a for m in messages for a in m.attachments]
    assert [f.filename for f in files] == ["campaign.png"]
    png = files[0].data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1000, 500)

    listed = await slash(fake, world.general, world.mod, "campaign", subcommand="list")
    assert "Kopi Kenangan" in listed.text()
    assert not unhandled_errors(proc.logs())
