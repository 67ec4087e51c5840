"""Recommendations: grouping, documented priority, critical fast track, status carried over."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from walktool.cli import app
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


# six participants of one night walk at Papineau's platform, every item answered by all six
SIX = ["Ana", "Bea", "Cleo", "Dora", "Eve", "Fay"]
WIDE = ["Observatrice", "Station", "Zone", "Période", "Date", "Heure", "dark_corners", "escape_routes", "entrapment_spot",
        "offensive_graffiti"]


def six_participants(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = []
    for n, who in enumerate(SIX):
        rows.append([
            who, "Papineau", "quai", "nuit", "2023-11-14", f"20h{10 + n}",
            "oui",                        # dark corners (medium): flagged by all six
            "non" if n < 2 else "oui",    # no escape route (high): flagged by two of six
            "oui" if n == 0 else "non",   # entrapment spot (high): flagged by one of six
            "oui" if n == 0 else "non",   # offensive graffiti (medium): one of six, a minority report
        ])
    path = write_csv(tmp_path / "grille.csv", [WIDE, *rows], sep=";")
    result = import_files(project, [path], campaign="c1", fmt="findings-table")
    assert (result.accepted, result.rejected) == (6, 0), result.to_dict()


def test_the_share_who_saw_it_outranks_a_higher_severity_seen_by_one(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    six_participants(project, tmp_path, write_csv)
    recs = {r["item"]: r for r in recommend(project).records("en", project.protocol())}
    dark, escape, trap, graffiti = (recs[k] for k in ("dark_corners", "escape_routes", "entrapment_spot", "offensive_graffiti"))
    assert (dark["severity"], escape["severity"], trap["severity"]) == ("medium", "high", "high")
    assert (dark["flagged"], dark["answered"], dark["share"], dark["walks"]) == (6, 6, 1.0, 1)
    assert (trap["flagged"], trap["answered"], trap["share"], trap["walks"]) == (1, 6, 0.167, 1)
    # flagged by all six outranks the next severity up flagged by one, or by two, of the six
    assert dark["rank"] == 1 and escape["rank"] == 2 and trap["rank"] == 3
    weights = project.protocol().severity_weights
    assert dark["priority"] == priority("medium", 6, 1, True, weights, share=1.0) == pytest.approx(2 * (1 + 2.585) * 1.5, abs=0.01)
    assert escape["priority"] == priority("high", 2, 1, True, weights, share=2 / 6) == pytest.approx(4 / 3 * 2 * 1.5, abs=0.01)
    assert trap["priority"] == priority("high", 1, 1, True, weights, share=1 / 6)
    assert trap["to_verify"] is True and dark["to_verify"] is False and escape["to_verify"] is False
    # medium, flagged by one of six: a minority report, kept but not ranked
    assert graffiti["minority"] is True and graffiti["rank"] is None and graffiti["to_verify"] is True
    assert not any(r["minority"] for r in (dark, escape, trap))
    # the order is exactly the priority shown, ranked ones first
    ordered = recommend(project).records("en", project.protocol())
    ranked = [r for r in ordered if not r["minority"]]
    assert [r["priority"] for r in ranked] == sorted((r["priority"] for r in ranked), reverse=True)
    assert ordered[-1]["item"] == "offensive_graffiti"
    # read back from the store as they were built
    stored = recommend(project, refresh=False).records("en", project.protocol())
    assert [(r["item"], r["rank"], r["minority"], r["to_verify"]) for r in stored] == [
        (r["item"], r["rank"], r["minority"], r["to_verify"]) for r in ordered
    ]
    assert len(recommend(project, top=2).frame) == 2


def test_recommend_json_and_workbook_keep_minority_reports_apart(
    project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner
) -> None:
    six_participants(project, tmp_path, write_csv)
    result = runner.invoke(app, ["recommend", "--json", "-p", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["protocol"] == "stm-exploratory-walk@1.0" and doc["rules_hash"] == project.protocol().rules_hash
    first = doc["recommendations"][0]
    for key in ("station", "zone", "principle", "item", "severity", "priority", "action", "responsible", "timeframe",
                "type", "status", "flagged", "answered", "share", "walks", "to_verify", "minority", "protocol", "rules_hash"):
        assert key in first
    assert [r["item"] for r in doc["recommendations"] if r["minority"]] == ["offensive_graffiti"]
    text = runner.invoke(app, ["recommend", "-p", str(project.root)]).stdout
    assert "Minority reports" in text and "flagged by 6 of 6 (100%)" in text

    from openpyxl import load_workbook

    from walktool.report import write_report

    made = write_report(project, lang="en", out=tmp_path / "report.xlsx")
    assert (made.recommendations, made.minority) == (3, 1)
    wb = load_workbook(made.path)
    assert "Minority reports" in wb.sheetnames
    minority = [list(row) for row in wb["Minority reports"].iter_rows(values_only=True)]
    assert any("graffiti" in str(v).lower() for row in minority for v in row)
    rows = [[str(v) for v in row if v is not None] for row in wb["Papineau"].iter_rows(values_only=True)]
    start = next(n for n, r in enumerate(rows) if r and r[0].startswith("Recommendations ("))
    end = next(n for n, r in enumerate(rows) if r and r[0].startswith("Findings ("))
    ranked_list = [v for r in rows[start:end] for v in r]
    assert rows[start][0].startswith("Recommendations (3)")
    assert not any("graffiti" in v.lower() for v in ranked_list)  # the minority report is in no station's ranked list
    assert any("to verify on site" in v for v in ranked_list)
    recs_sheet = list(wb["Recommendations"].iter_rows(values_only=True))
    header = list(recs_sheet[0])
    assert {"Flagged by", "Answered", "Share", "Walks", "To verify"} <= set(header)
    assert len(recs_sheet) == 1 + 3  # the ranked ones only
    method = {r[0]: r[1] for r in wb["Method"].iter_rows(values_only=True) if r and r[0]}
    assert method["Rules hash"] == project.protocol().rules_hash


def test_a_severity_on_nothing_wrong_is_warned_and_not_fast_tracked(
    project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner
) -> None:
    rows = [
        ["Animatrice", "Atwater", "quai", "éclairage", "critique", "Bonne visibilité, éclairage uniforme — rien à signaler", "2023-11-14", "20h00", ""],
        ["Animatrice", "Monk", "quai", "téléphone d'urgence", "critique", "interphone muet", "2023-11-14", "21h00", ""],
    ]
    import_files(project, [findings_table(tmp_path, write_csv, rows)], campaign="c1", fmt="findings-table")
    wide = write_csv(tmp_path / "grille.csv", [["Observatrice", "Station", "Zone", "Date", "Heure", "Gravité", "sign_exits"],
                                              ["Ana", "Papineau", "quai", "2023-11-14", "20h30", "élevée", "oui"]], sep=";")
    import_files(project, [wide], campaign="c1", fmt="findings-table")
    report = json.loads(runner.invoke(app, ["check", "--json", "-p", str(project.root)]).stdout)
    found = [i for i in report["issues"] if i["code"] == "severity-without-problem"]
    assert len(found) == 2
    assert any("rien à signaler" in i["message"] and i["row"] == 2 for i in found)
    assert any("'oui'" in i["message"] and i["file"] == "grille.csv" for i in found)
    recs = {r["station"]: r for r in recommend(project).records("en", project.protocol())}
    assert recs["Atwater"]["fast_track"] is False and recs["Atwater"]["to_verify"] is True
    assert recs["Monk"]["fast_track"] is True and recs["Monk"]["rank"] == 1
    assert "Papineau" not in recs  # a yes to "exit signs" is no problem, whatever the severity column says
