"""The Summary sheet: key figures, the station × principle matrix, feelings, the ten most urgent actions."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from walktool.report.cells import LINE_HEIGHT, Book, Sheet, colour_scale, parse_date, single_labels
from walktool.report.labels import principle_label, status_label, timeframe_label


def _tz(book: Book) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(book.project.settings.timezone)


def participants_value(book: Book, rec: dict[str, Any]) -> Any:
    """A station's participant count, or a note when its findings came only from findings tables."""
    from walktool.report.data import only_findings_tables

    if only_findings_tables(rec):
        return book._("– (findings table)")
    return rec["participants"]


def summary_sheet(book: Book, summary: Any, stations: list[dict[str, Any]], recs: list[dict[str, Any]]) -> None:
    """Write the Summary sheet."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter, quote_sheetname

    s = book.styles
    principles: list[str] = list(summary.principles)
    n_p = len(principles)
    widths: list[float] = [30, 17, *([13] * n_p), 13, 15, 30]
    sh = Sheet(book, book.names["summary"], widths, freeze="A3", title_rows="1:2")
    net = summary.network
    settings = book.project.settings
    sh.add([sh.cell(book._("Exploratory safety walks — report"), font=s.title)], height=22)
    campaign = book._("Campaign")
    sh.add([sh.cell(f"{settings.name} · {settings.city} · {campaign} {book.campaign}", font=s.subtitle)])
    sh.add()
    first, last = (net.get("period") or {}).get("first"), (net.get("period") or {}).get("last")
    facts: list[tuple[str, list[Any], str | None]] = [
        (book._("Project"), [settings.name], None),
        (book._("Campaign"), [book.campaign], None),
        (book._("Dates (first, last)"), [parse_date(first), parse_date(last)], "yyyy-mm-dd"),
        (book._("Walks"), [net.get("walks")], "0"),
        (book._("Participants"), [net.get("participants")], "0"),
        (book._("Stations"), [net.get("stations")], "0"),
        (book._("Observations"), [net.get("observations")], "#,##0"),
        (book._("Findings"), [(net.get("findings") or {}).get("total")], "#,##0"),
        (book._("Recommendations"), [len(recs)], "#,##0"),
        (book._("Network score (0–100)"), [net.get("score")], "0"),
        (book._("Generated on"), [dt.datetime.now(_tz(book)).replace(tzinfo=None, microsecond=0)], "yyyy-mm-dd hh:mm"),
    ]
    for text, values, fmt in facts:
        sh.add([sh.cell(text, font=s.bold, fill=s.card_fill), *[sh.cell(v, fmt=fmt) for v in values]])
    sh.add()

    # station × principle matrix, colour scale, bar chart
    sh.section(book._("Scores by station and principle (0 = every answer a problem, 100 = none), lowest first"))
    headers = [book._("Station"), book._("Score"), *[principle_label(book.protocol, k, book.lang) or k for k in principles],
               book._("Observations"), book._("Participants"), book._("Confidence")]
    hdr = sh.header(headers)
    threshold = book.protocol.low_confidence_participants
    for rec in stations:
        sheet = book.station_sheets.get(str(rec["station_id"]))
        name = rec["name"] or rec["station_id"]
        name_cell = sh.cell(name, location=f"{quote_sheetname(sheet)}!A1") if sheet else name
        scores = [sh.cell(rec["principles"].get(k), fmt="0") for k in principles]
        flag = sh.text(book._("⚠ low confidence: fewer than {n} participants", n=threshold), font=s.warn) if rec["low_confidence"] else None
        sh.add([name_cell, sh.cell(rec["score"], fmt="0", font=s.bold), *scores, rec["observations"],
                participants_value(book, rec), flag])
    end = sh.row
    if stations:
        last_col = get_column_letter(2 + n_p)
        sh.ws.conditional_formatting.add(f"B{hdr + 1}:{last_col}{end}", colour_scale(ColorScaleRule))
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = book._("Score by station (0–100)")
        chart.legend = None
        chart.add_data(Reference(sh.ws, min_col=2, min_row=hdr, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=hdr + 1, max_row=end))
        chart.x_axis.scaling.orientation = "maxMin"  # first row (lowest score) on top
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.dataLabels = single_labels()
        chart.width = 18
        chart.height = max(7.5, 0.6 * len(stations) + 2.5)
        sh.add()
        sh.ws.add_chart(chart, f"A{sh.row + 1}")  # below the matrix: the print width stays the table's
        sh.pad_to(sh.row + 2 + math.ceil(chart.height / (LINE_HEIGHT * 2.54 / 72)))
    sh.add()

    # feelings
    sh.section(book._("How participants felt (not part of the scores)"))
    sh.header([book._("Station"), book._("Answers"), book._("Comfortable"), book._("Uncomfortable"),
               book._("Frightened"), book._("Would not come alone at night")])
    total = sum(int(r["feeling"].get("answers") or 0) for r in stations)
    rows = [(book._("All stations"), net.get("feeling") or {}, net.get("not_alone_at_night"), total, True)]
    rows += [(r["name"] or r["station_id"], r["feeling"], r["not_alone_at_night"], r["feeling"].get("answers"), False) for r in stations]
    for name, feel, not_alone, answers, bold in rows:
        font = s.bold if bold else None
        sh.add([sh.cell(name, font=font), sh.cell(answers, fmt="0"),
                *[sh.cell(feel.get(k), fmt="0%") for k in ("comfortable", "uncomfortable", "frightening")],
                sh.cell(not_alone, fmt="0%")])
    sh.add()
    _top_ten(book, sh, widths, recs)


def _top_ten(book: Book, sh: Sheet, widths: list[float], recs: list[dict[str, Any]]) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname

    s = book.styles
    sh.section(book._("The ten most urgent recommendations"))
    action_col = 9
    span_end = max(len(widths), action_col)
    sh.spans = {action_col - 1: sum(widths[action_col - 1 : span_end])}
    top_hdr = sh.header([book._("Station"), book.col("rank"), book._("Zone"), book._("Severity"), book.col("timeframe"),
                         book.col("status"), book.col("finding"), book.col("responsible"), book.col("action")])
    if span_end > action_col:
        sh.ws.merged_cells.add(f"{get_column_letter(action_col)}{top_hdr}:{get_column_letter(span_end)}{top_hdr}")
    if not recs:
        sh.add([sh.cell(book._("No findings, so no recommendations."), font=s.italic)])
    for r in recs[:10]:
        sheet = book.station_sheets.get(str(r["station_id"]))
        row = sh.add([
            sh.text(r["station"], location=f"{quote_sheetname(sheet)}!A1") if sheet else sh.text(r["station"]),
            r["rank"],
            sh.text(book.zone(r["zone"])),
            sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"])),
            sh.text(timeframe_label(r["timeframe"], book.lang)),
            sh.cell(status_label(r["status"], book.lang)),
            sh.text(book.item(r["item"], r["principle"]) or r["finding"]),
            sh.text(r["responsible"]),
            sh.text(r["action"]),
        ])
        if span_end > action_col:
            sh.ws.merged_cells.add(f"{get_column_letter(action_col)}{row}:{get_column_letter(span_end)}{row}")
    sh.spans = {}
