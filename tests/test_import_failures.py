"""What cannot be read is said once and kept in the log (failures 6, 8 and 9 of issue 16).

* 6: a file or sheet with no column understood fails once with ``no-answers``, before any
  position check (tests/data/findings/uk_police_street_crimes_avon_somerset.csv: real
  data.police.uk rows);
* 8: ``walktool check`` lists the files that could not be read, from the import log;
* 9: the import reports ``submissions`` beside ``rows``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project
from walktool.quality import quality_report

WriteCsv = Callable[..., Path]
DATA = Path(__file__).parent / "data"
POLICE = DATA / "findings" / "uk_police_street_crimes_avon_somerset.csv"


# -- failure 6: no column understood ---------------------------------------------------------------------------


def test_a_table_with_no_checklist_column_fails_once_before_any_position_check(project: Project) -> None:
    result = import_files(project, [POLICE], fmt="findings-table")
    report = result.files[0]
    assert (report.rows, report.accepted, report.rejected) == (4, 0, 4)
    codes = [i.code for i in report.issues]
    assert codes == ["no-answers"]  # not 4 × outside-study-area
    issue = report.issues[0]
    assert issue.row is None and issue.level == "error"
    assert "'Crime ID', 'Month', 'Reported by', 'Falls within', 'Longitude', 'Latitude'" in issue.message
    assert "--map MAPPING.yaml" in issue.message and "--dry-run" in issue.message
    assert report.error is not None and report.error.startswith(f"{POLICE}: no column of this file")
    # widening the study area changes nothing: the position is never looked at
    project.save_settings(replace(project.settings, study_area=(-180.0, -90.0, 180.0, 90.0)))
    again = import_files(project, [POLICE], fmt="findings-table", dry_run=True).files[0]
    assert [i.code for i in again.issues] == ["no-answers"]
    assert project.store.count("observations") == 0


def test_cli_says_no_answers_once_and_exits_1(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["import", "--project", str(project.root), "--format", "findings-table", "--dry-run", str(POLICE)])
    assert result.exit_code == 1
    assert result.stderr.count("no column of this file is a checklist item") == 1
    assert "outside-study-area" not in result.stdout + result.stderr
    assert "understood as" in result.stdout  # the dry run shows the column plan


def test_a_sheet_with_no_checklist_column_in_a_good_workbook(project: Project, tmp_path: Path) -> None:
    wb = Workbook()
    good = wb.active
    good.title = "Constats"
    good.append(["Gare", "Zone", "Élément", "Gravité"])
    good.append(["Berri-UQAM", "quai", "Coins sombres", "élevée"])
    notes = wb.create_sheet("Notes")
    notes.append(["Station", "Commentaire"])
    notes.append(["McGill", "rien à signaler"])
    path = tmp_path / "campagne.xlsx"
    wb.save(path)
    report = import_files(project, [path]).files[0]
    assert (report.rows, report.accepted, report.rejected) == (2, 1, 1)
    assert report.error is None  # the workbook was read; one sheet said nothing walktool can use
    [issue] = [i for i in report.issues if i.code == "no-answers"]
    assert issue.sheet == "Notes" and "no column of sheet 'Notes'" in issue.message and "'Station', 'Commentaire'" in issue.message


def test_no_answers_is_said_once_for_a_large_file(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    from walktool.ingest.run import CHUNK_ROWS

    rows = [["Station", "Commentaire"]] + [["McGill", f"note {n}"] for n in range(CHUNK_ROWS + 10)]
    report = import_files(project, [write_csv(tmp_path / "notes.csv", rows)], dry_run=True).files[0]
    assert report.rows == report.rejected == CHUNK_ROWS + 10
    assert [i.code for i in report.issues] == ["no-answers"]


# -- failure 8: check lists the files that could not be read ------------------------------------------------------


def test_check_lists_files_that_could_not_be_read_from_the_import_log(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    repeat = shutil.copy(DATA / "odk" / "central_2019" / "singlerepeat-child.csv", tmp_path / "singlerepeat-child.csv")
    junk = tmp_path / "notes.txt"
    junk.write_text("just some words\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "--project", str(project.root), str(repeat), str(junk), "--format", "auto"])
    assert result.exit_code == 1
    # and one read but with nothing understood
    runner.invoke(app, ["import", "--project", str(project.root), "--format", "findings-table", str(POLICE)])
    log = project.store.read("imports")
    assert sorted(Path(f).name for f in log["file"]) == ["notes.txt", "singlerepeat-child.csv", POLICE.name]
    doc = quality_report(project)
    unreadable = {Path(u["file"]).name: u for u in doc["unreadable"]}
    assert set(unreadable) == {"notes.txt", "singlerepeat-child.csv", POLICE.name}
    assert "repeat group 'child'" in unreadable["singlerepeat-child.csv"]["error"]
    assert unreadable[POLICE.name]["code"] == "no-answers"
    assert all(f.get("error") for f in doc["files"])
    check = runner.invoke(app, ["check", "--project", str(project.root)])
    assert check.exit_code == 0
    out = check.stdout
    assert "0 observations from 3 files" in out and "3 files could not be read:" in out
    assert out.count("repeat group 'child'") == 1  # listed once, not again as an issue
    checked = json.loads(runner.invoke(app, ["check", "--json", "--project", str(project.root)]).stdout)
    assert len(checked["unreadable"]) == 3


def test_a_file_read_again_successfully_leaves_the_unreadable_list(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = tmp_path / "constats.csv"
    path.write_text("just words\n", encoding="utf-8")
    import_files(project, [path])
    assert [Path(u["file"]).name for u in quality_report(project)["unreadable"]] == ["constats.csv"]
    write_csv(path, [["Gare", "Élément"], ["McGill", "Coins sombres"]])
    import_files(project, [path])
    doc = quality_report(project)
    assert doc["unreadable"] == [] and doc["observations"] == 1


# -- failure 9: submissions beside rows ----------------------------------------------------------------------------


def test_import_reports_submissions_beside_rows(runner: CliRunner, project: Project) -> None:
    folder = DATA / "odk" / "central"
    result = runner.invoke(app, ["import", "--json", "--dry-run", "--project", str(project.root), str(folder / "repeat_root__singlerepeat.csv")])
    doc = json.loads(result.stdout)
    f = doc["files"][0]
    assert (f["rows"], f["submissions"]) == (3, 3)
    assert f["row_is"].startswith("one leaf repeat row")
    assert doc["rows"] == 3 and doc["submissions"] == 3
    # the 2019 export with its repeat file beside it: 3 submissions, 4 leaf rows
    root = DATA / "odk" / "central_2019" / "singlerepeat.csv"
    table = runner.invoke(app, ["import", "--dry-run", "--project", str(project.root), str(root)])
    assert "submissions" in table.stdout
    assert "odk-central: a row is one leaf repeat row (a submission without repeats is one row)" in table.stdout
    doc = json.loads(runner.invoke(app, ["import", "--json", "--dry-run", "--project", str(project.root), str(root)]).stdout)
    assert (doc["files"][0]["rows"], doc["files"][0]["submissions"], doc["rows"], doc["submissions"]) == (4, 3, 4, 3)


def test_kobo_xlsx_repeats_count_submissions(project: Project) -> None:
    from _paths import SAMPLES

    report = import_files(project, [SAMPLES / "kobo_formpack_xml_values_groups.xlsx"], dry_run=True).files[0]
    assert report.rows > report.submissions >= 1


def test_a_findings_row_is_its_own_submission(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(tmp_path / "f.csv", [["Gare", "Élément"], ["McGill", "Coins sombres"], ["McGill", "Coins sombres"], ["Peel", "Graffitis"]])
    report = import_files(project, [path], dry_run=True).files[0]
    assert (report.rows, report.submissions) == (3, 3)
