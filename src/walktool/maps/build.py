"""The walk map, put together: :func:`build_map` and :func:`write_map`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, Phrase
from walktool.maps.data import bounds, centre, credit, gather
from walktool.maps.groups import GROUP_ABOVE, grouped_tables
from walktool.maps.incidents import incidents_layers
from walktool.maps.labels import MapError, texts
from walktool.maps.layers import entrances_layer, finding_layers, network_layer, stations_layer
from walktool.maps.legend import legend
from walktool.maps.page import (
    asset,
    heat_plugin,
    inline_script,
    inline_style,
    load_folium,
    new_map,
    script,
    write_page,
)
from walktool.maps.popups import findings_tables, station_card
from walktool.maps.symbols import e, script_json

if TYPE_CHECKING:
    import folium

    from walktool.project import Project

__all__ = ["build_map", "write_map"]


def build_map(
    project: Project,
    campaign: str | None = None,
    lang: str | None = None,
    offline: bool = False,
    *,
    photo_base: Path | None = None,
    audience: str = "staff",
    group_above: int = GROUP_ABOVE,
) -> folium.Map:
    """Build the walk map of a campaign.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    lang
        ``fr`` or ``en``; None takes ``WALKTOOL_LANG``, else the project's language
        (:func:`walktool.i18n.resolve_language`).
    offline
        Leave out the basemap tiles and the no-internet notice (render with
        :func:`map_html` and ``offline=True`` to embed Leaflet and its plugins).
    photo_base
        Folder the page will be written to: photo links are made relative to it
        (default: the project's ``reports/`` folder); photo copies go to its
        ``photos/<audience>/``.
    audience
        ``staff`` (exact positions, comments) or ``public`` (positions rounded,
        comments only when publishable, faces blurred): :mod:`walktool.privacy`.
    group_above
        More findings than this on the map: one marker per station × zone × principle ×
        period, its popup listing the most severe (:mod:`walktool.maps.groups`, said in
        the legend); otherwise one marker per finding.

    Returns
    -------
    folium.Map
        Its layers, in the layer control's order: stations, network lines and
        stations, entrances, findings, one toggle per principle, day, night, heat.

    Raises
    ------
    MapError
        When ``lang`` is neither ``fr`` nor ``en`` or the campaign has no observations.
    AnalysisError
        When the named campaign does not exist.
    """
    from walktool.i18n import resolve_language

    fl = load_folium()
    try:
        language = resolve_language(lang, project.settings)
    except ValueError as exc:
        raise MapError(Phrase(N_("language {lang!r}: use fr or en"), lang=lang)) from exc
    t = texts(language)
    from walktool.privacy import PhotoCopies, check_audience

    data = gather(project, campaign, language, check_audience(audience))
    title = " · ".join(p for p in (data.title, data.campaign or t["all_campaigns"], t["page_title"]) if p)
    fmap = new_map(
        centre(data),
        lang=language,
        title=title,
        settings=project.settings,
        offline=offline,
        credit=_credit(t, credit(data)),
        font_size="0.75rem",
    )
    # fit at once, before the findings are clustered (Leaflet.markercluster 1.1 breaks on a zoom
    # animation that ends while it clusters)
    fit = fl.FitBounds(bounds(data), max_zoom=16, padding=(20, 20))
    fit.options["animate"] = False
    fit.add_to(fmap)
    inline_style(fmap, "walktool_css", asset("walkmap.css"))
    inline_script(fmap, "walktool_map_js", asset("walkmap.js"))
    inline_script(fmap, "leaflet_heat_js", heat_plugin(), body=True)

    with_data = {str(r["station_id"]) for r in data.stations}
    cards = {str(r["station_id"]): station_card(r, data, data.recommendations.get(str(r["station_id"]), [])) for r in data.stations}
    stations = stations_layer(data, cards, e(t["stations"]))
    stations.add_to(fmap)
    network_layer(data, with_data, e(t["lines"])).add_to(fmap)
    entrances_layer(data, e(t["entrances"])).add_to(fmap)
    base = photo_base or project.reports_dir
    data.grouped_above = group_above if len(data.findings) > group_above else None
    tables = grouped_tables if data.grouped_above is not None else findings_tables
    doc, rows = tables(data, project, base, PhotoCopies(base, audience))
    script(f"window.walktool = window.walktoolMap.tables({script_json(doc)});").add_to(fmap)
    found = finding_layers(data, rows, t)
    found.cluster.add_to(fmap)
    for group in [*found.principles, *found.periods]:
        group.add_to(fmap)
    found.heat.add_to(fmap)
    incident_layers = incidents_layers(data, t) if data.incidents is not None else []
    for layer in incident_layers:
        layer.add_to(fmap)

    plugins = fl.plugins
    plugins.Search(
        layer=stations,
        search_label="name",
        geom_type="Point",
        placeholder=t["search"],
        collapsed=False,
        position="topleft",
        search_zoom=16,
        weight=5,
        color="#000",
    ).add_to(fmap)
    plugins.Fullscreen(position="topleft", title=t["fullscreen"], title_cancel=t["fullscreen_exit"]).add_to(fmap)
    plugins.LocateControl(
        position="topleft",
        icon="wt-locate-icon",
        iconLoading="wt-locate-icon wt-locating",
        flyTo=False,
        keepCurrentZoomLevel=False,
        showPopup=False,
        locateOptions={"maxZoom": 17, "enableHighAccuracy": True},
        strings={"title": t["locate"], "popup": t["locate_popup"], "outsideMapBoundsMsg": t["locate_outside"]},
    ).add_to(fmap)
    # folded to an icon on a phone (the list would cover a third of the screen), open otherwise
    fl.LayerControl(collapsed=fl.JsCode("window.walktoolPage.small()"), position="topright").add_to(fmap)
    legend(data, fmap).add_to(fmap)
    behaviour: dict[str, Any] = {
        "map": fmap.get_name(),
        "cluster": found.cluster.get_name(),
        "stationLayer": stations.get_name(),
        "heat": found.heat.get_name(),
        "principles": "[" + ",".join(g.get_name() for g in found.principles) + "]",
        "periods": "[" + ",".join(g.get_name() for g in found.periods) + "]",
        "stations": str(len(data.stations)),
    }
    options = ", ".join(f"{k}: {v}" for k, v in behaviour.items())
    script(f"window.walktoolMap.behaviour({{{options}}});").add_to(fmap)
    return fmap


def _credit(t: Any, text: str) -> str:
    """``Stations: <credit>`` in the map's language (empty without a credit)."""
    return t["stations_credit"].format(credit=text) if text else ""


def write_map(
    project: Project,
    out: str | Path | None = None,
    campaign: str | None = None,
    lang: str | None = None,
    offline: bool = False,
    *,
    audience: str = "staff",
    group_above: int = GROUP_ABOVE,
) -> Path:
    """Build the walk map and write it as one HTML page.

    Parameters
    ----------
    project
        The open project.
    out
        The page to write (default ``reports/map.html`` in the project); its folder is created.
    campaign, lang, offline, audience, group_above
        As for :func:`build_map`.

    Returns
    -------
    Path
        The page written.
    """
    path = Path(out) if out is not None else project.reports_dir / "map.html"
    path = path.resolve()
    fmap = build_map(project, campaign, lang, offline, photo_base=path.parent, audience=audience, group_above=group_above)
    return write_page(fmap, path, offline=offline)
