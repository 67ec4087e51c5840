"""The normalisation of one raw table (see :mod:`walktool.normalize` for the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from walktool.columns import plan_columns
from walktool.normalize.model import (
    OBSERVATION_COLUMNS,
    PROFILE_FIELDS,
    Collector,
    Context,
    NormalizedTable,
    as_objects,
    hex_ids,
    lookup,
    objects,
    observation_ids,
    pseudonym,
    shared_strings,
    stable_hash,
    summarize_walks,
    unique_map,
)
from walktool.normalize.nothing import nothing_understood, understood
from walktool.normalize.times import when as _when
from walktool.positions import projected_positions, wkt_positions
from walktool.protocol import PERCEPTION
from walktool.readers._base import submission_roots
from walktool.values import parse_coordinate, parse_geopoint, periods_of

_TEXT_PARTS = frozenset({"item", "principle", "answer", "answer_raw", "choice_severity", "obs_id"})

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from walktool.protocol import Protocol
    from walktool.readers import RawTable

def _severity_without_problem(out: pd.DataFrame, severity: pd.Series, protocol: Protocol, col: Any, column: str | None) -> None:
    """``severity-without-problem``: a severity on an answer that is not a problem, or on a comment saying nothing is wrong."""
    import pandas as pd

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
    col = Collector(raw.file)
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
        return nothing_understood(raw, ctx, col, headers, plan, roots)

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
        submission[missing_sub] = [f"row:{stable_hash(raw.file.rsplit('/', 1)[-1], c)}" for c in content]

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
        parsed = unique_map(gp[use_cols], parse_geopoint)
        lat_raw = lat_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None,))[0] is None else str(parsed[v][0])))
        lon_raw = lon_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None, None))[1] is None else str(parsed[v][1])))
        acc_raw = acc_raw.where(~use_cols, gp.map(lambda v: "" if parsed.get(v, (None, None, None))[2] is None else str(parsed[v][2])))
        bad_gp = use_cols & gp.ne("") & lat_raw.eq("")
        for idx in frame.index[bad_gp]:
            col.add("bad-coordinates", f"{gp.at[idx]!r} is not a position (expected 'lat lon' in decimal degrees); the row is placed by its station", "warning", rec.at[idx, "row"], sheet.at[idx], by_role["geopoint"], gp.at[idx])
    coord_map = unique_map(pd.concat([lat_raw, lon_raw, acc_raw]), parse_coordinate)
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
    zones = unique_map(zone_raw[zone_raw.ne("")], protocol.zones.match)
    rec["zone"] = zone_raw.map(lambda v: zones.get(v)).astype(object)
    for idx in frame.index[zone_raw.ne("") & rec["zone"].isna()]:
        col.add("unknown-zone", f"zone {zone_raw.at[idx]!r} not understood; use one of {', '.join(c.value for c in protocol.zones.choices)} (or their French names)", "warning", rec.at[idx, "row"], sheet.at[idx], by_role.get("zone"), zone_raw.at[idx])

    tz = ZoneInfo(ctx.timezone)
    utc_zone = ZoneInfo("UTC")
    # one parse per distinct (reader time, date-time, date, time) combination
    # (as tuples: a cell may hold any character, so no joined text is split again)
    combo = pd.MultiIndex.from_arrays([reserved("__time"), column("datetime"), column("date"), column("time")])
    codes, combos = combo.factorize()
    u_when: list[datetime | None] = []
    u_timed: list[bool] = []
    u_bad: list[list[tuple[str, str]]] = []
    for a, b, c, d in combos:
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
    periods = unique_map(period_raw[period_raw.ne("")], protocol.periods.match)
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
        period.iloc[need] = periods_of(moments[need], p_lat[need], p_lon[need])
    rec["period"] = period

    # -- people, walks -------------------------------------------------------------
    observer = column("observer")
    device = reserved("__device")
    who = observer.where(observer.ne(""), device)
    salt = ctx.salt
    pseudo = unique_map(who[who.ne("")], lambda v: pseudonym(v, salt))
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
        long["item"] = lookup(long["column"], {c: r.target for c, r in item_cols.items()})
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
        items_found = unique_map(item_raw[item_raw.ne("")], protocol.match_item)
        principles_found = unique_map(pd.concat([principle_raw, item_raw])[lambda s: s.ne("")], protocol.match_principle)
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
            # the distinct (item, answer) pairs, by codes (no joined text per row)
            icodes, iuniq = pd.factorize(obs["item"].iloc[implicit], use_na_sentinel=False)
            acodes, auniq = pd.factorize(obs["answer_raw"].iloc[implicit], use_na_sentinel=False)
            width = len(auniq) + 1
            pcodes, pair_keys = pd.factorize(icodes.astype("int64") * width + acodes)
            iwords, awords = [str(v) for v in iuniq.tolist()], [str(v) for v in auniq.tolist()]
            pairs = [f"{iwords[k // width]}\x1f{awords[k % width]}" for k in pair_keys.tolist()]
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
    obs = obs.assign(answer=objects(values, obs.index), score=scores, is_na=nas, choice_severity=objects(choice_sev, obs.index))
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
        obs = obs[reject.to_numpy(dtype=object)[frame.index.get_indexer(obs["rec"])] == ""]
    obs = obs.reset_index(drop=True)
    if "principle" not in obs.columns:
        obs["principle"] = None
    item_principle = {i.key: i.principle for i in protocol.items}
    obs["principle"] = obs["principle"].where(obs["principle"].notna(), lookup(obs["item"], item_principle))
    # ids and order on the narrow frame, so that the wide one is built once, already in order:
    # obs_id = stable_hash(submission, item or "principle:<key>", n-th time in the submission)
    key_part = obs["item"].astype(object)
    no_item = key_part.isna().to_numpy()
    if no_item.any():
        key_part[no_item] = ["principle:" + (p if isinstance(p, str) else "") for p in obs["principle"].to_numpy(dtype=object)[no_item]]
    subs = submission.loc[obs["rec"]].to_numpy(dtype=object) if len(obs) else np.empty(0, dtype=object)
    occurrence = pd.DataFrame({"s": subs, "k": key_part.to_numpy(dtype=object)}).groupby(["s", "k"]).cumcount()
    id_numbers = observation_ids(subs, key_part.to_numpy(dtype=object), occurrence.to_numpy())
    rows_of_obs = rec["row"].to_numpy()[frame.index.get_indexer(obs["rec"])] if len(obs) else np.empty(0, dtype=int)
    # by source row, then id (the numbers sort as the hex ids do)
    order = np.lexsort((id_numbers, rows_of_obs))
    obs = obs.take(order).reset_index(drop=True)
    obs["obs_id"] = objects(hex_ids(id_numbers[order]), obs.index)
    as_objects(rec)  # replicated below: share one Python object per record, not one per cell
    out = rec.loc[obs["rec"]].reset_index(drop=True) if len(obs) else rec.iloc[0:0].reset_index(drop=True)
    for c in ("item", "principle", "answer", "answer_raw", "score", "is_na", "explicit", "choice_severity", "rec", "obs_id"):
        values = obs[c].to_numpy() if len(obs) else []
        out[c] = objects(values, out.index) if c in _TEXT_PARTS else values
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
    sev_map = {k: v for k, v in unique_map(sev_text[sev_text.ne("")], protocol.severities.match).items() if v is not None}
    severity = lookup(sev_text, sev_map)
    bad_sev = sev_text.fillna("").ne("") & severity.isna()
    for i in out.index[bad_sev]:
        col.add("unknown-severity", f"severity {sev_text.at[i]!r} not understood; use low/faible, medium/moyenne, high/élevée or critical/critique (the default severity was used)", "warning", out.at[i, "row"], out.at[i, "sheet"], by_role.get("severity"), sev_text.at[i])
    default_sev = lookup(out["item"], {i.key: i.severity for i in protocol.items})
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
    as_objects(out)
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

