"""Errors that reach the user as one line: what went wrong, where, and how to fix it."""

from __future__ import annotations

__all__ = ["KGError", "InputError", "ConfigError", "OutputError"]


class KGError(Exception):
    """Base class of every error the command line reports without a traceback."""


class InputError(KGError):
    """An input file that cannot be read as a whole.

    The message names the file, the line or record, and what to do.
    """

    def __init__(self, path: object, problem: str, fix: str, *, record: object = None):
        where = f"{path}" if record is None else f"{path}, {record}"
        super().__init__(f"{where}: {problem}; {fix}")
        self.path = path
        self.record = record


class ConfigError(KGError):
    """A settings file or option that cannot be used."""


class OutputError(KGError):
    """A build folder that is missing, incomplete or cannot be written."""
