"""walktool in French and English: language resolution, messages, help, number and date formats, JSON errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from walktool.cli import app
from walktool.cli._lang import CLICK_TEXTS, cli_language, lang_first
from walktool.i18n import resolve_language, system_language, translator
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "feeling"]
ROWS = [
    ["Sophie Tremblay", "Université-de-Montréal", "quai", "coins sombres", "élevée", "", "2023-11-14", "20h00", "effrayée"],
    ["Julie Gagnon", "Université-de-Montréal", "quai", "coins sombres", "moyenne", "", "2023-11-14", "20h05", "mal à l'aise"],
    ["Julie Gagnon", "Beaudry", "hall", "téléphone d'urgence", "critique", "muet", "2023-11-15", "18h00", "à l'aise"],
    ["Sophie Tremblay", "Beaudry", "hall", "propreté", "faible", "", "2023-11-15", "18h05", ""],
]
ROOT = typer.main.get_command(app)


def _walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, [*path, name])


TREE = list(_walk(ROOT, []))
PATHS = [path for path, _ in TREE]


def _env(lang: str | None, **more: str | None) -> dict[str, str | None]:
    """An environment where only ``lang`` (through WALKTOOL_LANG) and ``more`` choose the language."""
    return {"WALKTOOL_LANG": lang, "LANG": None, "LC_ALL": None, "LC_MESSAGES": None, **more}


def filled(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    path = write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")
    import_files(project, [path], campaign="2023-pilot", fmt="findings-table")
    return project


def _drop_language(project: Project) -> None:
    """Remove ``language`` from walktool.toml: the system locale decides then."""
    toml = project.root / "walktool.toml"
    text = re.sub(r"(?m)^language = .*\n", "", toml.read_text(encoding="utf-8"))
    toml.write_text(text, encoding="utf-8")


# -- which language -------------------------------------------------------------------------


def test_system_locale_variables() -> None:
    assert system_language({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert system_language({"LANG": "en_US"}) == "en"
    assert system_language({"LC_ALL": "en_CA.UTF-8", "LANG": "fr_CA.UTF-8"}) == "en"  # LC_ALL first
    assert system_language({"LC_MESSAGES": "fr_FR", "LANG": "en_US"}) == "fr"
    assert system_language({"LC_ALL": "C", "LANG": "fr_CA.UTF-8"}) is None  # C is no language walktool speaks
    assert system_language({"LANG": "de_DE.UTF-8"}) is None
    assert resolve_language(None, None, environ={"LANG": "en_US.UTF-8"}) == "en"
    assert resolve_language(None, {"language": "fr"}, environ={"LANG": "en_US.UTF-8"}) == "fr"  # the project first
    assert resolve_language(None, None, environ={"LANG": "de_DE"}) == "fr"  # then French


def test_cli_language_precedence(project: Project) -> None:
    root = str(project.root)
    _drop_language(project)
    assert cli_language(["summary", "-p", root], {"LANG": "en_US.UTF-8"}) == "en"
    assert cli_language(["summary", "-p", root], {"LANG": "fr_CA.UTF-8"}) == "fr"
    toml = project.root / "walktool.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[project]\n", '[project]\nlanguage = "en"\n', 1), encoding="utf-8")
    assert cli_language(["summary", "--project", root], {"LANG": "fr_CA.UTF-8"}) == "en"  # project > LANG
    assert cli_language([f"--project={root}", "summary"], {"WALKTOOL_LANG": "fr", "LANG": "en_US"}) == "fr"  # WALKTOOL_LANG > project
    assert cli_language(["--lang", "en", "summary", "-p", root], {"WALKTOOL_LANG": "fr"}) == "en"  # --lang first
    assert cli_language(["summary", "--lang=fr", "-p", root], {"WALKTOOL_LANG": "en"}) == "fr"
    assert cli_language(["summary", "--lang", "de"], {"WALKTOOL_LANG": "en"}) == "en"  # refused later, by the command


def test_lang_after_a_command_without_its_own_option_moves_to_the_root() -> None:
    assert lang_first(ROOT, ["check", "--lang", "en", "-p", "x"]) == ["--lang", "en", "check", "-p", "x"]
    assert lang_first(ROOT, ["summary", "--lang", "en"]) == ["summary", "--lang", "en"]  # summary has its own
    assert lang_first(ROOT, ["store", "info", "--lang=fr"]) == ["--lang=fr", "store", "info"]


def test_lang_option_and_variable_in_the_command_line(runner: CliRunner, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    filled(project, tmp_path, write_csv)
    root = str(project.root)
    fr = runner.invoke(app, ["check", "-p", root], env=_env(None))  # the project's language: French
    assert fr.exit_code == 0, fr.output
    assert re.search(r"\d+ observations de 1 fichier ; 0 rejet, 0 avertissement", fr.stdout), fr.stdout
    en = runner.invoke(app, ["check", "-p", root], env=_env("en"))
    assert re.search(r"\d+ observations from 1 file; 0 rejects, 0 warnings", en.stdout), en.stdout
    for line in (["--lang", "en", "check", "-p", root], ["check", "-p", root, "--lang", "en"]):
        assert "observations from 1 file" in runner.invoke(app, line, env=_env("fr")).stdout
    bad = runner.invoke(app, ["summary", "--lang", "de", "-p", root], env=_env("fr"))
    assert bad.exit_code == 2 and "utilisez fr ou en" in bad.stderr


# -- messages ---------------------------------------------------------------------------------

ENGLISH_FRAMES = ("Campaign ", " walks", "Scores by", "priority", "flagged by", "walk(s)", "participant(s)", "find =",
                  "unsafe =", "low confidence", "Recommendations", "ranked", "minority", "to verify", "overdue", "Minority")


def test_lang_fr_ca_summary_and_recommend_in_french(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    """``LANG=fr_CA.UTF-8 walktool summary`` in a project that does not set its language: French, frames included."""
    filled(project, tmp_path, write_csv)
    _drop_language(project)
    env = {k: v for k, v in os.environ.items() if k not in ("WALKTOOL_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG="fr_CA.UTF-8", COLUMNS="80")
    run = [sys.executable, "-m", "walktool"]
    summary = subprocess.run([*run, "summary", "-p", str(project.root)], capture_output=True, text=True, env=env, check=True)
    out = summary.stdout
    assert re.search(r"Campagne 2023-pilot · 2 stations · \d+ observations · 2 participant·es · 2 marches", out), out
    assert "Scores selon stm-exploratory-walk@1.0 (règles " in out
    assert "Scores par station, la pire d’abord (0–100)" in out
    flat = " ".join(out.split())  # at 80 columns the notes wrap
    assert "⚠ peu fiable : vu par moins de 3 participant·es." in flat and "cst = constats (crit = critiques)" in flat
    assert not [frame for frame in ENGLISH_FRAMES if frame in out], out
    recommend = subprocess.run([*run, "recommend", "-p", str(project.root)], capture_output=True, text=True, env=env, check=True)
    out = recommend.stdout
    assert "Recommandations, campagne 2023-pilot : les plus urgentes d’abord" in out
    flat = " ".join(out.split())
    assert re.search(r"priorité \d+,\d\d ; signalé par \d sur \d \(\d+ %\), 1 marche", flat), out
    assert "recommandation classée" in flat or "recommandations classées" in flat
    assert not [frame for frame in ENGLISH_FRAMES if frame in out], out
    env["LANG"] = "en_US.UTF-8"
    english = subprocess.run([*run, "summary", "-p", str(project.root)], capture_output=True, text=True, env=env, check=True)
    assert re.search(r"Campaign 2023-pilot · 2 stations · \d+ observations · 2 participants · 2 walks", english.stdout)


def test_summary_fits_80_columns_with_names_and_marks(runner: CliRunner, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    filled(project, tmp_path, write_csv)
    for lang in ("fr", "en"):
        result = runner.invoke(app, ["summary", "-p", str(project.root)], env=_env(lang, COLUMNS="80"))
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
        rows = lines[rule + 1: rule + 4]
        assert "".join(rows).count("⚠") == 2  # both stations seen by 2 participants: the mark never dropped
        names = "".join(re.split(r"\s{2,}", line.replace("⚠", "").strip())[0] for line in rows)
        assert "Université-de-Montréal" in names, rows  # folded, never cut
        heading = lines[rule - 1]
        assert heading.rstrip().endswith("insécu" if lang == "fr" else "unsafe")  # the last column is there


def test_data_quality_lines_keep_codes_and_translate_text(runner: CliRunner, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [*ROWS, ["Julie Gagnon", "Gare Fantôme", "quai", "coins sombres", "élevée", "", "2023-11-14", "20h00", ""]]
    path = write_csv(tmp_path / "constats.csv", [HEADER, *rows], sep=";")
    fr = runner.invoke(app, ["import", "--campaign", "c", "--format", "findings-table", "-p", str(project.root), str(path)], env=_env("fr"))
    assert fr.exit_code == 0, fr.output
    assert "[unknown-station]" in fr.stdout and "ligne 6" in fr.stdout
    assert "4 lignes acceptées, 1 rejetée" in fr.stdout
    check = runner.invoke(app, ["check", "-p", str(project.root)], env=_env("fr"))
    assert "rejet constats.csv, ligne 6, colonne 'Gare': [unknown-station]" in check.stdout
    assert "row 6" not in check.stdout
    as_json = runner.invoke(app, ["check", "--json", "-p", str(project.root)], env=_env("fr"))
    issue = next(i for i in json.loads(as_json.stdout)["issues"] if i["code"] == "unknown-station")
    assert set(issue) >= {"code", "message", "level", "file", "row", "column"} and issue["level"] == "error"  # keys stay English


def test_failures_speak_the_language(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "out.txt"
    fr = runner.invoke(app, ["protocol", "export", "--format", "sheet", "--out", str(missing), "-p", str(tmp_path)], env=_env("fr"))
    assert fr.exit_code == 1
    assert f"Erreur : {missing} : l’export est un classeur Excel ; donnez avec --out un nom de fichier finissant par .xlsx" in fr.stderr
    en = runner.invoke(app, ["protocol", "export", "--format", "sheet", "--out", str(missing), "--json", "-p", str(tmp_path)],
                       env=_env("en"))
    doc = json.loads(en.stdout)["error"]
    assert doc["code"] == "error" and doc["message"] == f"{missing}: the export is an Excel workbook; give a file name ending in .xlsx with --out"
    store = runner.invoke(app, ["--lang", "fr", "summary", "-p", str(tmp_path / "nowhere")], env=_env("en"))
    assert store.stderr.startswith("Erreur : ")


def test_babel_numbers_and_dates() -> None:
    from walktool.cli._common import day, num, pct, state

    before = state.lang
    try:
        state.lang = "fr"
        assert num(2760) == "2\u00a0760" and num(28.64, 1) == "28,6" and pct(0.43) == "43\u00a0%"
        assert day("2023-11-14") == "14 nov. 2023"
        state.lang = "en"
        assert num(2760) == "2,760" and num(28.64, 1) == "28.6" and pct(0.43) == "43%"
        assert day("2023-11-14") == "Nov 14, 2023"
        assert day("not a date") == "not a date" and day(None) == "–"
    finally:
        state.lang = before


# -- help ------------------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _help_texts(command: Any) -> list[str]:
    texts = [command.help] if command.help else []
    texts += [p.help for p in command.params if getattr(p, "help", None)]
    return texts


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "walktool")
def test_help_in_both_languages(runner: CliRunner, path: list[str]) -> None:
    fr = runner.invoke(app, [*path, "--help"], env=_env("fr"))
    en = runner.invoke(app, [*path, "--help"], env=_env("en"))
    assert fr.exit_code == 0 and en.exit_code == 0, fr.output + en.output
    assert fr.stdout != en.stdout
    assert fr.stdout.startswith("Utilisation : walktool") and en.stdout.startswith("Usage: walktool")
    assert "Options :" in fr.stdout and "Afficher ce message et quitter." in fr.stdout
    assert "Show this message and exit." not in fr.stdout and "Afficher" not in en.stdout
    # every help text of the command shows, translated, in the French help (wrapping aside)
    command = {tuple(p): c for p, c in TREE}[tuple(path)]
    tr = translator("fr")
    en_texts = _help_texts(command)
    for text in en_texts:
        assert _squeeze(tr.gettext(text)) in _squeeze(fr.stdout), text
    for text in en_texts:  # and no English help text is left in it
        assert _squeeze(text) not in _squeeze(fr.stdout), text
    if hasattr(command, "commands"):  # listings: every sub-command with its whole first sentence, no "…"
        listing = fr.stdout.split("Commandes :", 1)[1]
        assert "…" not in listing and "..." not in listing
        for name in command.commands:
            assert re.search(rf"(?m)^  {re.escape(name)}\s", listing), name


def test_every_help_text_has_its_french() -> None:
    """The catalog has a French msgstr for each help text of the tree (English as the tree is built), and for Typer's own."""
    tr = translator("fr")
    english = ROOT.__dict__.get("_walktool_msgids")  # untouched until a command line ran: read the msgids the walk keeps
    assert english is None or "help" in english
    missing = []
    for _path, command in TREE:
        saved = command.__dict__.get("_walktool_msgids", {"help": command.help})
        texts = [saved["help"]] if saved["help"] else []
        texts += [p.__dict__.get("_walktool_msgid", p.help) for p in command.params if getattr(p, "help", None)]
        missing += [t for t in texts if tr.gettext(t) == t]
    missing += [m.msgid for m in CLICK_TEXTS if tr.text(m) == m.msgid and m.msgid not in ("Options", "Arguments")]
    assert not missing, missing[:5]


