"""Benchmark: the walk map at scale, and the screenshot of the demo map in docs/.

Usage::

    python benchmarks/map_bench.py [FINDINGS]          # default 100,000 findings
    python benchmarks/map_bench.py --screenshot docs/map.png     # and docs/map-phone.png

The benchmark writes a project whose store holds FINDINGS findings spread over the 68
STM stations (30 % with a GPS fix, the rest placed at their station or entrance),
plus 20,000 positive answers so stations have scores, builds the offline map and
loads it from disk in headless Chromium.  It prints the build time, the HTML size,
the time until the page is drawn (every finding marker made and clustered), the
time to switch one principle off and on, and the browser's JS heap.  Figures are
recorded in the closing notes, never asserted by tests.

``--screenshot`` imports the SYNTHETIC sample campaign (``walktool.sample``) into a
temporary project, writes its offline map and saves what headless Chromium shows at a
desktop's size and at a phone's (390 × 844).
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium(width: int = 1400, height: int = 900) -> Any:
    """A headless Chromium driven by selenium (fresh profile, no background networking)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='walktool-chromium-')}")
    options.add_argument(f"--window-size={width},{height}")
    options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def fill_project(project: Any, findings: int, seed: int = 5) -> None:
    """Write ``findings`` findings and 20,000 positive answers straight into the project store."""
    import pandas as pd

    from walktool.stations import load_stations

    rng = random.Random(seed)
    protocol = project.protocol()
    layer = load_stations(project)
    stations = layer.stations.to_dict("records")
    items = [i for i in protocol.items if i.scored]

    def good(item: Any) -> str | None:
        """An answer scoring 1 (no problem) for ``item``."""
        candidates = [c.value for c in item.answer.choices] or ["0", "3", "10", "1"]
        for value in candidates:
            parsed = protocol.parse_answer(item.key, value)
            if parsed is not None and parsed.score == 1.0:
                return str(value)
        return None

    good_answers = {i.key: good(i) for i in items}
    items = [i for i in items if good_answers[i.key] is not None]
    zones = [c.value for c in protocol.zones.choices]
    severities = ["low", "medium", "high", "critical"]
    comments = [
        "Coin sombre au bout du quai",
        "Interphone hors service",
        "Personne en vue après 21 h",
        "Graffitis injurieux près de l'escalier",
        "Odeur d'urine dans le couloir",
        "Aucune signalisation vers la sortie de secours",
    ]
    rows = []
    for n in range(findings + 20_000):
        st = stations[rng.randrange(len(stations))]
        item = items[rng.randrange(len(items))]
        finding = n < findings
        gps = rng.random() < 0.3
        rows.append(
            {
                "obs_id": f"O{n:07d}",
                "campaign": "bench",
                "walk_id": f"W{n % 400:03d}",
                "participant": f"P-{n % 1500:05d}",
                "station_id": st["station_id"],
                "station_name": st["name"],
                "zone": zones[rng.randrange(len(zones))],
                "period": "night" if rng.random() < 0.45 else "day",
                "local_time": f"2024-10-{1 + n % 28:02d}T19:{n % 60:02d}:00-04:00",
                "principle": item.principle,
                "item": item.key,
                "answer": None if finding else good_answers[item.key],
                "score": 0.0 if finding else 1.0,
                "is_na": 0,
                "is_problem": 1 if finding else 0,
                "severity": severities[min(int(rng.expovariate(1.3)), 3)] if finding else None,
                "comment": (comments[rng.randrange(len(comments))] + f" (n° {n})") if finding and rng.random() < 0.25 else None,
                "lat": st["lat"] + rng.uniform(-0.0006, 0.0006) if gps else None,
                "lon": st["lon"] + rng.uniform(-0.0006, 0.0006) if gps else None,
                "format": "bench",
            }
        )
    project.store.upsert("observations", pd.DataFrame(rows))


def open_page(path: Path, driver: Any) -> float:
    """Open the page from disk; return the seconds until its script has run (every marker made)."""
    t0 = time.perf_counter()
    driver.get(path.as_uri())
    while not driver.execute_script("return !!(window.walktool && window.walktool.ready)"):
        if time.perf_counter() - t0 > 300:
            msg = "the page did not finish loading in 5 minutes"
            raise RuntimeError(msg)
        time.sleep(0.05)
    return time.perf_counter() - t0


