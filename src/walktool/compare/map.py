"""The comparison as a Folium map: stations coloured by score change, with the verdict of the test."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.compare.labels import adjust_name, ci_text, reason_text, text, verdict

if TYPE_CHECKING:
    from walktool.compare.core import Comparison
    from walktool.project import Project

_WORDS = {
    "title": ("Changement du score de station", "Change of station score"),
    "better": ("meilleur", "better"),
    "worse": ("moins bon", "worse"),
    "none": ("pas de Δ", "no Δ"),
    "significant": ("changement significatif", "significant change"),
    "cannot_tell": ("on ne peut pas conclure (trop peu de marches, ou un seul côté)", "cannot tell (too few walks, or one side only)"),
    "method": ("Test par permutation de {unit}s entières, IC 95 % par bootstrap, p ajusté ({adjust}).", "Permutation test of whole {unit}s, 95 % bootstrap CI, adjusted p ({adjust})."),
}


def _w(key: str, lang: str, **fields: Any) -> str:
    fr, en = _WORDS[key]
    return (fr if lang == "fr" else en).format(**fields)


def popup_html(station: dict[str, Any], comparison: Comparison, lang: str) -> str:
    """The popup of one station: scores, Δ with its interval, p, adjusted p and the verdict (or why not)."""
    import html

    method = comparison.method
    adj = adjust_name(method.get("adjust", "holm"), lang)
    unit = text(method.get("unit", "walk"), lang)
    why = reason_text(station, lang)

    def num(v: float | None, fmt: str) -> str:
        shown = "–" if v is None else format(v, fmt)
        return shown.replace(".", ",") if lang == "fr" else shown

    rows = [
        f"<b>{html.escape(str(station['name']))}</b>",
        f"{text('before', lang)} ({html.escape(comparison.before)}) : {num(station['before'], '.1f')}" if lang == "fr" else f"{text('before', lang)} ({html.escape(comparison.before)}): {num(station['before'], '.1f')}",
        f"{text('after', lang)} ({html.escape(comparison.after)}) : {num(station['after'], '.1f')}" if lang == "fr" else f"{text('after', lang)} ({html.escape(comparison.after)}): {num(station['after'], '.1f')}",
        f"Δ = {num(station['delta'], '+.1f')} &nbsp; {text('ci', lang)} {ci_text(station['ci'], lang)}",
        f"p = {num(station['p'], '.3f')} · {text('p_adjusted', lang, method=adj)} = {num(station['p_adjusted'], '.3f')}",
        f"{text('verdict', lang)} : <b>{verdict(station, lang)}</b>" if lang == "fr" else f"{text('verdict', lang)}: <b>{verdict(station, lang)}</b>",
        f"{text('units_before', lang, unit=unit).capitalize()} : {station['n_before']} · {text('units_after', lang, unit=unit)} : {station['n_after']}" if lang == "fr"
        else f"{text('units_before', lang, unit=unit).capitalize()}: {station['n_before']} · {text('units_after', lang, unit=unit)}: {station['n_after']}",
    ]
    if why:
        rows.append(f"<i>{html.escape(why)}</i>")
    return "<br>".join(rows)


def write_compare_map(project: Project, comparison: Comparison, out: str | Path, lang: str = "fr", *, offline: bool = False) -> Path:
    """A Folium map of the stations coloured by score change (orange worse, purple better).

    A heavy outline marks a significant change, a dashed one a station where the test
    cannot tell; every popup gives Δ with its 95 % interval, p, adjusted p and the reason.
    It is drawn on walktool's map page (:func:`walktool.maps.new_map`: title, language,
    phone layout, the project's basemap, no-internet notice); ``offline`` embeds Leaflet
    and leaves out the basemap.
    """
    import html
    from importlib.resources import files
    from string import Template

    import folium

    from walktool.maps import bind_popup, new_map, write_page
    from walktool.maps.labels import texts
    from walktool.stations import STM_CREDIT, load_stations

    stations_layer = load_stations(project)
    layer = stations_layer.stations.set_index("station_id")
    credit = STM_CREDIT if stations_layer.is_stm else (stations_layer.credit or "")  # the layer's own credit in another city
    centre = [float(layer["lat"].mean()), float(layer["lon"].mean())] if len(layer) else [45.52, -73.6]
    title = f"{project.settings.name} · {comparison.before} → {comparison.after} · {texts(lang)['compare_title']}"
    m = new_map(
        centre, zoom_start=12, lang=lang, title=title, settings=project.settings, offline=offline, credit=credit,
        font_size="0.8125rem", offline_command="walktool compare --map FILE.html --offline",
    )
    points = []
    for s in comparison.stations:
        if s["station_id"] not in layer.index:
            continue
        lat, lon = float(layer.loc[s["station_id"], "lat"]), float(layer.loc[s["station_id"], "lon"])
        points.append((lat, lon))
        delta = s["delta"]
        colour = "#999999" if delta is None else "#5E3C99" if delta > 0 else "#E66101" if delta < 0 else "#F7F7F7"
        significant = s["significant"] is True
        unknown = s["significant"] is None
        marker = folium.CircleMarker(
            [lat, lon],
            radius=8 + min(abs(delta or 0) / 3, 14),
            color="#111111" if significant else "#555555",
            weight=3 if significant else 2 if unknown else 1,
            dash_array="4 4" if unknown else None,
            fill=True,
            fill_color=colour,
            fill_opacity=0.55 if unknown else 0.85,
            tooltip=html.escape(f"{s['name']} · {verdict(s, lang)}"),
        ).add_to(m)
        bind_popup(marker, popup_html(s, comparison, lang), width=320).add_to(m)
    if points:
        m.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)], [max(p[0] for p in points), max(p[1] for p in points)]], padding=(30, 30))
    unit = text(comparison.method.get("unit", "walk"), lang)
    adj = adjust_name(comparison.method.get("adjust", "holm"), lang)
    template = Template(files("walktool.compare").joinpath("legend.html").read_text(encoding="utf-8"))
    legend = template.substitute(
        {k: html.escape(_w(k, lang)) for k in ("title", "better", "worse", "none", "significant", "cannot_tell")}
        | {"method": html.escape(_w("method", lang, unit=unit, adjust=adj)), "credit": html.escape(credit)}
    )
    m.get_root().html.add_child(folium.Element(legend))  # type: ignore[attr-defined]
    return write_page(m, out, offline=offline)
