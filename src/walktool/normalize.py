"""Normalisation: raw records → tidy observations placed in stations and zones.

One function, :func:`normalize_table`, takes a :class:`~walktool.readers.RawTable`
and returns observations (one row per answered item or per finding), the
participants' anonymous profiles and every problem found, as values.  Every
record read is either accepted (it produced observations at a known station)
or rejected with a reason: ``rows == accepted + rejected``.

Rules (also in docs/facilitator-guide.en.md and docs/scoring.md):

* Answers go through the item's vocabulary (accents, case, French and English
  synonyms); anything not understood is an ``unknown-answer`` warning quoting
  the value, never a silent blank.  N/A is kept and scored as missing.
* A findings-table row that names an item without an answer is a problem
  answer (score 0 for scored items); one that names only a principle is a
  finding of that principle, unscored.
* Severity comes from the sheet; otherwise, for problems, from the answer's or
  the item's default in the protocol (``medium`` when neither says).
* The station is the one the sheet names (exact, then partial or fuzzy with a
  warning), or the nearest station or entrance within the project radius.
  A named station farther than twice the radius from the position is a
  ``station-position-mismatch`` warning; a point outside the study area is an
  ``outside-study-area`` reject; swapped latitude / longitude are fixed with a
  ``swapped-coordinates`` warning.
* Times are stored in UTC with the local time; the period is the sheet's, or
  ``night`` when the sun is below the horizon at that time and place.
* Observers become pseudonyms (``P-`` + 8 hex digits of a keyed hash); names,
  e-mails and device ids are never kept.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from walktool.columns import Mapping, Role, plan_columns
from walktool.errors import Issue
from walktool.positions import projected_positions, wkt_positions
from walktool.protocol import PERCEPTION, Protocol
from walktool.readers._base import submission_roots
from walktool.textnorm import fold
from walktool.values import (
    parse_coordinate,
    parse_datetime,
    parse_geopoint,
    parse_time_of_day,
    period_of,
)

if TYPE_CHECKING:
    import pandas as pd

    from walktool.readers import RawTable
    from walktool.stations import StationLayer

OBSERVATION_COLUMNS = [
    "obs_id", "submission_id", "campaign", "walk_id", "participant", "station_id", "station_name",
    "station_match", "station_confidence", "zone", "period", "observed_at", "local_time", "protocol",
    "principle", "item", "answer", "answer_raw", "score", "is_na", "is_problem", "severity",
    "severity_source", "comment", "photo", "lat", "lon", "accuracy_m", "location_source", "format",
    "source_file", "source_sheet", "source_row",
]
PROFILE_FIELDS = ("gender", "age_group", "reduced_mobility", "familiarity")


@dataclass(frozen=True)
class Context:
    """What normalisation needs to know about the project and this import."""

    protocol: Protocol
    layer: StationLayer
    timezone: str = "America/Montreal"
    radius_m: float = 250.0
    study_area: tuple[float, float, float, float] = (-180.0, -90.0, 180.0, 90.0)
    salt: str = ""
    campaign: str | None = None
    walk_id: str | None = None
    mapping: Mapping | None = None
    # what is worked out once per import and reused by every chunk and file (answers parsed,
    # station names matched); it only depends on the fields above
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def remembered(self, kind: str, values: Iterable[str], fn: Any) -> dict[str, Any]:
        """``{v: fn(v)}`` for the distinct ``values``, computing each value once per import."""
        memo: dict[str, Any] = self.memo.setdefault(kind, {})
        out = {}
        for v in set(values):
            if v not in memo:
                memo[v] = fn(v)
            out[v] = memo[v]
        return out


@dataclass
class NormalizedTable:
    """The result of normalising one raw table."""

    format: str
    file: str
    observations: pd.DataFrame
    participants: pd.DataFrame
    walks: pd.DataFrame
    issues: list[Issue]
    rows: int
    accepted: int
    rejected: int
    plan: dict[str, Role] = field(default_factory=dict)
    timed: Any = None  # numpy bool array: the observation's time has a time of day (not a date alone)
    submissions: set[str] = field(default_factory=set)  # the distinct submissions the rows belong to
    no_answers: bool = False  # no column was understood: every row rejected by one file-level issue

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for i in self.issues if i.level == "warning")


def pseudonym(observer: str, salt: str) -> str:
    """A stable, non-reversible participant id: ``P-`` + 8 hex digits.

    The same person spelled ``"Marie L."`` and ``"marie l"`` gets the same pseudonym.
    """
    key = fold(observer)
    digest = hmac.new(salt.encode(), key.encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:8].upper()}"


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(self, code: str, message: str, level: str, row: Any, sheet: Any = None, column: str | None = None, value: Any = None) -> None:
        self.issues.append(
            Issue(
                code=code,
                message=message,
                level="warning" if level == "warning" else "error",
                file=self.file,
                sheet=sheet if isinstance(sheet, str) and sheet else None,
                row=int(row) if row is not None else None,
                column=column,
                value=None if value is None else str(value),
            )
        )


def shared_strings(values: pd.Series) -> pd.Series:
    """Object dtype holding one Python string per distinct value.

    A long frame repeats a few values many times; pandas' Arrow-backed strings would
    make a new Python object per cell when converted for the store, this shares them.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    pool = np.empty(len(uniques) + 1, dtype=object)
    pool[:-1] = list(uniques)
    pool[-1] = None  # code -1: missing
    return pd.Series(pool[codes], index=values.index, dtype=object)


