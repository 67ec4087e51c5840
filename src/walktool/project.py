"""The project folder: ``walktool.toml`` settings, folders and the store.

``walktool init DIR`` creates::

    DIR/
      walktool.toml    settings (below)
      protocols/       checklists (YAML), one file per protocol version
      walks/           raw sheets copied in on import, never modified
      reports/         maps, workbooks and exports for people
      walktool.gpkg    the project store (GeoPackage)

Settings (``[project]`` and ``[study_area]`` tables of ``walktool.toml``):

name
    Project name shown on maps and reports.
city
    City the stations belong to (free text).
timezone
    IANA time zone of the walks, default ``America/Montreal``: local times and
    day/night periods are derived in it; the store keeps UTC.
language
    ``fr`` (default) or ``en``: default language of maps and reports.
protocol
    Default protocol id, a file in ``protocols/`` (default ``stm-exploratory-walk``).
stations
    Where the stations layer came from: ``stm`` (the packaged STM network) or the
    file given to ``walktool stations import`` (or ``init --stations``), relative to
    the project folder.
credit
    The credit line of the stations data, shown on every map and report (set from
    the GTFS feed's agency.txt / feed_info.txt on import; empty: the layer's own).
store
    Where the project store is: empty for ``walktool.gpkg`` in the project folder,
    another GeoPackage path, or a shared PostGIS archive as a libpq URL
    (``postgresql://user@host:5432/walks``; the password comes from ``PGPASSWORD``,
    ``~/.pgpass`` or a service file, never from this file).  ``WALKTOOL_STORE`` and
    ``walktool --store URL`` override it.
station_radius_m
    Observations within this distance (metres) of a station or one of its
    entrances are placed at that station when the sheet names none (default 250).
study_area
    ``min_lon, min_lat, max_lon, max_lat`` in WGS84: points outside are rejected
    as ``outside-study-area``.

The ``[map]`` table chooses the basemap of online maps (``walktool map`` without
``--offline``, the comparison map):

tiles
    A tile provider of the xyzservices catalogue, by name (default
    ``OpenStreetMap.Mapnik``; e.g. ``OpenStreetMap.France``, ``OpenStreetMap.HOT``,
    ``CyclOSM``); a tile URL template with ``{z}``, ``{x}`` and ``{y}`` (e.g. a city's
    own tile server, ``https://tiles.example.org/{z}/{x}/{y}.png``; then give its
    credit in ``attribution``); or ``none`` for no basemap.  Providers that need an
    API key are given as a URL template holding the key.
attribution
    The credit line of a tile URL template (a provider by name brings its own).
referrer_policy
    The referrer policy of tile requests (default ``strict-origin-when-cross-origin``,
    as OpenStreetMap asks).  OpenStreetMap's servers refuse tile requests without a
    ``Referer``, and a page opened from a file sends none: if tiles show "Access
    blocked", serve the page from a web server, choose another provider, or write
    the map with ``--offline``.

The ``[followup]`` table sets when a recommendation not done is *overdue*, counted
from its campaign's first walk (``immediate_weeks`` 2, ``short_months`` 3,
``medium_months`` 12, ``long_months`` 36).  The ``[privacy]`` table sets how public
outputs (``--audience public``) place observations: ``public_positions`` ``round``
(default: latitude and longitude rounded to ``round_decimals``, default 3, about
110 m north–south and 80 m east–west in Montréal) or ``station`` (at the station's
point).
"""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from walktool.errors import ProjectError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    from walktool.protocol import Protocol
    from walktool.stations import StationsImport
    from walktool.store import Store

SETTINGS_FILE = "walktool.toml"
STORE_FILE = "walktool.gpkg"
STORE_ENV = "WALKTOOL_STORE"
_store_override: list[str | None] = [None]


def use_store(location: str | None) -> None:
    """Open every project's store at ``location`` (``walktool --store``), or stop doing so (None)."""
    _store_override[0] = location or None
MONTREAL_BOUNDS = (-73.97, 45.40, -73.47, 45.72)
DEFAULT_TILES = "OpenStreetMap.Mapnik"
REFERRER_POLICIES = (
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
)
_MAP_KEYS = {"tiles": "map_tiles", "attribution": "map_attribution", "referrer_policy": "map_referrer_policy"}
# [followup] and [privacy]: key → (Settings field, type)
_FOLLOWUP_KEYS = {"immediate_weeks": "followup_immediate_weeks", "short_months": "followup_short_months",
                  "medium_months": "followup_medium_months", "long_months": "followup_long_months"}
_PRIVACY_KEYS = {"public_positions": "privacy_public_positions", "round_decimals": "privacy_round_decimals"}
PUBLIC_POSITIONS = ("round", "station")


