"""Exceptions of the library and the exit code each one means for the CLI.

One table for every command (README, "Exit codes"):
0 ok · 1 invalid data · 2 usage error · 3 operational failure.
The library raises these; only ``cli`` turns them into exit codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rome_export.validation.report import Report

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_OPERATIONAL = 3


class RomeExportError(Exception):
    """Base class: every error the library raises on purpose."""

    exit_code = EXIT_OPERATIONAL
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint


class InvalidData(RomeExportError):
    """The input is not valid; ``report`` says where and why."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, report: Report | None = None, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.report = report


class UsageError(RomeExportError):
    """The command was asked for something it cannot do as asked."""

    exit_code = EXIT_USAGE


class OperationalError(RomeExportError):
    """The environment failed: unreadable or unwritable file, endpoint down, interrupted."""

    exit_code = EXIT_OPERATIONAL
