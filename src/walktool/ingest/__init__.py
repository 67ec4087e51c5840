"""Importing field sheets into a project: read → normalise → place → store.

:func:`import_files` is what ``walktool import`` runs.  It keeps every raw file
as it came (copied into ``walks/`` with its SHA-256, :mod:`.files`), logs the
import, stores observations, participants' pseudonymous profiles, walks, rejects
and warnings (:mod:`.run`), and returns a report (:mod:`.report`) where, for
every file, ``rows == accepted + rejected``.  All writes of one import run in one
transaction: an unexpected failure stores nothing.

Photos are imported after the sheets of the same command, so that a photo with
no GPS fix takes the station and zone of the sheet row that names it
(:mod:`.photos`).  With ``--walk ID`` the walk file ``walks/ID/walk.yaml`` is read
and checked against the sheets (:mod:`.walkplan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from walktool.errors import Issue
from walktool.i18n import N_, Phrase
from walktool.ingest.files import sha256_of
from walktool.ingest.photos import photo_key
from walktool.ingest.report import FileReport, ImportResult
from walktool.ingest.run import ImportRun, Progress, failed
from walktool.ingest.walkplan import WALK_KEYS, WalkPlan, load_walk_metadata

if TYPE_CHECKING:
    from walktool.project import Project
    from walktool.readers import Format, Probe, RawTable, RepeatFileError


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
    move_campaign: bool = False,
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
        Called as ``progress(step, done, total)``; ``progress("waiting", 0, 0)`` when
        another import holds the project (this one waits for it).
    move_campaign
        Let submissions already stored under another campaign move to this one
        (without it such an import is refused, nothing stored).

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
    from walktool.provenance import record_rules
    from walktool.readers import RepeatFileError, detect_format, get_format
    from walktool.readers._base import Probe
    from walktool.readers.photos import scratch
    from walktool.stations import load_stations

    protocol = project.protocol()
    if not dry_run:
        record_rules(project, protocol)  # the exact file, archived the first time a campaign uses it
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
    unread: list[FileReport] = []
    for raw_path in paths:
        path = Path(raw_path)
        report = FileReport(str(raw_path), None)
        reports.append(report)
        if not _is_text(str(raw_path)):
            # bytes of another system's encoding in the name: it cannot be stored or shown as it is
            report.path = str(raw_path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            failed(report, SheetFormatError(
                f"{report.path}: this file name is not valid text (it was written on a system with another"
                " encoding); rename the file (e.g. in your file manager) and import it again",
                file=report.path, code="bad-file-name",
            ))
            unread.append(report)
            continue
        try:
            probe = Probe(path, mapping_obj)
            format_ = get_format(fmt) if fmt and fmt != "auto" else detect_format(path, probe)
            if not path.exists():
                msg = Phrase(N_("{path}: no such file or folder"), path=path)
                raise SheetFormatError(msg)
        except RepeatFileError as exc:
            repeat_files.append((report, exc))
            continue
        except (SheetFormatError, OSError) as exc:
            failed(report, exc)
            unread.append(report)
            continue
        jobs.append((report, path, format_, probe))
    unread += _settle_repeat_files(repeat_files, [job[1] for job in jobs])
    # sheets first: a photo without GPS is placed by the sheet row naming it
    jobs.sort(key=lambda job: job[2].name == "photos")
    run = ImportRun(
        project, ctx, protocol, walk, import_id=import_id, started=started, dry_run=dry_run, progress=progress,
        incoming=[job[1].name for job in jobs], move_campaign=move_campaign,
    )
    for report in unread:  # logged with their error, so that `walktool check` lists them
        report.checksum = _checksum(Path(report.path))
    run.unread.extend(unread)
    def waiting() -> None:
        if progress:
            progress("waiting", 0, 0)

    # files are read before the write transaction (other imports into the project are not held up
    # meanwhile), unless they are too large to hold at once: those are read one at a time, inside it
    pre_read: dict[int, list[RawTable] | None] = {}
    # media extracted from zips live in a scratch folder under the project, removed however the import ends
    with scratch(project.root):
        if sum(_size(job[1]) for job in jobs) <= PRE_READ_BYTES:
            for n, job in enumerate(jobs):
                pre_read[n] = run.read(*job, n=n, total=len(jobs))
        with nullcontext() if dry_run else project.store.transaction(waiting=waiting):
            run.begin()
            for n, job in enumerate(jobs):
                if n in pre_read and pre_read[n] is None:
                    continue  # could not be read: reported
                run.file(*job, n=n, total=len(jobs), tables=pre_read.pop(n, None))
            run.finish()
    if progress:
        progress("done", len(jobs), len(jobs))
    result = ImportResult(reports, dry_run=dry_run, import_id=None if dry_run else import_id)
    if not dry_run:
        from walktool.ingest.ledger import record_import

        record_import(project, result, walk_id=walk_id, campaign=campaign, fmt=fmt, mapping=mapping,
                      at_utc=started.isoformat(timespec="seconds"))
    return result


PRE_READ_BYTES = 256 << 20


def _is_text(name: str) -> bool:
    """A file name that is valid Unicode (a name in another encoding decodes to lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    except OSError:
        return 0


def _checksum(path: Path) -> str | None:
    try:
        return sha256_of(path) if path.is_file() else None
    except OSError:
        return None


def _settle_repeat_files(repeat_files: list[tuple[FileReport, RepeatFileError]], main_paths: list[Path]) -> list[FileReport]:
    """A repeat file is an error on its own, but only a note when its main CSV is imported too (it brings it along).

    Returns the reports of the repeat files that failed.
    """
    unread = []
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
            failed(report, exc)
            unread.append(report)
    return unread


__all__ = [
    "WALK_KEYS",
    "FileReport",
    "ImportResult",
    "Progress",
    "WalkPlan",
    "import_files",
    "load_walk_metadata",
    "photo_key",
    "sha256_of",
]
