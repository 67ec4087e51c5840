"""What the walk map shows: a campaign's stations, findings and recommendations, gathered once.

:func:`gather` reads the project (observations, summary, stations layer,
recommendations with their follow-up) into a :class:`MapData`;
:func:`place_findings` gives every finding a position.  A finding without a GPS
position is placed at its station (or at one of the station's entrances for zone
``entrance``) with a small deterministic jitter, so that clustered markers do not
stack exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, Phrase
from walktool.maps.labels import MapError

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.stations import StationLayer

__all__ = ["STM_ATTRIBUTION", "MapData", "bounds", "centre", "credit", "gather", "place_findings"]

STM_ATTRIBUTION = "Société de transport de Montréal (STM), CC BY 4.0"
_STATION_JITTER_M = 30.0
_ENTRANCE_JITTER_M = 8.0
TOP_RECOMMENDATIONS = 3
# what the map reads beside the summary's columns: the findings' popups and positions
MAP_COLUMNS = ["comment", "photo", "lat", "lon"]


def place_findings(findings: pd.DataFrame, layer: StationLayer) -> pd.DataFrame:
    """Give every finding a position: its GPS fix, else its station or entrance, jittered.

    Parameters
    ----------
    findings
        Observations with ``obs_id``, ``station_id``, ``zone``, ``lat``, ``lon``.
    layer
        The project's stations layer.

    Returns
    -------
    pandas.DataFrame
        The findings that could be placed, with ``lat`` / ``lon`` filled and a
        ``placed`` column: ``gps``, ``station`` or ``entrance``.  The jitter (up to
        30 m around a station, 8 m around an entrance) is derived from the
        observation id, so the same finding always lands on the same spot.
    """
    import numpy as np
    import pandas as pd

    out = findings.copy()
    lat = pd.to_numeric(out["lat"], errors="coerce").to_numpy(dtype=float, copy=True)
    lon = pd.to_numeric(out["lon"], errors="coerce").to_numpy(dtype=float, copy=True)
    placed = np.where(np.isfinite(lat) & np.isfinite(lon), "gps", "").astype(object)
    if len(out) == 0:
        return out.assign(lat=lat, lon=lon, placed=placed)
    key = pd.util.hash_pandas_object(out["obs_id"].astype(str), index=False).to_numpy(dtype=np.uint64)
    angle = (key % np.uint64(3600)).astype(float) / 3600.0 * 2 * math.pi
    spread = np.sqrt(((key >> np.uint64(12)) % np.uint64(1000)).astype(float) / 1000.0)
    pick = (key >> np.uint64(24)).astype(np.int64)
    stations = layer.stations.dropna(subset=["lat", "lon"]).drop_duplicates("station_id").set_index("station_id")
    st_lat = out["station_id"].map(stations["lat"]).to_numpy(dtype=float)
    st_lon = out["station_id"].map(stations["lon"]).to_numpy(dtype=float)
    missing = placed == ""
    at_station = missing & np.isfinite(st_lat)
    base_lat, base_lon = st_lat.copy(), st_lon.copy()
    radius = np.full(len(out), _STATION_JITTER_M)
    kind = np.where(at_station, "station", "").astype(object)
    entrance_zone = out["zone"].astype(object).eq("entrance").to_numpy()
    entrances = layer.entrances.dropna(subset=["lat", "lon"])
    if len(entrances):
        by_station = {sid: grp[["lat", "lon"]].to_numpy(dtype=float) for sid, grp in entrances.groupby("station_id")}
        station_ids = out["station_id"].to_numpy(dtype=object)
        for i in np.flatnonzero(missing & entrance_zone):
            coords = by_station.get(station_ids[i])
            if coords is None:
                continue
            base_lat[i], base_lon[i] = coords[pick[i] % len(coords)]
            radius[i] = _ENTRANCE_JITTER_M
            kind[i] = "entrance"
    movable = missing & np.isfinite(base_lat)
    metres = spread * radius
    dlat = metres * np.cos(angle) / 111_320.0
    dlon = metres * np.sin(angle) / (111_320.0 * np.cos(np.radians(np.where(movable, base_lat, 0.0))))
    lat = np.where(movable, base_lat + dlat, lat)
    lon = np.where(movable, base_lon + dlon, lon)
    placed = np.where(movable, kind, placed)
    out = out.assign(lat=lat, lon=lon, placed=placed)
    return out[out["placed"] != ""]


@dataclass
class MapData:
    """Everything the walk map draws, read from the project once."""

    campaign: str | None
    lang: str
    title: str
    protocol: Protocol
    layer: StationLayer
    stations: list[dict[str, Any]]
    findings: pd.DataFrame
    not_shown: int
    recommendations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audience: str = "staff"
    incidents: Any = None  # walktool.maps.incidents.IncidentLayerData, or None without incidents
    grouped_above: int | None = None  # findings grouped past this many (walktool.maps.groups), said in the legend


def gather(project: Project, campaign: str | None, lang: str, audience: str = "staff") -> MapData:
    """Read what the map of ``campaign`` shows (None: the only or latest campaign), for ``audience``.

    A public map's findings are placed first, then rounded (or put at their station) and
    stripped of comments not marked publishable (:func:`walktool.privacy.for_audience`).

    Raises
    ------
    MapError
        When the campaign has no observations.
    AnalysisError
        When the named campaign does not exist.
    """
    from walktool.analysis import (
        SUMMARY_COLUMNS,
        findings,
        load_observations,
        resolve_campaign,
        summarize,
    )
    from walktool.stations import load_stations

    name = resolve_campaign(project, campaign)
    from walktool.store.answer_columns import columnar

    if not project.store.count("observations", {"campaign": name} if name else None):
        where = f"campaign {name!r}" if name else "this project"
        msg = Phrase(N_("{root}: no observations in {where} yet, so nothing to map; import sheets with `walktool import` first"), root=project.root, where=where)
        raise MapError(msg)
    summary = summarize(project, name)  # the station figures from the store's SQL aggregates
    protocol = project.protocol()
    answered = None
    if columnar(project.store):  # the findings and who answered, read column-wise: no frame of every answer
        from walktool.answer_cubes import findings_and_answered

        found, answered = findings_and_answered(
            project.store, name, protocol, rescored=False, stop_columns=("lat", "lon", "local_time"),
            answer_columns=("answer",), at_station=False,
        )
        obs = found
    else:
        obs = load_observations(project, name, columns=[*SUMMARY_COLUMNS, *MAP_COLUMNS])
        found = findings(obs)
    layer = load_stations(project)
    from walktool.maps.incidents import incident_layer_data
    from walktool.overdue import annotate
    from walktool.privacy import for_audience

    placed = for_audience(place_findings(found, layer), project, audience)
    recs = recommendations(project, protocol, obs, name, lang, answered=answered)
    annotate([r for station_recs in recs.values() for r in station_recs], project, name)  # one campaign start for all
    return MapData(
        campaign=name,
        lang=lang,
        title=project.settings.name,
        protocol=protocol,
        layer=layer,
        stations=summary.station_records(),
        findings=placed,
        not_shown=len(found) - len(placed),
        recommendations=recs,
        audience=audience,
        incidents=incident_layer_data(project, audience),
    )


def recommendations(
    project: Project, protocol: Protocol, obs: pd.DataFrame, campaign: str | None, lang: str, *, answered: pd.Series | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Top recommendations per station, rebuilt from the findings (nothing is written).

    ``obs``: the campaign's observations, or only its findings with ``answered``
    (:func:`walktool.answer_cubes.findings_and_answered`).  The follow-up fields recorded
    in the store (status, owner) are carried over.
    """
    from walktool.recommend import FOLLOW_UP_COLUMNS, Recommendations, build_recommendations

    frame = build_recommendations(obs, protocol, campaign, answered=answered)
    if frame.empty:
        return {}
    stored = project.store.read("recommendations", {"campaign": campaign} if campaign else None)
    if len(stored):
        kept = stored.drop_duplicates("rec_id").set_index("rec_id")
        hit = frame["rec_id"].isin(kept.index)
        for col in FOLLOW_UP_COLUMNS:
            frame.loc[hit, col] = frame.loc[hit, "rec_id"].map(kept[col])
    top = frame.sort_values("rank", kind="stable").groupby("station_id", sort=False).head(TOP_RECOMMENDATIONS)
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in Recommendations(campaign, top).records(lang, protocol):
        out.setdefault(str(rec["station_id"]), []).append(rec)
    return out


def credit(data: MapData) -> str:
    """The stations data's credit line (plain text): STM's, or the layer's own in another city."""
    return STM_ATTRIBUTION if data.layer.is_stm else (data.layer.credit or "")


def centre(data: MapData) -> list[float]:
    """The middle of :func:`bounds`."""
    (s, w), (n, e) = bounds(data)
    return [(s + n) / 2, (w + e) / 2]


def bounds(data: MapData) -> list[list[float]]:
    """The stations with data (all the network's stations when none has a position)."""
    positions = data.layer.stations.dropna(subset=["lat", "lon"]).set_index("station_id")
    ids = [str(r["station_id"]) for r in data.stations if str(r["station_id"]) in positions.index]
    pts = positions.loc[ids, ["lat", "lon"]] if ids else positions[["lat", "lon"]]
    if pts.empty and len(data.findings):
        pts = data.findings[["lat", "lon"]]
    if pts.empty:
        return [[45.40, -73.95], [45.70, -73.47]]
    pad = 0.003
    return [[float(pts["lat"].min()) - pad, float(pts["lon"].min()) - pad], [float(pts["lat"].max()) + pad, float(pts["lon"].max()) + pad]]
