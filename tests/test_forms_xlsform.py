"""The XLSForm export: pyxform accepts it, and its names and labels are those import understands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from walktool.cli import app
from walktool.columns import classify_column, context_role
from walktool.forms import build_xlsform, check_xlsform, write_xlsform
from walktool.forms._common import CONTEXT_LABELS, problem_rule, station_choices
from walktool.protocol import PERCEPTION, Protocol, default_protocol_path, load_protocol
from walktool.stations import StationLayer, StationMatcher, builtin_stations, read_stations_file

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_protocol(default_protocol_path())


@pytest.fixture(scope="module")
def stm() -> StationLayer:
    return builtin_stations()


@pytest.fixture(scope="module", params=["fr", "en"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, protocol: Protocol, stm: StationLayer) -> tuple[str, Path]:
    lang = request.param
    path = tmp_path_factory.mktemp(f"xlsform-{lang}") / "form.xlsx"
    write_xlsform(protocol, stm, path, lang=lang)
    return lang, path


def test_pyxform_converts_the_export_without_errors_or_warnings(exported: tuple[str, Path]) -> None:
    _, path = exported
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=False)  # no Java: ODK Validate skipped
    assert warnings == [], warnings
    assert result.xform.startswith("<?xml")
    assert check_xlsform(path) == []


def test_xform_structure(exported: tuple[str, Path], protocol: Protocol) -> None:
    lang, path = exported
    xform = convert(xlsform=str(path), validate=False).xform
    default = "Français (fr)" if lang == "fr" else "English (en)"
    other = "English (en)" if lang == "fr" else "Français (fr)"
    assert f'<translation lang="{default}" default="true()">' in xform
    assert f'<translation lang="{other}">' in xform
    assert f'<data id="{protocol.id}" version="{protocol.version}">' in xform
    # metadata, context and the optional geopoint
    for meta in ("start", "end", "today", "deviceid"):
        assert re.search(rf'<bind nodeset="/data/{meta}" [^>]*jr:preload', xform), meta
    assert '<bind nodeset="/data/location" type="geopoint"/>' in xform
    assert re.search(r'<bind nodeset="/data/station" [^>]*required="true\(\)"', xform)
    assert "selected(current()/lines," in xform or "selected(lines," in xform
    # one group per principle, items under their keys
    for item in protocol.items:
        assert f'nodeset="/data/{item.principle}/{item.key}"' in xform, item.key
    # severity / comment / photo only when the answer is a problem
    assert re.search(r'<bind nodeset="/data/visibility/dark_corners_severity" type="string" relevant=" /data/visibility/dark_corners  = \'yes\'"', xform)
    assert re.search(r'<bind nodeset="/data/visibility/lights_out" type="int" constraint="\. &gt;= 0 and \. &lt;= 100"', xform)
    assert re.search(r'<bind nodeset="/data/liveliness/staff_distance_m_comment" [^>]*relevant="[^"]*&gt; 175"', xform)
    assert re.search(r'<bind nodeset="/data/visibility/dark_corners_photo" type="binary" [^>]*orx:max-pixels="1024"', xform)
    assert re.search(r'<bind nodeset="/data/photo" type="binary"', xform)
    assert "/data/perception/feeling_comment" in xform
    assert "/data/perception/feeling_severity" not in xform
    assert "/data/community/suggestion_severity" not in xform


def test_sheets_and_settings(exported: tuple[str, Path], protocol: Protocol, stm: StationLayer) -> None:
    lang, path = exported
    wb = load_workbook(path)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    settings = dict(zip((c.value for c in wb["settings"][1]), (c.value for c in wb["settings"][2]), strict=True))
    assert settings["form_id"] == protocol.id
    assert settings["version"] == protocol.version
    assert settings["default_language"] == ("Français (fr)" if lang == "fr" else "English (en)")
    assert settings["form_title"] == protocol.title.get(lang)
    assert "observer" not in settings["instance_name"]  # names would show in Kobo / Central's lists
    survey = [dict(zip((c.value for c in wb["survey"][1]), (c.value for c in row), strict=True)) for row in wb["survey"].iter_rows(min_row=2)]
    groups = [r["name"] for r in survey if r["type"] == "begin_group"]
    assert groups == [*protocol.principle_keys, PERCEPTION]
    for row in survey:
        if row["type"] not in ("start", "end", "today", "deviceid", "end_group"):
            assert row["label::Français (fr)"] and row["label::English (en)"], row["name"]
    choices = list(wb["choices"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for c in choices if c[0] == "station") == len(stm.stations)


def test_answer_types(protocol: Protocol, stm: StationLayer) -> None:
    form = build_xlsform(protocol, stm)
    types = {row["name"]: row["type"] for row in form.survey}
    assert types["sign_exits"] == "select_one yes_no_na"
    assert types["emergency_phone"] == "select_one phone_status"
    assert types["lights_out"] == "integer"
    assert types["staff_distance_m"] == "integer"
    assert types["suggestion"] == "text"
    assert types["feeling"] == "select_one feeling"
    assert types["alone_at_night"] == "select_one yes_no"
    assert types["station"] == "select_one station"
    assert types["line"] == "select_one line"
    assert types["zone"] == "select_one zone"
    assert types["location"] == "geopoint"
    assert [f.name for f in form.fields[:4]] == ["start", "end", "today", "deviceid"]
    assert form.field("sign_exits").group == ("signage",)
    assert form.choice_names("zone") == ["entrance", "hall", "corridor", "stairs", "platform", "transfer", "bus_loop"]
    assert form.choice_label("line", "green", "fr") == "Ligne verte (1)"


def test_context_labels_are_understood_by_import() -> None:
    expected = {"location": "geopoint", "principle": "principle", "item": "item"}
    for key, text in CONTEXT_LABELS.items():
        for label in (text.fr, text.en):
            assert context_role(label) == expected.get(key, key), (key, label)


def test_item_and_companion_labels_are_understood_by_import(protocol: Protocol, stm: StationLayer) -> None:
    form = build_xlsform(protocol, stm)
    roles = {"item": "item", "severity": "item_severity", "comment": "item_comment", "photo": "item_photo"}
    for f in form.fields:
        if f.role not in roles:
            continue
        assert f.label is not None
        for header in (f.name, "/".join([*f.group, f.name]), "-".join([*f.group, f.name]), f.label.fr, f.label.en):
            role = classify_column(header, protocol)
            assert (role.kind, role.target) == (roles[f.role], f.item), (header, role)
        grouped = "/".join([*(t.fr for t in f.group_labels), f.label.fr])
        assert classify_column(grouped, protocol).target == f.item


def test_problem_rules_agree_with_scoring(protocol: Protocol) -> None:
    for item in protocol.items:
        rule = problem_rule(protocol, item)
        if item.principle == PERCEPTION or item.kind == "text":
            continue
        if item.answer.choices:
            for choice in item.answer.choices:
                score = protocol.choice_score(item, choice)
                problem = score is not None and score < protocol.problem_below
                assert (rule is not None and rule.matches(choice.value)) == problem, (item.key, choice.value)
        else:
            assert rule is not None
            for value in range(0, 400, 1 if item.kind == "count" else 5):
                parsed = protocol.parse_answer(item.key, str(value))
                assert parsed is not None
                problem = parsed.score is not None and parsed.score < protocol.problem_below
                assert rule.matches(str(value)) == problem, (item.key, value)


def test_station_choice_names_read_back_exactly(stm: StationLayer) -> None:
    lines, stations = station_choices(stm)
    assert [line.name for line in lines] == ["green", "orange", "yellow", "blue"]
    matcher = StationMatcher(stm.stations)
    assert len({s.name for s in stations}) == len(stations) == len(stm.stations)
    for s in stations:
        match = matcher.match(s.name)
        assert match is not None and match.station_id == s.station_id and match.method == "exact", s
    berri = next(s for s in stations if s.label == "Berri-UQAM")
    assert berri.name == "berri_uqam" and set(berri.lines) == {"green", "orange", "yellow"}


def test_other_agencies_layers(protocol: Protocol, tmp_path: Path) -> None:
    delhi = read_stations_file(DATA / "stations" / "delhi.csv")
    form = write_xlsform(protocol, delhi, tmp_path / "delhi.xlsx", lang="en")
    assert check_xlsform(tmp_path / "delhi.xlsx") == []
    assert set(form.choice_names("line")) >= {"blue", "yellow", "red"}
    toronto = read_stations_file(DATA / "stations" / "toronto.geojson")
    form = write_xlsform(protocol, toronto, tmp_path / "toronto.xlsx")
    assert check_xlsform(form) == []


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


@pytest.fixture
def project_dir(tmp_path: Path, runner: CliRunner) -> Path:
    root = tmp_path / "walks"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    return root


def test_cli_export_xlsform(runner: CliRunner, project_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "form.xlsx"
    result = runner.invoke(app, ["protocol", "export", "--format", "xlsform", "--out", str(out), "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    assert "Wrote the XLSForm stm-exploratory-walk" in result.stdout
    assert check_xlsform(out) == []
    result = runner.invoke(app, ["protocol", "export", "--format", "xlsform", "--lang", "en", "--json", "--out", str(out), "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == "xlsform" and doc["lang"] == "en" and doc["warnings"] == [] and doc["stations"] == 68
    assert load_workbook(out)["settings"]["D2"].value == "English (en)"


def test_cli_export_sheet_default_path(runner: CliRunner, project_dir: Path) -> None:
    result = runner.invoke(app, ["protocol", "export", "--format", "sheet", "--lang", "en", "--project", str(project_dir)])
    assert result.exit_code == 0, result.stderr
    out = project_dir / "reports" / "stm-exploratory-walk-field-sheet-en.xlsx"
    assert out.exists()
    assert "Checklist" in load_workbook(out).sheetnames


def test_cli_export_outside_a_project(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["protocol", "export", "--format", "sheet", "--out", "sheet.xlsx"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "sheet.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "docx", "--out", "x.xlsx"], 2, "'docx' is not one of 'xlsform', 'sheet', 'pdf'"),
        (["--format", "pdf", "--out", "x.xlsx"], 1, "give a file name ending in .pdf"),
        (["--format", "sheet", "--lang", "de", "--out", "x.xlsx"], 2, "use fr or en"),
        (["--format", "sheet", "--out", "x.csv"], 1, "give a file name ending in .xlsx"),
        (["--format", "xlsform", "--out", "."], 1, "is a folder"),
        (["--format", "xlsform", "--protocol", "nope", "--out", "x.xlsx"], 1, "no protocol 'nope'"),
    ],
)
def test_cli_export_errors(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["protocol", "export", *args])
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_export_unwritable_path(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["protocol", "export", "--format", "xlsform", "--out", str(blocker / "form.xlsx")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output


def test_cli_export_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["protocol", "export", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--out", "--lang", "--project", "xlsform", "sheet"):
        assert option in result.stdout
    assert "export" in runner.invoke(app, ["protocol", "--help"]).stdout
