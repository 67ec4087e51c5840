"""GeoPackage structure: the core tables, the physical layout of walktool's tables, the rtree index.

Everything here is SQL text and small helpers; :mod:`walktool.store.gpkg` runs it.
What GDAL writes is mirrored (the rtree triggers are GDAL's, so QGIS and GDAL keep
the index up to date when they edit a layer), so that ``ogrinfo`` reports every
geometry layer with its spatial index, extent and field types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.store.schema import ANSWER_COLUMNS, STOP_COLUMNS, TABLES, Column, Table

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

Execute = Callable[..., Any]

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10400  # GeoPackage 1.4, as GDAL writes
WGS84 = 4326
RTREE_EXTENSION = ("gpkg_rtree_index", "http://www.geopackage.org/spec120/#extension_rtree", "write-only")

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

CORE_TABLES = (
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,"
    " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,"
    " description TEXT)",
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,"
    " identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT"
    " (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,"
    " srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
    " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,"
    " CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
    " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
    " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
    "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,"
    " definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
    "CREATE TABLE IF NOT EXISTS walktool_meta (key TEXT PRIMARY KEY, value TEXT)",
)
SPATIAL_REF_SYS = (
    ("Undefined Cartesian SRS", -1, "NONE", -1, "undefined", "undefined Cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", WGS84, "EPSG", WGS84, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
)


@dataclass(frozen=True)
class Physical:
    """One table in the file: its columns (after ``fid`` and ``geom``), key, geometry and indexes."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    geometry: str | None
    description: str
    indexes: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Column names without fid and geometry."""
        return [c.name for c in self.columns]


def _physical(table: Table) -> Physical:
    return Physical(table.name, table.columns, table.key, table.geometry, table.description, table.indexes)


# The observations are kept as stops (a point layer: one row per place and time a participant
# filled the checklist) and answers pointing at them: the stop-level values are written once.
STOPS = Physical(
    "stops",
    (Column("stop_id", "TEXT", True), *STOP_COLUMNS),
    ("stop_id",),
    "POINT",
    "Stops: where and when a participant answered (the observations' context); placed at the station"
    " when there was no GPS fix (location_source)",
    ("submission_id", "campaign", "source_file", "import_id", "station_id"),
)
ANSWERS = Physical(
    "observations",
    (Column("stop_fid", "INTEGER", True), *ANSWER_COLUMNS),
    ("obs_id",),
    None,
    "Observations: one answered item or one finding; its place, time and source are its stop's (stop_fid)",
    ("stop_fid",),
    ('FOREIGN KEY ("stop_fid") REFERENCES "stops" ("fid") ON DELETE CASCADE',),
)
PHYSICAL: dict[str, Physical] = {
    p.name: p
    for p in (
        *(_physical(t) for t in TABLES.values() if t.name != "observations"),
        STOPS,
        ANSWERS,
    )
}
# creation order: stops before the answers that reference them
CREATE_ORDER = ("stations", "entrances", "lines", "walks", "participants", "stops", "observations", "issues",
                "imports", "recommendations", "recommendation_status", "incident_sources", "incidents",
                "comment_flags")


def quoted(names: Sequence[str]) -> str:
    """``"a", "b"``: SQL identifiers, comma-separated."""
    return ", ".join('"' + n + '"' for n in names)


def create_core(execute: Execute) -> None:
    """The GeoPackage core tables and the SRS rows (a new, empty file)."""
    execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
    execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
    for sql in CORE_TABLES:
        execute(sql)
    for row in SPATIAL_REF_SYS:
        execute("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", row)


def create_table(execute: Execute, table: Physical) -> None:
    """Create one table with its gpkg_contents row, geometry column, rtree index and indexes."""
    cols = ['"fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL']
    if table.geometry:
        cols.append(f'"geom" {table.geometry}')
    cols += [c.sql for c in table.columns]
    cols.append(f"UNIQUE ({quoted(table.key)})")
    cols += list(table.constraints)
    execute(f'CREATE TABLE "{table.name}" ({", ".join(cols)})')
    execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?,?,?,?,?)",
        (table.name, "features" if table.geometry else "attributes", table.name, table.description,
         WGS84 if table.geometry else None),
    )
    for column in table.indexes:
        execute(f'CREATE INDEX "idx_{table.name}_{column}" ON "{table.name}" ("{column}")')
    if table.geometry:
        execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", (table.name, "geom", table.geometry, WGS84))
        execute(f'CREATE VIRTUAL TABLE "rtree_{table.name}_geom" USING rtree(id, minx, maxx, miny, maxy)')
        execute("INSERT INTO gpkg_extensions VALUES (?,?,?,?,?)", (table.name, "geom", *RTREE_EXTENSION))
        for sql in rtree_triggers(table.name):
            execute(sql)


def rtree_triggers(table: str, column: str = "geom") -> list[str]:
    """GDAL's rtree triggers (GeoPackage 1.4 with GDAL's update5-7): the index follows every edit."""
    t, g, r = f'"{table}"', f'"{column}"', f'"rtree_{table}_{column}"'
    box = f'NEW."fid",ST_MinX(NEW.{g}), ST_MaxX(NEW.{g}),ST_MinY(NEW.{g}), ST_MaxY(NEW.{g})'
    new_ok = f'(NEW.{g} NOTNULL AND NOT ST_IsEmpty(NEW.{g}))'
    new_none = f'(NEW.{g} ISNULL OR ST_IsEmpty(NEW.{g}))'
    name = f"rtree_{table}_{column}"
    return [
        f'CREATE TRIGGER "{name}_insert" AFTER INSERT ON {t} WHEN (new.{g} NOT NULL AND NOT ST_IsEmpty(NEW.{g}))'
        f" BEGIN INSERT OR REPLACE INTO {r} VALUES ({box}); END",
        f'CREATE TRIGGER "{name}_update6" AFTER UPDATE OF {g} ON {t} WHEN OLD."fid" = NEW."fid" AND {new_ok}'
        f" AND (OLD.{g} NOTNULL AND NOT ST_IsEmpty(OLD.{g})) BEGIN UPDATE {r} SET minx = ST_MinX(NEW.{g}),"
        f' maxx = ST_MaxX(NEW.{g}),miny = ST_MinY(NEW.{g}), maxy = ST_MaxY(NEW.{g}) WHERE id = NEW."fid";END',
        f'CREATE TRIGGER "{name}_update7" AFTER UPDATE OF {g} ON {t} WHEN OLD."fid" = NEW."fid" AND {new_ok}'
        f" AND (OLD.{g} ISNULL OR ST_IsEmpty(OLD.{g})) BEGIN INSERT INTO {r} VALUES ({box}); END",
        f'CREATE TRIGGER "{name}_update2" AFTER UPDATE OF {g} ON {t} WHEN OLD."fid" = NEW."fid" AND {new_none}'
        f' BEGIN DELETE FROM {r} WHERE id = OLD."fid"; END',
        f'CREATE TRIGGER "{name}_update5" AFTER UPDATE ON {t} WHEN OLD."fid" != NEW."fid" AND {new_ok}'
        f' BEGIN DELETE FROM {r} WHERE id = OLD."fid"; INSERT OR REPLACE INTO {r} VALUES ({box}); END',
        f'CREATE TRIGGER "{name}_update4" AFTER UPDATE ON {t} WHEN OLD."fid" != NEW."fid" AND {new_none}'
        f' BEGIN DELETE FROM {r} WHERE id IN (OLD."fid", NEW."fid"); END',
        f'CREATE TRIGGER "{name}_delete" AFTER DELETE ON {t} WHEN old.{g} NOT NULL'
        f' BEGIN DELETE FROM {r} WHERE id = OLD."fid"; END',
    ]


# Triggers that call the ST_* functions (GDAL and SpatiaLite provide them; walktool's own connection
# does not): dropped while walktool writes a layer, the index kept by walktool in the same
# transaction, and put back before it commits.
WRITE_TRIGGERS = ("insert", "update6", "update7", "update2", "update5", "update4")


def drop_write_triggers(execute: Execute, table: str) -> None:
    """Drop the rtree triggers that need ST_* functions (inside the writing transaction)."""
    for suffix in WRITE_TRIGGERS:
        execute(f'DROP TRIGGER IF EXISTS "rtree_{table}_geom_{suffix}"')


def create_write_triggers(execute: Execute, table: str) -> None:
    """Put back the triggers dropped by :func:`drop_write_triggers`."""
    for sql in rtree_triggers(table)[: len(WRITE_TRIGGERS)]:
        execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


# -- geometry blobs ----------------------------------------------------------------------
def _header(srs_id: int, envelope: bool) -> bytes:
    """GeoPackage binary header: magic, version 0, flags (little-endian, envelope 1 = xy), SRS id."""
    return b"GP\x00" + bytes([0x03 if envelope else 0x01]) + srs_id.to_bytes(4, "little", signed=True)


def point_blobs(x: np.ndarray, y: np.ndarray, srs_id: int = WGS84) -> list[bytes | None]:
    """GeoPackage geometry blobs of points (None where a coordinate is missing), WKB by shapely."""
    import numpy as np
    import shapely

    ok = ~(np.isnan(x) | np.isnan(y))
    wkb = shapely.to_wkb(shapely.points(x[ok], y[ok]), byte_order=1, flavor="iso")
    head = _header(srs_id, envelope=False)
    out: list[bytes | None] = [None] * len(x)
    for i, blob in zip(np.flatnonzero(ok).tolist(), wkb.tolist(), strict=True):
        out[i] = head + blob
    return out


def line_blobs(coords: Sequence[Sequence[Sequence[float]] | None], srs_id: int = WGS84) -> tuple[list[bytes | None], list[tuple[float, float, float, float] | None]]:
    """GeoPackage blobs (with their envelope) and bounds of linestrings given as coordinate lists."""
    import struct

    import shapely

    blobs: list[bytes | None] = []
    bounds: list[tuple[float, float, float, float] | None] = []
    for c in coords:
        if not c or len(c) < 2:
            blobs.append(None)
            bounds.append(None)
            continue
        line = shapely.linestrings(c)
        minx, miny, maxx, maxy = (float(v) for v in shapely.bounds(line))
        wkb = shapely.to_wkb(line, byte_order=1, flavor="iso")
        blobs.append(_header(srs_id, envelope=True) + struct.pack("<dddd", minx, maxx, miny, maxy) + wkb)
        bounds.append((minx, maxx, miny, maxy))
    return blobs, bounds


def with_geometry(phys: Physical, data: pa.Table) -> pa.Table:
    """Add the GeoPackage geometry blob and its bounds (``_minx`` …) to rows of a layer."""
    import numpy as np
    import pyarrow as pa

    if phys.geometry is None:
        return data
    if phys.geometry == "POINT":
        x = data.column("lon").to_numpy(zero_copy_only=False).astype("float64")
        y = data.column("lat").to_numpy(zero_copy_only=False).astype("float64")
        blobs = point_blobs(x, y)
        box = [x, x, y, y]
    else:
        import json

        coords = [json.loads(c) if c else None for c in data.column("coords").to_pylist()]
        blobs, bounds = line_blobs(coords)
        box = [np.array([b[i] if b else np.nan for b in bounds], dtype="float64") for i in range(4)]
    data = data.append_column("geom", pa.array(blobs, type=pa.binary()))
    for name, values in zip(("_minx", "_maxx", "_miny", "_maxy"), box, strict=True):
        data = data.append_column(name, pa.array(values, type=pa.float64(), from_pandas=True))
    return data
