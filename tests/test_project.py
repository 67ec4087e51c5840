"""The project folder: init, settings, open."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import walktool
from walktool.errors import ProjectError
from walktool.project import MONTREAL_BOUNDS, Project, Settings, read_settings


def test_init_creates_the_project_layout(project: Project) -> None:
    root = project.root
    assert (root / "walktool.toml").is_file()
    assert (root / "protocols" / "stm-exploratory-walk.yaml").is_file()
    assert (root / "walks").is_dir()
    assert (root / "reports").is_dir()
    assert (root / "walktool.gpkg").is_file()
    assert project.settings.name == "proj"
    shipped = walktool.default_protocol_path().read_bytes()
    assert (root / "protocols" / "stm-exploratory-walk.yaml").read_bytes() == shipped


def test_init_loads_the_stm_network(project: Project) -> None:
    store = project.store
    assert store.count("stations") == 68
    assert store.count("entrances") == 137
    assert store.count("lines") == 9
    stations = store.read("stations")
    assert "Côte-des-Neiges" in set(stations["name"])
    assert set(stations["source"]) == {"stm"}
    assert "Société de transport de Montréal (STM)" in (store.get_meta("stations_credit") or "")
    assert store.count("observations") == 0


def test_init_salt_is_secret_and_stable(project: Project) -> None:
    salt = project.salt()
    assert len(salt) == 32
    assert project.salt() == salt
    project.close()
    again = walktool.open_project(project.root)
    try:
        assert again.salt() == salt
    finally:
        again.close()


def test_reinit_keeps_edited_settings_and_data(tmp_path: Path) -> None:
    root = tmp_path / "walks2025"
    first = walktool.init_project(root)
    first.store.set_meta("marker", "kept")
    first.close()
    toml = root / "walktool.toml"
    edited = toml.read_text(encoding="utf-8").replace('name = "walks2025"', 'name = "Campagne automne"').replace(
        'language = "fr"', 'language = "en"'
    )
    toml.write_text(edited, encoding="utf-8")
    (root / "protocols" / "stm-exploratory-walk.yaml").unlink()

    second = walktool.init_project(root, name="ignored")
    try:
        assert toml.read_text(encoding="utf-8") == edited
        assert second.settings.name == "Campagne automne"
        assert second.settings.language == "en"
        assert (root / "protocols" / "stm-exploratory-walk.yaml").is_file()  # missing parts come back
        assert second.store.get_meta("marker") == "kept"
        assert second.store.count("stations") == 68  # not loaded twice
    finally:
        second.close()


def test_settings_are_read_back_typed(tmp_path: Path) -> None:
    settings = Settings(
        name='Walks "2025"',
        city="Toronto",
        timezone="America/Toronto",
        language="en",
        station_radius_m=175.5,
        study_area=(-79.64, 43.58, -79.11, 43.86),
    )
    proj = walktool.init_project(tmp_path / "to", settings=settings, with_stations=False)
    proj.close()
    doc = tomllib.loads((tmp_path / "to" / "walktool.toml").read_text(encoding="utf-8"))
    assert doc["project"]["timezone"] == "America/Toronto"
    back = walktool.open_project(tmp_path / "to")
    try:
        assert back.settings == settings
        assert isinstance(back.settings.station_radius_m, float)
        assert back.settings.study_area == (-79.64, 43.58, -79.11, 43.86)
        assert back.store.count("stations") == 0
    finally:
        back.close()


def test_defaults_when_lines_are_deleted(tmp_path: Path) -> None:
    path = tmp_path / "walktool.toml"
    path.write_text('[project]\nname = "Minimal"\nstation_radius_m = 300\n', encoding="utf-8")
    settings = read_settings(path)
    assert settings.name == "Minimal"
    assert settings.station_radius_m == 300.0
    assert settings.timezone == "America/Montreal"
    assert settings.language == "fr"
    assert settings.study_area == MONTREAL_BOUNDS


def _write_settings(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "walktool.toml"
    text = Settings().to_toml()
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('timezone = "America/Montreal"', 'timezone = "Mars/Olympus_Mons"', "timezone 'Mars/Olympus_Mons'"),
        ('language = "fr"', 'language = "de"', "language 'de'"),
        ("station_radius_m = 250", "station_radius_m = -5", "station_radius_m"),
        ("station_radius_m = 250", 'station_radius_m = "far"', "wrong type"),
        ("min_lon = -73.97", "min_lon = -73.0", "study_area"),
        ('city = "Montréal"', 'city = "Montréal"\ncolour = "blue"', "unknown setting(s) colour"),
        ('name = "Marches exploratoires"', "name = = broken", "not valid TOML"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = "Google.Satellite"', "[map] tiles 'Google.Satellite' is not a tile provider"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = "CartoDB.Positron"', "needs an API key"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = ""', "[map] tiles is empty"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = "https://tiles.example.org/{z}/{x}.png"', "not a tile URL template"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = "ftp://tiles.example.org/{z}/{x}/{y}.png"', "not a tile URL template"),
        ('tiles = "OpenStreetMap.Mapnik"', 'tiles = "https://tiles.example.org/{z}/{x}/{y}.png"', "give its credit line in [map] attribution"),
        ('tiles = "OpenStreetMap.Mapnik"', "tiles = 3", "[map] tiles must be text"),
        ('referrer_policy = "strict-origin-when-cross-origin"', 'referrer_policy = "always"', "referrer_policy 'always' must be one of"),
        ('referrer_policy = "strict-origin-when-cross-origin"', 'referer = "origin"', "unknown setting(s) referer in [map]"),
    ],
)
def test_invalid_settings_name_the_problem(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = _write_settings(tmp_path, old, new)
    with pytest.raises(ProjectError) as info:
        read_settings(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message


def test_map_settings_choose_the_basemap(tmp_path: Path) -> None:
    path = tmp_path / "walktool.toml"
    text = Settings().to_toml()
    doc = tomllib.loads(text)
    assert doc["map"] == {"tiles": "OpenStreetMap.Mapnik", "attribution": "", "referrer_policy": "strict-origin-when-cross-origin"}
    assert "xyzservices" in text and "--offline" in text  # the comments say what to write
    chosen = text.replace('tiles = "OpenStreetMap.Mapnik"', 'tiles = "https://tiles.ville.example/{z}/{x}/{y}.png"').replace(
        'attribution = ""', 'attribution = "© Ville de Montréal"'
    ).replace('referrer_policy = "strict-origin-when-cross-origin"', 'referrer_policy = "origin"')
    path.write_text(chosen, encoding="utf-8")
    settings = read_settings(path)
    assert settings.map_tiles == "https://tiles.ville.example/{z}/{x}/{y}.png"
    assert settings.map_attribution == "© Ville de Montréal"
    assert settings.map_referrer_policy == "origin"
    assert read_settings(path) == settings and tomllib.loads(settings.to_toml())["map"]["referrer_policy"] == "origin"
    for tiles in ("none", "OpenStreetMap.France", "openstreetmap france"):
        path.write_text(text.replace('tiles = "OpenStreetMap.Mapnik"', f'tiles = "{tiles}"'), encoding="utf-8")
        assert read_settings(path).map_tiles == tiles
    path.write_text('[project]\nname = "Sans carte"\n', encoding="utf-8")
    assert read_settings(path).map_tiles == "OpenStreetMap.Mapnik"  # no [map] table: the default


def test_several_invalid_settings_are_reported_together(tmp_path: Path) -> None:
    text = Settings().to_toml().replace('timezone = "America/Montreal"', 'timezone = "Nowhere"').replace(
        'language = "fr"', 'language = "de"'
    )
    (tmp_path / "walktool.toml").write_text(text, encoding="utf-8")
    (tmp_path / "walktool.gpkg").touch()
    with pytest.raises(ProjectError) as info:
        walktool.open_project(tmp_path)
    assert "'Nowhere'" in str(info.value)
    assert "'de'" in str(info.value)


def test_init_refuses_invalid_settings(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="language"):
        walktool.init_project(tmp_path / "p", settings=Settings(language="de"))
    assert not (tmp_path / "p" / "walktool.toml").exists()


def test_open_project_outside_a_project_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        walktool.open_project(tmp_path)
    message = str(info.value)
    assert "not a walktool project" in message
    assert "walktool init" in message
    assert str(tmp_path) in message

    with pytest.raises(ProjectError, match="walktool init"):
        walktool.open_project(tmp_path / "does-not-exist")


def test_open_project_with_store_missing(project: Project) -> None:
    project.close()
    (project.root / "walktool.gpkg").unlink()
    with pytest.raises(ProjectError, match="store is missing"):
        walktool.open_project(project.root)


def test_init_on_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(ProjectError, match="not a folder"):
        walktool.init_project(file)


def test_project_protocol_lookup(project: Project) -> None:
    assert project.protocol().id == "stm-exploratory-walk"
    assert project.protocol("stm-exploratory-walk@1.0").version == "1.0"
    with pytest.raises(ProjectError) as info:
        project.protocol("no-such-protocol")
    assert "stm-exploratory-walk" in str(info.value)  # lists what exists
