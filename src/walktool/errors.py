"""Exceptions for failures, and :class:`Issue` values for problems found in data.

Failures that stop a command (an unreadable file, a missing project) raise a
:class:`WalktoolError` subclass; the CLI catches them at its boundary, prints the
message on stderr and exits with code 1.  Problems *in the data* (a row with an
unknown answer, a point outside the study area) are never raised: they are
collected as :class:`Issue` values with a stable kebab-case ``code`` and reported
all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from walktool.i18n import N_, Phrase, plain_values, render, translator

Level = Literal["error", "warning"]


class WalktoolError(Exception):
    """Base class of every failure walktool reports to its users.

    Parameters
    ----------
    message
        What failed and what to do (names the file, row or setting).
    file
        The file the failure is about, when there is one (``--json`` error documents carry it).
    code
        A stable kebab-case code for ``--json`` error documents (default: the class's).
    params
        The named values of ``message`` when it is a template marked with :func:`walktool.i18n.N_`
        (``"{path}: no such folder"``): ``str(error)`` fills the English, :meth:`render` the
        translation.  Without ``params``, ``message`` is final text.
    """

    code = "error"

    def __init__(
        self, message: str = "", *, file: str | None = None, code: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        if isinstance(message, Phrase) and not params:
            phrase = message
            message, params = phrase.template, phrase.params
        self.template = message
        self.params = plain_values(params or {})
        super().__init__(message.format(**self.params) if self.params else message)
        self.file = file
        if code is not None:
            self.code = code

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the English with None): the template translated, then filled."""
        if lang is None:
            return str(self)
        text = translator(lang).gettext(self.template) if self.template else ""
        if not self.params:
            return text if text != self.template else str(self)
        return text.format(**{k: render(v, lang) for k, v in self.params.items()})


class ProjectError(WalktoolError):
    """The project folder is missing, incomplete or its settings are invalid."""

    code = "project"


class ProtocolError(WalktoolError):
    """A checklist (protocol) file cannot be used."""

    code = "protocol"

    def __init__(
        self, message: str, issues: list[Issue] | None = None, *, file: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, file=file, params=params)
        self.issues = issues or []


class StationsError(WalktoolError):
    """A stations layer file cannot be read."""

    code = "stations"


class SheetFormatError(WalktoolError):
    """A field sheet cannot be read or its format cannot be recognised."""

    code = "sheet-format"


class StoreError(WalktoolError):
    """The project store cannot be opened, read or written."""

    code = "store"


@dataclass(frozen=True)
class Issue:
    """One problem found in the data.

    Parameters
    ----------
    code
        Stable kebab-case identifier, e.g. ``"outside-study-area"``.
    message
        What is wrong and what to do about it.
    level
        ``"error"`` rejects the row (or file); ``"warning"`` keeps it.
    file, sheet, row, column, value
        Where the problem is: ``row`` is the 1-based row number as a spreadsheet
        program shows it (or the YAML line number for protocol files).
    """

    code: str
    message: str
    level: Level = "error"
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a JSON-ready dict."""
        return asdict(self)

    def where(self) -> str:
        """Return a short human location such as ``sheet.csv, row 4, column 'zone'``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"{prefix}[{self.code}] {self.message}"


def _file_in(message: str) -> str | None:
    """The file a message starts with (``path: what is wrong``), when it names one."""
    from pathlib import Path

    head, sep, _ = message.partition(": ")
    if not sep or not head or len(head) > 4096 or "\n" in head:
        return None
    try:
        candidate = Path(head)
        return head if candidate.suffix or candidate.exists() else None
    except (OSError, ValueError):
        return None


def os_failure(exc: OSError, lang: str | None = None) -> tuple[str, str, str | None]:
    """(code, message, file) of an operating-system failure: a full disk, a read-only folder, a missing file.

    ``lang``: the language of the message (default English).
    """
    import errno
    import shutil
    from pathlib import Path

    tr = translator(lang or "en")
    file = str(exc.filename) if getattr(exc, "filename", None) else None
    where = f"{file}: " if file else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        disk = ""
        if file:
            folder = Path(file).parent
            while not folder.exists() and folder != folder.parent:
                folder = folder.parent
            try:
                free = shutil.disk_usage(folder).free
                disk = tr.gettext(" (the disk holding {folder}, {free} MiB free)").format(folder=folder, free=free // (1 << 20))
            except OSError:
                disk = tr.gettext(" (the disk holding {folder})").format(folder=folder)
        text = tr.gettext("the disk is full{disk}: free some space and run the command again; nothing was stored")
        return "disk-full", where + text.format(disk=disk), file
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        text = tr.gettext("cannot write here ({reason}): check the folder's permissions or use a copy of the project")
        return "read-only", where + text.format(reason=exc.strerror), file
    if exc.errno == errno.ENAMETOOLONG:
        return "name-too-long", where + tr.gettext("this file name is too long for the file system: rename the file"), file
    return "os-error", f"{where}{exc.strerror or exc}", file


def failure_of(exc: BaseException, lang: str | None = None) -> tuple[str, str, str | None]:
    """(code, message, file) of a failure: what the CLI prints, and its ``--json`` error document.

    :class:`WalktoolError` carries its own; operating-system failures, exhausted
    memory or nesting and database errors get a message saying what to do; anything
    else is a bug in walktool and says so.  ``lang``: the language of the message
    (default English; codes never change).
    """
    tr = translator(lang or "en")
    if isinstance(exc, WalktoolError):
        message = exc.render(lang)
        return exc.code, message, exc.file or _file_in(str(exc))
    if isinstance(exc, OSError):
        return os_failure(exc, lang)
    if isinstance(exc, MemoryError):
        return "too-large", tr.gettext(TOO_LARGE), None
    if isinstance(exc, RecursionError):
        return "too-deep", tr.gettext(TOO_DEEP), None
    text = str(exc)
    if "database is locked" in text or "database is busy" in text:
        return "store-busy", tr.gettext(STORE_BUSY), None
    if "malformed" in text or "not a database" in text:
        return "store-damaged", tr.gettext(STORE_DAMAGED), None
    return (
        "internal",
        tr.gettext(
            "unexpected {kind}: {error}. This is a bug in walktool;"
            " run the command again with --debug for the details and report them."
        ).format(kind=type(exc).__name__, error=exc),
        None,
    )


TOO_LARGE = N_("not enough memory for this input: split the file (e.g. one walk or one month per file) and import the parts")
TOO_DEEP = N_("the input is nested too deeply to be read: it is not a field sheet walktool can use")
STORE_BUSY = N_(
    "the project store is busy (another walktool command is writing): wait for it to finish and run the command again"
)
STORE_DAMAGED = N_(
    "the store is damaged: restore walktool.gpkg from a backup, or rebuild it with `walktool rebuild` from walks/"
)
