"""``walktool report`` and ``walktool followup import`` from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "Photo"]
ROWS = [
    ["Sophie Tremblay", "Papineau", "quai", "coins sombres", "élevée", '=HYPERLINK("http://evil","x")', "2023-11-14", "20h00", ""],
    ["Julie Gagnon", "Square-Victoria–OACI", "hall", "téléphone d'urgence", "critique", "muet", "2023-11-15", "18h00", ""],
    ["Marie Roy", "Longueuil–Université-de-Sherbrooke", "quai", "propreté", "faible", "", "2023-11-15", "18h05", ""],
]


def filled(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    path = write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")
    import_files(project, [path], campaign="2023-pilot", fmt="findings-table")
    return project


def test_report_command(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    filled(project, tmp_path, write_csv)
    # no WALKTOOL_LANG: the project's language (French by default), for the workbook and the message alike
    result = runner.invoke(app, ["report", "--project", str(project.root)], env={"WALKTOOL_LANG": None, "LANG": None, "LC_ALL": None})
    assert result.exit_code == 0, result.output
    path = project.reports_dir / "report.xlsx"
    assert path.is_file() and "report.xlsx" in result.stdout and "3 feuilles de stations" in result.stdout
    wb = load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Longueuil–Université-de-Sherbro", "Papineau", "Square-Victoria–OACI",
                             "Recommandations", "Signalements minoritaires", "Observations", "Couverture", "Qualité des données", "Méthode"]
    comment = next(c for row in wb["Papineau"].iter_rows() for c in row if c.value == '=HYPERLINK("http://evil","x")')
    assert comment.data_type == "s"

    out = tmp_path / "elsewhere" / "rapport-en.xlsx"
    as_json = runner.invoke(app, ["report", "--lang", "en", "--campaign", "2023-pilot", "--out", str(out), "--json", "--project", str(project.root)])
    assert as_json.exit_code == 0, as_json.output
    doc = json.loads(as_json.stdout)
    assert doc["path"] == str(out) and doc["lang"] == "en" and doc["stations"] == 3 and doc["recommendations"] == 3
    assert doc["sheets"][0] == "Summary" and load_workbook(out).sheetnames[-1] == "Method"


def test_report_errors(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    empty = runner.invoke(app, ["report", "--project", str(project.root)])
    assert empty.exit_code == 1 and "walktool import" in empty.stderr and "Traceback" not in empty.output
    filled(project, tmp_path, write_csv)
    assert runner.invoke(app, ["report", "--lang", "de", "--project", str(project.root)]).exit_code == 2
    unknown = runner.invoke(app, ["report", "--campaign", "2031", "--project", str(project.root)])
    assert unknown.exit_code == 1 and "2023-pilot" in unknown.stderr
    assert "report" in runner.invoke(app, ["--help"]).stdout and "import" in runner.invoke(app, ["followup", "--help"]).stdout


def test_followup_import_command(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    filled(project, tmp_path, write_csv)
    assert runner.invoke(app, ["report", "--lang", "en", "--project", str(project.root)]).exit_code == 0
    path = project.reports_dir / "report.xlsx"
    wb = load_workbook(path)
    ws = wb["Recommendations"]
    cols = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=cols["Status"]).value = "accepted"
    ws.cell(row=2, column=cols["Owner"]).value = "Station team"
    ws.cell(row=3, column=cols["Status"]).value = "finished-ish"
    ws.cell(row=4, column=cols["Status"]).value = "réalisée"
    edited = tmp_path / "back.xlsx"
    wb.save(edited)

    result = runner.invoke(app, ["followup", "import", str(edited), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "3 recommendation rows read, 2 updated, 0 unchanged, 1 rejected" in result.stdout
    assert f"Recommendations!{ws.cell(row=3, column=cols['Status']).coordinate}: unknown status 'finished-ish'" in result.stderr

    again = runner.invoke(app, ["followup", "import", str(edited), "--json", "--project", str(project.root)])
    assert again.exit_code == 0, again.output
    doc = json.loads(again.stdout)
    assert (doc["rows"], doc["changed"], doc["unchanged"], doc["rejected"]) == (3, 0, 2, 1)
    assert doc["issues"][0]["code"] == "unknown-status" and doc["issues"][0]["row"] == 3

    runner.invoke(app, ["report", "--lang", "en", "--project", str(project.root)])
    statuses = [r[cols["Status"] - 1] for r in load_workbook(path)["Recommendations"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["accepted", "proposed", "done"]

    strict = runner.invoke(app, ["followup", "import", str(edited), "--strict", "--project", str(project.root)])
    assert strict.exit_code == 1 and "finished-ish" in strict.stderr

    missing = runner.invoke(app, ["followup", "import", str(tmp_path / "nope.xlsx"), "--project", str(project.root)])
    assert missing.exit_code == 1 and "nope.xlsx" in missing.stderr
