"""Benchmark: the Excel report of a campaign of 100,000 observations.

Usage: ``python benchmarks/report_bench.py [OBSERVATIONS] [--compare]`` (default 100,000).

Imports a synthetic KoboToolbox export (``benchmarks/import_bench.py``'s generator) big
enough to give the requested number of observations, then runs
``walktool.report.write_report`` in a fresh process and prints its wall time,
its peak resident memory and the workbook size.  ``--compare`` also writes the
same Observations rows into an ordinary (not write-only) openpyxl workbook, in
another fresh process, to show what streaming saves.  Figures are recorded in
the closing notes, never asserted by tests.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

_REPORT = """
import json, resource, sys, time
import walktool
from walktool.report import write_report
project = walktool.open_project(sys.argv[1])
t0 = time.perf_counter()
result = write_report(project)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, **result.to_dict()}))
"""

_IN_MEMORY = """
import json, resource, sys, time
import walktool
from openpyxl import Workbook
from walktool.analysis import load_observations
project = walktool.open_project(sys.argv[1])
obs = load_observations(project)
t0 = time.perf_counter()
wb = Workbook()
ws = wb.active
cols = [c for c in obs.columns if c not in ("participant", "walk_key")][:25]
ws.append(cols)
for row in obs[cols].itertuples(index=False):
    ws.append([None if v != v else v for v in row])
wb.save(sys.argv[2])
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, "rows": len(obs)}))
"""


def _fresh(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    doc: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return doc


def main() -> None:
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    wanted = int(argv[0]) if argv else 100_000
    sys.path.insert(0, str(HERE))
    from import_bench import write_kobo_csv

    import walktool
    from walktool.ingest import import_files

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = walktool.init_project(root / "bench")
        per_row = 23.6  # observations per Kobo submission (15 % of answers left blank)
        sheet = root / "kobo_export.csv"
        write_kobo_csv(sheet, math.ceil(wanted / per_row))
        t0 = time.perf_counter()
        import_files(project, [sheet], campaign="bench")
        n_obs = project.store.count("observations")
        print(f"setup: {n_obs:,} observations imported in {time.perf_counter() - t0:.1f} s")
        project.close()

        report = _fresh(_REPORT, str(root / "bench"))
        size = Path(str(report["path"])).stat().st_size / 1e6
        print(
            f"report: {report['seconds']:.1f} s, peak RSS {report['peak_mb']:.0f} MB, {size:.1f} MB workbook,"
            f" {report['stations']} station sheets, {report['recommendations']:,} recommendations,"
            f" {report['observations']:,} observation rows (write-only workbook)"
        )
        if "--compare" in sys.argv:
            plain = _fresh(_IN_MEMORY, str(root / "bench"), str(root / "in-memory.xlsx"))
            print(
                f"for comparison, the Observations rows alone in an ordinary (in-memory) workbook:"
                f" {plain['seconds']:.1f} s, peak RSS {plain['peak_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
