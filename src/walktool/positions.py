"""Positions given in another coordinate reference system, turned into WGS84 degrees.

A mapping file (``--map``) can name easting / northing columns in any CRS pyproj
knows (``crs: EPSG:32188`` for MTM zone 8, a UTM zone …) or a WKT / EWKT ``POINT``
column; these functions read such cells as spreadsheets write them (``302 145,5``)
and transform them, column-wise.  A cell that is not a position is a
``bad-coordinates`` warning (the row is then placed by its station).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_WKT_POINT = re.compile(
    r"^\s*(?:SRID=(?P<srid>\d+)\s*;)?\s*POINT\s*(?:ZM|Z|M)?\s*\(\s*(?P<x>[-+]?[\d.]+(?:[eE][-+]?\d+)?)[\s,]+(?P<y>[-+]?[\d.]+(?:[eE][-+]?\d+)?)",
    re.IGNORECASE,
)


def number(text: str) -> float:
    """A number as spreadsheets write it: ``302 145,5``, ``302145.5``, ``5,040,123.0``; NaN when not one."""
    t = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in t and "." in t:
        t = t.replace(",", "")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return float("nan")


def to_degrees(x: pd.Series, y: pd.Series, crs: str) -> tuple[pd.Series, pd.Series]:
    """Transform ``x`` / ``y`` (easting / northing, or lon / lat) from ``crs`` to WGS84 (lat, lon); NaN stays NaN."""
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    lat = pd.Series(np.nan, index=x.index)
    lon = pd.Series(np.nan, index=x.index)
    ok = x.notna() & y.notna()
    if ok.any():
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lo, la = transformer.transform(x[ok].to_numpy(float), y[ok].to_numpy(float))
        lo, la = np.asarray(lo, dtype=float), np.asarray(la, dtype=float)
        good = np.isfinite(lo) & np.isfinite(la) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)
        lat[ok] = np.where(good, la, np.nan)
        lon[ok] = np.where(good, lo, np.nan)
    return lat, lon


def projected_positions(
    x_text: pd.Series, y_text: pd.Series, crs: str, col: Any, rows: pd.Series, sheet: pd.Series, column: str
) -> tuple[pd.Series, pd.Series]:
    """Positions from x / y columns in the mapping's CRS, as (lat, lon) in degrees."""
    x = x_text.map(lambda v: number(v) if v else float("nan")).astype(float)
    y = y_text.map(lambda v: number(v) if v else float("nan")).astype(float)
    lat, lon = to_degrees(x, y, crs)
    bad = (x_text.ne("") | y_text.ne("")) & lat.isna()
    for idx in x_text.index[bad]:
        col.add(
            "bad-coordinates",
            f"({x_text.at[idx]!r}, {y_text.at[idx]!r}) is not a position in {crs} (the mapping's crs): x and y must"
            " be numbers in that system's units; the row is placed by its station",
            "warning", rows.at[idx], sheet.at[idx], column, f"{x_text.at[idx]}, {y_text.at[idx]}",
        )
    return lat, lon


def wkt_positions(
    text: pd.Series, crs: str | None, col: Any, rows: pd.Series, sheet: pd.Series, column: str
) -> tuple[pd.Series, pd.Series]:
    """Positions from a WKT / EWKT ``POINT`` column (in the mapping's crs, or the EWKT SRID, else WGS84)."""
    import numpy as np
    import pandas as pd

    lat = pd.Series(np.nan, index=text.index)
    lon = pd.Series(np.nan, index=text.index)
    parts = text.str.extract(_WKT_POINT.pattern, flags=re.IGNORECASE)
    x = parts["x"].map(lambda v: number(v) if isinstance(v, str) else float("nan")).astype(float)
    y = parts["y"].map(lambda v: number(v) if isinstance(v, str) else float("nan")).astype(float)
    srid = parts["srid"].where(parts["srid"].notna(), None)
    systems = srid.map(lambda v: f"EPSG:{v}" if v and not crs else (crs or "EPSG:4326"))
    for system in sorted(set(systems)):
        mine = systems.eq(system) & x.notna()
        if not mine.any():
            continue
        la, lo = to_degrees(x[mine], y[mine], system)
        lat[mine], lon[mine] = la, lo
    filled = text.ne("") & ~text.str.strip().str.upper().str.endswith("EMPTY")
    for idx in text.index[filled & lat.isna()]:
        col.add(
            "bad-coordinates",
            f"{text.at[idx]!r} is not a WKT POINT walktool can place (e.g. 'POINT (-73.5673 45.5017)' in degrees,"
            f" or in the mapping's crs); the row is placed by its station",
            "warning", rows.at[idx], sheet.at[idx], column, text.at[idx],
        )
    return lat, lon
