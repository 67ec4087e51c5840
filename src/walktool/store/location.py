"""Where a project's store is: a GeoPackage file or a PostgreSQL/PostGIS archive, and how it is shown.

A location is a path (``walktool.gpkg``) or a libpq connection URL
(``postgresql://user@host:5432/walks``, ``postgresql:///walks?service=archive``).
Credentials come from the URL, a libpq service file (``~/.pg_service.conf``) or the
environment (``PGPASSWORD``, ``~/.pgpass``): walktool never writes them into the
project and shows every URL with its password masked.
"""

from __future__ import annotations

import re
from pathlib import Path

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase

SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"^(?P<head>[a-z]+://[^:/@?#]*):(?P<secret>[^@/?#]*)@", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"(?P<key>[?&]password=)[^&#]*", re.IGNORECASE)


def is_database_url(location: str | Path | None) -> bool:
    """True when ``location`` names a PostgreSQL archive rather than a file."""
    return isinstance(location, str) and location.strip().lower().startswith(SCHEMES)


def mask(location: str | Path) -> str:
    """``location`` fit to print: a URL's password (in the user part or the query) as ``***``."""
    text = str(location)
    if not is_database_url(text):
        return text
    text = _PASSWORD.sub(lambda m: f"{m['head']}:***@", text)
    return _QUERY_PASSWORD.sub(lambda m: f"{m['key']}***", text)


def has_password(location: str) -> bool:
    """True when a URL holds a password (refused in walktool.toml: it would be written into the project)."""
    return mask(location) != location


def check_url(location: str) -> str:
    """Return a database URL stripped of spaces, or a StoreError saying what is wrong with it."""
    url = location.strip()
    if not is_database_url(url):
        msg = Phrase(N_("{mask}: not a PostgreSQL URL (postgresql://user@host:port/database)"), mask=mask(url))
        raise StoreError(msg)
    return url


__all__ = ["SCHEMES", "check_url", "has_password", "is_database_url", "mask"]
