"""Raw files kept as they came: checksums and copies into ``walks/`` (never modified)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walktool.project import Project


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, sorted)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            digest.update(str(p.relative_to(path)).encode())
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    else:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()



def copy_atomic(source: Path, target: Path) -> None:
    """Copy a file or folder to ``target`` through a temporary name, renamed once complete.

    A copy that fails (a full disk, Ctrl-C, SIGTERM) leaves nothing behind: the
    partial copy is removed, and the error names the target, so the message says
    which disk is full.
    """
    import os

    part = target.with_name(f".{target.name}.part-{os.getpid()}")
    try:
        if source.is_dir():
            shutil.copytree(source, part)
        else:
            shutil.copy2(source, part)
        os.replace(part, target)
    except OSError as exc:
        _remove(part)
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    except BaseException:
        _remove(part)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def copy_raw(project: Project, path: Path, checksum: str, walk_id: str | None, companions: Sequence[Path] = ()) -> str:
    """Copy a raw file into walks/ (once per content); return its path relative to the project.

    ``companions`` (an ODK root CSV's repeat files ``<stem>-<repeat>.csv``) are copied
    beside it under the same stem, so that the copy can be read again as it was.
    """
    folder = project.walks_dir / (walk_id or "imported")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists() and sha256_of(target) != checksum:
        target = folder / f"{path.stem}-{checksum[:8]}{path.suffix}"
    try:
        same = target.resolve() == path.resolve()
    except OSError:
        same = False
    if not target.exists() and not same:
        copy_atomic(path, target)
    for companion in companions:
        copy = target.with_name(target.stem + companion.name[len(path.stem) :])
        try:
            same = copy.resolve() == companion.resolve()
        except OSError:
            same = False
        if not same and (not copy.exists() or sha256_of(copy) != sha256_of(companion)):
            copy_atomic(companion, copy)
    return str(target.relative_to(project.root))


def copy_media(project: Project, root: Path, walk_id: str | None, name: str) -> int:
    """Copy the photos under ``root`` (extracted from an export zip) to ``walks/<walk>/<name>/``; return how many were new.

    Their folders inside the zip are kept.  A photo already there with the same
    content is not copied again; a different file never overwrites it: the copy
    takes the content's checksum as a suffix (like :func:`copy_raw`).
    """
    from walktool.readers._base import IMAGE_SUFFIXES

    name = name.strip(". ") or "photos"
    dest = project.walks_dir / (walk_id or "imported") / name
    copied = 0
    for src in sorted(root.rglob("*")):
        if src.suffix.lower() not in IMAGE_SUFFIXES or src.is_symlink() or not src.is_file():
            continue
        target = dest / src.relative_to(root)
        if target.exists():
            checksum = sha256_of(src)
            if target.is_file() and sha256_of(target) == checksum:
                continue
            target = target.with_name(f"{target.stem}-{checksum[:8]}{target.suffix}")
            if target.is_file() and sha256_of(target) == checksum:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_atomic(src, target)
        copied += 1
    return copied


def inside(path: Path, folder: Path) -> bool:
    """An existing file under ``folder`` (a value read from the store never leads outside the project)."""
    try:
        return path.is_file() and path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


