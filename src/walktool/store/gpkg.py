"""The GeoPackage store: one SQLite file that QGIS, GDAL and walktool read alike.

Reads and writes are column-wise, through the ADBC SQLite driver (Arrow in and
out, no Python object per cell): a frame to write is converted to typed Arrow
columns, bulk-loaded into a temporary table, and merged into its table by one
``INSERT … SELECT … ON CONFLICT DO UPDATE``; a read is one query returned as Arrow.

GIS tools read the file as a proper GeoPackage: every geometry layer has its rtree
spatial index (``gpkg_extensions``), its extent in ``gpkg_contents``, DATETIME /
DATE / BOOLEAN columns, and every observation has a point (its GPS fix, else its
station's, as ``location_source`` says).  The rtree triggers are GDAL's: they call
ST_* functions that only GDAL and SpatiaLite provide, so while walktool writes a
layer it drops them, keeps the index itself from the bounds it writes, and puts
them back before the transaction commits.

The observations are kept as *stops* and *answers* (:mod:`walktool.store.gpkg_ddl`);
callers read and write the tidy ``observations`` table as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import STORE_DAMAGED, StoreError
from walktool.i18n import N_, Phrase
from walktool.store import gpkg_ddl as ddl
from walktool.store.aggregates import SQLAggregates
from walktool.store.base import Where, check_columns, table
from walktool.store.frames import to_arrow, to_frame, typed
from walktool.store.gpkg_open import (
    BATCH_ROWS,
    begin_immediate,
    connect,
    record_verdict,
    refuse_foreign,
    verdict_current,
    write_error,
)
from walktool.store.gpkg_open import check_integrity as _check_integrity
from walktool.store.gpkg_open import integrity_problems as _integrity_problems
from walktool.store.gpkg_reads import STOP_NAMES as _STOP_NAMES
from walktool.store.gpkg_reads import ObservationReads
from walktool.store.schema import SCHEMA_VERSION
from walktool.store.sql import param, reason
from walktool.store.stops import stop_groups
from walktool.store.versioned import VersionedStore

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

STAGE = "_walktool_stage"
IDS = "_walktool_stop_ids"


class GeoPackageStore(ObservationReads, VersionedStore, SQLAggregates):
    """The default :class:`~walktool.store.base.Store`: a GeoPackage file.

    Parameters
    ----------
    path
        The ``walktool.gpkg`` file.
    create
        Create the file (and its tables) when it does not exist.  A file that exists
        is never re-created: an empty (0-byte) or foreign file is refused.
    read_only
        Open it for reading only (``summary``, ``map``, ``report`` …): a read-only
        folder is no obstacle.  Otherwise its integrity is checked first (``PRAGMA
        quick_check``): a damaged store is refused, never written.
    """

    def __init__(self, path: str | Path, *, create: bool = False, read_only: bool = False) -> None:
        from adbc_driver_manager import dbapi

        self.path = Path(path)
        self.read_only = read_only
        fresh = not self.path.exists()
        if fresh and not create:
            msg = Phrase(N_("{path}: the project store is missing; run `walktool init` in the project folder"), path=self.path)
            raise StoreError(msg, file=str(self.path), code="store-missing")
        if not fresh:
            refuse_foreign(self.path)
        self._depth = 0
        self._dirty: set[str] = set()
        self._untriggered: set[str] = set()
        self._con: Any = None
        try:
            self._con, self._cur = connect(self.path, read_only=read_only and not fresh)
            app_id = self._one("PRAGMA application_id")
            if app_id == 0:
                if not fresh or self._one("SELECT COUNT(*) FROM sqlite_master"):
                    msg = (
                        Phrase(N_("{path}: an SQLite database that is not a walktool project store; it was left untouched. Move it away and run `walktool init`, then `walktool rebuild` to re-import walks/"), path=self.path)
                    )
                    raise StoreError(msg, file=str(self.path), code="store-foreign")
                self._initialise()
            elif app_id != ddl.GPKG_APPLICATION_ID:
                msg = Phrase(N_("{path}: not a GeoPackage made by walktool; it was left untouched"), path=self.path)
                raise StoreError(msg, file=str(self.path), code="store-foreign")
            # a damaged store is caught before anything is written to it or read from it (reads of damaged
            # pages can give plausible numbers); a read-only open skips the check when the file has not
            # changed since it last passed one (the verdict file beside it says so)
            if not read_only or not self._verdict_current():
                self.check_integrity()
                if read_only:
                    self._record_verdict()
            if read_only and self.schema_version < SCHEMA_VERSION:
                # an older store is migrated once, by a connection that may write
                self._close_quietly()
                self._con, self._cur = connect(self.path)
                self.read_only = False
            self._migrate()
        except dbapi.Error as exc:
            self._close_quietly()
            text = reason(exc)
            if "malformed" in text or "not a database" in text or "corrupt" in text:
                raise StoreError(Phrase(N_("{path}: {damaged}"), path=self.path, damaged=Phrase(STORE_DAMAGED)), file=str(self.path), code="store-damaged") from exc
            msg = Phrase(N_("{path}: cannot open the project store ({text}); is it a walktool.gpkg file?"), path=self.path, text=text)
            raise StoreError(msg, file=str(self.path)) from exc
        except BaseException:
            self._close_quietly()
            raise

    def integrity_problems(self, *, full: bool = False) -> list[str]:
        """What SQLite's ``quick_check`` (``integrity_check`` when ``full``) finds wrong; empty when the store is sound."""
        return _integrity_problems(self._rows, full=full)

    def check_integrity(self) -> None:
        """Raise :class:`StoreError` (code ``store-damaged``) when the store fails ``quick_check``."""
        _check_integrity(self.path, self._rows)

    # -- low level ----------------------------------------------------------------------
    def _execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        if params:
            self._cur.execute(sql, tuple(params))
        else:
            self._cur.execute(sql)
        return self._cur

    def _one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._execute(sql, params).fetchall())

    def _arrow(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> pa.Table:
        return self._execute(sql, params).fetch_arrow_table()

    def _stage(self, data: pa.Table, name: str = STAGE) -> None:
        """Bulk-load ``data`` into the temporary table ``name`` (replacing it)."""
        self._execute(f'DROP TABLE IF EXISTS temp."{name}"')
        self._cur.adbc_ingest(name, data, mode="create", temporary=True)

    def _close_quietly(self) -> None:
        if self._con is not None:
            with suppress(Exception):
                self._cur.close()
            with suppress(Exception):
                self._con.close()
            self._con = None

    # -- schema -------------------------------------------------------------------------
    def _initialise(self) -> None:
        with self.transaction():
            ddl.create_core(self._execute)
            for name in ddl.CREATE_ORDER:
                ddl.create_table(self._execute, ddl.PHYSICAL[name])
            from walktool.store.gpkg_views import create_views

            create_views(self._execute, self._rows)  # v6: the views QGIS styles (station scores, findings)
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def _store_name(self) -> str:
        return str(self.path)

    def _migrate_from(self, version: int) -> None:
        from walktool.store.migrations import migrate

        migrate(self, version)

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, waiting: Callable[[], None] | None = None) -> Iterator[GeoPackageStore]:
        """Run the block in one transaction (nested blocks join the outer one).

        When another process holds the store, ``waiting`` is called once (to say
        so) and the transaction waits for it, up to ``BUSY_MS``.  A store opened
        read-only is reopened for writing (and checked) first.
        """
        from adbc_driver_manager import dbapi

        outer = self._depth == 0
        if outer:
            if self.read_only:
                self._writable()
            self._begin(waiting)
        self._depth += 1
        try:
            yield self
            if outer:
                self._before_commit()
        except BaseException as exc:
            self._depth -= 1
            if outer:
                self._dirty.clear()
                self._untriggered.clear()
                with suppress(dbapi.Error):
                    self._execute("ROLLBACK")
                if isinstance(exc, dbapi.Error):
                    self._fresh_cursor()  # a statement that failed half-bound must not taint the next reads
                    raise self._write_error(exc) from exc
            raise
        self._depth -= 1
        if outer:
            try:
                self._execute("COMMIT")
            except dbapi.Error as exc:
                with suppress(dbapi.Error):
                    self._execute("ROLLBACK")
                raise self._write_error(exc) from exc

    def _begin(self, waiting: Callable[[], None] | None) -> None:
        """``BEGIN IMMEDIATE``; when the store is busy, say so once and wait for it."""
        begin_immediate(self.path, self._execute, self._pragma, waiting)

    def _fresh_cursor(self) -> None:
        with suppress(Exception):
            self._cur.close()
        self._cur = self._con.cursor()
        self._cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": BATCH_ROWS})

    def _pragma(self, text: str) -> None:
        self._execute(f"PRAGMA {text}")
        with suppress(Exception):
            self._cur.fetchall()

    def _writable(self) -> None:
        """Reopen a store opened read-only so that it can be written (its integrity checked first)."""
        self._close_quietly()
        self._con, self._cur = connect(self.path)
        self.read_only = False
        self.check_integrity()

    def _write_error(self, exc: Exception) -> StoreError:
        """The failure of a write: a full disk, a read-only project, a busy or damaged store, named as such."""
        return write_error(self.path, reason(exc))

    def _before_commit(self) -> None:
        """Put the rtree triggers back, drop stops left without answers, update gpkg_contents."""
        for name in sorted(self._untriggered):
            ddl.create_write_triggers(self._execute, name)
        self._untriggered.clear()
        if "observations" in self._dirty:
            self._execute(
                'DELETE FROM "stops" WHERE NOT EXISTS (SELECT 1 FROM "observations" o WHERE o."stop_fid" = "stops"."fid")'
            )
            self._dirty.add("stops")
        for name in sorted(self._dirty):
            phys = ddl.PHYSICAL[name]
            if phys.geometry:
                self._execute(
                    "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),"
                    f' min_x = b.x0, min_y = b.y0, max_x = b.x1, max_y = b.y1 FROM (SELECT MIN(minx) AS x0,'
                    f' MIN(miny) AS y0, MAX(maxx) AS x1, MAX(maxy) AS y1 FROM "rtree_{name}_geom") AS b'
                    " WHERE table_name = ?",
                    (name,),
                )
            else:
                self._execute(
                    "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
                    (name,),
                )
        self._dirty.clear()

    def _untrigger(self, name: str) -> None:
        if name not in self._untriggered:
            ddl.drop_write_triggers(self._execute, name)
            self._untriggered.add(name)

    # -- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """Return a project metadata value, or None."""
        from adbc_driver_manager import dbapi

        try:
            value = self._one("SELECT value FROM walktool_meta WHERE key = ?", (key,))
        except dbapi.Error:
            return None
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Set a project metadata value."""
        with self.transaction():
            self._execute(
                "INSERT INTO walktool_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- writing --------------------------------------------------------------------------
    def upsert(self, table_name: str, frame: pd.DataFrame) -> int:
        """Insert rows, or update those whose key already exists.

        Parameters
        ----------
        table_name
            A name from :data:`~walktool.store.schema.TABLES`.
        frame
            Rows to write; columns not in the table are ignored, missing ones are NULL.

        Returns
        -------
        int
            Number of rows written.
        """
        t = table(table_name)
        missing = [k for k in t.key if k not in frame.columns]
        if missing:
            msg = Phrase(N_("cannot write {name}: missing key column(s) {missing}"), name=t.name, missing=missing)
            raise StoreError(msg)
        if frame.empty:
            return 0
        with self.transaction():
            if t.name == "observations":
                return self._upsert_observations(frame)
            phys = ddl.PHYSICAL[t.name]
            self._merge(phys, ddl.with_geometry(phys, to_arrow(frame, phys.columns, t.name)))
        return len(frame)

    def _merge(self, phys: ddl.Physical, data: pa.Table, select: str | None = None) -> None:
        """Stage ``data`` and merge it into ``phys`` by key (the rtree kept alongside)."""
        self._stage(data)
        names = [*(["geom"] if phys.geometry else []), *phys.column_names]
        cols = ddl.quoted(names)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in phys.key)
        if phys.geometry:
            self._untrigger(phys.name)
        source = select or f'SELECT {cols} FROM temp."{STAGE}"'
        self._execute(
            f'INSERT INTO "{phys.name}" ({cols}) {source} WHERE true ON CONFLICT({ddl.quoted(phys.key)})'
            f" DO UPDATE SET {updates}"
        )
        if phys.geometry:
            on = " AND ".join(f't."{k}" = s."{k}"' for k in phys.key)
            rtree = f'"rtree_{phys.name}_geom"'
            self._execute(f'DELETE FROM {rtree} WHERE id IN (SELECT t.fid FROM "{phys.name}" t JOIN temp."{STAGE}" s ON {on})')
            self._execute(
                f'INSERT OR REPLACE INTO {rtree} SELECT t.fid, s._minx, s._maxx, s._miny, s._maxy FROM "{phys.name}" t'
                f' JOIN temp."{STAGE}" s ON {on} WHERE s.geom IS NOT NULL'
            )
        self._execute(f'DROP TABLE temp."{STAGE}"')
        self._dirty.add(phys.name)

    def _upsert_observations(self, frame: pd.DataFrame) -> int:
        """Tidy observations → their stops (one per distinct context) and their answers."""
        import pyarrow as pa

        stops, ids, group = stop_groups(frame)
        unique = ddl.with_geometry(ddl.STOPS, stops)
        # no GPS fix: the stop is placed at its station's point (location_source says so)
        self._stage(unique)
        names = ["geom", *ddl.STOPS.column_names]
        self._execute(
            f'UPDATE temp."{STAGE}" AS s SET geom = st.geom, _minx = st.lon, _maxx = st.lon, _miny = st.lat,'
            " _maxy = st.lat, location_source = COALESCE(s.location_source, 'station')"
            ' FROM "stations" st WHERE s.geom IS NULL AND st.station_id = s.station_id'
        )
        staged = self._arrow(f'SELECT {ddl.quoted([*names, "_minx", "_maxx", "_miny", "_maxy"])} FROM temp."{STAGE}"')
        self._merge(ddl.STOPS, staged)
        # each answer gets its stop's fid here (one look-up per stop, not a join of every answer by its text id)
        self._stage(pa.table({"stop_id": ids}), IDS)
        fids = self._arrow(
            f'SELECT p.fid FROM temp."{IDS}" i JOIN "stops" p ON p.stop_id = i.stop_id ORDER BY i.rowid'
        ).column(0).combine_chunks()
        self._execute(f'DROP TABLE temp."{IDS}"')
        if len(fids) != len(ids):  # pragma: no cover - the stops were merged just above
            msg = f"{self.path}: {len(ids) - len(fids)} stop(s) of this write are missing from the store"
            raise StoreError(msg, file=str(self.path))
        answers = to_arrow(frame, [c for c in ddl.ANSWERS.columns if c.name != "stop_fid"], "observations")
        self._merge(ddl.ANSWERS, answers.add_column(0, "stop_fid", fids.take(pa.array(group))))
        return len(frame)

    def replace(self, table_name: str, frame: pd.DataFrame, where: Where = None) -> int:
        """Delete rows matching ``where`` (all rows when None), then insert ``frame``."""
        with self.transaction():
            self.delete(table_name, where or {})
            return self.upsert(table_name, frame)

    def delete(self, table_name: str, where: dict[str, Any]) -> int:
        """Delete rows matching ``where`` (every row when empty); return how many."""
        t = table(table_name)
        check_columns(t, list(where))
        with self.transaction():
            if t.name != "observations":
                clause, params = self._where(where)
                n = self._one(f'SELECT COUNT(*) FROM "{t.name}"{clause}', params)
                self._execute(f'DELETE FROM "{t.name}"{clause}', params)
                self._dirty.add(t.name)
                return int(n)
            n = self.count("observations", where)
            stop_where = {k: v for k, v in where.items() if k in _STOP_NAMES}
            if len(stop_where) == len(where):  # whole stops: their answers go with them (ON DELETE CASCADE)
                clause, params = self._where(stop_where)
                self._execute(f'DELETE FROM "stops"{clause}', params)
                self._dirty.update(("stops", "observations"))
            else:
                frm, clause, params = self._observations_from(where)
                self._execute(f'DELETE FROM "observations" WHERE fid IN (SELECT o.fid {frm}{clause})', params)
                self._dirty.add("observations")
            return n

    # -- reading --------------------------------------------------------------------------
    def read(self, table_name: str, where: Where = None, columns: list[str] | None = None) -> pd.DataFrame:
        """Read a table as a DataFrame (without fid and geometry).

        Observations come in the order they were stored, other tables in key order.
        """
        t = table(table_name)
        wanted = [t.column(n) for n in (columns or t.column_names)] if columns else list(t.columns)
        check_columns(t, [c.name for c in wanted])
        if t.name == "observations":
            return self._read_observations(where or {}, wanted)
        return to_frame(self.read_arrow(table_name, where, [c.name for c in wanted]), wanted)

    def read_arrow(self, table_name: str, where: Where = None, columns: list[str] | None = None) -> pa.Table:
        """Read a table as a typed Arrow table (see :meth:`read`)."""
        import pyarrow as pa

        t = table(table_name)
        wanted = [t.column(n) for n in columns] if columns else list(t.columns)
        check_columns(t, list(where or {}))
        if t.name == "observations":
            frame = self._read_observations(where or {}, wanted)
            return pa.Table.from_pandas(frame, preserve_index=False)
        clause, params = self._where(where or {})
        order = ddl.quoted(t.key)
        data = self._arrow(f'SELECT {ddl.quoted([c.name for c in wanted])} FROM "{t.name}"{clause} ORDER BY {order}', params)
        return typed(data, wanted)

    def count(self, table_name: str, where: Where = None) -> int:
        """Count the rows of a table matching ``where``."""
        t = table(table_name)
        check_columns(t, list(where or {}))
        if t.name == "observations":
            frm, clause, params = self._observations_from(where or {})
            return int(self._one(f"SELECT COUNT(*) {frm}{clause}", params))
        clause, params = self._where(where or {})
        return int(self._one(f'SELECT COUNT(*) FROM "{t.name}"{clause}', params))

    def distinct(self, table_name: str, column: str) -> list[Any]:
        """Sorted distinct non-null values of a column."""
        t = table(table_name)
        check_columns(t, [column])
        if t.name == "observations":
            frm, alias = self._column_source(column)
            rows = self._rows(f'SELECT DISTINCT {alias}."{column}" {frm} WHERE {alias}."{column}" IS NOT NULL ORDER BY 1')
        else:
            rows = self._rows(f'SELECT DISTINCT "{column}" FROM "{t.name}" WHERE "{column}" IS NOT NULL ORDER BY 1')
        return [r[0] for r in rows]

    def first_values(self, table_name: str, group: str, column: str) -> dict[Any, Any]:
        """``MIN(column)`` per value of ``group`` (nulls grouped as None), computed in SQL."""
        t = table(table_name)
        check_columns(t, [group, column])
        if t.name == "observations" and {group, column} <= _STOP_NAMES:
            rows = self._rows(
                f'SELECT s."{group}", MIN(s."{column}") FROM "stops" s WHERE EXISTS'
                ' (SELECT 1 FROM "observations" o WHERE o.stop_fid = s.fid) GROUP BY 1'
            )
        elif t.name == "observations":
            frm, _, _ = self._observations_from({})
            rows = self._rows(f'SELECT {_alias(group)}."{group}", MIN({_alias(column)}."{column}") {frm} GROUP BY 1')
        else:
            rows = self._rows(f'SELECT "{group}", MIN("{column}") FROM "{t.name}" GROUP BY 1')
        return {r[0]: r[1] for r in rows}

    def _column_source(self, column: str) -> tuple[str, str]:
        if column in _STOP_NAMES:
            return 'FROM "stops" s', "s"
        return 'FROM "observations" o', "o"

    def _observations_from(self, where: dict[str, Any]) -> tuple[str, str, list[Any]]:
        conditions, params = self._conditions(where, None)
        clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return 'FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid', clause, params

    # -- filters --------------------------------------------------------------------------
    def _where(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        conditions, params = self._conditions(where, "")
        return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params

    def _conditions(self, where: dict[str, Any], alias: str | None) -> tuple[list[str], list[Any]]:
        """SQL conditions for equality filters (long lists go through a temporary table)."""
        import pyarrow as pa

        parts: list[str] = []
        params: list[Any] = []
        for n, (k, v) in enumerate(where.items()):
            a = _alias(k) if alias is None else alias
            col = f'{a}."{k}"' if a else f'"{k}"'
            if v is None:
                parts.append(f"{col} IS NULL")
            elif isinstance(v, list | tuple | set):
                values = [param(x) for x in v]
                if len(values) <= 200:
                    parts.append(f"{col} IN ({', '.join('?' for _ in values)})" if values else "0")
                    params += values
                else:
                    name = f"_walktool_in_{n}"
                    self._stage(pa.table({"v": pa.array([str(x) for x in values], type=pa.string())}), name)
                    parts.append(f'{col} IN (SELECT v FROM temp."{name}")')
            else:
                parts.append(f"{col} = ?")
                params.append(param(v))
        return parts, params

    def close(self) -> None:
        """Close the database connection (a store written by this connection is recorded as checked)."""
        if self._con is not None and not self.read_only:
            self._close_quietly()
            self._record_verdict()  # it passed the check when opened, and walktool wrote what changed since
        self._close_quietly()

    def _verdict_current(self) -> bool:
        return verdict_current(self.path)

    def _record_verdict(self) -> None:
        record_verdict(self.path)


def _alias(column: str) -> str:
    return "s" if column in _STOP_NAMES else "o"
