"""Is the comparison calibrated? Seeded simulation of clustered campaigns with a known truth.

:func:`simulate_campaigns` draws two campaigns as walks really are (statistics.md §4):

* each station × zone × item has a lasting chance ``p`` of being a problem
  (uniform 0.20–0.50), the same in both campaigns unless a change is asked for;
* every walk × station × zone draws the **true condition** of each item from it —
  a yes/no item is a problem or not, a 0–3 item is at level ``3 − Binomial(3, p)`` —
  which all participants of that walk then see;
* each participant misreads with their own probability (uniform 5–15 %): a yes/no
  answer flips, a 0–3 answer moves one step; this gives Fleiss' κ around 0.5–0.7,
  like real audit data; a participant skips an answer now and then (5 %);
* a change of ``+15`` at a station lowers every ``p`` there by 0.15 in the later
  campaign, so the station's true score rises by exactly 15 points (the answers see
  a little less, through the misreadings).

:func:`calibrate` runs :func:`walktool.compare.station_changes` on many such pairs and
counts how often it calls a station changed: under no change that is the false-positive
rate (at most α for a calibrated test), with Holm within each campaign pair the
family-wise rate, and under a true change the power.  Rates come with their
Clopper–Pearson 95 % interval.  ``tests/test_compare_calibration.py`` runs it in the
suite; docs/scoring.md quotes its figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.compare.core import station_changes
from walktool.compare.stats import ALPHA, PERMUTATIONS, SEED, adjust

if TYPE_CHECKING:
    import pandas as pd

    from walktool.protocol import Protocol


@dataclass
class Design:
    """The shape of a simulated pair of campaigns."""

    stations: int = 4
    """Stations per campaign pair (one family for the correction)."""
    walks: tuple[int, int] = (6, 6)
    """Walks before, after; every walk visits every station."""
    zones: int = 3
    raters: tuple[int, int] = (4, 6)
    """Participants per walk, at least and at most."""
    misread: tuple[float, float] = (0.05, 0.15)
    """Each participant's chance of misreading an answer, at least and at most."""
    skip: float = 0.05
    items_per_principle: int = 2
    """Items of each principle used (the first ones of the checklist): fewer is faster."""
    change: float = 0.0
    """True change (score points) at station 0 in the later campaign."""
    walk_effect: float = 0.0
    """Spread (sd) of a shift of every ``p`` shared by the zones of one walk's visit (the
    evening, the crowd): 0 keeps zones independent; above 0 stop visits of a walk are not."""


@dataclass
class Rate:
    """A count out of a number of tries, with its Clopper–Pearson 95 % interval."""

    count: int
    tries: int
    rate: float | None
    ci: tuple[float, float] | None

    @classmethod
    def of(cls, count: int, tries: int) -> Rate:
        if not tries:
            return cls(count, tries, None, None)
        from scipy.special import betaincinv  # Clopper–Pearson: quantiles of the beta distribution

        lo = float(betaincinv(count, tries - count + 1, 0.025)) if count else 0.0
        hi = float(betaincinv(count + 1, tries - count, 0.975)) if count < tries else 1.0
        return cls(count, tries, count / tries, (lo, hi))

    def __str__(self) -> str:
        if self.rate is None or self.ci is None:
            return f"{self.count}/{self.tries}"
        return f"{self.rate:.1%} ({self.count}/{self.tries}; 95 % CI {self.ci[0]:.1%}–{self.ci[1]:.1%})"


