"""KoboToolbox exports: CSV (``;``-quoted, labels or XML values) and XLSX with repeat sheets.

How Kobo writes its files (formpack, KPI export settings) is described in
``reference/formats.md`` §1; the points this reader relies on:

* every export ends with the system columns ``_id, _uuid, _submission_time, …, _index``,
  whose names stay the same in labels mode;
* a geopoint gives a raw ``"lat lon alt acc"`` column plus ``_X_latitude``,
  ``_X_longitude``, ``_X_altitude``, ``_X_precision`` where X is the question name
  (XML values) or label (labels mode), with the group prefix only on the four
  suffix columns (``walk/_location_latitude``);
* ``_submission_time`` is UTC without a suffix; ``start`` / ``end`` carry the
  device offset (stripped in typed XLSX exports, where they become local time);
* ``_uuid`` changes on each edit, ``meta/rootUuid`` does not;
* XLSX repeat sheets hold ``_parent_table_name`` and ``_parent_index`` pointing at
  the parent sheet's ``_index``; sheet names are cut to 31 characters, so repeat
  sheets are found by their columns and parents by a tolerant name match.

The file's own columns are kept as they are; only the reserved columns are filled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walktool.errors import Issue
from walktool.readers._base import (
    RESERVED,
    Probe,
    RawTable,
    overflow_issues,
    read_text_rows,
    read_xlsx_sheets,
    rows_to_frame,
)

if TYPE_CHECKING:
    import pandas as pd

Record = dict[str, str]

_GEO_SUFFIX = re.compile(r"^(?P<prefix>.*/)?_(?P<name>.+)_(?P<part>latitude|longitude|altitude|precision)$")
_RAW_GEOPOINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?(?:\s+(-?\d+(?:\.\d+)?))?\s*$")
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_NUMBER_TEXT = r"-?\d+(?:\.\d+)?"  # _NUMBER for stripped cells, column-wise
_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_PREFERRED_GEO = ("location", "localisation", "position", "gps")
_SHEET_CLEAN = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------


def _is_other_tool(headers: Sequence[str]) -> bool:
    """ODK (``SubmissionDate`` + ``KEY``, or ``PARENT_KEY``) and Epicollect (``ec5_*``) signatures."""
    hs = {h.strip() for h in headers}
    if "KEY" in hs and ("SubmissionDate" in hs or "PARENT_KEY" in hs):
        return True
    return any(h.lower().startswith("ec5_") for h in hs)


def _is_kobo_header(headers: Sequence[str]) -> bool:
    """A main-section header of a Kobo export (KPI, labels or XML values, or KoboCAT legacy)."""
    hs = {h.strip() for h in headers}
    if _is_other_tool(headers):
        return False
    if "_uuid" in hs and "_submission_time" in hs:
        return True
    # KoboCAT legacy "flattened" CSV: no system columns, but Kobo's ``meta/instanceID``
    # (ODK writes ``meta-instanceID``) next to Kobo-style geopoint columns or groups.
    return "meta/instanceID" in hs and any(_GEO_SUFFIX.match(h) or "/" in h for h in hs - {"meta/instanceID"})


def is_repeat_sheet_header(headers: Sequence[str]) -> bool:
    hs = {h.strip() for h in headers}
    return "_parent_index" in hs and ("_parent_table_name" in hs or "_index" in hs) and "_uuid" not in hs


def sniff_csv(probe: Probe) -> bool:
    """A delimited text file whose header carries Kobo's system columns."""
    header = probe.csv_header
    return bool(header) and _is_kobo_header(header)


def sniff_xlsx(probe: Probe) -> bool:
    """A workbook whose first sheet is a Kobo main section, or that holds a Kobo repeat sheet."""
    if not probe.is_xlsx:
        return False
    heads = [[c.strip() for c in rows[0]] if rows else [] for rows in probe.xlsx_head.values()]
    if not heads or any(_is_other_tool(h) for h in heads):
        return False
    first = set(heads[0])
    if "_uuid" in first and ("_submission_time" in first or "_index" in first):
        return True
    if any({"_parent_index", "_parent_table_name"} <= set(h) for h in heads):
        return True
    # trimmed exports (Kobo's own docs sample): ``_index`` on the main sheet, ``_parent_index`` on another
    return "_index" in first and any({"_index", "_parent_index"} <= set(h) for h in heads[1:])


