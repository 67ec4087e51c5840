"""Fault scenarios: four facilitators at once, a full disk, a read-only project, a damaged store, SIGTERM, campaigns."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.errors import StoreError
from walktool.ingest import import_files
from walktool.project import Project, open_project

DATA = Path(__file__).parent / "data"
BERRI = DATA / "demo" / "findings-berri.csv"
EN = DATA / "findings" / "walk_findings_en_bom.csv"
KOBO = DATA / "kobo" / "walktool_xml_groups.csv"
WALKTOOL = [sys.executable, "-m", "walktool"]


def _variant(folder: Path, n: int) -> Path:
    """A copy of the demo sheet whose comments differ (its rows are other observations)."""
    path = folder / f"walk{n}.csv"
    path.write_text(BERRI.read_text(encoding="utf-8").replace("Coin sombre", f"Coin sombre {n}"), encoding="utf-8")
    return path


def _json(result: object) -> dict:
    return json.loads(result.stdout)  # type: ignore[attr-defined]


# -- concurrency ---------------------------------------------------------------------------


def test_four_concurrent_imports_all_succeed(project: Project, tmp_path: Path) -> None:
    sheets = [_variant(tmp_path, n) for n in range(4)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "WALKTOOL_LANG": "en"}
    procs = [
        subprocess.Popen([*WALKTOOL, "import", "--json", "-p", str(project.root), str(s)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for s in sheets
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1][-500:] for o in outs]
    for out, err in outs:
        assert "bug" not in err and "locked" not in err
        doc = json.loads(out)
        assert doc["accepted"] == 5 and doc["rejected"] == 0
    assert sum("another import is running; waiting" in err for _, err in outs) >= 1
    with open_project(project.root, read_only=True) as proj:
        obs = proj.store.read("observations")
    assert len(obs) == 20
    assert sorted(obs["source_file"].unique()) == [s.name for s in sheets]


def test_a_busy_store_is_waited_for_and_said(project: Project, tmp_path: Path) -> None:
    """A writer holds the store for fifteen seconds: the import says it waits, then succeeds."""
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sqlite3, sys, time; con = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " con.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(15); con.execute('COMMIT')"
        ), str(project.store_path)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    done = subprocess.run([*WALKTOOL, "import", "--json", "-p", str(project.root), str(EN)], capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "WALKTOOL_LANG": "en"})
    holder.wait(timeout=60)
    assert done.returncode == 0, done.stderr
    assert "another import is running; waiting…" in done.stderr
    assert json.loads(done.stdout)["accepted"] == 3


# -- disk full -----------------------------------------------------------------------------


def test_a_full_disk_leaves_no_partial_copy_and_names_the_disk(runner: CliRunner, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import walktool.ingest.files as files

    def full(src: object, dst: object, *args: object, **kwargs: object) -> None:
        Path(str(dst)).write_bytes(b"partial")  # half a copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.shutil, "copy2", full)
    result = runner.invoke(app, ["import", "--json", "-p", str(project.root), str(BERRI)])
    assert result.exit_code == 1
    error = _json(result)["error"]
    assert error["code"] == "disk-full"
    assert "the disk is full" in error["message"] and str(project.walks_dir) in error["message"]
    assert "bug" not in result.stderr
    kept = [p for p in project.walks_dir.rglob("*") if p.is_file()]
    assert kept == []  # no partial copy, no ledger line
    assert not list(project.root.glob(".walktool-tmp-*"))
    monkeypatch.undo()
    with open_project(project.root) as proj:
        assert proj.store.count("observations") == 0 and proj.store.count("imports") == 0
    # the next commands work: nothing half-done is left in the store
    again = runner.invoke(app, ["import", "--json", "-p", str(project.root), str(BERRI)])
    assert again.exit_code == 0, again.stderr
    report = runner.invoke(app, ["report", "--json", "-p", str(project.root)])
    assert report.exit_code == 0, report.stderr


def test_a_full_disk_while_committing_rolls_back_and_says_so(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from adbc_driver_manager import AdbcStatusCode, dbapi

    store = project.store
    real = store._execute

    def execute(sql: str, params: tuple = ()) -> object:
        if sql == "COMMIT":
            raise dbapi.OperationalError("database or disk is full", status_code=AdbcStatusCode.IO)
        return real(sql, params)

    monkeypatch.setattr(store, "_execute", execute)
    with pytest.raises(StoreError) as info:
        import_files(project, [BERRI])
    assert info.value.code == "disk-full"
    monkeypatch.undo()
    assert store.count("observations") == 0
    assert import_files(project, [BERRI]).accepted == 5


# -- read-only project -----------------------------------------------------------------------


@pytest.fixture
def read_only_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every store connection opened as SQLite's mode=ro, as in a read-only folder (tests run as root: chmod cannot)."""
    import walktool.store.gpkg as gpkg

    real = gpkg.connect
    monkeypatch.setattr(gpkg, "connect", lambda path, read_only=False: real(path, read_only=True))


