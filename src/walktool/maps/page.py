"""The page every walktool map is drawn on: basemap, title, language, notice, phone layout, assets.

Both the walk map (:func:`walktool.maps.build_map`) and the comparison map
(:func:`walktool.compare.write_compare_map`) start from :func:`new_map` and are
written by :func:`write_page`, so that every page

* has a ``<title>`` and ``<html lang>``, and the phone layout of ``assets/page.css``
  (controls that fit a 390 px screen, popups sized to the screen);
* loads only pinned assets: Leaflet and its plugins at exact versions from their CDN
  (online), or embedded from the ``folium-offline`` package (offline); the heat
  plugin, which folium links at an unpinned ``@main`` address, is embedded from the
  installed folium itself;
* online, draws the basemap the project chose (``[map] tiles`` in ``walktool.toml``)
  with a referrer policy on its tile requests, and shows a notice in the map's
  language when the scripts or the tiles cannot load, saying how to get a map that
  opens with no internet (``walktool map --offline``).

The JavaScript, CSS and HTML templates live in ``walktool/maps/assets/``.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, Phrase
from walktool.maps.labels import MapError, texts
from walktool.maps.symbols import script_json

if TYPE_CHECKING:
    import folium

    from walktool.project import Settings

__all__ = [
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "OFFLINE_COMMAND",
    "Basemap",
    "asset",
    "basemap",
    "bind_popup",
    "inline_script",
    "inline_style",
    "load_folium",
    "map_html",
    "new_map",
    "offline_assets",
    "script",
    "write_page",
]

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
OFFLINE_COMMAND = "walktool map --offline"
OFFLINE_BACKGROUND = "#eef0f3"
_LANG_ATTR = "_walktool_lang"


@functools.cache
def asset(name: str) -> str:
    """The text of a file of ``walktool/maps/assets`` (JavaScript, CSS, HTML template)."""
    return files("walktool.maps").joinpath("assets", name).read_text(encoding="utf-8")


def load_folium() -> Any:
    """folium with its plugins, loosely typed (folium's plugins carry no type hints)."""
    import folium
    import folium.plugins
    import folium.template

    return folium


def script(js: str) -> Any:
    """A folium element that adds ``js`` to the page's script, in the order it is added to the map."""
    fl = load_folium()
    element = fl.MacroElement()
    element._template = fl.template.Template("{% macro script(this, kwargs) %}" + js + "{% endmacro %}")
    return element


def bind_popup(layer: Any, html_text: str, width: int = 320) -> Any:
    """A script element binding ``html_text`` (escaped HTML) to ``layer`` as a popup sized to the screen.

    Add it to the map after ``layer``.  (folium's own ``Popup`` builds its content with
    jQuery, which walktool's pages do not load.)
    """
    return script(
        f"{layer.get_name()}.bindPopup({script_json(html_text)}, window.walktoolPage.popupOptions({int(width)}, 200, 420));"
    )


def inline_style(fmap: Any, name: str, css: str) -> None:
    """Put ``css`` in the page's head as a ``<style>`` element."""
    fmap.get_root().header.add_child(load_folium().Element(f"<style>{css}</style>"), name=name)


def inline_script(fmap: Any, name: str, js: str, *, body: bool = False) -> None:
    """Put ``js`` in the page as an inline ``<script>``: in the head (before Leaflet), or ``body`` (after it)."""
    safe = js.replace("</script", "<\\/script")
    element = load_folium().Element(f"<script>/* {name} */\n{safe}\n</script>")
    root = fmap.get_root()
    (root.html if body else root.header).add_child(element, name=name)


# -- the basemap ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Basemap:
    """The tiles of an online map, as the project's ``[map]`` settings choose them.

    Attributes
    ----------
    tiles
        A tile URL template, or an :mod:`xyzservices` provider (which carries its
        own URL, credit, subdomains and zoom range).
    attribution
        The credit line (HTML) for a URL template; empty for a provider.
    referrer_policy
        Sent with every tile request (``referrerPolicy`` of Leaflet's tile layer).
    """

    tiles: Any
    attribution: str
    referrer_policy: str


def basemap(settings: Settings) -> Basemap | None:
    """The basemap ``settings`` choose (None for ``tiles = "none"``).

    The settings were validated when the project was opened
    (:meth:`walktool.project.Settings.validate`).
    """
    name = settings.map_tiles.strip()
    if name.lower() == "none":
        return None
    if "{z}" in name:
        return Basemap(name, settings.map_attribution, settings.map_referrer_policy)
    import xyzservices

    return Basemap(xyzservices.providers.query_name(name), "", settings.map_referrer_policy)


# -- a new page ----------------------------------------------------------------------------
def new_map(
    location: list[float],
    *,
    lang: str,
    title: str,
    settings: Settings,
    offline: bool,
    credit: str = "",
    zoom_start: int = 13,
    max_zoom: int = 19,
    offline_command: str = OFFLINE_COMMAND,
    **options: Any,
) -> folium.Map:
    """A folium map on walktool's page: title, language, phone layout, basemap, notice.

    Parameters
    ----------
    location
        The centre, ``[lat, lon]``.
    lang
        ``fr`` or ``en``: the page's ``lang`` and the notice's language.
    title
        The page's ``<title>`` (plain text).
    settings
        The project's settings (``[map]``: tiles, attribution, referrer policy).
    offline
        Leave out the basemap and the notice (render with ``offline=True`` to embed
        Leaflet and its plugins).
    credit
        The data's credit line (plain text), added to the attribution.
    offline_command
        The command the notice gives for a page that opens with no internet.
    zoom_start, max_zoom, options
        Passed to :class:`folium.Map`.

    Returns
    -------
    folium.Map
        Leaflet only as its default assets (no jQuery, Bootstrap or icon fonts).
    """
    fl = load_folium()
    t = texts(lang)
    fmap = fl.Map(location=location, zoom_start=zoom_start, tiles=None, control_scale=True, max_zoom=max_zoom, **options)
    fmap.options["max_zoom"] = max_zoom  # the clusters need it even with no tile layer (offline)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    setattr(fmap, _LANG_ATTR, lang)
    root = fmap.get_root()
    root.title = html.escape(title, quote=False)
    # first in the head: it catches a script that fails to load, before Leaflet is asked for
    inline_script(fmap, "walktool_page_js", asset("page.js"))
    css = asset("page.css")
    if offline:
        css += f"\n.folium-map.leaflet-container {{ background: {OFFLINE_BACKGROUND}; }}\n"
    inline_style(fmap, "walktool_page_css", css)
    tiles = None if offline else basemap(settings)
    if tiles is not None:
        layer = fl.TileLayer(
            tiles.tiles,
            attr=tiles.attribution or None,
            name="basemap",
            control=False,
            max_zoom=max_zoom,
            referrer_policy=tiles.referrer_policy,
        )
        layer.add_to(fmap)
        script(f"window.walktoolPage.watchTiles({layer.get_name()});").add_to(fmap)
    if not offline:
        notice = Template(asset("notice.html")).substitute(
            notice=html.escape(t["notice"]),
            hint=html.escape(t["notice_hint"]),
            command=html.escape(offline_command),
            close=html.escape(t["close"]),
        )
        root.html.add_child(fl.Element(notice), name="walktool_notice")
    if credit:
        script(f"{fmap.get_name()}.attributionControl.addAttribution({script_json(html.escape(credit))});").add_to(fmap)
    # once the page's script has added every control: popups are panned clear of them
    script(f"setTimeout(function () {{ window.walktoolPage.fitPopups({fmap.get_name()}); }}, 0);").add_to(fmap)
    return fmap


# -- writing the page ----------------------------------------------------------------------
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>\s*</script>""", re.IGNORECASE)
_LINK_HREF = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']stylesheet["'][^>]*>""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(?!data:|#)([^)"']+)\1\s*\)""", re.IGNORECASE)


