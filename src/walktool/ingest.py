"""Importing field sheets into a project: read → normalise → place → store.

:func:`import_files` is what ``walktool import`` runs.  It keeps every raw file
as it came (copied into ``walks/`` with its SHA-256), logs the import, stores
observations, participants' pseudonymous profiles, walks, rejects and warnings,
and returns a report where, for every file, ``rows == accepted + rejected``.

Large files stream: each file is read once, then normalised and stored a chunk
of :data:`CHUNK_ROWS` records at a time, so that at any step only one copy of the
data is held (the raw table, plus the chunk being normalised and written).  All
writes of one import run in one transaction: an unexpected failure stores
nothing.

Re-importing the same file, or a newer export of the same submissions, updates
rather than duplicates: observations are keyed by the submission's stable id and
the item, and a submission's previous observations are replaced as a whole.

Photos are imported after the sheets of the same command, so that a photo with
no GPS fix (common underground) takes the station and zone of the sheet row that
names it, from this import or an earlier one.  When the photos came first, the
sheet imported later places them: a photo rejected as ``photo-unplaced`` that a
sheet row names is read again from its copy under ``walks/``, becomes the same
observation as if the sheet had come first, loses its ``photo-unplaced`` issue, and
the row naming it gets a ``photo-placed-later`` warning (the photos' import log is
left as it was: it counted the photo as rejected).  Photos that come inside a zip (an
ODK Central export's ``media/``, a KoboToolbox media attachments zip) are also kept
as files, under ``walks/<walk>/<zip name>-media/`` and ``walks/<walk>/<zip name>/``,
where the map and the report find them.

With ``--walk ID`` the walk file ``walks/ID/walk.yaml`` (docs/walk-format.md) is
read and checked against the sheets: observations dated outside the walk's day
(``outside-walk-date``) or time (``outside-walk-time``), at a station or zone not
on its route (``outside-walk-route``), and more participants than it had
(``too-many-participants``) are warnings.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError

if TYPE_CHECKING:
    import pandas as pd

    from walktool.columns import Role
    from walktool.normalize import Context, NormalizedTable
    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.readers import Format, Probe, RawTable
    from walktool.stations import StationLayer

Progress = Callable[[str, int, int], None]
# Formats whose records have no stable id (keyed by their content within the file): re-importing
# a file of the same name replaces its previous observations instead of adding changed rows as new.
ROW_KEYED_FORMATS = ("findings-table", "walktool-sheet")
CHUNK_ROWS = 2000  # records normalised at a time
STORE_ROWS = 25000  # observations written per store call
DELETE_BATCH = 5000  # submission ids per delete
WALK_TIME_GRACE_MIN = 15  # minutes tolerated before start_time and after end_time
# the walk context an unplaced photo takes from the sheet row naming it
_PHOTO_CONTEXT = ("campaign", "walk_id", "station_id", "station_name", "zone", "period", "observed_at", "local_time", "protocol")


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
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    else:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Walk files
# ---------------------------------------------------------------------------

WALK_KEYS = ("date", "start_time", "end_time", "facilitator", "route", "n_participants", "weather", "campaign")


def _yaml_loader() -> Any:
    """A safe YAML loader that keeps ``19:00`` a string (YAML 1.1 would read it as 1140, base 60)."""
    import yaml

    class WalkLoader(yaml.SafeLoader):
        pass

    int_tag = "tag:yaml.org,2002:int"
    WalkLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != int_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    WalkLoader.add_implicit_resolver(
        int_tag,
        re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
        list("-+0123456789"),
    )
    return WalkLoader


def load_walk_metadata(project: Project, walk_id: str) -> dict[str, Any]:
    """Read ``walks/<walk_id>/walk.yaml`` when it exists (docs/walk-format.md); ``{}`` otherwise.

    Raises
    ------
    WalktoolError
        When the file is not valid YAML or not a mapping.
    """
    import yaml

    path = project.walks_dir / walk_id / "walk.yaml"
    if not path.exists():
        return {}
    try:
        doc = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_yaml_loader()) or {}  # a SafeLoader
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML ({exc})"
        raise WalktoolError(msg) from exc
    if not isinstance(doc, dict):
        msg = f"{path}: a walk file is a mapping ({', '.join(WALK_KEYS)}); see docs/walk-format.md"
        raise WalktoolError(msg)
    return doc


@dataclass
class WalkPlan:
    """A walk's metadata from its walk file, ready to check observations against.

    Attributes
    ----------
    walk_id, path, meta
        The walk, its file and the file's content.
    day
        The walk's date, when given.
    start, end
        Start and end time of day, when given (``end < start`` crosses midnight).
    route
        Station id → zones visited there (None: any zone); None when the file has no route.
    route_text
        The route as stored in the walks table (``Berri-UQAM: platform, hall; McGill``).
    n_participants
        Number of participants, when given.
    problems
        Warnings about the walk file itself (route stations not found …).
    """

    walk_id: str
    path: Path
    meta: dict[str, Any]
    day: date | None = None
    start: time | None = None
    end: time | None = None
    route: dict[str, set[str] | None] | None = None
    route_text: str | None = None
    n_participants: int | None = None
    problems: list[Issue] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, project: Project, walk_id: str, layer: StationLayer, protocol: Protocol, tz: str) -> WalkPlan | None:
        """Read and check ``walks/<walk_id>/walk.yaml``; None when there is none.

        Raises
        ------
        WalktoolError
            When a key holds a value walktool cannot use (the message says which and how to write it).
        """
        from walktool.stations import StationMatcher
        from walktool.values import parse_date, parse_time_of_day

        meta = load_walk_metadata(project, walk_id)
        if not meta:
            return None
        path = project.walks_dir / walk_id / "walk.yaml"
        plan = cls(walk_id, path, meta)

        def bad(key: str, expected: str) -> WalktoolError:
            return WalktoolError(f"{path}: {key}: {meta[key]!r} is not {expected}; see docs/walk-format.md")

        if meta.get("date") not in (None, ""):
            plan.day = parse_date(str(meta["date"]), tz)
            if plan.day is None:
                raise bad("date", "a date (write it as 2023-11-14)")
        for key in ("start_time", "end_time"):
            if meta.get(key) not in (None, ""):
                parsed = parse_time_of_day(str(meta[key]))
                if parsed is None:
                    raise bad(key, "a time of day (write it as '19:30' or 19h30)")
                setattr(plan, key.split("_")[0], parsed)
        count = meta.get("n_participants", meta.get("participants"))
        if count not in (None, ""):
            if isinstance(count, bool) or not str(count).strip().isdigit():
                key = "n_participants" if "n_participants" in meta else "participants"
                raise bad(key, "a whole number of participants")
            plan.n_participants = int(str(count).strip())
        route = meta.get("route")
        if route not in (None, "", []):
            if not isinstance(route, list):
                raise bad("route", "a list of stops (- station: Berri-UQAM, zones: [platform, hall])")
            matcher = StationMatcher(layer.stations)
            plan.route = {}
            shown: list[str] = []
            for n, stop in enumerate(route, 1):
                if isinstance(stop, dict):
                    name = stop.get("station")
                    zones_raw = stop.get("zones", stop.get("zone"))
                else:
                    name, zones_raw = stop, None
                if not isinstance(name, str | int | float) or not str(name).strip():
                    msg = f"{path}: route stop {n} names no station; write '- station: Berri-UQAM' (zones optional)"
                    raise WalktoolError(msg)
                match = matcher.match(str(name))
                if match is None:
                    plan.problems.append(
                        Issue(
                            "walk-route-unknown-station",
                            f"{path.name}: route stop {n} names {str(name)!r}, which is not a station of the layer"
                            f" (closest: {', '.join(matcher.suggestions(str(name)))}); fix the walk file",
                            "warning",
                            column="route",
                            value=str(name),
                        )
                    )
                    continue
                zones: set[str] | None = None
                if zones_raw not in (None, "", []):
                    zones = set()
                    for z in zones_raw if isinstance(zones_raw, list) else str(zones_raw).split(","):
                        zone = protocol.zones.match(str(z).strip())
                        if zone is None:
                            plan.problems.append(
                                Issue(
                                    "walk-route-unknown-zone",
                                    f"{path.name}: route stop {n} ({match.name}): zone {str(z)!r} not understood; use one of"
                                    f" {', '.join(c.value for c in protocol.zones.choices)}",
                                    "warning",
                                    column="route",
                                    value=str(z),
                                )
                            )
                        else:
                            zones.add(zone)
                if match.station_id in plan.route:
                    prev = plan.route[match.station_id]
                    plan.route[match.station_id] = None if prev is None or zones is None else prev | zones
                else:
                    plan.route[match.station_id] = zones
                shown.append(match.name + (f": {', '.join(sorted(zones))}" if zones else ""))
            plan.route_text = "; ".join(shown) or None
        return plan

    def walk_row(self) -> dict[str, Any]:
        """The walk file's values for the walks table."""
        meta = self.meta
        return {
            "date": self.day.isoformat() if self.day else None,
            "start_time": self.start.strftime("%H:%M") if self.start else None,
            "end_time": self.end.strftime("%H:%M") if self.end else None,
            "facilitator": str(meta["facilitator"]) if meta.get("facilitator") else None,
            "route": self.route_text,
            "n_participants": self.n_participants,
            "weather": str(meta["weather"]) if meta.get("weather") else None,
        }

    def check(self, obs: pd.DataFrame, timed: Any, file: str, station_column: str = "station") -> list[Issue]:
        """Warnings for observations outside the walk's day, time window or route.

        Parameters
        ----------
        obs
            Observations (one normalised chunk).
        timed
            Boolean array aligned with ``obs``: the time has a time of day (not a date alone).
        file
            The sheet, for the issues.
        """
        import numpy as np
        import pandas as pd

        if obs.empty:
            return []
        self.participants.update(obs["participant"].dropna().astype(str))
        local = obs["local_time"].astype(object)
        has_time = local.notna().to_numpy()
        text = local.fillna("").astype(str)
        flagged: list[tuple[str, pd.Series, Callable[[int], str]]] = []
        wraps = self.start is not None and self.end is not None and self.end < self.start
        if self.day is not None:
            allowed = {self.day.isoformat()} | ({(self.day + timedelta(days=1)).isoformat()} if wraps else set())
            off_day = has_time & ~text.str[:10].isin(allowed).to_numpy()
            flagged.append(
                (
                    "outside-walk-date",
                    pd.Series(off_day, index=obs.index),
                    lambda i: f"observed on another day than walk {self.walk_id!r} ({self.day}); check the date or the --walk",
                )
            )
        else:
            off_day = np.zeros(len(obs), dtype=bool)
        if self.start is not None or self.end is not None:
            hours = pd.to_numeric(text.str[11:13], errors="coerce")
            minutes = hours * 60 + pd.to_numeric(text.str[14:16], errors="coerce")
            start = self.start.hour * 60 + self.start.minute - WALK_TIME_GRACE_MIN if self.start else None
            end = self.end.hour * 60 + self.end.minute + WALK_TIME_GRACE_MIN if self.end else None
            if start is not None and end is not None and wraps:
                inside = (minutes >= start) | (minutes <= end)
            else:
                inside = pd.Series(True, index=obs.index)
                if start is not None:
                    inside &= minutes >= start
                if end is not None:
                    inside &= minutes <= end
            timed_arr = np.asarray(timed, dtype=bool) if timed is not None else np.ones(len(obs), dtype=bool)
            off_time = has_time & timed_arr & ~off_day & ~inside.fillna(True).to_numpy(dtype=bool)
            window = f"{self.start.strftime('%H:%M') if self.start else '…'}–{self.end.strftime('%H:%M') if self.end else '…'}"
            flagged.append(
                (
                    "outside-walk-time",
                    pd.Series(off_time, index=obs.index),
                    lambda i: f"observed at {text.iat[i][11:16]}, outside walk {self.walk_id!r}'s time ({window}); check the time or the --walk",
                )
            )
        if self.route is not None:
            route = self.route
            station = obs["station_id"].astype(object)
            zone = obs["zone"].astype(object)
            off_station = station.notna() & ~station.isin(list(route))
            zone_ok = [
                z is None or z != z or sid not in route or route[sid] is None or z in route[sid]  # type: ignore[operator]
                for sid, z in zip(station.tolist(), zone.tolist(), strict=True)
            ]
            off_zone = ~off_station & ~pd.Series(zone_ok, index=obs.index, dtype=bool)
            names = obs["station_name"].astype(object)

            def route_message(i: int) -> str:
                if off_station.iat[i]:
                    return f"{names.iat[i]} is not on the route of walk {self.walk_id!r} ({self.route_text}); check the station or the walk file's route"
                return f"zone {zone.iat[i]} of {names.iat[i]} is not on the route of walk {self.walk_id!r} ({self.route_text}); check the zone or the walk file's route"

            flagged.append(("outside-walk-route", off_station | off_zone, route_message))
        issues: list[Issue] = []
        sheets = obs["source_sheet"].astype(object)
        rows = obs["source_row"]
        for code, mask, message in flagged:
            seen: set[tuple[Any, Any]] = set()
            for pos in np.flatnonzero(mask.to_numpy(dtype=bool)):
                key = (sheets.iat[pos], rows.iat[pos])
                if key in seen:
                    continue
                seen.add(key)
                sheet = sheets.iat[pos]
                row = rows.iat[pos]
                issues.append(
                    Issue(
                        code,
                        message(int(pos)),
                        "warning",
                        file=file,
                        sheet=sheet if isinstance(sheet, str) and sheet else None,
                        row=None if row is None or row != row else int(row),
                        column=station_column if code == "outside-walk-route" else None,
                    )
                )
        return issues

    def participant_issue(self, stored: set[str]) -> Issue | None:
        """A warning when the sheets name more participants than the walk had."""
        if self.n_participants is None:
            return None
        seen = len(self.participants | stored)
        if seen <= self.n_participants:
            return None
        return Issue(
            "too-many-participants",
            f"the sheets of walk {self.walk_id!r} name {seen} distinct participants but its walk file says"
            f" n_participants: {self.n_participants}; check the observer names (a typo makes a new participant)"
            " or the walk file",
            "warning",
            column="observer",
            value=str(seen),
        )