@dataclass(frozen=True)
class Settings:
    """Typed project settings, as written in ``walktool.toml``."""

    name: str = "Marches exploratoires"
    city: str = "Montréal"
    timezone: str = "America/Montreal"
    language: str = "fr"
    protocol: str = "stm-exploratory-walk"
    stations: str = "stm"
    credit: str = ""
    store: str = ""
    station_radius_m: float = 250.0
    study_area: tuple[float, float, float, float] = field(default=MONTREAL_BOUNDS)
    map_tiles: str = DEFAULT_TILES
    map_attribution: str = ""
    map_referrer_policy: str = "strict-origin-when-cross-origin"
    followup_immediate_weeks: int = 2
    followup_short_months: int = 3
    followup_medium_months: int = 12
    followup_long_months: int = 36
    privacy_public_positions: str = "round"
    privacy_round_decimals: int = 3

    def validate(self, where: str = SETTINGS_FILE) -> None:
        """Raise :class:`ProjectError` naming every invalid setting."""
        problems: list[str] = []
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Phrase(N_("timezone {timezone!r} is not an IANA time zone (e.g. 'America/Montreal')"), timezone=self.timezone))
        if self.language not in ("fr", "en"):
            problems.append(Phrase(N_("language {language!r} must be 'fr' or 'en'"), language=self.language))
        if not self.station_radius_m > 0:
            problems.append(Phrase(N_("station_radius_m must be a positive number of metres, not {station_radius_m!r}"), station_radius_m=self.station_radius_m))
        min_lon, min_lat, max_lon, max_lat = self.study_area
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            problems.append(
                Phrase(N_("study_area must have min_lon < max_lon and min_lat < max_lat in degrees (got {study_area})"), study_area=self.study_area)
            )
        from walktool.store.location import has_password, is_database_url, mask

        if is_database_url(self.store) and has_password(self.store):
            problems.append(
                Phrase(N_("store {mask!r} holds a password: remove it and give it in PGPASSWORD, ~/.pgpass or a libpq service file (walktool never keeps passwords in the project)"), mask=mask(self.store))
            )
        problems += _map_problems(self)
        for key, name in _FOLLOWUP_KEYS.items():
            if getattr(self, name) < 0:
                problems.append(Phrase(N_("[followup] {key} must be a number of weeks or months, 0 or more"), key=key))
        if self.privacy_public_positions not in PUBLIC_POSITIONS:
            problems.append(Phrase(N_("[privacy] public_positions {privacy_public_positions!r} must be 'round' or 'station'"), privacy_public_positions=self.privacy_public_positions))
        if not 1 <= self.privacy_round_decimals <= 4:
            problems.append(Phrase(N_("[privacy] round_decimals must be 1 to 4 (3 ≈ 100 m), not {privacy_round_decimals!r}"), privacy_round_decimals=self.privacy_round_decimals))
        if problems:
            msg = Phrase(N_("{where}: {problems}"), where=where, problems=Phrase.joined("; ", problems))
            raise ProjectError(msg)

    def to_toml(self) -> str:
        """Render the settings as a commented ``walktool.toml``."""
        min_lon, min_lat, max_lon, max_lat = self.study_area
        return f"""# walktool project settings. Delete a line to get its default back.

[project]
# Shown on maps and reports.
name = {_toml_str(self.name)}
city = {_toml_str(self.city)}
# IANA time zone of the walks: local times and day/night are derived in it (the store keeps UTC).
timezone = {_toml_str(self.timezone)}
# Default language of maps and reports: "fr" or "en".
language = {_toml_str(self.language)}
# Default protocol id: a checklist file in protocols/.
protocol = {_toml_str(self.protocol)}
# Stations layer: "stm" (the packaged STM metro network) or the file given to `walktool stations import`
# (relative to this folder).
stations = {_toml_str(self.stations)}
# Credit line of the stations data, shown on every map and report.
credit = {_toml_str(self.credit)}
# The project store: empty for walktool.gpkg here, or a shared PostGIS archive, "postgresql://user@host/db"
# (its password goes in PGPASSWORD, ~/.pgpass or a service file, never here).
store = {_toml_str(self.store)}
# Observations within this many metres of a station or its entrances are placed at that station.
station_radius_m = {self.station_radius_m:g}

[study_area]
# Points outside these WGS84 bounds are rejected as outside-study-area.
min_lon = {min_lon}
min_lat = {min_lat}
max_lon = {max_lon}
max_lat = {max_lat}

[map]
# Basemap of online maps (`walktool map` without --offline): a provider of the xyzservices catalogue
# ("OpenStreetMap.Mapnik", "OpenStreetMap.France", "CyclOSM", ...), a tile URL template
# "https://tiles.example.org/{{z}}/{{x}}/{{y}}.png" (give its credit in attribution), or "none".
tiles = {_toml_str(self.map_tiles)}
# Credit line of a tile URL template (a provider by name brings its own).
attribution = {_toml_str(self.map_attribution)}
# Referrer policy of tile requests. OpenStreetMap refuses requests without a Referer, and a map opened
# from a file sends none: if its tiles say "Access blocked", serve the page from a web server, choose
# another provider, or use `walktool map --offline`.
referrer_policy = {_toml_str(self.map_referrer_policy)}

[followup]
# A recommendation not done is overdue this long after its campaign's first walk, by timeframe.
immediate_weeks = {self.followup_immediate_weeks}
short_months = {self.followup_short_months}
medium_months = {self.followup_medium_months}
long_months = {self.followup_long_months}

[privacy]
# Positions in public outputs (--audience public): "round" (to round_decimals: 3 is about 100 m) or
# "station" (at the station's point). Comments appear there only when marked publishable.
public_positions = {_toml_str(self.privacy_public_positions)}
round_decimals = {self.privacy_round_decimals}
"""


