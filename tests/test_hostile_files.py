"""Hostile and broken files: a clear message per file, never a traceback, nothing lost."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project

DATA = Path(__file__).parent / "data"


def check_result(result: object) -> None:
    for f in result.files:  # type: ignore[attr-defined]
        assert f.rows == f.accepted + f.rejected, f
        if f.error:
            assert isinstance(f.error, str) and f.error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".gpx", ".geojson", ".zip", ".jpg", ".txt"]))
def test_random_bytes_never_crash(project: Project, tmp_path_factory: pytest.TempPathFactory, blob: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("hostile") / f"sheet{suffix}"
    path.write_bytes(blob)
    check_result(import_files(project, [path], dry_run=True))


separators = st.sampled_from([",", ";", "\t", "|"])
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sep=separators, rows=st.lists(st.lists(cells, min_size=1, max_size=8), min_size=1, max_size=12), header=st.sampled_from([
    ["Gare", "Zone", "Élément", "Gravité", "Commentaire"],
    ["station", "zone", "item", "severity", "lat", "lon"],
    ["SubmissionDate", "station", "zone", "KEY"],
    ["_uuid", "_submission_time", "station", "dark_corners"],
]))
def test_ragged_text_tables_keep_every_row(project: Project, tmp_path_factory: pytest.TempPathFactory, sep: str, rows: list[list[str]], header: list[str]) -> None:
    text = "\n".join(sep.join(r) for r in [header, *rows])
    path = tmp_path_factory.mktemp("ragged") / "table.csv"
    path.write_text(text, encoding="utf-8")
    check_result(import_files(project, [path], dry_run=True))


def hostile_files(folder: Path) -> list[Path]:
    files = []
    real = next(iter(sorted((DATA / "kobo").glob("*.xlsx"))), None)
    if real is not None:  # a workbook cut in half (a failed download)
        cut = folder / "cut.xlsx"
        data = real.read_bytes()
        cut.write_bytes(data[: len(data) // 2])
        files.append(cut)
    laughs = folder / "laughs.gpx"  # entity expansion ("billion laughs")
    laughs.write_text(
        '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
        '<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="45.5" lon="-73.6"><name>&e;</name></wpt></gpx>',
        encoding="utf-8",
    )
    files.append(laughs)
    evil_zip = folder / "evil.zip"  # zip-slip names and a non-export
    with zipfile.ZipFile(evil_zip, "w") as zf:
        zf.writestr("../../escape.csv", "a,b\n1,2\n")
        zf.writestr("/abs.txt", "x")
    files.append(evil_zip)
    latin = folder / "latin.csv"  # text that is neither UTF-8 nor a table
    latin.write_bytes("Gare;Zone\n\xe9\xe8\x00\x01;quai\n".encode("latin-1"))
    files.append(latin)
    html = folder / "export.csv"  # a login page saved instead of the export
    html.write_text("<!DOCTYPE html><html><body>Please log in</body></html>", encoding="utf-8")
    files.append(html)
    deep = folder / "deep.geojson"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    files.append(deep)
    return files


def test_hostile_files_from_the_command_line(project: Project, tmp_path: Path, runner: CliRunner) -> None:
    files = hostile_files(tmp_path)
    result = runner.invoke(app, ["import", *map(str, files), "--project", str(project.root)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "unexpected" not in result.stderr, result.stderr
    for path in files:
        assert path.name in result.output
    assert not (tmp_path.parent / "escape.csv").exists()
    check_result(import_files(project, files, dry_run=True))
