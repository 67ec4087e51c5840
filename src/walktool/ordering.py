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
    import pandas as pd

    keys = []
    for name in columns:
        if name not in frame:
            continue
        codes, uniques = pd.factorize(frame[name], sort=True)
        keys.append(np.where(codes < 0, len(uniques), codes))
    if not keys:
        return np.arange(len(frame))
    return np.lexsort(keys[::-1])
