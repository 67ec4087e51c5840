"""The reference stations layer: stations, entrances and line shapes.

The default layer is the real STM metro network (68 stations, 137 entrances,
line shapes with official colours; Source: Société de transport de Montréal (STM),
données GTFS, CC BY 4.0).  :func:`read_stations_file` reads any agency's GTFS
(``stops.txt`` or the feed zip), a CSV with name / lat / lon columns, or GeoJSON
points.  :class:`StationMatcher` finds the station a sheet names, however it is
spelled, and :func:`nearest_stations` places positions, measuring in metres in a
projected CRS.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import StationsError
from walktool.textnorm import compact, fold

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project

STM_CREDIT = "Source: Société de transport de Montréal (STM), données GTFS, CC BY 4.0"
STATION_COLUMNS = ["station_id", "name", "lines", "lat", "lon"]
ENTRANCE_COLUMNS = ["entrance_id", "station_id", "name", "lat", "lon"]
LINE_COLUMNS = ["line_id", "line", "name", "color", "coords"]
LINE_COLOURS = {"green": "#00B300", "orange": "#D95700", "yellow": "#FFD900", "blue": "#0095E6"}
MAX_PROBLEMS_SHOWN = 20


@dataclass
class StationLayer:
    """Stations, entrances and line shapes, all in EPSG:4326.

    Attributes
    ----------
    stations
        ``station_id, name, lines, lat, lon`` (lines: colours or names joined by ``;``).
    entrances
        ``entrance_id, station_id, name, lat, lon``.
    lines
        ``line_id, line, name, color, coords`` (coords: JSON ``[[lon, lat], ...]``).
    source
        Where the layer came from.
    """

    stations: pd.DataFrame
    entrances: pd.DataFrame
    lines: pd.DataFrame
    source: str = ""
    credit: str = ""


def _empty(columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("lat", "lon") else object) for c in columns})


def builtin_stations() -> StationLayer:
    """Return the packaged STM metro network."""
    import pandas as pd

    base = resources.files("walktool") / "data" / "stm"
    stations = pd.read_csv(io.StringIO((base / "stm_metro_stations.csv").read_text("utf-8")), dtype=str)
    entrances = pd.read_csv(io.StringIO((base / "stm_metro_entrances.csv").read_text("utf-8")), dtype=str)
    for frame in (stations, entrances):
        frame["lat"] = frame["lat"].astype(float)
        frame["lon"] = frame["lon"].astype(float)
    doc = json.loads((base / "stm_metro_lines.geojson").read_text("utf-8"))
    lines = pd.DataFrame(
        [
            {
                "line_id": f["properties"]["shape_id"],
                "line": f["properties"]["line"],
                "name": f["properties"]["route_long_name"],
                "color": f["properties"]["route_color"],
                "coords": json.dumps(f["geometry"]["coordinates"]),
            }
            for f in doc["features"]
        ],
        columns=LINE_COLUMNS,
    )
    return StationLayer(
        stations[STATION_COLUMNS], entrances[ENTRANCE_COLUMNS], lines, source="stm", credit=STM_CREDIT
    )


# ---------------------------------------------------------------------------
# Reading other agencies' layers
# ---------------------------------------------------------------------------

_NAME_COLS = ("name", "nom", "station", "stop_name", "station_name", "nom_station", "gare", "libelle")
_LAT_COLS = ("lat", "latitude", "stop_lat", "y")
_LON_COLS = ("lon", "lng", "long", "longitude", "stop_lon", "x")
_ID_COLS = ("station_id", "id", "stop_id", "code", "identifiant")
_LINES_COLS = ("lines", "line", "lignes", "ligne", "routes")


def read_stations_file(path: str | Path) -> StationLayer:
    """Read a stations layer from GTFS, CSV or GeoJSON.

    Parameters
    ----------
    path
        A GTFS ``stops.txt``, a GTFS feed ``.zip``, a CSV with name / lat / lon
        columns (optional id and lines), or a GeoJSON of Point features with a
        ``name`` property.

    Returns
    -------
    StationLayer

    Raises
    ------
    StationsError
        Listing every problem found (missing columns, coordinates out of range,
        duplicate ids), with row numbers.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file"
        raise StationsError(msg)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_gtfs_zip(path)
    if suffix in (".geojson", ".json"):
        return _read_geojson(path)
    text = _read_text(path)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    lowered = [h.strip().lower() for h in header]
    if "stop_id" in lowered and "stop_lat" in lowered:
        return _from_gtfs_stops(_read_csv_text(text), str(path), routes=None)
    return _from_table(_read_csv_text(text), str(path))


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    msg = f"{path}: cannot decode the file as text"
    raise StationsError(msg)


