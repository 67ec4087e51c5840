"""Inter-rater agreement between participants of the same walk.

Participants of a walk rate the same stops (walk × station × zone) with the same
checklist, so their answers can be compared item by item, as research audit
instruments do (MAPS, SWEAT-R, CANVAS; reference/methodology.md §3).  docs/scoring.md §8
explains the figures to a reader:

* a **subject** is one item at one stop of one walk rated by at least two participants
  (N/A and free text left out; one answer per participant, their last);
* per item: ``raters`` (participants), ``subjects`` and ``ratings``; ``agreement``, the
  mean share of agreeing rater pairs (for counts and distances: agreeing on problem or
  not, by the protocol's thresholds); **Krippendorff's α** at the level the checklist
  gives the answer — ``nominal`` for choices (yes/no, phone status), ``ordinal`` for
  0–3 scales (one step apart costs less than three), ``interval`` for counts and
  distances — with a 95 % bootstrap interval over subjects (1,000 seeded resamples);
  for nominal items **Fleiss' κ** too, with its interval; Landis & Koch's word only
  with an interval, and neither interval nor word under 5 subjects;
* per principle: **ICC(2,1)** (two-way random, absolute agreement, single rater) of the
  participants' principle scores at each stop, with a 95 % interval from resampling
  whole walks (none under 5 walks) (:mod:`walktool.agreement.icc`);
* overall: the **median of the items' α** with their range and quartiles (items with α).

Perception items (feeling, alone at night) are *meant* to differ between people:
they are never included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.agreement.icc import FORM, FORM_TEXT, icc_of
from walktool.agreement.measures import (
    MIN_SUBJECTS_FOR_CI,
    RESAMPLES,
    SEED,
    alpha,
    alpha_resampled,
    bootstrap_ci,
    bootstrap_weights,
    fleiss,
    fleiss_weighted,
    kappa_level,
)
from walktool.analysis import load_observations, resolve_campaign

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Item, Protocol

MEASURE = "krippendorff-alpha"
MIN_WALKS_FOR_ICC_CI = 5


def scale_of(item: Item) -> str:
    """The measurement level of an item's answers: nominal, ordinal or interval."""
    if item.kind == "scale":
        return "ordinal"
    if item.kind in ("count", "number"):
        return "interval"
    return "nominal"


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
    """Answers that can be compared: scored items, not N/A, a participant, a stop of a walk.

    One answer per participant per subject (their last).  Adds ``stop`` (station × zone),
    ``subject`` (walk × stop × item) and ``verdict`` (``problem`` / ``ok``).
    """
    scored = {i.key for i in protocol.items if i.scored}
    obs = observations[
        observations["item"].isin(scored)
        & observations["answer"].notna()
        & ~observations["is_na"].astype(bool)
        & observations["participant"].notna()
        & observations["station_id"].notna()
    ]
    if "observed_at" in obs:
        obs = obs.sort_values(["observed_at", "obs_id"], na_position="first", kind="stable")
    obs = obs.drop_duplicates(["walk_key", "station_id", "zone", "item", "participant"], keep="last")
    stop = obs["station_id"].astype(str) + "\x1f" + obs["zone"].astype(object).fillna("").astype(str)
    verdict = obs["score"].astype(float).lt(protocol.problem_below).map({True: "problem", False: "ok"})
    return obs.assign(
        stop=stop,
        subject=obs["walk_key"].astype(str) + "\x1f" + stop + "\x1f" + obs["item"].astype(str),
        verdict=verdict.where(obs["score"].notna(), None),
    )


def _count_table(rows: pd.DataFrame, column: str, order: list[Any] | None = None) -> tuple[Any, list[Any]]:
    """Subjects × values counts of ``column`` (subjects with 2+ ratings), and the value order."""
    table = rows.groupby(["subject", column], observed=True).size().unstack(column, fill_value=0)
    if order is not None:
        table = table.reindex(columns=[v for v in order if v in table.columns], fill_value=0)
    else:
        table = table.reindex(columns=sorted(table.columns, key=str))
    table = table[table.sum(axis=1) >= 2]
    return table.to_numpy(dtype=float), list(table.columns)


