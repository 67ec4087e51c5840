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
CENTRAL_REPEAT = "this is the repeat file of an ODK Central export; import the main CSV next to it"
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
    assert not result.failed


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
