"""Recommendations: one per station + zone + item, ranked by a documented priority.

Every finding (a negative answer or an explicit finding) points to a
recommendation written in the protocol: the item's own, else its principle's.
Findings are grouped by campaign, station, zone and item (or principle, for
findings that name only a principle), so a problem seen by eight participants on
three walks is *one* recommendation carrying its evidence, never eight.

Each recommendation says how many people saw the problem out of how many looked:
``flagged`` (distinct participants who reported it), ``answered`` (distinct
participants who answered the item, or an item of the principle, at that station
zone, the flaggers included) and ``share`` = flagged / answered.

Priority (docs/scoring.md)::

    priority = W(severity) × S × (1 + log2 P) × (1 + 0.25 × (K − 1)) × N

* ``W`` — the weight of the group's highest severity (protocol ``severity_weights``:
  low 1, medium 2, high 4, critical 8);
* ``S`` — the share of those who answered who flagged it (0–1);
* ``P`` — distinct participants who flagged it (at least 1: rows with no observer
  count as one);
* ``K`` — distinct walks (visits) on which it was flagged;
* ``N`` — 1.5 when it was seen at night (exposure when stations are emptiest), else 1.

Anything ``critical`` is on the **fast track**: timeframe ``immediate`` and ranked
above every other recommendation, whatever its count — unless its comment says
nothing is wrong ("rien à signaler", "RAS"…: ``severity-without-problem``).  The
rest is ordered exactly by the priority shown (rounded to 2 decimals); ties break on
share, participants, then station, zone and item names, so the order is deterministic.

A problem reported by one participant on one walk is ``to_verify`` (to check on
site) and still listed.  One flagged by fewer than ``minority_below`` (a third by
default, protocol ``scoring``) of those who answered, and neither high nor critical,
is a **minority report**: ``minority`` true, no rank, listed after the ranked ones.

Recommendations are stored (table ``recommendations``); rebuilding keeps the
status, owner, due date and note that the follow-up loop recorded.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.analysis import (
    SEVERITIES,
    AnalysisError,
    findings,
    load_observations,
    resolve_campaign,
)
from walktool.i18n import N_, Phrase
from walktool.ordering import stable_order, text_order
from walktool.textnorm import fold, says_nothing_wrong

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol, Recommendation
    from walktool.provenance import ScoringRules

STATUSES = ("proposed", "accepted", "rejected", "in_progress", "done", "verified")
TIMEFRAMES = ("immediate", "short", "medium", "long")
NIGHT_FACTOR = 1.5
WALK_FACTOR = 0.25
FOLLOW_UP_COLUMNS = ("status", "owner", "due_date", "note")
_FALLBACK = {
    "fr": "Examiner ce constat sur place avec l'équipe de la station et décider d'une action.",
    "en": "Review this finding on site with the station team and decide on an action.",
}


def priority(
    severity: str, participants: int, walks: int, night: bool, weights: dict[str, float], share: float = 1.0
) -> float:
    """The priority score of one recommendation (see the module docstring), rounded as shown.

    >>> priority("medium", 6, 1, False, {"medium": 2, "high": 4}, share=1.0)
    7.17
    >>> priority("high", 1, 1, False, {"medium": 2, "high": 4}, share=1 / 6)
    0.67
    """
    w = weights.get(severity, 1.0)
    p = max(int(participants), 1)
    k = max(int(walks), 1)
    s = min(max(float(share), 0.0), 1.0)
    return round(w * s * (1 + math.log2(p)) * (1 + WALK_FACTOR * (k - 1)) * (NIGHT_FACTOR if night else 1.0), 2)


def answered_counts(observations: pd.DataFrame) -> pd.Series:
    """Distinct participants who answered each item (and each principle) per station zone.

    Indexed by ``station_id``, ``_zone`` (``""`` when none) and ``_target`` (the item
    key, or ``principle:KEY`` counting every item of the principle); N/A answers do
    not count, findings written against an item do (they are answers scoring 0).
    """
    import pandas as pd

    seen = observations.dropna(subset=["station_id"])
    if "is_na" in seen:
        seen = seen[~seen["is_na"].fillna(False).astype(bool)]
    base = pd.DataFrame(
        {
            "station_id": seen["station_id"],
            "_zone": seen["zone"].fillna(""),
            "_who": seen["participant"].fillna("anonymous"),
        }
    )
    items = base[seen["item"].notna()].assign(_target=seen["item"].dropna())
    principles = base[seen["principle"].notna()].assign(_target="principle:" + seen["principle"].dropna())
    both = pd.concat([items, principles], ignore_index=True)
    return both.groupby(["station_id", "_zone", "_target"], sort=False)["_who"].nunique()


def rec_id(campaign: str | None, station_id: str, zone: str | None, target: str) -> str:
    """A stable id for the recommendation of ``target`` (item key or ``principle:KEY``) at a station zone."""
    text = "\x1f".join([campaign or "default", station_id, zone or "", target])
    return "R-" + hashlib.sha1(text.encode()).hexdigest()[:8].upper()


def build_recommendations(
    observations: pd.DataFrame, protocol: Protocol, campaign: str | None = None, *, rules: ScoringRules | None = None,
    answered: pd.Series | None = None,
) -> pd.DataFrame:
    """Group findings into ranked recommendations (pure: reads and writes nothing).

    Parameters
    ----------
    observations
        Tidy observations of one campaign (:func:`walktool.analysis.load_observations`).
    protocol
        The checklist holding each item's recommendation.
    campaign
        Campaign name stored with each recommendation.
    rules
        The protocol version and rules hash the findings come from (stored with each
        recommendation; the protocol's own when None).
    answered
        :func:`answered_counts` of the campaign's answers when ``observations`` holds
        only its findings (:func:`walktool.answer_cubes.findings_and_answered`).

    Returns
    -------
    pandas.DataFrame
        Columns of the ``recommendations`` table, ranked (``rank`` 1 = most urgent).
    """
    import numpy as np
    import pandas as pd

    from walktool.store import TABLES

    columns = TABLES["recommendations"].column_names
    found = findings(observations).dropna(subset=["station_id"])
    if found.empty:
        return pd.DataFrame(columns=columns)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    found = found.assign(
        _target=found["item"].where(found["item"].notna(), "principle:" + found["principle"].fillna("unknown")),
        _zone=found["zone"].fillna(""),
        _sev=found["severity"].map(order).fillna(order["medium"]).astype(int),
        _night=found["period"].eq("night"),
        _who=found["participant"].fillna("anonymous"),
        _contradicted=_nothing_wrong(found["comment"]) if "comment" in found else False,
    )
    found = found.assign(_fast=found["severity"].eq("critical") & ~found["_contradicted"])
    keys = ["station_id", "_zone", "_target"]
    grouped = found.iloc[text_order(found["obs_id"])].groupby(keys, sort=True)
    agg = grouped.agg(
        station_name=("station_name", "first"),
        principle=("principle", "first"),
        item=("item", "first"),
        sev=("_sev", "max"),
        n_observations=("obs_id", "size"),
        n_participants=("_who", "nunique"),
        n_walks=("walk_key", "nunique"),
        night=("_night", "sum"),
        fast=("_fast", "any"),
    ).reset_index()
    # the evidence, photos and comments of each recommendation: lists built by one groupby each
    index = pd.MultiIndex.from_frame(agg[keys])
    agg["evidence"] = [json.dumps(sorted(v)) for v in _lists(found, keys, "obs_id", index, unique=False)]
    agg["photos"] = [json.dumps(v) for v in _lists(found, keys, "photo", index)]
    agg["comments"] = [json.dumps(v[:10], ensure_ascii=False) for v in _lists(found, keys, "comment", index, strip=True)]
    weights = protocol.severity_weights
    agg["severity"] = [SEVERITIES[i] for i in agg["sev"]]
    answered = (answered_counts(observations) if answered is None else answered).reindex(index).fillna(0).astype(int).to_numpy()
    agg["n_answered"] = np.maximum(answered, agg["n_participants"].to_numpy())
    agg["share"] = (agg["n_participants"] / agg["n_answered"]).round(4)
    agg["priority"] = [
        priority(s, p, k, n > 0, weights, share)
        for s, p, k, n, share in zip(agg["severity"], agg["n_participants"], agg["n_walks"], agg["night"], agg["share"], strict=True)
    ]
    agg["fast_track"] = agg["fast"].astype(bool)
    agg["to_verify"] = agg["n_participants"].eq(1) & agg["n_walks"].le(1)
    agg["minority"] = agg["share"].lt(protocol.minority_below) & ~agg["severity"].isin(("high", "critical"))
    agg["protocol"] = rules.protocol if rules is not None else protocol.ref
    agg["rules_hash"] = rules.rules_hash if rules is not None else protocol.rules_hash
    recs = [_recommendation_for(protocol, item, principle) for item, principle in zip(agg["item"], agg["principle"], strict=True)]
    agg["action_fr"] = [r.action.get("fr") if r else _FALLBACK["fr"] for r in recs]
    agg["action_en"] = [r.action.get("en") if r else _FALLBACK["en"] for r in recs]
    agg["responsible_fr"] = [r.responsible.get("fr") if r else None for r in recs]
    agg["responsible_en"] = [r.responsible.get("en") if r else None for r in recs]
    agg["timeframe"] = [r.timeframe if r else "short" for r in recs]
    agg.loc[agg["fast_track"], "timeframe"] = "immediate"
    agg["type"] = [r.type if r else "operations" for r in recs]
    agg["campaign"] = campaign
    agg["zone"] = agg["_zone"].replace("", None)
    agg["rec_id"] = [rec_id(campaign, s, z, t) for s, z, t in zip(agg["station_id"], agg["_zone"], agg["_target"], strict=True)]
    agg["status"] = "proposed"
    for col in ("owner", "due_date", "note", "updated_at"):
        agg[col] = None
    agg["night"] = agg["night"].astype(int)
    # ranked first, minority reports after; the critical fast track, then exactly the priority shown
    agg = agg.sort_values(
        ["minority", "fast_track", "priority", "share", "n_participants", "station_name", "zone", "_target"],
        ascending=[True, False, False, False, False, True, True, True],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)
    ranked = int((~agg["minority"]).sum())
    agg["rank"] = pd.array([*range(1, ranked + 1), *([None] * (len(agg) - ranked))], dtype="Int64")
    for col in ("fast_track", "to_verify", "minority"):
        agg[col] = agg[col].astype(int)
    return agg[columns]


def _nothing_wrong(comments: pd.Series) -> Any:
    """:func:`walktool.textnorm.says_nothing_wrong` of every comment, asked once per distinct comment."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(comments)
    flags = np.array([says_nothing_wrong(u) for u in uniques] + [says_nothing_wrong(None)], dtype=bool)
    return pd.Series(flags[codes], index=comments.index)


def _lists(frame: pd.DataFrame, keys: list[str], column: str, index: pd.MultiIndex, *, unique: bool = True, strip: bool = False) -> list[list[str]]:
    """Per group of ``keys`` (in ``index`` order): the sorted non-empty text values of ``column``."""
    import numpy as np

    values = frame.loc[frame[column].notna(), keys].assign(_v=frame[column].dropna().astype(str))
    if strip:
        values["_v"] = values["_v"].str.strip()
    values = values[values["_v"] != ""]
    if unique:
        values = values.drop_duplicates()
    values = values.iloc[stable_order(values, [*keys, "_v"])]  # = sort_values(kind="stable"), on codes
    sizes = values.groupby(keys, sort=False).size()
    chunks = np.split(values["_v"].to_numpy(dtype=object), np.cumsum(sizes.to_numpy())[:-1]) if len(values) else []
    found = dict(zip(sizes.index, chunks, strict=True))
    return [found[k].tolist() if k in found else [] for k in index]


def _recommendation_for(protocol: Protocol, item: Any, principle: Any) -> Recommendation | None:
    if isinstance(item, str) and protocol.has_item(item):
        it = protocol.item(item)
        if it.recommendation:
            return it.recommendation
        principle = it.principle
    if isinstance(principle, str):
        try:
            return protocol.principle(principle).recommendation
        except KeyError:
            return None
    return None


def update_recommendations(project: Project, campaign: str | None = None, *, rules: str | None = None) -> pd.DataFrame:
    """Rebuild a campaign's recommendations from its findings and store them.

    Status, owner, due date and note recorded by the follow-up loop are carried
    over to the rebuilt recommendations (same id = same campaign, station, zone
    and item).  ``rules`` as for :func:`walktool.analysis.load_observations` (the
    imported rules by default).  Returns the stored, ranked frame.  A role that may only
    read a shared archive gets the rebuilt frame without storing it (staff reading a report).
    """
    from walktool.analysis import rescore
    from walktool.provenance import scoring_rules

    campaign = resolve_campaign(project, campaign)
    protocol, provenance = scoring_rules(project, campaign, rules)
    from walktool.store.answer_columns import columnar

    if columnar(project.store):  # the findings and the counts of who answered, from one column-wise read
        from walktool.answer_cubes import findings_and_answered

        found, answered = findings_and_answered(project.store, campaign, protocol, rescored=provenance.rescored)
        recs = build_recommendations(found, protocol, campaign, rules=provenance, answered=answered)
    else:
        obs = load_observations(project, campaign)
        if provenance.rescored and len(obs):
            obs = rescore(obs, protocol)
        recs = build_recommendations(obs, protocol, campaign, rules=provenance)
    store = project.store
    where = {"campaign": campaign} if campaign else None
    old = store.read("recommendations", where)
    if len(old) and len(recs):
        kept = old.set_index("rec_id")[[*FOLLOW_UP_COLUMNS, "updated_at"]]
        hit = recs["rec_id"].isin(kept.index)
        for col in (*FOLLOW_UP_COLUMNS, "updated_at"):
            recs.loc[hit, col] = recs.loc[hit, "rec_id"].map(kept[col])
        recs["status"] = recs["status"].fillna("proposed")
    if not getattr(store, "writable", lambda: True)():
        return recs  # a read-only role of a shared archive: the ranking is shown, not kept
    from walktool.errors import StoreError

    try:
        with store.transaction():
            store.replace("recommendations", recs, where)
    except StoreError as exc:
        if exc.code != "read-only":
            raise
        # a read-only project (a copy on a CD, a shared folder): the ranking is shown, not kept
    return recs


@dataclass
class Recommendations:
    """Ranked recommendations of one campaign."""

    campaign: str | None
    frame: pd.DataFrame
    rules: ScoringRules | None = None
    """The protocol version and rules hash the recommendations come from."""

    def records(self, lang: str = "fr", protocol: Protocol | None = None) -> list[dict[str, Any]]:
        """One dict per recommendation, most urgent first, texts in ``lang``."""
        out = []
        for r in self.frame.to_dict("records"):
            item_label = None
            if protocol is not None and isinstance(r["item"], str) and protocol.has_item(r["item"]):
                item_label = protocol.item(r["item"]).label.get(lang)
            elif protocol is not None and isinstance(r["principle"], str):
                try:
                    item_label = protocol.principle(r["principle"]).label.get(lang)
                except KeyError:
                    item_label = None
            out.append(
                {
                    "id": r["rec_id"],
                    "rank": None if _none(r["rank"]) is None else int(r["rank"]),
                    "station": r["station_name"],
                    "station_id": r["station_id"],
                    "zone": _none(r["zone"]),
                    "principle": _none(r["principle"]),
                    "item": _none(r["item"]),
                    "finding": item_label,
                    "severity": r["severity"],
                    "priority": float(r["priority"]),
                    "fast_track": bool(r["fast_track"]),
                    "flagged": int(r["n_participants"]),
                    "answered": _int(r.get("n_answered"), int(r["n_participants"])),
                    "share": _share(r.get("share")),
                    "walks": int(r["n_walks"]),
                    "to_verify": bool(_int(r.get("to_verify"), 0)),
                    "minority": bool(_int(r.get("minority"), 0)),
                    "protocol": _none(r.get("protocol")),
                    "rules_hash": _none(r.get("rules_hash")),
                    "action": r[f"action_{lang}"] or r["action_fr"],
                    "responsible": r[f"responsible_{lang}"] or r["responsible_fr"],
                    "timeframe": r["timeframe"],
                    "type": r["type"],
                    "status": r["status"] or "proposed",
                    "owner": _none(r["owner"]),
                    "due_date": _none(r["due_date"]),
                    "note": _none(r["note"]),
                    "evidence": {
                        "observations": int(r["n_observations"]),
                        "participants": int(r["n_participants"]),
                        "walks": int(r["n_walks"]),
                        "night": int(r["night"]),
                        "observation_ids": json.loads(r["evidence"] or "[]"),
                        "photos": json.loads(r["photos"] or "[]"),
                        "comments": json.loads(r["comments"] or "[]"),
                    },
                }
            )
        return out


def recommend(
    project: Project,
    campaign: str | None = None,
    *,
    station: str | None = None,
    top: int | None = None,
    refresh: bool = True,
    rules: str | None = None,
) -> Recommendations:
    """The ranked recommendations of a campaign (rebuilt and stored unless ``refresh`` is False).

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    station
        Keep one station: its id or its name (accents, case and hyphens ignored).
    top
        Keep the first N (after the station filter).
    refresh
        Rebuild from the observations first (default); False reads what is stored.
    rules
        The scoring rules: None for those each import was scored with, ``"current"`` or
        ``"ID@VERSION"`` to re-score (:mod:`walktool.provenance`).

    Raises
    ------
    AnalysisError
        Unknown campaign or station.
    """
    campaign = resolve_campaign(project, campaign)
    if refresh:
        frame = update_recommendations(project, campaign, rules=rules)
    else:
        frame = project.store.read("recommendations", {"campaign": campaign} if campaign else None)
        if len(frame):
            frame = frame.sort_values(["rank", "priority"], ascending=[True, False], kind="stable", na_position="last")
            frame = frame.reset_index(drop=True)
    if station is not None and len(frame):
        wanted = fold(station).replace("-", " ")
        names = frame["station_name"].fillna("").map(lambda n: fold(n).replace("-", " "))
        mask = frame["station_id"].astype(str).eq(station) | names.eq(wanted)
        if not mask.any():
            mask = names.str.contains(wanted, regex=False)
        if not mask.any():
            known = ", ".join(sorted(frame["station_name"].dropna().unique()))
            msg = Phrase(N_("no recommendation for station {station!r} in campaign {campaign!r}; stations with recommendations: {known}"), station=station, campaign=campaign, known=known)
            raise AnalysisError(msg)
        frame = frame[mask]
    if top is not None:
        frame = frame.head(max(top, 0))
    from walktool.provenance import ScoringRules, scoring_rules

    provenance = scoring_rules(project, campaign, rules)[1]
    if len(frame) and "rules_hash" in frame and frame["rules_hash"].notna().any():
        # what the stored recommendations were built under (refresh=False reads them as they are)
        stored = frame.dropna(subset=["rules_hash"]).iloc[0]
        if not refresh and (stored["protocol"], stored["rules_hash"]) != (provenance.protocol, provenance.rules_hash):
            provenance = ScoringRules(str(stored["protocol"]), str(stored["rules_hash"]), rescored=True, imported=provenance.imported)
    return Recommendations(campaign, frame.reset_index(drop=True), provenance)


def _int(value: Any, default: int) -> int:
    value = _none(value)
    return default if value is None else int(value)


def _share(value: Any) -> float | None:
    value = _none(value)
    return None if value is None else round(float(value), 3)


def _none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if type(value).__name__ == "NAType":  # pandas' missing integer
        return None
    return value
