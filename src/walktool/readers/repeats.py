"""Repeat tables given without their main table: what they are, where their main file is, what to do.

An ODK Central or Briefcase export writes each repeat group to its own CSV,
``<form>-<repeat>.csv`` (``PARENT_KEY``, ``KEY`` like ``uuid:…/stops[1]``); a
KoboToolbox XLSX export writes it to its own sheet (``_parent_index``).  Such a
table only makes sense with the main table of its submissions, which brings it
along: given alone, it is refused with a :class:`RepeatFileError` naming the
repeat group, the main file it belongs to (beside it, or by the export's naming
rule) and what to import instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from walktool.errors import SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import Probe, RepeatFileError, first_row, sniff_separator, split_rows
from walktool.readers.kobo import is_repeat_sheet_header
from walktool.readers.odk import is_repeat_header

# -- ODK repeat files ------------------------------------------------------------------------------


def _main_csv_beside(path: Path) -> Path | None:
    """The root CSV an export wrote next to a repeat file ``<root>-<repeat>.csv``, when there."""
    stem = path.stem
    while "-" in stem:
        stem = stem.rsplit("-", 1)[0]
        candidate = path.with_name(f"{stem}.csv")
        if candidate != path and candidate.is_file():
            return candidate
    return None


_REPEAT_STEP = re.compile(r"/([^/\[\]]+)\[\d+\]$")


def repeat_group(key: str) -> str | None:
    """The repeat a repeat row's KEY names: ``uuid:…/children/child[2]`` → ``child``.

    >>> repeat_group("uuid:0a1b/children/child[2]")
    'child'
    >>> repeat_group("uuid:0a1b") is None
    True
    """
    m = _REPEAT_STEP.search(key.strip())
    return m.group(1) if m else None


def _first_key(rows: list[list[str]], header: list[str]) -> str:
    names = [h.strip().strip('"').upper() for h in header]
    if "KEY" not in names:
        return ""
    col = names.index("KEY")
    for cells in rows:
        if len(cells) > col and cells[col].strip():
            return cells[col].strip()
    return ""


def repeat_error(path: Path, header: list[str], rows: list[list[str]], *, sheet: str | None = None) -> RepeatFileError:
    """The error for an ODK repeat table given on its own: what it is, which main file it belongs to, what to do."""
    briefcase = any(h.strip().startswith("SET-OF-") for h in header)
    tool = "ODK Briefcase" if briefcase else "ODK Central"
    group = repeat_group(_first_key(rows, header))
    main = _main_csv_beside(path) if sheet is None else None
    if main is not None:
        belongs = f"its main CSV is {main.name}, next to it"
    elif sheet is None and "-" in path.stem:
        belongs = (
            f"its main CSV is the export's file named like {path.stem.rsplit('-', 1)[0]}.csv"
            " (not found next to it)"
        )
    else:
        belongs = "its main CSV is the export's file whose first column is SubmissionDate"
    what = (
        f"this is the repeat file of an {tool} export"
        + (f" (repeat group {group!r}: one row per repeat, tied to its submission by PARENT_KEY)" if group else " (one row per repeat, tied to its submission by PARENT_KEY)")
        + f"; it cannot be imported alone: {belongs}."
    )
    where = f"{path}" + (f", sheet {sheet!r}" if sheet else "")
    todo = (
        f" Import the main CSV ({main.name if main else 'with this file next to it'}), which brings its repeat files along"
        if briefcase
        else f" Import the main CSV{f' ({main.name})' if main else ''} with this file next to it, or the whole zip"
    )
    if sheet is not None:
        todo = " Import the export's CSV files as ODK wrote them (or the zip): the main CSV brings its repeat files along"
    return RepeatFileError(Phrase(N_("{where}: {what}{todo}"), where=where, what=what, todo=todo), main=main, format="odk-briefcase" if briefcase else "odk-central")


def repeat_file_error(probe: Probe) -> RepeatFileError | None:
    """The error for an ODK repeat table given on its own (a CSV, or re-saved as a workbook), or None."""
    if probe.zip_names:
        return None
    if probe.is_xlsx:
        sheets = [(name, rows) for name, rows in probe.xlsx_head.items() if rows]
        if sheets and all(is_repeat_header(rows[0]) for _, rows in sheets):
            name, rows = sheets[0]
            return repeat_error(probe.path, rows[0], rows[1:], sheet=name)
        return None
    if not is_repeat_header(probe.csv_header):
        return None
    text = probe.text or ""
    rows = [cells for _, cells in split_rows_quietly(text)]
    return repeat_error(probe.path, probe.csv_header, rows[1:6])


def split_rows_quietly(text: str) -> list[tuple[int, list[str]]]:
    """The first rows of a file's head (a broken last line is dropped)."""
    try:
        return split_rows(text, "", sniff_separator(text))[:6]
    except SheetFormatError:
        return []



# -- KoboToolbox repeat sheets --------------------------------------------------------------------


def repeat_sheet_error(probe: Probe) -> RepeatFileError | None:
    """The error for a Kobo repeat sheet given without its main sheet (as CSV or a workbook of its own), or None.

    It names the sheet it belongs to (``_parent_table_name``) and the repeat.
    """
    if probe.is_xlsx:
        sheets = [(name, rows) for name, rows in probe.xlsx_head.items() if rows]
        alone = bool(sheets) and all(is_repeat_sheet_header([c.strip() for c in rows[0]]) for _, rows in sheets)
        header, body, repeat = (sheets[0][1][0], sheets[0][1][1:], sheets[0][0]) if alone else ([], [], None)
    else:
        header = probe.csv_header
        alone = bool(header) and is_repeat_sheet_header(header)
        body = []
        repeat = None
        if alone and probe.text:
            lines = probe.text.splitlines()
            body = [first_row(line) for line in lines[1:4] if line.strip()]
    if not alone:
        return None
    names = [h.strip() for h in header]
    parent = ""
    if "_parent_table_name" in names:
        col = names.index("_parent_table_name")
        parent = next((cells[col].strip() for cells in body if len(cells) > col and cells[col].strip()), "")
    group = repeat or _repeat_prefix(names)
    what = "this is a repeat sheet of a KoboToolbox XLSX export"
    if group:
        what += f" (repeat {group!r}: one row per repeat"
    else:
        what += " (one row per repeat"
    what += f", tied by _parent_index to the rows of sheet {parent!r})" if parent else ", tied by _parent_index to the main sheet)"
    msg = (
        Phrase(N_("{path}: {what}; the main sheet{value}, which holds the submissions, is not here. Import the whole XLSX export as KoboToolbox made it (main sheet and repeat sheets together); a CSV export has no repeats"), path=probe.path, what=what, value=f' {parent!r}' if parent else '')
    )
    return RepeatFileError(msg, format="kobo-xlsx")


def _repeat_prefix(names: Sequence[str]) -> str | None:
    """The repeat group a repeat sheet's question columns share (``stop/zone`` → ``stop``)."""
    prefixes = {n.split("/", 1)[0] for n in names if "/" in n and not n.startswith("_")}
    return prefixes.pop() if len(prefixes) == 1 else None
