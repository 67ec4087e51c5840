"""``walktool demo``: the whole pipeline on the sample campaign, as a newcomer meets it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from walktool.cli import app
from walktool.sample import load_manifest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "walks-demo"
    out.mkdir()
    # as in a fresh clone of the repository: settings are there, the store is not
    (out / "walktool.toml").write_text((ROOT / "walktool.toml").read_text(encoding="utf-8"), encoding="utf-8")
    # no language chosen: the sample project's (French), for the maps and the messages alike
    result = CliRunner().invoke(app, ["demo", "--out", str(out)], env={"WALKTOOL_LANG": None, "LANG": None, "LC_ALL": None})
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_demo_writes_the_maps_and_workbooks_and_says_where(demo_run: tuple[Path, str]) -> None:
    out, stdout = demo_run
    printed = [Path(p) for p in re.findall(r"(\S+\.(?:html|xlsx))", stdout)]
    assert {p.name for p in printed} >= {"map-2023-pilot.html", "report-2023-pilot.xlsx", "map-2024-followup.html", "report-2024-followup.xlsx"}
    for path in printed:
        assert path.is_file() and path.stat().st_size > 10_000, path
        assert path.parent == out / "reports"
    page = (out / "reports" / "map-2023-pilot.html").read_text(encoding="utf-8")
    assert "Papineau" in page and "CC BY 4.0" in page
    wb = load_workbook(out / "reports" / "report-2023-pilot.xlsx", read_only=True)
    assert len(wb.sheetnames) > 8  # summary, one per station, recommendations, observations, quality, method
    assert "synthétique" in stdout


def test_demo_maps_open_with_no_internet(demo_run: tuple[Path, str]) -> None:
    out, stdout = demo_run
    pages = sorted((out / "reports").glob("*.html"))
    assert {p.name for p in pages} >= {"map-2023-pilot.html", "map-2024-followup.html", "compare-2023-pilot-2024-followup.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc\s*=|<link[^>]*\bhref\s*=", text, re.IGNORECASE), page.name  # everything embedded
        assert "tile.openstreetmap.org" not in text and '<html lang="fr">' in text and "<title>" in text, page.name
    assert "hors ligne" in stdout


def test_demo_output_holds_no_participant_name(demo_run: tuple[Path, str]) -> None:
    out, stdout = demo_run
    names = load_manifest(ROOT / "walks").participant_names
    assert len(names) > 20
    texts = [stdout]
    for path in sorted((out / "reports").iterdir()):
        if path.suffix == ".html":
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml")]
    blob = "\n".join(texts)
    leaked = sorted(n for n in names if n in blob)
    assert not leaked, f"participant names in the demo output: {leaked}"


def test_demo_check_lists_only_the_deliberate_rejects(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    result = CliRunner().invoke(app, ["check", "--json", "--project", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rejects"] == 3  # the three deliberate ones of walks/README.md
