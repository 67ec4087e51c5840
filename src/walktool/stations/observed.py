"""Observations by station: the answers placed at a station, and each station's name as they carry it.

Import places an observation at a station (``station_id`` and ``station_name``, from
the sheet's station name or its position) or leaves it unplaced.  What is counted per
station (coverage per zone and period, perceived insecurity beside recorded incidents)
starts from the placed answers and names each station as the answers do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def at_stations(observations: pd.DataFrame, where: pd.Series | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The observations placed at a station, and station id → name.

    Parameters
    ----------
    observations
        Observations as :func:`walktool.analysis.load_observations` gives them
        (``station_id`` and ``station_name`` columns; an empty frame may have none).
    where
        A boolean mask on ``observations`` to keep as well (e.g. the ``feeling``
        answers of one period); None keeps every placed observation.

    Returns
    -------
    tuple[pandas.DataFrame, pandas.Series]
        The placed observations (in their order), and each of their stations' name
        (the first their observations give) indexed by ``station_id`` in id order.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"station_id": ["S2", None, "S1", "S2"], "station_name": ["Monk", None, "Atwater", "Monk"]})
    >>> placed, names = at_stations(obs)
    >>> len(placed), names.to_dict()
    (3, {'S1': 'Atwater', 'S2': 'Monk'})
    """
    import pandas as pd

    if not len(observations):
        return observations, pd.Series(dtype=object, name="station_name")
    keep = observations["station_id"].notna()
    if where is not None:
        keep &= where
    placed = observations[keep]
    return placed, placed.groupby("station_id", sort=True)["station_name"].first()
