"""Warnings about how a sheet was read: the encoding chosen, headers given twice."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue
from walktool.readers._base import encoding_note

if TYPE_CHECKING:
    from walktool.columns import Role
    from walktool.readers import RawTable

_REPEAT = re.compile(r"^(.*)\.(\d+)$")


def _letter(n: int) -> str:
    """Spreadsheet column letters of 1-based column ``n`` (1 → A, 28 → AB)."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def duplicate_headers(table: RawTable) -> list[dict[str, Any]]:
    """Headers a table gives more than once (read as ``X``, ``X.2`` …): where they are and in how many rows they differ."""
    frame = table.frame
    columns = [c for c in frame.columns if not str(c).startswith("__")]
    position = {c: n for n, c in enumerate(columns, 1)}
    out = []
    for col in columns:
        m = _REPEAT.match(str(col))
        if not m or m.group(1) not in position:
            continue
        first = m.group(1)
        differ = int((frame[first].astype(str).str.strip() != frame[col].astype(str).str.strip()).sum())
        sheet = None
        if "__sheet" in frame.columns and len(frame):
            sheet = str(frame["__sheet"].iloc[0]) or None
        out.append({"header": first, "copy": str(col), "first": position[first], "other": position[col], "differ": differ, "sheet": sheet})
    return out


def duplicate_issues(duplicates: list[dict[str, Any]], plan: dict[str, Role], file: str) -> list[Issue]:
    """One ``duplicate-column`` warning per header given twice, naming the column that was used."""
    issues = []
    for d in duplicates:
        role = plan.get(d["header"])
        used = f" as {role.describe()}" if role is not None and role.kind != "ignored" else ""
        differ = f"; they differ in {d['differ']} row(s)" if d["differ"] else "; they hold the same values"
        issues.append(
            Issue(
                "duplicate-column",
                f"the header {d['header']!r} is given twice: the first one (column {_letter(d['first'])}) is the one"
                f" used{used}, the other (column {_letter(d['other'])}) is kept as {d['copy']!r}{differ};"
                " delete or rename the one you do not mean",
                "warning",
                file=file,
                sheet=d["sheet"],
                column=d["header"],
            )
        )
    return issues


__all__ = ["duplicate_headers", "duplicate_issues", "encoding_note"]