def _map_problems(settings: Settings) -> list[str]:
    """What is wrong with the ``[map]`` settings (empty when nothing is)."""
    problems: list[str] = []
    tiles = settings.map_tiles.strip()
    if not tiles:
        problems.append(Phrase(N_('[map] tiles is empty: give a provider name (e.g. "OpenStreetMap.Mapnik"), a tile URL or "none"')))
    elif "{z}" in tiles or "://" in tiles:
        if not all(part in tiles for part in ("{z}", "{x}", "{y}")) or not tiles.lower().startswith(("https://", "http://")):
            problems.append(Phrase(N_("[map] tiles {tiles!r} is not a tile URL template: https://…/{{z}}/{{x}}/{{y}}.png"), tiles=tiles))
        elif not settings.map_attribution.strip():
            problems.append(Phrase(N_("[map] tiles {tiles!r} is a URL: give its credit line in [map] attribution (tile providers require it)"), tiles=tiles))
    elif tiles.lower() != "none" and tiles != DEFAULT_TILES:
        import xyzservices

        try:
            provider = xyzservices.providers.query_name(tiles)
        except ValueError:
            problems.append(Phrase(N_("[map] tiles {tiles!r} is not a tile provider of the xyzservices catalogue (e.g. \"OpenStreetMap.Mapnik\", \"OpenStreetMap.France\"), a tile URL or \"none\""), tiles=tiles))
        else:
            if provider.requires_token():
                problems.append(Phrase(N_("[map] tiles {tiles!r} needs an API key: give its URL template with your key instead ({url})"), tiles=tiles, url=provider.url))
    if settings.map_referrer_policy not in REFERRER_POLICIES:
        problems.append(Phrase(N_("[map] referrer_policy {map_referrer_policy!r} must be one of {REFERRER_POLICIES}"), map_referrer_policy=settings.map_referrer_policy, REFERRER_POLICIES=', '.join(REFERRER_POLICIES)))
    return problems


