"""Opening the GeoPackage store safely: the connection, foreign files refused, integrity verdicts, write failures.

* :func:`connect` is the one place a connection is opened (pragmas, busy timeout, read-only mode);
* :func:`refuse_foreign` refuses an empty or non-SQLite file (never re-created over);
* :func:`verdict_current` / :func:`record_verdict`: a read-only open skips ``quick_check`` when the
  file has not changed since it last passed one;
* :func:`write_error` names a failed write: a full disk, a read-only project, a busy or damaged store.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from walktool.errors import STORE_DAMAGED, StoreError
from walktool.i18n import N_, Phrase

BATCH_ROWS = "1000000000"  # one result batch: the driver infers each column's type from all its values
CACHE_KIB = 262144  # page cache up to 256 MiB (the archive's indexes stay in memory while importing)
BUSY_MS = 120000  # another walktool command writing: wait up to two minutes for it
SQLITE_MAGIC = b"SQLite format 3\x00"

def connect(path: Path, *, read_only: bool = False) -> Any:
    """The one place a store connection is opened and set up (pragmas, busy timeout, batch size).

    ``read_only`` opens it with SQLite's ``mode=ro``: nothing can be written, and a
    read-only folder or file is no obstacle.
    """
    from urllib.parse import quote

    import adbc_driver_sqlite.dbapi as dbapi

    target = f"file:{quote(path.resolve().as_posix())}?mode=ro" if read_only else str(path)
    con = dbapi.connect(target, autocommit=True)
    cur = None
    try:
        cur = con.cursor()
        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": BATCH_ROWS})
        for pragma in ("foreign_keys = ON", f"cache_size = -{CACHE_KIB}", "temp_store = MEMORY", f"busy_timeout = {BUSY_MS}"):
            cur.execute(f"PRAGMA {pragma}")
            with suppress(Exception):
                cur.fetchall()
    except BaseException:
        # a file SQLite refuses: close what was opened, never leave it to the garbage collector
        if cur is not None:
            with suppress(Exception):
                cur.close()
        with suppress(Exception):
            con.close()
        raise
    return con, cur


def refuse_foreign(path: Path) -> None:
    """Refuse a store file that is empty or not SQLite (never re-created over: it may be the only copy)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        msg = Phrase(N_("{path}: cannot read the project store ({strerror})"), path=path, strerror=exc.strerror)
        raise StoreError(msg, file=str(path), code="store-unreadable") from exc
    if not head:
        msg = (
            Phrase(N_("{path}: the project store is an empty (0-byte) file, not a project store (a failed copy or a full disk?); restore walktool.gpkg from a backup, or delete it, run `walktool init` and `walktool rebuild` to re-import walks/"), path=path)
        )
        raise StoreError(msg, file=str(path), code="store-empty")
    if head != SQLITE_MAGIC:
        msg = (
            Phrase(N_("{path}: not an SQLite / GeoPackage file, so not a walktool project store; it was left untouched. Restore walktool.gpkg from a backup, or move it away, run `walktool init` and `walktool rebuild`"), path=path)
        )
        raise StoreError(msg, file=str(path), code="store-foreign")



def write_error(path: Path, text: str) -> StoreError:
    """The failure of a write (SQLite's reason ``text``): a full disk, a read-only project, a busy or damaged store."""
    where = f"{path}: "
    if "full" in text:
        from walktool.errors import os_failure

        code, message, _ = os_failure(OSError(28, "No space left on device", str(path)))
        return StoreError(message, file=str(path), code=code)
    if "readonly" in text or "read-only" in text:
        msg = Phrase(N_("{where}the project store cannot be written here (a read-only folder or file); use a copy of the project to import"), where=where)
        return StoreError(msg, file=str(path), code="read-only")
    if "locked" in text or "busy" in text:
        msg = (
            Phrase(N_("{where}another walktool command kept the project store busy for more than {value} s; wait for it to finish and run this one again (nothing was stored)"), where=where, value=BUSY_MS // 1000)
        )
        return StoreError(msg, file=str(path), code="store-busy")
    if "malformed" in text or "corrupt" in text:
        return StoreError(Phrase(N_("{where}{damaged}"), where=where, damaged=Phrase(STORE_DAMAGED)), file=str(path), code="store-damaged")
    return StoreError(Phrase(N_("{where}the store refused a write ({text}); nothing was stored"), where=where, text=text), file=str(path))


def _verdict_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.checked")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_mtime_ns} {stat.st_size}"


def verdict_current(path: Path) -> bool:
    """The store has not changed since it last passed ``quick_check`` (the verdict file beside it says so)."""
    try:
        return _verdict_path(path).read_text(encoding="ascii").strip() == _stamp(path)
    except (OSError, UnicodeDecodeError):
        return False


def record_verdict(path: Path) -> None:
    """Record that the store, as it is now, is sound (quietly nothing in a read-only folder)."""
    with suppress(OSError):
        _verdict_path(path).write_text(_stamp(path), encoding="ascii")


def integrity_problems(rows: Callable[[str], list[tuple[Any, ...]]], *, full: bool = False) -> list[str]:
    """What SQLite's ``quick_check`` (``integrity_check`` when ``full``) finds wrong; empty when the store is sound."""
    from adbc_driver_manager import dbapi

    from walktool.store.sql import reason

    try:
        found = [str(r[0]) for r in rows("PRAGMA integrity_check" if full else "PRAGMA quick_check")]
    except dbapi.Error as exc:
        # "INVALID_ARGUMENT: [SQLite] Failed to prepare query: database disk image is malformed"
        return [reason(exc).rsplit(": ", 1)[-1]]
    return [] if found == ["ok"] else found


def check_integrity(path: Path, rows: Callable[[str], list[tuple[Any, ...]]]) -> None:
    """Raise :class:`StoreError` (code ``store-damaged``) when the store fails ``quick_check``."""
    problems = integrity_problems(rows)
    if problems:
        msg = Phrase(N_("{path}: {damaged} (SQLite: {problems})"), path=path, damaged=Phrase(STORE_DAMAGED), problems=problems[0])
        raise StoreError(msg, file=str(path), code="store-damaged")


def begin_immediate(
    path: Path, execute: Callable[[str], Any], pragma: Callable[[str], None], waiting: Callable[[], None] | None
) -> None:
    """``BEGIN IMMEDIATE``; when another process holds the store, call ``waiting`` once and wait up to :data:`BUSY_MS`."""
    from adbc_driver_manager import dbapi

    from walktool.store.sql import reason

    if waiting is None:
        execute("BEGIN IMMEDIATE")
        return
    pragma("busy_timeout = 0")
    try:
        execute("BEGIN IMMEDIATE")
    except dbapi.Error as exc:
        if "locked" not in reason(exc) and "busy" not in reason(exc):
            raise write_error(path, reason(exc)) from exc
        waiting()
        pragma(f"busy_timeout = {BUSY_MS}")
        try:
            execute("BEGIN IMMEDIATE")
        except dbapi.Error as again:
            raise write_error(path, reason(again)) from again
    finally:
        pragma(f"busy_timeout = {BUSY_MS}")
