"""Bounds checked before anything is parsed: sizes, nesting, numbers, item counts.

A hostile or damaged file (a zip bomb, JSON nested ten thousand deep, a number of
a hundred thousand digits, a protocol of a hundred thousand items) is refused with
a message naming the file and the bound, before it can exhaust memory or time.
Real field data sits far below every bound: a walk's export is a few megabytes.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from walktool.errors import SheetFormatError
from walktool.i18n import N_, Phrase

MIB = 1 << 20
MAX_TEXT_BYTES = 256 * MIB  # one CSV, JSON, GPX file, or a zip member read as a table
MAX_WORKBOOK_BYTES = 512 * MIB  # the unpacked XML of a workbook (its sheets and shared strings)
MAX_PHOTO_BYTES = 64 * MIB  # one photo inside a zip
MAX_ZIP_BYTES = 1024 * MIB  # everything extracted from one zip
MAX_ZIP_MEMBERS = 100_000
MAX_RATIO = 200  # uncompressed / compressed size of a member larger than 1 MiB (zip bombs)
MAX_DEPTH = 64  # nesting of JSON or YAML documents
MAX_NUMBER_DIGITS = 64  # digits of a number in a JSON document
MAX_ROWS = 2_000_000  # records of one table (a walk campaign is thousands)
MAX_COLUMNS = 20_000  # cells of one row
MAX_PROTOCOL_ITEMS = 5000  # items (and choices per list) of one protocol
MAX_PROTOCOL_BYTES = 8 * MIB


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} MB"


def check_file_size(path: Path, limit: int = MAX_TEXT_BYTES, what: str = "file") -> None:
    """Refuse a file larger than ``limit`` bytes, naming it and the bound."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit:
        msg = (
            Phrase(N_("{path}: this {what} is {mib}, more than the {mib2} walktool reads at once; split it (e.g. one walk or one month per file) and import the parts"), path=path, what=what, mib=_mib(size), mib2=_mib(limit))
        )
        raise SheetFormatError(msg, file=str(path), code="too-large")


def table_too_large(where: str | Path, rows: int, columns: int) -> SheetFormatError | None:
    """The refusal of a table past :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` cells in a row, or None."""
    if rows > MAX_ROWS:
        msg = f"{where}: more than {MAX_ROWS:,} rows; split the file (e.g. one walk or one month per file) and import the parts"
    elif columns > MAX_COLUMNS:
        msg = Phrase(N_("{where}: a row of {columns:,} cells, more than the {MAX_COLUMNS:,} walktool reads; is it a table of findings?"), where=where, columns=columns, MAX_COLUMNS=MAX_COLUMNS)
    else:
        return None
    return SheetFormatError(msg, file=str(where).split(": ")[0], code="too-large")


def check_zip(zf: zipfile.ZipFile, where: str | Path, *, limit: int = MAX_ZIP_BYTES) -> None:
    """Refuse a zip whose members would unpack to more than ``limit`` bytes, or that holds too many members."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        msg = Phrase(N_("{where}: this zip holds {n_infos} entries, more than {MAX_ZIP_MEMBERS}; is it an export?"), where=where, n_infos=len(infos), MAX_ZIP_MEMBERS=MAX_ZIP_MEMBERS)
        raise SheetFormatError(msg, file=str(where), code="too-large")
    total = sum(i.file_size for i in infos)
    if total > limit:
        msg = (
            Phrase(N_("{where}: this zip unpacks to {mib}, more than the {mib2} walktool extracts from one zip; export the data and the photos in several zips (e.g. one per walk)"), where=where, mib=_mib(total), mib2=_mib(limit))
        )
        raise SheetFormatError(msg, file=str(where), code="too-large")


def member_refusal(info: zipfile.ZipInfo, limit: int) -> str | None:
    """Why a zip member is not extracted (too large, or compressed like a zip bomb), or None."""
    if info.file_size > limit:
        return f"it unpacks to {_mib(info.file_size)}, more than {_mib(limit)}"
    if info.file_size > MIB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"it is compressed {info.file_size // max(info.compress_size, 1)} times (a zip bomb?)"
    return None


def read_member(zf: zipfile.ZipFile, name: str, where: str | Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of zip member ``name``, refusing one that is (or really unpacks to) more than ``limit``."""
    info = zf.getinfo(name)
    why = member_refusal(info, limit)
    if why is None:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)  # the sizes a zip declares may lie
        if len(data) <= limit:
            return data
        why = f"it unpacks to more than {_mib(limit)}"
    msg = Phrase(N_("{where}: {name} in this zip cannot be read: {why}; split the export and import the parts"), where=where, name=name, why=why)
    raise SheetFormatError(msg, file=str(where), code="too-large")


