"""Scores tied to the rules that made them (walktool.provenance, walktool.protocol.rules / archive)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project
from walktool.protocol import load_protocol, validate_protocol_text
from walktool.protocol.rules import rules_hash, same_rules_items
from walktool.provenance import RULES_CHANGED, imported_with, rules_warnings, scoring_rules

WriteCsv = Callable[..., Path]

# cleanliness 1 = "somewhat dirty" (0.333 in 1.0), lights_out a count (bad at 3 or more in 1.0)
HEADER = ["Observatrice", "Station", "Zone", "Période", "Date", "Heure", "cleanliness", "lights_out", "sign_exits"]
ROWS = [
    ["Alice Martin", "Papineau", "quai", "nuit", "2023-11-14", "20h10", "1", "3", "non"],
    ["Béatrice Roy", "Papineau", "quai", "nuit", "2023-11-14", "20h12", "1", "2", "oui"],
    ["Chloé Tran", "Papineau", "mezzanine", "jour", "2023-11-15", "14h00", "2", "0", "oui"],
    ["Alice Martin", "Beaudry", "édicule", "nuit", "2023-11-16", "19h00", "0", "4", "non"],
]
PROTOCOL = "stm-exploratory-walk.yaml"


def _imported(project: Project, tmp_path: Path, write_csv: WriteCsv, campaign: str = "2023-pilot") -> None:
    path = write_csv(tmp_path / f"grille-{campaign}.csv", [HEADER, *ROWS], sep=";")
    result = import_files(project, [path], campaign=campaign, fmt="findings-table")
    assert (result.accepted, result.rejected) == (4, 0), result.to_dict()


def _edited(text: str, *, version: str | None) -> str:
    """"Somewhat dirty" 0.333 → 0.5 and the count threshold 3 → 6, as the researcher did; a new version when given."""
    assert 'label: {fr: "Plutôt sale", en: "Somewhat dirty"}' in text
    head, tail = text.split('label: {fr: "Plutôt sale", en: "Somewhat dirty"}', 1)
    tail = tail.replace("score: 0.333", "score: 0.5", 1)
    out = (head + 'label: {fr: "Plutôt sale", en: "Somewhat dirty"}' + tail).replace(
        "score: {good_at_most: 0, bad_at_least: 3}", "score: {good_at_most: 0, bad_at_least: 6}", 1
    )
    return out.replace('version: "1.0"', f'version: "{version}"', 1) if version else out


def _summary(runner: CliRunner, project: Project, *args: str) -> dict:
    result = runner.invoke(app, ["summary", "--json", "-p", str(project.root), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _stations(doc: dict) -> dict[str, dict]:
    return {s["name"]: s for s in doc["stations"]}


def test_the_rules_hash_follows_the_rules_not_the_labels() -> None:
    text = (Path(__file__).parents[1] / "src/walktool/data/protocols" / PROTOCOL).read_text(encoding="utf-8")
    base, _ = validate_protocol_text(text)
    relabelled, _ = validate_protocol_text(text.replace('en: "Somewhat dirty"', 'en: "Rather dirty"'))
    rescored, _ = validate_protocol_text(_edited(text, version=None))
    assert base is not None and relabelled is not None and rescored is not None
    assert rules_hash(base) == rules_hash(relabelled)
    assert rules_hash(base) != rules_hash(rescored)
    same, changed = same_rules_items(base, rescored)
    assert set(changed) == {"cleanliness", "lights_out", "hiding_spots"}  # hiding spots are counts too
    assert "sign_exits" in same and "light_level" in same


def test_a_bumped_version_keeps_the_old_figures_by_default_and_rescores_on_request(
    project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner
) -> None:
    _imported(project, tmp_path, write_csv)
    first = load_protocol(project.protocols_dir / PROTOCOL)
    archived = project.protocols_dir / "archive" / "stm-exploratory-walk@1.0.yaml"
    assert archived.read_bytes() == (project.protocols_dir / PROTOCOL).read_bytes()  # the exact file
    log = project.store.read("imports")
    assert list(log["protocol"]) == ["stm-exploratory-walk@1.0"] and list(log["rules_hash"]) == [first.rules_hash]
    before = _summary(runner, project)
    assert (before["protocol"], before["rules_hash"]) == ("stm-exploratory-walk@1.0", first.rules_hash)

    # the researcher edits the rules, bumps the version, and keeps one file
    path = project.protocols_dir / PROTOCOL
    path.write_text(_edited(path.read_text(encoding="utf-8"), version="1.1"), encoding="utf-8")
    newer = load_protocol(path)

    kept = _summary(runner, project)
    assert kept == before  # the figures the campaign was imported with, to the digit
    pap = _stations(kept)["Papineau"]
    # by hand under 1.0: cleanliness (0.333 + 0.333 + 0.667) / 3; lights out 3 → 0, 2 → 1/3, 0 → 1
    assert pap["principles"]["maintenance"] == pytest.approx((0.333 + 0.333 + 0.667) / 3 * 100, abs=0.01)
    assert pap["principles"]["visibility"] == pytest.approx((0 + 1 / 3 + 1) / 3 * 100, abs=0.01)

    current = _summary(runner, project, "--rules", "current")
    assert (current["protocol"], current["rules_hash"]) == ("stm-exploratory-walk@1.1", newer.rules_hash)
    pap = _stations(current)["Papineau"]
    assert pap["principles"]["maintenance"] == pytest.approx((0.5 + 0.5 + 0.667) / 3 * 100, abs=0.01)
    assert pap["principles"]["visibility"] == pytest.approx((0.5 + 2 / 3 + 1) / 3 * 100, abs=0.01)
    assert pap["score"] > _stations(kept)["Papineau"]["score"]

    # the old version by name, from the archive (protocols/ no longer has it)
    assert _summary(runner, project, "--protocol", "stm-exploratory-walk@1.0")["stations"] == kept["stations"]
    text = runner.invoke(app, ["summary", "-p", str(project.root), "--rules", "current"]).stdout
    assert "stm-exploratory-walk@1.1" in text and "re-scored; imported under stm-exploratory-walk@1.0" in text

    # export labels each row with the rules that scored it
    out = tmp_path / "export" / "obs.csv"
    assert runner.invoke(app, ["export", "--format", "csv", "--out", str(out), "-p", str(project.root)]).exit_code == 0
    rows = pd.read_csv(out)
    assert set(rows["protocol"]) == {"stm-exploratory-walk@1.0"} and set(rows["rules_hash"]) == {first.rules_hash}
    assert runner.invoke(app, ["export", "--format", "csv", "--out", str(out), "--rules", "current", "-p", str(project.root)]).exit_code == 0
    rows = pd.read_csv(out)
    assert set(rows["protocol"]) == {"stm-exploratory-walk@1.1"} and set(rows["rules_hash"]) == {newer.rules_hash}
    stations = pd.read_csv(out.with_name("obs-stations.csv"))
    assert set(stations["rules_hash"]) == {newer.rules_hash}

    # a campaign imported under 1.1 is archived and scored under 1.1; compare leaves out the changed items
    _imported(project, tmp_path, write_csv, campaign="2024")
    assert (project.protocols_dir / "archive" / "stm-exploratory-walk@1.1.yaml").exists()
    assert imported_with(project, "2024") == [("stm-exploratory-walk@1.1", newer.rules_hash)]
    result = runner.invoke(app, ["compare", "--before", "2023-pilot", "--after", "2024", "--json", "-p", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["protocol"] == {"before": "stm-exploratory-walk@1.0", "after": "stm-exploratory-walk@1.1"}
    assert doc["rules_hash"] == {"before": first.rules_hash, "after": newer.rules_hash}
    left = {x["item"]: x["reason"] for x in doc["items"]["left_out"]}
    assert left["cleanliness"] == left["lights_out"] == "rules-differ"
    assert "sign_exits" in doc["items"]["compared"]
    pap = next(s for s in doc["stations"] if s["name"] == "Papineau")
    assert pap["delta"] == 0.0  # same answers, same rules on what is compared: no change


def test_rules_changed_without_a_version_bump_are_caught(
    project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner
) -> None:
    _imported(project, tmp_path, write_csv)
    assert rules_warnings(project) == []
    path = project.protocols_dir / PROTOCOL
    path.write_text(_edited(path.read_text(encoding="utf-8"), version=None), encoding="utf-8")

    (warning,) = rules_warnings(project)
    assert warning.code == RULES_CHANGED == "rules-changed-same-version"
    assert "2023-pilot" in warning.message and "stm-exploratory-walk@1.0" in warning.message

    validated = runner.invoke(app, ["protocol", "validate", str(path), "--json"])
    assert validated.exit_code == 0, validated.output
    codes = [i["code"] for i in json.loads(validated.stdout)["issues"]]
    assert "rules-changed-same-version" in codes

    # the next command that reads the project says so on stderr, and keeps stdout JSON clean
    summary = runner.invoke(app, ["summary", "--json", "-p", str(project.root)])
    assert summary.exit_code == 0
    assert "rules-changed-same-version" in summary.stderr and "2023-pilot" in summary.stderr
    json.loads(summary.stdout)
    checked = json.loads(runner.invoke(app, ["check", "--json", "-p", str(project.root)]).stdout)
    assert checked["by_code"]["rules-changed-same-version"] == 1

    # the campaign still scores under the rules it was imported with (the archived file)
    protocol, rules = scoring_rules(project, "2023-pilot")
    assert not rules.rescored and rules.rules_hash != load_protocol(path).rules_hash
    assert protocol.rules_hash == rules.rules_hash
    # importing with the edited file archives it beside the first
    _imported(project, tmp_path, write_csv, campaign="2024")
    names = sorted(p.name for p in (project.protocols_dir / "archive").iterdir())
    assert names == ["stm-exploratory-walk@1.0.yaml", f"stm-exploratory-walk@1.0~{load_protocol(path).rules_hash}.yaml"]
