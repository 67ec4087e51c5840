"""Another city in one step: a real GTFS feed (LA Metro rail) sets the project up, and walks import there.

The feed is a trimmed copy of LA Metro's published rail GTFS (tests/data/gtfs_la_metro/README.md).
"""

from __future__ import annotations

import json
import shutil
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import folium
import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.errors import StationsError
from walktool.project import MONTREAL_BOUNDS, Project, Settings
from walktool.stations import import_stations, read_stations_file, study_area_for

LA = Path(__file__).parent / "data" / "gtfs_la_metro"
LA_CREDIT = "Source: Metro - Los Angeles (GTFS published by Los Angeles County Metropolitan Transportation Authority)"
# route colours of routes.txt
LA_COLOURS = {"Metro A Line (Blue)": "#0072BC", "Metro B Line (Red)": "#EB131B", "Metro D Line (Purple)": "#A05DA5", "Metro E Line (Expo)": "#5BC2E7"}


@pytest.fixture(scope="module")
def la_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "gtfs_rail.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(LA.glob("*.txt")):
            zf.write(file, file.name)
    return path


@pytest.fixture
def la_project(tmp_path: Path, la_zip: Path) -> Project:
    feed = shutil.copy(la_zip, tmp_path / "gtfs_rail.zip")
    return walktool.init_project(tmp_path / "walks-la", stations=feed)


# -- reading the feed ------------------------------------------------------------------------------------------


def test_la_metro_feed_gives_stations_entrances_lines_and_what_the_feed_says(la_zip: Path) -> None:
    layer = read_stations_file(la_zip)
    assert len(layer.stations) == 102 and len(layer.entrances) == 220
    assert layer.feed is not None
    assert layer.feed.timezone == "America/Los_Angeles"
    assert layer.feed.agencies == ["Metro - Los Angeles"]
    assert layer.feed.publisher == "Los Angeles County Metropolitan Transportation Authority"
    assert layer.feed.routes == 7
    assert layer.credit == LA_CREDIT
    stations = layer.stations.set_index("name")
    # the station's lines: subway (route_type 1) before light rail (0)
    assert stations.at["7th Street / Metro Center Station", "lines"] == "Metro B Line (Red);Metro D Line (Purple);Metro A Line (Blue);Metro E Line (Expo)"
    assert stations.at["Union Station", "lines"] == "Metro B Line (Red);Metro D Line (Purple);Metro L Line (Gold)"
    # only stations no trip of the feed serves (not yet open in October 2022) have no line
    assert sorted(stations.index[stations["lines"].isna()]) == ["Airport Metro Connector", "Aviation / Century Station", "Little Tokyo / Arts District Station"]


def test_line_shapes_in_route_colours_from_shapes_or_stop_order(la_zip: Path) -> None:
    lines = read_stations_file(la_zip).lines.set_index("name")
    assert len(lines) == 7
    for name, colour in LA_COLOURS.items():
        assert lines.at[name, "color"] == colour
    # the subway lines have their shape in shapes.txt; the others are drawn through their stations in stop order
    assert lines.at["Metro B Line (Red)", "line_id"] == "802EB_190513"
    assert len(json.loads(lines.at["Metro B Line (Red)", "coords"])) == 307
    expo = json.loads(lines.at["Metro E Line (Expo)", "coords"])
    assert lines.at["Metro E Line (Expo)", "line_id"] == "route:806"
    assert len(expo) == 19 and expo[0] != expo[-1]


def test_feed_folder_zip_and_stops_txt_beside_its_feed_read_the_same(la_zip: Path) -> None:
    from_zip = read_stations_file(la_zip)
    for source in (LA, LA / "stops.txt"):
        other = read_stations_file(source)
        assert other.stations.equals(from_zip.stations)
        assert other.lines["color"].tolist() == from_zip.lines["color"].tolist()
        assert other.credit == LA_CREDIT


def test_study_area_is_the_stations_extent_plus_2_km(la_zip: Path) -> None:
    layer = read_stations_file(la_zip)
    area = study_area_for(layer)
    extent = layer.extent()  # stations and entrances
    assert area is not None and extent is not None
    for inner, outer in ((extent[1], area[1]), (area[3], extent[3])):  # latitude: 2 km = 0.018°
        assert (inner - outer) * 111_320 == pytest.approx(2000, abs=15)
    assert area[0] < extent[0] and area[2] > extent[2]
    assert walktool.stations.city.outside_area(layer, area) == 0