# -- --json failures ---------------------------------------------------------------------------


def _failing(tmp_path: Path) -> dict[str, list[str]]:
    """A failing invocation of each command that has --json (no project here, or an impossible output)."""
    nowhere = str(tmp_path / "nowhere")
    a_file = tmp_path / "file.csv"
    a_file.write_text("a,b\n1,2\n", encoding="utf-8")
    return {
        "rebuild": ["-p", nowhere],
        "import": [str(a_file), "-p", nowhere],
        "check": ["-p", nowhere],
        "summary": ["-p", nowhere],
        "recommend": ["-p", nowhere],
        "report": ["-p", nowhere],
        "coverage": ["-p", nowhere],
        "compare": ["--before", "a", "--after", "b", "-p", nowhere],
        "agreement": ["-p", nowhere],
        "demo": ["--out", str(a_file / "inside-a-file")],
        "migrate": ["--to", str(tmp_path / "copy.gpkg"), "-p", nowhere],
        "incidents import": [str(a_file), "-p", nowhere],
        "incidents compare": ["-p", nowhere],
        "followup import": [str(a_file), "-p", nowhere],
        "comments list": ["-p", nowhere],
        "protocol show": ["no-such-protocol", "-p", nowhere],
        "protocol validate": [str(tmp_path / "missing.yaml")],
        "protocol export": ["--format", "sheet", "--out", str(tmp_path / "sheet.txt"), "-p", nowhere],
        "stations show": ["-p", nowhere],
        "stations import": [str(a_file), "-p", nowhere],
        "store info": ["-p", nowhere],
    }


