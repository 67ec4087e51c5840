"""Schema v6: the project store's feature views (station scores, findings) and their QGIS layer styles."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pyogrio
import pytest

from walktool.analysis import summarize
from walktool.ingest import import_files
from walktool.project import Project
from walktool.store import SCHEMA_VERSION, open_store

V5 = Path(__file__).parent / "data" / "store" / "v5-walktool.gpkg"
WriteCsv = Callable[..., Path]


def _styles(path: Path) -> dict[str, tuple]:
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault FROM layer_styles").fetchall()
    return {r[0]: r for r in rows}


def _check_layers(path: Path) -> None:
    layers = dict(pyogrio.list_layers(path))
    assert layers["station_scores"] == "Point" and layers["findings"] == "Point"
    info = pyogrio.read_info(path, layer="station_scores")
    assert {"campaign", "station_id", "name", "score", "observations", "participants", "findings_critical"} <= set(info["fields"])
    assert info["crs"] == "EPSG:4326"
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["score"] == "float64" and types["observations"] == types["findings_critical"] == "int64"
    styles = _styles(path)
    assert set(styles) >= {"station_scores", "findings"}
    assert styles["station_scores"][1] == "geom" and styles["station_scores"][4] == 1
    assert 'attr="score"' in styles["station_scores"][3] and 'attr="severity"' in styles["findings"][3]


def test_v5_store_migrates_to_views_and_styles(tmp_path: Path) -> None:
    with sqlite3.connect(f"file:{V5}?mode=ro", uri=True) as con:
        assert con.execute("SELECT value FROM walktool_meta WHERE key = 'schema_version'").fetchone() == ("5",)
        assert not con.execute("SELECT name FROM sqlite_master WHERE name IN ('station_scores', 'findings', 'layer_styles')").fetchall()
        problems = con.execute("SELECT COUNT(*) FROM observations WHERE is_problem").fetchone()[0]
    path = tmp_path / "walktool.gpkg"
    shutil.copy(V5, path)
    store = open_store(path)  # opening migrates
    try:
        assert store.schema_version == SCHEMA_VERSION == 6
    finally:
        store.close()
    _check_layers(path)
    scores = pyogrio.read_dataframe(path, layer="station_scores")
    assert set(scores["campaign"]) == {"autumn-2023", "spring-2024"} and scores.geometry.notna().all()
    findings = pyogrio.read_dataframe(path, layer="findings")
    assert len(findings) == problems > 0 and findings["severity"].notna().all()
    assert int(scores["findings_total"].sum()) <= problems  # findings at a station, counted per campaign × station
    again = open_store(path)  # a second open leaves it alone
    again.close()
    assert len(_styles(path)) == 2


def test_views_follow_imports_and_match_summary(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "dark_corners", "staff_visible", "sign_exits"]
    rows = [[f"P{i}", "Papineau", "quai", "2023-11-14", "20h00", "1", "oui", "non", "oui"] for i in range(3)]
    rows += [[f"Q{i}", "Beaudry", "hall", "2023-11-15", "20h00", "3", "non", "oui", "oui"] for i in range(2)]
    path = project.root / "walktool.gpkg"
    _check_layers(path)  # a new store has them
    assert len(pyogrio.read_dataframe(path, layer="station_scores")) == 0
    import_files(project, [write_csv(tmp_path / "a.csv", [header, *rows], sep=";")], campaign="c1", fmt="findings-table")
    view = pyogrio.read_dataframe(path, layer="station_scores").set_index("station_id")
    summary = summarize(project, "c1").stations.set_index("station_id")
    assert set(view.index) == set(summary.index)
    for sid in summary.index:
        assert view.loc[sid, "score"] == pytest.approx(summary.loc[sid, "score"], abs=0.01)
        assert view.loc[sid, "participants"] == summary.loc[sid, "participants"]
    assert len(pyogrio.read_dataframe(path, layer="findings")) == project.store.count("observations", {"is_problem": True})
