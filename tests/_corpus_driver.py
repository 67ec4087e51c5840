"""Run walktool on each hostile file in this one process: ``python tests/_corpus_driver.py WORK LIST.json``.

For each ``[path, kind]`` of the list it prints one JSON line per command run: the
exit code, stdout, stderr, seconds taken, whether the 120 s guard stopped it, and
the process's peak memory so far.  Used by tests/test_hostile_corpus.py in a
subprocess, so that a hang or a memory blow-up is a failed test, not a stuck suite.
"""

from __future__ import annotations

import json
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

GUARD_S = 120
GOOD = Path(__file__).parent / "data" / "findings" / "walk_findings_en_bom.csv"


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def _commands(work: Path, shared: Path, n: int, path: str, kind: str) -> list[list[str]]:
    import walktool

    if kind == "import":
        return [["import", "--json", "-p", str(shared), path]]
    if kind == "protocol":
        # the same file lying in protocols/ must not slow every command down
        guest = work / f"guest{n}"
        walktool.init_project(guest).close()
        shutil.copy(path, guest / "protocols" / Path(path).name)
        return [["protocol", "validate", "--json", path], ["protocol", "list", "--json", "-p", str(guest)],
                ["import", "--json", "--dry-run", "-p", str(guest), str(GOOD)]]
    damaged = work / f"store{n}"
    walktool.init_project(damaged).close()
    shutil.copy(path, damaged / "walktool.gpkg")
    return [["check", "--json", "-p", str(damaged)], ["summary", "--json", "-p", str(damaged)],
            ["import", "--json", "-p", str(damaged), str(GOOD)]]


def main() -> None:
    from typer.testing import CliRunner

    import walktool
    from walktool.cli import app

    work = Path(sys.argv[1])
    todo = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    runner = CliRunner()
    signal.signal(signal.SIGALRM, _alarm)
    shared = work / "project"
    walktool.init_project(shared).close()
    for n, (path, kind) in enumerate(todo):
        for args in _commands(work, shared, n, path, kind):
            start = time.monotonic()
            hang, crash = False, None
            signal.alarm(GUARD_S)
            try:
                result = runner.invoke(app, args)
                code, out, err = result.exit_code, result.stdout, result.stderr
                exc = result.exception
                crash = None if exc is None or isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}"
            except Hang:
                hang, code, out, err = True, None, "", ""
            finally:
                signal.alarm(0)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            print(json.dumps({"file": path, "kind": kind, "args": args[:2], "exit": code, "stdout": out, "stderr": err,
                              "crash": crash, "seconds": time.monotonic() - start, "hang": hang, "peak_bytes": peak}), flush=True)


if __name__ == "__main__":
    main()