def _extra_tables(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """The values of the ``[followup]`` and ``[privacy]`` tables, by Settings field."""
    out: dict[str, Any] = {}
    for table, keys in (("followup", _FOLLOWUP_KEYS), ("privacy", _PRIVACY_KEYS)):
        values = doc.get(table, {})
        if not isinstance(values, dict) or set(values) - set(keys):
            found = sorted(set(values) - set(keys)) if isinstance(values, dict) else ["(not a table)"]
            msg = Phrase(N_("{path}: unknown setting(s) {found} in [{table}]; known: {keys}"), path=path, found=', '.join(found), table=table, keys=', '.join(sorted(keys)))
            raise ProjectError(msg)
        for key, value in values.items():
            wanted = str if key == "public_positions" else int
            if not isinstance(value, wanted) or isinstance(value, bool):
                kind = "text (in quotes)" if wanted is str else "a whole number"
                msg = Phrase(N_("{path}: [{table}] {key} must be {kind}, not {value!r}"), path=path, table=table, key=key, kind=kind, value=value)
                raise ProjectError(msg)
            out[keys[key]] = value
    return out


def _text_setting(name: str, value: Any) -> str:
    if not isinstance(value, str):
        msg = f"{name} must be text (in quotes), not {value!r}"
        raise TypeError(msg)
    return value


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_settings(path: Path) -> Settings:
    """Read and validate ``walktool.toml``."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        msg = Phrase(N_("{path}: not valid TOML ({exc}); fix the file or delete it and run `walktool init` again"), path=path, exc=exc)
        raise ProjectError(msg) from exc
    proj: dict[str, Any] = doc.get("project", {})
    area: dict[str, Any] = doc.get("study_area", {})
    basemap: dict[str, Any] = doc.get("map", {})
    if not isinstance(basemap, dict) or sorted(set(basemap) - set(_MAP_KEYS)):
        found = sorted(set(basemap) - set(_MAP_KEYS)) if isinstance(basemap, dict) else ["(not a table)"]
        msg = Phrase(N_("{path}: unknown setting(s) {found} in [map]; known: {MAP_KEYS}"), path=path, found=', '.join(found), MAP_KEYS=', '.join(sorted(_MAP_KEYS)))
        raise ProjectError(msg)
    extra = _extra_tables(path, doc)
    defaults = Settings()
    known = {"name", "city", "timezone", "language", "protocol", "stations", "credit", "store", "station_radius_m"}
    unknown = sorted(set(proj) - known)
    if unknown:
        msg = Phrase(N_("{path}: unknown setting(s) {unknown} in [project]; known: {known}"), path=path, unknown=', '.join(unknown), known=', '.join(sorted(known)))
        raise ProjectError(msg)
    try:
        values: dict[str, Any] = {k: (float(v) if k == "station_radius_m" else str(v)) for k, v in proj.items()}
        map_values: dict[str, Any] = {_MAP_KEYS[k]: _text_setting(f"[map] {k}", v) for k, v in basemap.items()}
        settings = replace(
            defaults,
            **values,
            **map_values,
            **extra,
            study_area=(
                float(area.get("min_lon", defaults.study_area[0])),
                float(area.get("min_lat", defaults.study_area[1])),
                float(area.get("max_lon", defaults.study_area[2])),
                float(area.get("max_lat", defaults.study_area[3])),
            ),
        )
    except (TypeError, ValueError) as exc:
        msg = Phrase(N_("{path}: a setting has the wrong type ({exc})"), path=path, exc=exc)
        raise ProjectError(msg) from exc
    settings.validate(str(path))
    return settings


@dataclass
class Project:
    """An opened project folder.

    Use :func:`open_project` or :func:`init_project` to get one.
    """

    root: Path
    settings: Settings
    stations_import: StationsImport | None = field(default=None, repr=False)
    read_only: bool = False

    @property
    def settings_path(self) -> Path:
        """The ``walktool.toml`` file."""
        return self.root / SETTINGS_FILE

    @property
    def protocols_dir(self) -> Path:
        """Folder of the checklists."""
        return self.root / "protocols"

    @property
    def walks_dir(self) -> Path:
        """Folder of the raw sheets, kept as they came."""
        return self.root / "walks"

    @property
    def reports_dir(self) -> Path:
        """Folder of everything written for people."""
        return self.root / "reports"

    @property
    def store_location(self) -> str | Path:
        """Where the store is: ``--store``, else ``WALKTOOL_STORE``, else the ``store`` setting, else walktool.gpkg."""
        import os

        from walktool.store.location import is_database_url

        location = _store_override[0] or os.environ.get(STORE_ENV) or self.settings.store or ""
        if not location.strip():
            return self.root / STORE_FILE
        if is_database_url(location):
            return location.strip()
        return self.root / Path(location).expanduser()

    @property
    def store_shown(self) -> str:
        """The store's location fit to print (a URL's password masked)."""
        from walktool.store.location import mask

        return mask(self.store_location)

    @property
    def store_path(self) -> Path:
        """The project store's file (for an archive, the URL with its password masked)."""
        location = self.store_location
        return location if isinstance(location, Path) else Path(self.store_shown)

    @cached_property
    def store(self) -> Store:
        """The project store, opened on first use."""
        from walktool.store import open_store

        return open_store(self.store_location, read_only=self.read_only)

    def close(self) -> None:
        """Close the store if it was opened."""
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def protocol(self, protocol_id: str | None = None) -> Protocol:
        """Load a protocol by id (default: the project's) from ``protocols/``."""
        from walktool.protocol import find_protocols, load_protocol

        wanted = protocol_id or self.settings.protocol
        found = find_protocols(self.protocols_dir)
        if wanted in found:
            return load_protocol(found[wanted])
        candidate = Path(wanted)
        if candidate.suffix in (".yaml", ".yml") and candidate.exists():
            return load_protocol(candidate)
        known = ", ".join(sorted(k for k in found if "@" not in k)) or "none"
        msg = Phrase(N_("{protocols_dir}: no protocol {wanted!r} (found: {known}); copy its YAML file there"), protocols_dir=self.protocols_dir, wanted=wanted, known=known)
        raise ProjectError(msg)

    def save_settings(self, settings: Settings) -> None:
        """Validate and write new settings to ``walktool.toml``."""
        settings.validate(str(self.settings_path))
        self.settings_path.write_text(settings.to_toml(), encoding="utf-8")
        self.settings = settings

    def salt(self) -> str:
        """Secret used to derive participant pseudonyms (kept in the store)."""
        value = self.store.get_meta("pseudonym_salt")
        if value is None:
            value = secrets.token_hex(16)
            self.store.set_meta("pseudonym_salt", value)
        return value


