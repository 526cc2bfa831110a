"""Errors of the printable export."""

from __future__ import annotations

from dataclasses import dataclass

from arena.errors import ArenaError


@dataclass(frozen=True)
class CheckFailure:
    """One failed printability check: what was measured against what is required."""

    subject: str
    check: str
    measured: str
    required: str

    def __str__(self) -> str:
        return f"{self.subject}: check '{self.check}' failed: measured {self.measured}, required {self.required}"


class PrintabilityError(ArenaError, ValueError):
    """A part that cannot be printed: the message names the object, the check and the measured value."""

    def __init__(self, message: str, failures: tuple[CheckFailure, ...] = ()) -> None:
        super().__init__(message)
        self.failures = failures


class PrintExportError(ArenaError, ValueError):
    """Bad input to the export (scale out of range, unwritable output directory); raised before any work."""
