"""Attachments: a Central zip's media extracted safely, and photo answers resolved to their files."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path, PurePosixPath

from walktool.errors import Issue
from walktool.limits import member_refusal
from walktool.readers.photos import (
    MAX_MEMBER_BYTES,
    copy_member,
    safe_member_parts,
    temp_folder,
    unsafe_member_issue,
)

_MEDIA_FOLDERS = ("media", "files")  # where a Central zip keeps attachments (today's, older versions')


def safe_part(part: str) -> str:
    """A path part with the characters Windows refuses in file names replaced by ``_`` (unchanged elsewhere)."""
    return re.sub(r'[<>:"|?*]', "_", part) if os.name == "nt" else part


def extract_media(zf: zipfile.ZipFile, issues: list[Issue], file: str) -> Path | None:
    """Extract the zip's media to a temporary folder; return the folder photo answers resolve under.

    Central's "All data and media files" export keeps them in ``media/<file>``
    (older versions: ``files/<instanceId>/<file>``).  Members whose name could write
    outside the folder (``..``, absolute names: zip-slip) are skipped and reported.
    """
    members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts = safe_member_parts(info.filename)
        if parts is None:
            issues.append(unsafe_member_issue(info.filename, file))
        elif len(parts) > 1 and parts[0] in _MEDIA_FOLDERS:
            why = member_refusal(info, MAX_MEMBER_BYTES)
            if why is not None:
                rel = "/".join(parts)
                issues.append(Issue("photo-too-large", f"{rel}: {why}: skipped", "warning", file=file, value=rel))
            else:
                members.append((info, parts))
    if not members:
        return None
    tmp = temp_folder("walktool-odk-")
    tops: set[str] = set()
    for info, parts in members:
        if copy_member(zf, info, tmp.joinpath(*(safe_part(p) for p in parts)), issues, file, "/".join(parts)):
            tops.add(parts[0])
    if len(tops) == 1:
        return tmp / tops.pop()
    return tmp if tops else None


class MediaResolver:
    """Finds a photo answer under a media folder: ``<instanceId>/<file>``, the path itself, or by name."""

    def __init__(self, root: Path | None, *, search: bool = True) -> None:
        self.root = root
        self.search = search
        self._by_name: dict[str, list[str]] | None = None
        self.found = 0

    def _index(self) -> dict[str, list[str]]:
        if self._by_name is None:
            self._by_name = {}
            if self.root is not None and self.root.is_dir():
                for p in self.root.rglob("*"):
                    if p.is_file():
                        self._by_name.setdefault(p.name, []).append(p.relative_to(self.root).as_posix())
        return self._by_name

    def resolve(self, value: str, instance_ids: list[str]) -> str:
        """A photo answer as a path relative to the media folder when the file is found, else as given.

        Parameters
        ----------
        value
            The answer (a file name, or a path).
        instance_ids
            The submission's ``KEY`` / ``meta-instanceID`` (Central keeps
            ``files/<instanceId>/<file>``).

        Returns
        -------
        str
            ``<instanceId>/<file>``, the path itself, or the only file of that name
            anywhere under the folder (when searching); otherwise ``value``.
        """
        value = value.strip()
        if not value or self.root is None:
            return value
        candidates = [f"{safe_part(i)}/{value}" for i in instance_ids if i] + [value]
        for rel in candidates:
            if (self.root / rel).is_file():
                self.found += 1
                return rel
        hits = self._index().get(PurePosixPath(value).name, []) if self.search else []
        if len(hits) == 1:
            self.found += 1
            return hits[0]
        return value
