"""The comparison for people: the workbook and the map show the interval, the adjusted p and "cannot tell", in French and English."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from _compare_fixtures import few_walks
from walktool.cli import app
from walktool.compare import compare, write_compare_map, write_compare_workbook
from walktool.compare.map import popup_html
from walktool.project import Project

WriteCsv = Callable[..., Path]


def sheet_rows(path: Path, name: str) -> list[list[object]]:
    wb = load_workbook(path)
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", {"ci": "IC 95 % bas", "adj": "p ajusté (Holm)", "verdict": "Changement significatif", "yes": "oui", "cannot": "on ne peut pas conclure", "why": "trop peu de marches", "principles": "Principes", "method": "Méthode"}),
        ("en", {"ci": "95 % CI low", "adj": "adjusted p (Holm)", "verdict": "Significant change", "yes": "yes", "cannot": "cannot tell", "why": "too few walks", "principles": "Principles", "method": "Method"}),
    ],
)
def test_workbook_shows_the_new_figures(project: Project, tmp_path: Path, write_csv: WriteCsv, lang: str, words: dict[str, str]) -> None:
    few_walks(project, tmp_path, write_csv, walks=5)
    result = compare(project, "2023", "2024")
    path = write_compare_workbook(result, tmp_path / f"cmp-{lang}.xlsx", lang, project.protocol())
    rows = sheet_rows(path, "Stations")
    header = rows[0]
    assert words["ci"] in header and words["adj"] in header and words["verdict"] in header
    table = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    pap = table["Papineau"]
    assert pap["Δ"] == 100.0 and pap[words["ci"]] == 100.0 and pap[words["verdict"]] == words["yes"]
    assert pap[words["adj"]] == pytest.approx(next(s["p_adjusted"] for s in result.stations if s["name"] == "Papineau"))
    principles = sheet_rows(path, words["principles"])
    assert len(principles) > 2 and principles[0][1] in ("Principe", "Principle")
    method = {r[0]: r[1] for r in sheet_rows(path, words["method"])}
    assert any("Holm" in str(v) for v in method.values())

    # two walks a side: "cannot tell" with its reason
    few = compare(project, "2023", "2024", unit="walk", resamples=0)
    for s in few.stations:
        s.update(significant=None, reason="too-few-walks", n_before=2, n_after=2, p_min=1 / 3, p_adjusted=None, ci=None)
    path = write_compare_workbook(few, tmp_path / f"few-{lang}.xlsx", lang, project.protocol())
    rows = sheet_rows(path, "Stations")
    header = rows[0]
    for r in rows[1:]:
        record = dict(zip(header, r, strict=True))
        assert record[words["verdict"]] == words["cannot"]
        reason = next(v for k, v in record.items() if k not in (words["verdict"],) and isinstance(v, str) and words["why"] in v)
        assert "0,333" in reason if lang == "fr" else "0.333" in reason


def test_map_popups_and_legend(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    few_walks(project, tmp_path, write_csv, walks=2)
    result = compare(project, "2023", "2024")
    for lang, (ci, adj, cannot, why) in {"fr": ("IC 95 %", "p ajusté (Holm)", "on ne peut pas conclure", "trop peu de marches"),
                                          "en": ("95 % CI", "adjusted p (Holm)", "cannot tell", "too few walks")}.items():
        page = write_compare_map(project, result, tmp_path / f"cmp-{lang}.html", lang).read_text(encoding="utf-8")
        assert "Papineau" in page and "CC BY 4.0" in page
        popup = popup_html(next(s for s in result.stations if s["name"] == "Papineau"), result, lang)
        assert ci in popup and adj in popup and cannot in popup and why in popup
        assert json.dumps(cannot)[1:-1] in page or cannot in page
        assert "dashArray" in page or "dash_array" in page or "4 4" in page  # cannot-tell stations are dashed


def test_cli_writes_workbook_and_map(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    few_walks(project, tmp_path, write_csv, walks=3)
    xlsx, html = tmp_path / "cmp.xlsx", tmp_path / "cmp.html"
    result = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--out", str(xlsx), "--map", str(html), "--lang", "en", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "Written:" in result.stdout and xlsx.exists() and html.exists()
    assert load_workbook(xlsx).sheetnames == ["Stations", "Principles", "New", "Persistent", "Resolved", "Not revisited", "Method"]
