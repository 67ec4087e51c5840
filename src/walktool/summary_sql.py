"""The summary of a campaign computed from the store's SQL aggregates: the answers stay in the database.

:func:`walktool.analysis.summarize` calls :func:`summarize_in_store` when it is given no
observations.  The store (GeoPackage or PostGIS, :mod:`walktool.store.aggregates`) returns
small cubes, each answer rescored by the project's protocol in SQL:

* scored answers and their sum per station × zone × period × principle × item, and per
  participant × period × principle × item (the profiles);
* findings per station × zone × principle × severity;
* feeling and alone-at-night answers per station × zone × period × answer, and per
  participant × period × answer;
* one row per stop audit (participant, walk, place, time, number of answers), from
  which sample sizes and derived walks are counted.

Every figure is then what the row-by-row functions of :mod:`walktool.analysis` give
(item mean = Σ scores / n summed over cells, so exact at any grouping); a test holds
them equal on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.analysis import Summary
    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.provenance import ScoringRules

_STOPS = ["station_id", "station_name", "campaign", "walk_id", "participant", "zone", "observed_at", "local_time", "period", "answers", "fid"]


@dataclass
class Cubes:
    """What the store returned for one campaign."""

    stops: pd.DataFrame
    places: pd.DataFrame  # station_id, zone, period, principle, item, n, total
    people: pd.DataFrame  # participant, period, principle, item, n, total
    found: pd.DataFrame  # station_id, zone, principle, severity, n
    feel: pd.DataFrame  # station_id, zone, period, item, answer, n, total, scored
    feel_people: pd.DataFrame  # participant, period, item, answer, n, total, scored


def load_cubes(
    project: Project, campaign: str | None, protocol: Protocol, *, rescored: bool = True, columnar: bool | None = None
) -> Cubes:
    """Run the aggregate queries of one campaign (None: all); ``rescored``: score every answer by ``protocol``
    (else each keeps the score, problem flag and severity it was imported with).

    ``columnar`` (default: a GeoPackage store) counts the answers read column-wise
    (:mod:`walktool.answer_cubes`) instead of grouping them in SQL; the figures are the same.
    """
    import pandas as pd

    from walktool.station_scores import scoring_rules
    from walktool.store.answer_columns import answer_columns
    from walktool.store.answer_columns import columnar as reads_columns
    from walktool.walks import walk_keys

    store: Any = project.store
    rules = scoring_rules(store.answer_pairs(campaign), protocol) if rescored else []
    items = [(i.key, bool(i.scored), i.severity) for i in protocol.items]
    if reads_columns(store) if columnar is None else columnar:
        from walktool import answer_cubes

        read = answer_columns(store, campaign)
        out = answer_cubes.cubes(read, answer_cubes.scored_answers(read, rules, items, protocol.problem_below, rescore=rescored))
        stops = out.stops
    else:
        out = None
        place, people = ["station_id", "zone", "period"], ["participant", "period"]
        with store.scoring(rules, items, protocol.problem_below, rescore=rescored):
            places = store.cube(place, campaign, "scores")
            persons = store.cube(people, campaign, "scores")
            found = store.cube(["station_id", "zone"], campaign, "findings")
            feel = store.cube(place, campaign, "feelings")
            feel_people = store.cube(people, campaign, "feelings")
        stops = pd.DataFrame(store.station_stops(campaign), columns=_STOPS)
    if campaign is None and len(stops):
        stops["campaign"] = stops["campaign"].fillna("default")
    stops["walk_key"] = walk_keys(stops) if len(stops) else pd.Series(dtype=object)
    stops["answers"] = stops["answers"].astype("int64")
    if out is not None:
        out.stops = stops
        return out

    def frame(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
        out = pd.DataFrame(rows, columns=columns)
        for col in ("n", "scored"):
            if col in out:
                out[col] = out[col].astype("int64")
        if "total" in out:
            out["total"] = pd.to_numeric(out["total"], errors="coerce").astype(float)
        return out

    return Cubes(
        stops=stops,
        places=frame(places, [*place, "principle", "item", "n", "total"]),
        people=frame(persons, [*people, "principle", "item", "n", "total"]),
        found=frame(found, ["station_id", "zone", "principle", "severity", "n"]),
        feel=frame(feel, [*place, "item", "answer", "n", "total", "scored"]),
        feel_people=frame(feel_people, [*people, "item", "answer", "n", "total", "scored"]),
    )


# -- the row-by-row functions of walktool.analysis, on cubes -------------------------------------
def principle_scores(cube: pd.DataFrame, keys: list[str], principles: list[str]) -> pd.DataFrame:
    """:func:`walktool.analysis.principle_scores` from a scores cube."""
    import pandas as pd

    if cube.empty:
        cols = [*principles, "score"]
        if not keys:
            return pd.DataFrame([[None] * len(cols)], columns=cols, dtype=float)
        return pd.DataFrame(columns=[*keys, *cols]).set_index(keys)
    from walktool.analysis import pivot_principles

    sums = cube.groupby([*keys, "principle", "item"], dropna=False)[["n", "total"]].sum()
    return pivot_principles(sums["total"] / sums["n"], keys, principles)


def sample_sizes(stops: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`walktool.analysis.sample_sizes` from the stops (each with its number of answers)."""
    import pandas as pd

    if not keys:
        return pd.DataFrame({"observations": [int(stops["answers"].sum())], "participants": [stops["participant"].nunique()],
                             "walks": [stops["walk_key"].nunique()]})
    grouped = stops.groupby(keys, dropna=False)
    return pd.DataFrame({"observations": grouped["answers"].sum(), "participants": grouped["participant"].nunique(),
                         "walks": grouped["walk_key"].nunique()})


