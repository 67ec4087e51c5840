"""The follow-up loop: read back what transit staff wrote in the report's Recommendations sheet.

Staff fill in four columns of the ``Recommandations`` / ``Recommendations`` sheet
of the workbook ``walktool report`` wrote: status (a drop-down), owner, due date
and note.  :func:`import_followup` reads them back:

* columns are found by their header, in French or English (``Statut`` /
  ``Status``, ``Porteur du dossier`` / ``Owner``, ``Date d'échéance`` /
  ``Due date``, ``Note``), next to the ``Id`` column holding the stable
  recommendation id (``R-1A2B3C4D``);
* a status is read in either language, as its stored value (``in_progress``)
  or in the masculine French form, accents and case ignored; an empty status
  keeps the current one;
* due dates are Excel dates or ``YYYY-MM-DD`` text (``DD/MM/YYYY`` when the day
  is above 12, so it cannot be read the other way round);
* a row with an unknown id, an unknown status or an unreadable date is rejected
  with an :class:`~walktool.errors.Issue` naming the cell (``Recommendations!M7``);
  the other rows are kept;
* a row whose values differ from the stored ones updates the ``recommendations``
  table and adds one dated row to ``recommendation_status`` (the history); a row
  that changes nothing writes nothing, so importing the same file twice changes
  nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError
from walktool.i18n import N_, Phrase, all_translations
from walktool.recommend import FOLLOW_UP_COLUMNS, STATUSES
from walktool.report.labels import (
    REC_COLUMNS,
    sheet_label,
    sheet_spellings,
    status_label,
    status_spellings,
)
from walktool.textnorm import fold

if TYPE_CHECKING:
    from walktool.project import Project


class FollowupError(WalktoolError):
    """The follow-up workbook cannot be read (missing, not a workbook, no Recommendations sheet)."""


_HEADERS: dict[str, set[str]] = {
    "id": {"id", "rec id", "rec_id", "identifiant", "recommendation id", "id recommandation"},
    "status": {"status", "statut", "etat", "état"},
    "owner": {"owner", "porteur", "porteur du dossier", "porteuse du dossier", "responsable du suivi", "responsable suivi"},
    "due_date": {"due date", "due_date", "date d'echeance", "date d'échéance", "echeance", "date limite", "deadline"},
    "note": {"note", "notes", "remarque", "remarques", "commentaire de suivi", "follow up note"},
}
for _key, _label, _width in REC_COLUMNS:
    if _key in _HEADERS:
        _HEADERS[_key] |= all_translations(_label)
HEADER_NAMES: dict[str, str] = {fold(name): key for key, names in _HEADERS.items() for name in names}
"""Folded header → follow-up column key (``id``, ``status``, ``owner``, ``due_date``, ``note``)."""

_STATUS_EXTRA: dict[str, tuple[str, ...]] = {
    "proposed": ("proposé", "proposee", "propose", "à faire", "nouvelle", "new"),
    "accepted": ("accepté", "acceptee", "accepte", "approved", "approuvée", "approuvé"),
    "rejected": ("rejeté", "refusée", "refusé", "declined", "refused"),
    "in_progress": ("in_progress", "en_cours", "in-progress", "en traitement", "started", "ongoing"),
    "done": ("réalisé", "fait", "faite", "terminée", "terminé", "completed", "complete", "finished"),
    "verified": ("vérifié", "validée", "validé", "checked"),
}
STATUS_SPELLINGS: dict[str, str] = {
    fold(spelling): key
    for key in STATUSES
    for spelling in (key, *sorted(status_spellings(key)), *_STATUS_EXTRA.get(key, ()))
}
"""Folded spelling → stored status: every spelling the import understands."""


@dataclass
class FollowupResult:
    """What :func:`import_followup` read, changed and rejected."""

    file: str
    sheet: str | None
    rows: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Number of recommendations updated."""
        return len(self.changes)

    @property
    def rejected(self) -> int:
        """Number of rows rejected."""
        return len({(i.sheet, i.row) for i in self.issues if i.level == "error"})

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``walktool followup import --json``."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "rows": self.rows,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "changes": self.changes,
            "issues": [i.to_dict() for i in self.issues],
        }


