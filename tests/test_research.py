"""``compare``, ``agreement`` and ``export``: what researchers take away."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from walktool.agreement import agreement, fleiss
from walktool.analysis import AnalysisError
from walktool.cli import app
from walktool.compare import compare, permutation_p
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
    assert pap["significant"] is True and pap["p_value"] < 0.05
    assert stations["Beaudry"]["delta"] < 0 and stations["Beaudry"]["significant"] is False  # one person's dark corner
    assert stations["Atwater"]["after"] is None and stations["Atwater"]["delta"] is None
    f = result["findings"]
    assert {(x["station"], x["item"]) for x in f["resolved"]} == {("Papineau", i) for i in ("light_level", "dark_corners", "staff_visible", "sign_exits")}
    assert {(x["station"], x["item"]) for x in f["new"]} == {("Beaudry", "dark_corners")}
    assert {x["station"] for x in f["unverified"]} == {"Atwater"}  # not revisited: never "resolved"
    assert f["persistent"] == []
    with pytest.raises(AnalysisError):
        compare(project, "2023-pilot", "2023-pilot")


def test_permutation_p_is_repeatable() -> None:
    assert permutation_p([0, 0, 0], [100, 100, 100]) == permutation_p([0, 0, 0], [100, 100, 100])
    assert permutation_p([0, 0, 0], [100, 100, 100]) < 0.2
    assert permutation_p([50, 60, 55], [52, 58, 57]) > 0.5
    assert permutation_p([1], [2, 3]) is None


def test_compare_cli_json_workbook_and_map(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    two_campaigns(project, tmp_path, write_csv)
    xlsx, html = tmp_path / "cmp.xlsx", tmp_path / "cmp.html"
    result = runner.invoke(app, ["compare", "--before", "2023-pilot", "--after", "2024-followup", "--json", "--out", str(xlsx), "--map", str(html), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert all({"station_id", "name", "before", "after", "delta", "significant"} <= set(s) for s in doc["stations"])
    assert set(doc["findings"]) >= {"new", "persistent", "resolved"}
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames[0] == "Stations" and wb["Stations"]["A2"].value
    page = html.read_text(encoding="utf-8")
    assert "Papineau" in page and "CC BY 4.0" in page
    human = runner.invoke(app, ["compare", "--before", "2023-pilot", "--after", "nope", "--project", str(project.root)])
    assert human.exit_code == 1 and "nope" in human.stderr


def test_fleiss_kappa_known_values() -> None:
    # Fleiss (1971)-style check: perfect agreement → κ = 1; independent raters → κ ≈ 0
    perfect = pd.DataFrame({"yes": [3, 0, 3, 0], "no": [0, 3, 0, 3]})
    assert fleiss(perfect)["kappa"] == 1.0 and fleiss(perfect)["agreement"] == 1.0
    split = pd.DataFrame({"yes": [1, 1, 1, 1], "no": [1, 1, 1, 1]})
    assert fleiss(split)["agreement"] == 0.0 and fleiss(split)["kappa"] == -1.0
    # Wikipedia's worked example of Fleiss' kappa: 10 subjects, 14 raters, 5 categories → κ = 0.210
    table = pd.DataFrame(
        [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
         [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    )
    result = fleiss(table)
    assert result["kappa"] == pytest.approx(0.210, abs=0.001) and result["level"] == "fair"


def test_agreement_per_item(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    two_campaigns(project, tmp_path, write_csv)
    result = agreement(project, "2024-followup").to_dict()
    items = {r["item"]: r for r in result["items"]}
    assert items["dark_corners"]["subjects"] == 2 and items["dark_corners"]["agreement"] == pytest.approx((1 + 0.5) / 2)
    assert items["light_level"]["agreement"] == 1.0 and items["light_level"]["kappa"] is None  # all alike
    assert "feeling" not in items  # perception is meant to differ
    cli = runner.invoke(app, ["agreement", "--campaign", "2024-followup", "--json", "--project", str(project.root)])
    assert cli.exit_code == 0 and json.loads(cli.stdout) == json.loads(json.dumps(result))


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


def test_agreement_compares_counts_as_problem_or_not(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Observatrice", "Station", "Zone", "Date", "Heure", "lights_out"]
    # 3 and 4 lights out are both a problem; exact values differ but the verdict agrees
    rows = [["A", "Papineau", "quai", "2023-11-14", "20h00", "3"], ["B", "Papineau", "quai", "2023-11-14", "20h00", "4"]]
    import_files(project, [write_csv(tmp_path / "c.csv", [header, *rows], sep=";")], campaign="c", fmt="findings-table")
    item = agreement(project).to_dict()["items"][0]
    assert item["item"] == "lights_out" and item["agreement"] == 1.0
