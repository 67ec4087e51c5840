"""Parquet files: GeoParquet observations and stations, Parquet recommendations, every column typed.

Types come from the store's schema (:mod:`walktool.store.schema`), never from the
values: DATETIME columns are Arrow timestamps in UTC (``timestamp[us, tz=UTC]``),
DATE columns ``date32``, REAL ``float64``, INTEGER ``int64``, BOOLEAN ``bool``, TEXT
``string``; a column with no value at all keeps its declared type instead of Arrow's
``null``.  Text columns with few distinct values (station, zone, item…) are written
dictionary-encoded (Parquet's default), so an archive of millions of answers stays small.
Point layers are GeoParquet 1.0 (WKB geometry, ``geo`` metadata with the CRS) through
geopandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.store.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# columns an export adds to the store's: their SQL type
EXTRA_TYPES = {
    "protocol": "TEXT",
    "rules_hash": "TEXT",
    "lat": "REAL",
    "lon": "REAL",
    "observations": "INTEGER",
    "participants": "INTEGER",
    "walks": "INTEGER",
    "low_confidence": "BOOLEAN",
    "score": "REAL",
    "name": "TEXT",
    "findings_low": "INTEGER",
    "findings_medium": "INTEGER",
    "findings_high": "INTEGER",
    "findings_critical": "INTEGER",
    "fast_track": "BOOLEAN",
    "to_verify": "BOOLEAN",
    "minority": "BOOLEAN",
}


def sql_types(table: str) -> dict[str, str]:
    """Column name → SQL type of a store table, with the columns exports add."""
    return EXTRA_TYPES | {c.name: c.type for c in TABLES[table].columns}


def arrow_type(kind: str) -> pa.DataType:
    """The Arrow type an exported column of SQL type ``kind`` is written as."""
    import pyarrow as pa

    return {
        "REAL": pa.float64(),
        "INTEGER": pa.int64(),
        "BOOLEAN": pa.bool_(),
        "DATETIME": pa.timestamp("us", tz="UTC"),
        "DATE": pa.date32(),
    }.get(kind, pa.string())


def typed_column(series: pd.Series, kind: str) -> pd.Series:
    """``series`` as a pandas column backed by the Arrow type of ``kind`` (missing values stay missing)."""
    import pandas as pd
    import pyarrow as pa

    target = arrow_type(kind)
    if kind == "DATETIME":
        values: Any = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    elif kind == "DATE":
        values = pd.to_datetime(series, errors="coerce", format="ISO8601").dt.date
    elif kind in ("REAL", "INTEGER", "BOOLEAN"):
        values = series if series.dtype.kind in "fiub" or str(series.dtype) in ("boolean", "Int64", "Float64") else pd.to_numeric(series, errors="coerce")
        if kind == "BOOLEAN" and values.dtype.kind != "b":
            values = values.astype("Float64").astype("boolean")
        elif kind == "INTEGER" and values.dtype.kind == "f":
            values = values.astype("Int64")
    else:
        values = series.where(series.isna(), series.astype(str)) if series.dtype.kind != "O" else series
    array = pa.array(values, type=target, from_pandas=True)
    return pd.Series(pd.arrays.ArrowExtensionArray(array), index=series.index, name=series.name)


def typed_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Every column of ``frame`` (but the geometry) Arrow-typed by the schema of ``table`` (TEXT when unknown)."""
    types = sql_types(table)
    geometry = getattr(frame, "_geometry_column_name", None)
    out = frame.copy(deep=False)
    for name in frame.columns:
        if name == geometry:
            continue
        out[name] = typed_column(frame[name], types.get(str(name), "REAL" if frame[name].dtype.kind == "f" else "TEXT"))
    return out


def write_parquet(frame: pd.DataFrame, path: Path, table: str) -> Path:
    """Write ``frame`` (a GeoDataFrame writes GeoParquet) typed by the schema of ``table``."""
    typed = typed_frame(frame, table)
    typed.to_parquet(path, index=False, compression="zstd")
    return path
