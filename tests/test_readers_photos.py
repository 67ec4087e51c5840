"""Photos: EXIF GPS position and capture time, one record per photo."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from _paths import SAMPLES
from walktool.readers import detect_format, photos, read_file
from walktool.readers._base import Probe

DATA = Path(__file__).parent / "data" / "photos"
SAMPLE = DATA / "photo_with_gps_exif.jpg"


def dms(value: float) -> tuple[float, float, float]:
    """Decimal degrees to EXIF (degrees, minutes, seconds)."""
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return (float(d), float(m), s)


def make_photo(
    path: Path,
    *,
    lat: float | None = None,
    lon: float | None = None,
    taken: str | None = None,
    offset: str | None = None,
    description: str | None = None,
    comment: str | None = None,
    gps_extra: dict[int, Any] | None = None,
    fmt: str = "JPEG",
) -> Path:
    """Write a small photo with EXIF GPS (when lat/lon are given), capture time and description."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", (16, 12), (90, 90, 110))
    exif = Image.Exif()
    if description is not None:
        exif[ExifTags.Base.ImageDescription] = description
    if comment is not None:  # UserComment: 8-byte charset prefix, then UTF-16 text
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = b"UNICODE\x00" + comment.encode("utf-16-be")
    if taken is not None:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        sub[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            sub[ExifTags.Base.OffsetTimeOriginal] = offset
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = dms(lon)
    if gps_extra:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps.update(gps_extra)
    img.save(path, fmt, exif=exif)
    return path


@pytest.fixture
def walk_folder(tmp_path: Path) -> Path:
    """A facilitator's photo folder: geotagged photos outside, none underground, a stray note."""
    root = tmp_path / "photos_berri"
    make_photo(root / "IMG_0412.JPG", lat=45.515212, lon=-73.561044, taken="2023:11:14 19:30:12",
               offset="-05:00", description="Coin sombre, sortie Saint-Denis")
    make_photo(root / "IMG_0413.JPG", taken="2023:11:14 19:42:00",  # on the platform: no GPS fix
               comment="Néons brisés, quai direction Montmorency")
    make_photo(root / "lionel-groulx" / "IMG_0420.JPG", lat=45.48559, lon=-73.57983)
    (root / "notes.txt").write_text("Photos de la marche du 14 novembre", encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return root


@pytest.mark.parametrize("path", [SAMPLE, SAMPLES / "photo_with_gps_exif.jpg"], ids=str)
def test_detects_a_single_photo(path: Path) -> None:
    assert path.exists(), f"{path} is missing"
    assert detect_format(path).name == "photos"


def test_detects_a_folder_of_photos(walk_folder: Path) -> None:
    assert detect_format(walk_folder).name == "photos"


def test_folder_without_photos_is_not_photos(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("rien", encoding="utf-8")
    assert photos.sniff(Probe(tmp_path)) is False


def test_jpeg_without_suffix_is_a_photo_by_its_bytes(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "photo_sans_extension", lat=45.5, lon=-73.6)
    assert photos.sniff(Probe(path)) is True


def test_sample_photo_position() -> None:
    fmt, tables = read_file(SAMPLE)
    assert fmt.name == "photos"
    (table,) = tables
    row = table.frame.iloc[0]
    assert (row["__lat"], row["__lon"]) == ("48.85837", "-2.294481")  # 48.85837 N, 2.294481 W
    assert row["__photo"] == row["photo"] == row["file_name"] == "photo_with_gps_exif.jpg"
    assert row["__row"] == 1
    assert row["__submission"] == hashlib.sha1(SAMPLE.read_bytes()).hexdigest()
    # this writer put DateTimeOriginal in IFD0: still read, as local time
    assert row["__time"] == "2024-05-04T10:32:54"
    assert table.media_root == DATA


def test_folder_records(walk_folder: Path) -> None:
    (table,) = read_file(walk_folder)[1]
    frame = table.frame
    assert table.media_root == walk_folder
    # sorted by relative path; the text file and .DS_Store are not records
    assert frame["photo"].tolist() == ["IMG_0412.JPG", "IMG_0413.JPG", "lionel-groulx/IMG_0420.JPG"]
    assert frame["__photo"].tolist() == frame["photo"].tolist()
    assert frame["file_name"].tolist() == ["IMG_0412.JPG", "IMG_0413.JPG", "IMG_0420.JPG"]
    assert frame["__row"].tolist() == [1, 2, 3]
    assert frame["__lat"].tolist() == ["45.515212", "", "45.48559"]
    assert frame["__lon"].tolist() == ["-73.561044", "", "-73.57983"]
    # with OffsetTimeOriginal the time is absolute; without, local
    assert frame["__time"].tolist() == ["2023-11-14T19:30:12-05:00", "2023-11-14T19:42:00", ""]
    assert frame["description"].tolist() == [
        "Coin sombre, sortie Saint-Denis", "Néons brisés, quai direction Montmorency", ""
    ]
    hashes = frame["__submission"].tolist()
    assert hashes[1] == hashlib.sha1((walk_folder / "IMG_0413.JPG").read_bytes()).hexdigest()
    assert len(set(hashes)) == 3


def test_non_photo_is_skipped_with_a_warning(walk_folder: Path) -> None:
    table = read_file(walk_folder)[1][0]
    assert [(i.code, i.level, i.value) for i in table.issues] == [("not-a-photo", "warning", "notes.txt")]
    assert table.rejected_rows == 0


def test_unreadable_photo_is_kept_without_position(tmp_path: Path) -> None:
    make_photo(tmp_path / "IMG_0001.JPG", lat=45.5, lon=-73.6)
    (tmp_path / "IMG_0002.JPG").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    table = read_file(tmp_path)[1][0]
    assert table.frame["photo"].tolist() == ["IMG_0001.JPG", "IMG_0002.JPG"]
    assert table.frame.iloc[1]["__lat"] == ""
    assert table.frame.iloc[1]["__row"] == 2
    assert [(i.code, i.level, i.row) for i in table.issues] == [("unreadable-photo", "warning", 2)]


@pytest.mark.parametrize(
    "gps",
    [
        {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)},  # (0, 0): "no fix"
        {2: (45.0, 30.0, 0.0), 4: (73.0, 34.0, 0.0)},  # refs missing
        {1: "N", 2: (45.0, 30.0, 0.0), 3: "W"},  # longitude missing
    ],
    ids=["zero", "no-refs", "no-longitude"],
)
def test_bad_gps_means_no_fix(tmp_path: Path, gps: dict[int, Any]) -> None:
    path = make_photo(tmp_path / "p.jpg", gps_extra=gps)
    row = read_file(path)[1][0].frame.iloc[0]
    assert (row["__lat"], row["__lon"]) == ("", "")


def test_gps_degrees_parsing() -> None:
    assert photos.gps_position({1: "S", 2: (33.0, 51.0, 36.0), 3: b"E", 4: (151.0, 12.0, 36.0)}) == pytest.approx(
        (-33.86, 151.21)
    )
    assert photos.gps_position({1: "N", 2: (float("nan"), 0.0, 0.0), 3: "W", 4: (73.0, 0.0, 0.0)}) is None
    assert photos.gps_position({1: "N", 2: "garbage", 3: "W", 4: (73.0, 0.0, 0.0)}) is None
    assert photos.gps_position({}) is None


def test_gps_accuracy_and_png(tmp_path: Path) -> None:
    # (Pillow writes no eXIf chunk for a PNG whose first IFD is empty, hence the description)
    path = make_photo(tmp_path / "quai.png", lat=45.5393, lon=-73.6139, gps_extra={31: 8.0}, fmt="PNG",
                      description="Quai")
    row = read_file(path)[1][0].frame.iloc[0]
    assert (row["__lat"], row["__lon"], row["__accuracy"]) == ("45.5393", "-73.6139", "8")


def test_user_comment_decoding() -> None:
    assert photos.user_comment(b"ASCII\x00\x00\x00Escalier sombre") == "Escalier sombre"
    assert photos.user_comment(b"UNICODE\x00" + "Quai très sombre".encode("utf-16-be")) == "Quai très sombre"
    assert photos.user_comment(None) == ""
