"""ODK Central and ODK Briefcase CSV exports.

``odk-central``
    The root CSV of a Central export (header ``SubmissionDate, <fields…>, KEY,
    SubmitterID, SubmitterName, AttachmentsPresent, AttachmentsExpected, Status,
    ReviewState, DeviceID, Edits, FormVersion``), or the export zip holding
    ``<formId>.csv``, one ``<formId>-<repeat>.csv`` per repeat and the media under
    ``media/`` (older Central versions: ``files/<instanceId>/``).
``odk-briefcase``
    A Briefcase (or old Aggregate) root CSV: ``SubmissionDate … KEY`` without the
    Central trailer, dates written in Java's MEDIUM format (``Apr 26, 2018
    8:58:20 AM``, the exporting machine's local time) and ``SET-OF-*`` columns.

What the readers fill:

* ``__submission`` is ``KEY`` (stable across edits); a repeat record gets its own
  repeat ``KEY`` (``uuid:…/stops[2]``).
* ``__time`` is the form's ``end`` (else ``start``) field, else ``SubmissionDate``.
  ISO values are kept as written (``Z`` or offset); Briefcase dates become ISO
  without offset (local time).
* ``__device`` is ``DeviceID``, else the ``deviceid`` field, else ``SubmitterName``.
* ``__lat`` / ``__lon`` / ``__accuracy`` come from the geopoint columns
  ``<path>-Latitude/-Longitude/-Accuracy``, preferring a geopoint named like a
  location (location, localisation, position, gps) and, for repeat records, the
  repeat's own geopoint over its parent's.
* ``__photo`` is the ``photo`` (or ``<group>-photo``, ``image``) answer; when the
  file is found under :attr:`RawTable.media_root` it is the path relative to it.

Repeats: every repeat row becomes a record carrying the columns of its parent
(and grand-parents, for nested repeats), its own columns first, the child's value
winning when names clash; parents with no repeat rows are records themselves.  The repeat files come from
the zip, or, for a CSV on disk, from sibling files ``<stem>-<repeat>.csv`` holding
``PARENT_KEY`` and ``KEY`` (how Briefcase and an unzipped Central export lay them
out).  One :class:`RawTable` is returned per root or repeat file that yields
records; ``__sheet`` names the member file and ``__row`` is the CSV line number in
that file.  Encrypted submissions Central could not decrypt are rejected.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from walktool.errors import Issue, SheetFormatError
from walktool.limits import check_zip, member_refusal, read_member
from walktool.readers._base import (
    RESERVED,
    Probe,
    RawTable,
    decode_bytes,
    first_row,
    read_text_rows,
    sniff_separator,
    split_rows,
    unique_headers,
)
from walktool.readers.photos import (
    MAX_MEMBER_BYTES,
    copy_member,
    safe_member_parts,
    temp_folder,
    unsafe_member_issue,
)

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
_ENCRYPTED = {"missing encrypted form data", "not decrypted"}
_LOCATION_WORDS = ("location", "localisation", "position", "gps", "geopoint", "coord")
_PHOTO_NAMES = ("photo", "photos", "image", "picture", "photo_file")
_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_JAVA_DATE = re.compile(
    r"^\s*(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})"
    r"(?:,?\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"
)
_MEDIA_FOLDERS = ("media", "files")  # where a Central zip keeps attachments (today's, older versions')


# ---------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------


def _trailer_count(header: list[str]) -> int:
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


def _header_of_text(text: str) -> list[str]:
    sep = sniff_separator(text[:65536])
    first = first_row(text, sep)
    return [h.strip() for h in first]


def _zip_member_header(zf: zipfile.ZipFile, name: str) -> list[str]:
    with zf.open(name) as fh:
        head = fh.read(65536)
    return _header_of_text(decode_bytes(head, partial=True)[0])


def _zip_roots(path: Path, names: list[str]) -> list[str]:
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
        return bool(_zip_roots(probe.path, probe.zip_names))
    return is_central_header(probe.csv_header)


def sniff_briefcase(probe: Probe) -> bool:
    """A Briefcase / Aggregate root CSV."""
    return not probe.zip_names and is_briefcase_header(probe.csv_header)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


@dataclass
class _Table:
    """One CSV of the export (root or repeat), as header + numbered rows."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    is_root: bool = False




