"""The findings of an archive-scale map, grouped: one marker per place instead of one per finding.

Above :data:`GROUP_ABOVE` findings on a map (an archive of years, a multi-city study:
hundreds of thousands of findings), one marker per finding is both slow to draw and
unreadable.  The findings are then grouped per **station × zone × principle × period**
(principle and period are in the key so that the layer control's principle and day /
night toggles still show and hide whole groups); a finding without a station is grouped
with those of its zone in the same cell of about 100 m (its position rounded to three
decimals).  Each group is one marker at the mean position of its findings, coloured by
its most severe finding, with its number of findings; its clusters count the findings,
not the markers.  Its popup gives the counts by severity and lists the
:data:`GROUP_LISTED` most severe findings (heavier severity first, then the most
recent, then the order of the store), each with its answer, date, comment and photo.

Below the threshold (a campaign) every finding keeps its own marker and popup.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.maps.labels import texts, tr
from walktool.maps.popups import findings_tables, severity_order
from walktool.maps.symbols import e

if TYPE_CHECKING:
    from walktool.maps.data import MapData
    from walktool.project import Project

__all__ = ["GROUP_ABOVE", "GROUP_FIELDS", "GROUP_LISTED", "grouped_tables"]

GROUP_ABOVE = 5_000
"""More findings than this on a map: they are grouped (:func:`grouped_tables`)."""
GROUP_LISTED = 10
"""How many of a group's findings its popup lists (the most severe)."""
GROUP_FIELDS = ("counts", "findings", "title")
"""What a group's row carries after :data:`~walktool.maps.popups.ROW_FIELDS`: its counts by
severity (the last one: unknown severity), the rows of its listed findings, and the index
of its popup's heading in the tables' ``groupTitles``."""
_GRID_DECIMALS = 3  # a finding without a station: grouped in a cell of about 100 m


def grouped_tables(data: MapData, project: Project, base: Path, copies: Any = None) -> tuple[dict[str, Any], list[list[Any]]]:
    """The grouped findings' rows and the lookup tables their popups are built from.

    Parameters
    ----------
    data
        What the map shows (its ``findings`` placed).
    project, base, copies
        As for :func:`walktool.maps.popups.findings_tables` (photos of the listed findings).

    Returns
    -------
    tuple
        The tables (as :func:`~walktool.maps.popups.findings_tables` makes them for the
        listed findings, plus ``groupTitles``) and one row per group: the fields of
        :data:`~walktool.maps.popups.ROW_FIELDS` (the mean position; severity, principle,
        period, zone and station of its most severe finding; no label, comment, photo,
        date or answer of its own), then :data:`GROUP_FIELDS`.  Groups are in the order
        of station id, zone, principle and period.
    """
    import numpy as np
    import pandas as pd

    f = data.findings.reset_index(drop=True)
    n = len(f)
    severities = severity_order(data.protocol)
    slots = len(severities) + 1

    def text(name: str) -> pd.Series:
        if name not in f:
            return pd.Series([""] * n, dtype=object)
        return f[name].astype(object).where(f[name].notna(), "").astype(str)

    lat = f["lat"].to_numpy(dtype=float)
    lon = f["lon"].to_numpy(dtype=float)
    cell = (
        "~" + pd.Series(np.round(lat, _GRID_DECIMALS)).astype(str) + "," + pd.Series(np.round(lon, _GRID_DECIMALS)).astype(str)
    )
    station = text("station_id")
    place = station.where(station != "", cell)
    keys = pd.DataFrame({"place": place, "zone": text("zone"), "principle": text("principle"), "period": text("period")})
    gid = keys.groupby(list(keys.columns), sort=True).ngroup().to_numpy(dtype=np.int64)
    groups = int(gid.max()) + 1 if n else 0

    sev = pd.Categorical(f["severity"].astype(object), categories=severities).codes.astype(np.int64)
    weights = np.array([float(data.protocol.severity_weights.get(s, 1.0)) for s in severities] + [0.0])
    weight = weights[np.where(sev >= 0, sev, slots - 1)]
    when = pd.factorize(text("local_time"), sort=True)[0]
    order = np.lexsort((np.arange(n), -when, -weight, gid))  # the group, then the most severe, the latest
    ordered = gid[order]
    first = np.searchsorted(ordered, np.arange(groups))
    rank = np.arange(n) - first[ordered]
    listed = order[rank < GROUP_LISTED]  # still by group, most severe first

    doc, member_rows = findings_tables(replace(data, findings=f.iloc[listed]), project, base, copies)
    counts = np.bincount(gid * slots + np.where(sev >= 0, sev, slots - 1), minlength=groups * slots).reshape(groups, slots)
    size = counts.sum(axis=1)
    mean_lat = np.bincount(gid, weights=lat, minlength=groups) / np.maximum(size, 1)
    mean_lon = np.bincount(gid, weights=lon, minlength=groups) / np.maximum(size, 1)
    shown = np.bincount(gid[listed], minlength=groups)
    starts = np.concatenate([[0], np.cumsum(shown)])

    t = texts(data.lang)
    words = tr(data.lang)
    titles: dict[tuple[int, int], int] = {}
    heading: list[str] = []
    rows: list[list[Any]] = []
    for g in range(groups):
        members = member_rows[int(starts[g]) : int(starts[g + 1])]
        top = members[0]
        total, listed_n = int(size[g]), len(members)
        key = (total, listed_n)
        if key not in titles:
            title = words.npgettext("map", "{n} finding here", "{n} findings here, the most severe first", total).format(n=total)
            if listed_n < total:
                title += " · " + t["group_listed"].format(shown=listed_n)
            titles[key] = len(heading)
            heading.append(e(title))
        row = [round(float(mean_lat[g]), 6), round(float(mean_lon[g]), 6), *top[2:5], -1, top[6], top[7], -1, -1, -1, top[11], -1]
        rows.append([*row, counts[g].tolist(), members, titles[key]])
    doc["groupTitles"] = heading
    return doc, rows
