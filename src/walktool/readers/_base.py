"""What every reader shares: the raw table contract, file probing and cell decoding.

A reader turns one file (or folder) into one or more :class:`RawTable`: a frame of
text cells, one row per *record* (a submission, a repeat instance, a finding, a
waypoint, a photo), with the file's own columns kept as they came plus a few
reserved columns the reader fills because it knows its format best:

``__row``
    The record's row number as the user sees it (spreadsheet row, CSV line,
    feature or waypoint number). Required.
``__sheet``
    Sheet or member file name inside a workbook or zip (optional).
``__submission``
    Stable id of the submission across edits (Kobo ``meta/rootUuid`` or ``_uuid``,
    ODK ``KEY``, Epicollect ``ec5_uuid``), plus ``#n`` for the n-th repeat instance.
``__time``
    ISO 8601 date-time of the observation. With an offset or ``Z`` it is absolute;
    without one it is local time in the project's time zone.
``__lat``, ``__lon``, ``__accuracy``
    Position in decimal degrees (and metres) when the format carries it in
    dedicated fields (geopoints, GPX, EXIF).
``__device``
    Device id or account name, used only to derive a pseudonym when the sheet
    names no observer; never stored or shown.
``__photo``
    Photo file name or path attached to the record.

Everything else (which column is which item, station, zone …) is worked out by
:mod:`walktool.columns` from the headers, the same way for every format.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.limits import MAX_COLUMNS, MAX_ROWS, table_too_large

if TYPE_CHECKING:
    import pandas as pd

RESERVED = ("__row", "__sheet", "__submission", "__time", "__lat", "__lon", "__accuracy", "__device", "__photo")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class RepeatFileError(SheetFormatError):
    """A repeat file (or sheet) of an export, given without the main table that brings it along.

    Attributes
    ----------
    main
        The main file found next to it, when there is one.
    format
        The format of that main file.
    """

    def __init__(self, message: str, *, main: Path | None = None, format: str | None = None) -> None:
        super().__init__(message)
        self.main = main
        self.format = format


@dataclass
class RawTable:
    """Records read from one file, before normalisation.

    Attributes
    ----------
    format
        The format name (``kobo-csv``, ``odk-central`` …).
    file
        The file as the user named it.
    frame
        Text cells (``""`` when empty), the file's columns plus the reserved ones.
    issues
        Problems found while reading (rows that could not be read are listed here
        as errors with their row number and counted as rejected).
    media_root
        Folder where photo file names resolve (e.g. an ODK zip's ``files/``).
    rejected_rows
        Rows the reader could not turn into records at all (each also has an issue).
    """

    format: str
    file: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    media_root: Path | None = None
    rejected_rows: int = 0


@dataclass(frozen=True)
class Format:
    """A registered input format."""

    name: str
    description: str
    sniff: Callable[[Probe], bool]
    read: Callable[[Probe], list[RawTable]]


class Probe:
    """Lazy facts about a file, computed once and shared by every format's sniffer.

    ``mapping`` is the user's mapping file (:class:`walktool.columns.Mapping`) when
    one was given: with it, a table no format recognises is read as a findings
    table, its header row being the one the mapping names.
    """

    def __init__(self, path: Path, mapping: Any = None) -> None:
        self.path = path
        self.suffix = path.suffix.lower()
        self.mapping = mapping

    @property
    def is_dir(self) -> bool:
        """The path is a folder."""
        return self.path.is_dir()

    @cached_property
    def head_bytes(self) -> bytes:
        """First 64 KiB of the file."""
        if self.is_dir:
            return b""
        with self.path.open("rb") as fh:
            return fh.read(65536)

    @property
    def is_zip(self) -> bool:
        """Zip container (xlsx files are zips too)."""
        return self.head_bytes[:4] == b"PK\x03\x04"

    @cached_property
    def is_xlsx(self) -> bool:
        """An Excel 2007+ workbook."""
        if not self.is_zip:
            return False
        try:
            with zipfile.ZipFile(self.path) as zf:
                return "xl/workbook.xml" in zf.namelist()
        except zipfile.BadZipFile:
            return False

    @cached_property
    def zip_names(self) -> list[str]:
        """Member names of a zip that is not a workbook."""
        if not self.is_zip or self.is_xlsx:
            return []
        try:
            with zipfile.ZipFile(self.path) as zf:
                return zf.namelist()
        except zipfile.BadZipFile:
            return []

    @property
    def is_image(self) -> bool:
        """A photo file."""
        return self.suffix in IMAGE_SUFFIXES or self.head_bytes[:3] == b"\xff\xd8\xff"

    @cached_property
    def text(self) -> str | None:
        """The start of the file decoded as text, or None for binary files."""
        if self.is_dir or self.is_zip or self.is_image:
            return None
        head = self.head_bytes[:4096]
        # NUL bytes: UTF-16 text, a few in damaged text, or a binary file
        if head.count(0) > len(head) // 10 and head[:2] not in (b"\xff\xfe", b"\xfe\xff") and _utf16_without_bom(head) is None:
            return None
        return decode_bytes(self.head_bytes, partial=True)[0]

    @cached_property
    def csv_header(self) -> list[str]:
        """The first row of a delimited text file (stripped), or []."""
        if self.text is None or self.text.lstrip().startswith(("<", "{", "[")):
            return []
        return [h.strip() for h in first_row(self.text)]

    @cached_property
    def xlsx_head(self) -> dict[str, list[list[str]]]:
        """First 30 rows of each sheet of a workbook, as text."""
        if not self.is_xlsx:
            return {}
        return {name: [cells for _, cells in rows] for name, rows in read_xlsx_sheets(self.path, max_rows=30).items()}

    def all_headers(self) -> list[str]:
        """Every header cell seen in the first row of the file or of each sheet."""
        if self.csv_header:
            return self.csv_header
        out: list[str] = []
        for rows in self.xlsx_head.values():
            if rows:
                out += [c.strip() for c in rows[0]]
        return out


# ---------------------------------------------------------------------------
# Text files
# ---------------------------------------------------------------------------


_FRENCH = frozenset("éèàçêëîïôùûüâæœÉÈÀÇÊÔ«»’–—…")
# what a wrong single-byte guess makes of accented letters: symbols inside words
_UNLIKELY = frozenset("ƒˆŽ™‰Š‹›žŸ‡·‚„∂∆∑∏π∫ªºΩ√≈≠≤≥◊ﬁﬂı˜¯˘˙˚¸˝˛ˇ¬¶§\ufffd")
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian, no BOM)",
                   "utf-16-be": "UTF-16 (big-endian, no BOM)", "cp1252": "Windows-1252", "mac-roman": "Mac Roman"}


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when text has a NUL byte beside most ASCII characters, else None."""
    head = raw[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _single_byte_score(text: str) -> int:
    """How French a single-byte decoding reads: accented letters count for, symbols inside words against."""
    score = 0
    prev = ""
    for ch in text:
        if ch in _FRENCH:
            score += 1
        if ch in _UNLIKELY or (ch.isupper() and not ch.isascii() and prev.isalpha() and prev.islower()):
            score -= 3
        prev = ch
    return score


def decode_bytes(raw: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Decode text; return (text, encoding).

    UTF-16 (with a BOM, or without one as Excel's "Unicode text" may be), UTF-8
    (with or without BOM), else the single-byte encoding that reads most like
    French: Windows-1252 or Mac Roman.  NUL bytes in 8-bit text are dropped
    (:func:`encoding_note` says so).
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        end = len(raw) - (len(raw) % 2) if partial else len(raw)
        return raw[:end].decode("utf-16", errors="replace").replace("\x00", ""), "utf-16"
    wide = _utf16_without_bom(raw)
    if wide is not None:
        end = len(raw) - (len(raw) % 2) if partial else len(raw)
        return raw[:end].decode(wide, errors="replace").replace("\x00", ""), wide
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(raw) - 4:
            return raw[: exc.start].decode("utf-8-sig"), "utf-8"
    windows = raw.decode("cp1252", errors="replace")
    mac = raw.decode("mac-roman", errors="replace")
    if _single_byte_score(mac) > _single_byte_score(windows):
        return mac, "mac-roman"
    return windows, "cp1252"


def encoding_note(path: Path, file: str) -> Issue | None:
    """A warning saying which encoding a text file was read in, when it is not UTF-8 or holds NUL bytes."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(1 << 20)
    except OSError:
        return None
    _, encoding = decode_bytes(raw, partial=True)
    nuls = raw.count(0) if encoding == "utf-8" or encoding in ("cp1252", "mac-roman") else 0
    if encoding == "utf-8" and not nuls:
        return None
    name = _ENCODING_NAMES.get(encoding, encoding)
    if nuls:
        message = f"the file holds {nuls} NUL byte(s) (a damaged or half-written file?): they were dropped, the text read as {name}"
    elif encoding.startswith("utf-16"):
        message = f"read as {name} (Excel's \"Unicode text\"); nothing to do"
    else:
        message = (
            f"not UTF-8: read as {name}; if accented letters look wrong, save the file as \"CSV UTF-8\""
            " and import it again"
        )
    return Issue("encoding-detected", message, "warning", file=file, value=encoding)


def sniff_separator(text: str) -> str:
    """Pick ``,`` ``;`` or tab: the one splitting the first lines most consistently."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()][:10]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for sep in (",", ";", "\t"):
        counts = [len(next(csv.reader([ln], delimiter=sep), [])) - 1 for ln in lines]
        if max(counts) == 0:
            continue
        # the most common non-zero count: title rows above the header do not vote
        freq: dict[int, int] = {}
        for c in counts:
            if c:
                freq[c] = freq.get(c, 0) + 1
        modal, consistent = max(freq.items(), key=lambda kv: (kv[1], kv[0]))
        score = consistent * 1000 + modal
        if score > best_score:
            best, best_score = sep, score
    return best


def read_text_rows(path: Path) -> tuple[list[tuple[int, list[str]]], str, str]:
    """Read a delimited text file: ([(line number, cells)], encoding, separator).

    Blank lines are skipped; line numbers are those a text editor shows for the
    start of each record.
    """
    from walktool.limits import check_file_size

    check_file_size(path)
    text, encoding = decode_bytes(path.read_bytes())
    sep = sniff_separator(text[:65536])
    return split_rows(text, str(path), sep), encoding, sep


def first_row(text: str, sep: str | None = None) -> list[str]:
    """The first record of delimited text (any line ending), or [] when it cannot be read."""
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=sep or sniff_separator(text)), [])
    except csv.Error:
        return []


def split_rows(text: str, where: str, sep: str | None = None) -> list[tuple[int, list[str]]]:
    """Split delimited text into (line number, cells), blank lines skipped.

    Line numbers are those a text editor shows for the start of each record.  A
    broken quote raises :class:`SheetFormatError` naming the line: one never
    closed (the rest of the file would become one cell), or a quoted cell running
    over lines that look like rows of the table (a quote missing or one too many).
    """
    sep = sep or sniff_separator(text[:65536])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    width = 0
    # an export repeats a few values ("yes", "", a station name) in most of its cells: one Python
    # string per distinct value instead of one per cell (``map`` of the dict's own method: no
    # Python code runs per cell)
    shared: dict[str, str] = {}
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS or len(rows) >= MAX_ROWS:
                refusal = table_too_large(where, len(rows) + 1, len(cells))
                if refusal is not None:
                    raise refusal
            if any(c.strip() for c in cells):
                if reader.line_num > start:
                    _check_spanning(cells, sep, width, start, reader.line_num, where)
                rows.append((start, list(map(shared.setdefault, cells, cells))))
                width = width or len(cells)
            start = reader.line_num + 1
    except csv.Error as exc:
        msg = Phrase(N_("{where}: line {line_num}: cannot read this CSV ({exc}); check quotes in that line"), where=where, line_num=reader.line_num, exc=exc)
        raise SheetFormatError(msg) from exc
    if rows and start - 1 > rows[-1][0] and text.count('"') % 2 == 1:
        last = rows[-1][0]
        msg = (
            Phrase(N_("{where}: line {last}: a quote opened in this line is never closed, so lines {last}–{value} would be read as one cell; close the quote (or remove it) and import the file again"), where=where, last=last, value=start - 1)
        )
        raise SheetFormatError(msg, file=where.split(": ")[0], code="unbalanced-quote")
    return rows


def _check_spanning(cells: list[str], sep: str, width: int, first: int, last: int, where: str) -> None:
    """Refuse a quoted cell over several lines when two of its lines look like rows of the table."""
    if width < 3:
        return
    for cell in cells:
        if "\n" not in cell and "\r" not in cell:
            continue
        looks = sum(1 for line in cell.splitlines()[1:] if line.count(sep) >= width - 1)
        if looks >= 2:
            msg = (
                Phrase(N_("{where}: line {first}: a quoted cell runs from line {first} to line {last} and holds {looks} lines that look like rows of the table: a quote is missing or one too many in that line; fix it and import the file again"), where=where, first=first, last=last, looks=looks)
            )
            raise SheetFormatError(msg, file=where.split(": ")[0], code="unbalanced-quote")


# ---------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """Turn a spreadsheet cell into text: numbers without spurious ``.0``, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip() if isinstance(value, str) else str(value)


def read_xlsx_sheets(
    path: Path, *, max_rows: int | None = None, sheets: Iterable[str] | None = None
) -> dict[str, list[tuple[int, list[str]]]]:
    """Read workbook sheets as text: {sheet: [(row number, cells)]}, blank rows skipped.

    Uses openpyxl in read-only mode, so large exports stream.
    """
    from openpyxl import load_workbook

    from walktool.limits import MAX_WORKBOOK_BYTES, check_zip

    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, path, limit=MAX_WORKBOOK_BYTES)
    except zipfile.BadZipFile:
        pass  # openpyxl says what is wrong below
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except MemoryError as exc:
        raise _workbook_too_large(path) from exc
    except Exception as exc:  # openpyxl raises many types for damaged files
        msg = Phrase(N_("{path}: cannot open this workbook ({kind}: {exc}); is it a valid .xlsx file?"), path=path, kind=type(exc).__name__, exc=exc)
        raise SheetFormatError(msg) from exc
    wanted = set(sheets) if sheets is not None else None
    out: dict[str, list[tuple[int, list[str]]]] = {}
    title, n = "", 0
    try:
        for ws in wb.worksheets:
            title, n = ws.title, 0
            if wanted is not None and ws.title not in wanted:
                continue
            rows: list[tuple[int, list[str]]] = []
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                if max_rows is not None and n > max_rows:
                    break
                if n > MAX_ROWS or len(values) > MAX_COLUMNS:
                    refusal = table_too_large(f"{path}: sheet {ws.title!r}", n, len(values))
                    if refusal is not None:
                        raise refusal
                cells = [cell_text(v) for v in values]
                if any(cells):
                    rows.append((n, cells))
            out[ws.title] = rows
    except MemoryError as exc:
        raise _workbook_too_large(path) from exc
    except SheetFormatError:
        raise
    except Exception as exc:  # a damaged sheet: a shared string past the table, a broken cell
        msg = (
            Phrase(N_("{path}: sheet {title!r}, row {value}: cannot read this workbook there ({kind}: {exc}); it is damaged: open it in Excel or LibreOffice, save it again and import the copy"), path=path, title=title, value=n + 1, kind=type(exc).__name__, exc=exc)
        )
        raise SheetFormatError(msg, file=str(path), code="damaged-workbook") from exc
    finally:
        wb.close()
    return out


def _workbook_too_large(path: Path) -> SheetFormatError:
    msg = (
        Phrase(N_("{path}: this workbook is too large to read in the memory available; split it (e.g. one walk or one month per file) or save it as CSV, and import the parts"), path=path)
    )
    return SheetFormatError(msg, file=str(path), code="too-large")


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def unique_headers(headers: Sequence[str]) -> list[str]:
    """Make headers unique and non-empty: blanks become ``column_N``, repeats get ``.2``."""
    seen: dict[str, int] = {}
    out = []
    for n, h in enumerate(headers, 1):
        name = h.strip() or f"column_{n}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def rows_to_frame(header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]]) -> pd.DataFrame:
    """Build a text frame from a header and (row number, cells) records, with ``__row``."""
    import pandas as pd

    names = unique_headers(header)
    width = len(names)
    body = [list(cells[:width]) + [""] * (width - len(cells)) for _, cells in rows]
    extra = [n for n, (_, cells) in enumerate(rows) if len(cells) > width and any(c.strip() for c in cells[width:])]
    frame = pd.DataFrame(body, columns=names, dtype=object).fillna("")
    frame["__row"] = [n for n, _ in rows]
    if extra:
        frame.attrs["overflow_rows"] = [rows[i][0] for i in extra]
    return frame


def header_score(cells: Sequence[str], known: Callable[[str], bool]) -> int:
    """How many cells of a candidate header row are recognised column names."""
    return sum(1 for c in cells if c.strip() and known(c))


def find_header_row(
    rows: Sequence[tuple[int, Sequence[str]]], known: Callable[[str], bool], *, scan: int = 15
) -> int:
    """Index (in ``rows``) of the row that looks most like the header (title rows skipped)."""
    best, best_score = 0, -1
    for i, (_, cells) in enumerate(rows[:scan]):
        score = header_score(cells, known)
        if score > best_score:
            best, best_score = i, score
    return best


def submission_roots(raw: RawTable) -> pd.Series:
    """The submission each record of a raw table belongs to (what ``submissions`` counts).

    A record is one row of the file's leaf table: for KoboToolbox and ODK exports
    with repeats, one repeat instance, several of which make one submission (Kobo
    ``<uuid>#<n>``, ODK repeat ``KEY`` ``<instanceId>/<group>/<repeat>[n]``);
    Epicollect5 branch rows belong to their owner entry.  For the other formats a
    record is its own submission (a findings row, a feature, a waypoint, a photo).
    Records with no id count one each.
    """
    import pandas as pd

    frame = raw.frame
    ids = frame["__submission"].astype(str) if "__submission" in frame.columns else pd.Series("", index=frame.index)
    if raw.format in ("kobo-xlsx", "kobo-csv"):
        ids = ids.str.split("#", n=1).str[0]
    elif raw.format in ("odk-central", "odk-briefcase"):
        ids = ids.str.split("/", n=1).str[0]
    elif raw.format == "epicollect5" and "ec5_branch_owner_uuid" in frame.columns:
        owner = frame["ec5_branch_owner_uuid"].astype(str).str.strip()
        ids = owner.where(owner.ne(""), ids)
    missing = ids.eq("")
    if missing.any():
        sheet = frame["__sheet"].astype(str) if "__sheet" in frame.columns else pd.Series("", index=frame.index)
        ids = ids.where(~missing, "row#" + sheet + "#" + pd.Series(frame.index.astype(str), index=frame.index))
    return ids


def overflow_issues(frame: pd.DataFrame, file: str, sheet: str | None = None) -> list[Issue]:
    """Warnings for rows that had more cells than the header."""
    return [
        Issue(
            "extra-cells",
            "this row has more cells than the header; the extra cells were ignored (check separators and quotes)",
            "warning",
            file=file,
            sheet=sheet,
            row=n,
        )
        for n in frame.attrs.get("overflow_rows", [])
    ]
