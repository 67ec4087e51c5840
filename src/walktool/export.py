"""Tidy exports for QGIS, R and pandas: CSV, GeoJSON, GeoPackage, Parquet.

What is exported is the tidy observations table (one answered item or one
finding a row), one campaign or all, with the station scores and the ranked
recommendations alongside where the format holds several tables:

* ``csv``: ``PATH`` is a file for the observations; ``PATH``'s siblings
  ``<stem>-stations.csv`` and ``<stem>-recommendations.csv`` hold the scores and
  the recommendations;
* ``geojson``: observation points (RFC 7946, EPSG:4326);
* ``gpkg``: layers ``observations`` (points), ``stations`` (points, with scores)
  and ``recommendations`` (attributes);
* ``parquet``: GeoParquet of the observations, plus ``<stem>-stations.parquet``.

Positions: an observation keeps its own GPS position when it has one; otherwise
(underground) it takes its station's, and ``location_source`` says which.

Privacy: observers appear only as the pseudonym given at import
(``participant``, ``P-…``), which researchers need to compute rater agreement;
names, e-mails and device ids are never stored, so they cannot be exported.
``include_participants=False`` drops even the pseudonyms.  ``audience="public"``
(:mod:`walktool.privacy.exports`) also rounds positions, drops unpublishable comments
and source files; photos of every audience are copies next to the export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from walktool.errors import WalktoolError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from walktool.project import Project

EXPORT_FORMATS = ("csv", "geojson", "gpkg", "parquet")
_DROP = ("import_id", "walk_key")


class ExportError(WalktoolError):
    """An export could not be written."""


def observations_frame(
    project: Project, campaign: str | None = None, *, include_participants: bool = True, rules: str | None = None
) -> gpd.GeoDataFrame:
    """The tidy observations as a GeoDataFrame in EPSG:4326, stations' positions filling GPS gaps.

    Every row says which rules scored it: ``protocol`` (``id@version``) and ``rules_hash``
    (those of its import; those used when ``rules`` re-scores, see :mod:`walktool.provenance`).
    """
    import geopandas as gpd

    from walktool.analysis import load_observations
    from walktool.provenance import provenance_columns, scoring_rules
    from walktool.stations import load_stations

    obs = load_observations(project, campaign, rules=rules)
    obs = obs.assign(**provenance_columns(obs, project, scoring_rules(project, campaign, rules)[1]))
    stations = load_stations(project).stations.set_index("station_id")
    st_lat = obs["station_id"].map(stations["lat"].astype(float))
    st_lon = obs["station_id"].map(stations["lon"].astype(float))
    own = obs["lat"].notna() & obs["lon"].notna()
    obs["location_source"] = obs["location_source"].where(own, "station").where(own | st_lat.notna(), None)
    obs = obs.assign(_x=obs["lon"].where(own, st_lon), _y=obs["lat"].where(own, st_lat))
    obs = obs.drop(columns=[c for c in _DROP if c in obs])
    if not include_participants:
        obs = obs.drop(columns=["participant"])
    from walktool.ordering import stable_order

    obs = obs.take(stable_order(obs, ["campaign", "station_name", "zone", "obs_id"])).reset_index(drop=True)
    geometry = gpd.points_from_xy(obs.pop("_x"), obs.pop("_y"))
    return gpd.GeoDataFrame(obs, geometry=geometry, crs="EPSG:4326")


def stations_frame(project: Project, campaign: str | None = None, *, rules: str | None = None) -> gpd.GeoDataFrame:
    """Stations with data, their scores, sample sizes and finding counts, as points, with the rules of the scores."""
    import geopandas as gpd

    from walktool.analysis import summarize
    from walktool.stations import load_stations

    summary = summarize(project, campaign, rules=rules)
    table = summary.stations.copy()
    if summary.rules is not None:
        table["protocol"] = summary.rules.protocol
        table["rules_hash"] = summary.rules.rules_hash
    counts = [summary.station_findings.get(sid, {}) for sid in table["station_id"]]
    for sev in ("low", "medium", "high", "critical"):
        table[f"findings_{sev}"] = [c.get(sev, 0) for c in counts]
    table.insert(0, "campaign", summary.campaign)
    layer = load_stations(project).stations.set_index("station_id")
    lat = table["station_id"].map(layer["lat"].astype(float))
    lon = table["station_id"].map(layer["lon"].astype(float))
    table = table.astype(dict.fromkeys([*summary.principles, "score"], float)).round(dict.fromkeys([*summary.principles, "score"], 2))
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def recommendations_frame(project: Project, campaign: str | None = None, *, rules: str | None = None) -> pd.DataFrame:
    """The ranked recommendations (rebuilt from the observations first), minority reports after them."""
    from walktool.recommend import recommend

    frame = recommend(project, campaign, rules=rules).frame
    return frame.drop(columns=["updated_at"], errors="ignore")


def export(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    campaign: str | None = None,
    include_participants: bool = True,
    rules: str | None = None,
    audience: str = "staff",
) -> list[Path]:
    """Write tidy data for other tools.

    Parameters
    ----------
    project
        The open project.
    fmt
        ``csv``, ``geojson``, ``gpkg`` or ``parquet``.
    out
        The file to write (its siblings too for csv and parquet; see the module docstring).
    campaign
        One campaign, or None for every campaign.
    include_participants
        Keep the participants' pseudonyms (needed for rater agreement).
    rules
        None for the rules each import was scored with, ``"current"`` or ``"ID@VERSION"``
        to re-score; every row carries ``protocol`` and ``rules_hash``.
    audience
        ``staff`` or ``public`` (:mod:`walktool.privacy`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        Unknown format, or nothing to export.
    """
    from walktool.analysis import resolve_campaign

    if fmt not in EXPORT_FORMATS:
        msg = f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"
        raise ExportError(msg)
    out = Path(out)
    if campaign is not None:
        resolve_campaign(project, campaign)  # a clear error for an unknown campaign
    from walktool.privacy.exports import observations_for, recommendations_for

    obs = observations_frame(project, campaign, include_participants=include_participants and audience == "staff", rules=rules)
    obs = observations_for(obs, project, audience, out.parent)
    if obs.empty:
        msg = "nothing to export: the project has no observations yet; run `walktool import` first"
        raise ExportError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def sibling(suffix: str) -> Path:
        return out.with_name(f"{out.stem}-{suffix}")

    if fmt == "csv":
        plain = obs.assign(lat=obs.geometry.y, lon=obs.geometry.x).drop(columns="geometry")
        plain.to_csv(out, index=False)
        stations = stations_frame(project, campaign, rules=rules)
        stations.assign(lat=stations.geometry.y, lon=stations.geometry.x).drop(columns="geometry").to_csv(sibling("stations.csv"), index=False)
        recommendations_for(recommendations_frame(project, campaign, rules=rules), audience).to_csv(sibling("recommendations.csv"), index=False)
        written += [out, sibling("stations.csv"), sibling("recommendations.csv")]
    elif fmt == "geojson":
        obs[obs.geometry.notna() & ~obs.geometry.is_empty].to_file(out, driver="GeoJSON", engine="pyogrio")
        written.append(out)
    elif fmt == "gpkg":
        if out.exists():
            out.unlink()
        obs.to_file(out, layer="observations", driver="GPKG", engine="pyogrio")
        stations_frame(project, campaign, rules=rules).to_file(out, layer="stations", driver="GPKG", engine="pyogrio", mode="a")
        import pyogrio

        recs = recommendations_for(recommendations_frame(project, campaign, rules=rules), audience)
        if len(recs):
            pyogrio.write_dataframe(recs, out, layer="recommendations", driver="GPKG", append=True)
        written.append(out)
    else:
        obs.to_parquet(out, index=False)
        stations_frame(project, campaign, rules=rules).to_parquet(sibling("stations.parquet"), index=False)
        written += [out, sibling("stations.parquet")]
    return written
