"""SQL text helpers of the GeoPackage backend: values as parameters or as literals (GDAL takes no parameters)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any


def literal_condition(column: str, value: Any) -> str:
    """An SQL condition with its values written as literals (for GDAL, which takes no parameters)."""
    if value is None:
        return f'"{column}" IS NULL'
    if isinstance(value, list | tuple | set):
        values = [literal(v) for v in value]
        return f'"{column}" IN ({", ".join(values)})' if values else "0"
    return f'"{column}" = {literal(value)}'


def literal(value: Any) -> str:
    """``value`` as an SQL literal (text quoted, quotes doubled)."""
    value = param(value)
    if value is None or (isinstance(value, float) and value != value):
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def param(value: Any) -> Any:
    """A numpy / pandas scalar as the plain Python value a driver binds (booleans as 0 / 1)."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with suppress(ValueError, AttributeError):
            value = value.item()
    return int(value) if isinstance(value, bool) else value


def reason(exc: BaseException) -> str:
    """The first line of a driver's error, for a message naming the store."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.removeprefix("[SQLite] ")
