"""Benchmark: import a large KoboToolbox CSV export of the walktool form.

Usage: ``python benchmarks/import_bench.py [ROWS] [--dry-run]`` (default 20,000 rows).

The export is written first; the import then runs in a fresh Python process, so
that the memory figures are the import's own: the resident memory before the
import (walktool and its libraries loaded), the peak during it, and the growth.
Prints the time, the rows per second and those memory figures.  Figures are
recorded in the closing notes of the work, never asserted by tests.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def write_kobo_csv(path: Path, rows: int, seed: int = 7) -> None:
    """Write a Kobo XML-values CSV (``;``, every field quoted, CRLF) of the walktool form."""
    import walktool
    from walktool.protocol import default_protocol_path, load_protocol

    rng = random.Random(seed)
    protocol = load_protocol(default_protocol_path())
    stations = walktool.builtin_stations().stations
    items = [i for i in protocol.items if i.answer.kind != "text"]
    zones = [c.value for c in protocol.zones.choices]
    header = ["start", "end", "today", "deviceid", "walk/station", "walk/zone", "walk/observer", "location",
              "walk/_location_latitude", "walk/_location_longitude", "walk/_location_altitude", "walk/_location_precision"]
    header += [f"{i.principle}/{i.key}" for i in items]
    header += ["comment", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
               "_submitted_by", "__version__", "_tags", "_index"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(f'"{h}"' for h in header) + "\r\n")
        for n in range(rows):
            st = stations.iloc[rng.randrange(len(stations))]
            lat, lon = st["lat"] + rng.uniform(-0.0005, 0.0005), st["lon"] + rng.uniform(-0.0005, 0.0005)
            answers = []
            for it in items:
                if rng.random() < 0.15:
                    answers.append("")
                elif it.answer.choices:
                    answers.append(rng.choice(it.answer.choices).value)
                else:
                    answers.append(str(rng.randrange(0, 6) if it.answer.kind == "count" else rng.randrange(5, 400)))
            day = 1 + n % 28
            cells = [f"2023-11-{day:02d}T19:{n % 60:02d}:00.000-05:00", f"2023-11-{day:02d}T19:{n % 60:02d}:30.000-05:00",
                     f"2023-11-{day:02d}", f"collect:dev{n % 40}", st["name"], rng.choice(zones), f"Participant {n % 300}",
                     f"{lat:.6f} {lon:.6f} 30 8", f"{lat:.6f}", f"{lon:.6f}", "30", "8", *answers, "",
                     str(n + 1), str(uuid.UUID(int=rng.getrandbits(128))), f"2023-11-{day:02d}T23:00:00", "", "",
                     "submitted_via_web", "", "v1", "", str(n + 1)]
            out.write(";".join(f'"{c}"' for c in cells) + "\r\n")


def _rss_mb() -> float:
    """Current resident memory in MB (Linux), else the peak so far."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_mb()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def child(sheet: Path, project_dir: Path, dry_run: bool) -> None:
    """Import ``sheet`` into a new project; print one JSON line of figures."""
    import walktool
    from walktool.ingest import import_files

    project = walktool.init_project(project_dir)
    project.protocol()
    import pandas  # noqa: F401  (loaded before measuring: the baseline includes the libraries)

    steps: list[str] = []

    def progress(step: str, done: int, total: int) -> None:
        steps.append(step)

    before = _rss_mb()
    t0 = time.perf_counter()
    result = import_files(project, [sheet], dry_run=dry_run, progress=progress)
    elapsed = time.perf_counter() - t0
    peak = _peak_mb()
    figures = {
        "accepted": result.accepted,
        "rejected": result.rejected,
        "observations": project.store.count("observations"),
        "seconds": elapsed,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "progress_updates": len(steps),
    }
    project.close()
    print(json.dumps(figures))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--child" in sys.argv:
        child(Path(args[0]), Path(args[1]), "--dry-run" in sys.argv)
        return
    rows = int(args[0]) if args else 20_000
    dry_run = "--dry-run" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "kobo_export.csv"
        write_kobo_csv(sheet, rows)
        size_mb = sheet.stat().st_size / 1e6
        cmd = [sys.executable, __file__, "--child", str(sheet), str(Path(tmp) / "bench"), *(["--dry-run"] if dry_run else [])]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        fig = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = fig["seconds"]
    print(f"rows={rows} accepted={fig['accepted']} rejected={fig['rejected']} observations stored={fig['observations']}"
          f"{' (dry run)' if dry_run else ''}")
    print(f"import: {seconds:.1f} s ({rows / seconds:,.0f} rows/s), file {size_mb:.1f} MB,"
          f" {fig['progress_updates']} progress updates")
    print(f"RSS: before import {fig['rss_before_mb']:.0f} MB, peak {fig['rss_peak_mb']:.0f} MB"
          f" (+{fig['rss_peak_mb'] - fig['rss_before_mb']:.0f} MB for the import)")


if __name__ == "__main__":
    main()