def _make_table(name: str, rows: list[tuple[int, list[str]]], issues: list[Issue], file: str, sheet: str | None) -> _Table:
    if not rows:
        return _Table(name, [], [])
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
    return _Table(name, header, body)


def _is_repeat_header(header: list[str]) -> bool:
    return "PARENT_KEY" in header and "KEY" in header


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def parse_java_date(value: str) -> str | None:
    """``Apr 26, 2018 8:58:20 AM`` (Java MEDIUM, English) → ``2018-04-26T08:58:20``; None if not one.

    >>> parse_java_date("Apr 26, 2018 8:58:20 AM")
    '2018-04-26T08:58:20'
    >>> parse_java_date("Feb 1, 2018 12:05:19 AM")
    '2018-02-01T00:05:19'
    >>> parse_java_date("Apr 26, 2018")
    '2018-04-26'
    """
    text = value.replace("\u202f", " ").replace("\xa0", " ")
    m = _JAVA_DATE.match(text)
    if not m:
        return None
    month = _MONTHS.get(m["mon"][:3].lower())
    if month is None:
        return None
    try:
        if m["h"] is None:
            return datetime(int(m["year"]), month, int(m["day"])).date().isoformat()
        hour = int(m["h"])
        if m["ampm"]:
            pm = m["ampm"][0].lower() == "p"
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if pm else 0)
        moment = datetime(int(m["year"]), month, int(m["day"]), hour, int(m["m"]), int(m["s"] or 0))
    except ValueError:
        return None
    return moment.isoformat()


def to_iso(value: str) -> str | None:
    """An ODK date-time as ISO 8601: ISO text kept as written, Java dates converted; else None."""
    value = value.strip()
    if not value:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        return value
    java = parse_java_date(value)
    if java is not None:
        return java
    try:
        from dateutil import parser as dateparser

        return dateparser.parse(value).isoformat()
    except (ValueError, OverflowError):
        return None


def _last_segment(header: str) -> str:
    return header.rsplit("-", 1)[-1]


def _geopoints(header: list[str]) -> list[str]:
    """Geopoint path prefixes of a table, location-like names first."""
    names = set(header)
    bases = [h[: -len("-Latitude")] for h in header if h.endswith("-Latitude") and h[: -len("-Latitude")] + "-Longitude" in names]
    return sorted(bases, key=lambda b: 0 if any(w in b.lower() for w in _LOCATION_WORDS) else 1)


def _photo_columns(header: list[str]) -> list[str]:
    return [h for h in header if _last_segment(h).strip().casefold() in _PHOTO_NAMES]


def _time_columns(header: list[str]) -> list[str]:
    ends = [h for h in header if _last_segment(h) == "end"]
    starts = [h for h in header if _last_segment(h) == "start"]
    return ends + starts


# ---------------------------------------------------------------------------
# Media
# ---------------------------------------------------------------------------


def _safe_part(part: str) -> str:
    return re.sub(r'[<>:"|?*]', "_", part) if os.name == "nt" else part


def _extract_media(zf: zipfile.ZipFile, issues: list[Issue], file: str) -> Path | None:
    """Extract the zip's media to a temporary folder; return the folder photo answers resolve under.

    Central's "All data and media files" export keeps them in ``media/<file>``
    (older versions: ``files/<instanceId>/<file>``).  Members whose name could write
    outside the folder (``..``, absolute names: zip-slip) are skipped and reported.
    """
    members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts = safe_member_parts(info.filename)
        if parts is None:
            issues.append(unsafe_member_issue(info.filename, file))
        elif len(parts) > 1 and parts[0] in _MEDIA_FOLDERS:
            why = member_refusal(info, MAX_MEMBER_BYTES)
            if why is not None:
                rel = "/".join(parts)
                issues.append(Issue("photo-too-large", f"{rel}: {why}: skipped", "warning", file=file, value=rel))
            else:
                members.append((info, parts))
    if not members:
        return None
    tmp = temp_folder("walktool-odk-")
    tops: set[str] = set()
    for info, parts in members:
        if copy_member(zf, info, tmp.joinpath(*(_safe_part(p) for p in parts)), issues, file, "/".join(parts)):
            tops.add(parts[0])
    if len(tops) == 1:
        return tmp / tops.pop()
    return tmp if tops else None


