"""Exceptions for failures, and :class:`Issue` values for problems found in data.

Failures that stop a command (an unreadable file, a missing project) raise a
:class:`WalktoolError` subclass; the CLI catches them at its boundary, prints the
message on stderr and exits with code 1.  Problems *in the data* (a row with an
unknown answer, a point outside the study area) are never raised: they are
collected as :class:`Issue` values with a stable kebab-case ``code`` and reported
all at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["error", "warning"]


class WalktoolError(Exception):
    """Base class of every failure walktool reports to its users."""


class ProjectError(WalktoolError):
    """The project folder is missing, incomplete or its settings are invalid."""


class ProtocolError(WalktoolError):
    """A checklist (protocol) file cannot be used."""

    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


class StationsError(WalktoolError):
    """A stations layer file cannot be read."""


class SheetFormatError(WalktoolError):
    """A field sheet cannot be read or its format cannot be recognised."""


class StoreError(WalktoolError):
    """The project store cannot be opened, read or written."""


@dataclass(frozen=True)
class Issue:
    """One problem found in the data.

    Parameters
    ----------
    code
        Stable kebab-case identifier, e.g. ``"outside-study-area"``.
    message
        What is wrong and what to do about it.
    level
        ``"error"`` rejects the row (or file); ``"warning"`` keeps it.
    file, sheet, row, column, value
        Where the problem is: ``row`` is the 1-based row number as a spreadsheet
        program shows it (or the YAML line number for protocol files).
    """

    code: str
    message: str
    level: Level = "error"
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a JSON-ready dict."""
        return asdict(self)

    def where(self) -> str:
        """Return a short human location such as ``sheet.csv, row 4, column 'zone'``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"{prefix}[{self.code}] {self.message}"
