"""GPX waypoints: name = item, description = comment, ``key: value`` lines = columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from _paths import SAMPLES
from walktool.errors import SheetFormatError
from walktool.readers import detect_format, gpx, read_file
from walktool.readers._base import Probe

DATA = Path(__file__).parent / "data" / "gpx"
SAMPLE = DATA / "waypoints.gpx"
OSMAND = DATA / "osmand_berri.gpx"
TRACK = DATA / "track_only.gpx"


@pytest.mark.parametrize(
    "path", [SAMPLE, OSMAND, TRACK, SAMPLES / "waypoints.gpx"], ids=lambda p: p.name
)
def test_detects_gpx(path: Path) -> None:
    assert path.exists(), f"{path} is missing"
    assert detect_format(path).name == "gpx"


def test_gpx_sniff_needs_a_gpx_root(tmp_path: Path) -> None:
    kml = tmp_path / "walk.xml"
    kml.write_text('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>', encoding="utf-8")
    assert gpx.sniff(Probe(kml)) is False
    renamed = tmp_path / "export.xml"
    renamed.write_bytes(SAMPLE.read_bytes())
    assert gpx.sniff(Probe(renamed)) is True


def test_gpxpy_sample_waypoints() -> None:
    fmt, tables = read_file(SAMPLE)
    assert fmt.name == "gpx"
    (table,) = tables
    frame = table.frame
    assert table.issues == []
    assert [c for c in frame.columns if not c.startswith("__")] == ["item", "comment", "gpx_type", "gpx_symbol", "elevation"]
    assert frame["item"].tolist() == ["OBS-001", "OBS-002"]
    assert frame["comment"].tolist() == ["Blind spot near exit B", "Broken lighting, platform 2"]
    assert frame["elevation"].tolist() == ["-12", "-14.5"]
    assert frame["__row"].tolist() == [1, 2]
    assert frame["__lat"].tolist() == ["48.853", "48.85312"]
    assert frame["__lon"].tolist() == ["2.3499", "2.34871"]
    assert frame["__time"].tolist() == ["2024-05-04T08:30:00+00:00", "2024-05-04T08:31:00+00:00"]


def test_key_value_lines_become_columns() -> None:
    frame = read_file(OSMAND)[1][0].frame
    assert len(frame) == 3  # the track points are not records
    first, second, third = (frame.iloc[i] for i in range(3))
    assert first["item"] == "Coins sombres"
    assert (first["station"], first["zone"], first["gravité"]) == ("Berri-UQAM", "quai", "élevée")
    assert first["comment"] == "Bout du quai direction Honoré-Beaugrand, aucun éclairage"
    assert (first["gpx_type"], first["gpx_symbol"], first["elevation"]) == ("Constat", "Flag, Red", "21.3")
    # one-line "a: b; c: d" description; the free-text <cmt> is the comment
    assert (second["station"], second["zone"], second["severity"]) == ("Berri-UQAM", "mezzanine", "medium")
    assert second["comment"] == "Néons brisés; 3 tubes hors service"
    assert second["gravité"] == ""
    # "Élément = …" names the item: the waypoint's own name is kept apart
    assert third["item"] == "Téléphone d'urgence"
    assert third["gpx_name"] == "WPT-003"
    assert third["Gare"] == "Lionel-Groulx"
    assert third["comment"] == "Le téléphone ne répond pas. Voir https://www.stm.info"
    assert third["__time"] == "2023-11-14T20:05:00-05:00"  # offsets kept
    assert third["elevation"] == ""


def test_submission_is_stable_and_distinct() -> None:
    ids = read_file(OSMAND)[1][0].frame["__submission"].tolist()
    assert len(set(ids)) == 3
    assert ids == read_file(OSMAND)[1][0].frame["__submission"].tolist()
    assert all(len(i) == 40 for i in ids)


def test_track_only_warns_and_reads_nothing() -> None:
    table = read_file(TRACK)[1][0]
    assert len(table.frame) == 0
    assert table.rejected_rows == 0
    assert [(i.code, i.level) for i in table.issues] == [("no-waypoints", "warning")]
    assert "3 points" in table.issues[0].message


@pytest.mark.parametrize(
    ("text", "fields", "comment"),
    [
        ("station: Berri-UQAM\nzone: quai\nNéons brisés", {"station": "Berri-UQAM", "zone": "quai"}, "Néons brisés"),
        ("severity=high | zone=platform", {"severity": "high", "zone": "platform"}, ""),
        ("Attention: marche brisée", {}, "Attention: marche brisée"),  # unknown key: stays comment
        ("Voir http://example.org", {}, "Voir http://example.org"),
        ("zone:", {}, "zone:"),  # no value
    ],
)
def test_split_notes(text: str, fields: dict[str, str], comment: str) -> None:
    assert gpx.split_notes(text) == (fields, comment)


def test_comment_key_joins_the_comment(tmp_path: Path) -> None:
    path = tmp_path / "note.gpx"
    path.write_text(
        '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="45.5" lon="-73.6"><name>Propreté</name><desc>Déchets\nnote: signalé au kiosque</desc></wpt></gpx>',
        encoding="utf-8",
    )
    frame = read_file(path)[1][0].frame
    assert frame.iloc[0]["comment"] == "Déchets\nsignalé au kiosque"
    assert frame.iloc[0]["__time"] == ""
    assert "note" not in frame.columns


def test_invalid_gpx(tmp_path: Path) -> None:
    path = tmp_path / "broken.gpx"
    path.write_text('<gpx version="1.1"><wpt lat="45.5" lon="-73.6"><name>x</wpt>', encoding="utf-8")
    with pytest.raises(SheetFormatError, match="not a valid GPX"):
        read_file(path)
