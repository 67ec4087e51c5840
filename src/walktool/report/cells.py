"""Cells, styles and sheets of the write-only workbook: safe values, row heights, print set-up."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import Translator, translator
from walktool.report.labels import column_label, item_short

if TYPE_CHECKING:
    from walktool.project import Project
    from walktool.protocol import Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these is written as a quote-prefixed string, never a formula."""
EXCEL_MAX_ROWS = 1_048_576
SCORE_COLOURS = ("F8696B", "FFEB84", "63BE7B")  # 0 red, 50 yellow, 100 green
LINE_HEIGHT = 14.5
"""Points per line of 11-pt text (Calibri, and Carlito or DejaVu where LibreOffice substitutes them)."""
CHARS_PER_WIDTH = 1.15
"""Characters of ordinary text a column holds per unit of width (a unit is the width of a ``0``)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names for ``names``, in order (deterministic).

    Excel forbids ``[ ] : * ? / \\``, a leading or trailing apostrophe, more than
    31 characters and two names differing only by case.  Forbidden characters
    become ``-``; long names are cut at 31 characters; a name already taken (or in
    ``reserved``) gets `` (2)``, `` (3)`` … within the 31 characters.

    >>> sheet_names(["Longueuil–Université-de-Sherbrooke", "Square-Victoria–OACI"])
    ['Longueuil–Université-de-Sherbro', 'Square-Victoria–OACI']
    >>> sheet_names(["A/B", "a-b"])
    ['A-B', 'a-b (2)']
    """
    used = {r.casefold() for r in reserved} | {"history"}  # "History" is reserved by Excel
    out = []
    for raw in names:
        base = _BAD_SHEET_CHARS.sub("-", str(raw)).strip().strip("'").strip() or "Station"
        base = base[:31].rstrip().rstrip("'")
        candidate, n = base, 2
        while candidate.casefold() in used:
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)].rstrip().rstrip("'") + suffix
            n += 1
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def plain(value: Any) -> Any:
    """A value openpyxl can write: None for NaN / NA, Python scalars for numpy ones."""
    if value is None or isinstance(value, str | bool | int | dt.date | dt.time):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        try:
            return plain(value.item())
        except (ValueError, TypeError):
            return str(value)
    return value


def needs_cleaning(text: str) -> bool:
    """Whether ``text`` holds characters XML cannot carry."""
    return _CONTROL.search(text) is not None


def _set_value(cell: Any, value: Any) -> None:
    """Put ``value`` in ``cell``; text that Excel would read as a formula stays text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def wrapped_lines(text: Any, width: float, *, size: float = 11) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` characters wide.

    Words are laid out one by one, as a spreadsheet wraps them, on
    :data:`CHARS_PER_WIDTH` characters per unit of width (scaled for the font
    ``size``); a word longer than the line is broken.
    """
    if text is None:
        return 1
    text = str(text)
    if not text:
        return 1
    capacity = max(1.0, (width - 1) * CHARS_PER_WIDTH * 11 / size)
    total = 0
    for part in text.splitlines() or [""]:
        lines, used = 1, 0.0
        for word in part.split(" "):
            n = len(word)
            if used == 0:
                used = n
            elif used + 1 + n <= capacity:
                used += 1 + n
            else:
                lines += 1
                used = n
            while used > capacity:
                lines += 1
                used -= capacity
        total += lines
    return total


def row_height(lines: int, *, size: float = 11) -> float:
    """The row height (points) for ``lines`` lines of ``size``-point text, with a margin."""
    return round(LINE_HEIGHT * size / 11 * max(lines, 1) + 3, 1)


def parse_date(text: Any) -> dt.date | None:
    """``2023-11-14…`` → a date; None otherwise."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def local_datetime(text: Any) -> dt.datetime | None:
    """``2023-11-14T20:00:00-05:00`` → the local wall-clock time (Excel has no time zones)."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.datetime.fromisoformat(text[:19]) if len(text) >= 16 else dt.datetime.fromisoformat(text[:10])
    except ValueError:
        return None


