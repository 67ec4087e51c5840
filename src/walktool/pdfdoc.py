"""What walktool's PDFs share (ReportLab): the embedded DejaVu Sans font, paragraph styles, colours.

The station brief (:mod:`walktool.report.brief`) and the paper field sheet
(:mod:`walktool.forms.paper`) are laid out with ReportLab's platypus; both embed
DejaVu Sans (bundled in ``walktool/data/fonts`` with its licence), which carries
every French accent and the ☐ ballot box, so a brief prints the same on any
machine and no font is looked up at run time.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

FONT = "WalktoolSans"
FONT_BOLD = "WalktoolSans-Bold"
SEVERITY_COLOURS = {"critical": "#C00000", "high": "#E26B0A", "medium": "#BF8F00", "low": "#548235"}
"""The colours of severities, as in the workbook and on the map."""
INK = "#1F3864"
MUTED = "#595959"
RULE = "#A6A6A6"


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the bundled DejaVu Sans (regular and bold) with ReportLab, once; return their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    base = resources.files("walktool") / "data" / "fonts"
    with resources.as_file(base / "DejaVuSans.ttf") as regular, resources.as_file(base / "DejaVuSans-Bold.ttf") as bold:
        pdfmetrics.registerFont(TTFont(FONT, str(regular)))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT, FONT_BOLD


def styles() -> dict[str, Any]:
    """The paragraph styles: ``title``, ``subtitle``, ``h2``, ``body``, ``small``, ``cell``, ``cell_bold``, ``credit``."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink, muted = HexColor(INK), HexColor(MUTED)
    return {
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=17, leading=21, textColor=ink, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=9, leading=12, textColor=muted, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=11, leading=14, textColor=ink, spaceBefore=6, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=9.5, textColor=muted),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=FONT_BOLD, fontSize=8, leading=10, textColor=HexColor("#FFFFFF")),
        "credit": ParagraphStyle("credit", fontName=FONT, fontSize=7, leading=9, textColor=muted),
    }


def escape(text: object) -> str:
    """Text safe inside a ReportLab paragraph (its mini-markup is XML)."""
    from xml.sax.saxutils import escape as xml_escape

    return xml_escape("" if text is None else str(text))
