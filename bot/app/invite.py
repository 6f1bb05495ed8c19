"""The invite link, with exactly the permissions the bot uses."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    return discord.Permissions(
        view_channel=True,  # see the channels whose comments it reads
        read_message_history=True,  # catch up after downtime
        send_messages=True,  # review posts and replies
        embed_links=True,  # embeds in review posts and /stats
        attach_files=True,  # part of the agreed permission set; reserved for chart images (not used yet)
        manage_messages=True,  # the "Delete message" button and automatic spam deletion
        moderate_members=True,  # "Delete and time out author" on spam
    )


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=required_permissions(), scopes=SCOPES)
