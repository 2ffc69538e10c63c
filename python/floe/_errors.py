"""Floe's exceptions: one family, with Floe's one-line messages and no Java stack trace."""

from __future__ import annotations


class FloeError(Exception):
    """A Floe failure. ``str(error)`` is Floe's one-line message, as the ``floe`` command prints it.

    ``usage`` tells what kind of failure it is (the command's exit code 2 or 1): a problem with what
    was asked for (:class:`UsageError`) or a failure while reading (:class:`ReadError`).
    """

    usage: bool = False


class UsageError(FloeError, ValueError):
    """What was asked for does not fit: unknown table, column or snapshot, a filter that does not
    parse or does not fit the table, an invalid option value."""

    usage = True


class ReadError(FloeError, OSError):
    """A failure while reading: a missing or damaged data file, an unreachable catalog."""


def from_java(error) -> FloeError:
    """The Python exception for a ``dev.floe.cli.python.PythonException`` (or any Java throwable)."""
    message = str(error.getMessage() or error.getClass().getSimpleName())
    usage = bool(error.isUsage()) if hasattr(error, "isUsage") else False
    return UsageError(message) if usage else ReadError(message)