def _read_csv_text(text: str) -> pd.DataFrame:
    import pandas as pd

    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    folded = {fold(c): c for c in columns}
    for n in names:
        if n in folded:
            return folded[n]
    return None


def _coords(frame: pd.DataFrame, lat_col: str, lon_col: str, where: str, problems: list[str]) -> None:
    import pandas as pd

    for col, lo, hi in ((lat_col, -90, 90), (lon_col, -180, 180)):
        values = pd.to_numeric(frame[col].astype(str).str.replace(",", ".", regex=False).str.strip(), errors="coerce")
        bad = values.isna() | (values < lo) | (values > hi)
        for idx in frame.index[bad][:MAX_PROBLEMS_SHOWN]:
            problems.append(f"{where}, row {idx + 2}, column {col!r}: {frame.at[idx, col]!r} is not a coordinate between {lo} and {hi}")
        frame[col] = values


def _check_ids(ids: pd.Series, where: str, column: str, problems: list[str]) -> None:
    dup = ids[ids.duplicated(keep=False) & ids.ne("")]
    for idx in dup.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(f"{where}, row {idx + 2}, column {column!r}: id {ids[idx]!r} is used more than once")
    empty = ids[ids.eq("")]
    for idx in empty.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(f"{where}, row {idx + 2}, column {column!r}: the id is empty")


def _raise(problems: list[str], where: str) -> None:
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        msg = f"{where}: cannot use this stations layer:\n  " + "\n  ".join(shown) + more
        raise StationsError(msg)


def _from_table(frame: pd.DataFrame, where: str) -> StationLayer:
    import pandas as pd

    cols = list(frame.columns)
    name_col, lat_col, lon_col = _pick(cols, _NAME_COLS), _pick(cols, _LAT_COLS), _pick(cols, _LON_COLS)
    missing = [label for label, col in (("name", name_col), ("lat", lat_col), ("lon", lon_col)) if col is None]
    if missing:
        msg = (
            f"{where}: missing column(s) {', '.join(missing)}; a stations CSV needs name, lat and lon"
            f" columns (found: {', '.join(cols) or 'none'})"
        )
        raise StationsError(msg)
    assert name_col and lat_col and lon_col
    problems: list[str] = []
    frame = frame.copy()
    _coords(frame, lat_col, lon_col, where, problems)
    names = frame[name_col].astype(str).str.strip()
    for idx in names.index[names.eq("")][:MAX_PROBLEMS_SHOWN]:
        problems.append(f"{where}, row {idx + 2}, column {name_col!r}: the station name is empty")
    id_col = _pick(cols, _ID_COLS)
    ids = frame[id_col].astype(str).str.strip() if id_col else names.map(lambda n: "S-" + compact(n))
    _check_ids(ids, where, id_col or name_col, problems)
    _raise(problems, where)
    lines_col = _pick(cols, _LINES_COLS)
    stations = pd.DataFrame(
        {
            "station_id": ids.to_numpy(),
            "name": names.to_numpy(),
            "lines": frame[lines_col].astype(str).to_numpy() if lines_col else None,
            "lat": frame[lat_col].to_numpy(dtype=float),
            "lon": frame[lon_col].to_numpy(dtype=float),
        }
    )
    return StationLayer(stations, _empty(ENTRANCE_COLUMNS), _empty(LINE_COLUMNS), source=where)


