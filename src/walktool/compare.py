"""Change between two campaigns: station scores before / after, and findings new, persistent, resolved.

* ``delta`` = after − before, on the 0–100 station score (docs/scoring.md), for
  the stations both campaigns scored;
* ``significant``: the change is larger than chance would give. Each
  participant's mean answer score at the station (× 100) is one unit per side;
  a two-sided permutation test on the difference of means (10,000 seeded
  reshuffles, so the result is repeatable) gives ``p``; ``significant`` is true
  when ``p < 0.05`` and each side has at least ``low_confidence_participants``
  participants, otherwise false (and ``p`` is still reported when computable);
* findings are matched on station + zone + item (or principle): ``persistent``
  in both, ``new`` only after, ``resolved`` only before *and* the after campaign
  answered that item at that station zone without a problem; a finding whose
  place was not revisited is ``unverified``, never counted as resolved.

Only items present in both campaigns' checklist versions are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.analysis import (
    AnalysisError,
    load_observations,
    resolve_campaign,
    scored_answers,
    summarize,
)

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

PERMUTATIONS = 10_000
ALPHA = 0.05


@dataclass
class Comparison:
    """Before / after comparison of two campaigns."""

    before: str
    after: str
    stations: list[dict[str, Any]]
    findings: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``walktool compare --json``."""
        counts = {k: len(v) for k, v in self.findings.items()}
        return {"before": self.before, "after": self.after, "stations": self.stations, "findings": self.findings, "counts": counts}


def permutation_p(a: list[float], b: list[float], *, n: int = PERMUTATIONS, seed: int = 2023) -> float | None:
    """Two-sided permutation p-value for a difference of means (None with fewer than 2 per side)."""
    import numpy as np

    if len(a) < 2 or len(b) < 2:
        return None
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    observed = abs(y.mean() - x.mean())
    pooled = np.concatenate([x, y])
    rng = np.random.default_rng(seed)
    idx = np.argsort(rng.random((n, len(pooled))), axis=1)
    shuffled = pooled[idx]
    diffs = np.abs(shuffled[:, len(x):].mean(axis=1) - shuffled[:, : len(x)].mean(axis=1))
    return float((np.sum(diffs >= observed - 1e-12) + 1) / (n + 1))


def _participant_means(obs: pd.DataFrame, protocol: Protocol) -> pd.Series:
    answers = scored_answers(obs, protocol)
    return answers.groupby(["station_id", "participant"])["score"].mean() * 100


def _finding_keys(obs: pd.DataFrame) -> pd.DataFrame:
    found = obs[obs["is_problem"].astype(bool) & obs["station_id"].notna()]
    target = found["item"].where(found["item"].notna(), "principle:" + found["principle"].fillna(""))
    return found.assign(_key=found["station_id"] + "\x1f" + found["zone"].fillna("") + "\x1f" + target, _target=target)


