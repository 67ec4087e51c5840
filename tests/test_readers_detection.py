"""Detection refuses what is not collected data, and says what to import instead."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from _paths import SAMPLES
from walktool.cli import app
from walktool.errors import SheetFormatError
from walktool.ingest import import_files
from walktool.project import Project
from walktool.readers import FORMAT_NAMES, detect_format
from walktool.readers.findings import is_header_row

WriteCsv = Callable[..., Path]
ODK = Path(__file__).parent / "data" / "odk"
CENTRAL_REPEAT = "this is the repeat file of an ODK Central export"
XLSFORM = "this is a form definition (XLSForm), not collected data; load it in KoboToolbox/ODK and import the export"

README = """\
# Marche exploratoire — station Berri-UQAM

Notes de l'équipe, station par station.

| station | zone | commentaire |
|---|---|---|
| Berri-UQAM | quai | éclairage faible |

- Gare : Berri-UQAM, zone quai ; commentaire : coin sombre près de l'escalier.
- Élément, gravité, commentaire : à reprendre au propre dans le tableau des constats.
"""

PROSE = (
    "Station, zone, commentaire: we met at the station at seven, walked the platform and the hall,\n"
    "then wrote each comment down. Severity, item, principle: to be sorted out tomorrow.\n"
    "Latitude, longitude: nobody had a GPS fix underground.\n"
)


def unknown_format(path: Path) -> str:
    with pytest.raises(SheetFormatError) as info:
        detect_format(path)
    return str(info.value)


# -- prose is not a findings table ---------------------------------------------------------------


def test_readme_is_unknown_format_listing_what_walktool_reads(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    message = unknown_format(path)
    assert "walktool does not recognise this file" in message
    assert all(name in message for name in FORMAT_NAMES)


def test_text_file_with_prose_is_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(PROSE, encoding="utf-8")
    assert "walktool does not recognise this file" in unknown_format(path)


def test_shared_samples_readme_is_not_a_findings_table() -> None:
    assert "walktool does not recognise this file" in unknown_format(SAMPLES / "README.md")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["Gare", "Zone", "Élément", "Gravité"], True),
        (["Station", "Commentaire"], True),
        (["Latitude", "Longitude", "Severity"], True),
        (["Gare", "light_level"], True),  # wide: one column per item
        (["Zone", "Élément", "Gravité"], False),  # where? no station, no position
        (["Gare", "Zone", "Date"], False),  # what? no item, principle, comment or severity
        (["Station, zone, commentaire: we met at the station at seven"], False),
    ],
)
def test_findings_header_needs_a_where_and_a_what(cells: list[str], expected: bool) -> None:
    assert is_header_row(cells) is expected


def test_forced_findings_format_with_a_mapping_still_reads_a_loose_header(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    # the station column is named only by the mapping: detection refuses the file, --format reads it
    path = write_csv(tmp_path / "grille.csv", [["Point de passage", "Zone", "sign_exits"], ["Berri-UQAM", "quai", "oui"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text('columns:\n  "Point de passage": station\n', encoding="utf-8")
    with pytest.raises(SheetFormatError):
        detect_format(path)
    (report,) = import_files(project, [path], fmt="findings-table", mapping=mapping, dry_run=True).files
    assert (report.rows, report.accepted) == (1, 1)


# -- a form definition is not data ----------------------------------------------------------------------


def xlsform(path: Path) -> Path:
    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Français (fr)", "label::English (en)", "required"])
    survey.append(["select_one stations", "station", "Station", "Station", "yes"])
    survey.append(["select_one yes_no", "dark_corners", "Coins sombres ?", "Dark corners?", ""])
    survey.append(["geopoint", "location", "Position", "Position", ""])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::Français (fr)", "label::English (en)"])
    choices.append(["yes_no", "yes", "Oui", "Yes"])
    choices.append(["stations", "berri_uqam", "Berri-UQAM", "Berri-UQAM"])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Marche exploratoire", "stm_walk"])
    wb.save(path)
    return path


def test_xlsform_is_refused_with_what_to_do(tmp_path: Path) -> None:
    assert unknown_format(xlsform(tmp_path / "formulaire.xlsx")).endswith(XLSFORM)


def test_shared_sample_xlsform_is_refused() -> None:
    assert XLSFORM in unknown_format(SAMPLES / "xlsform_metro_safety_walk.xlsx")


def test_xlsform_survey_saved_as_csv_is_refused(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(tmp_path / "survey.csv", [["type", "name", "label"], ["select_one stations", "station", "Station"], ["text", "comment", "Commentaire"]])
    assert XLSFORM in unknown_format(path)


# -- repeat files given without their main table ------------------------------------------------------------


def test_odk_central_repeat_file_alone_is_refused(tmp_path: Path) -> None:
    path = shutil.copy(ODK / "central" / "repeat_child__singlerepeat-child.csv", tmp_path / "child.csv")
    message = unknown_format(Path(path))
    assert CENTRAL_REPEAT in message and message.endswith("or the whole zip")


def test_repeat_file_names_the_main_csv_beside_it(tmp_path: Path) -> None:
    for name in ("nested-repeats.csv", "nested-repeats-g1.csv", "nested-repeats-g2.csv"):
        shutil.copy(ODK / "briefcase" / name, tmp_path / name)
    message = unknown_format(tmp_path / "nested-repeats-g2.csv")
    assert "repeat file of an ODK Briefcase export" in message
    assert "(nested-repeats.csv)" in message


def test_repeat_file_next_to_its_main_csv_in_the_same_import_is_a_note(project: Project) -> None:
    folder = ODK / "briefcase"
    paths = [folder / "nested-repeats-g1.csv", folder / "nested-repeats.csv"]
    result = import_files(project, paths, dry_run=True)
    repeat, main = result.files
    assert repeat.error is None and repeat.format == "odk-briefcase"
    assert (repeat.rows, repeat.accepted, repeat.rejected) == (0, 0, 0)
    assert [i.code for i in repeat.issues] == ["repeat-file-joined"]
    assert main.format == "odk-briefcase" and main.rows == 7
    # Briefcase's test form asks no checklist question: the main file fails once, with no-answers
    assert result.failed == [main] and [i.code for i in main.issues] == ["no-answers"]


def test_kobo_repeat_sheet_alone_is_refused(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(
        tmp_path / "stops.csv",
        [["stop/zone", "stop/dark_corners", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"], ["quai", "yes", "1", "walk", "1", "abc"]],
    )
    assert "repeat sheet of a KoboToolbox XLSX export" in unknown_format(path)


def test_walktool_form_repeat_file_is_not_taken_for_a_findings_table(tmp_path: Path, write_csv: WriteCsv) -> None:
    # the stops repeat of the walktool form has station / zone / item columns, like a findings table
    path = write_csv(
        tmp_path / "stm_walk-stops.csv",
        [["stops-station", "stops-zone", "stops-dark_corners", "stops-comment", "PARENT_KEY", "KEY"],
         ["berri_uqam", "platform", "yes", "coin sombre", "uuid:1", "uuid:1/stops[1]"]],
    )
    assert CENTRAL_REPEAT in unknown_format(path)


def test_central_repeat_file_fails_alone_without_stopping_the_others(runner: CliRunner, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    repeat = shutil.copy(ODK / "central" / "repeat_child__singlerepeat-child.csv", tmp_path / "child.csv")
    good = write_csv(tmp_path / "constats.csv", [["Gare", "Zone", "Élément"], ["Berri-UQAM", "quai", "dark_corners"]])
    result = runner.invoke(app, ["import", "--json", "--project", str(project.root), str(repeat), str(good)])
    assert result.exit_code == 1  # a file could not be read: the others are still imported
    doc = json.loads(result.stdout)
    bad, ok = doc["files"]
    assert bad["format"] is None and CENTRAL_REPEAT in bad["error"]
    assert (ok["format"], ok["rows"], ok["accepted"]) == ("findings-table", 1, 1)
    assert project.store.count("observations") == 1


def test_kobo_repeat_sheet_saved_as_its_own_workbook_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "stops"
    ws.append(["station", "zone", "dark_corners", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"])
    ws.append(["Berri-UQAM", "platform", "yes", 1, "walk", 1, "abc"])
    path = tmp_path / "stops.xlsx"
    wb.save(path)
    assert "repeat sheet of a KoboToolbox XLSX export" in unknown_format(path)


# -- failure 3: an ODK Central export of 2019 is Central, not Briefcase ----------------------------------------


def test_odk_central_csv_of_2019_is_odk_central(project: Project) -> None:
    """Central's 2019 header ends ``KEY,SubmitterID,SubmitterName,Status`` (its later trailer came in 2019-2021)."""
    folder = ODK / "central_2019"
    for name in ("mytestform.csv", "singlerepeat.csv"):
        assert detect_format(folder / name).name == "odk-central"
    # in the same run, root and repeat file are both Central (the repeat is read with its root)
    result = import_files(project, [folder / "singlerepeat.csv", folder / "singlerepeat-child.csv"], dry_run=True)
    root, repeat = result.files
    assert (root.format, repeat.format) == ("odk-central", "odk-central")
    assert (root.rows, root.submissions) == (4, 3)  # Alice alone, Bob's two children, Chelsea's one
    # Briefcase's own exports stay Briefcase
    assert detect_format(ODK / "briefcase" / "all-data-types.csv").name == "odk-briefcase"


