"""The export's CSV files as tables: a Central zip's root and repeat members, or a CSV on disk and its sibling repeat files."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.limits import check_zip, read_member
from walktool.readers._base import decode_bytes, read_text_rows, split_rows, unique_headers
from walktool.readers.odk.media import extract_media
from walktool.readers.odk.sniff import header_of_text, is_repeat_header, zip_roots


@dataclass
class Table:
    """One CSV of the export (root or repeat), as header + numbered rows."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    is_root: bool = False


def make_table(name: str, rows: list[tuple[int, list[str]]], issues: list[Issue], file: str, sheet: str | None) -> Table:
    """A table from numbered CSV rows, the first the header; extra cells dropped with a warning.

    Parameters
    ----------
    name
        The file's (or zip member's) name.
    rows
        ``(line number, cells)`` pairs, header first.
    issues
        Where the ``extra-cells`` warnings go.
    file, sheet
        Where the warnings say the rows are.

    Returns
    -------
    Table
        Rows as dicts keyed by the (made unique) header.
    """
    if not rows:
        return Table(name, [], [])
    header = unique_headers([h.strip() for h in rows[0][1]])
    width = len(header)
    body: list[tuple[int, dict[str, str]]] = []
    for line, cells in rows[1:]:
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            issues.append(
                Issue(
                    "extra-cells",
                    "this row has more cells than the header; the extra cells were ignored (check separators and quotes)",
                    "warning",
                    file=file,
                    sheet=sheet,
                    row=line,
                )
            )
        padded = list(cells[:width]) + [""] * (width - len(cells))
        body.append((line, dict(zip(header, padded, strict=True))))
    return Table(name, header, body)


def has_repeat_keys(header: list[str]) -> bool:
    """A repeat table: ``PARENT_KEY`` and ``KEY`` columns (as written, after stripping)."""
    return "PARENT_KEY" in header and "KEY" in header


def load_zip(
    path: Path, names: list[str], file: str, issues: list[Issue]
) -> tuple[list[tuple[Table, list[Table]]], Path | None]:
    """A Central export zip's tables: each root CSV with its repeat CSVs, and the extracted media.

    Parameters
    ----------
    path
        The zip.
    names
        Its member names.
    file
        The file name issues give.
    issues
        Where problems go (extra cells, unsafe or too large media).

    Returns
    -------
    tuple[list[tuple[Table, list[Table]]], Path or None]
        ``(root, repeats)`` per root CSV (a repeat ``<stem>-<repeat>.csv`` belongs to
        the root with the longest matching stem), and the folder photo answers
        resolve under (None without media).

    Raises
    ------
    walktool.errors.SheetFormatError
        No Central root CSV in the zip.
    """
    roots = zip_roots(path, names)
    if not roots:
        msg = Phrase(N_("{path}: no ODK Central root CSV (<formId>.csv with SubmissionDate … KEY, SubmitterID …) in this zip"), path=path)
        raise SheetFormatError(msg)
    groups: list[tuple[Table, list[Table]]] = []
    with zipfile.ZipFile(path) as zf:
        check_zip(zf, path)
        csvs = [n for n in names if "/" not in n.strip("/") and n.lower().endswith(".csv")]
        stems = {r: r[: -len(".csv")] for r in roots}
        tables: dict[str, Table] = {}
        for name in csvs:
            text = decode_bytes(read_member(zf, name, path))[0]
            tables[name] = make_table(name, split_rows(text, f"{path}: {name}"), issues, file, name)
        for root in roots:
            # a repeat belongs to the root with the longest matching stem
            repeats = [
                tables[n]
                for n in csvs
                if n not in roots
                and has_repeat_keys(tables[n].header)
                and max((s for s in stems.values() if n.startswith(s + "-")), key=len, default=None) == stems[root]
            ]
            tables[root].is_root = True
            groups.append((tables[root], repeats))
        media_root = extract_media(zf, issues, file)
    return groups, media_root


def load_plain(path: Path, file: str, issues: list[Issue]) -> tuple[Table, list[Table]]:
    """A root CSV on disk and the repeat files ``<stem>-*.csv`` beside it (Briefcase, unzipped Central).

    Parameters
    ----------
    path
        The root CSV.
    file
        The file name issues give.
    issues
        Where problems go (extra cells, unreadable repeat files).

    Returns
    -------
    tuple[Table, list[Table]]
        The root table and its repeat tables.
    """
    rows, _, _ = read_text_rows(path)
    root = make_table(path.name, rows, issues, file, None)
    root.is_root = True
    repeats: list[Table] = []
    for sibling in sorted(path.parent.glob(f"{glob_escape(path.stem)}-*")):
        if sibling == path or not sibling.is_file() or sibling.suffix.lower() != ".csv":
            continue
        try:
            srows, _, _ = read_text_rows(sibling)
        except SheetFormatError as exc:
            issues.append(Issue("unreadable-repeat-file", f"{exc}; its repeat rows were not imported", "warning", file=file))
            continue
        if srows and has_repeat_keys([h.strip() for h in srows[0][1]]):
            repeats.append(make_table(sibling.name, srows, issues, file, sibling.name))
    return root, repeats


def repeat_siblings(path: Path) -> list[Path]:
    """The repeat files ``<stem>-<repeat>.csv`` an export wrote next to its root CSV ``path`` (read with it)."""
    if not path.is_file() or path.suffix.lower() != ".csv":
        return []
    out = []
    for sibling in sorted(path.parent.glob(f"{glob_escape(path.stem)}-*")):
        if sibling == path or not sibling.is_file() or sibling.suffix.lower() != ".csv":
            continue
        with sibling.open("rb") as fh:
            head = decode_bytes(fh.read(65536), partial=True)[0]
        if is_repeat_header(header_of_text(head)):
            out.append(sibling)
    return out


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a file stem."""
    return re.sub(r"([*?\[])", r"[\1]", text)
