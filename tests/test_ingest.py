"""Importing field sheets into a project: read → normalise → place → store, nothing lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

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
