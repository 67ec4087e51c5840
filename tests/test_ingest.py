"""Importing field sheets into a project: read → normalise → place → store, nothing lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from walktool.errors import WalktoolError
from walktool.ingest import import_files, sha256_of
from walktool.project import Project
from walktool.quality import quality_report

WriteCsv = Callable[..., Path]

TITLE = ["Relevé des constats – marche exploratoire STM", "", "", "", "", "", ""]
SUBTITLE = ["Automne 2023 – équipe Centre-Sud", "", "", "", "", "", ""]
HEADER = ["Gare", "Zone", "Élément", "Gravité", "Commentaire", "Latitude", "Longitude", "Date"]
FRENCH_ROWS = [
    ["berri uqam", "quai", "Coins sombres", "élevée", "Coin très sombre près de l'escalier", "45,5150", "-73,5600", "14/11/2023 19h30"],
    ["Lionel Groulx", "mezzanine", "interphone", "", "Hors service", "", "", "14/11/2023 20h00"],
    ["Cote des neiges", "couloir", "graffitis", "faible", "Graffitis haineux", "", "", "14/11/2023 20h30"],
    ["Jolicoeur", "édicule", "Sorties signalées", "moyenne", "Aucun panneau de sortie", "45,4568", "-73,5820", "14/11/2023 21h00"],
]


def french_table(path: Path, write_csv: WriteCsv, rows: list[list[str]] | None = None) -> Path:
    """A facilitator's own findings table: Windows-1252, ``;``, title rows, a blank row, decimal commas."""
    data = list(rows or FRENCH_ROWS)
    body: list[list[str]] = [TITLE, SUBTITLE, [], HEADER, data[0], [], *data[1:]]
    return write_csv(path, body, sep=";", encoding="cp1252")


def observations(project: Project) -> pd.DataFrame:
    return project.store.read("observations").drop(columns=["import_id"]).sort_values("obs_id").reset_index(drop=True)


def issues(project: Project) -> pd.DataFrame:
    return project.store.read("issues").drop(columns=["import_id"]).sort_values("issue_id").reset_index(drop=True)


# -- the must-show test ---------------------------------------------------------------


