"""What an import reports: per file (:class:`FileReport`) and per command (:class:`ImportResult`).

``rows`` counts the records read, each either accepted or rejected
(``rows == accepted + rejected``); ``submissions`` counts the form submissions
they belong to.  What a record is depends on the format (:data:`ROW_MEANING`):
for KoboToolbox and ODK exports with repeat groups it is one *leaf repeat row*
(a stop of a walk, a child of a household), so 5 submissions of 4 stops each
are 20 rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from walktool.errors import Issue
from walktool.i18n import N_

# What one row (record) is, per format: for the import table and docs/formats.md
ROW_MEANING: dict[str, str] = {
    "kobo-xlsx": N_("one leaf repeat row (a submission without repeats is one row)"),
    "kobo-csv": N_("one submission (Kobo CSV has no repeats; legacy CSV: one repeat instance)"),
    "odk-central": N_("one leaf repeat row (a submission without repeats is one row)"),
    "odk-briefcase": N_("one leaf repeat row (a submission without repeats is one row)"),
    "epicollect5": N_("one entry (a branch file: one branch entry)"),
    "walktool-sheet": N_("one row of the field sheet (one stop)"),
    "findings-table": N_("one row of the table (one finding or one stop)"),
    "geojson": N_("one feature"),
    "gpx": N_("one waypoint"),
    "photos": N_("one photo"),
}


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    format: str | None
    rows: int = 0
    submissions: int = 0
    accepted: int = 0
    rejected: int = 0
    observations: int = 0
    issues: list[Issue] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    checksum: str | None = None
    stored_as: str | None = None
    error: str | None = None

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for i in self.issues if i.level == "warning")

    def to_dict(self, *, with_columns: bool = False) -> dict[str, Any]:
        """JSON-ready summary."""
        doc: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "rows": self.rows,
            "submissions": self.submissions,
            "row_is": ROW_MEANING.get(self.format or ""),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "observations": self.observations,
            "checksum": self.checksum,
            "stored_as": self.stored_as,
        }
        if self.error:
            doc["error"] = self.error
        if with_columns:
            doc["columns"] = self.columns
        return doc


@dataclass
class ImportResult:
    """The report of one ``walktool import``."""

    files: list[FileReport]
    dry_run: bool = False
    import_id: str | None = None

    @property
    def rows(self) -> int:
        """Rows read in all files."""
        return sum(f.rows for f in self.files)

    @property
    def submissions(self) -> int:
        """Submissions in all files."""
        return sum(f.submissions for f in self.files)

    @property
    def accepted(self) -> int:
        """Accepted rows in all files."""
        return sum(f.accepted for f in self.files)

    @property
    def rejected(self) -> int:
        """Rejected rows in all files."""
        return sum(f.rejected for f in self.files)

    @property
    def warnings(self) -> int:
        """Warnings in all files."""
        return sum(f.warnings for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        """Files that could not be read at all."""
        return [f for f in self.files if f.error]

    def issues(self) -> list[Issue]:
        """Every reject and warning, file by file."""
        return [i for f in self.files for i in f.issues]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``walktool import --json`` prints."""
        return {
            "files": [f.to_dict(with_columns=self.dry_run) for f in self.files],
            "rows": self.rows,
            "submissions": self.submissions,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "observations": sum(f.observations for f in self.files),
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "issues": [i.to_dict() for i in self.issues()],
        }