def find_project_root(start: Path) -> Path | None:
    """Return ``start`` if it holds ``walktool.toml`` (projects are not searched upwards)."""
    return start if (start / SETTINGS_FILE).is_file() else None


def open_project(path: str | Path = ".", *, read_only: bool = False) -> Project:
    """Open the project in ``path`` (``read_only``: its store opened for reading only, as commands that only read do).

    Raises
    ------
    ProjectError
        When ``path`` is not a walktool project; the message says how to make one.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise ProjectError(N_("{root}: no such folder; create a project with `walktool init {path}`"), params={"root": root, "path": path})
    if find_project_root(root) is None:
        raise ProjectError(
            N_("{root} is not a walktool project (no {file}). Create one with `walktool init {path}` or point to one with --project DIR"),
            params={"root": root, "file": SETTINGS_FILE, "path": path},
        )
    project = Project(root, read_settings(root / SETTINGS_FILE), read_only=read_only)
    if isinstance(project.store_location, Path) and not project.store_location.exists():
        raise ProjectError(
            N_("{store}: the project store is missing; run `walktool init {path}` to recreate it"),
            params={"store": project.store_path, "path": path},
        )
    return project


def init_project(
    path: str | Path = ".",
    *,
    name: str | None = None,
    settings: Settings | None = None,
    with_stations: bool = True,
    stations: str | Path | None = None,
    keep_settings: bool = False,
    city: str | None = None,
    credit: str | None = None,
) -> Project:
    """Create a project folder with the default protocol and the STM stations (or another city's).

    Running it again on an existing project adds what is missing and keeps the rest
    (settings, data and protocols are never overwritten), except that ``stations``
    replaces the stations layer.

    Parameters
    ----------
    path
        The project folder (created when missing).
    name
        Project name; default: the folder's name.
    settings
        Settings to write instead of the defaults.
    with_stations
        Load the packaged STM stations into a new store.
    stations
        A stations file (GTFS feed, CSV, GeoJSON) to use instead of the STM network:
        the project is set up for its city in the same step
        (:func:`walktool.stations.import_stations`; what was set is in
        :attr:`Project.stations_import`).  It is read first: when it cannot be used,
        nothing is created.
    keep_settings, city, credit
        Passed to :func:`walktool.stations.import_stations`.

    Returns
    -------
    Project
    """
    import shutil

    from walktool.protocol import default_protocol_path
    from walktool.store import open_store

    root = Path(path).resolve()
    if root.exists() and not root.is_dir():
        msg = Phrase(N_("{root} exists and is not a folder"), root=root)
        raise ProjectError(msg)
    layer = None
    if stations is not None:
        from walktool.stations import read_stations_file

        layer = read_stations_file(stations)  # before anything is created
    for sub in ("protocols", "walks", "reports"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    settings_path = root / SETTINGS_FILE
    if settings_path.exists():
        settings = read_settings(settings_path)
    else:
        if settings is None:
            from walktool.stations import STM_CREDIT

            settings = Settings(name=name or root.name, credit=STM_CREDIT if layer is None and with_stations else "")
        settings.validate()
        settings_path.write_text(settings.to_toml(), encoding="utf-8")
    default = default_protocol_path()
    target = root / "protocols" / default.name
    if not target.exists():
        shutil.copyfile(default, target)
    project = Project(root, settings)
    location = project.store_location
    fresh = not Path(location).exists() if isinstance(location, Path) else True
    store = open_store(location, create=True)
    if not isinstance(location, Path):
        fresh = store.count("stations") == 0
    store.close()
    if layer is not None and stations is not None:
        from walktool.stations import import_stations

        project.stations_import = import_stations(
            project, stations, layer=layer, keep_settings=keep_settings, city=city, credit=credit
        )
    elif fresh and with_stations:
        from walktool.stations import builtin_stations, save_stations

        save_stations(project, builtin_stations())
    project.salt()
    return project