# ---------------------------------------------------------------------------
# Column discovery (per sheet / file)
# ---------------------------------------------------------------------------


def _last_segment(header: str) -> str:
    return header.rsplit("/", 1)[-1].strip()


@dataclass(eq=False)
class _Geo:
    """One geopoint: its suffix columns and/or its raw ``lat lon alt acc`` column."""

    name: str
    lat: str | None = None
    lon: str | None = None
    acc: str | None = None
    raw: str | None = None
    order: int = 0

    @property
    def preferred(self) -> bool:
        folded = self.name.casefold()
        return any(word in folded for word in _PREFERRED_GEO)

    def value(self, rec: Record) -> tuple[str, str, str] | None:
        """(lat, lon, accuracy) of this geopoint in a record, or None when empty / unreadable."""
        if self.lat and self.lon:
            lat, lon = rec.get(self.lat, "").strip(), rec.get(self.lon, "").strip()
            if _NUMBER.match(lat) and _NUMBER.match(lon) and _in_range(lat, lon):
                acc = rec.get(self.acc, "").strip() if self.acc else ""
                return lat, lon, acc
        if self.raw:
            return _parse_raw(rec.get(self.raw, ""))
        return None


def _in_range(lat: str, lon: str) -> bool:
    return abs(float(lat)) <= 90 and abs(float(lon)) <= 180


def _parse_raw(text: str) -> tuple[str, str, str] | None:
    m = _RAW_GEOPOINT.match(text)
    if not m or not _in_range(m.group(1), m.group(2)):
        return None
    return m.group(1), m.group(2), m.group(4) or ""


@dataclass
class _Layout:
    """What the reader needs to know about one sheet's (or CSV's) columns."""

    columns: list[str]
    submission: list[str] = field(default_factory=list)  # in order of preference
    instance: str | None = None  # legacy meta/instanceID
    end: str | None = None
    start: str | None = None
    submitted: str | None = None
    devices: list[str] = field(default_factory=list)
    geos: list[_Geo] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    geolocation: str | None = None


def _find(columns: Sequence[str], *names: str) -> str | None:
    """First column whose name or last ``/`` segment is one of ``names`` (case-insensitive)."""
    wanted = [n.casefold() for n in names]
    for name in wanted:
        for col in columns:
            if col.strip().casefold() == name:
                return col
    for name in wanted:
        for col in columns:
            if _last_segment(col).casefold() == name:
                return col
    return None


def _layout(columns: list[str], rows: Sequence[Record] | Callable[[str], list[str]]) -> _Layout:
    """Find a sheet's system, time, device, photo and geopoint columns.

    ``rows`` gives the cell values, as records or as a function returning one column's values.
    """
    values_of: Callable[[str], list[str]] = rows if callable(rows) else (lambda col: [r.get(col, "") for r in rows])
    lay = _Layout(columns)
    root = _find(columns, "rootUuid")
    lay.submission = [c for c in (root, _find(columns, "_uuid"), _find(columns, "_id")) if c]
    lay.instance = _find(columns, "instanceID")
    lay.end = _find(columns, "end")
    lay.start = _find(columns, "start")
    lay.submitted = _find(columns, "_submission_time")
    lay.devices = [c for c in (_find(columns, "deviceid"), _find(columns, "_submitted_by"), _find(columns, "username")) if c]
    lay.geolocation = _find(columns, "_geolocation")
    lay.photos = [c for c in columns if c.strip().casefold() == "photo" or c.strip().casefold().endswith("/photo")]

    geos: dict[tuple[str, str], _Geo] = {}
    for i, col in enumerate(columns):
        m = _GEO_SUFFIX.match(col.strip())
        if not m:
            continue
        key = (m.group("prefix") or "", m.group("name"))
        geo = geos.setdefault(key, _Geo(m.group("name"), order=i))
        part = m.group("part")
        if part == "latitude":
            geo.lat = col
        elif part == "longitude":
            geo.lon = col
        elif part == "precision":
            geo.acc = col
    found = [g for g in geos.values() if g.lat and g.lon]
    claimed: set[str] = set()
    for (prefix, name), geo in geos.items():
        # the raw column carries no group prefix (formpack quirk), but accept one too
        for cand in (name, prefix + name):
            if cand in columns and cand not in claimed:
                geo.raw = cand
                claimed.add(cand)
                geo.order = min(geo.order, columns.index(cand))
                break
        if geo.raw and geo not in found:
            found.append(geo)
    # raw "lat lon alt acc" columns with no suffix columns
    suffix_cols = {c for g in found for c in (g.lat, g.lon, g.acc) if c}
    for i, col in enumerate(columns):
        if col in claimed or col in suffix_cols or col.startswith("__"):
            continue
        if _all_raw_geopoints(values_of(col)):
            found.append(_Geo(_last_segment(col), raw=col, order=i))
    found.sort(key=lambda g: (not g.preferred, g.order))
    lay.geos = found
    return lay


