"""Property: whatever mix of good and bad rows a findings table holds, nothing is lost or duplicated."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import walktool
from walktool.ingest import import_files
from walktool.stations import builtin_stations
from walktool.textnorm import strip_accents

HEADER = ["Gare", "Zone", "Élément", "Réponse", "Latitude", "Longitude"]
ZONES = ["quai", "Quai", "mezzanine", "édicule", "couloir", "escaliers", "platform", "hall", "correspondance", ""]
YES_NO_ITEMS = ["sign_exits", "dark_corners", "sightline_clear", "staff_visible", "cctv_visible", "offensive_graffiti", "Coins sombres", "graffitis"]
GOOD_ANSWERS = ["oui", "Non", "OUI", "non", ""]
UNKNOWN_STATIONS = ["Qwxz Plorp", "Gare Fantôme Zzz", "Zzyzx"]


@lru_cache(maxsize=1)
def station_names() -> list[str]:
    return sorted(builtin_stations().stations["name"])


def spell(name: str, how: int) -> str:
    """A sloppy but unambiguous spelling of a station name."""
    variants = [name, name.upper(), name.lower(), strip_accents(name), strip_accents(name).lower().replace("-", " "), name.replace("-", " ")]
    return variants[how % len(variants)]


# a row is (kind, cells); kind "good" must be accepted, every other kind rejected
good_row = st.builds(
    lambda name, how, zone, item, answer: ("good", [spell(name, how), zone, item, answer, "", ""]),
    st.sampled_from(station_names()), st.integers(0, 5), st.sampled_from(ZONES), st.sampled_from(YES_NO_ITEMS), st.sampled_from(GOOD_ANSWERS),
)
unknown_station_row = st.builds(
    lambda name, item: ("unknown-station", [name, "quai", item, "", "", ""]),
    st.sampled_from(UNKNOWN_STATIONS), st.sampled_from(YES_NO_ITEMS),
)
unknown_item_row = st.builds(
    lambda name, item: ("unknown-item", [name, "quai", item, "", "", ""]),
    st.sampled_from(station_names()), st.sampled_from(["zorglub", "poubelle licorne", "xyz-42"]),
)
outside_row = st.builds(
    lambda name, pos: ("outside-study-area", [name, "quai", "dark_corners", "oui", pos[0], pos[1]]),
    st.sampled_from(station_names()), st.sampled_from([("48,8566", "2,3522"), ("10.0", "10.0"), ("-33.86", "151.2"), ("46,8139", "-71,2080")]),
)
garbage_answer_row = st.builds(
    lambda name, item, answer: ("no-answers", [name, "quai", item, answer, "", ""]),
    st.sampled_from(station_names()), st.sampled_from(["sign_exits", "dark_corners", "staff_visible"]), st.sampled_from(["peut-être bof", "???", "42 licornes"]),
)
rows_strategy = st.lists(
    st.one_of(good_row, good_row, unknown_station_row, unknown_item_row, outside_row, garbage_answer_row),
    min_size=1,
    max_size=25,
)


def _stored(project: walktool.Project, table: str, key: str) -> pd.DataFrame:
    frame = project.store.read(table)
    return frame.drop(columns=["import_id"]).sort_values(key).reset_index(drop=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, sep=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_rows_are_accepted_or_rejected_and_reimport_changes_nothing(
    rows: list[tuple[str, list[str]]],
    sep: str,
    encoding: str,
    tmp_path_factory: pytest.TempPathFactory,
    write_csv: Callable[..., Path],
) -> None:
    base = tmp_path_factory.mktemp("prop")
    project = walktool.init_project(base / "proj")
    try:
        path = write_csv(base / "constats.csv", [HEADER, *[cells for _, cells in rows]], sep=sep, encoding=encoding)

        first = import_files(project, [path], fmt="findings-table")
        (report,) = first.files
        assert report.error is None, report.error
        assert report.rows == len(rows)
        assert report.rows == report.accepted + report.rejected
        expected_good = sum(1 for kind, _ in rows if kind == "good")
        assert report.accepted == expected_good
        assert report.rejected == len(rows) - expected_good
        rejected_codes = sorted(i.code for i in report.issues if i.level == "error")
        assert rejected_codes == sorted(kind for kind, _ in rows if kind != "good")
        obs = project.store.read("observations")
        assert sorted(set(obs["source_row"].astype(int))) == sorted(n + 2 for n, (kind, _) in enumerate(rows) if kind == "good")
        assert obs["station_id"].notna().all()

        obs1 = _stored(project, "observations", "obs_id")
        issues1 = _stored(project, "issues", "issue_id")
        second = import_files(project, [path], fmt="findings-table")
        assert (second.accepted, second.rejected) == (first.accepted, first.rejected)
        pd.testing.assert_frame_equal(_stored(project, "observations", "obs_id"), obs1)
        pd.testing.assert_frame_equal(_stored(project, "issues", "issue_id"), issues1)
    finally:
        project.close()
