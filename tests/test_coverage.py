"""Coverage: station × zone × day/night, on the sample campaign (its follow-up walks were all at night)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.coverage import coverage
from walktool.project import Project
from walktool.sample import import_sample_campaign

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def followup_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = walktool.init_project(tmp_path_factory.mktemp("cov") / "proj")
    import_sample_campaign(project, ROOT / "walks", campaigns=["2024-followup"])
    yield project
    project.close()


def test_the_sample_shows_its_night_gaps(followup_project: Project) -> None:
    doc = coverage(followup_project, "2024-followup").to_dict()
    assert doc["combinations"] == doc["walked"] + len(doc["gaps"])
    assert doc["stations_never_walked_at_night"] == ["Bonaventure", "Papineau"]
    assert doc["night_gaps"] > 0
    cells = {(c["name"], c["zone"], c["period"]): c for c in doc["cells"]}
    atwater = cells[("Atwater", "platform", "night")]
    assert atwater["walked"] and atwater["walks"] >= 1 and atwater["participants"] >= 1
    assert not cells[("Atwater", "platform", "day")]["walked"]
    assert {c["period"] for c in doc["cells"]} == {"day", "night"}


def test_all_zones_and_the_cli(followup_project: Project) -> None:
    every = coverage(followup_project, "2024-followup", all_zones=True).to_dict()
    zones = len(followup_project.protocol().zones.choices)
    stations = len({c["station_id"] for c in every["cells"]})
    assert every["combinations"] == stations * zones * 2
    runner = CliRunner(env={"WALKTOOL_LANG": "en"})
    res = runner.invoke(app, ["coverage", "--json", "--project", str(followup_project.root)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stations_never_walked_at_night"] == ["Bonaventure", "Papineau"]
    res = runner.invoke(app, ["coverage", "--project", str(followup_project.root)])
    assert res.exit_code == 0 and "never walked at night: Bonaventure, Papineau" in res.stdout
