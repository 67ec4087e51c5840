"""The map's recorded-incidents layers: per station, and as a heat layer on a ~100 m grid.

Recorded incidents (``walktool incidents import``) are never drawn one by one: the
publisher already moved each to the nearest intersection, and a single point on a map
reads as an address.  The map shows

* **per station** — a square at each station with incidents within the project's
  radius, sized by their number, its tooltip giving day / night counts and the source;
* **density** — a heat layer of the placed incidents counted on a grid of 0.001°
  (about 110 m × 80 m in Montréal), never finer than the publisher's precision.

Both are off until asked for in the layer control; their credit (publisher, licence)
is on the layer's name and in the popups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.maps.page import load_folium
from walktool.maps.symbols import e

if TYPE_CHECKING:
    from collections.abc import Mapping

    from walktool.maps.data import MapData
    from walktool.project import Project

GRID_DECIMALS = 3  # 0.001° ≈ 110 m north–south: coarser than "the nearest intersection"


@dataclass
class IncidentLayerData:
    """What the incidents layers draw."""

    stations: list[dict[str, Any]]  # station_id, name, lat, lon, incidents, day, night
    heat: list[list[float]]  # [lat, lon, count] on the grid
    credit: str
    radius_m: float


def incident_layer_data(project: Project, audience: str = "staff") -> IncidentLayerData | None:
    """The per-station counts and the gridded heat points (None when no incident is stored)."""
    from walktool.incidents import credit_line, load_incidents, station_counts
    from walktool.stations import load_stations

    if project.store.count("incidents") == 0:
        return None
    incidents = load_incidents(project)
    counts = station_counts(project, incidents=incidents)
    counts = counts[counts["incidents"] > 0]
    positions = load_stations(project).stations.drop_duplicates("station_id").set_index("station_id")
    stations = []
    for r in counts.to_dict("records"):
        sid = r["station_id"]
        if sid in positions.index:
            stations.append({"station_id": sid, "name": r["name"], "lat": float(positions.at[sid, "lat"]),
                             "lon": float(positions.at[sid, "lon"]), "incidents": int(r["incidents"]),
                             "day": int(r["day"]), "night": int(r["night"])})
    placed = incidents[incidents["placed"].astype(bool)]
    grid = placed.assign(lat=placed["lat"].astype(float).round(GRID_DECIMALS), lon=placed["lon"].astype(float).round(GRID_DECIMALS))
    cells = grid.groupby(["lat", "lon"]).size().reset_index(name="n").sort_values(["lat", "lon"])
    heat = [[float(a), float(b), float(n)] for a, b, n in zip(cells["lat"], cells["lon"], cells["n"], strict=True)]
    return IncidentLayerData(stations, heat, credit_line(project), float(project.settings.station_radius_m))


def incidents_layers(data: MapData, t: Mapping[str, str]) -> list[Any]:
    """The per-station layer and the heat layer, not yet added to the map."""
    folium = load_folium()
    info = data.incidents
    assert info is not None
    words = t
    group = folium.FeatureGroup(name=e(words["incidents"]), show=False)
    most = max((s["incidents"] for s in info.stations), default=1)
    for s in info.stations:
        side = 8 + 22 * (s["incidents"] / most) ** 0.5
        text = words["incidents_tooltip"].format(n=s["incidents"], day=s["day"], night=s["night"], radius=f"{info.radius_m:g}")
        html = (f'<div class="wt-incidents"><b>{e(s["name"])}</b><br>{e(text)}'
                f'<br><small>{e(words["incidents_note"])}</small><br><small>{e(info.credit)}</small></div>')
        folium.RegularPolygonMarker(
            location=[s["lat"], s["lon"]], number_of_sides=4, rotation=45, radius=side, color="#3b0f70",
            weight=1.5, fill=True, fill_color="#8c2981", fill_opacity=0.55, tooltip=f'{e(s["name"])}: {e(text)}',
            popup=folium.Popup(html, max_width=280),
        ).add_to(group)
    most_heat = max((p[2] for p in info.heat), default=1.0)
    heat = folium.plugins.HeatMap(info.heat, name=e(words["incidents_heat"]), show=False, radius=22, blur=18,
                                  min_opacity=0.25, max_zoom=19, max=most_heat)
    heat.default_js = []  # the page embeds Leaflet.heat (page.heat_plugin)
    return [group, heat]