def _all_raw_geopoints(values: Sequence[str]) -> bool:
    """True when some value is filled and every filled one is a raw ``lat lon alt acc`` geopoint.

    Stops at the first filled value that is not one (most columns: their first value).
    """
    seen = False
    for value in values:
        text = value.strip()
        if not text:
            continue
        if _parse_raw(text) is None or len(text.split()) < 3:
            return False
        seen = True
    return seen


# ---------------------------------------------------------------------------
# Reserved values
# ---------------------------------------------------------------------------


def _strip_uuid(value: str) -> str:
    value = value.strip()
    return value[5:] if value.lower().startswith("uuid:") else value


def _submission(lay: _Layout, rec: Record) -> str:
    for col in lay.submission:
        value = _strip_uuid(rec.get(col, ""))
        if value:
            return value
    if lay.instance:
        return _strip_uuid(rec.get(lay.instance, ""))
    return ""


def _utc(value: str) -> str:
    value = value.strip()
    if not value or _TZ_SUFFIX.search(value):
        return value
    return value + "Z"


def _time(chain: Sequence[tuple[_Layout, Record]]) -> str:
    """``end``, else ``start``, else ``_submission_time`` (UTC): searched from the record up to its root."""
    for attr in ("end", "start"):
        for lay, rec in chain:
            col = getattr(lay, attr)
            if col and rec.get(col, "").strip():
                return str(rec[col]).strip()
    for lay, rec in chain:
        if lay.submitted and rec.get(lay.submitted, "").strip():
            return _utc(rec[lay.submitted])
    for lay, rec in chain:  # repeat sheets repeat the parent's submission time
        col = _find(lay.columns, "_submission__submission_time")
        if col and rec.get(col, "").strip():
            return _utc(rec[col])
    return ""


def _first(chain: Sequence[tuple[_Layout, Record]], attr: str) -> str:
    for lay, rec in chain:
        for col in getattr(lay, attr):
            value = rec.get(col, "").strip()
            if value:
                return value
    return ""


def _position(chain: Sequence[tuple[_Layout, Record]]) -> tuple[str, str, str]:
    for lay, rec in chain:
        for geo in lay.geos:
            pos = geo.value(rec)
            if pos is not None:
                return pos
    for lay, rec in chain:  # JSON-API dumps: "[45.5, -73.6]"
        if lay.geolocation:
            nums = re.findall(r"-?\d+(?:\.\d+)?", rec.get(lay.geolocation, ""))
            if len(nums) >= 2 and _in_range(nums[0], nums[1]):
                return nums[0], nums[1], ""
    return "", "", ""


def _reserved(chain: Sequence[tuple[_Layout, Record]]) -> Record:
    """Reserved values (except ``__row``, ``__sheet``, ``__submission``) of a record, leaf first."""
    lat, lon, acc = _position(chain)
    return {
        "__time": _time(chain),
        "__lat": lat,
        "__lon": lon,
        "__accuracy": acc,
        "__device": _first(chain, "devices"),
        "__photo": _first(chain, "photos"),
    }


def _frame(columns: list[str], records: list[Record]) -> pd.DataFrame:
    import pandas as pd

    cols = [c for c in columns if c not in RESERVED] + list(RESERVED)
    frame = pd.DataFrame(records, columns=cols, dtype=object).fillna("")
    frame["__row"] = [int(r["__row"]) for r in records]
    return frame


