"""The shared PostGIS archive end to end: every command on it, concurrent imports, roles, moving a project.

Each test gets a fresh database of the throwaway cluster (``pg_url``, tests/_postgis.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app, store_first
from walktool.errors import ProjectError
from walktool.store import mask, open_store

ROOT = Path(__file__).resolve().parents[1]
WALKS = sorted((ROOT / "walks").glob("2023-11-*/kobo-export-*.csv"))


def _small(folder: Path, count: int, rows: int = 6) -> list[str]:
    """The first ``count`` sample walks cut to their first ``rows`` submissions (quicker imports)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for source in WALKS[:count]:
        with source.open(encoding="utf-8", newline="") as f:
            table = list(csv.reader(f, delimiter=";"))
        target = folder / source.name
        with target.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows(table[: rows + 1])
        out.append(str(target))
    return out


def _cli(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, store_first(list(args)))
    return result


def _summary(runner: CliRunner, project: Path, *extra: str) -> dict[str, Any]:
    result = _cli(runner, "summary", "--json", "-p", str(project), *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_command_works_on_an_archive_and_agrees_with_the_geopackage(runner: CliRunner, tmp_path: Path, pg_url: str) -> None:
    files = _small(tmp_path / "sheets", 2, rows=12)
    local, shared = tmp_path / "local", tmp_path / "shared"
    walktool.init_project(local).close()
    assert _cli(runner, "--store", pg_url, "init", str(shared)).exit_code == 0
    for project, extra in ((local, []), (shared, ["--store", pg_url])):
        result = _cli(runner, "import", *files, "--campaign", "2023", "-p", str(project), *extra)
        assert result.exit_code == 0, result.stderr
    assert not (shared / "walktool.gpkg").exists()  # everything went to the archive
    a, b = _summary(runner, local), _summary(runner, shared, "--store", pg_url)
    assert a["network"]["observations"] > 500
    assert a == b
    for command in (["recommend", "--json"], ["report"], ["map", "--offline"], ["check"]):
        result = _cli(runner, *command, "-p", str(shared), "--store", pg_url)
        assert result.exit_code == 0, (command, result.stderr)
    assert (shared / "reports" / "report.xlsx").is_file() and (shared / "reports" / "map.html").is_file()
    # WALKTOOL_STORE works too, and the info command says where the store is
    result = runner.invoke(app, ["store", "info", "--json", "-p", str(shared)], env={"WALKTOOL_STORE": pg_url})
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["backend"] == "postgis" and doc["schema_version"] == walktool.store.SCHEMA_VERSION
    assert doc["tables"]["observations"] == a["network"]["observations"]


def test_passwords_are_masked_and_never_kept_in_the_project(tmp_path: Path, pg_url: str) -> None:
    secret = pg_url.replace("postgres@", "postgres:s3cr3t@")
    assert "s3cr3t" not in mask(secret) and mask(secret).startswith("postgresql://postgres:***@")
    assert "s3cr3t" not in mask("postgresql://u@h/db?password=s3cr3t&sslmode=require")
    store = open_store(secret, create=True)  # the test cluster trusts loopback: the password is not checked
    try:
        assert "s3cr3t" not in str(store) and "s3cr3t" not in str(store.path)
    finally:
        store.close()
    root = tmp_path / "proj"
    walktool.init_project(root).close()
    toml = (root / "walktool.toml").read_text(encoding="utf-8")
    (root / "walktool.toml").write_text(toml.replace('store = ""', f'store = "{secret}"'), encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        walktool.open_project(root)
    assert "PGPASSWORD" in str(info.value) and "s3cr3t" not in str(info.value)
    (root / "walktool.toml").write_text(toml.replace('store = ""', f'store = "{pg_url}"'), encoding="utf-8")
    with walktool.open_project(root) as project:
        assert project.store.count("stations") == 0 and project.store_location == pg_url
    # a refused connection names the archive without its password
    bad = secret.rsplit("/", 1)[0] + "/no_such_database"
    with pytest.raises(walktool.errors.StoreError) as refused:
        open_store(bad)
    assert "no_such_database" in str(refused.value) and "s3cr3t" not in str(refused.value)


_IMPORT = """
import sys
from walktool.cli import main
sys.argv = ["walktool", "import", *sys.argv[1:]]
main()
"""


def test_four_facilitators_importing_at_once_lose_and_duplicate_nothing(runner: CliRunner, tmp_path: Path, pg_url: str) -> None:
    files = _small(tmp_path / "sheets", 4)
    # what the four files hold, imported one by one into a GeoPackage
    local = tmp_path / "local"
    walktool.init_project(local).close()
    assert _cli(runner, "import", *files, "--campaign", "2023", "-p", str(local)).exit_code == 0
    with walktool.open_project(local) as project:
        expected = project.store.read("observations", columns=["obs_id", "submission_id", "item", "answer"])
    shared = tmp_path / "shared"
    assert _cli(runner, "--store", pg_url, "init", str(shared)).exit_code == 0
    # four processes: two different files each, overlapping (every file is imported by two of them)
    batches = [[files[0], files[1]], [files[1], files[2]], [files[2], files[3]], [files[3], files[0]]]
    env = {**os.environ, "WALKTOOL_STORE": pg_url}
    procs = [
        subprocess.Popen([sys.executable, "-c", _IMPORT, *batch, "--campaign", "2023", "-p", str(shared)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in batches
    ]
    outcomes = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outcomes]
    store = open_store(pg_url)
    try:
        got = store.read("observations", columns=["obs_id", "submission_id", "item", "answer"])
        assert len(got) == len(expected) > 500  # counts exact
        assert not got["obs_id"].duplicated().any()  # no duplicates
        key = ["obs_id", "submission_id", "item", "answer"]
        assert got.sort_values("obs_id")[key].reset_index(drop=True).equals(expected.sort_values("obs_id")[key].reset_index(drop=True))
        subs = store._one("SELECT COUNT(*) FROM (SELECT submission_id FROM stops GROUP BY submission_id HAVING COUNT(*) > 1) d")
        assert subs == 0  # one stop per submission
        assert store.count("imports") == 8
    finally:
        store.close()


def test_a_read_only_role_reads_but_may_not_import(runner: CliRunner, tmp_path: Path, pg_url: str) -> None:
    files = _small(tmp_path / "sheets", 2)
    shared = tmp_path / "shared"
    assert _cli(runner, "--store", pg_url, "init", str(shared)).exit_code == 0
    assert _cli(runner, "import", files[0], "--campaign", "2023", "-p", str(shared), "--store", pg_url).exit_code == 0
    result = _cli(runner, "store", "grant", "--read", "staff_ro", "--write", "facilitator_rw", "-p", str(shared), "--store", pg_url)
    assert result.exit_code == 0, result.stderr
    assert "staff_ro: may read" in result.stdout and "facilitator_rw: may read and write" in result.stdout
    staff = pg_url.replace("postgres@", "staff_ro@")
    before = _summary(runner, shared, "--store", staff)
    assert before["network"]["observations"] > 50
    result = _cli(runner, "report", "-p", str(shared), "--store", staff)
    assert result.exit_code == 0, result.stderr
    result = _cli(runner, "import", files[1], "--campaign", "2023", "-p", str(shared), "--store", staff)
    assert result.exit_code == 1
    assert "may read this archive but not write to it" in result.stderr and "walktool store grant --write staff_ro" in result.stderr
    assert "Traceback" not in result.stderr
    assert _summary(runner, shared, "--store", staff) == before  # nothing was stored
    writer = pg_url.replace("postgres@", "facilitator_rw@")
    result = _cli(runner, "import", files[1], "--campaign", "2023", "-p", str(shared), "--store", writer)
    assert result.exit_code == 0, result.stderr
    assert _summary(runner, shared, "--store", staff)["network"]["observations"] > before["network"]["observations"]


def test_migrate_round_trip_and_merging_two_laptops(runner: CliRunner, tmp_path: Path, pg_url: str) -> None:
    laptops = [tmp_path / "laptop1", tmp_path / "laptop2"]
    sheets = _small(tmp_path / "sheets", 3)
    for root, files in zip(laptops, ([sheets[0], sheets[1]], [sheets[1], sheets[2]]), strict=True):
        walktool.init_project(root).close()
        assert _cli(runner, "import", *map(str, files), "--campaign", "2023", "-p", str(root)).exit_code == 0
    result = _cli(runner, "migrate", "--to", pg_url, "-p", str(laptops[0]))
    assert result.exit_code == 0, result.stderr
    with walktool.open_project(laptops[0]) as one:
        n_one = one.store.count("observations")
        first = one.store.read("observations")
    assert f"observations {n_one:>16} rows" in " ".join(result.stdout.split("  ")) or str(n_one) in result.stdout
    # the archive holds exactly the laptop's project
    archive = open_store(pg_url)
    try:
        assert archive.count("observations") == n_one
        got = archive.read("observations")
        assert got.sort_values("obs_id").reset_index(drop=True).equals(first.sort_values("obs_id").reset_index(drop=True))
    finally:
        archive.close()
    # the second laptop merges in: its own submissions are added, the shared file is not doubled
    result = _cli(runner, "migrate", "--to", pg_url, "-p", str(laptops[1]), "--json")
    assert result.exit_code == 0, result.stderr
    tables = {t["table"]: t for t in json.loads(result.stdout)["tables"]}
    with walktool.open_project(laptops[1]) as two:
        n_two = two.store.count("observations")
        union = set(first["obs_id"]) | set(two.store.read("observations", columns=["obs_id"])["obs_id"])
    assert tables["observations"]["source"] == tables["observations"]["copied"] == n_two
    assert tables["observations"]["target"] == len(union) < n_one + n_two
    # and back to a GeoPackage: the same rows, summary equal
    back = tmp_path / "back"
    walktool.init_project(back, with_stations=False).close()
    (back / "walktool.gpkg").unlink()
    result = _cli(runner, "migrate", "--to", str(back / "walktool.gpkg"), "-p", str(laptops[0]), "--store", pg_url)
    assert result.exit_code == 0, result.stderr
    with walktool.open_project(back) as project:
        assert project.store.count("observations") == len(union)
    assert _summary(runner, back) == _summary(runner, laptops[0], "--store", pg_url)


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_the_summary_from_sql_aggregates_equals_the_row_by_row_summary(
    runner: CliRunner, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    import pandas as pd

    from walktool.analysis import SUMMARY_COLUMNS, load_observations, summarize

    root = tmp_path / "proj"
    extra = [] if backend == "gpkg" else ["--store", request.getfixturevalue("pg_url")]
    assert _cli(runner, *extra, "init", str(root)).exit_code == 0
    files = [str(f) for f in WALKS[:3]]
    assert _cli(runner, "import", *files, "--campaign", "2023", "-p", str(root), *extra).exit_code == 0
    walktool.project.use_store(extra[1] if extra else None)
    try:
        with walktool.open_project(root) as project:
            for by in ("station", "zone", "period", "principle"):
                for rules in (None, "current"):  # the imported scores, then re-scored by the current protocol
                    in_store = summarize(project, "2023", by, rules=rules).to_dict()
                    obs = load_observations(project, "2023", rules=rules, columns=SUMMARY_COLUMNS)
                    assert in_store == summarize(project, "2023", by, rules=rules, observations=obs).to_dict()
            assert in_store["network"]["observations"] == len(obs) > 1000
            assert any(not p["suppressed"] for p in in_store["profiles"])  # profiles shown, computed in SQL too
            # the station table alone (walktool.station_scores), for every campaign and all
            from walktool.analysis import scores
            from walktool.station_scores import station_scores

            for campaign in ("2023", None):
                rows = load_observations(project, campaign).dropna(subset=["station_id"])
                table = station_scores(project, campaign)
                assert table["observations"].sum() == len(rows)
                pd.testing.assert_frame_equal(table, scores(rows, project.protocol(), "station"), check_dtype=False)
            assert in_store["feeling_drivers"] and in_store["stations"][0]["hotspots"]
    finally:
        walktool.project.use_store(None)


def test_an_archive_of_an_older_schema_is_migrated_on_open(pg_url: str) -> None:
    from walktool.store.migrations import V4_COLUMNS

    store = open_store(pg_url, create=True)
    try:
        for table, names in V4_COLUMNS.items():  # an archive as schema version 3 made it
            for name in names:
                store._execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
        store.set_meta("schema_version", "3")
    finally:
        store.close()
    store = open_store(pg_url)
    try:
        assert store.schema_version == walktool.store.SCHEMA_VERSION
        assert store.count("recommendations", {"rules_hash": None}) == 0
        found = {r[0] for r in store._rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'imports'")}
        assert {"protocol", "rules_hash"} <= found
    finally:
        store.close()
    store._con = None
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("UPDATE walktool_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(walktool.errors.StoreError, match="upgrade walktool"):
        open_store(pg_url)
