"""Change between two campaigns, station by station, tested on the independent unit.

docs/scoring.md §7 explains the method to a reader; in short:

* the **unit** is the walk (``unit="walk"``: a walk's visit of a station, all its zones)
  or the stop visit (``unit="stop"``: walk × station × zone). Participants of one walk
  saw the same place at the same hour: their answers are not independent, the walks are;
* ``delta`` = after − before of the station score exactly as the summary computes it
  (item means → principle means × 100 → equal-weight mean), on the items both
  campaigns' checklist versions have and both campaigns answered;
* ``ci``: 95 % cluster-bootstrap interval of ``delta``, units resampled with
  replacement within each campaign, as an expanded percentile interval (Hesterberg
  2015: the small-sample correction that brings its coverage to 95 %); none with
  fewer than 3 units a side;
* ``p``: two-sided permutation test of ``delta``, whole units shuffled between the
  campaigns; every split is enumerated when there are at most 20,000, else 9,999 seeded
  random splits, so the figures are the same on every run;
* ``significant`` is ``null`` with a ``reason`` when the station cannot be tested
  (not walked or not scored on one side) or when no outcome of the test could reach
  the level (``too-few-walks``: e.g. 3 walks a side, whose smallest p is 0.10);
* the stations that can be tested form one family, corrected by Holm (``adjust``:
  ``holm``, ``bh`` or ``none``); principles of stations are tested the same way and
  form a second family. ``significant`` = adjusted p ≤ 0.05.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.analysis import (
    SUMMARY_COLUMNS,
    AnalysisError,
    load_observations,
    resolve_campaign,
    scored_answers,
)
from walktool.compare.findings import findings_change
from walktool.compare.stats import (
    ADJUST_METHODS,
    ALPHA,
    EXACT_LIMIT,
    MIN_UNITS_FOR_CI,
    PERMUTATIONS,
    RESAMPLES,
    SEED,
    Change,
    UnitTable,
    adjust,
    compare_units,
    one_blas_thread,
    rounded,
    seed_for,
)
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

# the observation columns a comparison reads: the summary's, and the checklist version each was imported with
COMPARE_COLUMNS = [*SUMMARY_COLUMNS, "protocol"]
UNITS = ("walk", "stop")
"""``--unit`` choices: the walk (walk × station) or the stop visit (walk × station × zone)."""


@dataclass
class Comparison:
    """Before / after comparison of two campaigns."""

    before: str
    after: str
    stations: list[dict[str, Any]]
    findings: dict[str, list[dict[str, Any]]]
    method: dict[str, Any] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)
    protocol: dict[str, str] = field(default_factory=dict)
    """``{"before": "id@version", "after": ...}``: the versions each campaign's scores come from."""
    rules_hash: dict[str, str] = field(default_factory=dict)
    """``{"before": HASH, "after": HASH}``: the hash of the rules each campaign was scored with."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``walktool compare --json``."""
        counts = {k: len(v) for k, v in self.findings.items()}
        return {
            "before": self.before,
            "after": self.after,
            "protocol": self.protocol,
            "rules_hash": self.rules_hash,
            "method": self.method,
            "items": self.items,
            "warnings": self.warnings,
            "stations": self.stations,
            "findings": self.findings,
            "counts": counts,
        }