# -- failure 1: one step sets the city up ---------------------------------------------------------------------


def test_init_with_another_citys_feed_sets_study_area_timezone_city_credit_and_relative_path(la_project: Project) -> None:
    s = la_project.settings
    assert s.timezone == "America/Los_Angeles"
    assert s.city == "Los Angeles"
    assert s.credit == LA_CREDIT
    assert s.stations == "../gtfs_rail.zip"  # relative to the project
    assert s.study_area[0] < -118.4 and s.study_area[2] > -117.9 and 33.7 < s.study_area[1] < 33.8
    doc = tomllib.loads(la_project.settings_path.read_text("utf-8"))
    assert doc["project"]["stations"] == "../gtfs_rail.zip"
    assert doc["study_area"]["min_lat"] == s.study_area[1]
    report = la_project.stations_import
    assert report is not None and report.outside == 0
    assert {c.setting for c in report.changes} == {"study_area", "timezone", "city", "credit", "stations"}
    assert any("guessed from the time zone" in c for c in report.checks)
    store = la_project.store
    assert store.count("stations") == 102 and store.get_meta("stations_timezone") == "America/Los_Angeles"
    assert walktool.load_stations(la_project).stations.set_index("name").at["Union Station", "lines"].startswith("Metro B Line (Red)")


def test_a_point_near_a_station_imports_with_no_manual_edit_and_night_follows_the_feeds_timezone(la_project: Project, tmp_path: Path, write_csv: object) -> None:
    layer = walktool.load_stations(la_project).stations.set_index("name")
    union = layer.loc["Union Station"]
    # 17:30 local on 15 January: after sunset in Los Angeles (17:10); 14:30 in Los Angeles were it Montréal time
    sheet = write_csv(  # type: ignore[operator]
        tmp_path / "constats.csv",
        [["Latitude", "Longitude", "Élément", "Gravité", "Date", "Heure"],
         [f"{union['lat'] + 0.0004:.6f}", f"{union['lon'] + 0.0003:.6f}", "dark_corners", "élevée", "2024-01-15", "17:30"],
         [f"{union['lat']:.6f}", f"{union['lon']:.6f}", "cleanliness", "", "2024-01-15", "12:00"]],
    )
    result = walktool.import_files(la_project, [sheet])
    assert (result.accepted, result.rejected) == (2, 0), [str(i) for i in result.issues()]
    obs = la_project.store.read("observations").sort_values("source_row")
    assert obs["station_name"].tolist() == ["Union Station", "Union Station"]
    assert obs["station_match"].tolist() == ["position", "position"]
    assert obs["local_time"].tolist() == ["2024-01-15T17:30:00-08:00", "2024-01-15T12:00:00-08:00"]
    assert obs["observed_at"].tolist() == ["2024-01-16T01:30:00Z", "2024-01-15T20:00:00Z"]
    assert obs["period"].tolist() == ["night", "day"]


def test_the_map_carries_the_feeds_credit_and_line_colours(la_project: Project, tmp_path: Path, write_csv: object) -> None:
    from walktool.maps import build_map, map_html

    union = walktool.load_stations(la_project).stations.set_index("name").loc["Union Station"]
    sheet = write_csv(tmp_path / "f.csv", [["Latitude", "Longitude", "Élément"], [str(union["lat"]), str(union["lon"]), "dark_corners"]])  # type: ignore[operator]
    walktool.import_files(la_project, [sheet])
    fmap = build_map(la_project, lang="en")
    page = map_html(fmap)
    assert json.dumps(f"Stations: {LA_CREDIT}")[1:-1] in page
    assert "Société de transport de Montréal" not in page
    colours = {c.options.get("color") for c in _walk(fmap) if isinstance(c, folium.PolyLine)}
    assert set(LA_COLOURS.values()) <= colours


def _walk(node: object) -> list[object]:
    out = []
    for child in getattr(node, "_children", {}).values():
        out.append(child)
        out += _walk(child)
    return out


def test_stm_credit_stays_when_stm_data_is_the_layer(project: Project) -> None:
    assert project.settings.credit.startswith("Source: Société de transport de Montréal (STM)")
    assert walktool.load_stations(project).is_stm