# ---------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------


def photo_key(value: str) -> str:
    """How a photo is matched to a sheet row: its file name, case-insensitive."""
    return value.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()


class _PhotoIndex:
    """The walk context of sheet rows that name a photo: this import's first, then stored ones."""

    def __init__(self, project: Project, *, use_store: bool) -> None:
        self.project = project
        self.use_store = use_store
        self.named: dict[str, dict[str, Any]] = {}
        self._stored: dict[str, dict[str, Any]] | None = None

    def add(self, obs: pd.DataFrame) -> None:
        """Remember the rows of a sheet chunk that name a photo (small: only the context columns)."""
        if obs.empty:
            return
        with_photo = obs.loc[obs["photo"].notna(), ["photo", *_PHOTO_CONTEXT]]
        if with_photo.empty:
            return
        with_photo = with_photo.drop_duplicates("photo")  # a record's photo is on each of its observations
        keys = with_photo["photo"].astype(str).map(photo_key)
        first = with_photo.assign(_key=keys.to_numpy()).drop_duplicates("_key")
        for rec in first.to_dict("records"):
            self.named.setdefault(str(rec.pop("_key")), rec)

    def _load_stored(self) -> dict[str, dict[str, Any]]:
        if self._stored is None:
            self._stored = {}
            store = self.project.store
            if self.use_store and store.count("observations"):
                stored = store.read("observations")
                stored = stored.loc[stored["photo"].notna() & stored["format"].ne("photos"), ["photo", *_PHOTO_CONTEXT]]
                self._stored = {}
                for rec in stored.to_dict("records"):
                    self._stored.setdefault(photo_key(str(rec["photo"])), rec)
        return self._stored

    def lookup(self, name: str) -> dict[str, Any] | None:
        """The context of the first sheet row naming ``name`` (a photo key), or None."""
        return self.named.get(name) or self._load_stored().get(name)


