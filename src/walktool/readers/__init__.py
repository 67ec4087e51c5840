"""Input formats: one module per format behind a small registry, with detection.

Detection looks at what is inside the file (header signature, XML root, EXIF),
never at its name; ``--format`` forces one.  Order matters: the first format
whose ``sniff`` accepts the file wins, so specific signatures come first and the
findings table (facilitators' own spreadsheets) comes last.

Before that, files that belong to the field work but hold no data walktool can
read on their own are recognised and refused with a message saying what to
import instead (:func:`not_importable`): an XLSForm (the form definition), an
ODK repeat file or a Kobo repeat sheet given without its main table.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from walktool.errors import SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import RESERVED, Format, Probe, RawTable, RepeatFileError

__all__ = [
    "FORMAT_NAMES",
    "RESERVED",
    "Format",
    "Probe",
    "RawTable",
    "RepeatFileError",
    "companion_files",
    "detect_format",
    "get_format",
    "not_importable",
    "read_file",
]

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
    msg = Phrase(N_("unknown format {name!r}; walktool reads: {FORMAT_NAMES}"), name=name, FORMAT_NAMES=', '.join(FORMAT_NAMES))
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
        msg = Phrase(N_("{path}: no such file or folder"), path=path)
        raise SheetFormatError(msg)
    probe = probe or Probe(path)
    refusal = not_importable(probe)
    if refusal is not None:
        raise refusal
    for fmt in formats():
        if fmt.sniff(probe):
            return fmt
    if probe.mapping is not None and is_table(probe):
        # the user described the columns: read the table with the findings-table reader
        return get_format("findings-table")
    msg = (
        Phrase(N_("{path}: walktool does not recognise this file. It reads:\n{describe_formats}\nIf it is a table with other column names, describe them in a mapping file and pass --map MAPPING.yaml, or force a format with --format."), path=path, describe_formats=describe_formats())
    )
    raise SheetFormatError(msg)


def is_table(probe: Probe) -> bool:
    """A workbook, or delimited text (not markup, JSON or binary)."""
    if probe.is_dir:
        return False
    if probe.is_xlsx:
        return True
    text = probe.text
    return text is not None and bool(text.strip()) and not text.lstrip().startswith(("<", "{", "["))


XLSFORM_MESSAGE = (
    "this is a form definition (XLSForm), not collected data; load it in KoboToolbox/ODK and import the export"
)


def _is_xlsform_header(cells: list[str]) -> bool:
    names = {c.strip().casefold() for c in cells}
    return {"type", "name"} <= names


def is_xlsform(probe: Probe) -> bool:
    """An XLSForm: a workbook with a ``survey`` sheet (``type`` and ``name`` columns), or its survey as CSV."""
    if probe.is_xlsx:
        sheets = {name.strip().casefold(): rows for name, rows in probe.xlsx_head.items()}
        survey = sheets.get("survey") or []
        return bool(survey) and _is_xlsform_header(survey[0]) and ("choices" in sheets or "settings" in sheets or len(sheets) == 1)
    header = probe.csv_header
    return _is_xlsform_header(header) and any(h.strip().casefold().split("::")[0] in ("label", "hint") for h in header)


def not_importable(probe: Probe) -> SheetFormatError | None:
    """The error for a file that belongs to field work but must not be imported on its own, or None.

    Its message says what the file is and what to import instead: an XLSForm, an
    ODK Central / Briefcase repeat file (a :class:`RepeatFileError` naming the main
    CSV beside it) or a KoboToolbox repeat sheet.
    """
    from walktool.readers.repeats import repeat_file_error, repeat_sheet_error

    if probe.is_dir:
        return None
    if is_xlsform(probe):
        return SheetFormatError(Phrase(N_("{path}: {XLSFORM_MESSAGE}"), path=probe.path, XLSFORM_MESSAGE=XLSFORM_MESSAGE))
    return repeat_file_error(probe) or repeat_sheet_error(probe)


def companion_files(format_name: str, path: str | Path) -> list[Path]:
    """Files read along with ``path`` (an ODK root CSV's repeat files beside it), kept with it as raw data."""
    if format_name in ("odk-central", "odk-briefcase"):
        from walktool.readers.odk import repeat_siblings

        return repeat_siblings(Path(path))
    return []


def read_file(path: str | Path, *, fmt: str | None = None, mapping: object = None) -> tuple[Format, list[RawTable]]:
    """Detect (or force) the format of ``path`` and read it into raw tables (``mapping``: see :class:`Probe`)."""
    path = Path(path)
    probe = Probe(path, mapping)
    format_ = get_format(fmt) if fmt and fmt != "auto" else detect_format(path, probe)
    if not path.exists():
        msg = Phrase(N_("{path}: no such file or folder"), path=path)
        raise SheetFormatError(msg)
    return format_, format_.read(probe)
