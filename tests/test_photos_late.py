"""Photos imported before the sheet naming them: the sheet, imported later, places them.

A photo without GPS that no row names is rejected (``photo-unplaced``) but kept
under ``walks/``.  When a sheet naming it comes later, the photo becomes the
observation it would have been had the sheet come first, its ``photo-unplaced``
issue goes, and the sheet row gets a ``photo-placed-later`` warning; the photos'
import log is left as it was (it rejected the photo).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import walktool
from test_photos_in_exports import KOBO_FOLDER, KOBO_PHOTO, build_kobo, walks_files
from test_readers_photos import make_photo
from walktool.ingest import FileReport, import_files
from walktool.project import Project
from walktool.quality import quality_report

WriteCsv = Callable[..., Path]


def photo_walk(tmp_path: Path, write_csv: WriteCsv) -> tuple[Path, Path]:
    """A folder of two photos without GPS (underground) and a findings table naming one of them."""
    folder = tmp_path / "photos_berri"
    make_photo(folder / "IMG_0413.JPG", taken="2023:11:14 19:42:00", offset="-05:00", comment="Néons brisés")
    make_photo(folder / "IMG_0999.JPG", taken="2023:11:14 19:50:00")  # named by no row
    sheet = write_csv(
        tmp_path / "constats_photos.csv",
        [
            ["Gare", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Date"],
            ["McGill", "mezzanine", "dark_corners", "", "", "", "14/11/2023 20h10"],
            ["Berri-UQAM", "quai", "lights_out", "élevée", "Néons brisés", "photos/img_0413.jpg", "14/11/2023 19h42"],
        ],
    )
    return sheet, folder


def observations(project: Project) -> pd.DataFrame:
    return project.store.read("observations").drop(columns=["import_id"]).sort_values("obs_id").reset_index(drop=True)


def issues(project: Project) -> pd.DataFrame:
    return project.store.read("issues").drop(columns=["import_id"]).sort_values("issue_id").reset_index(drop=True)


def codes(project: Project, code: str) -> list[tuple[Any, ...]]:
    stored = project.store.read("issues")
    rows = stored[stored["code"].eq(code)]
    return sorted(zip(rows["file"], rows["row"].astype("Int64").tolist(), rows["value"], strict=True))


def latest_log(project: Project) -> pd.DataFrame:
    """The import log's last row per file, without its id and time (each import adds a row)."""
    log = project.store.read("imports").sort_values("import_id").drop_duplicates(["walk_id", "file"], keep="last")
    return log.drop(columns=["import_id", "at_utc"]).sort_values("file").reset_index(drop=True)


State = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, str]]


def state(project: Project) -> State:
    return observations(project), issues(project), latest_log(project), walks_files(project)


def assert_same_state(project: Project, before: State) -> None:
    obs, iss, log, files = before
    pd.testing.assert_frame_equal(observations(project), obs)
    pd.testing.assert_frame_equal(issues(project), iss)
    pd.testing.assert_frame_equal(latest_log(project), log)
    assert walks_files(project) == files


def only(reports: list[FileReport]) -> FileReport:
    (report,) = reports
    return report


def photo_rows(project: Project) -> pd.DataFrame:
    obs = observations(project)
    return obs[obs["format"].eq("photos")].reset_index(drop=True)


def sheet_first(tmp_path: Path, paths: list[Path]) -> pd.DataFrame:
    """The photo observations of a fresh project importing ``paths`` in that order (the sheet first)."""
    other = walktool.init_project(tmp_path / "sheet-first")
    try:
        for path in paths:
            import_files(other, [path])
        return photo_rows(other)
    finally:
        other.close()


# -- a folder of photos, then the findings table --------------------------------------------------