def _photo_observation(linked: dict[str, Any], photo: str, submission: str, source_file: str, row: int | None) -> dict[str, Any]:
    """The observation of a photo placed by the sheet row naming it (``linked``: that row's walk context)."""
    from walktool.normalize import OBSERVATION_COLUMNS, _hash

    return {
        **dict.fromkeys(OBSERVATION_COLUMNS),
        **{k: linked.get(k) for k in _PHOTO_CONTEXT},
        "obs_id": _hash(submission, "photo"),
        "submission_id": submission,
        "participant": None,
        "station_match": "photo-link",
        "station_confidence": 1.0,
        "is_na": False,
        "is_problem": False,
        "photo": photo,
        "location_source": "station",
        "format": "photos",
        "source_file": source_file,
        "source_row": row,
    }


def _link_photos(nt: NormalizedTable, part: RawTable, index: _PhotoIndex, source_file: str) -> None:
    """Give photos without a position the station and zone of the sheet row naming them.

    A photo that no station could be found for (no GPS fix, common underground)
    becomes an observation at the station, zone and time of the first sheet row
    whose photo column names the same file; one no row names is rejected as
    ``photo-unplaced`` (until a sheet naming it is imported: :meth:`_Run._place_late`).
    """
    import numpy as np
    import pandas as pd

    from walktool.normalize import OBSERVATION_COLUMNS

    frame = part.frame
    by_row = {
        int(r): (str(p), str(s))
        for r, p, s in zip(frame["__row"].tolist(), frame["__photo"].tolist(), frame["__submission"].tolist(), strict=True)
    }
    kept: list[Issue] = []
    rescued: list[dict[str, Any]] = []
    for issue in nt.issues:
        if not (issue.level == "error" and issue.code in ("no-station", "no-answers") and issue.row in by_row):
            kept.append(issue)
            continue
        photo, submission = by_row[issue.row]
        name = photo_key(photo)
        linked = index.lookup(name)
        if linked is not None:
            rescued.append(_photo_observation(linked, photo, submission, source_file, issue.row))
        elif issue.code == "no-station":
            kept.append(
                Issue(
                    "photo-unplaced",
                    "this photo has no GPS fix and no sheet row names it; write its file name in a sheet's photo"
                    " column and import the sheet (it places the photo, even after it)",
                    "error",
                    file=issue.file,
                    row=issue.row,
                    column="photo",
                    value=photo,
                )
            )
        else:
            kept.append(issue)
    nt.issues = kept
    if rescued:
        extra = pd.DataFrame(rescued, columns=OBSERVATION_COLUMNS)
        nt.observations = pd.concat([nt.observations, extra], ignore_index=True) if len(nt.observations) else extra
        timed = nt.timed if nt.timed is not None else np.zeros(0, dtype=bool)
        nt.timed = np.concatenate([np.asarray(timed, dtype=bool), np.zeros(len(extra), dtype=bool)])
        nt.accepted += len(rescued)
        nt.rejected -= len(rescued)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def _copy_raw(project: Project, path: Path, checksum: str, walk_id: str | None, companions: Sequence[Path] = ()) -> str:
    """Copy a raw file into walks/ (once per content); return its path relative to the project.

    ``companions`` (an ODK root CSV's repeat files ``<stem>-<repeat>.csv``) are copied
    beside it under the same stem, so that the copy can be read again as it was.
    """
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
    for companion in companions:
        copy = target.with_name(target.stem + companion.name[len(path.stem) :])
        try:
            same = copy.resolve() == companion.resolve()
        except OSError:
            same = False
        if not same and (not copy.exists() or sha256_of(copy) != sha256_of(companion)):
            shutil.copy2(companion, copy)
    return str(target.relative_to(project.root))