def _from_gtfs_stops(stops: pd.DataFrame, where: str, routes: pd.DataFrame | None) -> StationLayer:
    import pandas as pd

    required = ("stop_id", "stop_name", "stop_lat", "stop_lon")
    missing = [c for c in required if c not in stops.columns]
    if missing:
        msg = f"{where}: a GTFS stops.txt needs the column(s) {', '.join(missing)}"
        raise StationsError(msg)
    stops = stops.copy()
    if "location_type" not in stops.columns:
        stops["location_type"] = ""
    if "parent_station" not in stops.columns:
        stops["parent_station"] = ""
    stops["location_type"] = stops["location_type"].astype(str).str.strip()
    stops["parent_station"] = stops["parent_station"].astype(str).str.strip()
    problems: list[str] = []
    _check_ids(stops["stop_id"].astype(str).str.strip(), where, "stop_id", problems)
    station_rows = stops[stops["location_type"].eq("1")].copy()
    if station_rows.empty:
        msg = (
            f"{where}: no stations in this GTFS stops.txt (no row has location_type 1); "
            "give a CSV with name, lat, lon instead"
        )
        raise StationsError(msg)
    entrance_rows = stops[stops["location_type"].eq("2")].copy()
    _coords(station_rows, "stop_lat", "stop_lon", where, problems)
    _coords(entrance_rows, "stop_lat", "stop_lon", where, problems)
    known = set(station_rows["stop_id"])
    orphans = entrance_rows[~entrance_rows["parent_station"].isin(known)]
    for idx in orphans.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(
            f"{where}, row {idx + 2}, column 'parent_station': entrance {stops.at[idx, 'stop_id']!r}"
            f" points to {stops.at[idx, 'parent_station']!r}, which is not a station (location_type 1)"
        )
    _raise(problems, where)
    # Parent names are sometimes abbreviations in capitals; prefer a child platform's name.
    names = station_rows.set_index("stop_id")["stop_name"].astype(str).str.strip()
    platforms = stops[stops["location_type"].isin(["0", ""]) & stops["parent_station"].isin(known)]
    if not platforms.empty:
        child = platforms.groupby("parent_station")["stop_name"].first().astype(str)
        shouting = names.str.isupper()
        names = names.where(~shouting, child.reindex(names.index).fillna(names))
    stations = pd.DataFrame(
        {
            "station_id": station_rows["stop_id"].to_numpy(),
            "name": names.reindex(station_rows["stop_id"]).to_numpy(),
            "lines": None,
            "lat": station_rows["stop_lat"].to_numpy(dtype=float),
            "lon": station_rows["stop_lon"].to_numpy(dtype=float),
        }
    )
    entrances = pd.DataFrame(
        {
            "entrance_id": entrance_rows["stop_id"].to_numpy(),
            "station_id": entrance_rows["parent_station"].to_numpy(),
            "name": entrance_rows["stop_name"].to_numpy(),
            "lat": entrance_rows["stop_lat"].to_numpy(dtype=float),
            "lon": entrance_rows["stop_lon"].to_numpy(dtype=float),
        },
        columns=ENTRANCE_COLUMNS,
    )
    return StationLayer(stations, entrances, _empty(LINE_COLUMNS), source=where)


def _read_gtfs_zip(path: Path) -> StationLayer:
    try:
        with zipfile.ZipFile(path) as zf:
            names = {Path(n).name: n for n in zf.namelist()}
            if "stops.txt" not in names:
                msg = f"{path}: this zip has no stops.txt; is it a GTFS feed?"
                raise StationsError(msg)
            stops = _read_csv_text(zf.read(names["stops.txt"]).decode("utf-8-sig"))
            layer = _from_gtfs_stops(stops, f"{path}:stops.txt", routes=None)
            layer.lines = _gtfs_lines(zf, names)
    except zipfile.BadZipFile as exc:
        msg = f"{path}: not a valid zip file ({exc})"
        raise StationsError(msg) from exc
    layer.source = str(path)
    return layer