def item_agreement(rows: pd.DataFrame, item: Item, *, resamples: int = RESAMPLES, seed: int = SEED) -> dict[str, Any] | None:
    """The agreement record of one item from its :func:`rated_subjects` rows (None: no subject)."""
    import numpy as np

    from walktool.compare.stats import seed_for

    level = scale_of(item)
    if level == "ordinal":
        order = [c.value for c in item.answer.choices if not c.na]
        counts, values = _count_table(rows, "answer", order)
        numeric = np.arange(len(values), dtype=float)  # ranks: only the order matters
    elif level == "interval":
        with_number = rows.assign(_value=rows["answer"].astype(str).str.replace(",", ".", regex=False).astype(float))
        counts, values = _count_table(with_number, "_value")
        numeric = np.asarray(values, dtype=float)
    else:
        counts, values = _count_table(rows, "answer")
        numeric = np.arange(len(values), dtype=float)
    if not len(counts):
        return None
    pairs = counts
    if level == "interval":  # counts and distances agree on the verdict, not the exact number
        pairs, _ = _count_table(rows[rows["subject"].isin(_pairable_subjects(rows))], "verdict")
    agree = fleiss(pairs)
    subjects = len(counts)
    used = rows[rows["subject"].isin(_pairable_subjects(rows))]
    value = alpha(counts, numeric, level)
    kappa = fleiss(counts)["kappa"] if level == "nominal" else None
    ci = kappa_ci = None
    reason = None
    if value is None:
        reason = "all-answers-alike"
    elif subjects < MIN_SUBJECTS_FOR_CI:
        reason = "too-few-subjects"
    elif resamples:
        weights = bootstrap_weights(subjects, resamples=resamples, seed=seed_for(item.key, seed=seed))
        ci = bootstrap_ci(alpha_resampled(counts, numeric, level, weights))
        if kappa is not None:
            kappa_ci = bootstrap_ci(fleiss_weighted(counts, weights)[1])
    return {
        "item": item.key,
        "principle": item.principle,
        "label_fr": item.label.get("fr"),
        "label_en": item.label.get("en"),
        "scale": level,
        "measure": MEASURE,
        "raters": int(used["participant"].nunique()),
        "subjects": subjects,
        "ratings": int(counts.sum()),
        "agreement": agree["agreement"],
        "agreement_on": "problem-or-not" if level == "interval" else "answer",
        "value": _r(value),
        "ci": _r(ci),
        "kappa": kappa if level == "nominal" else None,
        "kappa_ci": _r(kappa_ci),
        "level": kappa_level(value) if ci is not None else None,
        "reason": reason,
    }


def _pairable_subjects(rows: pd.DataFrame) -> set[str]:
    sizes = rows.groupby("subject").size()
    return set(sizes.index[sizes >= 2])


