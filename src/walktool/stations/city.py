"""Setting a project up for the city of a stations layer, in one step.

``walktool stations import FEED`` and ``walktool init --stations FEED`` run
:func:`import_stations`: the layer replaces the project's stations, and the
settings that depend on the city follow it (unless ``keep_settings``):

* ``[study_area]``: the stations' and entrances' extent plus :data:`MARGIN_M`;
* ``timezone``: the feed's ``agency_timezone`` (a CSV or GeoJSON gives none:
  the setting is kept, with a warning when it cannot be the stations' zone);
* ``city``: as given, else the time zone's city (a guess, said so);
* ``credit`` and ``stations`` always follow the layer (a credit for other data
  would be wrong on every map); the path is written relative to the project.

The result (:class:`StationsImport`) says what was set, what was kept and what
to check.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from walktool.i18n import N_, Phrase
from walktool.stations.layer import StationLayer

if TYPE_CHECKING:
    from walktool.project import Project, Settings

MARGIN_M = 2000.0  # study area = stations' extent plus this, on every side
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Change:
    """One setting the layer set (or would have set, when settings were kept)."""

    setting: str
    old: Any
    new: Any
    why: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"setting": self.setting, "old": _plain(self.old), "new": _plain(self.new), "why": self.why}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass
class StationsImport:
    """What :func:`import_stations` did.

    Attributes
    ----------
    layer
        The layer now in the project.
    file
        The file as ``walktool.toml`` records it (relative to the project when it can be).
    given
        The file as the user named it.
    changes
        Settings set from the layer.
    kept
        Settings kept as they were (``keep_settings``) although the layer suggests otherwise.
    checks
        What the user should check (guesses, missing credit …).
    warnings
        Problems: stations outside the study area, notes from the feed, observations
        placed with the previous stations.
    """

    layer: StationLayer
    file: str
    given: str = ""
    changes: list[Change] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outside: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``walktool stations import --json``)."""
        layer = self.layer
        with_lines = int(layer.stations["lines"].notna().sum()) if len(layer.stations) else 0
        return {
            "file": self.given or self.file,
            "recorded_as": self.file,
            "stations": len(layer.stations),
            "entrances": len(layer.entrances),
            "lines": len(layer.lines),
            "routes": layer.feed.routes if layer.feed else 0,
            "stations_with_lines": with_lines,
            "credit": layer.credit,
            "timezone": layer.feed.timezone if layer.feed else None,
            "outside_study_area": self.outside,
            "set": [c.to_dict() for c in self.changes],
            "kept": [c.to_dict() for c in self.kept],
            "check": self.checks,
            "warnings": self.warnings,
        }


def study_area_for(layer: StationLayer, margin_m: float = MARGIN_M) -> tuple[float, float, float, float] | None:
    """The layer's extent (stations and entrances) plus ``margin_m`` metres, rounded outwards to 4 decimals."""
    extent = layer.extent()
    if extent is None:
        return None
    min_lon, min_lat, max_lon, max_lat = extent
    dlat = margin_m / _METRES_PER_DEGREE
    mid = math.radians((min_lat + max_lat) / 2)
    dlon = margin_m / (_METRES_PER_DEGREE * max(math.cos(mid), 0.01))

    def down(v: float) -> float:
        return math.floor(v * 1e4) / 1e4

    def up(v: float) -> float:
        return math.ceil(v * 1e4) / 1e4

    return (
        max(-180.0, down(min_lon - dlon)),
        max(-90.0, down(min_lat - dlat)),
        min(180.0, up(max_lon + dlon)),
        min(90.0, up(max_lat + dlat)),
    )


def outside_area(layer: StationLayer, area: tuple[float, float, float, float]) -> int:
    """How many stations lie outside ``area`` (``min_lon, min_lat, max_lon, max_lat``)."""
    min_lon, min_lat, max_lon, max_lat = area
    s = layer.stations
    inside = s["lat"].between(min_lat, max_lat) & s["lon"].between(min_lon, max_lon)
    return int((~inside).sum())


def city_from_timezone(timezone: str | None) -> str | None:
    """The city an IANA zone is named after (``America/Los_Angeles`` → ``Los Angeles``), or None."""
    if not timezone or "/" not in timezone:
        return None
    return timezone.rsplit("/", 1)[1].replace("_", " ")


