"""The reference stations layer: the packaged STM network, other agencies' files, matching."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import walktool
from walktool.errors import StationsError
from walktool.project import Project
from walktool.stations import (
    LINE_COLOURS,
    StationLayer,
    StationMatcher,
    builtin_stations,
    load_stations,
    nearest_stations,
    read_stations_file,
    save_stations,
)

GTFS_STATIONS = {"ST-A": "Union", "ST-B": "King", "ST-C": "Queen"}
GTFS_ENTRANCES = {"EN-A1": "ST-A", "EN-A2": "ST-A", "EN-B1": "ST-B", "EN-C1": "ST-C"}


@pytest.fixture(scope="module")
def stm() -> StationLayer:
    return builtin_stations()


@pytest.fixture(scope="module")
def matcher(stm: StationLayer) -> StationMatcher:
    return StationMatcher(stm.stations)


def _id_of(stm: StationLayer, name: str) -> str:
    ids = stm.stations.loc[stm.stations["name"] == name, "station_id"].tolist()
    assert len(ids) == 1, name
    return str(ids[0])


# ---------------------------------------------------------------------------
# The packaged STM network
# ---------------------------------------------------------------------------


def test_builtin_layer_counts_and_columns(stm: StationLayer) -> None:
    assert len(stm.stations) == 68
    assert len(stm.entrances) == 137
    assert len(stm.lines) == 9
    assert list(stm.stations.columns) == ["station_id", "name", "lines", "lat", "lon"]
    assert stm.stations["station_id"].is_unique
    assert stm.entrances["entrance_id"].is_unique
    assert set(stm.entrances["station_id"]) <= set(stm.stations["station_id"])
    assert stm.stations["lat"].between(45.40, 45.72).all()
    assert stm.stations["lon"].between(-73.97, -73.47).all()
    assert stm.source == "stm"
    assert "Société de transport de Montréal (STM)" in stm.credit
    assert "CC BY 4.0" in stm.credit


def test_builtin_station_names_keep_accents_and_dashes(stm: StationLayer) -> None:
    names = set(stm.stations["name"])
    assert "Côte-des-Neiges" in names
    assert "Square-Victoria–OACI" in names  # en dash
    assert "Square-Victoria-OACI" not in names
    assert "Longueuil–Université-de-Sherbrooke" in names
    assert "Berri-UQAM" in names


def test_builtin_lines_have_official_colours(stm: StationLayer) -> None:
    colours = dict(zip(stm.lines["line"], stm.lines["color"], strict=True))
    assert colours == {"green": "#00B300", "orange": "#D95700", "yellow": "#FFD900", "blue": "#0095E6"}
    assert colours == LINE_COLOURS
    sizes = []
    for coords in stm.lines["coords"]:
        points = json.loads(coords)
        sizes.append(len(points))
        for lon, lat in points:
            assert -74 < lon < -73 and 45 < lat < 46
    assert min(sizes) >= 2
    assert sum(sizes) > 100
    berri = stm.stations.set_index("name").loc["Berri-UQAM", "lines"]
    assert set(berri.split(";")) == {"green", "orange", "yellow"}
    assert stm.stations.set_index("name").loc["Côte-des-Neiges", "lines"] == "blue"


# ---------------------------------------------------------------------------
# GTFS
# ---------------------------------------------------------------------------


def _check_gtfs_stations(layer: StationLayer) -> None:
    assert dict(zip(layer.stations["station_id"], layer.stations["name"], strict=True)) == GTFS_STATIONS
    union = layer.stations.set_index("station_id").loc["ST-A"]
    assert (union["lat"], union["lon"]) == pytest.approx((43.645195, -79.3806))
    assert dict(zip(layer.entrances["entrance_id"], layer.entrances["station_id"], strict=True)) == GTFS_ENTRANCES
    assert layer.entrances.set_index("entrance_id").loc["EN-A1", "name"] == "Union - Front St entrance"
    # platforms (location_type 0) and bus stops are neither stations nor entrances
    assert not set(layer.stations["station_id"]) & {"PL-A1", "BUS1"}
    assert not set(layer.entrances["entrance_id"]) & {"PL-A1", "BUS1"}


def test_gtfs_stops_txt(data_dir: Path, tmp_path: Path) -> None:
    # a stops.txt in its unzipped feed: the feed's files beside it are read too
    layer = read_stations_file(data_dir / "gtfs" / "stops.txt")
    _check_gtfs_stations(layer)
    assert layer.lines["line_id"].tolist() == ["SH1"]
    # a stops.txt on its own has no routes, no shapes
    shutil.copy(data_dir / "gtfs" / "stops.txt", tmp_path / "stops.txt")
    alone = read_stations_file(tmp_path / "stops.txt")
    _check_gtfs_stations(alone)
    assert alone.lines.empty
    assert alone.feed is not None and any("no routes.txt" in n for n in alone.feed.notes)


def test_gtfs_feed_zip(gtfs_zip: Path) -> None:
    layer = read_stations_file(gtfs_zip)
    _check_gtfs_stations(layer)
    assert layer.source == str(gtfs_zip)
    # only the subway route's shape, not the bus route's
    assert layer.lines["line_id"].tolist() == ["SH1"]
    line = layer.lines.iloc[0]
    assert line["line"] == "1"
    assert line["name"] == "Line 1 Yonge-University"
    assert line["color"] == "#F8C300"
    # points in shape_pt_sequence order, as [lon, lat]
    assert json.loads(line["coords"]) == [[-79.3806, 43.645195], [-79.3778, 43.64902], [-79.3793, 43.6524]]


def test_gtfs_zip_in_a_subfolder(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for file in (data_dir / "gtfs").glob("*.txt"):
            zf.write(file, f"feed/{file.name}")
    assert len(read_stations_file(path).stations) == 3


def test_gtfs_entrance_with_unknown_parent(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "gtfs" / "stops.txt").read_text(encoding="utf-8")
    assert "43.652700,-79.379800,2,ST-C," in text
    path = tmp_path / "stops.txt"
    path.write_text(text.replace("43.652700,-79.379800,2,ST-C,", "43.652700,-79.379800,2,ST-Z,"), encoding="utf-8")
    row = text.splitlines().index(next(line for line in text.splitlines() if line.startswith("EN-C1"))) + 1
    with pytest.raises(StationsError) as info:
        read_stations_file(path)
    message = str(info.value)
    assert f"row {row}, column 'parent_station'" in message
    assert "'EN-C1'" in message and "'ST-Z'" in message


def test_gtfs_without_stations(tmp_path: Path) -> None:
    path = tmp_path / "stops.txt"
    path.write_text("stop_id,stop_name,stop_lat,stop_lon\nS1,Main St,43.6,-79.4\n", encoding="utf-8")
    with pytest.raises(StationsError, match="location_type 1"):
        read_stations_file(path)


def test_zip_that_is_not_gtfs(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(StationsError, match=r"no stops\.txt"):
        read_stations_file(path)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(StationsError, match="not a valid zip"):
        read_stations_file(broken)


# ---------------------------------------------------------------------------
# CSV and GeoJSON
# ---------------------------------------------------------------------------


def test_csv_with_ids_and_lines(data_dir: Path) -> None:
    layer = read_stations_file(data_dir / "stations" / "delhi.csv")
    assert layer.stations["station_id"].tolist() == ["DMRC-RC", "DMRC-KG", "DMRC-NDLS"]
    assert layer.stations["name"].tolist() == ["Rajiv Chowk", "Kashmere Gate", "New Delhi"]
    assert layer.stations["lines"].tolist()[0] == "Blue;Yellow"
    assert layer.stations["lat"].tolist() == [28.6329, 28.6675, 28.6429]
    assert layer.entrances.empty and layer.lines.empty


def test_csv_with_semicolons_and_decimal_commas(data_dir: Path) -> None:
    layer = read_stations_file(data_dir / "stations" / "paris_semicolon.csv")
    frame = layer.stations.set_index("name")
    assert list(frame.index) == ["Châtelet", "Gare de Lyon", "Bastille"]
    assert frame.loc["Châtelet", "lat"] == pytest.approx(48.85837)
    assert frame.loc["Châtelet", "lon"] == pytest.approx(2.34787)
    assert frame["station_id"].is_unique  # made up from the names
    assert str(frame["lat"].dtype) == "float64"


def test_csv_in_windows_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes("nom;lat;lon\nCôte-Vertu;45,5142;-73,6828\n".encode("cp1252"))
    layer = read_stations_file(path)
    assert layer.stations["name"].tolist() == ["Côte-Vertu"]
    assert layer.stations["lon"].tolist() == [-73.6828]


def test_geojson_points(data_dir: Path) -> None:
    layer = read_stations_file(data_dir / "stations" / "toronto.geojson")
    assert layer.stations["station_id"].tolist() == ["TTC-UNI", "TTC-STG"]
    assert layer.stations["name"].tolist() == ["Union", "St George"]
    assert layer.stations["lat"].tolist() == [43.6452, 43.6682]
    assert layer.stations["lon"].tolist() == [-79.3806, -79.3996]


def test_geojson_problems_name_the_feature(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [-79.4, 43.6]}},
            {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Point", "coordinates": [-79.4, 95.0]}},
            {"type": "Feature", "properties": {"name": "C"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StationsError) as info:
        read_stations_file(path)
    message = str(info.value)
    assert "feature 2: lat 95.0 is out of range" in message
    assert "feature 3: geometry is 'LineString'" in message
    not_json = tmp_path / "not.geojson"
    not_json.write_text("{oops", encoding="utf-8")
    with pytest.raises(StationsError, match="not valid JSON"):
        read_stations_file(not_json)


def test_missing_columns(data_dir: Path) -> None:
    path = data_dir / "stations" / "missing_columns.csv"
    with pytest.raises(StationsError) as info:
        read_stations_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "missing column(s) lon" in message
    assert "found: station, latitude" in message


def test_coordinates_out_of_range_name_row_and_column(data_dir: Path) -> None:
    path = data_dir / "stations" / "bad_coordinates.csv"
    with pytest.raises(StationsError) as info:
        read_stations_file(path)
    message = str(info.value)
    assert "row 3, column 'lat'" in message  # King, the 2nd data row = spreadsheet row 3
    assert "'143.6490'" in message
    assert "row 2" not in message and "row 4" not in message


def test_unreadable_coordinate(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("name,lat,lon\nUnion,43.6452,\nKing,43.649,-79.3778\n", encoding="utf-8")
    with pytest.raises(StationsError, match=r"row 2, column 'lon'"):
        read_stations_file(path)


def test_duplicate_ids_name_every_row(data_dir: Path) -> None:
    with pytest.raises(StationsError) as info:
        read_stations_file(data_dir / "stations" / "duplicate_ids.csv")
    message = str(info.value)
    assert "row 2, column 'id': id 'A'" in message
    assert "row 4, column 'id': id 'A'" in message
    assert "row 3" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StationsError, match="no such file"):
        read_stations_file(tmp_path / "nothing.csv")


# ---------------------------------------------------------------------------
# Saving to and loading from a project
# ---------------------------------------------------------------------------


def test_save_and_load_round_trip(project: Project, gtfs_zip: Path) -> None:
    layer = read_stations_file(gtfs_zip)
    save_stations(project, layer)
    back = load_stations(project)
    assert dict(zip(back.stations["station_id"], back.stations["name"], strict=True)) == GTFS_STATIONS
    assert dict(zip(back.entrances["entrance_id"], back.entrances["station_id"], strict=True)) == GTFS_ENTRANCES
    assert back.lines["line_id"].tolist() == ["SH1"]
    assert json.loads(back.lines["coords"].iloc[0])[0] == [-79.3806, 43.645195]
    assert back.source == str(gtfs_zip)
    assert project.store.count("stations") == 3  # replaced, not added to the 68 STM stations


def test_load_stm_from_a_new_project(project: Project) -> None:
    layer = load_stations(project)
    assert len(layer.stations) == 68
    assert len(layer.entrances) == 137
    assert len(layer.lines) == 9
    assert layer.source == "stm"
    assert layer.credit.startswith("Source: Société de transport de Montréal (STM)")


# ---------------------------------------------------------------------------
# Matching names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("berri uqam", "Berri-UQAM"),
        ("BERRI-UQAM", "Berri-UQAM"),
        ("Lionel Groulx", "Lionel-Groulx"),
        ("Cote des neiges", "Côte-des-Neiges"),
        ("Côte-des-Neiges", "Côte-des-Neiges"),
        ("Jolicoeur", "Jolicoeur"),
        ("St-Laurent", "Saint-Laurent"),
        ("Station Papineau", "Papineau"),
        ("métro Mont-Royal", "Mont-Royal"),
        ("Square Victoria OACI", "Square-Victoria–OACI"),
        ("Pl des Arts", "Place-des-Arts"),
        ("Longueuil", "Longueuil–Université-de-Sherbrooke"),
        ("Jolicoeurr", "Jolicoeur"),
        ("Lionel Groux", "Lionel-Groulx"),
    ],
)
def test_station_matcher(matcher: StationMatcher, stm: StationLayer, raw: str, name: str) -> None:
    match = matcher.match(raw)
    assert match is not None, raw
    assert match.name == name
    assert match.station_id == _id_of(stm, name)


def test_station_matcher_confidence(matcher: StationMatcher) -> None:
    exact = matcher.match("cote des neiges")
    fuzzy = matcher.match("Jolicoeurr")
    partial = matcher.match("Longueuil")
    assert exact is not None and fuzzy is not None and partial is not None
    assert (exact.method, exact.confidence) == ("exact", 1.0)
    assert partial.method == "partial" and partial.confidence < 1
    assert fuzzy.method == "fuzzy" and 0.8 <= fuzzy.confidence < 1


@pytest.mark.parametrize("raw", ["asdfgh qwerty", "xyz", "", "   ", "Union Station", "Hôpital général"])
def test_station_matcher_garbage(matcher: StationMatcher, raw: str) -> None:
    assert matcher.match(raw) is None


def test_station_matcher_suggestions(matcher: StationMatcher) -> None:
    assert "Côte-des-Neiges" in matcher.suggestions("Cote des Neige")


# ---------------------------------------------------------------------------
# Nearest station
# ---------------------------------------------------------------------------


def test_nearest_stations_within_and_outside_radius(stm: StationLayer) -> None:
    berri = stm.stations.set_index("name").loc["Berri-UQAM"]
    lat = pd.Series([berri["lat"] + 0.0005, 45.60, float("nan"), berri["lat"]], index=[10, 11, 12, 13])
    lon = pd.Series([berri["lon"], -73.90, float("nan"), berri["lon"]], index=[10, 11, 12, 13])
    near = nearest_stations(lat, lon, stm, max_distance_m=250)
    assert list(near.index) == [10, 11, 12, 13]
    berri_id = _id_of(stm, "Berri-UQAM")
    assert near.loc[10, "station_id"] == berri_id
    assert near.loc[10, "distance_m"] < 60  # 0.0005° of latitude ≈ 55 m (or closer to an entrance)
    assert near.loc[13, "station_id"] == berri_id
    assert near.loc[13, "distance_m"] == pytest.approx(0, abs=1)
    assert pd.isna(near.loc[11, "station_id"])  # far from any station
    assert near.loc[11, "distance_m"] > 1000
    assert pd.isna(near.loc[12, "station_id"]) and pd.isna(near.loc[12, "distance_m"])  # no position
    unbounded = nearest_stations(lat, lon, stm)
    assert unbounded.loc[11, "station_id"] in set(stm.stations["station_id"])


def test_nearest_station_uses_entrances(stm: StationLayer) -> None:
    entrance = stm.entrances.iloc[0]
    station = stm.stations.set_index("station_id").loc[entrance["station_id"]]
    assert (entrance["lat"], entrance["lon"]) != (station["lat"], station["lon"])
    near = nearest_stations(pd.Series([entrance["lat"]]), pd.Series([entrance["lon"]]), stm, max_distance_m=5)
    assert near.loc[0, "station_id"] == entrance["station_id"]
    assert near.loc[0, "distance_m"] == pytest.approx(0, abs=0.5)


def test_read_stations_file_is_exported(data_dir: Path, tmp_path: Path) -> None:
    shutil.copy(data_dir / "stations" / "delhi.csv", tmp_path / "delhi.csv")
    assert walktool.read_stations_file(tmp_path / "delhi.csv").stations["name"].iloc[0] == "Rajiv Chowk"
