"""``walktool import`` and ``walktool check`` through the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.readers import FORMAT_NAMES

WriteCsv = Callable[..., Path]
HEADER = ["Gare", "Zone", "Élément", "Gravité", "Latitude", "Longitude"]
GOOD = [["berri uqam", "quai", "Coins sombres", "élevée", "45,5150", "-73,5600"], ["Lionel Groulx", "mezzanine", "sign_exits", "", "", ""]]
BAD = ["Gare Fantôme", "quai", "dark_corners", "", "", ""]


@pytest.fixture
def proj_dir(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    walktool.init_project(root).close()
    return root


@pytest.fixture
def good_csv(tmp_path: Path, write_csv: WriteCsv) -> Path:
    return write_csv(tmp_path / "constats.csv", [["Constats – marche du 14 novembre"], HEADER, *GOOD], sep=";", encoding="cp1252")


@pytest.fixture
def mixed_csv(tmp_path: Path, write_csv: WriteCsv) -> Path:
    return write_csv(tmp_path / "mixte.csv", [HEADER, *GOOD, BAD], sep=";", encoding="cp1252")


def invoke(runner: CliRunner, proj: Path, *args: str) -> Any:
    return runner.invoke(app, [*args, "--project", str(proj)])


def counts(proj: Path) -> dict[str, int]:
    project = walktool.open_project(proj)
    try:
        return {t: project.store.count(t) for t in ("observations", "issues", "imports")}
    finally:
        project.close()


def test_import_json_shape(runner: CliRunner, proj_dir: Path, good_csv: Path, mixed_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(good_csv), str(mixed_csv), "--format", "findings-table", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # exactly one JSON document: trailing text would fail here
    assert [f["path"] for f in doc["files"]] == [str(good_csv), str(mixed_csv)]
    for f in doc["files"]:
        assert {"path", "format", "rows", "accepted", "rejected"} <= set(f)
        assert f["format"] == "findings-table"
        assert f["rows"] == f["accepted"] + f["rejected"]
        assert "columns" not in f
    assert [(f["rows"], f["accepted"], f["rejected"]) for f in doc["files"]] == [(2, 2, 0), (3, 2, 1)]
    assert (doc["accepted"], doc["rejected"]) == (4, 1)
    assert counts(proj_dir)["observations"] == 4


def test_import_detects_a_findings_table_on_its_own(runner: CliRunner, proj_dir: Path, good_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(good_csv), "--json")
    assert result.exit_code == 0, result.stderr
    (f,) = json.loads(result.stdout)["files"]
    assert f["format"] == "findings-table"
    assert (f["rows"], f["accepted"], f["rejected"]) == (2, 2, 0)


def test_import_text_output_reports_counts(runner: CliRunner, proj_dir: Path, mixed_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(mixed_csv), "--format", "findings-table")
    assert result.exit_code == 0, result.stderr
    assert "2 rows accepted, 1 rejected" in result.stdout
    assert "unknown-station" in result.stdout
    assert "Gare Fantôme" in result.stdout


def test_dry_run_json_shows_columns_and_stores_nothing(runner: CliRunner, proj_dir: Path, good_csv: Path) -> None:
    walks_before = sorted(p for p in (proj_dir / "walks").rglob("*"))
    result = invoke(runner, proj_dir, "import", str(good_csv), "--format", "findings-table", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["dry_run"] is True
    (f,) = doc["files"]
    assert (f["rows"], f["accepted"]) == (2, 2)
    columns = {c["column"]: c for c in f["columns"]}
    assert set(columns) == set(HEADER)
    assert (columns["Gare"]["role"], columns["Gare"]["target"]) == ("context", "station")
    assert (columns["Gravité"]["role"], columns["Gravité"]["target"]) == ("context", "severity")
    assert all(c["as"] for c in f["columns"])
    assert counts(proj_dir) == {"observations": 0, "issues": 0, "imports": 0}
    assert sorted(p for p in (proj_dir / "walks").rglob("*")) == walks_before


def test_dry_run_text_shows_how_columns_were_understood(runner: CliRunner, proj_dir: Path, good_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(good_csv), "--format", "findings-table", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Dry run" in result.stdout
    assert "context: station" in result.stdout
    assert counts(proj_dir)["observations"] == 0


def test_strict_exits_1_when_a_row_is_rejected(runner: CliRunner, proj_dir: Path, mixed_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(mixed_csv), "--format", "findings-table", "--strict")
    assert result.exit_code == 1
    assert "rejected" in result.stderr and "--strict" in result.stderr
    assert "Traceback" not in result.output


def test_strict_with_json_still_prints_one_document(runner: CliRunner, proj_dir: Path, mixed_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(mixed_csv), "--format", "findings-table", "--strict", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["rejected"] == 1


def test_strict_exits_0_when_nothing_is_rejected(runner: CliRunner, proj_dir: Path, good_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(good_csv), "--format", "findings-table", "--strict")
    assert result.exit_code == 0, result.stderr
    assert counts(proj_dir)["observations"] == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "Compte rendu de la marche.\nIl faisait froid et nous avons marché longtemps.\nMerci à toutes.\n".encode()),
        ("blob.bin", bytes(range(256)) * 8 + os.urandom(512)),
    ],
    ids=["prose", "binary"],
)
def test_unknown_file_exits_1_listing_the_formats(runner: CliRunner, proj_dir: Path, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke(runner, proj_dir, "import", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert name in result.stderr
    for fmt in ("findings-table", "kobo-xlsx", "odk-central", "gpx", "geojson"):
        assert fmt in result.stderr
    # nothing stored but the import log's line and its error, which `walktool check` lists
    assert counts(proj_dir) == {"observations": 0, "issues": 1, "imports": 1}


def test_unknown_file_with_json_reports_the_error_in_the_document(runner: CliRunner, proj_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Rien à voir ici.\nJuste du texte.\n", encoding="utf-8")
    result = invoke(runner, proj_dir, "import", str(path), "--json")
    assert result.exit_code == 1
    (f,) = json.loads(result.stdout)["files"]
    assert f["format"] is None and f["rows"] == 0
    assert "findings-table" in f["error"]


def test_missing_file_exits_1(runner: CliRunner, proj_dir: Path, tmp_path: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(tmp_path / "absent.csv"))
    assert result.exit_code == 1
    assert "absent.csv" in result.stderr
    assert "Traceback" not in result.output


def test_bogus_format_is_a_usage_error(runner: CliRunner, proj_dir: Path, good_csv: Path) -> None:
    result = invoke(runner, proj_dir, "import", str(good_csv), "--format", "bogus")
    assert result.exit_code == 2
    assert "bogus" in result.stderr
    assert "findings-table" in result.stderr
    assert counts(proj_dir)["imports"] == 0


def test_every_format_name_is_accepted_by_the_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0
    assert set(FORMAT_NAMES) == {
        "walktool-sheet", "kobo-xlsx", "kobo-csv", "odk-central", "odk-briefcase", "epicollect5", "geojson", "gpx", "photos", "findings-table",
    }


def test_check_json_after_an_import(runner: CliRunner, proj_dir: Path, mixed_csv: Path) -> None:
    assert invoke(runner, proj_dir, "import", str(mixed_csv), "--format", "findings-table").exit_code == 0
    result = invoke(runner, proj_dir, "check", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["observations"] == 2
    assert doc["rejects"] == 1
    (issue,) = [i for i in doc["issues"] if i["level"] == "error"]
    assert (issue["file"], issue["row"], issue["column"], issue["code"], issue["value"]) == ("mixte.csv", 4, "Gare", "unknown-station", "Gare Fantôme")
    (f,) = doc["files"]
    assert (f["rows"], f["accepted"], f["rejected"]) == (3, 2, 1)
    only_errors = json.loads(invoke(runner, proj_dir, "check", "--json", "--level", "error").stdout)
    assert {i["level"] for i in only_errors["issues"]} == {"error"}


def test_check_text_names_file_row_and_code(runner: CliRunner, proj_dir: Path, mixed_csv: Path) -> None:
    invoke(runner, proj_dir, "import", str(mixed_csv), "--format", "findings-table")
    result = invoke(runner, proj_dir, "check")
    assert result.exit_code == 0, result.stderr
    assert "mixte.csv" in result.stdout
    assert "unknown-station" in result.stdout
    assert "1 reject," in result.stdout
