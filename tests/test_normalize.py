"""Normalisation: raw records → observations placed in stations and zones, with every problem reported."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd
import pytest

from walktool.normalize import (
    OBSERVATION_COLUMNS,
    Context,
    NormalizedTable,
    normalize_table,
    pseudonym,
)
from walktool.protocol import Protocol, default_protocol_path, load_protocol
from walktool.readers import RawTable
from walktool.stations import StationLayer, builtin_stations

STUDY_AREA = (-73.97, 45.40, -73.47, 45.72)
BERRI = (45.514852, -73.560106)
MCGILL = (45.504137, -73.571793)
JOLICOEUR = (45.456783, -73.581991)


@lru_cache(maxsize=1)
def _protocol() -> Protocol:
    return load_protocol(default_protocol_path())


@lru_cache(maxsize=1)
def _layer() -> StationLayer:
    return builtin_stations()


def ctx(**overrides: object) -> Context:
    args: dict[str, object] = {
        "protocol": _protocol(),
        "layer": _layer(),
        "timezone": "America/Montreal",
        "radius_m": 250.0,
        "study_area": STUDY_AREA,
        "salt": "s",
    }
    args.update(overrides)
    return Context(**args)  # type: ignore[arg-type]


def raw(header: Sequence[str], *rows: Sequence[str], fmt: str = "findings-table", file: str = "constats.csv") -> RawTable:
    """A raw table as a findings reader returns it: text cells plus ``__row`` (header on line 1)."""
    frame = pd.DataFrame([list(r) for r in rows], columns=list(header), dtype=object).fillna("")
    frame["__row"] = list(range(2, len(rows) + 2))
    return RawTable(fmt, file, frame)


def run(header: Sequence[str], *rows: Sequence[str], **ctx_overrides: object) -> NormalizedTable:
    nt = normalize_table(raw(header, *rows), ctx(**ctx_overrides))
    assert nt.rows == len(rows)
    assert nt.rows == nt.accepted + nt.rejected
    assert list(nt.observations.columns) == OBSERVATION_COLUMNS
    return nt


def codes(nt: NormalizedTable, level: str | None = None) -> list[str]:
    return [i.code for i in nt.issues if level is None or i.level == level]


def issue(nt: NormalizedTable, code: str) -> object:
    found = [i for i in nt.issues if i.code == code]
    assert found, f"no {code} issue in {[(i.code, i.message) for i in nt.issues]}"
    return found[0]


def one(nt: NormalizedTable, **where: object) -> pd.Series:
    obs = nt.observations
    mask = pd.Series(True, index=obs.index)
    for k, v in where.items():
        mask &= obs[k].eq(v)
    picked = obs[mask]
    assert len(picked) == 1, f"{len(picked)} observations match {where}:\n{obs.to_string()}"
    return picked.iloc[0]


# -- answers ----------------------------------------------------------------------


def test_yes_no_na_answers_go_through_the_vocabulary() -> None:
    nt = run(
        ["station", "zone", "sign_exits", "sign_station_map", "shops_open"],
        ["Berri-UQAM", "quai", "Oui", "non", "S.O."],
    )
    assert nt.accepted == 1 and nt.rejected == 0
    exits = one(nt, item="sign_exits")
    assert (exits["answer"], exits["answer_raw"], exits["score"], bool(exits["is_problem"])) == ("yes", "Oui", 1.0, False)
    plan = one(nt, item="sign_station_map")
    assert (plan["answer"], plan["score"], bool(plan["is_problem"])) == ("no", 0.0, True)
    assert plan["severity"] == "low"  # the item's default in the protocol
    assert plan["severity_source"] == "derived"
    shops = one(nt, item="shops_open")
    assert shops["answer"] == "na"
    assert bool(shops["is_na"]) is True
    assert shops["score"] is None or math.isnan(shops["score"])
    assert bool(shops["is_problem"]) is False
    assert shops["severity"] is None


def test_negative_polarity_yes_is_a_problem() -> None:
    nt = run(
        ["station", "dark_corners", "offensive_graffiti", "entrapment_spot"],
        ["Berri-UQAM", "oui", "Non", "OUI"],
    )
    dark = one(nt, item="dark_corners")
    assert (dark["answer"], dark["score"], bool(dark["is_problem"]), dark["severity"]) == ("yes", 0.0, True, "medium")
    graffiti = one(nt, item="offensive_graffiti")
    assert (graffiti["answer"], graffiti["score"], bool(graffiti["is_problem"])) == ("no", 1.0, False)
    trap = one(nt, item="entrapment_spot")
    assert (trap["score"], bool(trap["is_problem"]), trap["severity"]) == (0.0, True, "high")
    assert set(nt.observations["principle"]) == {"visibility", "maintenance", "help"}


def test_unknown_answer_is_a_warning_quoting_the_value_and_the_row_is_kept() -> None:
    nt = run(
        ["station", "zone", "sign_exits", "dark_corners"],
        ["Berri-UQAM", "quai", "peut-être bof", "non"],
    )
    assert nt.accepted == 1 and nt.rejected == 0
    unknown = issue(nt, "unknown-answer")
    assert unknown.level == "warning"  # type: ignore[attr-defined]
    assert "peut-être bof" in unknown.message  # type: ignore[attr-defined]
    assert unknown.value == "peut-être bof"  # type: ignore[attr-defined]
    assert unknown.column == "sign_exits"  # type: ignore[attr-defined]
    assert unknown.row == 2  # type: ignore[attr-defined]
    assert list(nt.observations["item"]) == ["dark_corners"]


def test_a_row_whose_only_answer_is_not_understood_is_rejected_not_dropped() -> None:
    nt = run(["station", "sign_exits"], ["Berri-UQAM", "peut-être"], ["Berri-UQAM", "oui"])
    assert (nt.accepted, nt.rejected) == (1, 1)
    assert "unknown-answer" in codes(nt, "warning")
    reject = issue(nt, "no-answers")
    assert reject.level == "error" and reject.row == 2  # type: ignore[attr-defined]
    assert list(nt.observations["source_row"]) == [3]


def test_wide_row_with_item_keys_and_a_severity_companion() -> None:
    nt = run(
        ["station", "zone", "sign_exits", "dark_corners", "dark_corners_severity", "comment"],
        ["Berri-UQAM", "quai", "oui", "oui", "élevée", "coin sombre au bout du quai"],
    )
    assert nt.plan["dark_corners_severity"].kind == "item_severity"
    assert len(nt.observations) == 2
    dark = one(nt, item="dark_corners")
    assert (dark["severity"], dark["severity_source"]) == ("high", "sheet")
    assert dark["comment"] == "coin sombre au bout du quai"
    assert dark["station_name"] == "Berri-UQAM"
    assert dark["zone"] == "platform"
    exits = one(nt, item="sign_exits")
    assert exits["severity"] is None and bool(exits["is_problem"]) is False


def test_long_row_in_french() -> None:
    nt = run(["Gare", "Zone", "Élément", "Gravité"], ["Lionel-Groulx", "Quai", "Coins sombres", "Élevée"])
    row = one(nt, item="dark_corners")
    assert row["station_name"] == "Lionel-Groulx"
    assert row["zone"] == "platform"
    assert row["principle"] == "visibility"
    assert row["score"] == 0.0 and bool(row["is_problem"])
    assert (row["severity"], row["severity_source"]) == ("high", "sheet")


def test_item_only_finding_scores_zero_with_the_sheet_severity() -> None:
    nt = run(["Gare", "Élément", "Gravité"], ["Berri-UQAM", "sign_exits", "critique"])
    row = one(nt, item="sign_exits")
    assert row["score"] == 0.0
    assert bool(row["is_problem"]) is True
    assert row["answer"] is None
    assert (row["severity"], row["severity_source"]) == ("critical", "sheet")


def test_principle_only_finding() -> None:
    nt = run(["Gare", "Principe", "Gravité", "Commentaire"], ["Berri-UQAM", "Visibilité", "faible", "trop sombre"])
    assert nt.accepted == 1
    row = nt.observations.iloc[0]
    assert row["item"] is None or (isinstance(row["item"], float) and math.isnan(row["item"]))
    assert row["principle"] == "visibility"
    assert row["score"] is None or math.isnan(row["score"])
    assert bool(row["is_problem"]) is True
    assert row["severity"] == "low"
    assert row["comment"] == "trop sombre"


def test_unknown_item_with_known_principle_column_is_kept_as_a_principle_finding() -> None:
    nt = run(["Gare", "Élément", "Principe"], ["Berri-UQAM", "lampadaire tordu", "entretien"])
    assert nt.accepted == 1
    assert "unknown-item" in codes(nt, "warning")
    assert one(nt, principle="maintenance")["station_name"] == "Berri-UQAM"


def test_unknown_item_and_principle_is_a_reject() -> None:
    nt = run(["Gare", "Élément"], ["Berri-UQAM", "zorglub"], ["Berri-UQAM", "dark_corners"])
    assert (nt.accepted, nt.rejected) == (1, 1)
    reject = issue(nt, "unknown-item")
    assert reject.level == "error" and "zorglub" in reject.message and reject.row == 2  # type: ignore[attr-defined]


def test_severity_derived_from_the_protocol_when_the_sheet_gives_none() -> None:
    nt = run(
        ["Gare", "Élément", "Réponse"],
        ["Berri-UQAM", "emergency_phone", "hors service"],
        ["Berri-UQAM", "emergency_phone", "oui"],
        ["Berri-UQAM", "Coins sombres", ""],
    )
    phone_broken = one(nt, item="emergency_phone", source_row=2)
    assert phone_broken["answer"] == "not_working"
    assert bool(phone_broken["is_problem"]) is True
    assert (phone_broken["severity"], phone_broken["severity_source"]) == ("high", "derived")
    phone_ok = one(nt, item="emergency_phone", source_row=3)
    assert phone_ok["answer"] == "yes" and phone_ok["severity"] is None
    dark = one(nt, item="dark_corners")
    assert (dark["severity"], dark["severity_source"]) == ("medium", "derived")


def test_unknown_severity_is_a_warning_and_the_default_is_used() -> None:
    nt = run(["Gare", "Élément", "Gravité"], ["Berri-UQAM", "dark_corners", "bof bof"])
    assert nt.accepted == 1
    w = issue(nt, "unknown-severity")
    assert "bof bof" in w.message  # type: ignore[attr-defined]
    assert one(nt, item="dark_corners")["severity"] == "medium"


# -- stations ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Berri-UQAM", "berri uqam", "BERRI–UQAM", "Berri UQAM"])
def test_station_by_name_is_accent_case_and_hyphen_insensitive(name: str) -> None:
    nt = run(["station", "dark_corners"], [name, "oui"])
    row = nt.observations.iloc[0]
    assert row["station_name"] == "Berri-UQAM"
    assert "station-guessed" not in codes(nt)


def test_misspelled_station_is_guessed_with_a_warning() -> None:
    nt = run(["station", "dark_corners"], ["Lionel Groul", "oui"])
    assert nt.observations.iloc[0]["station_name"] == "Lionel-Groulx"
    w = issue(nt, "station-guessed")
    assert w.level == "warning" and "Lionel Groul" in w.message  # type: ignore[attr-defined]


def test_station_by_position_only() -> None:
    nt = run(["lat", "lon", "dark_corners"], [f"{JOLICOEUR[0] + 0.0003}", f"{JOLICOEUR[1]}", "oui"])
    row = nt.observations.iloc[0]
    assert row["station_name"] == "Jolicoeur"
    assert row["station_match"] == "position"
    assert row["location_source"] == "gps"
    assert row["lat"] == pytest.approx(JOLICOEUR[0] + 0.0003)


def test_unknown_name_with_position_is_placed_by_position_with_a_warning() -> None:
    nt = run(["station", "latitude", "longitude", "dark_corners"], ["Xyzzy Plugh", str(BERRI[0]), str(BERRI[1]), "oui"])
    assert nt.accepted == 1
    assert nt.observations.iloc[0]["station_name"] == "Berri-UQAM"
    w = issue(nt, "unknown-station-name")
    assert w.level == "warning" and "Xyzzy Plugh" in w.message  # type: ignore[attr-defined]


def test_unknown_name_without_position_is_rejected() -> None:
    nt = run(["station", "dark_corners"], ["Xyzzy Plugh", "oui"])
    assert (nt.accepted, nt.rejected) == (0, 1)
    r = issue(nt, "unknown-station")
    assert r.level == "error" and r.value == "Xyzzy Plugh" and r.column == "station"  # type: ignore[attr-defined]
    assert nt.observations.empty


def test_no_station_and_no_position_is_rejected() -> None:
    nt = run(["station", "zone", "dark_corners"], ["", "quai", "oui"], ["Berri-UQAM", "quai", "oui"])
    assert (nt.accepted, nt.rejected) == (1, 1)
    r = issue(nt, "no-station")
    assert r.level == "error" and r.row == 2  # type: ignore[attr-defined]


def test_position_far_from_named_station_is_a_mismatch_warning_and_the_name_wins() -> None:
    nt = run(["station", "lat", "lon", "dark_corners"], ["Berri-UQAM", str(MCGILL[0]), str(MCGILL[1]), "oui"])
    assert nt.accepted == 1
    assert nt.observations.iloc[0]["station_name"] == "Berri-UQAM"
    w = issue(nt, "station-position-mismatch")
    assert w.level == "warning" and "Berri-UQAM" in w.message  # type: ignore[attr-defined]


def test_position_near_named_station_is_no_mismatch() -> None:
    nt = run(["station", "lat", "lon", "dark_corners"], ["Berri-UQAM", "45,5150", "-73,5600", "oui"])
    assert "station-position-mismatch" not in codes(nt)
    assert nt.observations.iloc[0]["lat"] == pytest.approx(45.515)


def test_outside_study_area_is_rejected() -> None:
    nt = run(["station", "lat", "lon", "dark_corners"], ["Berri-UQAM", "48.8566", "2.3522", "oui"], ["Berri-UQAM", "", "", "oui"])
    assert (nt.accepted, nt.rejected) == (1, 1)
    r = issue(nt, "outside-study-area")
    assert r.level == "error" and r.row == 2  # type: ignore[attr-defined]
    assert list(nt.observations["source_row"]) == [3]


def test_swapped_coordinates_are_fixed_with_a_warning() -> None:
    nt = run(["lat", "lon", "dark_corners"], [str(BERRI[1]), str(BERRI[0]), "oui"])
    assert nt.accepted == 1
    row = nt.observations.iloc[0]
    assert row["lat"] == pytest.approx(BERRI[0])
    assert row["lon"] == pytest.approx(BERRI[1])
    assert row["station_name"] == "Berri-UQAM"
    assert issue(nt, "swapped-coordinates").level == "warning"  # type: ignore[attr-defined]


def test_bad_coordinate_is_a_warning_and_the_station_places_the_row() -> None:
    nt = run(["station", "lat", "lon", "dark_corners"], ["Berri-UQAM", "quarante-cinq", "-73.56", "oui"])
    assert nt.accepted == 1
    w = issue(nt, "bad-coordinates")
    assert "quarante-cinq" in w.message  # type: ignore[attr-defined]
    row = nt.observations.iloc[0]
    assert row["station_name"] == "Berri-UQAM" and row["location_source"] == "station"
    assert math.isnan(row["lat"]) and math.isnan(row["lon"])


# -- zones, periods, times --------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("quai", "platform"), ("Mezzanine", "hall"), ("édicule", "entrance"), ("Edicule", "entrance"), ("couloir", "corridor"), ("escaliers mécaniques", "stairs"), ("platform", "platform")],
)
def test_zone_synonyms(zone: str, expected: str) -> None:
    nt = run(["station", "zone", "dark_corners"], ["Berri-UQAM", zone, "oui"])
    assert nt.observations.iloc[0]["zone"] == expected
    assert "unknown-zone" not in codes(nt)


def test_unknown_zone_is_a_warning() -> None:
    nt = run(["station", "zone", "dark_corners"], ["Berri-UQAM", "toit de la station", "oui"])
    assert nt.accepted == 1
    w = issue(nt, "unknown-zone")
    assert w.level == "warning" and "toit de la station" in w.message  # type: ignore[attr-defined]
    assert nt.observations.iloc[0]["zone"] is None


def test_period_from_the_sheet_wins_over_the_time() -> None:
    nt = run(["station", "période", "date", "dark_corners"], ["Berri-UQAM", "jour", "14/11/2023 19h30", "oui"])
    assert nt.observations.iloc[0]["period"] == "day"


def test_night_is_derived_from_the_time_and_times_are_stored_in_utc_and_local() -> None:
    nt = run(["station", "date", "dark_corners"], ["Berri-UQAM", "14/11/2023 19h30", "oui"], ["Berri-UQAM", "14/11/2023 12h00", "non"])
    evening = one(nt, source_row=2)
    assert evening["period"] == "night"
    assert evening["observed_at"] == "2023-11-15T00:30:00Z"
    assert evening["local_time"] == "2023-11-14T19:30:00-05:00"
    assert one(nt, source_row=3)["period"] == "day"


def test_separate_date_and_time_columns() -> None:
    nt = run(["station", "date", "heure", "dark_corners"], ["Berri-UQAM", "14/11/2023", "19h30", "oui"])
    row = nt.observations.iloc[0]
    assert row["local_time"] == "2023-11-14T19:30:00-05:00"
    assert row["period"] == "night"


def test_a_date_alone_derives_no_period() -> None:
    nt = run(["station", "date", "dark_corners"], ["Berri-UQAM", "14 novembre 2023", "oui"])
    row = nt.observations.iloc[0]
    assert row["local_time"].startswith("2023-11-14")
    assert row["period"] is None or (isinstance(row["period"], float) and math.isnan(row["period"]))


def test_unreadable_date_is_a_warning_quoting_it() -> None:
    nt = run(["station", "date", "dark_corners"], ["Berri-UQAM", "demain soir", "oui"])
    assert nt.accepted == 1
    assert "demain soir" in issue(nt, "bad-datetime").message  # type: ignore[attr-defined]


# -- people ---------------------------------------------------------------------------------


def test_observers_become_pseudonyms_and_names_are_never_kept() -> None:
    nt = run(
        ["Observateur", "station", "genre", "dark_corners"],
        ["Marie L.", "Berri-UQAM", "femme", "oui"],
        ["marie l", "McGill", "femme", "non"],
        ["Jean Tremblay", "McGill", "homme", "non"],
    )
    participants = list(nt.observations["participant"])
    assert all(re.fullmatch(r"P-[0-9A-F]{8}", p) for p in participants)
    assert participants[0] == participants[1] != participants[2]
    assert participants[0] == pseudonym("Marie L.", "s")
    assert pseudonym("Marie L.", "other salt") != participants[0]
    assert set(nt.participants["participant"]) == set(participants)
    assert len(nt.participants) == 2
    for frame in (nt.observations, nt.participants, nt.walks):
        text = frame.astype(str).to_string().casefold()
        for name in ("marie", "tremblay", "jean"):
            assert name not in text, f"{name!r} leaked into {list(frame.columns)}"
    assert set(nt.participants["gender"]) == {"femme", "homme"}


# -- the invariant ------------------------------------------------------------------------------


def test_every_row_is_accepted_or_rejected_in_a_mixed_table() -> None:
    nt = run(
        ["Gare", "Zone", "Élément", "Gravité", "Latitude", "Longitude"],
        ["Berri-UQAM", "quai", "Coins sombres", "élevée", "", ""],  # ok
        ["Xyzzy", "quai", "dark_corners", "", "", ""],  # unknown-station
        ["", "", "dark_corners", "", "", ""],  # no-station
        ["Berri-UQAM", "", "zorglub", "", "", ""],  # unknown-item
        ["Berri-UQAM", "", "dark_corners", "", "10.0", "10.0"],  # outside-study-area
        ["", "hall", "sign_exits", "", str(JOLICOEUR[0]), str(JOLICOEUR[1])],  # ok by position
        ["Berri-UQAM", "", "dark_corners", "", "", ""],  # ok
    )
    assert (nt.rows, nt.accepted, nt.rejected) == (7, 3, 4)
    rejected_rows = sorted(i.row for i in nt.issues if i.level == "error")  # type: ignore[type-var]
    assert rejected_rows == [3, 4, 5, 6]
    assert sorted(set(nt.observations["source_row"])) == [2, 7, 8]
    assert {i.code for i in nt.issues if i.level == "error"} == {"unknown-station", "no-station", "unknown-item", "outside-study-area"}


def test_observation_ids_are_stable_across_runs() -> None:
    header = ["Gare", "Élément"]
    a = run(header, ["Berri-UQAM", "dark_corners"], ["McGill", "sign_exits"])
    b = run(header, ["Berri-UQAM", "dark_corners"], ["McGill", "sign_exits"])
    assert list(a.observations["obs_id"]) == list(b.observations["obs_id"])
    assert a.observations["obs_id"].is_unique


def test_walk_and_campaign_from_context() -> None:
    nt = run(["station", "dark_corners"], ["Berri-UQAM", "oui"], walk_id="W1", campaign="2023-automne")
    row = nt.observations.iloc[0]
    assert (row["walk_id"], row["campaign"]) == ("W1", "2023-automne")
    assert list(nt.walks["walk_id"]) == ["W1"]