def import_followup(project: Project, path: str | Path, *, now: dt.datetime | None = None) -> FollowupResult:
    """Read the follow-up columns of a report workbook back into the project store.

    Parameters
    ----------
    project
        The open project whose report the workbook is.
    path
        The ``.xlsx`` workbook staff filled in.
    now
        The time recorded with each change (default: now, UTC).

    Returns
    -------
    FollowupResult
        Rows read, the changes stored (id, cell row, before and after), rows
        left unchanged, and an issue per rejected row.

    Raises
    ------
    FollowupError
        The file is missing, is not an Excel workbook, or has no sheet with
        the ``Id`` and status columns.
    """
    import pandas as pd

    path = Path(path)
    sheet_title, _header_row, columns, rows = _read_sheet(path)
    result = FollowupResult(file=path.name, sheet=sheet_title)
    store = project.store
    stored = store.read("recommendations")
    current = {str(r["rec_id"]): r for r in stored.to_dict("records")}
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    seen: dict[str, int] = {}
    updates: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for row_number, values in rows:
        raw_id = values.get("id")
        if _blank(raw_id):
            continue
        result.rows += 1
        rec_id = str(raw_id).strip().upper()
        issue = _check_row(rec_id, row_number, values, columns, current, seen, sheet_title, path.name)
        if issue is not None:
            result.issues.append(issue)
            continue
        seen[rec_id] = row_number
        new, problems = _parse_row(values, columns, row_number, sheet_title, path.name)
        if problems:
            result.issues.extend(problems)
            continue
        old = current[rec_id]
        before = {k: _stored(old.get(k)) for k in FOLLOW_UP_COLUMNS}
        before["status"] = before["status"] or "proposed"
        after = {k: (new[k] if k in new else before[k]) for k in FOLLOW_UP_COLUMNS}
        if after["status"] is None:
            after["status"] = before["status"]
        if after == before:
            result.unchanged += 1
            continue
        updates.append({**old, **after, "updated_at": when})
        history.append(
            {
                "change_id": hashlib.sha1(f"{rec_id}|{when}|{sorted(after.items())}".encode()).hexdigest()[:16],
                "rec_id": rec_id,
                **after,
                "changed_at": when,
                "source": f"followup {path.name}, {_ref(sheet_title, 'A', row_number)}",
            }
        )
        result.changes.append({"id": rec_id, "row": row_number, "before": before, "after": after})
    if updates:
        with store.transaction():
            store.upsert("recommendations", pd.DataFrame(updates))
            store.upsert("recommendation_status", pd.DataFrame(history))
    return result


def status_history(project: Project, rec_id: str | None = None) -> list[dict[str, Any]]:
    """The stored status changes (of one recommendation, or all), oldest first."""
    frame = project.store.read("recommendation_status", {"rec_id": rec_id} if rec_id else None)
    records = [{k: _stored(v) for k, v in r.items()} for r in frame.to_dict("records")]
    return sorted(records, key=lambda r: (str(r["changed_at"] or ""), str(r["rec_id"]), str(r["change_id"])))


# -- reading ---------------------------------------------------------------------------
def _read_sheet(path: Path) -> tuple[str, int, dict[str, int], list[tuple[int, dict[str, Any]]]]:
    """The Recommendations sheet's title, header row, column positions and data rows."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        msg = Phrase(N_("{path}: no such file; give the report workbook staff filled in (reports/report.xlsx)"), path=path)
        raise FollowupError(msg)
    try:
        # values as last computed by the spreadsheet program, and the formulas typed (if any)
        wb = load_workbook(path, read_only=True, data_only=True)
        typed = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        msg = Phrase(N_("{path}: not an Excel workbook that walktool can read ({exc}); save it as .xlsx and try again"), path=path, exc=exc)
        raise FollowupError(msg) from exc
    try:
        wanted = {fold(name) for name in sheet_spellings("recommendations")}
        sheets = sorted(wb.worksheets, key=lambda ws: fold(ws.title) not in wanted)
        for ws in sheets:
            found = _find_header(ws)
            if found is None:
                continue
            header_row, columns = found
            rows = []
            computed = ws.iter_rows(min_row=header_row + 1, values_only=True)
            formulas = typed[ws.title].iter_rows(min_row=header_row + 1, values_only=True)
            for number, (row, raw) in enumerate(zip(computed, formulas, strict=False), header_row + 1):
                values = {key: _cell_value(row, raw, i) for key, i in columns.items()}
                rows.append((number, values))
            return ws.title, header_row, columns, rows
    finally:
        wb.close()
        typed.close()
    fr, en = sheet_label("recommendations", "fr"), sheet_label("recommendations", "en")
    msg = (
        Phrase(N_("{path}: no sheet with an 'Id' column and a status column ('Statut' / 'Status'); give the workbook `walktool report` wrote, with its '{fr}' / '{en}' sheet"), path=path, fr=fr, en=en)
    )
    raise FollowupError(msg)


def _cell_value(computed: tuple[Any, ...], typed: tuple[Any, ...], index: int) -> Any:
    """A cell's computed value; the text typed when it is a formula never computed (``=devis``)."""
    value = computed[index] if index < len(computed) else None
    if value is None and index < len(typed) and isinstance(typed[index], str):
        return typed[index]
    return value


