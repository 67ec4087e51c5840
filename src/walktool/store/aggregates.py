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

from typing import Any

RULES = "_walktool_rules"


class SQLAggregates:
    """Mixin of the stores: aggregate queries over the physical stops + observations layout."""

    placeholder = "?"

    def _execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:  # provided by the backend
        raise NotImplementedError

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:  # the backend's
        raise NotImplementedError

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
        self, rules: list[tuple[str, str, float | None, bool]], scored_items: list[str], campaign: str | None, keys: list[str]
    ) -> list[tuple[Any, ...]]:
        """``(*keys, principle, item, answers, sum of scores)`` of the scored answers, by ``keys`` (stop columns).

        ``rules`` gives the score and not-applicable flag of each (item, answer);
        answers without an answer text (findings) keep their stored score.  Only
        answers at a station count, as in a summary.
        """
        mark = self.placeholder
        self._execute(f"DROP TABLE IF EXISTS {RULES}")
        self._execute(f"CREATE TEMP TABLE {RULES} (item TEXT, answer TEXT, score DOUBLE PRECISION, is_na BOOLEAN)")
        for start in range(0, len(rules), 200):
            chunk = rules[start : start + 200]
            values = ", ".join(f"({mark}, {mark}, {mark}, {mark})" for _ in chunk)
            self._execute(f"INSERT INTO {RULES} VALUES {values}", [v for row in chunk for v in row])
        where, params = self._campaign(campaign)
        if not scored_items:
            return []
        items = ", ".join(mark for _ in scored_items)
        group = ", ".join(f's."{k}"' for k in keys)
        answered = 'o."answer" IS NOT NULL AND o."item" IS NOT NULL'
        sql = (
            f"SELECT {group + ', ' if keys else ''}a.principle, a.item, COUNT(*), SUM(a.score) FROM ("
            f"SELECT o.stop_fid, o.\"principle\" AS principle, o.\"item\" AS item,"
            f" CASE WHEN {answered} THEN r.score ELSE o.\"score\" END AS score,"
            f" CASE WHEN {answered} THEN COALESCE(r.is_na, FALSE) ELSE COALESCE(o.\"is_na\", FALSE) END AS na"
            f' FROM "observations" o LEFT JOIN {RULES} r ON r.item = o."item" AND r.answer = o."answer"'
            f' WHERE o."item" IN ({items})) a JOIN "stops" s ON s.fid = a.stop_fid'
            f' WHERE a.score IS NOT NULL AND NOT a.na AND s."station_id" IS NOT NULL{where}'
            f" GROUP BY {group + ', ' if keys else ''}a.principle, a.item"
        )
        try:
            return self._rows(sql, [*scored_items, *params])
        finally:
            self._execute(f"DROP TABLE IF EXISTS {RULES}")

    def station_stops(self, campaign: str | None) -> list[tuple[Any, ...]]:
        """One row per stop at a station, in the order of their first answer, with its answer count.

        ``(station_id, station_name, campaign, walk_id, participant, observed_at, local_time, period, answers)``:
        what sample sizes (participants, walks) are counted from.
        """
        where, params = self._campaign(campaign)
        return self._rows(
            f'SELECT s."station_id", s."station_name", s."campaign", s."walk_id", s."participant",'
            f' {self._time_text("s", "observed_at")}, s."local_time", s."period", n.answers'
            f' FROM "stops" s JOIN (SELECT stop_fid, COUNT(*) AS answers, MIN(fid) AS first FROM "observations"'
            f' GROUP BY stop_fid) n ON n.stop_fid = s.fid WHERE s."station_id" IS NOT NULL{where} ORDER BY n.first',
            params,
        )

    def _campaign(self, campaign: str | None) -> tuple[str, list[Any]]:
        if campaign is None:
            return "", []
        return f' AND s."campaign" = {self.placeholder}', [campaign]
