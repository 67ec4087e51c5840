"""The tabular sheets: Recommendations (the follow-up table), Observations, Data quality, Method."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_
from walktool.recommend import STATUSES
from walktool.report.cells import (
    EXCEL_MAX_ROWS,
    FORMULA_PREFIXES,
    Book,
    Sheet,
    local_datetime,
    needs_cleaning,
    parse_date,
    plain,
)
from walktool.report.labels import (
    LEVELS,
    REC_COLUMNS,
    REC_PRINTED,
    REC_TABLE_NAME,
    issue_message,
    principle_label,
    status_label,
    timeframe_label,
    type_label,
)

if TYPE_CHECKING:
    import pandas as pd


# -- Recommendations -------------------------------------------------------------------
def recommendations_sheet(book: Book, recs: list[dict[str, Any]]) -> None:
    """The Excel Table of every recommendation, with the follow-up columns staff fill in."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    s = book.styles
    keys = [k for k, _, _ in REC_COLUMNS]
    headers = [book.tr.text(lab) for _, lab, _ in REC_COLUMNS]
    sh = Sheet(book, book.names["recommendations"], [w for _, _, w in REC_COLUMNS], freeze="C2", title_rows="1:1")
    sh.header(headers)
    for r in recs:
        values = {
            "rank": sh.cell(r["rank"], align=s.centre),
            "id": sh.cell(r["id"]),
            "station": sh.text(r["station"]),
            "zone": sh.text(book.zone(r["zone"])),
            "principle": sh.text(principle_label(book.protocol, r["principle"], book.lang)),
            "finding": sh.text(book.item(r["item"], r["principle"]) or r["finding"]),
            "severity": sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"])),
            "priority": sh.cell(r["priority"], fmt="0.00"),
            "action": sh.text(r["action"]),
            "responsible": sh.text(r["responsible"]),
            "timeframe": sh.text(timeframe_label(r["timeframe"], book.lang)),
            "type": sh.text(type_label(r["type"], book.lang)),
            "status": sh.cell(status_label(r["status"], book.lang)),
            "owner": sh.text(r["owner"]),
            "due_date": sh.cell(parse_date(r["due_date"]) or r["due_date"], fmt="yyyy-mm-dd"),
            "note": sh.text(r["note"]),
            **_evidence_cells(book, sh, r),
            "overdue": sh.cell(book._("since {date}", date=r["due"]) if r.get("overdue") else None,
                               font=s.severity.get("critical") if r.get("overdue") else None),
        }
        sh.add([values[k] for k in keys])
    last_row = max(len(recs) + 1, 2)  # a table needs a data row, even an empty one
    if not recs:
        sh.add([None])
    ref = f"A1:{get_column_letter(len(keys))}{last_row}"
    table = Table(
        displayName=REC_TABLE_NAME,
        ref=ref,
        tableColumns=[TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)],
        autoFilter=AutoFilter(ref=ref),
        tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True),
    )
    with warnings.catch_warnings():  # "in write-only mode you must add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sh.ws.add_table(table)
    status_col = get_column_letter(keys.index("status") + 1)
    choices = ",".join(status_label(k, book.lang) for k in STATUSES)
    dv = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=book.col("status"),
        error=book._("Unknown status: pick one from the list."),
        showInputMessage=True,
        promptTitle=book.col("status"),
        prompt=book._("Pick a status from the list."),
    )
    dv.add(f"{status_col}2:{status_col}{last_row}")
    sh.ws.data_validations.append(dv)
    due_col = get_column_letter(keys.index("due_date") + 1)
    prompt = book._("A date (YYYY-MM-DD).")
    due = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                         showInputMessage=True, prompt=prompt, errorStyle="warning", showErrorMessage=True, error=prompt)
    due.add(f"{due_col}2:{due_col}{last_row}")
    sh.ws.data_validations.append(due)
    sh.ws.print_area = f"A1:{get_column_letter(REC_PRINTED)}{last_row}"


