"""The hostile-file corpus (tests/data/bad/): every file answered clearly, in bounded time and memory, nothing lost.

One subprocess (tests/_corpus_driver.py) runs walktool on every file, so that a
hang or a memory blow-up fails this test instead of the suite.  The figures the
issue asks for (files tried, tracebacks, "bug" messages, hangs, rows lost) are
printed and asserted.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BAD = Path(__file__).parent / "data" / "bad"
MEMORY_BOUND = 3 << 30  # peak resident memory of the process that read every file


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_bad", BAD / "make_bad.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_corpus_file_is_documented_in_one_line() -> None:
    corpus = _corpus_module()
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert readme == corpus.readme(), "run python tests/data/bad/make_bad.py"
    names = [c[0] for c in corpus.CORPUS]
    assert len(names) == len(set(names)) >= 60
    for name, _, _, _, large in corpus.CORPUS:
        assert readme.count(f"| `{name}` |") == 1
        assert large or (BAD / name).is_file(), f"{name}: run python tests/data/bad/make_bad.py"


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    corpus = _corpus_module()
    work = tmp_path_factory.mktemp("corpus")
    generated = corpus.write_corpus(work / "generated", large=True, small=False)
    todo = [[str(BAD / name), kind] for name, kind, _, _, large in corpus.CORPUS if not large]
    todo += [[str(path), kind] for path, kind, _ in generated]
    listing = work / "todo.json"
    listing.write_text(json.dumps(todo), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "_corpus_driver.py"), str(work), str(listing)],
        capture_output=True, text=True, timeout=3000, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert {r["file"] for r in runs} == {t[0] for t in todo}
    return runs


def _rows_lost(run: dict[str, Any]) -> int:
    if run["args"][0] != "import" or not run["stdout"].strip():
        return 0
    doc = json.loads(run["stdout"])
    return sum(abs(f["rows"] - f["accepted"] - f["rejected"]) for f in doc.get("files", []))


def test_corpus_answered_clearly(corpus_runs: list[dict[str, Any]]) -> None:
    files = {r["file"] for r in corpus_runs}
    tracebacks = [r for r in corpus_runs if r["crash"] or "Traceback" in r["stdout"] + r["stderr"]]
    bugs = [r for r in corpus_runs if "bug in walktool" in r["stdout"] + r["stderr"]]
    hangs = [r for r in corpus_runs if r["hang"]]
    lost = sum(_rows_lost(r) for r in corpus_runs)
    print(f"\ncorpus: {len(files)} files, {len(corpus_runs)} runs, tracebacks {len(tracebacks)}, bug messages {len(bugs)},"
          f" hangs {len(hangs)}, rows lost {lost}, peak memory {max(r['peak_bytes'] for r in corpus_runs) >> 20} MB")
    assert len(files) >= 60
    assert not tracebacks, [(r["file"], r["crash"]) for r in tracebacks]
    assert not bugs, [(r["file"], r["stderr"][-300:]) for r in bugs]
    assert not hangs, [r["file"] for r in hangs]
    assert lost == 0
    assert max(r["peak_bytes"] for r in corpus_runs) < MEMORY_BOUND


def test_every_failure_is_a_json_error_document(corpus_runs: list[dict[str, Any]]) -> None:
    for r in corpus_runs:
        assert r["exit"] in (0, 1), (r["file"], r["args"], r["exit"], r["stderr"][-300:])
        doc = json.loads(r["stdout"])  # --json: one JSON document on stdout, always
        if "error" in doc:
            assert r["exit"] == 1
            assert set(doc["error"]) == {"code", "message", "file"}
            assert doc["error"]["code"] != "internal" and doc["error"]["message"]
        if r["exit"] == 1 and r["args"][:2] != ["protocol", "validate"]:  # validate's report is its answer
            assert r["stderr"].strip(), (r["file"], r["args"])  # the message on stderr too
        if r["args"][0] == "import" and "files" in doc:
            for f in doc["files"]:
                if f.get("error"):
                    assert Path(f["path"]).name in f["error"] or "file name" in f["error"], f


def _runs(runs: list[dict[str, Any]], name: str, command: str = "import") -> list[dict[str, Any]]:
    found = [r for r in runs if Path(r["file"]).name == name and r["args"][0] == command]
    assert found, name
    return found


def test_damaged_stores_are_refused_never_recreated(corpus_runs: list[dict[str, Any]]) -> None:
    for name, code in [("store_empty.gpkg", "store-empty"), ("store_text.gpkg", "store-foreign"),
                       ("store_foreign_sqlite.gpkg", "store-foreign"), ("store_bit_flipped.gpkg", "store-damaged"),
                       ("store_truncated.gpkg", "store-damaged")]:
        for command in ("check", "summary", "import"):
            (r,) = _runs(corpus_runs, name, command)
            assert r["exit"] == 1, (name, command)
            error = json.loads(r["stdout"])["error"]
            assert error["code"] == code, (name, command, error)
    (r,) = _runs(corpus_runs, "store_bit_flipped.gpkg", "check")
    assert "walktool rebuild" in json.loads(r["stdout"])["error"]["message"]


def test_the_cases_of_the_issue(corpus_runs: list[dict[str, Any]]) -> None:
    def doc(name: str, command: str = "import") -> dict[str, Any]:
        return json.loads(_runs(corpus_runs, name, command)[0]["stdout"])

    # one bad date cell: one warning on that row, every row kept
    (f,) = doc("date_9999.csv")["files"]
    assert f["rows"] == 3 and f["accepted"] == 3
    # an unbalanced quote: refused naming its line, no row silently swallowed
    (f,) = doc("unbalanced_quote_end.csv")["files"]
    assert "line 2" in f["error"] and f["accepted"] == 0
    (f,) = doc("unbalanced_quote_mid.csv")["files"]
    assert "line 2" in f["error"]
    # nesting and long numbers: refused before parsing, naming the bound
    assert "nested more than" in doc("geojson_deep_10000.geojson")["files"][0]["error"]
    assert "digits" in doc("geojson_bignum.geojson")["files"][0]["error"]
    # a damaged workbook and a zip bomb workbook
    assert "damaged" in doc("xlsx_shared_string_past_table.xlsx")["files"][0]["error"]
    assert "unpacks to" in doc("xlsx_unpacks_to_600mb.xlsx")["files"][0]["error"]
    assert "unpacks to" in doc("odk_zip_bomb_csv.zip")["files"][0]["error"]
    # photos: one too large or too long is skipped with a warning, the others read
    codes = {i["code"] for i in doc("zip_bomb_photo.zip")["issues"]}
    assert "photo-too-large" in codes
    assert "photo-name-too-long" in {i["code"] for i in doc("zip_photo_name_300_bytes.zip")["issues"]}
    # encodings: said, and read right
    for name, encoding in [("mac_roman.csv", "mac-roman"), ("utf16_bom.txt", "utf-16"), ("utf16le_nobom.csv", "utf-16-le"),
                           ("utf16be_nobom.csv", "utf-16-be"), ("cp1252.csv", "cp1252")]:
        notes = [i for i in doc(name)["issues"] if i["code"] == "encoding-detected"]
        assert [n["value"] for n in notes] == [encoding], name
        assert doc(name)["files"][0]["accepted"] == 1, name
    # a header given twice: said, with the column used
    (dup,) = [i for i in doc("duplicate_station_header.csv")["issues"] if i["code"] == "duplicate-column"]
    assert "column A" in dup["message"] and "column E" in dup["message"]
    # protocols: refused quickly, and skipped where they lie
    for name in ("protocol_100000_items.yaml", "protocol_deep.yaml", "protocol_deep_indent.yaml"):
        report = doc(name, "protocol")
        assert report["valid"] is False and report["issues"][0]["code"] == "protocol-too-large"
