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

import contextlib
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

from _map_fixtures import (
    HOSTILE_PHOTOS,
    IMG_COMMENT,
    ROWS,
    SCRIPT_COMMENT,
    STATIONS_WITH_DATA,
    make_walk_project,
)
from walktool.maps import build_map, map_html, write_map

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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
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
    broken = page.replace("W.refresh();\n        W.ready = true;", "W.refresh();\n        throw new Error('the map broke');", 1)
    assert broken != page
    return broken


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


# -- the page on a phone, on a desktop, and with no network ----------------------------------
PHONE = (390, 844)
DESKTOP = (1280, 860)

# Every control a reader needs, by CSS selector: drawn, on the screen, and not covered (what
# the browser finds at its centre and near two opposite corners is the control itself).
CONTROLS = {
    "search box": ".leaflet-control-search input.search-input",
    "zoom in": ".leaflet-control-zoom-in",
    "zoom out": ".leaflet-control-zoom-out",
    "locate": ".leaflet-control-locate a",
    "full screen": ".leaflet-control-zoom-fullscreen",
    "legend": ".wt-legend summary",
    "credit": ".leaflet-control-attribution",
}
_UNCOVERED_JS = """
var el = document.querySelector(arguments[0]);
if (!el) { return 'missing'; }
var r = el.getBoundingClientRect();
if (r.width < 4 || r.height < 4) { return 'not drawn (' + r.width + ' x ' + r.height + ')'; }
if (r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) {
    return 'off the screen: ' + JSON.stringify([r.left, r.top, r.right, r.bottom]);
}
var points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + r.width / 5, r.top + r.height / 5], [r.right - r.width / 5, r.bottom - r.height / 5]];
for (var i = 0; i < points.length; i++) {
    var hit = document.elementFromPoint(points[i][0], points[i][1]);
    if (!hit || !(hit === el || el.contains(hit))) {
        return 'covered by ' + (hit ? hit.tagName.toLowerCase() + '.' + String(hit.className && hit.className.baseVal !== undefined ? hit.className.baseVal : hit.className).replace(/ +/g, '.') : 'nothing');
    }
}
return null;
"""


def covered(driver: Any, controls: dict[str, str]) -> list[str]:
    """The controls that are missing, off the screen or covered (empty: all can be seen and tapped)."""
    problems = []
    for name, selector in controls.items():
        problem = driver.execute_script(_UNCOVERED_JS, selector)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


