"""Reading a stations layer from a file: GTFS, a CSV of stations, or GeoJSON points.

:func:`read_stations_file` looks at what it is given: a GTFS feed (the ``.zip``, its
unzipped folder, or its ``stops.txt``, whose neighbours ``agency.txt``,
``routes.txt`` … are read too, see :mod:`.gtfs`), a CSV with name / lat / lon
columns (optional id and lines), or a GeoJSON of Point features.  Every problem
is listed at once, with its row, in one :class:`~walktool.errors.StationsError`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import StationsError
from walktool.i18n import N_, Phrase
from walktool.stations.layer import (
    ENTRANCE_COLUMNS,
    LINE_COLUMNS,
    MAX_PROBLEMS_SHOWN,
    STATION_COLUMNS,
    StationLayer,
    empty_frame,
)
from walktool.textnorm import compact, fold

if TYPE_CHECKING:
    import pandas as pd

_NAME_COLS = ("name", "nom", "station", "stop_name", "station_name", "nom_station", "gare", "libelle")
_LAT_COLS = ("lat", "latitude", "stop_lat", "y")
_LON_COLS = ("lon", "lng", "long", "longitude", "stop_lon", "x")
_ID_COLS = ("station_id", "id", "stop_id", "code", "identifiant")
_LINES_COLS = ("lines", "line", "lignes", "ligne", "routes")
# the column order of most agencies' stops.txt (the GTFS reference's own order)
GTFS_STOPS_HEADER = (
    "stop_id", "stop_code", "stop_name", "stop_desc", "stop_lat", "stop_lon", "zone_id", "stop_url",
    "location_type", "parent_station",
)


def read_stations_file(path: str | Path) -> StationLayer:
    """Read a stations layer from GTFS, CSV or GeoJSON.

    Parameters
    ----------
    path
        ``stm`` (the packaged STM network), a GTFS feed ``.zip``, its unzipped folder or its ``stops.txt`` (the feed's
        other files beside it are read too: agency, routes, trips, stop times,
        shapes); a CSV with name / lat / lon columns (optional id and lines); or a
        GeoJSON of Point features with a ``name`` property.

    Returns
    -------
    StationLayer
        With :attr:`StationLayer.feed` filled for a GTFS feed (agencies, time zone,
        publisher) and stations' ``lines`` from its routes.

    Raises
    ------
    StationsError
        Listing every problem found (missing columns, a missing header row,
        coordinates out of range, duplicate ids), with row numbers.
    """
    from walktool.stations import gtfs

    path = Path(path)
    if str(path) == "stm" and not path.exists():
        from walktool.stations.layer import builtin_stations

        return builtin_stations()
    if path.is_dir():
        return gtfs.read_feed(gtfs.Feed.of_folder(path))
    if not path.is_file():
        msg = Phrase(N_("{path}: no such file"), path=path)
        raise StationsError(msg)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return gtfs.read_feed(gtfs.Feed.of_zip(path))
    if suffix in (".geojson", ".json"):
        return _read_geojson(path)
    text = read_text(path)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    lowered = [h.strip().lower() for h in header]
    if "stop_id" in lowered and "stop_lat" in lowered:
        return gtfs.read_feed(gtfs.Feed.of_stops(path))
    return _from_table(read_csv_text(text), str(path), header)


def read_text(path: Path) -> str:
    """A text file decoded as UTF-8 (with or without BOM), else Windows-1252."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    msg = Phrase(N_("{path}: cannot decode the file as text"), path=path)
    raise StationsError(msg)


