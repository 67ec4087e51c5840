"""The summary of a campaign: ``walktool summary``'s figures and JSON document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.provenance import ScoringRules

from walktool.analysis.base import _PLACE_KEYS, BY_CHOICES, FEELINGS, SEVERITIES, AnalysisError
from walktool.analysis.feelings import feeling_drivers, feeling_shares, profile_breakdown
from walktool.analysis.findings import finding_counts, findings, hotspots
from walktool.analysis.load import (
    SUMMARY_COLUMNS,
    _typed,
    load_observations,
    rescore,
    resolve_campaign,
)
from walktool.analysis.scores import _no_pd_na, _num, principle_scores, scored_answers, scores
from walktool.i18n import N_, Phrase


@dataclass
class Summary:
    """Scores, feelings and findings of one campaign, as ``walktool summary`` shows them."""

    campaign: str | None
    protocol: str
    by: str
    principles: list[str]
    stations: pd.DataFrame
    groups: pd.DataFrame | None
    station_findings: dict[str, dict[str, int]]
    principle_findings: dict[str, dict[str, dict[str, int]]]
    feeling: pd.DataFrame
    drivers: list[dict[str, Any]]
    profiles: list[dict[str, Any]]
    hotspots: dict[str, list[dict[str, Any]]]
    network: dict[str, Any] = field(default_factory=dict)
    rules: ScoringRules | None = None

    def station_records(self) -> list[dict[str, Any]]:
        """One dict per station, worst first, in the brief's JSON shape (plus sample sizes)."""
        out = []
        feel = self.feeling
        for row in self.stations.to_dict("records"):
            sid = row["station_id"]
            f = feel.loc[sid].to_dict() if sid in feel.index else {}
            out.append(
                {
                    "station_id": sid,
                    "name": row["name"],
                    "observations": row["observations"],
                    "participants": row["participants"],
                    "walks": row["walks"],
                    "low_confidence": bool(row["low_confidence"]),
                    "score": _num(row["score"]),
                    "principles": {k: _num(row.get(k)) for k in self.principles},
                    "findings": self.station_findings.get(sid, dict.fromkeys(SEVERITIES, 0)),
                    "findings_by_principle": self.principle_findings.get(sid, {}),
                    "feeling": {k: _num(f.get(k)) for k in FEELINGS} | {"answers": int(f.get("feeling_n") or 0)},
                    "not_alone_at_night": _num(f.get("not_alone_at_night")),
                    "hotspots": self.hotspots.get(sid, []),
                }
            )
        return out

    def group_records(self) -> list[dict[str, Any]]:
        """The ``--by`` breakdown (zone, period or principle) as dicts."""
        if self.groups is None:
            return []
        out = []
        for row in self.groups.to_dict("records"):
            rec = {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
            if "low_confidence" in rec:
                rec["low_confidence"] = bool(rec["low_confidence"])
            out.append(rec)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``walktool summary --json``."""
        doc: dict[str, Any] = {
            "campaign": self.campaign,
            "protocol": self.protocol,
            "rules_hash": self.rules.rules_hash if self.rules else None,
            "by": self.by,
            "principles": self.principles,
            "network": self.network,
            "stations": self.station_records(),
            "feeling_drivers": self.drivers,
            "profiles": self.profiles,
        }
        if self.groups is not None:
            doc["groups"] = self.group_records()
        return doc


def summarize(
    project: Project,
    campaign: str | None = None,
    by: str = "station",
    *,
    observations: pd.DataFrame | None = None,
    rules: str | None = None,
) -> Summary:
    """Score every station of a campaign, with feelings, findings and profiles.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    by
        Extra breakdown: ``station`` (none), ``zone``, ``period`` or ``principle``.
    observations
        Use these observations instead of reading the store (e.g. a filtered frame).
    rules
        The scoring rules (:func:`load_observations`): None for those each import was
        scored with, ``"current"`` or ``"ID@VERSION"`` to re-score; ``rules_hash`` and
        ``protocol`` in the result name them.
        Without ``observations``, every figure is computed from the store's SQL
        aggregates (:mod:`walktool.summary_sql`): the answers are not read into Python.

    Raises
    ------
    AnalysisError
        When ``by`` is unknown or the campaign has no observations.
    """
    if by not in BY_CHOICES:
        msg = Phrase(N_("unknown --by {by!r}; use one of {BY_CHOICES}"), by=by, BY_CHOICES=', '.join(BY_CHOICES))
        raise AnalysisError(msg)
    from walktool.provenance import scoring_rules

    if observations is None:
        campaign = resolve_campaign(project, campaign)
    protocol, provenance = scoring_rules(project, campaign, rules)
    if observations is None:
        from walktool.summary_sql import summarize_in_store

        in_store = summarize_in_store(project, campaign, by, protocol, provenance)  # the answers stay in the store
        if in_store is not None:
            return in_store
        obs = load_observations(project, campaign, columns=SUMMARY_COLUMNS)
        obs = rescore(obs, protocol) if provenance.rescored and len(obs) else obs
    else:
        obs = _typed(observations) if "walk_key" not in observations else observations
    obs = obs.dropna(subset=["station_id"]) if len(obs) else obs
    principles = protocol.principle_keys
    stations = scores(obs, protocol, "station")
    groups = None
    if by in ("zone", "period"):
        groups = scores(obs, protocol, by)
        feel = feeling_shares(obs, _PLACE_KEYS[by])
        groups = groups.merge(feel.reset_index(), on=_PLACE_KEYS[by], how="left") if len(feel) else groups
        groups = _no_pd_na(groups)
    elif by == "principle":
        groups = _principle_table(obs, protocol)
    by_station, by_principle = (
        station_findings(finding_counts(obs, ["station_id"]), finding_counts(obs, ["station_id", "principle"])) if len(obs) else ({}, {})
    )
    participants = project.store.read("participants")
    if len(participants):
        participants = participants[participants["participant"].isin(obs["participant"].dropna().unique())]
    network_scores = scores(obs, protocol, "network").iloc[0].to_dict() if len(obs) else {}
    network_feel = feeling_shares(obs, []).iloc[0].to_dict() if len(obs) else {}
    counts = finding_counts(obs, []).iloc[0].to_dict() if len(obs) else dict.fromkeys([*SEVERITIES, "total"], 0)
    stations_seen = int(obs["station_id"].nunique()) if len(obs) else 0
    network = network_record(stations_seen, network_scores, network_feel, counts, principles, _date_range(obs))
    return Summary(
        campaign=campaign,
        protocol=provenance.protocol,
        by=by,
        principles=principles,
        stations=stations,
        groups=groups,
        station_findings=by_station,
        principle_findings=by_principle,
        feeling=feeling_shares(obs, ["station_id"]) if len(obs) else feeling_shares(obs, []).iloc[0:0],
        drivers=feeling_drivers(obs, protocol) if len(obs) else [],
        profiles=profile_breakdown(obs, participants, protocol),
        hotspots=hotspots(obs, protocol) if len(obs) else {},
        network=network,
        rules=provenance,
    )


def station_findings(
    by_station: pd.DataFrame, by_principle: pd.DataFrame
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, dict[str, int]]]]:
    """The findings per station and per station × principle (:func:`finding_counts` frames) as the summary's dicts."""
    stations = {str(k): {s: int(v[s]) for s in SEVERITIES} for k, v in by_station.iterrows()}
    principles: dict[str, dict[str, dict[str, int]]] = {}
    for (sid, pkey), v in by_principle.iterrows():
        principles.setdefault(str(sid), {})[str(pkey)] = {s: int(v[s]) for s in SEVERITIES}
    return stations, principles


def network_record(
    stations: int, network_scores: dict[str, Any], network_feel: dict[str, Any], counts: dict[str, Any],
    principles: list[str], period: dict[str, str | None],
) -> dict[str, Any]:
    """The summary's ``network`` block from the network row of :func:`scores`, :func:`feeling_shares` and :func:`finding_counts`."""
    return {
        "stations": stations,
        "observations": int(network_scores.get("observations", 0) or 0),
        "participants": int(network_scores.get("participants", 0) or 0),
        "walks": int(network_scores.get("walks", 0) or 0),
        "score": _num(network_scores.get("score")),
        "principles": {k: _num(network_scores.get(k)) for k in principles},
        "findings": {str(k): int(v) for k, v in counts.items()},
        "feeling": {k: _num(network_feel.get(k)) for k in FEELINGS},
        "not_alone_at_night": _num(network_feel.get("not_alone_at_night")),
        "period": period,
    }


def _principle_table(obs: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """Network-wide score, sample and findings per principle."""
    import pandas as pd

    net = principle_scores(obs, protocol, [])
    answers = scored_answers(obs, protocol)
    found = findings(obs)
    rows = []
    for key in protocol.principle_keys:
        sub = answers[answers["principle"] == key]
        f = found[found["principle"] == key]
        rows.append(
            {
                "principle": key,
                "label": protocol.principle(key).label.get("en"),
                "score": _num(net[key].iloc[0]) if key in net else None,
                "answers": len(sub),
                "stations": int(sub["station_id"].nunique()),
                "participants": int(sub["participant"].nunique()),
                **{s: int((f["severity"] == s).sum()) for s in SEVERITIES},
                "findings": len(f),
            }
        )
    return pd.DataFrame(rows)


def _date_range(obs: pd.DataFrame) -> dict[str, str | None]:
    if obs.empty or "local_time" not in obs:
        return {"first": None, "last": None}
    days = obs["local_time"].dropna().astype(str).str.slice(0, 10)
    return {"first": days.min() if len(days) else None, "last": days.max() if len(days) else None}
