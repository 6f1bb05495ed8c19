"""The Discord fakes in tests/cogs/conftest.py are strict: a misspelt attribute, read or assigned, fails."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.cogs.conftest import fake_channel, fake_guild, fake_interaction, fake_member, fake_role


def test_assigning_a_misspelt_attribute_on_a_fake_interaction_raises() -> None:
    interaction = fake_interaction(fake_guild())
    with pytest.raises(AttributeError):
        interaction.respones = None  # "response"
    with pytest.raises(AttributeError):
        interaction.response.send_mesage = None  # "send_message"
    with pytest.raises(AttributeError):
        interaction.followup.sendd = None  # "send"
    interaction.locale = discord.Locale.indonesian  # a real attribute can still be set


def test_reading_a_misspelt_attribute_on_a_fake_interaction_raises() -> None:
    interaction = fake_interaction(fake_guild())
    with pytest.raises(AttributeError):
        _ = interaction.guild_idd
    with pytest.raises(AttributeError):
        _ = interaction.response.deffer


@pytest.mark.parametrize(
    "make",
    [
        lambda: fake_guild(),
        lambda: fake_member(),
        lambda: fake_channel(fake_guild()),
        lambda: fake_role(fake_guild()),
    ],
    ids=["guild", "member", "channel", "role"],
)
def test_every_fake_rejects_a_misspelt_assignment(make: Any) -> None:
    fake = make()
    with pytest.raises(AttributeError):
        fake.nmae = "typo"  # "name"
