"""The offline walk map in a real browser: headless Chromium loads it from disk.

:func:`check_map_page` is the checker: it loads a page and lists what is wrong with
it (JavaScript errors, station markers drawn, a finding's popup and its escaped
comment, the layer control's principles).  The map passes when the list is empty;
:func:`test_the_checker_bites` proves the list is not empty when the page's data are
taken out or its script breaks.

Chromium and chromedriver are Debian packages that ``make test`` installs (target
``browser``): when they are missing these tests FAIL, they are never skipped.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from _map_fixtures import IMG_COMMENT, ROWS, SCRIPT_COMMENT, STATIONS_WITH_DATA, make_walk_project
from walktool.maps import write_map

pytestmark = pytest.mark.browser

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
PRINCIPLES_FR = [
    "Savoir où l'on est et où l'on va",
    "Voir et être vu·e",
    "Entendre et être entendu·e",
    "Pouvoir s'échapper et obtenir de l'aide",
    "Vivre dans un environnement propre et accueillant",
    "Agir ensemble",
]


def _executable(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidate = Path("/usr/bin") / name
    return str(candidate) if candidate.is_file() else None


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """One headless Chromium for the module: fresh profile, no background networking."""
    chromium, chromedriver = _executable("chromium"), _executable("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.fail(
            "headless Chromium is needed by the map's browser test and was not found"
            f" (chromium: {chromium}, chromedriver: {chromedriver}); run `make browser`"
            " or `apt-get install chromium chromium-driver`"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="walktool-chromium-")
    options = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,860")
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_script_timeout(15)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def offline_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    project = make_walk_project(root / "proj")
    try:
        return write_map(project, project.reports_dir / "map.html", lang="fr", offline=True)
    finally:
        project.close()


@dataclass(frozen=True)
class Expected:
    """What a working page of the fixture project shows."""

    stations: int = len(STATIONS_WITH_DATA)
    principles: tuple[str, ...] = tuple(PRINCIPLES_FR)
    comment: str = SCRIPT_COMMENT


def _severe(driver: Any) -> list[str]:
    return [str(e.get("message")) for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def check_map_page(driver: Any, page: Path, expected: Expected) -> list[str]:
    """Load ``page`` from disk and list every way it fails ``expected`` (empty: it works)."""
    from selenium.common.exceptions import WebDriverException

    problems: list[str] = []
    driver.get_log("browser")  # drop what an earlier page logged
    driver.get(page.as_uri())
    deadline, loaded_at = time.monotonic() + 15, None
    ready = False
    while time.monotonic() < deadline:
        ready, complete = driver.execute_script(
            "return [!!(window.walktool && window.walktool.ready), document.readyState === 'complete'];"
        )
        if ready:
            break
        if complete:  # the page's scripts have all run: allow a moment, no more
            loaded_at = loaded_at or time.monotonic()
            if time.monotonic() - loaded_at > 1.0:
                break
        time.sleep(0.1)
    if not ready:
        problems.append("the map's script never finished (window.walktool.ready is not set)")
    errors = _severe(driver)
    if errors:
        problems.append(f"JavaScript errors on load: {errors}")

    drawn = driver.execute_script("return document.querySelectorAll('path.wt-station.leaflet-interactive').length")
    if drawn != expected.stations:
        problems.append(f"{drawn} station marker(s) drawn, expected {expected.stations} (the stations with data)")

    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label')).map(function (l) { return l.innerText.trim(); })"
    )
    for principle in expected.principles:
        if not any(str(label).startswith(principle) for label in labels):
            problems.append(f"the layer control does not list the principle {principle!r} (it lists {labels})")

    # the finding that carries the comment: zoom until its marker shows, then click it
    index = driver.execute_script(
        "var W = window.walktool; if (!W || !W.markers) { return -1; }"
        " return W.markers.findIndex(function (m) { var r = m.options.wtRow; return r[8] >= 0 && W.comments[r[8]] === arguments[0]; });"
        .replace("arguments[0]", json.dumps(html.escape(expected.comment)))
    )
    if index < 0:
        problems.append("no finding marker carries the comment")
        return problems
    try:
        icon = driver.execute_async_script(
            "var done = arguments[arguments.length - 1], W = window.walktool, m = W.markers[arguments[0]];"
            " W.cluster.zoomToShowLayer(m, function () { setTimeout(function () { done(m._icon || null); }, 50); });",
            index,
        )
        if icon is None:
            problems.append("the finding's marker is not drawn after zooming to it")
            return problems
        icon.click()
        deadline = time.monotonic() + 5
        content = None
        while content is None and time.monotonic() < deadline:
            content = driver.execute_script(
                "var p = document.querySelector('.leaflet-popup-content');"
                " return p ? [p.innerText, p.querySelectorAll('script, img[onerror]').length] : null;"
            )
            time.sleep(0.05)
    except WebDriverException as exc:
        problems.append(f"opening the finding's popup failed: {exc.msg}")
        return problems
    if content is None:
        problems.append("clicking the finding's marker opened no popup")
    else:
        text, injected = content
        if expected.comment not in text:
            problems.append(f"the popup does not show the comment as text: {text!r}")
        if injected:
            problems.append("the popup holds elements injected by the comment")
    if driver.execute_script("return window.__xss === 1"):
        problems.append("a comment's markup ran in the page")
    errors = _severe(driver)
    if errors:
        problems.append(f"JavaScript errors after opening the popup: {errors}")
    return problems


def test_offline_map_works_in_chromium(driver: Any, offline_page: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    assert check_map_page(driver, offline_page, Expected()) == []
    # the other comment, an <img onerror>, shows as text too
    assert check_map_page(driver, offline_page, Expected(comment=IMG_COMMENT)) == []

    # the day / night switch and a principle toggle filter the findings (real clicks on the control)
    def visible() -> int:
        return int(driver.execute_script("return window.walktool.visibleCount"))

    def toggle(label: str) -> None:
        driver.execute_script(
            "var labels = document.querySelectorAll('.leaflet-control-layers-overlays label');"
            " for (var i = 0; i < labels.length; i++) { if (labels[i].innerText.trim().indexOf(arguments[0]) === 0) {"
            " labels[i].querySelector('input').click(); return; } }",
            label,
        )

    assert visible() == len(ROWS)
    toggle("Soir / nuit")
    assert visible() == 3  # the three day findings
    toggle("Vivre dans un environnement")
    assert visible() == 1  # ... less the two maintenance ones
    toggle("Soir / nuit")
    toggle("Vivre dans un environnement")
    assert visible() == len(ROWS)

    # the heat layer draws when ticked; the scale bar and the full-screen button are there
    toggle("Densité des constats")
    controls = driver.execute_script(
        "return ['canvas.leaflet-heatmap-layer', '.leaflet-control-scale', '.leaflet-control-zoom-fullscreen', '.wt-legend']"
        ".map(function (s) { return document.querySelectorAll(s).length; });"
    )
    assert controls == [1, 1, 1, 1]
    toggle("Densité des constats")

    # the search box finds a station by a few letters and opens its card
    from selenium.webdriver.common.by import By

    driver.execute_script("window.walktool.map.closePopup();")
    box = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-search input.search-input")
    box.send_keys("Beau")
    deadline = time.monotonic() + 5
    tips: list[Any] = []
    while not tips and time.monotonic() < deadline:
        tips = driver.find_elements(By.CSS_SELECTOR, ".search-tip")
        time.sleep(0.05)
    assert [t.text for t in tips] == ["Beaudry"]
    tips[0].click()
    deadline = time.monotonic() + 5
    card = None
    while not card and time.monotonic() < deadline:
        card = driver.execute_script("var p = document.querySelector('.leaflet-popup-content .wt-station-card'); return p && p.innerText;")
        time.sleep(0.05)
    assert card and card.startswith("Beaudry") and "confiance faible" in card
    assert _severe(driver) == []

    # what the browser draws is a map, not a blank page
    from PIL import Image

    driver.execute_script("window.walktool.map.closePopup(); window.walktool.map.fitBounds(window.walktool.cluster.getBounds().pad(0.5), {animate: false});")
    time.sleep(0.3)
    png = driver.get_screenshot_as_png()
    (tmp_path / "map.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 200
    assert time.monotonic() - started < 30


def _strip_findings(page: str) -> str:
    """Empty the findings' data array the cluster is built from."""
    stripped, n = re.subn(r"var data = \[\[.*?\]\];", "var data = [];", page, count=1, flags=re.DOTALL)
    assert n == 1
    return stripped