def test_keep_settings_keeps_them_and_warns_that_stations_lie_outside(project: Project, la_zip: Path) -> None:
    before = project.settings
    report = import_stations(project, la_zip, keep_settings=True)
    after = project.settings
    assert (after.timezone, after.city, after.study_area) == (before.timezone, before.city, MONTREAL_BOUNDS)
    assert after.credit == LA_CREDIT  # the credit follows the data
    assert {c.setting for c in report.kept} == {"study_area", "timezone", "city"}
    assert report.outside == 102
    assert any("102 of 102 stations lie outside the study area" in w for w in report.warnings)


def test_cli_stations_import_says_what_was_set_and_what_to_check(runner: CliRunner, project: Project, la_zip: Path) -> None:
    result = runner.invoke(app, ["stations", "import", str(la_zip), "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Imported 102 stations, 220 entrances and 7 line shapes" in out and "(Metro - Los Angeles)" in out
    assert "99 of 102 stations have their lines, from 7 route(s)." in out
    assert "timezone    'America/Los_Angeles'   (agency_timezone in agency.txt; was 'America/Montreal')" in out
    assert "Check:" in out and "walks go farther" in out
    kept = runner.invoke(app, ["stations", "import", str(la_zip), "--keep-settings", "--city", "LA", "--project", str(project.root), "--json"])
    doc = json.loads(kept.stdout)
    assert doc["stations"] == 102 and doc["timezone"] == "America/Los_Angeles" and doc["outside_study_area"] == 0


def test_cli_init_with_stations_and_a_bad_feed_creates_nothing(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "stops.txt"
    bad.write_text("stop_id,stop_name,stop_lat,stop_lon\nS1,Main St,43.6,-79.4\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--stations", str(bad)])
    assert result.exit_code == 1 and "location_type 1" in result.stderr
    assert not (tmp_path / "p").exists()


def test_a_csv_layer_with_no_timezone_warns_when_the_timezone_cannot_be_right(project: Project, data_dir: Path) -> None:
    report = import_stations(project, data_dir / "stations" / "delhi.csv")
    assert project.settings.timezone == "America/Montreal"
    assert any("timezone 'America/Montreal' cannot be the stations'" in w for w in report.warnings)
    assert any("names no source to credit" in c for c in report.checks)
    assert project.settings.study_area[0] > 76  # Delhi, not Montréal
    assert report.outside == 0


# -- failure 2: a headerless stops.txt ------------------------------------------------------------------------


def test_headerless_stops_txt_gets_a_precise_hint(data_dir: Path) -> None:
    # MTA New York City Transit's stops.txt with its header line left out
    with pytest.raises(StationsError) as info:
        read_stations_file(data_dir / "stations" / "nyc_subway_stops_headerless.txt")
    message = str(info.value)
    assert "the header row is missing" in message
    assert "'101', 'Van Cortlandt Park - 242 St', '40.889248', '-73.898583'" in message
    assert "stop_id,stop_code,stop_name,stop_desc,stop_lat,stop_lon,zone_id,stop_url,location_type,parent_station" in message
    assert "Unnamed" not in message


def test_headerless_table_that_is_not_gtfs_says_to_name_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text("Rajiv Chowk,28.6328,77.2197\nKashmere Gate,28.6675,77.2284\n", encoding="utf-8")
    with pytest.raises(StationsError, match=r"header row is missing\. Add a first line naming the columns \(name, lat, lon"):
        read_stations_file(path)


def test_stm_brings_the_packaged_network_back(project: Project, la_zip: Path) -> None:
    import_stations(project, la_zip)
    report = import_stations(project, "stm")
    s = project.settings
    assert (s.stations, s.timezone, s.city, s.study_area) == ("stm", "America/Montreal", "Montréal", MONTREAL_BOUNDS)
    assert s.credit.startswith("Source: Société de transport de Montréal (STM)")
    assert project.store.count("stations") == 68 and report.outside == 0


def test_a_layer_saved_without_the_settings_keeps_its_own_credit(project: Project, la_zip: Path) -> None:
    from walktool.stations import save_stations

    save_stations(project, read_stations_file(la_zip))  # the library call, walktool.toml untouched
    assert walktool.load_stations(project).credit == LA_CREDIT
    edited = project.settings
    import_stations(project, la_zip)
    project.save_settings(replace_credit(project, "Source: LA Metro, GTFS (developer.metro.net)"))
    assert walktool.load_stations(project).credit == "Source: LA Metro, GTFS (developer.metro.net)"
    assert edited.credit.startswith("Source: Société de transport de Montréal")


def replace_credit(project: Project, credit: str) -> Settings:
    return replace(project.settings, credit=credit)