@contextlib.contextmanager
def screen(driver: Any, size: tuple[int, int], *, phone: bool) -> Iterator[None]:
    """The browser's viewport at ``size`` CSS pixels (a touch phone when ``phone``), reset after."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 3 if phone else 1, "mobile": phone}
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": phone})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


@contextlib.contextmanager
def no_network(driver: Any) -> Iterator[None]:
    """Every http(s) request fails, as on a computer with no internet (Chrome DevTools Protocol)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*"]})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def load(driver: Any, page: Path, *, ready: bool = True) -> None:
    """Open ``page`` and wait for the map's script (``ready``) or the page's load event."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(page.as_uri())
    deadline = time.monotonic() + 15
    check = "return !!(window.walktool && window.walktool.ready)" if ready else "return document.readyState === 'complete'"
    while not driver.execute_script(check):
        assert time.monotonic() < deadline, f"{page.name} did not finish loading"
        time.sleep(0.05)
    time.sleep(0.3)  # let the controls settle


def requested(driver: Any) -> list[str]:
    """The http(s) addresses the page asked for since the last call (its performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = str(message["params"]["request"]["url"])
            if url.startswith(("http:", "https:")):
                urls.append(url)
    return urls


def open_popup(driver: Any, js_find: str) -> dict[str, Any]:
    """Open the popup of the marker or station ``js_find`` returns (an expression); its box on screen."""
    box = driver.execute_async_script(
        "var done = arguments[arguments.length - 1], W = window.walktool, target = (" + js_find + ");"
        " var finish = function () { setTimeout(function () {"
        "   var p = document.querySelector('.leaflet-popup'); if (!p) { done(null); return; }"
        "   var r = p.getBoundingClientRect(), c = p.querySelector('.leaflet-popup-content');"
        "   done({left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: c.innerText, html: c.innerHTML}); }, 400); };"
        " if (typeof target === 'number') { W.openFinding(target, finish); } else { target.openPopup(); finish(); }"
    )
    assert box, "no popup opened"
    return dict(box)


_WORST_STATION = """(function () { var worst = null;
    window.walktool.map.eachLayer(function (l) { var p = l.feature && l.feature.properties;
        if (p && p.popup && (!worst || p.findings > worst.feature.properties.findings)) { worst = l; } });
    return worst; })()"""
_COMMENTED_FINDING = """window.walktool.markers.findIndex(function (m) { return m.options.wtRow[8] >= 0; })"""


@pytest.fixture(scope="module")
def online_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture project's online page; the same with its scripts embedded (only the tiles need
    the network); and the latter for a project whose sheet holds hostile photo cells."""
    root = tmp_path_factory.mktemp("online")
    project = make_walk_project(root / "proj")
    try:
        online = write_map(project, project.reports_dir / "online.html", lang="fr")
        embedded = project.reports_dir / "embedded.html"
        embedded.write_text(map_html(build_map(project, lang="fr"), offline=True), encoding="utf-8")
    finally:
        project.close()
    hostile = make_walk_project(root / "hostile", [[*ROWS[0][:10], photo] for photo in HOSTILE_PHOTOS])
    try:  # an online map (tiles from the internet) whose scripts are embedded: this machine has no CDN
        photos = hostile.reports_dir / "photos.html"
        photos.write_text(map_html(build_map(hostile, lang="en"), offline=True), encoding="utf-8")
    finally:
        hostile.close()
    return {"online": online, "embedded": embedded, "photos": photos}


def test_phone_layout_leaves_search_zoom_and_legend_in_sight(driver: Any, offline_page: Path) -> None:
    with screen(driver, PHONE, phone=True):
        load(driver, offline_page)
        assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == list(PHONE)
        assert covered(driver, {**CONTROLS, "layers": ".leaflet-control-layers-toggle"}) == []
        state = driver.execute_script(
            "var c = document.querySelector('.leaflet-control-layers'), d = document.querySelector('.wt-legend');"
            " return [c.classList.contains('leaflet-control-layers-expanded'), d.open, c.getBoundingClientRect().height,"
            " document.querySelector('.wt-legend-control').getBoundingClientRect().height];"
        )
        folded, legend_open, panel_height, legend_height = state
        assert not folded and not legend_open  # the layer list and the legend folded...
        assert panel_height < 60 and legend_height < 60  # ... to a button and a line
        assert _severe(driver) == []

        # a station card and a finding card fit the screen, below the search box, and can be closed
        search_bottom = driver.execute_script("return document.querySelector('.leaflet-control-search').getBoundingClientRect().bottom")
        for target in (_WORST_STATION, _COMMENTED_FINDING):
            box = open_popup(driver, target)
            assert box["left"] >= 0 and box["right"] <= PHONE[0], box
            assert box["top"] >= search_bottom - 1 and box["bottom"] <= PHONE[1], box
            assert covered(driver, {"popup close": ".leaflet-popup-close-button"}) == []
            driver.execute_script("window.walktool.map.closePopup();")
        assert "Papineau" in box["text"] or "Beaudry" in box["text"]

        # the folded controls open when tapped; the legend then shows the score scale
        driver.find_element("css selector", ".wt-legend summary").click()
        assert driver.execute_script("return document.querySelector('.wt-legend').open") is True
        assert covered(driver, {"score scale": ".wt-gradient"}) == []
        driver.find_element("css selector", ".wt-legend summary").click()
        driver.find_element("css selector", ".leaflet-control-layers-toggle").click()
        time.sleep(0.2)
        labels = driver.execute_script(
            "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
            ".filter(function (l) { return l.getBoundingClientRect().height > 0; }).length"
        )
        assert labels == 13  # every layer, principle and period
        # ... and while the list is open it covers the search box: the check sees it
        assert any(p.startswith("search box: covered") for p in covered(driver, CONTROLS))


def test_desktop_layout_shows_every_control(driver: Any, offline_page: Path) -> None:
    with screen(driver, DESKTOP, phone=False):
        load(driver, offline_page)
        assert covered(driver, {**CONTROLS, "layer list": ".leaflet-control-layers-overlays", "score scale": ".wt-gradient"}) == []
        expanded, legend_open, lang, title = driver.execute_script(
            "return [document.querySelector('.leaflet-control-layers').classList.contains('leaflet-control-layers-expanded'),"
            " document.querySelector('.wt-legend').open, document.documentElement.lang, document.title];"
        )
        assert expanded and legend_open and lang == "fr"
        assert title == "proj · 2023-pilote · Carte des marches exploratoires"
        box = open_popup(driver, _WORST_STATION)
        assert box["left"] >= 0 and box["right"] <= DESKTOP[0] and box["bottom"] <= DESKTOP[1]
        assert covered(driver, {"popup close": ".leaflet-popup-close-button"}) == []
        assert _severe(driver) == []


def test_online_map_without_network_says_to_use_offline(driver: Any, online_pages: dict[str, Path], offline_page: Path) -> None:
    notice = {"notice": ".wt-notice", "notice close": ".wt-notice-close"}
    for size, phone in ((PHONE, True), (DESKTOP, False)):
        with screen(driver, size, phone=phone), no_network(driver):
            # the scripts come from a CDN: without it there is no map, but there is the notice
            load(driver, online_pages["online"], ready=False)
            assert covered(driver, notice) == [], size
            text = driver.find_element("css selector", ".wt-notice").text
            assert "Pas d'internet" in text and "walktool map --offline" in text
            assert driver.execute_script("return document.documentElement.getAttribute('data-wt-notice')") == "scripts"
            driver.find_element("css selector", ".wt-notice-close").click()
            assert driver.execute_script("return getComputedStyle(document.querySelector('.wt-notice')).display") == "none"

    with no_network(driver):
        # scripts embedded, tiles from the internet: the map works and says why it has no basemap
        load(driver, online_pages["embedded"])
        deadline = time.monotonic() + 10
        while driver.execute_script("return document.documentElement.getAttribute('data-wt-notice')") != "tiles":
            assert time.monotonic() < deadline, "no notice for the tiles that could not load"
            time.sleep(0.1)
        assert covered(driver, notice) == []
        assert any("tile.openstreetmap.org" in url for url in requested(driver))
        # the tile requests carry the referrer policy
        policy = driver.execute_script("var t = document.querySelector('img.leaflet-tile'); return t && t.referrerPolicy;")
        assert policy == "strict-origin-when-cross-origin"

        # the offline page asks the network for nothing and shows no notice
        load(driver, offline_page)
        assert requested(driver) == []
        assert driver.execute_script("return !document.querySelector('.wt-notice') && !!window.walktool.ready")


def test_online_map_never_fetches_a_sheets_photo_address(driver: Any, online_pages: dict[str, Path]) -> None:
    load(driver, online_pages["photos"])
    requested(driver)
    markers = driver.execute_script("return window.walktool.markers.length")
    texts = []
    for i in range(markers):
        box = open_popup(driver, str(i))
        texts.append(box["html"])
        driver.execute_script("window.walktool.map.closePopup();")
    urls = requested(driver)
    assert not [u for u in urls if "tracker.example" in u], urls
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('a')).filter(function (a) { return a.href.indexOf('tracker.example') >= 0; }).length"
    )
    assert links == 0  # popups closed; what they held:
    tracker_links = [t for t in texts if "tracker.example" in t]
    assert len(tracker_links) == 3 and all('rel="noopener noreferrer nofollow"' in t for t in tracker_links)
    assert driver.execute_script("return window.__xss === undefined")
    assert [e for e in _severe(driver) if "tile.openstreetmap.org" not in e] == []  # no tiles here: no internet
    # the watch would have seen it: an image of that address is a request
    driver.execute_script("var img = new Image(); img.src = 'https://tracker.example/pixel.jpg?who=2'; document.body.appendChild(img);")
    time.sleep(0.5)
    assert any("tracker.example" in u for u in requested(driver))


@pytest.fixture(scope="module")
def compare_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The offline comparison map of the fixture walk and the same walk a year later; its station count."""
    from walktool.compare import compare, write_compare_map
    from walktool.ingest import import_files

    root = tmp_path_factory.mktemp("compare")
    project = make_walk_project(root / "two")
    try:
        later = root / "two-suivi.csv"
        later.write_bytes((root / "two-constats.csv").read_bytes().replace(b"2023-11-", b"2024-11-"))
        import_files(project, [later], campaign="2024-suivi", fmt="findings-table")
        comparison = compare(project, "2023-pilote", "2024-suivi")
        page = write_compare_map(project, comparison, project.reports_dir / "compare.html", "fr", offline=True)
        return page, len(comparison.stations)
    finally:
        project.close()


