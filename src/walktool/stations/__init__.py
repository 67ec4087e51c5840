"""The reference stations layer: stations, entrances and line shapes.

The default layer is the real STM metro network (68 stations, 137 entrances,
line shapes with official colours; Source: Société de transport de Montréal (STM),
données GTFS, CC BY 4.0).  Any other city's layer comes from a file
(:func:`read_stations_file`): a GTFS feed (zip, folder or ``stops.txt``, with its
agencies, time zone, routes and shapes), a CSV with name / lat / lon columns, or
GeoJSON points.  :func:`import_stations` puts it in a project and sets the city
up from it (study area, time zone, city, credit).  :class:`StationMatcher` finds
the station a sheet names, however it is spelled, and :func:`nearest_stations`
places positions, measuring in metres in a projected CRS.

Modules: :mod:`.layer` (the layer, the STM network, the store), :mod:`.files`
(CSV, GeoJSON, dispatch), :mod:`.gtfs` (feeds), :mod:`.matching` (names and
positions), :mod:`.city` (setting a project up for the layer's city), :mod:`.observed`
(observations placed at a station, and the station names they carry).
"""

from __future__ import annotations

from walktool.stations.city import (
    MARGIN_M,
    Change,
    StationsImport,
    import_stations,
    plan_settings,
    study_area_for,
)
from walktool.stations.files import read_stations_file
from walktool.stations.layer import (
    ENTRANCE_COLUMNS,
    LINE_COLOURS,
    LINE_COLUMNS,
    STATION_COLUMNS,
    STM_CREDIT,
    FeedInfo,
    StationLayer,
    builtin_stations,
    load_stations,
    save_stations,
)
from walktool.stations.matching import (
    StationMatch,
    StationMatcher,
    distance_to_station,
    metric_crs,
    nearest_stations,
)

__all__ = [
    "ENTRANCE_COLUMNS",
    "LINE_COLOURS",
    "LINE_COLUMNS",
    "MARGIN_M",
    "STATION_COLUMNS",
    "STM_CREDIT",
    "Change",
    "FeedInfo",
    "StationLayer",
    "StationMatch",
    "StationMatcher",
    "StationsImport",
    "builtin_stations",
    "distance_to_station",
    "import_stations",
    "load_stations",
    "metric_crs",
    "nearest_stations",
    "plan_settings",
    "read_stations_file",
    "save_stations",
    "study_area_for",
]