@dataclass
class Calibration:
    """What :func:`calibrate` measured."""

    design: Design
    unit: str
    reps: int
    tested: int
    """Station tests run (stations whose design can reach α)."""
    cannot_tell: int
    false_positive: Rate
    """Null stations called changed (raw p ≤ α)."""
    family_wise: Rate | None
    """Campaign pairs with at least one null station called changed after Holm."""
    power: Rate | None = None
    """Changed stations found (raw p ≤ α)."""
    power_holm: Rate | None = None
    """Changed stations found after Holm within their campaign pair."""
    ci_coverage: Rate | None = None
    """Null stations whose 95 % interval holds 0."""
    kappa: float | None = None
    """Fleiss' κ of the yes/no answers of the simulated walks."""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain figures (for printing or docs)."""
        return asdict(self)

    def lines(self) -> list[str]:
        """A human-readable summary, one figure a line."""
        d = self.design
        out = [
            f"unit={self.unit}, {self.reps} campaign pairs × {d.stations} stations, walks {d.walks[0]}+{d.walks[1]},"
            f" {d.zones} zones, {d.raters[0]}–{d.raters[1]} raters, misreading {d.misread[0]:.0%}–{d.misread[1]:.0%}"
            f"{f', shared evening sd {d.walk_effect:g}' if d.walk_effect else ''},"
            f" κ(yes/no) = {self.kappa:.2f}" if self.kappa is not None else f"unit={self.unit}, {self.reps} pairs",
            f"station tests: {self.tested} (cannot tell: {self.cannot_tell})",
            f"false-positive rate (raw p ≤ {ALPHA}): {self.false_positive}",
        ]
        if self.family_wise is not None:
            out.append(f"family-wise rate with Holm: {self.family_wise}")
        if self.power is not None:
            out.append(f"power for a true +{d.change:g} change (raw): {self.power}")
        if self.power_holm is not None:
            out.append(f"power for a true +{d.change:g} change (Holm): {self.power_holm}")
        if self.ci_coverage is not None:
            out.append(f"95 % interval holds the true Δ = 0: {self.ci_coverage}")
        return out


def simulate_campaigns(protocol: Protocol, design: Design, reps: int, *, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of ``reps`` simulated campaign pairs (module docstring).

    Station ``r{rep}-s{k}`` is station ``k`` of pair ``rep``; walks, participants and
    stops are distinct across pairs.  Returns the earlier and the later campaign, with
    the columns :func:`walktool.compare.station_changes` and the agreement measures use.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, reps, int(design.change * 100)])
    chosen = []
    for key in protocol.principle_keys:
        chosen += [i for i in protocol.items if i.scored and i.principle == key][: design.items_per_principle]
    n_items = len(chosen)
    ordinal = np.array([i.kind != "choice" for i in chosen])
    n_st = reps * design.stations
    base = rng.uniform(0.2, 0.5, size=(n_st, design.zones, n_items))
    parts = []
    walk_labels: list[str] = []
    rater_labels: list[str] = []
    for side, n_walks in enumerate(design.walks):
        p = base.copy()
        if side == 1 and design.change:
            p[:: design.stations] -= design.change / 100  # station 0 of every pair
        n_raters = rng.integers(design.raters[0], design.raters[1] + 1, size=(reps, n_walks))
        # truth per pair × walk × station-of-pair × zone × item
        p_walk = np.repeat(p.reshape(reps, 1, design.stations, design.zones, n_items), n_walks, axis=1)
        if design.walk_effect:
            p_walk = p_walk + rng.normal(0, design.walk_effect, size=(reps, n_walks, design.stations, 1, 1))
        bad = rng.random(p_walk.shape) < p_walk
        p_walk = np.clip(p_walk, 0, 1)
        level = 3 - rng.binomial(3, p_walk)
        truth = np.where(ordinal, level, np.where(bad, 0, 3))  # yes/no items: 0 (problem) or 3
        # one row per participant of every walk
        walk_of = np.repeat(np.arange(reps * n_walks), n_raters.ravel())
        rep_of = walk_of // n_walks
        error = rng.uniform(design.misread[0], design.misread[1], size=len(walk_of))
        seen = truth.reshape(reps * n_walks, design.stations, design.zones, n_items)[walk_of]
        slip = rng.random(seen.shape) < error[:, None, None, None]
        step = np.where(rng.random(seen.shape) < 0.5, -1, 1)
        moved = np.clip(seen + step, 0, 3)
        moved = np.where(moved == seen, seen - step, moved)  # at an end of the scale, the one step possible
        answer = np.where(slip, np.where(ordinal, moved, 3 - seen), seen)
        keep = rng.random(seen.shape) >= design.skip
        r_idx, s_idx, z_idx, i_idx = np.nonzero(keep)
        tag = "ba"[side]
        parts.append({
            "station": rep_of[r_idx] * design.stations + s_idx,
            "walk": walk_of[r_idx] + len(walk_labels),
            "rater": r_idx + len(rater_labels),
            "zone": z_idx,
            "item": i_idx,
            "value": answer[r_idx, s_idx, z_idx, i_idx],
        })
        walk_labels += [f"{tag}w{w}" for w in range(reps * n_walks)]
        rater_labels += [f"{tag}w{w}p{i}" for i, w in enumerate(walk_of)]
    # text columns as categoricals over small label lists shared by both campaigns
    stations = [f"r{r}-s{k}" for r in range(reps) for k in range(design.stations)]

    def cat(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=labels)

    principles = list(dict.fromkeys(i.principle for i in chosen))
    principle_of = np.array([principles.index(i.principle) for i in chosen])
    frames = []
    for part in parts:
        values = part["value"]
        frames.append(pd.DataFrame({
            "obs_id": np.arange(len(values)),
            "station_id": cat(part["station"], stations),
            "station_name": cat(part["station"], stations),
            "walk_key": cat(part["walk"], walk_labels),
            "zone": cat(part["zone"], [f"z{z}" for z in range(design.zones)]),
            "participant": cat(part["rater"], rater_labels),
            "item": cat(part["item"], [i.key for i in chosen]),
            "principle": cat(principle_of[part["item"]], principles),
            "score": values / 3.0,
            "answer": cat(values, ["0", "1", "2", "3"]),
            "is_na": np.zeros(len(values), dtype=bool),
            "is_problem": values < 2,
        }))
    return frames[0], frames[1]


def _yes_no_kappa(obs: pd.DataFrame, protocol: Protocol) -> float | None:
    from walktool.agreement import fleiss

    binary = {i.key for i in protocol.items if i.kind == "choice"}
    sub = obs[obs["item"].isin(binary)]
    if sub.empty:
        return None
    table = sub.groupby(["walk_key", "station_id", "zone", "item", "answer"], observed=True).size().unstack("answer", fill_value=0)
    return fleiss(table)["kappa"]


def calibrate(
    protocol: Protocol,
    design: Design | None = None,
    reps: int = 200,
    *,
    unit: str = "walk",
    resamples: int = 0,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> Calibration:
    """Simulate ``reps`` campaign pairs and measure how often changes are called.

    Parameters
    ----------
    protocol
        The checklist whose items and principles are simulated.
    design
        The walks (:class:`Design`); ``design.change`` > 0 puts a true change at
        station 0 of every pair and measures power there.
    reps
        Campaign pairs (families).
    unit
        ``walk`` or ``stop``, as ``compare --unit``.
    resamples
        Bootstrap resamples (0: no interval, faster); with them the coverage of the
        95 % interval under no change is measured.
    permutations, seed
        As in :func:`walktool.compare.compare`.
    """
    design = design or Design()
    obs_b, obs_a = simulate_campaigns(protocol, design, reps, seed=seed)
    kappa = _yes_no_kappa(obs_b, protocol)
    rows, _ = station_changes(obs_b, obs_a, protocol, unit=unit, adjust_method="none", permutations=permutations, resamples=resamples, seed=seed, principles=False)
    tested = [r for r in rows if r["reason"] is None]
    null = [r for r in tested if not (design.change and r["station_id"].endswith("-s0"))]
    changed = [r for r in tested if design.change and r["station_id"].endswith("-s0")]
    false_pos = Rate.of(sum(r["p"] <= ALPHA for r in null), len(null))
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for r in tested:
        by_pair.setdefault(r["station_id"].split("-")[0], []).append(r)
    family_hits = 0
    found_holm = 0
    for pair in by_pair.values():
        adjusted = adjust([r["p"] for r in pair], "holm")
        hits = {r["station_id"] for r, p in zip(pair, adjusted, strict=True) if p is not None and p <= ALPHA}
        family_hits += any(not (design.change and s.endswith("-s0")) for s in hits)
        found_holm += any(design.change and s.endswith("-s0") for s in hits)
    coverage = None
    if resamples:
        with_ci = [r for r in null if r["ci"] is not None]
        coverage = Rate.of(sum(r["ci"][0] <= 0 <= r["ci"][1] for r in with_ci), len(with_ci))
    return Calibration(
        design=design,
        unit=unit,
        reps=reps,
        tested=len(tested),
        cannot_tell=len(rows) - len(tested),
        false_positive=false_pos,
        family_wise=Rate.of(family_hits, len(by_pair)) if len(by_pair) else None,
        power=Rate.of(sum(r["p"] <= ALPHA for r in changed), len(changed)) if design.change else None,
        power_holm=Rate.of(found_holm, len(changed)) if design.change else None,
        ci_coverage=coverage,
        kappa=kappa,
    )


def main() -> None:  # pragma: no cover - the figures of docs/scoring.md §7
    """Print the calibration figures quoted in docs/scoring.md (``python -m walktool.compare.calibration``)."""
    from walktool.protocol import default_protocol_path, load_protocol

    protocol = load_protocol(default_protocol_path())
    runs: list[tuple[str, Design, int, dict[str, Any]]] = [
        ("no change, 6 walks a side, with intervals", Design(), 500, {"resamples": 1_000}),
        ("+15 at one station, 6 walks a side", Design(change=15), 300, {}),
        ("+15 at one station, 4 walks a side", Design(walks=(4, 4), change=15), 300, {}),
        ("+15 at one station, 10 walks a side", Design(walks=(10, 10), change=15), 200, {}),
        ("no change, stop visits as the unit", Design(), 200, {"unit": "stop", "permutations": 999}),
        ("no change, a walk's zones share the evening (sd 0.10), stop visits as the unit", Design(walk_effect=0.1), 200, {"unit": "stop", "permutations": 999}),
        ("no change, a walk's zones share the evening (sd 0.10), walks as the unit", Design(walk_effect=0.1), 200, {}),
        ("3 walks a side", Design(walks=(3, 3), change=15), 50, {}),
    ]
    for title, design, reps, options in runs:
        result = calibrate(protocol, design, reps, **options)
        print(f"## {title}")
        for line in result.lines():
            print(f"  {line}")


if __name__ == "__main__":  # pragma: no cover
    main()
