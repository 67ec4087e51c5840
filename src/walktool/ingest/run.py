"""One import run: files are read, normalised and stored one chunk at a time.

Large files stream: each file is read once, then normalised and stored a chunk
of :data:`CHUNK_ROWS` records at a time, so that at any step only one copy of the
data is held (the raw table, plus the chunk being normalised and written).

Re-importing the same file, or a newer export of the same submissions, updates
rather than duplicates: observations are keyed by the submission's stable id and
the item, and a submission's previous observations are replaced as a whole.

When photos came before the sheet naming them, the sheet imported later places
them (:meth:`ImportRun.place_late`).
"""

from __future__ import annotations

import errno
import getpass
import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError
from walktool.i18n import N_, Phrase
from walktool.ingest.files import copy_media, copy_raw, inside, sha256_of
from walktool.ingest.photos import (
    PhotoIndex,
    link_photos,
    naming_rows,
    photo_key,
    photo_observation,
)
from walktool.ingest.report import FileReport
from walktool.ingest.sheetnotes import duplicate_headers, duplicate_issues, encoding_note

if TYPE_CHECKING:
    import pandas as pd

    from walktool.columns import Role
    from walktool.ingest.walkplan import WalkPlan
    from walktool.normalize import Context
    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.readers import Format, Probe, RawTable

Progress = Callable[[str, int, int], None]
# Formats whose records have no stable id (keyed by their content within the file): re-importing
# a file of the same name replaces its previous observations instead of adding changed rows as new.
ROW_KEYED_FORMATS = ("findings-table", "walktool-sheet")
CHUNK_ROWS = 5000  # records normalised at a time (fewer, larger pandas steps; memory stays well under 1 GiB)
STORE_ROWS = 70000  # observations written per store call
DELETE_BATCH = 5000  # submission ids per delete


class ImportRefused(WalktoolError):
    """An import that would change stored data in a way the user did not ask for (nothing of it is stored)."""

    code = "import-refused"


def phrase_of(exc: Exception) -> str:
    """The message of ``exc``: a :class:`~walktool.i18n.Phrase` (English, renders in any language) for a templated failure."""
    from walktool.i18n import Phrase

    if isinstance(exc, WalktoolError) and exc.params:
        return Phrase(exc.template, **exc.params)
    return str(exc)


def failed(report: FileReport, exc: Exception) -> None:
    """Record that ``report``'s file could not be read at all."""
    report.error = phrase_of(exc)
    report.issues.append(Issue("unreadable-file", report.error, "error", file=report.path))


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


