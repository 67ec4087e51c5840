"""Where a Kobo export keeps its system values: the layout of a sheet's columns and the reserved values.

:func:`_layout` finds a sheet's submission id, time, device, photo and geopoint columns
(:mod:`walktool.readers.kobo` describes how Kobo names them); the reserved values
(``__time``, ``__lat`` …) are then computed per record (:func:`_reserved`, XLSX repeat
chains) or for every row of a main sheet at once (:func:`_reserved_columns`, CSV).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from walktool.readers._base import RESERVED

if TYPE_CHECKING:
    import pandas as pd

Record = dict[str, str]


_GEO_SUFFIX = re.compile(r"^(?P<prefix>.*/)?_(?P<name>.+)_(?P<part>latitude|longitude|altitude|precision)$")
_RAW_GEOPOINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?(?:\s+(-?\d+(?:\.\d+)?))?\s*$")
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_NUMBER_TEXT = r"-?\d+(?:\.\d+)?"  # _NUMBER for stripped cells, column-wise
_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_PREFERRED_GEO = ("location", "localisation", "position", "gps")


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



# column-wise, for every row of a main sheet at once

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
