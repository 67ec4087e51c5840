"""A mapping file alone makes any table importable (failure 7 of issue 16).

The worked example of docs/mapping.md (docs/examples/station_audit.*) is imported here as
the docs say; the MTM zone 8 conversion is checked against a published SPVM row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.columns import load_mapping
from walktool.errors import SheetFormatError
from walktool.positions import to_degrees
from walktool.project import Project
from walktool.readers import detect_format
from walktool.readers._base import Probe

WriteCsv = Callable[..., Path]
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
AUDIT = EXAMPLES / "station_audit.csv"
AUDIT_MAP = EXAMPLES / "station_audit.mapping.yaml"
DATA = Path(__file__).parent / "data" / "mapping"


def _write_map(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_mapping_the_foreign_table_is_not_recognised(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["import", "--project", str(project.root), str(AUDIT)])
    assert result.exit_code == 1 and "walktool does not recognise this file" in result.stderr
    forced = runner.invoke(app, ["import", "--project", str(project.root), "--format", "findings-table", str(AUDIT)])
    assert forced.exit_code == 1 and "no header row found" in forced.stderr


def test_a_mapping_alone_implies_the_findings_table_reader_and_the_first_row_header(project: Project) -> None:
    mapping, _ = load_mapping(AUDIT_MAP, project.protocol())
    assert detect_format(AUDIT, Probe(AUDIT, mapping)).name == "findings-table"
    result = walktool.import_files(project, [AUDIT], mapping=AUDIT_MAP)
    report = result.files[0]
    assert (report.format, report.rows, report.accepted, report.rejected) == ("findings-table", 5, 5, 0)
    assert not report.issues, [str(i) for i in report.issues]
    obs = project.store.read("observations").sort_values("source_row")
    assert obs["station_name"].tolist() == ["Berri-UQAM", "Berri-UQAM", "McGill", "Jean-Talon", "Jean-Talon"]
    assert obs["item"].tolist() == ["light_level", "dark_corners", "offensive_graffiti", "emergency_phone", "broken_equipment"]
    assert obs["zone"].tolist() == ["hall", "platform", "entrance", "hall", "platform"]
    assert obs["severity"].tolist() == ["high", "medium", "low", "critical", "medium"]
    assert obs["local_time"].iloc[0] == "2023-11-14T19:40:00-05:00"
    assert set(obs["location_source"]) == {"gps"}
    # Easting / Northing in MTM zone 8 became WGS84 degrees beside the stations
    stations = walktool.load_stations(project).stations.set_index("name")
    berri = stations.loc["Berri-UQAM"]
    assert abs(obs["lat"].iloc[0] - berri["lat"]) < 0.0002 and abs(obs["lon"].iloc[0] - berri["lon"]) < 0.0002
    # the observer column gave pseudonyms only
    assert "Audrey L." not in obs.to_csv()


def test_forced_findings_table_with_a_mapping_reads_row_1_as_the_header(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["import", "--json", "--project", str(project.root), "--format", "findings-table", "--map", str(AUDIT_MAP), str(AUDIT)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["files"][0]["rows"], doc["accepted"]) == (5, 5)


def test_dry_run_shows_the_column_plan(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["import", "--dry-run", "--project", str(project.root), "--map", str(AUDIT_MAP), str(AUDIT)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "context: lon (x in EPSG:32188)" in out and "context: item" in out
    assert project.store.count("observations") == 0


def test_header_row_from_the_mapping_and_its_errors(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [line.split(",") for line in AUDIT.read_text("utf-8").splitlines()[:3]]
    rows = [["Audit de la STM, novembre 2023"], ["Site", "Area", "Observation"], *[[r[1], r[2], r[3]] for r in rows[1:]]]
    path = write_csv(tmp_path / "audit.csv", rows)
    base = "columns: {Site: station, Area: zone, Observation: item}\nanswers: {item: {Poor lighting: light_level, Dark corner: dark_corners}}\n"
    # the row naming the mapping's columns is the header (the title row above is skipped)
    found = walktool.import_files(project, [path], mapping=_write_map(tmp_path / "m.yaml", base), dry_run=True)
    assert (found.files[0].rows, found.accepted) == (2, 2)
    told = walktool.import_files(project, [path], mapping=_write_map(tmp_path / "m2.yaml", "header_row: 2\n" + base), dry_run=True)
    assert (told.files[0].rows, told.accepted) == (2, 2)
    beyond = walktool.import_files(project, [path], mapping=_write_map(tmp_path / "m3.yaml", "header_row: 9\n" + base), dry_run=True)
    assert "says the column names are in row 9, but that row is past the last row (4)" in str(beyond.files[0].error)
    with pytest.raises(SheetFormatError, match="header_row must be a row number"):
        load_mapping(_write_map(tmp_path / "m4.yaml", "header_row: zero\n" + base), project.protocol())


def test_mapping_problems_are_listed_together(project: Project, tmp_path: Path) -> None:
    path = _write_map(tmp_path / "bad.yaml", "crs: EPSG:999999\ncolumns: {E: x, Q: nothing}\nanswers: {zone: {a: hall}, nope: {a: b}}\n")
    with pytest.raises(SheetFormatError) as info:
        load_mapping(path, project.protocol())
    message = str(info.value)
    assert "crs 'EPSG:999999' is not a coordinate reference system" in message
    assert "column 'Q' maps to 'nothing'" in message
    assert "needs both an x (easting) and a y (northing) column" in message
    assert "answers for 'nope'" in message and "answers for 'zone'" not in message


def test_mtm8_conversion_matches_a_published_spvm_position() -> None:
    """SPVM's "Actes criminels" open data gives both X / Y (MTM zone 8) and LAT / LONG for each row."""
    row = pd.read_csv(DATA / "spvm_actes_criminels_2016.csv").iloc[0]
    lat, lon = to_degrees(pd.Series([row["X"]]), pd.Series([row["Y"]]), "EPSG:32188")
    assert lat[0] == pytest.approx(row["LAT"], abs=1e-7)
    assert lon[0] == pytest.approx(row["LONG"], abs=1e-7)


