"""The statistics of a comparison: the station score on resampled units, its interval and test.

Everything here works on one **unit table**: for one station (or one principle of a
station), the sum and the number of answer scores of every unit (a walk, or a stop
visit) for every item, and which campaign each unit belongs to.  The station score of
any set of units, weighted by how often each is drawn, is then a few matrix products:

* item score = Σ weight × sum / Σ weight × count (the mean of its answers),
* principle score = mean of its item scores × 100,
* station score = mean of the principle scores present,

which is exactly :func:`walktool.analysis.principle_scores` on the same answers, so
the resampled statistic is the one reported as ``delta``.  Resamples are rows of a
weight matrix (resamples × units): permutations are 0/1 rows (which units are
"after"), bootstrap resamples are multinomial counts drawn within each campaign.
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from math import comb
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ALPHA = 0.05
"""Level of the tests (after correction)."""
EXACT_LIMIT = 20_000
"""Enumerate every split of the units when there are at most this many."""
PERMUTATIONS = 9_999
"""Seeded Monte Carlo permutations beyond :data:`EXACT_LIMIT`."""
RESAMPLES = 2_000
"""Bootstrap resamples for the interval."""
CI_LEVEL = 0.95
MIN_UNITS_FOR_CI = 3
"""Fewer units than this on a side: no interval (the bootstrap cannot see the spread)."""
SEED = 2023
ADJUST_METHODS = {"holm": "holm", "bh": "fdr_bh", "none": None}
"""``--adjust`` choices and their ``statsmodels.stats.multitest.multipletests`` names."""

_TOL = 1e-9


@dataclass
class UnitTable:
    """Answer-score sums and counts per unit × item, for the units of both campaigns."""

    sums: np.ndarray
    """(units, items) sum of answer scores (0–1)."""
    counts: np.ndarray
    """(units, items) number of answers."""
    after: np.ndarray
    """(units,) True for the units of the later campaign."""
    groups: np.ndarray
    """(items, principles) 1 where the item belongs to the principle."""
    principles: list[str] = field(default_factory=list)
    """The principle keys of the columns of ``groups``."""

    @property
    def n_before(self) -> int:
        return int((~self.after).sum())

    @property
    def n_after(self) -> int:
        return int(self.after.sum())


@dataclass
class Change:
    """Before, after, Δ, its interval and permutation test, for one unit table."""

    before: float | None
    after: float | None
    delta: float | None
    ci: tuple[float, float] | None
    p: float | None
    p_min: float | None
    exact: bool | None
    permutations: int
    n_before: int
    n_after: int


def scores(sums: np.ndarray, counts: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principle scores (…, principles) ×100 and station score (…) from item sums and counts.

    Item score = sums / counts where answered; principle score = mean of its answered
    items × 100 (NaN where none); station score = mean of the principles present.
    Counts are whole numbers (weights are draw counts), so an item with a count is answered.
    """
    import numpy as np

    answered = (counts > 0).astype(float)
    item = sums / np.maximum(counts, 1.0)
    n_items = answered @ groups
    with np.errstate(invalid="ignore", divide="ignore"):
        principle = (item @ groups) * 100 / n_items  # NaN where the principle has no answered item
        present = n_items > 0
        station = np.where(present, principle, 0.0).sum(axis=-1) / present.sum(axis=-1)
    return principle, station


