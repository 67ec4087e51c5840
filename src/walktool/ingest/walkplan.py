"""Walk files (``walks/<walk>/walk.yaml``, docs/walk-format.md) and the checks they allow.

With ``--walk ID`` the walk file is read and checked against the sheets:
observations dated outside the walk's day (``outside-walk-date``) or time
(``outside-walk-time``), at a station or zone not on its route
(``outside-walk-route``), and more participants than it had
(``too-many-participants``) are warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.stations import StationLayer

WALK_TIME_GRACE_MIN = 15  # minutes tolerated before start_time and after end_time
WALK_KEYS = ("date", "start_time", "end_time", "facilitator", "route", "n_participants", "weather", "campaign")


def _yaml_loader() -> Any:
    """A safe YAML loader that keeps ``19:00`` a string (YAML 1.1 would read it as 1140, base 60)."""
    import yaml

    class WalkLoader(yaml.SafeLoader):
        pass

    int_tag = "tag:yaml.org,2002:int"
    WalkLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != int_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    WalkLoader.add_implicit_resolver(
        int_tag,
        re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
        list("-+0123456789"),
    )
    return WalkLoader


def load_walk_metadata(project: Project, walk_id: str) -> dict[str, Any]:
    """Read ``walks/<walk_id>/walk.yaml`` when it exists (docs/walk-format.md); ``{}`` otherwise.

    Raises
    ------
    WalktoolError
        When the file is not valid YAML or not a mapping.
    """
    import yaml

    path = project.walks_dir / walk_id / "walk.yaml"
    if not path.exists():
        return {}
    try:
        doc = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_yaml_loader()) or {}  # a SafeLoader
    except yaml.YAMLError as exc:
        msg = Phrase(N_("{path}: not valid YAML ({exc})"), path=path, exc=exc)
        raise WalktoolError(msg) from exc
    if not isinstance(doc, dict):
        msg = Phrase(N_("{path}: a walk file is a mapping ({WALK_KEYS}); see docs/walk-format.md"), path=path, WALK_KEYS=', '.join(WALK_KEYS))
        raise WalktoolError(msg)
    return doc


@dataclass
class WalkPlan:
    """A walk's metadata from its walk file, ready to check observations against.

    Attributes
    ----------
    walk_id, path, meta
        The walk, its file and the file's content.
    day
        The walk's date, when given.
    start, end
        Start and end time of day, when given (``end < start`` crosses midnight).
    route
        Station id → zones visited there (None: any zone); None when the file has no route.
    route_text
        The route as stored in the walks table (``Berri-UQAM: platform, hall; McGill``).
    n_participants
        Number of participants, when given.
    problems
        Warnings about the walk file itself (route stations not found …).
    """

    walk_id: str
    path: Path
    meta: dict[str, Any]
    day: date | None = None
    start: time | None = None
    end: time | None = None
    route: dict[str, set[str] | None] | None = None
    route_text: str | None = None
    n_participants: int | None = None
    problems: list[Issue] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, project: Project, walk_id: str, layer: StationLayer, protocol: Protocol, tz: str) -> WalkPlan | None:
        """Read and check ``walks/<walk_id>/walk.yaml``; None when there is none.

        Raises
        ------
        WalktoolError
            When a key holds a value walktool cannot use (the message says which and how to write it).
        """
        from walktool.stations import StationMatcher
        from walktool.values import parse_date, parse_time_of_day

        meta = load_walk_metadata(project, walk_id)
        if not meta:
            return None
        path = project.walks_dir / walk_id / "walk.yaml"
        plan = cls(walk_id, path, meta)

        def bad(key: str, expected: str) -> WalktoolError:
            return WalktoolError(Phrase(N_("{path}: {key}: {meta!r} is not {expected}; see docs/walk-format.md"), path=path, key=key, meta=meta[key], expected=expected))

        if meta.get("date") not in (None, ""):
            plan.day = parse_date(str(meta["date"]), tz)
            if plan.day is None:
                raise bad("date", "a date (write it as 2023-11-14)")
        for key in ("start_time", "end_time"):
            if meta.get(key) not in (None, ""):
                parsed = parse_time_of_day(str(meta[key]))
                if parsed is None:
                    raise bad(key, "a time of day (write it as '19:30' or 19h30)")
                setattr(plan, key.split("_")[0], parsed)
        count = meta.get("n_participants", meta.get("participants"))
        if count not in (None, ""):
            if isinstance(count, bool) or not str(count).strip().isdigit():
                key = "n_participants" if "n_participants" in meta else "participants"
                raise bad(key, "a whole number of participants")
            plan.n_participants = int(str(count).strip())
        route = meta.get("route")
        if route not in (None, "", []):
            if not isinstance(route, list):
                raise bad("route", "a list of stops (- station: Berri-UQAM, zones: [platform, hall])")
            matcher = StationMatcher(layer.stations)
            plan.route = {}
            shown: list[str] = []
            for n, stop in enumerate(route, 1):
                if isinstance(stop, dict):
                    name = stop.get("station")
                    zones_raw = stop.get("zones", stop.get("zone"))
                else:
                    name, zones_raw = stop, None
                if not isinstance(name, str | int | float) or not str(name).strip():
                    msg = Phrase(N_("{path}: route stop {n} names no station; write '- station: Berri-UQAM' (zones optional)"), path=path, n=n)
                    raise WalktoolError(msg)
                match = matcher.match(str(name))
                if match is None:
                    plan.problems.append(
                        Issue(
                            "walk-route-unknown-station",
                            f"{path.name}: route stop {n} names {str(name)!r}, which is not a station of the layer"
                            f" (closest: {', '.join(matcher.suggestions(str(name)))}); fix the walk file",
                            "warning",
                            column="route",
                            value=str(name),
                        )
                    )
                    continue
                zones: set[str] | None = None
                if zones_raw not in (None, "", []):
                    zones = set()
                    for z in zones_raw if isinstance(zones_raw, list) else str(zones_raw).split(","):
                        zone = protocol.zones.match(str(z).strip())
                        if zone is None:
                            plan.problems.append(
                                Issue(
                                    "walk-route-unknown-zone",
                                    f"{path.name}: route stop {n} ({match.name}): zone {str(z)!r} not understood; use one of"
                                    f" {', '.join(c.value for c in protocol.zones.choices)}",
                                    "warning",
                                    column="route",
                                    value=str(z),
                                )
                            )
                        else:
                            zones.add(zone)
                if match.station_id in plan.route:
                    prev = plan.route[match.station_id]
                    plan.route[match.station_id] = None if prev is None or zones is None else prev | zones
                else:
                    plan.route[match.station_id] = zones
                shown.append(match.name + (f": {', '.join(sorted(zones))}" if zones else ""))
            plan.route_text = "; ".join(shown) or None
        return plan

    def walk_row(self) -> dict[str, Any]:
        """The walk file's values for the walks table."""
        meta = self.meta
        return {
            "date": self.day.isoformat() if self.day else None,
            "start_time": self.start.strftime("%H:%M") if self.start else None,
            "end_time": self.end.strftime("%H:%M") if self.end else None,
            "facilitator": str(meta["facilitator"]) if meta.get("facilitator") else None,
            "route": self.route_text,
            "n_participants": self.n_participants,
            "weather": str(meta["weather"]) if meta.get("weather") else None,
        }

    def check(self, obs: pd.DataFrame, timed: Any, file: str, station_column: str = "station") -> list[Issue]:
        """Warnings for observations outside the walk's day, time window or route.

        Parameters
        ----------
        obs
            Observations (one normalised chunk).
        timed
            Boolean array aligned with ``obs``: the time has a time of day (not a date alone).
        file
            The sheet, for the issues.
        """
        import numpy as np
        import pandas as pd

        if obs.empty:
            return []
        self.participants.update(obs["participant"].dropna().astype(str))
        local = obs["local_time"].astype(object)
        has_time = local.notna().to_numpy()
        text = local.fillna("").astype(str)
        flagged: list[tuple[str, pd.Series, Callable[[int], str]]] = []
        wraps = self.start is not None and self.end is not None and self.end < self.start
        if self.day is not None:
            allowed = {self.day.isoformat()} | ({(self.day + timedelta(days=1)).isoformat()} if wraps else set())
            off_day = has_time & ~text.str[:10].isin(allowed).to_numpy()
            flagged.append(
                (
                    "outside-walk-date",
                    pd.Series(off_day, index=obs.index),
                    lambda i: f"observed on another day than walk {self.walk_id!r} ({self.day}); check the date or the --walk",
                )
            )
        else:
            off_day = np.zeros(len(obs), dtype=bool)
        if self.start is not None or self.end is not None:
            hours = pd.to_numeric(text.str[11:13], errors="coerce")
            minutes = hours * 60 + pd.to_numeric(text.str[14:16], errors="coerce")
            start = self.start.hour * 60 + self.start.minute - WALK_TIME_GRACE_MIN if self.start else None
            end = self.end.hour * 60 + self.end.minute + WALK_TIME_GRACE_MIN if self.end else None
            if start is not None and end is not None and wraps:
                inside = (minutes >= start) | (minutes <= end)
            else:
                inside = pd.Series(True, index=obs.index)
                if start is not None:
                    inside &= minutes >= start
                if end is not None:
                    inside &= minutes <= end
            timed_arr = np.asarray(timed, dtype=bool) if timed is not None else np.ones(len(obs), dtype=bool)
            off_time = has_time & timed_arr & ~off_day & ~inside.fillna(True).to_numpy(dtype=bool)
            window = f"{self.start.strftime('%H:%M') if self.start else '…'}–{self.end.strftime('%H:%M') if self.end else '…'}"
            flagged.append(
                (
                    "outside-walk-time",
                    pd.Series(off_time, index=obs.index),
                    lambda i: f"observed at {text.iat[i][11:16]}, outside walk {self.walk_id!r}'s time ({window}); check the time or the --walk",
                )
            )
        if self.route is not None:
            route = self.route
            station = obs["station_id"].astype(object)
            zone = obs["zone"].astype(object)
            off_station = station.notna() & ~station.isin(list(route))
            zone_ok = [
                z is None or z != z or sid not in route or route[sid] is None or z in route[sid]  # type: ignore[operator]
                for sid, z in zip(station.tolist(), zone.tolist(), strict=True)
            ]
            off_zone = ~off_station & ~pd.Series(zone_ok, index=obs.index, dtype=bool)
            names = obs["station_name"].astype(object)

            def route_message(i: int) -> str:
                if off_station.iat[i]:
                    return f"{names.iat[i]} is not on the route of walk {self.walk_id!r} ({self.route_text}); check the station or the walk file's route"
                return f"zone {zone.iat[i]} of {names.iat[i]} is not on the route of walk {self.walk_id!r} ({self.route_text}); check the zone or the walk file's route"

            flagged.append(("outside-walk-route", off_station | off_zone, route_message))
        issues: list[Issue] = []
        sheets = obs["source_sheet"].astype(object)
        rows = obs["source_row"]
        for code, mask, message in flagged:
            seen: set[tuple[Any, Any]] = set()
            for pos in np.flatnonzero(mask.to_numpy(dtype=bool)):
                key = (sheets.iat[pos], rows.iat[pos])
                if key in seen:
                    continue
                seen.add(key)
                sheet = sheets.iat[pos]
                row = rows.iat[pos]
                issues.append(
                    Issue(
                        code,
                        message(int(pos)),
                        "warning",
                        file=file,
                        sheet=sheet if isinstance(sheet, str) and sheet else None,
                        row=None if row is None or row != row else int(row),
                        column=station_column if code == "outside-walk-route" else None,
                    )
                )
        return issues

    def participant_issue(self, stored: set[str]) -> Issue | None:
        """A warning when the sheets name more participants than the walk had."""
        if self.n_participants is None:
            return None
        seen = len(self.participants | stored)
        if seen <= self.n_participants:
            return None
        return Issue(
            "too-many-participants",
            f"the sheets of walk {self.walk_id!r} name {seen} distinct participants but its walk file says"
            f" n_participants: {self.n_participants}; check the observer names (a typo makes a new participant)"
            " or the walk file",
            "warning",
            column="observer",
            value=str(seen),
        )

