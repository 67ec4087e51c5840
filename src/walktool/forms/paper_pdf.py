"""The paper field sheet as a PDF (``walktool protocol export --format pdf``), laid out with ReportLab.

The same stop form and findings page as the workbook's paper sheets
(:mod:`walktool.forms.paper`): one stop per Letter portrait page, answers as
boxes to tick, then a page of ruled findings rows; DejaVu Sans is embedded so
accents and ☐ print on any printer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from walktool.forms.paper import (
    FINDINGS_ROWS,
    band_colours,
    findings_headers,
    header_lines,
    paper_rows,
    severity_boxes,
)
from walktool.i18n import translator
from walktool.pdfdoc import FONT, RULE, escape, styles
from walktool.protocol import Protocol

MARGIN = 36.0


def write_paper_pdf(protocol: Protocol, path: str | Path, *, lang: str = "fr", stops: int = 1) -> int:
    """Write the paper field sheet as a PDF; return its number of pages.

    Parameters
    ----------
    protocol
        The checklist.
    path
        The ``.pdf`` file to write.
    lang
        ``fr`` or ``en``.
    stops
        How many stop pages (numbered when more than one), before the findings page.
    """
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        KeepInFrame,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    tr = translator(lang)
    st = styles()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width = LETTER[0] - 2 * MARGIN
    height = LETTER[1] - 2 * MARGIN - 14
    question = ParagraphStyle("q", parent=st["cell"], fontSize=8.0, leading=9.3)
    answer = ParagraphStyle("a", parent=st["cell"], fontSize=8.0, leading=9.3)
    band_style = ParagraphStyle("band", parent=st["cell_bold"], fontSize=9, leading=11)
    colours = band_colours(protocol)
    title = protocol.title.get(lang)
    pages = {"n": 0}

    def footer(canvas: Any, doc: Any) -> None:
        pages["n"] = doc.page
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(HexColor("#595959"))
        canvas.drawString(MARGIN, MARGIN - 10, f"{protocol.id} {protocol.version} · walktool")
        canvas.drawRightString(LETTER[0] - MARGIN, MARGIN - 10, str(doc.page))
        canvas.restoreState()

    story: list[Any] = []
    rows = paper_rows(protocol, lang)
    for stop in range(1, stops + 1):
        number = tr.gettext("Stop no. {n}").format(n=stop) if stops > 1 else tr.gettext("Stop no. ____")
        page: list[Any] = [
            Paragraph(escape(tr.gettext("Stop form")) + f"    <font size=11>{escape(number)}</font>", st["title"]),
            Paragraph(escape(f"{title} · {protocol.id} {protocol.version}"), st["subtitle"]),
        ]
        page += [Paragraph(escape(text), ParagraphStyle("h", parent=st["body"], fontSize=9.5, leading=13.5)) for text in header_lines(protocol, lang)]
        page.append(Spacer(1, 4))
        data: list[list[Any]] = []
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(RULE)),
                 ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        for row in rows:
            if row.kind == "band":
                n = len(data)
                data.append([Paragraph(escape(row.text), band_style), "", ""])
                style += [("SPAN", (0, n), (-1, n)), ("BACKGROUND", (0, n), (-1, n), HexColor("#" + colours.get(row.band, "D9D9D9")))]
            else:
                data.append([Paragraph(f"{row.number}.", question), Paragraph(escape(row.text), question), Paragraph(escape(row.answers), answer)])
        table = Table(data, colWidths=[width * 0.05, width * 0.55, width * 0.40], hAlign="LEFT")
        table.setStyle(TableStyle(style))
        page.append(table)
        page.append(Spacer(1, 2))
        lines = Table([[tr.gettext("Comments:")], [""], [""], [""], [tr.gettext("Photo numbers:")]], colWidths=[width], rowHeights=[16] * 5, hAlign="LEFT")
        lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, HexColor("#7F7F7F")), ("FONT", (0, 0), (-1, -1), FONT, 9),
                                   ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
        page.append(lines)
        story.append(KeepInFrame(width, height, page, mode="shrink", hAlign="LEFT"))  # one stop, one page, whatever the protocol
        story.append(PageBreak())

    story.append(Paragraph(escape(tr.gettext("Free findings: one problem a row")) + f" — {escape(title)}", st["title"]))
    story.append(Paragraph(escape(header_lines(protocol, lang)[0]), ParagraphStyle("h", parent=st["body"], fontSize=9.5, leading=15)))
    story.append(Spacer(1, 4))
    sev = severity_boxes(protocol, lang)
    small = ParagraphStyle("s", parent=st["cell"], fontSize=7.5, leading=9)
    grid: list[list[Any]] = [[Paragraph(escape(h), st["cell_bold"]) for h in findings_headers(lang)]]
    grid += [["", "", "", Paragraph(escape(sev), small), "", ""] for _ in range(FINDINGS_ROWS)]
    ruled = Table(grid, colWidths=[width * f for f in (0.15, 0.10, 0.20, 0.16, 0.31, 0.08)],
                  rowHeights=[16] + [36] * FINDINGS_ROWS, repeatRows=1)
    ruled.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, HexColor("#7F7F7F")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), HexColor("#D9D9D9"))]))
    story.append(ruled)
    doc = SimpleDocTemplate(str(path), pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4, title=tr.gettext("Stop form") + f" — {title}", author="walktool", lang=lang)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return pages["n"]
