"""The cubes of :mod:`walktool.summary_sql` from the answers read column-wise (a GeoPackage store).

The same figures as the SQL of :meth:`walktool.store.aggregates.SQLAggregates.cube`
(a test holds them equal): every answer scored as there (rescored by the rules, or as
imported), then counted per group of integer codes instead of text keys sorted by
SQLite.  :func:`scored_answers` is shared with :mod:`walktool.recommend`, which counts
the same answers per station zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from walktool.store.answer_columns import AnswerColumns
    from walktool.summary_sql import Cubes

PLACE = ["station_id", "zone", "period"]
PEOPLE = ["participant", "period"]


@dataclass
class Scored:
    """Every answer scored: the columns :meth:`SQLAggregates._answers` computes, one entry per answer."""

    read: AnswerColumns
    principle: pd.Categorical
    item: pd.Categorical
    answer: pd.Categorical
    score: np.ndarray  # float, NaN where none
    na: np.ndarray
    scored: np.ndarray
    problem: np.ndarray
    severity: pd.Categorical
    at_station: np.ndarray  # the answer's stop is at a station


def _categorical(values: Any) -> pd.Categorical:
    """An Arrow text column as a pandas Categorical (dictionary-encoded, missing as code -1)."""
    import pandas as pd
    import pyarrow as pa

    encoded = values.dictionary_encode() if not pa.types.is_dictionary(values.type) else values
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks() if encoded.num_chunks != 1 else encoded.chunk(0)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.unify_dictionaries().combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype("int32")
    return pd.Categorical.from_codes(codes, categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object))


def scored_answers(
    read: AnswerColumns, rules: list[tuple[str, str, float | None, bool]], items: list[tuple[str, bool, str | None]],
    problem_below: float, *, rescore: bool,
) -> Scored:
    """Score every answer as :meth:`walktool.store.aggregates.SQLAggregates.scoring` does in SQL.

    ``rules``: (item, answer) → score, not applicable; ``items``: item → scored, default
    severity.  Without ``rescore`` each answer keeps its imported score, flag and severity.
    """
    import numpy as np
    import pandas as pd

    a = read.answers
    principle, item, answer = _categorical(a["principle"]), _categorical(a["item"]), _categorical(a["answer"])
    stored_score = a["score"].to_numpy(zero_copy_only=False).astype(float)
    stored_na = a["is_na"].fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    stored_problem = a["is_problem"].fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    severity = _categorical(a["severity"])
    item_codes = np.asarray(item.codes)
    known = {key: (scored, sev) for key, scored, sev in items}
    cats = list(item.categories)
    scored_of = np.array([bool(known.get(k, (False, None))[0]) for k in cats] + [False], dtype=bool)
    scored = scored_of[item_codes]  # code -1 takes the last entry: no item, not scored
    if not rescore:
        score, na, problem = stored_score, stored_na, stored_problem
    else:
        answer_codes = np.asarray(answer.codes)
        answered = (answer_codes >= 0) & (item_codes >= 0)
        table_score = np.full((len(cats) + 1, len(answer.categories) + 1), np.nan)
        table_na = np.zeros(table_score.shape, dtype=bool)
        item_at = {k: n for n, k in enumerate(cats)}
        answer_at = {k: n for n, k in enumerate(answer.categories)}
        for key, text, value, is_na in rules:
            i, j = item_at.get(key), answer_at.get(text)
            if i is not None and j is not None:
                table_score[i, j] = np.nan if value is None else value
                table_na[i, j] = bool(is_na)
        rule_score, rule_na = table_score[item_codes, answer_codes], table_na[item_codes, answer_codes]
        score = np.where(answered, rule_score, stored_score)
        na = np.where(answered, rule_na, stored_na)
        with np.errstate(invalid="ignore"):
            problem = (scored & (score < problem_below)) | (stored_problem & ~answered)
        # a severity where none was stored: the item's default, else medium
        defaults = [known.get(k, (False, None))[1] or "medium" for k in cats]
        fill = np.array([*defaults, "medium"], dtype=object)[item_codes]
        stored = np.asarray(severity.astype(object))
        severity = pd.Categorical(np.where(pd.isna(stored), fill, stored))
    station = read.stops["station_id"].notna().to_numpy()
    return Scored(read, principle, item, answer, score, na, scored, problem, severity, station[read.at])


def _stop_keys(read: AnswerColumns, keys: list[str], rows: np.ndarray) -> dict[str, pd.Categorical]:
    """Stop columns ``keys`` for the answers at ``rows``, as Categoricals (each stop's value once)."""
    import pandas as pd

    out = {}
    at = read.at[rows]
    for key in keys:
        codes, uniques = pd.factorize(read.stops[key], use_na_sentinel=True)
        out[key] = pd.Categorical.from_codes(codes[at], categories=pd.Index(uniques, dtype=object))
    return out


def _group(columns: dict[str, Any], measures: dict[str, tuple[str, str]], names: list[str]) -> pd.DataFrame:
    """Group ``columns`` (Categoricals, and the measured ``_v``) by their keys; missing keys as None (as SQL's GROUP BY).

    The keys' codes are combined into one integer per answer and counted with
    :func:`numpy.bincount`: ``size`` (answers), ``sum`` and ``count`` (of the non-missing ``_v``).
    """
    import numpy as np
    import pandas as pd

    keys = [c for c in columns if c != "_v"]
    values = np.asarray(columns["_v"], dtype=float)
    if not len(values):
        return pd.DataFrame(columns=names)
    codes, dims, cats = [], [], []
    for key in keys:
        cat = columns[key]
        code = np.asarray(cat.codes).astype("int64")
        codes.append(np.where(code < 0, len(cat.categories), code))  # missing: one more code
        dims.append(len(cat.categories) + 1)
        cats.append(np.array([*cat.categories, None], dtype=object))
    if float(np.prod(np.array(dims, dtype=float))) >= 2.0**62:  # too many combinations for one integer: pandas groups them
        frame = pd.DataFrame(columns)
        out = frame.groupby(keys, observed=True, dropna=False, sort=True).agg(**measures).reset_index()
        for key in keys:
            out[key] = out[key].astype(object).where(out[key].notna(), None)
        out.columns = names
        return out
    flat = np.ravel_multi_index(codes, dims)
    present = ~np.isnan(values)
    weights = np.where(present, values, 0.0)
    cells = int(np.prod(np.array(dims, dtype=float)))
    if cells <= max(4 * len(flat), 1 << 16):  # few enough combinations: count straight into them, no sort
        size = np.bincount(flat, minlength=cells)
        groups = np.flatnonzero(size)
        total = np.bincount(flat, weights=weights, minlength=cells)[groups]
        count = np.bincount(flat, weights=present, minlength=cells)[groups]
        size = size[groups]
    else:  # sparse combinations: number the ones present (sorted, as above)
        groups, inverse = np.unique(flat, return_inverse=True)
        size = np.bincount(inverse)
        total = np.bincount(inverse, weights=weights)
        count = np.bincount(inverse, weights=present)
    results = {"size": size.astype("int64"), "sum": total, "count": count.astype("int64")}
    data: dict[str, Any] = {key: cats[n][part] for n, (key, part) in enumerate(zip(keys, np.unravel_index(groups, dims), strict=True))}
    for name, (_, how) in measures.items():
        data[name] = results[how]
    out = pd.DataFrame(data)
    out.columns = names
    return out


def cubes(read: AnswerColumns, s: Scored) -> Cubes:
    """The :class:`walktool.summary_sql.Cubes` (without ``stops``' walk keys) from scored answers."""
    import numpy as np

    from walktool.summary_sql import Cubes

    station = s.at_station
    ok = station & s.scored & ~np.isnan(s.score) & ~s.na
    rows = np.flatnonzero(ok)
    score = s.score[rows]

    def scores_by(keys: list[str]) -> pd.DataFrame:
        cols = {**_stop_keys(read, keys, rows), "principle": s.principle[rows], "item": s.item[rows], "_v": score}
        return _group(cols, {"n": ("_v", "size"), "total": ("_v", "sum")}, [*keys, "principle", "item", "n", "total"])

    found_rows = np.flatnonzero(station & s.problem)
    found = _group(
        {**_stop_keys(read, ["station_id", "zone"], found_rows), "principle": s.principle[found_rows],
         "severity": s.severity[found_rows], "_v": np.ones(len(found_rows))},
        {"n": ("_v", "size")}, ["station_id", "zone", "principle", "severity", "n"],
    )
    feel_rows = np.flatnonzero(station & np.isin(np.asarray(s.item.astype(object)), ["feeling", "alone_at_night"]))
    feel_score = s.score[feel_rows]

    def feel_by(keys: list[str]) -> pd.DataFrame:
        cols = {**_stop_keys(read, keys, feel_rows), "item": s.item[feel_rows], "answer": s.answer[feel_rows], "_v": feel_score}
        measures = {"n": ("_v", "size"), "total": ("_v", "sum"), "scored": ("_v", "count")}
        out = _group(cols, measures, [*keys, "item", "answer", "n", "total", "scored"])
        out["total"] = out["total"].where(out["scored"] > 0)  # SQL's SUM of no score is NULL
        return out

    return Cubes(
        stops=station_stops(read),
        places=_typed(scores_by(PLACE)), people=_typed(scores_by(PEOPLE)), found=_typed(found),
        feel=_typed(feel_by(PLACE)), feel_people=_typed(feel_by(PEOPLE)),
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("n", "scored"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    if "total" in frame:
        frame["total"] = frame["total"].astype(float)
    return frame


def station_stops(read: AnswerColumns) -> pd.DataFrame:
    """:meth:`SQLAggregates.station_stops` from the columns: stops at a station, by first answer, with their answer count."""
    import numpy as np

    counts = np.bincount(read.at, minlength=len(read.stops))
    first = np.full(len(read.stops), np.iinfo("int64").max)
    seen, where = np.unique(read.at, return_index=True)  # answers come in fid order
    first[seen] = where
    stops = read.stops.assign(answers=counts.astype("int64"), _first=first)
    stops = stops[stops["station_id"].notna()].sort_values("_first", kind="stable")
    from walktool.summary_sql import _STOPS

    return stops[_STOPS].reset_index(drop=True)


FINDING_COLUMNS = ["obs_id", "comment", "photo"]


def findings_and_answered(
    store: Any, campaign: str | None, protocol: Any, *, rescored: bool,
    stop_columns: tuple[str, ...] = (), answer_columns: tuple[str, ...] = (), at_station: bool = True,
) -> tuple[pd.DataFrame, pd.Series]:
    """What :func:`walktool.recommend.build_recommendations` needs, from one column-wise read.

    Returns the findings at a station (the observation columns it uses, ``walk_key``
    included, in store order) and :func:`walktool.recommend.answered_counts` of every
    answer, without building a frame of the answers.  ``stop_columns`` and
    ``answer_columns`` add columns to the findings (the map's ``lat``, ``lon``,
    ``local_time``, ``answer``); ``at_station`` False keeps the findings made away from
    any station too.
    """
    import numpy as np
    import pandas as pd

    from walktool.station_scores import scoring_rules
    from walktool.store.answer_columns import ANSWER_COLUMNS
    from walktool.store.answer_columns import answer_columns as read_columns
    from walktool.walks import walk_keys

    read = read_columns(store, campaign, [*ANSWER_COLUMNS, *FINDING_COLUMNS], list(stop_columns))
    rules = scoring_rules(store.answer_pairs(campaign), protocol) if rescored else []
    items = [(i.key, bool(i.scored), i.severity) for i in protocol.items]
    s = scored_answers(read, rules, items, protocol.problem_below, rescore=rescored)
    stops = read.stops
    if campaign is None and len(stops):
        stops = stops.assign(campaign=stops["campaign"].fillna("default"))
    walk = walk_keys(stops).to_numpy(dtype=object) if len(stops) else np.array([], dtype=object)
    rows = np.flatnonzero(s.problem & s.at_station if at_station else s.problem)
    at = read.at[rows]
    picked = read.answers.select(FINDING_COLUMNS).take(pd.Index(rows).to_numpy()).to_pandas()
    found = pd.DataFrame({
        "obs_id": picked["obs_id"].astype(object),
        **{c: stops[c].to_numpy(dtype=object)[at] for c in ("station_id", "station_name", "zone", "period", "participant")},
        "walk_key": walk[at],
        "principle": np.asarray(s.principle.astype(object))[rows],
        "item": np.asarray(s.item.astype(object))[rows],
        "severity": np.asarray(s.severity.astype(object))[rows],
        "is_problem": True,
        "comment": picked["comment"].astype(object),
        "photo": picked["photo"].astype(object),
        **{c: stops[c].to_numpy()[at] for c in stop_columns},
    })
    for name in answer_columns:  # the answer's own text columns
        found[name] = np.asarray(getattr(s, name).astype(object))[rows] if name == "answer" else None
    return found, answered(read, s)


def answered(read: AnswerColumns, s: Scored) -> pd.Series:
    """:func:`walktool.recommend.answered_counts` from the columns: distinct participants per station zone × target."""
    import numpy as np
    import pandas as pd

    rows = np.flatnonzero(s.at_station & ~s.na)
    at = read.at[rows]
    station, stations = pd.factorize(read.stops["station_id"])
    zone, zones = pd.factorize(read.stops["zone"].fillna(""))
    who, _ = pd.factorize(read.stops["participant"].fillna("anonymous"))
    parts = []
    for codes, names in ((np.asarray(s.item.codes)[rows], list(s.item.categories)),
                         (np.asarray(s.principle.codes)[rows], ["principle:" + str(p) for p in s.principle.categories])):
        keep = codes >= 0
        frame = pd.DataFrame({"s": station[at][keep], "z": zone[at][keep], "t": codes[keep], "w": who[at][keep]})
        counts = frame.drop_duplicates().groupby(["s", "z", "t"], sort=False).size()
        s_i, z_i, t_i = (counts.index.get_level_values(n).to_numpy() for n in ("s", "z", "t"))
        parts.append(pd.Series(counts.to_numpy(), index=pd.MultiIndex.from_arrays(
            [np.asarray(stations, dtype=object)[s_i], np.asarray(zones, dtype=object)[z_i], np.asarray(names, dtype=object)[t_i]],
            names=["station_id", "_zone", "_target"])))
    return pd.concat(parts).rename("_who")
