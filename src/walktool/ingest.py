"""Importing field sheets into a project: read → normalise → place → store.

:func:`import_files` is what ``walktool import`` runs.  It keeps every raw file
as it came (copied into ``walks/`` with its SHA-256), logs the import, stores
observations, participants' pseudonymous profiles, walks, rejects and warnings,
and returns a report where, for every file, ``rows == accepted + rejected``.

Re-importing the same file, or a newer export of the same submissions, updates
rather than duplicates: observations are keyed by the submission's stable id and
the item, and a submission's previous observations are replaced as a whole.
"""

from __future__ import annotations

import getpass
import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError

if TYPE_CHECKING:
    import pandas as pd

    from walktool.columns import Role
    from walktool.project import Project

Progress = Callable[[str, int, int], None]
# Formats whose records have no stable id (keyed by their content within the file): re-importing
# a file of the same name replaces its previous observations instead of adding changed rows as new.
ROW_KEYED_FORMATS = ("findings-table", "walktool-sheet")


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    format: str | None
    rows: int = 0
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
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "observations": sum(f.observations for f in self.files),
            "dry_run": self.dry_run,
            "import_id": self.import_id,
            "issues": [i.to_dict() for i in self.issues()],
        }


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, sorted)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            digest.update(str(p.relative_to(path)).encode())
            digest.update(p.read_bytes())
    else:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def load_walk_metadata(project: Project, walk_id: str) -> dict[str, Any]:
    """Read ``walks/<walk_id>/walk.yaml`` when it exists (date, start_time, facilitator, route …)."""
    import yaml

    path = project.walks_dir / walk_id / "walk.yaml"
    if not path.exists():
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML ({exc})"
        raise WalktoolError(msg) from exc
    if not isinstance(doc, dict):
        msg = f"{path}: a walk file is a mapping (date, start_time, facilitator, route, participants, weather, campaign)"
        raise WalktoolError(msg)
    return doc


def _copy_raw(project: Project, path: Path, checksum: str, walk_id: str | None) -> str:
    """Copy a raw file into walks/ (once per content); return its path relative to the project."""
    folder = project.walks_dir / (walk_id or "imported")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists() and sha256_of(target) != checksum:
        target = folder / f"{path.stem}-{checksum[:8]}{path.suffix}"
    try:
        same = target.resolve() == path.resolve()
    except OSError:
        same = False
    if not target.exists() and not same:
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)
    return str(target.relative_to(project.root))


