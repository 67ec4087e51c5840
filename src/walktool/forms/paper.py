"""The paper field sheet: one stop per Letter page with its answers to tick, and a page of ruled findings.

Volunteers walk with a clipboard: the stop form puts the station, zone, date,
time and period at the top, then every question grouped by principle with its
answers printed as boxes to tick (``☐ Oui  ☐ Non  ☐ S.O.``, the scale's
choices, or a blank for a number), then ruled lines for comments and photo
numbers.  The findings page has ruled rows for anything else.

:func:`paper_rows` is the layout both outputs share: the workbook's « Fiche
d'arrêt » / « Stop form » and « Constats (papier) » / « Findings (paper) »
sheets (:func:`add_paper_sheets`, written with the rest of the field sheet by
:mod:`walktool.forms.fieldsheet`) and the PDF of ``protocol export --format pdf``
(:mod:`walktool.forms.paper_pdf`).  Answers written on paper are typed into the
« Grille » / « Checklist » sheet, which ``walktool import`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from walktool.forms._common import PERCEPTION_LABEL, ordered_items
from walktool.i18n import translator
from walktool.protocol import PERCEPTION, Item, Protocol

BOX = "☐"
NBSP = "\u00a0"
GAP = NBSP * 2 + " "
"""Between two answers: a visible gap that may still wrap."""
PRINCIPLE_COLOURS = ("DDEBF7", "FFF2CC", "E2EFDA", "FCE4D6", "EDE1F5", "D9F2F2", "F2F2F2")
STOP_WIDTHS = (4.0, 58.0, 36.0)
"""Stop form columns: number, question, answers (character widths)."""
FINDINGS_WIDTHS = (15.0, 10.0, 22.0, 17.0, 34.0, 8.0)
"""Findings page columns: station, zone, question or principle, severity, comment, photo number."""
FINDINGS_ROWS = 12
TEXT_SIZE = 10.0
PRINTABLE_PT = {"portrait": (554.0, 706.0), "landscape": (706.0, 554.0)}
"""Letter with 0.4-inch side and 0.5-inch top and bottom margins, less the footer: width, height in points."""


@dataclass(frozen=True)
class PaperRow:
    """One row of the stop form: a principle band or a question with its answers.

    Attributes
    ----------
    kind
        ``band`` or ``item``.
    text
        The principle's name, or the question.
    answers
        What to tick or fill (``☐ Oui   ☐ Non``), empty for a band.
    band
        The principle key (``perception`` for how participants feel).
    number
        The question's number on the form (1, 2, …), 0 for a band.
    """

    kind: str
    text: str
    answers: str = ""
    band: str = ""
    number: int = 0


def answer_boxes(item: Item, lang: str) -> str:
    """The answers of ``item`` as printed on paper: boxes to tick, or a blank to fill."""
    tr = translator(lang)
    if item.answer.choices:
        def word(text: str) -> str:  # a choice never breaks across lines
            return text.replace(" ", NBSP)

        if item.kind == "scale":
            return GAP.join(f"{BOX}{NBSP}{c.value}{NBSP}{word(c.label.get(lang))}" for c in item.answer.choices)
        return GAP.join(f"{BOX}{NBSP}{word(c.label.get(lang))}" for c in item.answer.choices)
    if item.kind == "count":
        return tr.gettext("________ (how many)")
    if item.kind == "number":
        unit = item.answer.unit or ""
        return f"________ {unit}".rstrip()
    return "_" * 38


def paper_rows(protocol: Protocol, lang: str) -> list[PaperRow]:
    """The stop form's rows: each principle's band, then its questions; how participants feel last."""
    rows: list[PaperRow] = []
    labels = {p.key: p.label.get(lang) for p in protocol.principles}
    labels[PERCEPTION] = PERCEPTION_LABEL.get(lang)
    current = None
    for number, item in enumerate(ordered_items(protocol), 1):
        if item.principle != current:
            current = item.principle
            rows.append(PaperRow("band", labels.get(current, current), band=current))
        rows.append(PaperRow("item", item.label.get(lang), answer_boxes(item, lang), item.principle, number))
    return rows


def band_colours(protocol: Protocol) -> dict[str, str]:
    """Principle key → the fill of its band (the same as the checklist's)."""
    colours = {p.key: PRINCIPLE_COLOURS[n % len(PRINCIPLE_COLOURS)] for n, p in enumerate(protocol.principles)}
    colours[PERCEPTION] = PRINCIPLE_COLOURS[-1]
    return colours


def header_lines(protocol: Protocol, lang: str) -> list[str]:
    """The fields at the top of a stop: participant, date, time, station, period and zone (boxes)."""
    tr = translator(lang)
    zones = GAP.join(f"{BOX}{NBSP}{c.label.get(lang)}" for c in protocol.zones.choices)
    periods = GAP.join(f"{BOX}{NBSP}{c.label.get(lang)}" for c in protocol.periods.choices)
    return [
        tr.gettext("Participant: ______________________    Date: ____ / ____ / ________    Time: ____ : ____"),
        tr.gettext("Station: ___________________________________    Period: {periods}").format(periods=periods),
        tr.gettext("Zone: {zones}").format(zones=zones),
    ]


def severity_boxes(protocol: Protocol, lang: str) -> str:
    """``☐ Faible ☐ Moyenne ☐ Élevée ☐ Critique``."""
    return GAP.join(f"{BOX}{NBSP}{c.label.get(lang)}" for c in protocol.severities.choices)


def findings_headers(lang: str) -> list[str]:
    """The findings page's column headers."""
    tr = translator(lang)
    return [tr.gettext("Station"), tr.gettext("Zone"), tr.gettext("Question or principle"), tr.gettext("Severity"),
            tr.gettext("Comment"), tr.gettext("Photo no.")]


def _height(texts: list[tuple[str, float]], size: float = TEXT_SIZE) -> float:
    from walktool.report.cells import row_height, wrapped_lines

    lines = max(wrapped_lines(text, width, size=size) for text, width in texts)
    return max(18.0, row_height(lines, size=size) + 2)


def _points(widths: tuple[float, ...]) -> float:
    """Printed width of columns, in points: a width unit is 7 px in Excel (Calibri) but up to 11 px where
    LibreOffice substitutes a wider font; plan for the wider."""
    return sum(w * 11 + 5 for w in widths) * 0.75


def _scale(width_pt: float, height_pt: float, orientation: str) -> int:
    """The print scale (percent) that fits a block on one page, with a margin for font substitution."""
    page_w, page_h = PRINTABLE_PT[orientation]
    return max(40, min(100, int(min(page_w / width_pt, page_h / height_pt) * 100 * 0.95)))


def add_paper_sheets(wb: Any, protocol: Protocol, lang: str, names: dict[str, str], *, stops: int = 1) -> None:
    """Add the stop form (``stops`` pages) and the findings page to a field-sheet workbook."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    tr = translator(lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="center")
    ruled = Border(bottom=Side(style="thin", color="7F7F7F"))
    boxed = Border(*(Side(style="thin", color="7F7F7F"),) * 4)
    colours = band_colours(protocol)
    rows = paper_rows(protocol, lang)
    title = protocol.title.get(lang)

    ws = wb.create_sheet(names["stop_form"], 1)
    for n, width in enumerate(STOP_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    r = 0
    block_height = 0.0
    breaks = RowBreak()

    def line(text: str, *, height: float, font: Any = None, fill: str | None = None, border: Any = None) -> None:
        nonlocal r, block_height
        r += 1
        cell = ws.cell(row=r, column=1, value=text or None)
        cell.alignment = centre if fill else wrap
        if font is not None:
            cell.font = font
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        if border is not None:
            for c in range(1, 4):
                ws.cell(row=r, column=c).border = border
        ws.row_dimensions[r].height = height
        block_height += height

    for stop in range(1, stops + 1):
        block_height = 0.0
        number = tr.gettext("Stop no. {n}").format(n=stop) if stops > 1 else tr.gettext("Stop no. ____")
        line(tr.gettext("Stop form") + f" — {title}    {number}", height=24, font=Font(bold=True, size=13, color="1F3864"))
        for text in header_lines(protocol, lang):
            line(text, height=_height([(text, sum(STOP_WIDTHS))], 11) + 4, font=Font(size=11))
        for row in rows:
            if row.kind == "band":
                line(row.text, height=18, font=Font(bold=True, size=TEXT_SIZE + 1), fill=colours.get(row.band, "D9D9D9"), border=boxed)
                continue
            r += 1
            height = _height([(row.text, STOP_WIDTHS[1]), (row.answers, STOP_WIDTHS[2])])
            for c, value in enumerate((f"{row.number}.", row.text, row.answers), 1):
                cell = ws.cell(row=r, column=c, value=value)
                cell.alignment = wrap
                cell.font = Font(size=TEXT_SIZE)
                cell.border = ruled
            ws.row_dimensions[r].height = height
            block_height += height
        line(tr.gettext("Comments:"), height=20, font=Font(bold=True, size=TEXT_SIZE), border=ruled)
        for _ in range(3):
            line("", height=20, border=ruled)
        line(tr.gettext("Photo numbers:"), height=22, font=Font(bold=True, size=TEXT_SIZE), border=ruled)
        if stop < stops:
            breaks.append(Break(id=r))
    ws.row_breaks = breaks
    ws.print_area = f"A1:C{r}"
    _paper_setup(ws, "portrait", _scale(_points(STOP_WIDTHS), block_height, "portrait"))

    # the findings page: ruled rows to write on
    fs = wb.create_sheet(names["findings_paper"], 2)
    for n, width in enumerate(FINDINGS_WIDTHS, 1):
        fs.column_dimensions[get_column_letter(n)].width = width
    fs.cell(row=1, column=1, value=tr.gettext("Free findings: one problem a row") + f" — {title}").font = Font(bold=True, size=13, color="1F3864")
    fs.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FINDINGS_WIDTHS))
    fs.row_dimensions[1].height = 24
    fs.cell(row=2, column=1, value=header_lines(protocol, lang)[0]).font = Font(size=11)
    fs.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(FINDINGS_WIDTHS))
    fs.row_dimensions[2].height = 22
    for c, text in enumerate(findings_headers(lang), 1):
        cell = fs.cell(row=3, column=c, value=text)
        cell.font = Font(bold=True, size=TEXT_SIZE)
        cell.alignment = wrap
        cell.border = boxed
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    fs.row_dimensions[3].height = 18
    sev = severity_boxes(protocol, lang)
    sev_height = _height([(sev, FINDINGS_WIDTHS[3])], 8.5)
    for rr in range(4, 4 + FINDINGS_ROWS):
        for c in range(1, len(FINDINGS_WIDTHS) + 1):
            cell = fs.cell(row=rr, column=c, value=sev if c == 4 else None)
            cell.border = boxed
            cell.alignment = wrap
            if c == 4:
                cell.font = Font(size=8.5)
        fs.row_dimensions[rr].height = max(36.0, sev_height)
    last = 3 + FINDINGS_ROWS
    fs.print_area = f"A1:{get_column_letter(len(FINDINGS_WIDTHS))}{last}"
    fs.print_title_rows = "3:3"
    total = 24 + 22 + 18 + FINDINGS_ROWS * max(36.0, sev_height)
    _paper_setup(fs, "landscape", _scale(_points(FINDINGS_WIDTHS), total, "landscape"))


def _paper_setup(ws: Any, orientation: str, scale: int) -> None:
    """Letter, fixed scale (manual page breaks hold: fit-to-page would ignore them), footer."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.scale = scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A – &P / &N"
    ws.oddFooter.center.size = 8