# -- Observations ----------------------------------------------------------------------
OBS_COLUMNS: tuple[tuple[str, str, float, str], ...] = (
    # store column, header (marked msgid), width, kind (text, num, int, bool, time, label)
    ("obs_id", N_("Observation id"), 18, "text"),
    ("campaign", N_("Campaign"), 14, "text"),
    ("walk_id", N_("Walk"), 18, "text"),
    ("local_time", N_("Local date and time"), 17, "time"),
    ("period", N_("Period"), 9, "text"),
    ("station_id", N_("Station id"), 15, "text"),
    ("station_name", N_("Station"), 24, "text"),
    ("zone", N_("Zone"), 11, "text"),
    ("principle", N_("Principle"), 13, "text"),
    ("item", N_("Item"), 20, "text"),
    ("item", N_("Item (label)"), 34, "label"),
    ("answer", N_("Answer (code)"), 14, "text"),
    ("score", N_("Answer score (0–1)"), 11, "num"),
    ("is_na", N_("Not applicable"), 10, "bool"),
    ("is_problem", N_("Problem"), 10, "bool"),
    ("severity", N_("Severity"), 10, "text"),
    ("comment", N_("Comment"), 40, "text"),
    ("photo", N_("Photo"), 18, "text"),
    ("lat", N_("Latitude"), 11, "num"),
    ("lon", N_("Longitude"), 11, "num"),
    ("accuracy_m", N_("Accuracy (m)"), 10, "num"),
    ("location_source", N_("Location source"), 14, "text"),
    ("format", N_("Format"), 14, "text"),
    ("source_file", N_("Source file"), 24, "text"),
    ("source_row", N_("Source row"), 9, "int"),
)

OBSERVATIONS_SHEET_ROWS = 10_000
"""At most this many rows in the Observations sheet.

openpyxl writes some 50,000 to 150,000 cells a second here (25 columns a row), and a sheet of a million
rows is no longer something to filter on screen (Excel itself stops at 1,048,576 rows).  A
campaign with more observations gets its findings (problems) in the sheet, in the sheet's order
(station, time, …) up to this cap, and every observation in a CSV file beside the workbook
(:func:`observations_file`); the Method sheet says which.
"""


def sheet_order(obs: pd.DataFrame) -> Any:
    """Row positions of ``obs`` in the Observations order (station, local time, zone, principle, item, id)."""
    from walktool.ordering import stable_order

    return stable_order(obs, ("station_name", "local_time", "zone", "principle", "item", "obs_id"))