class _MediaResolver:
    """Finds a photo answer under a media folder: ``<instanceId>/<file>``, the path itself, or by name."""

    def __init__(self, root: Path | None, *, search: bool = True) -> None:
        self.root = root
        self.search = search
        self._by_name: dict[str, list[str]] | None = None
        self.found = 0

    def _index(self) -> dict[str, list[str]]:
        if self._by_name is None:
            self._by_name = {}
            if self.root is not None and self.root.is_dir():
                for p in self.root.rglob("*"):
                    if p.is_file():
                        self._by_name.setdefault(p.name, []).append(p.relative_to(self.root).as_posix())
        return self._by_name

    def resolve(self, value: str, instance_ids: list[str]) -> str:
        value = value.strip()
        if not value or self.root is None:
            return value
        candidates = [f"{_safe_part(i)}/{value}" for i in instance_ids if i] + [value]
        for rel in candidates:
            if (self.root / rel).is_file():
                self.found += 1
                return rel
        hits = self._index().get(PurePosixPath(value).name, []) if self.search else []
        if len(hits) == 1:
            self.found += 1
            return hits[0]
        return value


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _load_zip(
    path: Path, names: list[str], file: str, issues: list[Issue]
) -> tuple[list[tuple[_Table, list[_Table]]], Path | None]:
    roots = _zip_roots(path, names)
    if not roots:
        msg = f"{path}: no ODK Central root CSV (<formId>.csv with SubmissionDate … KEY, SubmitterID …) in this zip"
        raise SheetFormatError(msg)
    groups: list[tuple[_Table, list[_Table]]] = []
    with zipfile.ZipFile(path) as zf:
        check_zip(zf, path)
        csvs = [n for n in names if "/" not in n.strip("/") and n.lower().endswith(".csv")]
        stems = {r: r[: -len(".csv")] for r in roots}
        tables: dict[str, _Table] = {}
        for name in csvs:
            text = decode_bytes(read_member(zf, name, path))[0]
            tables[name] = _make_table(name, split_rows(text, f"{path}: {name}"), issues, file, name)
        for root in roots:
            # a repeat belongs to the root with the longest matching stem
            repeats = [
                tables[n]
                for n in csvs
                if n not in roots
                and _is_repeat_header(tables[n].header)
                and max((s for s in stems.values() if n.startswith(s + "-")), key=len, default=None) == stems[root]
            ]
            tables[root].is_root = True
            groups.append((tables[root], repeats))
        media_root = _extract_media(zf, issues, file)
    return groups, media_root


def _load_plain(path: Path, file: str, issues: list[Issue]) -> tuple[_Table, list[_Table]]:
    rows, _, _ = read_text_rows(path)
    root = _make_table(path.name, rows, issues, file, None)
    root.is_root = True
    repeats: list[_Table] = []
    for sibling in sorted(path.parent.glob(f"{glob_escape(path.stem)}-*")):
        if sibling == path or not sibling.is_file() or sibling.suffix.lower() != ".csv":
            continue
        try:
            srows, _, _ = read_text_rows(sibling)
        except SheetFormatError as exc:
            issues.append(Issue("unreadable-repeat-file", f"{exc}; its repeat rows were not imported", "warning", file=file))
            continue
        if srows and _is_repeat_header([h.strip() for h in srows[0][1]]):
            repeats.append(_make_table(sibling.name, srows, issues, file, sibling.name))
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
        if is_repeat_header(_header_of_text(head)):
            out.append(sibling)
    return out


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a file stem."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _chain(record_key: str, parent_of: dict[str, str], index: dict[str, tuple[_Table, dict[str, str]]]) -> list[tuple[_Table, dict[str, str]]]:
    """The record's own row then its ancestors, nearest first (stops on unknown parents or cycles)."""
    out = []
    seen: set[str] = set()
    key: str | None = record_key
    while key is not None and key in index and key not in seen:
        seen.add(key)
        out.append(index[key])
        key = parent_of.get(key)
    return out


