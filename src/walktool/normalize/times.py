"""When an observation was made: the reader's time, a date-time column, or date and time columns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from walktool.values import parse_datetime, parse_time_of_day


def when(
    reserved_time: str, dt_text: str, date_text: str, time_text: str, tz: Any, bad: list[tuple[Any, str, str]], by_role: dict[str, str], idx: Any
) -> tuple[datetime | None, bool]:
    """Pick the observation time: the reader's, else date-time column, else date + time columns.

    Returns the time and whether it has a time of day (a date alone is stored at noon,
    without deriving day or night from it).
    """
    if reserved_time:
        parsed = parse_datetime(reserved_time, tz)
        if parsed is not None:
            return parsed, True
    if dt_text:
        parsed = parse_datetime(dt_text, tz)
        if parsed is not None:
            return parsed, True
        bad.append((idx, dt_text, by_role.get("datetime", "datetime")))
    day: date | None = None
    if date_text:
        parsed = parse_datetime(date_text, tz)
        if parsed is None:
            bad.append((idx, date_text, by_role.get("date", "date")))
        else:
            day = parsed.date()
            if time_text == "" and (parsed.hour or parsed.minute):
                return parsed, True
    if time_text:
        t = parse_time_of_day(time_text)
        if t is None:
            parsed = parse_datetime(time_text, tz)
            if parsed is not None and day is None:
                return parsed, True
            if parsed is not None:
                t = parsed.timetz().replace(tzinfo=None)
        if t is None:
            bad.append((idx, time_text, by_role.get("time", "time")))
        elif day is not None:
            return datetime.combine(day, t, tz), True
    if day is not None:
        return datetime.combine(day, datetime.min.time(), tz).replace(hour=12), False
    return None, False

