"""Scores, feelings, profiles and findings: what the walks found, station by station.

The rule (also written in the protocol's ``scoring`` block and in docs/scoring.md):

1. each answer has a 0–1 score, set at import from the item's vocabulary and kept
   with the raw answer, so :func:`rescore` can recompute it when the rule changes;
   "not applicable" answers, free text and perception items (feeling, alone at
   night) have none and never enter a score;
2. an **item score** at a place (station, or station × zone, …) is the mean of the
   scores of its answers there; a finding written against an item (findings table,
   GPX, photo) is an answer scoring 0;
3. a **principle score** is the mean of its answered item scores × 100, so an
   item answered by ten people weighs the same as one answered by two;
4. a **station score** is the mean of its principle scores: every principle weighs
   the same whatever its number of items;
5. every score carries its sample (observations, participants, walks); a place seen
   by fewer than ``low_confidence_participants`` participants (3 by default) is
   flagged ``low_confidence``, never hidden.

Feelings are reported apart, as shares, and correlated with principle scores
across stops (station × zone) with Spearman's rank correlation, as Safetipin does
to see which principle moves most with how safe people feel.  Profile breakdowns
suppress every group smaller than ``min_group_size`` participants (5 by default).

All functions take the tidy observations frame (one row per answered item or
finding, as stored) so a notebook user can call them on any subset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.walks import walk_keys

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.provenance import ScoringRules

SEVERITIES = ("low", "medium", "high", "critical")
FEELINGS = ("comfortable", "uncomfortable", "frightening")
BY_CHOICES = ("station", "principle", "zone", "period")
PROFILE_COLUMNS = ("gender", "age_group", "reduced_mobility", "familiarity")
_PLACE_KEYS = {
    "station": ["station_id"],
    "zone": ["station_id", "zone"],
    "period": ["station_id", "period"],
    "stop": ["station_id", "zone"],
    "network": [],
}


class AnalysisError(WalktoolError):
    """Nothing to analyse, or an unknown campaign."""


# -- loading -----------------------------------------------------------------------
def campaigns(project: Project) -> list[str]:
    """The campaigns in a project's store, oldest first (by their first observation)."""
    first: dict[str, str] = {}
    for name, start in project.store.first_values("observations", "campaign", "observed_at").items():
        key = name if name is not None else "default"
        value = start or ""
        first[key] = min(first.get(key, value), value)
    return sorted(first, key=lambda c: (first[c], c))


def resolve_campaign(project: Project, campaign: str | None) -> str | None:
    """The campaign to analyse: the one named, else the only or the latest one.

    Raises
    ------
    AnalysisError
        When the named campaign has no observations.
    """
    names = campaigns(project)
    if campaign is not None:
        if campaign not in names:
            known = ", ".join(names) or "none yet: run `walktool import` first"
            msg = f"campaign {campaign!r} has no observations; campaigns in this project: {known}"
            raise AnalysisError(msg)
        return campaign
    return names[-1] if names else None


# the columns the scores, feelings, findings and profiles of a summary read
SUMMARY_COLUMNS = [
    "obs_id", "campaign", "walk_id", "participant", "station_id", "station_name", "zone", "period", "observed_at",
    "local_time", "principle", "item", "answer", "score", "is_na", "is_problem", "severity",
]


