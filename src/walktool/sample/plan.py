"""The study: its campaigns, stations and zones, and the walks each campaign planned.

Everything here is SYNTHETIC: the plans model the STM exploratory-walk pilot of
November–December 2023 and its follow-up in autumn 2024.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

DEFAULT_SEED = 2023
CAMPAIGNS = ("2023-pilot", "2024-followup")
MANIFEST_NAME = "manifest.json"
GENERATOR_VERSION = 1
TIMEZONE = "America/Montreal"
KOBO_USER = "marches_stm"
# Fixed timestamp for every zip member and workbook property: the same seed gives the same bytes.
FIXED_TIME = datetime(2024, 12, 1, 12, 0, 0)

# Zones each station has, in walking order (street → platform).
STATION_ZONES: dict[str, tuple[str, ...]] = {
    "Papineau": ("bus_loop", "entrance", "hall", "stairs", "platform"),
    "Beaudry": ("entrance", "hall", "stairs", "platform"),
    "Lionel-Groulx": ("bus_loop", "entrance", "hall", "transfer", "stairs", "platform"),
    "Berri-UQAM": ("entrance", "hall", "corridor", "transfer", "stairs", "platform"),
    "Bonaventure": ("bus_loop", "entrance", "hall", "corridor", "platform"),
    "Atwater": ("bus_loop", "entrance", "corridor", "hall", "stairs", "platform"),
    "Jolicoeur": ("entrance", "hall", "stairs", "platform"),
    "Monk": ("entrance", "hall", "corridor", "stairs", "platform"),
}
OUTDOOR_ZONES = ("entrance", "bus_loop")
AMBASSADOR_STATIONS = ("Papineau", "Beaudry", "Lionel-Groulx", "Atwater", "Bonaventure")


@dataclass(frozen=True)
class WalkPlan:
    """One planned walk: when, where, who leads it and the format its sheets come back in."""

    campaign: str
    day: date
    period: str
    route: tuple[str, ...]
    fmt: str  # kobo | odk | sheet | findings, or several joined by "+"
    facilitator: str
    weather: str
    encoding: str = "utf-8-sig"  # findings tables only
    photos: int = 0


def _d(text: str) -> date:
    return date.fromisoformat(text)


PLANS: dict[str, tuple[WalkPlan, ...]] = {
    "2023-pilot": (
        WalkPlan("2023-pilot", _d("2023-11-07"), "night", ("Berri-UQAM",), "kobo", "Animatrice A", "clear, 4 °C"),
        WalkPlan("2023-pilot", _d("2023-11-09"), "night", ("Papineau", "Beaudry"), "kobo", "Animatrice A", "light rain, 7 °C"),
        WalkPlan("2023-pilot", _d("2023-11-11"), "day", ("Lionel-Groulx", "Atwater"), "odk", "Animateur B", "cloudy, 5 °C"),
        WalkPlan("2023-pilot", _d("2023-11-14"), "night", ("Jolicoeur", "Monk"), "kobo", "Animatrice A", "clear, -2 °C"),
        WalkPlan("2023-pilot", _d("2023-11-16"), "day", ("Bonaventure",), "sheet", "Animatrice C", "sunny, 3 °C"),
        WalkPlan("2023-pilot", _d("2023-11-18"), "day", ("Berri-UQAM",), "sheet", "Animatrice C", "cloudy, 2 °C"),
        WalkPlan("2023-pilot", _d("2023-11-21"), "night", ("Lionel-Groulx",), "kobo", "Animatrice A", "snow flurries, -1 °C"),
        WalkPlan("2023-pilot", _d("2023-11-23"), "night", ("Atwater", "Bonaventure"), "odk", "Animateur B", "clear, -4 °C"),
        WalkPlan("2023-pilot", _d("2023-11-25"), "day", ("Papineau",), "sheet", "Animatrice C", "sunny, 0 °C"),
        WalkPlan("2023-pilot", _d("2023-11-28"), "night", ("Beaudry", "Berri-UQAM"), "kobo", "Animatrice A", "cloudy, -3 °C"),
        WalkPlan("2023-pilot", _d("2023-11-30"), "day", ("Jolicoeur", "Monk"), "odk", "Animateur B", "light snow, -2 °C"),
        WalkPlan("2023-pilot", _d("2023-12-02"), "day", ("Beaudry", "Papineau"), "sheet", "Animatrice C", "cloudy, 1 °C"),
        WalkPlan("2023-pilot", _d("2023-12-05"), "night", ("Monk",), "odk", "Animateur B", "freezing rain, -1 °C"),
        WalkPlan("2023-pilot", _d("2023-12-07"), "night", ("Bonaventure", "Lionel-Groulx"), "findings", "Animatrice D", "clear, -6 °C", "cp1252", 4),
        WalkPlan("2023-pilot", _d("2023-12-12"), "night", ("Jolicoeur", "Atwater"), "findings", "Animatrice D", "snow, -5 °C", "utf-8-sig", 2),
    ),
    "2024-followup": (
        WalkPlan("2024-followup", _d("2024-10-15"), "night", ("Jolicoeur",), "kobo", "Animatrice A", "clear, 9 °C"),
        WalkPlan("2024-followup", _d("2024-10-17"), "night", ("Monk",), "kobo", "Animatrice A", "cloudy, 11 °C"),
        WalkPlan("2024-followup", _d("2024-10-22"), "night", ("Berri-UQAM",), "odk", "Animateur B", "light rain, 8 °C"),
        WalkPlan("2024-followup", _d("2024-10-26"), "day", ("Papineau",), "sheet", "Animatrice C", "sunny, 12 °C"),
        WalkPlan("2024-followup", _d("2024-10-29"), "night", ("Beaudry",), "kobo", "Animatrice A", "clear, 6 °C"),
        WalkPlan("2024-followup", _d("2024-11-05"), "night", ("Lionel-Groulx",), "odk", "Animateur B", "cloudy, 4 °C"),
        WalkPlan("2024-followup", _d("2024-11-09"), "day", ("Bonaventure",), "sheet", "Animatrice C", "sunny, 7 °C"),
        WalkPlan("2024-followup", _d("2024-11-12"), "night", ("Atwater",), "kobo+findings", "Animatrice D", "rain, 5 °C", "utf-8-sig", 2),
    ),
}


def _slug(text: str) -> str:
    """``Berri-UQAM`` → ``berri-uqam`` (accents folded, anything else a dash)."""
    from walktool.textnorm import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def scaled_plans(campaign: str, scale: float) -> list[tuple[WalkPlan, str]]:
    """Walk plans of a campaign for ``scale``, with their walk ids.

    Parameters
    ----------
    campaign
        One of :data:`CAMPAIGNS`.
    scale
        1.0 gives the campaign's planned walks (15 in 2023, 8 in 2024); below 1 an
        evenly spread subset (at least one walk); above 1 the plans repeat, each
        round a day later.

    Returns
    -------
    list[tuple[WalkPlan, str]]
        Each plan with its walk id (``<date>-<stations>``, ``-2``, ``-3`` … when taken).
    """
    base = PLANS[campaign]
    n = max(1, round(len(base) * scale))
    out: list[tuple[WalkPlan, str]] = []
    seen: set[str] = set()
    for i in range(n):
        if n <= len(base):
            plan = base[math.floor(i * len(base) / n)]
            shift = 0
        else:
            plan = base[i % len(base)]
            shift = i // len(base)
        if shift:
            plan = WalkPlan(**{**asdict(plan), "day": plan.day + timedelta(days=shift)})
        walk_id = f"{plan.day.isoformat()}-{'-'.join(_slug(s) for s in plan.route)}"
        k = 2
        base_id = walk_id
        while walk_id in seen:
            walk_id = f"{base_id}-{k}"
            k += 1
        seen.add(walk_id)
        out.append((plan, walk_id))
    return out
