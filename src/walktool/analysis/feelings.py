"""Feelings (shares, their drivers across stops) and profile breakdowns with small groups suppressed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.protocol import Protocol

from walktool.analysis.base import FEELINGS, PROFILE_COLUMNS
from walktool.analysis.scores import _num, principle_scores


def feeling_shares(observations: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Shares of comfortable / uncomfortable / frightening, and of "would not come alone at night".

    Returns one row per group of ``keys`` with ``feeling_n`` (answers), a share
    column per feeling (0–1), ``alone_at_night_n`` and ``not_alone_at_night`` (share
    answering no).
    """
    import pandas as pd

    feel = observations[(observations["item"] == "feeling") & observations["answer"].isin(FEELINGS)]
    alone = observations[(observations["item"] == "alone_at_night") & observations["answer"].isin(("yes", "no"))]
    if keys:
        counts = feel.groupby([*keys, "answer"], dropna=False).size().unstack("answer")
        counts = counts.reindex(columns=list(FEELINGS)).fillna(0)
        n = counts.sum(axis=1)
        shares = counts.div(n.where(n > 0), axis=0)
        out = shares.assign(feeling_n=n.astype(int))
        alone_n = alone.groupby(keys, dropna=False).size()
        not_alone = alone.assign(no=alone["answer"].eq("no")).groupby(keys, dropna=False)["no"].mean()
        out = out.join(pd.DataFrame({"alone_at_night_n": alone_n, "not_alone_at_night": not_alone}), how="outer")
        out["feeling_n"] = out["feeling_n"].fillna(0).astype(int)
        out["alone_at_night_n"] = out["alone_at_night_n"].fillna(0).astype(int)
        out.columns.name = None
        return out
    n_feel = len(feel)
    row: dict[str, Any] = {f: (float((feel["answer"] == f).sum()) / n_feel if n_feel else None) for f in FEELINGS}
    row["feeling_n"] = n_feel
    row["alone_at_night_n"] = len(alone)
    row["not_alone_at_night"] = float(alone["answer"].eq("no").mean()) if len(alone) else None
    return pd.DataFrame([row])


def feeling_drivers(observations: pd.DataFrame, protocol: Protocol, *, min_stops: int = 4) -> list[dict[str, Any]]:
    """Which principle scores move most with feeling, across stops (station × zone).

    For each principle, Spearman's rank correlation between its score at each stop
    and the stop's mean feeling score (comfortable 1, uncomfortable 0.5,
    frightening 0).  Sorted by strength (largest ρ first); ``rho`` is None when
    fewer than ``min_stops`` stops have both.
    """
    keys = ["station_id", "zone"]
    feel = observations[(observations["item"] == "feeling") & observations["score"].notna()]
    feeling = feel.groupby(keys, dropna=False)["score"].mean().rename("feeling")
    return drivers_of(principle_scores(observations, protocol, keys).join(feeling, how="inner"), protocol, min_stops=min_stops)


def drivers_of(table: pd.DataFrame, protocol: Protocol, *, min_stops: int = 4) -> list[dict[str, Any]]:
    """:func:`feeling_drivers` from a table of principle scores and mean ``feeling`` per stop."""
    out = []
    for key in protocol.principle_keys:
        pair = table[[key, "feeling"]].dropna().astype(float) if key in table else table.iloc[0:0]
        rho = None
        if len(pair) >= min_stops and pair[key].nunique() > 1 and pair["feeling"].nunique() > 1:
            ranked = pair.rank()  # Spearman's rho = Pearson's r on ranks (ties averaged)
            rho = round(float(ranked[key].corr(ranked["feeling"])), 3)
        out.append({"principle": key, "rho": rho, "stops": len(pair)})
    return sorted(out, key=lambda d: (d["rho"] is None, -(d["rho"] or 0.0), d["principle"]))


# -- profiles ----------------------------------------------------------------------
def profile_breakdown(
    observations: pd.DataFrame, participants: pd.DataFrame, protocol: Protocol, *, by_period: bool = True
) -> list[dict[str, Any]]:
    """Feeling and scores by participant profile (gender, age group, …), small groups suppressed.

    Every group (profile attribute = value, optionally × period) with fewer than
    ``protocol.min_group_size`` participants is returned as ``{"suppressed": true}``
    with its attribute and value only: neither its size nor any figure is shown.
    """
    if participants.empty or observations.empty:
        return []
    min_n = protocol.min_group_size
    out: list[dict[str, Any]] = []
    profiles = participants.drop_duplicates("participant").set_index("participant")
    for attr in PROFILE_COLUMNS:
        if attr not in profiles or profiles[attr].dropna().empty:
            continue
        values = observations["participant"].map(profiles[attr])
        obs = observations.assign(_group=values).dropna(subset=["_group"])
        periods = [None, *sorted(obs["period"].dropna().unique())] if by_period else [None]
        for value in sorted(obs["_group"].unique(), key=str):
            for period in periods:
                sub = obs[obs["_group"] == value]
                if period is not None:
                    sub = sub[sub["period"] == period]
                n = int(sub["participant"].nunique())
                if n == 0:
                    continue
                entry: dict[str, Any] = {"attribute": attr, "value": str(value), "period": period}
                if n < min_n:
                    entry["suppressed"] = True
                    out.append(entry)
                    continue
                shares = feeling_shares(sub, []).iloc[0].to_dict()
                net = principle_scores(sub, protocol, [])
                entry.update(
                    suppressed=False,
                    participants=n,
                    observations=len(sub),
                    score=_num(net["score"].iloc[0]),
                    feeling={f: _num(shares[f]) for f in FEELINGS},
                    not_alone_at_night=_num(shares["not_alone_at_night"]),
                )
                out.append(entry)
    return out
