"""The project store as GIS tools see it (what ``ogrinfo`` reports, through pyogrio/GDAL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import walktool
from walktool.ingest import import_files
from walktool.project import Project
from walktool.store import PHYSICAL, open_store
from walktool.store.gpkg_ddl import rtree_triggers

DATA = Path(__file__).parent / "data"
LAYERS = ("stations", "entrances", "lines", "stops")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = walktool.init_project(tmp_path / "walks")
    import_files(p, [DATA / "kobo" / "walktool_xml_groups.csv"], campaign="autumn")
    import_files(p, [DATA / "findings" / "walk_findings_en_bom.csv"], campaign="spring")
    yield p
    p.close()


def _gpkg(project: Project) -> Path:
    project.close()
    return project.store_path


def _rtree_consistent(path: Path) -> None:
    """Every layer's rtree holds exactly its features' boxes, and GDAL's triggers are all there."""
    con = sqlite3.connect(path)
    try:
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for layer in LAYERS:
            assert {t.split('"')[1] for t in rtree_triggers(layer)} <= triggers, layer
            ids = {r[0] for r in con.execute(f'SELECT fid FROM "{layer}" WHERE geom IS NOT NULL')}
            boxes = {r[0]: r[1:] for r in con.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{layer}_geom"')}
            assert set(boxes) == ids, layer
    finally:
        con.close()
    for layer in ("stations", "stops"):
        frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        con = sqlite3.connect(path)
        try:
            boxes = {r[0]: r[1:] for r in con.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{layer}_geom"')}
        finally:
            con.close()
        for fid, geom in frame.geometry.items():
            minx, maxx, miny, maxy = boxes[fid]  # float32, rounded outwards
            assert minx <= geom.x <= maxx and miny <= geom.y <= maxy
            assert maxx - minx < 1e-4 and maxy - miny < 1e-4


def test_every_geometry_layer_has_a_spatial_index_an_extent_and_a_crs(project: Project) -> None:
    path = _gpkg(project)
    layers = dict(pyogrio.list_layers(path).tolist())
    assert {k: layers[k] for k in LAYERS} == {"stations": "Point", "entrances": "Point", "lines": "LineString", "stops": "Point"}
    con = sqlite3.connect(path)
    try:
        extensions = set(con.execute("SELECT table_name, column_name, extension_name FROM gpkg_extensions"))
        contents = {r[0]: r[1:] for r in con.execute("SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents")}
    finally:
        con.close()
    for layer in LAYERS:
        info = pyogrio.read_info(path, layer=layer, force_total_bounds=True)
        assert info["capabilities"]["fast_spatial_filter"], layer
        assert info["crs"] == "EPSG:4326"
        assert (layer, "geom", "gpkg_rtree_index") in extensions
        assert None not in contents[layer], f"{layer} has no extent in gpkg_contents"
        # the extent written is the layer's (rtree boxes are float32: within a metre)
        assert contents[layer] == pytest.approx(tuple(info["total_bounds"]), abs=1e-4)
    flags = pyogrio.read_dataframe(
        path, sql="SELECT HasSpatialIndex('stations', 'geom') AS s, HasSpatialIndex('lines', 'geom') AS l,"
        " HasSpatialIndex('stops', 'geom') AS o, HasSpatialIndex('entrances', 'geom') AS e"
    )
    assert flags.iloc[0].tolist() == [1, 1, 1, 1]
    _rtree_consistent(path)


def test_field_types_are_what_gdal_maps(project: Project) -> None:
    walktool.recommend(project)
    path = _gpkg(project)

    def types(layer: str) -> dict[str, tuple[str, str]]:
        info = pyogrio.read_info(path, layer=layer)
        return {f: (t, s) for f, t, s in zip(info["fields"], info["ogr_types"], info["ogr_subtypes"], strict=True)}

    stops, answers, recs = types("stops"), types("observations"), types("recommendations")
    assert stops["observed_at"] == ("OFTDateTime", "OFSTNone")
    assert stops["lat"][0] == "OFTReal" and stops["source_row"][0] == "OFTInteger64"
    assert answers["is_problem"] == ("OFTInteger", "OFSTBoolean")
    assert answers["is_na"] == ("OFTInteger", "OFSTBoolean")
    assert answers["score"][0] == "OFTReal"
    assert recs["fast_track"] == ("OFTInteger", "OFSTBoolean")
    assert recs["updated_at"][0] == "OFTDateTime" and recs["due_date"][0] == "OFTDate"
    assert types("imports")["at_utc"][0] == "OFTDateTime"
    assert types("walks")["date"][0] == "OFTDate"
    # and the values read back through GDAL as such
    read = pyogrio.read_dataframe(path, layer="stops")
    assert str(read["observed_at"].dtype).startswith("datetime64")
    assert read["observed_at"].notna().all()
    assert pyogrio.read_dataframe(path, layer="observations", read_geometry=False)["is_problem"].dtype == bool


def test_every_placed_observation_has_a_point_and_says_how(project: Project) -> None:
    obs = project.store.read("observations")
    stations = project.store.read("stations").set_index("station_id")
    path = _gpkg(project)
    stops = pyogrio.read_dataframe(path, layer="stops")
    placed = stops[stops["station_id"].notna()]
    assert len(placed) and placed.geometry.notna().all() and not placed.geometry.is_empty.any()
    no_gps = placed[placed["lat"].isna()]
    assert len(no_gps), "the fixture has findings without a GPS fix"
    assert set(no_gps["location_source"]) == {"station"}
    for _, stop in no_gps.iterrows():
        st = stations.loc[stop["station_id"]]
        assert (stop.geometry.x, stop.geometry.y) == pytest.approx((st["lon"], st["lat"]))
    gps = placed[placed["lat"].notna()]
    assert set(gps["location_source"]) == {"gps"}
    assert (gps.geometry.x - gps["lon"]).abs().max() < 1e-9
    # callers still see the GPS position only in lat/lon (None when there was none)
    assert obs["lat"].isna().sum() == obs.loc[obs["location_source"] == "station"].shape[0]


def test_every_write_path_keeps_the_index_consistent(project: Project, tmp_path: Path) -> None:
    store = project.store
    # update: a station moves, another is added (upsert), one is deleted
    moved = store.read("stations").iloc[:2].copy()
    moved["lat"] += 0.01
    store.upsert("stations", pd.concat([moved, moved.iloc[:1].assign(station_id="NEW", name="Nouvelle")]))
    store.delete("stations", {"station_id": moved["station_id"].iloc[1]})
    # observations: re-import (replaces submissions), delete a file's, late photo-like single write
    import_files(project, [DATA / "kobo" / "walktool_xml_groups.csv"], campaign="autumn")
    store.delete("observations", {"source_file": "walk_findings_en_bom.csv"})
    one = store.read("observations").iloc[:1].assign(obs_id="extra", lat=45.5, lon=-73.6, location_source="gps")
    store.upsert("observations", one)
    store.replace("lines", store.read("lines").iloc[:3])
    path = _gpkg(project)
    _rtree_consistent(path)
    # GDAL (as QGIS does) can edit a layer walktool wrote: its triggers keep the index
    extra = pyogrio.read_dataframe(path, layer="stations").iloc[:1].assign(station_id="GDAL", name="par GDAL")
    pyogrio.write_dataframe(extra, path, layer="stations", append=True)
    _rtree_consistent(path)
    reopened = open_store(path)
    try:
        assert "GDAL" in set(reopened.read("stations")["station_id"])
        reopened.upsert("stations", reopened.read("stations", {"station_id": "GDAL"}).assign(lon=-73.0))
    finally:
        reopened.close()
    _rtree_consistent(path)


def test_stops_are_written_once_per_context(project: Project) -> None:
    obs = project.store.read("observations")
    con = sqlite3.connect(_gpkg(project))
    try:
        n_stops = con.execute("SELECT COUNT(*) FROM stops").fetchone()[0]
        orphans = con.execute("SELECT COUNT(*) FROM stops s WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.stop_fid = s.fid)").fetchone()[0]
    finally:
        con.close()
    context = [c.name for c in PHYSICAL["stops"].columns if c.name != "stop_id"]
    assert n_stops == len(obs[context].astype(str).drop_duplicates())
    assert orphans == 0
