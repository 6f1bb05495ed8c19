"""The discord.py application: the client, the command tree and its error replies, rendering for Discord
(embeds, Markdown escaping, truncation), interface languages, and start-up. Cogs build on this package."""
