"""Versioned migrations of the PostGIS archive: the same version numbers as the GeoPackage store.

An archive is created at the current :data:`~walktool.store.schema.SCHEMA_VERSION`
(versions 1 and 2 were GeoPackage only; 3: typed columns, stops + answers, spatial
indexes; 4: the provenance and evidence columns of imports and recommendations,
:data:`walktool.store.migrations.V4_COLUMNS`; 5: the tables incident_sources, incidents and
comment_flags; 6: nothing to do in PostGIS, see below).  A later version adds its step here as it adds one to
:mod:`walktool.store.migrations`: ``if version < N: store._execute(add_column_sql("table", column))``
(:func:`walktool.store.pg_ddl.add_column_sql`).  Migrations run when the archive is
opened, in one transaction under the archive's advisory lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store.migrations import V4_COLUMNS
from walktool.store.pg_ddl import PHYSICAL, add_column_sql, create_statements
from walktool.store.schema import SCHEMA_VERSION, TABLES

if TYPE_CHECKING:
    from walktool.store.postgis import PostGISStore

FIRST_VERSION = 3  # the first schema a PostGIS archive had


def migrate(store: PostGISStore, version: int) -> None:
    """Bring ``store`` from schema ``version`` to :data:`SCHEMA_VERSION`."""
    if version < FIRST_VERSION:
        msg = Phrase(N_("{location}: schema version {version} is not a walktool archive version (the first is {FIRST_VERSION})"), location=store.location, version=version, FIRST_VERSION=FIRST_VERSION)
        raise StoreError(msg)
    with store.transaction():
        # re-read under the lock: another process may have migrated it meanwhile
        version = int(store.get_meta("schema_version") or 0)
        if version >= SCHEMA_VERSION:
            return
        if version < 4:
            for table, names in V4_COLUMNS.items():
                for name in names:
                    store._execute(add_column_sql(table, TABLES[table].column(name)))
        if version < 5:  # recorded incidents and comments marked publishable (walktool.store.migrations)
            for table in ("incident_sources", "incidents", "comment_flags"):
                for sql in create_statements(PHYSICAL[table]):
                    store._execute(_if_not_exists(sql))
        # 6: the GeoPackage's feature views and QGIS layer_styles (walktool.store.gpkg_views) have no
        # PostGIS step: QGIS reads an archive's tables through its own provider and keeps styles in its
        # own public.layer_styles when a user saves one; the archive's schema is unchanged at v6.
        store.set_meta("schema_version", str(SCHEMA_VERSION))


def _if_not_exists(sql: str) -> str:
    """A CREATE TABLE / INDEX statement that leaves an existing table or index alone."""
    for verb in ("CREATE TABLE ", "CREATE INDEX "):
        if sql.startswith(verb):
            return verb + "IF NOT EXISTS " + sql[len(verb) :]
    return sql
