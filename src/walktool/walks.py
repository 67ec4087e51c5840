"""Walk identity: which observations one group made together on one outing.

A **walk** is what the sheets say it is: a walk column, ``walktool import --walk ID``
or a ``walks/ID/walk.yaml`` file give the walk id, and every observation carrying it
belongs to that walk, whatever the hour, the date or the sun.

Without a walk id (a facilitator's findings table, a bare Kobo export), the walk is
derived when observations are loaded, never stored:

1. an undeclared observation made while exactly one declared walk of the same campaign
   was under way (between its first and last observation, give or take
   :data:`WALK_GAP`) belongs to that walk;
2. the others are grouped by campaign and by **time gaps**: sorted by time, a new walk
   starts whenever :data:`WALK_GAP` (two hours) passes with no observation. A group on
   an outing submits every few minutes and rarely pauses two hours; two outings of one
   campaign are rarely closer. A walk that crosses sunset, or midnight, stays one walk;
   two walks of one evening at the same time (parallel groups) need a walk column;
3. an observation with a date but no time of day (stored at noon, ``12:00:00``) joins
   the walk of that campaign and date when there is exactly one, else the day's
   untimed walk; an observation with no date joins its campaign's ``undated`` walk.

A derived walk is named ``<campaign>:<local date of its first observation> <HH:MM>``
(``:<date> untimed``, ``:undated``). Day and night stay a property of each
observation (``period``).

Stores written by walktool 0.1 hold walk ids invented at import as
``<local date>-<period>`` (``2023-11-14-night``). Those are not what a sheet said:
an id equal to its own row's ``local_time[:10] + "-" + period`` is read as no walk id,
so old projects get this rule without re-importing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

WALK_GAP = timedelta(hours=2)
"""Longest pause between two observations of one walk (derived walks only)."""

_UNTIMED_CLOCK = "12:00:00"


def declared_walk_ids(obs: pd.DataFrame) -> pd.Series:
    """The walk ids the sheets gave: ``walk_id``, with ids invented by walktool 0.1 read as None."""
    import pandas as pd

    if "walk_id" not in obs:
        return pd.Series(None, index=obs.index, dtype=object)
    walk = obs["walk_id"].astype(object)
    walk = walk.where(walk.notna() & walk.astype(str).str.strip().ne(""), None)
    if "local_time" in obs:
        day = obs["local_time"].astype(object).where(obs["local_time"].notna(), "").astype(str).str.slice(0, 10)
        period = obs["period"].astype(object).where(obs["period"].notna(), "").astype(str) if "period" in obs else ""
        legacy = walk.notna() & day.ne("") & walk.astype(str).eq(day + "-" + period)
        walk = walk.where(~legacy, None)
    return walk


def walk_keys(obs: pd.DataFrame, *, gap: timedelta = WALK_GAP) -> pd.Series:
    """The walk of every observation: its declared walk id, else a derived one (module docstring).

    Parameters
    ----------
    obs
        Observations with ``walk_id``, ``campaign``, ``observed_at`` (UTC ISO text) and
        ``local_time`` (local ISO text with offset); missing columns are treated as empty.
    gap
        Longest pause within one derived walk.

    Returns
    -------
    pandas.Series
        Walk keys (text), aligned on ``obs.index``.
    """
    import numpy as np
    import pandas as pd

    declared = declared_walk_ids(obs)
    keys = declared.copy()
    todo = declared.isna()
    if not todo.any():
        return keys.astype(object)
    campaign = (obs["campaign"] if "campaign" in obs else pd.Series(None, index=obs.index)).astype(object)
    campaign = campaign.where(campaign.notna(), "default").astype(str)
    local = (obs["local_time"] if "local_time" in obs else pd.Series(None, index=obs.index)).astype(object)
    local = local.where(local.notna(), "").astype(str)
    utc_text = (obs["observed_at"] if "observed_at" in obs else pd.Series(None, index=obs.index)).astype(object)
    when = pd.to_datetime(utc_text.where(utc_text.notna(), None), utc=True, errors="coerce", format="ISO8601")
    when = when.where(local.ne(""))  # a time without its local date cannot be placed
    untimed = local.str.slice(11, 19).eq(_UNTIMED_CLOCK)
    timed = when.notna() & ~untimed
    gap_ns = np.int64(gap.total_seconds() * 1e9)

    # 1. undeclared observations made during exactly one declared walk of their campaign
    if declared.notna().any():
        spans = pd.DataFrame({"walk": declared, "campaign": campaign, "t": when})[declared.notna() & timed]
        spans = spans.groupby(["campaign", "walk"], sort=False)["t"].agg(["min", "max"]).reset_index()
        loose = pd.DataFrame({"campaign": campaign, "t": when})[todo & timed]
        for name, walks in spans.groupby("campaign", sort=False):
            rows = loose[loose["campaign"] == name]
            if rows.empty:
                continue
            t = rows["t"].to_numpy(dtype="datetime64[ns]").astype("int64")[:, None]
            lo = walks["min"].to_numpy(dtype="datetime64[ns]").astype("int64")[None, :] - gap_ns
            hi = walks["max"].to_numpy(dtype="datetime64[ns]").astype("int64")[None, :] + gap_ns
            inside = (t >= lo) & (t <= hi)
            one = inside.sum(axis=1) == 1
            if one.any():
                pick = walks["walk"].to_numpy(dtype=object)[inside[one].argmax(axis=1)]
                keys.loc[rows.index[one]] = pick
        todo = keys.isna()

    # 2. the rest, by time gaps within each campaign
    frame = pd.DataFrame({"campaign": campaign, "t": when, "local": local})[todo & timed]
    if len(frame):
        frame = frame.sort_values(["campaign", "t"], kind="stable")
        t_ns = frame["t"].to_numpy(dtype="datetime64[ns]").astype("int64")
        same_campaign = frame["campaign"].to_numpy() == np.roll(frame["campaign"].to_numpy(), 1)
        step = np.diff(t_ns, prepend=t_ns[0])
        starts = ~same_campaign | (step > gap_ns)
        starts[0] = True
        group = np.cumsum(starts)
        first_local = pd.Series(frame["local"].to_numpy()[starts], index=np.arange(1, group[-1] + 1))
        label = frame["campaign"].to_numpy() + ":" + first_local.str.slice(0, 10).to_numpy()[group - 1] + " " + first_local.str.slice(11, 16).to_numpy()[group - 1]
        keys.loc[frame.index] = label
        todo = keys.isna()

    # 3. a date without a time: the day's only walk, else the day's untimed walk; no date: undated
    if todo.any():
        day = local.str.slice(0, 10)
        derived = pd.DataFrame({"campaign": campaign, "day": day, "key": keys})[~todo & keys.notna()]
        # the walks of each campaign and date (a derived walk is dated by its first observation;
        # a declared walk by each of its observations)
        per_day = derived.assign(day=derived["day"].where(derived["day"].ne(""), None)).dropna(subset=["day"])
        per_day = per_day.drop_duplicates(["campaign", "day", "key"])
        counts = per_day.groupby(["campaign", "day"])["key"].agg(["size", "first"])
        undated = todo & day.eq("")
        dated = todo & ~undated
        if dated.any():
            idx = pd.MultiIndex.from_arrays([campaign[dated], day[dated]])
            only = counts.reindex(idx)
            use = (only["size"] == 1).to_numpy()
            fallback = (campaign[dated] + ":" + day[dated] + " untimed").to_numpy(dtype=object)
            keys.loc[dated] = np.where(use, only["first"].to_numpy(dtype=object), fallback)
        keys.loc[undated] = campaign[undated] + ":undated"
    return keys.astype(object)
