"""The photo of a finding on the map: a thumbnail of a file in the project, never a remote fetch.

A sheet's photo cell is whatever its author typed.  The map shows

* a thumbnail linking to the photo when the cell names an image file inside the
  project folder (its path, or a file name found under ``walks/``, where
  ``walktool import`` keeps photos);
* a plain link, never an ``<img>``, when it is a web address (``http://``,
  ``https://`` or protocol-relative ``//``): the map does not fetch it, so the
  author of a sheet cannot learn the address of everyone who opens the popup, and
  the link sends no referrer (``rel="noopener noreferrer nofollow"``);
* the text alone for anything else: another scheme (``data:``, ``javascript:``,
  ``file:`` …), a file that is not there, a name too long or too odd for the file
  system (looking it up never fails: it is treated as not found).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from walktool.maps.symbols import e

if TYPE_CHECKING:
    from walktool.project import Project

__all__ = ["PHOTO_SUFFIXES", "find_photo", "photo_html", "photo_index"]

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif")
_WEB = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
# a URL scheme (two letters at least: "C:\photos\a.jpg" is a Windows path, not a scheme)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]+:", re.IGNORECASE)
_SHOWN = 80  # characters of an odd value the card shows


def _short(text: str, limit: int = _SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _web_label(url: str) -> str:
    """``host/…/name.jpg`` for a web address (the address itself when it will not parse)."""
    try:
        parts = urlsplit(url if not url.startswith("//") else "https:" + url)
    except ValueError:
        return _short(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    host = parts.hostname or ""
    if not host:
        return _short(url)
    return _short(f"{host}/…/{name}" if name else host)


def photo_html(photo: Any, project: Project, base: Path, t: Mapping[str, str], index: Mapping[str, Path], copies: Any = None) -> str:
    """The photo cell of a finding card (escaped HTML).

    Parameters
    ----------
    photo
        The cell as the sheet gave it.
    project
        The open project (photos are looked for in its folder).
    base
        Folder the page is written to: a thumbnail's link is relative to it.
    t
        The map's labels.
    index
        :func:`photo_index` of the project.
    copies
        A :class:`walktool.privacy.PhotoCopies`: the thumbnail links the audience's copy
        (no EXIF; faces blurred for the public), never the original.
    """
    text = str(photo).strip()
    if not text:
        return ""
    if _WEB.match(text):
        href = "https:" + text if text.startswith("//") else text
        return (
            f'<a href="{e(href)}" target="_blank" rel="noopener noreferrer nofollow">{e(_web_label(text))}</a>'
            f' <small>({e(t["photo_link"])})</small>'
        )
    if _SCHEME.match(text):
        return f'{e(_short(text))} <small>({e(t["photo_missing"])})</small>'
    found = find_photo(text, project, index)
    if found is not None and copies is not None:
        found = copies.copy(found)
    if found is None:
        name = text.replace("\\", "/").rsplit("/", 1)[-1] or text
        return f'{e(_short(name))} <small>({e(t["photo_missing"])})</small>'
    href = Path(os.path.relpath(found, base)).as_posix()
    return (
        f'<a href="{e(href)}" target="_blank" rel="noopener noreferrer">'
        f'<img class="wt-thumb" src="{e(href)}" alt="{e(t["photo"])}" loading="lazy"></a>'
    )


def find_photo(text: str, project: Project, index: Mapping[str, Path]) -> Path | None:
    """The image file inside the project that ``text`` names, or None.

    ``text`` is a path (absolute, or relative to the project or its ``walks/``) or a
    file name found in ``index``.  A name the file system refuses (too long, a NUL
    byte, …) is not found; so is a file outside the project folder or not an image.
    """
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        root = project.root.resolve()
        path = Path(text)
        candidates = [path] if path.is_absolute() else [project.root / path, project.walks_dir / path]
        for candidate in candidates:
            if candidate.suffix.lower() in PHOTO_SUFFIXES and candidate.is_file():
                resolved = candidate.resolve()
                if resolved.is_relative_to(root):
                    return resolved
    except (OSError, ValueError):  # ENAMETOOLONG, embedded NUL, …: not a file walktool can show
        pass
    return index.get(name) or index.get(name.casefold())


def photo_index(project: Project) -> dict[str, Path]:
    """Photos kept in the project's walks/ folder (subfolders too), by file name, then case-insensitive (first found wins)."""
    index: dict[str, Path] = {}
    if project.walks_dir.is_dir():
        found = [p for p in sorted(project.walks_dir.rglob("*")) if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file()]
        for p in found:
            index.setdefault(p.name, p.resolve())
        for p in found:  # a sheet may write IMG_0413.jpg for IMG_0413.JPG (photos are linked the same way)
            index.setdefault(p.name.casefold(), p.resolve())
    return index