class Styles:
    """The report's fonts, fills and alignments, created once per workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.title = Font(bold=True, size=15, color="1F3864")
        self.subtitle = Font(italic=True, color="595959")
        self.section = Font(bold=True, size=12, color="1F3864")
        self.header = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="1F4E78")
        self.bold = Font(bold=True)
        self.italic = Font(italic=True, color="595959")
        self.link = Font(color="0563C1", underline="single")
        self.warn = Font(color="C00000")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.centre = Alignment(vertical="top", horizontal="center")
        self.header_align = Alignment(wrap_text=True, vertical="top")
        self.card_fill = PatternFill("solid", fgColor="F2F2F2")
        self.box = Border(bottom=Side(style="thin", color="BFBFBF"))
        sev = {"critical": "C00000", "high": "E26B0A", "medium": "BF8F00", "low": "548235"}
        self.severity = {k: Font(bold=True, color=v) for k, v in sev.items()}


class Sheet:
    """A write-only worksheet: row counter, widths, frozen panes, print set-up and row heights.

    Every cell is top-aligned; a row holding wrapped text gets the height its
    longest cell needs (estimated from the text and the column width, see
    :func:`wrapped_lines`), so printed rows never run into each other.
    """

    def __init__(
        self,
        book: Book,
        title: str,
        widths: Sequence[float],
        *,
        freeze: str | None = "A2",
        title_rows: str | None = "1:1",
    ) -> None:
        from openpyxl.utils import get_column_letter

        ws = book.wb.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if freeze:
            ws.freeze_panes = freeze
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 1  # US Letter, the paper of Québec offices
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_options.horizontalCentered = True
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.left.size = 8
        ws.oddFooter.right.text = "&P / &N"
        ws.oddFooter.right.size = 8
        if title_rows:
            ws.print_title_rows = title_rows
        self.ws = ws
        self.book = book
        self.title = title
        self.widths = list(widths)
        self.row = 0
        self.spans: dict[int, float] = {}
        """Column index (0-based) → the width a cell there really has (merged across columns)."""

    def cell(
        self,
        value: Any,
        *,
        font: Any = None,
        fill: Any = None,
        align: Any = None,
        fmt: str | None = None,
        link: str | None = None,
        location: str | None = None,
    ) -> Any:
        """A styled write-only cell holding ``value`` (text is formula-safe; top-aligned by default)."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws)
        if link or location:
            from openpyxl.worksheet.hyperlink import Hyperlink

            cell.hyperlink = Hyperlink(ref="", target=link, location=location)
            font = font or self.book.styles.link
        self.book.style(cell, font, fill, align or self.book.styles.top, fmt)
        _set_value(cell, value)
        return cell

    def text(self, value: Any, **kwargs: Any) -> Any:
        """A wrapped, top-aligned text cell."""
        return self.cell(value, align=self.book.styles.wrap, **kwargs)

    def width(self, index: int) -> float:
        """The width of column ``index`` (0-based), or of its merged span."""
        if index in self.spans:
            return self.spans[index]
        return self.widths[index] if index < len(self.widths) else 8.43

    def needed_height(self, values: Sequence[Any]) -> float | None:
        """The height a row of ``values`` needs for its wrapped cells, or None for one line."""
        lines = 1
        for i, value in enumerate(values):
            if not hasattr(value, "coordinate"):
                continue
            align = value.alignment
            if not (align is not None and align.wrap_text) or value.value is None:
                continue
            size = float(value.font.sz or 11) if value.font is not None else 11.0
            scaled = wrapped_lines(value.value, self.width(i), size=size)
            lines = max(lines, math.ceil(scaled * size / 11))
        return row_height(lines) if lines > 1 else None

    def add(self, values: Sequence[Any] = (), *, height: float | None = None) -> int:
        """Append one row (plain values or cells, all top-aligned); return its row number."""
        self.row += 1
        row = [value if hasattr(value, "coordinate") else self.cell(value) for value in values]
        needed = self.needed_height(row)
        if needed or height:
            self.ws.row_dimensions[self.row].height = max(needed or 0, height or 0)
        self.ws.append(row)
        return self.row

    def header(self, labels: Sequence[str]) -> int:
        """Append a header row in the report's header style (wrapped, top-aligned)."""
        s = self.book.styles
        return self.add([self.cell(text, font=s.header, fill=s.header_fill, align=s.header_align) for text in labels])

    def section(self, text: str) -> int:
        """Append a section title."""
        return self.add([self.cell(text, font=self.book.styles.section)], height=20)

    def pad_to(self, row: int) -> None:
        """Append blank rows until the next row is ``row``."""
        while self.row < row - 1:
            self.add()


@dataclass
class Book:
    """Everything the sheet writers share."""

    wb: Any
    project: Project
    protocol: Protocol
    lang: str
    campaign: str | None
    out: Path
    names: dict[str, str]
    station_sheets: dict[str, str]
    styles: Styles = field(default_factory=Styles)
    thumbnails: int = 0
    _style_cache: dict[tuple[int, int, int, str | None], Any] = field(default_factory=dict)

    @property
    def tr(self) -> Translator:
        """The translator of the report's language."""
        return translator(self.lang)

    def style(self, cell: Any, font: Any, fill: Any, align: Any, fmt: str | None) -> None:
        """Style a cell; each combination is registered once, then its style array is copied.

        Setting ``cell.font`` looks the font up in the workbook's style tables (a hash
        of the whole object) every time: on 100,000-row sheets that costs more than
        writing the cells.
        """
        from openpyxl.styles.cell_style import StyleArray

        key = (id(font), id(fill), id(align), fmt)
        cached = self._style_cache.get(key)
        if cached is not None:
            cell._style = StyleArray(cached)
            return
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if fmt is not None:
            cell.number_format = fmt
        self._style_cache[key] = StyleArray(cell._style)

    def _(self, message: str, **values: Any) -> str:
        """``message`` (an English msgid) in the report's language, with ``{placeholders}`` filled."""
        text = self.tr.gettext(message)
        return text.format(**values) if values else text

    def col(self, key: str) -> str:
        """The header of a Recommendations column in the report's language."""
        return column_label(key, self.lang)

    def severity(self, value: Any) -> str | None:
        return None if plain(value) is None else self.protocol.severities.label(str(value), self.lang)

    def zone(self, value: Any) -> str | None:
        return None if plain(value) is None else self.protocol.zones.label(str(value), self.lang)

    def period(self, value: Any) -> str | None:
        return None if plain(value) is None else self.protocol.periods.label(str(value), self.lang)

    def item(self, item: Any, principle: Any) -> str | None:
        """An item's short name (or its principle's)."""
        return item_short(self.protocol, item, principle, self.lang) or plain(item)


def colour_scale(rule: Any) -> Any:
    """The red–yellow–green 0–100 colour scale of scores."""
    low, mid, high = SCORE_COLOURS
    return rule(start_type="num", start_value=0, start_color=low, mid_type="num", mid_value=50, mid_color=mid,
                end_type="num", end_value=100, end_color=high)


def single_labels() -> Any:
    """Data labels showing the value only (LibreOffice otherwise adds the category and series)."""
    from openpyxl.chart.label import DataLabelList

    labels = DataLabelList()
    labels.showVal = True
    labels.showCatName = False
    labels.showSerName = False
    labels.showLegendKey = False
    labels.showPercent = False
    labels.showBubbleSize = False
    labels.showLeaderLines = False
    return labels