WALK_FIELDS = ("campaign", "date", "start_time", "end_time", "facilitator", "weather")


def summarize_walks(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per walk from its records (or from partial summaries): what the sheets say about it.

    Parameters
    ----------
    rows
        ``walk_id`` and :data:`WALK_FIELDS` columns (empty text or None when unknown);
        ``start_time`` / ``end_time`` are local ``HH:MM`` times of day.

    Returns
    -------
    pandas.DataFrame
        ``walk_id``, the first campaign, facilitator and weather given, the earliest date and
        start time and the latest end time (None where no record says).
    """
    import pandas as pd

    if rows.empty:
        return pd.DataFrame(columns=["walk_id", *WALK_FIELDS], dtype=object)
    clean = rows[["walk_id", *WALK_FIELDS]].astype(object)
    clean = clean.where(clean.notna() & clean.ne(""), None)
    out = clean.groupby("walk_id", sort=False).agg(
        campaign=("campaign", "first"),
        date=("date", "min"),
        start_time=("start_time", "min"),
        end_time=("end_time", "max"),
        facilitator=("facilitator", "first"),
        weather=("weather", "first"),
    )
    out = out.reset_index().astype(object)
    return out.where(out.notna(), None)


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn Arrow-backed string columns into shared Python strings (in place; returns the frame)."""
    import pandas as pd

    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            frame[name] = shared_strings(frame[name])
    return frame


def _severity_without_problem(out: pd.DataFrame, severity: pd.Series, protocol: Protocol, col: Any, column: str | None) -> None:
    """``severity-without-problem``: a severity on an answer that is not a problem, or on a comment saying nothing is wrong."""
    from walktool.textnorm import says_nothing_wrong

    given = severity.notna() & out["principle"].ne(PERCEPTION)
    for i in out.index[given & ~out["is_problem"]]:
        what = out.at[i, "item"] or out.at[i, "principle"]
        col.add(
            "severity-without-problem",
            f"severity {severity.at[i]!r} given, but the answer {out.at[i, 'answer_raw']!r} to {what!r} is not a problem"
            f" (it scores {protocol.problem_below:g} or more): the severity was left out; correct the answer or the severity",
            "warning", out.at[i, "row"], out.at[i, "sheet"], column, severity.at[i],
        )
    comments = out["comment"] if "comment" in out else pd.Series(None, index=out.index, dtype=object)
    flagged = given & out["is_problem"] & comments.notna()
    for i in out.index[flagged]:
        if says_nothing_wrong(comments.at[i]):
            col.add(
                "severity-without-problem",
                f"severity {severity.at[i]!r} given, but the comment says nothing is wrong ({comments.at[i]!r}): kept as a"
                " finding, never on the critical fast track; check the row and correct the severity or the comment",
                "warning", out.at[i, "row"], out.at[i, "sheet"], column, severity.at[i],
            )


def _unique_map(values: Iterable[str], fn: Any) -> dict[str, Any]:
    return {v: fn(v) for v in set(values)}


def normalize_table(raw: RawTable, ctx: Context) -> NormalizedTable:
    """Normalise one raw table against the protocol and the stations layer.

    Parameters
    ----------
    raw
        Records from a reader.
    ctx
        Protocol, stations, project settings and import options.

    Returns
    -------
    NormalizedTable
        Observations in :data:`OBSERVATION_COLUMNS` order, profiles, walks and issues.
    """
    import numpy as np
    import pandas as pd

    from walktool.stations import StationMatcher, distance_to_station, nearest_stations

    protocol = ctx.protocol
    frame = raw.frame
    col = _Collector(raw.file)
    col.issues.extend(raw.issues)
    n = len(frame)
    headers = [c for c in frame.columns if not c.startswith("__")]
    plan = plan_columns(headers, protocol, ctx.mapping)
    by_role: dict[str, str] = {r.target: c for c, r in plan.items() if r.kind == "context" and r.target}

    value_map = ctx.mapping

    def column(name: str) -> pd.Series:
        c = by_role.get(name)
        if c is None:
            return pd.Series("", index=frame.index, dtype=object)
        values = frame[c].astype(str).str.strip().astype(object)
        if value_map is not None and name in value_map.answers:  # the mapping translates this field's cells
            mapped = {v: value_map.value(name, v) for v in set(values) if v}
            values = values.map(lambda v: mapped.get(v) or v).astype(object)
        return values

    def reserved(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name].fillna("").astype(str).str.strip().astype(object)
        return pd.Series("", index=frame.index, dtype=object)

    roots = submission_roots(raw)
    if n and raw.format != "photos" and not understood(plan):
        return _nothing_understood(raw, ctx, col, headers, plan, roots)

    row_no = frame["__row"] if "__row" in frame.columns else pd.Series(np.arange(2, n + 2), index=frame.index)
    sheet = reserved("__sheet")
    rec = pd.DataFrame(index=frame.index)
    rec["row"] = row_no.astype(int)
    rec["sheet"] = sheet
    reject = pd.Series("", index=frame.index, dtype=object)  # first reject code per record

    def reject_rows(mask: pd.Series, code: str, message: Any, column_name: str | None = None, values: pd.Series | None = None) -> None:
        new = mask & reject.eq("")
        for idx in frame.index[new]:
            msg = message(idx) if callable(message) else message
            col.add(code, msg, "error", rec.at[idx, "row"], sheet.at[idx], column_name, None if values is None else values.at[idx])
        reject[new] = code

    # -- submission ids ------------------------------------------------------
    submission = reserved("__submission")
    missing_sub = submission.eq("")
    if missing_sub.any():
        content = frame.loc[missing_sub, headers].astype(str).agg("\x1f".join, axis=1)
        submission[missing_sub] = [f"row:{_hash(raw.file.rsplit('/', 1)[-1], c)}" for c in content]

    # -- position ------------------------------------------------------------
    lat_raw = reserved("__lat")
    lon_raw = reserved("__lon")
    acc_raw = reserved("__accuracy")
    use_cols = lat_raw.eq("") & lon_raw.eq("")
    mapping = ctx.mapping
    converted: tuple[pd.Series, pd.Series] | None = None  # positions read in another CRS, in degrees
    if "wkt" in by_role:
        converted = wkt_positions(column("wkt").where(use_cols, ""), mapping.crs if mapping else None, col, rec["row"], sheet, by_role["wkt"])
    elif mapping is not None and mapping.projected and "lat" in by_role and "lon" in by_role:
        converted = projected_positions(column("lon").where(use_cols, ""), column("lat").where(use_cols, ""), str(mapping.crs), col, rec["row"], sheet, by_role["lon"])
    if converted is None and "lat" in by_role and "lon" in by_role:
        lat_raw = lat_raw.where(~use_cols, column("lat"))
        lon_raw = lon_raw.where(~use_cols, column("lon"))
        if "accuracy" in by_role:
            acc_raw = acc_raw.where(~use_cols, column("accuracy"))
    elif converted is None and "geopoint" in by_role:
        gp = column("geopoint")
        parsed = _unique_map(gp[use_cols], parse_geopoint)
        lat_raw = lat_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None,))[0] is None else str(parsed[v][0])))
        lon_raw = lon_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None, None))[1] is None else str(parsed[v][1])))
        acc_raw = acc_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None, None, None))[2] is None else str(parsed[v][2])))
        bad_gp = use_cols & gp.ne("") & lat_raw.eq("")
        for idx in frame.index[bad_gp]:
            col.add("bad-coordinates", f"{gp.at[idx]!r} is not a position (expected 'lat lon' in decimal degrees); the row is placed by its station", "warning", rec.at[idx, "row"], sheet.at[idx], by_role["geopoint"], gp.at[idx])
    coord_map = _unique_map(pd.concat([lat_raw, lon_raw, acc_raw]), parse_coordinate)
    lat = lat_raw.map(coord_map).astype("float64")
    lon = lon_raw.map(coord_map).astype("float64")
    acc = acc_raw.map(coord_map).astype("float64")
    for series, raw_s, name in ((lat, lat_raw, "lat"), (lon, lon_raw, "lon")):
        bad = raw_s.ne("") & series.isna()
        for idx in frame.index[bad]:
            col.add("bad-coordinates", f"{raw_s.at[idx]!r} is not a coordinate (use decimal degrees like 45.5017 or 45°30'6\"N); the row is placed by its station", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get(name, name), raw_s.at[idx])
    if converted is not None:
        lat = lat.where(~use_cols, converted[0])
        lon = lon.where(~use_cols, converted[1])
    half = lat.isna() ^ lon.isna()
    lat[half] = np.nan
    lon[half] = np.nan
    min_lon, min_lat, max_lon, max_lat = ctx.study_area

    def inside(la: pd.Series, lo: pd.Series) -> pd.Series:
        return la.between(min_lat, max_lat) & lo.between(min_lon, max_lon)

    has_pos = lat.notna() & lon.notna()
    swapped = has_pos & ~inside(lat, lon) & inside(lon, lat)
    for idx in frame.index[swapped]:
        col.add("swapped-coordinates", f"latitude and longitude were swapped ({lat.at[idx]}, {lon.at[idx]}); fixed", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("lat"), f"{lat_raw.at[idx]}, {lon_raw.at[idx]}")
    lat, lon = lat.where(~swapped, lon), lon.where(~swapped, lat)
    outside = has_pos & ~inside(lat, lon)
    reject_rows(
        outside,
        "outside-study-area",
        lambda i: f"position ({lat.at[i]:.5f}, {lon.at[i]:.5f}) is outside the study area {ctx.study_area}; check the coordinates or widen [study_area] in walktool.toml",
        by_role.get("lat") or by_role.get("geopoint"),
        lat.astype(str) + ", " + lon.astype(str),
    )
    lat[outside] = np.nan
    lon[outside] = np.nan
    has_pos = lat.notna() & lon.notna()

    # -- station ------------------------------------------------------------
    layer = ctx.layer
    names = dict(zip(layer.stations["station_id"], layer.stations["name"], strict=True))
    station_raw = column("station")
    matcher = ctx.memo.get("station-matcher")
    if matcher is None:
        matcher = ctx.memo["station-matcher"] = StationMatcher(layer.stations)
    matches = ctx.remembered("station", station_raw[station_raw.ne("")], matcher.match)
    station_id = station_raw.map(lambda v: matches[v].station_id if matches.get(v) else None).astype(object)
    method = station_raw.map(lambda v: matches[v].method if matches.get(v) else None).astype(object)
    confidence = station_raw.map(lambda v: matches[v].confidence if matches.get(v) else np.nan).astype("float64")
    guessed = method.isin(["partial", "fuzzy"])
    for idx in frame.index[guessed]:
        m = matches[station_raw.at[idx]]
        col.add("station-guessed", f"{station_raw.at[idx]!r} read as {m.name!r} (confidence {m.confidence:.0%}); write the exact name if this is wrong", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("station"), station_raw.at[idx])
    nearest = nearest_stations(lat, lon, layer, max_distance_m=ctx.radius_m)
    unknown_name = station_raw.ne("") & station_id.isna()
    by_position = station_id.isna() & nearest["station_id"].notna()
    for idx in frame.index[unknown_name & by_position]:
        sid = nearest.at[idx, "station_id"]
        col.add("unknown-station-name", f"no station is called {station_raw.at[idx]!r}; placed at {names[sid]!r}, the nearest to its position", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("station"), station_raw.at[idx])
    station_id = station_id.where(~by_position, nearest["station_id"])
    method = method.where(~by_position, "position")
    confidence = confidence.where(~by_position, 1.0)
    reject_rows(
        unknown_name & station_id.isna(),
        "unknown-station",
        lambda i: f"no station is called {station_raw.at[i]!r} (closest: {', '.join(matcher.suggestions(station_raw.at[i]))}); fix the name or add a position",
        by_role.get("station"),
        station_raw,
    )
    reject_rows(
        station_raw.eq("") & ~has_pos,
        "no-station",
        "the row names no station and has no position; fill the station column",
        by_role.get("station"),
    )
    reject_rows(
        station_raw.eq("") & has_pos & station_id.isna(),
        "no-station-nearby",
        lambda i: f"no station within {ctx.radius_m:g} m of ({lat.at[i]:.5f}, {lon.at[i]:.5f}) (nearest is {nearest.at[i, 'distance_m']:.0f} m away); name the station or raise station_radius_m",
        by_role.get("lat") or by_role.get("geopoint"),
    )
    named = station_raw.ne("") & method.isin(["exact", "partial", "fuzzy"]) & has_pos
    if named.any():
        dist = distance_to_station(lat[named], lon[named], station_id[named], layer)
        far = dist > 2 * ctx.radius_m
        for idx in dist.index[far.fillna(False)]:
            col.add("station-position-mismatch", f"the sheet names {names[station_id.at[idx]]!r} but the position is {dist.at[idx]:.0f} m from it; check the station or the GPS fix (the named station is kept)", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("station"), station_raw.at[idx])
    station_pos = layer.stations.set_index("station_id")[["lat", "lon"]]
    rec["station_id"] = station_id
    rec["station_name"] = station_id.map(names)
    rec["station_match"] = method
    rec["station_confidence"] = confidence
    rec["lat"] = lat
    rec["lon"] = lon
    rec["accuracy_m"] = acc
    rec["location_source"] = pd.Series(None, index=frame.index, dtype=object).mask(station_id.notna(), "station").mask(has_pos, "gps")

    # -- zone, period, time ----------------------------------------------------
    zone_raw = column("zone")
    zones = _unique_map(zone_raw[zone_raw.ne("")], protocol.zones.match)
    rec["zone"] = zone_raw.map(lambda v: zones.get(v)).astype(object)
    for idx in frame.index[zone_raw.ne("") & rec["zone"].isna()]:
        col.add("unknown-zone", f"zone {zone_raw.at[idx]!r} not understood; use one of {', '.join(c.value for c in protocol.zones.choices)} (or their French names)", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("zone"), zone_raw.at[idx])

    tz = ZoneInfo(ctx.timezone)
    utc_zone = ZoneInfo("UTC")
    # one parse per distinct (reader time, date-time, date, time) combination
    combo = reserved("__time").str.cat([column("datetime"), column("date"), column("time")], sep="\x1f")
    codes, combos = pd.factorize(combo)
    u_when: list[datetime | None] = []
    u_timed: list[bool] = []
    u_bad: list[list[tuple[str, str]]] = []
    for key in combos:
        a, b, c, d = str(key).split("\x1f")
        bad_u: list[tuple[Any, str, str]] = []
        w, t = _when(a, b, c, d, tz, bad_u, by_role, None)
        u_when.append(w)
        u_timed.append(t)
        u_bad.append([(v, cn) for _, v, cn in bad_u])
    u_utc = [d.astimezone(utc_zone).isoformat(timespec="seconds").replace("+00:00", "Z") if d is not None else None for d in u_when]
    u_local = [d.astimezone(tz).isoformat(timespec="seconds") if d is not None else None for d in u_when]

    def per_record(values: list[Any], dtype: Any = object) -> pd.Series:
        arr = np.empty(len(values), dtype=dtype)
        arr[:] = values
        return pd.Series(arr[codes] if n else np.empty(0, dtype=dtype), index=frame.index, dtype=dtype)

    when = per_record(u_when)
    timed = per_record(u_timed, bool)
    bad_codes = [k for k, b in enumerate(u_bad) if b]
    if bad_codes:
        for pos in np.flatnonzero(np.isin(codes, bad_codes)):
            idx = frame.index[pos]
            for value, column_name in u_bad[codes[pos]]:
                col.add("bad-datetime", f"{value!r} is not a date or time walktool understands (e.g. 2023-11-14 19:30, 14/11/2023, 19h30)", "warning", rec.at[idx, "row"], sheet.at[idx], column_name, value)
    rec["observed_at"] = per_record(u_utc)
    rec["local_time"] = per_record(u_local)
    rec["timed"] = timed
    period_raw = column("period")
    periods = _unique_map(period_raw[period_raw.ne("")], protocol.periods.match)
    period = period_raw.map(periods).astype(object)
    period = period.where(period.notna(), None)
    for idx in frame.index[period_raw.ne("") & period.isna()]:
        col.add("unknown-period", f"period {period_raw.at[idx]!r} not understood; use day/jour or night/nuit (it is derived from the time instead)", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("period"), period_raw.at[idx])
    center_lat = (min_lat + max_lat) / 2 if ctx.study_area[1] > -90 else float(layer.stations["lat"].mean())
    center_lon = (min_lon + max_lon) / 2 if ctx.study_area[0] > -180 else float(layer.stations["lon"].mean())
    need = np.flatnonzero((period.isna() & when.notna() & timed).to_numpy())
    if len(need):
        p_lat = lat.where(has_pos, station_id.map(station_pos["lat"])).fillna(center_lat).to_numpy(dtype="float64")
        p_lon = lon.where(has_pos, station_id.map(station_pos["lon"])).fillna(center_lon).to_numpy(dtype="float64")
        moments = when.to_numpy()
        period.iloc[need] = [period_of(moments[i], float(p_lat[i]), float(p_lon[i])) for i in need]
    rec["period"] = period

    # -- people, walks -------------------------------------------------------------
    observer = column("observer")
    device = reserved("__device")
    who = observer.where(observer.ne(""), device)
    salt = ctx.salt
    pseudo = _unique_map(who[who.ne("")], lambda v: pseudonym(v, salt))
    rec["participant"] = who.map(lambda v: pseudo.get(v)).astype(object)
    walk = column("walk")
    campaign = column("campaign")
    rec["walk_id"] = (
        pd.Series(ctx.walk_id, index=frame.index, dtype=object)
        if ctx.walk_id
        else walk.where(walk.ne(""), None)  # no walk named: derived when loaded (walktool.walks), never invented here
    )
    rec["campaign"] = ctx.campaign if ctx.campaign else campaign.where(campaign.ne(""), "default")
    rec["comment"] = column("comment")
    photo = column("photo")
    rec["photo"] = photo.where(photo.ne(""), reserved("__photo"))
    rec["submission_id"] = submission
    severity_raw = column("severity")

    # -- answers: wide (one column per item) ------------------------------------------
    item_cols = {c: r for c, r in plan.items() if r.kind == "item"}
    companions = {c: r for c, r in plan.items() if r.kind in ("item_severity", "item_comment", "item_photo")}
    details = {c: r for c, r in plan.items() if r.kind == "item_detail"}
    parts: list[pd.DataFrame] = []
    if item_cols:
        wide = frame[list(item_cols)].astype(str)
        long = wide.stack().rename("answer_raw").reset_index()
        del wide  # melted: the wide copy is dropped at once
        long.columns = ["rec", "column", "answer_raw"]
        long["item"] = long["column"].map({c: r.target for c, r in item_cols.items()})
        long["answer_raw"] = shared_strings(long["answer_raw"].str.strip())
        long = long[long["answer_raw"].ne("")]
        # two columns naming the same item: the first filled one counts
        long = long.drop_duplicates(["rec", "item"], keep="first")
        long["explicit"] = False
        parts.append(long)
        del long
    if details:
        ticks = []
        for c, r in details.items():
            on = frame[c].astype(str).str.strip().isin(["1", "True", "true", "TRUE", "x", "X"])
            ticks.append(pd.DataFrame({"rec": frame.index[on], "item": r.target, "answer_raw": r.detail, "column": c, "explicit": False}))
        tick_frame = pd.concat(ticks, ignore_index=True) if ticks else None
        if tick_frame is not None and not tick_frame.empty:
            have = set(zip(parts[0]["rec"], parts[0]["item"], strict=True)) if parts else set()
            keep = [(r, i) not in have for r, i in zip(tick_frame["rec"], tick_frame["item"], strict=True)]
            tick_frame = tick_frame[keep].drop_duplicates(["rec", "item"])
            parts.append(tick_frame)

    # -- answers: long (one finding a row) ------------------------------------------
    item_raw = column("item")
    principle_raw = column("principle")
    answer_col = column("answer")
    long_rows = item_raw.ne("") | principle_raw.ne("")
    principle_only: pd.Series = pd.Series(None, index=frame.index, dtype=object)
    if long_rows.any():
        items_found = _unique_map(item_raw[item_raw.ne("")], protocol.match_item)
        principles_found = _unique_map(pd.concat([principle_raw, item_raw])[lambda s: s.ne("")], protocol.match_principle)
        item_key = item_raw.map({k: v.key for k, v in items_found.items() if v is not None})
        principle_key = principle_raw.map({k: v.key for k, v in principles_found.items() if v is not None})
        # an item cell naming a principle ("Voir et être vu·e") is a finding of that principle
        principle_key = principle_key.where(
            principle_key.notna() | item_key.notna(), item_raw.map({k: v.key for k, v in principles_found.items() if v is not None})
        )
        is_item = long_rows & item_key.notna()
        is_principle = long_rows & ~is_item & principle_key.notna()
        if is_item.any():
            parts.append(
                pd.DataFrame(
                    {
                        "rec": frame.index[is_item],
                        "item": item_key[is_item].to_numpy(dtype=object),
                        "answer_raw": answer_col[is_item].to_numpy(dtype=object),
                        "column": by_role.get("answer") or by_role.get("item"),
                        "explicit": answer_col[is_item].eq("").to_numpy(dtype=bool),
                    }
                )
            )
        principle_only = principle_key.where(is_principle, None).astype(object)
        for idx in frame.index[is_principle & item_raw.ne("")]:
            col.add("unknown-item", f"item {item_raw.at[idx]!r} is not in {protocol.id}; kept as a finding of principle {principle_key.at[idx]!r}", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("item"), item_raw.at[idx])
        shown = item_raw.where(item_raw.ne(""), principle_raw)
        reject_rows(
            long_rows & ~is_item & ~is_principle,
            "unknown-item",
            lambda i: f"{shown.at[i]!r} is neither an item nor a principle of {protocol.id}; use an item key or name (see `walktool protocol show`) or add it to a mapping file",
            by_role.get("item") or by_role.get("principle"),
            shown,
        )

    obs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["rec", "item", "answer_raw", "column", "explicit"])
    # parse answers once per distinct (item, answer)
    n_obs = len(obs)
    explicit_arr = obs["explicit"].to_numpy(dtype=bool) if n_obs else np.zeros(0, dtype=bool)
    values = np.full(n_obs, None, dtype=object)
    scores = np.full(n_obs, np.nan, dtype="float64")
    nas = np.zeros(n_obs, dtype=bool)
    choice_sev = np.full(n_obs, None, dtype=object)
    parsed_ok = explicit_arr.copy()
    if n_obs:
        scored_items = {i.key for i in protocol.items if i.scored}
        explicit_items = obs["item"].to_numpy(dtype=object)[explicit_arr]
        scores[explicit_arr] = [0.0 if k in scored_items else np.nan for k in explicit_items]
        implicit = np.flatnonzero(~explicit_arr)
        if len(implicit):
            pair = obs["item"].iloc[implicit].astype(str).str.cat(obs["answer_raw"].iloc[implicit].astype(str), sep="\x1f")
            pcodes, pairs = pd.factorize(pair)
            mapping = ctx.mapping

            def parse(key: str) -> Any:
                item_key_s, raw_answer = key.split("\x1f", 1)
                mapped = mapping.answer(item_key_s, raw_answer) if mapping else None
                return protocol.parse_answer(item_key_s, mapped if mapped is not None else raw_answer)

            parsed = ctx.remembered("answer", [str(k) for k in pairs], parse)
            answers: list[Any] = [parsed[str(k)] for k in pairs]
            ok_u = np.array([a is not None for a in answers], dtype=bool)
            val_u = np.empty(len(answers), dtype=object)
            val_u[:] = [a.value if a is not None else None for a in answers]
            score_u = np.array([a.score if a is not None and a.score is not None else np.nan for a in answers], dtype="float64")
            na_u = np.array([bool(a.na) if a is not None else False for a in answers], dtype=bool)
            sev_u = np.empty(len(answers), dtype=object)
            sev_u[:] = [a.severity if a is not None else None for a in answers]
            parsed_ok[implicit] = ok_u[pcodes]
            values[implicit] = val_u[pcodes]
            scores[implicit] = score_u[pcodes]
            nas[implicit] = na_u[pcodes]
            choice_sev[implicit] = sev_u[pcodes]
            for pos in implicit[~ok_u[pcodes]]:
                idx, item_key_s, raw_answer, column_name = obs["rec"].iat[pos], obs["item"].iat[pos], obs["answer_raw"].iat[pos], obs["column"].iat[pos]
                item = protocol.item(item_key_s)
                expected = ", ".join(c.label.get("fr") for c in item.answer.choices) or item.answer.kind
                col.add("unknown-answer", f"answer {raw_answer!r} to {item_key_s} not understood (expected: {expected}); the answer was left out", "warning", rec.at[idx, "row"], sheet.at[idx], column_name, raw_answer)
    obs = obs.assign(answer=values, score=scores, is_na=nas, choice_severity=choice_sev)
    obs = obs[parsed_ok] if n_obs else obs
    # principle-only findings
    po = principle_only.dropna()
    if len(po):
        obs = pd.concat(
            [obs, pd.DataFrame({"rec": po.index, "item": None, "principle": po.to_numpy(), "answer_raw": None, "answer": None, "score": None, "is_na": False, "choice_severity": None, "explicit": True, "column": by_role.get("principle") or by_role.get("item")})],
            ignore_index=True,
        )

    # records with nothing understood (a photo on its own is evidence, kept unscored)
    produced = set(obs["rec"]) if len(obs) else set()
    photo_only = rec["photo"].ne("") & ~frame.index.isin(list(produced))
    if raw.format == "photos" and photo_only.any():
        idx_photo = frame.index[photo_only]
        obs = pd.concat(
            [obs, pd.DataFrame({"rec": idx_photo, "item": None, "principle": None, "answer_raw": None, "answer": None, "score": None, "is_na": False, "choice_severity": None, "explicit": False, "column": None})],
            ignore_index=True,
        )
    empty = ~frame.index.isin(list(produced)) & reject.eq("")
    if raw.format == "photos":
        empty &= ~photo_only
    reject_rows(
        empty,
        "no-answers",
        "no answer or finding could be read from this row (all answers empty or not understood); fill at least one item",
    )

    # -- assemble ---------------------------------------------------------------
    if len(obs):
        obs = obs[obs["rec"].map(reject).eq("")]
    obs = obs.reset_index(drop=True)
    if "principle" not in obs.columns:
        obs["principle"] = None
    item_principle = {i.key: i.principle for i in protocol.items}
    obs["principle"] = obs["principle"].where(obs["principle"].notna(), obs["item"].map(item_principle))
    # ids and order on the narrow frame, so that the wide one is built once, already in order:
    # obs_id = _hash(submission, item or "principle:<key>", n-th time in the submission)
    key_part = obs["item"].astype(object)
    no_item = key_part.isna().to_numpy()
    if no_item.any():
        key_part[no_item] = ["principle:" + (p if isinstance(p, str) else "") for p in obs["principle"].to_numpy(dtype=object)[no_item]]
    subs = submission.loc[obs["rec"]].to_numpy(dtype=object) if len(obs) else np.empty(0, dtype=object)
    occurrence = pd.DataFrame({"s": subs, "k": key_part.to_numpy(dtype=object)}).groupby(["s", "k"]).cumcount()
    obs["obs_id"] = [
        hashlib.sha1(f"{s}\x1f{k}\x1f{o}".encode()).hexdigest()[:16]
        for s, k, o in zip(subs.tolist(), key_part.tolist(), occurrence.tolist(), strict=True)
    ]
    obs["_row"] = rec["row"].loc[obs["rec"]].to_numpy() if len(obs) else np.empty(0, dtype=int)
    obs = obs.sort_values(["_row", "obs_id"], kind="stable", ignore_index=True)
    _as_objects(rec)  # replicated below: share one Python object per record, not one per cell
    out = rec.loc[obs["rec"]].reset_index(drop=True) if len(obs) else rec.iloc[0:0].reset_index(drop=True)
    for c in ("item", "principle", "answer", "answer_raw", "score", "is_na", "explicit", "choice_severity", "rec", "obs_id"):
        out[c] = obs[c].to_numpy() if len(obs) else []
    del obs, parts
    # companions: per-item severity / comment / photo columns
    item_sev = pd.Series(None, index=out.index, dtype=object)
    for c, r in companions.items():
        vals = frame[c].astype(str).str.strip()
        mask = out["item"].eq(r.target)
        if not mask.any():
            continue
        picked = vals.reindex(out.loc[mask, "rec"]).to_numpy()
        if r.kind == "item_severity":
            item_sev[mask] = picked
        elif r.kind == "item_comment":
            out.loc[mask, "comment"] = [p if p else cur for p, cur in zip(picked, out.loc[mask, "comment"], strict=True)]
        else:
            out.loc[mask, "photo"] = [p if p else cur for p, cur in zip(picked, out.loc[mask, "photo"], strict=True)]
    scored = out["score"].astype("float64")
    is_problem = (scored < protocol.problem_below) | out["explicit"].astype(bool)
    is_problem &= out["principle"].ne(PERCEPTION)
    out["is_problem"] = is_problem.fillna(False).astype(bool)
    row_sev = severity_raw.reindex(out["rec"]).to_numpy() if len(out) else []
    sev_text = item_sev.where(item_sev.fillna("").ne(""), pd.Series(row_sev, index=out.index, dtype=object))
    sev_text = sev_text.fillna("").astype(object)
    sev_map = {k: v for k, v in _unique_map(sev_text[sev_text.ne("")], protocol.severities.match).items() if v is not None}
    severity = sev_text.map(sev_map).astype(object)
    bad_sev = sev_text.fillna("").ne("") & severity.isna()
    for i in out.index[bad_sev]:
        col.add("unknown-severity", f"severity {sev_text.at[i]!r} not understood; use low/faible, medium/moyenne, high/élevée or critical/critique (the default severity was used)", "warning", out.at[i, "row"], out.at[i, "sheet"], by_role.get("severity"), sev_text.at[i])
    default_sev = out["item"].map({i.key: i.severity for i in protocol.items})
    derived = out["choice_severity"].where(out["choice_severity"].notna(), default_sev).fillna("medium")
    out["severity_source"] = pd.Series(None, index=out.index, dtype=object).mask(out["is_problem"], "derived").mask(severity.notna() & out["is_problem"], "sheet")
    out["severity"] = severity.where(severity.notna(), derived).where(out["is_problem"], None)
    _severity_without_problem(out, severity, protocol, col, by_role.get("severity"))
    n_out = len(out)
    out["protocol"] = np.full(n_out, f"{protocol.id}@{protocol.version}", dtype=object)
    out["format"] = np.full(n_out, raw.format, dtype=object)
    out["source_file"] = np.full(n_out, raw.file.replace("\\", "/").rsplit("/", 1)[-1], dtype=object)
    out["source_sheet"] = out["sheet"].where(out["sheet"].ne(""), None)
    out["source_row"] = out["row"]
    out["is_na"] = out["is_na"].astype(bool)
    for c in OBSERVATION_COLUMNS:
        if c not in out.columns:
            out[c] = None
    out["comment"] = out["comment"].where(out["comment"].fillna("").ne(""), None)
    out["photo"] = out["photo"].where(out["photo"].fillna("").ne(""), None)
    _as_objects(out)
    observations = out[[*OBSERVATION_COLUMNS, "timed"]]
    del out

    # -- profiles ---------------------------------------------------------------
    prof = pd.DataFrame({"participant": rec["participant"], "walk_id": rec["walk_id"], "campaign": rec["campaign"]})
    for f in PROFILE_FIELDS:
        prof[f] = column(f).replace("", None)
    prof = prof[prof["participant"].notna() & reject.eq("")].drop_duplicates("participant", keep="last")

    in_walk = reject.eq("") & rec["walk_id"].notna()
    local_text = rec["local_time"].where(in_walk, None).fillna("").astype(str)
    clock = local_text.str[11:16].where(rec["timed"].astype(bool) & local_text.ne(""), "")
    walks = summarize_walks(
        pd.DataFrame(
            {
                "walk_id": rec["walk_id"],
                "campaign": rec["campaign"],
                "date": local_text.str[:10],
                "start_time": clock,
                "end_time": clock,
                "facilitator": column("facilitator"),
                "weather": column("weather"),
            }
        )[in_walk]
    )
    accepted = int(reject.eq("").sum())
    timed_obs = observations.pop("timed").to_numpy(dtype=bool)
    rejected = int(reject.ne("").sum()) + raw.rejected_rows
    return NormalizedTable(
        format=raw.format,
        file=raw.file,
        observations=observations,
        timed=timed_obs,
        participants=prof.reset_index(drop=True),
        walks=walks.reset_index(drop=True),
        issues=sorted(col.issues, key=lambda i: (i.sheet or "", i.row or 0, i.level, i.code)),
        rows=n + raw.rejected_rows,
        accepted=accepted,
        rejected=rejected,
        plan=plan,
        submissions=set(roots.astype(str)),
    )


