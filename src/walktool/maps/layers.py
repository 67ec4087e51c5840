"""The walk map's layers, in the layer control's order.

* **stations** with data as circles coloured by their 0–100 score, sized by their
  number of findings; a station seen by too few participants (the protocol's
  ``low_confidence_participants``) has a dashed outline, a paler fill and says so in
  its label, popup and the legend;
* the **metro lines** in the colours of the stations layer, every other station of the
  network as a small grey dot, and the **entrances**;
* the **findings**, clustered (:class:`folium.plugins.FastMarkerCluster`: the rows are
  sent once and the markers made in the browser), one toggle per principle, day and
  night, and a heat layer of the findings shown, weighted by severity.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from walktool.maps.page import load_folium
from walktool.maps.symbols import HEAT_GRADIENT, MIN_RADIUS, colour, e, radius, score_colour, svg

if TYPE_CHECKING:
    from collections.abc import Mapping

    from walktool.maps.data import MapData

__all__ = ["FindingLayers", "entrances_layer", "finding_layers", "network_layer", "stations_layer"]


def stations_layer(data: MapData, cards: Mapping[str, str], name: str) -> Any:
    """The scored stations (GeoJSON circles), with their cards as popups and a permanent label.

    Parameters
    ----------
    data
        What the map shows.
    cards
        The popup (HTML) of each station, by station id.
    name
        The layer's name in the layer control (escaped).
    """
    folium = load_folium()
    positions = data.layer.stations.dropna(subset=["lat", "lon"]).drop_duplicates("station_id").set_index("station_id")
    most = max((sum(int(v) for v in r["findings"].values()) for r in data.stations), default=0)
    features: list[dict[str, Any]] = []
    for rec in data.stations:
        sid = str(rec["station_id"])
        if sid not in positions.index:
            continue
        n = sum(int(v) for v in rec["findings"].values())
        low = bool(rec["low_confidence"])
        score = rec["score"]
        style = {
            "color": "#222",
            "weight": 2.5 if low else 1.5,
            "dashArray": "5 4" if low else None,
            "fill": True,
            "fillColor": score_colour(score),
            "fillOpacity": 0.45 if low else 0.85,
            "radius": radius(n, most),
            "className": "wt-station wt-low-confidence" if low else "wt-station",
        }
        score_text = f"{score:.0f}" if score is not None else "–"
        label = f"{e(rec['name'])} · {e(score_text)}" + (" ⚠" if low else "")
        features.append(
            {
                "type": "Feature",
                "id": sid,
                "geometry": {"type": "Point", "coordinates": [float(positions.at[sid, "lon"]), float(positions.at[sid, "lat"])]},
                "properties": {
                    "name": e(rec["name"]),
                    "station_id": e(sid),
                    "score": score,
                    "findings": n,
                    "low_confidence": low,
                    "style": {k: v for k, v in style.items() if v is not None},
                    "label": label,
                    "popup": cards.get(sid, ""),
                },
            }
        )
    features.sort(key=lambda f: -float(f["properties"]["style"]["radius"]))  # small circles on top
    if not features:  # folium's Search needs one feature to check its property name
        features.append({"type": "Feature", "id": "none", "geometry": None, "properties": {"name": "", "style": {}}})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        marker=folium.CircleMarker(radius=MIN_RADIUS),
        style_function=lambda f: f["properties"]["style"],
        on_each_feature=folium.JsCode("window.walktoolMap.stationFeature"),
    )


def network_layer(data: MapData, with_data: set[str], name: str) -> Any:
    """The lines (a dark casing under each coloured line) and the stations without data (grey dots)."""
    folium = load_folium()

    from walktool.stations import LINE_COLOURS

    group = folium.FeatureGroup(name=name, show=True)
    for line in data.layer.lines.to_dict("records"):
        try:
            coords = json.loads(line["coords"]) if isinstance(line["coords"], str) else line["coords"]
        except (TypeError, ValueError):
            continue
        if not coords or len(coords) < 2:
            continue
        path = [[float(lat), float(lon)] for lon, lat, *_ in coords]
        fill = colour(line.get("color")) or LINE_COLOURS.get(str(line.get("line") or "").lower(), "#555555")
        tooltip = e(line.get("name") or line.get("line") or "")
        folium.PolyLine(path, color="#444", weight=7, opacity=0.55, interactive=False, class_name="wt-line-casing").add_to(group)
        folium.PolyLine(path, color=fill, weight=4.5, opacity=1.0, tooltip=tooltip or None, class_name="wt-line").add_to(group)
    stops = [
        {
            "type": "Feature",
            "id": str(s["station_id"]),
            "geometry": {"type": "Point", "coordinates": [float(s["lon"]), float(s["lat"])]},
            "properties": {"tooltip": e(s["name"])},
        }
        for s in data.layer.stations.dropna(subset=["lat", "lon"]).to_dict("records")
        if str(s["station_id"]) not in with_data
    ]
    if stops:
        _dots(stops, size=3.5, line="#444", fill="#fff", opacity=1.0, class_name="wt-stop").add_to(group)
    return group


def _dots(features: list[dict[str, Any]], *, size: float, line: str, fill: str, opacity: float, class_name: str) -> Any:
    """Small circle markers with a tooltip (``properties.tooltip``), drawn from one GeoJSON layer."""
    folium = load_folium()
    style = {"color": line, "weight": 1, "fill": True, "fillColor": fill, "fillOpacity": opacity, "className": class_name}
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=size),
        style_function=lambda f: style,
        on_each_feature=folium.JsCode("window.walktoolMap.dotFeature"),
        control=False,
    )


def entrances_layer(data: MapData, name: str) -> Any:
    """The stations' entrances as small dark dots, named in their tooltip."""
    folium = load_folium()

    names = data.layer.stations.drop_duplicates("station_id").set_index("station_id")["name"]
    features = [
        {
            "type": "Feature",
            "id": f"e{i}",
            "geometry": {"type": "Point", "coordinates": [float(x["lon"]), float(x["lat"])]},
            "properties": {"tooltip": f"{e(names.get(x['station_id'], ''))}<br><small>{e(x.get('name') or '')}</small>"},
        }
        for i, x in enumerate(data.layer.entrances.dropna(subset=["lat", "lon"]).to_dict("records"))
    ]
    group = folium.FeatureGroup(name=name, show=True)
    if features:
        _dots(features, size=2.5, line="#333", fill="#333", opacity=0.9, class_name="wt-entrance").add_to(group)
    return group