def offline_assets() -> dict[str, str]:
    """Leaflet and plugin files by the CDN address folium links to, from the ``folium-offline`` package.

    Raises
    ------
    MapError
        When ``folium-offline`` is not installed.
    """
    try:
        from offlinefolium.elements import _res  # the embedded copies of folium's CDN files
    except ImportError as exc:  # pragma: no cover - a declared dependency
        msg = Phrase(N_('the offline map needs the folium-offline package: pip install folium-offline'))
        raise MapError(msg) from exc
    return dict(_res)


def map_html(fmap: folium.Map, offline: bool = False) -> str:
    """Render a map to one HTML page; ``offline`` embeds every script and stylesheet in it.

    Raises
    ------
    MapError
        When ``offline`` and a script or stylesheet the page links to has no embedded copy.
    """
    page = str(fmap.get_root().render())
    lang = getattr(fmap, _LANG_ATTR, None)
    if lang:
        page = page.replace("<html>", f'<html lang="{lang}">', 1)
    if not offline:
        return page
    assets = offline_assets()
    missing: list[str] = []

    def embed_script(match: re.Match[str]) -> str:
        url = match.group(1)
        if url not in assets:
            missing.append(url)
            return match.group(0)
        body = assets[url].replace("</script", "<\\/script")
        return f"<script>/* {url.rsplit('/', 1)[-1]} (embedded) */\n{body}\n</script>"

    def embed_style(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(0))
        url = href.group(1) if href else ""
        if url not in assets:
            missing.append(url)
            return match.group(0)
        body = _CSS_URL.sub("none", assets[url]).replace("</style", "<\\/style")
        return f"<style>/* {url.rsplit('/', 1)[-1]} (embedded) */\n{body}\n</style>"

    page = _SCRIPT_SRC.sub(embed_script, page)
    page = _LINK_HREF.sub(embed_style, page)
    if missing:
        msg = Phrase(N_("offline map: no embedded copy of {missing}; update the folium-offline package or leave out --offline"), missing=", ".join(sorted(set(missing))))
        raise MapError(msg)
    return page


def write_page(fmap: folium.Map, path: str | Path, *, offline: bool = False) -> Path:
    """Render ``fmap`` (:func:`map_html`) and write it to ``path``, creating its folder."""
    page = map_html(fmap, offline=offline)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


@functools.cache
def heat_plugin() -> str:
    """Leaflet.heat as the installed folium ships it (folium links it at an unpinned ``@main`` address)."""
    return files("folium").joinpath("templates", "leaflet_heat.min.js").read_text(encoding="utf-8")
