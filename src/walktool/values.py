"""Parsing the values field sheets hold: coordinates, dates and times, day or night.

Everything here works on unique values (a sheet repeats the same few spellings)
and returns plain Python values; callers map the results back onto frames.

>>> parse_coordinate("45,5017")
45.5017
>>> parse_coordinate("45°30'6.1\\"N")
45.501694
>>> parse_datetime("14/11/2023 19h30", "America/Montreal").isoformat()
'2023-11-14T19:30:00-05:00'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

_DMS = re.compile(
    r"""^\s*(?P<h1>[NSEWO])?\s*(?P<deg>[+-]?\d+(?:[.,]\d+)?)\s*(?:°|º|d|deg|\s)\s*
    (?:(?P<min>\d+(?:[.,]\d+)?)\s*(?:'|′|’|m|min|\s)\s*)?
    (?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:"|″|''|s|sec)?\s*)?(?P<h2>[NSEWO])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_coordinate(raw: object) -> float | None:
    """Parse decimal degrees (``45.5017``, ``45,5017``, ``-73.56 W``) or degrees-minutes-seconds.

    Returns None when the text is not a coordinate.  ``O`` (ouest) counts as west.
    """
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return None if math.isnan(float(raw)) else float(raw)
    text = str(raw).strip().replace("\u00a0", " ")
    if not text:
        return None
    plain = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        return float(plain)
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        return None
    try:
        deg = float(m.group("deg").replace(",", "."))
        minutes = float((m.group("min") or "0").replace(",", "."))
        seconds = float((m.group("sec") or "0").replace(",", "."))
    except ValueError:
        return None
    if minutes >= 60 or seconds >= 60:
        return None
    value = abs(deg) + minutes / 60 + seconds / 3600
    hemi = (m.group("h1") or m.group("h2") or "").upper()
    if deg < 0 or hemi in ("S", "W", "O"):
        value = -value
    return round(value, 6)


def parse_geopoint(raw: object) -> tuple[float | None, float | None, float | None]:
    """Split ``"lat lon alt acc"`` (ODK / Kobo), ``"[lat, lon]"`` or ``"lat, lon"``."""
    text = str(raw or "").strip().strip("[]()")
    if not text:
        return None, None, None
    parts = [p for p in re.split(r"[\s;]+|,\s+|,(?=-)", text) if p]
    if len(parts) == 1 and text.count(",") == 1:
        parts = text.split(",")
    if len(parts) < 2:
        return None, None, None
    lat, lon = parse_coordinate(parts[0]), parse_coordinate(parts[1])
    acc = parse_coordinate(parts[3]) if len(parts) >= 4 else None
    return lat, lon, acc


_TIME_ONLY = re.compile(r"^\s*(\d{1,2})\s*(?:h|:|H)\s*(\d{2})?(?:\s*(?::)\s*(\d{2}))?\s*$")
_BRIEFCASE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$")


def parse_time_of_day(raw: object) -> time | None:
    """Parse ``19h30``, ``19:30``, ``7 h``, ``19:30:05`` or an Excel day fraction (``0.8125``)."""
    text = str(raw or "").strip()
    if not text:
        return None
    m = _TIME_ONLY.match(text)
    if m:
        h, mi, s = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
        if h < 24 and mi < 60 and s < 60:
            return time(h, mi, s)
        return None
    m2 = re.match(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([ap]\.?m\.?)?$", text, re.IGNORECASE)
    if m2:
        h, mi, s = int(m2.group(1)), int(m2.group(2)), int(m2.group(3) or 0)
        ampm = (m2.group(4) or "").lower().replace(".", "")
        if ampm == "pm" and h < 12:
            h += 12
        if ampm == "am" and h == 12:
            h = 0
        return time(h, mi, s) if h < 24 and mi < 60 and s < 60 else None
    try:
        frac = float(text.replace(",", "."))
    except ValueError:
        return None
    if 0 <= frac < 1:
        seconds = round(frac * 86400)
        return time(seconds // 3600, (seconds // 60) % 60, seconds % 60)
    return None


def excel_serial_to_datetime(value: float) -> datetime:
    """Excel's 1900 date system: day 1 is 1900-01-01, with its fictitious 29 February."""
    return datetime(1899, 12, 30) + timedelta(days=value)


def parse_datetime(raw: object, tz: str | tzinfo, *, date_hint: date | None = None) -> datetime | None:
    """Parse a date-time from a sheet into an aware datetime.

    Parameters
    ----------
    raw
        ISO 8601 (with or without offset), ``14/11/2023 19:30`` (day first, as in
        Québec and France), ``2023-11-14``, Briefcase's ``Apr 26, 2018 8:58:20 AM``,
        an Excel serial (``45244.8125``), or a time alone (``19h30``) when
        ``date_hint`` gives the day.
    tz
        Time zone of values written without an offset (the project's).
    date_hint
        Day to use for a time alone.

    Returns
    -------
    datetime or None
        Aware; None when not understood.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    text = str(raw or "").strip()
    if not text:
        return None
    t = parse_time_of_day(text) if not re.fullmatch(r"\d{5}(\.\d+)?", text) else None
    if t is not None:
        if date_hint is None:
            return None
        return datetime.combine(date_hint, t, zone)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    if number is not None:
        if 20000 < number < 80000:  # Excel serial: 1954 … 2119
            return excel_serial_to_datetime(number).replace(tzinfo=zone)
        return None
    iso = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if iso.endswith("Z"):
        iso = iso[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is None:
        from dateutil import parser as dparser

        cleaned = re.sub(r"(\d{1,2})\s*h\s*(\d{2})", r"\1:\2", text)
        cleaned = re.sub(r"(\d{1,2})\s*h\b", r"\1:00", cleaned)
        dayfirst = not _BRIEFCASE.match(text) and not re.match(r"^\d{4}", text)
        try:
            parsed = dparser.parse(cleaned, dayfirst=dayfirst, fuzzy=False)
        except (ValueError, OverflowError, dparser.ParserError):
            parsed = _parse_french(cleaned, zone)
            if parsed is None:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    # the first and last years a datetime holds cannot be moved to UTC or another zone
    if not 1 < parsed.year < 9999:
        return None
    return parsed


_MONTHS_FR = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}


def _parse_french(text: str, zone: tzinfo) -> datetime | None:
    """``14 novembre 2023``, ``mardi 14 nov. 2023 19:30``."""
    from walktool.textnorm import fold

    f = fold(text)
    m = re.search(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})(?:\s+(?:a\s+)?(\d{1,2})\s*[:h ]\s*(\d{2})?)?", f)
    if not m or m.group(2) not in _MONTHS_FR:
        return None
    try:
        return datetime(
            int(m.group(3)), _MONTHS_FR[m.group(2)], int(m.group(1)),
            int(m.group(4) or 0), int(m.group(5) or 0), tzinfo=zone,
        )
    except ValueError:
        return None


def parse_date(raw: object, tz: str | tzinfo) -> date | None:
    """Parse a date (or the date part of a date-time) in the project's time zone."""
    dt = parse_datetime(raw, tz)
    if dt is None:
        return None
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return dt.astimezone(zone).date()


def solar_elevation(when_utc: datetime, lat: float, lon: float) -> float:
    """Sun elevation in degrees (NOAA's simplified algorithm, about 0.5° accurate)."""
    when_utc = when_utc.astimezone(UTC)
    day = when_utc.timetuple().tm_yday
    hour = when_utc.hour + when_utc.minute / 60 + when_utc.second / 3600
    gamma = 2 * math.pi / 365 * (day - 1 + (hour - 12) / 24)
    eqtime = 229.18 * (
        0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma) + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma)
    )
    true_solar_minutes = hour * 60 + eqtime + 4 * lon
    hour_angle = math.radians(true_solar_minutes / 4 - 180)
    phi = math.radians(lat)
    cos_zenith = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(hour_angle)
    return 90 - math.degrees(math.acos(max(-1.0, min(1.0, cos_zenith))))


def period_of(when: datetime, lat: float, lon: float) -> str:
    """``night`` when the sun is below the horizon (after sunset, before sunrise), else ``day``.

    >>> from datetime import datetime, timezone
    >>> period_of(datetime(2023, 11, 14, 22, 30, tzinfo=timezone.utc), 45.5, -73.56)  # 17:30 in Montréal
    'night'
    """
    return "night" if solar_elevation(when, lat, lon) < -0.833 else "day"


def periods_of(moments: Sequence[datetime], lat: Any, lon: Any) -> list[str]:
    """:func:`period_of` of many moments and positions at once (numpy, the same formula).

    Parameters
    ----------
    moments
        Time-zone aware date-times.
    lat, lon
        Degrees, one per moment (array-likes of floats).

    Returns
    -------
    list of str
        ``night`` or ``day`` per moment.
    """
    import numpy as np
    import pandas as pd

    if len(moments) == 0:
        return []
    utc = pd.DatetimeIndex(pd.to_datetime(list(moments), utc=True))
    day = utc.day_of_year.to_numpy(dtype="float64")
    hour = utc.hour.to_numpy(dtype="float64") + utc.minute.to_numpy(dtype="float64") / 60 + utc.second.to_numpy(dtype="float64") / 3600
    gamma = 2 * math.pi / 365 * (day - 1 + (hour - 12) / 24)
    eqtime = 229.18 * (
        0.000075 + 0.001868 * np.cos(gamma) - 0.032077 * np.sin(gamma)
        - 0.014615 * np.cos(2 * gamma) - 0.040849 * np.sin(2 * gamma)
    )
    decl = (
        0.006918 - 0.399912 * np.cos(gamma) + 0.070257 * np.sin(gamma)
        - 0.006758 * np.cos(2 * gamma) + 0.000907 * np.sin(2 * gamma)
        - 0.002697 * np.cos(3 * gamma) + 0.00148 * np.sin(3 * gamma)
    )
    true_solar_minutes = hour * 60 + eqtime + 4 * np.asarray(lon, dtype="float64")
    hour_angle = np.radians(true_solar_minutes / 4 - 180)
    phi = np.radians(np.asarray(lat, dtype="float64"))
    cos_zenith = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour_angle)
    elevation = 90 - np.degrees(np.arccos(np.clip(cos_zenith, -1.0, 1.0)))
    return np.where(elevation < -0.833, "night", "day").astype(object).tolist()

