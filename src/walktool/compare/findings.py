"""Findings before and after: new, persistent, resolved, and not revisited.

Findings are matched on station + zone + item (or principle): ``persistent`` in both
campaigns, ``new`` only after, ``resolved`` only before *and* the after campaign
answered that item at that station zone without a problem; a finding whose place was
not revisited is ``unverified``, never counted as resolved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.protocol import Protocol

_SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _finding_keys(obs: pd.DataFrame) -> pd.DataFrame:
    found = obs[obs["is_problem"].astype(bool) & obs["station_id"].notna()]
    target = found["item"].where(found["item"].notna(), "principle:" + found["principle"].fillna(""))
    return found.assign(_key=found["station_id"] + "\x1f" + found["zone"].fillna("") + "\x1f" + target, _target=target)


def findings_change(obs_b: pd.DataFrame, obs_a: pd.DataFrame, protocol: Protocol) -> dict[str, list[dict[str, Any]]]:
    """The findings of two campaigns matched place by place (module docstring).

    Parameters
    ----------
    obs_b, obs_a
        Observations of the earlier and the later campaign.
    protocol
        The checklist (labels of the items).

    Returns
    -------
    dict
        ``new``, ``persistent``, ``resolved`` and ``unverified`` lists of findings.
    """
    fb = _summarise(_finding_keys(obs_b), protocol)
    fa = _summarise(_finding_keys(obs_a), protocol)
    kb, ka = set(fb), set(fa)
    answered_after = obs_a[obs_a["item"].notna() & obs_a["station_id"].notna() & ~obs_a["is_na"].astype(bool)]
    places = answered_after[["station_id", "zone", "item"]].drop_duplicates()  # distinct places first: far fewer keys to build
    checked = set((places["station_id"] + "\x1f" + places["zone"].fillna("") + "\x1f" + places["item"]).unique())
    out: dict[str, list[dict[str, Any]]] = {"new": [], "persistent": [], "resolved": [], "unverified": []}
    for key in sorted(ka - kb):
        out["new"].append(fa[key])
    for key in sorted(ka & kb):
        out["persistent"].append({**fa[key], "severity_before": fb[key]["severity"]})
    for key in sorted(kb - ka):
        out["resolved" if key in checked else "unverified"].append(fb[key])
    return out


def _summarise(found: pd.DataFrame, protocol: Protocol) -> dict[str, dict[str, Any]]:
    """One record per finding key: the place, the worst severity, how many saw it (one groupby)."""
    if found.empty:
        return {}
    rank = found["severity"].map(_SEVERITY_ORDER)
    rank = rank.where(found["severity"].notna(), -1).fillna(_SEVERITY_ORDER["medium"])  # unknown severity ranks as medium
    found = found.assign(_rank=rank)
    from walktool.ordering import text_order

    grouped = found.iloc[text_order(found["obs_id"])].groupby("_key", sort=True)
    table = grouped.agg(
        station_id=("station_id", "first"),
        station=("station_name", "first"),
        zone=("zone", "first"),
        principle=("principle", "first"),
        item=("item", "first"),
        rank=("_rank", "max"),
        observations=("_key", "size"),
        participants=("participant", "nunique"),
    )
    worst = found.loc[found.groupby("_key")["_rank"].idxmax(), ["_key", "severity"]].set_index("_key")["severity"]
    table["severity"] = worst.reindex(table.index).where(table["rank"] >= 0, None)
    out: dict[str, dict[str, Any]] = {}
    for key, row in zip(table.index, table.to_dict("records"), strict=True):
        item = row["item"] if isinstance(row["item"], str) else None
        spec = protocol.item(item) if item is not None and protocol.has_item(item) else None
        out[str(key)] = {
            "station_id": row["station_id"],
            "station": row["station"],
            "zone": row["zone"] if isinstance(row["zone"], str) else None,
            "principle": row["principle"] if isinstance(row["principle"], str) else None,
            "item": item,
            "label_fr": spec.label.get("fr") if spec else None,
            "label_en": spec.label.get("en") if spec else None,
            "severity": row["severity"] if isinstance(row["severity"], str) else None,
            "observations": int(row["observations"]),
            "participants": int(row["participants"]),
        }
    return out
