"""Recorded incidents: the Montréal layout (both headers), counts per station, the perceived/recorded gap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from walktool.cli import app
from walktool.incidents import (
    IncidentMapping,
    compare_incidents,
    import_incidents,
    read_incidents,
    station_counts,
)
from walktool.ingest import import_files
from walktool.project import Project

DATA = Path(__file__).parent / "data" / "incidents"
NEW = DATA / "actes-criminels.csv"
OLD = DATA / "actes-criminels-2019-layout.csv"
# station → (lat, lon, feeling answers): Monk 75 % unsafe, Jolicoeur 25 %, Atwater 50 %, Papineau 100 %
FEELINGS = {
    "Monk": (45.451166, -73.593265, ["frightening", "uncomfortable", "frightening", "comfortable"]),
    "Jolicoeur": (45.456783, -73.581991, ["comfortable", "comfortable", "uncomfortable", "comfortable"]),
    "Atwater": (45.490038, -73.585731, ["comfortable", "uncomfortable", "frightening", "comfortable"]),
    "Papineau": (45.523717, -73.552073, ["frightening", "frightening", "uncomfortable", "uncomfortable"]),
}


def feelings_project(project: Project, tmp_path: Path) -> Project:
    features = []
    for station, (lat, lon, answers) in FEELINGS.items():
        for i, answer in enumerate(answers):
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"station": station, "zone": "quai", "item": "feeling", "answer": answer,
                               "observer": f"Personne {i}", "date": "2024-11-05", "time": "21:00"},
            })
    path = tmp_path / "feelings.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    import_files(project, [path], campaign="2024")
    return project


@pytest.mark.parametrize("path", [NEW, OLD], ids=["current-header", "older-header"])
def test_both_montreal_headers_read_the_same(path: Path) -> None:
    read = read_incidents(path)
    assert read.layout == "montreal-actes-criminels"
    assert read.rows == 24 and len(read.incidents) == 22 and read.rejected == 2
    assert int(read.incidents["placed"].sum()) == 19  # 0,0 / empty / 0,0 with 1.0,1.0: unplaced, kept
    assert sorted(i.code for i in read.issues) == ["bad-date", "unknown-category"]
    assert all(i.file == path.name and i.row and i.column for i in read.issues)
    first = read.incidents.iloc[0]
    assert (first["category"], first["date"], first["period"], first["shift"], first["district"]) == ("mischief", "2024-01-10", "day", "jour", "15")
    # X/Y in EPSG:2950 back to the WGS84 point the fixture was made from
    assert first["lat"] == pytest.approx(45.457321987, abs=1e-6) and first["lon"] == pytest.approx(-73.581991, abs=1e-6)
    assert read.source["licence"] == "CC BY 4.0" and "SPVM" in read.source["publisher"]


def test_import_stores_source_and_counts_per_station(project: Project) -> None:
    result = import_incidents(project, NEW)
    assert (result.rows, result.accepted, result.placed, result.unplaced, result.rejected) == (24, 22, 19, 3, 2)
    assert result.rows == result.accepted + result.rejected
    assert project.store.count("incidents") == 22
    (source,) = project.store.read("incident_sources").to_dict("records")
    assert source["licence"] == "CC BY 4.0" and source["unplaced"] == 3 and source["file"] == NEW.name
    again = import_incidents(project, NEW)  # the same file again replaces its incidents
    assert again.source_id == result.source_id and project.store.count("incidents") == 22
    counts = station_counts(project).set_index("name")
    assert counts.loc[["Monk", "Jolicoeur", "Papineau", "Atwater"], "incidents"].tolist() == [0, 2, 6, 10]
    assert counts.loc["Atwater", "day"] + counts.loc["Atwater", "night"] == 10
    assert counts.loc["Papineau", "category:mischief"] >= 1
    assert int(counts["incidents"].sum()) == 18  # the far one counts nowhere


def test_the_largest_gap_is_monk(project: Project, tmp_path: Path) -> None:
    feelings_project(project, tmp_path)
    import_incidents(project, OLD)
    doc = compare_incidents(project).to_dict()
    gaps = {s["name"]: s["gap"] for s in doc["stations"]}
    assert doc["stations"][0]["name"] == "Monk" and gaps["Monk"] == pytest.approx(0.5)
    assert doc["felt_not_recorded"][0] == "Monk" and doc["recorded_not_felt"][0] == "Atwater"
    assert gaps["Atwater"] == pytest.approx(-0.5)
    assert doc["rank_correlation"]["stations"] == 4 and doc["rank_correlation"]["rho"] == pytest.approx(0.0)


def test_cli_import_compare_and_summary(project: Project, tmp_path: Path) -> None:
    feelings_project(project, tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["incidents", "import", str(NEW), "--project", str(project.root), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["accepted"], doc["unplaced"], doc["rejected"]) == (22, 3, 2)
    res = runner.invoke(app, ["incidents", "compare", "--project", str(project.root), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stations"][0]["name"] == "Monk"
    res = runner.invoke(app, ["incidents", "compare", "--project", str(project.root)])
    assert res.exit_code == 0 and "Monk" in res.stdout and "Spearman" in res.stdout
    res = runner.invoke(app, ["summary", "--project", str(project.root), "--json"])
    stations = {s["name"]: s for s in json.loads(res.stdout)["stations"]}
    assert stations["Atwater"]["recorded_incidents"]["incidents"] == 10
    assert stations["Monk"]["recorded_incidents"]["incidents"] == 0


def test_a_mapped_geojson_and_a_bad_file(project: Project, tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-73.5852, 45.4902]},
         "properties": {"type": "harassment", "when": "2024-06-01T22:15:00"}},
        {"type": "Feature", "geometry": None, "properties": {"type": "harassment", "when": "2024-06-02T10:00:00"}},
    ]
    path = tmp_path / "reports.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  category: type\n  date: when\n  time: when\nsource:\n  name: Safety reports\n  licence: ODbL\n", encoding="utf-8")
    result = import_incidents(project, path, mapping=IncidentMapping.load(mapping))
    assert (result.accepted, result.placed, result.unplaced) == (2, 1, 1)
    stored = project.store.read("incidents").sort_values("date")
    assert stored["category"].tolist() == ["harassment", "harassment"]
    assert station_counts(project).set_index("name").loc["Atwater", "incidents"] == 1

    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["incidents", "import", str(other), "--project", str(project.root)])
    assert res.exit_code == 1 and "other.csv" in res.stderr and "--map" in res.stderr


def test_map_layers_and_workbook_sheet(project: Project, tmp_path: Path) -> None:
    import re

    from openpyxl import load_workbook

    from walktool.maps import build_map, map_html
    from walktool.report import write_report

    feelings_project(project, tmp_path)
    import_incidents(project, NEW)
    fmap = build_map(project, lang="en")
    page = map_html(fmap)
    assert "Recorded incidents (per station)" in page and "Recorded incidents (density)" in page
    assert "10 recorded incidents within 250 m" in page and "CC BY 4.0" in page
    # the heat layer's points are on the 0.001° grid: no incident at the publisher's own position
    heat = re.search(r"L\.heatLayer\(\s*(\[\[[^;]*?\]\])", page)
    assert heat, "the incidents' heat layer is in the page"
    cells = json.loads(heat.group(1))
    assert cells and all(round(c[0], 3) == c[0] and round(c[1], 3) == c[1] for c in cells)
    assert sum(c[2] for c in cells) == 19
    assert "45.457321987" not in page and "45.45732" not in page
    result = write_report(project, lang="en", out=tmp_path / "report.xlsx")
    assert "Incidents" in result.sheets and "Coverage" in result.sheets
    ws = load_workbook(result.path)["Incidents"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] in FEELINGS]
    assert rows[0][0] == "Monk" and rows[0][3] == 0
    assert {r[0]: r[3] for r in rows}["Atwater"] == 10
