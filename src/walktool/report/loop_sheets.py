"""The workbook's sheets beyond the walks: recorded incidents beside perceptions, and coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walktool.report.cells import Book, Sheet

if TYPE_CHECKING:
    from walktool.coverage import Coverage


def incidents_sheet(book: Book, doc: dict[str, Any]) -> None:
    """Perceived insecurity and recorded incidents per station (``walktool incidents compare``), gap first."""
    s = book.styles
    sh = Sheet(book, book.names["incidents"], [24, 12, 10, 11, 9, 9, 10, 12, 12], freeze="A5", title_rows="4:4")
    sh.add([sh.cell(book._("Perceived and recorded: how participants felt beside the incidents recorded near each station"), font=s.section)], height=20)
    credit = "; ".join(", ".join(str(v) for v in (x.get("publisher") or x.get("name"), x.get("licence")) if v) for x in doc["sources"])
    radius = format(doc["radius_m"], "g")
    sh.add([sh.text(book._("Incidents within {radius} m of the station or its entrances, {start} to {end}. Source: {credit}.",
                           radius=radius, start=doc["incidents_from"] or "–", end=doc["incidents_to"] or "–", credit=credit or "–"))])
    sh.spans[0] = sum(sh.widths)
    sh.add([sh.text(book._("Police records count what was reported: reporting rates differ by offence and harassment is rarely"
                           " reported. A positive gap (felt unsafe, little recorded) is a question to ask, not a verdict."),
                    font=s.italic)])
    sh.spans.pop(0, None)
    sh.header([book._("Station"), book._("Feeling unsafe"), book._("Feeling answers"), book._("Recorded incidents"),
               book._("Day"), book._("Night"), book._("Gap"), book._("Perceived rank"), book._("Recorded rank")])
    for r in doc["stations"]:
        sh.add([sh.text(r["name"]), sh.cell(r["perceived_unsafe"], fmt="0%"), r["feeling_answers"], r["recorded"],
                r["recorded_day"], r["recorded_night"], sh.cell(r["gap"], fmt="+0.00;-0.00;0.00"),
                sh.cell(r["perceived_rank"], fmt="0.00"), sh.cell(r["recorded_rank"], fmt="0.00")])
    rc = doc["rank_correlation"]
    sh.add()
    rho = "–" if rc["rho"] is None else f"{rc['rho']:+.2f} (p = {rc['p_value']:.2f})"
    sh.add([sh.text(book._("Spearman rank correlation over {n} stations: {rho}", n=rc["stations"], rho=rho))])


def coverage_sheet(book: Book, cov: Coverage) -> None:
    """Walks and participants per station × zone × day/night; the combinations never walked in red."""
    s = book.styles
    sh = Sheet(book, book.names["coverage"], [24, 14, 10, 9, 12, 13, 12], freeze="A3", title_rows="2:2")
    doc = cov.to_dict()
    sh.add([sh.cell(book._("Coverage: {walked} of {n} station × zone × period combinations walked ({night} never at night)",
                           walked=doc["walked"], n=doc["combinations"], night=doc["night_gaps"]), font=s.section)], height=20)
    sh.header([book._("Station"), book._("Zone"), book._("Period"), book._("Walks"), book._("Participants"),
               book._("Observations"), book._("Walked")])
    for c in doc["cells"]:
        walked = book._("yes") if c["walked"] else book._("never walked")
        sh.add([sh.text(c["name"]), sh.text(book.zone(c["zone"]) or c["zone"]), sh.text(book.period(c["period"])),
                c["walks"], c["participants"], c["observations"],
                sh.cell(walked, font=None if c["walked"] else s.severity.get("critical"))])