def timezone_fits(timezone: str, lon: float) -> bool:
    """Whether a zone's winter UTC offset is within 3 hours of the solar offset at ``lon``."""
    try:
        offset = datetime(2024, 1, 15, 12, tzinfo=ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return False
    hours = offset.total_seconds() / 3600 if offset is not None else 0.0
    diff = abs(hours - lon / 15)
    return min(diff, 24 - diff) <= 3


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form (absolute when no relative path exists)."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.resolve().as_posix()


def plan_settings(
    layer: StationLayer,
    settings: Settings,
    file: str,
    *,
    keep_settings: bool = False,
    city: str | None = None,
    credit: str | None = None,
) -> tuple[Settings, StationsImport]:
    """The settings a project gets with ``layer``, and the report of what changed.

    Parameters
    ----------
    layer
        The new stations layer.
    settings
        The project's settings now.
    file
        The layer's file as ``walktool.toml`` records it.
    keep_settings
        Keep study area, time zone and city (the credit and the stations file still follow the layer).
    city, credit
        Given by the user: they win over what the layer suggests.
    """
    report = StationsImport(layer, file)
    feed = layer.feed
    wanted: dict[str, tuple[Any, str]] = {}
    if layer.source == "stm":  # the packaged network: the island of Montréal, as a new project has
        from walktool.project import MONTREAL_BOUNDS

        area: tuple[float, float, float, float] | None = MONTREAL_BOUNDS
        wanted["study_area"] = (area, Phrase(N_("the island of Montréal (the STM network)")))
    else:
        area = study_area_for(layer)
        if area is not None:
            wanted["study_area"] = (area, Phrase(N_("the stations' extent plus {km:g} km"), km=MARGIN_M / 1000))
    tz = feed.timezone if feed else None
    if tz:
        wanted["timezone"] = (tz, Phrase(N_("agency_timezone in agency.txt")))
    guessed_city = False
    if city:
        wanted["city"] = (city, Phrase(N_("given with --city")))
    elif layer.source == "stm":
        wanted["city"] = ("Montréal", Phrase(N_("the STM network")))
    elif tz and city_from_timezone(tz):
        wanted["city"] = (city_from_timezone(tz), Phrase(N_("the time zone's city (a guess)")))
        guessed_city = True
    new = settings
    for key, (value, why) in wanted.items():
        old = getattr(settings, key)
        if old == value:
            continue
        if keep_settings:
            report.kept.append(Change(key, old, value, why))
        else:
            report.changes.append(Change(key, old, value, why))
            update: dict[str, Any] = {key: value}
            new = replace(new, **update)
    # the credit and the stations file always follow the layer
    layer_credit = credit or layer.credit
    if credit:
        layer.credit = credit
    for key, value, why in (
        ("credit", layer_credit, Phrase(N_("given with --credit")) if credit else (Phrase(N_("the feed's agency.txt / feed_info.txt")) if feed else Phrase(N_("the stations file")))),
        ("stations", file, Phrase(N_("the stations file, relative to the project"))),
    ):
        if getattr(new, key) != value:
            report.changes.append(Change(key, getattr(new, key), value, why))
            follow: dict[str, Any] = {key: value}
            new = replace(new, **follow)
    # what to check
    if guessed_city and not keep_settings and any(c.setting == "city" for c in report.changes):
        report.checks.append(Phrase(N_("city {city!r} was guessed from the time zone: correct it with --city or in walktool.toml"), city=new.city))
    if not tz:
        mid_lon = (area[0] + area[2]) / 2 if area else None
        if mid_lon is not None and not timezone_fits(new.timezone, mid_lon):
            report.warnings.append(Phrase(
                N_("timezone {timezone!r} cannot be the stations' (they are around longitude {lon:.1f}):"
                   " set timezone in walktool.toml, or local times and day/night will be wrong"), timezone=new.timezone, lon=mid_lon
            ))
        else:
            report.checks.append(Phrase(N_("the stations file gives no time zone: timezone stays {timezone!r}; check it"), timezone=new.timezone))
        if not city:
            report.checks.append(Phrase(N_("city stays {city!r}: set it with --city if the stations are elsewhere"), city=new.city))
    if not layer_credit:
        report.checks.append(Phrase(
            N_("the stations file names no source to credit: give it with --credit 'Source: …' (maps and reports show it)")
        ))
    if area is not None and not keep_settings and layer.source != "stm":
        report.checks.append(Phrase(N_("the study area is the stations' extent plus 2 km: widen [study_area] if walks go farther")))
    report.outside = outside_area(layer, new.study_area) if len(layer.stations) else 0
    if report.outside:
        n = len(layer.stations)
        report.warnings.append(Phrase(
            N_("{outside} of {n} stations lie outside the study area {area}: observations near"
               " them will be rejected as outside-study-area; widen [study_area] in walktool.toml{more}"),
            outside=report.outside, n=n, area=tuple(new.study_area),
            more=Phrase(N_(" or import again without --keep-settings")) if keep_settings else "",
        ))
    if feed is not None:
        no_lines = int(layer.stations["lines"].isna().sum())
        if no_lines and feed.routes:
            report.checks.append(Phrase(N_("{n} station(s) have no line (no trip of the feed stops at them)"), n=no_lines))
        report.warnings.extend(feed.notes)
    return new, report


def import_stations(
    project: Project,
    path: str | Path,
    *,
    layer: StationLayer | None = None,
    keep_settings: bool = False,
    city: str | None = None,
    credit: str | None = None,
) -> StationsImport:
    """Replace the project's stations with those of ``path`` and set the city up from them.

    Parameters
    ----------
    project
        The open project.
    path
        A GTFS feed (zip, folder or stops.txt), a CSV of stations or GeoJSON points;
        ``stm`` (when no such file exists) brings the packaged STM network back.
    layer
        The layer already read from ``path`` (read here when None).
    keep_settings
        Keep the study area, time zone and city as they are.
    city, credit
        The city name and credit line, when the user gives them.

    Returns
    -------
    StationsImport
        What was set, kept and should be checked.

    Raises
    ------
    StationsError
        When the file cannot be used (nothing is changed then).
    """
    from walktool.stations.files import read_stations_file
    from walktool.stations.layer import builtin_stations, save_stations

    path = Path(path)
    if layer is None:
        layer = builtin_stations() if str(path) == "stm" and not path.exists() else read_stations_file(path)
    file = "stm" if layer.source == "stm" else relative_path(path, project.root)
    layer.source = file
    settings, report = plan_settings(layer, project.settings, file, keep_settings=keep_settings, city=city, credit=credit)
    report.given = str(path)
    placed = project.store.count("observations")
    save_stations(project, layer)
    project.save_settings(settings)
    if placed:
        report.warnings.append(Phrase(
            N_("the project holds {placed} observation(s) placed with the previous stations: import their sheets"
               " again to place them on these stations"), placed=placed
        ))
    return report
