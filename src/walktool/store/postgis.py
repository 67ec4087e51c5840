"""The PostGIS store: one shared, concurrent archive for many facilitators (psycopg 3, COPY).

Same tables, keys and schema versions as the GeoPackage (:mod:`walktool.store.pg_ddl`
derives the DDL from :mod:`walktool.store.schema`).  Writes are column-wise: a frame
becomes typed Arrow columns (:mod:`walktool.store.frames`), is written as CSV by
pyarrow into ``COPY … FROM STDIN`` of a temporary table, and merged by one ``INSERT …
SELECT … ON CONFLICT DO UPDATE``.  Reads go the other way (``COPY (SELECT …) TO
STDOUT`` read by pyarrow's CSV reader).  Every writing transaction first takes the
archive's advisory lock (``pg_advisory_xact_lock``), so imports running at once from
several laptops follow one another whole: nothing lost, nothing duplicated (the unique
keys on submission stops and answers hold the rest).

Credentials come from the URL, a libpq service file or the environment
(``PGPASSWORD``, ``~/.pgpass``); messages show the URL with its password masked.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store import pg_ddl as ddl
from walktool.store.aggregates import SQLAggregates
from walktool.store.base import Where, check_columns, table
from walktool.store.frames import to_arrow, to_frame, typed
from walktool.store.gpkg_ddl import ANSWERS, STOPS, Physical, quoted
from walktool.store.location import check_url, mask
from walktool.store.schema import SCHEMA_VERSION, Column
from walktool.store.sql import param
from walktool.store.stops import split_observations
from walktool.store.versioned import VersionedStore

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    import pyarrow as pa

STAGE = "_walktool_stage"
_STOP_NAMES = {c.name for c in STOPS.columns}
_LOCK_WAIT = "10min"


class ReadOnlyStore(StoreError):
    """The archive may be read but not written by this role."""


def connect(url: str) -> Any:
    """The one place an archive connection is opened (autocommit; transactions are explicit)."""
    import psycopg

    con = psycopg.connect(url, autocommit=True, application_name="walktool")
    con.execute(f"SET lock_timeout = '{_LOCK_WAIT}'")
    return con


class PostGISStore(VersionedStore, SQLAggregates):
    """A :class:`~walktool.store.base.Store` in a PostgreSQL database with PostGIS.

    Parameters
    ----------
    url
        A libpq URL, ``postgresql://user@host:port/database`` (password from
        ``PGPASSWORD``, ``~/.pgpass`` or a service file rather than the URL).
    create
        Create the tables (and the PostGIS extension) when the database has none.
    """

    placeholder = "%s"

    def __init__(self, url: str, *, create: bool = False) -> None:
        import psycopg

        self.url = check_url(url)
        self.location = mask(self.url)
        self._depth = 0
        self._dirty: set[str] = set()
        self._con: Any = None
        try:
            self._con = connect(self.url)
            if not self._one("SELECT to_regclass(%s) IS NOT NULL", (ddl.META,)):
                if not create:
                    msg = Phrase(N_("{location}: no walktool archive in this database; create one with `walktool migrate --to {location}` or `walktool init`"), location=self.location)
                    raise StoreError(msg)
                self._initialise()
            self._migrate()
        except psycopg.Error as exc:
            self._close_quietly()
            msg = Phrase(N_("{location}: cannot open the archive ({reason})"), location=self.location, reason=_reason(exc))
            raise StoreError(msg) from exc
        except BaseException:
            self._close_quietly()
            raise

    @property
    def path(self) -> Path:  # the Store protocol's attribute: where the store is, for messages
        from pathlib import PurePosixPath

        return PurePosixPath(self.location)  # type: ignore[return-value]

    def __str__(self) -> str:
        return self.location

    # -- low level ----------------------------------------------------------------------
    def _bind(self, value: Any) -> Any:
        return value

    def _time_text(self, alias: str, name: str) -> str:
        return ddl.read_expression(Column(name, "DATETIME"), alias)

    def _execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        return self._con.execute(sql, tuple(params) if params else None)

    def _one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._execute(sql, params).fetchall())

    def _copy_out(self, select: str, params: tuple[Any, ...] | list[Any], columns: list[Column]) -> pa.Table:
        """Run ``select`` through ``COPY … TO STDOUT`` and read the CSV with pyarrow, typed as ``columns``."""
        import pyarrow as pa
        import pyarrow.csv as pcsv

        from walktool.store.frames import arrow_type

        buffer = io.BytesIO()
        with self._con.cursor() as cur, cur.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)", tuple(params) or None) as copy:
            for chunk in copy:
                buffer.write(chunk)
        names = [c.name for c in columns]
        if not buffer.tell():
            return pa.table({c.name: pa.array([], type=arrow_type(c.type)) for c in columns})
        buffer.seek(0)
        return pcsv.read_csv(
            buffer,
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 26),
            convert_options=pcsv.ConvertOptions(
                column_types={c.name: arrow_type(c.type) for c in columns},
                strings_can_be_null=True, quoted_strings_can_be_null=False,
                true_values=["t"], false_values=["f"],
            ),
        )

    def _arrow(self, sql: str, params: tuple[Any, ...] | list[Any] = (), columns: list[Column] | None = None) -> pa.Table:
        """A query's result as Arrow (``columns`` gives the types; else from the rows)."""
        import pyarrow as pa

        if columns is not None:
            return self._copy_out(sql, params, columns)
        cur = self._execute(sql, params)
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
        return pa.table({n: pa.array([r[i] for r in rows]) for i, n in enumerate(names)})

    def _stage(self, data: pa.Table, types: dict[str, str], name: str = STAGE) -> None:
        """COPY ``data`` into the temporary table ``name`` (replacing it), written as CSV by pyarrow."""
        import pyarrow.csv as pcsv

        self._execute(f'DROP TABLE IF EXISTS pg_temp."{name}"')
        cols = ", ".join(f'"{n}" {types[n]}' for n in data.column_names)
        self._execute(f'CREATE TEMP TABLE "{name}" ({cols})')
        if not data.num_rows:
            return
        buffer = io.BytesIO()
        pcsv.write_csv(data, buffer, pcsv.WriteOptions(include_header=False, quoting_style="needed"))
        with self._con.cursor() as cur, cur.copy(
            f'COPY pg_temp."{name}" ({quoted(data.column_names)}) FROM STDIN (FORMAT csv)'
        ) as copy:
            copy.write(buffer.getbuffer())

    def _close_quietly(self) -> None:
        if self._con is not None:
            with suppress(Exception):
                self._con.close()
            self._con = None

    # -- schema -------------------------------------------------------------------------
    def _initialise(self) -> None:
        import psycopg

        with self.transaction():
            try:
                with self._con.transaction():
                    self._execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                msg = (
                    Phrase(N_("{location}: PostGIS is not available in this database ({reason}); ask its administrator to run CREATE EXTENSION postgis"), location=self.location, reason=_reason(exc))
                )
                raise StoreError(msg) from exc
            if not self._one("SELECT to_regclass(%s) IS NOT NULL", (ddl.META,)):  # another process may have won
                ddl.create_schema(self._execute)
                self._execute(
                    f'INSERT INTO "{ddl.META}" (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING',
                    ("schema_version", str(SCHEMA_VERSION)),
                )

    _kind = "archive"

    def _store_name(self) -> str:
        return str(self.location)

    def _migrate_from(self, version: int) -> None:
        from walktool.store.pg_migrations import migrate

        migrate(self, version)

    def writable(self) -> bool:
        """True when the connected role may write the archive's tables."""
        return bool(self._one(
            "SELECT to_regclass(%s) IS NULL OR has_table_privilege(current_user, %s, 'INSERT')", (ANSWERS.name, ANSWERS.name)
        ))

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, waiting: Callable[[], None] | None = None) -> Iterator[PostGISStore]:
        """Run the block in one transaction holding the archive's advisory lock (nested blocks join it).

        ``waiting`` is accepted for the :class:`~walktool.store.base.Store` interface; the server's lock waits quietly.
        """
        import psycopg

        outer = self._depth == 0
        if outer:
            if not self.writable():
                user = self._one("SELECT current_user")
                msg = (
                    Phrase(N_("{location}: the role {user!r} may read this archive but not write to it; nothing was stored (an administrator gives write access with `walktool store grant --write {user}`)"), location=self.location, user=user)
                )
                raise ReadOnlyStore(msg)
            self._execute("BEGIN")
            self._execute("SELECT pg_advisory_xact_lock(%s)", (ddl.LOCK_KEY,))
        self._depth += 1
        try:
            yield self
            if outer:
                self._before_commit()
        except BaseException as exc:
            self._depth -= 1
            if outer:
                self._dirty.clear()
                with suppress(psycopg.Error):
                    self._execute("ROLLBACK")
                if isinstance(exc, psycopg.Error):
                    raise StoreError(Phrase(N_("{location}: the archive refused a write ({reason}); nothing was stored"), location=self.location, reason=_reason(exc))) from exc
            raise
        self._depth -= 1
        if outer:
            try:
                self._execute("COMMIT")
            except psycopg.Error as exc:
                raise StoreError(Phrase(N_("{location}: the archive refused a write ({reason}); nothing was stored"), location=self.location, reason=_reason(exc))) from exc

    def _before_commit(self) -> None:
        """Drop stops left without answers."""
        if "observations" in self._dirty:
            self._execute(
                'DELETE FROM "stops" s WHERE NOT EXISTS (SELECT 1 FROM "observations" o WHERE o."stop_fid" = s."fid")'
            )
        self._dirty.clear()

    # -- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """Return a project metadata value, or None."""
        value = self._one(f'SELECT value FROM "{ddl.META}" WHERE key = %s', (key,))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Set a project metadata value."""
        with self.transaction():
            self._execute(
                f'INSERT INTO "{ddl.META}" (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
                (key, value),
            )

    def meta_items(self) -> dict[str, str]:
        """Every metadata key and value."""
        return {str(k): str(v) for k, v in self._rows(f'SELECT key, value FROM "{ddl.META}" ORDER BY key')}

    # -- writing --------------------------------------------------------------------------
    def upsert(self, table_name: str, frame: pd.DataFrame) -> int:
        """Insert rows, or update those whose key already exists (see the GeoPackage store)."""
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
            from walktool.store.gpkg_ddl import PHYSICAL

            phys = PHYSICAL[t.name]
            self._merge(phys, self._with_geometry(phys, to_arrow(frame, phys.columns, t.name)))
        return len(frame)

    def _with_geometry(self, phys: Physical, data: pa.Table) -> pa.Table:
        """Add the line geometry as WKT (points are made from lon / lat in SQL)."""
        import json

        import pyarrow as pa
        import shapely

        if phys.geometry != "LINESTRING":
            return data
        coords = [json.loads(c) if c else None for c in data.column("coords").to_pylist()]
        wkt = [shapely.to_wkt(shapely.linestrings(c), rounding_precision=-1) if c and len(c) >= 2 else None for c in coords]
        return data.append_column("_wkt", pa.array(wkt, type=pa.string()))

    @staticmethod
    def _geometry_sql(phys: Physical) -> str:
        if phys.geometry == "POINT":
            return "ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)"
        return "ST_GeomFromText(s._wkt, 4326)"

    def _merge(self, phys: Physical, data: pa.Table) -> None:
        """Stage ``data`` and merge it into ``phys`` by key (the last row wins among repeated keys)."""
        import pyarrow as pa

        types = {c.name: ddl.STAGE_TYPES[c.type] for c in phys.columns} | {"_wkt": "text", "_n": "bigint"}
        data = data.append_column("_n", pa.array(range(data.num_rows), type=pa.int64()))
        self._stage(data, types)
        names = [*(["geom"] if phys.geometry else []), *phys.column_names]
        values = [*([self._geometry_sql(phys)] if phys.geometry else []), *(ddl.write_expression(c) for c in phys.columns)]
        self._insert(phys, names, values, f'pg_temp."{STAGE}" s', unique=_unique(data, phys.key))
        self._dirty.add(phys.name)

    def _insert(self, phys: Physical, names: list[str], values: list[str], source: str, *, unique: bool = False) -> None:
        """``INSERT … SELECT … ON CONFLICT DO UPDATE``; a key repeated in ``source`` keeps its last row
        (``unique``: no key repeats, so no sort is needed)."""
        keys = quoted(phys.key)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in phys.key)
        key_cols = ", ".join(f's."{k}"' for k in phys.key)
        rows = source if unique else (
            f"(SELECT DISTINCT ON ({key_cols}) s.* FROM {source} ORDER BY {key_cols}, s._n DESC) s"
        )
        self._execute(
            f'INSERT INTO "{phys.name}" ({quoted(names)}) SELECT {", ".join(values)} FROM {rows} ORDER BY s._n'
            f' ON CONFLICT ({keys}) DO UPDATE SET {updates}'
        )

    def _upsert_observations(self, frame: pd.DataFrame) -> int:
        """Tidy observations → their stops (placed at the station when there is no GPS fix) and answers."""
        import pyarrow as pa

        stops, stop_id, answers = split_observations(frame)
        stop_cols = list(STOPS.columns)
        types = {c.name: ddl.STAGE_TYPES[c.type] for c in stop_cols} | {"_n": "bigint"}
        self._stage(stops.append_column("_n", pa.array(range(stops.num_rows), type=pa.int64())), types)
        gps = "ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)"
        names = ["geom", *STOPS.column_names]
        values = [f"COALESCE({gps}, s._station_geom)"]
        for c in stop_cols:
            if c.name == "location_source":
                values.append(
                    "CASE WHEN s.lon IS NULL OR s.lat IS NULL THEN CASE WHEN s._station_geom IS NOT NULL"
                    " THEN COALESCE(s.location_source, 'station') ELSE s.location_source END ELSE s.location_source END"
                )
            else:
                values.append(ddl.write_expression(c))
        self._insert(STOPS, names, values, f'(SELECT a.*, st.geom AS _station_geom FROM pg_temp."{STAGE}" a'
                     ' LEFT JOIN "stations" st ON st.station_id = a.station_id) s', unique=True)
        answer_cols = [c for c in ANSWERS.columns if c.name != "stop_fid"]
        staged = answers.append_column("stop_id", stop_id).append_column("_n", pa.array(range(answers.num_rows), type=pa.int64()))
        self._stage(staged, {c.name: ddl.STAGE_TYPES[c.type] for c in answer_cols} | {"stop_id": "text", "_n": "bigint"})
        names = ANSWERS.column_names
        values = ["s._stop_fid", *(f's."{c.name}"' for c in answer_cols)]
        self._insert(
            ANSWERS, names, values,
            f'(SELECT a.*, p.fid AS _stop_fid FROM pg_temp."{STAGE}" a JOIN "stops" p ON p.stop_id = a.stop_id) s',
            unique=_unique(answers, ANSWERS.key),
        )
        self._dirty.add("observations")
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
                clause, params = self._where(where, "", t.name)
                return int(self._execute(f'DELETE FROM "{t.name}"{clause}', params).rowcount)
            stop_where = {k: v for k, v in where.items() if k in _STOP_NAMES}
            self._dirty.add("observations")
            if len(stop_where) == len(where):  # whole stops: their answers go with them (ON DELETE CASCADE)
                n = self.count("observations", where)
                clause, params = self._where(stop_where, "")
                self._execute(f'DELETE FROM "stops"{clause}', params)
                return n
            clause, params = self._where(where, None)
            return int(self._execute(
                f'DELETE FROM "observations" WHERE fid IN (SELECT o.fid FROM "observations" o JOIN "stops" s'
                f" ON s.fid = o.stop_fid{clause})", params,
            ).rowcount)

    # -- reading --------------------------------------------------------------------------
    def read(self, table_name: str, where: Where = None, columns: list[str] | None = None) -> pd.DataFrame:
        """Read a table as a DataFrame (observations in the order stored, other tables in key order)."""
        t = table(table_name)
        wanted = [t.column(n) for n in columns] if columns else list(t.columns)
        return to_frame(self.read_arrow(table_name, where, [c.name for c in wanted]), wanted)

    def read_arrow(self, table_name: str, where: Where = None, columns: list[str] | None = None) -> pa.Table:
        """Read a table as a typed Arrow table (see :meth:`read`)."""
        t = table(table_name)
        wanted = [t.column(n) for n in columns] if columns else list(t.columns)
        check_columns(t, [*(c.name for c in wanted), *(where or {})])
        if t.name == "observations":
            clause, params = self._where(where or {}, None)
            exprs = [ddl.read_expression(c, "s" if c.name in _STOP_NAMES else "o") for c in wanted]
            sql = f'SELECT {", ".join(exprs)} FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid{clause} ORDER BY o.fid'
        else:
            clause, params = self._where(where or {}, "", t.name)
            exprs = [ddl.read_expression(c) for c in wanted]
            sql = f'SELECT {", ".join(exprs)} FROM "{t.name}"{clause} ORDER BY {quoted(t.key)}'
        return typed(self._copy_out(sql, params, wanted), wanted)

    def count(self, table_name: str, where: Where = None) -> int:
        """Count the rows of a table matching ``where``."""
        t = table(table_name)
        check_columns(t, list(where or {}))
        if t.name == "observations":
            clause, params = self._where(where or {}, None)
            return int(self._one(f'SELECT COUNT(*) FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid{clause}', params))
        clause, params = self._where(where or {}, "", t.name)
        return int(self._one(f'SELECT COUNT(*) FROM "{t.name}"{clause}', params))

    def distinct(self, table_name: str, column: str) -> list[Any]:
        """Sorted distinct non-null values of a column."""
        t = table(table_name)
        check_columns(t, [column])
        expr = ddl.read_expression(t.column(column))
        if t.name == "observations" and column in _STOP_NAMES:
            sql = (f'SELECT DISTINCT {expr} FROM "stops" s WHERE s."{column}" IS NOT NULL'
                   ' AND EXISTS (SELECT 1 FROM "observations" o WHERE o.stop_fid = s.fid) ORDER BY 1')
        else:
            source = "observations" if t.name == "observations" else t.name
            sql = f'SELECT DISTINCT {expr} FROM "{source}" WHERE "{column}" IS NOT NULL ORDER BY 1'
        return [r[0] for r in self._rows(sql)]

    def first_values(self, table_name: str, group: str, column: str) -> dict[Any, Any]:
        """``MIN(column)`` per value of ``group`` (nulls grouped as None), computed in SQL."""
        t = table(table_name)
        check_columns(t, [group, column])
        if t.name == "observations":
            g = ddl.read_expression(t.column(group), "s" if group in _STOP_NAMES else "o")
            v = ddl.read_expression(t.column(column), "s" if column in _STOP_NAMES else "o")
            rows = self._rows(
                f'SELECT {g}, MIN({v}) FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid GROUP BY 1'
            )
        else:
            g, v = ddl.read_expression(t.column(group)), ddl.read_expression(t.column(column))
            rows = self._rows(f'SELECT {g}, MIN({v}) FROM "{t.name}" GROUP BY 1')
        return {r[0]: r[1] for r in rows}

    # -- filters --------------------------------------------------------------------------
    def _where(self, where: dict[str, Any], alias: str | None, name: str = "observations") -> tuple[str, list[Any]]:
        """``WHERE …`` for equality filters on table ``name``; ``alias`` None puts observation columns on s / o."""
        kinds = {c.name: c.type for c in table(name).columns}
        parts: list[str] = []
        params: list[Any] = []
        for k, v in where.items():
            a = ("s" if k in _STOP_NAMES else "o") if alias is None else alias
            col = f'{a}."{k}"' if a else f'"{k}"'
            if v is None:
                parts.append(f"{col} IS NULL")
            elif isinstance(v, list | tuple | set):
                values = [param(x) for x in v]
                if not values:
                    parts.append("false")
                else:
                    kind = kinds.get(k, "TEXT")
                    parts.append(f"{col} = ANY(%s::{ddl.PG_TYPES[kind]}[])")
                    params.append([None if x is None else (x if kind != "TEXT" else str(x)) for x in values])
            else:
                parts.append(f"{col} = %s")
                params.append(param(v))
        return (f" WHERE {' AND '.join(parts)}" if parts else ""), params

    def close(self) -> None:
        """Close the connection."""
        self._close_quietly()

    def __enter__(self) -> PostGISStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unique(data: pa.Table, key: tuple[str, ...]) -> bool:
    """True when no key value repeats in ``data`` (single-column keys; longer keys are assumed to repeat)."""
    import pyarrow.compute as pc

    if len(key) != 1:
        return False
    return bool(pc.count_distinct(data.column(key[0]), mode="all").as_py() == data.num_rows)


def _reason(exc: BaseException) -> str:
    """The first line of a driver's error, without any password it might quote."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return mask(text) if "://" in text else text