def test_the_sheet_imported_later_places_the_photo_it_names(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    photos = only(import_files(project, [folder]).files)
    assert (photos.rows, photos.accepted, photos.rejected) == (2, 0, 2)
    assert codes(project, "photo-unplaced") == [("photos_berri", 1, "IMG_0413.JPG"), ("photos_berri", 2, "IMG_0999.JPG")]

    findings = only(import_files(project, [sheet]).files)

    # the sheet's own rows are counted as ever; the photo is a warning on the row naming it
    assert (findings.rows, findings.accepted, findings.rejected, findings.observations) == (2, 2, 0, 2)
    (note,) = [i for i in findings.issues if i.code == "photo-placed-later"]
    assert (note.level, note.row, note.column, note.value) == ("warning", 3, "photo", "IMG_0413.JPG")
    assert "photos_berri" in note.message and "Berri-UQAM" in note.message
    # the photo is now an observation at the row's station, zone and time …
    (row,) = photo_rows(project).to_dict("records")
    assert (row["station_name"], row["zone"], row["station_match"], row["photo"]) == ("Berri-UQAM", "platform", "photo-link", "IMG_0413.JPG")
    assert row["local_time"] == "2023-11-14T19:42:00-05:00"
    assert (row["source_file"], row["source_row"], row["format"]) == ("photos_berri", 1, "photos")
    # … exactly the one a project importing the sheet first has
    pd.testing.assert_frame_equal(photo_rows(project), sheet_first(tmp_path, [sheet, folder]))
    # its photo-unplaced issue is gone, the other photo's stays
    assert codes(project, "photo-unplaced") == [("photos_berri", 2, "IMG_0999.JPG")]
    assert codes(project, "photo-placed-later") == [("constats_photos.csv", 3, "IMG_0413.JPG")]
    # the photos' import log is left as it was: that import rejected both
    log = project.store.read("imports").set_index("file")
    assert tuple(log.loc[str(folder), ["rows", "accepted", "rejected"]]) == (2, 0, 2)
    assert tuple(log.loc[str(sheet), ["rows", "accepted", "rejected", "warnings"]]) == (2, 2, 0, 1)
    # walktool check tells the story
    report = quality_report(project)
    assert report["by_code"] == {"photo-placed-later": 1, "photo-unplaced": 1}


def test_importing_the_sheet_again_changes_nothing(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    import_files(project, [sheet])
    before = state(project)
    findings = only(import_files(project, [sheet]).files)
    assert [i.code for i in findings.issues] == ["photo-placed-later"]  # the warning stays with the row
    assert_same_state(project, before)


def test_importing_both_again_changes_nothing(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    import_files(project, [sheet])
    obs, unplaced = observations(project), codes(project, "photo-unplaced")

    # the same imports again, in the same order: the same observations and rejects
    photos = only(import_files(project, [folder]).files)
    assert (photos.rows, photos.accepted, photos.rejected) == (2, 1, 1)  # the sheet is known now
    import_files(project, [sheet])
    pd.testing.assert_frame_equal(observations(project), obs)
    assert codes(project, "photo-unplaced") == unplaced
    # the photos' new log counts the photo as accepted: the warning explaining the old one is gone
    assert codes(project, "photo-placed-later") == []

    # both in one import, then again: nothing changes
    import_files(project, [folder, sheet])
    pd.testing.assert_frame_equal(observations(project), obs)
    assert codes(project, "photo-unplaced") == unplaced
    before = state(project)
    import_files(project, [sheet, folder])
    assert_same_state(project, before)


def test_a_corrected_sheet_moves_the_photo_it_placed(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    import_files(project, [sheet])
    write_csv(
        sheet,
        [
            ["Gare", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Date"],
            ["McGill", "mezzanine", "dark_corners", "", "", "IMG_0413.JPG", "14/11/2023 20h10"],
        ],
    )
    findings = only(import_files(project, [sheet]).files)
    assert [(i.code, i.row) for i in findings.issues] == [("photo-placed-later", 2)]
    (row,) = photo_rows(project).to_dict("records")
    assert (row["station_name"], row["zone"]) == ("McGill", "hall")
    assert codes(project, "photo-placed-later") == [("constats_photos.csv", 2, "IMG_0413.JPG")]


def test_a_dry_run_of_the_sheet_tells_and_stores_nothing(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    before, log = state(project), project.store.read("imports")
    result = import_files(project, [sheet], dry_run=True)
    assert [(i.code, i.value) for i in result.issues()] == [("photo-placed-later", "IMG_0413.JPG")]
    assert_same_state(project, before)
    pd.testing.assert_frame_equal(project.store.read("imports"), log)  # not even logged
    # and the real import still does it
    import_files(project, [sheet])
    assert len(photo_rows(project)) == 1


def test_a_sheet_with_its_photos_in_one_import_adds_no_warning(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    result = import_files(project, [sheet, folder])  # the folder is imported again: it places the photo itself
    assert not [i for i in result.issues() if i.code == "photo-placed-later"]
    assert codes(project, "photo-placed-later") == []
    assert codes(project, "photo-unplaced") == [("photos_berri", 2, "IMG_0999.JPG")]
    assert len(photo_rows(project)) == 1


def test_a_photo_whose_kept_copy_is_gone_stays_unplaced(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    shutil.rmtree(project.walks_dir / "imported" / "photos_berri")
    findings = only(import_files(project, [sheet]).files)
    assert [(i.code, i.level, i.row) for i in findings.issues] == [("photo-file-missing", "warning", 3)]
    assert photo_rows(project).empty
    assert [v for _, _, v in codes(project, "photo-unplaced")] == ["IMG_0413.JPG", "IMG_0999.JPG"]


def test_a_moved_copy_is_found_under_walks(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = photo_walk(tmp_path, write_csv)
    import_files(project, [folder])
    kept = project.walks_dir / "imported" / "photos_berri"
    kept.rename(project.walks_dir / "imported" / "berri-2023-11-14")
    import_files(project, [sheet])
    assert list(photo_rows(project)["photo"]) == ["IMG_0413.JPG"]
    pd.testing.assert_frame_equal(photo_rows(project), sheet_first(tmp_path, [sheet, folder]))


# -- a KoboToolbox media zip, then the Kobo CSV ---------------------------------------------------


def test_kobo_media_zip_then_the_csv(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, media = build_kobo(tmp_path, write_csv)
    photos = only(import_files(project, [media]).files)
    assert (photos.rows, photos.accepted, photos.rejected) == (1, 0, 1)
    assert (project.walks_dir / "imported" / "kobo_media" / KOBO_FOLDER / KOBO_PHOTO).is_file()

    kobo = only(import_files(project, [sheet]).files)

    assert kobo.rows == kobo.accepted + kobo.rejected
    assert [(i.code, i.value) for i in kobo.issues if i.code.startswith("photo")] == [("photo-placed-later", f"{KOBO_FOLDER}/{KOBO_PHOTO}")]
    (row,) = photo_rows(project).to_dict("records")
    assert (row["station_name"], row["zone"], row["station_match"]) == ("McGill", "corridor", "photo-link")
    assert row["photo"] == f"{KOBO_FOLDER}/{KOBO_PHOTO}"
    assert codes(project, "photo-unplaced") == []
    pd.testing.assert_frame_equal(photo_rows(project), sheet_first(tmp_path, [sheet, media]))
    # the CSV again, and a dry run of it: nothing changes
    before = state(project)
    import_files(project, [sheet])
    import_files(project, [sheet], dry_run=True)
    assert_same_state(project, before)
    # both again: the same observations, no reject
    obs = observations(project)
    import_files(project, [media])
    import_files(project, [sheet])
    pd.testing.assert_frame_equal(observations(project), obs)
    assert codes(project, "photo-unplaced") == []
