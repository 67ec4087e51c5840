"""Findings tables: facilitators' own spreadsheets, one finding (or one stop) a row.

CSV (UTF-8, UTF-8 with BOM or Windows-1252; ``,`` ``;`` or tab) or XLSX, with
French or English headers, possibly below title rows.  The header row is the
first rows' best candidate that names at least two known columns, among them a
station or a position *and* an item, a principle, a comment or a severity (so a
README or notes are never taken for a table).  Values are kept as text: decimal
commas, ``19h30`` or ``Oui/Non`` are parsed later, by normalisation.

With a mapping file (``--map``), the header row is the one the mapping gives
(``header_row``), else the row naming the most of its columns, else the first
row: a mapping alone makes any table readable.

``__submission`` is a content hash of the row, so that importing the same sheet
again updates its observations instead of duplicating them; identical rows in one
table get ``~2``, ``~3`` … so that genuine repeats are not merged.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from walktool.columns import context_role, is_known_header
from walktool.errors import SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import (
    Probe,
    RawTable,
    decode_bytes,
    find_header_row,
    header_score,
    overflow_issues,
    read_text_rows,
    read_xlsx_sheets,
    rows_to_frame,
    sniff_separator,
)

if TYPE_CHECKING:
    import pandas as pd

    from walktool.columns import Mapping
    from walktool.protocol import Protocol

FORMAT = "findings-table"
HEADER_SCAN = 15  # non-blank rows searched for the header
# a findings header says where (a station or a position) and what (an item, a principle, a comment or a severity)
_WHERE_ROLES = frozenset({"station", "lat", "lon", "geopoint"})
# a forced --format findings-table (often with --map) settles for less: two known names, one of these
_ANCHOR_ROLES = frozenset({"station", "lat", "lon", "geopoint", "item", "principle"})
_WHAT_ROLES = frozenset({"item", "principle", "comment", "severity"})
_SEPARATORS = (",", ";", "\t")

Rows = Sequence[tuple[int, Sequence[str]]]


@lru_cache(maxsize=1)
def _default_protocol() -> Protocol:
    from walktool.protocol import default_protocol_path, load_protocol

    return load_protocol(default_protocol_path())


def _known(header: str) -> bool:
    return is_known_header(header, _default_protocol())


def _is_anchor(header: str) -> bool:
    """A header that makes a row a loose findings header: station, position, item or principle."""
    if not header.strip():
        return False
    if context_role(header) in _ANCHOR_ROLES:
        return True
    protocol = _default_protocol()
    return protocol.match_item(header) is not None or protocol.match_principle(header) is not None


def is_loose_header_row(cells: Sequence[str]) -> bool:
    """At least two recognised column names, one of them a station, position, item or principle.

    Used only once the file is known to be a findings table (detected from another
    sheet, or forced with ``--format``), e.g. when a mapping file names the station column.
    """
    return header_score(cells, _known) >= 2 and any(_is_anchor(c) for c in cells)


def _names_what(header: str) -> bool:
    """An item, principle, comment or severity column (an item's own column counts: wide tables)."""
    if not header.strip():
        return False
    role = context_role(header)
    if role is not None:
        return role in _WHAT_ROLES
    protocol = _default_protocol()
    return protocol.match_item(header) is not None or protocol.match_principle(header) is not None


def is_header_row(cells: Sequence[str]) -> bool:
    """A plausible findings header: a station-or-position column and an item / principle / comment / severity column.

    Prose (a README, notes) has rows of words, a few of which may look like column
    names; both kinds of column are needed, so such text is not taken for a table.
    """
    if header_score(cells, _known) < 2:
        return False
    return any(context_role(c) in _WHERE_ROLES for c in cells if c.strip()) and any(_names_what(c) for c in cells)


def is_other_tool_header(cells: Sequence[str]) -> bool:
    """Headers signed by Kobo, ODK or Epicollect: those have their own readers."""
    names = {c.strip().casefold() for c in cells}
    tails = {n.rsplit("/", 1)[-1] for n in names}
    return (
        {"_uuid", "_submission_time"} <= tails
        or {"_parent_index", "_parent_table_name"} <= tails  # Kobo repeat sheet
        or {"submissiondate", "key"} <= names
        or {"parent_key", "key"} <= names  # ODK repeat file
        or "ec5_uuid" in names
    )


def header_index(rows: Rows, known: Callable[[str], bool] = _known, *, loose: bool = False) -> int | None:
    """Index in ``rows`` of the header row among the first non-blank rows, or None.

    ``loose`` accepts a header by :func:`is_loose_header_row` (for files already
    known to be findings tables), else :func:`is_header_row`.
    """
    head = rows[:HEADER_SCAN]
    if not head:
        return None
    accept = is_loose_header_row if loose else is_header_row
    best = find_header_row(head, known, scan=HEADER_SCAN)
    if accept(head[best][1]):
        return best
    for i, (_, cells) in enumerate(head):
        if accept(cells):
            return i
    return None


def _split(text: str, sep: str, limit: int | None = None, file: str | None = None) -> list[tuple[int, list[str]]]:
    """Split delimited text into (line number, cells), blank rows skipped.

    With ``file`` set a broken quote raises :class:`SheetFormatError`; without it (a
    partial head, which may end inside a quoted cell) the rows read so far are kept.
    """
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
                if limit is not None and len(rows) >= limit:
                    break
            start = reader.line_num + 1
    except csv.Error as exc:
        if file is not None:
            msg = Phrase(N_("{file}: line {line_num}: cannot read this CSV ({exc}); check quotes in that line"), file=file, line_num=reader.line_num, exc=exc)
            raise SheetFormatError(msg) from exc
    return rows


def _best_separator(text: str) -> str | None:
    """The separator under which the head of ``text`` shows a findings header row.

    The shared sniffer looks at line-to-line consistency, which title rows typed
    without trailing separators can mislead; this asks which split gives a header.
    """
    sniffed = sniff_separator(text)
    best: str | None = None
    best_score = 0
    for sep in (sniffed, *[s for s in _SEPARATORS if s != sniffed]):
        rows = _split(text, sep, limit=HEADER_SCAN)
        idx = header_index(rows)
        if idx is None or is_other_tool_header(rows[idx][1]):
            continue
        score = header_score(rows[idx][1], _known)
        if score > best_score:
            best, best_score = sep, score
    return best


# ---------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    """A CSV whose first rows hold a findings header, or a workbook with such a sheet."""
    if probe.is_dir:
        return False
    if probe.is_xlsx:
        sheets = [[(n, cells) for n, cells in enumerate(rows[:HEADER_SCAN], 1)] for rows in probe.xlsx_head.values()]
        if any(is_other_tool_header(cells) for head in sheets for _, cells in head[:3]):
            return False  # a Kobo workbook: its own reader
        return any(header_index(head) is not None for head in sheets)
    text = probe.text
    if text is None or not text.strip() or text.lstrip().startswith(("<", "{", "[")):
        return False
    if probe.csv_header and is_other_tool_header(probe.csv_header):
        return False
    return _best_separator(text) is not None


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def row_hash(cells: Sequence[str]) -> str:
    """Stable content id of a row: sha1 of its non-empty cells (row number excluded)."""
    joined = "\x1f".join(c.strip() for c in cells if c.strip())
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def _submission_ids(rows: Rows) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for _, cells in rows:
        digest = row_hash(cells)
        seen[digest] = seen.get(digest, 0) + 1
        out.append(digest if seen[digest] == 1 else f"{digest}~{seen[digest]}")
    return out


def mapped_header_index(rows: Rows, mapping: Mapping, file: str, sheet: str | None) -> int | None:
    """Index in ``rows`` of the header row a mapping gives: its ``header_row``, else the row naming
    the most of its columns (the first such row), else None.

    Raises
    ------
    SheetFormatError
        When ``header_row`` is a blank row or lies beyond the sheet.
    """
    if mapping.header_row is not None:
        for i, (number, _) in enumerate(rows):
            if number == mapping.header_row:
                return i
        where = f"{file}" + (f", sheet {sheet!r}" if sheet else "")
        last = rows[-1][0] if rows else 0
        msg = (
            Phrase(N_("{where}: the mapping {value} says the column names are in row {header_row}, but that row is {value2}; fix header_row in the mapping file"), where=where, value=mapping.path.name if mapping.path else '', header_row=mapping.header_row, value2='empty' if mapping.header_row <= last else f'past the last row ({last})')
        )
        raise SheetFormatError(msg)
    best, best_score = None, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        score = sum(1 for c in cells if c.strip() and mapping.names_column(c))
        if score > best_score:
            best, best_score = i, score
    return best


def _table(
    file: str, rows: Rows, sheet: str | None, *, loose: bool = False, mapping: Mapping | None = None, first: bool = False
) -> RawTable | None:
    """The findings table of one CSV or sheet, or None when it has no header row.

    With a mapping, the header row is the mapping's (:func:`mapped_header_index`);
    ``first`` then settles for the first row when nothing else names the columns.
    """
    idx = mapped_header_index(rows, mapping, file, sheet) if mapping is not None else None
    if idx is None:
        idx = header_index(rows)
    if idx is None and loose:
        idx = header_index(rows, loose=True)
    if idx is None and first and rows:
        idx = 0
    if idx is None:
        return None
    header = list(rows[idx][1])
    data = list(rows[idx + 1 :])
    frame: pd.DataFrame = rows_to_frame(header, data)
    if sheet is not None:
        frame["__sheet"] = sheet
    frame["__submission"] = _submission_ids(data)
    issues = overflow_issues(frame, file, sheet)
    frame.attrs.pop("overflow_rows", None)
    return RawTable(FORMAT, file, frame, issues)


def _no_header(file: str) -> SheetFormatError:
    msg = (
        Phrase(N_("{file}: no header row found in the first {HEADER_SCAN} rows. A findings table needs a row of column names such as Station / Gare, Zone, Élément / Item, Gravité / Severity, Latitude, Longitude; for other column names describe them in a mapping file and pass --map MAPPING.yaml"), file=file, HEADER_SCAN=HEADER_SCAN)
    )
    return SheetFormatError(msg)


def read(probe: Probe) -> list[RawTable]:
    """Read a findings table: one raw table per CSV, or per sheet that has a header row.

    Sheets without a header row (instructions, lists of values) are skipped.

    Raises
    ------
    SheetFormatError
        When no sheet has a header row, or the CSV is broken.
    """
    path = probe.path
    file = str(path)
    mapping: Mapping | None = probe.mapping
    tables: list[RawTable] = []
    if probe.is_xlsx:
        sheets = read_xlsx_sheets(path)
        for name, sheet_rows in sheets.items():
            table = _table(file, sheet_rows, name, mapping=mapping)
            if table is not None:
                tables.append(table)
        if not tables:  # forced --format (a mapping names the columns): settle for a loose header
            tables = [t for name, sheet_rows in sheets.items() if (t := _table(file, sheet_rows, name, loose=True)) is not None]
        if not tables and mapping is not None:  # a mapping alone: the first row of each sheet
            tables = [t for name, sheet_rows in sheets.items() if (t := _table(file, sheet_rows, name, mapping=mapping, first=True)) is not None]
        if not tables:
            raise _no_header(file)
        return tables
    rows, _encoding, sep = read_text_rows(path)
    text, _ = decode_bytes(path.read_bytes())
    better = _best_separator(text[:65536])
    if better is not None and better != sep:
        rows = _split(text, better, file=file)
    table = _table(file, rows, None, loose=True, mapping=mapping, first=mapping is not None)
    if table is None:
        raise _no_header(file)
    return [table]


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