def import_files(
    project: Project,
    paths: Sequence[str | Path],
    *,
    walk_id: str | None = None,
    campaign: str | None = None,
    fmt: str | None = None,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import field sheets into a project.

    Parameters
    ----------
    project
        The open project.
    paths
        Files (or photo folders) to import.
    walk_id
        Tie every record to this walk (its ``walks/<id>/walk.yaml`` is read when present).
    campaign
        Campaign name (default: the walk file's, the sheet's, or ``default``).
    fmt
        Force a format (``auto`` or None detects it).
    mapping
        A mapping YAML for sheets with other column names.
    dry_run
        Read and check everything, store nothing.
    progress
        Called as ``progress(step, done, total)``.

    Returns
    -------
    ImportResult
    """

    from walktool.columns import load_mapping, plan_summary
    from walktool.errors import SheetFormatError
    from walktool.normalize import Context, normalize_table
    from walktool.readers import read_file
    from walktool.stations import load_stations

    protocol = project.protocol()
    layer = load_stations(project)
    mapping_obj = load_mapping(mapping, protocol)[0] if mapping else None
    walk_meta = load_walk_metadata(project, walk_id) if walk_id else {}
    campaign = campaign or (str(walk_meta["campaign"]) if walk_meta.get("campaign") else None)
    settings = project.settings
    ctx = Context(
        protocol=protocol,
        layer=layer,
        timezone=settings.timezone,
        radius_m=settings.station_radius_m,
        study_area=settings.study_area,
        salt=project.salt(),
        campaign=campaign,
        walk_id=walk_id,
        mapping=mapping_obj,
    )
    started = datetime.now(UTC)
    import_id = started.strftime("%Y%m%dT%H%M%S%fZ")
    reports: list[FileReport] = []
    batches: list[tuple[FileReport, Any]] = []
    total = len(paths)
    for n, raw_path in enumerate(paths, 1):
        path = Path(raw_path)
        report = FileReport(str(raw_path), None)
        reports.append(report)
        if progress:
            progress(f"reading {path.name}", n - 1, total)
        try:
            format_, tables = read_file(path, fmt=fmt)
        except (SheetFormatError, OSError) as exc:
            report.error = str(exc)
            report.issues.append(Issue("unreadable-file", str(exc), "error", file=str(raw_path)))
            continue
        report.format = format_.name
        report.checksum = sha256_of(path)
        normalized = []
        plan: dict[str, Role] = {}
        for table in tables:
            if format_.name in ROW_KEYED_FORMATS and "__submission" in table.frame.columns:
                # content ids are per file: identical rows of two different sheets are two observations
                table.frame["__submission"] = path.name + "|" + table.frame["__submission"].astype(str)
            for part, done, size in _chunks(table):
                if progress:
                    progress(f"normalising {path.name}", done, size)
                nt = normalize_table(part, ctx)
                normalized.append((part, nt))
                plan.update(nt.plan)
                report.rows += nt.rows
                report.accepted += nt.accepted
                report.rejected += nt.rejected
                report.issues.extend(nt.issues)
        report.columns = plan_summary(plan)
        batches.append((report, normalized))
    _link_photos(project, batches, dry_run=dry_run)
    for report, normalized in batches:
        obs = [nt.observations for _, nt in normalized]
        report.observations = int(sum(len(o) for o in obs))
        if walk_meta:
            report.issues.extend(_check_walk(walk_meta, walk_id or "", obs, report.path, settings.timezone))
    if not dry_run:
        _store(project, batches, import_id=import_id, started=started, walk_id=walk_id, walk_meta=walk_meta, campaign=campaign, progress=progress)
    if progress:
        progress("done", total, total)
    return ImportResult(reports, dry_run=dry_run, import_id=None if dry_run else import_id)


CHUNK_ROWS = 5000


def _chunks(table: Any) -> Any:
    """Split a large raw table into parts normalised one after the other (bounded memory, progress)."""
    from dataclasses import replace

    size = len(table.frame)
    if size <= CHUNK_ROWS:
        yield table, size, size
        return
    for start in range(0, size, CHUNK_ROWS):
        first = start == 0
        part = replace(
            table,
            frame=table.frame.iloc[start : start + CHUNK_ROWS],
            issues=table.issues if first else [],
            rejected_rows=table.rejected_rows if first else 0,
        )
        yield part, min(start + CHUNK_ROWS, size), size


def _check_walk(meta: dict[str, Any], walk_id: str, frames: list[pd.DataFrame], file: str, tz: str) -> list[Issue]:
    """Observations dated outside their walk's date are warnings."""
    from walktool.values import parse_date

    day = parse_date(str(meta.get("date", "")), tz) if meta.get("date") else None
    if day is None:
        return []
    issues = []
    for frame in frames:
        if frame.empty:
            continue
        local = frame["local_time"].dropna().astype(str).str[:10]
        off = frame.loc[local.index[local.ne(day.isoformat())]]
        for row in sorted(set(off["source_row"].dropna().astype(int))):
            issues.append(
                Issue(
                    "outside-walk-date",
                    f"observed on another day than walk {walk_id!r} ({day.isoformat()}); check the date or the --walk",
                    "warning",
                    file=file,
                    row=row,
                )
            )
    return issues


def _link_photos(project: Project, batches: list[tuple[FileReport, Any]], *, dry_run: bool) -> None:
    """Attach photo records to the sheet rows that name them (by file name).

    A photo with no GPS fix takes the station and zone of the row naming it; a
    photo with a fix gives its position to rows naming it that have none.  A
    photo neither placed nor named is rejected as ``photo-unplaced``.
    """
    import pandas as pd

    sheet_obs = [nt.observations for r, tables in batches for _, nt in tables if r.format != "photos"]
    stored = project.store.read("observations") if project.store.count("observations") else None
    frames = [f for f in [*sheet_obs, stored] if f is not None and not f.empty]
    pool = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    named: dict[str, pd.Series] = {}
    if not pool.empty:
        with_photo = pool[pool["photo"].notna()]
        for name, rows in with_photo.groupby(with_photo["photo"].astype(str).map(lambda p: p.replace("\\", "/").rsplit("/", 1)[-1].casefold())):
            named[str(name)] = rows.iloc[0]
    for report, tables in batches:
        if report.format != "photos":
            continue
        for table, nt in tables:
            frame = table.frame
            photo_names = frame["__photo"].astype(str).map(lambda p: p.replace("\\", "/").rsplit("/", 1)[-1].casefold())
            rows_by_number = dict(zip(frame["__row"].astype(int), photo_names, strict=True))
            rescued = []
            for issue in list(nt.issues):
                if issue.level == "error" and issue.code in ("no-station", "no-answers") and issue.row in rows_by_number:
                    name = rows_by_number[issue.row]
                    if name in named:
                        nt.issues.remove(issue)
                        report.issues.remove(issue)
                        rescued.append((issue.row, named[name], frame.loc[frame["__row"].astype(int) == issue.row].iloc[0]))
                    elif issue.code == "no-station":
                        nt.issues.remove(issue)
                        report.issues.remove(issue)
                        new = Issue("photo-unplaced", "this photo has no GPS fix and no sheet row names it; name it in a sheet's photo column, or import it with --walk and a sheet", "error", file=issue.file, row=issue.row, column="photo", value=name)
                        nt.issues.append(new)
                        report.issues.append(new)
            if rescued:
                from walktool.normalize import OBSERVATION_COLUMNS, _hash

                extra = pd.DataFrame(
                    [
                        {
                            **dict.fromkeys(OBSERVATION_COLUMNS),
                            "obs_id": _hash(rec_["__submission"], "photo"),
                            "submission_id": rec_["__submission"],
                            "campaign": linked["campaign"], "walk_id": linked["walk_id"], "participant": None,
                            "station_id": linked["station_id"], "station_name": linked["station_name"],
                            "station_match": "photo-link", "station_confidence": 1.0, "zone": linked["zone"],
                            "period": linked["period"], "observed_at": linked["observed_at"], "local_time": linked["local_time"],
                            "protocol": linked["protocol"], "is_na": False, "is_problem": False,
                            "photo": rec_["__photo"], "location_source": "station", "format": "photos",
                            "source_file": Path(report.path).name, "source_row": row,
                        }
                        for row, linked, rec_ in rescued
                    ],
                    columns=OBSERVATION_COLUMNS,
                )
                nt.observations = pd.concat([nt.observations, extra], ignore_index=True)
                nt.accepted += len(rescued)
                nt.rejected -= len(rescued)
                report.accepted += len(rescued)
                report.rejected -= len(rescued)


def _store(
    project: Project,
    batches: list[tuple[FileReport, Any]],
    *,
    import_id: str,
    started: datetime,
    walk_id: str | None,
    walk_meta: dict[str, Any],
    campaign: str | None,
    progress: Progress | None,
) -> None:
    import pandas as pd

    from walktool import __version__

    store = project.store
    user = _user()
    cleared: set[tuple[str, str]] = set()
    with store.transaction():
        for n, (report, tables) in enumerate(batches, 1):
            assert report.checksum is not None
            report.stored_as = _copy_raw(project, Path(report.path), report.checksum, walk_id)
            if report.format in ROW_KEYED_FORMATS and (Path(report.path).name, report.format) not in cleared:
                # rows carry no stable id (a content hash): a newer export of the same sheet replaces the older one
                cleared.add((Path(report.path).name, report.format))
                store.delete("observations", {"source_file": Path(report.path).name, "format": report.format, **({"walk_id": walk_id} if walk_id else {})})
            obs = pd.concat([nt.observations for _, nt in tables], ignore_index=True) if tables else pd.DataFrame()
            if not obs.empty:
                obs = obs.assign(import_id=import_id)
                subs = sorted(set(obs["submission_id"].dropna()))
                for start in range(0, len(subs), 500):
                    store.delete("observations", {"submission_id": subs[start : start + 500]})
                chunk = 5000
                for start in range(0, len(obs), chunk):
                    store.upsert("observations", obs.iloc[start : start + chunk])
                    if progress:
                        progress(f"storing {Path(report.path).name}", min(start + chunk, len(obs)), len(obs))
            profiles = pd.concat([nt.participants for _, nt in tables], ignore_index=True) if tables else pd.DataFrame()
            if not profiles.empty:
                store.upsert("participants", profiles.drop_duplicates("participant", keep="last"))
            walks = pd.concat([nt.walks for _, nt in tables], ignore_index=True) if tables else pd.DataFrame()
            if not walks.empty:
                walks = walks.drop_duplicates("walk_id")
                if walk_id and walk_meta:
                    walks = _with_walk_meta(walks, walk_id, walk_meta)
                walks = walks.assign(protocol=f"{project.protocol().id}", source=report.stored_as)
                existing = store.read("walks", {"walk_id": list(walks["walk_id"])})
                if not existing.empty:
                    keep_cols = [c for c in existing.columns if c not in walks.columns or walks[c].isna().all()]
                    walks = walks.merge(existing[["walk_id", *[c for c in keep_cols if c != "walk_id"]]], on="walk_id", how="left") if len(keep_cols) > 1 else walks
                store.upsert("walks", walks)
            file_name = Path(report.path).name
            store.delete("issues", {"file": [report.path, file_name]})
            if report.issues:
                issues = pd.DataFrame([i.to_dict() for i in report.issues])
                issues["file"] = file_name
                issues["import_id"] = import_id
                issues["issue_id"] = [
                    hashlib.sha1(f"{report.checksum}|{k}".encode()).hexdigest()[:16] for k in range(len(issues))
                ]
                store.upsert("issues", issues)
            store.upsert(
                "imports",
                pd.DataFrame(
                    [
                        {
                            "import_id": f"{import_id}-{n}",
                            "at_utc": started.isoformat(timespec="seconds"),
                            "user": user,
                            "campaign": campaign,
                            "walk_id": walk_id,
                            "file": report.path,
                            "format": report.format,
                            "checksum": report.checksum,
                            "stored_as": report.stored_as,
                            "rows": report.rows,
                            "accepted": report.accepted,
                            "rejected": report.rejected,
                            "warnings": report.warnings,
                            "observations": report.observations,
                            "walktool_version": __version__,
                        }
                    ]
                ),
            )


def _with_walk_meta(walks: pd.DataFrame, walk_id: str, meta: dict[str, Any]) -> pd.DataFrame:
    route = meta.get("route")
    if isinstance(route, list):
        route = "; ".join(
            " ".join(str(v) for v in (r.values() if isinstance(r, dict) else [r])) for r in route
        )
    values = {
        "date": str(meta["date"]) if meta.get("date") else None,
        "start_time": str(meta["start_time"]) if meta.get("start_time") else None,
        "end_time": str(meta["end_time"]) if meta.get("end_time") else None,
        "facilitator": str(meta["facilitator"]) if meta.get("facilitator") else None,
        "route": route,
        "n_participants": int(meta["participants"]) if str(meta.get("participants", "")).isdigit() else None,
        "weather": str(meta["weather"]) if meta.get("weather") else None,
    }
    mask = walks["walk_id"].eq(walk_id)
    for k, v in values.items():
        walks.loc[mask, k] = v
    return walks


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
