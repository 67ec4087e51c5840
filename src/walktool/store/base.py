"""The store interface every backend implements (:mod:`.gpkg`: a GeoPackage file; :mod:`.postgis`: a shared archive)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store.schema import TABLES, Table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

Where = dict[str, Any] | None
"""Equality filters: ``{"campaign": "2024"}``; a list or tuple means IN; None means IS NULL."""


class Store(Protocol):
    """What walktool needs from a project store (any backend).

    Tables and columns are those of :data:`walktool.store.schema.TABLES`, whatever
    the backend keeps physically.  Writes inside :meth:`transaction` commit
    together; every write method opens one when called outside.
    """

    @property
    def path(self) -> Path:
        """Where the store is (for an archive, its URL with the password masked), for messages."""

    @property
    def schema_version(self) -> int:
        """The schema version of this store."""

    def transaction(self, *, waiting: Callable[[], None] | None = None) -> Any:
        """Context manager: everything inside commits together or not at all.

        ``waiting`` is called once when another process holds the store and this one waits for it.
        """

    def get_meta(self, key: str) -> str | None:
        """Return a project metadata value."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a project metadata value."""

    def upsert(self, table: str, frame: pd.DataFrame) -> int:
        """Insert or update rows by the table's key; return the number written."""

    def replace(self, table: str, frame: pd.DataFrame, where: Where = None) -> int:
        """Delete the rows matching ``where`` (all when None) and insert ``frame``."""

    def delete(self, table: str, where: dict[str, Any]) -> int:
        """Delete the rows matching ``where``; return how many."""

    def read(self, table: str, where: Where = None, columns: list[str] | None = None) -> pd.DataFrame:
        """Read a table (optionally filtered on equal columns, optionally some columns only)."""

    def read_arrow(self, table: str, where: Where = None, columns: list[str] | None = None) -> pa.Table:
        """:meth:`read` as a typed Arrow table."""

    def count(self, table: str, where: Where = None) -> int:
        """Count rows."""

    def distinct(self, table: str, column: str) -> list[Any]:
        """Sorted distinct non-null values of a column."""

    def first_values(self, table: str, group: str, column: str) -> dict[Any, Any]:
        """``MIN(column)`` per value of ``group``."""

    def close(self) -> None:
        """Close the store."""


def table(name: str) -> Table:
    """The declaration of table ``name``, or a StoreError."""
    try:
        return TABLES[name]
    except KeyError:
        msg = Phrase(N_("unknown store table {name!r}"), name=name)
        raise StoreError(msg) from None


def check_columns(t: Table, names: list[str] | tuple[str, ...]) -> None:
    """Refuse column names the table does not have (they are put in SQL text)."""
    known = set(t.column_names)
    unknown = [n for n in names if n not in known]
    if unknown:
        msg = Phrase(N_("{name} has no column {unknown!r}"), name=t.name, unknown=unknown[0])
        raise StoreError(msg)
