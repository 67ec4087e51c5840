"""The stations layer itself: what it holds, the packaged STM network, and the store.

A :class:`StationLayer` holds stations, entrances and line shapes in EPSG:4326,
plus what the file said about where it comes from: its credit line and, for a
GTFS feed, the agencies, their time zone and the feed's publisher
(:class:`FeedInfo`).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project

STM_CREDIT = "Source: Société de transport de Montréal (STM), données GTFS, CC BY 4.0"
STM_NAME = "Société de transport de Montréal"
STATION_COLUMNS = ["station_id", "name", "lines", "lat", "lon"]
ENTRANCE_COLUMNS = ["entrance_id", "station_id", "name", "lat", "lon"]
LINE_COLUMNS = ["line_id", "line", "name", "color", "coords"]
LINE_COLOURS = {"green": "#00B300", "orange": "#D95700", "yellow": "#FFD900", "blue": "#0095E6"}
MAX_PROBLEMS_SHOWN = 20


@dataclass
class FeedInfo:
    """What a GTFS feed says about itself (``agency.txt``, ``feed_info.txt``, ``attributions.txt``).

    Attributes
    ----------
    agencies
        ``agency_name`` of every agency, in file order.
    timezone
        ``agency_timezone`` (the same for every agency, as GTFS requires), or None.
    timezones
        Every distinct ``agency_timezone`` (more than one is a feed error, reported).
    publisher
        ``feed_publisher_name``, when the feed has a ``feed_info.txt``.
    licence
        ``feed_license`` (a common extension of ``feed_info.txt``), when given.
    routes
        Number of routes read from ``routes.txt``.
    notes
        What could not be taken from the feed and why (shown after an import).
    """

    agencies: list[str] = field(default_factory=list)
    timezone: str | None = None
    timezones: list[str] = field(default_factory=list)
    publisher: str | None = None
    licence: str | None = None
    routes: int = 0
    notes: list[str] = field(default_factory=list)

    def credit(self) -> str:
        """The credit line maps and reports show for this feed's data."""
        names = " / ".join(dict.fromkeys(n for n in self.agencies if n))
        if STM_NAME.casefold() in names.casefold():
            return STM_CREDIT
        if not names and not self.publisher:
            return ""
        who = names or str(self.publisher)
        parts = ["GTFS"]
        if self.publisher and self.publisher.casefold() != who.casefold():
            parts = [f"GTFS published by {self.publisher}"]
        text = f"Source: {who} ({', '.join(parts)})"
        return f"{text}, {self.licence}" if self.licence else text


@dataclass
class StationLayer:
    """Stations, entrances and line shapes, all in EPSG:4326.

    Attributes
    ----------
    stations
        ``station_id, name, lines, lat, lon`` (lines: colours or route names joined by ``;``,
        subway and rail first).
    entrances
        ``entrance_id, station_id, name, lat, lon``.
    lines
        ``line_id, line, name, color, coords`` (coords: JSON ``[[lon, lat], ...]``).
    source
        Where the layer came from (``stm``, or the file as given).
    credit
        The credit line shown on every map and report.
    feed
        What a GTFS feed says about itself (None for a CSV or GeoJSON layer).
    """

    stations: pd.DataFrame
    entrances: pd.DataFrame
    lines: pd.DataFrame
    source: str = ""
    credit: str = ""
    feed: FeedInfo | None = None

    @property
    def is_stm(self) -> bool:
        """The layer is STM data (the packaged network, or STM's own GTFS)."""
        return self.source == "stm" or STM_NAME.casefold() in self.credit.casefold()

    def extent(self) -> tuple[float, float, float, float] | None:
        """``(min_lon, min_lat, max_lon, max_lat)`` of the stations and entrances, or None."""
        import pandas as pd

        points = pd.concat([self.stations[["lat", "lon"]], self.entrances[["lat", "lon"]]]).dropna()
        if points.empty:
            return None
        return (float(points["lon"].min()), float(points["lat"].min()), float(points["lon"].max()), float(points["lat"].max()))


def empty_frame(columns: list[str]) -> pd.DataFrame:
    """An empty frame with ``columns`` (``lat`` / ``lon`` as floats)."""
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
    feed = FeedInfo(agencies=[STM_NAME], timezone="America/Montreal", timezones=["America/Montreal"], routes=4)
    return StationLayer(
        stations[STATION_COLUMNS], entrances[ENTRANCE_COLUMNS], lines, source="stm", credit=STM_CREDIT, feed=feed
    )


def save_stations(project: Project, layer: StationLayer) -> None:
    """Replace the project's stations layer (in one transaction).

    The layer's source, credit and, for a GTFS feed, its time zone are kept in the
    store's metadata (``stations_source``, ``stations_credit``, ``stations_timezone``).
    """
    store = project.store
    stations = layer.stations.assign(source=layer.source)
    with store.transaction():
        store.replace("stations", stations)
        store.replace("entrances", layer.entrances)
        store.replace("lines", layer.lines)
        store.set_meta("stations_source", layer.source)
        store.set_meta("stations_credit", layer.credit)
        store.set_meta("stations_timezone", (layer.feed.timezone if layer.feed else None) or "")


def load_stations(project: Project) -> StationLayer:
    """Read the project's stations layer from its store.

    The credit is the project's ``credit`` setting (``walktool.toml``) when it has one
    for this layer (its ``stations`` setting names the stored layer's source), else the
    one stored with the layer.
    """
    store = project.store
    source = store.get_meta("stations_source") or ""
    credit = store.get_meta("stations_credit") or ""
    if project.settings.credit and project.settings.stations == source:
        credit = project.settings.credit
    timezone = store.get_meta("stations_timezone") or None
    return StationLayer(
        store.read("stations")[STATION_COLUMNS],
        store.read("entrances")[ENTRANCE_COLUMNS],
        store.read("lines")[LINE_COLUMNS],
        source=source,
        credit=credit,
        feed=FeedInfo(timezone=timezone, timezones=[timezone] if timezone else []) if timezone else None,
    )