def _gtfs_lines(zf: zipfile.ZipFile, names: dict[str, str]) -> pd.DataFrame:
    """Line shapes of rail routes (GTFS route_type 0, 1, 2, 12) when the feed has shapes."""
    import pandas as pd

    if not all(n in names for n in ("routes.txt", "trips.txt", "shapes.txt")):
        return _empty(LINE_COLUMNS)
    routes = _read_csv_text(zf.read(names["routes.txt"]).decode("utf-8-sig"))
    trips = _read_csv_text(zf.read(names["trips.txt"]).decode("utf-8-sig"))
    shapes = _read_csv_text(zf.read(names["shapes.txt"]).decode("utf-8-sig"))
    if not {"route_id", "route_type"} <= set(routes.columns) or "shape_id" not in trips.columns:
        return _empty(LINE_COLUMNS)
    rail = routes[routes["route_type"].astype(str).isin(["0", "1", "2", "12"])]
    used = trips[trips["route_id"].isin(rail["route_id"])][["route_id", "shape_id"]].drop_duplicates("shape_id")
    shapes = shapes[shapes["shape_id"].isin(used["shape_id"])].copy()
    if shapes.empty:
        return _empty(LINE_COLUMNS)
    shapes["seq"] = pd.to_numeric(shapes["shape_pt_sequence"], errors="coerce")
    shapes = shapes.sort_values(["shape_id", "seq"])
    shapes["pt"] = [[float(x), float(y)] for x, y in zip(shapes["shape_pt_lon"], shapes["shape_pt_lat"], strict=True)]
    coords = shapes.groupby("shape_id", sort=True)["pt"].agg(lambda pts: json.dumps(list(pts)))
    info = used.merge(rail, on="route_id", how="left").set_index("shape_id")
    out = pd.DataFrame({"line_id": coords.index, "coords": coords.to_numpy()})
    out["line"] = info["route_short_name"].reindex(out["line_id"]).to_numpy() if "route_short_name" in info else None
    out["name"] = info["route_long_name"].reindex(out["line_id"]).to_numpy() if "route_long_name" in info else None
    colour = info["route_color"].reindex(out["line_id"]) if "route_color" in info else None
    out["color"] = ("#" + colour.fillna("808080").astype(str)).to_numpy() if colour is not None else "#808080"
    return out[LINE_COLUMNS]


def _read_geojson(path: Path) -> StationLayer:
    import pandas as pd

    try:
        doc = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        msg = f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})"
        raise StationsError(msg) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        msg = f"{path}: not a GeoJSON FeatureCollection"
        raise StationsError(msg)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, feat in enumerate(features, 1):
        geom = (feat or {}).get("geometry") or {}
        props = (feat or {}).get("properties") or {}
        if geom.get("type") != "Point":
            problems.append(f"{path}, feature {n}: geometry is {geom.get('type')!r}, expected a Point")
            continue
        lon, lat = (geom.get("coordinates") or [None, None])[:2]
        name_key = _pick(list(props), _NAME_COLS)
        id_key = _pick(list(props), _ID_COLS)
        lines_key = _pick(list(props), _LINES_COLS)
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
        problems.append(f"{path}, feature {idx + 1}: no 'name' property")
    for col, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
        vals = pd.to_numeric(frame[col], errors="coerce")
        for idx in frame.index[vals.isna() | (vals < lo) | (vals > hi)][:MAX_PROBLEMS_SHOWN]:
            problems.append(f"{path}, feature {idx + 1}: {col} {frame.at[idx, col]!r} is out of range")
        frame[col] = vals
    frame["station_id"] = frame["station_id"].where(frame["station_id"].notna(), frame["name"].map(lambda n: "S-" + compact(n)))
    dup = frame["station_id"][frame["station_id"].duplicated(keep=False)]
    for idx in dup.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(f"{path}, feature {idx + 1}: id {dup[idx]!r} is used more than once")
    _raise(problems, str(path))
    return StationLayer(frame, _empty(ENTRANCE_COLUMNS), _empty(LINE_COLUMNS), source=str(path))


