"""Epicollect5 reader: detection, BOM, question prefixes, reserved columns."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from walktool.readers import RESERVED, Probe, detect_format, read_file
from walktool.readers.epicollect import photo_name, sniff, strip_question_prefixes

DATA = Path(__file__).parent / "data" / "epicollect"
SAMPLES = Path("/work/shared/samples")
WALK = DATA / "form-1__marche-exploratoire-stm.csv"
BRANCH = DATA / "branch-1__12-finding.csv"
SYNTHETIC = DATA / "epicollect5_form-1__metro-safety-walk.SYNTHETIC.csv"


@pytest.mark.parametrize("path", [WALK, BRANCH, SYNTHETIC], ids=lambda p: p.name)
def test_detected(path: Path) -> None:
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # Epicollect5 writes a BOM
    assert detect_format(path).name == "epicollect5"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")
@pytest.mark.parametrize(
    "path",
    [
        *sorted(SAMPLES.glob("kobo_formpack_*")),
        *sorted((SAMPLES / "real").rglob("*.csv")),
        SAMPLES / "waypoints.gpx",
        SAMPLES / "photo_with_gps_exif.jpg",
    ],
    ids=lambda p: p.name,
)
def test_other_tools_not_claimed(path: Path) -> None:
    assert not sniff(Probe(path))


def test_ec5_uuid_not_first_is_not_epicollect(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("station,ec5_uuid\nBerri-UQAM,1\n", encoding="utf-8")
    assert not sniff(Probe(path))


def test_walktool_form() -> None:
    fmt, tables = read_file(WALK)
    assert fmt.name == "epicollect5"
    assert len(tables) == 1
    table = tables[0]
    frame = table.frame
    assert table.format == "epicollect5" and table.rejected_rows == 0 and not table.issues
    assert len(frame) == 3
    # BOM gone from the first header; question prefixes stripped; metadata and location columns kept
    assert list(frame.columns) == [
        "ec5_uuid", "created_at", "uploaded_at", "created_by", "title", "station", "zone",
        "lat_3_location", "long_3_location", "accuracy_3_location", "UTM_Northing_3_location",
        "UTM_Easting_3_location", "UTM_Zone_3_location", "dark_corners", "light_level", "sign_exits",
        "emergency_phone", "problemes", "feeling", "comment", "photo", *RESERVED,
    ]  # fmt: skip
    assert frame.attrs["renamed"]["station"] == "1_station"
    assert frame.attrs["renamed"]["comment"] == "10_comment"
    assert list(frame["station"]) == ["Jean-Talon", "Berri-UQAM", "Côte-des-Neiges"]
    assert list(frame["dark_corners"]) == ["no", "yes", "yes"]
    # checkbox answers stay joined
    assert frame.loc[1, "problemes"] == "Graffiti, Éclairage faible"
    assert list(frame["__row"]) == [2, 3, 4]
    assert list(frame["__submission"]) == list(frame["ec5_uuid"])
    assert frame.loc[2, "__submission"] == "7a6f5e4d-3c2b-4a19-80ef-d8c7b6a59401"
    assert list(frame["__time"]) == ["2024-11-21T23:48:10.000Z", "2024-11-21T23:20:31.000Z", "2024-11-21T22:58:03.000Z"]
    assert list(frame["__device"]) == ["animation@example.org", "animation@example.org", "josee.l@example.org"]
    assert list(frame["__lat"]) == ["45.538871", "", "45.496712"]
    assert list(frame["__lon"]) == ["-73.613902", "", "-73.623301"]
    assert list(frame["__accuracy"]) == ["6", "", "6"]
    assert list(frame["__photo"]) == ["", "", "7a6f5e4d-3c2b-4a19-80ef-d8c7b6a59401_1732229883.jpg"]
    assert frame.loc[2, "photo"].startswith("https://five.epicollect.net/")  # the answer itself is kept
    assert set(frame["__sheet"]) == {""}


def test_shared_synthetic_sample() -> None:
    _, tables = read_file(SYNTHETIC)
    frame = tables[0].frame
    assert {"Station", "Issues", "Photo", "lat_2_Location"} <= set(frame.columns)
    assert "1_Station" not in frame.columns
    assert list(frame["Station"]) == ["Chatelet", "Les Halles"]
    assert frame.loc[0, "Issues"] == "Graffiti, Blind spot"
    assert (frame.loc[0, "__lat"], frame.loc[0, "__lon"], frame.loc[0, "__accuracy"]) == ("48.858370", "2.347000", "5")
    assert frame.loc[0, "__photo"] == "abc.jpg"
    assert frame.loc[1, "__lat"] == ""
    assert frame.loc[1, "__device"] == "walker@example.org"


def test_branch_file() -> None:
    _, tables = read_file(BRANCH)
    frame = tables[0].frame
    assert list(frame["__submission"]) == ["b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02", "a0b1c2d3-e4f5-4a6b-9c8d-7e6f5a4b3c01"]
    assert list(frame["ec5_branch_owner_uuid"])[1] == "7a6f5e4d-3c2b-4a19-80ef-d8c7b6a59401"
    assert list(frame["finding"]) == ["graffiti", "dark_corners"]
    assert list(frame["severity"]) == ["medium", "high"]
    assert list(frame["__photo"]) == ["", "a0b1c2d3-e4f5-4a6b-9c8d-7e6f5a4b3c01_1732230107.jpg"]
    assert list(frame["__time"]) == ["2024-11-21T23:25:12.000Z", "2024-11-21T23:01:47.000Z"]


def test_download_zip(tmp_path: Path) -> None:
    path = tmp_path / "marche-exploratoire-stm.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(WALK, WALK.name)
        zf.write(BRANCH, BRANCH.name)
    assert detect_format(path).name == "epicollect5"
    _, tables = read_file(path)
    assert [t.frame["__sheet"].iloc[0] for t in tables] == [WALK.name, BRANCH.name]
    assert [len(t.frame) for t in tables] == [3, 2]
    assert tables[0].frame.loc[0, "station"] == "Jean-Talon"
    assert list(tables[0].frame["__row"]) == [2, 3, 4]


def test_multiline_answer_and_extra_cells(tmp_path: Path) -> None:
    path = tmp_path / "form-1__x.csv"
    path.write_bytes(
        "\ufeffec5_uuid,created_at,uploaded_at,title,1_station,2_comment\n"
        'u1,2024-01-01T10:00:00.000Z,2024-01-01T10:05:00.000Z,t,Jarry,"deux\nlignes"\n'
        "u2,2024-01-01T11:00:00.000Z,2024-01-01T11:05:00.000Z,t,Snowdon,ok,surplus\n".encode()
    )
    frame = read_file(path)[1][0].frame
    issues = read_file(path)[1][0].issues
    assert list(frame["__row"]) == [2, 4]
    assert frame.loc[0, "comment"] == "deux\nlignes"
    assert list(frame["__device"]) == ["", ""]  # public project: no created_by
    assert [(i.code, i.row) for i in issues] == [("extra-cells", 4)]


def test_strip_question_prefixes() -> None:
    headers = ["ec5_uuid", "title", "1_Station", "5_dark_corners", "lat_2_Location", "UTM_Zone_2_Location", "3_Issues",
               "7_Issues", "8_title", "9_12"]  # fmt: skip
    assert strip_question_prefixes(headers) == {"1_Station": "Station", "5_dark_corners": "dark_corners", "3_Issues": "Issues"}


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("https://five.epicollect.net/api/export/media/p?type=photo&format=entry_original&name=x_1.jpg", "x_1.jpg"),
        ("https://example.org/media/x.jpg", "https://example.org/media/x.jpg"),
        ("IMG_0042.jpg", "IMG_0042.jpg"),
    ],
)
def test_photo_name(value: str, name: str) -> None:
    assert photo_name(value) == name
