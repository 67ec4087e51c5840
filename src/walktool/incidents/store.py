"""Storing recorded incidents with their source, and counting them per station.

An import stores one ``incident_sources`` row (name, publisher, licence, address, file,
checksum, counts) and its ``incidents`` (a point layer in EPSG:4326 at the publisher's
precision; unplaced incidents have no point).  Importing the same file again replaces
its incidents: the source id is derived from the file's content.

:func:`station_counts` counts the placed incidents within the project's
``station_radius_m`` of each station (its point or any of its entrances), per period
(day / night) and per category; an incident near two stations counts at both.
Distances are measured in metres in the local UTM zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue
from walktool.incidents.read import IncidentMapping, read_incidents

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project


@dataclass
class IncidentImport:
    """The result of one ``walktool incidents import``."""

    path: Path
    source_id: str
    layout: str
    source: dict[str, Any]
    rows: int
    accepted: int
    placed: int
    unplaced: int
    rejected: int
    first_date: str | None
    last_date: str | None
    issues: list[Issue]
    stored: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``rows == accepted + rejected``, ``accepted == placed + unplaced``)."""
        return {
            "path": str(self.path),
            "source_id": self.source_id,
            "layout": self.layout,
            "source": self.source,
            "rows": self.rows,
            "accepted": self.accepted,
            "placed": self.placed,
            "unplaced": self.unplaced,
            "rejected": self.rejected,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "stored": self.stored,
            "issues": [i.to_dict() for i in self.issues],
        }


def import_incidents(
    project: Project,
    path: str | Path,
    *,
    mapping: IncidentMapping | None = None,
    source: dict[str, Any] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> IncidentImport:
    """Read an incidents file and store it with its source.

    Parameters
    ----------
    project
        The open project.
    path
        The file (:func:`walktool.incidents.read.read_incidents`).
    mapping
        For a file not in the Montréal layout.
    source
        Overrides of the source's ``name``, ``publisher``, ``licence``, ``url``.
    dry_run
        Read and count, store nothing.
    now
        The import time (default: now, UTC).

    Returns
    -------
    IncidentImport
        Counts: every row is accepted (placed or unplaced) or rejected with an issue.
    """
    import pandas as pd

    read = read_incidents(path, mapping)
    info = {**read.source, **{k: v for k, v in (source or {}).items() if v}}
    source_id = "I-" + read.checksum[:10].upper()
    frame = read.incidents
    placed = int(frame["placed"].sum()) if len(frame) else 0
    first = str(frame["date"].min()) if len(frame) else None
    last = str(frame["date"].max()) if len(frame) else None
    result = IncidentImport(
        path=read.path, source_id=source_id, layout=read.layout, source=info, rows=read.rows,
        accepted=len(frame), placed=placed, unplaced=len(frame) - placed, rejected=read.rejected,
        first_date=first, last_date=last, issues=read.issues, stored=not dry_run,
    )
    if dry_run:
        return result
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = frame["incident_key"].where(frame["incident_key"].notna(), frame["source_row"].astype(str))
    rows = frame.assign(
        incident_id=source_id + "-" + ids.astype(str),
        source_id=source_id,
    ).drop(columns=["incident_key"]).drop_duplicates("incident_id")
    source_row = pd.DataFrame([{
        "source_id": source_id, "name": info.get("name"), "publisher": info.get("publisher"),
        "licence": info.get("licence"), "url": info.get("url"), "file": read.path.name,
        "checksum": read.checksum, "layout": read.layout, "imported_at": stamp, "rows": read.rows,
        "placed": placed, "unplaced": result.unplaced, "rejected": result.rejected,
        "precision_m": float(info.get("precision_m") or 0.0), "first_date": first, "last_date": last,
    }])
    store = project.store
    with store.transaction():
        store.upsert("incident_sources", source_row)
        store.replace("incidents", rows, {"source_id": source_id})
    return result


def load_incidents(project: Project, *, since: str | None = None, until: str | None = None) -> pd.DataFrame:
    """Every stored incident (optionally from ``since`` to ``until``, ``YYYY-MM-DD`` inclusive)."""
    frame = project.store.read("incidents")
    if len(frame) and (since or until):
        dates = frame["date"].astype(str)
        keep = dates.ge(since or "0000") & dates.le(until or "9999")
        frame = frame[keep]
    return frame.sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)


