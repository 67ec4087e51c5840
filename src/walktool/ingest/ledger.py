"""The provenance ledger ``walks/imports.jsonl``: what every import kept under ``walks/``, with how it was imported.

The store's import log says the same, but the ledger lives beside the raw files:
when the store is damaged or lost, ``walktool rebuild`` reads it to import every
kept file again, into the same walk and campaign, with the same format and mapping.
One JSON object a line, appended after each import is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walktool.ingest.report import ImportResult
    from walktool.project import Project

LEDGER = "imports.jsonl"


def ledger_path(project: Project) -> Path:
    """The ledger file of a project."""
    return project.walks_dir / LEDGER


def record_import(
    project: Project,
    result: ImportResult,
    *,
    walk_id: str | None,
    campaign: str | None,
    fmt: str | None,
    mapping: str | Path | None,
    at_utc: str,
) -> None:
    """Append one line per file this import kept under ``walks/`` (none when it was imported the same way before)."""
    latest = {e["stored_as"]: _how(e) for e in read_ledger(project)}
    lines = []
    for f in result.files:
        if not f.stored_as:
            continue
        entry = {
            "stored_as": f.stored_as,
            "file": Path(f.path).name,
            "format": f.format,
            "forced_format": fmt if fmt and fmt != "auto" else None,
            "walk_id": walk_id,
            "campaign": campaign,
            "mapping": str(Path(mapping).resolve()) if mapping else None,
            "checksum": f.checksum,
            "at_utc": at_utc,
        }
        if latest.get(f.stored_as) == _how(entry):
            continue  # imported again as before: the ledger already says how
        latest[f.stored_as] = _how(entry)
        lines.append(json.dumps(entry, ensure_ascii=False) + "\n")
    if not lines:
        return
    path = ledger_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(lines)


def _how(entry: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(entry.get(k) for k in ("stored_as", "format", "forced_format", "walk_id", "campaign", "mapping", "checksum"))


def read_ledger(project: Project) -> list[dict[str, Any]]:
    """The ledger's entries, oldest first (a damaged line is skipped)."""
    path = ledger_path(project)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("stored_as"):
            out.append(entry)
    return out
