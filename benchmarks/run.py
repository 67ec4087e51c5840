"""Benchmark: import a large KoboToolbox CSV export of the walktool form.

Usage: ``python benchmarks/run.py [ROWS]`` (default 20,000).  Prints the rows per
second and the peak resident memory of the import, measured in a fresh process.
Figures are recorded in the closing notes, never asserted by tests.
"""

from __future__ import annotations

import random
import resource
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
    lines = [";".join(f'"{h}"' for h in header)]
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
        lines.append(";".join(f'"{c}"' for c in cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    import walktool
    from walktool.ingest import import_files

    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "kobo_export.csv"
        write_kobo_csv(sheet, rows)
        project = walktool.init_project(Path(tmp) / "bench")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        result = import_files(project, [sheet])
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n_obs = project.store.count("observations")
        print(f"rows={rows} accepted={result.accepted} rejected={result.rejected} observations={n_obs}")
        print(f"import: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), file {sheet.stat().st_size / 1e6:.1f} MB")
        print(f"peak RSS: {peak / 1024:.0f} MB (before import {before / 1024:.0f} MB)")
        project.close()


if __name__ == "__main__":
    main()
