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

import re
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

WALK_GAP = timedelta(hours=2)
"""Longest pause between two observations of one walk (derived walks only)."""

_UNTIMED_CLOCK = "12:00:00"


def _text(obs: pd.DataFrame, column: str) -> pd.Series:
    """A column as Python text, ``""`` where missing (or absent)."""
    import pandas as pd

    if column not in obs:
        return pd.Series("", index=obs.index, dtype=object)
    values = obs[column]
    return values.where(values.notna(), "")


_LEGACY = re.compile(r"^\d{4}-\d{2}-\d{2}-(day|night)?$")


def declared_walk_ids(obs: pd.DataFrame) -> pd.Series:
    """The walk ids the sheets gave: ``walk_id``, with ids invented by walktool 0.1 read as None."""
    import pandas as pd

    if "walk_id" not in obs:
        return pd.Series(None, index=obs.index, dtype=object)
    walk = obs["walk_id"].astype(object)
    walk = walk.where(walk.notna() & walk.astype(str).str.strip().ne(""), None)
    shaped = {w for w in walk.dropna().unique() if _LEGACY.match(str(w))}  # few distinct ids: cheap
    if shaped and "local_time" in obs:
        rows = walk.isin(shaped)
        day = _text(obs.loc[rows], "local_time").str.slice(0, 10)
        period = _text(obs.loc[rows], "period")
        legacy = walk[rows].astype(str).eq(day + "-" + period)
        walk.loc[legacy.index[legacy]] = None
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
    keys = declared.astype(object).copy()
    todo = declared.isna().to_numpy()
    if not todo.any():
        return keys
    campaign = _text(obs, "campaign")
    campaign = campaign.where(campaign.ne(""), "default")
    utc, local = _text(obs, "observed_at"), _text(obs, "local_time")
    gap_ns = np.int64(gap.total_seconds() * 1e9)

    def parse(text: pd.Series, local_text: pd.Series) -> np.ndarray:
        when = pd.to_datetime(text.where(text.ne(""), None), utc=True, errors="coerce", format="ISO8601")
        return np.where(local_text.ne("").to_numpy(), when.to_numpy(dtype="datetime64[ns]").astype("int64"), np.iinfo(np.int64).min)

    # the distinct (campaign, time, local time) of the undeclared rows: every submission's
    # answers share them, so the walks are worked out once per submission, not per answer
    loose = pd.DataFrame({"campaign": campaign[todo], "utc": utc[todo], "local": local[todo]})
    codes = loose.groupby(["campaign", "utc", "local"], sort=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    u = loose.iloc[first].reset_index(drop=True)
    t = parse(u["utc"], u["local"])
    missing = np.iinfo(np.int64).min
    untimed = u["local"].str.slice(11, 19).eq(_UNTIMED_CLOCK).to_numpy()
    timed = (t != missing) & ~untimed
    key = np.full(len(u), None, dtype=object)

    # 1. made during exactly one declared walk of their campaign
    named = pd.DataFrame({"campaign": campaign[~todo], "walk": declared[~todo], "utc": utc[~todo], "local": local[~todo]}).drop_duplicates()
    if len(named):
        named["t"] = parse(named["utc"], named["local"])
        named = named[(named["t"] != missing) & ~named["local"].str.slice(11, 19).eq(_UNTIMED_CLOCK)]
        spans = named.groupby(["campaign", "walk"], sort=False)["t"].agg(["min", "max"]).reset_index()
        for name, walks in spans.groupby("campaign", sort=False):
            rows = np.flatnonzero(timed & u["campaign"].eq(name).to_numpy())
            if not len(rows):
                continue
            inside = (t[rows, None] >= walks["min"].to_numpy()[None, :] - gap_ns) & (t[rows, None] <= walks["max"].to_numpy()[None, :] + gap_ns)
            one = inside.sum(axis=1) == 1
            key[rows[one]] = walks["walk"].to_numpy(dtype=object)[inside[one].argmax(axis=1)]

    # 2. the others, by time gaps within each campaign
    rows = np.flatnonzero(timed & pd.isna(key))
    if len(rows):
        order = rows[np.lexsort((t[rows], u["campaign"].to_numpy()[rows]))]
        camp = u["campaign"].to_numpy()[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = (camp[1:] != camp[:-1]) | (np.diff(t[order]) > gap_ns)
        group = np.cumsum(starts) - 1
        first_local = u["local"].to_numpy()[order][starts]
        labels = np.array([f"{c}:{lt[:10]} {lt[11:16]}" for c, lt in zip(camp[starts], first_local, strict=True)], dtype=object)
        key[order] = labels[group]

    # 3. a date without a time: the day's only walk, else the day's untimed walk; no date: undated
    rest = np.flatnonzero(pd.isna(key))
    if len(rest):
        day = u["local"].str.slice(0, 10)
        known = pd.concat(
            [
                pd.DataFrame({"campaign": campaign[~todo], "day": local[~todo].str.slice(0, 10), "key": declared[~todo]}),
                pd.DataFrame({"campaign": u["campaign"], "day": day, "key": key}).iloc[np.flatnonzero(~pd.isna(key))],
            ]
        )
        known = known[known["day"].ne("")].drop_duplicates()
        counts = known.groupby(["campaign", "day"])["key"].agg(["size", "first"])
        for i in rest:
            c, d = u.at[i, "campaign"], day.iat[i]
            if not d:
                key[i] = f"{c}:undated"
            elif (c, d) in counts.index and counts.at[(c, d), "size"] == 1:
                key[i] = counts.at[(c, d), "first"]
            else:
                key[i] = f"{c}:{d} untimed"
    keys.iloc[np.flatnonzero(todo)] = key[codes]
    return keys
