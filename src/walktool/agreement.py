"""Inter-rater agreement between participants of the same walk.

Participants of a walk rate the same stops (walk × station × zone) with the same
checklist, so their answers can be compared item by item, as research audit
instruments do (MAPS, SWEAT-R, CANVAS; reference/methodology.md §3):

* a **subject** is one item at one stop of one walk rated by at least two
  participants (N/A and free text left out); answers are compared as given, except
  counts and distances, compared as problem / no problem by the protocol's thresholds;
* **percent agreement** = mean over subjects of the share of agreeing rater pairs;
* **Fleiss' κ** (generalised to a varying number of raters per subject):
  ``κ = (P̄ − P̄e) / (1 − P̄e)``, where ``P̄`` is the mean pairwise agreement per
  subject and ``P̄e = Σ p_j²`` the agreement expected by chance from the overall
  share ``p_j`` of each answer; with exactly two raters everywhere this is
  Scott's π, close to Cohen's κ;
* κ is reported with Landis & Koch's reading (poor < 0, slight ≤ 0.20, fair ≤ 0.40,
  moderate ≤ 0.60, substantial ≤ 0.80, almost perfect); κ is None when every
  answer is the same (chance agreement 1): percent agreement is then the figure
  to read, as research reports do for rare items.

Perception items (feeling, alone at night) are *meant* to differ between people:
they are never included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.analysis import load_observations, resolve_campaign

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol


def kappa_level(kappa: float | None) -> str | None:
    """Landis & Koch's reading of a κ value."""
    if kappa is None:
        return None
    if kappa < 0:
        return "poor"
    for bound, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if kappa <= bound:
            return label
    return "almost perfect"


def fleiss(ratings: pd.DataFrame) -> dict[str, Any]:
    """Agreement of a ``subject × answer`` count table (one row per subject, counts of each answer).

    Subjects with fewer than two ratings are ignored.
    """
    counts = ratings[ratings.sum(axis=1) >= 2]
    n_subjects = len(counts)
    if n_subjects == 0:
        return {"subjects": 0, "ratings": 0, "agreement": None, "kappa": None, "level": None}
    n = counts.sum(axis=1)
    pairs_agree = (counts * (counts - 1)).sum(axis=1)
    p_i = pairs_agree / (n * (n - 1))
    p_bar = float(p_i.mean())
    p_j = counts.sum(axis=0) / float(n.sum())
    p_e = float((p_j**2).sum())
    kappa = None if p_e >= 1 - 1e-12 else (p_bar - p_e) / (1 - p_e)
    kappa = None if kappa is None else round(kappa, 3)
    return {"subjects": n_subjects, "ratings": int(n.sum()), "agreement": round(p_bar, 3), "kappa": kappa, "level": kappa_level(kappa)}


@dataclass
class Agreement:
    """Agreement per item and per principle for one campaign."""

    campaign: str | None
    items: list[dict[str, Any]]
    principles: list[dict[str, Any]]
    overall: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``walktool agreement --json``."""
        return {"campaign": self.campaign, "overall": self.overall, "principles": self.principles, "items": self.items}


def rated_subjects(observations: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """Answers that can be compared: scored items, not N/A, a participant, a stop of a walk."""
    scored = {i.key for i in protocol.items if i.scored}
    obs = observations[
        observations["item"].isin(scored)
        & observations["answer"].notna()
        & ~observations["is_na"].astype(bool)
        & observations["participant"].notna()
        & observations["station_id"].notna()
    ]
    # counts and distances are compared as problem / no problem (two people rarely count the
    # same number of lights out, but agree whether there is a problem)
    numeric = {i.key for i in protocol.items if i.kind in ("count", "number")}
    is_numeric = obs["item"].isin(numeric)
    if is_numeric.any():
        verdict = obs["score"].astype(float).lt(protocol.problem_below).map({True: "problem", False: "ok"})
        obs = obs.assign(answer=obs["answer"].where(~is_numeric, verdict))
    # one answer per participant per subject: their last one
    obs = obs.sort_values(["observed_at", "obs_id"], na_position="first", kind="stable")
    obs = obs.drop_duplicates(["walk_key", "station_id", "zone", "item", "participant"], keep="last")
    return obs.assign(subject=obs["walk_key"].astype(str) + "\x1f" + obs["station_id"] + "\x1f" + obs["zone"].fillna("") + "\x1f" + obs["item"])


def agreement(project: Project, campaign: str | None = None, *, observations: pd.DataFrame | None = None) -> Agreement:
    """Inter-rater agreement of a campaign, per item, per principle and overall.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) one.
    observations
        Use these observations instead of the store's.
    """
    protocol = project.protocol()
    if observations is None:
        campaign = resolve_campaign(project, campaign)
        observations = load_observations(project, campaign)
    obs = rated_subjects(observations, protocol) if len(observations) else observations
    items: list[dict[str, Any]] = []
    tables: dict[str, pd.DataFrame] = {}
    if len(obs):
        for item, sub in obs.groupby("item", sort=False):
            table = sub.groupby(["subject", "answer"]).size().unstack("answer", fill_value=0)
            tables[str(item)] = table
    for it in protocol.items:
        if it.key not in tables:
            continue
        result = fleiss(tables[it.key])
        if result["subjects"]:
            items.append({"item": it.key, "principle": it.principle, "label_fr": it.label.get("fr"), "label_en": it.label.get("en"), **result})
    principles = []
    for key in protocol.principle_keys:
        group = [r for r in items if r["principle"] == key]
        principles.append(_pooled(key, group))
    overall = _pooled(None, items)
    overall.pop("principle")
    overall["items"] = len(items)
    return Agreement(campaign, items, principles, overall)


def _pooled(key: str | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Subject-weighted mean agreement and κ over items."""
    subjects = sum(r["subjects"] for r in rows)
    with_kappa = [r for r in rows if r["kappa"] is not None]
    ks = sum(r["subjects"] for r in with_kappa)
    agreement_ = round(sum(r["agreement"] * r["subjects"] for r in rows) / subjects, 3) if subjects else None
    kappa = round(sum(r["kappa"] * r["subjects"] for r in with_kappa) / ks, 3) if ks else None
    return {"principle": key, "subjects": subjects, "agreement": agreement_, "kappa": kappa, "level": kappa_level(kappa)}
