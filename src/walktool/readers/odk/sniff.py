"""Telling ODK exports apart: a Central root CSV or export zip, a Briefcase root CSV, a repeat file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from walktool.readers._base import Probe, decode_bytes, first_row, sniff_separator

CENTRAL_TRAILER = (
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)
_TRAILER_MIN = 5  # "most of" the trailer columns
_CENTRAL_ONLY = frozenset({"SubmitterID", "SubmitterName"})  # every Central export since 2019 has them, Briefcase never


def _trailer_count(header: list[str]) -> int:
    """How many of Central's trailing columns the header has."""
    present = set(header)
    return sum(1 for name in CENTRAL_TRAILER if name in present)


def is_central_header(header: list[str]) -> bool:
    """``SubmissionDate`` first, ``KEY``, and Central's trailing columns.

    Central has always written ``SubmitterID`` and ``SubmitterName`` after ``KEY``
    (since early 2019); the other trailing columns came later (``Status`` in
    mid-2019, ``AttachmentsPresent`` … in late 2019, ``ReviewState``, ``DeviceID``,
    ``Edits``, ``FormVersion`` in 2021).  Briefcase writes none of them.
    """
    if not header or header[0] != "SubmissionDate" or "KEY" not in header:
        return False
    return _trailer_count(header) >= _TRAILER_MIN or bool(_CENTRAL_ONLY & set(header))


def is_briefcase_header(header: list[str]) -> bool:
    """``SubmissionDate`` and ``KEY`` without Central's trailing columns."""
    return "SubmissionDate" in header and "KEY" in header and not is_central_header(header)


def header_of_text(text: str) -> list[str]:
    """The first row of delimited text (separator sniffed), cells stripped."""
    sep = sniff_separator(text[:65536])
    first = first_row(text, sep)
    return [h.strip() for h in first]


def _zip_member_header(zf: zipfile.ZipFile, name: str) -> list[str]:
    """The header of a zip member, from its first 64 KiB."""
    with zf.open(name) as fh:
        head = fh.read(65536)
    return header_of_text(decode_bytes(head, partial=True)[0])


def zip_roots(path: Path, names: list[str]) -> list[str]:
    """Root-level CSV members of a zip whose header is a Central root header."""
    candidates = [n for n in names if "/" not in n.strip("/") and n.lower().endswith(".csv")]
    if not candidates:
        return []
    try:
        with zipfile.ZipFile(path) as zf:
            return [n for n in candidates if is_central_header(_zip_member_header(zf, n))]
    except (zipfile.BadZipFile, OSError, KeyError):
        return []


def is_repeat_header(header: list[str]) -> bool:
    """A repeat file of a Central or Briefcase export: ``PARENT_KEY`` and ``KEY``, no ``SubmissionDate``.

    Names are compared without case or surrounding spaces (a file re-saved by a
    spreadsheet may change them).
    """
    names = {h.strip().strip('"').upper() for h in header}
    return {"PARENT_KEY", "KEY"} <= names and "SUBMISSIONDATE" not in names


def sniff_central(probe: Probe) -> bool:
    """A Central root CSV, or a Central export zip."""
    if probe.zip_names:
        return bool(zip_roots(probe.path, probe.zip_names))
    return is_central_header(probe.csv_header)


def sniff_briefcase(probe: Probe) -> bool:
    """A Briefcase / Aggregate root CSV."""
    return not probe.zip_names and is_briefcase_header(probe.csv_header)
