"""Benchmark: every command at archive scale, against the hand-written baseline, in one run.

Usage::

    python benchmarks/run.py                    # 5,000 / 20,000 / 50,000 stop audits (make bench)
    python benchmarks/run.py --large            # and 200,000 (5.2 M answers)
    python benchmarks/run.py 5000 --no-write    # one size, print only
    python benchmarks/run.py --sizes=5000,20000 --commands=summary,recommend --no-write
                                                # part of it (import and the baseline always run)

For each size N the yardstick's generator (../shared/bench/baseline.py) writes a Kobo CSV
of N stop audits (26 scored answers each, plus feeling and comment); then, each in a fresh
process whose wall time and peak resident memory (``wait4``) are taken:

* the baseline (pandas/geopandas by hand: read, melt, nearest station, means, Excel);
* ``walktool import`` of the file into a new project, then ``summary``, ``recommend``,
  ``export --format parquet``, ``report`` and ``map`` on that store;
* ``compare``: the same file imported as two campaigns (its two halves), then compared;
* ``walktool --help``.

Ratios are walktool / baseline on the same file in the same run (absolute times on a
shared machine are noise).  The table is written to benchmarks/README.md with the
machine and its load average.  Figures are never asserted by tests.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = ROOT.parent / "shared" / "bench" / "baseline.py"
if not BASELINE.exists():  # a worktree next to the shared folder
    BASELINE = Path("/work/shared/bench/baseline.py")
SIZES = (5_000, 20_000, 50_000)
LARGE = 200_000
ANSWERS_PER_AUDIT = 26  # scored items per stop audit (feeling and alone-at-night come on top)

# command, target (ratio to the baseline, or seconds), and how it is shown
TARGETS: dict[str, tuple[str, float]] = {
    "import": ("ratio", 2.0),
    "summary": ("ratio", 0.5),
    "recommend": ("ratio", 1.0),
    "compare": ("ratio", 1.0),
    "export parquet": ("ratio", 1.0),
    "report": ("seconds", 30.0),
    "map": ("seconds", 10.0),
    "--help": ("seconds", 0.3),
}
MEMORY_MIB = 1024
SLOW_LIMIT = 60.0  # seconds: report and map are stopped past this (twice the report target), to keep the run short
COMMANDS = set(TARGETS)  # --commands=summary,map: measure only these (with the baseline and the import they need)
for _arg in sys.argv[1:]:
    if _arg.startswith("--limit="):  # a loaded machine: python benchmarks/run.py --limit=600
        SLOW_LIMIT = float(_arg.split("=", 1)[1])
    elif _arg.startswith("--commands="):
        COMMANDS = {c.strip() for c in _arg.split("=", 1)[1].split(",") if c.strip()} | {"import"}
        unknown = COMMANDS - set(TARGETS)
        if unknown:
            sys.exit(f"unknown command(s) {', '.join(sorted(unknown))}; choose among {', '.join(TARGETS)}")


@dataclass
class Run:
    """One measured process."""

    seconds: float
    peak_mib: float
    ok: bool = True
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the process (what a loaded machine does not inflate as much)


@dataclass
class Size:
    """The figures of one size."""

    audits: int
    runs: dict[str, Run] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # load average (1 min) when the size started and ended


def measure(cmd: list[str], cwd: Path, *, limit: float | None = None) -> Run:
    """Run ``cmd``; its wall time and its own peak RSS (``wait4``, not the harness's).

    A command still running after ``limit`` seconds is stopped and recorded as such.
    """
    import signal
    import threading

    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err, open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=null, stderr=err)
        timer = threading.Timer(limit, lambda: os.kill(proc.pid, signal.SIGKILL)) if limit else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if limit and seconds >= limit and proc.returncode != 0:
        return Run(seconds, peak, False, f"stopped after {limit:.0f} s", cpu)
    return Run(seconds, peak, proc.returncode == 0, "" if proc.returncode == 0 else (lines[-1][:200] if lines else "failed"), cpu)


def split_halves(src: Path, first: Path, second: Path) -> None:
    """The CSV's header and first half of its rows, and the header and the second half."""
    lines = src.read_bytes().split(b"\r\n")
    header, rows = lines[0], [r for r in lines[1:] if r]
    half = len(rows) // 2
    first.write_bytes(b"\r\n".join([header, *rows[:half]]) + b"\r\n")
    second.write_bytes(b"\r\n".join([header, *rows[half:]]) + b"\r\n")


def bench_size(n: int, work: Path, walktool: list[str]) -> Size:
    """Every measured command at ``n`` stop audits."""
    py = sys.executable
    size = Size(n)
    start_load = os.getloadavg()[0]
    sheet = work / f"audits-{n}.csv"
    subprocess.run([py, str(BASELINE), "generate", str(n), str(sheet)], check=True)
    size.runs["baseline"] = measure([py, str(BASELINE), "run", str(sheet), str(work / "baseline.xlsx")], work)
    project = work / f"project-{n}"
    subprocess.run([*walktool, "init", str(project)], check=True, capture_output=True)
    size.runs["import"] = measure([*walktool, "import", str(sheet), "--json"], project)
    steps = [
        ("summary", [*walktool, "summary", "--json"], None),
        ("recommend", [*walktool, "recommend", "--json"], None),
        ("export parquet", [*walktool, "export", "--format", "parquet", "--out", "reports/obs.parquet"], None),
        ("report", [*walktool, "report", "--out", "reports/report.xlsx"], SLOW_LIMIT),
        ("map", [*walktool, "map", "--out", "reports/map.html"], SLOW_LIMIT),
    ]
    for name, cmd, limit in steps:
        if name in COMMANDS:
            size.runs[name] = measure(cmd, project, limit=limit)
    shutil.rmtree(project, ignore_errors=True)
    first, second = work / "first.csv", work / "second.csv"
    if "compare" in COMMANDS:  # the same audits as two campaigns of half the file each
        two = work / f"two-{n}"
        subprocess.run([*walktool, "init", str(two)], check=True, capture_output=True)
        split_halves(sheet, first, second)
        subprocess.run([*walktool, "import", str(first), "--campaign", "before"], cwd=two, check=True, capture_output=True)
        subprocess.run([*walktool, "import", str(second), "--campaign", "after"], cwd=two, check=True, capture_output=True)
        size.runs["compare"] = measure([*walktool, "compare", "--before", "before", "--after", "after", "--json"], two)
        shutil.rmtree(two, ignore_errors=True)
    if "--help" in COMMANDS:
        helps = [measure([*walktool, "--help"], work) for _ in range(3)]
        size.runs["--help"] = sorted(helps, key=lambda r: r.seconds)[len(helps) // 2]
    for p in (sheet, first, second):
        p.unlink(missing_ok=True)
    size.load = (start_load, os.getloadavg()[0])
    return size


def _measured(sizes: list[Size]) -> list[str]:
    """The baseline and the commands measured at every size, in the tables' order."""
    return [n for n in ("baseline", *TARGETS) if all(n in s.runs for s in sizes)]


def verdict(name: str, run: Run, base: Run) -> str:
    kind, limit = TARGETS[name]
    if not run.ok:
        return "failed"
    value = run.seconds / base.seconds if kind == "ratio" else run.seconds
    ok = value <= limit and run.peak_mib <= MEMORY_MIB
    return "met" if ok else "not met"


def per_audit(run: Run, n: int) -> str:
    return f" {1000 * run.seconds / n:.3f} |" if run.ok else " (stopped) |"


def table(sizes: list[Size]) -> str:
    """The markdown table: wall time, peak memory and ratio per command and size."""
    head = "| command | target |" + "".join(f" {s.audits // 1000} k: s | MiB | × baseline |" for s in sizes)
    head += " at the largest size |"
    rule = "|---|---|" + "---:|---:|---:|" * len(sizes) + "---|"
    lines = [head, rule]
    for name in _measured(sizes):
        kind, limit = TARGETS.get(name, ("", 0.0))
        target = "" if not kind else (f"≤ {limit:g}× baseline" if kind == "ratio" else f"≤ {limit:g} s")
        cells = []
        for s in sizes:
            run, base = s.runs[name], s.runs["baseline"]
            ratio = run.seconds / base.seconds
            if run.ok:
                cells.append(f" {run.seconds:.2f} | {run.peak_mib:.0f} | {ratio:.2f} |")
            elif run.note.startswith("stopped"):
                cells.append(f" > {run.seconds:.0f} (stopped) | {run.peak_mib:.0f} | > {ratio:.1f} |")
            else:
                cells.append(" failed | | |")
        last = sizes[-1]
        status = verdict(name, last.runs[name], last.runs["baseline"]) if kind else ""
        lines.append(f"| {name} | {target} |{''.join(cells)} {status} |")
    return "\n".join(lines)


def linearity(sizes: list[Size]) -> str:
    """Seconds per 1,000 stop audits at each size: flat means linear."""
    if len(sizes) < 2:
        return ""
    head = "| command |" + "".join(f" {s.audits // 1000} k |" for s in sizes)
    lines = [head, "|---|" + "---:|" * len(sizes)]
    for name in [m for m in _measured(sizes) if m != "--help"]:
        lines.append(f"| {name} |" + "".join(per_audit(s.runs[name], s.audits) for s in sizes))
    return "\n".join(lines)


def cpu_table(sizes: list[Size]) -> str:
    """CPU seconds (user + system) per command and size, and their ratio to the baseline's.

    On a machine shared with other work, wall time stretches with the load while CPU time
    mostly does not: this is the fairer comparison when the load average is well above the
    number of cores.  Targets in seconds (report, map, --help) are judged on wall time.
    """
    head = "| command | target |" + "".join(f" {s.audits // 1000} k: CPU s | × baseline |" for s in sizes) + " at the largest size (CPU) |"
    rule = "|---|---|" + "---:|---:|" * len(sizes) + "---|"
    lines = [head, rule]
    for name in _measured(sizes):
        kind, limit = TARGETS.get(name, ("", 0.0))
        target = "" if not kind else (f"≤ {limit:g}× baseline" if kind == "ratio" else f"≤ {limit:g} s")
        cells = []
        for s in sizes:
            run, base = s.runs[name], s.runs["baseline"]
            ratio = run.cpu / base.cpu if base.cpu else float("nan")
            prefix = "> " if not run.ok else ""
            cells.append(f" {prefix}{run.cpu:.2f} | {prefix}{ratio:.2f} |")
        last = sizes[-1]
        status = ""
        if kind == "ratio":
            run, base = last.runs[name], last.runs["baseline"]
            ok = run.ok and run.cpu / base.cpu <= limit and run.peak_mib <= MEMORY_MIB
            status = "met" if ok else "not met"
        lines.append(f"| {name} | {target} |{''.join(cells)} {status} |")
    return "\n".join(lines)


def machine() -> str:
    """The machine, as the README describes it."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB of memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, shared with other work; Python {platform.python_version()}"


def write_readme(sizes: list[Size], path: Path, load: tuple[float, float]) -> None:
    text = README.format(
        machine=machine(),
        load_before=f"{load[0]:.2f}",
        load_after=f"{load[1]:.2f}",
        date=time.strftime("%Y-%m-%d"),
        table=table(sizes),
        cpu=cpu_table(sizes),
        loads=", ".join(f"{s.audits // 1000} k {s.load[0]:.1f} → {s.load[1]:.1f}" for s in sizes),
        linear=linearity(sizes),
        notes=NOTES,
        sizes=", ".join(f"{s.audits:,} ({s.audits * ANSWERS_PER_AUDIT / 1e6:.2f} M answers)" for s in sizes),
    )
    path.write_text(text, encoding="utf-8")


NOTES = (HERE / "NOTES.md").read_text(encoding="utf-8") if (HERE / "NOTES.md").exists() else ""
NOTES += ("\n" + (HERE / "POSTGIS.md").read_text(encoding="utf-8")) if (HERE / "POSTGIS.md").exists() else ""

README = """# Benchmarks

`make bench` (= `python benchmarks/run.py`) measures every command at archive scale against the
yardstick, ../shared/bench/baseline.py: a careful analyst's pandas/geopandas script (read the Kobo
CSV, melt, nearest-station join, station × principle means, write them to Excel).  Each figure is
one fresh process: wall time, and its own peak resident memory.  Ratios are walktool / baseline on
the same file in the same run; the baseline stores nothing and checks nothing.
`python benchmarks/run.py --large` adds 200,000 stop audits.

Sizes (stop audits): {sizes}.  `compare` compares the file's two halves imported as two
campaigns; every other command reads the store holding the whole file.

Machine: {machine}.  Load average (1 min) {load_before} before the run, {load_after} after it
(other engineers' tests share the machine); at each size's start and end: {loads}.  Measured {date}.

{table}

Targets (at the largest size): import ≤ 2× the baseline; summary ≤ 0.5×; recommend, compare and
export parquet ≤ 1×; report ≤ 30 s; map ≤ 10 s; peak memory ≤ 1 GiB each; `walktool --help`
≤ 0.3 s.  "met" means both the time and the memory target.

CPU time (user + system seconds of each process) and its ratio to the baseline's: with the load
average above the machine's cores, wall time stretches with the other work while CPU time mostly
does not, so this is the fairer of the two ratios on a shared machine:

{cpu}

Seconds per 1,000 stop audits (flat = linear cost):

{linear}

{notes}
Other benchmarks: `benchmarks/import_bench.py` (the import alone, memory growth),
`benchmarks/map_bench.py` (the map in headless Chromium: time to draw, JS heap),
`benchmarks/report_bench.py` (the workbook, streaming vs in-memory).
"""


def save(results: list[Size], path: Path, load: tuple[float, float]) -> None:
    """The measured figures as JSON (``--from=PATH`` writes the README again from them, e.g. after editing NOTES.md)."""
    import json
    from dataclasses import asdict

    path.write_text(json.dumps({"load": load, "sizes": [asdict(s) for s in results]}, indent=1), encoding="utf-8")


def load_saved(path: Path) -> tuple[list[Size], tuple[float, float]]:
    """The figures :func:`save` wrote."""
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    sizes = [Size(s["audits"], {k: Run(**r) for k, r in s["runs"].items()}, tuple(s["load"])) for s in doc["sizes"]]
    return sizes, tuple(doc["load"])  # type: ignore[return-value]


def main() -> None:
    for arg in sys.argv[1:]:
        if arg.startswith("--from="):  # python benchmarks/run.py --from=benchmarks/results.json
            saved, load = load_saved(Path(arg.split("=", 1)[1]))
            write_readme(saved, HERE / "README.md", load)
            print(f"written {HERE / 'README.md'} from {arg.split('=', 1)[1]}")
            return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    for arg in sys.argv[1:]:
        if arg.startswith("--sizes="):  # --sizes=5000,20000
            args += [a.strip().replace("_", "") for a in arg.split("=", 1)[1].split(",") if a.strip()]
    sizes = [int(a) for a in args] or [*SIZES, *([LARGE] if "--large" in sys.argv else [])]
    exe = shutil.which("walktool", path=str(Path(sys.executable).parent)) or "walktool"
    walktool = [exe]
    load_before = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="walktool-bench-") as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            size = bench_size(n, Path(tmp), walktool)
            results.append(size)
            print(f"{n:,} stop audits ({time.perf_counter() - t0:.0f} s):", flush=True)
            for name, run in size.runs.items():
                print(f"  {name:15s} {run.seconds:7.2f} s {run.cpu:7.2f} CPU s {run.peak_mib:7.0f} MiB" + (f"  FAILED {run.note}" if not run.ok else ""), flush=True)
    load_after = os.getloadavg()[0]
    print(table(results))
    print(cpu_table(results))
    if "--no-write" not in sys.argv:
        save(results, HERE / "results.json", (load_before, load_after))
        write_readme(results, HERE / "README.md", (load_before, load_after))
        print(f"written {HERE / 'README.md'}")


if __name__ == "__main__":
    main()
