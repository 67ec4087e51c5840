"""Station × principle scores computed by the store's SQL engine (GeoPackage and PostGIS alike).

The same rule as :func:`walktool.analysis.scores` (docs/scoring.md): item score = mean
of its answers, principle score = mean of its item scores × 100, station score = mean
of its principle scores, with the sample sizes and the low-confidence flag.  What is
read into Python is one row per station × principle × item and one per stop audit
(for the walks, derived as :mod:`walktool.walks` says), never the answers: this is
how ``summary``, ``recommend`` and the station figures of ``report`` and ``map`` stay
quick on an archive of millions of answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walktool.walks import walk_keys

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

_STOP_COLUMNS = ["station_id", "station_name", "campaign", "walk_id", "participant", "zone", "observed_at", "local_time", "period", "answers", "fid"]


def scoring_rules(pairs: list[tuple[str, str]], protocol: Protocol) -> list[tuple[str, str, float | None, bool]]:
    """The score and not-applicable flag of every (item, answer), by the protocol (as :func:`~walktool.analysis.rescore`)."""
    rules = []
    for item, answer in pairs:
        parsed = protocol.parse_answer(item, answer) if protocol.has_item(item) else None
        rules.append((item, answer, None if not parsed else parsed.score, bool(parsed.na) if parsed else False))
    return rules


def station_scores(
    project: Project, campaign: str | None, protocol: Protocol | None = None, *, rescored: bool = False
) -> pd.DataFrame:
    """The station table of a campaign (all when None), as :func:`walktool.analysis.scores` gives it, from SQL.

    Parameters
    ----------
    project
        The open project.
    campaign
        The campaign, or None for every campaign.
    protocol
        The checklist whose scored items count (default: the project's).
    rescored
        Score every answer again by ``protocol``; by default each keeps the score it
        was imported with (as :func:`walktool.analysis.load_observations`).

    Returns
    -------
    pandas.DataFrame
        ``station_id``, ``name``, ``observations``, ``participants``, ``walks``, one
        column per principle, ``score``, ``low_confidence``; worst first.
    """
    import pandas as pd

    from walktool.analysis import _no_pd_na, pivot_principles

    protocol = protocol or project.protocol()
    store: Any = project.store
    principles = protocol.principle_keys
    rules = scoring_rules(store.answer_pairs(campaign), protocol) if rescored else []
    scored = [i.key for i in protocol.items if i.scored]
    sums = pd.DataFrame(store.item_sums(rules, scored, campaign, ["station_id"], rescore=rescored),
                        columns=["station_id", "principle", "item", "n", "total"])
    stops = pd.DataFrame(store.station_stops(campaign), columns=_STOP_COLUMNS)
    if campaign is None and len(stops):
        stops["campaign"] = stops["campaign"].fillna("default")
    stops["walk_key"] = walk_keys(stops) if len(stops) else pd.Series(dtype=object)
    grouped = stops.groupby("station_id", sort=True)
    table = pd.DataFrame({
        "observations": grouped["answers"].sum(),
        "participants": grouped["participant"].nunique(),
        "walks": grouped["walk_key"].nunique(),
    })
    if len(sums):
        sums["mean"] = sums["total"].astype(float) / sums["n"].astype(float)
        wide = pivot_principles(sums.set_index(["station_id", "principle", "item"])["mean"], ["station_id"], principles)
    else:
        wide = pd.DataFrame(columns=principles, dtype=float)
        wide["score"] = wide[principles].mean(axis=1, skipna=True)
    table = table.join(wide, how="left").reset_index()
    names = stops.drop_duplicates("station_id").set_index("station_id")["station_name"]
    table.insert(1, "name", table["station_id"].map(names))
    table["low_confidence"] = table["participants"] < protocol.low_confidence_participants
    for col in ("observations", "participants", "walks"):
        table[col] = table[col].astype(int)
    table = table.assign(_unscored=table["score"].isna()).sort_values(
        ["_unscored", "score", "name"], na_position="last", kind="stable"
    )
    return table.drop(columns="_unscored").reset_index(drop=True).pipe(_no_pd_na)
