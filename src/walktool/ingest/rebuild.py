"""``walktool rebuild``: a fresh store from the raw files kept under ``walks/``.

The damaged (or empty) store is moved aside, never deleted: ``walktool.gpkg`` becomes
``walktool.gpkg.before-rebuild-<time>``.  A new store is made with the project's stations,
then every file the provenance ledger (:mod:`.ledger`) lists is imported again, in
the order it was first imported, into the same walk and campaign, with the same
format and mapping.  Files under ``walks/`` the ledger does not list (kept by an
older walktool) are imported too, into the walk their folder names when it has a
``walk.yaml``.

What only the store held is lost and said so: the follow-up of recommendations
(run ``walktool followup import`` on the last workbook again) and the pseudonym
salt (participants get new pseudonyms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walktool.ingest.report import ImportResult
    from walktool.project import Project

_SKIP = {"imports.jsonl", "walk.yaml", "walk.yml"}


@dataclass
class RebuildResult:
    """What ``walktool rebuild`` did."""

    store: Path
    moved_to: Path | None
    imports: list[tuple[dict[str, Any], ImportResult]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """Rows accepted over every file imported again."""
        return sum(r.accepted for _, r in self.imports)

    @property
    def rejected(self) -> int:
        """Rows rejected over every file imported again."""
        return sum(r.rejected for _, r in self.imports)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "store": str(self.store),
            "moved_to": str(self.moved_to) if self.moved_to else None,
            "files": [
                {"stored_as": e["stored_as"], "walk_id": e.get("walk_id"), "campaign": e.get("campaign"), **r.to_dict()["files"][0]}
                for e, r in self.imports
                if r.files
            ],
            "missing": self.missing,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "lost": [
                "the follow-up of recommendations: run `walktool followup import` on the last workbook again",
                "participants' pseudonyms: they are derived anew",
            ],
        }


def _unlisted(project: Project, listed: set[str]) -> list[dict[str, Any]]:
    """Raw files under walks/ that the ledger does not list, as ledger entries."""
    from walktool.readers._base import IMAGE_SUFFIXES

    walks = project.walks_dir
    out: list[dict[str, Any]] = []
    if not walks.is_dir():
        return out
    for folder in sorted(p for p in walks.iterdir() if p.is_dir()):
        walk_id = folder.name if (folder / "walk.yaml").is_file() else None
        for path in sorted(folder.iterdir()):
            rel = str(path.relative_to(project.root))
            if rel in listed or path.name in _SKIP or path.name.startswith("."):
                continue
            if path.is_dir() and not any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.rglob("*")):
                continue
            if path.is_dir() and any(rel.startswith(p + "/") or p.startswith(rel + "/") for p in listed):
                continue  # the photos of a zip the ledger lists, copied beside it
            out.append({"stored_as": rel, "walk_id": walk_id, "campaign": None, "format": None})
    return out


def rebuild_store(project_dir: str | Path) -> RebuildResult:
    """Move the project's store aside and import every raw file kept under ``walks/`` into a new one.

    Parameters
    ----------
    project_dir
        The project folder.

    Returns
    -------
    RebuildResult
    """
    from walktool.ingest import import_files
    from walktool.ingest.ledger import ledger_path, read_ledger
    from walktool.project import SETTINGS_FILE, Project, read_settings
    from walktool.stations import builtin_stations, read_stations_file, save_stations
    from walktool.store import open_store

    root = Path(project_dir).resolve()
    settings = read_settings(root / SETTINGS_FILE)
    project = Project(root, settings)
    store_path = project.store_path
    moved = None
    if store_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        moved = store_path.with_name(f"{store_path.name}.before-rebuild-{stamp}")
        store_path.rename(moved)
    ledger = ledger_path(project)
    entries = read_ledger(project)
    saved = ledger.with_name(ledger.name + ".before-rebuild")
    if ledger.exists():
        ledger.replace(saved)  # the imports below write it again
    open_store(store_path, create=True).close()
    stations_file = root / settings.stations
    if settings.stations != "stm" and stations_file.exists():
        save_stations(project, read_stations_file(stations_file))
    else:
        save_stations(project, builtin_stations())
    result = RebuildResult(store_path, moved)
    seen: set[str] = set()
    todo = []
    for e in entries:
        if e["stored_as"] not in seen:
            seen.add(e["stored_as"])
            todo.append(e)
    todo += _unlisted(project, seen)
    for entry in todo:
        path = root / entry["stored_as"]
        if not path.exists():
            result.missing.append(entry["stored_as"])
            continue
        mapping = entry.get("mapping")
        done = import_files(
            project,
            [path],
            walk_id=entry.get("walk_id"),
            campaign=entry.get("campaign"),
            fmt=entry.get("forced_format") or None,
            mapping=mapping if mapping and Path(mapping).exists() else None,
        )
        result.imports.append((entry, done))
    project.close()
    saved.unlink(missing_ok=True)
    return result