def _strip_stations(page: str) -> str:
    """Empty the stations' GeoJSON (the add call whose features carry the wt-station class)."""

    def empty(match: re.Match[str]) -> str:
        doc = json.loads(match.group(2))
        if any("wt-station" in str(f.get("properties", {}).get("style", {}).get("className", "")) for f in doc.get("features", [])):
            doc["features"] = []
            return match.group(1) + json.dumps(doc) + match.group(3)
        return match.group(0)

    stripped = re.sub(r"(\w+_add\()(\{.*?\})(\);)", empty, page)
    assert stripped != page
    return stripped


def _break_script(page: str) -> str:
    return page.replace("W.refresh();\n    W.ready = true;", "W.refresh();\n    throw new Error('the map broke');", 1)


BREAKS: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "findings data removed": (_strip_findings, ("no finding marker carries the comment",)),
    "stations data removed": (_strip_stations, ("0 station marker(s) drawn",)),
    "all data removed": (lambda p: _strip_stations(_strip_findings(p)), ("0 station marker(s) drawn", "no finding marker")),
    "script error": (_break_script, ("JavaScript errors on load", "never finished")),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_the_checker_bites(driver: Any, offline_page: Path, tmp_path: Path, case: str) -> None:
    """The same checks fail when the page's data are removed or its script breaks."""
    breaker, expected_problems = BREAKS[case]
    broken = tmp_path / "broken.html"
    broken.write_text(breaker(offline_page.read_text("utf-8")), encoding="utf-8")
    problems = check_map_page(driver, broken, Expected())
    assert problems, f"{case}: the checker found nothing wrong"
    for wanted in expected_problems:
        assert any(wanted in p for p in problems), (wanted, problems)