def feeling_shares(feel: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`walktool.analysis.feeling_shares` from a feelings cube."""
    import pandas as pd

    from walktool.analysis import FEELINGS

    f = feel[(feel["item"] == "feeling") & feel["answer"].isin(FEELINGS)]
    alone = feel[(feel["item"] == "alone_at_night") & feel["answer"].isin(("yes", "no"))]
    if not keys:
        n_feel = int(f["n"].sum())
        row: dict[str, Any] = {a: (float(f.loc[f["answer"] == a, "n"].sum()) / n_feel if n_feel else None) for a in FEELINGS}
        row["feeling_n"] = n_feel
        n_alone = int(alone["n"].sum())
        row["alone_at_night_n"] = n_alone
        row["not_alone_at_night"] = float(alone.loc[alone["answer"] == "no", "n"].sum()) / n_alone if n_alone else None
        return pd.DataFrame([row])
    counts = f.groupby([*keys, "answer"], dropna=False)["n"].sum().unstack("answer")
    counts = counts.reindex(columns=list(FEELINGS)).fillna(0)
    n = counts.sum(axis=1)
    out = counts.div(n.where(n > 0), axis=0).assign(feeling_n=n.astype(int))
    alone_n = alone.groupby(keys, dropna=False)["n"].sum()
    no = alone.assign(no=alone["n"].where(alone["answer"].eq("no"), 0)).groupby(keys, dropna=False)["no"].sum()
    out = out.join(pd.DataFrame({"alone_at_night_n": alone_n, "not_alone_at_night": no / alone_n}), how="outer")
    out["feeling_n"] = out["feeling_n"].fillna(0).astype(int)
    out["alone_at_night_n"] = out["alone_at_night_n"].fillna(0).astype(int)
    out.columns.name = None
    return out


def finding_counts(found: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`walktool.analysis.finding_counts` from a findings cube."""
    import pandas as pd

    from walktool.analysis import SEVERITIES

    if not keys:
        row = {s: int(found.loc[found["severity"] == s, "n"].sum()) for s in SEVERITIES}
        return pd.DataFrame([{**row, "total": int(found["n"].sum())}])
    counts = found.groupby([*keys, "severity"], dropna=False)["n"].sum().unstack("severity")
    counts = counts.reindex(columns=list(SEVERITIES)).fillna(0).astype(int)
    counts["total"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts


def hotspots(found: pd.DataFrame, protocol: Protocol, *, top: int = 3) -> dict[str, list[dict[str, Any]]]:
    """:func:`walktool.analysis.hotspots` from a findings cube."""
    if found.empty:
        return {}
    weights = protocol.severity_weights
    f = found.assign(_w=found["severity"].map(weights).fillna(1.0), zone=found["zone"].fillna("unknown"))
    f = f.assign(_weight=f["_w"] * f["n"])
    grouped = f.groupby(["station_id", "zone"]).agg(findings=("n", "sum"), weight=("_weight", "sum")).reset_index()
    grouped = grouped.sort_values(["station_id", "weight", "findings", "zone"], ascending=[True, False, False, True])
    out: dict[str, list[dict[str, Any]]] = {}
    for sid, rows in grouped.groupby("station_id", sort=True):
        out[str(sid)] = [{"zone": r.zone, "findings": int(r.findings), "weight": float(r.weight)} for r in rows.head(top).itertuples()]
    return out


def scores(c: Cubes, protocol: Protocol, by: str) -> pd.DataFrame:
    """:func:`walktool.analysis.scores` from the cubes."""
    from walktool.analysis import _PLACE_KEYS, score_table

    keys = _PLACE_KEYS[by]
    names = c.stops.drop_duplicates("station_id").set_index("station_id")["station_name"] if "station_id" in keys else None
    return score_table(sample_sizes(c.stops, keys), principle_scores(c.places, keys, protocol.principle_keys), keys, names, protocol)


def profile_breakdown(c: Cubes, participants: pd.DataFrame, protocol: Protocol) -> list[dict[str, Any]]:
    """:func:`walktool.analysis.profile_breakdown` (by period) from the cubes."""
    from walktool.analysis import FEELINGS, PROFILE_COLUMNS, _num

    if participants.empty or c.stops.empty:
        return []
    out: list[dict[str, Any]] = []
    profiles = participants.drop_duplicates("participant").set_index("participant")
    for attr in PROFILE_COLUMNS:
        if attr not in profiles or profiles[attr].dropna().empty:
            continue
        stops = c.stops.assign(_group=c.stops["participant"].map(profiles[attr])).dropna(subset=["_group"])
        people = c.people.assign(_group=c.people["participant"].map(profiles[attr]))
        feel = c.feel_people.assign(_group=c.feel_people["participant"].map(profiles[attr]))
        periods = [None, *sorted(stops["period"].dropna().unique())]
        for value in sorted(stops["_group"].unique(), key=str):
            for period in periods:
                sub = stops[stops["_group"] == value]
                cube, fc = people[people["_group"] == value], feel[feel["_group"] == value]
                if period is not None:
                    sub = sub[sub["period"] == period]
                    cube, fc = cube[cube["period"] == period], fc[fc["period"] == period]
                n = int(sub["participant"].nunique())
                if n == 0:
                    continue
                entry: dict[str, Any] = {"attribute": attr, "value": str(value), "period": period}
                if n < protocol.min_group_size:
                    entry["suppressed"] = True
                    out.append(entry)
                    continue
                shares = feeling_shares(fc, []).iloc[0].to_dict()
                net = principle_scores(cube, [], protocol.principle_keys)
                entry.update(
                    suppressed=False, participants=n, observations=int(sub["answers"].sum()), score=_num(net["score"].iloc[0]),
                    feeling={f: _num(shares[f]) for f in FEELINGS}, not_alone_at_night=_num(shares["not_alone_at_night"]),
                )
                out.append(entry)
    return out


def principle_table(c: Cubes, protocol: Protocol) -> pd.DataFrame:
    """The ``--by principle`` table of :func:`walktool.analysis.summarize` from the cubes."""
    import pandas as pd

    from walktool.analysis import SEVERITIES, _num

    net = principle_scores(c.places, [], protocol.principle_keys)
    rows = []
    for key in protocol.principle_keys:
        sub, people = c.places[c.places["principle"] == key], c.people[c.people["principle"] == key]
        f = c.found[c.found["principle"] == key]
        rows.append({
            "principle": key, "label": protocol.principle(key).label.get("en"),
            "score": _num(net[key].iloc[0]) if key in net else None, "answers": int(sub["n"].sum()),
            "stations": int(sub["station_id"].nunique()), "participants": int(people["participant"].nunique()),
            **{s: int(f.loc[f["severity"] == s, "n"].sum()) for s in SEVERITIES}, "findings": int(f["n"].sum()),
        })
    return pd.DataFrame(rows)


def summarize_in_store(
    project: Project, campaign: str | None, by: str, protocol: Protocol, provenance: ScoringRules
) -> Summary | None:
    """:func:`walktool.analysis.summarize` of a resolved campaign from the cubes; None when it has no stop at a station.

    ``provenance`` (:func:`walktool.provenance.scoring_rules`) says whether the answers are
    re-scored by ``protocol`` or keep the scores they were imported with.
    """
    from walktool.analysis import (
        _PLACE_KEYS,
        Summary,
        _no_pd_na,
        drivers_of,
        network_record,
        station_findings,
    )

    c = load_cubes(project, campaign, protocol, rescored=provenance.rescored)
    if c.stops.empty:
        return None
    principles = protocol.principle_keys
    groups = None
    if by in ("zone", "period"):
        groups = scores(c, protocol, by)
        feel = feeling_shares(c.feel, _PLACE_KEYS[by])
        groups = groups.merge(feel.reset_index(), on=_PLACE_KEYS[by], how="left") if len(feel) else groups
        groups = _no_pd_na(groups)
    elif by == "principle":
        groups = principle_table(c, protocol)
    by_station, by_principle = station_findings(finding_counts(c.found, ["station_id"]), finding_counts(c.found, ["station_id", "principle"]))
    participants = project.store.read("participants")
    if len(participants):
        participants = participants[participants["participant"].isin(c.stops["participant"].dropna().unique())]
    network_scores = scores(c, protocol, "network").iloc[0].to_dict()
    network_feel = feeling_shares(c.feel, []).iloc[0].to_dict()
    counts = finding_counts(c.found, []).iloc[0].to_dict()
    days = c.stops["local_time"].dropna().astype(str).str.slice(0, 10)
    period = {"first": days.min() if len(days) else None, "last": days.max() if len(days) else None}
    network = network_record(int(c.stops["station_id"].nunique()), network_scores, network_feel, counts, principles, period)
    zone_keys = ["station_id", "zone"]
    feel = c.feel[c.feel["item"] == "feeling"]
    sums = feel.groupby(zone_keys, dropna=False)[["total", "scored"]].sum()
    sums = sums[sums["scored"] > 0]
    feeling = (sums["total"] / sums["scored"]).rename("feeling")
    drivers = drivers_of(principle_scores(c.places, zone_keys, principles).join(feeling, how="inner"), protocol)
    return Summary(
        campaign=campaign,
        protocol=provenance.protocol,
        by=by,
        principles=principles,
        stations=scores(c, protocol, "station"),
        groups=groups,
        station_findings=by_station,
        principle_findings=by_principle,
        feeling=feeling_shares(c.feel, ["station_id"]),
        drivers=drivers,
        profiles=profile_breakdown(c, participants, protocol),
        hotspots=hotspots(c.found, protocol),
        network=network,
        rules=provenance,
    )

