"""Input formats: one module per format behind a small registry, with detection.

Detection looks at what is inside the file (header signature, XML root, EXIF),
never at its name; ``--format`` forces one.  Order matters: the first format
whose ``sniff`` accepts the file wins, so specific signatures come first and the
findings table (facilitators' own spreadsheets) comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from walktool.errors import SheetFormatError
from walktool.readers._base import RESERVED, Format, Probe, RawTable

__all__ = ["FORMAT_NAMES", "RESERVED", "Format", "Probe", "RawTable", "detect_format", "get_format", "read_file"]

# name, module, description — in detection order
_REGISTRY: tuple[tuple[str, str, str], ...] = (
    ("photos", "photos", "a folder of photos or one photo, placed by their EXIF GPS and time"),
    ("gpx", "gpx", "GPX waypoints (name / description carry the item and the comment)"),
    ("geojson", "geojson", "GeoJSON point features with finding properties (also Kobo GeoJSON exports)"),
    ("odk-central", "odk", "ODK Central CSV export or its zip (repeat files joined on PARENT_KEY)"),
    ("odk-briefcase", "odk", "ODK Briefcase / Aggregate CSV export"),
    ("epicollect5", "epicollect", "Epicollect5 CSV export"),
    ("kobo-xlsx", "kobo", "KoboToolbox XLSX export (repeat sheets joined on _index / _parent_index)"),
    ("kobo-csv", "kobo", "KoboToolbox CSV export (labels or XML values, with or without group names)"),
    ("walktool-sheet", "walktool_sheet", "the walktool field sheet (walktool protocol export --format sheet)"),
    ("findings-table", "findings", "a findings table (CSV or XLSX, one finding or one stop a row, French or English headers)"),
)
FORMAT_NAMES: tuple[str, ...] = tuple(name for name, _, _ in _REGISTRY)


def get_format(name: str) -> Format:
    """Return a registered format by name."""
    for fmt_name, module, description in _REGISTRY:
        if fmt_name == name:
            mod = import_module(f"walktool.readers.{module}")
            sniff: Callable[[Probe], bool] = mod.SNIFFERS[fmt_name]
            read: Callable[[Probe], list[RawTable]] = mod.READERS[fmt_name]
            return Format(fmt_name, description, sniff, read)
    msg = f"unknown format {name!r}; walktool reads: {', '.join(FORMAT_NAMES)}"
    raise SheetFormatError(msg)


def formats() -> list[Format]:
    """Every registered format, in detection order."""
    return [get_format(name) for name in FORMAT_NAMES]


def describe_formats() -> str:
    """One line per format, for messages and help."""
    return "\n".join(f"  {name:15} {description}" for name, _, description in _REGISTRY)


def detect_format(path: str | Path, probe: Probe | None = None) -> Format:
    """Find the format of a file from its content.

    Raises
    ------
    SheetFormatError
        When no format recognises the file; the message lists what walktool reads.
    """
    path = Path(path)
    if not path.exists():
        msg = f"{path}: no such file or folder"
        raise SheetFormatError(msg)
    probe = probe or Probe(path)
    for fmt in formats():
        if fmt.sniff(probe):
            return fmt
    msg = (
        f"{path}: walktool does not recognise this file. It reads:\n{describe_formats()}\n"
        "If it is a table with other column names, describe them in a mapping file and pass"
        " --map MAPPING.yaml, or force a format with --format."
    )
    raise SheetFormatError(msg)


def read_file(path: str | Path, *, fmt: str | None = None) -> tuple[Format, list[RawTable]]:
    """Detect (or force) the format of ``path`` and read it into raw tables."""
    path = Path(path)
    probe = Probe(path)
    format_ = get_format(fmt) if fmt and fmt != "auto" else detect_format(path, probe)
    if not path.exists():
        msg = f"{path}: no such file or folder"
        raise SheetFormatError(msg)
    return format_, format_.read(probe)