class FindingLayers:
    """The clustered findings, the principle and period toggles, and the heat layer.

    Attributes
    ----------
    cluster
        The :class:`folium.plugins.FastMarkerCluster` of the rows.
    principles, periods
        One empty :class:`folium.FeatureGroup` each: ticking them in the layer control
        shows the findings of that principle / period (``behaviour`` in walkmap.js).
    heat
        The :class:`folium.plugins.HeatMap`, off until asked for.
    """

    def __init__(self, cluster: Any, principles: list[Any], periods: list[Any], heat: Any) -> None:
        self.cluster = cluster
        self.principles = principles
        self.periods = periods
        self.heat = heat


def finding_layers(data: MapData, rows: list[list[Any]], t: Mapping[str, str]) -> FindingLayers:
    """The finding layers of the map, not yet added to it (add them in this order)."""
    folium = load_folium()
    plugins = folium.plugins
    protocol = data.protocol
    lang = data.lang
    cluster = plugins.FastMarkerCluster(
        rows,
        callback="window.walktoolMap.marker",
        name=f'{e(t["findings"])} ({len(data.findings)})',  # grouped rows still count findings
        icon_create_function="window.walktoolMap.clusterIcon",
        chunkedLoading=False,  # clustered in one go: no half-built clusters while the user pans
        showCoverageOnHover=False,
        maxClusterRadius=45,
        spiderfyOnMaxZoom=True,
    )
    counts = data.findings["principle"].value_counts() if len(data.findings) else {}
    toggles = []
    for key in protocol.principle_keys:
        label = protocol.principle(key).label.get(lang)
        n = int(counts.get(key, 0)) if len(data.findings) else 0
        toggles.append(folium.FeatureGroup(name=f'<span class="wt-lc-icon">{svg(key, "#fff", 11)}</span>{e(label)} ({n})', show=True))
    periods = [
        folium.FeatureGroup(name=f'<span class="wt-lc-period">{e(choice.label.get(lang))}</span>', show=True)
        for choice in protocol.periods.choices
    ]
    # max_zoom = the map's: the layer control disables a layer past its maxZoom
    heat = plugins.HeatMap([], name=e(t["heat"]), show=False, radius=18, blur=14, min_opacity=0.3, max_zoom=19, gradient=HEAT_GRADIENT)
    heat.default_js = []  # folium links it at an unpinned @main address: the page embeds it (page.heat_plugin)
    return FindingLayers(cluster, toggles, periods, heat)
