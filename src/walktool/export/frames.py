"""What an export holds, built from one read of the store: observations, station scores, recommendations.

:func:`export_tables` reads the observations once (every campaign, or the one asked
for) and derives from that same frame, campaign by campaign, the station scores
(:func:`walktool.analysis.scores`, as ``walktool summary`` computes them) and the
ranked recommendations (:func:`walktool.recommend.build_recommendations`, carrying
the follow-up recorded in the store: status, owner, due date, note).  Every table
has a ``campaign`` column; a campaign's rows come in the order of
:func:`walktool.analysis.campaigns` (oldest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from walktool.analysis import SEVERITIES

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from walktool.project import Project

_DROP = ("import_id", "walk_key")
STATION_LEADING = ("campaign", "station_id", "name")


@dataclass
class ExportTables:
    """The tables of one export, before the audience filter and the writers."""

    observations: gpd.GeoDataFrame
    """One answered item or finding a row, EPSG:4326 points (GPS, else the station's)."""
    stations: gpd.GeoDataFrame
    """One row per campaign × station with data: scores, sample sizes, findings by severity."""
    recommendations: pd.DataFrame
    """One row per campaign × recommendation, ranked within its campaign."""


def export_tables(
    project: Project, campaign: str | None = None, *, include_participants: bool = True, rules: str | None = None
) -> ExportTables:
    """The observations, station scores and recommendations of one campaign, or of every campaign.

    Parameters
    ----------
    project
        The open project.
    campaign
        One campaign, or None for every campaign of the project.
    include_participants
        Keep the participants' pseudonyms in the observations.
    rules
        The scoring rules (:func:`walktool.analysis.load_observations`).

    Returns
    -------
    ExportTables
        The three tables, each with a ``campaign`` column.
    """
    from walktool.analysis import load_observations

    obs = load_observations(project, campaign, rules=rules)
    stations, recs = derived_tables(project, obs, rules)
    return ExportTables(
        observations=_observations(project, obs, campaign, include_participants=include_participants, rules=rules),
        stations=stations,
        recommendations=recs,
    )


def derived_tables(project: Project, obs: pd.DataFrame, rules: str | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The station scores and the recommendations of every campaign in ``obs`` (read once), campaign by campaign.

    ``obs`` needs the columns of :data:`walktool.export.columnar.REC_COLUMNS`.
    """
    from walktool.analysis import campaigns

    present = set(obs["campaign"].dropna().unique()) if len(obs) else set()
    names = [c for c in campaigns(project) if c in present]
    stations = [_campaign_stations(project, obs, c, rules) for c in names]
    return _concat_stations(stations, project), _recommendations(project, obs, names, rules)


def _observations(
    project: Project, obs: pd.DataFrame, campaign: str | None, *, include_participants: bool, rules: str | None
) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from walktool.ordering import stable_order
    from walktool.provenance import provenance_columns, scoring_rules
    from walktool.stations import load_stations

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
    obs = obs.take(stable_order(obs, ["campaign", "station_name", "zone", "obs_id"])).reset_index(drop=True)
    geometry = gpd.points_from_xy(obs.pop("_x"), obs.pop("_y"))
    return gpd.GeoDataFrame(obs, geometry=geometry, crs="EPSG:4326")


def _of_campaign(obs: pd.DataFrame, campaign: str) -> pd.DataFrame:
    return obs[obs["campaign"].eq(campaign).to_numpy()]


def _campaign_stations(project: Project, obs: pd.DataFrame, campaign: str, rules: str | None) -> pd.DataFrame:
    """One campaign's station scores (worst first), with the rules they come from and the findings by severity."""
    from walktool.analysis import finding_counts, scores
    from walktool.provenance import scoring_rules

    protocol, provenance = scoring_rules(project, campaign, rules)
    sub = _of_campaign(obs, campaign).dropna(subset=["station_id"])
    table = scores(sub, protocol, "station")
    principles = [*protocol.principle_keys, "score"]
    table = table.astype(dict.fromkeys(principles, float)).round(dict.fromkeys(principles, 2))
    table["protocol"] = provenance.protocol
    table["rules_hash"] = provenance.rules_hash
    counts = finding_counts(sub, ["station_id"]) if len(sub) else None
    for sev in SEVERITIES:
        found = counts[sev] if counts is not None else None
        table[f"findings_{sev}"] = table["station_id"].map(found).fillna(0).astype(int) if found is not None else 0
    table.insert(0, "campaign", campaign)
    return table


def _concat_stations(tables: list[pd.DataFrame], project: Project) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    from walktool.stations import load_stations

    if tables:
        table = pd.concat(tables, ignore_index=True)
    else:
        table = pd.DataFrame(columns=[*STATION_LEADING, "score"])
    # principles of one protocol version, absent from another's campaigns: after the common columns
    layer = load_stations(project).stations.set_index("station_id")
    lat = table["station_id"].map(layer["lat"].astype(float))
    lon = table["station_id"].map(layer["lon"].astype(float))
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _recommendations(project: Project, obs: pd.DataFrame, names: list[str], rules: str | None) -> pd.DataFrame:
    """Every campaign's ranked recommendations, rebuilt from ``obs``, with the follow-up the store recorded."""
    import pandas as pd

    from walktool.provenance import scoring_rules
    from walktool.recommend import FOLLOW_UP_COLUMNS, build_recommendations
    from walktool.store import TABLES

    frames = []
    for name in names:
        protocol, provenance = scoring_rules(project, name, rules)
        recs = build_recommendations(_of_campaign(obs, name), protocol, name, rules=provenance)
        if len(recs):
            frames.append(recs)
    columns = TABLES["recommendations"].column_names
    recs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    stored = project.store.read("recommendations", None, columns=["rec_id", *FOLLOW_UP_COLUMNS])
    if len(stored) and len(recs):
        kept = stored.set_index("rec_id")
        hit = recs["rec_id"].isin(kept.index)
        for col in FOLLOW_UP_COLUMNS:
            recs.loc[hit, col] = recs.loc[hit, "rec_id"].map(kept[col])
        recs["status"] = recs["status"].fillna("proposed")
    return recs.drop(columns=["updated_at"], errors="ignore")
