"""Records: repeat rows joined to their parents and grand-parents, with the reserved columns filled."""

from __future__ import annotations

from walktool.errors import Issue
from walktool.readers._base import RESERVED
from walktool.readers.odk.media import MediaResolver
from walktool.readers.odk.tables import Table
from walktool.readers.odk.values import geopoints, last_segment, photo_columns, time_columns, to_iso

_ENCRYPTED = {"missing encrypted form data", "not decrypted"}


def _chain(record_key: str, parent_of: dict[str, str], index: dict[str, tuple[Table, dict[str, str]]]) -> list[tuple[Table, dict[str, str]]]:
    """The record's own row then its ancestors, nearest first (stops on unknown parents or cycles)."""
    out = []
    seen: set[str] = set()
    key: str | None = record_key
    while key is not None and key in index and key not in seen:
        seen.add(key)
        out.append(index[key])
        key = parent_of.get(key)
    return out


def assemble(
    file: str,
    root: Table,
    repeats: list[Table],
    media: MediaResolver,
    in_zip: bool,
    issues: list[Issue],
) -> tuple[list[tuple[Table, list[dict[str, str | int]]]], int]:
    """Turn a root table and its repeat tables into records.

    Every repeat row becomes a record carrying its ancestors' columns (its own first);
    a parent with repeat rows is not a record itself.  Encrypted submissions are
    rejected; duplicate keys, submissions rejected in review and orphan repeat rows
    are kept with a warning.

    Parameters
    ----------
    file
        The file name issues give.
    root, repeats
        The export's root table and its repeat tables.
    media
        Resolves photo answers.
    in_zip
        The tables are zip members (``__sheet`` then names the root too).
    issues
        Where problems go.

    Returns
    -------
    tuple[list[tuple[Table, list[dict[str, str | int]]]], int]
        ``(table, records)`` pairs in table order (tables without records left out),
        and the number of rows rejected.
    """
    rejected = 0
    index: dict[str, tuple[Table, dict[str, str]]] = {}
    parent_of: dict[str, str] = {}
    seen_keys: set[str] = set()
    usable: list[tuple[Table, int, dict[str, str], str]] = []
    for table in [root, *repeats]:
        sheet = table.name if (in_zip or not table.is_root) else None
        for line, row in table.rows:
            key = row.get("KEY", "").strip() or row.get("meta-instanceID", "").strip() or f"{table.name}#{line}"
            status = row.get("Status", "").strip().casefold()
            if table.is_root and status in _ENCRYPTED:
                rejected += 1
                issues.append(
                    Issue(
                        "encrypted-submission",
                        f"ODK Central could not decrypt this submission (Status {row['Status']!r}); export it again"
                        " with the form's private key (passphrase) to import its answers",
                        file=file,
                        sheet=sheet,
                        row=line,
                        column="Status",
                    )
                )
                continue
            if key in seen_keys:
                issues.append(
                    Issue(
                        "duplicate-submission",
                        f"KEY {key!r} appears more than once; both rows were kept, check for a duplicated export",
                        "warning",
                        file=file,
                        sheet=sheet,
                        row=line,
                        column="KEY",
                        value=key,
                    )
                )
            seen_keys.add(key)
            if table.is_root and row.get("ReviewState", "").strip() == "rejected":
                issues.append(
                    Issue(
                        "review-rejected",
                        "this submission is marked 'rejected' in ODK Central's review; it was kept, leave it out"
                        " of the export if it should not count",
                        "warning",
                        file=file,
                        sheet=sheet,
                        row=line,
                        column="ReviewState",
                    )
                )
            index[key] = (table, row)
            if not table.is_root:
                parent_of[key] = row.get("PARENT_KEY", "").strip()
            usable.append((table, line, row, key))
    has_children = {p for k, p in parent_of.items() if p in index and p != k}
    results: dict[str, list[dict[str, str | int]]] = {}
    for table, line, row, key in usable:
        if key in has_children:
            continue
        sheet = table.name if (in_zip or not table.is_root) else ""
        chain = [(table, row)] + (_chain(parent_of[key], parent_of, index) if not table.is_root and parent_of.get(key) else [])
        if not table.is_root and (parent_of.get(key, "") not in index):
            issues.append(
                Issue(
                    "orphan-repeat-row",
                    f"PARENT_KEY {parent_of.get(key, '')!r} matches no submission; the row was kept without its"
                    " submission's answers (station, observer …)",
                    "warning",
                    file=file,
                    sheet=sheet,
                    row=line,
                    column="PARENT_KEY",
                )
            )
        merged: dict[str, str | int] = {}
        # the record's own columns first (so a header-based "first column wins" picks the
        # nearest level), then its ancestors' columns it does not have
        for _, level in chain:
            for col, value in level.items():
                merged.setdefault(col, value)
        for name in RESERVED:
            merged.pop(name, None)
        merged.update(_reserved(chain, media, line, sheet, key))
        results.setdefault(table.name, []).append(merged)
    order = [t for t in [root, *repeats] if t.name in results]
    return [(t, results[t.name]) for t in order], rejected


def _reserved(
    chain: list[tuple[Table, dict[str, str]]], media: MediaResolver, line: int, sheet: str, key: str
) -> dict[str, str | int]:
    """The reserved columns of one record; ``chain`` is the record's row then its ancestors."""
    out: dict[str, str | int] = {"__row": line, "__sheet": sheet, "__submission": key}
    # time: the nearest end/start field, else SubmissionDate
    when = ""
    for table, row in chain:
        for col in time_columns(table.header):
            iso = to_iso(row.get(col, ""))
            if iso:
                when = iso
                break
        if when:
            break
    if not when:
        for _, row in chain:
            iso = to_iso(row.get("SubmissionDate", ""))
            if iso:
                when = iso
                break
    out["__time"] = when
    # position: the nearest filled geopoint, location-like names first
    lat = lon = acc = ""
    for table, row in chain:
        for base in geopoints(table.header):
            la, lo = row.get(f"{base}-Latitude", "").strip(), row.get(f"{base}-Longitude", "").strip()
            if la and lo:
                lat, lon, acc = la, lo, row.get(f"{base}-Accuracy", "").strip()
                break
        if lat:
            break
    out["__lat"], out["__lon"], out["__accuracy"] = lat, lon, acc
    # device: DeviceID, the deviceid field, SubmitterName, username
    device = ""
    root_row = chain[-1][1]
    for col in ("DeviceID", "deviceid", "meta-deviceid", "SubmitterName", "username"):
        device = root_row.get(col, "").strip()
        if device:
            break
    if not device:
        device = next((v.strip() for k, v in root_row.items() if last_segment(k) == "deviceid" and v.strip()), "")
    out["__device"] = device
    # photo: nearest photo answer, resolved under the media folder
    photo = ""
    for table, row in chain:
        photo = next((row.get(c, "").strip() for c in photo_columns(table.header) if row.get(c, "").strip()), "")
        if photo:
            break
    instance_ids = [root_row.get("KEY", "").strip(), root_row.get("meta-instanceID", "").strip()]
    out["__photo"] = media.resolve(photo, instance_ids) if photo else ""
    return out
