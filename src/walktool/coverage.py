"""Coverage: which station × zone × day/night combinations the walks covered, and which they never did.

For a campaign, every station walked and every zone of the protocol's list that the
walks covered at that station (in either period) is crossed with ``day`` and
``night``; each combination gets its walks, participants and observations, and a
combination with no walk is a **gap**.  ``all_zones=True`` crosses every walked
station with every zone of the protocol instead (a station without a bus loop then
shows one as a gap: say so when reading it).  A night gap is the usual one: evening
walks are harder to organise, and stations feel different after dark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project

PERIODS = ("day", "night")


@dataclass
class Coverage:
    """The coverage table of one campaign."""

    campaign: str | None
    table: pd.DataFrame  # station_id, name, zone, period, walks, participants, observations, walked

    @property
    def gaps(self) -> pd.DataFrame:
        """The combinations never walked."""
        return self.table[~self.table["walked"]]

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``cells`` (every combination), ``gaps``, and counts (``night_gaps`` …)."""
        cells = [
            {"station_id": r["station_id"], "name": r["name"], "zone": r["zone"], "period": r["period"],
             "walks": int(r["walks"]), "participants": int(r["participants"]), "observations": int(r["observations"]),
             "walked": bool(r["walked"])}
            for r in self.table.to_dict("records")
        ]
        gaps = [c for c in cells if not c["walked"]]
        return {
            "campaign": self.campaign,
            "combinations": len(cells),
            "walked": len(cells) - len(gaps),
            "gaps": gaps,
            "night_gaps": sum(1 for g in gaps if g["period"] == "night"),
            "day_gaps": sum(1 for g in gaps if g["period"] == "day"),
            "stations_never_walked_at_night": sorted({c["name"] for c in cells if c["period"] == "night"}
                                                     - {c["name"] for c in cells if c["period"] == "night" and c["walked"]}),
            "cells": cells,
        }


def coverage(project: Project, campaign: str | None = None, *, all_zones: bool = False,
             observations: pd.DataFrame | None = None) -> Coverage:
    """Walks, participants and observations per station × zone × period of a campaign.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name (None: the only or latest one).
    all_zones
        Cross every walked station with every zone of the protocol (default: the zones
        walked at that station).
    observations
        The campaign's observations when already loaded.

    Raises
    ------
    walktool.analysis.AnalysisError
        Unknown campaign.
    """
    import pandas as pd

    from walktool.analysis import load_observations, resolve_campaign
    from walktool.stations.observed import at_stations

    name = resolve_campaign(project, campaign)
    obs = observations if observations is not None else load_observations(project, name)
    protocol = project.protocol()
    zone_order = [c.value for c in protocol.zones.choices]
    columns = ["station_id", "name", "zone", "period", "walks", "participants", "observations", "walked"]
    placed, names = at_stations(obs)
    if placed.empty:
        return Coverage(name, pd.DataFrame(columns=columns))
    placed = placed.assign(zone=placed["zone"].fillna("unknown"))
    if all_zones:
        pairs = pd.MultiIndex.from_product([sorted(names.index), zone_order], names=["station_id", "zone"]).to_frame(index=False)
    else:
        pairs = placed[["station_id", "zone"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"period": list(PERIODS)}), how="cross")
    stats = placed.groupby(["station_id", "zone", "period"]).agg(
        walks=("walk_key", "nunique"), participants=("participant", "nunique"), observations=("obs_id", "size")).reset_index()
    table = grid.merge(stats, on=["station_id", "zone", "period"], how="left").fillna({"walks": 0, "participants": 0, "observations": 0})
    for col in ("walks", "participants", "observations"):
        table[col] = table[col].astype(int)
    table["walked"] = table["walks"] > 0
    table["name"] = table["station_id"].map(names)
    rank = {z: i for i, z in enumerate(zone_order)}
    table = table.assign(_z=table["zone"].map(rank).fillna(len(rank)), _p=table["period"].map({"day": 0, "night": 1}))
    table = table.sort_values(["name", "station_id", "_z", "zone", "_p"], kind="stable")[columns].reset_index(drop=True)
    return Coverage(name, table)