def _sides(table: UnitTable, w_after: np.ndarray, w_before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Principle and station scores of both sides for weight rows over the units.

    ``w_before`` None: the before side is every unit not weighted after (permutations).
    """
    s_a, n_a = w_after @ table.sums, w_after @ table.counts
    if w_before is None:
        s_b, n_b = table.sums.sum(axis=0) - s_a, table.counts.sum(axis=0) - n_a
    else:
        s_b, n_b = w_before @ table.sums, w_before @ table.counts
    pb, sb = scores(s_b, n_b, table.groups)
    pa, sa = scores(s_a, n_a, table.groups)
    return pb, sb, pa, sa


def seed_for(*parts: str, seed: int = SEED) -> list[int]:
    """A seed sequence for a named test: the same figures every run, whatever the order of stations."""
    return [seed, *(zlib.crc32(p.encode("utf-8")) for p in parts)]


def smallest_p(n_before: int, n_after: int, permutations: int = PERMUTATIONS) -> float | None:
    """The smallest two-sided p-value a permutation test of these unit counts can give.

    With ``k`` units a side the ``C(2k, k)`` splits come in mirror pairs (same |Δ|), so
    the smallest p is ``2 / C(2k, k)`` (k = 3: 0.10, k = 4: 0.029); with unequal sides
    ``1 / C(m + n, m)``; never below ``1 / (permutations + 1)`` when sampled.
    """
    if n_before < 1 or n_after < 1:
        return None
    total = comb(n_before + n_after, n_after)
    exact = (2 if n_before == n_after else 1) / total
    if total > EXACT_LIMIT:
        return max(exact, 1 / (permutations + 1))
    return exact


@lru_cache(maxsize=32)
def _every_split(n_before: int, n_after: int) -> np.ndarray:
    """Every way of choosing the ``n_after`` units among all: one 0/1 row each (read-only)."""
    from itertools import combinations

    import numpy as np

    n = n_before + n_after
    total = comb(n, n_after)
    idx = np.fromiter((i for c in combinations(range(n), n_after) for i in c), dtype=np.int64, count=total * n_after)
    labels = np.zeros((total, n))
    labels[np.repeat(np.arange(total), n_after), idx] = 1.0
    labels.setflags(write=False)
    return labels


def _labels(n_before: int, n_after: int, rng: np.random.Generator, permutations: int) -> tuple[np.ndarray, bool]:
    """0/1 rows over the units (1 = after): every split when few, else seeded random ones."""
    import numpy as np

    n = n_before + n_after
    if comb(n, n_after) <= EXACT_LIMIT:
        return _every_split(n_before, n_after), True
    base = np.zeros(n)
    base[:n_after] = 1.0
    return rng.permuted(np.tile(base, (permutations, 1)), axis=1), False


@lru_cache(maxsize=1)
def _thread_pools() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # finds the loaded BLAS libraries once


def one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread: the resampling's many small matrix
    products only lose time to threads (badly so on a busy machine)."""
    return _thread_pools().limit(limits=1, user_api="blas")


def _expanded_percentile_ci(observed_b: np.ndarray, observed_a: np.ndarray, boot_b: np.ndarray, boot_a: np.ndarray,
                            sizes: list[tuple[int, int]]) -> list[tuple[float, float] | None]:
    """Expanded percentile intervals (Hesterberg 2015) of after − before, one per column.

    Resampling ``n`` units shrinks their spread by ``(n − 1) / n``, and with few units the
    normal tails are too short: each side's resampled scores are spread back by
    ``√(n / (n − 1))`` around the observed one, and the tails cut where the normal's
    would match Student's t with ``n_before + n_after − 2`` degrees of freedom.  With 6
    walks a side this brings the coverage from 89.5 % to 94 % (docs/scoring.md §7).
    """
    import numpy as np
    from scipy.special import ndtr, stdtrit

    out: list[tuple[float, float] | None] = [None] * len(sizes)
    groups: dict[tuple[int, int], list[int]] = {}
    for k, (nb, na) in enumerate(sizes):
        if nb >= MIN_UNITS_FOR_CI and na >= MIN_UNITS_FOR_CI and not np.isnan(observed_b[k]) and not np.isnan(observed_a[k]):
            groups.setdefault((int(nb), int(na)), []).append(k)
    for (nb, na), cols in groups.items():  # columns with the same units: one vectorised pass
        ob, oa = observed_b[cols], observed_a[cols]
        eb = ob + np.sqrt(nb / (nb - 1)) * (boot_b[:, cols] - ob)
        ea = oa + np.sqrt(na / (na - 1)) * (boot_a[:, cols] - oa)
        deltas = ea - eb
        tail = float(ndtr(stdtrit(nb + na - 2, (1 - CI_LEVEL) / 2)))
        defined = (~np.isnan(deltas)).sum(axis=0)
        cut = [tail * 100, 100 - tail * 100]
        if defined.all():
            lo, hi = np.percentile(deltas, cut, axis=0)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column: no interval
                lo, hi = np.nanpercentile(deltas, cut, axis=0)
        for j, k in enumerate(cols):
            if defined[j] >= len(boot_b) // 2:
                out[k] = (float(lo[j]), float(hi[j]))
    return out


def compare_units(
    table: UnitTable,
    *,
    seed: list[int],
    permutations: int = PERMUTATIONS,
    resamples: int = RESAMPLES,
) -> tuple[Change, dict[str, Change]]:
    """Score both sides, bootstrap Δ within each side and permute whole units between them.

    The station and each of its principles are scored on the same resamples: column
    ``k`` of the principle scores is principle ``table.principles[k]``.

    Parameters
    ----------
    table
        The units of one station in both campaigns.
    seed
        Seed sequence (:func:`seed_for`): results are repeatable.
    permutations
        Monte Carlo permutations when the splits are too many to enumerate.
    resamples
        Bootstrap resamples for the 95 % interval (0: no interval).

    Returns
    -------
    tuple
        The station's :class:`Change` and one per principle key.
    """
    import numpy as np

    after = table.after
    nb, na = table.n_before, table.n_after
    # units that answered each principle, per side
    has = (table.counts @ table.groups) > 0  # (units, principles)
    nb_k, na_k = has[~after].sum(axis=0), has[after].sum(axis=0)
    pb, sb, pa, sa = _sides(table, after.astype(float)[None, :])
    observed = np.concatenate([sa - sb, (pa - pb)[0]])  # station, then principles
    befores = np.concatenate([sb, pb[0]])
    afters = np.concatenate([sa, pa[0]])
    sizes = [(nb, na), *zip(nb_k.tolist(), na_k.tolist(), strict=True)]
    rng = np.random.default_rng(seed)

    cis: list[tuple[float, float] | None] = [None] * len(observed)
    p: list[float | None] = [None] * len(observed)
    exact: bool | None = None
    used = 0
    if resamples and nb >= MIN_UNITS_FOR_CI and na >= MIN_UNITS_FOR_CI:
        w_b = np.zeros((resamples, nb + na))
        w_a = np.zeros((resamples, nb + na))
        w_b[:, ~after] = rng.multinomial(nb, np.full(nb, 1 / nb), size=resamples)
        w_a[:, after] = rng.multinomial(na, np.full(na, 1 / na), size=resamples)
        bpb, bsb, bpa, bsa = _sides(table, w_a, w_b)
        # columns: the station, then each principle (with its own units on each side)
        cis = _expanded_percentile_ci(befores, afters, np.column_stack([bsb, bpb]), np.column_stack([bsa, bpa]), sizes)
    if nb >= 1 and na >= 1:
        # permutations: row r says which units are "after" in split r (in table order)
        labels, exact = _labels(nb, na, rng, permutations)
        ppb, psb, ppa, psa = _sides(table, labels)
        perm = np.abs(np.column_stack([psa - psb, ppa - ppb]))
        used = len(labels)
        bound = np.abs(observed) - _TOL * np.maximum(1.0, np.abs(observed))
        valid = ~np.isnan(perm)
        extreme = ((perm >= bound[None, :]) & valid).sum(axis=0)
        n_valid = valid.sum(axis=0)
        for k in range(len(observed)):
            if np.isnan(observed[k]) or not n_valid[k]:
                continue
            value = extreme[k] / n_valid[k] if exact else (extreme[k] + 1) / (n_valid[k] + 1)
            p[k] = min(1.0, float(value))

    def change(k: int) -> Change:
        b = None if np.isnan(befores[k]) else float(befores[k])
        a = None if np.isnan(afters[k]) else float(afters[k])
        d = None if b is None or a is None else a - b
        b_n, a_n = sizes[k]
        return Change(b, a, d, cis[k] if d is not None else None, p[k] if d is not None else None,
                      smallest_p(int(b_n), int(a_n), permutations), exact if d is not None else None, used if d is not None else 0,
                      int(b_n), int(a_n))

    return change(0), {key: change(1 + j) for j, key in enumerate(table.principles)}


def adjust(p: list[float | None], method: str = "holm") -> list[float | None]:
    """Adjusted p-values across a family (None entries are not part of it).

    ``holm`` (family-wise error, Holm 1979), ``bh`` (false discovery rate, Benjamini &
    Hochberg 1995) or ``none``, by ``statsmodels.stats.multitest.multipletests``.
    """
    if method not in ADJUST_METHODS:
        msg = f"unknown adjustment {method!r}; use one of {', '.join(ADJUST_METHODS)}"
        raise ValueError(msg)
    tested = [i for i, v in enumerate(p) if v is not None]
    out: list[float | None] = [None] * len(p)
    if not tested:
        return out
    name = ADJUST_METHODS[method]
    values = [float(p[i]) for i in tested]  # type: ignore[arg-type]
    if name is None:
        adjusted = values
    else:
        import gc

        from statsmodels.stats.multitest import multipletests

        # multipletests(method="holm") runs gc.collect() on every call, a full collection
        # costing a quarter second in a big process: spare it the objects that already exist
        gc.freeze()
        try:
            adjusted = [float(v) for v in multipletests(values, alpha=ALPHA, method=name)[1]]
        finally:
            gc.unfreeze()
    for i, v in zip(tested, adjusted, strict=True):
        out[i] = min(1.0, v)
    return out


def permutation_p(a: list[float], b: list[float], *, n: int = PERMUTATIONS, seed: int = SEED) -> float | None:
    """Two-sided permutation p-value for a difference of means of independent values.

    Every split is enumerated when there are at most :data:`EXACT_LIMIT`, else ``n``
    seeded random ones.  None with fewer than 2 values on a side.  (A compare tests
    whole walks with :func:`compare_units`; this is the same test for plain values.)
    """
    import numpy as np

    if len(a) < 2 or len(b) < 2:
        return None
    values = np.concatenate([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])
    labels, exact = _labels(len(a), len(b), np.random.default_rng(seed), n)
    mean_b = labels @ values / len(b)
    mean_a = (1.0 - labels) @ values / len(a)
    observed = abs(float(np.mean(b)) - float(np.mean(a)))
    extreme = int((np.abs(mean_b - mean_a) >= observed - _TOL * max(1.0, observed)).sum())
    return extreme / len(labels) if exact else (extreme + 1) / (len(labels) + 1)


def rounded(value: Any, digits: int = 2) -> Any:
    """A JSON-friendly rounded figure (tuples become lists)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return [round(v, digits) for v in value]
    return round(float(value), digits)