def _find_header(ws: Any, max_rows: int = 20) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(ws.iter_rows(max_row=max_rows, values_only=True), 1):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            if isinstance(value, str):
                key = HEADER_NAMES.get(fold(value))
                if key is not None and key not in columns:
                    columns[key] = i
        if "id" in columns and "status" in columns:
            return number, columns
    return None


def _check_row(
    rec_id: str,
    row: int,
    values: dict[str, Any],
    columns: dict[str, int],
    current: dict[str, Any],
    seen: dict[str, int],
    sheet: str,
    file: str,
) -> Issue | None:
    ref = _ref(sheet, _letter(columns["id"]), row)
    if rec_id not in current:
        msg = (
            f"{ref}: recommendation {rec_id!r} is not in this project's store; was the workbook made from another"
            " project, or edited? The row is skipped."
        )
        return Issue("unknown-recommendation", msg, "error", file=file, sheet=sheet, row=row, column="id", value=str(values.get("id")))
    if rec_id in seen:
        msg = f"{ref}: recommendation {rec_id} appears again (first on row {seen[rec_id]}); only the first row is read"
        return Issue("duplicate-recommendation", msg, "error", file=file, sheet=sheet, row=row, column="id", value=rec_id)
    return None


def _parse_row(
    values: dict[str, Any], columns: dict[str, int], row: int, sheet: str, file: str
) -> tuple[dict[str, Any], list[Issue]]:
    """The follow-up values of one row (only the columns present), and its problems."""
    out: dict[str, Any] = {}
    problems: list[Issue] = []
    if "status" in columns:
        raw = values.get("status")
        if _blank(raw):
            out["status"] = None  # keep the current status
        else:
            status = STATUS_SPELLINGS.get(fold(raw))
            if status is None:
                ref = _ref(sheet, _letter(columns["status"]), row)
                fr = ", ".join(status_label(k, "fr") for k in STATUSES)
                en = ", ".join(status_label(k, "en") for k in STATUSES)
                msg = f"{ref}: unknown status {str(raw)!r}; use one of {fr} (or {en}); the row is not imported"
                problems.append(Issue("unknown-status", msg, "error", file=file, sheet=sheet, row=row, column="status", value=str(raw)))
            else:
                out["status"] = status
    if "owner" in columns:
        out["owner"] = _text(values.get("owner"))
    if "note" in columns:
        out["note"] = _text(values.get("note"))
    if "due_date" in columns:
        raw = values.get("due_date")
        due, error = _parse_date(raw)
        if error:
            ref = _ref(sheet, _letter(columns["due_date"]), row)
            msg = f"{ref}: {error}; the row is not imported"
            problems.append(Issue("bad-due-date", msg, "error", file=file, sheet=sheet, row=row, column="due_date", value=str(raw)))
        else:
            out["due_date"] = due
    return out, problems


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T].*)?$")


def _parse_date(raw: Any) -> tuple[str | None, str | None]:
    """``(ISO date, None)`` or ``(None, what is wrong)``; blank → ``(None, None)``."""
    if _blank(raw):
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, dt.date):
        return raw.isoformat(), None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= raw < 2958466:
            value = from_excel(raw)
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
    text = str(raw).strip()
    try:
        if m := _YMD.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), None
        if m := _DMY.match(text):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            if first <= 12 and second <= 12 and first != second:
                return None, (
                    f"ambiguous due date {text!r} (day/month or month/day?); write it as YYYY-MM-DD"
                    f" ({dt.date(year, second, first).isoformat()} or {dt.date(year, first, second).isoformat()})"
                )
            day, month = (second, first) if second > 12 else (first, second)
            return dt.date(year, month, day).isoformat(), None
    except ValueError:
        pass
    return None, f"due date {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2024-03-31)"


_PLAIN_SHEET = re.compile(r"^[^\W\d]\w*$")


def _ref(sheet: str, column: str, row: int) -> str:
    """``Recommendations!M7``; a sheet name with spaces or punctuation is quoted, as Excel writes it."""
    name = sheet if _PLAIN_SHEET.match(sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column}{row}"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _stored(value: Any) -> Any:
    """A stored value as compared with the workbook's: None for NULL / NaN / blank."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


__all__ = ["HEADER_NAMES", "STATUS_SPELLINGS", "FollowupError", "FollowupResult", "import_followup", "status_history"]