def sources(project: Project) -> list[dict[str, Any]]:
    """The stored incident sources, oldest import first (their credit lines: publisher and licence)."""
    frame = project.store.read("incident_sources")
    if frame.empty:
        return []
    frame = frame.sort_values(["imported_at", "source_id"], kind="stable")
    return [{k: (None if v != v else v) for k, v in r.items()} for r in frame.to_dict("records")]


def credit_line(project: Project) -> str:
    """``Incidents: <publisher>, <licence>`` for every source, for maps and reports (empty without)."""
    parts = []
    for s in sources(project):
        text = ", ".join(str(v) for v in (s.get("publisher") or s.get("name"), s.get("licence")) if v)
        if text and text not in parts:
            parts.append(text)
    return "; ".join(parts)


def station_counts(
    project: Project,
    *,
    radius_m: float | None = None,
    since: str | None = None,
    until: str | None = None,
    incidents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Placed incidents within ``radius_m`` (default: the project's) of each station.

    Returns
    -------
    pandas.DataFrame
        One row per station of the layer (stations with none have 0): ``station_id``,
        ``name``, ``incidents``, ``day``, ``night``, ``period_unknown`` and one
        ``category:<key>`` column per category, sorted by station name.
    """
    import numpy as np
    import pandas as pd
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    from walktool.stations import load_stations
    from walktool.stations.matching import metric_crs

    radius = float(radius_m if radius_m is not None else project.settings.station_radius_m)
    layer = load_stations(project)
    frame = incidents if incidents is not None else load_incidents(project, since=since, until=until)
    stations = layer.stations.dropna(subset=["lat", "lon"]).drop_duplicates("station_id")
    out = stations[["station_id", "name"]].reset_index(drop=True)
    placed = frame[frame["placed"].astype(bool)] if len(frame) else frame
    categories = sorted(str(c) for c in placed["category"].dropna().unique()) if len(placed) else []
    zeros = dict.fromkeys(("incidents", "day", "night", "period_unknown", *(f"category:{k}" for k in categories)), 0)
    if placed.empty or out.empty:
        return out.assign(**zeros).sort_values("name", kind="stable").reset_index(drop=True)
    targets = pd.concat([stations[["station_id", "lat", "lon"]], layer.entrances[["station_id", "lat", "lon"]]], ignore_index=True).dropna()
    crs = metric_crs(float(targets["lat"].mean()), float(targets["lon"].mean()))
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    tx, ty = to_metres.transform(targets["lon"].to_numpy(float), targets["lat"].to_numpy(float))
    ix, iy = to_metres.transform(placed["lon"].to_numpy(float), placed["lat"].to_numpy(float))
    tree = cKDTree(np.column_stack([ix, iy]))
    hits = tree.query_ball_point(np.column_stack([tx, ty]), r=radius)
    pairs = pd.DataFrame({
        "station_id": np.repeat(targets["station_id"].to_numpy(dtype=object), [len(h) for h in hits]),
        "row": np.concatenate([np.asarray(h, dtype=int) for h in hits]) if len(hits) else np.array([], dtype=int),
    }).drop_duplicates()  # an incident near a station and its entrance counts once there
    rows = placed.reset_index(drop=True)
    pairs["period"] = rows["period"].to_numpy(dtype=object)[pairs["row"].to_numpy()]
    pairs["category"] = rows["category"].to_numpy(dtype=object)[pairs["row"].to_numpy()]
    counts = pairs.groupby("station_id").size().rename("incidents")
    period = pairs.assign(period=pairs["period"].fillna("period_unknown")).pivot_table(
        index="station_id", columns="period", values="row", aggfunc="count", fill_value=0)
    cats = pairs.pivot_table(index="station_id", columns="category", values="row", aggfunc="count", fill_value=0)
    cats.columns = [f"category:{c}" for c in cats.columns]
    table = out.set_index("station_id").join(counts).join(period).join(cats)
    for col in zeros:
        table[col] = table[col].fillna(0).astype(int) if col in table else 0
    return table.reset_index()[["station_id", "name", *zeros]].sort_values(["name", "station_id"], kind="stable").reset_index(drop=True)
