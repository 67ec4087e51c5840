"""The foundation commands through the CLI: init, protocol, stations, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app

COMMANDS = [
    [],
    ["init"],
    ["protocol"],
    ["protocol", "list"],
    ["protocol", "show"],
    ["protocol", "validate"],
    ["stations"],
    ["stations", "show"],
    ["stations", "import"],
]


@pytest.fixture
def project_dir(tmp_path: Path, runner: CliRunner) -> Path:
    """A project made with ``walktool init``."""
    root = tmp_path / "walks"
    result = runner.invoke(app, ["init", str(root)])
    assert result.exit_code == 0, result.stderr
    return root


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "walktool")
def test_help_of_every_command(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert "--help" in result.stdout


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    for name in ("init", "protocol", "stations", "--debug", "--version"):
        assert name in result.stdout
    sub = runner.invoke(app, ["protocol", "--help"])
    for name in ("list", "show", "validate"):
        assert name in sub.stdout


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"walktool {walktool.__version__}"


def test_init(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "campagne"
    result = runner.invoke(app, ["init", str(root), "--name", "Campagne 2025"])
    assert result.exit_code == 0, result.stderr
    assert "Created walk project 'Campagne 2025'" in result.stdout
    assert "68 stations" in result.stdout
    for part in ("walktool.toml", "protocols/stm-exploratory-walk.yaml", "walks", "reports", "walktool.gpkg"):
        assert (root / part).exists(), part
    assert 'name = "Campagne 2025"' in (root / "walktool.toml").read_text(encoding="utf-8")
    again = runner.invoke(app, ["init", str(root)])
    assert again.exit_code == 0
    assert "Updated walk project 'Campagne 2025'" in again.stdout


def test_stations_show(runner: CliRunner, project_dir: Path) -> None:
    result = runner.invoke(app, ["stations", "show", "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "68 stations" in out
    assert "Côte-des-Neiges" in out
    assert "Square-Victoria–OACI" in out
    assert "Longueuil–Université-de-Sherbrooke" in out
    assert "STATION_M146" in out  # ids are printed whole
    assert "137 entrances, 9 line shapes" in out
    assert "Société de transport de Montréal (STM)" in out
    rows = [line for line in out.splitlines() if "STATION_M" in line]
    assert len(rows) == 68


def test_stations_show_json(runner: CliRunner, project_dir: Path) -> None:
    result = runner.invoke(app, ["stations", "show", "--project", str(project_dir), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert len(doc["stations"]) == 68
    assert doc["entrances"] == 137
    assert doc["lines"] == 9
    assert doc["source"] == "stm"
    by_name = {s["name"]: s for s in doc["stations"]}
    assert "Square-Victoria–OACI" in by_name
    berri = by_name["Berri-UQAM"]
    assert berri["entrances"] == 5
    assert set(berri["lines"].split(";")) == {"green", "orange", "yellow"}
    assert set(berri) >= {"station_id", "name", "lines", "lat", "lon", "entrances"}


def test_stations_import_gtfs_zip(runner: CliRunner, project_dir: Path, gtfs_zip: Path) -> None:
    result = runner.invoke(app, ["stations", "import", str(gtfs_zip), "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 stations, 4 entrances and 1 line shapes" in result.stdout
    project = walktool.open_project(project_dir)
    try:
        stations = project.store.read("stations")
        assert sorted(stations["name"]) == ["King", "Queen", "Union"]
        # recorded relative to the project, in the store as in walktool.toml
        relative = Path(os.path.relpath(gtfs_zip, project_dir)).as_posix()
        assert set(stations["source"]) == {relative} and project.settings.stations == relative
        entrances = project.store.read("entrances")
        assert dict(zip(entrances["entrance_id"], entrances["station_id"], strict=True)) == {
            "EN-A1": "ST-A",
            "EN-A2": "ST-A",
            "EN-B1": "ST-B",
            "EN-C1": "ST-C",
        }
        assert project.store.read("lines")["line_id"].tolist() == ["SH1"]
    finally:
        project.close()
    shown = runner.invoke(app, ["stations", "show", "--project", str(project_dir), "--json"])
    assert {s["name"] for s in json.loads(shown.stdout)["stations"]} == {"King", "Queen", "Union"}


def test_stations_import_json_and_bad_file(runner: CliRunner, project_dir: Path, data_dir: Path) -> None:
    good = runner.invoke(app, ["stations", "import", str(data_dir / "gtfs" / "stops.txt"), "-p", str(project_dir), "--json"])
    assert good.exit_code == 0
    doc = json.loads(good.stdout)
    # the stops.txt of an unzipped feed: its routes and shapes beside it are read too
    assert {k: doc[k] for k in ("file", "stations", "entrances", "lines")} == {
        "file": str(data_dir / "gtfs" / "stops.txt"),
        "stations": 3,
        "entrances": 4,
        "lines": 1,
    }
    assert doc["timezone"] == "America/Toronto" and doc["credit"] == "Source: Toronto Transit Commission (GTFS)"
    bad_path = data_dir / "stations" / "duplicate_ids.csv"
    bad = runner.invoke(app, ["stations", "import", str(bad_path), "-p", str(project_dir)])
    assert bad.exit_code == 1
    assert "row 4, column 'id'" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    # the failed import changed nothing
    project = walktool.open_project(project_dir)
    try:
        assert project.store.count("stations") == 3
    finally:
        project.close()


def test_protocol_list(runner: CliRunner, project_dir: Path) -> None:
    result = runner.invoke(app, ["protocol", "list", "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    assert "stm-exploratory-walk" in result.stdout
    assert "29" in result.stdout
    as_json = runner.invoke(app, ["protocol", "list", "--project", str(project_dir), "--json"])
    doc = json.loads(as_json.stdout)
    assert [(p["id"], p["version"], p["items"], p["principles"], p["errors"]) for p in doc["protocols"]] == [
        ("stm-exploratory-walk", "1.0", 29, 6, 0)
    ]


def test_protocol_list_flags_an_invalid_file(runner: CliRunner, project_dir: Path, data_dir: Path) -> None:
    (project_dir / "protocols" / "three_mistakes.yaml").write_bytes(
        (data_dir / "protocols" / "three_mistakes.yaml").read_bytes()
    )
    doc = json.loads(runner.invoke(app, ["protocol", "list", "-p", str(project_dir), "--json"]).stdout)
    errors = {Path(p["file"]).name: p["errors"] for p in doc["protocols"]}
    assert errors == {"stm-exploratory-walk.yaml": 0, "three_mistakes.yaml": 3}
    text = runner.invoke(app, ["protocol", "list", "-p", str(project_dir)])
    assert text.exit_code == 0
    assert "invalid" in text.stdout


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        ("en", "Know where you are and where you are going", "Savoir où l'on est"),
        ("fr", "Savoir où l'on est et où l'on va", "Know where you are"),
    ],
)
def test_protocol_show_languages(runner: CliRunner, project_dir: Path, lang: str, expected: str, absent: str) -> None:
    result = runner.invoke(app, ["protocol", "show", "--lang", lang, "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout
    assert absent not in result.stdout
    assert "women_children_present" in result.stdout  # keys are never cut
    assert "stm-exploratory-walk" in result.stdout


def test_protocol_show_json(runner: CliRunner, project_dir: Path) -> None:
    result = runner.invoke(app, ["protocol", "show", "stm-exploratory-walk", "--json", "--lang", "en", "-p", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["id"] == "stm-exploratory-walk"
    assert [p["key"] for p in doc["principles"]] == ["signage", "visibility", "liveliness", "help", "maintenance", "community"]
    items = {i["key"]: i for i in doc["items"]}
    assert len(items) == 29
    assert items["dark_corners"]["polarity"] == "negative"
    assert [a["label"] for a in items["sign_exits"]["answers"]] == ["Yes", "No", "Not applicable"]
    assert items["light_level"]["recommendation"]["timeframe"] in ("immediate", "short", "medium", "long")
    assert {z["value"] for z in doc["zones"]} == {"entrance", "hall", "corridor", "stairs", "platform", "transfer", "bus_loop"}


def test_protocol_show_outside_a_project_uses_the_packaged_protocol(
    runner: CliRunner, tmp_path: Path, data_dir: Path
) -> None:
    # no language chosen anywhere: French
    result = runner.invoke(app, ["protocol", "show", "--json", "-p", str(tmp_path)], env={"WALKTOOL_LANG": None, "LANG": None, "LC_ALL": None})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"].startswith("Marche exploratoire")
    bad = runner.invoke(app, ["protocol", "show", str(data_dir / "protocols" / "three_mistakes.yaml"), "-p", str(tmp_path)])
    assert bad.exit_code == 1
    assert "unknown-principle" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_protocol_validate_shipped(runner: CliRunner) -> None:
    path = walktool.default_protocol_path()
    result = runner.invoke(app, ["protocol", "validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "valid — stm-exploratory-walk 1.0, 6 principles, 29 items" in result.stdout
    assert "warning" not in result.stdout
    assert result.stderr == ""


def test_protocol_validate_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["protocol", "validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such protocol file" in result.stderr


@pytest.mark.parametrize("command", [["stations", "show"], ["stations", "show", "--json"], ["protocol", "show", "nope"]])
def test_outside_a_project_exits_1_with_advice(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert "walktool init" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if "--json" in command:  # the failure as the one JSON document on stdout
        error = json.loads(result.stdout)["error"]
        assert error["code"] == "project" and "walktool init" in error["message"]
    else:
        assert result.stdout == ""
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_outside_a_project_via_import_too(runner: CliRunner, tmp_path: Path, data_dir: Path) -> None:
    result = runner.invoke(app, ["stations", "import", str(data_dir / "gtfs" / "stops.txt"), "-p", str(tmp_path)])
    assert result.exit_code == 1
    assert "walktool init" in result.stderr
    assert not (tmp_path / "walktool.gpkg").exists()


def test_debug_shows_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "stations", "show", "-p", str(tmp_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, walktool.WalktoolError)


def test_bad_lang_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["protocol", "show", "--lang", "de"])
    assert result.exit_code == 2
    assert "--lang" in result.stderr
    assert "'de'" in result.stderr


def test_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
    missing = runner.invoke(app, ["protocol", "validate"])
    assert missing.exit_code == 2


_HEAVY = ("geopandas", "pandas", "folium", "openpyxl", "pyogrio", "shapely", "pyxform", "numpy")


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from walktool.cli import app\n"
        "for args in (['--help'], ['protocol', '--help'], ['stations', '--help'], ['--version']):\n"
        "    result = CliRunner().invoke(app, args)\n"
        "    assert result.exit_code == 0, result.output\n"
        f"print(','.join(sorted(m for m in {_HEAVY!r} if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