# -- failure 4: a repeat table alone says which main file it belongs to and what to do -------------------------


def test_briefcase_nested_repeat_alone_names_its_group_and_main_file(tmp_path: Path) -> None:
    path = shutil.copy(ODK / "briefcase" / "nested-repeats-g2.csv", tmp_path / "nested-repeats-g2.csv")
    message = unknown_format(Path(path))
    assert "this is the repeat file of an ODK Briefcase export (repeat group 'g2'" in message
    assert "its main CSV is the export's file named like nested-repeats.csv (not found next to it)" in message
    assert "walktool does not recognise" not in message


def test_central_repeat_alone_names_its_group_and_main_file(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(ODK / "central_2019" / "singlerepeat-child.csv", folder / "singlerepeat-child.csv")
    alone = unknown_format(folder / "singlerepeat-child.csv")
    assert "(repeat group 'child': one row per repeat, tied to its submission by PARENT_KEY)" in alone
    assert "named like singlerepeat.csv" in alone and alone.endswith("or the whole zip")
    shutil.copy(ODK / "central_2019" / "singlerepeat.csv", folder / "singlerepeat.csv")
    beside = unknown_format(folder / "singlerepeat-child.csv")
    assert "its main CSV is singlerepeat.csv, next to it" in beside and "Import the main CSV (singlerepeat.csv)" in beside


def test_repeat_table_resaved_by_a_spreadsheet_is_still_recognised(tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [r.split(",") for r in (ODK / "central_2019" / "singlerepeat-child.csv").read_text("utf-8").splitlines()]
    # Excel in a French locale: ';' separators, a BOM, and the header re-cased
    path = write_csv(tmp_path / "child.csv", [[c.lower() if c.endswith("KEY") else c for c in rows[0]], *rows[1:]], sep=";", encoding="utf-8-sig")
    assert "(repeat group 'child'" in unknown_format(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "singlerepeat-child"
    for r in rows:
        ws.append(r)
    book = tmp_path / "child.xlsx"
    wb.save(book)
    message = unknown_format(book)
    assert "sheet 'singlerepeat-child': this is the repeat file of an ODK Central export (repeat group 'child'" in message


def test_kobo_repeat_sheet_alone_names_the_sheet_it_belongs_to(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(
        tmp_path / "stops.csv",
        [["stop/zone", "stop/dark_corners", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
         ["quai", "yes", "1", "Marche exploratoire STM", "1", "abc"]],
    )
    message = unknown_format(path)
    assert "repeat sheet of a KoboToolbox XLSX export (repeat 'stop'" in message
    assert "tied by _parent_index to the rows of sheet 'Marche exploratoire STM'" in message
    assert "Import the whole XLSX export" in message


# -- failure 5: a French geopoint label ("lieu") is a position, not the zone ------------------------------------


def test_kobo_labels_mode_french_geopoint_lieu_is_the_position(project: Project) -> None:
    data = Path(__file__).parent / "data" / "kobo"
    for path, fmt in ((data / "formpack_restaurant_labels_fr_kpi.csv", None), (data / "formpack_restaurant_labels_fr.csv", "kobo-csv")):
        result = import_files(project, [path], fmt=fmt, dry_run=True)
        report = result.files[0]
        assert report.format == "kobo-csv"
        plan = {c["column"]: (c["role"], c["target"]) for c in report.columns}
        assert plan["lieu"] == ("context", "geopoint")
        assert not [i for i in report.issues if i.code == "unknown-zone"]
        # the restaurant form asks no checklist question: said once, for the file
        assert [i.code for i in report.issues] == ["no-answers"]


def test_walktool_form_labelled_lieu_is_placed_by_its_position(project: Project, tmp_path: Path) -> None:
    """The walktool form exported in French labels, its geopoint labelled "Lieu" and no zone question."""
    lines = (Path(__file__).parent / "data" / "kobo" / "walktool_labels_hxl.csv").read_text("utf-8").splitlines()
    zone = lines[0].split(";").index('"Zone dans la station"')
    lines = [";".join(c for i, c in enumerate(line.split(";")) if i != zone).replace("Position GPS", "Lieu") for line in lines]
    path = tmp_path / "marche_labels_fr.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_files(project, [path], dry_run=True)
    report = result.files[0]
    plan = {c["column"]: (c["role"], c["target"]) for c in report.columns}
    assert plan["Lieu"] == ("context", "geopoint") and "Zone dans la station" not in plan
    assert not [i for i in report.issues if i.code in ("unknown-zone", "no-answers")]
    assert report.accepted == report.rows == 2