def compare(project: Project, before: str, after: str) -> Comparison:
    """Compare two campaigns of a project.

    Parameters
    ----------
    project
        The open project.
    before, after
        Campaign names.

    Raises
    ------
    AnalysisError
        Unknown campaign, or the same campaign twice.
    """
    before = resolve_campaign(project, before) or before
    after = resolve_campaign(project, after) or after
    if before == after:
        msg = f"--before and --after are the same campaign ({before!r}); name two campaigns"
        raise AnalysisError(msg)
    protocol = project.protocol()
    obs_b = load_observations(project, before)
    obs_a = load_observations(project, after)
    shared = set(obs_b["item"].dropna()) & set(obs_a["item"].dropna())
    obs_b = obs_b[obs_b["item"].isin(shared) | obs_b["item"].isna()]
    obs_a = obs_a[obs_a["item"].isin(shared) | obs_a["item"].isna()]
    sb = summarize(project, before, observations=obs_b).stations.set_index("station_id")
    sa = summarize(project, after, observations=obs_a).stations.set_index("station_id")
    pb = _participant_means(obs_b, protocol)
    pa = _participant_means(obs_a, protocol)
    min_n = protocol.low_confidence_participants
    stations = []
    for sid in sorted(set(sb.index) | set(sa.index), key=lambda s: str((sb if s in sb.index else sa).loc[s, "name"])):
        b = _score(sb, sid)
        a = _score(sa, sid)
        xb = pb.loc[sid].tolist() if sid in pb.index.get_level_values(0) else []
        xa = pa.loc[sid].tolist() if sid in pa.index.get_level_values(0) else []
        p = permutation_p(xb, xa) if b is not None and a is not None else None
        stations.append(
            {
                "station_id": sid,
                "name": (sb if sid in sb.index else sa).loc[sid, "name"],
                "before": b,
                "after": a,
                "delta": None if a is None or b is None else round(a - b, 2),
                "significant": bool(p is not None and p < ALPHA and len(xb) >= min_n and len(xa) >= min_n),
                "p_value": None if p is None else round(p, 4),
                "participants_before": len(xb),
                "participants_after": len(xa),
                "principles": {
                    k: {"before": _score(sb, sid, k), "after": _score(sa, sid, k)} for k in protocol.principle_keys
                },
            }
        )
    stations.sort(key=lambda s: (s["delta"] is None, s["delta"] if s["delta"] is not None else 0.0, s["name"]))
    return Comparison(before, after, stations, _findings_change(obs_b, obs_a, protocol))


def _score(table: pd.DataFrame, sid: str, col: str = "score") -> float | None:
    if sid not in table.index:
        return None
    value = table.loc[sid, col]
    return None if value is None or value != value else round(float(value), 2)


def _findings_change(obs_b: pd.DataFrame, obs_a: pd.DataFrame, protocol: Protocol) -> dict[str, list[dict[str, Any]]]:
    fb = _finding_keys(obs_b)
    fa = _finding_keys(obs_a)
    kb, ka = set(fb["_key"]), set(fa["_key"])
    answered_after = obs_a[obs_a["item"].notna() & obs_a["station_id"].notna() & ~obs_a["is_na"].astype(bool)]
    checked = set(answered_after["station_id"] + "\x1f" + answered_after["zone"].fillna("") + "\x1f" + answered_after["item"])
    out: dict[str, list[dict[str, Any]]] = {"new": [], "persistent": [], "resolved": [], "unverified": []}
    sev_order = {"low": 0, "medium": 1, "high": 2, "critical": 3}

    def record(rows: pd.DataFrame, key: str) -> dict[str, Any]:
        sub = rows[rows["_key"] == key]
        first = sub.iloc[0]
        item = first["item"] if isinstance(first["item"], str) else None
        worst = max(sub["severity"].dropna(), key=lambda s: sev_order.get(s, 1), default=None)
        return {
            "station_id": first["station_id"],
            "station": first["station_name"],
            "zone": first["zone"] if isinstance(first["zone"], str) else None,
            "principle": first["principle"] if isinstance(first["principle"], str) else None,
            "item": item,
            "label_fr": protocol.item(item).label.get("fr") if item and protocol.has_item(item) else None,
            "label_en": protocol.item(item).label.get("en") if item and protocol.has_item(item) else None,
            "severity": worst,
            "observations": len(sub),
            "participants": int(sub["participant"].nunique()),
        }

    for key in sorted(ka - kb):
        out["new"].append(record(fa, key))
    for key in sorted(ka & kb):
        rec = record(fa, key)
        rec["severity_before"] = record(fb, key)["severity"]
        out["persistent"].append(rec)
    for key in sorted(kb - ka):
        out["resolved" if key in checked else "unverified"].append(record(fb, key))
    return out


