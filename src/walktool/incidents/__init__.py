"""Recorded incidents beside what walk participants felt: import, count per station, compare.

========================  ============================================================
:mod:`~.read`             the Montréal "actes criminels" layout; mapped CSV / GeoJSON
:mod:`~.store`            storing incidents with their source; counts per station
:mod:`~.compare`          perceived insecurity against recorded incidents, by rank
========================  ============================================================
"""

from __future__ import annotations

from walktool.incidents.compare import (
    CompareIncidentsError,
    IncidentComparison,
    compare_incidents,
    recorded_by_station,
    with_recorded,
)
from walktool.incidents.read import IncidentMapping, IncidentsError, read_incidents
from walktool.incidents.store import (
    IncidentImport,
    credit_line,
    import_incidents,
    load_incidents,
    sources,
    station_counts,
)

__all__ = [
    "CompareIncidentsError",
    "IncidentComparison",
    "IncidentImport",
    "IncidentMapping",
    "IncidentsError",
    "compare_incidents",
    "credit_line",
    "import_incidents",
    "load_incidents",
    "read_incidents",
    "recorded_by_station",
    "sources",
    "station_counts",
    "with_recorded",
]