def test_compare_map_works_on_a_phone(driver: Any, compare_page: tuple[Path, int]) -> None:
    page, stations = compare_page
    with screen(driver, PHONE, phone=True):
        load(driver, page, ready=False)
        assert _severe(driver) == []
        found = driver.execute_script(
            "var out = []; for (var k in window) { var v = window[k];"
            " if (v && window.L && v instanceof L.CircleMarker && v.getPopup && v.getPopup()) { out.push(v); } }"
            " window.__stations = out; return out.length;"
        )
        assert found == stations == 2
        assert covered(driver, {"zoom in": ".leaflet-control-zoom-in", "legend": ".wt-compare-legend", "credit": ".leaflet-control-attribution"}) == []
        assert driver.execute_script("return [document.documentElement.lang, document.title]") == ["fr", "two · 2023-pilote → 2024-suivi · Comparaison des campagnes"]
        box = open_popup(driver, "window.__stations[0]")
        assert box["left"] >= 0 and box["right"] <= PHONE[0] and box["top"] >= 0, box
        assert "Avant (2023-pilote)" in box["text"] and "Après (2024-suivi)" in box["text"]
        assert _severe(driver) == []


def test_grouped_map_works_in_chromium(driver: Any, tmp_path: Path) -> None:
    """An archive-scale page (here: grouped past 3 findings) loads, counts findings, filters and opens a group."""
    project = make_walk_project(tmp_path / "proj")
    try:
        page = write_map(project, project.reports_dir / "map.html", lang="fr", offline=True, group_above=3)
    finally:
        project.close()
    driver.get_log("browser")
    driver.get(page.as_uri())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not driver.execute_script("return !!(window.walktool && window.walktool.ready)"):
        time.sleep(0.1)
    assert driver.execute_script("return window.walktool.ready") and _severe(driver) == []
    counts = driver.execute_script("return [window.walktool.markers.length, window.walktool.findingCount, window.walktool.visibleCount]")
    assert counts[0] < len(ROWS) and counts[1:] == [len(ROWS), len(ROWS)]  # fewer markers, every finding counted
    driver.execute_script(
        "var labels = document.querySelectorAll('.leaflet-control-layers-overlays label');"
        " for (var i = 0; i < labels.length; i++) { if (labels[i].innerText.trim().indexOf('Soir / nuit') === 0) {"
        " labels[i].querySelector('input').click(); } }"
    )
    assert driver.execute_script("return window.walktool.visibleCount") == 3  # the day findings' groups
    driver.execute_script(
        "var labels = document.querySelectorAll('.leaflet-control-layers-overlays label');"
        " for (var i = 0; i < labels.length; i++) { if (labels[i].innerText.trim().indexOf('Soir / nuit') === 0) {"
        " labels[i].querySelector('input').click(); } }"
    )
    index = driver.execute_script(
        "var W = window.walktool; return W.markers.findIndex(function (m) { return m.options.wtRow[14].some("
        "function (f) { return f[8] >= 0 && W.comments[f[8]] === arguments[0]; }); });".replace("arguments[0]", json.dumps(html.escape(SCRIPT_COMMENT)))
    )
    assert index >= 0
    icon = driver.execute_async_script(
        "var done = arguments[arguments.length - 1], W = window.walktool, m = W.markers[arguments[0]];"
        " W.cluster.zoomToShowLayer(m, function () { setTimeout(function () { done(m._icon || null); }, 50); });",
        index,
    )
    assert icon is not None
    assert icon.text.strip() == "2"  # the group's number of findings on its marker
    icon.click()
    deadline, text = time.monotonic() + 5, None
    while text is None and time.monotonic() < deadline:
        text = driver.execute_script("var p = document.querySelector('.leaflet-popup-content'); return p ? p.innerText : null;")
        time.sleep(0.05)
    assert text is not None and SCRIPT_COMMENT in text and "2 constats ici, les plus graves d'abord" in text
    assert not driver.execute_script("return window.__xss === 1") and _severe(driver) == []