def test_utm_coordinates_with_decimal_commas(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    from pyproj import Transformer

    berri = walktool.load_stations(project).stations.set_index("name").loc["Berri-UQAM"]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32618", always_xy=True).transform(berri["lon"], berri["lat"])
    french = f"{x:,.1f}".replace(",", " ").replace(".", ",")  # "611 234,5"
    path = write_csv(tmp_path / "utm.csv", [["Lieu-dit", "Constat", "E", "N"], ["", "Coins sombres", french, f"{y:.1f}"], ["", "Coins sombres", "n/a", "1"]], sep=";")
    mapping = _write_map(tmp_path / "utm.yaml", "crs: EPSG:32618\ncolumns: {Constat: item, E: x, N: y, Lieu-dit: ignore}\n")
    result = walktool.import_files(project, [path], mapping=mapping, dry_run=True)
    report = result.files[0]
    assert report.accepted == 1 and report.rejected == 1
    codes = [(i.code, i.row) for i in report.issues]
    assert ("bad-coordinates", 3) in codes and ("no-station", 3) in codes


def test_wkt_point_column_in_degrees_or_in_the_mappings_crs(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    """A QGIS CSV export ("Geometry: AS_WKT") puts the point first, in a WKT column."""
    from pyproj import Transformer

    mcgill = walktool.load_stations(project).stations.set_index("name").loc["McGill"]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True).transform(mcgill["lon"], mcgill["lat"])
    rows = [["WKT", "constat"],
            [f"POINT ({mcgill['lon']:.6f} {mcgill['lat']:.6f})", "dark_corners"],
            [f"SRID=32188;POINT({x:.2f} {y:.2f})", "dark_corners"],
            ["LINESTRING (0 0, 1 1)", "dark_corners"]]
    path = write_csv(tmp_path / "qgis.csv", rows)
    mapping = _write_map(tmp_path / "wkt.yaml", "columns: {WKT: wkt, constat: item}\n")
    result = walktool.import_files(project, [path], mapping=mapping)
    report = result.files[0]
    assert (report.accepted, report.rejected) == (2, 1)
    assert {i.code for i in report.issues if i.row == 4} == {"bad-coordinates", "no-station"}
    obs = project.store.read("observations").sort_values("source_row")
    assert obs["station_name"].tolist() == ["McGill", "McGill"]
    assert obs["lat"].iloc[1] == pytest.approx(mcgill["lat"], abs=1e-6)
    in_mtm = _write_map(tmp_path / "wkt8.yaml", "crs: EPSG:32188\ncolumns: {WKT: wkt, constat: item}\n")
    path2 = write_csv(tmp_path / "qgis8.csv", [["WKT", "constat"], [f"POINT Z ({x:.2f} {y:.2f} 12)", "dark_corners"]])
    again = walktool.import_files(project, [path2], mapping=in_mtm, dry_run=True)
    assert again.accepted == 1 and not again.files[0].issues
