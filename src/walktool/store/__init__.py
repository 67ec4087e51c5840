"""The project store: a GeoPackage (SQLite) that QGIS opens as it is.

Everything walktool keeps about a project lives here: stations, entrances and
metro lines, walks, participants (pseudonyms only), observations, rejects and
warnings, recommendations with their status history, the import log and the raw
files' checksums.  The rest of walktool talks only to the small interface
:class:`~walktool.store.base.Store`, over the tables declared in
:mod:`walktool.store.schema`, so another backend (PostGIS) is one more
implementation of it.

* :mod:`.schema`: tables, typed columns, keys, indexes, :data:`SCHEMA_VERSION`;
* :mod:`.base`: the :class:`Store` protocol;
* :mod:`.postgis`: the PostGIS backend, one shared archive (psycopg 3, COPY; :mod:`.pg_ddl`);
* :mod:`.location`: a store's location (file or URL), passwords masked;
* :mod:`.gpkg`: the GeoPackage backend (column-wise reads and writes through ADBC);
* :mod:`.gpkg_ddl`: GeoPackage tables, the rtree index, geometry blobs;
* :mod:`.frames`: frames to typed Arrow columns and back;
* :mod:`.migrations`: versioned migrations from earlier stores.
"""

from __future__ import annotations

from pathlib import Path

from walktool.store.base import Store
from walktool.store.gpkg import GeoPackageStore
from walktool.store.gpkg_ddl import GPKG_APPLICATION_ID, PHYSICAL, WGS84
from walktool.store.location import is_database_url, mask
from walktool.store.schema import SCHEMA_VERSION, TABLES, Column, Table


def open_store(location: str | Path, *, create: bool = False, read_only: bool = False) -> Store:
    """Open (or create) the project store at ``location``: a GeoPackage path or a ``postgresql://`` URL (``read_only``: for reading only)."""
    if is_database_url(location):
        from walktool.store.postgis import PostGISStore

        return PostGISStore(str(location), create=create)
    return GeoPackageStore(location, create=create, read_only=read_only)


__all__ = [
    "GPKG_APPLICATION_ID",
    "PHYSICAL",
    "SCHEMA_VERSION",
    "TABLES",
    "WGS84",
    "Column",
    "GeoPackageStore",
    "Store",
    "Table",
    "is_database_url",
    "mask",
    "open_store",
]
