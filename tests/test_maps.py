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
    IMG_COMMENT,
    OBSERVERS,
    ROWS,
    SCRIPT_COMMENT,
    STATIONS_WITH_DATA,
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
    match = re.search(r"var W = (\{.*?\});\n", page)
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
    # no --lang: the project's language (French by default)
    assert control_names(build_map(walked)) == control_names(fr_map)


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
    assert json.dumps(html.escape(f"Stations: {STM_ATTRIBUTION}"), ensure_ascii=False) in fr_html
    assert "OpenStreetMap\\u003c/a\\u003e contributors" in fr_html and "tile.openstreetmap.org" in fr_html
    offline_map = build_map(walked, offline=True)
    assert not any(isinstance(c, folium.TileLayer) for c in offline_map._children.values())
    offline = write_map(walked, tmp_path / "off.html", offline=True).read_text("utf-8")
    assert html.escape(f"Stations: {STM_ATTRIBUTION}") in offline and "tile.openstreetmap.org" not in offline


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


def test_station_card(fr_map: folium.Map) -> None:
    stations = by_name(fr_map, "Stations")
    card = next(f for f in stations.data["features"] if f["properties"]["name"] == "Papineau")["properties"]["popup"]
    for label in PRINCIPLES_FR:
        assert html.escape(label) in card
    assert "Recommandations prioritaires" in card and "Responsable" in card and "Échéance" in card
    assert "4 constats" in card and "3 participant·e·s" in card
    assert "Zones les plus touchées" in card and "Quai (2)" in card
    assert card.count("<li>") == 3  # the top three of its four findings' recommendations
    beaudry = next(f for f in stations.data["features"] if f["properties"]["name"] == "Beaudry")["properties"]["popup"]
    assert "confiance faible" in beaudry and "Immédiat" in beaudry  # critical: immediate fast track


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
    # the photo found in walks/ gets a thumbnail linking to it, relative to reports/
    thumb = next(p for p in doc["photos"] if "papineau.jpg" in p)
    assert 'href="../walks/photos/papineau.jpg"' in thumb and '<img class="wt-thumb" src="../walks/photos/papineau.jpg"' in thumb
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
    online = write_map(walked, tmp_path / "online.html")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in online.read_text("utf-8")


def test_offline_fails_clearly_when_an_asset_is_missing(walked: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("walktool.maps.offline_assets", lambda: {})
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
    result = runner.invoke(app, ["map", "--out", str(out), "--project", str(walked.root)])
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
