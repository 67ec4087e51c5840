"""Reading PDFs back for layout tests: text lines with their boxes, per page (pdfminer.six)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One line of text on a page, with its box in PDF points (origin bottom left)."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_lines(path: Path) -> list[list[Line]]:
    """Every page's text lines, top to bottom."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    pages: list[list[Line]] = []
    params = LAParams(line_margin=0.1, char_margin=1.0, boxes_flow=None)
    for n, layout in enumerate(extract_pages(str(path), laparams=params), 1):
        lines: list[Line] = []
        stack = list(layout)
        while stack:
            element = stack.pop()
            if isinstance(element, LTTextLine):
                text = " ".join(element.get_text().replace("\u00a0", " ").split())
                if text:
                    lines.append(Line(n, text, element.x0, element.y0, element.x1, element.y1))
            elif isinstance(element, LTTextContainer):
                stack.extend(element)
        lines.sort(key=lambda ln: (-ln.y1, ln.x0))
        pages.append(lines)
    return pages


def overlaps(lines: list[Line], *, tolerance: float = 0.8) -> list[tuple[Line, Line]]:
    """Pairs of lines whose boxes overlap (by more than ``tolerance`` points both ways)."""
    found = []
    ordered = sorted(lines, key=lambda ln: ln.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.x0 >= a.x1 - tolerance:
                break
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > tolerance and dy > tolerance:
                found.append((a, b))
    return found


def footer_sheet(lines: list[Line], sheets: list[str]) -> str | None:
    """The sheet a page of a LibreOffice-printed workbook belongs to (its footer names it)."""
    bottom = sorted(lines, key=lambda ln: ln.y0)[:4]
    for line in bottom:
        for name in sorted(sheets, key=len, reverse=True):
            if line.text == name or line.text.startswith(name + " "):
                return name
    return None