class _NumberTooLong(ValueError):
    pass


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > 4 * MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return float(text)


def json_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text (strings skipped), stopping past ``limit``."""
    import re

    depth = deepest = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif tok in "]}":
            depth -= 1
    return deepest


def loads_json(text: str, where: str | Path) -> Any:
    """Parse JSON text with the bounds on nesting and numbers checked first.

    Raises
    ------
    SheetFormatError
        Nested deeper than :data:`MAX_DEPTH`, a number longer than
        :data:`MAX_NUMBER_DIGITS` digits, or not JSON (the message names the line and column).
    """
    if json_depth(text) > MAX_DEPTH:
        msg = Phrase(N_("{where}: this JSON is nested more than {MAX_DEPTH} levels deep; it is not a sheet walktool can read"), where=where, MAX_DEPTH=MAX_DEPTH)
        raise SheetFormatError(msg, file=str(where), code="too-deep")
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=float)
    except _NumberTooLong as exc:
        msg = (
            Phrase(N_("{where}: a number of {n_exc} characters (more than {MAX_NUMBER_DIGITS} digits); no field sheet needs one: fix or remove it"), where=where, n_exc=len(str(exc)), MAX_NUMBER_DIGITS=MAX_NUMBER_DIGITS)
        )
        raise SheetFormatError(msg, file=str(where), code="number-too-long") from None
    except RecursionError:
        msg = Phrase(N_("{where}: this JSON is nested too deeply; it is not a sheet walktool can read"), where=where)
        raise SheetFormatError(msg, file=str(where), code="too-deep") from None
    except json.JSONDecodeError as exc:
        msg = (
            Phrase(N_("{where}: line {lineno}, column {colno}: not valid JSON ({msg}); fix the file there or export it again"), where=where, lineno=exc.lineno, colno=exc.colno, msg=exc.msg)
        )
        raise SheetFormatError(msg, file=str(where), code="bad-json") from exc


def yaml_text_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """An upper bound on the nesting of YAML text: indentation levels plus open brackets, read without parsing."""
    import re

    deepest = 0
    for line in text.splitlines():
        body = line.lstrip(" ")
        indent = (len(line) - len(body)) // 2
        # quoted text holds no nesting
        brackets = json_depth(re.sub(r"'[^']*'", "''", body), limit)
        deepest = max(deepest, indent + brackets)
        if deepest > limit:
            break
    return deepest



def protocol_text_problem(text: str) -> str | None:
    """Why protocol text is refused before it is parsed (too large, too many items, nested too deep), or None."""
    import re

    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_PROTOCOL_BYTES:
        return f"the file is {_mib(size)}, more than the {_mib(MAX_PROTOCOL_BYTES)} a protocol may be; is it a protocol?"
    keys = len(re.findall(r"^[ \t-]*\bkey\s*:", text, flags=re.MULTILINE)) + text.count("{key:") + text.count("{ key:")
    if keys > MAX_PROTOCOL_ITEMS:
        return f"it has about {keys} items, more than the {MAX_PROTOCOL_ITEMS} a protocol may have; split the checklist"
    values = len(re.findall(r"^[ \t-]*\bvalue\s*:", text, flags=re.MULTILINE))
    if values > MAX_PROTOCOL_ITEMS * 4:
        return f"it has about {values} answer choices, more than {MAX_PROTOCOL_ITEMS * 4}; split the checklist"
    if yaml_text_depth(text) > MAX_DEPTH:
        return f"it is nested more than {MAX_DEPTH} levels deep; a protocol is a few levels of mappings and lists"
    return None
