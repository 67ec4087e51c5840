"""The project store, written in transactions: the interface on both backends (GeoPackage, PostGIS).

Tests taking ``store`` run on each backend (``store_location``: a GeoPackage file, then
a fresh PostGIS database of the throwaway test cluster); those taking ``gpkg`` are about
the GeoPackage file itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from walktool.errors import StoreError
from walktool.store import (
    GPKG_APPLICATION_ID,
    SCHEMA_VERSION,
    TABLES,
    GeoPackageStore,
    Store,
    open_store,
)


@pytest.fixture
def store(store_location: str | Path) -> Iterator[Store]:
    s = open_store(store_location, create=True)
    yield s
    s.close()


@pytest.fixture
def gpkg(tmp_path: Path) -> Iterator[GeoPackageStore]:
    s = GeoPackageStore(tmp_path / "test.gpkg", create=True)
    yield s
    s.close()


def _physical_count(store: Store, table: str) -> int:
    """Rows of a physical table (``stops``: one per stop audit) on either backend."""
    return int(store._one(f'SELECT COUNT(*) FROM "{table}"'))  # type: ignore[attr-defined]


def _station_point(store: Store, station_id: str) -> tuple[float, float]:
    if isinstance(store, GeoPackageStore):
        import struct

        blob = store._one("SELECT geom FROM stations WHERE station_id = ?", (station_id,))
        return struct.unpack("<dd", blob[-16:])
    return tuple(store._one("SELECT ARRAY[ST_X(geom), ST_Y(geom)] FROM stations WHERE station_id = %s", (station_id,)))  # type: ignore[attr-defined]


def _stations(*rows: tuple[str, str, float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"station_id": sid, "name": name, "lines": "green", "lat": lat, "lon": lon, "source": "test"} for sid, name, lat, lon in rows]
    )


def test_new_store_is_a_geopackage(gpkg: GeoPackageStore) -> None:
    store = gpkg
    store.upsert("stations", _stations(("A", "Atwater", 45.4898, -73.5864), ("B", "Berri-UQAM", 45.5153, -73.5610)))
    con = sqlite3.connect(store.path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 10200
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns"} <= tables
        assert set(TABLES) <= tables
        contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        assert contents["stations"] == "features"
        assert contents["walks"] == "attributes"
        geom = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns").fetchall())
        assert geom["stations"] == "POINT"
        assert geom["lines"] == "LINESTRING"
        assert con.execute("SELECT srs_id FROM gpkg_spatial_ref_sys WHERE srs_id = 4326").fetchone() == (4326,)
        bounds = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'stations'").fetchone()
        assert bounds == pytest.approx((-73.5864, 45.4898, -73.5610, 45.5153))
    finally:
        con.close()


def test_gis_libraries_read_the_store(gpkg: GeoPackageStore) -> None:
    store = gpkg
    import geopandas as gpd
    import pyogrio

    store.upsert("stations", _stations(("A", "Atwater", 45.4898, -73.5864), ("B", "Berri-UQAM", 45.5153, -73.5610)))
    store.upsert(
        "lines",
        pd.DataFrame(
            [{"line_id": "L1", "line": "green", "name": "Verte", "color": "#00B300", "coords": "[[-73.5864, 45.4898], [-73.5610, 45.5153]]"}]
        ),
    )
    layers = dict(pyogrio.list_layers(store.path).tolist())
    assert layers["stations"] == "Point"
    assert layers["lines"] == "LineString"
    assert "observations" in layers
    frame = gpd.read_file(store.path, layer="stations")
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert len(frame) == 2
    assert set(frame.geom_type) == {"Point"}
    atwater = frame.set_index("station_id").loc["A"]
    assert atwater["name"] == "Atwater"
    assert (atwater.geometry.x, atwater.geometry.y) == pytest.approx((-73.5864, 45.4898))
    lines = gpd.read_file(store.path, layer="lines")
    assert list(lines.geometry.iloc[0].coords) == [(-73.5864, 45.4898), (-73.5610, 45.5153)]


def test_upsert_by_key_updates_instead_of_duplicating(store: Store) -> None:
    assert store.upsert("stations", _stations(("A", "Atwater", 45.0, -73.0), ("B", "Berri", 45.1, -73.1))) == 2
    assert store.upsert("stations", _stations(("B", "Berri-UQAM", 45.2, -73.2), ("C", "Cadillac", 45.3, -73.3))) == 2
    frame = store.read("stations")
    assert frame["station_id"].tolist() == ["A", "B", "C"]
    assert frame.set_index("station_id").loc["B", "name"] == "Berri-UQAM"
    assert frame.set_index("station_id").loc["B", "lat"] == 45.2
    assert store.count("stations") == 3
    assert store.count("stations", {"station_id": ["A", "C"]}) == 2
    # the geometry follows the update
    assert _station_point(store, "B") == (-73.2, 45.2)


def test_replace_where_only_touches_matching_rows(store: Store) -> None:
    walks = pd.DataFrame([{"walk_id": "w1", "campaign": "2024"}, {"walk_id": "w2", "campaign": "2025"}])
    store.upsert("walks", walks)
    store.replace("walks", pd.DataFrame([{"walk_id": "w3", "campaign": "2025"}]), where={"campaign": "2025"})
    assert store.read("walks")["walk_id"].tolist() == ["w1", "w3"]
    assert store.distinct("walks", "campaign") == ["2024", "2025"]


def test_failed_write_inside_transaction_rolls_back(store: Store) -> None:
    store.upsert("stations", _stations(("A", "Atwater", 45.0, -73.0)))
    with pytest.raises(StoreError), store.transaction():
        store.upsert("stations", _stations(("B", "Berri", 45.1, -73.1)))
        store.set_meta("marker", "written")
        store.upsert("walks", pd.DataFrame([{"campaign": "no key column"}]))  # raises StoreError
    assert store.read("stations")["station_id"].tolist() == ["A"]
    assert store.get_meta("marker") is None
    # and a constraint failure from the database itself rolls back too
    with pytest.raises(StoreError, match=r"(?i)NOT NULL|null value"), store.transaction():
        store.upsert("walks", pd.DataFrame([{"walk_id": "w1"}]))
        store.upsert("walks", pd.DataFrame([{"walk_id": None}]))  # NOT NULL
    assert store.count("walks") == 0
    # the store is still usable afterwards
    store.upsert("walks", pd.DataFrame([{"walk_id": "w2"}]))
    assert store.count("walks") == 1


def test_read_types_and_nulls(store: Store) -> None:
    store.upsert("walks", pd.DataFrame([{"walk_id": "w1", "n_participants": 6}, {"walk_id": "w2", "n_participants": None}]))
    frame = store.read("walks")
    assert str(frame["n_participants"].dtype) == "Int64"
    assert frame["n_participants"].iloc[0] == 6
    assert pd.isna(frame["n_participants"].iloc[1])
    assert store.read("walks", {"walk_id": "w2"})["walk_id"].tolist() == ["w2"]
    with pytest.raises(StoreError, match="unknown store table"):
        store.read("nope")


def test_schema_version_is_stored(store: Store, store_location: str | Path) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
    store.set_meta("project", "x")
    store.close()
    reopened = open_store(store_location)
    try:
        assert reopened.schema_version == SCHEMA_VERSION
        assert reopened.get_meta("project") == "x"
    finally:
        reopened.close()


def test_newer_schema_version_refuses_to_open(tmp_path: Path) -> None:
    path = tmp_path / "future.gpkg"
    open_store(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE walktool_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    message = str(info.value)
    assert str(path) in message
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert "upgrade walktool" in message


def test_non_geopackage_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.gpkg"
    text.write_text("this is not a database, just some text that is long enough to matter\n" * 20)
    with pytest.raises(StoreError, match="not an SQLite / GeoPackage file") as info:
        open_store(text)
    assert info.value.code == "store-foreign"
    assert text.read_text().startswith("this is not a database")

    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("PRAGMA application_id = 1234")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a GeoPackage made by walktool"):
        open_store(other)


def test_missing_store_is_not_created_silently(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="walktool init"):
        open_store(tmp_path / "missing.gpkg")
    assert not (tmp_path / "missing.gpkg").exists()


def test_other_sqlite_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "someone_elses.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE budget (item TEXT, amount REAL)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a walktool project store"):
        open_store(path, create=True)
    assert path.read_bytes() == before


def _observations(n: int, campaign: str = "2024", lat: float | None = 45.5) -> pd.DataFrame:
    """``n`` answers of one stop audit per 4 rows (the stop's context repeated on each of its answers)."""
    return pd.DataFrame(
        [
            {
                "obs_id": f"{campaign}-{i}", "submission_id": f"{campaign}-s{i // 4}", "campaign": campaign,
                "participant": f"P-{i // 8}", "station_id": "A", "station_name": "Atwater", "zone": "hall",
                "observed_at": "2024-05-01T22:30:00+00:00", "item": f"item{i % 4}", "answer": "yes" if i % 3 else "no",
                "score": 1.0 if i % 3 else 0.0, "is_na": False, "is_problem": not i % 3, "source_row": i // 4 + 2,
                "lat": lat, "lon": None if lat is None else -73.58, "location_source": "gps" if lat is not None else "station",
                "source_file": f"{campaign}.csv",
            }
            for i in range(n)
        ]
    )


def test_observations_round_trip_as_tidy_rows(store: Store) -> None:
    store.upsert("stations", _stations(("A", "Atwater", 45.4898, -73.5864)))
    store.upsert("observations", pd.concat([_observations(12), _observations(8, "2025", lat=None)]))
    frame = store.read("observations")
    assert frame.columns.tolist() == TABLES["observations"].column_names
    assert len(frame) == 20 and store.count("observations") == 20
    row = frame.set_index("obs_id").loc["2024-5"]
    assert row["submission_id"] == "2024-s1" and row["item"] == "item1" and row["answer"] == "yes"
    assert row["observed_at"] == "2024-05-01T22:30:00Z"  # a GeoPackage DATETIME
    assert row["source_row"] == 3 and not row["is_problem"] and row["score"] == 1.0
    assert frame["comment"].map(lambda v: v is None).all()  # missing text is None
    # stop-level and answer-level filters, and a column subset
    assert store.count("observations", {"campaign": "2025"}) == 8
    assert store.count("observations", {"campaign": "2024", "item": "item0"}) == 3
    sub = store.read("observations", {"campaign": "2024", "item": ["item0", "item1"]}, columns=["obs_id", "station_id", "score"])
    assert sub.columns.tolist() == ["obs_id", "station_id", "score"] and len(sub) == 6
    assert store.distinct("observations", "campaign") == ["2024", "2025"]
    assert store.first_values("observations", "campaign", "observed_at") == {"2024": "2024-05-01T22:30:00Z", "2025": "2024-05-01T22:30:00Z"}
    # a long list of values (more than SQL parameters)
    many = [f"2024-{i}" for i in range(-500, 6)]
    assert store.count("observations", {"obs_id": many}) == 6
    assert len(store.read("observations", {"obs_id": many})) == 6
    # one stop per distinct context: 3 + 2 stop audits
    assert _physical_count(store, "stops") == 5


def test_deleting_observations_deletes_their_stops(store: Store) -> None:
    store.upsert("observations", pd.concat([_observations(12), _observations(8, "2025")]))
    assert store.delete("observations", {"submission_id": ["2024-s0", "2024-s1"]}) == 8
    assert store.delete("observations", {"obs_id": "2024-8"}) == 1
    assert store.count("observations") == 11
    with store.transaction():
        store.delete("observations", {"campaign": "2025"})
        # inside the transaction the uncommitted state is what is read
        assert store.count("observations") == 3
        assert len(store.read("observations")) == 3
    assert _physical_count(store, "stops") == 1
    if isinstance(store, GeoPackageStore):
        assert _physical_count(store, "rtree_stops_geom") == 1


def test_reimporting_the_same_rows_changes_nothing(store: Store) -> None:
    store.upsert("observations", _observations(12))
    before = store.read("observations")
    store.upsert("observations", _observations(12))
    pd.testing.assert_frame_equal(store.read("observations"), before)
    changed = _observations(12)
    changed.loc[changed["submission_id"] == "2024-s0", "zone"] = "platform"  # a corrected sheet
    store.upsert("observations", changed)
    after = store.read("observations").set_index("obs_id")
    assert after.loc["2024-0", "zone"] == "platform" and after.loc["2024-4", "zone"] == "hall"
    assert _physical_count(store, "stops") == 3  # the old context is gone


def test_stops_are_distinct_contexts_wherever_their_answers_come(gpkg: GeoPackageStore) -> None:
    store = gpkg
    """Answers of one stop audit split by another's (and contexts with missing values) still make one stop each."""
    store.upsert("stations", _stations(("A", "Atwater", 45.4898, -73.5864)))
    no_gps = _observations(8, "2025", lat=None)  # two stop audits without a position (NaN lat / lon)
    frame = pd.concat([no_gps.iloc[[0, 1]], _observations(4), no_gps.iloc[[2, 3, 4, 5]], no_gps.iloc[[6, 7]]], ignore_index=True)
    frame.loc[frame["obs_id"] == "2025-5", "item"] = "item9"  # answer-level columns do not split a stop
    store.upsert("observations", frame)
    assert store.count("observations") == 12
    con = sqlite3.connect(store.path)
    try:
        stops = con.execute("SELECT submission_id, COUNT(*) FROM stops GROUP BY 1 ORDER BY 1").fetchall()
        assert stops == [("2024-s0", 1), ("2025-s0", 1), ("2025-s1", 1)]
        per_stop = con.execute("SELECT s.submission_id, COUNT(*) FROM observations o JOIN stops s ON s.fid = o.stop_fid GROUP BY 1 ORDER BY 1").fetchall()
        assert per_stop == [("2024-s0", 4), ("2025-s0", 4), ("2025-s1", 4)]
    finally:
        con.close()