def test_reading_commands_work_in_a_read_only_project(runner: CliRunner, project: Project, read_only_store: None, tmp_path: Path) -> None:
    # filled before it became read-only
    project.close()
    import walktool.store.gpkg as gpkg

    root = str(project.root)
    for command in (["summary", "--json"], ["recommend", "--json"], ["check", "--json"], ["agreement", "--json"]):
        result = runner.invoke(app, [*command, "-p", root])
        assert "readonly" not in result.stdout + result.stderr, command
        assert "bug" not in result.stderr, (command, result.stderr)
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "--json", "-p", root, "--out", str(out)])
    assert "readonly" not in result.stderr and "bug" not in result.stderr, result.stderr
    importing = runner.invoke(app, ["import", "--json", "-p", root, str(EN)])
    assert importing.exit_code == 1
    assert _json(importing)["error"]["code"] == "read-only"
    assert gpkg.connect is not None


@pytest.fixture
def filled(project: Project) -> Project:
    import_files(project, [BERRI, EN])
    project.close()
    return project


def test_recommend_and_report_read_a_read_only_store(runner: CliRunner, filled: Project, read_only_store: None, tmp_path: Path) -> None:
    root = str(filled.root)
    rec = runner.invoke(app, ["recommend", "--json", "-p", root])
    assert rec.exit_code == 0, rec.stderr
    assert _json(rec)["recommendations"]
    rep = runner.invoke(app, ["report", "--json", "-p", root, "--out", str(tmp_path / "r.xlsx")])
    assert rep.exit_code == 0, rep.stderr
    assert (tmp_path / "r.xlsx").is_file()


