"""Agreement measures on a subject × answer count table, with bootstrap intervals over subjects.

A **count table** has one row per subject (one item at one stop of one walk) and one
column per answer value, holding how many participants gave that answer there.  Every
measure is a function of per-subject contributions, so a bootstrap resample (subjects
drawn with replacement) is a row of multinomial weights and a few matrix products
compute all resamples at once.

* :func:`fleiss` — percent agreement and Fleiss' κ (1971), generalised to a varying
  number of raters per subject: ``κ = (P̄ − P̄e) / (1 − P̄e)``, ``P̄`` the mean share of
  agreeing rater pairs per subject, ``P̄e = Σ p_j²`` from the overall answer shares; with
  equal raters it is statsmodels' ``fleiss_kappa`` (tests check it);
* :func:`alpha` — Krippendorff's α (2004, ch. 11) at the nominal, ordinal or interval
  level, by the ``krippendorff`` package; :func:`alpha_resampled` computes it on weighted
  subjects from the coincidence matrix (``o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)``,
  ``α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck``), equal to the package at weight 1;
* :func:`bootstrap_ci` — the 95 % percentile interval over subjects;
* :func:`kappa_level` — Landis & Koch's words, only ever shown next to an interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

LEVELS = ("nominal", "ordinal", "interval")
RESAMPLES = 1_000
CI_LEVEL = 0.95
MIN_SUBJECTS_FOR_CI = 5
SEED = 2023


def kappa_level(kappa: float | None) -> str | None:
    """Landis & Koch's (1977) reading of a κ (or α) value: a convention, not a test."""
    if kappa is None:
        return None
    if kappa < 0:
        return "poor"
    for bound, label in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial")):
        if kappa <= bound:
            return label
    return "almost perfect"


def pairable(counts: np.ndarray) -> np.ndarray:
    """Rows of a count table with at least two ratings (the others cannot be compared)."""
    return counts[counts.sum(axis=1) >= 2]


def fleiss_parts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-subject share of agreeing pairs, ratings, and answer counts (for weighting)."""

    n = counts.sum(axis=1)
    p_i = (counts * (counts - 1)).sum(axis=1) / (n * (n - 1))
    return p_i, n.astype(float), counts.astype(float)


def fleiss_weighted(counts: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percent agreement and Fleiss' κ for every row of subject weights (resamples × subjects)."""
    import numpy as np

    p_i, n, c = fleiss_parts(counts)
    total = weights.sum(axis=1)
    p_bar = (weights @ p_i) / total
    p_j = (weights @ c) / (weights @ n)[:, None]
    p_e = (p_j**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = np.where(p_e < 1 - 1e-12, (p_bar - p_e) / (1 - p_e), np.nan)
    return p_bar, kappa


def fleiss(ratings: pd.DataFrame | np.ndarray) -> dict[str, Any]:
    """Agreement of a ``subject × answer`` count table (one row per subject, counts of each answer).

    Subjects with fewer than two ratings are ignored.  ``kappa`` is None when every
    answer is the same (chance agreement 1): percent agreement is then the figure to read.
    """
    import numpy as np

    counts = pairable(np.asarray(ratings, dtype=float))
    if len(counts) == 0:
        return {"subjects": 0, "ratings": 0, "agreement": None, "kappa": None, "level": None}
    p_bar, kappa = fleiss_weighted(counts, np.ones((1, len(counts))))
    k = None if np.isnan(kappa[0]) else round(float(kappa[0]), 3)
    return {"subjects": len(counts), "ratings": int(counts.sum()), "agreement": round(float(p_bar[0]), 3), "kappa": k, "level": kappa_level(k)}


def alpha(counts: np.ndarray, values: np.ndarray, level: str) -> float | None:
    """Krippendorff's α of a count table (columns = ``values``, in order) by the ``krippendorff`` package.

    None when it is undefined: fewer than two pairable ratings, or a single value used.
    """
    import numpy as np

    counts = pairable(np.asarray(counts, dtype=float))
    if len(counts) == 0 or (counts.sum(axis=0) > 0).sum() < 2:
        return None
    import krippendorff

    domain = np.arange(len(values)) if level == "nominal" else np.asarray(values, dtype=float)
    result = krippendorff.alpha(value_counts=counts.astype(int), value_domain=domain, level_of_measurement=level)  # type: ignore[arg-type]
    return None if result is None or np.isnan(result) else float(result)


def _coincidence_parts(counts: np.ndarray) -> np.ndarray:
    """Per-subject coincidence matrices, flattened: (subjects, values²)."""
    import numpy as np

    m = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :]
    outer -= np.eye(counts.shape[1])[None, :, :] * counts[:, :, None]
    return (outer / (m - 1)[:, None, None]).reshape(len(counts), -1)


def alpha_resampled(counts: np.ndarray, values: np.ndarray, level: str, weights: np.ndarray) -> np.ndarray:
    """Krippendorff's α for every row of subject weights (resamples × pairable subjects).

    ``counts`` must hold pairable subjects only (:func:`pairable`).  NaN where α is
    undefined in a resample (a single value drawn).
    """
    import numpy as np

    k = counts.shape[1]
    coincidence = (weights @ _coincidence_parts(counts)).reshape(len(weights), k, k)
    n_c = coincidence.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "nominal":
        delta = (1.0 - np.eye(k))[None, :, :]
    elif level == "interval":
        v = np.asarray(values, dtype=float)
        delta = ((v[:, None] - v[None, :]) ** 2)[None, :, :]
    elif level == "ordinal":
        cum = np.cumsum(n_c, axis=1)
        idx = np.arange(k)
        lo, hi = np.minimum(idx[:, None], idx[None, :]), np.maximum(idx[:, None], idx[None, :])
        between = cum[:, hi] - cum[:, lo] + n_c[:, lo]  # Σ n_g for g from the lower to the higher value
        delta = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
    else:
        msg = f"unknown level {level!r}; use one of {', '.join(LEVELS)}"
        raise ValueError(msg)
    observed = (coincidence * delta).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1) * observed / expected, np.nan)


def bootstrap_weights(n_subjects: int, *, resamples: int = RESAMPLES, seed: list[int] | int = SEED) -> np.ndarray:
    """Multinomial draw counts: each row a resample of the subjects with replacement."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.multinomial(n_subjects, np.full(n_subjects, 1 / n_subjects), size=resamples).astype(float)


def bootstrap_ci(values: np.ndarray) -> tuple[float, float] | None:
    """The 95 % percentile interval of resampled values (None when fewer than half are defined)."""
    import numpy as np

    defined = values[~np.isnan(values)]
    if len(defined) < len(values) / 2 or not len(defined):
        return None
    tail = (1 - CI_LEVEL) / 2 * 100
    lo, hi = np.percentile(defined, [tail, 100 - tail])
    return float(lo), float(hi)