def load_observations(
    project: Project, campaign: str | None = None, *, rules: str | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """The stored observations of one campaign (or all when ``campaign`` is None), typed.

    ``columns`` reads only those columns (all by default): less to read and to hold
    for an archive of millions of answers.

    By default (``rules`` None or ``"imported"``) every answer keeps the score it was
    given at import, under the rules of the protocol version it was imported with
    (:mod:`walktool.provenance`), so editing a protocol never changes old figures
    silently.  ``rules="current"`` scores every stored answer again with the
    project's current protocol (:func:`rescore`), ``rules="ID@VERSION"`` with that
    version, without re-importing.  ``walk_key`` is added: the walk the sheet named,
    else the group that walked together (:mod:`walktool.walks`: campaign, date and
    submissions within two hours of one another, never day / night), so findings
    tables without walk ids still count walks.
    """
    import pandas as pd

    obs = project.store.read("observations", {"campaign": campaign} if campaign else None, columns=columns)
    if campaign is None and not obs.empty:
        obs["campaign"] = obs["campaign"].fillna("default")
    obs = _typed(obs if not obs.empty else pd.DataFrame(columns=obs.columns))
    if rules not in (None, "imported") and len(obs):
        from walktool.provenance import scoring_rules

        obs = rescore(obs, scoring_rules(project, campaign, rules)[0])
    return obs


def _typed(obs: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    obs = obs.copy(deep=False)  # copy-on-write: the columns set below are new, the others shared
    for col in ("score", "lat", "lon", "accuracy_m", "station_confidence"):
        if col in obs:
            obs[col] = pd.to_numeric(obs[col], errors="coerce")
    for col in ("is_na", "is_problem"):
        if col in obs:
            obs[col] = obs[col].fillna(0).astype(bool)
    obs["walk_key"] = walk_keys(obs) if len(obs) else pd.Series(dtype=object)
    return obs


def rescore(observations: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """Recompute ``score``, ``is_na`` and ``is_problem`` from the stored answers.

    Use this after changing the protocol's scoring (thresholds, choice scores,
    polarity): the stored ``answer`` values are run through the protocol again.
    Explicit findings (rows with no answer) keep their stored score.
    """
    import numpy as np
    import pandas as pd

    obs = observations.copy(deep=False)  # copy-on-write: only the rescored columns are new
    has_answer = obs["answer"].notna() & obs["item"].notna()
    answered = obs.index[has_answer]
    # one protocol call per distinct (item, answer), spread back to the rows by code
    item_codes, items = pd.factorize(obs.loc[has_answer, "item"])
    answer_codes, answers = pd.factorize(obs.loc[has_answer, "answer"])
    pair_keys, codes = np.unique(item_codes.astype("int64") * max(len(answers), 1) + answer_codes, return_inverse=True)
    pairs = [(items[k // max(len(answers), 1)], answers[k % max(len(answers), 1)]) for k in pair_keys.tolist()]
    pair_score = np.full(len(pairs), np.nan)
    pair_na = np.zeros(len(pairs), dtype=bool)
    for n, (item, answer) in enumerate(pairs):
        parsed = protocol.parse_answer(item, answer) if protocol.has_item(item) else None
        if parsed:
            pair_score[n] = np.nan if parsed.score is None else parsed.score
            pair_na[n] = parsed.na
    obs["score"] = pd.to_numeric(obs["score"], errors="coerce").astype(float)
    obs["is_na"] = obs["is_na"].fillna(False).astype(bool)
    obs.loc[answered, "score"] = pair_score[codes]
    obs.loc[answered, "is_na"] = pair_na[codes]
    scored_items = {i.key for i in protocol.items if i.scored}
    below = obs["score"].lt(protocol.problem_below) & obs["item"].isin(scored_items)
    obs["is_problem"] = (below | (obs["is_problem"].astype(bool) & ~has_answer)).astype(bool)
    # a newly problematic answer takes the item's default severity (else medium)
    default = obs["item"].map({i.key: i.severity for i in protocol.items})
    severity = obs["severity"].where(obs["severity"].notna(), default).fillna("medium")
    obs["severity"] = severity.where(obs["is_problem"], None)
    return obs


# -- scores ------------------------------------------------------------------------
def scored_answers(observations: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """The observations that enter scores: scored items, a score, not N/A."""
    scored_items = [i.key for i in protocol.items if i.scored]
    obs = observations
    return obs[obs["item"].isin(scored_items) & obs["score"].notna() & ~obs["is_na"].astype(bool)]


def sample_sizes(observations: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Observations, participants and walks per group of ``keys``."""
    import pandas as pd

    if not keys:
        return pd.DataFrame(
            {
                "observations": [len(observations)],
                "participants": [observations["participant"].nunique()],
                "walks": [observations["walk_key"].nunique()],
            }
        )
    grouped = observations.groupby(keys, dropna=False)
    return pd.DataFrame(
        {
            "observations": grouped.size(),
            "participants": grouped["participant"].nunique(),
            "walks": grouped["walk_key"].nunique(),
        }
    )


def principle_scores(observations: pd.DataFrame, protocol: Protocol, keys: list[str]) -> pd.DataFrame:
    """Principle scores (0–100) per group of ``keys``: one column per principle, plus ``score``.

    Item score = mean of its answers; principle score = mean of its item scores × 100;
    ``score`` = mean of the principle scores present (equal weight per principle).
    """
    import pandas as pd

    principles = protocol.principle_keys
    answers = scored_answers(observations, protocol)
    if answers.empty:
        cols = [*principles, "score"]
        if not keys:
            return pd.DataFrame([[None] * len(cols)], columns=cols, dtype=float)
        return pd.DataFrame(columns=[*keys, *cols]).set_index(keys)
    item = answers.groupby([*keys, "principle", "item"], dropna=False)["score"].mean()
    principle = item.groupby(level=[*keys, "principle"], dropna=False).mean() * 100
    if keys:
        wide = principle.unstack("principle")
    else:
        wide = principle.to_frame().T
        wide.index = pd.RangeIndex(1)
    wide = wide.reindex(columns=principles)
    wide["score"] = wide[principles].mean(axis=1, skipna=True)
    wide.columns.name = None
    return wide


def scores(observations: pd.DataFrame, protocol: Protocol, by: str = "station") -> pd.DataFrame:
    """A tidy score table: one row per place, principle scores, score, sample sizes, flags.

    Parameters
    ----------
    observations
        Tidy observations (:func:`load_observations`).
    protocol
        The checklist the observations were normalised against.
    by
        ``station``, ``zone`` (station × zone), ``period`` (station × day/night),
        ``stop`` (same as zone) or ``network``.

    Returns
    -------
    pandas.DataFrame
        Columns: the place keys (``station_id``, ``name``, ``zone`` / ``period``),
        ``observations``, ``participants``, ``walks``, one column per principle,
        ``score`` (all 0–100, NaN where nothing was answered), ``low_confidence``.
        Sorted worst first, unscored places last, then by name.
    """

    keys = _PLACE_KEYS.get(by)
    if keys is None:
        msg = f"unknown grouping {by!r}; use one of {', '.join(_PLACE_KEYS)}"
        raise AnalysisError(msg)
    names = None
    if "station_id" in keys:
        names = observations.dropna(subset=["station_id"]).drop_duplicates("station_id").set_index("station_id")["station_name"]
    return score_table(sample_sizes(observations, keys), principle_scores(observations, protocol, keys), keys, names, protocol)


def score_table(
    sizes: pd.DataFrame, principles: pd.DataFrame, keys: list[str], names: pd.Series | None, protocol: Protocol
) -> pd.DataFrame:
    """The table of :func:`scores` from its parts: sample sizes and principle scores by ``keys``, station names."""
    table = sizes.join(principles, how="left")
    table = table.reset_index() if keys else table.reset_index(drop=True)
    if names is not None:
        table.insert(1, "name", table["station_id"].map(names))
    table["low_confidence"] = table["participants"] < protocol.low_confidence_participants
    for col in ("observations", "participants", "walks"):
        table[col] = table[col].astype(int)
    order = ["name", *[k for k in keys if k != "station_id"]] if "station_id" in keys else keys
    table = table.assign(_unscored=table["score"].isna()).sort_values(
        ["_unscored", "score", *order], na_position="last", kind="stable"
    )
    return table.drop(columns="_unscored").reset_index(drop=True).pipe(_no_pd_na)


def _no_pd_na(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None).infer_objects() if len(frame) else frame


# -- feelings ----------------------------------------------------------------------
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


# -- findings ----------------------------------------------------------------------
def findings(observations: pd.DataFrame) -> pd.DataFrame:
    """The findings: negative answers and explicit findings, with their severity."""
    return observations[observations["is_problem"].astype(bool)]


def finding_counts(observations: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Findings counted per group of ``keys`` × severity (one column per severity, plus ``total``)."""
    found = findings(observations)
    counts = found.groupby([*keys, "severity"], dropna=False).size().unstack("severity") if keys else None
    if counts is None:
        import pandas as pd

        row = {s: int((found["severity"] == s).sum()) for s in SEVERITIES}
        return pd.DataFrame([{**row, "total": len(found)}])
    counts = counts.reindex(columns=list(SEVERITIES)).fillna(0).astype(int)
    counts["total"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts


def hotspots(observations: pd.DataFrame, protocol: Protocol, *, top: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Per station, the zones with the heaviest findings (sum of severity weights), heaviest first."""
    found = findings(observations).dropna(subset=["station_id"])
    if found.empty:
        return {}
    weights = protocol.severity_weights
    found = found.assign(_w=found["severity"].map(weights).fillna(1.0), zone=found["zone"].fillna("unknown"))
    grouped = found.groupby(["station_id", "zone"]).agg(findings=("_w", "size"), weight=("_w", "sum")).reset_index()
    grouped = grouped.sort_values(["station_id", "weight", "findings", "zone"], ascending=[True, False, False, True])
    out: dict[str, list[dict[str, Any]]] = {}
    for sid, rows in grouped.groupby("station_id", sort=True):
        out[str(sid)] = [
            {"zone": r.zone, "findings": int(r.findings), "weight": float(r.weight)} for r in rows.head(top).itertuples()
        ]
    return out


# -- the summary -------------------------------------------------------------------
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
        msg = f"unknown --by {by!r}; use one of {', '.join(BY_CHOICES)}"
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
    sf = finding_counts(obs, ["station_id"]) if len(obs) else None
    station_findings = {str(k): {s: int(v[s]) for s in SEVERITIES} for k, v in sf.iterrows()} if sf is not None else {}
    pf = finding_counts(obs, ["station_id", "principle"]) if len(obs) else None
    principle_findings: dict[str, dict[str, dict[str, int]]] = {}
    if pf is not None:
        for (sid, pkey), v in pf.iterrows():
            principle_findings.setdefault(str(sid), {})[str(pkey)] = {s: int(v[s]) for s in SEVERITIES}
    participants = project.store.read("participants")
    if len(participants):
        participants = participants[participants["participant"].isin(obs["participant"].dropna().unique())]
    network_scores = scores(obs, protocol, "network").iloc[0].to_dict() if len(obs) else {}
    network_feel = feeling_shares(obs, []).iloc[0].to_dict() if len(obs) else {}
    counts = finding_counts(obs, []).iloc[0].to_dict() if len(obs) else dict.fromkeys([*SEVERITIES, "total"], 0)
    network: dict[str, Any] = {
        "stations": int(obs["station_id"].nunique()) if len(obs) else 0,
        "observations": int(network_scores.get("observations", 0) or 0),
        "participants": int(network_scores.get("participants", 0) or 0),
        "walks": int(network_scores.get("walks", 0) or 0),
        "score": _num(network_scores.get("score")),
        "principles": {k: _num(network_scores.get(k)) for k in principles},
        "findings": {str(k): int(v) for k, v in counts.items()},
        "feeling": {k: _num(network_feel.get(k)) for k in FEELINGS},
        "not_alone_at_night": _num(network_feel.get("not_alone_at_night")),
        "period": _date_range(obs),
    }
    return Summary(
        campaign=campaign,
        protocol=provenance.protocol,
        by=by,
        principles=principles,
        stations=stations,
        groups=groups,
        station_findings=station_findings,
        principle_findings=principle_findings,
        feeling=feeling_shares(obs, ["station_id"]) if len(obs) else feeling_shares(obs, []).iloc[0:0],
        drivers=feeling_drivers(obs, protocol) if len(obs) else [],
        profiles=profile_breakdown(obs, participants, protocol),
        hotspots=hotspots(obs, protocol) if len(obs) else {},
        network=network,
        rules=provenance,
    )


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


def _num(value: Any) -> float | None:
    """A JSON-friendly rounded number, None for missing."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number:  # NaN
        return None
    return round(number, 2)
