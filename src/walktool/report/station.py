"""One sheet per station: key figures, principle scores, its ranked recommendations, then its findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walktool.report.cells import Book, Sheet, colour_scale, local_datetime, parse_date, plain
from walktool.report.data import (
    MAX_FINDINGS_PER_STATION,
    MAX_THUMBNAILS_PER_STATION,
    SEVERITY_ORDER,
    THUMBNAIL_PX,
    PhotoIndex,
    relative_link,
    sorted_findings,
    thumbnail,
)
from walktool.report.labels import finding_text, principle_label, status_label, timeframe_label
from walktool.report.summary import participants_value

if TYPE_CHECKING:
    import pandas as pd

CHART_ANCHOR = "E4"
CHART_ROWS = 20  # the radar chart covers rows 4–23 beside the card and the principle scores
WIDTHS = [28, 44, 12, 11, 17, 24, 12, 17, 12, 6, 12]
"""Column widths; the same columns serve the key figures, the recommendations and the findings:

=====  ===================  ===================  ====================
col    recommendations      findings             key figures
=====  ===================  ===================  ====================
A      finding              finding (answer)     figure
B      action               comment              value
C–E    zone, severity, timeframe / zone, severity, date
F      responsible party    photo
G      status               period
H      owner                preview
I–K    due date, rank, id
=====  ===================  ===================  ====================
"""


def station_sheet(
    book: Book,
    rec: dict[str, Any],
    summary: Any,
    found: pd.DataFrame | None,
    recs: list[dict[str, Any]],
    photos: PhotoIndex,
) -> None:
    """Write the sheet of one station."""
    from openpyxl.utils import quote_sheetname

    s = book.styles
    sid = str(rec["station_id"])
    sh = Sheet(book, book.station_sheets[sid], WIDTHS, freeze="A3", title_rows="1:2")
    net = summary.network.get("period") or {}
    sh.add([sh.cell(rec["name"] or sid, font=s.title)], height=22)
    campaign = book._("Campaign")
    sh.add([sh.cell(f"{campaign} {book.campaign} · {net.get('first') or '?'} – {net.get('last') or '?'}", font=s.subtitle),
            None, None, None, None, sh.cell(book._("← Summary"), location=f"{quote_sheetname(book.names['summary'])}!A1")])
    sh.add()
    _key_figures(book, sh, rec)
    sh.add()
    _principles(book, sh, rec, summary)
    sh.pad_to(max(4 + CHART_ROWS + 1, sh.row + 2))
    _recommendations(book, sh, recs)
    sh.add()
    _findings(book, sh, found, photos)


def _key_figures(book: Book, sh: Sheet, rec: dict[str, Any]) -> None:
    s = book.styles
    sid = str(rec["station_id"])
    f = rec["findings"]
    feel = rec["feeling"]
    hot = ", ".join(f"{book.zone(h['zone']) or h['zone']} ({h['findings']})" for h in rec.get("hotspots") or [])
    participants = participants_value(book, rec)
    low = rec["low_confidence"] and not isinstance(participants, str)
    by_severity = book._("critical {critical} · high {high} · medium {medium} · low {low}", **{k: f.get(k, 0) for k in SEVERITY_ORDER})
    card: list[tuple[str, Any, str | None]] = [
        (book._("Station id"), sid, None),
        (book._("Score (0–100)"), rec["score"], "0"),
        (book._("Observations"), rec["observations"], "#,##0"),
        (book._("Participants"), participants, "0"),
        (book._("Walks"), rec["walks"], "0"),
        (book._("Findings"), sum(int(v or 0) for v in f.values()), "0"),
        (book._("By severity"), by_severity, None),
        (book._("Comfortable"), feel.get("comfortable"), "0%"),
        (book._("Uncomfortable"), feel.get("uncomfortable"), "0%"),
        (book._("Frightened"), feel.get("frightening"), "0%"),
        (book._("Would not come alone at night"), rec.get("not_alone_at_night"), "0%"),
        (book._("Zones with the most findings"), hot or "–", None),
    ]
    for text, value, fmt in card:
        bold = s.bold if fmt == "0" and text == book._("Score (0–100)") else None
        sh.add([sh.cell(text, font=s.bold, fill=s.card_fill), sh.text(value, fmt=fmt, font=bold)])
    notes = []
    if low:
        notes.append(book._("⚠ low confidence: fewer than {n} participants", n=book.protocol.low_confidence_participants))
    if isinstance(participants, str):
        notes.append(book._("These findings come from a facilitator's findings table, which names no participants."))
    if feel.get("answers"):
        notes.append(book._("Feelings: {n} answers (not part of the scores).", n=feel.get("answers")))
    for note in notes:  # one line each, running over the empty cells to its right
        sh.add([sh.cell(note, font=s.warn if note.startswith("⚠") else s.italic)])


def _principles(book: Book, sh: Sheet, rec: dict[str, Any], summary: Any) -> None:
    from openpyxl.chart import RadarChart, Reference
    from openpyxl.formatting.rule import ColorScaleRule

    principles: list[str] = list(summary.principles)
    sh.section(book._("Principles"))
    hdr = sh.header([book._("Principle"), book._("Score (0–100)"), book._("Findings")])
    by_principle = rec.get("findings_by_principle") or {}
    for key in principles:
        n_found = sum(int(v or 0) for v in (by_principle.get(key) or {}).values())
        sh.add([principle_label(book.protocol, key, book.lang), sh.cell(rec["principles"].get(key), fmt="0"), n_found])
    end = sh.row
    sh.ws.conditional_formatting.add(f"B{hdr + 1}:B{end}", colour_scale(ColorScaleRule))
    radar = RadarChart()
    radar.type = "marker"
    radar.style = 26
    radar.title = book._("Scores by principle (0–100)")
    radar.legend = None
    radar.add_data(Reference(sh.ws, min_col=2, min_row=hdr, max_row=end), titles_from_data=True)
    radar.set_categories(Reference(sh.ws, min_col=1, min_row=hdr + 1, max_row=end))
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.width = 14
    radar.height = 10
    sh.ws.add_chart(radar, CHART_ANCHOR)


def _recommendations(book: Book, sh: Sheet, recs: list[dict[str, Any]]) -> None:
    s = book.styles
    sh.section(book._("Recommendations ({n}), most urgent first — fill in the follow-up in the “{sheet}” sheet",
                      n=len(recs), sheet=book.names["recommendations"]))
    sh.header([book.col("finding"), book.col("action"), book._("Zone"), book._("Severity"), book.col("timeframe"),
               book.col("responsible"), book.col("status"), book.col("owner"), book.col("due_date"),
               book.col("rank"), book.col("id")])
    if not recs:
        sh.add([sh.cell(book._("No findings, so no recommendations."), font=s.italic)])
    for r in recs:
        finding = book.item(r["item"], r["principle"]) or r["finding"]
        if r.get("to_verify"):
            finding = f"{finding} — {book._('to verify on site')}"
        sh.add([
            sh.text(finding),
            sh.text(r["action"]),
            sh.text(book.zone(r["zone"])),
            sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"])),
            sh.text(timeframe_label(r["timeframe"], book.lang)),
            sh.text(r["responsible"]),
            sh.text(status_label(r["status"], book.lang)),
            sh.text(r["owner"]),
            sh.cell(parse_date(r["due_date"]), fmt="yyyy-mm-dd"),
            sh.cell(r["rank"], align=s.centre),
            sh.cell(r["id"]),
        ])


def _findings(book: Book, sh: Sheet, found: pd.DataFrame | None, photos: PhotoIndex) -> None:
    s = book.styles
    n = 0 if found is None else len(found)
    sh.section(book._("Findings ({n})", n=n))
    sh.header([book._("Finding (answer)"), book._("Comment"), book._("Zone"), book._("Severity"), book._("Date"),
               book._("Photo"), book._("Period"), book._("Preview")])
    rows = sorted_findings(found, book.item)
    if rows is None or rows.empty:
        sh.add([sh.cell(book._("No findings at this station."), font=s.italic)])
        return
    shown = 0
    more = len(rows) - MAX_FINDINGS_PER_STATION
    rows = rows.head(MAX_FINDINGS_PER_STATION)  # most severe first: an archive's thousands are in the Observations
    answers = rows["answer"] if "answer" in rows else [None] * len(rows)
    texts: dict[tuple[Any, Any, Any], str] = {}  # one wording per distinct (item, principle, answer)
    for r, answer in zip(rows.to_dict("records"), answers, strict=True):
        photo = plain(r.get("photo"))
        photo_cell: Any = None
        thumb = None
        height = None
        if photo:
            path = photos.find(str(photo))
            if path is not None:
                photo_cell = sh.text(str(photo), link=relative_link(path, book.out))
                if shown < MAX_THUMBNAILS_PER_STATION:
                    thumb = thumbnail(path)
                    if thumb is not None:
                        shown += 1
                        height = THUMBNAIL_PX[1] * 0.75 + 6  # pixels → points, with a margin
            else:
                photo_cell = sh.text(str(photo))
        key = (r.get("item"), r.get("principle"), plain(answer))
        if key not in texts:
            texts[key] = finding_text(book.protocol, key[0], key[1], key[2], book.lang)
        row = sh.add([
            sh.text(texts[key]),
            sh.text(r.get("comment")),
            sh.text(book.zone(r["zone"])),
            sh.cell(book.severity(r["severity"]), font=s.severity.get(str(r["severity"]))),
            sh.cell(local_datetime(r.get("local_time")), fmt="yyyy-mm-dd hh:mm"),
            photo_cell,
            sh.text(book.period(r["period"])),
        ], height=height)
        if thumb is not None:
            sh.ws.add_image(thumb, f"H{row}")
            book.thumbnails += 1
    if shown >= MAX_THUMBNAILS_PER_STATION:
        sh.add([sh.cell(book._("(previews limited to the first {n} photos)", n=MAX_THUMBNAILS_PER_STATION), font=s.italic)])
    if more > 0:
        sh.add([sh.cell(book._("… and {n} less severe findings: every observation is in the Observations sheet or, for a large campaign, in the file the Method sheet names.", n=more), font=s.italic)])
