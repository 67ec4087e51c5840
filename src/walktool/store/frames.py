"""Frames in and out of the store, column-wise: pandas → typed Arrow on write, Arrow → pandas on read.

Values are converted a whole column at a time (pyarrow and numpy), never row by row.
What callers get back is what they always got: text as Python objects (``None`` when
missing), REAL as float64, INTEGER as nullable Int64, BOOLEAN as nullable boolean;
DATETIME and DATE as ISO 8601 text (``2024-05-01T18:30:00Z``, ``2024-05-01``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from walktool.store.schema import Column


def arrow_type(kind: str) -> pa.DataType:
    """The Arrow type a column of SQL type ``kind`` is read and written as."""
    import pyarrow as pa

    return {"REAL": pa.float64(), "INTEGER": pa.int64(), "BOOLEAN": pa.bool_()}.get(kind, pa.string())


def to_arrow(frame: pd.DataFrame, columns: Sequence[Column], table: str) -> pa.Table:
    """The declared columns of ``frame`` as a typed Arrow table (missing columns are NULL)."""
    import pyarrow as pa

    n = len(frame)
    arrays = []
    for col in columns:
        if col.name not in frame.columns:
            if col.not_null:
                msg = Phrase(N_("cannot write {table}: missing column {name!r}"), table=table, name=col.name)
                raise StoreError(msg)
            arrays.append(pa.nulls(n, arrow_type(col.type)))
            continue
        arrays.append(_column(frame[col.name], col.type))
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])


def _column(series: pd.Series, kind: str) -> pa.Array:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if kind in ("REAL", "INTEGER", "BOOLEAN"):
        if series.dtype == bool or str(series.dtype) == "boolean":
            numbers = series.astype("float64")
        else:
            numbers = pd.to_numeric(series.map(_plain) if series.dtype == object else series, errors="coerce").astype("float64")
        values = numbers.to_numpy(dtype="float64", na_value=np.nan)
        mask = np.isnan(values)
        if kind == "REAL":
            return pa.array(values, type=pa.float64(), mask=mask)
        if kind == "INTEGER":
            return pa.array(np.trunc(np.where(mask, 0, values)).astype("int64"), type=pa.int64(), mask=mask)
        return pa.array(np.where(mask, 0, values) != 0, type=pa.bool_(), mask=mask)
    text = _texts(series)
    if kind in ("DATETIME", "DATE"):
        text = _iso(text, date_only=kind == "DATE")
    try:
        return pa.array(text, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array(text.map(_text), type=pa.string(), from_pandas=True)


def _texts(series: pd.Series) -> pd.Series:
    """Text values: numbers, booleans and dates written in a text column become text."""
    if series.dtype.kind in "fiubmM":
        return series.map(_text).astype(object)
    return series


def _text(value: Any) -> str | None:
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars, dates and containers as plain Python values (None for missing)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    with suppress(TypeError, ValueError):
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, int | float | str | bytes):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_TEXT = ("TEXT", "DATETIME", "DATE")
_ISO_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"
_ISO_DATE = r"\d{4}-\d\d-\d\d"


def _iso(text: pd.Series, *, date_only: bool) -> pd.Series:
    """ISO 8601 as a GeoPackage wants it (UTC with ``Z``; or ``YYYY-MM-DD``); unparseable text kept as given."""
    import pandas as pd

    present = text.notna()
    if not present.any():
        return text
    values = text[present].astype(str)
    done = values.str.fullmatch(_ISO_DATE if date_only else _ISO_UTC)
    if done.all():
        return text
    values = values[~done]
    present = present & ~present.index.isin(done.index[done])
    if date_only:
        parsed = pd.to_datetime(values.str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
        out = parsed.dt.strftime("%Y-%m-%d")
    else:
        parsed = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
        whole = parsed.dt.microsecond.eq(0) & parsed.dt.nanosecond.eq(0)
        millis = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"  # GeoPackage: milliseconds
        out = parsed.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(whole, millis)
    result = text.astype(object).copy()
    result[present] = out.where(parsed.notna(), values).to_numpy(dtype=object)
    return result


def to_frame(table: pa.Table, columns: Sequence[Column]) -> pd.DataFrame:
    """A read Arrow table as the frame callers expect (see the module docstring)."""
    import pandas as pd

    index = pd.RangeIndex(table.num_rows)
    data = {}
    for col in columns:
        values = column_values(table.column(col.name), col.type)
        # text stays Python objects (pandas would otherwise infer its Arrow-backed str dtype)
        data[col.name] = pd.Series(values, index=index, dtype=object if col.type in _TEXT else None, copy=False)
    return pd.DataFrame(data, index=index)


def column_values(chunked: pa.ChunkedArray, kind: str) -> Any:
    """One read column as a numpy / pandas array of the caller's dtype."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "REAL":
        return numeric(chunked).to_numpy(zero_copy_only=False)
    if kind in ("INTEGER", "BOOLEAN"):
        values = numeric(chunked)
        floats = pd.array(values.to_numpy(zero_copy_only=False), dtype="Float64")
        if kind == "INTEGER":
            return floats.astype("Int64")
        return (floats != 0).astype("boolean")
    text = chunked.cast(pa.string()) if chunked.type != pa.string() else chunked
    if _mostly_distinct(text):  # ids: one Python string per cell either way, made in one C loop
        return text.to_numpy(zero_copy_only=False)
    # repeated values (stations, items, answers …): one Python string per distinct value, shared
    encoded = pc.dictionary_encode(text).combine_chunks()
    words = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    codes = encoded.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)
    return words.take(codes)


_SAMPLE = 4096


def _mostly_distinct(text: pa.ChunkedArray) -> bool:
    """Whether most of a text column's first values differ (an id column rather than a code)."""
    import pyarrow.compute as pc

    n = len(text)
    if n < 2 * _SAMPLE:
        return False
    head = text.slice(0, _SAMPLE)
    return int(pc.count_distinct(head).as_py()) > _SAMPLE // 2


def numeric(chunked: pa.ChunkedArray) -> pa.Array:
    """A column read as float64 (text that is not a number becomes null)."""
    import pandas as pd
    import pyarrow as pa

    try:
        return chunked.cast(pa.float64()).combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(chunked.to_pylist(), dtype=object), errors="coerce")
        return pa.array(values.to_numpy(dtype="float64"), type=pa.float64(), from_pandas=True)


def typed(table: pa.Table, columns: Sequence[Column]) -> pa.Table:
    """A read Arrow table with its declared types (the driver infers them from the values)."""
    import pyarrow as pa

    arrays = []
    for col in columns:
        chunked = table.column(col.name)
        want = arrow_type(col.type)
        if chunked.type == want:
            arrays.append(chunked.combine_chunks())
        elif col.type in ("REAL", "INTEGER", "BOOLEAN"):
            values = numeric(chunked)
            arrays.append(values.cast(want, safe=False) if col.type != "BOOLEAN" else _booleans(values))
        else:
            arrays.append(chunked.cast(pa.string()).combine_chunks())
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])


def _booleans(values: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    return pc.not_equal(values, 0)