NOTHING_TO_FAIL = {"protocol list"}
"""Commands with --json that have no failure to show: ``protocol list`` lists the packaged protocols outside a project."""
WITH_JSON = [" ".join(p) for p, c in TREE if any("--json" in getattr(q, "opts", ()) for q in c.params)]


def test_the_failing_cases_cover_every_json_command(tmp_path: Path) -> None:
    assert set(WITH_JSON) == set(_failing(tmp_path)) | NOTHING_TO_FAIL


@pytest.mark.parametrize("name", sorted(set(WITH_JSON) - NOTHING_TO_FAIL))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_json_command_fails_with_an_error_document(runner: CliRunner, tmp_path: Path, name: str, lang: str) -> None:
    args = _failing(tmp_path)[name]
    result = runner.invoke(app, [*name.split(), *args, "--json"], env=_env(lang))
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    if "error" not in doc:  # import and protocol validate: their document lists the failed files or the issues
        assert doc.get("failed") or doc.get("files") or doc.get("issues"), doc
        return
    assert set(doc["error"]) >= {"code", "message", "file"}
    assert re.fullmatch(r"[a-z][a-z-]*", doc["error"]["code"]), doc  # codes stay English kebab-case
    assert doc["error"]["message"]
    assert ("Erreur : " if lang == "fr" else "Error: ") in result.stderr
