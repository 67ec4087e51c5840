"""The project store: a GeoPackage (SQLite) that QGIS opens as it is.

Everything walktool keeps about a project lives here: stations, entrances and
metro lines, walks, participants (pseudonyms only), observations, rejects and
warnings, recommendations with their status history, the import log and the raw
files' checksums.  The module exposes one small interface, :class:`Store`; the
rest of walktool only talks to it, so another backend can be added by writing
one more implementation.

Geometries are written as GeoPackage binary points / linestrings in EPSG:4326,
next to plain ``lat`` / ``lon`` columns so that readers need no GIS library.
Every write runs inside a transaction.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from walktool.errors import StoreError

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 2
# (table, column) indexes: re-imports delete by submission, issues are replaced per file,
# analyses read one campaign.
INDEXES = (
    ("observations", "submission_id"),
    ("observations", "campaign"),
    ("observations", "source_file"),
    ("issues", "file"),
    ("recommendations", "campaign"),
)
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3
WGS84 = 4326


@dataclass(frozen=True)
class Table:
    """Declaration of one store table."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    geometry: str | None = None  # "POINT" | "LINESTRING" | None (attributes)
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        """Column names without fid and geometry."""
        return [c for c, _ in self.columns]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "stations",
            (("station_id", "TEXT NOT NULL"), ("name", "TEXT NOT NULL"), ("lines", "TEXT"),
             ("lat", "REAL NOT NULL"), ("lon", "REAL NOT NULL"), ("source", "TEXT")),
            ("station_id",),
            "POINT",
            "Reference stations layer",
        ),
        Table(
            "entrances",
            (("entrance_id", "TEXT NOT NULL"), ("station_id", "TEXT"), ("name", "TEXT"),
             ("lat", "REAL NOT NULL"), ("lon", "REAL NOT NULL")),
            ("entrance_id",),
            "POINT",
            "Station entrances (édicules)",
        ),
        Table(
            "lines",
            (("line_id", "TEXT NOT NULL"), ("line", "TEXT"), ("name", "TEXT"), ("color", "TEXT"),
             ("coords", "TEXT NOT NULL")),
            ("line_id",),
            "LINESTRING",
            "Transit line shapes",
        ),
        Table(
            "walks",
            (("walk_id", "TEXT NOT NULL"), ("campaign", "TEXT"), ("date", "TEXT"),
             ("start_time", "TEXT"), ("end_time", "TEXT"), ("facilitator", "TEXT"),
             ("route", "TEXT"), ("n_participants", "INTEGER"), ("weather", "TEXT"),
             ("protocol", "TEXT"), ("source", "TEXT")),
            ("walk_id",),
            None,
            "Walks: one guided visit by a group",
        ),
        Table(
            "participants",
            (("participant", "TEXT NOT NULL"), ("walk_id", "TEXT"), ("campaign", "TEXT"),
             ("gender", "TEXT"), ("age_group", "TEXT"), ("reduced_mobility", "TEXT"),
             ("familiarity", "TEXT")),
            ("participant",),
            None,
            "Participants, by pseudonym only, with optional anonymous profile",
        ),
        Table(
            "observations",
            (("obs_id", "TEXT NOT NULL"), ("submission_id", "TEXT"), ("campaign", "TEXT"),
             ("walk_id", "TEXT"), ("participant", "TEXT"), ("station_id", "TEXT"),
             ("station_name", "TEXT"), ("station_match", "TEXT"), ("station_confidence", "REAL"),
             ("zone", "TEXT"), ("period", "TEXT"), ("observed_at", "TEXT"),
             ("local_time", "TEXT"), ("protocol", "TEXT"), ("principle", "TEXT"),
             ("item", "TEXT"), ("answer", "TEXT"), ("answer_raw", "TEXT"), ("score", "REAL"),
             ("is_na", "INTEGER"), ("is_problem", "INTEGER"), ("severity", "TEXT"),
             ("severity_source", "TEXT"), ("comment", "TEXT"), ("photo", "TEXT"),
             ("lat", "REAL"), ("lon", "REAL"), ("accuracy_m", "REAL"),
             ("location_source", "TEXT"), ("format", "TEXT"), ("source_file", "TEXT"),
             ("source_sheet", "TEXT"), ("source_row", "INTEGER"), ("import_id", "TEXT")),
            ("obs_id",),
            "POINT",
            "Observations: one answered item or one finding, tidy",
        ),
        Table(
            "issues",
            (("issue_id", "TEXT NOT NULL"), ("import_id", "TEXT"), ("level", "TEXT"),
             ("code", "TEXT"), ("file", "TEXT"), ("sheet", "TEXT"), ("row", "INTEGER"),
             ("column", "TEXT"), ("value", "TEXT"), ("message", "TEXT")),
            ("issue_id",),
            None,
            "Rejects and warnings found at import",
        ),
        Table(
            "imports",
            (("import_id", "TEXT NOT NULL"), ("at_utc", "TEXT"), ("user", "TEXT"),
             ("campaign", "TEXT"), ("walk_id", "TEXT"), ("file", "TEXT"), ("format", "TEXT"),
             ("checksum", "TEXT"), ("stored_as", "TEXT"), ("rows", "INTEGER"),
             ("accepted", "INTEGER"), ("rejected", "INTEGER"), ("warnings", "INTEGER"),
             ("observations", "INTEGER"), ("walktool_version", "TEXT")),
            ("import_id",),
            None,
            "Import log: who imported what, when, with what result",
        ),
        Table(
            "recommendations",
            (("rec_id", "TEXT NOT NULL"), ("campaign", "TEXT"), ("station_id", "TEXT"),
             ("station_name", "TEXT"), ("zone", "TEXT"), ("principle", "TEXT"),
             ("item", "TEXT"), ("severity", "TEXT"), ("priority", "REAL"), ("rank", "INTEGER"),
             ("fast_track", "INTEGER"), ("action_fr", "TEXT"), ("action_en", "TEXT"),
             ("responsible_fr", "TEXT"), ("responsible_en", "TEXT"), ("timeframe", "TEXT"),
             ("type", "TEXT"), ("status", "TEXT"), ("owner", "TEXT"), ("due_date", "TEXT"),
             ("note", "TEXT"), ("n_observations", "INTEGER"), ("n_participants", "INTEGER"),
             ("n_walks", "INTEGER"), ("night", "INTEGER"), ("evidence", "TEXT"),
             ("photos", "TEXT"), ("comments", "TEXT"), ("updated_at", "TEXT")),
            ("rec_id",),
            None,
            "Recommendations, one per campaign + station + zone + item",
        ),
        Table(
            "recommendation_status",
            (("change_id", "TEXT NOT NULL"), ("rec_id", "TEXT NOT NULL"), ("status", "TEXT"),
             ("owner", "TEXT"), ("due_date", "TEXT"), ("note", "TEXT"), ("changed_at", "TEXT"),
             ("source", "TEXT")),
            ("change_id",),
            None,
            "Status history of each recommendation",
        ),
    )
}


