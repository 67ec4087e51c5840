"""Scores: item, principle and station scores with their samples (docs/scoring.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from walktool.protocol import Protocol

from walktool.analysis.base import _PLACE_KEYS, AnalysisError
from walktool.i18n import N_, Phrase


def scored_answers(observations: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """The observations that enter scores: scored items, a score, not N/A."""
    scored_items = [i.key for i in protocol.items if i.scored]
    obs = observations
    return obs[obs["item"].isin(scored_items) & obs["score"].notna() & ~obs["is_na"].astype(bool)]


def sample_sizes(observations: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Observations, participants and walks per group of ``keys``."""
    import pandas as pd

    if not keys:
        return pd.DataFrame(
            {
                "observations": [len(observations)],
                "participants": [observations["participant"].nunique()],
                "walks": [observations["walk_key"].nunique()],
            }
        )
    grouped = observations.groupby(keys, dropna=False)
    return pd.DataFrame(
        {
            "observations": grouped.size(),
            "participants": grouped["participant"].nunique(),
            "walks": grouped["walk_key"].nunique(),
        }
    )


def principle_scores(observations: pd.DataFrame, protocol: Protocol, keys: list[str]) -> pd.DataFrame:
    """Principle scores (0–100) per group of ``keys``: one column per principle, plus ``score``.

    Item score = mean of its answers; principle score = mean of its item scores × 100;
    ``score`` = mean of the principle scores present (equal weight per principle).
    """
    import pandas as pd

    principles = protocol.principle_keys
    answers = scored_answers(observations, protocol)
    if answers.empty:
        cols = [*principles, "score"]
        if not keys:
            return pd.DataFrame([[None] * len(cols)], columns=cols, dtype=float)
        return pd.DataFrame(columns=[*keys, *cols]).set_index(keys)
    return pivot_principles(answers.groupby([*keys, "principle", "item"], dropna=False)["score"].mean(), keys, principles)


def pivot_principles(item: pd.Series, keys: list[str], principles: list[str]) -> pd.DataFrame:
    """Principle scores and ``score`` per group of ``keys`` from the item scores (0–1, indexed ``*keys, principle, item``).

    The one assembly of the rule (principle = mean of its item scores × 100, score = mean of
    the principles present) shared by the row-by-row functions and the SQL cubes
    (:mod:`walktool.summary_sql`, :mod:`walktool.station_scores`).
    """
    import pandas as pd

    principle = item.groupby(level=[*keys, "principle"], dropna=False).mean() * 100
    if keys:
        wide = principle.unstack("principle")
    else:
        wide = principle.to_frame().T
        wide.index = pd.RangeIndex(1)
    wide = wide.reindex(columns=principles)
    wide["score"] = wide[principles].mean(axis=1, skipna=True)
    wide.columns.name = None
    return wide


def scores(observations: pd.DataFrame, protocol: Protocol, by: str = "station") -> pd.DataFrame:
    """A tidy score table: one row per place, principle scores, score, sample sizes, flags.

    Parameters
    ----------
    observations
        Tidy observations (:func:`load_observations`).
    protocol
        The checklist the observations were normalised against.
    by
        ``station``, ``zone`` (station × zone), ``period`` (station × day/night),
        ``stop`` (same as zone) or ``network``.

    Returns
    -------
    pandas.DataFrame
        Columns: the place keys (``station_id``, ``name``, ``zone`` / ``period``),
        ``observations``, ``participants``, ``walks``, one column per principle,
        ``score`` (all 0–100, NaN where nothing was answered), ``low_confidence``.
        Sorted worst first, unscored places last, then by name.
    """

    keys = _PLACE_KEYS.get(by)
    if keys is None:
        msg = Phrase(N_("unknown grouping {by!r}; use one of {PLACE_KEYS}"), by=by, PLACE_KEYS=', '.join(_PLACE_KEYS))
        raise AnalysisError(msg)
    names = None
    if "station_id" in keys:
        names = observations.dropna(subset=["station_id"]).drop_duplicates("station_id").set_index("station_id")["station_name"]
    return score_table(sample_sizes(observations, keys), principle_scores(observations, protocol, keys), keys, names, protocol)


def score_table(
    sizes: pd.DataFrame, principles: pd.DataFrame, keys: list[str], names: pd.Series | None, protocol: Protocol
) -> pd.DataFrame:
    """The table of :func:`scores` from its parts: sample sizes and principle scores by ``keys``, station names."""
    table = sizes.join(principles, how="left")
    table = table.reset_index() if keys else table.reset_index(drop=True)
    if names is not None:
        table.insert(1, "name", table["station_id"].map(names))
    table["low_confidence"] = table["participants"] < protocol.low_confidence_participants
    for col in ("observations", "participants", "walks"):
        table[col] = table[col].astype(int)
    order = ["name", *[k for k in keys if k != "station_id"]] if "station_id" in keys else keys
    table = table.assign(_unscored=table["score"].isna()).sort_values(
        ["_unscored", "score", *order], na_position="last", kind="stable"
    )
    return table.drop(columns="_unscored").reset_index(drop=True).pipe(_no_pd_na)


def _no_pd_na(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None).infer_objects() if len(frame) else frame


def _num(value: Any) -> float | None:
    """A JSON-friendly rounded number, None for missing."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number:  # NaN
        return None
    return round(number, 2)
