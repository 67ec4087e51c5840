"""Reading recorded-incident files: the City of Montréal "actes criminels" layout, or any mapped CSV / GeoJSON.

The Montréal layout (police incidents published by the SPVM on the city's open-data
portal, CC BY 4.0; docs/incidents.md says where it is documented) is one incident a
row under the header ``CATEGORIE,DATE,QUART,PDQ,X,Y,LONGITUDE,LATITUDE`` (older files:
``…,X,Y,LAT,LONG``):

* ``CATEGORIE``: one of six French categories (:data:`MONTREAL_CATEGORIES`);
* ``DATE``: the day only, ``YYYY-MM-DD`` (older files ``YYYY-MM-DD 00:00:00``);
* ``QUART``: the police shift, ``jour`` (day), ``soir`` (evening) or ``nuit`` (night);
* ``PDQ``: the police district (poste de quartier) number;
* ``X`` / ``Y``: metres in MTM zone 8, NAD83(CSRS) (EPSG:2950); the publisher moves every
  position to the nearest intersection; a row without a position has ``0,0`` or empty
  coordinates.  Such rows are kept as *unplaced*: counted, never lost.

Any other CSV or GeoJSON of dated points with a category is read through a mapping
(``--map MAPPING.yaml``, :class:`IncidentMapping`).  Every row is accepted or rejected
with an :class:`~walktool.errors.Issue` naming its file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError
from walktool.i18n import N_, Phrase
from walktool.textnorm import fold

if TYPE_CHECKING:
    import pandas as pd

MONTREAL_NEW = ("CATEGORIE", "DATE", "QUART", "PDQ", "X", "Y", "LONGITUDE", "LATITUDE")
MONTREAL_OLD = ("CATEGORIE", "DATE", "QUART", "PDQ", "X", "Y", "LAT", "LONG")
MONTREAL_CRS = "EPSG:2950"
# the six categories as published (folded spelling → stable key)
MONTREAL_CATEGORIES: dict[str, str] = {
    "Introduction": "break_in",
    "Méfait": "mischief",
    "Vol dans / sur véhicule à moteur": "theft_from_vehicle",
    "Vol de véhicule à moteur": "vehicle_theft",
    "Vols qualifiés": "robbery",
    "Infractions entrainant la mort": "death",
}
_CATEGORY_BY_FOLD = {fold(k): v for k, v in MONTREAL_CATEGORIES.items()}
# the SPVM shifts: jour 8 h–16 h, soir 16 h–24 h, nuit 0 h–8 h; walks are "day" or "night" (after dark)
SHIFT_PERIOD = {"jour": "day", "soir": "night", "nuit": "night"}
MONTREAL_SOURCE: dict[str, Any] = {
    "name": "Actes criminels",
    "publisher": "Service de police de la Ville de Montréal (SPVM), Ville de Montréal",
    "licence": "CC BY 4.0",
    "url": "https://donnees.montreal.ca/dataset/actes-criminels",
}
MONTREAL_PRECISION_M = 100.0  # positions are moved to the nearest intersection: about a block
NIGHT_FROM, NIGHT_TO = dt.time(18, 0), dt.time(6, 0)  # a mapped file's times: night from 18 h to 6 h
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:h](\d{2})")
FIELDS = ("category", "date", "time", "period", "district", "lat", "lon", "x", "y", "id")


class IncidentsError(WalktoolError):
    """An incidents file cannot be read (unknown layout, bad mapping, unreadable file)."""


@dataclass
class IncidentMapping:
    """How a CSV or GeoJSON of incidents maps to walktool's fields (``--map MAPPING.yaml``).

    The YAML file holds ``columns`` (field → the file's column or property: ``category``
    and ``date`` required; ``time`` or ``period`` for day/night; ``lat``/``lon``, or
    ``x``/``y`` with ``crs``; optional ``district`` and ``id``), optionally ``crs``
    (of x/y, default EPSG:4326), ``categories`` (the file's value → a key), ``source``
    (``name``, ``publisher``, ``licence``, ``url``) and ``precision_m`` (how far the
    publisher moved the positions; points are never shown finer).
    """

    columns: dict[str, str]
    crs: str = "EPSG:4326"
    categories: dict[str, str] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    precision_m: float = 0.0

    @classmethod
    def load(cls, path: Path) -> IncidentMapping:
        """Read and check a mapping file."""
        import yaml

        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            msg = Phrase(N_("{path}: cannot read the mapping ({exc}); give a YAML file with a 'columns' table"), path=path, exc=exc)
            raise IncidentsError(msg) from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict):
            msg = Phrase(N_("{path}: a mapping needs a 'columns' table (category, date, lat/lon or x/y …)"), path=path)
            raise IncidentsError(msg)
        columns = {str(k): str(v) for k, v in doc["columns"].items()}
        unknown = sorted(set(columns) - set(FIELDS))
        missing = [f for f in ("category", "date") if f not in columns]
        if unknown or missing:
            what = f"unknown field(s) {', '.join(unknown)}" if unknown else f"missing {', '.join(missing)}"
            msg = Phrase(N_("{path}: columns: {what}; fields are {FIELDS} (category and date required)"), path=path, what=what, FIELDS=', '.join(FIELDS))
            raise IncidentsError(msg)
        source = doc.get("source") or {}
        if not isinstance(source, dict):
            msg = Phrase(N_("{path}: 'source' must be a table (name, publisher, licence, url)"), path=path)
            raise IncidentsError(msg)
        try:
            precision = float(doc.get("precision_m", 0) or 0)
        except (TypeError, ValueError) as exc:
            msg = Phrase(N_("{path}: precision_m must be a number of metres"), path=path)
            raise IncidentsError(msg) from exc
        return cls(columns, str(doc.get("crs") or "EPSG:4326"), {str(k): str(v) for k, v in (doc.get("categories") or {}).items()},
                   {str(k): v for k, v in source.items()}, precision)


@dataclass
class IncidentRead:
    """What a file held: its incidents (a frame), the issues of rejected rows, the source's description."""

    path: Path
    layout: str  # "montreal-actes-criminels", "mapped-csv", "mapped-geojson"
    incidents: pd.DataFrame
    issues: list[Issue]
    source: dict[str, Any]
    checksum: str
    rows: int

    @property
    def rejected(self) -> int:
        """Rows rejected (one error issue each)."""
        return len({i.row for i in self.issues if i.level == "error"})


def read_incidents(path: str | Path, mapping: IncidentMapping | None = None) -> IncidentRead:
    """Read an incidents file.

    Parameters
    ----------
    path
        A CSV in the Montréal layout (detected by its header), or, with ``mapping``,
        any CSV or GeoJSON of dated points with a category.
    mapping
        How the file's columns map to walktool's fields.

    Returns
    -------
    IncidentRead
        ``incidents`` has ``category, date, period, shift, district, lat, lon, placed,
        source_row`` (WGS84; ``placed`` False for rows without a position).

    Raises
    ------
    IncidentsError
        The file cannot be read, or its layout is unknown and no mapping was given.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = Phrase(N_("{path}: cannot read the file ({value})"), path=path, value=exc.strerror or exc)
        raise IncidentsError(msg) from exc
    checksum = hashlib.sha256(data).hexdigest()
    if mapping is not None and (path.suffix.lower() in (".geojson", ".json") or data.lstrip()[:1] == b"{"):
        rows = _geojson_rows(path, data, mapping)
        return _build(path, "mapped-geojson", rows, mapping, checksum)
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        msg = Phrase(N_("{path}: the file is empty; give a CSV with a header row (Montréal layout: {MONTREAL_NEW})"), path=path, MONTREAL_NEW=','.join(MONTREAL_NEW))
        raise IncidentsError(msg) from None
    body = list(reader)
    if mapping is None:
        upper = tuple(h.upper() for h in header)
        if upper[: len(MONTREAL_NEW)] not in (MONTREAL_NEW, MONTREAL_OLD):
            msg = (
                Phrase(N_("{path}: not the Montréal 'actes criminels' layout (header {MONTREAL_NEW} or …,LAT,LONG; found {header}); for another file give --map MAPPING.yaml (docs/incidents.md)"), path=path, MONTREAL_NEW=','.join(MONTREAL_NEW), header=','.join(header[:8]))
            )
            raise IncidentsError(msg)
        names = list(upper)
        montreal = IncidentMapping(
            columns={"category": "CATEGORIE", "date": "DATE", "period": "QUART", "district": "PDQ", "x": "X", "y": "Y",
                     "lat": "LATITUDE" if "LATITUDE" in names else "LAT",
                     "lon": "LONGITUDE" if "LONGITUDE" in names else "LONG"},
            crs=MONTREAL_CRS,
            source=dict(MONTREAL_SOURCE),
            precision_m=MONTREAL_PRECISION_M,
        )
        records = [(i + 2, dict(zip(names, r, strict=False))) for i, r in enumerate(body) if any(c.strip() for c in r)]
        return _build(path, "montreal-actes-criminels", records, montreal, checksum, montreal_layout=True)
    missing = [c for c in mapping.columns.values() if c not in header]
    if missing:
        msg = Phrase(N_("{path}: the mapping names column(s) {missing} the file does not have (it has {header})"), path=path, missing=', '.join(missing), header=', '.join(header))
        raise IncidentsError(msg)
    records = [(i + 2, dict(zip(header, r, strict=False))) for i, r in enumerate(body) if any(c.strip() for c in r)]
    return _build(path, "mapped-csv", records, mapping, checksum)


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = Phrase(N_("{path}: not UTF-8 or Windows-1252 text; save it as CSV UTF-8"), path=path)
    raise IncidentsError(msg)


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _geojson_rows(path: Path, data: bytes, mapping: IncidentMapping) -> list[tuple[int, dict[str, Any]]]:
    import json

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = Phrase(N_("{path}: not valid GeoJSON ({exc})"), path=path, exc=exc)
        raise IncidentsError(msg) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        msg = Phrase(N_("{path}: a GeoJSON FeatureCollection is needed (a 'features' list)"), path=path)
        raise IncidentsError(msg)
    out = []
    for i, feature in enumerate(features, start=1):
        props = dict((feature or {}).get("properties") or {})
        geom = (feature or {}).get("geometry") or {}
        coords = geom.get("coordinates") if geom.get("type") == "Point" else None
        if coords and len(coords) >= 2:
            props.setdefault(mapping.columns.get("lon", "__lon"), coords[0])
            props.setdefault(mapping.columns.get("lat", "__lat"), coords[1])
        out.append((i, props))
    if "lat" not in mapping.columns:
        mapping.columns.update({"lat": "__lat", "lon": "__lon"})
    return out


def _number(value: Any) -> float | None:
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number else None


def _parse_date(value: str) -> dt.date | None:
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _period(raw: str, time_text: str) -> tuple[str | None, str | None]:
    """(period, shift) from a shift name (jour / soir / nuit, day / night) or a time of day."""
    shift = fold(raw) if raw else ""
    if shift in SHIFT_PERIOD:
        return SHIFT_PERIOD[shift], shift
    if shift in ("day", "night"):
        return shift, None
    found = _TIME.findall(time_text or "")
    if found:
        hour, minute = (int(v) for v in found[-1])
        if hour > 23 or minute > 59:
            return None, None
        t = dt.time(hour, minute)
        return ("night" if t >= NIGHT_FROM or t < NIGHT_TO else "day"), None
    return None, None


def _build(
    path: Path,
    layout: str,
    records: list[tuple[int, dict[str, Any]]],
    mapping: IncidentMapping,
    checksum: str,
    *,
    montreal_layout: bool = False,
) -> IncidentRead:
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    cols = mapping.columns
    name = path.name
    issues: list[Issue] = []
    kept: list[dict[str, Any]] = []
    xs: list[float] = []
    ys: list[float] = []
    for row, rec in records:

        def get(key: str, rec: dict[str, Any] = rec) -> str:
            column = cols.get(key)
            value = rec.get(column) if column else None
            return "" if value is None else str(value).strip()

        raw_category = get("category")
        if montreal_layout:
            category = _CATEGORY_BY_FOLD.get(fold(raw_category))
            if category is None:
                known = "; ".join(MONTREAL_CATEGORIES)
                issues.append(Issue("unknown-category", f"{name}, row {row}, column 'CATEGORIE': unknown category {raw_category!r}; the layout has: {known}; the row is not imported",
                                    file=name, row=row, column=cols["category"], value=raw_category))
                continue
        else:
            category = mapping.categories.get(raw_category, raw_category) if raw_category else None
            if not category:
                issues.append(Issue("missing-category", f"{name}, row {row}, column {cols['category']!r}: no category; the row is not imported",
                                    file=name, row=row, column=cols["category"]))
                continue
        raw_date = get("date")
        day = _parse_date(raw_date)
        if day is None:
            issues.append(Issue("bad-date", f"{name}, row {row}, column {cols['date']!r}: {raw_date!r} is not a date (YYYY-MM-DD); the row is not imported",
                                file=name, row=row, column=cols["date"], value=raw_date))
            continue
        raw_time = get("time") or (raw_date[11:] if len(raw_date) > 10 and not raw_date.endswith("00:00:00") else "")
        period, shift = _period(get("period"), raw_time)
        x, y = _number(get("x")), _number(get("y"))
        lat, lon = _number(get("lat")), _number(get("lon"))
        if x and y:  # 0 or empty: no position
            xs.append(x)
            ys.append(y)
            lat = lon = None
        else:
            xs.append(np.nan)
            ys.append(np.nan)
            # the Montréal layout's LATITUDE/LONGITUDE of an unplaced row are 0 or 1.0: X/Y decide
            if montreal_layout or not (lat and lon):
                lat = lon = None
        kept.append({"category": category, "date": day.isoformat(), "period": period, "shift": shift,
                     "district": get("district") or None, "lat": lat, "lon": lon, "source_row": row,
                     "incident_key": get("id") or None})
    frame = pd.DataFrame(kept, columns=["category", "date", "period", "shift", "district", "lat", "lon", "source_row", "incident_key"])
    if len(frame):
        x_arr, y_arr = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        has_xy = np.isfinite(x_arr) & np.isfinite(y_arr)
        if has_xy.any():
            try:
                to_wgs84 = Transformer.from_crs(mapping.crs, "EPSG:4326", always_xy=True)
            except Exception as exc:  # pyproj's CRSError: an unknown crs in the mapping
                msg = Phrase(N_("{path}: unknown crs {crs!r} in the mapping; give an EPSG code such as EPSG:2950"), path=path, crs=mapping.crs)
                raise IncidentsError(msg) from exc
            lon_t, lat_t = to_wgs84.transform(x_arr[has_xy], y_arr[has_xy])
            lat_col = frame["lat"].astype(float).to_numpy(copy=True)
            lon_col = frame["lon"].astype(float).to_numpy(copy=True)
            lat_col[has_xy], lon_col[has_xy] = lat_t, lon_t
            frame["lat"], frame["lon"] = lat_col, lon_col
        lat_v = pd.to_numeric(frame["lat"], errors="coerce")
        lon_v = pd.to_numeric(frame["lon"], errors="coerce")
        valid = lat_v.between(-90, 90) & lon_v.between(-180, 180) & lat_v.ne(0) & lon_v.ne(0)
        frame["lat"], frame["lon"] = lat_v.where(valid), lon_v.where(valid)
        frame["placed"] = valid.to_numpy(dtype=bool)
    else:
        frame["placed"] = pd.Series(dtype=bool)
    source = {**mapping.source, "precision_m": mapping.precision_m}
    source.setdefault("name", path.stem)
    return IncidentRead(path, layout, frame, issues, source, checksum, len(records))
