"""How the GeoPackage store reads its observations: stops and answers apart, joined by position.

The tidy ``observations`` table is kept as *stops* (each walk stop's context once) and
*answers* (:mod:`walktool.store.gpkg_ddl`).  Outside a transaction the two are read through
GDAL's Arrow reader (the fastest column-wise path); inside one, through the store's own
connection, which sees what it has not committed yet.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.store import gpkg_ddl as ddl
from walktool.store.base import Where, check_columns, table
from walktool.store.frames import to_frame, typed
from walktool.store.schema import Column
from walktool.store.sql import literal_condition

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

STOP_NAMES = {c.name for c in ddl.STOPS.columns}
"""The observation columns kept once per stop (the rest are the answer's)."""


def _split(where: dict[str, Any], wanted: list[Column]) -> tuple[dict[str, Any], dict[str, Any], list[Column], list[Column]]:
    """Filters and columns split into the stop's and the answer's."""
    stop_where = {k: v for k, v in where.items() if k in STOP_NAMES}
    answer_where = {k: v for k, v in where.items() if k not in STOP_NAMES}
    stop_cols = [c for c in wanted if c.name in STOP_NAMES]
    answer_cols = [c for c in wanted if c.name not in STOP_NAMES]
    return stop_where, answer_where, stop_cols, answer_cols


class ObservationReads:
    """Mixin of :class:`~walktool.store.gpkg.GeoPackageStore`: the observations read column-wise."""

    path: Path
    _depth: int

    @abstractmethod
    def _arrow(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> pa.Table:
        """One query's result as Arrow."""

    @abstractmethod
    def _where(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        """A WHERE clause and its parameters for equality filters."""

    @abstractmethod
    def _conditions(self, where: dict[str, Any], alias: str | None) -> tuple[list[str], list[Any]]:
        """SQL conditions and their parameters for equality filters."""

    def _read_observations(self, where: dict[str, Any], wanted: list[Column]) -> pd.DataFrame:
        """Stops and answers read apart (each stop's values once), joined by position."""
        import numpy as np
        import pandas as pd

        stop_where, answer_where, stop_cols, answer_cols = _split(where, wanted)
        if self._depth == 0 and sum(len(v) for v in where.values() if isinstance(v, list | tuple | set)) < 5000:
            stops, answers = self._read_parts_gdal(stop_where, answer_where, stop_cols, answer_cols)
        else:  # inside a transaction: this connection sees what it has not committed yet
            stops, answers = self._read_parts(stop_where, answer_where, stop_cols, answer_cols)
        stop_fids = stops.column("fid").to_numpy(zero_copy_only=False).astype("int64")
        at = np.searchsorted(stop_fids, answers.column("stop_fid").to_numpy(zero_copy_only=False).astype("int64"))
        stop_frame = to_frame(typed(stops, stop_cols), stop_cols) if stop_cols else None
        answer_frame = to_frame(typed(answers, answer_cols), answer_cols)
        data: dict[str, Any] = {}
        for col in wanted:
            if stop_frame is not None and col.name in STOP_NAMES:
                values = stop_frame[col.name]
                taken = values.to_numpy().take(at) if len(values) else values.to_numpy()[:0]
                data[col.name] = pd.Series(taken, dtype=values.dtype, copy=False)
            else:
                data[col.name] = answer_frame[col.name]
        return pd.DataFrame(data, index=pd.RangeIndex(answers.num_rows), copy=False)

    def read_observation_parts(self, where: Where = None, columns: list[str] | None = None) -> tuple[pa.Table, pa.Table]:
        """The observations as their two typed Arrow parts, unjoined: stops and answers, in store order.

        ``stops`` has ``fid`` and the stop-level columns asked for, ``answers`` has
        ``stop_fid`` and the answer-level ones; each answer's stop is the stop whose
        ``fid`` is its ``stop_fid``.  What an export reads to join column-wise (each stop's
        values once, as a dictionary) instead of one Python object per answer.
        """
        t = table("observations")
        wanted = [t.column(n) for n in columns] if columns else list(t.columns)
        check_columns(t, [*(c.name for c in wanted), *(where or {})])
        stop_where, answer_where, stop_cols, answer_cols = _split(where or {}, wanted)
        read = self._read_parts_gdal if self._depth == 0 else self._read_parts
        stops, answers = read(stop_where, answer_where, stop_cols, answer_cols)
        stops = typed(stops, [Column("fid", "INTEGER"), *stop_cols])
        answers = typed(answers, [Column("stop_fid", "INTEGER"), *answer_cols])
        return stops, answers

    def _read_parts_gdal(
        self, stop_where: dict[str, Any], answer_where: dict[str, Any], stop_cols: list[Column], answer_cols: list[Column]
    ) -> tuple[pa.Table, pa.Table]:
        """Stops and answers through GDAL's Arrow reader (the fastest column-wise path; outside transactions)."""
        import pyarrow.compute as pc
        import pyogrio

        stop_sql = " AND ".join(literal_condition(k, v) for k, v in stop_where.items())
        _, stops = pyogrio.read_arrow(
            self.path, layer="stops", columns=[c.name for c in stop_cols], read_geometry=False,
            where=stop_sql or None, datetime_as_string=True, return_fids=True,
        )
        conditions = [literal_condition(k, v) for k, v in answer_where.items()]
        if stop_sql:
            conditions.append(f'"stop_fid" IN (SELECT fid FROM "stops" WHERE {stop_sql})')
        _, answers = pyogrio.read_arrow(
            self.path, layer="observations", columns=["stop_fid", *(c.name for c in answer_cols)], read_geometry=False,
            where=" AND ".join(conditions) or None, return_fids=True,
        )
        if len(stops) > 1 and not pc.all(pc.greater(stops["fid"][1:], stops["fid"][:-1])).as_py():
            stops = stops.sort_by("fid")
        if len(answers) > 1 and not pc.all(pc.greater(answers["fid"][1:], answers["fid"][:-1])).as_py():
            answers = answers.sort_by("fid")
        return stops, answers

    def _read_parts(
        self, stop_where: dict[str, Any], answer_where: dict[str, Any], stop_cols: list[Column], answer_cols: list[Column]
    ) -> tuple[pa.Table, pa.Table]:
        """Stops and answers through this connection (ADBC)."""
        clause, params = self._where(stop_where)
        stops = self._arrow(f'SELECT fid, {ddl.quoted([c.name for c in stop_cols] or ["stop_id"])} FROM "stops"{clause} ORDER BY fid', params)
        conditions, a_params = self._conditions(answer_where, "o")
        if stop_where:
            inner, s_params = self._conditions(stop_where, "s")
            conditions.append(f'o.stop_fid IN (SELECT s.fid FROM "stops" s WHERE {" AND ".join(inner)})')
            a_params += s_params
        a_clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        selected = ", ".join(["o.stop_fid", *(f'o."{c.name}"' for c in answer_cols)])
        answers = self._arrow(f'SELECT {selected} FROM "observations" o{a_clause} ORDER BY o.fid', a_params)
        return stops, answers
