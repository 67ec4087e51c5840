"""Loading a campaign's observations from the store, typed, and re-scoring them by a protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

from walktool.analysis.base import AnalysisError
from walktool.i18n import N_, Phrase
from walktool.walks import walk_keys


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
            msg = Phrase(N_("campaign {campaign!r} has no observations; campaigns in this project: {known}"), campaign=campaign, known=known)
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