def _split_header(rows: list[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header cells (trailing blanks dropped) and body rows (an HXL tag row skipped)."""
    if not rows:
        return [], []
    header = list(rows[0][1])
    while header and not header[-1].strip():
        header.pop()
    body = rows[1:]
    if body:
        filled = [c.strip() for c in body[0][1] if c.strip()]
        if filled and all(c.startswith("#") for c in filled):
            body = body[1:]
    return header, body


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def read_csv(probe: Probe) -> list[RawTable]:
    """Read a Kobo CSV export (main section only: Kobo CSV has no repeats).

    The reserved columns are computed column-wise, so a large export is held once
    (as the frame), never as one Python dict per row.
    """
    file = str(probe.path)
    rows, _encoding, _sep = read_text_rows(probe.path)
    header, body = _split_header(rows)
    del rows
    frame = rows_to_frame(header, body)
    del body
    issues = overflow_issues(frame, file)
    frame.attrs.pop("overflow_rows", None)
    columns = [c for c in frame.columns if c != "__row"]
    lay = _layout(columns, lambda col: frame[col].tolist())
    reserved = _reserved_columns(lay, frame)
    for name in RESERVED:
        if name != "__row" and name in frame.columns:
            del frame[name]
    for name, values in reserved.items():
        frame[name] = values
    frame["__sheet"] = ""
    frame["__row"] = frame.pop("__row").astype(int)
    if not lay.submission and lay.instance:
        frame["__submission"] = _numbered_repeats(frame["__submission"])
    return [RawTable("kobo-csv", file, frame, issues)]


def _stripped(frame: pd.DataFrame, col: str | None) -> pd.Series:
    import pandas as pd

    if col is None or col not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[col].astype(object).fillna("").astype(str).str.strip().astype(object)


def _first_filled(candidates: Sequence[pd.Series], index: pd.Index) -> pd.Series:
    """Per row, the first non-empty value among ``candidates`` (``""`` when none)."""
    import pandas as pd

    out = pd.Series("", index=index, dtype=object)
    for cand in candidates:
        out = out.where(out.ne(""), cand)
    return out


def _utc_series(values: pd.Series) -> pd.Series:
    """:func:`_utc` column-wise: a time without offset is UTC."""
    plain = values.ne("") & ~values.str.contains(_TZ_SUFFIX.pattern, regex=True)
    return values.where(~plain, values + "Z")


def _raw_columns(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """:func:`_parse_raw` column-wise: (valid, lat, lon, accuracy)."""
    import pandas as pd

    parts = values.str.extract(_RAW_GEOPOINT.pattern)
    lat = parts[0].astype(object).fillna("")
    lon = parts[1].astype(object).fillna("")
    valid = lat.ne("") & _in_range_series(lat, lon)
    acc = parts[3].astype(object).fillna("")
    return valid.astype(bool), lat, lon, pd.Series(acc, index=values.index, dtype=object)


def _in_range_series(lat: pd.Series, lon: pd.Series) -> pd.Series:
    import pandas as pd

    la = pd.to_numeric(lat, errors="coerce").abs()
    lo = pd.to_numeric(lon, errors="coerce").abs()
    return (la <= 90) & (lo <= 180)


def _reserved_columns(lay: _Layout, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """:func:`_reserved` and :func:`_submission` for every row of a main sheet at once."""
    import pandas as pd

    index = frame.index

    def col(name: str | None) -> pd.Series:
        return _stripped(frame, name)

    # time: end, else start, else _submission_time (UTC), else a repeat sheet's copy of it
    times = [col(lay.end), col(lay.start), _utc_series(col(lay.submitted))]
    copied = _find(lay.columns, "_submission__submission_time")
    if copied:
        times.append(_utc_series(col(copied)))
    when = _first_filled(times, index)
    # position: the first geopoint with a readable value, location-like names first
    lat = pd.Series("", index=index, dtype=object)
    lon = lat.copy()
    acc = lat.copy()
    for geo in lay.geos:
        todo = lat.eq("")
        if not todo.any():
            break
        if geo.lat and geo.lon:
            g_lat, g_lon = col(geo.lat), col(geo.lon)
            number = g_lat.str.fullmatch(_NUMBER_TEXT) & g_lon.str.fullmatch(_NUMBER_TEXT)
            ok = todo & number.fillna(False).astype(bool) & _in_range_series(g_lat, g_lon)
            g_acc = col(geo.acc) if geo.acc else pd.Series("", index=index, dtype=object)
            lat, lon, acc = lat.where(~ok, g_lat), lon.where(~ok, g_lon), acc.where(~ok, g_acc)
            todo &= ~ok
        if geo.raw:
            valid, r_lat, r_lon, r_acc = _raw_columns(frame[geo.raw].astype(object).fillna("").astype(str))
            ok = todo & valid
            lat, lon, acc = lat.where(~ok, r_lat), lon.where(~ok, r_lon), acc.where(~ok, r_acc)
    if lay.geolocation and lat.eq("").any():
        todo = lat.eq("")
        nums = frame.loc[todo, lay.geolocation].astype(str).map(lambda v: re.findall(r"-?\d+(?:\.\d+)?", v))
        for idx, found in nums.items():
            if len(found) >= 2 and _in_range(found[0], found[1]):
                lat.at[idx], lon.at[idx], acc.at[idx] = found[0], found[1], ""
    # submission: rootUuid, else _uuid, else _id, else the legacy meta/instanceID
    subs = [col(c).str.replace(r"^(?i:uuid:)", "", regex=True) for c in lay.submission]
    if lay.instance and not lay.submission:
        subs.append(col(lay.instance).str.replace(r"^(?i:uuid:)", "", regex=True))
    return {
        "__time": when,
        "__lat": lat,
        "__lon": lon,
        "__accuracy": acc,
        "__device": _first_filled([col(c) for c in lay.devices], index),
        "__photo": _first_filled([col(c) for c in lay.photos], index),
        "__submission": _first_filled([s.astype(object) for s in subs], index),
    }


def _numbered_repeats(submission: pd.Series) -> pd.Series:
    """KoboCAT legacy "flattened" CSV: one line per repeat instance sharing ``meta/instanceID``."""
    counts = submission.map(submission.value_counts())
    seq = submission.groupby(submission).cumcount() + 1
    repeated = submission.ne("") & counts.gt(1)
    return submission.where(~repeated, submission + "#" + seq.astype(str))


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    layout: _Layout
    records: list[Record]
    parent: str | None = None  # parent sheet name, for repeat sheets
    by_index: dict[str, int] = field(default_factory=dict)  # _index -> position in records


def _sheet_key(name: str) -> str:
    """A sheet or section name as Kobo shortens it: cleaned, without "..." or "(n)"."""
    name = _SHEET_CLEAN.sub("", name).strip()
    name = re.sub(r"\s*\(\d+\)$", "", name)
    return name.removesuffix("...").strip().casefold()


def _parent_sheet(table_name: str, sheets: dict[str, _Sheet], child: str, main: str) -> str:
    """The sheet named by ``_parent_table_name``: exact, then truncated (31 chars, "...", "(n)"), else main."""
    if table_name in sheets and table_name != child:
        return table_name
    target = _sheet_key(table_name)
    for name in sheets:
        key = _sheet_key(name)
        if name != child and key and (target == key or target.startswith(key)):
            return name
    return main


def _merge_names(chain_columns: Sequence[list[str]]) -> list[list[str]]:
    """Output names of each sheet's columns along a chain (leaf first): the leaf keeps its
    names, ancestors' clashing columns get ``.2``, ``.3`` … like :func:`unique_headers`."""
    used: set[str] = set()
    out: list[list[str]] = []
    for cols in chain_columns:
        names = []
        for col in cols:
            name = col
            n = 1
            while name in used:
                n += 1
                name = f"{col}.{n}"
            used.add(name)
            names.append(name)
        out.append(names)
    return out


def read_xlsx(probe: Probe) -> list[RawTable]:
    """Read a Kobo XLSX export, joining repeat sheets to their parents (one record per leaf row)."""
    file = str(probe.path)
    raw = read_xlsx_sheets(probe.path)
    issues: list[Issue] = []
    sheets: dict[str, _Sheet] = {}
    for name, rows in raw.items():
        header, body = _split_header(rows)
        frame = rows_to_frame(header, body)
        issues += overflow_issues(frame, file, name)
        columns = [c for c in frame.columns if c != "__row"]
        records: list[Record] = [
            {str(k): ("" if v is None else str(v)) for k, v in r.items()} for r in frame.to_dict("records")
        ]
        sheets[name] = _Sheet(name, _layout(columns, records), records)
    if not sheets:
        return [RawTable("kobo-xlsx", file, _frame([], []), issues)]

    main = next(iter(sheets))
    repeats = [s for s in sheets.values() if {"_parent_index", "_parent_table_name"} <= set(s.layout.columns)]
    # a trimmed export may lack _parent_table_name: the parent is then the main sheet
    repeats += [
        s for s in sheets.values()
        if s.name != main and s not in repeats and {"_index", "_parent_index"} <= set(s.layout.columns)
    ]
    kept = {main} | {s.name for s in repeats}
    for sheet in sheets.values():
        if "_index" in sheet.layout.columns:
            sheet.by_index = {r["_index"].strip(): i for i, r in enumerate(sheet.records) if r["_index"].strip()}

    # children[(parent sheet, parent position)] = [(child sheet, child position)] in sheet order
    children: dict[tuple[str, int], list[tuple[str, int]]] = {}
    parent_of: dict[tuple[str, int], tuple[str, int]] = {}
    for sheet in repeats:
        for i, rec in enumerate(sheet.records):
            table = rec.get("_parent_table_name", "").strip()
            parent_name = _parent_sheet(table, sheets, sheet.name, main) if table else main
            if parent_name not in kept:
                kept.add(parent_name)
            pos = sheets[parent_name].by_index.get(rec.get("_parent_index", "").strip())
            if pos is None:
                issues.append(Issue(
                    "kobo-orphan-repeat",
                    f"this repeat row points at _parent_index {rec.get('_parent_index', '')!r} of sheet "
                    f"{parent_name!r}, which has no such _index; it was read without its parent's answers",
                    "warning", file=file, sheet=sheet.name, row=int(rec["__row"]),
                ))
                continue
            children.setdefault((parent_name, pos), []).append((sheet.name, i))
            parent_of[(sheet.name, i)] = (parent_name, pos)

    # 1-based position of each repeat row among its parent's children (``_index`` is not stable)
    position = {node: n for kids in children.values() for n, node in enumerate(kids, 1)}

    def chain_of(node: tuple[str, int]) -> list[tuple[str, int]]:
        chain = [node]
        seen = {node}
        while chain[-1] in parent_of and parent_of[chain[-1]] not in seen:
            chain.append(parent_of[chain[-1]])
            seen.add(chain[-1])
        return chain

    def submission_of(node: tuple[str, int]) -> str:
        sheet = sheets[node[0]]
        rec = sheet.records[node[1]]
        if node not in parent_of:
            sub = _submission(sheet.layout, rec)
            if not sub and node[0] != main:
                col = _find(sheet.layout.columns, "_submission__uuid")
                sub = rec.get(col, "").strip() if col else ""
            return sub
        return f"{submission_of(parent_of[node])}#{position[node]}"

    leaves = [
        (name, i)
        for name in sheets
        if name in kept
        for i in range(len(sheets[name].records))
        if (name, i) not in children
    ]
    # in submission order: each root row followed by its repeat instances
    sheet_order = {name: n for n, name in enumerate(sheets)}
    leaves.sort(key=lambda leaf: [(sheet_order[s], i) for s, i in reversed(chain_of(leaf))])
    names_cache: dict[tuple[str, ...], list[list[str]]] = {}
    all_columns: list[str] = []
    seen_cols: set[str] = set()
    out: list[Record] = []
    for leaf in leaves:
        chain = chain_of(leaf)
        key = tuple(s for s, _ in chain)
        if key not in names_cache:
            names_cache[key] = _merge_names([sheets[s].layout.columns for s in key])
            for names in reversed(names_cache[key]):  # root columns first
                for col in names:
                    if col not in seen_cols:
                        seen_cols.add(col)
                        all_columns.append(col)
        row: Record = {}
        for (s, i), names in zip(chain, names_cache[key], strict=True):
            rec = sheets[s].records[i]
            for col, name in zip(sheets[s].layout.columns, names, strict=True):
                row[name] = rec.get(col, "")
        pairs = [(sheets[s].layout, sheets[s].records[i]) for s, i in chain]
        row.update(_reserved(pairs))
        row["__submission"] = submission_of(leaf)
        row["__sheet"] = leaf[0]
        row["__row"] = sheets[leaf[0]].records[leaf[1]]["__row"]
        out.append(row)
    for name in sheets:
        if name not in kept and sheets[name].records:
            issues.append(Issue(
                "kobo-extra-sheet",
                f"sheet {name!r} is neither the main sheet nor a repeat sheet (no _parent_index column); it was not read",
                "warning", file=file, sheet=name,
            ))
    if not out and not all_columns:
        all_columns = list(sheets[main].layout.columns)
    return [RawTable("kobo-xlsx", file, _frame(all_columns, out), issues)]


SNIFFERS = {"kobo-csv": sniff_csv, "kobo-xlsx": sniff_xlsx}
READERS = {"kobo-csv": read_csv, "kobo-xlsx": read_xlsx}
