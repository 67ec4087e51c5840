"""Parsing the values field sheets hold: coordinates, geopoints, dates, times, day or night."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from walktool.values import (
    parse_coordinate,
    parse_date,
    parse_datetime,
    parse_geopoint,
    parse_time_of_day,
    period_of,
)

MTL = "America/Montreal"
TZ = ZoneInfo(MTL)


# -- coordinates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45.5017", 45.5017),
        ("45,5017", 45.5017),  # decimal comma
        ("-73,5673", -73.5673),
        (" 45,5 ", 45.5),
        ("45°30'6.1\"N", 45.501694),
        ("45°30′6″N", 45.501667),  # primes
        ("45º30’6.1\"N", 45.501694),
        ("73°33'36\"W", -73.56),
        ("73°33'36\"O", -73.56),  # O = ouest
        ("O 73°33'36\"", -73.56),  # hemisphere first
        ("73 33 36 W", -73.56),
        ("45d30m", 45.5),
        ("S 45 30", -45.008333),
        (45, 45.0),
        (-73.5, -73.5),
    ],
)
def test_parse_coordinate_reads_decimal_and_dms(raw: object, expected: float) -> None:
    assert parse_coordinate(raw) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("raw", ["abc", "", "   ", None, float("nan"), "45,50,17", "1.2.3", "45°75'N", "nord", "N/A"])
def test_parse_coordinate_rejects_garbage(raw: object) -> None:
    assert parse_coordinate(raw) is None


def test_parse_coordinate_west_is_negative_whatever_the_spelling() -> None:
    values = {parse_coordinate(v) for v in ("73°33'36\"W", "73°33'36\"O", "73°33'36\"w", "-73°33'36\"")}
    assert values == {-73.56}


# -- geopoints -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45.5017 -73.5673 20 5", (45.5017, -73.5673, 5.0)),  # ODK / Kobo: lat lon alt acc
        ("45.5017 -73.5673", (45.5017, -73.5673, None)),
        ("[45.5, -73.56]", (45.5, -73.56, None)),
        ("45.5,-73.56", (45.5, -73.56, None)),
        ("45,5 -73,56", (45.5, -73.56, None)),  # decimal commas, space separated
    ],
)
def test_parse_geopoint(raw: str, expected: tuple[float, float, float | None]) -> None:
    lat, lon, acc = parse_geopoint(raw)
    assert lat == pytest.approx(expected[0])
    assert lon == pytest.approx(expected[1])
    assert acc == (None if expected[2] is None else pytest.approx(expected[2]))


@pytest.mark.parametrize("raw", ["", None, "garbage", "45.5"])
def test_parse_geopoint_garbage_gives_nothing(raw: object) -> None:
    assert parse_geopoint(raw) == (None, None, None)


# -- date-times ------------------------------------------------------------------


def _aware(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=TZ)


def test_iso_with_offset_keeps_the_instant() -> None:
    parsed = parse_datetime("2023-11-14T19:30:00-05:00", MTL)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=-5)
    assert parsed.astimezone(UTC) == datetime(2023, 11, 15, 0, 30, tzinfo=UTC)


def test_iso_z_is_utc() -> None:
    parsed = parse_datetime("2023-11-15T00:30:00Z", MTL)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.astimezone(TZ) == _aware(2023, 11, 14, 19, 30)


def test_iso_with_other_offset_is_converted_not_relabelled() -> None:
    parsed = parse_datetime("2023-11-14T19:30:00+01:00", MTL)
    assert parsed is not None
    assert parsed.astimezone(UTC) == datetime(2023, 11, 14, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["2023-11-14 19:30", "2023-11-14T19:30:00", "2023-11-14T19:30"])
def test_naive_times_are_in_the_project_time_zone(raw: str) -> None:
    parsed = parse_datetime(raw, MTL)
    assert parsed == _aware(2023, 11, 14, 19, 30)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=-5)


def test_naive_summer_time_uses_daylight_saving_offset() -> None:
    parsed = parse_datetime("2023-07-14 19:30", MTL)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14/11/2023 19h30", (2023, 11, 14, 19, 30)),  # Québec: day first, 19h30
        ("14/11/2023 19:30", (2023, 11, 14, 19, 30)),
        ("14/11/2023 19 h 30", (2023, 11, 14, 19, 30)),
        ("02/03/2023", (2023, 3, 2, 0, 0)),  # day first, not the US month first
        ("45244.8125", (2023, 11, 14, 19, 30)),  # Excel serial
        ("45244", (2023, 11, 14, 0, 0)),
        ("Apr 26, 2018 8:58:20 AM", (2018, 4, 26, 8, 58, 20)),  # ODK Briefcase
        ("Apr 26, 2018 8:58:20 PM", (2018, 4, 26, 20, 58, 20)),
        ("14 novembre 2023", (2023, 11, 14, 0, 0)),
        ("1er décembre 2023", (2023, 12, 1, 0, 0)),
        ("14 NOVEMBRE 2023", (2023, 11, 14, 0, 0)),
        ("mardi 14 nov. 2023 19h30", (2023, 11, 14, 19, 30)),
        ("mardi 14 nov. 2023 19:30", (2023, 11, 14, 19, 30)),
        ("14 février 2024 à 8h", (2024, 2, 14, 8, 0)),
    ],
)
def test_sheet_date_times(raw: str, expected: tuple[int, ...]) -> None:
    parsed = parse_datetime(raw, MTL)
    assert parsed is not None, raw
    assert parsed.tzinfo is not None
    assert parsed.astimezone(TZ).replace(tzinfo=None) == datetime(*expected)


def test_briefcase_seconds_kept() -> None:
    parsed = parse_datetime("Apr 26, 2018 8:58:20 AM", MTL)
    assert parsed is not None and parsed.second == 20


@pytest.mark.parametrize("raw", ["", None, "bof", "demain soir", "32/13/2023", "14 brumaire 2023", "123"])
def test_unparseable_date_times_are_none(raw: object) -> None:
    assert parse_datetime(raw, MTL) is None


def test_time_alone_needs_a_day() -> None:
    assert parse_datetime("19h30", MTL) is None
    assert parse_datetime("19h30", MTL, date_hint=date(2023, 11, 14)) == _aware(2023, 11, 14, 19, 30)


def test_parse_date_uses_the_project_day() -> None:
    # 02:00 UTC on the 15th is still the 14th in Montréal
    assert parse_date("2023-11-15T02:00:00Z", MTL) == date(2023, 11, 14)
    assert parse_date("14/11/2023", MTL) == date(2023, 11, 14)
    assert parse_date("nope", MTL) is None


# -- times of day -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19h30", time(19, 30)),
        ("19H30", time(19, 30)),
        ("19:30", time(19, 30)),
        ("7 h", time(7, 0)),
        ("7h", time(7, 0)),
        ("19:30:05", time(19, 30, 5)),
        ("0.8125", time(19, 30)),  # Excel day fraction
        ("0,5", time(12, 0)),
        ("7:05 PM", time(19, 5)),
        ("12:00 am", time(0, 0)),
        ("12:30 p.m.", time(12, 30)),
    ],
)
def test_parse_time_of_day(raw: str, expected: time) -> None:
    assert parse_time_of_day(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "abc", "25h00", "19h75", "1.5", "soir"])
def test_parse_time_of_day_rejects(raw: object) -> None:
    assert parse_time_of_day(raw) is None


# -- day or night --------------------------------------------------------------------


BERRI = (45.5149, -73.5601)


def test_half_past_five_in_november_is_night_in_montreal() -> None:
    when = datetime(2023, 11, 14, 17, 30, tzinfo=TZ)
    assert period_of(when, *BERRI) == "night"


def test_noon_is_day() -> None:
    assert period_of(datetime(2023, 11, 14, 12, 0, tzinfo=TZ), *BERRI) == "day"
    assert period_of(datetime(2023, 6, 21, 12, 0, tzinfo=TZ), *BERRI) == "day"


def test_half_past_five_in_june_is_day_and_period_depends_on_the_instant_not_the_zone() -> None:
    assert period_of(datetime(2023, 6, 21, 17, 30, tzinfo=TZ), *BERRI) == "day"
    # the same instant written in UTC gives the same answer
    local = datetime(2023, 11, 14, 17, 30, tzinfo=TZ)
    assert period_of(local.astimezone(UTC), *BERRI) == period_of(local, *BERRI) == "night"


def test_early_morning_in_winter_is_night() -> None:
    assert period_of(datetime(2023, 12, 21, 6, 30, tzinfo=TZ), *BERRI) == "night"
    assert period_of(datetime(2023, 12, 21, 9, 0, tzinfo=TZ), *BERRI) == "day"
