"""walktool.ordering: the codes-and-Arrow orders equal pandas' stable sort, missing values last."""

from __future__ import annotations

import numpy as np
import pandas as pd

from walktool.ordering import stable_order, text_order


def _pandas_order(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    present = [c for c in columns if c in frame]
    return frame.reset_index(drop=True).sort_values(present, na_position="last", kind="stable").index.to_numpy()


def test_stable_order_is_pandas_stable_sort_on_text_numbers_times_and_gaps() -> None:
    frame = pd.DataFrame({
        "station": ["Monk", "Atwater", None, "Monk", "atwater", "Atwater", "Édouard-Montpetit"],
        "zone": ["hall", "quai", "hall", None, "hall", "hall", "quai"],
        "n": [3.0, np.nan, 1.0, 2.0, 2.0, 1.0, 0.5],
        "at": pd.to_datetime(["2024-05-01", None, "2023-01-01", "2024-05-01", "2023-01-01", "2023-01-01", None], utc=True),
        "empty": [None] * 7,
    })
    for keys in (["station", "zone"], ["zone", "n", "station"], ["at", "station"], ["empty", "n"], ["missing", "station"]):
        assert stable_order(frame, keys).tolist() == _pandas_order(frame, keys).tolist(), keys


def test_a_column_arrow_cannot_type_is_sorted_as_pandas_does() -> None:
    """Periods do not convert to one Arrow type: the factorized fallback gives pandas' order."""
    frame = pd.DataFrame({"period": pd.Series([pd.Period("2024-01"), pd.Period("2023-05"), None, pd.Period("2023-05")], dtype=object),
                          "k": [1, 2, 3, 0]})
    assert stable_order(frame, ["period", "k"]).tolist() == [3, 1, 0, 2]
    assert stable_order(frame, []).tolist() == [0, 1, 2, 3]


def test_text_order_puts_missing_last_and_keeps_ties_in_place() -> None:
    values = pd.Series(["b", None, "a", "b", "A"])
    assert text_order(values).tolist() == values.sort_values(kind="stable", na_position="last").index.tolist()