def _r(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return [round(float(v), 3) for v in value]
    return round(float(value), 3)


def principle_icc(rows: pd.DataFrame, protocol: Protocol, key: str, *, resamples: int = RESAMPLES, seed: int = SEED) -> dict[str, Any]:
    """ICC(2,1) of the participants' principle scores at each stop (module docstring)."""
    import pandas as pd

    from walktool.compare.stats import seed_for

    sub = rows[(rows["principle"] == key) & rows["score"].notna()]
    ratings = pd.DataFrame()
    if len(sub):
        ratings = sub.groupby(["walk_key", "stop", "participant"], observed=True)["score"].mean().mul(100).rename("value").reset_index()
        ratings = ratings.rename(columns={"walk_key": "walk", "stop": "subject", "participant": "rater"})
        ratings["subject"] = ratings["walk"].astype(str) + "\x1f" + ratings["subject"].astype(str)
    result = icc_of(ratings, resamples=resamples, seed=seed_for(key, seed=seed), min_walks=MIN_WALKS_FOR_ICC_CI) if len(ratings) else None
    principle = protocol.principle(key)
    reason = None
    if result is None:
        reason = "not-rated"
    elif result.icc is None:
        reason = "no-complete-walk" if not result.walks else "no-variation"
    elif result.ci is None:
        reason = "too-few-walks"
    return {
        "principle": key,
        "label_fr": principle.label.get("fr"),
        "label_en": principle.label.get("en"),
        "measure": FORM,
        "form": FORM_TEXT,
        "icc": _r(result.icc) if result else None,
        "ci": _r(result.ci) if result else None,
        "raters": result.raters if result else 0,
        "subjects": result.subjects if result else 0,
        "ratings": result.ratings if result else 0,
        "walks": result.walks if result else 0,
        "reason": reason,
    }


def agreement(
    project: Project,
    campaign: str | None = None,
    *,
    observations: pd.DataFrame | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Agreement:
    """Inter-rater agreement of a campaign, per item, per principle and overall.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) one.
    observations
        Use these observations instead of the store's.
    resamples, seed
        Bootstrap resamples over subjects for the intervals, and their seed.
    """
    protocol = project.protocol()
    if observations is None:
        campaign = resolve_campaign(project, campaign)
        observations = load_observations(project, campaign)
    return agreement_of(observations, protocol, campaign, resamples=resamples, seed=seed)


def agreement_of(observations: pd.DataFrame, protocol: Protocol, campaign: str | None = None, *, resamples: int = RESAMPLES, seed: int = SEED) -> Agreement:
    """:func:`agreement` on any observation frame (with ``walk_key``)."""
    import numpy as np

    rows = rated_subjects(observations, protocol) if len(observations) else observations
    items: list[dict[str, Any]] = []
    by_item = dict(tuple(rows.groupby("item", sort=False))) if len(rows) else {}
    for it in protocol.items:
        if it.key in by_item:
            rec = item_agreement(by_item[it.key], it, resamples=resamples, seed=seed)
            if rec is not None:
                items.append(rec)
    principles = []
    for key in protocol.principle_keys:
        rec = principle_icc(rows, protocol, key, resamples=resamples, seed=seed) if len(rows) else principle_icc(rows.iloc[0:0], protocol, key, resamples=0)
        group = [r for r in items if r["principle"] == key]
        rec["items"] = len(group)
        rec["agreement"] = _weighted_agreement(group)
        principles.append(rec)
    alphas = np.array([r["value"] for r in items if r["value"] is not None], dtype=float)
    overall: dict[str, Any] = {
        "items": len(items),
        "subjects": sum(r["subjects"] for r in items),
        "ratings": sum(r["ratings"] for r in items),
        "raters": int(rows.loc[rows["subject"].isin(_pairable_subjects(rows)), "participant"].nunique()) if len(rows) else 0,
        "agreement": _weighted_agreement(items),
        "measure": "median of the items' Krippendorff's alpha (each at its level)",
        "alpha_median": round(float(np.median(alphas)), 3) if len(alphas) else None,
        "alpha_range": [round(float(alphas.min()), 3), round(float(alphas.max()), 3)] if len(alphas) else None,
        "alpha_quartiles": [round(float(q), 3) for q in np.percentile(alphas, [25, 75])] if len(alphas) else None,
        "items_with_alpha": len(alphas),
    }
    return Agreement(campaign, items, principles, overall)


def _weighted_agreement(rows: list[dict[str, Any]]) -> float | None:
    """Subject-weighted mean percent agreement of items (a description, not a reliability coefficient)."""
    subjects = sum(r["subjects"] for r in rows if r["agreement"] is not None)
    if not subjects:
        return None
    return round(sum(r["agreement"] * r["subjects"] for r in rows if r["agreement"] is not None) / subjects, 3)
