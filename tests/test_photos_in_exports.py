"""Photos that come inside an export: ODK Central's media zip, KoboToolbox's media attachments zip.

They are kept as files under ``walks/`` (where the map and the report look for
photos), linked to the rows naming them, and extracted safely: a zip entry whose
name could write outside the project (zip-slip) is ignored and reported.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from test_maps import walktool_doc
from test_readers_photos import make_photo
from walktool.cli import app
from walktool.ingest import import_files
from walktool.maps import build_map, map_html
from walktool.project import Project
from walktool.readers import detect_format, read_file
from walktool.readers.photos import safe_member_parts
from walktool.report import build_report

ODK = Path(__file__).parent / "data" / "odk" / "central_zip"
KOBO_PHOTO = "1700000000000.jpg"
KOBO_FOLDER = "facilitatrice_stm/attachments/aQ7wtSafety/5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6"
KOBO_HEADER = [
    "start", "end", "context/observer", "context/station", "context/zone", "context/period", "visibility/dark_corners",
    "comment", "photo", "photo_URL", "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status",
    "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index",
]


def evil_name(tmp_path: Path) -> str:
    """A zip-slip file name unique to this test (so that finding it anywhere means it escaped)."""
    return f"evil-{tmp_path.name}.jpg"


def build_odk_zip(tmp_path: Path) -> Path:
    """A Central "All data and media files" export: root CSV, repeat CSV, ``media/`` photos, and hostile entries."""
    src = tmp_path / "camera"
    photo = make_photo(src / "photo.jpg", taken="2024:11:19 18:40:00", offset="-05:00")
    other = make_photo(src / "1731976301442.jpg", lat=45.4829013, lon=-73.579822)
    path = tmp_path / "walktool_stm.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(ODK / "walktool_stm.csv", "walktool_stm.csv")
        zf.write(ODK / "walktool_stm-stops.csv", "walktool_stm-stops.csv")
        zf.write(photo, "media/photo.jpg")
        zf.write(other, "media/1731976301442.jpg")
        zf.writestr("media/voice-note.m4a", b"not a photo")
        zf.writestr(f"media/../../{evil_name(tmp_path)}", photo.read_bytes())
        zf.writestr(f"/{evil_name(tmp_path)}", photo.read_bytes())
    return path


def build_kobo(tmp_path: Path, write_csv: Any) -> tuple[Path, Path]:
    """A Kobo CSV export (XML values, groups in headers) naming a photo, and the media attachments zip."""
    rows = [
        KOBO_HEADER,
        ["2024-11-05T20:05:00.000-05:00", "2024-11-05T20:09:00.000-05:00", "P-03", "mcgill", "corridor", "night", "yes",
         "Couloir sombre sans caméra", KOBO_PHOTO,
         "https://kf.kobotoolbox.org/api/v2/assets/aQ7wtSafety/data/4102/attachments/9/",
         "uuid:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6", "4102", "5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6",
         "2024-11-06T01:10:03", "", "", "submitted_via_web", "facilitatrice_stm", "vQ3nR8", "", "1"],
        ["2024-11-05T19:31:02.118-05:00", "2024-11-05T19:42:10.250-05:00", "P-03", "berri_uqam", "platform", "night",
         "no", "", "", "", "uuid:9d4e7c1a-5b2f-4e8a-b1c3-7f6a2d9e0b44", "4101", "9d4e7c1a-5b2f-4e8a-b1c3-7f6a2d9e0b44",
         "2024-11-06T00:42:15", "", "", "submitted_via_web", "facilitatrice_stm", "vQ3nR8", "", "2"],
    ]
    sheet = write_csv(tmp_path / "Marche STM - all versions - False - 2024-11-06-02-00-00.csv", rows, sep=";")
    # underground: no GPS fix, only the capture time
    photo = make_photo(tmp_path / "camera" / KOBO_PHOTO, taken="2024:11:05 20:07:00", offset="-05:00")
    media = tmp_path / "kobo_media.zip"
    with zipfile.ZipFile(media, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(photo, f"{KOBO_FOLDER}/{KOBO_PHOTO}")
        zf.writestr(f"__MACOSX/{KOBO_FOLDER}/._{KOBO_PHOTO}", b"\x00\x05\x16\x07")
        zf.writestr(f"../../{evil_name(tmp_path)}", photo.read_bytes())
    return sheet, media


def walks_files(project: Project) -> dict[str, str]:
    """Every file under walks/ with its SHA-256."""
    return {
        p.relative_to(project.walks_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.walks_dir.rglob("*"))
        if p.is_file()
    }


def observations(project: Project) -> pd.DataFrame:
    obs = project.store.read("observations").drop(columns=["import_id"])
    return obs.sort_values("obs_id").reset_index(drop=True)


def assert_no_escape(tmp_path: Path) -> None:
    name = evil_name(tmp_path)
    assert not list(tmp_path.parent.glob("**/" + name))  # this test session's folders, the project among them
    temp = Path(tempfile.gettempdir())  # where zips are extracted: walktool-*/media/../../ is here
    assert not (temp / name).exists() and not (temp.parent / name).exists()


def workbook_photos(path: Path, sheet: str) -> tuple[int, list[str]]:
    """Thumbnails and hyperlink targets of a station sheet of the report."""
    ws = load_workbook(path)[sheet]
    links = [c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink is not None]
    return len(ws._images), links


# -- zip member names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("media/photo.jpg", ("media", "photo.jpg")),
        ("a/./b//c.jpg", ("a", "b", "c.jpg")),
        ("../x.jpg", None),
        ("media/../../x.jpg", None),
        ("/etc/x.jpg", None),
        ("\\\\server\\share\\x.jpg", None),
        ("C:/x.jpg", None),
        ("a\\..\\..\\x.jpg", None),
        ("a/\x00.jpg", None),
    ],
)
def test_safe_member_parts(name: str, parts: tuple[str, ...] | None) -> None:
    assert safe_member_parts(name) == parts


# -- ODK Central zip with media ---------------------------------------------------------------


def test_odk_central_zip_media_kept_and_shown(project: Project, tmp_path: Path) -> None:
    path = build_odk_zip(tmp_path)
    (report,) = import_files(project, [path]).files
    assert report.format == "odk-central"
    assert report.rows == report.accepted + report.rejected
    # the zip-slip entries are ignored and reported, nothing escaped
    unsafe = sorted(i.value or "" for i in report.issues if i.code == "unsafe-zip-entry")
    assert unsafe == sorted([f"media/../../{evil_name(tmp_path)}", f"/{evil_name(tmp_path)}"])
    assert all(i.level == "warning" for i in report.issues if i.code == "unsafe-zip-entry")
    assert_no_escape(tmp_path)
    # the photos are kept under walks/ (images only), next to the raw zip
    media = project.walks_dir / "imported" / "walktool_stm-media"
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == ["1731976301442.jpg", "photo.jpg"]
    assert (media / "photo.jpg").read_bytes() == (tmp_path / "camera" / "photo.jpg").read_bytes()
    assert report.stored_as == "walks/imported/walktool_stm.zip"
    # the observations name them
    obs = project.store.read("observations")
    assert set(obs["photo"].dropna()) == {"photo.jpg", "1731976301442.jpg"}
    assert set(obs.loc[obs["photo"].eq("photo.jpg"), "station_name"]) == {"Place-des-Arts"}
    # the map shows a thumbnail linking to the kept photo's copy without EXIF (relative to reports/)
    photos = walktool_doc(map_html(build_map(project, lang="fr")))["photos"]
    (thumb,) = [p for p in photos if "/photo-" in p]
    match = re.search(r'href="(photos/staff/photo-[0-9a-f]{16}\.jpg)"', thumb)
    assert match and f'<img class="wt-thumb" src="{match.group(1)}"' in thumb
    assert not any("<small>" in p for p in photos)  # no photo reported missing
    # the workbook links the same copy and shows its thumbnail
    images, links = workbook_photos(build_report(project), "Place-des-Arts")
    assert images >= 1 and match.group(1) in links
    images, links = workbook_photos(project.reports_dir / "report.xlsx", "Lionel-Groulx")
    assert images >= 1 and any(re.fullmatch(r"photos/staff/1731976301442-[0-9a-f]{16}\.jpg", link or "") for link in links)


def test_odk_central_zip_reimport_changes_nothing(project: Project, tmp_path: Path) -> None:
    path = build_odk_zip(tmp_path)
    import_files(project, [path])
    files, obs = walks_files(project), observations(project)
    import_files(project, [path])
    assert walks_files(project) == files
    pd.testing.assert_frame_equal(observations(project), obs)
    # the kept copy of the zip, imported again, adds nothing either
    import_files(project, [project.walks_dir / "imported" / "walktool_stm.zip"])
    assert walks_files(project) == files


def test_a_different_photo_of_the_same_name_never_overwrites(project: Project, tmp_path: Path) -> None:
    path = build_odk_zip(tmp_path)
    import_files(project, [path], walk_id="W1")
    kept = project.walks_dir / "W1" / "walktool_stm-media" / "photo.jpg"
    first = kept.read_bytes()
    # a newer export of the same name, whose photo.jpg is another photo
    newer = make_photo(tmp_path / "newer" / "photo.jpg", taken="2024:11:19 18:41:00", lat=45.5081, lon=-73.5683)
    again = tmp_path / "newer" / path.name
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(again, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, newer.read_bytes() if info.filename == "media/photo.jpg" else src.read(info))
    import_files(project, [again], walk_id="W1")
    assert kept.read_bytes() == first
    suffixed = list(kept.parent.glob("photo-*.jpg"))
    assert len(suffixed) == 1 and suffixed[0].read_bytes() == newer.read_bytes()


def test_older_central_zip_keeps_its_files_folders(project: Project, tmp_path: Path) -> None:
    from test_readers_odk import JPEG, A, B, build_central_zip

    (report,) = import_files(project, [build_central_zip(tmp_path)]).files
    assert report.format == "odk-central"
    media = project.walks_dir / "imported" / "walktool_stm-media"
    assert (media / A / "photo.jpg").read_bytes() == JPEG  # files/<instanceId>/<file>: the folders are kept
    assert (media / B / "1731976301442.jpg").read_bytes() == JPEG


def test_dry_run_keeps_no_photo(project: Project, tmp_path: Path) -> None:
    import_files(project, [build_odk_zip(tmp_path)], dry_run=True)
    assert walks_files(project) == {}


# -- KoboToolbox CSV + media attachments zip --------------------------------------------------


def test_kobo_media_zip_is_a_photos_archive(tmp_path: Path, write_csv: Any) -> None:
    _, media = build_kobo(tmp_path, write_csv)
    assert detect_format(media).name == "photos"
    fmt, (table,) = read_file(media)
    assert fmt.name == "photos"
    assert list(table.frame["photo"]) == [f"{KOBO_FOLDER}/{KOBO_PHOTO}"]
    assert list(table.frame["__time"]) == ["2024-11-05T20:07:00-05:00"]
    assert table.media_root is not None and (table.media_root / KOBO_FOLDER / KOBO_PHOTO).is_file()
    assert [i.code for i in table.issues] == ["unsafe-zip-entry"]  # __MACOSX is skipped silently
    assert_no_escape(tmp_path)
    # an export zip holding a table is not a photos archive
    assert detect_format(build_odk_zip(tmp_path)).name == "odk-central"


def test_damaged_photo_in_a_zip_is_reported_and_the_others_read(project: Project, tmp_path: Path) -> None:
    good = make_photo(tmp_path / "camera" / "good.jpg", lat=45.5153, lon=-73.561)
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(good, "walk/good.jpg")
        zf.writestr("walk/bad.jpg", bytes(range(256)) * 64)
        zf.writestr("walk/notes.md", "Marche du 5 novembre")
    with zipfile.ZipFile(path) as zf:
        bad = zf.getinfo("walk/bad.jpg")
    data = bytearray(path.read_bytes())
    start = bad.header_offset + 30 + len(bad.filename) + len(bad.extra)
    data[start + 2 : start + 40] = b"\xff" * 38  # the compressed stream is damaged
    path.write_bytes(bytes(data))
    (report,) = import_files(project, [path]).files
    assert report.format == "photos"
    assert (report.rows, report.rows - report.accepted - report.rejected) == (1, 0)
    codes = {(i.code, i.value) for i in report.issues}
    assert ("unreadable-photo", "walk/bad.jpg") in codes and ("not-a-photo", "walk/notes.md") in codes
    assert sorted(p.name for p in (project.walks_dir / "imported" / "photos").rglob("*") if p.is_file()) == ["good.jpg"]


def _assert_kobo_photo_linked(project: Project, photos: Any) -> None:
    assert photos.format == "photos"
    assert (photos.rows, photos.accepted, photos.rejected) == (1, 1, 0)
    assert not [i for i in photos.issues if i.code == "photo-unplaced"]
    obs = project.store.read("observations")
    (row,) = obs[obs["format"].eq("photos")].to_dict("records")
    assert (row["station_name"], row["zone"], row["station_match"]) == ("McGill", "corridor", "photo-link")
    assert row["photo"].endswith("/" + KOBO_PHOTO)
    sheet_rows = obs[obs["format"].eq("kobo-csv") & obs["photo"].notna()]
    assert set(sheet_rows["photo"]) == {KOBO_PHOTO}
    kept = project.walks_dir / "imported" / "kobo_media" / KOBO_FOLDER / KOBO_PHOTO
    assert kept.is_file()


def test_kobo_csv_and_media_zip_in_one_import(project: Project, tmp_path: Path, write_csv: Any) -> None:
    sheet, media = build_kobo(tmp_path, write_csv)
    result = import_files(project, [media, sheet])  # the zip first: sheets are still read before photos
    by_format = {f.format: f for f in result.files}
    assert set(by_format) == {"kobo-csv", "photos"}
    for f in result.files:
        assert f.rows == f.accepted + f.rejected
    photos = by_format["photos"]
    _assert_kobo_photo_linked(project, photos)
    assert [i.code for i in photos.issues if i.code == "unsafe-zip-entry"] == ["unsafe-zip-entry"]
    assert_no_escape(tmp_path)
    # the map and the workbook show the photo
    photos = walktool_doc(map_html(build_map(project, lang="fr")))["photos"]
    match = re.search(r'src="(photos/staff/1700000000000-[0-9a-f]{16}\.jpg)"', photos[0]) if photos else None
    assert match and all(f'<img class="wt-thumb" src="{match.group(1)}"' in p for p in photos)  # a copy without EXIF
    images, links = workbook_photos(build_report(project), "McGill")
    assert images >= 1 and match.group(1) in links
    # importing both again changes nothing
    files, obs = walks_files(project), observations(project)
    import_files(project, [sheet, media])
    assert walks_files(project) == files
    pd.testing.assert_frame_equal(observations(project), obs)


def test_kobo_media_zip_imported_after_the_sheet(project: Project, tmp_path: Path, write_csv: Any) -> None:
    sheet, media = build_kobo(tmp_path, write_csv)
    import_files(project, [sheet])
    (photos,) = import_files(project, [media]).files
    _assert_kobo_photo_linked(project, photos)


def test_kobo_media_zip_alone_is_unplaced(project: Project, tmp_path: Path, write_csv: Any) -> None:
    _, media = build_kobo(tmp_path, write_csv)
    (photos,) = import_files(project, [media]).files
    assert (photos.rows, photos.accepted, photos.rejected) == (1, 0, 1)
    assert [i.value for i in photos.issues if i.code == "photo-unplaced"] == [f"{KOBO_FOLDER}/{KOBO_PHOTO}"]


def test_kobo_import_from_the_command_line(project: Project, tmp_path: Path, write_csv: Any, runner: CliRunner) -> None:
    sheet, media = build_kobo(tmp_path, write_csv)
    result = runner.invoke(app, ["import", str(sheet), str(media), "--json", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    formats = {Path(f["path"]).name: f for f in doc["files"]}
    assert formats["kobo_media.zip"]["format"] == "photos"
    assert (formats["kobo_media.zip"]["rows"], formats["kobo_media.zip"]["accepted"]) == (1, 1)
    assert all(f["rows"] == f["accepted"] + f["rejected"] for f in doc["files"])
    assert "photo-unplaced" not in {i["code"] for i in doc["issues"]}


def test_damaged_media_in_an_odk_zip_is_reported(project: Project, tmp_path: Path) -> None:
    path = build_odk_zip(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("media/broken.jpg", bytes(range(256)) * 64)
    with zipfile.ZipFile(path) as zf:
        bad = zf.getinfo("media/broken.jpg")
    data = bytearray(path.read_bytes())
    start = bad.header_offset + 30 + len(bad.filename) + len(bad.extra)
    data[start + 2 : start + 40] = b"\xff" * 38  # the compressed stream is damaged
    path.write_bytes(bytes(data))
    (report,) = import_files(project, [path]).files
    assert report.format == "odk-central" and report.rows == report.accepted + report.rejected
    assert ("unreadable-photo", "media/broken.jpg") in {(i.code, i.value) for i in report.issues}
    media = project.walks_dir / "imported" / "walktool_stm-media"
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == ["1731976301442.jpg", "photo.jpg"]