def load_in_browser(path: Path, driver: Any) -> dict[str, float]:
    """Open the page from disk and time it until every marker is made and the clusters are drawn."""
    t0 = time.perf_counter()
    ready = open_page(path, driver)
    while not driver.execute_script("return document.querySelectorAll('.wt-cluster').length > 0"):
        time.sleep(0.05)
    drawn = time.perf_counter() - t0
    toggle = driver.execute_script(
        """var W = window.walktool, t0 = performance.now();
        var control = document.querySelectorAll('.leaflet-control-layers-overlays input');
        control[4].click(); var off = performance.now() - t0;
        var t1 = performance.now(); control[4].click(); var on = performance.now() - t1;
        return [off, on, W.visibleCount, W.findingCount];"""
    )
    zoom = driver.execute_async_script(
        """var done = arguments[arguments.length - 1], W = window.walktool, t0 = performance.now();
        W.map.once('zoomend', function () { setTimeout(function () { done(performance.now() - t0); }, 0); });
        W.map.setZoom(W.map.getZoom() + 2, {animate: false});"""
    )
    heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0")
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return {
        "ready_s": ready,
        "drawn_s": drawn,
        "toggle_off_ms": float(toggle[0]),
        "toggle_on_ms": float(toggle[1]),
        "findings_in_page": float(toggle[3]),
        "zoom_ms": float(zoom),
        "heap_mb": heap / 1e6,
        "js_errors": float(len(severe)),
    }


def bench(findings: int) -> None:
    import walktool
    from walktool.maps import write_map

    with tempfile.TemporaryDirectory() as tmp:
        project = walktool.init_project(Path(tmp) / "bench")
        t0 = time.perf_counter()
        fill_project(project, findings)
        print(f"store filled with {findings:,} findings in {time.perf_counter() - t0:.1f} s")
        for offline in (True, False):
            t0 = time.perf_counter()
            out = write_map(project, Path(tmp) / ("offline.html" if offline else "online.html"), offline=offline)
            build = time.perf_counter() - t0
            print(f"{'offline' if offline else 'online '} map: built in {build:.1f} s, HTML {out.stat().st_size / 1e6:.1f} MB")
        project.close()
        driver = chromium()
        try:
            figures = load_in_browser(Path(tmp) / "offline.html", driver)
        finally:
            driver.quit()
        print(
            "headless Chromium, offline page from disk: "
            f"script done {figures['ready_s']:.1f} s, clusters drawn {figures['drawn_s']:.1f} s; "
            f"one principle off {figures['toggle_off_ms']:.0f} ms / on {figures['toggle_on_ms']:.0f} ms; "
            f"zoom +2 {figures['zoom_ms']:.0f} ms; JS heap {figures['heap_mb']:.0f} MB; "
            f"{figures['findings_in_page']:,.0f} findings in the page; {figures['js_errors']:.0f} JS error(s)"
        )


_OPEN_WORST_STATION = """var worst = null;
window.walktool.map.eachLayer(function (l) {
    var p = l.feature && l.feature.properties;
    if (p && p.popup && p.score !== null && (!worst || p.score < worst.feature.properties.score)) { worst = l; }
});
if (worst) { worst.openPopup(); }"""


def screenshot(out: Path) -> None:
    """Save what headless Chromium shows of the sample campaign's offline map: ``out`` at a desktop's
    1400 × 1000 with the lowest-scored station's card open, and ``<out>-phone.png`` at a phone's
    390 × 844 (touch, 3× pixels) with the same card."""
    import walktool
    from walktool.maps import write_map
    from walktool.project import Settings
    from walktool.sample import generate_sample_campaign, import_sample_campaign

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = walktool.init_project(root / "demo")
        project.save_settings(Settings(name="Marches exploratoires STM (données SYNTHÉTIQUES)"))
        generate_sample_campaign(root / "walks")
        import_sample_campaign(project, root / "walks")
        page = write_map(project, root / "map.html", campaign="2023-pilot", offline=True)
        project.close()
        out.parent.mkdir(parents=True, exist_ok=True)
        phone = out.with_name(out.stem + "-phone" + out.suffix)
        for path, size, mobile in ((out, (1400, 1000), False), (phone, (390, 844), True)):
            driver = chromium(*size)
            try:
                width, height = size
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 3 if mobile else 1, "mobile": mobile},
                )
                driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": mobile})
                open_page(page, driver)
                time.sleep(0.5)
                # the station card of the lowest-scored station, as staff see it after a click (a tap)
                driver.execute_script(_OPEN_WORST_STATION)
                time.sleep(1.0)
                driver.save_screenshot(str(path))
            finally:
                driver.quit()
            print(f"screenshot written to {path}")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--screenshot"]:
        screenshot(Path(argv[1] if len(argv) > 1 else "docs/map.png"))
        return
    bench(int(argv[0]) if argv else 100_000)


if __name__ == "__main__":
    main(sys.argv[1:])
