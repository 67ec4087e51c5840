"""``compare`` findings and ``export``: what researchers take away (tests/test_compare*.py and test_agreement.py test the statistics)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from walktool.analysis import AnalysisError
from walktool.cli import app
from walktool.compare import compare
from walktool.export import export
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "dark_corners", "staff_visible", "sign_exits", "feeling"]


def stop_rows(station: str, zone: str, date: str, answers: list[tuple[str, str, str, str]], prefix: str = "Nadia Bouchard ") -> list[list[str]]:
    return [[f"{prefix}{i}", station, zone, date, "20h00", *a, "mal à l'aise"] for i, a in enumerate(answers)]


def two_campaigns(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    bad = ("0", "oui", "non", "non")
    good = ("3", "non", "oui", "oui")
    before = stop_rows("Papineau", "quai", "2023-11-14", [bad] * 5) + stop_rows("Beaudry", "hall", "2023-11-15", [good] * 4)
    before += stop_rows("Atwater", "couloir", "2023-11-16", [bad] * 3)
    after = stop_rows("Papineau", "quai", "2024-10-14", [good] * 5) + stop_rows("Beaudry", "hall", "2024-10-15", [good] * 3 + [("3", "oui", "oui", "oui")])
    import_files(project, [write_csv(tmp_path / "b.csv", [HEADER, *before], sep=";")], campaign="2023-pilot", fmt="findings-table")
    import_files(project, [write_csv(tmp_path / "a.csv", [HEADER, *after], sep=";")], campaign="2024-followup", fmt="findings-table")
    return project


def test_compare_scores_and_findings(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    two_campaigns(project, tmp_path, write_csv)
    result = compare(project, "2023-pilot", "2024-followup").to_dict()
    stations = {s["name"]: s for s in result["stations"]}
    pap = stations["Papineau"]
    assert (pap["before"], pap["after"], pap["delta"]) == (0.0, 100.0, 100.0)
    # one walk a side (the five participants walked together): a big Δ, but no verdict
    assert pap["significant"] is None and pap["reason"] == "too-few-walks" and (pap["n_before"], pap["n_after"]) == (1, 1)
    assert (pap["participants_before"], pap["participants_after"]) == (5, 5)
    assert stations["Beaudry"]["delta"] < 0 and stations["Beaudry"]["significant"] is None
    assert stations["Atwater"]["after"] is None and stations["Atwater"]["delta"] is None
    assert stations["Atwater"]["reason"] == "not-walked-after"
    f = result["findings"]
    assert {(x["station"], x["item"]) for x in f["resolved"]} == {("Papineau", i) for i in ("light_level", "dark_corners", "staff_visible", "sign_exits")}
    assert {(x["station"], x["item"]) for x in f["new"]} == {("Beaudry", "dark_corners")}
    assert {x["station"] for x in f["unverified"]} == {"Atwater"}  # not revisited: never "resolved"
    assert f["persistent"] == []
    assert f["new"][0]["participants"] == 1 and f["new"][0]["severity"] == "medium"
    with pytest.raises(AnalysisError):
        compare(project, "2023-pilot", "2023-pilot")


def test_compare_cli_json_workbook_and_map(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    two_campaigns(project, tmp_path, write_csv)
    xlsx, html = tmp_path / "cmp.xlsx", tmp_path / "cmp.html"
    result = runner.invoke(app, ["compare", "--before", "2023-pilot", "--after", "2024-followup", "--json", "--out", str(xlsx), "--map", str(html), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert all({"station_id", "name", "before", "after", "delta", "significant", "ci", "p", "p_adjusted", "unit", "n_before", "n_after", "reason"} <= set(s) for s in doc["stations"])
    assert set(doc["findings"]) >= {"new", "persistent", "resolved"}
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames[0] == "Stations" and wb["Stations"]["A2"].value
    page = html.read_text(encoding="utf-8")
    assert "Papineau" in page and "CC BY 4.0" in page
    human = runner.invoke(app, ["compare", "--before", "2023-pilot", "--after", "nope", "--project", str(project.root)])
    assert human.exit_code == 1 and "nope" in human.stderr


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "parquet"])
def test_export_formats(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner, fmt: str) -> None:
    two_campaigns(project, tmp_path, write_csv)
    out = tmp_path / "out" / f"walks.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    n = project.store.count("observations")
    if fmt == "csv":
        frame = pd.read_csv(out)
        stations = pd.read_csv(out.with_name("walks-stations.csv"))
        assert {"Papineau", "Beaudry"} <= set(stations["name"])
        assert stations["lat"].between(45.4, 45.7).all()
    elif fmt == "parquet":
        frame = pd.read_parquet(out)
    else:
        import geopandas as gpd

        frame = gpd.read_file(out, layer="observations") if fmt == "gpkg" else gpd.read_file(out)
        assert frame.crs.to_epsg() == 4326
        assert set(frame["location_source"]) == {"station"}  # underground: placed at their station
    assert len(frame) == n
    assert frame["participant"].str.startswith("P-").all()
    assert b"Bouchard" not in out.read_bytes()  # observers' names are never exported
    assert not frame.drop(columns=["geometry"], errors="ignore").astype(str).apply(lambda col: col.str.contains("Bouchard")).any().any()


def test_export_errors(project: Project, runner: CliRunner, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--project", str(project.root)])
    assert empty.exit_code == 1 and "walktool import" in empty.stderr
    with pytest.raises(Exception, match="unknown export format"):
        export(project, "xls", tmp_path / "x.xls")
    bad = runner.invoke(app, ["export", "--format", "xls", "--out", str(tmp_path / "x.xls"), "--project", str(project.root)])
    assert bad.exit_code == 2
