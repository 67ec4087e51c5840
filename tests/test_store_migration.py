"""Migrating a store written by the previous release (schema v2, tests/data/store/README.md)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyogrio
import pytest

from walktool.store import SCHEMA_VERSION, TABLES, open_store

V2 = Path(__file__).parent / "data" / "store" / "v2-walktool.gpkg"
V5_TABLES = ("incident_sources", "incidents", "comment_flags")


def _old(table: str) -> list[dict]:
    con = sqlite3.connect(f"file:{V2}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f'SELECT * FROM "{table}" ORDER BY fid')]
    finally:
        con.close()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "walktool.gpkg"
    shutil.copy(V2, path)
    store = open_store(path)  # opening migrates
    try:
        assert store.schema_version == SCHEMA_VERSION == 6
    finally:
        store.close()
    return path


def test_the_fixture_is_a_v2_store() -> None:
    con = sqlite3.connect(f"file:{V2}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT value FROM walktool_meta WHERE key = 'schema_version'").fetchone() == ("2",)
        assert con.execute("SELECT COUNT(*) FROM observations WHERE geom IS NULL").fetchone()[0] > 0
    finally:
        con.close()


def test_counts_and_values_survive(migrated: Path) -> None:
    store = open_store(migrated)
    try:
        for name in TABLES:
            assert store.count(name) == (len(_old(name)) if name not in V5_TABLES else 0), name
        old = {r["obs_id"]: r for r in _old("observations")}
        new = store.read("observations").set_index("obs_id")
        assert set(new.index) == set(old)
        for obs_id, row in old.items():
            got = new.loc[obs_id]
            for col in TABLES["observations"].column_names:
                if col == "obs_id":
                    continue
                before, after = row[col], got[col]
                if before is None:
                    assert after is None or after != after, (obs_id, col, after)
                elif col in ("is_na", "is_problem"):
                    assert bool(after) == bool(before), (obs_id, col)
                elif isinstance(before, float):
                    assert after == pytest.approx(before), (obs_id, col)
                else:
                    assert str(after) == str(before), (obs_id, col)
        recs = store.read("recommendations").set_index("rec_id")
        for r in _old("recommendations"):
            assert recs.loc[r["rec_id"], "priority"] == pytest.approx(r["priority"])
            assert bool(recs.loc[r["rec_id"], "fast_track"]) == bool(r["fast_track"])
            assert recs.loc[r["rec_id"], "evidence"] == r["evidence"]
        # the import log's times are GeoPackage DATETIMEs now (UTC, "Z"), the same instants
        times = store.read("imports")["at_utc"].tolist()
        assert times == [r["at_utc"].replace("+00:00", "Z") for r in sorted(_old("imports"), key=lambda r: r["import_id"])]
        assert store.get_meta("stations_credit") == "Source: Société de transport de Montréal (STM), données GTFS, CC BY 4.0"
        assert store.get_meta("pseudonym_salt")  # the pseudonyms stay the same after migrating
    finally:
        store.close()


def test_the_migrated_store_is_a_proper_geopackage(migrated: Path) -> None:
    for layer in ("stations", "entrances", "lines", "stops"):
        info = pyogrio.read_info(migrated, layer=layer, force_total_bounds=True)
        assert info["capabilities"]["fast_spatial_filter"], layer
    con = sqlite3.connect(migrated)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        extents = {r[0]: r[1:] for r in con.execute("SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents")}
        assert None not in extents["lines"] and None not in extents["stops"]
        # the six observations without GPS (no geometry in v2) now have their station's point
        assert con.execute("SELECT COUNT(*) FROM stops WHERE geom IS NULL").fetchone()[0] == 0
        placed = con.execute(
            "SELECT COUNT(*) FROM observations o JOIN stops s ON s.fid = o.stop_fid WHERE s.location_source = 'station'"
        ).fetchone()[0]
        assert placed == sum(1 for r in _old("observations") if r["geom"] is None) > 0
        assert con.execute("SELECT COUNT(*) FROM rtree_stops_geom").fetchone()[0] == con.execute("SELECT COUNT(*) FROM stops").fetchone()[0]
        assert not list(con.execute("SELECT name FROM sqlite_master WHERE name LIKE '_v2_%'"))
    finally:
        con.close()
    stops = pyogrio.read_dataframe(migrated, layer="stops")
    assert str(stops["observed_at"].dtype).startswith("datetime64")


def test_opening_again_changes_nothing(migrated: Path) -> None:
    before = migrated.read_bytes()
    open_store(migrated).close()
    assert migrated.read_bytes() == before


def test_the_analyses_read_the_migrated_store(migrated: Path, tmp_path: Path) -> None:
    import walktool

    project = walktool.init_project(tmp_path / "p")
    project.close()
    shutil.copy(migrated, project.store_path)
    project = walktool.open_project(tmp_path / "p")
    try:
        summary = walktool.summarize(project, "autumn-2023").to_dict()
        assert summary["network"]["observations"] == sum(1 for r in _old("observations") if r["campaign"] == "autumn-2023")
        assert walktool.recommend(project, "autumn-2023").frame["rec_id"].tolist()
    finally:
        project.close()


def test_a_v3_store_gets_the_provenance_columns(tmp_path: Path) -> None:
    from walktool.store.migrations import V4_COLUMNS

    path = tmp_path / "walktool.gpkg"
    open_store(path, create=True).close()
    con = sqlite3.connect(path)
    try:  # the v3 layout: without the columns v4 added
        for table, names in V4_COLUMNS.items():
            for name in names:
                con.execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
        con.execute("UPDATE walktool_meta SET value = '3' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()
    store = open_store(path)
    try:
        assert store.schema_version == SCHEMA_VERSION == 6
        for table, names in V4_COLUMNS.items():
            assert set(names) <= {r[1] for r in store._rows(f'PRAGMA table_info("{table}")')}, table
        assert store.read("imports").columns.tolist() == TABLES["imports"].column_names
    finally:
        store.close()


def test_imports_of_the_previous_release_name_their_rules(migrated: Path, tmp_path: Path) -> None:
    import walktool
    from walktool.provenance import imported_with

    project = walktool.init_project(tmp_path / "p")
    project.close()
    shutil.copy(migrated, project.store_path)
    project = walktool.open_project(tmp_path / "p")
    try:  # no rules recorded then: the version named on the observations, hashed from protocols/
        summary = walktool.summarize(project, "autumn-2023").to_dict()
        assert summary["protocol"] == "stm-exploratory-walk@1.0"
        assert summary["rules_hash"] == project.protocol().rules_hash
        assert imported_with(project, "autumn-2023") == [("stm-exploratory-walk@1.0", project.protocol().rules_hash)]
    finally:
        project.close()


def test_a_v4_store_gains_the_v5_tables(tmp_path: Path) -> None:
    path = tmp_path / "walktool.gpkg"
    open_store(path, create=True).close()
    con = sqlite3.connect(path)
    for name in V5_TABLES:
        con.execute(f'DROP TABLE "{name}"')
        con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (name,))
        con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (name,))
        con.execute("DELETE FROM gpkg_extensions WHERE table_name = ?", (name,))
    con.execute("DROP TABLE IF EXISTS rtree_incidents_geom")
    con.execute("UPDATE walktool_meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = open_store(path)
    try:
        assert store.schema_version == SCHEMA_VERSION
        assert all(store.count(name) == 0 for name in V5_TABLES)
    finally:
        store.close()
    info = pyogrio.read_info(path, layer="incidents")
    assert info["geometry_type"] == "Point"