def _copy_media(project: Project, root: Path, walk_id: str | None, name: str) -> int:
    """Copy the photos under ``root`` (extracted from an export zip) to ``walks/<walk>/<name>/``; return how many were new.

    Their folders inside the zip are kept.  A photo already there with the same
    content is not copied again; a different file never overwrites it: the copy
    takes the content's checksum as a suffix (like :func:`_copy_raw`).
    """
    from walktool.readers._base import IMAGE_SUFFIXES

    name = name.strip(". ") or "photos"
    dest = project.walks_dir / (walk_id or "imported") / name
    copied = 0
    for src in sorted(root.rglob("*")):
        if src.suffix.lower() not in IMAGE_SUFFIXES or src.is_symlink() or not src.is_file():
            continue
        target = dest / src.relative_to(root)
        if target.exists():
            checksum = sha256_of(src)
            if target.is_file() and sha256_of(target) == checksum:
                continue
            target = target.with_name(f"{target.stem}-{checksum[:8]}{target.suffix}")
            if target.is_file() and sha256_of(target) == checksum:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        copied += 1
    return copied


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
        One :class:`FileReport` per path, in the order given.

    Raises
    ------
    WalktoolError
        When the mapping or the walk file cannot be used (files that cannot be
        read are reported in their :class:`FileReport` instead).
    """
    from walktool.columns import load_mapping
    from walktool.errors import SheetFormatError
    from walktool.normalize import Context
    from walktool.readers import RepeatFileError, detect_format, get_format
    from walktool.readers._base import Probe
    from walktool.stations import load_stations

    protocol = project.protocol()
    layer = load_stations(project)
    mapping_obj = load_mapping(mapping, protocol)[0] if mapping else None
    settings = project.settings
    walk = WalkPlan.load(project, walk_id, layer, protocol, settings.timezone) if walk_id else None
    campaign = campaign or (str(walk.meta["campaign"]) if walk and walk.meta.get("campaign") else None)
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
    jobs: list[tuple[FileReport, Path, Format, Probe]] = []
    repeat_files: list[tuple[FileReport, RepeatFileError]] = []
    for raw_path in paths:
        path = Path(raw_path)
        report = FileReport(str(raw_path), None)
        reports.append(report)
        try:
            probe = Probe(path)
            format_ = get_format(fmt) if fmt and fmt != "auto" else detect_format(path, probe)
            if not path.exists():
                msg = f"{path}: no such file or folder"
                raise SheetFormatError(msg)
        except RepeatFileError as exc:
            repeat_files.append((report, exc))
            continue
        except (SheetFormatError, OSError) as exc:
            _failed(report, exc)
            continue
        jobs.append((report, path, format_, probe))
    _settle_repeat_files(repeat_files, [job[1] for job in jobs])
    # sheets first: a photo without GPS is placed by the sheet row naming it
    jobs.sort(key=lambda job: job[2].name == "photos")
    run = _Run(
        project, ctx, protocol, walk, import_id=import_id, started=started, dry_run=dry_run, progress=progress,
        incoming=[job[1].name for job in jobs],
    )
    with nullcontext() if dry_run else project.store.transaction():
        for n, job in enumerate(jobs):
            run.file(*job, n=n, total=len(jobs))
        run.finish()
    if progress:
        progress("done", len(jobs), len(jobs))
    return ImportResult(reports, dry_run=dry_run, import_id=None if dry_run else import_id)


def _settle_repeat_files(repeat_files: list[tuple[FileReport, Any]], main_paths: list[Path]) -> None:
    """A repeat file is an error on its own, but only a note when its main CSV is imported too (it brings it along)."""
    imported = set()
    for p in main_paths:
        try:
            imported.add(p.resolve())
        except OSError:
            continue
    for report, exc in repeat_files:
        main = exc.main
        if main is not None and main.resolve() in imported:
            report.format = exc.format
            report.issues.append(
                Issue(
                    "repeat-file-joined",
                    f"repeat file read with its main CSV {main.name} (its rows are counted there)",
                    "warning",
                    file=report.path,
                )
            )
        else:
            _failed(report, exc)


def _failed(report: FileReport, exc: Exception) -> None:
    report.error = str(exc)
    report.issues.append(Issue("unreadable-file", str(exc), "error", file=report.path))


def _chunks(table: RawTable) -> Iterator[tuple[RawTable, int, int]]:
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


class _Run:
    """One import: files are read, normalised and stored one chunk at a time."""

    def __init__(
        self,
        project: Project,
        ctx: Context,
        protocol: Protocol,
        walk: WalkPlan | None,
        *,
        import_id: str,
        started: datetime,
        dry_run: bool,
        progress: Progress | None,
        incoming: Sequence[str] = (),
    ) -> None:
        self.project = project
        self.store = project.store
        self.ctx = ctx
        self.protocol = protocol
        self.walk = walk
        self.import_id = import_id
        self.started = started
        self.dry_run = dry_run
        self.progress = progress
        self.photos = _PhotoIndex(project, use_store=True)
        self.done: list[FileReport] = []
        self.cleared: set[tuple[str, str]] = set()
        # file names of this import: their earlier issues are replaced, their photos placed, by this import
        self.incoming = set(incoming)
        self.resolved: set[str] = set()  # photo-unplaced issues placed by a sheet of this import
        self._log: pd.DataFrame | None = None
        self._kept: dict[str, list[Path]] | None = None
        # submissions with stored observations: only those need deleting before an update
        self.present: set[str] = set()
        if not dry_run and self.store.count("observations"):
            self.present = {str(s) for s in self.store.distinct("observations", "submission_id")}

    def file(self, report: FileReport, path: Path, format_: Format, probe: Probe, *, n: int, total: int) -> None:
        """Read, normalise and store one file, recording what happened in ``report``."""
        from walktool.columns import plan_summary
        from walktool.errors import SheetFormatError
        from walktool.normalize import normalize_table
        from walktool.readers import companion_files

        if self.progress:
            self.progress(f"reading {path.name}", n, total)
        try:
            tables = format_.read(probe)
        except (SheetFormatError, OSError) as exc:
            _failed(report, exc)
            return
        report.format = format_.name
        report.checksum = sha256_of(path)
        self.done.append(report)
        store = self.store
        storing = not self.dry_run
        walk_id = self.ctx.walk_id
        if storing:
            report.stored_as = _copy_raw(self.project, path, report.checksum, walk_id, companion_files(format_.name, path))
            media_root = next((t.media_root for t in tables if t.media_root is not None), None)
            if media_root is not None and not probe.is_dir and probe.zip_names:
                # photos that came inside a zip: kept as files under walks/, where the map and the report look
                folder = path.stem if format_.name == "photos" else f"{path.stem}-media"
                _copy_media(self.project, media_root, walk_id, folder)
            key = (path.name, format_.name)
            if format_.name in ROW_KEYED_FORMATS and key not in self.cleared:
                # rows carry no stable id (a content hash): a newer export of the same sheet replaces the older one
                self.cleared.add(key)
                store.delete("observations", {"source_file": path.name, "format": format_.name, **({"walk_id": walk_id} if walk_id else {})})
        plan: dict[str, Role] = {}
        named: dict[str, dict[str, Any]] = {}  # photo key → the first row of this file naming it
        written: set[str] = set()
        profiles: list[pd.DataFrame] = []
        walks: list[pd.DataFrame] = []
        size = sum(len(t.frame) for t in tables)
        offset = 0
        if self.progress:
            self.progress(f"importing {path.name}", 0, size)
        while tables:
            table = tables.pop(0)
            if format_.name in ROW_KEYED_FORMATS and "__submission" in table.frame.columns:
                # content ids are per file: identical rows of two different sheets are two observations
                table.frame["__submission"] = path.name + "|" + table.frame["__submission"].astype(str)
            for part, done, _ in _chunks(table):
                nt = normalize_table(part, self.ctx)
                if format_.name == "photos":
                    _link_photos(nt, part, self.photos, path.name)
                else:
                    self.photos.add(nt.observations)
                    _naming_rows(nt.observations, named)
                plan.update(nt.plan)
                report.rows += nt.rows
                report.accepted += nt.accepted
                report.rejected += nt.rejected
                report.observations += len(nt.observations)
                report.issues.extend(nt.issues)
                if self.walk is not None:
                    station_column = next((h for h, r in nt.plan.items() if r.kind == "context" and r.target == "station"), "station")
                    report.issues.extend(self.walk.check(nt.observations, nt.timed, report.path, station_column))
                if storing:
                    self._store_observations(nt.observations, written)
                if not nt.participants.empty:
                    profiles.append(nt.participants)
                if not nt.walks.empty:
                    walks.append(nt.walks)
                del nt, part
                if self.progress:
                    self.progress(f"importing {path.name}", offset + done, size)
            offset += len(table.frame)
            del table
        report.columns = plan_summary(plan)
        if named:
            self._place_late(report, named)
        if storing:
            self._store_people(report, profiles, walks)

    # -- photos imported before the sheet naming them -------------------------------------

    def _place_late(self, report: FileReport, named: dict[str, dict[str, Any]]) -> None:
        """Place the photos imported earlier without a position that this sheet's rows name.

        A photo rejected as ``photo-unplaced`` by an earlier import (its folder or zip
        imported before the sheet) is read again from the copy kept under ``walks/``
        and becomes the observation :func:`_link_photos` would have made (same id: a
        later import of the photos updates it); its ``photo-unplaced`` issue is
        removed.  The earlier import's log is left as it was (it counts the photo as
        rejected, which it was); the sheet row naming the photo gets a
        ``photo-placed-later`` warning saying so.  Photos this sheet placed in an
        earlier import of it are placed again (its row may have been corrected) and
        keep their warning, so that importing the sheet again changes nothing.
        """
        import pandas as pd

        from walktool.normalize import OBSERVATION_COLUMNS
        from walktool.readers.photos import photo_submission

        store = self.store
        # (naming row, photo, photo file, photo row, submission, photo-unplaced issue id)
        placed: list[tuple[dict[str, Any], str, str, int | None, str, str | None]] = []
        if store.count("issues", {"code": "photo-unplaced"}):
            for rec in store.read("issues", {"code": "photo-unplaced"}).to_dict("records"):
                file, issue_id = _text(rec["file"]), str(rec["issue_id"])
                photo = _text(rec["value"]) or file
                if not file or not photo or file in self.incoming or issue_id in self.resolved:
                    continue
                naming = named.get(photo_key(photo))
                if naming is None:
                    continue
                kept = self._kept_photo(file, photo, _text(rec["import_id"]))
                if kept is None:
                    report.issues.append(
                        Issue(
                            "photo-file-missing",
                            f"this row names photo {photo}, imported earlier from {file} without a GPS fix, but its copy"
                            " kept under walks/ is missing: it stays unplaced; import the photo again",
                            "warning",
                            file=report.path,
                            sheet=_text(naming.get("source_sheet")),
                            row=_row(naming.get("source_row")),
                            column="photo",
                            value=photo,
                        )
                    )
                    continue
                self.resolved.add(issue_id)
                placed.append((naming, photo, file, _row(rec["row"]), photo_submission(kept, photo), issue_id))
        placed.extend(self._placed_before(report, named))
        if not placed:
            return
        placed.sort(key=lambda p: (_row(p[0].get("source_row")) or 0, p[1].casefold(), p[2], p[3] or 0, p[4]))
        records: dict[str, dict[str, Any]] = {}
        for naming, photo, file, row, submission, _ in placed:
            rec = _photo_observation(naming, photo, submission, file, row)
            if rec["obs_id"] in records:
                continue
            records[rec["obs_id"]] = rec
            where = ", ".join(str(v) for v in (naming.get("station_name"), naming.get("zone")) if _text(v))
            report.issues.append(
                Issue(
                    "photo-placed-later",
                    f"this row names photo {photo} (row {row} of {file}, imported earlier without a GPS fix and rejected"
                    f" there as photo-unplaced): it is now placed at {where or 'this row'}; that import's log still"
                    f" counts it as rejected, importing {file} again counts it as accepted",
                    "warning",
                    file=report.path,
                    sheet=_text(naming.get("source_sheet")),
                    row=_row(naming.get("source_row")),
                    column="photo",
                    value=photo,
                )
            )
        if self.dry_run:
            return
        self._store_observations(pd.DataFrame(list(records.values()), columns=OBSERVATION_COLUMNS), set())
        resolved = sorted({p[5] for p in placed if p[5] is not None})
        if resolved:
            store.delete("issues", {"issue_id": resolved})

    def _placed_before(
        self, report: FileReport, named: dict[str, dict[str, Any]]
    ) -> list[tuple[dict[str, Any], str, str, int | None, str, str | None]]:
        """The photos an earlier import of this sheet placed late (their observation carries its import id)."""
        log = self._import_log()
        ids = _earlier_import_ids(log, report.path, self.ctx.walk_id)
        if not ids:
            return []
        obs = self.store.read("observations", {"import_id": ids, "format": "photos", "station_match": "photo-link"})
        out: list[tuple[dict[str, Any], str, str, int | None, str, str | None]] = []
        for rec in obs.to_dict("records"):
            file, photo, submission = _text(rec["source_file"]), _text(rec["photo"]), _text(rec["submission_id"])
            if not file or not photo or not submission or file in self.incoming:
                continue
            naming = named.get(photo_key(photo))
            # a photo imported together with the sheet was placed by its own import, not later
            if naming is None or _imported_in(log, str(rec["import_id"]), file):
                continue
            out.append((naming, photo, file, _row(rec["source_row"]), submission, None))
        return out

    def _import_log(self) -> pd.DataFrame:
        """The imports table as it was before this import (it is written by :meth:`finish`)."""
        if self._log is None:
            self._log = self.store.read("imports")
        return self._log

    def _kept_photo(self, file: str, photo: str, import_id: str | None) -> Path | None:
        """The copy under ``walks/`` of photo ``photo`` of ``file`` (imported by ``import_id``), or None.

        Looked for where that import kept it (its ``stored_as``: the folder, the
        photo itself, or the folder a zip's photos were copied to), then anywhere
        under ``walks/`` by file name (the one whose path ends as the photo's first).
        """
        walks = self.project.walks_dir
        rel = photo.replace("\\", "/").strip("/")
        key = photo_key(rel)
        candidates: list[Path] = []
        log = self._import_log()
        if import_id and not log.empty:
            names = log["file"].astype(str).map(lambda f: Path(f).name)
            rows = log[log["import_id"].astype(str).str.startswith(import_id + "-") & names.eq(file)]
            for stored_as in rows["stored_as"].dropna().astype(str):
                kept = self.project.root / stored_as
                if kept.is_dir():
                    candidates.append(kept / rel)
                elif kept.suffix.lower() == ".zip":  # its photos were copied by _copy_media
                    candidates.append(kept.parent / (Path(file).stem.strip(". ") or "photos") / rel)
                else:
                    candidates.append(kept)
        found = next((c for c in candidates if _inside(c, walks)), None)
        if found is not None:
            return found
        tail = "/" + rel.casefold()
        for cand in sorted(self._kept_photos().get(key, []), key=lambda p: (not p.as_posix().casefold().endswith(tail), p.as_posix())):
            if _inside(cand, walks):
                return cand
        return None

    def _kept_photos(self) -> dict[str, list[Path]]:
        """Photos under ``walks/`` by photo key (listed once, when a kept photo is not where its import put it)."""
        from walktool.readers._base import IMAGE_SUFFIXES

        if self._kept is None:
            self._kept = {}
            for p in sorted(self.project.walks_dir.rglob("*")):
                if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file():
                    self._kept.setdefault(photo_key(p.name), []).append(p)
        return self._kept

    def _store_observations(self, obs: pd.DataFrame, written: set[str]) -> None:
        """Write one chunk's observations, replacing older versions of its submissions."""
        import pandas as pd

        if obs.empty:
            return
        obs["import_id"] = self.import_id
        subs = [str(s) for s in pd.unique(obs["submission_id"].dropna())]
        stale = [s for s in subs if s in self.present and s not in written]
        # each delete scans the table: few, large batches (SQLite >= 3.32 takes 32,766 parameters)
        for start in range(0, len(stale), DELETE_BATCH):
            self.store.delete("observations", {"submission_id": stale[start : start + DELETE_BATCH]})
        written.update(subs)
        self.present.update(subs)
        for start in range(0, len(obs), STORE_ROWS):
            self.store.upsert("observations", obs.iloc[start : start + STORE_ROWS])

    def _store_people(self, report: FileReport, profiles: list[pd.DataFrame], walks_parts: list[pd.DataFrame]) -> None:
        """Participants' profiles and the file's walks (small: one row per person or walk)."""
        import pandas as pd

        from walktool.normalize import summarize_walks

        store = self.store
        if profiles:
            people = pd.concat(profiles, ignore_index=True).drop_duplicates("participant", keep="last").set_index("participant")
            known = store.read("participants", {"participant": list(people.index)})
            if not known.empty:  # a file without profile columns never erases a profile given before
                people = people.combine_first(known.set_index("participant")[[c for c in known.columns if c != "participant"]])
            store.upsert("participants", people.reset_index())
        if not walks_parts:
            return
        # what the sheets say (date, times, facilitator, weather), then the walk file, which wins
        walks = summarize_walks(pd.concat(walks_parts, ignore_index=True)).set_index("walk_id")
        if self.walk is not None and self.walk.walk_id in walks.index:
            for k, v in self.walk.walk_row().items():
                if v is not None:
                    walks[k] = walks[k].astype(object) if k in walks.columns else None
                    walks.loc[self.walk.walk_id, k] = v
        walks["protocol"] = f"{self.protocol.id}"
        walks["source"] = report.stored_as
        existing = store.read("walks", {"walk_id": list(walks.index)})
        if not existing.empty:
            # what the walk already has and this file does not say is kept
            walks = walks.astype(object).combine_first(existing.set_index("walk_id").astype(object))
        store.upsert("walks", walks.reset_index())

    def finish(self) -> None:
        """Walk-level checks, then the issues and the import log of every file read."""
        import pandas as pd

        from walktool import __version__

        walk = self.walk
        if walk is not None and self.done:
            first = self.done[0]
            first.issues.extend(Issue(**{**i.to_dict(), "file": first.path}) for i in walk.problems)
            stored: set[str] = set()
            if self.store.count("observations", {"walk_id": walk.walk_id}):
                # earlier imports of the walk (and, when storing, this one's rows, already written)
                stored = set(self.store.read("observations", {"walk_id": walk.walk_id})["participant"].dropna().astype(str))
            extra = walk.participant_issue(stored)
            if extra is not None:
                target = next((r for r in self.done if r.observations), first)
                target.issues.append(Issue(**{**extra.to_dict(), "file": target.path}))
        if self.dry_run:
            return
        store = self.store
        user = _user()
        for n, report in enumerate(self.done, 1):
            file_name = Path(report.path).name
            # the issues of earlier imports of this file into the same walk are replaced; a file of
            # the same name in another walk keeps its own
            earlier = store.read("imports", {"file": [report.path, file_name]})
            ids = _earlier_import_ids(earlier, report.path, self.ctx.walk_id)
            if ids:
                store.delete("issues", {"file": [report.path, file_name], "import_id": ids})
            if report.issues:
                issues = pd.DataFrame([i.to_dict() for i in report.issues])
                issues["file"] = file_name
                issues["import_id"] = self.import_id
                issues["issue_id"] = [
                    hashlib.sha1(f"{report.checksum}|{k}".encode()).hexdigest()[:16] for k in range(len(issues))
                ]
                store.upsert("issues", issues)
            store.upsert(
                "imports",
                pd.DataFrame(
                    [
                        {
                            "import_id": f"{self.import_id}-{n}",
                            "at_utc": self.started.isoformat(timespec="seconds"),
                            "user": user,
                            "campaign": self.ctx.campaign,
                            "walk_id": self.ctx.walk_id,
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


def _earlier_import_ids(log: pd.DataFrame, path: str, walk_id: str | None) -> list[str]:
    """The ids of the earlier imports (in the import log ``log``) of file ``path`` into the same walk.

    Both the log's own ids (``<import>-<n>``) and their import's id (which issues and
    observations carry) are given.
    """
    if log.empty:
        return []
    files = log["file"].astype(str)
    earlier = log[files.eq(path) | files.eq(Path(path).name)]
    same_walk = earlier["walk_id"].isna() if walk_id is None else earlier["walk_id"].eq(walk_id)
    ids = earlier.loc[same_walk, "import_id"].astype(str)
    return sorted({i.rsplit("-", 1)[0] for i in ids} | set(ids))


def _imported_in(log: pd.DataFrame, import_id: str, file: str) -> bool:
    """Whether import ``import_id`` read a file named ``file``."""
    if log.empty:
        return False
    names = log["file"].astype(str).map(lambda f: Path(f).name)
    return bool((log["import_id"].astype(str).str.startswith(import_id + "-") & names.eq(file)).any())


def _naming_rows(obs: pd.DataFrame, into: dict[str, dict[str, Any]]) -> None:
    """Remember, by photo key, the first row of ``obs`` naming each photo: its walk context and where it is."""
    if obs.empty:
        return
    rows = obs.loc[obs["photo"].notna(), ["photo", *_PHOTO_CONTEXT, "source_sheet", "source_row"]].drop_duplicates("photo")
    for rec in rows.to_dict("records"):
        into.setdefault(photo_key(str(rec["photo"])), rec)


def _inside(path: Path, folder: Path) -> bool:
    """An existing file under ``folder`` (a value read from the store never leads outside the project)."""
    try:
        return path.is_file() and path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _text(value: Any) -> str | None:
    """A stored text cell, or None when empty or missing."""
    if value is None or value != value:
        return None
    text = str(value).strip()
    return text or None


def _row(value: Any) -> int | None:
    """A stored row number, or None."""
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
