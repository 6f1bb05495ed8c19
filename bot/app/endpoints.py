"""Point discord.py at a Discord stand-in (settings SENTIMETER_API_BASE_URL / SENTIMETER_GATEWAY_URL).

discord.py has no per-client setting for this, so process-wide class attributes are changed:

- REST: every ``discord.http.Route`` builds its URL from the class attribute ``Route.BASE`` when it is
  created (interaction callbacks and webhook follow-ups use the same ``Route``), so ``Route.BASE`` becomes
  the stand-in's ``.../api/v10``.
- Gateway: ``Client.connect()`` never asks ``GET /gateway``; ``DiscordWebSocket.from_client`` connects to
  the class attribute ``DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``), adding
  ``?v=10&encoding=json&compress=zlib-stream``. Resumes go to ``resume_gateway_url`` from READY (the
  stand-in gives its own URL there); after a non-resumable INVALID_SESSION the library falls back to
  ``DEFAULT_GATEWAY``.
- CDN (``discord.asset.Asset.BASE``) is only changed when ``cdn_base_url`` is given: the bot does not
  download assets, and avatar URLs shown in embeds should stay real.
"""

from __future__ import annotations

import logging

import discord.asset
import discord.gateway
import discord.http
import yarl

log = logging.getLogger(__name__)

_DEFAULT_API_BASE = discord.http.Route.BASE
_DEFAULT_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
_DEFAULT_CDN = discord.asset.Asset.BASE


def _api_base(url: str) -> str:
    url = url.rstrip("/")
    tail = url.rsplit("/", 2)[-2:]
    if len(tail) == 2 and tail[0] == "api" and tail[1].startswith("v"):
        return url
    return f"{url}/api/v{discord.http.INTERNAL_API_VERSION}"


def configure_endpoints(
    api_base_url: str | None, gateway_url: str | None, *, cdn_base_url: str | None = None
) -> None:
    """Send discord.py's REST calls to `api_base_url` and its gateway connection to `gateway_url`.

    `api_base_url` may be given with or without the ``/api/v10`` suffix. No-op when both are None.
    Changes are process-wide (class attributes); `reset_endpoints()` restores Discord's URLs.
    """
    if api_base_url:
        discord.http.Route.BASE = _api_base(api_base_url)
        log.warning("Discord REST API redirected to %s (development setting)", discord.http.Route.BASE)
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        log.warning("Discord gateway redirected to %s (development setting)", gateway_url)
    if cdn_base_url:
        discord.asset.Asset.BASE = cdn_base_url.rstrip("/")


def reset_endpoints() -> None:
    """Restore the URLs discord.py had at import time."""
    discord.http.Route.BASE = _DEFAULT_API_BASE
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _DEFAULT_GATEWAY
    discord.asset.Asset.BASE = _DEFAULT_CDN
