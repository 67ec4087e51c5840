"""Failures and data-quality messages in the command line's language: library errors, click's parsing errors, issue codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from walktool.cli import app
from walktool.cli._usage import translate_message
from walktool.errors import StationsError
from walktool.i18n import N_, Phrase, translator
from walktool.project import Project
from walktool.report.labels import ISSUE_TEMPLATES

SRC = Path(__file__).resolve().parents[1] / "src" / "walktool"


def _env(lang: str) -> dict[str, str | None]:
    return {"WALKTOOL_LANG": lang, "LANG": None, "LC_ALL": None, "LC_MESSAGES": None}


# -- click's parsing errors -------------------------------------------------------------------

USAGE_CASES = [
    (["import", "--nope"], "Option inconnue : --nope", "No such option: --nope"),
    (["import"], "Argument manquant : 'files'.", "Missing argument 'files'."),
    (["summary", "extra1", "extra2"], "Argument(s) en trop inattendu(s) (extra1 extra2)",
     "Got unexpected extra argument(s) (extra1 extra2)"),
    (["summary", "--projet", "x"], "Option inconnue : --projet (options possibles : --project",
     "No such option: --projet (Possible options: --project"),
]


@pytest.mark.parametrize(("line", "french", "english"), USAGE_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_click_usage_errors_in_both_languages(runner: CliRunner, line: list[str], french: str, english: str) -> None:
    fr = runner.invoke(app, line, env=_env("fr"))
    assert fr.exit_code == 2, fr.output
    assert f"Erreur : {french}" in fr.stderr, fr.stderr
    assert "Essayez « walktool " in fr.stderr and "--help » pour l’aide." in fr.stderr
    assert "Error:" not in fr.stderr and "Try '" not in fr.stderr and english not in fr.stderr
    en = runner.invoke(app, line, env=_env("en"))
    assert en.exit_code == 2 and f"Error: {english}" in en.stderr and "Try 'walktool " in en.stderr, en.stderr


def test_translate_message_reads_nested_parts_and_keeps_the_unknown() -> None:
    message = "Invalid value for '--top': Input should be a valid integer, unable to parse string as an integer"
    assert translate_message(message, "fr") == "Valeur invalide pour '--top' : La valeur doit être un nombre entier ; ce texte n’en est pas un"
    assert translate_message("Missing option '--format'.", "fr") == "Option manquante : '--format'."
    assert translate_message("Invalid value: Path 'x' does not exist.", "fr") == "Valeur invalide : Chemin 'x' n’existe pas."
    assert translate_message("something click never said", "fr") == "something click never said"
    assert translate_message("No such option: --x", "en") == "No such option: --x"


# -- library failures -------------------------------------------------------------------------

def test_phrase_is_the_english_and_renders_french() -> None:
    phrase = Phrase(N_("{path}: no such file"), path="a.csv")
    assert phrase == "a.csv: no such file" and phrase.render("fr") == "a.csv : fichier introuvable"
    joined = Phrase.joined("; ", [phrase, "as is"])
    assert joined == "a.csv: no such file; as is" and joined.render("fr") == "a.csv : fichier introuvable; as is"
    error = StationsError(phrase)
    assert str(error) == "a.csv: no such file" and error.render("fr") == "a.csv : fichier introuvable"


def test_bad_walktool_toml_in_both_languages(runner: CliRunner, project: Project) -> None:
    toml = project.root / "walktool.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[project]", "[project]\nbogus = 1", 1), encoding="utf-8")
    fr = runner.invoke(app, ["summary", "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 1
    assert "réglage(s) inconnu(s) bogus dans [project] ; connus :" in fr.stderr, fr.stderr
    assert "unknown setting" not in fr.stderr
    en = runner.invoke(app, ["summary", "-p", str(project.root)], env=_env("en"))
    assert "unknown setting(s) bogus in [project]; known:" in en.stderr, en.stderr


def test_bad_stations_file_in_french(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "stations.csv"
    bad.write_text("nom,x\nA,1\n", encoding="utf-8")
    fr = runner.invoke(app, ["stations", "import", str(bad), "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 1
    assert "colonne(s) manquante(s)" in fr.stderr and "un CSV de stations demande des colonnes name, lat et lon" in fr.stderr, fr.stderr
    assert "missing column" not in fr.stderr and "needs name" not in fr.stderr
    missing = runner.invoke(app, ["stations", "import", str(tmp_path / "none.geojson"), "-p", str(project.root)], env=_env("fr"))
    assert "fichier introuvable" in missing.stderr or "introuvable" in missing.stderr, missing.stderr


def test_damaged_store_in_both_languages(runner: CliRunner, project: Project) -> None:
    store = project.store_path
    project.close()
    data = bytearray(store.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)
    data[16:18] = b"\x00\x03"  # an impossible page size: SQLite calls the file damaged
    store.write_bytes(bytes(data))
    fr = runner.invoke(app, ["summary", "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 1
    english = translator("en").gettext("the store is damaged")
    assert english not in fr.stderr and "Erreur : " in fr.stderr, fr.stderr
    en = runner.invoke(app, ["summary", "-p", str(project.root)], env=_env("en"))
    assert en.exit_code == 1 and "Error: " in en.stderr


def test_bad_protocol_issues_in_french(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\n  items: [\n", encoding="utf-8")
    fr = runner.invoke(app, ["protocol", "validate", str(bad)], env=_env("fr"))
    assert fr.exit_code == 1
    assert "[yaml-syntax] YAML invalide : vérifiez l’indentation" in fr.stderr, fr.stderr
    assert "not valid YAML" not in fr.stderr
    en = runner.invoke(app, ["protocol", "validate", str(bad)], env=_env("en"))
    assert "[yaml-syntax] not valid YAML" in en.stderr, en.stderr


def test_unrecognised_import_file_in_french(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    fr = runner.invoke(app, ["import", str(odd), "-p", str(project.root)], env=_env("fr"))
    text = fr.stdout + fr.stderr
    assert "walktool ne reconnaît pas ce fichier" in text, text
    assert "does not recognise" not in text


# -- data-quality messages --------------------------------------------------------------------

CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
ISSUE_CALLS = {"Issue", "add", "reject_rows"}


def emitted_codes() -> dict[str, str]:
    """Every issue code a module of walktool can emit (a literal or a module constant given to ``Issue`` or an issue adder)."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {
            t.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in ISSUE_CALLS:
                continue
            position = 1 if name == "reject_rows" else 0
            args = [node.args[position]] if len(node.args) > position else []
            args += [k.value for k in node.keywords if k.arg == "code"]
            for arg in args:
                value = arg.value if isinstance(arg, ast.Constant) else consts.get(arg.id) if isinstance(arg, ast.Name) else None
                if isinstance(value, str) and CODE.match(value):
                    found.setdefault(value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_emitted_issue_code_has_a_french_template() -> None:
    codes = emitted_codes()
    assert {"unknown-answer", "yaml-syntax", "bad-due-date", "unknown-category", "rules-changed-same-version"} <= set(codes)
    missing = {code: where for code, where in codes.items() if code not in ISSUE_TEMPLATES}
    assert not missing, missing
    fr = translator("fr")
    untranslated = [code for code in codes if fr.text(ISSUE_TEMPLATES[code]) == ISSUE_TEMPLATES[code].msgid]
    assert not untranslated, untranslated


# -- numbers and codes in tables --------------------------------------------------------------

def test_compare_and_agreement_numbers_follow_the_language() -> None:
    from walktool.cli import _common
    from walktool.cli.research_cmds import _interval, _p, _signed

    saved = _common.state.lang
    try:
        _common.state.lang = "fr"
        assert (_signed(2.46), _signed(-1.04), _signed(-0.04), _p(0.0312)) == ("+2,5", "-1,0", "0,0", "0,031")
        assert _interval(0.456, [0.3, 0.61]) == "0,46 (0,30–0,61)"
        _common.state.lang = "en"
        assert (_signed(2.46), _signed(-1.04), _signed(-0.04), _p(0.0312)) == ("+2.5", "-1.0", "0.0", "0.031")
        assert _interval(0.456, [0.3, 0.61], two_lines=True) == "0.46\n0.30–0.61"
    finally:
        _common.state.lang = saved


def test_profile_codes_and_followup_values_in_words() -> None:
    from walktool.cli import _common
    from walktool.cli.analysis_cmds import profile_word
    from walktool.cli.report_cmds import _field_value, _field_word

    saved = _common.state.lang
    try:
        _common.state.lang = "fr"
        assert (profile_word("gender"), profile_word("woman"), profile_word("18-24")) == ("genre", "femme", "18-24")
        assert (_field_word("status"), _field_value("status", "in_progress"), _field_value("due_date", "2024-03-05")) == (
            "statut", "en cours", "5 mars 2024")
        _common.state.lang = "en"
        assert (profile_word("gender"), profile_word("non_binary"), _field_value("status", "proposed")) == ("gender", "non-binary", "proposed")
    finally:
        _common.state.lang = saved


def test_stations_import_reasons_in_french(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    layer = tmp_path / "gares.csv"
    layer.write_text("name,lat,lon\nA,45.50,-73.57\nB,45.52,-73.55\n", encoding="utf-8")
    fr = runner.invoke(app, ["stations", "import", str(layer), "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 0, fr.output
    assert "l’étendue des stations plus 2 km" in fr.stdout and "le fichier de stations, relatif au projet" in fr.stdout, fr.stdout
    assert "extent plus" not in fr.stdout and "relative to the project" not in fr.stdout
    en = runner.invoke(app, ["stations", "import", str(layer), "-p", str(project.root), "--json"], env=_env("en"))
    assert "the stations' extent plus 2 km" in en.stdout  # --json: English


def test_json_usage_error_document_in_french(runner: CliRunner, project: Project) -> None:
    import json

    fr = runner.invoke(app, ["check", "--level", "bogus", "--json", "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 2
    doc = json.loads(fr.stdout)["error"]
    assert doc["code"] == "usage" and doc["message"] == "Valeur invalide pour --level : utilisez error ou warning", doc
    en = runner.invoke(app, ["check", "--level", "bogus", "--json", "-p", str(project.root)], env=_env("en"))
    assert json.loads(en.stdout)["error"]["message"] == "Invalid value for --level: use error or warning"


def test_agreement_readings_and_notes_in_words() -> None:
    from walktool.cli import _common
    from walktool.cli.research_cmds import LEVELS, PRINCIPLE_NOTES, _words

    saved = _common.state.lang
    try:
        _common.state.lang = "fr"
        assert (_words(LEVELS, "moderate"), _words(PRINCIPLE_NOTES, "no-variation"), _words(LEVELS, None)) == (
            "modéré", "aucune variation entre les arrêts", "")
        _common.state.lang = "en"
        assert _words(LEVELS, "almost perfect") == "almost perfect" and _words(PRINCIPLE_NOTES, "odd-code") == "odd-code"
    finally:
        _common.state.lang = saved


def test_export_of_an_empty_project_in_french(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    fr = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "x"), "-p", str(project.root)], env=_env("fr"))
    assert fr.exit_code == 1 and "rien à exporter" in fr.stderr and "nothing to export" not in fr.stderr, fr.stderr
