"""ODK values: Java (Briefcase) and ISO date-times, and the columns that hold time, position and photo."""

from __future__ import annotations

import re
from datetime import datetime

_LOCATION_WORDS = ("location", "localisation", "position", "gps", "geopoint", "coord")
_PHOTO_NAMES = ("photo", "photos", "image", "picture", "photo_file")
_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_JAVA_DATE = re.compile(
    r"^\s*(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})"
    r"(?:,?\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"
)


def parse_java_date(value: str) -> str | None:
    """``Apr 26, 2018 8:58:20 AM`` (Java MEDIUM, English) → ``2018-04-26T08:58:20``; None if not one.

    >>> parse_java_date("Apr 26, 2018 8:58:20 AM")
    '2018-04-26T08:58:20'
    >>> parse_java_date("Feb 1, 2018 12:05:19 AM")
    '2018-02-01T00:05:19'
    >>> parse_java_date("Apr 26, 2018")
    '2018-04-26'
    """
    text = value.replace("\u202f", " ").replace("\xa0", " ")
    m = _JAVA_DATE.match(text)
    if not m:
        return None
    month = _MONTHS.get(m["mon"][:3].lower())
    if month is None:
        return None
    try:
        if m["h"] is None:
            return datetime(int(m["year"]), month, int(m["day"])).date().isoformat()
        hour = int(m["h"])
        if m["ampm"]:
            pm = m["ampm"][0].lower() == "p"
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if pm else 0)
        moment = datetime(int(m["year"]), month, int(m["day"]), hour, int(m["m"]), int(m["s"] or 0))
    except ValueError:
        return None
    return moment.isoformat()


def to_iso(value: str) -> str | None:
    """An ODK date-time as ISO 8601: ISO text kept as written, Java dates converted; else None."""
    value = value.strip()
    if not value:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        return value
    java = parse_java_date(value)
    if java is not None:
        return java
    try:
        from dateutil import parser as dateparser

        return dateparser.parse(value).isoformat()
    except (ValueError, OverflowError):
        return None


def last_segment(header: str) -> str:
    """A column's question name without its groups (``stop-zone`` → ``zone``)."""
    return header.rsplit("-", 1)[-1]


def geopoints(header: list[str]) -> list[str]:
    """Geopoint path prefixes of a table, location-like names first."""
    names = set(header)
    bases = [h[: -len("-Latitude")] for h in header if h.endswith("-Latitude") and h[: -len("-Latitude")] + "-Longitude" in names]
    return sorted(bases, key=lambda b: 0 if any(w in b.lower() for w in _LOCATION_WORDS) else 1)


def photo_columns(header: list[str]) -> list[str]:
    """Columns holding a photo answer (``photo``, ``<group>-photo``, ``image`` …)."""
    return [h for h in header if last_segment(h).strip().casefold() in _PHOTO_NAMES]


def time_columns(header: list[str]) -> list[str]:
    """The form's ``end`` columns, then its ``start`` columns (what ``__time`` is read from)."""
    ends = [h for h in header if last_segment(h) == "end"]
    starts = [h for h in header if last_segment(h) == "start"]
    return ends + starts
