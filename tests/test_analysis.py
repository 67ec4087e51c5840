"""Scores, feelings, profiles and findings (walktool.analysis), checked against hand computation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from walktool.analysis import (
    AnalysisError,
    feeling_drivers,
    load_observations,
    profile_breakdown,
    rescore,
    scores,
    summarize,
)
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]

# One stop a row, as a facilitator's spreadsheet would hold it. Scale scores are the
# protocol's: light 1 = 0.333, 2 = 0.667, 3 = 1.
HEADER = ["Observatrice", "Station", "Zone", "Période", "Date", "Heure", "sign_exits", "sign_readable",
          "light_level", "dark_corners", "staff_visible", "feeling", "alone_at_night", "Genre"]
ROWS = [
    ["Alice Martin", "Papineau", "quai", "nuit", "2023-11-14", "20h10", "oui", "s.o.", "1", "oui", "non", "effrayée", "non", "femme"],
    ["Béatrice Roy", "Papineau", "quai", "nuit", "2023-11-14", "20h12", "non", "oui", "2", "non", "oui", "mal à l'aise", "non", "femme"],
    ["Chloé Tran", "Papineau", "mezzanine", "jour", "2023-11-15", "14h00", "oui", "oui", "3", "non", "oui", "à l'aise", "oui", "homme"],
    ["Alice Martin", "Beaudry", "édicule", "nuit", "2023-11-16", "19h00", "non", "", "", "", "", "", "", "femme"],
    ["Béatrice Roy", "Beaudry", "édicule", "nuit", "2023-11-16", "19h05", "non", "", "", "", "", "", "", "femme"],
]


def worked_example(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    path = write_csv(tmp_path / "grille.csv", [HEADER, *ROWS], sep=";")
    result = import_files(project, [path], campaign="2023-pilot", fmt="findings-table")
    assert (result.accepted, result.rejected) == (5, 0), result.to_dict()
    return project


def test_worked_example_scores_by_hand(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    summary = summarize(project)
    stations = {s["name"]: s for s in summary.to_dict()["stations"]}

    # Papineau, by hand. Item score = mean of its answers; N/A left out.
    sign_exits = (1 + 0 + 1) / 3
    sign_readable = (1 + 1) / 2  # Alice's "s.o." (N/A) is excluded
    signage = (sign_exits + sign_readable) / 2 * 100
    light = (0.333 + 0.667 + 1) / 3
    dark = (0 + 1 + 1) / 3  # "yes" to dark corners is a problem: scores 0
    visibility = (light + dark) / 2 * 100
    help_ = (0 + 1 + 1) / 3 * 100
    station = (signage + visibility + help_) / 3  # equal weight per answered principle

    pap = stations["Papineau"]
    assert pap["principles"]["signage"] == pytest.approx(signage, abs=0.01)
    assert pap["principles"]["visibility"] == pytest.approx(visibility, abs=0.01)
    assert pap["principles"]["help"] == pytest.approx(help_, abs=0.01)
    assert pap["principles"]["liveliness"] is None  # nothing answered: null, not 0
    assert pap["score"] == pytest.approx(station, abs=0.01)
    assert (pap["participants"], pap["walks"], pap["low_confidence"]) == (3, 2, False)
    # feelings are apart from scores, as shares
    assert pap["feeling"] == {"comfortable": pytest.approx(0.33, abs=0.01), "uncomfortable": pytest.approx(0.33, abs=0.01), "frightening": pytest.approx(0.33, abs=0.01), "answers": 3}
    assert pap["not_alone_at_night"] == pytest.approx(0.67, abs=0.01)
    # findings (score < 0.5): Alice's poor light (0.333), dark corners and no staff; Béatrice's exit signs
    assert sum(pap["findings"].values()) == 4

    bea = stations["Beaudry"]
    assert bea["score"] == 0.0 and bea["principles"]["signage"] == 0.0
    assert bea["low_confidence"] is True  # 2 participants < 3: flagged, not hidden
    # worst first
    assert [s["name"] for s in summary.to_dict()["stations"]] == ["Beaudry", "Papineau"]


def test_scores_by_zone_and_period(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    protocol = project.protocol()
    obs = load_observations(project)
    by_zone = scores(obs, protocol, "zone").set_index(["name", "zone"])
    platform = by_zone.loc[("Papineau", "platform")]
    signage = ((1 + 0) / 2 + 1) / 2 * 100
    visibility = ((0.333 + 0.667) / 2 + (0 + 1) / 2) / 2 * 100
    help_ = (0 + 1) / 2 * 100
    assert platform["score"] == pytest.approx((signage + visibility + help_) / 3, abs=0.01)
    assert platform["participants"] == 2 and bool(platform["low_confidence"])
    by_period = scores(obs, protocol, "period").set_index(["name", "period"])
    assert by_period.loc[("Papineau", "day"), "score"] == pytest.approx(100.0)
    assert set(by_period.index) == {("Papineau", "day"), ("Papineau", "night"), ("Beaudry", "night")}


def test_rescore_recomputes_from_raw_answers(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    protocol = project.protocol()
    obs = load_observations(project)
    again = rescore(obs.assign(score=None, is_problem=False), protocol)
    pd.testing.assert_series_equal(again["score"].astype(float), obs["score"].astype(float), check_names=False)
    assert again["is_problem"].tolist() == obs["is_problem"].tolist()


def test_profiles_suppress_groups_under_five(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    protocol = project.protocol()
    obs = load_observations(project)
    participants = project.store.read("participants")
    assert set(participants["gender"].dropna()) >= {"femme", "homme"} or set(participants["gender"].dropna()) >= {"woman", "man"}
    groups = profile_breakdown(obs, participants, protocol)
    assert groups, "profile groups expected"
    for g in groups:  # 2 women and 1 man: every group is under 5
        assert g["suppressed"] is True
        assert set(g) == {"attribute", "value", "period", "suppressed"}  # no size, no figures


def test_profiles_shown_for_groups_of_five(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [[f"Personne {i}", "Papineau", "quai", "nuit", "2023-11-14", "20h00", "oui", "oui", "2", "non", "oui", "à l'aise" if i % 2 else "effrayée", "oui", "femme"] for i in range(6)]
    path = write_csv(tmp_path / "grille.csv", [HEADER, *rows], sep=";")
    import_files(project, [path], campaign="c", fmt="findings-table")
    groups = profile_breakdown(load_observations(project), project.store.read("participants"), project.protocol())
    women_night = next(g for g in groups if g["attribute"] == "gender" and g["period"] == "night")
    assert women_night["suppressed"] is False and women_night["participants"] == 6
    assert women_night["feeling"]["frightening"] == pytest.approx(0.5)


def test_feeling_drivers_rank_correlation() -> None:
    from walktool.protocol import default_protocol_path, load_protocol

    protocol = load_protocol(default_protocol_path())
    rows = []
    # four stops: lighting tracks feeling exactly, staff visibility does not
    for i, (light, feel, staff) in enumerate([(0.0, 0.0, 1.0), (0.333, 0.5, 0.0), (0.667, 0.5, 0.0), (1.0, 1.0, 1.0)]):
        for item, principle, score in (("light_level", "visibility", light), ("staff_visible", "help", staff), ("feeling", "perception", feel)):
            rows.append({"obs_id": f"{i}{item}", "station_id": f"S{i}", "station_name": f"S{i}", "zone": "platform", "item": item, "principle": principle, "score": score, "is_na": False, "is_problem": False, "participant": "P", "walk_key": "w"})
    drivers = feeling_drivers(pd.DataFrame(rows), protocol)
    assert drivers[0]["principle"] == "visibility" and drivers[0]["rho"] == pytest.approx(0.949, abs=0.01)
    help_row = next(d for d in drivers if d["principle"] == "help")
    assert abs(help_row["rho"]) < 0.5
    assert next(d for d in drivers if d["principle"] == "signage")["rho"] is None


def test_summary_by_principle_and_unknown_campaign(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    by_principle = summarize(project, by="principle").to_dict()["groups"]
    assert [g["principle"] for g in by_principle] == project.protocol().principle_keys
    signage = next(g for g in by_principle if g["principle"] == "signage")
    assert signage["findings"] == 3  # Béatrice at Papineau, both at Beaudry
    with pytest.raises(AnalysisError, match="2023-pilot"):
        summarize(project, campaign="nope")


def test_no_observer_identity_in_summary(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    import json

    text = json.dumps(summarize(project, by="zone").to_dict(), ensure_ascii=False, default=str)
    for name in ("Alice", "Béatrice", "Chloé", "Martin", "Roy", "Tran"):
        assert name not in text


def test_a_changed_scoring_rule_applies_on_request_without_reimport(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    worked_example(project, tmp_path, write_csv)
    before = {s["name"]: s for s in summarize(project).to_dict()["stations"]}["Papineau"]
    text = (project.protocols_dir / "stm-exploratory-walk.yaml").read_text(encoding="utf-8")
    assert "score: 0.333" in text
    # a new version of the checklist where "poor" light scores 0.6 (no longer a problem)
    newer = text.replace('version: "1.0"', 'version: "1.1"').replace("score: 0.333", "score: 0.6", 1)
    (project.protocols_dir / "stm-exploratory-walk-1.1.yaml").write_text(newer, encoding="utf-8")
    # by default the campaign keeps the rules it was imported with
    kept = summarize(project).to_dict()
    assert kept["protocol"] == "stm-exploratory-walk@1.0"
    assert {s["name"]: s for s in kept["stations"]}["Papineau"] == before
    # re-scored under the current rules, without re-importing
    rescored = summarize(project, rules="current").to_dict()
    assert rescored["protocol"] == "stm-exploratory-walk@1.1"
    assert rescored["rules_hash"] != kept["rules_hash"]
    after = {s["name"]: s for s in rescored["stations"]}["Papineau"]
    light = (0.6 + 0.667 + 1) / 3
    assert after["principles"]["visibility"] == pytest.approx((light + 2 / 3) / 2 * 100, abs=0.01)
    assert after["principles"]["visibility"] > before["principles"]["visibility"]
    assert sum(after["findings"].values()) == sum(before["findings"].values()) - 1  # Alice's poor light
