"""``walktool summary`` and ``walktool recommend`` from the command line."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from walktool.analysis import summarize
from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project
from walktool.recommend import recommend

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "feeling"]
ROWS = [
    ["Sophie Tremblay", "Papineau", "quai", "coins sombres", "élevée", "<script>alert(1)</script>", "2023-11-14", "20h00", "effrayée"],
    ["Julie Gagnon", "Papineau", "quai", "coins sombres", "moyenne", "", "2023-11-14", "20h05", "mal à l'aise"],
    ["Julie Gagnon", "Beaudry", "hall", "téléphone d'urgence", "critique", "muet", "2023-11-15", "18h00", "à l'aise"],
    ["Sophie Tremblay", "Beaudry", "hall", "propreté", "faible", "", "2023-11-15", "18h05", ""],
]


def filled(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    path = write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")
    import_files(project, [path], campaign="2023-pilot", fmt="findings-table")
    return project


def test_summary_json_has_the_brief_shape_and_equals_the_library(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    filled(project, tmp_path, write_csv)
    result = runner.invoke(app, ["summary", "--json", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for station in doc["stations"]:
        assert {"station_id", "name", "observations", "score", "principles", "findings"} <= set(station)
        assert set(station["principles"]) == set(project.protocol().principle_keys)
        assert set(station["findings"]) == {"low", "medium", "high", "critical"}
        assert station["score"] is None or 0 <= station["score"] <= 100
    library = json.loads(json.dumps(summarize(project).to_dict(), default=str))
    assert doc == library
    assert "Sophie" not in result.stdout and "Gagnon" not in result.stdout


def test_summary_table_csv_and_by(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    filled(project, tmp_path, write_csv)
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["summary", "--csv", str(out), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "Papineau" in result.stdout and "Beaudry" in result.stdout
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["name"] for r in rows} == {"Papineau", "Beaudry"}
    assert {"score", "signage", "visibility", "findings_critical", "low_confidence"} <= set(rows[0])
    for by in ("zone", "period", "principle"):
        result = runner.invoke(app, ["summary", "--by", by, "--json", "--project", str(project.root)])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["by"] == by and doc["groups"]
    bad = runner.invoke(app, ["summary", "--by", "colour", "--project", str(project.root)])
    assert bad.exit_code == 2


def test_summary_unknown_campaign_and_empty_project(project: Project, runner: CliRunner, tmp_path: Path, write_csv: WriteCsv) -> None:
    empty = runner.invoke(app, ["summary", "--project", str(project.root)])
    assert empty.exit_code == 0 and "walktool import" in empty.stdout
    filled(project, tmp_path, write_csv)
    result = runner.invoke(app, ["summary", "--campaign", "2031", "--project", str(project.root)])
    assert result.exit_code == 1
    assert "2031" in result.stderr and "2023-pilot" in result.stderr and "Traceback" not in result.output


def test_recommend_json_shape_and_options(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    filled(project, tmp_path, write_csv)
    result = runner.invoke(app, ["recommend", "--json", "--lang", "en", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    recs = json.loads(result.stdout)["recommendations"]
    keys = {"station", "zone", "principle", "item", "severity", "priority", "action", "responsible", "timeframe", "type", "status"}
    assert all(keys <= set(r) for r in recs)
    assert recs[0]["severity"] == "critical" and recs[0]["station"] == "Beaudry"
    assert [r["rank"] for r in recs] == list(range(1, len(recs) + 1))
    library = recommend(project).records("en", project.protocol())
    assert all({"due", "overdue", "days_overdue"} <= set(r) for r in recs)  # walktool.overdue
    plain = [{k: v for k, v in r.items() if k not in ("due", "overdue", "days_overdue")} for r in recs]
    assert plain == json.loads(json.dumps(library))
    assert "Sophie" not in result.stdout
    top = json.loads(runner.invoke(app, ["recommend", "--json", "--top", "1", "--project", str(project.root)]).stdout)
    assert len(top["recommendations"]) == 1
    one = json.loads(runner.invoke(app, ["recommend", "--json", "--station", "papineau", "--project", str(project.root)]).stdout)
    assert {r["station"] for r in one["recommendations"]} == {"Papineau"}
    human = runner.invoke(app, ["recommend", "--project", str(project.root)])
    assert human.exit_code == 0 and "Beaudry" in human.stdout and "critical" in human.stdout
    missing = runner.invoke(app, ["recommend", "--station", "Jolicoeur", "--project", str(project.root)])
    assert missing.exit_code == 1 and "Jolicoeur" in missing.stderr