def _when(
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


# -- nothing understood ------------------------------------------------------------------
# what makes a column something walktool can read answers or findings from
_ANSWER_KINDS = frozenset({"item", "item_detail"})
_FINDING_FIELDS = frozenset({"item", "principle"})
COLUMNS_LISTED = 25
_SHEET_FORMATS = ("findings-table", "walktool-sheet")


def understood(plan: dict[str, Role]) -> bool:
    """Whether any column is a checklist item (or its choice column) or names a finding's item or principle."""
    return any(r.kind in _ANSWER_KINDS or (r.kind == "context" and r.target in _FINDING_FIELDS) for r in plan.values())


def _nothing_understood(
    raw: RawTable, ctx: Context, col: _Collector, headers: list[str], plan: dict[str, Role], roots: pd.Series
) -> NormalizedTable:
    """Every row rejected, with one ``no-answers`` issue for the file (or sheet), before any position check."""
    import numpy as np
    import pandas as pd

    sheets = sorted({str(v) for v in raw.frame["__sheet"].unique() if str(v)}) if "__sheet" in raw.frame.columns else []
    # a workbook's sheets are tables of their own; an export's repeat files are one export
    sheet = sheets[0] if len(sheets) == 1 and raw.format in _SHEET_FORMATS else None
    key = f"no-answers\x1f{raw.file}\x1f{sheet or ''}"
    if key not in ctx.memo:  # once per file or sheet, not once per chunk
        ctx.memo[key] = True
        shown = headers[:COLUMNS_LISTED]
        more = f" … and {len(headers) - len(shown)} more" if len(headers) > len(shown) else ""
        what = f"sheet {sheet!r}" if sheet else "this file"
        seen = ", ".join(repr(h) for h in shown) + more if shown else "none"
        col.issues.append(
            Issue(
                "no-answers",
                f"no column of {what} is a checklist item or names a finding's item or principle, so none of its"
                f" {len(raw.frame) + raw.rejected_rows} row(s) could be read (columns seen: {seen}). Describe the"
                f" columns in a mapping file and pass --map MAPPING.yaml (see docs/mapping.md); `walktool import"
                f" --dry-run --map MAPPING.yaml` shows how each column is understood before anything is stored",
                "error",
                file=raw.file,
                sheet=sheet,
            )
        )
    n = len(raw.frame)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OBSERVATION_COLUMNS})
    return NormalizedTable(
        format=raw.format,
        file=raw.file,
        observations=empty,
        timed=np.zeros(0, dtype=bool),
        participants=pd.DataFrame(columns=["participant", "walk_id", "campaign", *PROFILE_FIELDS]),
        walks=pd.DataFrame(columns=["walk_id", *WALK_FIELDS]),
        issues=col.issues,
        rows=n + raw.rejected_rows,
        accepted=0,
        rejected=n + raw.rejected_rows,
        plan=plan,
        submissions=set(roots.astype(str)),
        no_answers=True,
    )