def _assemble(
    file: str,
    root: _Table,
    repeats: list[_Table],
    media: _MediaResolver,
    in_zip: bool,
    issues: list[Issue],
) -> tuple[list[tuple[_Table, list[dict[str, str | int]]]], int]:
    """Turn a root table and its repeat tables into records; return (table, records) pairs and rejects."""
    rejected = 0
    index: dict[str, tuple[_Table, dict[str, str]]] = {}
    parent_of: dict[str, str] = {}
    seen_keys: set[str] = set()
    usable: list[tuple[_Table, int, dict[str, str], str]] = []
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
    chain: list[tuple[_Table, dict[str, str]]], media: _MediaResolver, line: int, sheet: str, key: str
) -> dict[str, str | int]:
    """The reserved columns of one record; ``chain`` is the record's row then its ancestors."""
    out: dict[str, str | int] = {"__row": line, "__sheet": sheet, "__submission": key}
    # time: the nearest end/start field, else SubmissionDate
    when = ""
    for table, row in chain:
        for col in _time_columns(table.header):
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
        for base in _geopoints(table.header):
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
        device = next((v.strip() for k, v in root_row.items() if _last_segment(k) == "deviceid" and v.strip()), "")
    out["__device"] = device
    # photo: nearest photo answer, resolved under the media folder
    photo = ""
    for table, row in chain:
        photo = next((row.get(c, "").strip() for c in _photo_columns(table.header) if row.get(c, "").strip()), "")
        if photo:
            break
    instance_ids = [root_row.get("KEY", "").strip(), root_row.get("meta-instanceID", "").strip()]
    out["__photo"] = media.resolve(photo, instance_ids) if photo else ""
    return out


def _read(fmt: str, probe: Probe) -> list[RawTable]:
    import pandas as pd

    path = probe.path
    file = str(path)
    issues: list[Issue] = []
    if probe.zip_names:
        groups, media_root = _load_zip(path, probe.zip_names, file, issues)
        in_zip = True
        media = _MediaResolver(media_root)
    else:
        groups = [_load_plain(path, file, issues)]
        in_zip = False
        media_root = None
        media = _MediaResolver(None)
        # an unzipped Central export keeps media in files/<instanceId>/; Briefcase in media/ next to the CSV
        for candidate in (path.parent / "files", path.parent):
            if candidate.is_dir():
                trial = _MediaResolver(candidate, search=candidate.name == "files")
                if _any_photo_resolves(groups, trial):
                    media_root, media = candidate, trial
                    break
    tables: list[RawTable] = []
    rejected = 0
    for root, repeats in groups:
        if not root.header:
            continue
        pairs, rej = _assemble(file, root, repeats, media, in_zip, issues)
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


def _any_photo_resolves(groups: list[tuple[_Table, list[_Table]]], media: _MediaResolver) -> bool:
    for root, repeats in groups:
        for table in [root, *repeats]:
            cols = _photo_columns(table.header)
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
    return _read("odk-central", probe)


def read_briefcase(probe: Probe) -> list[RawTable]:
    """Read an ODK Briefcase CSV (and its sibling repeat CSVs)."""
    return _read("odk-briefcase", probe)


SNIFFERS = {"odk-central": sniff_central, "odk-briefcase": sniff_briefcase}
READERS = {"odk-central": read_central, "odk-briefcase": read_briefcase}
