"""Perceived and recorded: how participants felt at each station beside the incidents recorded there.

For every station walked in the campaign with at least one ``feeling`` answer:

* **perceived** — the share of feeling answers ``uncomfortable`` or ``frightening``;
* **recorded** — placed incidents within the project's radius (:func:`station_counts`);
* both are turned into percentile ranks over the stations compared (ties share the
  average rank), and the **gap** is ``perceived_rank − recorded_rank`` (−1 to 1): a
  positive gap is a station where people feel unsafe but comparatively little is
  recorded, a negative one the reverse (``felt_not_recorded`` lists only stations with
  some unsafe answers, ``recorded_not_felt`` only stations with some incidents).

Spearman's rank correlation over the stations says whether the two orders agree at
all.  What the comparison can and cannot mean is in docs/incidents.md: police
records count what is reported (reporting rates differ by offence; harassment is
rarely reported, and none of the six Montréal categories is harassment), so a gap
is a question to ask, not a verdict on either source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project

TOP = 5


class CompareIncidentsError(WalktoolError):
    """The comparison cannot be made (no incidents, no feeling answers)."""


@dataclass
class IncidentComparison:
    """Stations ranked by the gap between perceived insecurity and recorded incidents."""

    campaign: str | None
    period: str | None
    radius_m: float
    stations: pd.DataFrame
    rho: float | None
    p_value: float | None
    sources: list[dict[str, Any]] = field(default_factory=list)
    date_range: tuple[str | None, str | None] = (None, None)

    def records(self) -> list[dict[str, Any]]:
        """One dict per station, largest gap (felt unsafe, little recorded) first."""
        out = []
        for r in self.stations.to_dict("records"):
            out.append({
                "station_id": r["station_id"], "name": r["name"], "feeling_answers": int(r["feeling_answers"]),
                "perceived_unsafe": round(float(r["perceived_unsafe"]), 4), "recorded": int(r["recorded"]),
                "recorded_day": int(r["day"]), "recorded_night": int(r["night"]),
                "perceived_rank": round(float(r["perceived_rank"]), 4), "recorded_rank": round(float(r["recorded_rank"]), 4),
                "gap": round(float(r["gap"]), 4),
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``stations`` (gap order), ``rank_correlation``, ``felt_not_recorded``, ``recorded_not_felt``."""
        recs = self.records()
        return {
            "campaign": self.campaign,
            "period": self.period,
            "radius_m": self.radius_m,
            "incidents_from": self.date_range[0],
            "incidents_to": self.date_range[1],
            "sources": [{k: s.get(k) for k in ("source_id", "name", "publisher", "licence", "url")} for s in self.sources],
            "rank_correlation": {"method": "spearman", "rho": self.rho, "p_value": self.p_value, "stations": len(recs)},
            "stations": recs,
            # a gap made only of ties is no story: felt means some unsafe answers, recorded some incidents
            "felt_not_recorded": [r["name"] for r in recs if r["gap"] > 0 and r["perceived_unsafe"] > 0][:TOP],
            "recorded_not_felt": [r["name"] for r in sorted(recs, key=lambda r: r["gap"]) if r["gap"] < 0 and r["recorded"] > 0][:TOP],
        }


