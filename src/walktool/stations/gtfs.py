"""GTFS feeds as a stations layer: stations, entrances, lines and what the feed says about itself.

A feed is read from its ``.zip`` (files at the root or in one folder), its
unzipped folder, or its ``stops.txt`` (the feed's other files beside it are read
when present).  From it walktool takes:

* stations (``stops.txt`` rows with ``location_type`` 1) and their entrances
  (``location_type`` 2, tied by ``parent_station``);
* each station's lines: the routes whose trips stop at one of its platforms
  (``stop_times.txt`` → ``trips.txt`` → ``routes.txt``), subway and rail first,
  then tram, …, bus last; when the feed has rail routes, buses calling at a
  station's bus bays are left out;
* line shapes in the routes' colours (``route_color``): the ``shapes.txt`` shapes
  of their trips, else the stations of their longest trip in stop order;
* the agencies, their time zone (``agency_timezone``), the feed's publisher and
  licence (``feed_info.txt``), which make the credit line (:class:`FeedInfo`).

Problems that do not stop the import (two time zones, a feed without routes)
are notes in :attr:`FeedInfo.notes`; those that do are one
:class:`~walktool.errors.StationsError` listing them all.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from walktool.errors import StationsError
from walktool.i18n import N_, Phrase
from walktool.stations.files import (
    check_coordinates,
    check_ids,
    headerless_hint,
    raise_problems,
)
from walktool.stations.layer import (
    ENTRANCE_COLUMNS,
    LINE_COLUMNS,
    MAX_PROBLEMS_SHOWN,
    FeedInfo,
    StationLayer,
    empty_frame,
)

if TYPE_CHECKING:
    import pandas as pd

# GTFS route_type → display rank (subway and rail first, bus last). Extended
# (hierarchical) types map on their family: 100s rail, 400s urban rail, 900s tram …
_RANK = {1: 0, 2: 1, 12: 2, 0: 3, 5: 4, 6: 4, 7: 4, 11: 5, 3: 6, 4: 7}
_EXTENDED = {1: 1, 4: 0, 9: 3, 7: 6, 8: 5, 10: 7, 12: 7, 13: 4, 14: 4, 2: 1, 3: 6}
BUS_RANK = 6
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")


def route_rank(route_type: object) -> int:
    """Display rank of a GTFS ``route_type`` (0 subway … 6 bus, 7 ferry; 8 unknown)."""
    try:
        value = int(str(route_type).strip())
    except ValueError:
        return 8
    if value in _RANK:
        return _RANK[value]
    if 100 <= value < 1800:
        return _EXTENDED.get(value // 100, 8)
    return 8


@dataclass
class Feed:
    """The files of one GTFS feed, wherever they are (zip, folder, or beside a stops.txt)."""

    where: str
    files: dict[str, Callable[[], IO[bytes]]]

    @classmethod
    def of_zip(cls, path: Path) -> Feed:
        """A feed zip; its files may sit in one folder inside it."""
        try:
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
        except (zipfile.BadZipFile, OSError) as exc:
            msg = Phrase(N_("{path}: not a valid zip file ({exc})"), path=path, exc=exc)
            raise StationsError(msg) from exc
        stops = sorted((n for n in members if PurePosixPath(n).name == "stops.txt"), key=lambda n: n.count("/"))
        if not stops:
            msg = Phrase(N_("{path}: this zip has no stops.txt; is it a GTFS feed?"), path=path)
            raise StationsError(msg)
        folder = str(PurePosixPath(stops[0]).parent)
        files: dict[str, Callable[[], IO[bytes]]] = {
            PurePosixPath(n).name: partial(_zip_member, path, n)
            for n in members
            if str(PurePosixPath(n).parent) == folder and n.lower().endswith(".txt")
        }
        return cls(str(path), files)

    @classmethod
    def of_folder(cls, path: Path) -> Feed:
        """An unzipped feed folder."""
        files = {p.name: _opener(p) for p in sorted(path.iterdir()) if p.is_file() and p.suffix == ".txt"}
        if "stops.txt" not in files:
            msg = Phrase(N_("{path}: this folder has no stops.txt; give a GTFS feed (its .zip or unzipped folder), a stops.txt, a CSV or GeoJSON"), path=path)
            raise StationsError(msg)
        return cls(str(path), files)

    @classmethod
    def of_stops(cls, path: Path) -> Feed:
        """A ``stops.txt`` on its own, with the feed's other files beside it when they are there."""
        files: dict[str, Callable[[], IO[bytes]]] = {}
        if path.name == "stops.txt":
            files = {p.name: _opener(p) for p in sorted(path.parent.iterdir()) if p.is_file() and p.suffix == ".txt"}
        files["stops.txt"] = _opener(path)
        return cls(str(path), files)

    def has(self, name: str) -> bool:
        """The feed has the file ``name``."""
        return name in self.files

    def label(self, name: str) -> str:
        """Where a file of the feed is, for messages."""
        if self.where.endswith(".txt") and name == "stops.txt":
            return self.where
        return f"{self.where}:{name}" if not Path(self.where).is_dir() else str(Path(self.where) / name)

    def frame(self, name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
        """One file of the feed as text cells (only ``columns`` when given, those present)."""
        import pandas as pd

        wanted = set(columns) if columns else None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                with self.files[name]() as fh:
                    frame = pd.read_csv(
                        fh,
                        dtype=str,
                        keep_default_na=False,
                        encoding=encoding,
                        skipinitialspace=True,
                        usecols=(lambda c: str(c).strip() in wanted) if wanted else None,
                    )
            except UnicodeDecodeError:
                continue
            except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
                msg = Phrase(N_("{label}: cannot read this GTFS file ({exc})"), label=self.label(name), exc=exc)
                raise StationsError(msg) from exc
            frame.columns = [str(c).strip() for c in frame.columns]
            return frame
        msg = Phrase(N_("{label}: cannot decode the file as text"), label=self.label(name))
        raise StationsError(msg)

    def first_row(self, name: str) -> list[str]:
        """The first line of a file, split on commas (for the header check)."""
        import csv
        import io

        with self.files[name]() as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace")
        return next(csv.reader(io.StringIO(head)), [])


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    def open_file() -> IO[bytes]:
        return path.open("rb")

    return open_file


def _zip_member(path: Path, name: str) -> IO[bytes]:
    """One member of a zip, read into memory (the zip is closed at once)."""
    import io

    try:
        with zipfile.ZipFile(path) as zf:
            return io.BytesIO(zf.read(name))
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        msg = Phrase(N_("{path}: cannot read {name} from this zip ({exc})"), path=path, name=name, exc=exc)
        raise StationsError(msg) from exc


def read_feed(feed: Feed) -> StationLayer:
    """Read a GTFS feed into a stations layer (see the module docstring for what is taken)."""
    notes: list[str] = []
    where = feed.label("stops.txt")
    stops = feed.frame("stops.txt")
    required = ("stop_id", "stop_name", "stop_lat", "stop_lon")
    missing = [c for c in required if c not in stops.columns]
    if missing:
        hint = headerless_hint(feed.first_row("stops.txt"))
        if hint is not None:
            raise StationsError(Phrase(N_("{where}: {hint}"), where=where, hint=hint))
        msg = Phrase(N_("{where}: a GTFS stops.txt needs the column(s) {missing} (found: {columns})"), where=where, missing=', '.join(missing), columns=', '.join(stops.columns))
        raise StationsError(msg)
    layer, station_of = _stations(stops, where)
    info = _feed_info(feed, notes)
    layer.feed = info
    layer.source = feed.where
    layer.credit = info.credit()
    if feed.has("routes.txt"):
        _add_lines(feed, layer, stops, station_of, notes)
    else:
        notes.append("the feed has no routes.txt: stations have no lines and the map draws none")
    info.notes = notes
    return layer


def _stations(stops: pd.DataFrame, where: str) -> tuple[StationLayer, dict[str, str]]:
    """Stations and entrances, and which station each stop (platform, boarding area) belongs to."""
    import pandas as pd

    stops = stops.copy()
    for col in ("location_type", "parent_station"):
        stops[col] = stops[col].astype(str).str.strip() if col in stops.columns else ""
    stops["stop_id"] = stops["stop_id"].astype(str).str.strip()
    problems: list[str] = []
    check_ids(stops["stop_id"], where, "stop_id", problems)
    station_rows = stops[stops["location_type"].eq("1")].copy()
    if station_rows.empty:
        msg = (
            Phrase(N_("{where}: no stations in this GTFS stops.txt (no row has location_type 1); give a CSV with name, lat, lon instead"), where=where)
        )
        raise StationsError(msg)
    entrance_rows = stops[stops["location_type"].eq("2")].copy()
    check_coordinates(station_rows, "stop_lat", "stop_lon", where, problems)
    check_coordinates(entrance_rows, "stop_lat", "stop_lon", where, problems)
    known = set(station_rows["stop_id"])
    orphans = entrance_rows[~entrance_rows["parent_station"].isin(known)]
    for idx in orphans.index[:MAX_PROBLEMS_SHOWN]:
        problems.append(
            Phrase(N_("{where}, row {value}, column 'parent_station': entrance {at!r} points to {at2!r}, which is not a station (location_type 1)"), where=where, value=idx + 2, at=stops.at[idx, 'stop_id'], at2=stops.at[idx, 'parent_station'])
        )
    raise_problems(problems, where)
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
    # stop → station: a platform's parent, or a boarding area's platform's parent
    parent = dict(zip(stops["stop_id"], stops["parent_station"], strict=True))
    station_of: dict[str, str] = {}
    for stop in stops["stop_id"]:
        node, hops = stop, 0
        while node and node not in known and hops < 3:
            node, hops = parent.get(node, ""), hops + 1
        if node in known:
            station_of[stop] = node
    return StationLayer(stations, entrances, empty_frame(LINE_COLUMNS)), station_of


def _feed_info(feed: Feed, notes: list[str]) -> FeedInfo:
    info = FeedInfo()
    if feed.has("agency.txt"):
        agency = feed.frame("agency.txt", ("agency_name", "agency_timezone"))
        if "agency_name" in agency.columns:
            info.agencies = [n.strip() for n in agency["agency_name"] if n.strip()]
        zones = list(dict.fromkeys(z.strip() for z in agency.get("agency_timezone", []) if z.strip()))
        valid = []
        for zone in zones:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                notes.append(f"{feed.label('agency.txt')}: agency_timezone {zone!r} is not an IANA time zone; it was not used")
                continue
            valid.append(zone)
        info.timezones = valid
        info.timezone = valid[0] if valid else None
        if len(valid) > 1:
            notes.append(
                f"{feed.label('agency.txt')}: the agencies give {len(valid)} time zones ({', '.join(valid)});"
                f" GTFS requires one, {valid[0]!r} was used"
            )
    else:
        notes.append("the feed has no agency.txt: no time zone or credit could be read from it")
    if feed.has("feed_info.txt"):
        fi = feed.frame("feed_info.txt", ("feed_publisher_name", "feed_license"))
        if len(fi):
            info.publisher = str(fi.iloc[0].get("feed_publisher_name", "")).strip() or None
            info.licence = str(fi.iloc[0].get("feed_license", "")).strip() or None
    return info


def _label(route: pd.Series) -> str:
    for col in ("route_short_name", "route_long_name", "route_id"):
        value = str(route.get(col, "") or "").strip()
        if value:
            return value
    return ""


def _natural(text: str) -> list[Any]:
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", text)]


def _add_lines(feed: Feed, layer: StationLayer, stops: pd.DataFrame, station_of: dict[str, str], notes: list[str]) -> None:
    """Stations' lines and line shapes from routes, trips, stop times and shapes."""
    import pandas as pd

    routes = feed.frame("routes.txt")
    if "route_id" not in routes.columns:
        notes.append(f"{feed.label('routes.txt')}: no route_id column; stations have no lines")
        return
    routes = routes.assign(route_id=routes["route_id"].str.strip()).drop_duplicates("route_id").set_index("route_id", drop=False)
    routes["rank"] = routes.get("route_type", pd.Series("", index=routes.index)).map(route_rank)
    routes["sort"] = pd.to_numeric(routes.get("route_sort_order", pd.Series("", index=routes.index)), errors="coerce")
    routes["label"] = [_label(r) for _, r in routes.iterrows()]
    assert layer.feed is not None
    layer.feed.routes = len(routes)
    if not feed.has("trips.txt"):
        notes.append("the feed has no trips.txt: which routes serve which station is unknown, and no line is drawn")
        return
    trips = feed.frame("trips.txt", ("trip_id", "route_id", "shape_id", "direction_id"))
    if not {"trip_id", "route_id"} <= set(trips.columns):
        notes.append(f"{feed.label('trips.txt')}: no trip_id or route_id column; stations have no lines")
        return
    trips = trips.assign(trip_id=trips["trip_id"].str.strip(), route_id=trips["route_id"].str.strip())
    times = feed.frame("stop_times.txt", ("trip_id", "stop_id", "stop_sequence")) if feed.has("stop_times.txt") else None
    if times is not None and {"trip_id", "stop_id"} <= set(times.columns):
        times = times.assign(trip_id=times["trip_id"].str.strip(), stop_id=times["stop_id"].str.strip())
        times["route_id"] = times["trip_id"].map(dict(zip(trips["trip_id"], trips["route_id"], strict=True)))
        times["station_id"] = times["stop_id"].map(station_of)
        served = times.dropna(subset=["route_id", "station_id"]).drop_duplicates(["route_id", "station_id"])
        used = routes[routes.index.isin(served["route_id"])]
        if used.empty:
            notes.append("no trip of the feed stops at a station's platform: stations have no lines")
            return
    else:
        # no stop times: the rail routes' shapes are drawn, stations' lines stay unknown
        times, served = None, None
        used = routes[routes["rank"] < BUS_RANK]
        notes.append("the feed has no stop_times.txt: stations' lines are unknown (the rail routes' shapes are drawn)")
    if (used["rank"] < BUS_RANK).any():
        skipped = int((used["rank"] >= BUS_RANK).sum())
        used = used[used["rank"] < BUS_RANK]
        if skipped:
            notes.append(f"{skipped} bus or ferry route(s) calling at stations were left out of the lines (the feed has rail routes)")
    order = sorted(
        used.index,
        key=lambda r: (used.at[r, "rank"], used.at[r, "sort"] if used.at[r, "sort"] == used.at[r, "sort"] else float("inf"), _natural(str(used.at[r, "label"]))),
    )
    if served is not None:
        position = {r: n for n, r in enumerate(order)}
        served = served[served["route_id"].isin(position)]
        per_station = (
            served.assign(pos=served["route_id"].map(position))
            .sort_values(["station_id", "pos"], kind="stable")
            .groupby("station_id")["route_id"]
            .agg(lambda ids: ";".join(dict.fromkeys(str(used.at[r, "label"]) for r in ids)))
        )
        lines = layer.stations["station_id"].map(per_station).astype(object)
        layer.stations["lines"] = lines.where(lines.notna(), None)
    colours = {}
    for n, route_id in enumerate(order):
        m = _HEX.match(str(used.at[route_id, "route_color"] if "route_color" in used.columns else "").strip())
        colours[route_id] = f"#{m.group(1).upper()}" if m else _PALETTE[n % len(_PALETTE)]
    layer.lines = _shapes(feed, order, used, colours, trips, times, stops, station_of, layer)


def _shapes(
    feed: Feed,
    order: list[str],
    routes: pd.DataFrame,
    colours: dict[str, str],
    trips: pd.DataFrame,
    times: pd.DataFrame | None,
    stops: pd.DataFrame,
    station_of: dict[str, str],
    layer: StationLayer,
) -> pd.DataFrame:
    """One line per shape of each route's trips (``shapes.txt``), else one through its longest trip's stations."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    trips = trips[trips["route_id"].isin(order)]
    shape_points: dict[str, list[list[float]]] = {}
    if "shape_id" in trips.columns and feed.has("shapes.txt"):
        wanted = set(trips["shape_id"].str.strip()) - {""}
        shapes = feed.frame("shapes.txt", ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"))
        if wanted and {"shape_id", "shape_pt_lat", "shape_pt_lon"} <= set(shapes.columns):
            shapes = shapes.assign(shape_id=shapes["shape_id"].str.strip())
            shapes = shapes[shapes["shape_id"].isin(wanted)].copy()
            shapes["seq"] = pd.to_numeric(shapes.get("shape_pt_sequence", pd.Series(range(len(shapes)), index=shapes.index)), errors="coerce")
            shapes["lat"] = pd.to_numeric(shapes["shape_pt_lat"], errors="coerce")
            shapes["lon"] = pd.to_numeric(shapes["shape_pt_lon"], errors="coerce")
            shapes = shapes.dropna(subset=["lat", "lon"]).sort_values(["shape_id", "seq"], kind="stable")
            for shape_id, part in shapes.groupby("shape_id", sort=True):
                shape_points[str(shape_id)] = [[round(float(x), 6), round(float(y), 6)] for x, y in zip(part["lon"], part["lat"], strict=True)]
    point = _stop_points(stops, station_of, layer)
    for route_id in order:
        route = routes.loc[route_id]
        own = trips[trips["route_id"].eq(route_id)]
        ids = sorted(set(own["shape_id"].str.strip()) & set(shape_points)) if "shape_id" in own.columns else []
        base = {
            "line": str(route.get("route_short_name", "") or "").strip() or str(route["label"]),
            "name": str(route.get("route_long_name", "") or "").strip() or str(route["label"]),
            "color": colours[route_id],
        }
        if ids:
            rows += [{"line_id": shape_id, **base, "coords": json.dumps(shape_points[shape_id])} for shape_id in ids]
            continue
        path = _longest_trip(own["trip_id"], times, point) if times is not None else []
        if len(path) >= 2:
            rows.append({"line_id": f"route:{route_id}", **base, "coords": json.dumps(path)})
    return pd.DataFrame(rows, columns=LINE_COLUMNS) if rows else empty_frame(LINE_COLUMNS)


def _stop_points(stops: pd.DataFrame, station_of: dict[str, str], layer: StationLayer) -> dict[str, list[float]]:
    """Where a stop is drawn: its station's point when it has one, else its own."""
    import pandas as pd

    at_station = layer.stations.set_index("station_id")[["lon", "lat"]]
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce")
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce")
    out: dict[str, list[float]] = {}
    for stop, la, lo in zip(stops["stop_id"].astype(str).str.strip(), lat, lon, strict=True):
        sid = station_of.get(stop)
        if sid is not None and sid in at_station.index:
            out[stop] = [round(float(at_station.at[sid, "lon"]), 6), round(float(at_station.at[sid, "lat"]), 6)]
        elif la == la and lo == lo:
            out[stop] = [round(float(lo), 6), round(float(la), 6)]
    return out


def _longest_trip(trip_ids: pd.Series, times: pd.DataFrame, point: dict[str, list[float]]) -> list[list[float]]:
    """The stops of the route's trip with the most stops, in stop order, as ``[lon, lat]`` (repeats dropped)."""
    import pandas as pd

    own = times[times["trip_id"].isin(set(trip_ids))]
    if own.empty:
        return []
    longest = own["trip_id"].value_counts().sort_index().idxmax()
    trip = own[own["trip_id"].eq(longest)]
    seq = pd.to_numeric(trip.get("stop_sequence", pd.Series(range(len(trip)), index=trip.index)), errors="coerce")
    path: list[list[float]] = []
    for stop in trip.assign(seq=seq).sort_values("seq", kind="stable")["stop_id"]:
        p = point.get(str(stop))
        if p is not None and (not path or path[-1] != p):
            path.append(p)
    return path
