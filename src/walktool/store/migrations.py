"""Versioned migrations of the GeoPackage store, oldest first; each runs in one transaction.

=======  =====================================================================================
version  what changed
=======  =====================================================================================
1        the first store: tables with TEXT / INTEGER / REAL columns, points written by hand
2        indexes for re-imports (submission), per-file issues and per-campaign reads
3        typed columns (DATETIME, DATE, BOOLEAN); observations kept as stops (a point layer,
         every stop placed: GPS, else its station) + answers; an rtree spatial index,
         ``gpkg_extensions`` rows and filled extents on every geometry layer
4        provenance of the scores: the protocol (``id@version``) and the hash of its scoring
         rules on every import; recommendations keep who answered the item there
         (``n_answered``), the share who flagged it, ``to_verify``, ``minority`` and their
         protocol and rules hash
5        new tables: ``incident_sources`` and ``incidents`` (recorded incidents, a point
         layer), ``comment_flags`` (comments marked publishable)
6        feature views ``station_scores`` (a point per campaign × station with its score and
         findings by severity) and ``findings`` (a point per finding), and the QGIS
         ``layer_styles`` table giving them default styles (:mod:`walktool.store.gpkg_views`)
=======  =====================================================================================

To add a version: bump :data:`walktool.store.schema.SCHEMA_VERSION`, declare the new
column in :mod:`walktool.store.schema`, and add ``if version < N: _to_vN(store)`` below
(for a new column usually ``ALTER TABLE … ADD COLUMN``; see :func:`add_column`).  The
PostGIS backend keeps the same version numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from walktool.store import gpkg_ddl as ddl
from walktool.store.schema import SCHEMA_VERSION, TABLES, Column

if TYPE_CHECKING:
    from walktool.store.gpkg import GeoPackageStore

CHUNK = 200_000  # old observation rows copied at a time (bounded memory on large archives)


def migrate(store: GeoPackageStore, version: int) -> None:
    """Bring ``store`` from schema ``version`` to :data:`SCHEMA_VERSION`."""
    with store.transaction():
        if version < 3:
            _to_v3(store)  # rebuilds every table with the current layout, v4's columns included
        elif version < 4:
            _to_v4(store)
        if version < 5:
            add_tables(store, ("incident_sources", "incidents", "comment_flags"))
        if version < 6:
            from walktool.store.gpkg_views import create_views

            create_views(store._execute, store._rows)
        store.set_meta("schema_version", str(SCHEMA_VERSION))


def add_column(store: GeoPackageStore, table: str, column: Column) -> None:
    """``ALTER TABLE … ADD COLUMN`` for a column added to a table's declaration (a later migration)."""
    store._execute(f'ALTER TABLE "{table}" ADD COLUMN {column.sql}')


V4_COLUMNS = {
    "imports": ("protocol", "rules_hash"),
    "recommendations": ("n_answered", "share", "to_verify", "minority", "protocol", "rules_hash"),
}


def _to_v4(store: GeoPackageStore) -> None:
    """Add the provenance columns of imports and the evidence columns of recommendations."""
    for table, names in V4_COLUMNS.items():
        present = {r[1] for r in store._rows(f'PRAGMA table_info("{table}")')}
        for name in names:
            if name not in present:
                add_column(store, table, TABLES[table].column(name))
def add_tables(store: GeoPackageStore, names: tuple[str, ...]) -> None:
    """Create tables added to the schema by a later version (those already there are left alone)."""
    existing = {r[0] for r in store._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name in names:
        if name not in existing:
            ddl.create_table(store._execute, ddl.PHYSICAL[name])


def _to_v3(store: GeoPackageStore) -> None:
    """Rebuild every table with the v3 layout, copying the rows through the normal write path."""
    ex = store._execute
    existing = {r[0] for r in store._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    old = [name for name in TABLES if name in existing]
    ex("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,"
       " definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))")
    for name in old:
        ex(f'ALTER TABLE "{name}" RENAME TO "_v2_{name}"')
    for (index,) in store._rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'"):
        ex(f'DROP INDEX "{index}"')  # v2's indexes went along with the renamed tables
    names = list(ddl.PHYSICAL)
    marks = ", ".join("?" for _ in names)
    ex(f"DELETE FROM gpkg_geometry_columns WHERE table_name IN ({marks})", names)
    ex(f"DELETE FROM gpkg_extensions WHERE table_name IN ({marks})", names)
    ex(f"DELETE FROM gpkg_contents WHERE table_name IN ({marks})", names)
    for name in ddl.CREATE_ORDER:
        ddl.create_table(ex, ddl.PHYSICAL[name])
    ex(f"PRAGMA user_version = {ddl.GPKG_USER_VERSION}")
    # stations first: stops without GPS are placed at their station's point
    for name in sorted(old, key=lambda n: n != "stations"):
        _copy(store, name)
        ex(f'DROP TABLE "_v2_{name}"')


def _copy(store: GeoPackageStore, name: str) -> None:
    source = f"_v2_{name}"
    present = {r[1] for r in store._rows(f'PRAGMA table_info("{source}")')}
    columns = [c for c in TABLES[name].column_names if c in present]
    if not columns:
        return
    last = int(store._one(f'SELECT COALESCE(MAX(fid), 0) FROM "{source}"') or 0) if "fid" in present else 0
    step = CHUNK if last else 0
    start = 0
    while True:
        bound = f" WHERE fid > {start} AND fid <= {start + step}" if step else ""
        data = store._arrow(f'SELECT {ddl.quoted(columns)} FROM "{source}"{bound}')
        if data.num_rows:
            store.upsert(name, data.to_pandas())
        start += step
        if not step or start >= last:
            break
