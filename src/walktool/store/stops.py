"""Tidy observations split into stops (one per distinct context) and answers, column-wise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from walktool.store.frames import to_arrow
from walktool.store.gpkg_ddl import ANSWERS, STOPS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa


def stop_groups(frame: pd.DataFrame) -> tuple[pa.Table, pa.Array, np.ndarray]:
    """``(stops, their stop ids, each row's stop)`` of a tidy observations frame.

    Rows with the same context (every stop column) share a stop; a stop's id is the
    hash of its content, so the same context gets the same stop on re-import (the
    rule of every backend).  ``stops`` holds ``stop_id`` and the stop columns, one row
    per stop in order of first appearance; the third value is each row's position in it.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    stop_cols = [c for c in STOPS.columns if c.name != "stop_id"]
    context = frame.reindex(columns=[c.name for c in stop_cols])
    # rows with the same context share a stop.  A stop's answers come in runs (one record's rows
    # are adjacent), so the runs are found first, by comparing each row with the one before ...
    n = len(context)
    starts = np.zeros(n, dtype=bool)
    if n:
        starts[0] = True
        for name in context.columns:
            values = context[name].to_numpy()
            differs = values[1:] != values[:-1]
            if differs.any():
                missing = pd.isna(values)
                differs &= ~(missing[1:] & missing[:-1])  # two missing values are the same context
            starts[1:] |= differs
    heads = np.flatnonzero(starts)
    # ... then the runs' first rows are grouped column by column (codes, not strings)
    group_of_run = np.zeros(len(heads), dtype="int64")
    for name in context.columns:
        codes, uniques = pd.factorize(context[name].iloc[heads])
        group_of_run = pd.factorize(group_of_run * (len(uniques) + 1) + (codes + 1))[0]
    group = group_of_run[np.cumsum(starts) - 1] if n else group_of_run
    _, first = np.unique(group, return_index=True)
    # ... and a stop's id is the hash of its content (the same context gets the same stop on re-import)
    key = pd.util.hash_pandas_object(context.iloc[first], index=False).to_numpy()
    ids = pa.array([f"{k:016x}" for k in key.tolist()], type=pa.string())
    stops = to_arrow(context.iloc[first], stop_cols, "observations").add_column(0, "stop_id", ids)
    return stops, ids, group


def split_observations(frame: pd.DataFrame) -> tuple[pa.Table, pa.Array, pa.Table]:
    """``(stops, stop_id of every row, answers)`` of a tidy observations frame (see :func:`stop_groups`)."""
    import pyarrow as pa

    stops, ids, group = stop_groups(frame)
    answers = to_arrow(frame, [c for c in ANSWERS.columns if c.name != "stop_fid"], "observations")
    return stops, ids.take(pa.array(group)), answers
