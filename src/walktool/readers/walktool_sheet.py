"""The walktool field sheet: the workbook ``walktool protocol export --format sheet`` writes.

Layout (shared with :mod:`walktool.forms`, which writes it):

* a hidden sheet ``walktool`` whose cell A1 holds ``walktool-sheet``; below it,
  one row per data sheet: ``sheet name | key row | first data row``, and
  ``protocol | id | version`` and ``lang | fr``;
* data sheets (the checklist, one stop a row; the free findings, one finding a
  row) whose *key row* holds the machine names of the columns (item keys and
  context fields such as ``station``, ``zone``, ``observer``), hidden, with the
  human labels in the row below; data start after the labels.

Because the key row names items and context fields exactly, no mapping is ever
needed for these sheets.
"""

from __future__ import annotations

import hashlib

from walktool.errors import SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import Probe, RawTable, read_xlsx_sheets, rows_to_frame

META_SHEET = "walktool"
MARKER = "walktool-sheet"
FORMAT = "walktool-sheet"


def sniff(probe: Probe) -> bool:
    """A workbook carrying the walktool marker sheet."""
    if not probe.is_xlsx:
        return False
    meta = probe.xlsx_head.get(META_SHEET) or []
    return bool(meta) and bool(meta[0]) and meta[0][0].strip() == MARKER


def read(probe: Probe) -> list[RawTable]:
    """Read every data sheet the marker sheet lists, one record per filled row."""
    sheets = read_xlsx_sheets(probe.path)
    meta = sheets.get(META_SHEET) or []
    layout: list[tuple[str, int, int]] = []
    for _, cells in meta[1:]:
        if len(cells) >= 3 and cells[0] not in ("protocol", "lang") and cells[1].isdigit() and cells[2].isdigit():
            layout.append((cells[0], int(cells[1]), int(cells[2])))
    if not layout:
        msg = Phrase(N_("{path}: the walktool sheet's layout is missing from its hidden 'walktool' sheet; export a new field sheet"), path=probe.path)
        raise SheetFormatError(msg)
    tables = []
    for name, key_row, first_data in layout:
        rows = sheets.get(name)
        if rows is None:
            msg = Phrase(N_("{path}: sheet {name!r} is missing; was it renamed? Rename it back to {name!r}"), path=probe.path, name=name)
            raise SheetFormatError(msg)
        keys = next((cells for n, cells in rows if n == key_row), None)
        if keys is None:
            msg = Phrase(N_("{path}: sheet {name!r} lost its hidden key row {key_row}; export a new field sheet"), path=probe.path, name=name, key_row=key_row)
            raise SheetFormatError(msg)
        data = [(n, cells) for n, cells in rows if n >= first_data]
        frame = rows_to_frame(keys, data)
        frame["__sheet"] = name
        cols = [c for c in frame.columns if not c.startswith("__")]
        content = frame[cols].astype(str).agg("\x1f".join, axis=1) if len(frame) else frame.index.to_series(dtype=str)
        frame["__submission"] = [
            "sheet:" + hashlib.sha1(f"{name}\x1f{c}".encode()).hexdigest()[:16] for c in content
        ]
        tables.append(RawTable(FORMAT, str(probe.path), frame))
    return tables


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
