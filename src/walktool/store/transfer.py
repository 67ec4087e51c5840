"""Copy a project store into another: a GeoPackage into a shared archive and back, or two laptops into one.

Every table is copied by its key (observations by ``obs_id``, one answer of one
submission), so copying two projects into one archive keeps both and copying the
same one twice changes nothing.  The counts are checked after the copy: every row
of the source must be found in the target by its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store.gpkg_ddl import CREATE_ORDER
from walktool.store.schema import TABLES

if TYPE_CHECKING:
    from walktool.store.base import Store

# stations before stops (a stop without GPS is placed at its station), the rest in creation order
ORDER = tuple(t for t in ("stations", *(n for n in CREATE_ORDER if n not in ("stops", "stations"))) if t in TABLES)
META_KEYS = ("pseudonym_salt", "stations_source", "stations_credit", "stations_timezone")
CHUNK = 500_000  # observations copied at a time, by campaign and source file


@dataclass(frozen=True)
class TableCopy:
    """One table copied: rows in the source, rows of the source found in the target, rows the target has now."""

    table: str
    source: int
    copied: int
    target: int


def copy_store(source: Store, target: Store) -> list[TableCopy]:
    """Copy every table of ``source`` into ``target`` (upsert by key, in one transaction), counts checked.

    Metadata the target lacks (the pseudonym salt, the stations' source and credit)
    is copied too; the target's own is kept.

    Raises
    ------
    StoreError
        When a row of the source is missing from the target afterwards (nothing is kept then).
    """
    out: list[TableCopy] = []
    with target.transaction():
        for key in META_KEYS:
            value = source.get_meta(key)
            if value is not None and target.get_meta(key) is None:
                target.set_meta(key, value)
        for name in ORDER:
            t = TABLES[name]
            n = source.count(name)
            if name == "observations":
                for group in source.distinct("observations", "source_file") or [None]:
                    target.upsert(name, source.read(name, {"source_file": group}))
                if source.count(name, {"source_file": None}) and source.distinct("observations", "source_file"):
                    target.upsert(name, source.read(name, {"source_file": None}))
            elif n:
                target.upsert(name, source.read(name))
            keys = source.read(name, columns=list(t.key))
            found = _found(target, name, keys) if n else 0
            if found != n:
                msg = Phrase(N_("{name}: {n} rows in the source but only {found} of them in the target after the copy; nothing was kept"), name=name, n=n, found=found)
                raise StoreError(msg)
            out.append(TableCopy(name, n, found, target.count(name)))
    return out


def _found(target: Store, name: str, keys: object) -> int:
    import pandas as pd

    frame = keys if isinstance(keys, pd.DataFrame) else pd.DataFrame(keys)
    key = TABLES[name].key
    if len(key) != 1:
        there = target.read(name, columns=list(key))
        return len(frame.merge(there.drop_duplicates(), on=list(key), how="inner"))
    values = frame[key[0]].dropna().astype(str).unique().tolist()
    found = 0
    for start in range(0, len(values), CHUNK):
        found += target.count(name, {key[0]: values[start : start + CHUNK]})
    return found
