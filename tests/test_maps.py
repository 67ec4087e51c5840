"""The walk map as a folium structure and as written HTML; ``walktool map`` on the command line.

The real-browser checks (the page runs, popups open) are in test_maps_browser.py.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import folium.plugins
import pandas as pd
import pytest
from typer.testing import CliRunner

import walktool
from _map_fixtures import (
    CAMPAIGN,
    HOSTILE_PHOTOS,
    IMG_COMMENT,
    OBSERVERS,
    ROWS,
    SCRIPT_COMMENT,
    STATIONS_WITH_DATA,
    TRACKER,
    make_walk_project,
)
from walktool.analysis import findings, load_observations
from walktool.cli import app
from walktool.maps import (
    NO_SCORE_COLOUR,
    STM_ATTRIBUTION,
    MapError,
    build_map,
    map_html,
    place_findings,
    score_colour,
    write_map,
)
from walktool.project import Project
from walktool.stations import builtin_stations

PRINCIPLES_FR = [
    "Savoir où l'on est et où l'on va",
    "Voir et être vu·e",
    "Entendre et être entendu·e",
    "Pouvoir s'échapper et obtenir de l'aide",
    "Vivre dans un environnement propre et accueillant",
    "Agir ensemble",
]
PRINCIPLES_EN = [
    "Know where you are and where you are going",
    "See and be seen",
    "Hear and be heard",
    "Be able to escape and get help",
    "A clean and welcoming place",
    "Act together",
]


PROJECT_LANGUAGE = {"WALKTOOL_LANG": None, "LANG": None, "LC_ALL": None}
"""No language chosen: the project's (French by default), as the CLI runner's English would otherwise decide."""


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = make_walk_project(tmp_path_factory.mktemp("maps") / "proj")
    try:
        yield project
    finally:
        project.close()


@pytest.fixture(scope="module")
def fr_map(walked: Project) -> folium.Map:
    return build_map(walked, lang="fr")


@pytest.fixture(scope="module")
def fr_html(fr_map: folium.Map) -> str:
    return map_html(fr_map)


def layers(fmap: folium.Map) -> list[Any]:
    return [c for c in fmap._children.values() if isinstance(c, folium.map.Layer)]


def control_names(fmap: folium.Map) -> list[str]:
    """What the layer control lists, as text (layer names carry icon markup)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", layer.layer_name)) for layer in layers(fmap) if layer.control]


def by_name(fmap: folium.Map, start: str) -> Any:
    return next(layer for layer in layers(fmap) if html.unescape(re.sub(r"<[^>]+>", "", layer.layer_name)).startswith(start))


def walktool_doc(page: str) -> dict[str, Any]:
    """The findings' lookup tables the page carries (``window.walktool``)."""
    match = re.search(r"window.walktool = window.walktoolMap.tables\((\{.*?\})\);\n", page)
    assert match, "no findings tables in the page"
    doc: dict[str, Any] = json.loads(match.group(1))
    return doc


# -- structure ------------------------------------------------------------------------------
def test_layer_control_lists_every_layer_in_french(fr_map: folium.Map) -> None:
    names = control_names(fr_map)
    assert names == [
        "Stations (score)",
        "Lignes et stations du réseau",
        "Accès (édicules)",
        f"Constats ({len(ROWS)})",
        *[f"{p} ({n})" for p, n in zip(PRINCIPLES_FR, [0, 2, 0, 2, 2, 0], strict=True)],
        "Jour",
        "Soir / nuit",
        "Densité des constats",
    ]
    heat = by_name(fr_map, "Densité")
    assert isinstance(heat, folium.plugins.HeatMap) and heat.show is False  # off until asked for
    assert any(isinstance(c, folium.LayerControl) for c in fr_map._children.values())
    assert any(isinstance(c, folium.plugins.Fullscreen) for c in fr_map._children.values())
    search = next(c for c in fr_map._children.values() if isinstance(c, folium.plugins.Search))
    assert search.layer is by_name(fr_map, "Stations") and search.search_label == "name"
    assert fr_map.control_scale is True