class ImportRun:
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
        move_campaign: bool = False,
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
        self.move_campaign = move_campaign
        self._file_campaigns: set[str] = set()  # campaigns of the stored rows of the row-keyed file being imported
        self.photos = PhotoIndex(project, use_store=True)
        self.done: list[FileReport] = []
        self.unread: list[FileReport] = []  # files that could not be read: logged too, with their error
        self.cleared: set[tuple[str, str]] = set()
        # file names of this import: their earlier issues are replaced, their photos placed, by this import
        self.incoming = set(incoming)
        self.resolved: set[str] = set()  # photo-unplaced issues placed by a sheet of this import
        self._log: pd.DataFrame | None = None
        self._kept: dict[str, list[Path]] | None = None
        # submissions with stored observations: only those need deleting before an update
        self.present: set[str] = set()

    def begin(self) -> None:
        """What the store holds, read once the write transaction has begun (another import may have just written)."""
        if not self.dry_run and self.store.count("observations"):
            self.present = {str(s) for s in self.store.distinct("observations", "submission_id")}

    def read(self, report: FileReport, path: Path, format_: Format, probe: Probe, *, n: int, total: int) -> list[RawTable] | None:
        """Read one file (before the write transaction: other imports are not held up); None when it cannot be read."""
        from walktool.errors import SheetFormatError

        if self.progress:
            self.progress(f"reading {path.name}", n, total)
        try:
            return format_.read(probe)
        except (SheetFormatError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise  # the disk is full, not the file broken: the whole import stops and says so
            failed(report, exc)
            report.format = format_.name
            self.unread.append(report)
            return None

    def file(
        self, report: FileReport, path: Path, format_: Format, probe: Probe, *, n: int, total: int, tables: list[RawTable] | None = None
    ) -> None:
        """Read (unless ``tables`` were read already), normalise and store one file, recording what happened in ``report``."""
        from walktool.columns import plan_summary
        from walktool.normalize import normalize_table
        from walktool.readers import companion_files

        if tables is None:
            tables = self.read(report, path, format_, probe, n=n, total=total)
            if tables is None:
                return
        report.format = format_.name
        report.checksum = sha256_of(path)
        self.done.append(report)
        if probe.text is not None:
            note = encoding_note(path, report.path)
            if note is not None:
                report.issues.append(note)
        duplicates = [d for t in tables for d in duplicate_headers(t)]
        store = self.store
        storing = not self.dry_run
        walk_id = self.ctx.walk_id
        if storing:
            report.stored_as = copy_raw(self.project, path, report.checksum, walk_id, companion_files(format_.name, path))
            media_root = next((t.media_root for t in tables if t.media_root is not None), None)
            if media_root is not None and not probe.is_dir and probe.zip_names:
                # photos that came inside a zip: kept as files under walks/, where the map and the report look
                folder = path.stem if format_.name == "photos" else f"{path.stem}-media"
                copy_media(self.project, media_root, walk_id, folder)
            key = (path.name, format_.name)
            if format_.name in ROW_KEYED_FORMATS and key not in self.cleared:
                # rows carry no stable id (a content hash): a newer export of the same sheet replaces the older one
                self.cleared.add(key)
                where = {"source_file": path.name, "format": format_.name, **({"walk_id": walk_id} if walk_id else {})}
                if not self.move_campaign and store.count("observations", where):
                    self._file_campaigns = {str(c) for c in store.read("observations", where, columns=["campaign"])["campaign"].dropna()}
                store.delete("observations", where)
        plan: dict[str, Role] = {}
        named: dict[str, dict[str, Any]] = {}  # photo key → the first row of this file naming it
        written: set[str] = set()
        profiles: list[pd.DataFrame] = []
        walks: list[pd.DataFrame] = []
        size = sum(len(t.frame) for t in tables)
        offset = 0
        submissions: set[str] = set()
        no_answers: list[bool] = []
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
                    link_photos(nt, part, self.photos, path.name)
                else:
                    self.photos.add(nt.observations)
                    naming_rows(nt.observations, named)
                plan.update(nt.plan)
                report.rows += nt.rows
                submissions |= nt.submissions
                no_answers.append(nt.no_answers)
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
        self._file_campaigns = set()
        report.submissions = len(submissions)
        report.columns = plan_summary(plan)
        report.issues.extend(duplicate_issues(duplicates, plan, report.path))
        if no_answers and all(no_answers):
            # nothing in the file could be read: it failed, once, with the no-answers issue
            report.error = f"{report.path}: " + next(i.message for i in report.issues if i.code == "no-answers")
        if named:
            self.place_late(report, named)
        if storing:
            self._store_people(report, profiles, walks)

    # -- photos imported before the sheet naming them -------------------------------------

    def place_late(self, report: FileReport, named: dict[str, dict[str, Any]]) -> None:
        """Place the photos imported earlier without a position that this sheet's rows name.

        A photo rejected as ``photo-unplaced`` by an earlier import (its folder or zip
        imported before the sheet) is read again from the copy kept under ``walks/``
        and becomes the observation :func:`~walktool.ingest.photos.link_photos` would have made (same id: a
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
            rec = photo_observation(naming, photo, submission, file, row)
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
                elif kept.suffix.lower() == ".zip":  # its photos were copied by copy_media
                    candidates.append(kept.parent / (Path(file).stem.strip(". ") or "photos") / rel)
                else:
                    candidates.append(kept)
        found = next((c for c in candidates if inside(c, walks)), None)
        if found is not None:
            return found
        tail = "/" + rel.casefold()
        for cand in sorted(self._kept_photos().get(key, []), key=lambda p: (not p.as_posix().casefold().endswith(tail), p.as_posix())):
            if inside(cand, walks):
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
        if stale and not self.move_campaign:
            self._refuse_campaign_move(obs, stale)
        if self._file_campaigns:
            moved = sorted({str(c) for c in obs["campaign"].dropna()} - self._file_campaigns)
            if moved:
                file = str(obs["source_file"].iloc[0])
                old = ", ".join(repr(c) for c in sorted(self._file_campaigns))
                msg = (
                    Phrase(N_("{file}: this file is already stored under campaign {old}; importing it again under campaign {moved!r} would move its rows out of {old}. Import it with --campaign {file_campaigns!r}, or pass --move-campaign to move them on purpose; nothing was stored"), file=file, old=old, moved=moved[0], file_campaigns=sorted(self._file_campaigns)[0])
                )
                raise ImportRefused(msg, file=file, code="campaign-move")
        # each delete scans the table: few, large batches (SQLite >= 3.32 takes 32,766 parameters)
        for start in range(0, len(stale), DELETE_BATCH):
            self.store.delete("observations", {"submission_id": stale[start : start + DELETE_BATCH]})
        written.update(subs)
        self.present.update(subs)
        for start in range(0, len(obs), STORE_ROWS):
            self.store.upsert("observations", obs.iloc[start : start + STORE_ROWS])

    def _refuse_campaign_move(self, obs: pd.DataFrame, stale: list[str]) -> None:
        """Refuse to move stored submissions to another campaign by importing them again (``--move-campaign`` does it)."""
        import pandas as pd

        stored = pd.concat(
            [
                self.store.read("observations", {"submission_id": stale[start : start + DELETE_BATCH]}, columns=["submission_id", "campaign", "source_file"])
                for start in range(0, len(stale), DELETE_BATCH)
            ],
            ignore_index=True,
        ).drop_duplicates("submission_id")
        incoming = obs.drop_duplicates("submission_id").set_index("submission_id")["campaign"]
        before = stored.set_index("submission_id")["campaign"]
        common = before.index.intersection(incoming.index)
        moved = common[before.loc[common].astype(str).to_numpy() != incoming.loc[common].astype(str).to_numpy()]
        if len(moved) == 0:
            return
        old = str(before.loc[moved[0]])
        new = str(incoming.loc[moved[0]])
        first_file = str(stored.set_index("submission_id").loc[moved[0], "source_file"])
        file = str(obs["source_file"].iloc[0]) if "source_file" in obs.columns and len(obs) else first_file
        msg = (
            Phrase(N_("{file}: {n_moved} submission(s) of this file are already stored under campaign {old!r} (imported from {first_file}); importing them under campaign {new!r} would move them out of {old!r}. Import it with --campaign {old!r}, or pass --move-campaign to move them on purpose; nothing was stored"), file=file, n_moved=len(moved), old=old, first_file=first_file, new=new)
        )
        raise ImportRefused(msg, file=file, code="campaign-move")

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
        for n, report in enumerate(self.done + self.unread, 1):
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
                    hashlib.sha1(f"{report.checksum or report.path}|{k}".encode()).hexdigest()[:16] for k in range(len(issues))
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
                            "protocol": self.protocol.ref,
                            "rules_hash": self.protocol.rules_hash,
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
