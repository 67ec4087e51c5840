"""Shared fixtures of the walktool test suite.

Keep fixtures here generic (a CLI runner, a fresh project, the test data folder);
fixtures that only one test module needs belong in that module.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walktool
from _postgis import SKIP_REASON, Cluster, fresh_database, start_cluster, stop_cluster
from walktool.project import Project

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of committed test data files (``tests/data``)."""
    return DATA_DIR


@pytest.fixture
def runner() -> CliRunner:
    """A Typer CLI runner speaking English; ``result.stdout`` and ``result.stderr`` are kept apart.

    The command line follows WALKTOOL_LANG, the project's language (French by default)
    and LANG (:mod:`walktool.cli._lang`): tests that read English messages run with
    ``WALKTOOL_LANG=en``; those about the language give their own ``env``.
    """
    return CliRunner(env={"WALKTOOL_LANG": "en"})


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh project made by ``walktool.init_project`` in ``tmp_path / "proj"``, closed after the test."""
    proj = walktool.init_project(tmp_path / "proj")
    try:
        yield proj
    finally:
        proj.close()


@pytest.fixture(scope="session")
def gtfs_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small GTFS feed of ``tests/data/gtfs`` zipped as a feed file (built once per session)."""
    path = tmp_path_factory.mktemp("gtfs") / "gtfs_feed.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted((DATA_DIR / "gtfs").glob("*.txt")):
            zf.write(file, file.name)
    return path


def _write_csv(path: Path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8") -> Path:
    """Write ``rows`` (title rows, header, data, blank rows as ``[]``) as a delimited text file."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="session")
def write_csv() -> Callable[..., Path]:
    """``write_csv(path, rows, sep=",", encoding="utf-8")``: write a CSV in a chosen encoding, return its path."""
    return _write_csv



_NOTES: list[str] = []
_POSTGIS_SKIPPED: list[pytest.TestReport] = []


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL + PostGIS cluster for this test process (skips, loudly, where there is none)."""
    cluster, why = start_cluster()
    if cluster is None:
        pytest.skip(why)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh, empty database with PostGIS, dropped after the test."""
    yield from fresh_database(pg_cluster)


@pytest.fixture(params=["gpkg", "postgis"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a store of each backend goes: a GeoPackage file, then a PostGIS database."""
    if request.param == "gpkg":
        return tmp_path / "test.gpkg"
    return str(request.getfixturevalue("pg_url"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the figures tests record with ``record_property("note", lines)`` (also from xdist workers)."""
    if report.skipped and SKIP_REASON in str(report.longrepr):
        _POSTGIS_SKIPPED.append(report)
    if report.when == "call":
        for name, value in report.user_properties:
            if name == "note":
                _NOTES.extend(str(line) for line in value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures tests measured (e.g. the calibration of compare) in the closing note."""
    if _POSTGIS_SKIPPED:
        terminalreporter.write_sep(
            "!", f"{len(_POSTGIS_SKIPPED)} POSTGIS TESTS SKIPPED: PostgreSQL + PostGIS could not be installed or started",
            red=True, bold=True,
        )
        # and in the closing line itself: "… passed, … skipped, 8 postgis not tested"
        terminalreporter.stats.setdefault("postgis not tested", []).extend(_POSTGIS_SKIPPED)
    if _NOTES:
        terminalreporter.section("measured by the tests")
        for line in _NOTES:
            terminalreporter.write_line(line)