# -- damaged store, rebuild ------------------------------------------------------------------


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for page in range(pages // 3, pages // 3 + 6):
        for k in range(0, 4096, 97):
            data[page * 4096 + k] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_caught_and_rebuilt_from_walks(runner: CliRunner, filled: Project) -> None:
    root = str(filled.root)
    before = _json(runner.invoke(app, ["summary", "--json", "-p", root]))
    kobo = runner.invoke(app, ["import", "--json", "--campaign", "autumn", "-p", root, str(KOBO)])
    assert kobo.exit_code == 0
    with open_project(root, read_only=True) as proj:
        campaigns = proj.store.read("observations")[["source_file", "campaign"]].drop_duplicates().sort_values("source_file").to_numpy().tolist()
    _flip(filled.store_path)
    for command in ("check", "summary", "import"):
        args = [command, "--json", "-p", root] + ([str(EN)] if command == "import" else [])
        result = runner.invoke(app, args)
        assert result.exit_code == 1, command
        error = _json(result)["error"]
        assert error["code"] == "store-damaged"
        assert "restore walktool.gpkg from a backup, or rebuild it with `walktool rebuild` from walks/" in error["message"]
    rebuilt = runner.invoke(app, ["rebuild", "--json", "-p", root])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    doc = _json(rebuilt)
    assert Path(doc["moved_to"]).is_file()  # the damaged store is kept aside
    assert doc["accepted"] == 5 + 3 + 3 and doc["rejected"] == 0
    with open_project(root, read_only=True) as proj:
        again = proj.store.read("observations")[["source_file", "campaign"]].drop_duplicates().sort_values("source_file").to_numpy().tolist()
    assert again == campaigns  # each file back in its campaign
    after = _json(runner.invoke(app, ["summary", "--json", "-p", root, "--campaign", "default"]))
    assert [s["observations"] for s in after["stations"]] == [s["observations"] for s in before["stations"]]
    assert runner.invoke(app, ["check", "--json", "-p", root]).exit_code == 0


def test_an_empty_store_is_never_recreated(runner: CliRunner, project: Project) -> None:
    project.close()
    project.store_path.write_bytes(b"")
    for args in (["import", "--json", "-p", str(project.root), str(BERRI)], ["summary", "--json", "-p", str(project.root)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert _json(result)["error"]["code"] == "store-empty"
    with pytest.raises(StoreError, match="0-byte"):
        walktool.init_project(project.root)
    assert project.store_path.stat().st_size == 0


# -- temporary files, SIGTERM -----------------------------------------------------------------


def _photo_zip(path: Path, count: int, size: int) -> Path:
    photo = (DATA / "photos" / "photo_with_gps_exif.jpg").read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"walk/p{i:03}.jpg", photo + os.urandom(size))
    return path


def test_sigterm_during_an_import_leaves_no_temporary_files(project: Project, tmp_path: Path) -> None:
    archive = _photo_zip(tmp_path / "photos.zip", 60, 4 << 20)
    proc = subprocess.Popen([*WALKTOOL, "import", "-p", str(project.root), str(archive)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(project.root.glob(".walktool-tmp-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the import ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not list(project.root.glob(".walktool-tmp-*"))
    with open_project(project.root) as proj:
        assert proj.store.count("observations") == 0  # rolled back


def test_the_scratch_folder_goes_whatever_happens(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import walktool.ingest.run as run

    archive = _photo_zip(tmp_path / "photos.zip", 3, 1000)

    def boom(self: object, *args: object, **kwargs: object) -> None:
        assert list(project.root.glob(".walktool-tmp-*/walktool-photos-*"))  # extracted under the project
        raise KeyboardInterrupt

    monkeypatch.setattr(run.ImportRun, "file", boom)
    with pytest.raises(KeyboardInterrupt):
        import_files(project, [archive])
    assert not list(project.root.glob(".walktool-tmp-*"))


def test_scratch_folders_of_killed_imports_are_swept(project: Project, tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    left = project.root / f".walktool-tmp-{dead.stdout.strip()}-abcd"
    (left / "walktool-photos-x").mkdir(parents=True)
    (left / "walktool-photos-x" / "big.jpg").write_bytes(b"x" * 1000)
    import_files(project, [EN])
    assert not left.exists()


def test_a_zip_unpacking_past_the_total_bound_is_refused(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import walktool.limits as limits

    archive = _photo_zip(tmp_path / "twelve.zip", 12, 200_000)
    monkeypatch.setattr(limits, "MAX_ZIP_BYTES", 1_000_000)
    monkeypatch.setattr(limits.check_zip, "__kwdefaults__", {"limit": 1_000_000})
    result = import_files(project, [archive])
    (f,) = result.files
    assert f.error and "unpacks to" in f.error and "several zips" in f.error
    assert f.rows == f.accepted + f.rejected == 0
    assert not list(project.root.glob(".walktool-tmp-*"))


# -- campaigns -----------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", [BERRI, KOBO], ids=["findings-table", "kobo-csv"])
def test_importing_again_under_another_campaign_is_refused(runner: CliRunner, project: Project, sheet: Path) -> None:
    root = str(project.root)
    first = runner.invoke(app, ["import", "--json", "--campaign", "autumn", "-p", root, str(sheet)])
    assert first.exit_code == 0
    accepted = _json(first)["accepted"]
    moved = runner.invoke(app, ["import", "--json", "--campaign", "spring", "-p", root, str(sheet)])
    assert moved.exit_code == 1
    error = _json(moved)["error"]
    assert error["code"] == "campaign-move" and "'autumn'" in error["message"] and "--move-campaign" in error["message"]
    with open_project(root, read_only=True) as proj:
        assert set(proj.store.read("observations")["campaign"]) == {"autumn"}
    same = runner.invoke(app, ["import", "--json", "--campaign", "autumn", "-p", root, str(sheet)])
    assert same.exit_code == 0
    on_purpose = runner.invoke(app, ["import", "--json", "--campaign", "spring", "--move-campaign", "-p", root, str(sheet)])
    assert on_purpose.exit_code == 0 and _json(on_purpose)["accepted"] == accepted
    with open_project(root, read_only=True) as proj:
        assert set(proj.store.read("observations")["campaign"]) == {"spring"}


# -- the error document ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [["summary"], ["recommend"], ["check"], ["import", str(EN)], ["agreement"], ["compare", "--before", "a", "--after", "b"]])
def test_every_json_failure_is_an_error_document(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--json", "-p", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    doc = _json(result)
    assert set(doc) == {"error"} and set(doc["error"]) == {"code", "message", "file"}
    assert doc["error"]["code"] == "project" and "walktool init" in doc["error"]["message"]
    assert "Error:" in result.stderr


def test_a_non_utf8_file_name_is_refused_by_name(runner: CliRunner, project: Project, tmp_path: Path) -> None:
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.csv"))
    shutil.copy(EN, odd)
    result = runner.invoke(app, ["import", "--json", "-p", str(project.root), str(odd), str(EN)])
    assert result.exit_code == 1
    doc = _json(result)
    bad, good = doc["files"]
    assert "file name is not valid text" in bad["error"] and bad["rows"] == 0
    assert good["accepted"] == 3
    assert "bug" not in result.stderr