def station_changes(
    obs_b: pd.DataFrame,
    obs_a: pd.DataFrame,
    protocol: Protocol,
    *,
    unit: str = "walk",
    adjust_method: str = "holm",
    alpha: float = ALPHA,
    permutations: int = PERMUTATIONS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    principles: bool = True,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per-station (and per-principle) change between two sets of observations.

    Parameters
    ----------
    obs_b, obs_a
        Loaded observations (:func:`walktool.analysis.load_observations`) of the earlier
        and the later campaign, already restricted to the items to compare.
    protocol
        The checklist that scores them.
    unit
        ``walk`` or ``stop`` (module docstring).
    adjust_method
        ``holm``, ``bh`` or ``none``: the correction across the stations tested.
    alpha
        Level of the tests after correction.
    permutations, resamples, seed
        Monte Carlo permutations (beyond 20,000 splits), bootstrap resamples, seed.
    principles
        Also test each principle of each station (a second family).

    Returns
    -------
    tuple
        The station records (the ``stations`` of ``compare --json``, in station-id
        order) and the ``method`` record.
    """
    import pandas as pd

    if adjust_method not in ADJUST_METHODS:
        msg = Phrase(N_("unknown --adjust {adjust_method!r}; use one of {ADJUST_METHODS}"), adjust_method=adjust_method, ADJUST_METHODS=', '.join(ADJUST_METHODS))
        raise AnalysisError(msg)
    if unit not in UNITS:
        msg = Phrase(N_("unknown unit {unit!r}; use one of {UNITS}"), unit=unit, UNITS=', '.join(UNITS))
        raise AnalysisError(msg)
    unit_cols = ["walk_key"] if unit == "walk" else ["walk_key", "zone"]
    columns = ["station_id", *unit_cols, "principle", "item", "score", "participant"]
    sides = []
    for after, obs in ((False, obs_b), (True, obs_a)):
        answers = scored_answers(obs.dropna(subset=["station_id"]), protocol) if len(obs) else obs
        if len(answers):
            sides.append(answers[columns].assign(_after=after))
    frame = pd.concat(sides, ignore_index=True) if sides else pd.DataFrame(columns=[*columns, "_after"])
    if "zone" in frame and frame["zone"].isna().any():
        frame["zone"] = frame["zone"].astype(object).fillna("")
    agg = frame.groupby(["station_id", "_after", *unit_cols, "principle", "item"], sort=True, observed=True)["score"].agg(["sum", "count"]).reset_index()
    agg["_unit"] = agg.groupby(["_after", *unit_cols], sort=True, observed=True).ngroup() if len(agg) else pd.Series(dtype=int)
    people = frame.groupby(["station_id", "_after"], observed=True)["participant"].nunique()
    names: dict[str, str] = {}
    walked: dict[bool, set[str]] = {}
    for after, obs in ((False, obs_b), (True, obs_a)):
        placed = obs.dropna(subset=["station_id"]) if len(obs) else obs
        walked[after] = set(placed["station_id"].unique()) if len(placed) else set()
        if len(placed):
            names.update(placed.drop_duplicates("station_id").set_index("station_id")["station_name"].astype(str).to_dict())
    results: dict[str, tuple[Change, dict[str, Change]]] = {}
    with one_blas_thread():
        for sid, table in _unit_tables(agg, unit_cols, protocol.principle_keys):
            change, per_principle = compare_units(table, seed=seed_for(sid, seed=seed), permutations=permutations, resamples=resamples)
            results[sid] = (change, per_principle if principles else {})

    every = sorted(walked[False] | walked[True])
    short = f"too-few-{unit}s"

    def reason(sid: str, res: Change | None) -> str | None:
        if sid not in walked[False]:
            return "not-walked-before"
        if sid not in walked[True]:
            return "not-walked-after"
        if res is None or res.before is None:
            return "not-scored-before"
        if res.after is None:
            return "not-scored-after"
        if res.p is None or res.p_min is None or res.p_min > alpha:
            return short
        return None

    station_rows: list[dict[str, Any]] = []
    principle_cells: list[dict[str, Any]] = []
    for sid in every:
        found = results.get(sid)
        station: Change | None = found[0] if found else None
        per_principle = found[1] if found else {}
        rec = _record(station, reason(sid, station), unit)
        rec = {"station_id": sid, "name": names.get(sid, sid), **rec}
        rec["participants_before"] = int(people.get((sid, False), 0))
        rec["participants_after"] = int(people.get((sid, True), 0))
        rec["principles"] = {}
        for key in protocol.principle_keys:
            res = per_principle.get(key)
            cell = _record(res, reason(sid, res), unit)
            cell.pop("unit")
            rec["principles"][key] = cell
            principle_cells.append(cell)
        station_rows.append(rec)
    tested_stations = _decide(station_rows, adjust_method, alpha)
    tested_principles = _decide(principle_cells, adjust_method, alpha)
    method = {
        "unit": unit,
        "statistic": "station score after − before (item means → principle means × 100 → equal-weight mean)",
        "test": "two-sided permutation of whole units between the campaigns",
        "exact_up_to": EXACT_LIMIT,
        "permutations": permutations,
        "ci": "95 % expanded percentile cluster bootstrap (Hesterberg 2015), units resampled within each campaign",
        "ci_min_units": MIN_UNITS_FOR_CI,
        "resamples": resamples,
        "adjust": adjust_method,
        "alpha": alpha,
        "seed": seed,
        "stations_tested": tested_stations,
        "principles_tested": tested_principles,
    }
    return station_rows, method


def _unit_tables(agg: pd.DataFrame, unit_cols: list[str], principle_keys: list[str]) -> Iterator[tuple[str, UnitTable]]:
    """One :class:`UnitTable` per station from the station × unit × item sums and counts (numpy slices, no per-station pandas)."""
    import numpy as np
    import pandas as pd

    if agg.empty:
        return
    station_codes, station_names = pd.factorize(agg["station_id"], sort=True)
    col_codes, col_names = pd.factorize(agg["principle"].astype(str) + "\x1f" + agg["item"].astype(str), sort=True)
    col_principle = np.array([str(c).split("\x1f", 1)[0] for c in col_names], dtype=object)
    unit_codes = agg.groupby(["_after", *unit_cols], sort=True, observed=True).ngroup().to_numpy()  # before units first
    after_rows = agg["_after"].to_numpy(dtype=bool)
    sums_rows = agg["sum"].to_numpy(dtype=float)
    counts_rows = agg["count"].to_numpy(dtype=float)
    order = np.argsort(station_codes, kind="stable")
    bounds = np.flatnonzero(np.diff(station_codes[order])) + 1
    rank = {k: i for i, k in enumerate(principle_keys)}
    for rows in np.split(order, bounds):
        units, u_inv = np.unique(unit_codes[rows], return_inverse=True)
        cols, c_inv = np.unique(col_codes[rows], return_inverse=True)
        sums = np.zeros((len(units), len(cols)))
        counts = np.zeros_like(sums)
        sums[u_inv, c_inv] = sums_rows[rows]
        counts[u_inv, c_inv] = counts_rows[rows]
        after = np.zeros(len(units), dtype=bool)
        after[u_inv] = after_rows[rows]
        item_principle = col_principle[cols]
        principles = sorted(set(item_principle), key=lambda k: (rank.get(k, len(rank)), k))
        groups = (item_principle[:, None] == np.array(principles, dtype=object)[None, :]).astype(float)
        yield str(station_names[station_codes[rows[0]]]), UnitTable(sums, counts, after, groups, principles)


def _record(res: Change | None, why: str | None, unit: str) -> dict[str, Any]:
    """One station's (or principle's) figures, before correction."""
    if res is None:
        return {"before": None, "after": None, "delta": None, "ci": None, "significant": None, "reason": why,
                "p": None, "p_value": None, "p_adjusted": None, "p_min": None, "unit": unit, "n_before": 0,
                "n_after": 0, "exact": None, "permutations": 0}
    return {
        "before": rounded(res.before),
        "after": rounded(res.after),
        "delta": None if res.delta is None else rounded(res.after) - rounded(res.before),
        "ci": rounded(res.ci),
        "significant": None,
        "reason": why,
        "p": rounded(res.p, 4),
        "p_value": rounded(res.p, 4),
        "p_adjusted": None,
        "p_min": rounded(res.p_min, 4),
        "unit": unit,
        "n_before": res.n_before,
        "n_after": res.n_after,
        "exact": res.exact,
        "permutations": res.permutations,
        "_p": res.p,
    }


def _decide(cells: list[dict[str, Any]], method: str, alpha: float) -> int:
    """Correct the tested cells as one family and set ``p_adjusted`` and ``significant``."""
    raw = [c.pop("_p", None) if c["reason"] is None else None for c in cells]
    for c in cells:
        c.pop("_p", None)
    adjusted = adjust(raw, method)
    for c, p_adj in zip(cells, adjusted, strict=True):
        if c["reason"] is None and p_adj is not None:
            c["p_adjusted"] = round(p_adj, 4)
            c["significant"] = bool(p_adj <= alpha)
        if c["delta"] is not None:
            c["delta"] = round(c["delta"], 2)
    return sum(p is not None for p in raw)


def _campaign_protocols(project: Project | None, obs: pd.DataFrame) -> list[Protocol] | None:
    """Every checklist version (with the rules it was imported with) a campaign's observations used.

    None when none can be found (no project, or versions in neither ``protocols/`` nor its archive).
    """
    if project is None or "protocol" not in obs or not len(obs):
        return None
    from walktool.provenance import imported_with, rules_protocol

    campaigns = {str(c) for c in obs["campaign"].dropna().unique()} if "campaign" in obs else set()  # distinct first: 1 M rows
    recorded = {pair for c in sorted(campaigns) for pair in imported_with(project, c)}
    found: list[Protocol] = []
    for version in sorted({str(v) for v in obs["protocol"].dropna().unique()}):
        hashes: list[str | None] = [*sorted(h for ref, h in recorded if ref == version)] or [None]
        for rules_hash in hashes:
            proto = rules_protocol(project, version, rules_hash)
            if proto is not None:
                found.append(proto)
    return found or None


def comparable_items(project: Project | None, obs_b: pd.DataFrame, obs_a: pd.DataFrame, protocol: Protocol) -> tuple[list[str], list[dict[str, str]]]:
    """Scored items both campaigns can be compared on, and the others with the reason.

    An item is compared when every checklist version either campaign used has it
    (versions are read from ``protocols/`` and its archive, with the rules each import
    recorded; a version found in neither counts as having the items its campaign
    answered), its scoring rules are the same in all of them (else ``rules-differ``:
    scores made under other rules measure another thing), and both campaigns answered it.
    """
    from walktool.protocol.rules import item_rules_hash

    scored = [i.key for i in protocol.items if i.scored]
    used = {after: _campaign_protocols(project, obs) for after, obs in ((False, obs_b), (True, obs_a))}
    versions = {after: (set.intersection(*({i.key for i in p.items} for p in found)) if found else None) for after, found in used.items()}
    every = [*(used[False] or []), *(used[True] or [])]
    answered_b = set(obs_b["item"].dropna().unique()) if len(obs_b) else set()
    answered_a = set(obs_a["item"].dropna().unique()) if len(obs_a) else set()
    kept: list[str] = []
    left: list[dict[str, str]] = []
    in_before, in_after = versions[False], versions[True]
    for key in scored:
        if in_before is not None and key not in in_before:
            why = "not-in-before-protocol"
        elif in_after is not None and key not in in_after:
            why = "not-in-after-protocol"
        elif len({item_rules_hash(p, key) for p in every if p.has_item(key)}) > 1:
            why = "rules-differ"
        elif key not in answered_b:
            why = "not-answered-before"
        elif key not in answered_a:
            why = "not-answered-after"
        else:
            kept.append(key)
            continue
        left.append({"item": key, "reason": why})
    return kept, left


def compare(
    project: Project,
    before: str,
    after: str,
    *,
    unit: str = "walk",
    adjust: str = "holm",
    permutations: int = PERMUTATIONS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Comparison:
    """Compare two campaigns of a project.

    Parameters
    ----------
    project
        The open project.
    before, after
        Campaign names.
    unit
        The independent unit resampled: ``walk`` (default) or ``stop`` (walk × zone).
    adjust
        Correction across the stations tested: ``holm`` (default), ``bh`` or ``none``.
    permutations, resamples, seed
        Monte Carlo permutations (beyond 20,000 splits), bootstrap resamples, seed.

    Raises
    ------
    AnalysisError
        Unknown campaign, the same campaign twice, an unknown unit or adjustment.
    """
    if unit not in UNITS:
        msg = Phrase(N_("unknown --unit {unit!r}; use one of {UNITS}"), unit=unit, UNITS=', '.join(UNITS))
        raise AnalysisError(msg)
    if adjust not in ADJUST_METHODS:
        msg = Phrase(N_("unknown --adjust {adjust!r}; use one of {ADJUST_METHODS}"), adjust=adjust, ADJUST_METHODS=', '.join(ADJUST_METHODS))
        raise AnalysisError(msg)
    before = resolve_campaign(project, before) or before
    after = resolve_campaign(project, after) or after
    if before == after:
        msg = Phrase(N_("--before and --after are the same campaign ({before!r}); name two campaigns"), before=before)
        raise AnalysisError(msg)
    from walktool.provenance import scoring_rules

    protocol = project.protocol()
    obs_b = load_observations(project, before, columns=COMPARE_COLUMNS)  # only what is compared: less to read and hold
    obs_a = load_observations(project, after, columns=COMPARE_COLUMNS)
    provenance = {"before": scoring_rules(project, before)[1], "after": scoring_rules(project, after)[1]}
    kept, left_out = comparable_items(project, obs_b, obs_a, protocol)
    keep = set(kept)
    obs_b = obs_b[obs_b["item"].isin(keep) | obs_b["item"].isna()]
    obs_a = obs_a[obs_a["item"].isin(keep) | obs_a["item"].isna()]
    stations, method = station_changes(obs_b, obs_a, protocol, unit=unit, adjust_method=adjust, permutations=permutations, resamples=resamples, seed=seed)
    stations.sort(key=lambda s: (s["delta"] is None, s["delta"] if s["delta"] is not None else 0.0, str(s["name"])))
    warnings = _warnings(stations, kept, method)
    return Comparison(
        before, after, stations, findings_change(obs_b, obs_a, protocol), method, {"compared": kept, "left_out": left_out}, warnings,
        protocol={k: v.protocol for k, v in provenance.items()}, rules_hash={k: v.rules_hash for k, v in provenance.items()},
    )


def _warnings(stations: list[dict[str, Any]], kept: list[str], method: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    if not kept:
        out.append({"code": "no-shared-items", "message": "the two campaigns have no scored item in common: no score can be compared"})
    both = [s for s in stations if s["delta"] is not None]
    if not both:
        out.append({"code": "no-shared-stations", "message": "no station was scored in both campaigns: there is no change to measure"})
    elif not method["stations_tested"]:
        unit = method["unit"]
        out.append({
            "code": f"too-few-{unit}s",
            "message": f"no station has enough {unit}s on both sides for a test to reach p ≤ {method['alpha']}"
            f" (e.g. 4 {unit}s a side, or 3 and 4): every change is shown, none can be called significant",
        })
    return out
