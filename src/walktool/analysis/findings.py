"""Findings: negative answers and explicit findings, counted by severity, and each station's hotspots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.protocol import Protocol

from walktool.analysis.base import SEVERITIES


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
