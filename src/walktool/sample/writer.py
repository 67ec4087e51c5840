"""The writer state every format writer shares (files, deliberate problems, names) and reproducible zips."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from walktool.sample.form import sample_forms
from walktool.sample.manifest import SampleFile
from walktool.sample.plan import FIXED_TIME
from walktool.sample.study import Study, Submission, Walk


class Writer:
    """Writes one campaign's files and keeps the manifest entries."""

    def __init__(self, study: Study, out_dir: Path) -> None:
        self.study = study
        self.out = out_dir
        self.files: list[SampleFile] = []
        self.deliberate: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.kobo_id = 289_410_000
        self.short_names = False  # findings tables: "Sophie T." rather than "Sophie Tremblay"
        self.form, self.kobo_form = sample_forms(study)

    def rel(self, path: Path) -> str:
        """``path`` relative to the walks folder, POSIX separators."""
        return path.relative_to(self.out).as_posix()

    def add(self, path: Path, fmt: str, walk: Walk, rows: int, rejected: int, observations: int) -> None:
        """Record a written file (or photo folder) in the manifest, with what importing it should give."""
        self.files.append(SampleFile(self.rel(path), fmt, walk.plan.campaign, walk.walk_id, rows, rejected, observations))

    def flag(self, path: Path, row: int, code: str, level: str, what: str) -> None:
        """Record a deliberate problem at a file's row (the issue code and level ``walktool check`` gives)."""
        self.deliberate.append({"file": self.rel(path), "row": row, "code": code, "level": level, "what": what})

    def n_obs(self, sub: Submission) -> int:
        """Observations a submission gives: its non-empty answers to protocol items."""
        return sum(1 for k, v in sub.answers.items() if v != "" and self.study.protocol.has_item(k))


def write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> None:
    """Write a zip whose bytes depend only on its members (fixed timestamps and order).

    Parameters
    ----------
    path
        The zip to write (replaced).
    members
        Member names and contents, in order.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def normalise_xlsx(path: Path) -> None:
    """Fix a workbook's creation and modification times (``docProps/core.xml``) and its zip timestamps.

    Parameters
    ----------
    path
        The ``.xlsx`` to rewrite in place.
    """
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    fixed = []
    for name, data in members:
        if name == "docProps/core.xml":
            text = data.decode("utf-8")
            for tag in ("created", "modified"):
                text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
            data = text.encode("utf-8")
        fixed.append((name, data))
    write_zip(path, fixed)