def write_compare_workbook(comparison: Comparison, out: str | Path, lang: str = "fr", protocol: Protocol | None = None) -> Path:
    """An Excel workbook of the comparison: stations (before, after, Δ) and the finding lists.

    With ``protocol``, zones, principles and severities are written as their labels in ``lang``.
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font

    fr = lang == "fr"
    wb = Workbook()
    ws = wb.active
    ws.title = "Stations"
    header = ["Station", f"{'Avant' if fr else 'Before'} ({comparison.before})", f"{'Après' if fr else 'After'} ({comparison.after})", "Δ", "p", "Significatif" if fr else "Significant"]
    ws.append(header)
    for s in comparison.stations:
        ws.append([s["name"], s["before"], s["after"], s["delta"], s["p_value"], ("oui" if fr else "yes") if s["significant"] else ("non" if fr else "no")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 34
    for col in "BCDEF":
        ws.column_dimensions[col].width = 16
    if len(comparison.stations):
        last = len(comparison.stations) + 1
        ws.conditional_formatting.add(f"D2:D{last}", ColorScaleRule(start_type="num", start_value=-30, start_color="E66101", mid_type="num", mid_value=0, mid_color="F7F7F7", end_type="num", end_value=30, end_color="5E3C99"))
    names = {"new": ("Nouveaux", "New"), "persistent": ("Persistants", "Persistent"), "resolved": ("Résolus", "Resolved"), "unverified": ("Non revus", "Not revisited")}
    for key, (fr_name, en_name) in names.items():
        sheet = wb.create_sheet(fr_name if fr else en_name)
        sheet.append(["Station", "Zone", "Principe" if fr else "Principle", "Élément" if fr else "Item", "Gravité" if fr else "Severity", "Observations", "Participant·es" if fr else "Participants"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for f in comparison.findings[key]:
            sheet.append([f["station"], _label(protocol, "zone", f["zone"], lang), _label(protocol, "principle", f["principle"], lang), f[f"label_{lang}"] or f["item"], _label(protocol, "severity", f["severity"], lang), f["observations"], f["participants"]])
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["D"].width = 50
    for sheet in wb.worksheets:  # field text is never a formula
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _label(protocol: Protocol | None, kind: str, value: str | None, lang: str) -> str | None:
    if protocol is None or value is None:
        return value
    if kind == "principle":
        try:
            return protocol.principle(value).label.get(lang)
        except KeyError:
            return value
    vocabulary = protocol.zones if kind == "zone" else protocol.severities
    return vocabulary.label(value, lang)


def write_compare_map(project: Project, comparison: Comparison, out: str | Path, lang: str = "fr") -> Path:
    """A Folium map of the stations coloured by score change (orange worse, purple better)."""
    import html

    import folium

    from walktool.stations import STM_CREDIT, load_stations

    stations_layer = load_stations(project)
    layer = stations_layer.stations.set_index("station_id")
    credit = STM_CREDIT if stations_layer.is_stm else stations_layer.credit  # the layer's own credit in another city
    centre = [float(layer["lat"].mean()), float(layer["lon"].mean())] if len(layer) else [45.52, -73.6]
    fr = lang == "fr"
    m = folium.Map(location=centre, zoom_start=12, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", attr=f"© OpenStreetMap contributors · {credit}".rstrip(" ·"), name="basemap", control=False).add_to(m)
    points = []
    for s in comparison.stations:
        if s["station_id"] not in layer.index:
            continue
        lat, lon = float(layer.loc[s["station_id"], "lat"]), float(layer.loc[s["station_id"], "lon"])
        points.append((lat, lon))
        delta = s["delta"]
        colour = "#999999" if delta is None else "#5E3C99" if delta > 0 else "#E66101" if delta < 0 else "#F7F7F7"
        text = f"<b>{html.escape(str(s['name']))}</b><br>{'avant' if fr else 'before'}: {s['before']}<br>{'après' if fr else 'after'}: {s['after']}<br>Δ = {delta}{' *' if s['significant'] else ''}"
        folium.CircleMarker([lat, lon], radius=8 + min(abs(delta or 0) / 3, 14), color="#333333", weight=1, fill=True, fill_color=colour, fill_opacity=0.85, popup=folium.Popup(text, max_width=260), tooltip=html.escape(str(s["name"]))).add_to(m)
    if points:
        m.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)], [max(p[0] for p in points), max(p[1] for p in points)]], padding=(30, 30))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    m.save(str(out))
    return out