def read_csv_text(text: str, usecols: Any = None) -> pd.DataFrame:
    """Delimited text as a frame of strings (``,`` ``;`` or tab, picked from the first line)."""
    import pandas as pd

    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, usecols=usecols)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``columns`` whose folded name is one of ``names``."""
    folded = {fold(c): c for c in columns}
    for n in names:
        if n in folded:
            return folded[n]
    return None


def check_coordinates(frame: pd.DataFrame, lat_col: str, lon_col: str, where: str, problems: list[str]) -> None:
    """Parse the coordinate columns in place (decimal commas accepted); list bad cells in ``problems``."""
    import pandas as pd

    for col, lo, hi in ((lat_col, -90, 90), (lon_col, -180, 180)):
        values = pd.to_numeric(frame[col].astype(str).str.replace(",", ".", regex=False).str.strip(), errors="coerce")
        bad = values.isna() | (values < lo) | (values > hi)
        for idx in frame.index[bad][:MAX_PROBLEMS_SHOWN]:
            problems.append(Phrase(N_("{where}, row {value}, column {col!r}: {at!r} is not a coordinate between {lo} and {hi}"), where=where, value=idx + 2, col=col, at=frame.at[idx, col], lo=lo, hi=hi))
        frame[col] = values


def check_ids(ids: pd.Series, where: str, column: str, problems: list[str]) -> None:
    """List duplicate and empty ids in ``problems``."""
    dup = ids[ids.duplicated(keep=False) & ids.ne("")]
    for idx in dup.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(Phrase(N_("{where}, row {value}, column {column!r}: id {ids!r} is used more than once"), where=where, value=idx + 2, column=column, ids=ids[idx]))
    empty = ids[ids.eq("")]
    for idx in empty.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(Phrase(N_("{where}, row {value}, column {column!r}: the id is empty"), where=where, value=idx + 2, column=column))


def raise_problems(problems: list[str], where: str) -> None:
    """Raise one :class:`StationsError` listing ``problems`` (the first few), if any."""
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = Phrase(N_("\n  … and {n} more"), n=len(problems) - len(shown)) if len(problems) > len(shown) else ""
        msg = Phrase(N_("{where}: cannot use this stations layer:\n  {problems}{more}"), where=where, problems=Phrase.joined("\n  ", shown), more=more)
        raise StationsError(msg)


def _is_number(text: str) -> bool:
    try:
        float(text.strip().replace(",", "."))
    except ValueError:
        return False
    return True


def headerless_hint(first_row: list[str]) -> str | None:
    """A hint when the first row of a table is data, not column names (a header row left out).

    It is data when it holds coordinate-like numbers and no cell names a column
    walktool knows.  When its width and its numbers' places fit the usual GTFS
    ``stops.txt`` order, the hint gives that header line to add.
    """
    cells = [c.strip() for c in first_row]
    known = set(_NAME_COLS + _LAT_COLS + _LON_COLS + _ID_COLS + _LINES_COLS + GTFS_STOPS_HEADER)
    if any(fold(c) in known for c in cells if c):
        return None
    coords = [i for i, c in enumerate(cells) if c and _is_number(c) and "." in c.replace(",", ".") and -180 <= float(c.replace(",", ".")) <= 180]
    if len(coords) < 2:
        return None
    shown = ", ".join(repr(c) for c in cells[:6] if c)
    hint = (
        f"the first row ({shown} …) is data, not column names: the header row is missing."
    )
    n = len(cells)
    gtfs_like = n in (len(GTFS_STOPS_HEADER), len(GTFS_STOPS_HEADER) + 1) and {4, 5} <= set(coords)
    if gtfs_like:
        header = ",".join(GTFS_STOPS_HEADER[:n]) + ("," + "wheelchair_boarding" if n > len(GTFS_STOPS_HEADER) else "")
        hint += (
            f" Its {n} columns are in the usual GTFS stops.txt order: add this line at the top of the file,"
            f" then import it again:\n  {header}\n(or import the agency's whole feed .zip, whose stops.txt has it)"
        )
    else:
        hint += " Add a first line naming the columns (name, lat, lon; optional id and lines), then import it again"
    return hint


def _from_table(frame: pd.DataFrame, where: str, first_row: list[str]) -> StationLayer:
    import pandas as pd

    cols = list(frame.columns)
    name_col, lat_col, lon_col = pick(cols, _NAME_COLS), pick(cols, _LAT_COLS), pick(cols, _LON_COLS)
    missing = [label for label, col in (("name", name_col), ("lat", lat_col), ("lon", lon_col)) if col is None]
    if missing:
        hint = headerless_hint(first_row)
        if hint is not None:
            raise StationsError(Phrase(N_("{where}: {hint}"), where=where, hint=hint))
        msg = (
            Phrase(N_("{where}: missing column(s) {missing}; a stations CSV needs name, lat and lon columns (found: {value})"), where=where, missing=', '.join(missing), value=', '.join(cols) or 'none')
        )
        raise StationsError(msg)
    assert name_col and lat_col and lon_col
    problems: list[str] = []
    frame = frame.copy()
    check_coordinates(frame, lat_col, lon_col, where, problems)
    names = frame[name_col].astype(str).str.strip()
    for idx in names.index[names.eq("")][:MAX_PROBLEMS_SHOWN]:
        problems.append(Phrase(N_("{where}, row {value}, column {name_col!r}: the station name is empty"), where=where, value=idx + 2, name_col=name_col))
    id_col = pick(cols, _ID_COLS)
    ids = frame[id_col].astype(str).str.strip() if id_col else names.map(lambda n: "S-" + compact(n))
    check_ids(ids, where, id_col or name_col, problems)
    raise_problems(problems, where)
    lines_col = pick(cols, _LINES_COLS)
    stations = pd.DataFrame(
        {
            "station_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "lines": frame[lines_col].astype(str).to_numpy() if lines_col else None,
            "lat": frame[lat_col].to_numpy(dtype=float),
            "lon": frame[lon_col].to_numpy(dtype=float),
        }
    )
    return StationLayer(stations, empty_frame(ENTRANCE_COLUMNS), empty_frame(LINE_COLUMNS), source=where)


def _read_geojson(path: Path) -> StationLayer:
    import pandas as pd

    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        msg = Phrase(N_("{path}: not valid JSON (line {lineno}: {msg})"), path=path, lineno=exc.lineno, msg=exc.msg)
        raise StationsError(msg) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        msg = Phrase(N_("{path}: not a GeoJSON FeatureCollection"), path=path)
        raise StationsError(msg)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, feat in enumerate(features, 1):
        geom = (feat or {}).get("geometry") or {}
        props = (feat or {}).get("properties") or {}
        if geom.get("type") != "Point":
            problems.append(Phrase(N_("{path}, feature {n}: geometry is {get!r}, expected a Point"), path=path, n=n, get=geom.get('type')))
            continue
        lon, lat = (geom.get("coordinates") or [None, None])[:2]
        name_key = pick(list(props), _NAME_COLS)
        id_key = pick(list(props), _ID_COLS)
        lines_key = pick(list(props), _LINES_COLS)
        rows.append(
            {
                "station_id": str(props[id_key]) if id_key else None,
                "name": str(props[name_key]).strip() if name_key else "",
                "lines": props.get(lines_key) if lines_key else None,
                "lat": lat,
                "lon": lon,
            }
        )
    frame = pd.DataFrame(rows, columns=STATION_COLUMNS).astype({"lat": object, "lon": object})
    for idx in frame.index[frame["name"].eq("")][:MAX_PROBLEMS_SHOWN]:
        problems.append(Phrase(N_("{path}, feature {value}: no 'name' property"), path=path, value=idx + 1))
    for col, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
        vals = pd.to_numeric(frame[col], errors="coerce")
        for idx in frame.index[vals.isna() | (vals < lo) | (vals > hi)][:MAX_PROBLEMS_SHOWN]:
            problems.append(Phrase(N_("{path}, feature {value}: {col} {at!r} is out of range"), path=path, value=idx + 1, col=col, at=frame.at[idx, col]))
        frame[col] = vals
    frame["station_id"] = frame["station_id"].where(frame["station_id"].notna(), frame["name"].map(lambda n: "S-" + compact(n)))
    dup = frame["station_id"][frame["station_id"].duplicated(keep=False)]
    for idx in dup.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(Phrase(N_("{path}, feature {value}: id {dup!r} is used more than once"), path=path, value=idx + 1, dup=dup[idx]))
    raise_problems(problems, str(path))
    return StationLayer(frame, empty_frame(ENTRANCE_COLUMNS), empty_frame(LINE_COLUMNS), source=str(path))
