"""Errors with a meaning for the user or the operator."""


class SentimeterError(Exception):
    """Base class for our own errors."""


class UserFacingError(SentimeterError):
    """A message meant for the person who ran a command (already in their language)."""


class StartupError(SentimeterError):
    """A one-line start-up problem: the CLI prints it and exits non-zero."""