# ---------------------------------------------------------------------------
# Store
# ---------------------------------------------------------------------------


def save_stations(project: Project, layer: StationLayer) -> None:
    """Replace the project's stations layer (in one transaction)."""
    store = project.store
    stations = layer.stations.assign(source=layer.source)
    with store.transaction():
        store.replace("stations", stations)
        store.replace("entrances", layer.entrances)
        store.replace("lines", layer.lines)
        store.set_meta("stations_source", layer.source)
        store.set_meta("stations_credit", layer.credit)


def load_stations(project: Project) -> StationLayer:
    """Read the project's stations layer from its store."""
    store = project.store
    return StationLayer(
        store.read("stations")[STATION_COLUMNS],
        store.read("entrances")[ENTRANCE_COLUMNS],
        store.read("lines")[LINE_COLUMNS],
        source=store.get_meta("stations_source") or "",
        credit=store.get_meta("stations_credit") or "",
    )


# ---------------------------------------------------------------------------
# Matching names and positions
# ---------------------------------------------------------------------------

_PREFIXES = ("station de metro ", "station metro ", "station du metro ", "station ", "metro ", "gare ", "stn ")


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "stes": "saintes", "sts": "saints", "pl": "place", "sq": "square"}


def _clean_name(raw: object) -> str:
    s = fold(raw)
    for p in _PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
            break
    return " ".join(_ABBREVIATIONS.get(w, w) for w in s.split())


@dataclass(frozen=True)
class StationMatch:
    """The station a sheet names."""

    station_id: str
    name: str
    confidence: float  # 1.0 exact (accents, case, dashes ignored); < 1 a guess
    method: str  # "exact" | "partial" | "fuzzy"


class StationMatcher:
    """Find the station a sheet names: exact (ignoring accents, case, hyphens), then fuzzy.

    >>> m = StationMatcher(builtin_stations().stations)
    >>> m.match("cote des neiges").name
    'Côte-des-Neiges'
    >>> m.match("Berri UQAM").method
    'exact'
    """

    def __init__(self, stations: pd.DataFrame, *, fuzzy_cutoff: float = 80.0) -> None:
        self._names = dict(zip(stations["station_id"], stations["name"], strict=True))
        self._exact: dict[str, str] = {}
        self._tokens: list[tuple[set[str], str]] = []
        for sid, name in self._names.items():
            for key in (_clean_name(name), compact(name), fold(sid), compact(sid)):
                self._exact.setdefault(key, sid)
            self._tokens.append((set(_clean_name(name).split()), sid))
        self._choices = {sid: _clean_name(name) for sid, name in self._names.items()}
        self.fuzzy_cutoff = fuzzy_cutoff

    def match(self, raw: object) -> StationMatch | None:
        """Return the station ``raw`` names, or None when nothing is close enough."""
        cleaned = _clean_name(raw)
        if not cleaned:
            return None
        sid = self._exact.get(cleaned) or self._exact.get(cleaned.replace(" ", "").replace("'", ""))
        if sid:
            return StationMatch(sid, self._names[sid], 1.0, "exact")
        words = set(cleaned.split())
        subset = [s for toks, s in self._tokens if words and words <= toks]
        if len(subset) == 1:
            return StationMatch(subset[0], self._names[subset[0]], 0.9, "partial")
        from rapidfuzz import fuzz, process

        best = process.extract(cleaned, self._choices, scorer=fuzz.WRatio, limit=2)
        if not best:
            return None
        _, score, sid = best[0]
        if score < self.fuzzy_cutoff:
            return None
        if len(best) > 1 and best[1][1] == score:
            return None  # a tie is not a match
        return StationMatch(str(sid), self._names[str(sid)], round(score / 100, 3), "fuzzy")

    def suggestions(self, raw: object, limit: int = 3) -> list[str]:
        """Names of the stations closest to ``raw``, for messages."""
        from rapidfuzz import fuzz, process

        return [self._names[str(sid)] for _, _, sid in process.extract(_clean_name(raw), self._choices, scorer=fuzz.WRatio, limit=limit)]


