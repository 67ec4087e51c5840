"""Reading an ODK Central or Briefcase export into raw tables, one per root or repeat file with records."""

from __future__ import annotations

from walktool.errors import Issue
from walktool.readers._base import RESERVED, Probe, RawTable
from walktool.readers.odk.media import MediaResolver
from walktool.readers.odk.records import assemble
from walktool.readers.odk.tables import Table, load_plain, load_zip
from walktool.readers.odk.values import photo_columns


def read_export(fmt: str, probe: Probe) -> list[RawTable]:
    """Read an ODK export (a Central zip, or a root CSV with its sibling repeat files).

    Parameters
    ----------
    fmt
        ``odk-central`` or ``odk-briefcase`` (the format the tables are said to be).
    probe
        The file, probed.

    Returns
    -------
    list[RawTable]
        One table per root or repeat file that yields records (an empty table when
        none does); the first carries the issues and the rejected rows.

    Raises
    ------
    walktool.errors.SheetFormatError
        A zip without a Central root CSV, or a CSV that cannot be read.
    """
    import pandas as pd

    path = probe.path
    file = str(path)
    issues: list[Issue] = []
    if probe.zip_names:
        groups, media_root = load_zip(path, probe.zip_names, file, issues)
        in_zip = True
        media = MediaResolver(media_root)
    else:
        groups = [load_plain(path, file, issues)]
        in_zip = False
        media_root = None
        media = MediaResolver(None)
        # an unzipped Central export keeps media in files/<instanceId>/; Briefcase in media/ next to the CSV
        for candidate in (path.parent / "files", path.parent):
            if candidate.is_dir():
                trial = MediaResolver(candidate, search=candidate.name == "files")
                if _any_photo_resolves(groups, trial):
                    media_root, media = candidate, trial
                    break
    tables: list[RawTable] = []
    rejected = 0
    for root, repeats in groups:
        if not root.header:
            continue
        pairs, rej = assemble(file, root, repeats, media, in_zip, issues)
        rejected += rej
        for _, records in pairs:
            frame = pd.DataFrame(records, dtype=object).fillna("")
            frame["__row"] = frame["__row"].astype(int)
            tables.append(RawTable(fmt, file, frame, media_root=media_root))
    if not tables:
        header = groups[0][0].header if groups else []
        frame = pd.DataFrame(columns=[*header, *RESERVED], dtype=object)
        tables.append(RawTable(fmt, file, frame, media_root=media_root))
    tables[0].issues = issues
    tables[0].rejected_rows = rejected
    return tables


def _any_photo_resolves(groups: list[tuple[Table, list[Table]]], media: MediaResolver) -> bool:
    """Whether some photo answer of the tables is a file under ``media``'s folder (stops at the first)."""
    for root, repeats in groups:
        for table in [root, *repeats]:
            cols = photo_columns(table.header)
            for _, row in table.rows:
                for col in cols:
                    value = row.get(col, "").strip()
                    if value:
                        ids = [row.get("KEY", "").strip().split("/", 1)[0], row.get("meta-instanceID", "").strip()]
                        media.resolve(value, ids)
                        if media.found:
                            return True
    return False


def read_central(probe: Probe) -> list[RawTable]:
    """Read an ODK Central CSV or export zip."""
    return read_export("odk-central", probe)


def read_briefcase(probe: Probe) -> list[RawTable]:
    """Read an ODK Briefcase CSV (and its sibling repeat CSVs)."""
    return read_export("odk-briefcase", probe)