def perceived_by_station(observations: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """``station_id``, ``name``, ``feeling_answers`` and ``perceived_unsafe`` (share uncomfortable or frightening)."""
    import pandas as pd

    from walktool.stations.observed import at_stations

    where = observations["item"].eq("feeling") & observations["answer"].notna()
    if period:
        where &= observations["period"].eq(period)
    feel, names = at_stations(observations, where)
    if feel.empty:
        return pd.DataFrame(columns=["station_id", "name", "feeling_answers", "perceived_unsafe"])
    unsafe = feel["answer"].isin(["uncomfortable", "frightening"])
    grouped = feel.assign(_unsafe=unsafe).groupby("station_id", sort=True)
    return pd.DataFrame({
        "name": names,
        "feeling_answers": grouped.size(),
        "perceived_unsafe": grouped["_unsafe"].mean(),
    }).reset_index()


def compare_incidents(
    project: Project,
    campaign: str | None = None,
    *,
    period: str | None = None,
    since: str | None = None,
    until: str | None = None,
    observations: pd.DataFrame | None = None,
) -> IncidentComparison:
    """Rank the campaign's stations by perceived insecurity against recorded incidents.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name (None: the only or latest one).
    period
        ``day`` or ``night``: compare feelings and incidents of that period only.
    since, until
        Count incidents of these dates only (``YYYY-MM-DD``, inclusive).
    observations
        The campaign's observations when already loaded.

    Raises
    ------
    CompareIncidentsError
        No incidents stored, or no feeling answers in the campaign.
    """
    from scipy.stats import spearmanr

    from walktool.analysis import load_observations, resolve_campaign
    from walktool.incidents.store import load_incidents, sources, station_counts

    if period not in (None, "day", "night"):
        msg = Phrase(N_("period {period!r}: use day or night"), period=period)
        raise CompareIncidentsError(msg)
    incidents = load_incidents(project, since=since, until=until)
    if incidents.empty:
        msg = Phrase(N_("{root}: no recorded incidents yet; import a file with `walktool incidents import FILE` first"), root=project.root)
        raise CompareIncidentsError(msg)
    name = resolve_campaign(project, campaign)
    obs = observations if observations is not None else load_observations(project, name)
    perceived = perceived_by_station(obs, period)
    if perceived.empty:
        msg = Phrase(N_("campaign {name!r} has no 'feeling' answers{value}: nothing to compare the incidents with"), name=name, value=' at ' + period if period else '')
        raise CompareIncidentsError(msg)
    if period:
        incidents = incidents[incidents["period"].eq(period)]
    counts = station_counts(project, incidents=incidents)
    table = perceived.merge(counts.drop(columns=["name"]), on="station_id", how="left").fillna(
        {"incidents": 0, "day": 0, "night": 0})
    table = table.rename(columns={"incidents": "recorded"})
    table["perceived_rank"] = table["perceived_unsafe"].rank(pct=True, method="average")
    table["recorded_rank"] = table["recorded"].rank(pct=True, method="average")
    table["gap"] = table["perceived_rank"] - table["recorded_rank"]
    table = table.sort_values(["gap", "perceived_unsafe", "name"], ascending=[False, False, True], kind="stable").reset_index(drop=True)
    rho = p = None
    if len(table) >= 3 and table["perceived_unsafe"].nunique() > 1 and table["recorded"].nunique() > 1:
        res = spearmanr(table["perceived_unsafe"], table["recorded"])
        rho, p = round(float(res.statistic), 4), round(float(res.pvalue), 4)
    dates = incidents["date"].astype(str)
    return IncidentComparison(
        campaign=name, period=period, radius_m=float(project.settings.station_radius_m), stations=table,
        rho=rho, p_value=p, sources=sources(project),
        date_range=(dates.min() if len(dates) else None, dates.max() if len(dates) else None),
    )


def recorded_by_station(project: Project) -> dict[str, dict[str, int]]:
    """Station id → ``{"incidents", "day", "night"}``; empty when no incident is stored (for ``summary``)."""
    from walktool.incidents.store import station_counts

    if project.store.count("incidents") == 0:
        return {}
    counts = station_counts(project)
    return {str(r["station_id"]): {"incidents": int(r["incidents"]), "day": int(r["day"]), "night": int(r["night"])}
            for r in counts.to_dict("records")}


def with_recorded(records: list[dict[str, Any]], recorded: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Add ``recorded_incidents`` (``{"incidents", "day", "night"}``) to summary station records.

    Nothing is added when no incident is stored (``recorded`` empty), so the summary
    of a project without incidents stays as it was.
    """
    if not recorded:
        return records
    zero = {"incidents": 0, "day": 0, "night": 0}
    for rec in records:
        rec["recorded_incidents"] = recorded.get(str(rec["station_id"]), zero)
    return records
