"""Errors shared by every part of the bot."""

from __future__ import annotations


class SentimeterError(Exception):
    """Base class for the bot's own errors."""


class UserFacingError(SentimeterError):
    """An error whose message is meant for the user (already localised); the command tree replies with it."""


class StartupError(SentimeterError):
    """A one-line problem found while starting (bad settings, unwritable database): the CLI prints it and
    exits non-zero."""
