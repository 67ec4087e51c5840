"""The answers of a GeoPackage store read column-wise: a few typed columns, each stop's values once.

Grouping 1.3 M answers by text keys in SQLite sorts them (about 1.6 s a query, and a
summary runs five); reading the few columns a summary needs through GDAL's Arrow
reader takes 0.35 s and grouping them by integer codes in pandas a fraction of that.
:func:`answer_columns` is that read; :mod:`walktool.answer_cubes` groups it.  The
PostGIS store keeps its aggregates in SQL (:mod:`walktool.store.aggregates`): there
the server groups and only the cubes cross the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

STOP_COLUMNS = ["station_id", "station_name", "campaign", "walk_id", "participant", "zone", "observed_at", "local_time", "period"]
ANSWER_COLUMNS = ["principle", "item", "answer", "score", "is_na", "is_problem", "severity"]


@dataclass
class AnswerColumns:
    """The answers of one campaign (or all), column-wise.

    Attributes
    ----------
    stops
        One row per stop holding at least one answer, in ``fid`` order: ``fid`` and
        :data:`STOP_COLUMNS` (text as Python objects, missing as None).
    answers
        One row per answer, in ``fid`` order: ``fid``, ``stop_fid`` and the answer
        columns asked for (Arrow; booleans as booleans).
    at
        For each answer, the row of its stop in ``stops``.
    """

    stops: pd.DataFrame
    answers: pa.Table
    at: np.ndarray


def columnar(store: Any) -> bool:
    """Whether ``store`` reads its answers column-wise (a GeoPackage) rather than aggregating in SQL."""
    from walktool.store.gpkg import GeoPackageStore

    return isinstance(store, GeoPackageStore)


def answer_columns(
    store: Any, campaign: str | None, columns: list[str] | None = None, stop_columns: list[str] | None = None
) -> AnswerColumns:
    """Read the answers of ``campaign`` (None: every campaign) of a GeoPackage store.

    Parameters
    ----------
    store
        A :class:`walktool.store.gpkg.GeoPackageStore`.
    campaign
        The campaign, or None for all.
    columns
        Answer columns to read (default :data:`ANSWER_COLUMNS`).
    stop_columns
        Stop columns to read beside :data:`STOP_COLUMNS` (``lat``, ``lon``…).

    Returns
    -------
    AnswerColumns
        Stops, answers and the stop of each answer.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from walktool.store import gpkg_ddl as ddl

    wanted = columns or ANSWER_COLUMNS
    stop_where = {"campaign": campaign} if campaign is not None else {}
    answer_cols = [c for c in ddl.ANSWERS.columns if c.name in wanted]
    if store._depth == 0:
        _, answers = store._read_parts_gdal(stop_where, {}, [], answer_cols)
    else:  # inside a transaction: this connection sees what it has not committed yet
        _, answers = store._read_parts(stop_where, {}, [], answer_cols)
    for name in ("is_na", "is_problem"):
        if name in answers.column_names and not pa.types.is_boolean(answers.schema.field(name).type):
            index = answers.column_names.index(name)
            answers = answers.set_column(index, name, pc.not_equal(answers[name].cast(pa.int64()), 0))
    clause, params = store._where(stop_where)
    extra = [c for c in stop_columns or [] if c not in STOP_COLUMNS]
    cols = ", ".join(f'"{c}"' for c in [*STOP_COLUMNS, *extra])
    stops = store._arrow(f'SELECT fid, {cols} FROM "stops"{clause} ORDER BY fid', params).to_pandas()
    texts = [*STOP_COLUMNS, *(c for c in extra if stops[c].dtype.kind not in "fiub")]
    stops = stops.astype(dict.fromkeys(texts, object))
    stops[texts] = stops[texts].where(stops[texts].notna(), None)
    fids = stops["fid"].to_numpy(dtype="int64")
    stop_fid = answers["stop_fid"].to_numpy(zero_copy_only=False).astype("int64")
    at = np.searchsorted(fids, stop_fid)
    used = np.zeros(len(stops), dtype=bool)
    used[at] = True
    if not used.all():  # stops without answers are not observations
        keep = np.flatnonzero(used)
        stops = stops.iloc[keep].reset_index(drop=True)
        at = np.searchsorted(keep, at)
    return AnswerColumns(stops=pd.DataFrame(stops), answers=answers, at=at)
