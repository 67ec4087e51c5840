"""GeoJSON point features (hand-made, uMap-style and KoboToolbox exports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _paths import SAMPLES
from walktool.errors import SheetFormatError
from walktool.readers import detect_format, geojson, read_file
from walktool.readers._base import Probe

DATA = Path(__file__).parent / "data" / "geojson"
UMAP = DATA / "constats_umap.geojson"
KOBO_LABELS = DATA / "kobo_formpack_labels.geojson"
KOBO_XML = DATA / "kobo_formpack_xml_values_groups.geojson"


@pytest.mark.parametrize(
    "path",
    [UMAP, KOBO_LABELS, KOBO_XML, DATA / "single_feature.json",
     SAMPLES / "kobo_formpack_labels.geojson",
     SAMPLES / "kobo_formpack_xml_values_groups.geojson"],
    ids=lambda p: p.name,
)
def test_detects_geojson_whatever_the_suffix(path: Path) -> None:
    assert path.exists(), f"{path} is missing"
    assert detect_format(path).name == "geojson"


def test_other_json_is_not_geojson(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"type": "Settings", "features": []}), encoding="utf-8")
    assert geojson.sniff(Probe(path)) is False
    array = tmp_path / "list.geojson"
    array.write_text("[1, 2, 3]", encoding="utf-8")
    assert geojson.sniff(Probe(array)) is False


def test_points_multipoints_and_null_geometry_are_records() -> None:
    fmt, tables = read_file(UMAP)
    assert fmt.name == "geojson"
    (table,) = tables
    frame = table.frame
    # features 3 (LineString) and 5 (Polygon) are rejected; the null geometry (4) stays
    assert frame["__row"].tolist() == [1, 2, 4, 6]
    assert frame["station"].tolist() == ["Berri-UQAM", "Côte-des-Neiges", "Lionel-Groulx", "Jean-Talon"]
    # GeoJSON is [lon, lat]
    assert frame["__lat"].tolist() == ["45.5149", "45.4966", "", "45.5393"]
    assert frame["__lon"].tolist() == ["-73.5613", "-73.6226", "", "-73.6139"]
    berri = frame.iloc[0]
    assert berri["gravité"] == "élevée"
    assert berri["photo"] == "IMG_0412.JPG"
    assert berri["date"] == "2023-11-14T19:30:00-05:00"
    assert berri["__submission"] == "f-berri-01"  # the feature id


def test_rejected_features_are_counted_with_issues() -> None:
    table = read_file(UMAP)[1][0]
    assert table.rejected_rows == 2
    assert [(i.code, i.level, i.row, i.value) for i in table.issues] == [
        ("not-a-point", "error", 3, "LineString"),
        ("not-a-point", "error", 5, "Polygon"),
    ]
    assert all(i.file == str(UMAP) for i in table.issues)
    assert len(table.frame) + table.rejected_rows == 6


def test_properties_are_flattened() -> None:
    frame = read_file(UMAP)[1][0].frame
    cdn = frame.iloc[1]
    assert cdn["tags"] == "graffiti, porte principale"  # list joined
    assert cdn["meta/rootUuid"] == "uuid:7d1c0f52-3a61-4c36-9b53-1b7e0c2d9a10"  # nested object
    assert cdn["meta/instanceID"] == "uuid:0b5e"
    assert cdn["verified"] == "true"
    assert cdn["photos"] == ""  # null
    assert cdn["__submission"] == "uuid:7d1c0f52-3a61-4c36-9b53-1b7e0c2d9a10"
    jt = frame.iloc[3]
    assert (jt["nombre"], jt["distance"], jt["answer"]) == ("3", "12.5", "non")
    # a property a feature does not have is an empty cell
    assert jt["zone"] == ""
    assert frame.iloc[2]["__submission"] == "5c0a7e0e-1111-4c2b-9e7d-3d2f6a8b9c01"  # _uuid
    # no id at all: a content hash, stable across reads
    assert len(jt["__submission"]) == 40
    assert read_file(UMAP)[1][0].frame.iloc[3]["__submission"] == jt["__submission"]


@pytest.mark.parametrize(
    ("path", "station_column"), [(KOBO_LABELS, "Station name"), (KOBO_XML, "walk/station")]
)
def test_kobo_geojson_exports(path: Path, station_column: str) -> None:
    (table,) = read_file(path)[1]
    frame = table.frame
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row[station_column] == "Châtelet"
    assert row["__lat"] == "48.858912"
    assert row["__lon"] == "2.347531"
    assert row["__row"] == 1
    assert row["__submission"] == "3f0c1c9e-9d5a-4b1e-8a57-2b2f8c1d2e3f"
    assert row["_id"] == "101"
    assert row["__version__"] == "vMetro1"  # a Kobo column, not a reserved one
    assert table.issues == []


def test_single_feature() -> None:
    frame = read_file(DATA / "single_feature.json")[1][0].frame
    assert frame[["station", "item", "answer", "__lat", "__lon"]].values.tolist() == [
        ["Jolicoeur", "cleanliness", "1", "45.457", "-73.5671"]
    ]


def test_invalid_json_names_line_and_column() -> None:
    path = DATA / "broken.geojson"
    assert detect_format(path).name == "geojson"
    with pytest.raises(SheetFormatError, match=r"line 5, column 45"):
        read_file(path)


def test_bad_coordinates_and_non_features_are_rejected(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["-73.56", None]}, "properties": {}},
            "not a feature",
            {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": []}, "properties": {"station": "Snowdon"}},
        ],
    }
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    table = read_file(path)[1][0]
    assert [(i.code, i.row) for i in table.issues] == [("bad-geometry", 1), ("not-a-feature", 2)]
    assert table.rejected_rows == 2
    assert table.frame[["station", "__row", "__lat"]].values.tolist() == [["Snowdon", 3, ""]]


def test_empty_collection_gives_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    table = read_file(path)[1][0]
    assert len(table.frame) == 0
    assert {"__row", "__lat", "__lon", "__submission"} <= set(table.frame.columns)


def test_forced_on_non_geojson_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"type": "Topology"}', encoding="utf-8")
    with pytest.raises(SheetFormatError, match="FeatureCollection"):
        read_file(path, fmt="geojson")