def test_french_findings_table_lands_every_row_at_the_right_station(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = french_table(tmp_path / "constats_automne.csv", write_csv)
    assert b"\xe9" in path.read_bytes()  # really Windows-1252 (é as one byte)

    result = import_files(project, [path], fmt="findings-table")

    (report,) = result.files
    assert report.error is None
    assert (report.format, report.rows, report.accepted, report.rejected) == ("findings-table", 4, 4, 0)
    obs = project.store.read("observations").sort_values("source_row")
    assert list(obs["station_name"]) == ["Berri-UQAM", "Lionel-Groulx", "Côte-des-Neiges", "Jolicoeur"]
    assert list(obs["zone"]) == ["platform", "hall", "corridor", "entrance"]
    assert list(obs["item"]) == ["dark_corners", "emergency_phone", "offensive_graffiti", "sign_exits"]
    assert list(obs["severity"]) == ["high", "high", "low", "medium"]
    assert obs["is_problem"].astype(bool).all()
    # row numbers are the lines a spreadsheet shows: title rows, blank lines and header counted
    assert list(obs["source_row"]) == [5, 7, 8, 9]
    # decimal commas read
    berri = obs.iloc[0]
    assert berri["lat"] == pytest.approx(45.515) and berri["lon"] == pytest.approx(-73.56)
    assert berri["comment"] == "Coin très sombre près de l'escalier"
    assert berri["local_time"] == "2023-11-14T19:30:00-05:00"
    assert berri["observed_at"] == "2023-11-15T00:30:00Z"
    assert set(obs["period"]) == {"night"}
    # nothing silently guessed wrong: no reject, and the stored counts agree
    assert project.store.count("issues", {"level": "error"}) == 0


def test_findings_table_is_detected_without_format(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = french_table(tmp_path / "constats.csv", write_csv)
    result = import_files(project, [path])
    (report,) = result.files
    assert report.error is None, report.error
    assert report.format == "findings-table"
    assert report.rows == report.accepted + report.rejected == 4


# -- nothing lost, nothing duplicated --------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [*FRENCH_ROWS, ["Station Inconnue", "quai", "dark_corners", "", "", "", "", ""]]
    path = french_table(tmp_path / "constats.csv", write_csv, rows)
    first = import_files(project, [path], fmt="findings-table")
    assert (first.accepted, first.rejected) == (4, 1)
    obs1, issues1 = observations(project), issues(project)
    participants1 = project.store.count("participants")
    walks1 = project.store.count("walks")

    second = import_files(project, [path], fmt="findings-table")
    assert (second.accepted, second.rejected) == (4, 1)
    pd.testing.assert_frame_equal(observations(project), obs1)
    pd.testing.assert_frame_equal(issues(project), issues1)
    assert project.store.count("participants") == participants1
    assert project.store.count("walks") == walks1
    # the raw file is kept once, the import log grows
    copies = list(project.walks_dir.rglob("*.csv"))
    assert len(copies) == 1
    assert project.store.count("imports") == 2


def test_newer_export_with_a_changed_answer_updates_in_place(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Gare", "Zone", "Élément", "Réponse", "Gravité"]
    old = write_csv(tmp_path / "v1" / "grille.csv", [header, ["Berri-UQAM", "quai", "dark_corners", "oui", "élevée"], ["McGill", "hall", "sign_exits", "oui", ""]], sep=";", encoding="cp1252")
    new = write_csv(tmp_path / "v2" / "grille.csv", [header, ["Berri-UQAM", "quai", "dark_corners", "oui", "élevée"], ["McGill", "hall", "sign_exits", "non", "faible"]], sep=";", encoding="cp1252")

    import_files(project, [old], fmt="findings-table")
    before = project.store.read("observations")
    assert len(before) == 2
    assert before.set_index("station_name").at["McGill", "answer"] == "yes"

    import_files(project, [new], fmt="findings-table")
    after = project.store.read("observations")
    assert len(after) == 2
    mcgill = after.set_index("station_name").loc["McGill"]
    assert (mcgill["answer"], bool(mcgill["is_problem"]), mcgill["severity"]) == ("no", True, "low")
    # the unchanged row keeps its identity
    assert before.set_index("station_name").at["Berri-UQAM", "obs_id"] == after.set_index("station_name").at["Berri-UQAM", "obs_id"]
    # both raw versions are kept (provenance), under distinct names
    stored = sorted(p.name for p in project.walks_dir.rglob("grille*.csv"))
    assert len(stored) == 2


def test_raw_file_is_copied_with_its_checksum_and_the_import_is_logged(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = french_table(tmp_path / "constats.csv", write_csv)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = import_files(project, [path], fmt="findings-table", campaign="2023-automne")
    (report,) = result.files
    assert report.checksum == digest
    assert report.stored_as is not None
    copy = project.root / report.stored_as
    assert copy.parent.parent == project.walks_dir
    assert copy.read_bytes() == path.read_bytes()
    assert sha256_of(copy) == digest
    log = project.store.read("imports")
    assert len(log) == 1
    entry = log.iloc[0]
    assert entry["checksum"] == digest
    assert entry["stored_as"] == report.stored_as
    assert entry["format"] == "findings-table"
    assert (int(entry["rows"]), int(entry["accepted"]), int(entry["rejected"])) == (4, 4, 0)
    assert entry["campaign"] == "2023-automne"
    assert entry["at_utc"]
    assert set(project.store.read("observations")["campaign"]) == {"2023-automne"}


def test_dry_run_stores_nothing(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = french_table(tmp_path / "constats.csv", write_csv)
    before = set(project.walks_dir.rglob("*"))
    result = import_files(project, [path], fmt="findings-table", dry_run=True)
    (report,) = result.files
    assert (report.rows, report.accepted) == (4, 4)
    assert result.import_id is None
    for table in ("observations", "issues", "imports", "participants", "walks"):
        assert project.store.count(table) == 0, table
    assert set(project.walks_dir.rglob("*")) == before
    # ... but it says how each column was understood
    understood = {c["column"]: c["as"] for c in report.columns}
    assert understood["Gare"] == "context: station"
    assert understood["Élément"] == "context: item"
    assert understood["Latitude"] == "context: lat"
    assert result.to_dict()["files"][0]["columns"]


def test_mapping_file_for_odd_headers_and_answers(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        'columns:\n  "Q1 Éclairage": light_level\n  "Nom de la gare": station\n  "Q9 Divers": ignore\n'
        'answers:\n  light_level: {"très sombre": "0"}\n  "*": {"bof": na}\n',
        encoding="utf-8",
    )
    path = write_csv(
        tmp_path / "grille_maison.csv",
        [["Nom de la gare", "Zone", "Q1 Éclairage", "sign_exits", "Q9 Divers"], ["Berri-UQAM", "quai", "très sombre", "bof", "xx"], ["McGill", "quai", "Fort", "oui", "yy"]],
    )
    result = import_files(project, [path], fmt="findings-table", mapping=mapping)
    (report,) = result.files
    assert (report.rows, report.accepted, report.rejected) == (2, 2, 0)
    assert not [i for i in report.issues if i.code == "unknown-answer"]
    obs = project.store.read("observations")
    light = obs[obs["item"].eq("light_level")].set_index("station_name")
    assert light.at["Berri-UQAM", "answer"] == "0"
    assert light.at["Berri-UQAM", "score"] == 0.0
    assert bool(light.at["Berri-UQAM", "is_problem"]) is True
    assert light.at["McGill", "answer"] == "3"
    exits = obs[obs["item"].eq("sign_exits")].set_index("station_name")
    assert exits.at["Berri-UQAM", "answer"] == "na"
    columns = {c["column"]: c for c in report.columns}
    assert (columns["Q1 Éclairage"]["role"], columns["Q1 Éclairage"]["target"], columns["Q1 Éclairage"]["source"]) == ("item", "light_level", "mapping")
    assert columns["Q9 Divers"]["role"] == "ignored"


def test_without_the_mapping_the_odd_answer_is_a_warning(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(tmp_path / "g.csv", [["Gare", "light_level"], ["Berri-UQAM", "très sombre"], ["McGill", "fort"]])
    result = import_files(project, [path], fmt="findings-table")
    (report,) = result.files
    assert (report.accepted, report.rejected) == (1, 1)
    warning = next(i for i in report.issues if i.code == "unknown-answer")
    assert warning.value == "très sombre"


def test_walk_file_ties_observations_to_the_walk_and_flags_other_days(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    walk_dir = project.walks_dir / "W1"
    walk_dir.mkdir(parents=True)
    (walk_dir / "walk.yaml").write_text("date: 2023-11-14\nstart_time: '19:00'\nfacilitator: Équipe A\ncampaign: 2023-automne\n", encoding="utf-8")
    path = write_csv(
        tmp_path / "w1.csv",
        [["Gare", "Élément", "Date"], ["Berri-UQAM", "dark_corners", "14/11/2023 19h30"], ["McGill", "sign_exits", "16/11/2023 19h30"]],
    )
    result = import_files(project, [path], fmt="findings-table", walk_id="W1")
    obs = project.store.read("observations")
    assert set(obs["walk_id"]) == {"W1"}
    assert set(obs["campaign"]) == {"2023-automne"}
    off = [i for i in result.issues() if i.code == "outside-walk-date"]
    assert [i.row for i in off] == [3]
    assert off[0].level == "warning"
    walks = project.store.read("walks").set_index("walk_id")
    assert walks.at["W1", "date"] == "2023-11-14"
    assert (project.walks_dir / "W1" / "w1.csv").exists()
    stored_codes = set(project.store.read("issues")["code"])
    assert "outside-walk-date" in stored_codes


def test_quality_report_lists_stored_issues_by_file_row_and_column(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(
        tmp_path / "messy.csv",
        [
            ["Gare", "Zone", "Élément"],
            ["Berri-UQAM", "quai", "dark_corners"],
            ["Gare Fantôme", "quai", "dark_corners"],
            ["McGill", "sur le toit", "sign_exits"],
        ],
    )
    import_files(project, [path], fmt="findings-table")
    report = quality_report(project)
    assert report["observations"] == 2
    assert report["rejects"] == 1 and report["warnings"] == 1
    assert report["by_code"] == {"unknown-station": 1, "unknown-zone": 1}
    by_code = {i["code"]: i for i in report["issues"]}
    assert by_code["unknown-station"] | {"message": None} == {
        "file": "messy.csv", "sheet": None, "row": 3, "column": "Gare", "value": "Gare Fantôme", "code": "unknown-station", "level": "error", "message": None,
    }
    assert (by_code["unknown-zone"]["row"], by_code["unknown-zone"]["column"], by_code["unknown-zone"]["value"]) == (4, "Zone", "sur le toit")
    (f,) = report["files"]
    assert (f["rows"], f["accepted"], f["rejected"], f["format"]) == (3, 2, 1, "findings-table")
    assert quality_report(project, level="error")["warnings"] == 0


def test_several_files_in_one_import(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    a = french_table(tmp_path / "a.csv", write_csv)
    b = write_csv(tmp_path / "b.csv", [["station", "zone", "dark_corners", "sign_exits"], ["McGill", "quai", "non", "oui"], ["Nowhere", "quai", "oui", "oui"]])
    result = import_files(project, [a, b], fmt="findings-table")
    assert [(f.rows, f.accepted, f.rejected) for f in result.files] == [(4, 4, 0), (2, 1, 1)]
    assert (result.accepted, result.rejected) == (5, 1)
    assert project.store.count("observations") == 4 + 2
    assert project.store.count("imports") == 2


def test_identical_rows_in_two_different_sheets_are_both_kept(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [["Gare", "Zone", "Élément", "Gravité"], ["Berri-UQAM", "quai", "Coins sombres", "élevée"]]
    group_a = write_csv(tmp_path / "groupe_a.csv", rows)
    group_b = write_csv(tmp_path / "groupe_b.csv", rows)
    result = import_files(project, [group_a, group_b], fmt="findings-table")
    assert result.accepted == 2
    obs = project.store.read("observations")
    assert sorted(obs["source_file"]) == ["groupe_a.csv", "groupe_b.csv"]
    # and importing them again still gives two
    import_files(project, [group_b, group_a], fmt="findings-table")
    assert project.store.count("observations") == 2


# -- photos without GPS take the station and zone of the sheet row naming them ---------------


def _photo_walk(tmp_path: Path, write_csv: WriteCsv) -> tuple[Path, Path]:
    """A findings table naming one photo, and the folder of photos: none has a GPS fix (underground)."""
    from test_readers_photos import make_photo

    folder = tmp_path / "photos_berri"
    make_photo(folder / "IMG_0413.JPG", taken="2023:11:14 19:42:00", offset="-05:00", comment="Néons brisés")
    make_photo(folder / "IMG_0999.JPG", taken="2023:11:14 19:50:00")  # no GPS, named by no row
    sheet = write_csv(
        tmp_path / "constats_photos.csv",
        [
            ["Gare", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Date"],
            ["Berri-UQAM", "quai", "lights_out", "élevée", "Néons brisés", "photos/img_0413.jpg", "14/11/2023 19h42"],
            ["McGill", "mezzanine", "dark_corners", "", "", "", "14/11/2023 20h10"],
        ],
    )
    return sheet, folder


def _photo_reports(result: Any) -> tuple[Any, Any]:
    by_format = {f.format: f for f in result.files}
    return by_format["findings-table"], by_format["photos"]


def _assert_photo_linked(project: Project, photos: Any) -> None:
    assert (photos.rows, photos.accepted, photos.rejected) == (2, 1, 1)
    assert photos.rows == photos.accepted + photos.rejected
    (unplaced,) = [i for i in photos.issues if i.level == "error"]
    assert (unplaced.code, unplaced.column, unplaced.value, unplaced.row) == ("photo-unplaced", "photo", "IMG_0999.JPG", 2)
    obs = project.store.read("observations")
    photo = obs[obs["format"].eq("photos")]
    assert len(photo) == 1
    row = photo.iloc[0]
    assert (row["station_name"], row["zone"], row["station_match"], row["photo"]) == ("Berri-UQAM", "platform", "photo-link", "IMG_0413.JPG")
    assert row["local_time"] == "2023-11-14T19:42:00-05:00"
    stored = project.store.read("issues")
    assert list(stored.loc[stored["code"].eq("photo-unplaced"), "value"]) == ["IMG_0999.JPG"]


def test_photo_without_gps_keeps_the_station_and_zone_of_the_row_naming_it(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = _photo_walk(tmp_path, write_csv)
    # the folder comes first on the command line: sheets are still read before photos
    result = import_files(project, [folder, sheet])
    assert [f.format for f in result.files] == ["photos", "findings-table"]
    findings, photos = _photo_reports(result)
    assert (findings.accepted, findings.rejected) == (2, 0)
    _assert_photo_linked(project, photos)
    # importing both again changes nothing
    before = observations(project)
    import_files(project, [folder, sheet])
    pd.testing.assert_frame_equal(observations(project), before)


def test_photo_linking_across_two_imports(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = _photo_walk(tmp_path, write_csv)
    import_files(project, [sheet])
    result = import_files(project, [folder])
    (photos,) = result.files
    assert photos.format == "photos"
    _assert_photo_linked(project, photos)


def test_photo_linking_in_a_dry_run(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    sheet, folder = _photo_walk(tmp_path, write_csv)
    result = import_files(project, [sheet, folder], dry_run=True)
    _, photos = _photo_reports(result)
    assert (photos.accepted, photos.rejected) == (1, 1)
    assert [i.code for i in photos.issues if i.level == "error"] == ["photo-unplaced"]
    assert project.store.count("observations") == 0


def test_photos_alone_are_reported_when_no_sheet_names_them(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    _, folder = _photo_walk(tmp_path, write_csv)
    (photos,) = import_files(project, [folder]).files
    assert (photos.rows, photos.accepted, photos.rejected) == (2, 0, 2)
    assert sorted(i.value or "" for i in photos.issues if i.code == "photo-unplaced") == ["IMG_0413.JPG", "IMG_0999.JPG"]


# -- the walk file: date, time window, route, participants --------------------------------------

WALK_YAML = """\
date: 2023-11-14
start_time: 19:00
end_time: '21:00'
facilitator: Équipe A
campaign: 2023-automne
n_participants: 2
weather: pluie fine
route:
  - station: berri uqam
    zones: [quai, mezzanine]
  - station: McGill
"""


def _walk(project: Project, text: str = WALK_YAML, walk_id: str = "W1") -> None:
    folder = project.walks_dir / walk_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "walk.yaml").write_text(text, encoding="utf-8")


def test_walk_file_checks_time_route_and_participants(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    _walk(project)
    path = write_csv(
        tmp_path / "w1.csv",
        [
            ["Gare", "Zone", "Élément", "Date", "Observateur"],
            ["Berri-UQAM", "quai", "dark_corners", "14/11/2023 19h30", "Marie"],  # 2: on the route, in time
            ["Berri-UQAM", "couloir", "dark_corners", "14/11/2023 19h45", "Marie"],  # 3: zone not on the route
            ["Jolicoeur", "quai", "dark_corners", "14/11/2023 20h00", "Paul"],  # 4: station not on the route
            ["McGill", "hall", "sign_exits", "14/11/2023 22h30", "Paul"],  # 5: after the end
            ["McGill", "hall", "sign_exits", "16/11/2023 19h30", "Zoé"],  # 6: another day
            ["McGill", "hall", "sign_exits", "14/11/2023", "Zoé"],  # 7: a date alone: no time check
            ["McGill", "hall", "sign_exits", "14/11/2023 18h50", "Zoé"],  # 8: 10 min early: tolerated
        ],
    )
    result = import_files(project, [path], walk_id="W1")
    (report,) = result.files
    assert report.rows == report.accepted + report.rejected == 7
    codes = {(i.code, i.row) for i in report.issues if i.level == "warning"}
    assert {c for c in codes if c[0].startswith("outside-walk")} == {
        ("outside-walk-route", 3), ("outside-walk-route", 4), ("outside-walk-time", 5), ("outside-walk-date", 6),
    }
    (crowd,) = [i for i in report.issues if i.code == "too-many-participants"]
    assert crowd.value == "3" and "n_participants: 2" in crowd.message
    route = {i.row: i.message for i in report.issues if i.code == "outside-walk-route"}
    assert {i.column for i in report.issues if i.code == "outside-walk-route"} == {"Gare"}  # the file's own header
    assert "zone corridor of Berri-UQAM" in route[3]
    assert "Jolicoeur is not on the route" in route[4]
    walks = project.store.read("walks").set_index("walk_id")
    assert walks.at["W1", "start_time"] == "19:00"  # unquoted 19:00 is a time, not YAML's base-60 1140
    assert walks.at["W1", "end_time"] == "21:00"
    assert walks.at["W1", "route"] == "Berri-UQAM: hall, platform; McGill"
    assert walks.at["W1", "n_participants"] == 2
    assert walks.at["W1", "weather"] == "pluie fine"
    stored = set(project.store.read("issues")["code"])
    assert {"outside-walk-route", "outside-walk-time", "outside-walk-date", "too-many-participants"} <= stored


def test_walk_crossing_midnight(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    _walk(project, "date: 2023-11-14\nstart_time: '22:30'\nend_time: '00:30'\n")
    path = write_csv(
        tmp_path / "nuit.csv",
        [["Gare", "Élément", "Date"], ["McGill", "dark_corners", "14/11/2023 23h30"], ["McGill", "sign_exits", "15/11/2023 00h15"], ["McGill", "sign_exits", "15/11/2023 03h00"]],
    )
    (report,) = import_files(project, [path], walk_id="W1").files
    assert [(i.code, i.row) for i in report.issues if i.code.startswith("outside-walk")] == [("outside-walk-time", 4)]


def test_walk_route_station_not_found_is_a_warning(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    _walk(project, "route:\n  - Berri-UQAM\n  - Gare Fantôme Zzz\n")
    path = write_csv(tmp_path / "w.csv", [["Gare", "Élément"], ["Berri-UQAM", "dark_corners"]])
    (report,) = import_files(project, [path], walk_id="W1").files
    (warning,) = [i for i in report.issues if i.code == "walk-route-unknown-station"]
    assert warning.value == "Gare Fantôme Zzz" and "walk.yaml" in warning.message
    assert not [i for i in report.issues if i.code == "outside-walk-route"]


@pytest.mark.parametrize(
    ("text", "key"),
    [("date: le 14\n", "date"), ("start_time: tôt\n", "start_time"), ("n_participants: beaucoup\n", "n_participants"), ("route: Berri-UQAM\n", "route")],
)
def test_walk_file_with_an_unusable_value_explains(project: Project, tmp_path: Path, write_csv: WriteCsv, text: str, key: str) -> None:
    _walk(project, text)
    path = write_csv(tmp_path / "w.csv", [["Gare", "Élément"], ["Berri-UQAM", "dark_corners"]])
    with pytest.raises(WalktoolError, match=rf"walk\.yaml: {key}: .*docs/walk-format\.md"):
        import_files(project, [path], walk_id="W1")
    assert project.store.count("observations") == 0


# -- large files stream: chunk by chunk, same result ------------------------------------------------


def test_chunked_import_stores_the_same_and_updates_in_place(tmp_path: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch) -> None:
    import walktool
    import walktool.ingest.run as ingest_run

    rows = [["Gare", "Zone", "dark_corners", "sign_exits", "light_level", "Observateur"]]
    names = ["Berri-UQAM", "McGill", "Jolicoeur", "Lionel-Groulx", "Gare Fantôme"]
    rows += [[names[n % 5], "quai", "oui" if n % 2 else "non", "oui", str(n % 4), f"P{n % 3}"] for n in range(23)]
    path = write_csv(tmp_path / "grand.csv", rows)
    whole = walktool.init_project(tmp_path / "whole")
    import_files(whole, [path])
    expected = observations(whole)
    whole.close()

    monkeypatch.setattr(ingest_run, "CHUNK_ROWS", 4)
    monkeypatch.setattr(ingest_run, "STORE_ROWS", 5)
    calls: list[int] = []
    project = walktool.init_project(tmp_path / "chunked")
    original = type(project.store).upsert

    def spy(self: Any, table: str, frame: pd.DataFrame) -> int:
        if table == "observations":
            calls.append(len(frame))
        return original(self, table, frame)

    monkeypatch.setattr(type(project.store), "upsert", spy)
    (report,) = import_files(project, [path]).files
    assert (report.rows, report.accepted, report.rejected) == (23, 19, 4)
    assert max(calls) <= 5 and len(calls) >= 23 * 3 * 0.8 / 5  # written in small batches as chunks are read
    # the same observations (pseudonyms differ: each project has its own salt)
    pd.testing.assert_frame_equal(observations(project).drop(columns="participant"), expected.drop(columns="participant"))
    # a newer export with one answer changed: updated in place, nothing duplicated
    rows[3][2] = "oui" if rows[3][2] == "non" else "non"
    write_csv(path, rows)
    import_files(project, [path])
    after = observations(project)
    assert len(after) == len(expected)
    assert project.store.count("observations", {"source_row": 4, "item": "dark_corners"}) == 1
    project.close()


def test_odk_repeat_files_read_with_their_root_csv_are_kept_with_it(project: Project, tmp_path: Path) -> None:
    import shutil

    source = Path(__file__).parent / "data" / "odk" / "central_zip"
    folder = tmp_path / "export"
    shutil.copytree(source, folder)
    (report,) = import_files(project, [folder / "walktool_stm.csv"]).files
    assert report.format == "odk-central"
    kept = project.root / report.stored_as
    assert kept.read_bytes() == (folder / "walktool_stm.csv").read_bytes()
    assert (kept.parent / "walktool_stm-stops.csv").read_bytes() == (folder / "walktool_stm-stops.csv").read_bytes()
    # the copy reads back as it was: the same records, repeats included
    (again,) = import_files(project, [kept], dry_run=True).files
    assert (again.rows, again.accepted, again.observations) == (report.rows, report.accepted, report.observations)


def test_walk_metadata_comes_from_the_sheet_and_the_walk_file_wins(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [
        ["Gare", "Élément", "Date", "Heure", "Animatrice", "Météo"],
        ["Berri-UQAM", "dark_corners", "14/11/2023", "19h40", "Sophie", "pluie"],
        ["McGill", "sign_exits", "14/11/2023", "19h05", "", ""],
        ["McGill", "sign_exits", "14/11/2023", "20h55", "", ""],
    ]
    import_files(project, [write_csv(tmp_path / "w2.csv", rows)], walk_id="W2")
    walk = project.store.read("walks").set_index("walk_id").loc["W2"]
    assert (walk["date"], walk["start_time"], walk["end_time"], walk["facilitator"], walk["weather"]) == ("2023-11-14", "19:05", "20:55", "Sophie", "pluie")
    # the walk file, once written, wins over the sheet; what it does not say is kept
    _walk(project, "facilitator: Équipe A\nend_time: '21:00'\n", walk_id="W2")
    import_files(project, [tmp_path / "w2.csv"], walk_id="W2")
    walk = project.store.read("walks").set_index("walk_id").loc["W2"]
    assert (walk["start_time"], walk["end_time"], walk["facilitator"], walk["weather"]) == ("19:05", "21:00", "Équipe A", "pluie")


def test_a_file_without_profiles_keeps_the_profiles_given_before(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Date"]
    first = write_csv(tmp_path / "a.csv", [[*header, "Genre", "Âge"], ["Alice Martin", "Papineau", "quai", "coins sombres", "élevée", "2023-11-14", "femme", "25-34"]], sep=";")
    second = write_csv(tmp_path / "b.csv", [header, ["Alice Martin", "Beaudry", "hall", "propreté", "faible", "2023-11-15"]], sep=";")
    import_files(project, [first], fmt="findings-table")
    profile = project.store.read("participants").iloc[0]
    assert profile["gender"] is not None
    import_files(project, [second], fmt="findings-table")
    people = project.store.read("participants")
    assert len(people) == 1
    assert people.iloc[0]["gender"] == profile["gender"] and people.iloc[0]["age_group"] == profile["age_group"]


def test_files_of_the_same_name_in_two_walks_keep_their_own_issues(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Gare", "Zone", "Élément", "Gravité", "Date"]
    a = write_csv(tmp_path / "w1" / "constats.csv", [header, ["Gare Centrale", "quai", "coins sombres", "élevée", "2023-11-14"]], sep=";")
    b = write_csv(tmp_path / "w2" / "constats.csv", [header, ["Gare Inconnue", "hall", "propreté", "faible", "2023-11-15"]], sep=";")
    import_files(project, [a], walk_id="W1", fmt="findings-table")
    import_files(project, [b], walk_id="W2", fmt="findings-table")
    values = sorted(project.store.read("issues", {"level": "error"})["value"].dropna())
    assert values == ["Gare Centrale", "Gare Inconnue"]
    import_files(project, [b], walk_id="W2", fmt="findings-table")  # again: replaced, not doubled
    assert sorted(project.store.read("issues", {"level": "error"})["value"].dropna()) == values
