"""What the workbook and the PDF brief show, gathered once: summary, recommendations, findings, photos."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.i18n import LANGUAGES, N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
THUMBNAIL_PX = (120, 80)
MAX_FINDINGS_PER_STATION = 50  # a station sheet lists its most severe findings; the rest are counted
MAX_THUMBNAILS_PER_STATION = 40
FINDINGS_TABLE = "findings-table"


class ReportError(WalktoolError):
    """The report cannot be written (no observations, unknown language…)."""


@dataclass
class ReportData:
    """One campaign as the report shows it.

    Attributes
    ----------
    stations
        The summary's station records (``walktool summary --json``), each with
        ``sources``: the import formats its observations came from.
    found
        Station id → its findings (a frame of observations).
    recs_by_station
        Station id → its ranked recommendations (records in ``lang``).
    minority
        The minority reports (flagged by few of those who answered): in no station's
        ranked list, on their own sheet.
    rules
        The protocol version and rules hash the figures come from.
    """

    project: Project
    protocol: Protocol
    lang: str
    campaign: str
    summary: Any
    stations: list[dict[str, Any]]
    recs: list[dict[str, Any]]
    obs: pd.DataFrame | None
    found: dict[str, pd.DataFrame] = field(default_factory=dict)
    recs_by_station: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    photos: Any = None  # a PhotoIndex, or its audience's copies (walktool.privacy.CopiedPhotoIndex)
    minority: list[dict[str, Any]] = field(default_factory=list)
    rules: Any = None
    audience: str = "staff"
    coverage: Any = None  # walktool.coverage.Coverage of the campaign
    incidents: dict[str, Any] | None = None  # walktool incidents compare --json, when incidents are stored

    def station(self, name_or_id: str) -> dict[str, Any]:
        """The station record called ``name_or_id`` (name or id, accents and case ignored)."""
        from walktool.textnorm import fold

        wanted = fold(name_or_id)
        for rec in self.stations:
            if wanted in (fold(rec["name"] or ""), fold(str(rec["station_id"]))):
                return rec
        known = ", ".join(str(r["name"] or r["station_id"]) for r in self.stations[:12])
        more = " …" if len(self.stations) > 12 else ""
        msg = Phrase(N_("no station {name_or_id!r} in campaign {campaign!r} (stations with observations: {known}{more})"), name_or_id=name_or_id, campaign=self.campaign, known=known, more=more)
        raise ReportError(msg)


def check_language(project: Project, lang: str | None) -> str:
    """The report language (:func:`walktool.i18n.resolve_language`: ``lang``, ``WALKTOOL_LANG``, the project's).

    An unknown ``lang`` is a :class:`ReportError`.
    """
    from walktool.i18n import resolve_language

    if lang is not None and lang not in LANGUAGES:
        msg = Phrase(N_("unknown report language {lang!r}; use {LANGUAGES}"), lang=lang, LANGUAGES=' or '.join(LANGUAGES))
        raise ReportError(msg)
    return resolve_language(lang, project.settings)


def gather(
    project: Project,
    campaign: str | None,
    lang: str,
    *,
    keep_observations: bool = True,
    audience: str = "staff",
    photo_folder: Path | None = None,
    rules: str | None = None,
) -> ReportData:
    """Recommend (storing them), load the observations and summarize one campaign, for ``audience``.

    Recommendations carry their ``due`` date and ``overdue`` flag (:mod:`walktool.overdue`).
    A public report's observations are rounded and stripped of unpublishable comments
    (:func:`walktool.privacy.for_audience`); photos of every audience are copies in
    ``photo_folder/photos/<audience>/`` (default: the project's reports folder).

    ``rules``: None for the rules each import was scored with, ``"current"`` or
    ``"ID@VERSION"`` to re-score (:mod:`walktool.provenance`).

    Raises
    ------
    ReportError
        No observations at all, or none in the campaign.
    walktool.analysis.AnalysisError
        Unknown campaign.
    """
    from walktool.analysis import findings, load_observations, resolve_campaign, summarize
    from walktool.recommend import recommend

    resolved = resolve_campaign(project, campaign)
    if resolved is None:
        msg = Phrase(N_("{root}: no observations yet; import field sheets with `walktool import` before making a report"), root=project.root)
        raise ReportError(msg)
    from walktool.analysis import rescore
    from walktool.coverage import coverage
    from walktool.incidents import CompareIncidentsError, compare_incidents
    from walktool.overdue import annotate
    from walktool.privacy import (
        CopiedPhotoIndex,
        PhotoCopies,
        check_audience,
        for_audience,
        records_for_audience,
    )
    from walktool.provenance import scoring_rules

    check_audience(audience)
    protocol, provenance = scoring_rules(project, resolved, rules)
    every = recommend(project, resolved, rules=rules).records(lang, protocol)  # before loading: one frame in memory at a time
    every = records_for_audience(annotate(every, project, resolved), audience)
    recs = [r for r in every if not r["minority"]]
    raw = load_observations(project, resolved)
    if raw.empty:
        msg = Phrase(N_("campaign {resolved!r} has no observations; import its sheets with `walktool import --campaign {resolved}`"), resolved=resolved)
        raise ReportError(msg)
    if provenance.rescored:
        raw = rescore(raw, protocol)
    covered = coverage(project, resolved, observations=raw)  # before the audience filter: it counts participants
    incidents = None
    if project.store.count("incidents"):
        try:
            incidents = compare_incidents(project, resolved, observations=raw).to_dict()
        except CompareIncidentsError:
            incidents = None  # no feeling answers: nothing to set the incidents beside
    # scores and sample sizes from every observation, by the store's SQL aggregates (a public report shows the same numbers) …
    summary = summarize(project, resolved, rules=rules)
    # … the rows themselves as the audience may see them
    obs = for_audience(raw, project, audience)
    del raw
    stations = summary.station_records()
    sources: dict[str, list[str]] = {}
    if "format" in obs:
        pairs = obs[["station_id", "format"]].dropna().drop_duplicates()
        for sid, fmt in zip(pairs["station_id"], pairs["format"], strict=True):
            sources.setdefault(str(sid), []).append(str(fmt))
    for rec in stations:
        rec["sources"] = sorted(sources.get(str(rec["station_id"]), []))
    found_frame = findings(obs).dropna(subset=["station_id"])
    found = {str(k): v for k, v in found_frame.groupby("station_id", sort=False)}
    by_station: dict[str, list[dict[str, Any]]] = {}
    for r in recs:
        by_station.setdefault(str(r["station_id"]), []).append(r)
    return ReportData(
        project=project,
        protocol=protocol,
        lang=lang,
        campaign=resolved,
        summary=summary,
        stations=stations,
        recs=recs,
        obs=obs if keep_observations else None,
        found=found,
        recs_by_station=by_station,
        photos=CopiedPhotoIndex(PhotoIndex(project.walks_dir), PhotoCopies(photo_folder or project.reports_dir, audience)),
        minority=[r for r in every if r["minority"]],
        rules=provenance,
        audience=audience,
        coverage=covered,
        incidents=incidents,
    )


def only_findings_tables(rec: dict[str, Any]) -> bool:
    """Whether a station's observations all came from facilitators' findings tables (no named participants)."""
    sources = rec.get("sources") or []
    return bool(sources) and set(sources) == {FINDINGS_TABLE} and not rec.get("participants")


def sorted_findings(found: pd.DataFrame | None, label: Any) -> pd.DataFrame | None:
    """Findings most severe first, then by zone, item name (``label(item, principle)``), time and id."""
    if found is None or found.empty:
        return found
    import pandas as pd

    # one label per distinct (item, principle), spread back by codes
    pairs = pd.MultiIndex.from_arrays([found["item"].astype(object), found["principle"].astype(object)])
    codes, uniques = pd.factorize(pairs)
    words = [label(i, p) or "" for i, p in uniques.tolist()]
    return found.assign(
        _sev=found["severity"].map(SEVERITY_ORDER).fillna(9),
        _label=[words[c] for c in codes.tolist()],
    ).sort_values(["_sev", "zone", "_label", "local_time", "obs_id"], na_position="last", kind="stable")


class PhotoIndex:
    """The photo files kept under ``walks/``, found by name (case-insensitive)."""

    _SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif")

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, list[Path]] | None = None

    def _build(self) -> dict[str, list[Path]]:
        index: dict[str, list[Path]] = {}
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*")):
                if path.suffix.lower() in self._SUFFIXES and path.is_file():
                    index.setdefault(path.name.casefold(), []).append(path)
        return index

    def find(self, photo: str) -> Path | None:
        """The stored file a ``photo`` cell names (a file name or a relative path), or None."""
        if self._index is None:
            self._index = self._build()
        rel = photo.replace("\\", "/").strip().strip("/")
        candidates = self._index.get(rel.rsplit("/", 1)[-1].casefold(), [])
        for path in candidates:
            if path.as_posix().casefold().endswith("/" + rel.casefold()):
                return path
        return candidates[0] if candidates else None


def relative_link(path: Path, workbook: Path) -> str:
    """A hyperlink to ``path`` that still works when the project folder moves."""
    try:
        return Path(os.path.relpath(path.resolve(), workbook.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.resolve().as_uri()


def thumbnail_bytes(path: Path, size: tuple[int, int] = THUMBNAIL_PX) -> tuple[bytes, str, tuple[int, int]] | None:
    """A small JPEG/PNG preview of a photo (bytes, format, pixel size), or None when Pillow cannot read it."""
    from io import BytesIO

    from PIL import Image, ImageOps

    buffer = BytesIO()
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail(size)
            fmt = "PNG" if image.mode in ("RGBA", "LA", "P") else "JPEG"
            if fmt == "PNG":
                image.convert("RGBA").save(buffer, format="PNG")
            else:
                image.convert("RGB").save(buffer, format="JPEG", quality=80)
            dims = image.size
    except Exception:  # any unreadable or unsupported photo (HEIC without a plugin…) keeps its link only
        return None
    return buffer.getvalue(), fmt, dims


def thumbnail(path: Path) -> Any | None:
    """A photo preview as an openpyxl image, or None."""
    from io import BytesIO

    from openpyxl.drawing.image import Image as XlImage

    made = thumbnail_bytes(path)
    return None if made is None else XlImage(BytesIO(made[0]))


def fold(text: Any) -> str:
    """Accents and case folded, for sorting names."""
    from walktool.textnorm import fold as _fold

    return _fold(text)
