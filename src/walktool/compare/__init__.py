"""Change between two campaigns: station scores before / after, tested on walks, and findings.

* :func:`compare` — the whole comparison of two campaigns of a project
  (``walktool compare``); :mod:`walktool.compare.core` explains the method;
* :func:`station_changes` — the same figures for any two observation frames;
* :mod:`walktool.compare.stats` — the unit tables, bootstrap, permutation test and
  multiple-testing correction;
* :func:`write_compare_workbook`, :func:`write_compare_map` — for people.
"""

from __future__ import annotations

from walktool.compare.core import UNITS, Comparison, comparable_items, compare, station_changes
from walktool.compare.findings import findings_change
from walktool.compare.map import write_compare_map
from walktool.compare.stats import (
    ADJUST_METHODS,
    ALPHA,
    PERMUTATIONS,
    RESAMPLES,
    adjust,
    permutation_p,
    smallest_p,
)
from walktool.compare.workbook import write_compare_workbook

__all__ = [
    "ADJUST_METHODS",
    "ALPHA",
    "PERMUTATIONS",
    "RESAMPLES",
    "UNITS",
    "Comparison",
    "adjust",
    "comparable_items",
    "compare",
    "findings_change",
    "permutation_p",
    "smallest_p",
    "station_changes",
    "write_compare_map",
    "write_compare_workbook",
]
