"""Administration of a shared PostGIS archive: roles that may read or write it, and what it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store.gpkg_ddl import CREATE_ORDER, PHYSICAL
from walktool.store.pg_ddl import META

if TYPE_CHECKING:
    from walktool.store.base import Store

TABLES = (*CREATE_ORDER, META)
_READ = "SELECT"
_WRITE = "SELECT, INSERT, UPDATE, DELETE"


@dataclass
class Grant:
    """What :func:`grant` did: the roles given read or write access (created when missing)."""

    read: list[str] = field(default_factory=list)
    write: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _archive(store: Store) -> Any:
    from walktool.store.postgis import PostGISStore

    if not isinstance(store, PostGISStore):
        msg = Phrase(N_("{path}: roles are for a shared PostGIS archive; this project's store is a GeoPackage file (give --store postgresql://…)"), path=store.path)
        raise StoreError(msg)
    return store


def grant(store: Store, *, read: list[str] | tuple[str, ...] = (), write: list[str] | tuple[str, ...] = ()) -> Grant:
    """Give roles read-only access (staff: summary, report, map) or write access (facilitators: import, followup).

    A missing role is created with LOGIN and no password (its owner sets one with
    ``ALTER ROLE … PASSWORD`` or the server's own authentication); walktool never
    handles passwords.  A read role loses any write access it had.

    Raises
    ------
    StoreError
        When the store is not a PostGIS archive or the connected role may not grant.
    """
    import psycopg
    from psycopg import sql

    pg = _archive(store)
    done = Grant()
    tables = sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)
    try:
        with pg.transaction():
            schema = pg._one("SELECT current_schema()")
            for role, privileges, kind in [*((r, _READ, "read") for r in read), *((r, _WRITE, "write") for r in write)]:
                ident = sql.Identifier(role)
                if not pg._one("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)):
                    pg._execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
                    done.created.append(role)
                pg._execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(pg._one("SELECT current_database()")), ident))
                pg._execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident))
                pg._execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(tables, ident))
                pg._execute(sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(tables, ident))
                pg._execute(sql.SQL("GRANT SELECT ON spatial_ref_sys TO {}").format(ident))
                if kind == "write":
                    sequences = [r[0] for r in pg._rows(
                        "SELECT pg_get_serial_sequence(quote_ident(t), 'fid') FROM unnest(%s::text[]) t",
                        ([t for t in TABLES if t in PHYSICAL],),
                    )]
                    for seq in sequences:
                        pg._execute(sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.SQL(seq), ident))
                    done.write.append(role)
                else:
                    done.read.append(role)
    except psycopg.Error as exc:
        msg = Phrase(N_("{location}: could not grant access ({splitlines}); connect as the archive's owner"), location=pg.location, splitlines=str(exc).strip().splitlines()[0])
        raise StoreError(msg) from exc
    return done


def info(store: Store) -> dict[str, Any]:
    """Where the store is, its backend, schema version, row counts, and (an archive) who may read or write it."""
    from walktool.store.location import mask

    doc: dict[str, Any] = {
        "store": mask(str(getattr(store, "location", store.path))),
        "backend": "postgis" if hasattr(store, "url") else "geopackage",
        "schema_version": store.schema_version,
        "tables": {name: store.count(name) for name in ("stations", "walks", "participants", "observations", "issues", "imports", "recommendations")},
    }
    if doc["backend"] == "postgis":
        pg = _archive(store)
        doc["writable"] = pg.writable()
        doc["user"] = pg._one("SELECT current_user")
        rows = pg._rows(
            "SELECT grantee, bool_or(privilege_type = 'INSERT') FROM information_schema.role_table_grants"
            " WHERE table_name = 'observations' AND table_schema = current_schema() GROUP BY grantee ORDER BY grantee"
        )
        doc["roles"] = {str(r[0]): ("write" if r[1] else "read") for r in rows}
    return doc
