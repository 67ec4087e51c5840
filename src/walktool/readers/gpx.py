"""GPX waypoints: one record per waypoint (``<wpt>``), read with gpxpy.

A waypoint's name carries the item and its description the comment: they become
the columns ``item`` and ``comment``, which normalisation maps like any sheet's.
Lines such as ``station: Berri-UQAM``, ``zone = quai`` or ``gravité: élevée`` in
the description or comment become their own columns (key as written) when the key
is a column name walktool knows; other lines stay in ``comment``.  Position, time
and elevation come from the waypoint's own fields.  Track and route points carry
no findings: a file with only a track gives a ``no-waypoints`` warning.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from walktool.columns import context_role, is_known_header
from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import Probe, RawTable, cell_text, decode_bytes

if TYPE_CHECKING:
    from walktool.protocol import Protocol

FORMAT = "gpx"
FIXED_COLUMNS = ("item", "comment", "gpx_type", "gpx_symbol", "elevation")
_GPX_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?gpx[\s>/]")
_KEY_VALUE = re.compile(r"^\s*(?P<key>[^:=\n]{1,40}?)\s*[:=]\s*(?P<value>.*?)\s*$")
_SEGMENT = re.compile(r"\s*[;|]\s*")


@lru_cache(maxsize=1)
def _default_protocol() -> Protocol:
    from walktool.protocol import default_protocol_path, load_protocol

    return load_protocol(default_protocol_path())


def sniff(probe: Probe) -> bool:
    """XML text with a ``<gpx`` root element."""
    text = probe.text
    return text is not None and text.lstrip().startswith("<") and bool(_GPX_ROOT.search(text))


def split_notes(*texts: str | None) -> tuple[dict[str, str], str]:
    """Split free text into ``key: value`` fields with known keys and the remaining comment.

    Lines (or ``;`` / ``|`` separated parts of a line) whose key is a column name
    walktool recognises become fields; everything else stays, line by line.

    >>> split_notes("station: Berri-UQAM; zone: quai\\nNéons brisés")
    ({'station': 'Berri-UQAM', 'zone': 'quai'}, 'Néons brisés')
    """
    protocol = _default_protocol()
    fields: dict[str, str] = {}
    kept_lines: list[str] = []
    seen_texts: list[str] = []
    for text in texts:
        if not text or not text.strip() or text.strip() in seen_texts:
            continue
        seen_texts.append(text.strip())
        for line in text.splitlines():
            kept: list[str] = []
            for part in _SEGMENT.split(line.strip()):
                m = _KEY_VALUE.match(part)
                key = m.group("key").strip() if m else ""
                if m and m.group("value") and key and is_known_header(key, protocol):
                    value = m.group("value")
                    fields[key] = f"{fields[key]}, {value}" if key in fields else value
                elif part.strip():
                    kept.append(part.strip())
            if kept:
                kept_lines.append("; ".join(kept))
    return fields, "\n".join(kept_lines)


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _record(n: int, wpt: Any) -> dict[str, str]:
    name = (wpt.name or "").strip()
    fields, comment = split_notes(wpt.description, wpt.comment)
    record: dict[str, str] = {
        "item": name,
        "comment": comment,
        "gpx_type": (wpt.type or "").strip(),
        "gpx_symbol": (wpt.symbol or "").strip(),
        "elevation": cell_text(wpt.elevation),
    }
    for key, value in fields.items():
        role = context_role(key)
        if role == "comment":  # "note: …" is part of the comment
            record["comment"] = "\n".join(t for t in (record["comment"], value) if t)
        elif role == "item" or key.casefold() == "item":  # the item is named in the notes: keep the name apart
            record["gpx_name"] = name
            record["item"] = value
        else:
            record[key] = value
    time = _iso(wpt.time)
    record["__row"] = str(n)
    record["__lat"] = cell_text(wpt.latitude)
    record["__lon"] = cell_text(wpt.longitude)
    record["__time"] = time
    key = f"{wpt.latitude}|{wpt.longitude}|{time}|{name}"
    record["__submission"] = hashlib.sha1(key.encode("utf-8")).hexdigest()
    return record


def read(probe: Probe) -> list[RawTable]:
    """Read the waypoints of a GPX file.

    Raises
    ------
    SheetFormatError
        When the file is not valid GPX.
    """
    import gpxpy
    import gpxpy.gpx
    import pandas as pd

    file = str(probe.path)
    text, _ = decode_bytes(probe.path.read_bytes())
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # the text is decoded already
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        msg = Phrase(N_("{file}: not a valid GPX file ({exc}); export it again from the GPS app"), file=file, exc=exc)
        raise SheetFormatError(msg) from exc

    issues: list[Issue] = []
    records = [_record(n, w) for n, w in enumerate(gpx.waypoints, 1)]
    if not records:
        track_points = sum(len(s.points) for t in gpx.tracks for s in t.segments)
        route_points = sum(len(r.points) for r in gpx.routes)
        if track_points or route_points:
            message = (
                f"this GPX has no waypoints, only a track or route ({track_points + route_points} points):"
                " findings are read from waypoints (<wpt>); mark each finding as a waypoint in the GPS app"
            )
        else:
            message = "this GPX has no waypoints: findings are read from waypoints (<wpt>)"
        issues.append(Issue("no-waypoints", message, "warning", file=file))

    columns = list(FIXED_COLUMNS)
    for record in records:
        columns += [k for k in record if k not in columns and not k.startswith("__")]
    columns += ["__row", "__lat", "__lon", "__time", "__submission"]
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("")
    frame["__row"] = [int(r["__row"]) for r in records]
    return [RawTable(FORMAT, file, frame, issues)]


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
