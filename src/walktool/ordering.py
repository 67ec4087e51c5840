"""Row order of a frame by several keys, computed on integer codes (no sorted copy of the frame)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def stable_order(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Positions of ``frame``'s rows sorted by ``columns``, ascending, missing values last.

    The same order as ``frame.sort_values(columns, na_position="last", kind="stable")``:
    each key is factorized once with its distinct values sorted, and the integer codes are
    sorted with :func:`numpy.lexsort` (stable).  Much faster than sorting text columns of
    an archive's million rows, and it holds no second copy of the frame.

    Parameters
    ----------
    frame
        Any frame; columns it lacks are ignored.
    columns
        Sort keys, most significant first.

    Returns
    -------
    numpy.ndarray
        Integer positions (``frame.iloc[order]`` is the sorted frame).
    """
    import numpy as np

    present = [name for name in columns if name in frame]
    if not present:
        return np.arange(len(frame))
    arrow = _arrow_order(frame, present)
    if arrow is not None:
        return arrow
    import pandas as pd

    keys = []
    for name in present:
        codes, uniques = pd.factorize(frame[name], sort=True)
        keys.append(np.where(codes < 0, len(uniques), codes))
    return np.lexsort(keys[::-1])


def _arrow_order(frame: pd.DataFrame, columns: list[str]) -> np.ndarray | None:
    """The same order by Arrow's stable multi-key sort (text compared as UTF-8 bytes = code points); None when
    a column does not convert to one Arrow type (mixed Python values: sorted as pandas does instead)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {}
    for n, name in enumerate(columns):
        try:
            arrays[f"k{n}"] = pa.array(frame[name], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            return None
        if pa.types.is_null(arrays[f"k{n}"].type):
            del arrays[f"k{n}"]  # all missing: no order
    if not arrays:
        import numpy as np

        return np.arange(len(frame))
    table = pa.table(arrays)
    try:  # pyarrow ≥ 20: null placement per key
        order = pc.sort_indices(table, sort_keys=[(k, "ascending", "at_end") for k in arrays])
    except (TypeError, ValueError, pa.ArrowInvalid):
        order = pc.sort_indices(table, sort_keys=[(k, "ascending") for k in arrays], null_placement="at_end")
    return order.to_numpy().astype("int64")


def text_order(values: pd.Series) -> np.ndarray:
    """The positions that sort ``values`` (text, missing last) stably, by Arrow's sort rather than Python's comparisons.

    The order of ``values.sort_values(kind="stable", na_position="last")`` for text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values.astype(object), type=pa.string(), from_pandas=True)
    return pc.array_sort_indices(array, order="ascending", null_placement="at_end").to_numpy().astype("int64")
