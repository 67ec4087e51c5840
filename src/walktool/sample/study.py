"""The simulated world: participants, stops, submissions, walks and the study that draws them."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from walktool.sample.model import BASE, FOLLOWUP, FOLLOWUP_ALL, PILOT
from walktool.sample.plan import CAMPAIGNS, OUTDOOR_ZONES, STATION_ZONES, TIMEZONE, WalkPlan
from walktool.sample.texts import PROFILES

if TYPE_CHECKING:
    from walktool.protocol import Protocol
    from walktool.stations import StationLayer


@dataclass
class Participant:
    """A (fictitious) participant: language, temperament, blank answers, optional profile, phone."""

    name: str
    lang: str  # fr | en
    anxiety: float
    skip: float  # how often this person leaves an item blank
    profile: dict[str, str] | None
    device: str


@dataclass
class Stop:
    """A zone of a station where the group stopped, and what is a problem there that evening."""

    station: str
    zone: str
    start: datetime  # local, aware
    truth: dict[str, bool]  # item → is a problem here and now
    crowded: bool


@dataclass
class Submission:
    """What one participant filled in at one stop."""

    person: Participant
    stop: Stop
    start: datetime
    end: datetime
    answers: dict[str, str]  # item key → XML value ("yes", "2", "120" …)
    problems: list[str]
    item_severity: dict[str, str]
    item_comment: dict[str, str]
    item_photo: dict[str, str]
    comment: str
    photo: str
    location: tuple[float, float, float, float] | None  # lat, lon, altitude, accuracy
    period: str  # as the participant gave it ("" when left empty)


@dataclass
class Walk:
    """A simulated walk: its plan, times, group, stops and submissions (in time order)."""

    plan: WalkPlan
    walk_id: str
    start: datetime
    end: datetime
    people: list[Participant]
    stops: list[Stop]
    submissions: list[Submission]


class Study:
    """Everything the writers need: protocol, stations, random source."""

    def __init__(self, seed: int, scale: float) -> None:
        from walktool.protocol import default_protocol_path, load_protocol
        from walktool.stations import builtin_stations

        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.protocol: Protocol = load_protocol(default_protocol_path())
        self.layer: StationLayer = builtin_stations()
        self.tz = ZoneInfo(TIMEZONE)
        stations = self.layer.stations
        self.station_id = {str(n): str(s) for s, n in zip(stations["station_id"], stations["name"], strict=True)}
        self.station_pos = {str(n): (float(a), float(o)) for n, a, o in zip(stations["name"], stations["lat"], stations["lon"], strict=True)}
        entrances = self.layer.entrances
        self.entrances: dict[str, list[tuple[float, float]]] = {}
        for sid, la, lo in zip(entrances["station_id"], entrances["lat"], entrances["lon"], strict=True):
            self.entrances.setdefault(str(sid), []).append((float(la), float(lo)))
        missing = [s for s in STATION_ZONES if s not in self.station_id]
        if missing:
            msg = f"the packaged stations layer lacks {missing}"
            raise ValueError(msg)
        self.items = list(self.protocol.items)
        self.scored_items = [i for i in self.items if i.scored]
        from walktool.forms._common import station_choices

        _, choices = station_choices(self.layer)
        # station name → (XLSForm choice name, first line choice)
        self.station_choice = {c.label: (c.name, c.lines[0] if c.lines else "") for c in choices}
        # The state of each zone: an item is a problem there when its draw falls below the
        # probability of the moment.  One draw serves both campaigns, so that a problem whose
        # probability did not change persists, one whose probability fell is (likely) fixed,
        # and night problems include the day's.
        draws = random.Random(seed * 7919 + 17)
        self.state = {
            (station, zone, item.key): draws.random()
            for station, zones in STATION_ZONES.items()
            for zone in zones
            for item in self.scored_items
        }

    # -- random helpers ------------------------------------------------------
    def uuid4(self) -> str:
        """A version-4 UUID drawn from the study's random source (reproducible)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, n: int, alphabet: str = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
        """``n`` random characters of ``alphabet`` (form versions, device ids)."""
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def pick(self, seq: Sequence[Any]) -> Any:
        """One element of ``seq`` at random."""
        return seq[self.rng.randrange(len(seq))]

    # -- the world -------------------------------------------------------------
    def problem_p(self, item: str, station: str, zone: str, period: str, campaign: str) -> float:
        """The probability that ``item`` is a problem at a station's zone, by day or night, in a campaign.

        Parameters
        ----------
        item
            The protocol item's key.
        station, zone
            Where (a station of :data:`STATION_ZONES` and one of its zones).
        period
            ``day`` or ``night`` (darker outside, emptier, shops shut, staff rarer).
        campaign
            The 2024 follow-up applies :data:`FOLLOWUP_ALL` and :data:`FOLLOWUP` on top
            of the 2023 state.

        Returns
        -------
        float
            Between 0 and 0.95.
        """
        p = BASE.get(item, 0.1)
        for table in ([PILOT.get(station, {})] + ([FOLLOWUP_ALL, FOLLOWUP.get(station, {})] if campaign == CAMPAIGNS[1] else [])):
            p = table.get(item, p)
            p = table.get(f"{zone}:{item}", p)
        if item == "staff_visible" and zone == "hall":
            p = min(p, 0.15)  # the booth is in the hall
        if item == "staff_distance_m" and zone == "hall":
            p = min(p, 0.1)
        if period == "night":
            if item in ("light_level", "dark_corners") and zone in OUTDOOR_ZONES:
                p = min(0.95, p + 0.2)
            if item in ("people_present", "women_children_present") and station not in ("Berri-UQAM", "Lionel-Groulx"):
                p = min(0.95, p + 0.3)
            if item == "shops_open":
                p = min(0.95, p + 0.4)
            if item == "staff_visible":
                p = min(0.95, p + 0.1)
        return p

    def participants(self, names: Sequence[str]) -> dict[str, Participant]:
        """Draw a participant for each name (language, temperament, profile, device), by name."""
        out = {}
        for name in names:
            lang = "en" if self.rng.random() < 0.3 else "fr"
            profile = None
            if self.rng.random() < 0.55:
                profile = {k: self.pick(v) for k, v in PROFILES.items()}
            out[name] = Participant(
                name=name,
                lang=lang,
                anxiety=self.rng.gauss(0.0, 0.1),
                skip=self.pick((0.0, 0.02, 0.04, 0.08)),
                profile=profile,
                device=f"collect:{self.token(16)}",
            )
        return out