def metric_crs(lat: float, lon: float) -> str:
    """The UTM zone (EPSG code) for a point: distances are measured in metres there."""
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def nearest_stations(
    lat: pd.Series,
    lon: pd.Series,
    layer: StationLayer,
    *,
    max_distance_m: float | None = None,
) -> pd.DataFrame:
    """Nearest station (by its point or any of its entrances) for each position.

    Parameters
    ----------
    lat, lon
        WGS84 positions (NaN where unknown), aligned on the same index.
    layer
        The stations layer.
    max_distance_m
        Leave ``station_id`` empty beyond this distance.

    Returns
    -------
    DataFrame
        Indexed like ``lat``: ``station_id`` and ``distance_m`` (metres, measured in
        the local UTM zone).
    """
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    out = pd.DataFrame({"station_id": pd.Series(None, index=lat.index, dtype=object), "distance_m": np.nan}, index=lat.index)
    targets = pd.concat(
        [layer.stations[["station_id", "lat", "lon"]], layer.entrances[["station_id", "lat", "lon"]]],
        ignore_index=True,
    ).dropna()
    known = lat.notna() & lon.notna()
    if targets.empty or not known.any():
        return out
    crs = metric_crs(float(targets["lat"].mean()), float(targets["lon"].mean()))
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    tx, ty = to_metres.transform(targets["lon"].to_numpy(float), targets["lat"].to_numpy(float))
    ox, oy = to_metres.transform(lon[known].to_numpy(float), lat[known].to_numpy(float))
    target_ids = targets["station_id"].to_numpy()
    best_idx = np.empty(len(ox), dtype=int)
    best_d = np.empty(len(ox))
    chunk = max(1, 2_000_000 // max(1, len(tx)))
    for start in range(0, len(ox), chunk):
        dx = ox[start : start + chunk, None] - tx[None, :]
        dy = oy[start : start + chunk, None] - ty[None, :]
        d = np.hypot(dx, dy)
        i = d.argmin(axis=1)
        best_idx[start : start + chunk] = i
        best_d[start : start + chunk] = d[np.arange(len(i)), i]
    ids = target_ids[best_idx].astype(object)
    if max_distance_m is not None:
        ids[best_d > max_distance_m] = None
    out.loc[known, "station_id"] = ids
    out.loc[known, "distance_m"] = best_d
    return out


def distance_to_station(
    lat: pd.Series, lon: pd.Series, station_ids: pd.Series, layer: StationLayer
) -> pd.Series:
    """Distance in metres from each position to the named station (its point or entrances)."""
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    targets = pd.concat(
        [layer.stations[["station_id", "lat", "lon"]], layer.entrances[["station_id", "lat", "lon"]]],
        ignore_index=True,
    ).dropna()
    result = pd.Series(np.nan, index=lat.index)
    known = lat.notna() & lon.notna() & station_ids.notna()
    if targets.empty or not known.any():
        return result
    crs = metric_crs(float(targets["lat"].mean()), float(targets["lon"].mean()))
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    tx, ty = to_metres.transform(targets["lon"].to_numpy(float), targets["lat"].to_numpy(float))
    targets = targets.assign(x=tx, y=ty)
    obs = pd.DataFrame({"sid": station_ids[known]}, index=lat.index[known])
    obs["x"], obs["y"] = to_metres.transform(lon[known].to_numpy(float), lat[known].to_numpy(float))
    obs["_row"] = np.arange(len(obs))
    pairs = obs.merge(targets, left_on="sid", right_on="station_id", suffixes=("", "_t"))
    pairs["d"] = np.hypot(pairs["x"] - pairs["x_t"], pairs["y"] - pairs["y_t"])
    nearest = pairs.groupby("_row")["d"].min()
    values = pd.Series(np.nan, index=np.arange(len(obs)))
    values.loc[nearest.index] = nearest.to_numpy()
    result.loc[obs.index] = values.to_numpy()
    return result
