"""Aggregates computed by the store's own SQL engine, the same SQL on every backend.

Both backends keep the observations as ``stops`` + ``observations`` (answers), so one
query text serves SQLite and PostgreSQL; only the parameter mark differs
(:attr:`SQLAggregates.placeholder`).  What comes back is small (one row per station ×
principle × item, one per stop), never the answers themselves: a summary over ten
million answers does not pull them into Python.

The scores are those of :func:`walktool.analysis.rescore`: an answered item is scored
by the project's current protocol, given as a small *rules* table (one row per
distinct item and answer), so a changed scoring rule applies at once here too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

RULES = "_walktool_rules"
ITEMS = "_walktool_items"


class SQLAggregates(ABC):
    """Mixin of the stores: aggregate queries over the physical stops + observations layout."""

    placeholder = "?"
    _problem_below = 0.0
    _rescore = True

    @abstractmethod
    def _execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        """Run one statement on the backend's connection."""

    @abstractmethod
    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query on the backend's connection and return its rows."""

    def _time_text(self, alias: str, name: str) -> str:
        """A DATETIME column as ISO 8601 text (the GeoPackage keeps it as text already)."""
        return f'{alias}."{name}"'

    def answer_pairs(self, campaign: str | None = None) -> list[tuple[str, str]]:
        """Distinct (item, answer) pairs answered (in one campaign, or all): what the rules must score."""
        where, params = self._campaign(campaign)
        return [(str(i), str(a)) for i, a in self._rows(
            f'SELECT DISTINCT o."item", o."answer" FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid'
            f' WHERE o."item" IS NOT NULL AND o."answer" IS NOT NULL{where}', params,
        )]

    def item_sums(
        self, rules: list[tuple[str, str, float | None, bool]], scored_items: list[str], campaign: str | None, keys: list[str],
        *, rescore: bool = True,
    ) -> list[tuple[Any, ...]]:
        """``(*keys, principle, item, answers, sum of scores)`` of the scored answers, by ``keys`` (stop columns).

        ``rules`` gives the score and not-applicable flag of each (item, answer);
        answers without an answer text (findings) keep their stored score.  Only
        answers at a station count, as in a summary.
        """
        items: list[tuple[str, bool, str | None]] = [(i, True, None) for i in scored_items]
        with self.scoring(rules, items, problem_below=0.0, rescore=rescore):
            return self.cube(keys, campaign, "scores")

    @contextmanager
    def scoring(
        self, rules: list[tuple[str, str, float | None, bool]], items: list[tuple[str, bool, str | None]], problem_below: float,
        *, rescore: bool = True,
    ) -> Iterator[None]:
        """Within the block, :meth:`cube` scores answers by ``rules`` (item, answer → score, N/A) and ``items``
        (item → scored, default severity), as :func:`walktool.analysis.rescore` does; without ``rescore``
        every answer keeps the score, problem flag and severity it was imported with."""
        self._problem_below = float(problem_below)
        self._rescore = rescore
        self._temp(RULES, "item TEXT, answer TEXT, score DOUBLE PRECISION, is_na BOOLEAN", rules)
        self._temp(ITEMS, "item TEXT, scored BOOLEAN, severity TEXT", items)
        try:
            yield
        finally:
            self._execute(f"DROP TABLE IF EXISTS {RULES}")
            self._execute(f"DROP TABLE IF EXISTS {ITEMS}")

    def _temp(self, name: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        mark = self.placeholder
        self._execute(f"DROP TABLE IF EXISTS {name}")
        self._execute(f"CREATE TEMP TABLE {name} ({columns})")
        width = columns.count(",") + 1
        for start in range(0, len(rows), 200):
            chunk = rows[start : start + 200]
            values = ", ".join("(" + ", ".join(mark for _ in range(width)) + ")" for _ in chunk)
            self._execute(f"INSERT INTO {name} VALUES {values}", [self._bind(v) for row in chunk for v in row])

    def _bind(self, value: Any) -> Any:
        """A value as the driver binds it (SQLite: booleans as 0 / 1)."""
        return int(value) if isinstance(value, bool) else value

    def _answers(self) -> str:
        """The answers rescored: stop, principle, item, answer, score, N/A, scored, problem, severity."""
        answered = 'o."answer" IS NOT NULL AND o."item" IS NOT NULL'
        scored = "COALESCE(i.scored, FALSE)"
        if self._rescore:
            score = f'CASE WHEN {answered} THEN r.score ELSE o."score" END'
            na = f'CASE WHEN {answered} THEN COALESCE(r.is_na, FALSE) ELSE COALESCE(o."is_na", FALSE) END'
            problem = f'COALESCE(({scored} AND {score} < {self._problem_below!r}) OR (o."is_problem" AND NOT ({answered})), FALSE)'
            severity = "COALESCE(o.\"severity\", i.severity, 'medium')"
        else:  # the rules each answer was imported with
            score, na, problem, severity = 'o."score"', 'COALESCE(o."is_na", FALSE)', 'COALESCE(o."is_problem", FALSE)', 'o."severity"'
        return (
            f'SELECT o.fid, o.stop_fid, o."principle" AS principle, o."item" AS item, o."answer" AS answer, {score} AS score,'
            f' {na} AS na, {scored} AS scored, {problem} AS problem, {severity} AS severity'
            f' FROM "observations" o LEFT JOIN {RULES} r ON r.item = o."item" AND r.answer = o."answer"'
            f' LEFT JOIN {ITEMS} i ON i.item = o."item"'
        )

    def cube(self, keys: list[str], campaign: str | None, kind: str) -> list[tuple[Any, ...]]:
        """Counts of the rescored answers at a station, by ``keys`` (stop columns) and:

        * ``scores``: principle, item → scored answers, sum of their scores;
        * ``findings``: principle, severity → problems;
        * ``feelings``: item, answer → answers, sum and count of scores (feeling, alone at night).
        """
        group = [f's."{k}"' for k in keys]
        if kind == "scores":
            group += ["a.principle", "a.item"]
            measures, cond = "COUNT(*), SUM(a.score)", "a.scored AND a.score IS NOT NULL AND NOT a.na"
        elif kind == "findings":
            group += ["a.principle", "a.severity"]
            measures, cond = "COUNT(*)", "a.problem"
        else:
            group += ["a.item", "a.answer"]
            measures, cond = "COUNT(*), SUM(a.score), COUNT(a.score)", "a.item IN ('feeling', 'alone_at_night')"
        where, params = self._campaign(campaign)
        cols = ", ".join(group)
        return self._rows(
            f'SELECT {cols}, {measures} FROM ({self._answers()}) a JOIN "stops" s ON s.fid = a.stop_fid'
            f' WHERE {cond} AND s."station_id" IS NOT NULL{where} GROUP BY {cols}',
            params,
        )

    def station_stops(self, campaign: str | None) -> list[tuple[Any, ...]]:
        """One row per stop at a station, in the order of their first answer, with its answer count.

        ``(station_id, station_name, campaign, walk_id, participant, zone, observed_at, local_time, period, answers, fid)``:
        what sample sizes (participants, walks) are counted from.
        """
        where, params = self._campaign(campaign)
        return self._rows(
            f'SELECT s."station_id", s."station_name", s."campaign", s."walk_id", s."participant", s."zone",'
            f' {self._time_text("s", "observed_at")}, s."local_time", s."period", n.answers, s.fid'
            f' FROM "stops" s JOIN (SELECT stop_fid, COUNT(*) AS answers, MIN(fid) AS first FROM "observations"'
            f' GROUP BY stop_fid) n ON n.stop_fid = s.fid WHERE s."station_id" IS NOT NULL{where} ORDER BY n.first',
            params,
        )

    def _campaign(self, campaign: str | None) -> tuple[str, list[Any]]:
        if campaign is None:
            return "", []
        return f' AND s."campaign" = {self.placeholder}', [campaign]