class Store(Protocol):
    """What walktool needs from a project store (any backend)."""

    path: Path

    def transaction(self) -> Any:
        """Context manager: everything inside commits together or not at all."""

    def get_meta(self, key: str) -> str | None:
        """Return a project metadata value."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a project metadata value."""

    def upsert(self, table: str, frame: pd.DataFrame) -> int:
        """Insert or update rows by the table's key; return the number written."""

    def replace(self, table: str, frame: pd.DataFrame, where: dict[str, Any] | None = None) -> int:
        """Delete the rows matching ``where`` (all when None) and insert ``frame``."""

    def read(self, table: str, where: dict[str, Any] | None = None) -> pd.DataFrame:
        """Read a table (optionally filtered on equal columns) in key order."""

    def count(self, table: str, where: dict[str, Any] | None = None) -> int:
        """Count rows."""

    def close(self) -> None:
        """Close the store."""


def gpkg_point(lon: float, lat: float, srs_id: int = WGS84) -> bytes:
    """Encode a point as a GeoPackage geometry blob (header + little-endian WKB)."""
    return b"GP\x00\x01" + struct.pack("<i", srs_id) + struct.pack("<BIdd", 1, 1, lon, lat)


def gpkg_linestring(coords: Sequence[Sequence[float]], srs_id: int = WGS84) -> bytes:
    """Encode a linestring as a GeoPackage geometry blob with its envelope."""
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    header = b"GP\x00\x03" + struct.pack("<i", srs_id) + struct.pack("<dddd", min(xs), max(xs), min(ys), max(ys))
    wkb = struct.pack("<BII", 1, 2, len(coords)) + b"".join(struct.pack("<dd", c[0], c[1]) for c in coords)
    return header + wkb


