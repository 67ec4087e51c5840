"""The comparison as an Excel workbook: stations, principles, findings and the method."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.compare.labels import (
    adjust_name,
    item_reason_text,
    method_lines,
    reason_text,
    text,
    verdict,
)

if TYPE_CHECKING:
    from walktool.compare.core import Comparison
    from walktool.protocol import Protocol

_FINDING_SHEETS = {"new": ("Nouveaux", "New"), "persistent": ("Persistants", "Persistent"), "resolved": ("Résolus", "Resolved"), "unverified": ("Non revus", "Not revisited")}


def _figures(rec: dict[str, Any], lang: str) -> list[Any]:
    ci = rec.get("ci")
    return [
        rec["before"], rec["after"], rec["delta"],
        None if ci is None else ci[0], None if ci is None else ci[1],
        rec["p"], rec["p_adjusted"], verdict(rec, lang), reason_text(rec, lang),
        rec["n_before"], rec["n_after"],
    ]


def write_compare_workbook(comparison: Comparison, out: str | Path, lang: str = "fr", protocol: Protocol | None = None) -> Path:
    """An Excel workbook of the comparison.

    Sheets: ``Stations`` (before, after, Δ, its 95 % interval, p, adjusted p, the verdict
    — yes, no or cannot tell — and why, the units on each side), principles, the four
    finding lists, and the method (unit, test, correction, items left out).  With
    ``protocol``, zones, principles and severities are written as their labels in ``lang``.
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font

    method = comparison.method
    unit_word = text(method.get("unit", "walk"), lang)
    adj = adjust_name(method.get("adjust", "holm"), lang)
    figures_header = [
        f"{text('before', lang)} ({comparison.before})", f"{text('after', lang)} ({comparison.after})", "Δ",
        text("ci_low", lang), text("ci_high", lang), "p", text("p_adjusted", lang, method=adj), text("verdict", lang),
        text("reason", lang), text("units_before", lang, unit=unit_word).capitalize(), text("units_after", lang, unit=unit_word).capitalize(),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "Stations"
    ws.append([text("station", lang), *figures_header, text("participants_before", lang), text("participants_after", lang)])
    for s in comparison.stations:
        ws.append([s["name"], *_figures(s, lang), s["participants_before"], s["participants_after"]])
    _style(ws, Font, {"A": 30, "J": 60})
    if comparison.stations:
        last = len(comparison.stations) + 1
        ws.conditional_formatting.add(f"D2:D{last}", ColorScaleRule(start_type="num", start_value=-30, start_color="E66101", mid_type="num", mid_value=0, mid_color="F7F7F7", end_type="num", end_value=30, end_color="5E3C99"))

    sheet = wb.create_sheet(text("principles_sheet", lang))
    sheet.append([text("station", lang), text("principle", lang), *figures_header])
    for s in comparison.stations:
        for key, rec in s["principles"].items():
            if rec["before"] is None and rec["after"] is None:
                continue
            sheet.append([s["name"], _label(protocol, "principle", key, lang), *_figures(rec, lang)])
    _style(sheet, Font, {"A": 30, "B": 40, "K": 60})

    for key, (fr_name, en_name) in _FINDING_SHEETS.items():
        sheet = wb.create_sheet(fr_name if lang == "fr" else en_name)
        sheet.append(["Station", "Zone", text("principle", lang), text("item", lang), "Gravité" if lang == "fr" else "Severity", "Observations", "Participant·es" if lang == "fr" else "Participants"])
        for f in comparison.findings[key]:
            sheet.append([f["station"], _label(protocol, "zone", f["zone"], lang), _label(protocol, "principle", f["principle"], lang), f[f"label_{lang}"] or f["item"], _label(protocol, "severity", f["severity"], lang), f["observations"], f["participants"]])
        _style(sheet, Font, {"A": 30, "D": 50})

    sheet = wb.create_sheet(text("method", lang))
    for label, value in method_lines(method, comparison.items, lang):
        sheet.append([label, value])
    for row in comparison.items.get("left_out", []):
        sheet.append([f"  {row['item']}", item_reason_text(row["reason"], lang)])
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    for cell in sheet["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110

    for ws_ in wb.worksheets:  # field text is never a formula
        for row in ws_.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _style(sheet: Any, font: Any, widths: dict[str, int]) -> None:
    for cell in sheet[1]:
        cell.font = font(bold=True)
    sheet.freeze_panes = "B2" if sheet.title == "Stations" else "A2"
    for col in "BCDEFGHIJKLMN":
        sheet.column_dimensions[col].width = 14
    for col, width in widths.items():
        sheet.column_dimensions[col].width = width


def _label(protocol: Protocol | None, kind: str, value: str | None, lang: str) -> str | None:
    if protocol is None or value is None:
        return value
    if kind == "principle":
        try:
            return protocol.principle(value).label.get(lang)
        except KeyError:
            return value
    vocabulary = protocol.zones if kind == "zone" else protocol.severities
    return vocabulary.label(value, lang)
