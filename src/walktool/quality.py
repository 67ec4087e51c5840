"""The data-quality report: rejects and warnings stored at import, by file, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project


def quality_report(project: Project, *, level: str | None = None) -> dict[str, Any]:
    """Every stored issue, sorted by file, sheet, row and column, with counts.

    The project's protocol files are checked too: ``rules-changed-same-version``
    (:func:`walktool.provenance.rules_warnings`) comes after the stored issues.

    Parameters
    ----------
    project
        The open project.
    level
        ``"error"`` (rejects) or ``"warning"`` only; None for both.

    Returns
    -------
    dict
        ``{"files": [...], "unreadable": [...], "observations", "rejects", "warnings", "by_code": {code: n},
        "issues": [...]}``; ``unreadable`` lists the files whose last import could not read them
        (``unreadable-file``, or ``no-answers`` when no column was understood), with the error.
    """
    store = project.store
    check = getattr(store, "integrity_problems", None)
    problems = check() if check is not None else []
    if problems:
        from walktool.errors import STORE_DAMAGED, StoreError

        msg = Phrase(N_("{store_path}: {damaged} (SQLite: {problems})"), store_path=project.store_path, damaged=Phrase(STORE_DAMAGED), problems=problems[0])
        raise StoreError(msg, file=str(project.store_path), code="store-damaged")
    issues = store.read("issues", {"level": level} if level else None)
    imports = store.read("imports")
    if not issues.empty:
        issues = issues.assign(_row=issues["row"].fillna(0)).sort_values(["file", "sheet", "_row", "column", "code"], na_position="first", kind="stable")
    # a file imported again (same or corrected content) is listed once, as last imported
    latest = imports.sort_values("at_utc").drop_duplicates(["walk_id", "file"], keep="last") if not imports.empty else imports
    failures = _file_failures(store.read("issues") if level is not None else issues)
    files = []
    unreadable = []
    for r in latest.to_dict("records"):
        entry = {"file": r["file"], "format": r["format"], "rows": _int(r["rows"]), "accepted": _int(r["accepted"]), "rejected": _int(r["rejected"]), "imported_at": r["at_utc"], "stored_as": r["stored_as"]}
        failure = failures.get((str(r["import_id"]).rsplit("-", 1)[0], Path(str(r["file"])).name))
        if failure is not None and (failure[0] != "no-answers" or not _int(r["accepted"])):
            entry["error"] = failure[1]
            unreadable.append({"file": r["file"], "format": r["format"], "code": failure[0], "error": failure[1], "imported_at": r["at_utc"]})
        files.append(entry)
    records = [
        {k: (None if _missing(v) else (int(v) if k == "row" else v)) for k, v in r.items() if k in ("file", "sheet", "row", "column", "value", "code", "level", "message")}
        for r in issues.to_dict("records")
    ]
    if level in (None, "warning"):
        # the project's own warnings: a protocol whose rules changed under the same version
        from walktool.provenance import rules_warnings

        records += [
            {k: v for k, v in i.to_dict().items() if k in ("file", "sheet", "row", "column", "value", "code", "level", "message")}
            for i in rules_warnings(project)
        ]
    by_code: dict[str, int] = {}
    for r in records:
        code = str(r["code"])
        by_code[code] = by_code.get(code, 0) + 1
    return {
        "files": files,
        "unreadable": unreadable,
        "observations": store.count("observations"),
        "rejects": sum(1 for r in records if r["level"] == "error"),
        "warnings": sum(1 for r in records if r["level"] == "warning"),
        "by_code": dict(sorted(by_code.items())),
        "issues": records,
    }


_FILE_FAILURES = ("unreadable-file", "no-answers")


def _file_failures(issues: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str]]:
    """{(import id, file name): (code, message)} of the file-level errors: files that could not be read."""
    if issues.empty:
        return {}
    bad = issues[issues["code"].isin(_FILE_FAILURES) & issues["row"].isna() & issues["level"].eq("error")]
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for r in bad.to_dict("records"):
        out.setdefault((str(r["import_id"]), Path(str(r["file"])).name), (str(r["code"]), str(r["message"])))
    return out


def _missing(value: Any) -> bool:
    try:
        return value is None or value != value
    except (TypeError, ValueError):
        return False


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)
