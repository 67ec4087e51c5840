"""Recommendations: grouping, documented priority, critical fast track, status carried over."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from walktool.ingest import import_files
from walktool.project import Project
from walktool.recommend import priority, recommend

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "Photo"]


def findings_table(tmp_path: Path, write_csv: WriteCsv, rows: list[list[str]]) -> Path:
    return write_csv(tmp_path / "constats.csv", [HEADER, *rows], sep=";")


def test_critical_once_outranks_minor_ten_times(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    minor = [[f"Participante {i}", "Atwater", "couloir", "graffiti", "faible", f"tag {i}", f"2023-11-{10 + i}", "21h00", ""] for i in range(10)]
    critical = [["Participante Z", "Monk", "quai", "téléphone d'urgence", "critique", "interphone muet", "2023-11-20", "14h00", "monk.jpg"]]
    path = findings_table(tmp_path, write_csv, [*minor, *critical])
    import_files(project, [path], campaign="c1", fmt="findings-table")

    recs = recommend(project).records("en", project.protocol())

    assert len(recs) == 2  # ten participants, one problem: one recommendation
    first, second = recs
    assert (first["station"], first["item"], first["severity"]) == ("Monk", "emergency_phone", "critical")
    assert first["fast_track"] is True and first["timeframe"] == "immediate" and first["rank"] == 1
    assert first["evidence"]["photos"] == ["monk.jpg"]
    assert (second["station"], second["item"], second["severity"]) == ("Atwater", "offensive_graffiti", "low")
    assert second["evidence"]["participants"] == 10 and second["evidence"]["walks"] == 10
    # seen by ten people on ten night walks, the minor one even has the higher priority score:
    # the critical one still comes first, on the fast track
    assert second["priority"] > first["priority"]
    assert second["status"] == "proposed" and first["responsible"]


def test_priority_formula() -> None:
    weights = {"low": 1, "medium": 2, "high": 4, "critical": 8}
    assert priority("high", 1, 1, False, weights) == 4.0
    assert priority("high", 4, 1, False, weights) == 4 * (1 + 2)
    assert priority("medium", 2, 3, True, weights) == pytest.approx(2 * 2 * 1.5 * 1.5)
    assert priority("low", 0, 0, False, weights) == 1.0


def test_one_recommendation_per_station_zone_item(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [
        ["A", "Papineau", "quai", "coins sombres", "moyenne", "", "2023-11-14", "20h00", ""],
        ["B", "Papineau", "quai", "coins sombres", "élevée", "", "2023-11-14", "20h05", ""],
        ["A", "Papineau", "couloir", "coins sombres", "moyenne", "", "2023-11-14", "20h10", ""],
    ]
    import_files(project, [findings_table(tmp_path, write_csv, rows)], campaign="c1", fmt="findings-table")
    recs = recommend(project).records("fr", project.protocol())
    assert [(r["zone"], r["severity"], r["evidence"]["participants"]) for r in recs] == [("platform", "high", 2), ("corridor", "medium", 1)]
    assert recs[0]["evidence"]["night"] == 2  # 20h in November is night
    assert recs[0]["action"].startswith(project.protocol().item("dark_corners").recommendation.action.get("fr")[:20])


def test_status_is_carried_over_and_filters(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [
        ["A", "Papineau", "quai", "coins sombres", "moyenne", "", "2023-11-14", "20h00", ""],
        ["A", "Beaudry", "hall", "propreté", "faible", "", "2023-11-14", "21h00", ""],
    ]
    import_files(project, [findings_table(tmp_path, write_csv, rows)], campaign="c1", fmt="findings-table")
    first = recommend(project)
    rid = first.frame.loc[first.frame["station_name"] == "Papineau", "rec_id"].item()
    store = project.store
    with store.transaction():
        store._con.execute("UPDATE recommendations SET status='accepted', owner='Équipe entretien' WHERE rec_id=?", (rid,))
    again = recommend(project).frame.set_index("rec_id")
    assert again.loc[rid, "status"] == "accepted" and again.loc[rid, "owner"] == "Équipe entretien"
    assert len(recommend(project, station="papineau").frame) == 1
    assert len(recommend(project, top=1).frame) == 1
    from walktool.analysis import AnalysisError

    with pytest.raises(AnalysisError, match="Beaudry"):
        recommend(project, station="Jolicoeur")
    stored = store.read("recommendations")
    assert len(stored) == 2 and json.loads(stored["evidence"].iloc[0])