def test_english_labels_and_project_language(walked: Project, fr_map: folium.Map) -> None:
    en = build_map(walked, lang="en")
    names = control_names(en)
    assert names[:4] == ["Stations (score)", "Network lines and stations", "Entrances", f"Findings ({len(ROWS)})"]
    assert [n.rsplit(" (", 1)[0] for n in names[4:10]] == PRINCIPLES_EN
    assert names[10:] == ["Day", "Evening / night", "Findings density"]
    page = map_html(en)
    assert "See and be seen" in page and "Voir et être vu·e" not in page
    assert "Findings without GPS" in page and "Severity" in page
    # no --lang: the project's language (French by default), unless WALKTOOL_LANG says otherwise
    assert control_names(build_map(walked)) == control_names(fr_map)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WALKTOOL_LANG", "en_CA.UTF-8")
        assert control_names(build_map(walked)) == names
        assert control_names(build_map(walked, lang="fr")) == control_names(fr_map)  # --lang first
    with pytest.raises(MapError, match="'de'"):
        build_map(walked, lang="de")


def test_feature_counts_and_station_styles(walked: Project, fr_map: folium.Map) -> None:
    stations = by_name(fr_map, "Stations")
    features = {f["properties"]["name"]: f for f in stations.data["features"]}
    assert sorted(features) == sorted(STATIONS_WITH_DATA)
    papineau, beaudry = features["Papineau"]["properties"], features["Beaudry"]["properties"]
    # Papineau: three participants; Beaudry: two, under the protocol's three
    assert "wt-low-confidence" in beaudry["style"]["className"] and beaudry["style"]["dashArray"]
    assert "wt-low-confidence" not in papineau["style"]["className"] and "dashArray" not in papineau["style"]
    assert papineau["findings"] == 4 and beaudry["findings"] == 2
    assert papineau["style"]["radius"] > beaudry["style"]["radius"]  # sized by findings
    assert papineau["style"]["fillColor"] == score_colour(papineau["score"])
    assert "⚠" in beaudry["label"] and "⚠" not in papineau["label"]

    cluster = by_name(fr_map, "Constats")
    assert isinstance(cluster, folium.plugins.FastMarkerCluster)
    assert len(cluster.data) == len(ROWS)  # one data row per finding, not one Marker object each
    assert not any(isinstance(c, folium.Marker) for c in cluster._children.values())

    layer = builtin_stations()
    entrances = next(c for c in by_name(fr_map, "Accès")._children.values() if isinstance(c, folium.GeoJson))
    assert len(entrances.data["features"]) == len(layer.entrances) == 137
    network = by_name(fr_map, "Lignes")
    lines = [c for c in network._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == 2 * len(layer.lines)  # a casing under each coloured line
    colours = {line.options["color"] for line in lines}
    assert {"#00B300", "#D95700", "#FFD900", "#0095E6"} <= colours
    stops = next(c for c in network._children.values() if isinstance(c, folium.GeoJson))
    assert len(stops.data["features"]) == len(layer.stations) - len(STATIONS_WITH_DATA)


def test_bounds_fit_the_stations_with_data(fr_map: folium.Map) -> None:
    fit = next(c for c in fr_map._children.values() if isinstance(c, folium.FitBounds))
    (south, west), (north, east) = fit.bounds
    stations = builtin_stations().stations.set_index("name")
    for name in STATIONS_WITH_DATA:
        lat, lon = stations.at[name, "lat"], stations.at[name, "lon"]
        assert south < lat < north and west < lon < east
    assert north - south < 0.02 and east - west < 0.02  # the two stations, not the whole network
    assert fit.options["animate"] is False


def test_attribution_credits_stm_and_the_basemap(walked: Project, fr_html: str, tmp_path: Path) -> None:
    assert STM_ATTRIBUTION == "Société de transport de Montréal (STM), CC BY 4.0"
    assert json.dumps(html.escape(f"Stations : {STM_ATTRIBUTION}"), ensure_ascii=False) in fr_html  # French colon
    assert json.dumps(html.escape(f"Stations: {STM_ATTRIBUTION}"), ensure_ascii=False) in map_html(build_map(walked, lang="en"))
    assert "OpenStreetMap\\u003c/a\\u003e contributors" in fr_html and "tile.openstreetmap.org" in fr_html
    offline_map = build_map(walked, offline=True)
    assert not any(isinstance(c, folium.TileLayer) for c in offline_map._children.values())
    offline = write_map(walked, tmp_path / "off.html", offline=True).read_text("utf-8")
    assert html.escape(f"Stations : {STM_ATTRIBUTION}") in offline and "tile.openstreetmap.org" not in offline


def test_every_field_text_is_escaped(fr_html: str) -> None:
    assert SCRIPT_COMMENT not in fr_html and "<script>alert" not in fr_html
    assert IMG_COMMENT not in fr_html and "<img src=x" not in fr_html
    doc = walktool_doc(fr_html)
    assert html.escape(SCRIPT_COMMENT) in doc["comments"]
    assert html.escape(IMG_COMMENT) in doc["comments"]
    assert "Tags &amp; odeur\nprès de la porte" in doc["comments"]
    # every text table holds escaped text only
    for key in ("labels", "zones", "stations", "comments", "dates"):
        for text in doc[key]:
            assert "<" not in text and ">" not in text, (key, text)


def test_no_observer_or_pseudonym_on_the_map(walked: Project, fr_html: str) -> None:
    pseudonyms = load_observations(walked)["participant"].dropna().unique()
    assert len(pseudonyms) == 3
    for who in [*OBSERVERS, *pseudonyms]:
        assert who not in fr_html


def test_station_card(walked: Project, fr_map: folium.Map) -> None:
    stations = by_name(fr_map, "Stations")
    card = next(f for f in stations.data["features"] if f["properties"]["name"] == "Papineau")["properties"]["popup"]
    for label in PRINCIPLES_FR:
        assert html.escape(label) in card
    assert "Recommandations prioritaires" in card and "Responsable" in card and "Échéance" in card
    assert "4 constats" in card and "3 participant·e·s" in card
    assert "Zones les plus touchées" in card and "Quai (2)" in card
    assert card.count("<li>") == 3  # the top three of its four findings' recommendations
    beaudry = next(f for f in stations.data["features"] if f["properties"]["name"] == "Beaudry")["properties"]["popup"]
    assert "confiance faible" in beaudry and "Échéance : immédiat" in beaudry  # critical: immediate fast track
    # counted words agree with their number, in French as in English
    assert "2 observations · 2 participant·e·s · 2 marches" in html.unescape(beaudry)
    assert "<b>2 constats</b> : " in beaudry
    en = by_name(build_map(walked, lang="en"), "Stations")
    en_card = next(f for f in en.data["features"] if f["properties"]["name"] == "Beaudry")["properties"]["popup"]
    assert "2 observations · 2 participants · 2 walks" in html.unescape(en_card) and "<b>2 findings</b>: " in en_card
    assert "Timeframe: immediate" in en_card
    from walktool.maps.labels import tr

    assert tr("fr").npgettext("map", "{n} walk", "{n} walks", 1) == "{n} marche"
    assert tr("fr").npgettext("map", "{n} participant", "{n} participants", 1) == "{n} participant·e"


def test_finding_rows_and_photos(walked: Project, fr_map: folium.Map, fr_html: str) -> None:
    doc = walktool_doc(fr_html)
    rows = by_name(fr_map, "Constats").data
    severities = [s["key"] for s in doc["severities"]]
    assert sorted(severities[r[2]] for r in rows) == sorted(["high", "medium", "low", "critical", "low", "medium"])
    assert {doc["periods"][r[4]] for r in rows} == {"Jour", "Soir / nuit"}
    # the GPS fix is kept; the others are placed at their station (1) or entrance (2)
    assert sorted(r[11] for r in rows) == [0, 1, 1, 1, 1, 2]
    gps = next(r for r in rows if r[11] == 0)
    assert (gps[0], gps[1]) == (45.51905, -73.5558)
    # the photo found in walks/ gets a thumbnail linking to its staff copy (no EXIF) in reports/photos/staff/
    thumb = next(p for p in doc["photos"] if "papineau-" in p)
    link = re.search(r'href="(photos/staff/papineau-[0-9a-f]{16}\.jpg)"', thumb)
    assert link and f'<img class="wt-thumb" src="{link.group(1)}"' in thumb
    from PIL import Image

    with Image.open(walked.reports_dir / link.group(1)) as copy:
        assert not copy.getexif() and "exif" not in copy.info
    missing = next(p for p in doc["photos"] if "absente.jpg" in p)
    assert "<img" not in missing and "photo absente du dossier du projet" in missing


# -- offline --------------------------------------------------------------------------------
def test_offline_page_embeds_everything(walked: Project, tmp_path: Path) -> None:
    out = write_map(walked, tmp_path / "reports" / "carte.html", offline=True, lang="en")
    page = out.read_text("utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://[^"'>]+\.(js|css)""", page, re.IGNORECASE)
    for library in ("Leaflet 1.9.3", "Leaflet.markercluster", "Leaflet Control Search", "leaflet-heat"):
        assert library.lower() in page.lower(), library
    assert "L.Control.FullScreen" in page or "fullscreen" in page.lower()
    assert out.stat().st_size < 2_000_000
    assert "tile.openstreetmap.org" not in page and "{z}/{x}/{y}" not in page  # an offline map loads no remote tiles
    online = write_map(walked, tmp_path / "online.html")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in online.read_text("utf-8")


def test_offline_fails_clearly_when_an_asset_is_missing(walked: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("walktool.maps.page.offline_assets", lambda: {})
    with pytest.raises(MapError, match=r"leaflet\.js"):
        map_html(build_map(walked, offline=True), offline=True)


# -- pieces ---------------------------------------------------------------------------------
def test_score_colour_scale() -> None:
    assert score_colour(0) == "#d7191c"
    assert score_colour(50) == "#ffffbf"
    assert score_colour(100) == "#2c7bb6"
    assert score_colour(None) == score_colour(float("nan")) == NO_SCORE_COLOUR
    assert score_colour(150) == score_colour(100)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111_320
    dx = (lon2 - lon1) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_place_findings_at_station_or_entrance_with_stable_jitter(walked: Project) -> None:
    layer = builtin_stations()
    found = findings(load_observations(walked, CAMPAIGN))
    placed = place_findings(found, layer)
    again = place_findings(found.sample(frac=1, random_state=3), layer).loc[placed.index]
    pd.testing.assert_frame_equal(placed[["lat", "lon"]], again[["lat", "lon"]])  # same finding, same spot
    stations = layer.stations.set_index("station_id")
    entrances = layer.entrances.set_index("station_id")
    spots = set()
    for row in placed.itertuples():
        spots.add((row.lat, row.lon))
        if row.placed == "gps":
            assert (row.lat, row.lon) == (45.51905, -73.5558)
        elif row.placed == "entrance":
            e = entrances.loc[[row.station_id]].iloc[0]
            assert row.zone == "entrance" and metres(row.lat, row.lon, e["lat"], e["lon"]) <= 8.01
        else:
            s = stations.loc[row.station_id]
            assert row.placed == "station" and metres(row.lat, row.lon, s["lat"], s["lon"]) <= 30.01
    assert len(spots) == len(placed)  # no two markers stacked exactly
    nowhere = found.head(1).assign(station_id=None, lat=None, lon=None)
    assert place_findings(nowhere, layer).empty


# -- command line ---------------------------------------------------------------------------
def test_cli_writes_the_map(walked: Project, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "sortie" / "carte.html"
    result = runner.invoke(app, ["map", "--out", str(out), "--project", str(walked.root)], env=PROJECT_LANGUAGE)
    assert result.exit_code == 0, result.output
    assert out.is_file() and "Constats" in out.read_text("utf-8")
    assert str(out) in result.stdout.replace("\n", "")
    result = runner.invoke(app, ["map", "--offline", "--lang", "en", "--campaign", CAMPAIGN, "--project", str(walked.root)])
    assert result.exit_code == 0, result.output
    default = walked.reports_dir / "map.html"
    assert default.is_file() and "See and be seen" in default.read_text("utf-8")


def test_cli_errors(walked: Project, tmp_path: Path, runner: CliRunner) -> None:
    empty = walktool.init_project(tmp_path / "vide")
    empty.close()
    result = runner.invoke(app, ["map", "--project", str(empty.root)])
    assert result.exit_code == 1
    assert "no observations" in result.stderr and "walktool import" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["map", "--campaign", "2031", "--project", str(walked.root)])
    assert result.exit_code == 1 and "2031" in result.stderr and CAMPAIGN in result.stderr
    result = runner.invoke(app, ["map", "--lang", "de", "--project", str(walked.root)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["map", "--help"])
    assert result.exit_code == 0 and "--offline" in result.stdout


# -- the page: title, language, pinned assets, basemap, notice ---------------------------------
_URL = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_PINNED = re.compile(r"(@\d+\.\d+\.\d+/|/\d+\.\d+\.\d+/)")


def test_page_has_a_title_a_language_and_only_pinned_assets(walked: Project, fr_html: str, tmp_path: Path) -> None:
    assert fr_html.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    title = re.search(r"<title>(.*?)</title>", fr_html)
    assert title and title.group(1) == f"proj · {CAMPAIGN} · Carte des marches exploratoires"
    assert 'name="viewport"' in fr_html
    urls = _URL.findall(fr_html)
    assert any("leaflet@1.9.3/dist/leaflet.js" in u for u in urls) and any("leaflet-locatecontrol/0.66.2" in u for u in urls)
    for url in urls:  # every script and stylesheet at an exact version, over https
        assert url.startswith("https://") and _PINNED.search(url), url
        assert not re.search(r"@(main|master|latest)\b", url), url
    assert "@main" not in fr_html
    assert "$(`" not in fr_html  # nothing needs jQuery, which the page does not load
    assert "L.HeatLayer" in fr_html  # the heat plugin embedded (folium links it at @main)
    en = map_html(build_map(walked, lang="en"))
    assert '<html lang="en">' in en and "Exploratory walk map</title>" in en
    # the JavaScript and CSS come from the package's asset files, not from Python strings
    from importlib.resources import files

    assets = files("walktool.maps").joinpath("assets")
    for name in ("page.js", "page.css", "walkmap.js", "walkmap.css", "notice.html", "legend.html"):
        text = assets.joinpath(name).read_text("utf-8")
        assert text.strip(), name
        if name.endswith(".js"):
            assert text.strip().splitlines()[-1] == "}());", name
            assert text.replace("</script", "<\\/script") in fr_html, name


def test_online_page_asks_tiles_with_a_referrer_policy_and_says_when_offline(walked: Project, fr_map: folium.Map, fr_html: str, tmp_path: Path) -> None:
    tiles = [c for c in fr_map._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and tiles[0].tiles == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert tiles[0].options["referrer_policy"] == "strict-origin-when-cross-origin"
    assert '"referrerPolicy": "strict-origin-when-cross-origin"' in fr_html
    assert f"window.walktoolPage.watchTiles({tiles[0].get_name()});" in fr_html
    notice = re.search(r'<div class="wt-notice" role="alert">(.*?)</div>', fr_html, re.DOTALL)
    assert notice and "Pas d&#x27;internet" in notice.group(1) and "<code>walktool map --offline</code>" in notice.group(1)
    en = map_html(build_map(walked, lang="en"))
    assert "No internet: the basemap and the map&#x27;s scripts cannot load." in en
    offline = write_map(walked, tmp_path / "off.html", offline=True).read_text("utf-8")
    assert 'class="wt-notice"' not in offline and "walktoolPage.watchTiles(tile_layer" not in offline
    assert '"referrerPolicy"' not in offline and "tile.openstreetmap.org" not in offline
    assert '<html lang="fr">' in offline and "<title>" in offline


@pytest.mark.parametrize(
    ("tiles", "attribution", "url", "credit"),
    [
        ("OpenStreetMap.France", "", "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", "OpenStreetMap France"),
        ("https://tuiles.ville.example/{z}/{x}/{y}.png", "© Ville de Montréal", "https://tuiles.ville.example/{z}/{x}/{y}.png", "© Ville de Montréal"),
        ("none", "", None, None),
    ],
)
def test_basemap_is_the_one_the_project_chose(walked: Project, tiles: str, attribution: str, url: str | None, credit: str | None) -> None:
    import dataclasses

    before = walked.settings
    walked.save_settings(dataclasses.replace(before, map_tiles=tiles, map_attribution=attribution, map_referrer_policy="origin"))
    try:
        fmap = build_map(walked)
    finally:
        walked.save_settings(before)
    layers = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    if url is None:
        assert layers == []
        return
    assert [layer.tiles for layer in layers] == [url]
    assert credit is not None and credit in layers[0].options["attribution"]
    assert layers[0].options["referrer_policy"] == "origin"


# -- popups -------------------------------------------------------------------------------------
def test_finding_cards_give_the_answer_in_words(tmp_path: Path, data_dir: Path) -> None:
    from walktool.ingest import import_files

    project = walktool.init_project(tmp_path / "kobo")
    try:
        import_files(project, [data_dir / "kobo" / "walktool_xml_groups.csv"], campaign="2024")
        fmap = build_map(project, lang="fr")
        doc = walktool_doc(map_html(fmap))
        rows = by_name(fmap, "Constats").data
        answered = {(doc["labels"][r[5]], doc["answers"][r[12]]) for r in rows if r[12] >= 0}
        protocol = project.protocol()
        assert (html.escape(protocol.item("dark_corners").label.fr), "Oui") in answered
        assert (html.escape(protocol.item("emergency_phone").label.fr), html.escape(protocol.answer_label("emergency_phone", "not_working", "fr"))) in answered
        assert all(r[12] >= 0 for r in rows)  # every finding of a checklist says what was answered
        assert doc["text"]["answer"] == "Réponse" and doc["text"]["comment"] == "Commentaire"
        assert "Bout du quai direction Angrignon; &quot;coin&quot; sans caméra" in doc["comments"]
    finally:
        project.close()


def test_findings_table_rows_are_reported_problems(fr_map: folium.Map, fr_html: str) -> None:
    """A findings table names the problem without an answer: the card says it was reported."""
    doc = walktool_doc(fr_html)
    rows = by_name(fr_map, "Constats").data
    assert {doc["answers"][r[12]] for r in rows} == {"signalé comme problème"}


def test_worst_zones_are_listed_most_findings_first(walked: Project) -> None:
    from walktool.maps.data import gather
    from walktool.maps.popups import station_card

    data = gather(walked, None, "fr")
    rec = dict(next(r for r in data.stations if r["name"] == "Papineau"))
    # weights order them 101 (hall), 90 (platform), 94 (stairs): the card shows counts, so counts order them
    rec["hotspots"] = [
        {"zone": "hall", "findings": 101, "weight": 300.0},
        {"zone": "platform", "findings": 90, "weight": 290.0},
        {"zone": "stairs", "findings": 94, "weight": 200.0},
    ]
    card = station_card(rec, data, [])
    zones = re.search(r"Zones les plus touchées</b> : (.*?)</p>", card)
    assert zones and re.findall(r"\((\d+)\)", zones.group(1)) == ["101", "94", "90"]


# -- photos a sheet's author controls ------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The fixture project with one finding per hostile photo cell."""
    rows = [[*ROWS[0][:10], photo] for photo in HOSTILE_PHOTOS]
    project = make_walk_project(tmp_path_factory.mktemp("hostile") / "proj", rows)
    try:
        yield project
    finally:
        project.close()


def test_remote_photos_are_links_the_map_never_fetches(hostile: Project, tmp_path: Path) -> None:
    for offline in (False, True):
        page = write_map(hostile, tmp_path / f"map-{offline}.html", offline=offline).read_text("utf-8")
        photos = walktool_doc(page)["photos"]
        assert len(photos) == len(HOSTILE_PHOTOS)
        assert not any("tracker.example" in img for p in photos for img in re.findall(r"<img\b[^>]*>", p))
        links = [p for p in photos if "tracker.example" in p]
        assert len(links) == 3  # https, http and protocol-relative: links, in both modes
        for link in links:
            anchor = re.search(r'<a href="(https?://tracker\.example/[^"]+)" target="_blank" rel="noopener noreferrer nofollow">', link)
            assert anchor, link
        assert html.escape(TRACKER) in " ".join(photos)
        assert '<a href="https://tracker.example/protocol-relative.png"' in " ".join(photos)
        # other schemes are text: no link, no image, nothing run
        for p in photos:
            if "javascript:" in p or "data:image" in p:
                assert "<a " not in p and "<img" not in p and "onload=" not in p.replace("onload=&#x27;", ""), p


def test_overlong_and_odd_photo_names_do_not_break_the_map(hostile: Project, tmp_path: Path, runner: CliRunner) -> None:
    long_name = next(p for p in HOSTILE_PHOTOS if len(p.encode()) > 255 and "/" not in p)
    import os

    with pytest.raises(OSError, match="too long"):  # what the file system says of it
        os.stat(hostile.walks_dir / long_name)
    out = tmp_path / "carte.html"
    result = runner.invoke(app, ["map", "--out", str(out), "--project", str(hostile.root)], env=PROJECT_LANGUAGE)
    assert result.exit_code == 0, result.output
    photos = walktool_doc(out.read_text("utf-8"))["photos"]
    shown = next(p for p in photos if "IMG_" in p)
    assert "photo absente du dossier du projet" in shown and "<img" not in shown and "…" in shown
    # a path out of the project is not shown, even when the file exists; the name is
    outside = next(p for p in photos if "passwd" in p)
    assert "<img" not in outside and "<a " not in outside
    # a long path whose file name is a photo of the project finds it in walks/
    assert any("photos/staff/papineau-" in p for p in photos)


def test_find_photo_survives_whatever_the_cell_holds(hostile: Project) -> None:
    from walktool.maps.photos import find_photo, photo_index

    index = photo_index(hostile)
    for text in ["x" * 5000 + ".jpg", "a\x00b.jpg", "/" * 300, "é" * 300, "\\\\server\\share\\papineau.jpg", "C:\\photos\\papineau.JPG"]:
        found = find_photo(text, hostile, index)
        assert found is None or found.name == "papineau.jpg", text
    assert find_photo("C:\\photos\\papineau.JPG", hostile, index) == index["papineau.jpg"]


# -- the comparison map is drawn on the same page ------------------------------------------------
def test_compare_map_gets_the_same_page(tmp_path: Path, runner: CliRunner) -> None:
    import dataclasses

    from walktool.compare import compare, write_compare_map
    from walktool.ingest import import_files

    project = make_walk_project(tmp_path / "two")
    try:
        later = tmp_path / "two-suivi.csv"  # the same walk a year later
        later.write_bytes((tmp_path / "two-constats.csv").read_bytes().replace(b"2023-11-", b"2024-11-"))
        import_files(project, [later], campaign="2024-suivi", fmt="findings-table")
        comparison = compare(project, CAMPAIGN, "2024-suivi")
        online = write_compare_map(project, comparison, tmp_path / "reports" / "compare.html", "en").read_text("utf-8")
        assert '<html lang="en">' in online
        assert re.search(r"<title>two · 2023-pilote → 2024-suivi · Campaign comparison</title>", online)
        assert '"referrerPolicy": "strict-origin-when-cross-origin"' in online and "walktoolPage.watchTiles(tile_layer" in online
        assert "No internet: the basemap and the map&#x27;s scripts cannot load." in online
        assert "<code>walktool compare --map FILE.html --offline</code>" in online
        assert "Société de transport de Montréal (STM)" in online  # the data's credit
        assert "$(`" not in online and "jquery" not in online.lower()  # popups bound without jQuery (not loaded)
        assert online.count(".bindPopup(") == len(comparison.stations)
        for url in _URL.findall(online):
            assert url.startswith("https://") and _PINNED.search(url), url
        offline = write_compare_map(project, comparison, tmp_path / "reports" / "compare-off.html", "fr", offline=True).read_text("utf-8")
        assert '<html lang="fr">' in offline and "Comparaison des campagnes</title>" in offline
        assert not re.search(r"<script[^>]*\bsrc\s*=", offline) and not re.search(r"<link[^>]*\bhref\s*=", offline)
        assert 'class="wt-notice"' not in offline and "tile.openstreetmap.org" not in offline
        cli = tmp_path / "reports" / "cli.html"
        result = runner.invoke(app, ["compare", "--before", CAMPAIGN, "--after", "2024-suivi", "--map", str(cli), "--offline", "--project", str(project.root)])
        assert result.exit_code == 0, result.output
        assert not re.search(r"<script[^>]*\bsrc\s*=", cli.read_text("utf-8")) and str(cli) in result.stdout.replace("\n", "")
        # the project's basemap choice holds for it too
        project.save_settings(dataclasses.replace(project.settings, map_tiles="none"))
        bare = write_compare_map(project, comparison, tmp_path / "reports" / "bare.html", "fr").read_text("utf-8")
        assert "tile.openstreetmap.org" not in bare and 'class="wt-notice"' in bare
    finally:
        project.close()


# -- archive scale: findings grouped ----------------------------------------------------------
def test_many_findings_are_grouped_per_station_zone_principle_and_period(walked: Project) -> None:
    from walktool.maps.data import gather
    from walktool.maps.groups import GROUP_ABOVE

    assert GROUP_ABOVE == 5_000
    found = gather(walked, None, "en").findings
    keys = found[["station_id", "zone", "principle", "period"]].astype(str)
    expected = sorted(map(tuple, keys.drop_duplicates().to_numpy().tolist()))
    fmap = build_map(walked, lang="en", group_above=3)  # 6 findings > 3: grouped
    page = map_html(fmap)
    doc = walktool_doc(page)
    cluster = by_name(fmap, "Findings")
    assert cluster.layer_name.endswith(f"({len(ROWS)})")  # the layer still counts findings, not groups
    rows = cluster.data
    assert len(rows) == len(expected) < len(ROWS)
    severities = [s["key"] for s in doc["severities"]]
    weights = doc["weights"]
    # every finding in exactly one group, counted by severity; the group's colour is its most severe finding's
    assert sum(sum(r[13]) for r in rows) == len(ROWS)
    total = [0] * (len(severities) + 1)
    for r in rows:
        members = r[14]
        assert len(r) == 16 and len(members) == sum(r[13])  # under GROUP_LISTED: all of them listed
        assert [m[2] for m in members] == sorted((m[2] for m in members), key=lambda s: -weights[s])  # most severe first
        assert r[2] == members[0][2]
        assert all(m[6] == r[6] and m[7] == r[7] and m[3] == r[3] and m[4] == r[4] for m in members)  # one place, principle, period
        total = [a + b for a, b in zip(total, r[13], strict=True)]
        assert doc["groupTitles"][r[15]] == (f"{sum(r[13])} findings here, the most severe first" if sum(r[13]) > 1 else "1 finding here")
    by_severity = {s: total[i] for i, s in enumerate(severities)}
    assert by_severity == {"low": 2, "medium": 2, "high": 1, "critical": 1}
    # Papineau's platform: two "dark corners" at night, the high one listed first
    quai = next(r for r in rows if sum(r[13]) == 2 and doc["zones"][r[6]] in {"Platform", "Quai"})
    assert [severities[m[2]] for m in quai[14]] == ["high", "medium"]
    assert html.unescape(doc["comments"][quai[14][0][8]]) == SCRIPT_COMMENT  # escaped in the tables, listed in the popup
    # the rule is said on the map, in its language
    assert "More than 3 findings: one marker per station, zone, principle and period" in page
    fr_page = map_html(build_map(walked, lang="fr", group_above=3))
    assert "Plus de 3 constats" in fr_page and "More than 3" not in fr_page


def test_campaign_scale_map_is_not_grouped(fr_map: folium.Map, fr_html: str) -> None:
    assert all(len(r) == 13 for r in by_name(fr_map, "Constats").data)
    assert "wt-grouped" not in fr_html and "groupTitles" not in walktool_doc(fr_html)
