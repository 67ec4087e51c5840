"""Tidy observations split into stops (one per distinct context) and answers, column-wise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from walktool.store.frames import to_arrow
from walktool.store.gpkg_ddl import ANSWERS, STOPS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def split_observations(frame: pd.DataFrame) -> tuple[pa.Table, pa.Array, pa.Table]:
    """``(stops, stop_id of every row, answers)`` of a tidy observations frame.

    Rows with the same context (every stop column) share a stop; a stop's id is the
    hash of its content, so the same context gets the same stop on re-import (the
    GeoPackage store's rule, kept identical for every backend).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    stop_cols = [c for c in STOPS.columns if c.name != "stop_id"]
    context = frame.reindex(columns=[c.name for c in stop_cols])
    group = np.zeros(len(context), dtype="int64")
    for name in context.columns:
        codes, uniques = pd.factorize(context[name])
        group = pd.factorize(group * (len(uniques) + 1) + (codes + 1))[0]
    _, first = np.unique(group, return_index=True)
    key = pd.util.hash_pandas_object(context.iloc[first], index=False).to_numpy()
    ids = pa.array([f"{k:016x}" for k in key.tolist()], type=pa.string())
    stop_id = ids.take(pa.array(group))
    stops = to_arrow(context.iloc[first], stop_cols, "observations").add_column(0, "stop_id", ids)
    answers = to_arrow(frame, [c for c in ANSWERS.columns if c.name != "stop_fid"], "observations")
    return stops, stop_id, answers
