"""The GeoPackage export: layers ``observations`` and ``stations`` (points), ``recommendations`` (attributes), QGIS styles.

Written by GDAL (pyogrio), so QGIS reads spatial indexes, extents and field types as
it expects; then the ``layer_styles`` table (:mod:`walktool.export.styles`) makes
stations graduated by score and observations categorised by severity the layers'
default styles.  Values are exact: no formula escaping (that is for CSV).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from walktool.export.styles import OBSERVATIONS_BY_SEVERITY, STATIONS_BY_SCORE, write_layer_styles

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def write_gpkg(
    observations: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, recommendations: pd.DataFrame, path: Path, *, lang: str = "fr"
) -> Path:
    """Write the three layers and their default styles to a new GeoPackage ``path`` (replaced if it exists)."""
    import sqlite3
    from contextlib import closing

    import pyogrio

    if path.exists():
        path.unlink()
    observations.to_file(path, layer="observations", driver="GPKG", engine="pyogrio")
    stations.to_file(path, layer="stations", driver="GPKG", engine="pyogrio", mode="a")
    if len(recommendations):
        pyogrio.write_dataframe(recommendations, path, layer="recommendations", driver="GPKG", append=True)
    with closing(sqlite3.connect(path)) as con, con:
        write_layer_styles(con.execute, {"stations": STATIONS_BY_SCORE, "observations": OBSERVATIONS_BY_SEVERITY}, lang=lang)
    return path
