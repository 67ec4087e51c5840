"""Write the station report workbook: the sheets in order, saved atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, Phrase
from walktool.report.cells import Book, sheet_names
from walktool.report.data import ReportData, ReportError, check_language, fold, gather
from walktool.report.labels import SHEETS, sheet_label
from walktool.report.station import station_sheet
from walktool.report.summary import summary_sheet
from walktool.report.tables import (
    method_sheet,
    minority_sheet,
    observations_file,
    observations_sheet,
    quality_sheet,
    recommendations_sheet,
    sheet_order,
    sheet_rows,
)

if TYPE_CHECKING:
    from walktool.project import Project


@dataclass(frozen=True)
class ReportResult:
    """What :func:`write_report` wrote."""

    path: Path
    campaign: str | None
    lang: str
    sheets: list[str]
    stations: int
    recommendations: int
    observations: int
    thumbnails: int
    minority: int = 0
    protocol: str | None = None
    rules_hash: str | None = None
    observations_file: Path | None = None  # every observation, when the sheet holds the findings only

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": str(self.path),
            "campaign": self.campaign,
            "lang": self.lang,
            "sheets": self.sheets,
            "stations": self.stations,
            "recommendations": self.recommendations,
            "minority": self.minority,
            "protocol": self.protocol,
            "rules_hash": self.rules_hash,
            "observations": self.observations,
            "thumbnails": self.thumbnails,
            "observations_file": str(self.observations_file) if self.observations_file else None,
        }


def build_report(
    project: Project,
    campaign: str | None = None,
    lang: str | None = None,
    out: str | Path | None = None,
    audience: str = "staff",
) -> Path:
    """Write the station report workbook of a campaign and return its path.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    lang
        ``fr`` or ``en``; None takes the project's language.
    out
        Where to write the ``.xlsx``; default ``reports/report.xlsx`` in the project.

    Returns
    -------
    pathlib.Path
        The workbook written.

    Raises
    ------
    ReportError
        No observations yet, or an unknown language.
    walktool.analysis.AnalysisError
        Unknown campaign.
    """
    return write_report(project, campaign, lang=lang, out=out, audience=audience).path


def write_report(
    project: Project,
    campaign: str | None = None,
    *,
    lang: str | None = None,
    out: str | Path | None = None,
    rules: str | None = None,
    audience: str = "staff",
) -> ReportResult:
    """Write the station report workbook; like :func:`build_report`, with counts.

    Recommendations are rebuilt and stored first (:func:`walktool.recommend.recommend`),
    carrying the statuses recorded by ``walktool followup import``; overdue ones are
    flagged.  The workbook gains an Incidents sheet when incidents are stored, and a
    Coverage sheet.  ``audience="public"`` rounds positions, keeps only publishable
    comments, links face-blurred photo copies and leaves out the Data quality sheet
    (its values are cells as typed, names included).
    """
    from openpyxl import Workbook

    language = check_language(project, lang)
    out_path = Path(out) if out is not None else project.reports_dir / "report.xlsx"
    if out_path.suffix.lower() != ".xlsx":
        msg = Phrase(N_("{out_path}: the report is an Excel workbook; give --out a name ending in .xlsx"), out_path=out_path)
        raise ReportError(msg)
    data = gather(project, campaign, language, rules=rules, audience=audience, photo_folder=out_path.parent)
    out_path.parent.mkdir(parents=True, exist_ok=True)

    fixed = {key: sheet_label(key, language) for key in SHEETS}
    stations = data.stations
    by_name = sorted(stations, key=lambda r: (fold(r["name"] or r["station_id"]), str(r["station_id"])))
    station_titles = sheet_names([str(r["name"] or r["station_id"]) for r in by_name], reserved=fixed.values())
    book = Book(
        wb=Workbook(write_only=True),
        project=project,
        protocol=data.protocol,
        lang=language,
        campaign=data.campaign,
        out=out_path,
        names=fixed,
        station_sheets={str(r["station_id"]): t for r, t in zip(by_name, station_titles, strict=True)},
    )
    summary_sheet(book, data.summary, stations, data.recs)
    assert data.photos is not None and data.obs is not None
    for rec in by_name:
        sid = str(rec["station_id"])
        station_sheet(book, rec, data.summary, data.found.get(sid), data.recs_by_station.get(sid, []), data.photos)
    recommendations_sheet(book, data.recs)
    minority_sheet(book, data.minority)
    n_obs = len(data.obs)
    data.found = {}
    order = sheet_order(data.obs)  # once, for the sheet and the CSV file
    rows, findings_only = sheet_rows(data.obs, order)
    full_file = None
    if findings_only:  # more than a sheet holds: every observation beside the workbook
        full_file = observations_file(book, data.obs, out_path.with_name(f"{out_path.stem}-observations.csv"), order)
    written = observations_sheet(book, data.obs, rows)
    data.obs = None
    extra = _loop_sheets(book, data)
    if audience == "staff":
        quality_sheet(book)
    method_sheet(book, data.summary, len(data.recs), written, truncated=written < n_obs, minority=len(data.minority), total=n_obs, full_file=full_file)

    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        book.wb.save(tmp)
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return ReportResult(
        path=out_path,
        campaign=data.campaign,
        lang=language,
        sheets=[fixed["summary"], *station_titles, fixed["recommendations"], fixed["minority"], fixed["observations"], *extra,
                *([fixed["quality"]] if audience == "staff" else []), fixed["method"]],
        stations=len(stations),
        recommendations=len(data.recs),
        minority=len(data.minority),
        protocol=data.rules.protocol,
        rules_hash=data.rules.rules_hash,
        observations=written,
        thumbnails=book.thumbnails,
        observations_file=full_file,
    )


def _loop_sheets(book: Book, data: ReportData) -> list[str]:
    """The Incidents sheet (when incidents are stored) and the Coverage sheet; their names."""
    from walktool.report.loop_sheets import coverage_sheet, incidents_sheet

    names = []
    if data.incidents is not None:
        incidents_sheet(book, data.incidents)
        names.append(book.names["incidents"])
    coverage_sheet(book, data.coverage)
    names.append(book.names["coverage"])
    return names