def observations_sheet(book: Book, obs: pd.DataFrame, rows: Any = None) -> int:
    """Stream observations (no participant column) into a write-only sheet; return the rows written.

    ``rows`` are the positions to write, in order (default: every observation in
    :func:`sheet_order`, up to Excel's limit).  The sheet is for filtering and pivoting on
    screen, not for paper: its print area is the header row alone, so printing the workbook
    does not print thousands of observations in 3-point type.
    """
    from openpyxl.utils import get_column_letter

    sh = Sheet(book, book.names["observations"], [w for _, _, w, _ in OBS_COLUMNS], freeze="A2", title_rows=None)
    sh.header([book._(k) for _, k, _, _ in OBS_COLUMNS])
    # sort the positions, not the frame: no second copy of 100,000 observations
    if rows is None:
        rows = sheet_order(obs)
    rows = rows[: EXCEL_MAX_ROWS - 1]
    labels = {i.key: i.label.get(book.lang) for i in book.protocol.items}
    columns: list[list[Any]] = []
    for col, _, _, kind in OBS_COLUMNS:
        values = obs[col].to_numpy(dtype=object)[rows].tolist() if col in obs else [None] * len(rows)
        if kind == "label":
            values = [labels.get(v) if isinstance(v, str) else None for v in values]
        elif kind == "time":
            values = [local_datetime(v) for v in values]
        elif kind == "bool":
            values = [None if plain(v) is None else bool(v) for v in values]
        else:
            values = [plain(v) for v in values]
        columns.append(values)
    time_idx = [i for i, (_, _, _, kind) in enumerate(OBS_COLUMNS) if kind == "time"]
    ws = sh.ws
    for row in zip(*columns, strict=True):
        out: list[Any] = list(row)
        for i, value in enumerate(out):
            if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or needs_cleaning(value)):
                out[i] = sh.cell(value)
        for i in time_idx:
            if out[i] is not None:
                out[i] = sh.cell(out[i], fmt="yyyy-mm-dd hh:mm")
        ws.append(out)
    sh.row += len(rows)
    last = get_column_letter(len(OBS_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    ws.print_area = f"A1:{last}1"
    return len(rows)


def sheet_rows(obs: pd.DataFrame, order: Any = None) -> tuple[Any, bool]:
    """The positions the Observations sheet shows, and whether that is the findings only.

    Every observation when there are at most :data:`OBSERVATIONS_SHEET_ROWS`; otherwise the
    findings (``is_problem``), in the sheet's order (``order``: :func:`sheet_order`, worked
    out here when not given), up to that many.
    """
    order = sheet_order(obs) if order is None else order
    if len(order) <= OBSERVATIONS_SHEET_ROWS:
        return order, False
    problem = obs["is_problem"].fillna(False).astype(bool).to_numpy() if "is_problem" in obs else None
    if problem is not None:
        order = order[problem[order]]
    return order[:OBSERVATIONS_SHEET_ROWS], True


_CSV_BLOCK = 100_000
_FORMULA_START = "^[" + "".join(re.escape(p) for p in FORMULA_PREFIXES) + "]"  # every prefix is one character


def observations_file(book: Book, obs: pd.DataFrame, path: Path, order: Any = None) -> Path:
    """Every observation as CSV (UTF-8 with BOM), the Observations sheet's columns and headers, in its order.

    Written when the campaign has more observations than the sheet holds.  Text that a
    spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return
    first) is written with a leading apostrophe, as the workbook's cells are quoted.
    ``order``: :func:`sheet_order` of ``obs`` (worked out here when not given).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    order = sheet_order(obs) if order is None else order
    labels = {i.key: i.label.get(book.lang) for i in book.protocol.items}
    headers = [book._(k) for _, k, _, _ in OBS_COLUMNS]

    def block(rows: Any) -> pa.Table:
        arrays = []
        for col, _, _, kind in OBS_COLUMNS:
            if col not in obs:
                arrays.append(pa.nulls(len(rows), pa.string()))
                continue
            series = obs[col].iloc[rows].reset_index(drop=True)
            if kind == "label":
                series = series.map(labels)
            if kind in ("text", "label", "time"):
                text = pa.array(series.astype(object).where(series.notna(), None).to_numpy(dtype=object), type=pa.string(), from_pandas=True)
                risky = pc.fill_null(pc.match_substring_regex(text, _FORMULA_START), False)  # Arrow's regex, not a Python call a cell
                if pc.any(risky).as_py():
                    text = pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)
                arrays.append(text)
            elif kind == "bool":
                arrays.append(pa.array(series.astype("boolean"), type=pa.bool_(), from_pandas=True))
            elif kind == "int":
                arrays.append(pa.array(pd.to_numeric(series, errors="coerce").astype("Int64"), type=pa.int64(), from_pandas=True))
            else:
                numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
                arrays.append(pa.array(numbers, type=pa.float64(), from_pandas=True))
        return pa.Table.from_arrays(arrays, names=headers)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write("\ufeff".encode())  # Excel reads UTF-8 when the file says so
        first = block(order[:_CSV_BLOCK])
        with pacsv.CSVWriter(f, first.schema, write_options=pacsv.WriteOptions(eol="\r\n")) as writer:
            writer.write_table(first)
            del first
            for at in range(_CSV_BLOCK, len(order), _CSV_BLOCK):  # a block at a time: no second copy of the data
                writer.write_table(block(order[at : at + _CSV_BLOCK]))
    tmp.replace(path)
    return path


# -- Data quality ------------------------------------------------------------------------
def campaign_issues(book: Book) -> list[dict[str, Any]]:
    """The stored rejects and warnings of the files imported into this campaign (all when unknown)."""
    from walktool.quality import quality_report

    report = quality_report(book.project)
    issues: list[dict[str, Any]] = report["issues"]
    imports = book.project.store.read("imports")
    if len(imports) and book.campaign is not None and "campaign" in imports:
        mine = imports[imports["campaign"] == book.campaign]
        if len(mine):
            names = {Path(str(f)).name for f in mine["file"].dropna()}
            issues = [i for i in issues if i.get("file") is None or Path(str(i["file"])).name in names]
    return issues


def quality_sheet(book: Book) -> None:
    """Rejects and warnings by file, row and column; reasons in the report's language."""
    from openpyxl.utils import get_column_letter

    s = book.styles
    headers = [book._("Level"), book._("Code"), book._("File"), book._("Sheet"), book._("Row"), book._("Column"),
               book._("Value"), book._("Reason")]
    sh = Sheet(book, book.names["quality"], [13, 21, 26, 12, 7, 16, 24, 70], freeze="A2", title_rows="1:1")
    sh.header(headers)
    issues = campaign_issues(book)
    for i in issues:
        level = i.get("level")
        sh.add([
            sh.cell(book.tr.text(LEVELS[level]) if level in LEVELS else level, font=s.warn if level == "error" else None),
            sh.text(i.get("code")),
            sh.text(i.get("file")),
            sh.text(i.get("sheet")),
            sh.cell(i.get("row")),
            sh.text(i.get("column")),
            sh.text(i.get("value")),
            sh.text(issue_message(i, book.lang, book.tr)),
        ])
    sh.ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(issues) + 1}"


def _evidence_cells(book: Book, sh: Sheet, r: dict[str, Any]) -> dict[str, Any]:
    """Flagged by, answered, share, walks and "to verify on site" of one recommendation."""
    s = book.styles
    return {
        "flagged": sh.cell(r["flagged"], align=s.centre),
        "answered": sh.cell(r["answered"], align=s.centre),
        "share": sh.cell(r["share"], fmt="0%", align=s.centre),
        "walks": sh.cell(r["walks"], align=s.centre),
        "to_verify": sh.text(book._("to verify on site") if r["to_verify"] else None),
    }


MINORITY_COLUMNS = ("station", "zone", "finding", "severity", "flagged", "answered", "share", "walks", "to_verify",
                    "action", "responsible", "priority", "id")
MINORITY_WIDTHS = (18, 10, 22, 9, 9, 9, 8, 7, 16, 50, 20, 9, 12)


def minority_sheet(book: Book, recs: list[dict[str, Any]]) -> None:
    """Minority reports: problems flagged by few of those who answered (neither high nor critical), not ranked."""
    s = book.styles
    p = book.protocol
    share = f"{p.minority_below:.0%}"
    sh = Sheet(book, book.names["minority"], list(MINORITY_WIDTHS), freeze="A3", title_rows="1:2")
    sh.add([sh.cell(book._(
        "Minority reports ({n}): flagged by fewer than {share} of the participants who answered the item there, and"
        " neither high nor critical. They are in no station's ranked list; read them before the next walk.",
        n=len(recs), share=share), font=s.italic)])
    sh.header([book.col(k) for k in MINORITY_COLUMNS])
    if not recs:
        sh.add([sh.cell(book._("No minority reports."), font=s.italic)])
    for r in recs:
        values = {
            "station": sh.text(r["station"]),
            "zone": sh.text(book.zone(r["zone"])),
            "finding": sh.text(book.item(r["item"], r["principle"]) or r["finding"]),
            "severity": sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"])),
            "action": sh.text(r["action"]),
            "responsible": sh.text(r["responsible"]),
            "priority": sh.cell(r["priority"], fmt="0.00"),
            "id": sh.cell(r["id"]),
            **_evidence_cells(book, sh, r),
        }
        sh.add([values[k] for k in MINORITY_COLUMNS])


# -- Method -------------------------------------------------------------------------------
def method_sheet(book: Book, summary: Any, n_recs: int, n_obs: int, *, truncated: bool, minority: int = 0, total: int | None = None, full_file: Path | None = None) -> None:
    """Protocol, scoring and priority rules, sample sizes, follow-up, privacy, imported files, credits."""
    from walktool import __version__

    s = book.styles
    p = book.protocol
    lang = book.lang
    net = summary.network
    sh = Sheet(book, book.names["method"], [36, 100], freeze="A2", title_rows="1:1")
    sh.add([sh.cell(book._("Method"), font=s.title)], height=22)

    def pair(key: str, value: Any, fmt: str | None = None) -> None:
        sh.add([sh.text(key, font=s.bold, fill=s.card_fill), sh.text(value, fmt=fmt)])

    pair(book._("Protocol"), p.title.get(lang))
    pair(book._("Protocol id"), p.id)
    pair(book._("Protocol version"), p.version)
    rules = getattr(summary, "rules", None)
    if rules is not None:
        pair(book._("Scores computed under"), rules.protocol)
        pair(book._("Rules hash"), rules.rules_hash)
        if rules.rescored:
            imported = ", ".join(f"{ref} ({h})" for ref, h in rules.imported) or "?"
            pair(book._("Re-scored"), book._(
                "The stored answers were scored again under these rules; the campaign was imported under {imported}.",
                imported=imported))
    rule = (p.scoring.get("rule") or {}) if isinstance(p.scoring.get("rule"), dict) else {}
    pair(book._("Scoring rule"), rule.get(lang) or rule.get("fr") or rule.get("en"))
    pair(book._("Recommendation priority"), book._(
        "priority = W(severity) × S × (1 + log2 P) × (1 + 0.25 × (K − 1)) × N, where W is the weight of the highest"
        " severity (low 1, medium 2, high 4, critical 8), S the share of the participants who answered the item there"
        " who flagged it, P the participants who flagged it, K the walks, N = 1.5 when seen at night. Anything critical"
        " is on the fast track (immediate timeframe, ranked above everything else) unless its comment says nothing is"
        " wrong; the rest is ordered by the priority shown. Seen by one participant on one walk: to verify on site."))
    share = f"{p.minority_below:.0%}"
    pair(book._("Minority reports"), book._(
        "{n} finding(s) flagged by fewer than {share} of those who answered, neither high nor critical: on the “{sheet}”"
        " sheet, not in the ranked lists.", n=minority, share=share, sheet=book.names["minority"]))
    pair(book._("Low-confidence threshold (participants)"), p.low_confidence_participants)
    pair(book._("Minimum profile group size"), p.min_group_size)
    sh.add()
    sh.section(book._("Sample"))
    period = net.get("period") or {}
    pair(book._("Campaign"), book.campaign)
    pair(book._("Dates (first, last)"), f"{period.get('first') or '?'} – {period.get('last') or '?'}")
    pair(book._("Stations"), net.get("stations"))
    pair(book._("Walks"), net.get("walks"))
    pair(book._("Participants"), net.get("participants"))
    pair(book._("Observations"), n_obs, "#,##0")
    pair(book._("Findings"), (net.get("findings") or {}).get("total"))
    pair(book._("Recommendations"), n_recs)
    if full_file is not None:
        pair(book._("Observations sheet"), book._(
            "This campaign has {total} observations, more than a sheet can show usefully: the Observations sheet"
            " lists {n} findings (problems) only, at most {cap}. Every observation is in {file}, beside this"
            " workbook (CSV; Excel opens at most 1,048,576 rows of it), and `walktool export` writes the full data"
            " for other tools.",
            total=_count(total or n_obs, book.lang), n=_count(n_obs, book.lang), cap=_count(OBSERVATIONS_SHEET_ROWS, book.lang),
            file=full_file.name))
    elif truncated:
        pair(book._("Observations sheet"), book._(
            "The Observations sheet is capped at {n} rows (Excel's limit): export the full data with `walktool export`.",
            n=EXCEL_MAX_ROWS - 1))
    else:
        pair(book._("Observations sheet"), book._(
            "One row per answer or finding, codes as stored (protocol keys), without participant identity."
            " It is meant for filtering on screen and is left out of printing (its print area is its header);"
            " export the data with `walktool export` for other tools."))
    sh.add()
    sh.section(book._("Principles"))
    for principle in p.principles:
        pair(principle_label(p, principle.key, lang) or principle.key, f"{principle.label.get(lang)} ({principle.key})")
    sh.add()
    statuses = ", ".join(status_label(k, lang) for k in STATUSES)
    others = ", ".join(sorted({status_label(k, other) for k in STATUSES for other in ("fr", "en") if other != lang}))
    pair(book._("Recommendation follow-up"), book._(
        "Fill in the Status (list: {statuses}), Owner, Due date (YYYY-MM-DD) and Note columns of the “{sheet}” sheet"
        " and hand the file back: `walktool followup import FILE.xlsx` records the changes with their date, and the"
        " next report carries them. Statuses are also read in the other language ({others}).",
        statuses=statuses, sheet=book.names["recommendations"], others=others))
    pair(book._("Privacy"), book._(
        "Participants' names are never stored (pseudonyms at import) and this workbook does not even carry the"
        " pseudonyms. Profile groups of fewer than {n} people are never shown.", n=p.min_group_size))
    sh.add()
    sh.section(book._("Imported files (file, format, rows, accepted, rejected)"))
    imports = book.project.store.read("imports")
    if len(imports):
        if book.campaign is not None and (imports["campaign"] == book.campaign).any():
            imports = imports[imports["campaign"] == book.campaign]
        # a file imported again (same or corrected content) is listed once, as last imported
        latest = imports.sort_values("at_utc").drop_duplicates(["walk_id", "file"], keep="last")
        for r in latest.to_dict("records"):
            counts = " · ".join(str(plain(r.get(k)) if plain(r.get(k)) is not None else "–") for k in ("format", "rows", "accepted", "rejected"))
            sh.add([sh.text(Path(str(r["file"])).name), sh.text(counts)])
    sh.add()
    sh.section(book._("Data credits"))
    pair(book._("Stations"), stations_credit(book.project, lang, with_source=True))
    pair(book._("Software"), f"walktool {__version__}")


def _count(n: int, lang: str) -> str:
    """A whole number with the language's thousands separator (1,048,576 · 1 048 576)."""
    return f"{n:,}".replace(",", "\u00a0") if lang == "fr" else f"{n:,}"


def stations_credit(project: Any, lang: str, *, with_source: bool = False) -> str:
    """The credit of the project's stations layer: the STM's (translated), or another layer's own credit line.

    With ``with_source``, another layer's credit is followed by where the layer came from.
    """
    from walktool.i18n import translator

    source = project.settings.stations
    if source == "stm":
        return stm_credit(lang)
    credit = project.settings.credit or project.store.get_meta("stations_credit") or ""
    where = translator(lang).gettext("Stations layer: {src}").format(src=source) if with_source else ""
    return " · ".join(t for t in (credit, where) if t) or translator(lang).gettext("Stations layer: {src}").format(src=source)


def stm_credit(lang: str) -> str:
    """The STM data credit in ``lang`` (always naming « Société de transport de Montréal (STM) » and CC BY 4.0)."""
    from walktool.i18n import translator

    return translator(lang).gettext("Station data: Société de transport de Montréal (STM), GTFS data, licence CC BY 4.0")
