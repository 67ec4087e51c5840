"""Observations by station (walktool.stations.observed): what coverage and the incidents comparison start from."""

from __future__ import annotations

import doctest

import pandas as pd

import walktool.stations.observed
from walktool.stations.observed import at_stations


def _obs() -> pd.DataFrame:
    return pd.DataFrame({
        "obs_id": [1, 2, 3, 4, 5],
        "station_id": ["S2", None, "S1", "S2", "S3"],
        "station_name": ["Monk", None, "Atwater", "Monk", None],
        "item": ["feeling", "feeling", "light_level", "feeling", "feeling"],
    })


def test_placed_observations_and_their_station_names() -> None:
    placed, names = at_stations(_obs())
    assert placed["obs_id"].tolist() == [1, 3, 4, 5]  # the unplaced answer left out, order kept
    assert names.index.tolist() == ["S1", "S2", "S3"]  # id order
    assert names[["S1", "S2"]].tolist() == ["Atwater", "Monk"] and pd.isna(names["S3"])


def test_a_mask_keeps_fewer() -> None:
    obs = _obs()
    placed, names = at_stations(obs, obs["item"].eq("feeling"))
    assert placed["obs_id"].tolist() == [1, 4, 5]
    assert names.index.tolist() == ["S2", "S3"]


def test_no_observations() -> None:
    placed, names = at_stations(pd.DataFrame())
    assert placed.empty and names.empty
    placed, names = at_stations(_obs().iloc[:0])
    assert placed.empty and names.empty


def test_the_docstring_example() -> None:
    assert doctest.testmod(walktool.stations.observed).failed == 0
