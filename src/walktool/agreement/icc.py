"""Intraclass correlation of principle scores across the participants of a walk.

The form is **ICC(2,1)** of Shrout & Fleiss (1979) — McGraw & Wong's ICC(A,1): two-way
random effects (stops and raters both samples), absolute agreement (a rater who scores
everything 10 points higher disagrees), single rater.  From the two-way ANOVA of a
stops × raters table with ``n`` stops and ``k`` raters::

    ICC(2,1) = (MSR − MSE) / (MSR + (k − 1)·MSE + k·(MSC − MSE) / n)

Participants differ from walk to walk, so the table is a set of **blocks**, one per walk
(its stops × its participants, complete: a participant or a stop missing answers is
dropped, whichever loses fewer ratings).  The variance components are estimated from
the sums of squares pooled over blocks (method of moments)::

    σ²e = Σ SSE / Σ (n_b − 1)(k_b − 1)
    σ²s = (Σ SSR − σ²e Σ (n_b − 1)) / Σ (n_b − 1) k_b
    σ²r = (Σ SSC − σ²e Σ (k_b − 1)) / Σ (k_b − 1) n_b
    ICC = σ²s / (σ²s + σ²r + σ²e)

which for a single block is exactly the formula above (``pingouin.intraclass_corr``'s
``ICC(A,1)``, checked in tests).  The 95 % interval is a percentile bootstrap of whole
walks (a walk's stops share its participants, so walks are the independent units);
with fewer than 5 walks there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FORM = "ICC(2,1)"
FORM_TEXT = "two-way random effects, absolute agreement, single rater (Shrout & Fleiss ICC(2,1) = McGraw & Wong ICC(A,1)); variance components pooled over walks"


@dataclass
class IccResult:
    """An ICC with its sample."""

    icc: float | None
    ci: tuple[float, float] | None
    subjects: int
    raters: int
    ratings: int
    walks: int


def complete_block(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a stops × raters table (NaN = missing) that form a complete block.

    Drops, one at a time, the stop or the rater with the largest share of missing cells
    until none is missing; returns the kept row and column indices.
    """
    import numpy as np

    rows = np.arange(table.shape[0])
    cols = np.arange(table.shape[1])
    while len(rows) and len(cols):
        missing = np.isnan(table[np.ix_(rows, cols)])
        if not missing.any():
            break
        row_share = missing.mean(axis=1)
        col_share = missing.mean(axis=0)
        if row_share.max() >= col_share.max():
            rows = np.delete(rows, int(row_share.argmax()))
        else:
            cols = np.delete(cols, int(col_share.argmax()))
    return rows, cols


def block_sums(block: np.ndarray) -> tuple[float, float, float]:
    """SSR (stops), SSC (raters) and SSE of a complete stops × raters block."""
    n, k = block.shape
    grand = float(block.mean())
    ssr = k * float(((block.mean(axis=1) - grand) ** 2).sum())
    ssc = n * float(((block.mean(axis=0) - grand) ** 2).sum())
    sst = float(((block - grand) ** 2).sum())
    return ssr, ssc, sst - ssr - ssc


def pooled_icc(blocks: list[np.ndarray], weights: np.ndarray | None = None) -> np.ndarray:
    """ICC(2,1) from sums of squares pooled over blocks (module docstring).

    ``weights`` (resamples × blocks) counts how often each block is drawn in each
    resample; None computes the estimate itself (every block once).
    """
    import numpy as np

    parts = np.array([[*block_sums(b), b.shape[0] - 1, b.shape[1] - 1, (b.shape[0] - 1) * (b.shape[1] - 1), (b.shape[0] - 1) * b.shape[1], (b.shape[1] - 1) * b.shape[0]] for b in blocks], dtype=float)
    w = np.ones((1, len(blocks))) if weights is None else weights
    ssr, ssc, sse, df_r, df_c, df_e, coef_s, coef_r = (w @ parts).T
    with np.errstate(invalid="ignore", divide="ignore"):
        var_e = sse / df_e
        var_s = (ssr - df_r * var_e) / coef_s
        var_r = (ssc - df_c * var_e) / coef_r
        total = var_s + var_r + var_e
        return np.where(total > 0, var_s / total, np.nan)


def icc_of(scores: pd.DataFrame, *, resamples: int = 1_000, seed: list[int] | int = 2023, min_walks: int = 5) -> IccResult:
    """ICC(2,1) of ratings with its bootstrap interval.

    Parameters
    ----------
    scores
        One row per rating: ``walk`` (the block), ``subject`` (a stop), ``rater`` and ``value``.
    resamples, seed
        Bootstrap resamples of whole walks (a walk's stops share its raters) and seed.
    min_walks
        Fewer walks with a complete block: no interval.
    """
    import numpy as np

    blocks: list[np.ndarray] = []
    raters: set[str] = set()
    for _, rows in scores.groupby("walk", sort=True):
        wide = rows.pivot_table(index="subject", columns="rater", values="value", aggfunc="mean")
        keep_r, keep_c = complete_block(wide.to_numpy(dtype=float))
        if len(keep_r) >= 2 and len(keep_c) >= 2:
            blocks.append(wide.to_numpy(dtype=float)[np.ix_(keep_r, keep_c)])
            raters.update(str(c) for c in wide.columns[keep_c])
    subjects = sum(b.shape[0] for b in blocks)
    ratings = sum(b.size for b in blocks)
    if not blocks:
        return IccResult(None, None, 0, 0, 0, 0)
    point = pooled_icc(blocks)[0]
    icc = None if np.isnan(point) else float(point)
    ci = None
    if icc is not None and resamples and len(blocks) >= min_walks:
        from walktool.agreement.measures import bootstrap_ci

        rng = np.random.default_rng(seed)
        weights = rng.multinomial(len(blocks), np.full(len(blocks), 1 / len(blocks)), size=resamples).astype(float)
        ci = bootstrap_ci(pooled_icc(blocks, weights))
    return IccResult(icc, ci, subjects, len(raters), ratings, len(blocks))