class GeoPackageStore:
    """The default :class:`Store`: a GeoPackage file.

    Parameters
    ----------
    path
        The ``walktool.gpkg`` file.
    create
        Create the file (and its tables) when it does not exist.
    """

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            msg = f"{self.path}: the project store is missing; run `walktool init` in the project folder"
            raise StoreError(msg)
        try:
            self._con = sqlite3.connect(self.path, isolation_level=None)
            self._con.execute("PRAGMA foreign_keys = ON")
            self._depth = 0
            self._dirty: set[str] = set()
            app_id = self._con.execute("PRAGMA application_id").fetchone()[0]
            if app_id == 0:
                if self._con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                    msg = f"{self.path}: an SQLite database that is not a walktool project store; it was left untouched"
                    raise StoreError(msg)
                self._initialise()
            elif app_id != GPKG_APPLICATION_ID:
                msg = f"{self.path}: not a GeoPackage made by walktool"
                raise StoreError(msg)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            msg = f"{self.path}: cannot open the project store ({exc}); is it a walktool.gpkg file?"
            raise StoreError(msg) from exc
        except StoreError:
            self._close_quietly()
            raise

    def _close_quietly(self) -> None:
        con: sqlite3.Connection | None = getattr(self, "_con", None)
        if con is not None:
            with suppress(sqlite3.Error):
                con.close()

    # -- schema -----------------------------------------------------------------
    def _initialise(self) -> None:
        with self.transaction():
            c = self._con
            c.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            c.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
            c.execute(
                "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,"
                " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
                " definition TEXT NOT NULL, description TEXT)"
            )
            c.executemany(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
                [
                    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
                    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                    ("WGS 84 geodetic", WGS84, "EPSG", WGS84, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
                ],
            )
            c.execute(
                "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,"
                " identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT"
                " (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,"
                " max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id)"
                " REFERENCES gpkg_spatial_ref_sys(srs_id))"
            )
            c.execute(
                "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
                " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,"
                " m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
                " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
                " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
            )
            c.execute("CREATE TABLE walktool_meta (key TEXT PRIMARY KEY, value TEXT)")
            for table in TABLES.values():
                self._create_table(table)
            self._create_indexes()
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def _create_indexes(self) -> None:
        for table, column in INDEXES:
            self._con.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}" ON "{table}" ("{column}")')

    def _create_table(self, table: Table) -> None:
        cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT"]
        if table.geometry:
            cols.append(f"geom {table.geometry}")
        cols += [f'"{name}" {sqltype}' for name, sqltype in table.columns]
        cols.append(f"UNIQUE ({', '.join(table.key)})")
        self._con.execute(f'CREATE TABLE "{table.name}" ({", ".join(cols)})')
        data_type = "features" if table.geometry else "attributes"
        self._con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
            " VALUES (?,?,?,?,?)",
            (table.name, data_type, table.name, table.description, WGS84 if table.geometry else None),
        )
        if table.geometry:
            self._con.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                (table.name, "geom", table.geometry, WGS84),
            )

    def _migrate(self) -> None:
        raw = self.get_meta("schema_version")
        version = int(raw) if raw else 0
        if version > SCHEMA_VERSION:
            msg = (
                f"{self.path}: this store has schema version {version}, newer than this walktool"
                f" understands ({SCHEMA_VERSION}); upgrade walktool"
            )
            raise StoreError(msg)
        if version < 2:  # v2: indexes for re-imports, per-file issues and per-campaign reads
            with self.transaction():
                self._create_indexes()
        # Future migrations go here: `if version < 3: ...`.
        if version < SCHEMA_VERSION:
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    @property
    def schema_version(self) -> int:
        """The schema version of this store."""
        return int(self.get_meta("schema_version") or 0)

    # -- transactions ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction (nested blocks join the outer one)."""
        outer = self._depth == 0
        if outer:
            self._con.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self._con
        except BaseException:
            self._depth -= 1
            if outer:
                self._dirty.clear()
                self._con.execute("ROLLBACK")
            raise
        self._depth -= 1
        if outer:
            for name in sorted(self._dirty):
                self._update_contents(self._table(name))
            self._dirty.clear()
            self._con.execute("COMMIT")

    # -- metadata ---------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """Return a project metadata value, or None."""
        try:
            row = self._con.execute("SELECT value FROM walktool_meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a project metadata value."""
        with self.transaction():
            self._con.execute(
                "INSERT INTO walktool_meta (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- rows ---------------------------------------------------------------------
    def _table(self, name: str) -> Table:
        try:
            return TABLES[name]
        except KeyError:
            msg = f"unknown store table {name!r}"
            raise StoreError(msg) from None

    def _rows(self, table: Table, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
        """SQLite-ready rows, built column by column (numbers cast in bulk, strings passed through)."""
        import numpy as np
        import pandas as pd

        names = table.column_names
        missing = [k for k in table.key if k not in frame.columns]
        if missing:
            msg = f"cannot write {table.name}: missing key column(s) {missing}"
            raise StoreError(msg)
        n = len(frame)
        columns: list[list[Any]] = []
        for name, sqltype in table.columns:
            if name not in frame.columns:
                columns.append([None] * n)
                continue
            col = frame[name]
            if sqltype.startswith(("REAL", "INTEGER")) and col.dtype.kind in "fiub":
                cast: Any = int if sqltype.startswith("INTEGER") else float
                values = col.to_numpy(dtype="float64", na_value=np.nan).tolist()
                columns.append([None if v != v else cast(v) for v in values])
            else:
                columns.append(
                    [
                        v if v is None or type(v) is str
                        else None if v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)
                        else _plain(v)
                        for v in col.astype(object).tolist()
                    ]
                )
        if table.geometry == "POINT":
            lat, lon = columns[names.index("lat")], columns[names.index("lon")]
            geoms = [gpkg_point(float(x), float(y)) if x is not None and y is not None else None for x, y in zip(lon, lat, strict=True)]
            return list(zip(geoms, *columns, strict=True))
        if table.geometry == "LINESTRING":
            geoms_l = [gpkg_linestring(json.loads(c)) if c else None for c in columns[names.index("coords")]]
            return list(zip(geoms_l, *columns, strict=True))
        return list(zip(*columns, strict=True))

    def upsert(self, table: str, frame: pd.DataFrame) -> int:
        """Insert rows, or update those whose key already exists.

        Parameters
        ----------
        table
            A name from :data:`TABLES`.
        frame
            Rows to write; columns not in the table are ignored, missing ones are NULL.

        Returns
        -------
        int
            Number of rows written.
        """
        t = self._table(table)
        if frame.empty:
            return 0
        rows = self._rows(t, frame)
        names = (["geom"] if t.geometry else []) + t.column_names
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in t.key)
        sql = (
            f'INSERT INTO "{t.name}" ({quoted}) VALUES ({marks})'
            f" ON CONFLICT({', '.join(t.key)}) DO UPDATE SET {updates}"
        )
        with self.transaction():
            self._con.executemany(sql, rows)
            self._touch(t)
        return len(rows)

    def replace(self, table: str, frame: pd.DataFrame, where: dict[str, Any] | None = None) -> int:
        """Delete rows matching ``where`` (all rows when None), then insert ``frame``."""
        t = self._table(table)
        clause, params = _where(where)
        with self.transaction():
            self._con.execute(f'DELETE FROM "{t.name}"{clause}', params)
            n = self.upsert(table, frame)
            self._touch(t)
        return n

    def delete(self, table: str, where: dict[str, Any]) -> int:
        """Delete rows matching ``where``; return how many."""
        t = self._table(table)
        clause, params = _where(where)
        with self.transaction():
            cur = self._con.execute(f'DELETE FROM "{t.name}"{clause}', params)
            self._touch(t)
        return cur.rowcount

    def read(self, table: str, where: dict[str, Any] | None = None) -> pd.DataFrame:
        """Read a table as a DataFrame (without fid and geometry), ordered by key."""
        import pandas as pd

        t = self._table(table)
        clause, params = _where(where)
        cols = ", ".join(f'"{c}"' for c in t.column_names)
        order = ", ".join(f'"{k}"' for k in t.key)
        cur = self._con.execute(f'SELECT {cols} FROM "{t.name}"{clause} ORDER BY {order}', params)
        frame = pd.DataFrame(cur.fetchall(), columns=t.column_names)
        for name, sqltype in t.columns:
            if sqltype.startswith("REAL"):
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
            elif sqltype.startswith("INTEGER"):
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
            else:
                frame[name] = frame[name].astype(object)
        return frame

    def count(self, table: str, where: dict[str, Any] | None = None) -> int:
        """Count the rows of a table matching ``where``."""
        t = self._table(table)
        clause, params = _where(where)
        return int(self._con.execute(f'SELECT COUNT(*) FROM "{t.name}"{clause}', params).fetchone()[0])

    def distinct(self, table: str, column: str) -> list[Any]:
        """Sorted distinct non-null values of a column."""
        t = self._table(table)
        if column not in t.column_names:
            msg = f"{table} has no column {column!r}"
            raise StoreError(msg)
        rows = self._con.execute(
            f'SELECT DISTINCT "{column}" FROM "{t.name}" WHERE "{column}" IS NOT NULL ORDER BY 1'
        ).fetchall()
        return [r[0] for r in rows]

    def first_values(self, table: str, group: str, column: str) -> dict[Any, Any]:
        """``MIN(column)`` per value of ``group`` (nulls grouped as None), computed in SQL."""
        t = self._table(table)
        for name in (group, column):
            if name not in t.column_names:
                msg = f"{table} has no column {name!r}"
                raise StoreError(msg)
        rows = self._con.execute(f'SELECT "{group}", MIN("{column}") FROM "{t.name}" GROUP BY 1').fetchall()
        return {r[0]: r[1] for r in rows}

    def _touch(self, table: Table) -> None:
        """Note a changed table: its gpkg_contents row (time, bounds) is updated once, at commit."""
        self._dirty.add(table.name)

    def _update_contents(self, table: Table) -> None:
        if table.geometry:
            bounds = self._con.execute(
                f'SELECT MIN(lon), MIN(lat), MAX(lon), MAX(lat) FROM "{table.name}"'
                if table.geometry == "POINT"
                else f'SELECT NULL, NULL, NULL, NULL FROM "{table.name}" LIMIT 1'
            ).fetchone()
            if bounds is None:
                bounds = (None, None, None, None)
            self._con.execute(
                "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'),"
                " min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
                (*bounds, table.name),
            )
        else:
            self._con.execute(
                "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
                " WHERE table_name = ?",
                (table.name,),
            )

    def close(self) -> None:
        """Close the database connection."""
        self._con.close()

    def __enter__(self) -> GeoPackageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _where(where: dict[str, Any] | None) -> tuple[str, list[Any]]:
    if not where:
        return "", []
    parts = []
    params: list[Any] = []
    for k, v in where.items():
        if v is None:
            parts.append(f'"{k}" IS NULL')
        elif isinstance(v, list | tuple | set):
            values = list(v)
            parts.append(f'"{k}" IN ({", ".join("?" for _ in values)})')
            params += values
        else:
            parts.append(f'"{k}" = ?')
            params.append(v)
    return " WHERE " + " AND ".join(parts), params


def _plain(value: Any) -> Any:
    """Turn numpy / pandas scalars into SQLite-friendly Python values."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str | bytes):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def open_store(path: str | Path, *, create: bool = False) -> GeoPackageStore:
    """Open (or create) the project store at ``path``."""
    return GeoPackageStore(path, create=create)


_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
