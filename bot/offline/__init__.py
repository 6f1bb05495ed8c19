"""Offline tools that need no Discord connection: reading DiscordChatExporter exports and ``sentimeter
analyze``."""
