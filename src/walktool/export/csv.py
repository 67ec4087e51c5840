"""CSV files: plain (UTF-8, ``,``) or for Excel (BOM, the locale's separator and decimal mark), formulas escaped.

A spreadsheet opening a CSV turns a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return into a formula (``=HYPERLINK(…)``,
``=DDE("cmd";…)``): every CSV export prefixes such text cells with ``'`` (OWASP,
"CSV injection"; ASVS 5.0 1.2.10) unless ``raw`` is asked for.  Numeric, boolean
and date columns are written as they are (a negative score stays a number).
Parquet and GeoPackage exports are never escaped: they hold typed values that no
spreadsheet evaluates.

``excel=True`` writes what Excel on Windows opens right by a double click: UTF-8 with
a byte order mark (without it, Excel reads the file in the ANSI code page and
garbles the accents), and in French the separator ``;`` with decimal commas
(French Windows uses ``,`` as the decimal mark, so the list separator is ``;``), in
English ``,`` and decimal points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP)."""


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV export is written: encoding, separator, decimal mark, formula escaping."""

    encoding: str = "utf-8"
    sep: str = ","
    decimal: str = "."
    escape: bool = True


def dialect(*, excel: bool = False, lang: str = "fr", raw: bool = False) -> CsvDialect:
    """The dialect of a CSV export: plain, or for Excel in ``lang`` (``fr``: ``;`` and ``,``; ``en``: ``,`` and ``.``)."""
    if not excel:
        return CsvDialect(escape=not raw)
    if lang == "fr":
        return CsvDialect("utf-8-sig", ";", ",", escape=not raw)
    return CsvDialect("utf-8-sig", ",", ".", escape=not raw)


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``'`` before every text cell that a spreadsheet would read as a formula.

    Only text (object / string) columns are touched; numbers, booleans and dates are not.
    """
    import pandas as pd

    out = {}
    changed = False
    for name in frame.columns:
        col = frame[name]
        if not (col.dtype == object or isinstance(col.dtype, pd.StringDtype)):
            out[name] = col
            continue
        try:
            hit = col.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        except AttributeError:  # no text in it (all missing, or other objects)
            hit = None
        if hit is not None and hit.any():
            col = col.copy()
            col[hit] = "'" + col[hit].astype(str)
            changed = True
        out[name] = col
    return pd.DataFrame(out, index=frame.index) if changed else frame


def write_csv(frame: pd.DataFrame, path: Path, how: CsvDialect) -> Path:
    """Write ``frame`` to ``path`` in dialect ``how``; returns ``path``."""
    data = escape_formulas(frame) if how.escape else frame
    data.to_csv(path, index=False, sep=how.sep, decimal=how.decimal, encoding=how.encoding)
    return path
