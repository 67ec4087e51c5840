"""The data-quality report: rejects and warnings stored at import, by file, row and column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walktool.project import Project


def quality_report(project: Project, *, level: str | None = None) -> dict[str, Any]:
    """Every stored issue, sorted by file, sheet, row and column, with counts.

    Parameters
    ----------
    project
        The open project.
    level
        ``"error"`` (rejects) or ``"warning"`` only; None for both.

    Returns
    -------
    dict
        ``{"files": [...], "observations", "rejects", "warnings", "by_code": {code: n}, "issues": [...]}``
    """
    store = project.store
    issues = store.read("issues", {"level": level} if level else None)
    imports = store.read("imports")
    if not issues.empty:
        issues = issues.assign(_row=issues["row"].fillna(0)).sort_values(["file", "sheet", "_row", "column", "code"], na_position="first", kind="stable")
    # a file imported again (same or corrected content) is listed once, as last imported
    latest = imports.sort_values("at_utc").drop_duplicates(["walk_id", "file"], keep="last") if not imports.empty else imports
    files = [
        {"file": r["file"], "format": r["format"], "rows": _int(r["rows"]), "accepted": _int(r["accepted"]), "rejected": _int(r["rejected"]), "imported_at": r["at_utc"], "stored_as": r["stored_as"]}
        for r in latest.to_dict("records")
    ]
    records = [
        {k: (None if _missing(v) else (int(v) if k == "row" else v)) for k, v in r.items() if k in ("file", "sheet", "row", "column", "value", "code", "level", "message")}
        for r in issues.to_dict("records")
    ]
    by_code: dict[str, int] = {}
    for r in records:
        code = str(r["code"])
        by_code[code] = by_code.get(code, 0) + 1
    return {
        "files": files,
        "observations": store.count("observations"),
        "rejects": sum(1 for r in records if r["level"] == "error"),
        "warnings": sum(1 for r in records if r["level"] == "warning"),
        "by_code": dict(sorted(by_code.items())),
        "issues": records,
    }


def _missing(value: Any) -> bool:
    try:
        return value is None or value != value
    except (TypeError, ValueError):
        return False


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)
