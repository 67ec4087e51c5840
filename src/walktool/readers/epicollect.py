"""Epicollect5 CSV exports.

Epicollect5 writes one CSV per form (``form-1__<slug>.csv``) and per branch
question (``branch-1__<slug>.csv``): a UTF-8 BOM, commas, a header starting with
``ec5_uuid`` (``ec5_uuid, ec5_parent_uuid`` for a child form, ``ec5_branch_owner_uuid,
ec5_branch_uuid`` for a branch), then ``created_at, uploaded_at, [created_by,] title``
and one column per question named by its *map_to*.  The download zip holding
those CSVs is read too (one table per CSV, ``__sheet`` naming the member).

Question headers are renamed: the default map_to is ``<question index>_<question
text>`` cut to 20 characters, so this reader strips the leading ``<digits>_``
(``1_Station`` → ``Station``, ``5_dark_corners`` → ``dark_corners``) for
:mod:`walktool.columns` to recognise the question.  Metadata and the location
columns (``lat_``, ``long_``, ``accuracy_``, ``UTM_Northing_``, ``UTM_Easting_``,
``UTM_Zone_``) keep their names, and a header keeps its prefix when the stripped
name would clash with another column.  ``frame.attrs["renamed"]`` maps each new
name to the file's header.

Reserved columns: ``__submission`` = ``ec5_uuid`` (branch rows: ``ec5_branch_uuid``),
``__time`` = ``created_at`` (UTC, ``Z`` kept; else ``uploaded_at``), ``__device`` =
``created_by`` (an account e-mail, only used to derive a pseudonym), ``__lat`` /
``__lon`` / ``__accuracy`` from ``lat_<map>`` / ``long_<map>`` / ``accuracy_<map>``
(a location question named like Location / GPS / position first), ``__photo``
from a question whose name contains ``photo`` (a media URL is reduced to its
``name=`` file name).  Checkbox answers (``"a, b"``) are left as they are.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import (
    RESERVED,
    Probe,
    RawTable,
    decode_bytes,
    first_row,
    overflow_issues,
    read_text_rows,
    rows_to_frame,
    split_rows,
)

if TYPE_CHECKING:
    import pandas as pd

FIRST_COLUMNS = ("ec5_uuid", "ec5_branch_owner_uuid")
METADATA = {
    "ec5_uuid", "ec5_parent_uuid", "ec5_branch_owner_uuid", "ec5_branch_uuid", "ec5_branch_ref",
    "created_at", "uploaded_at", "updated_at", "created_by", "title",
}
_LOCATION_PREFIXES = ("lat_", "long_", "accuracy_", "UTM_Northing_", "UTM_Easting_", "UTM_Zone_", "UTM_zone_")
_LOCATION_WORDS = ("location", "localisation", "gps", "position", "geo", "coord", "lieu")
_QUESTION = re.compile(r"^(\d+)_(.+)$")


def is_epicollect_header(header: list[str]) -> bool:
    """First column ``ec5_uuid`` (form) or ``ec5_branch_owner_uuid`` (branch)."""
    return bool(header) and header[0].lstrip("\ufeff").strip() in FIRST_COLUMNS


def _header_of_bytes(raw: bytes) -> list[str]:
    text = decode_bytes(raw, partial=True)[0]
    first = first_row(text)
    return [h.strip() for h in first]


def _zip_members(path: Path, names: list[str]) -> list[str]:
    """CSV members of a zip that are Epicollect5 exports."""
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            for name in names:
                if name.lower().endswith(".csv") and not name.endswith("/"):
                    with zf.open(name) as fh:
                        if is_epicollect_header(_header_of_bytes(fh.read(65536))):
                            out.append(name)
    except (zipfile.BadZipFile, OSError, KeyError):
        return []
    return out


def sniff(probe: Probe) -> bool:
    """An Epicollect5 CSV (or the download zip of them)."""
    if probe.zip_names:
        return bool(_zip_members(probe.path, probe.zip_names))
    return is_epicollect_header(probe.csv_header)


def strip_question_prefixes(headers: list[str]) -> dict[str, str]:
    """New names for question headers: ``{original: stripped}`` (only those renamed).

    >>> strip_question_prefixes(["ec5_uuid", "1_Station", "lat_2_Location", "3_Issues", "4_Issues"])
    {'1_Station': 'Station', '3_Issues': 'Issues'}
    """
    taken = set(headers)
    renamed: dict[str, str] = {}
    for header in headers:
        if header in METADATA or header.startswith(_LOCATION_PREFIXES) or header.startswith("__"):
            continue
        m = _QUESTION.match(header)
        if not m:
            continue
        new = m.group(2).strip("_ ")
        if not new or new in taken or new in METADATA or new.startswith("__") or new.isdigit():
            continue
        taken.add(new)
        renamed[header] = new
    return renamed


def photo_name(value: str) -> str:
    """A media answer as a file name: the ``name=`` of an Epicollect media URL, else the value.

    >>> photo_name("https://five.epicollect.net/api/export/media/metro?type=photo&format=entry_original&name=abc.jpg")
    'abc.jpg'
    >>> photo_name("IMG_0042.jpg")
    'IMG_0042.jpg'
    """
    value = value.strip()
    if "://" not in value:
        return value
    parsed = urlparse(value)
    names = parse_qs(parsed.query).get("name")
    if names and names[0].strip():
        return names[0].strip()
    return value


def _locations(headers: list[str]) -> list[str]:
    """Location map_to names (``lat_<map>`` with ``long_<map>``), location-like names first."""
    names = set(headers)
    maps = [h[len("lat_") :] for h in headers if h.startswith("lat_") and "long_" + h[len("lat_") :] in names]
    return sorted(maps, key=lambda m: 0 if any(w in m.lower() for w in _LOCATION_WORDS) else 1)


def _photo_columns(headers: list[str], renamed: dict[str, str]) -> list[str]:
    cols = [h for h in headers if "photo" in h.lower() and not h.startswith(_LOCATION_PREFIXES) and h not in METADATA]
    # a question called exactly "photo" first, then e.g. "dark_corners_photo"

    def rank(header: str) -> int:
        name = renamed.get(header) or header
        return 0 if name.lower().strip("_") in ("photo", "photos") else 1

    return sorted(cols, key=rank)


def _frame(rows: list[tuple[int, list[str]]], file: str, sheet: str) -> tuple[pd.DataFrame, list[Issue]]:
    header = [h.lstrip("\ufeff").strip() for h in rows[0][1]] if rows else []
    frame = rows_to_frame(header, rows[1:])
    issues = overflow_issues(frame, file, sheet or None)
    headers = [str(c) for c in frame.columns if c != "__row"]
    for name in RESERVED:
        if name != "__row" and name in frame.columns:
            frame = frame.drop(columns=name)
    n = len(frame)
    empty = [""] * n
    frame["__sheet"] = sheet
    if "ec5_branch_uuid" in frame.columns:
        frame["__submission"] = frame["ec5_branch_uuid"]
    elif "ec5_uuid" in frame.columns:
        frame["__submission"] = frame["ec5_uuid"]
    else:
        frame["__submission"] = empty
    created = frame["created_at"] if "created_at" in frame.columns else empty
    uploaded = frame["uploaded_at"] if "uploaded_at" in frame.columns else empty
    frame["__time"] = [(c or u).strip() for c, u in zip(created, uploaded, strict=True)]
    frame["__device"] = frame["created_by"].str.strip() if "created_by" in frame.columns else empty
    lat, lon, acc = list(empty), list(empty), list(empty)
    maps = _locations(headers)
    for i in range(n):
        for m in maps:
            la, lo = str(frame.at[frame.index[i], f"lat_{m}"]).strip(), str(frame.at[frame.index[i], f"long_{m}"]).strip()
            if la and lo:
                lat[i], lon[i] = la, lo
                acc_col = f"accuracy_{m}"
                acc[i] = str(frame.at[frame.index[i], acc_col]).strip() if acc_col in frame.columns else ""
                break
    frame["__lat"], frame["__lon"], frame["__accuracy"] = lat, lon, acc
    renamed = strip_question_prefixes(headers)
    photos = _photo_columns(headers, renamed)
    photo = list(empty)
    for i in range(n):
        for col in photos:
            value = str(frame.at[frame.index[i], col]).strip()
            if value:
                photo[i] = photo_name(value)
                break
    frame["__photo"] = photo
    frame = frame.rename(columns=renamed)
    ordered = [renamed.get(h, h) for h in headers] + list(RESERVED)
    out = frame[ordered].copy()
    out.attrs["renamed"] = {new: old for old, new in renamed.items()}
    return out, issues


def read(probe: Probe) -> list[RawTable]:
    """Read an Epicollect5 CSV, or each Epicollect5 CSV of a download zip."""
    path = probe.path
    file = str(path)
    sources: list[tuple[str, list[tuple[int, list[str]]]]] = []
    if probe.zip_names:
        members = _zip_members(path, probe.zip_names)
        if not members:
            msg = Phrase(N_("{path}: no Epicollect5 CSV (header starting with ec5_uuid) in this zip"), path=path)
            raise SheetFormatError(msg)
        from walktool.limits import check_zip, read_member

        with zipfile.ZipFile(path) as zf:
            check_zip(zf, path)
            for name in members:
                text = decode_bytes(read_member(zf, name, path))[0]
                sources.append((PurePosixPath(name).name, split_rows(text, f"{path}: {name}")))
    else:
        rows, _, _ = read_text_rows(path)
        sources.append(("", rows))
    tables = []
    for sheet, rows in sources:
        frame, issues = _frame(rows, file, sheet)
        tables.append(RawTable("epicollect5", file, frame, issues=issues))
    return tables




SNIFFERS = {"epicollect5": sniff}
READERS = {"epicollect5": read}
