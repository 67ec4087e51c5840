"""The walk map: an interactive Folium (Leaflet) page that transit staff open in a browser.

What it draws (``walktool map``):

* **stations** with data as circles coloured by their 0–100 score on ColorBrewer's
  colour-blind-safe diverging RdYlBu scale (red = many problems, blue = few), sized by
  their number of findings; a station seen by too few participants (the protocol's
  ``low_confidence_participants``) has a dashed outline, a paler fill and says so in
  its tooltip, popup and the legend; every other station of the network is a small
  grey dot;
* **metro lines** in the colours of the stations layer, and the **entrances**;
* **findings** as markers coloured by severity (magma, colour-blind safe) with an icon
  per principle, clustered; one toggle per principle and a day / night switch in the
  layer control (a finding shows when both its principle and its period are ticked),
  and a heat layer of the findings shown, weighted by severity;
* a legend, a scale bar, a full-screen button and a search box for station names;
* popups: a station card (score per principle, feeling shares, top recommendations
  with who does them and by when, counts) and a finding card (item label in the
  chosen language, severity, zone, period, comment, photo thumbnail).

Every text that comes from the field, the stations layer or the protocol is
HTML-escaped before it reaches the page: a comment ``<script>alert(1)</script>``
shows as text.  Participants (even their pseudonyms) never appear on the map.

Findings are sent to the page once, as a compact data array, and the markers are
built in the browser (:class:`folium.plugins.FastMarkerCluster` with a callback);
popups are built when opened.  A finding without a GPS position is placed at its
station (or at one of the station's entrances for zone ``entrance``) with a small
deterministic jitter, so that clustered markers do not stack exactly.

``offline=True`` leaves out the basemap tiles and embeds Leaflet and its plugins in
the page (the copies shipped by the ``folium-offline`` package, the same versions
folium links to), so the page opens with no network at all.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError

if TYPE_CHECKING:
    import folium
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol
    from walktool.stations import StationLayer

__all__ = [
    "NO_SCORE_COLOUR",
    "SCORE_COLOURS",
    "SEVERITY_COLOURS",
    "STM_ATTRIBUTION",
    "MapError",
    "build_map",
    "map_html",
    "offline_assets",
    "place_findings",
    "score_colour",
    "write_map",
]

STM_ATTRIBUTION = "Société de transport de Montréal (STM), CC BY 4.0"
# ColorBrewer RdYlBu (5 classes), colour-blind safe: 0 = red (every answer a problem) … 100 = blue.
SCORE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6")
NO_SCORE_COLOUR = "#9e9e9e"
# magma, light to dark: ordered by lightness, so it reads in grey and for every colour vision.
SEVERITY_COLOURS = {"low": "#fe9f6d", "medium": "#de4968", "high": "#8c2981", "critical": "#3b0f70"}
_UNKNOWN_SEVERITY_COLOUR = "#777777"
# viridis, for the heat layer
_HEAT_GRADIENT = {0.2: "#3b528b", 0.45: "#21918c", 0.7: "#5ec962", 1.0: "#fde725"}
_STATION_JITTER_M = 30.0
_ENTRANCE_JITTER_M = 8.0
_TOP_RECOMMENDATIONS = 3
_MIN_RADIUS, _MAX_RADIUS = 7.0, 22.0
_OFFLINE_BACKGROUND = "#eef0f3"

# Principle icons: simple 16 × 16 SVG shapes drawn for walktool (no icon font needed offline).
_ICONS = {
    "signage": '<path d="M7 1h2v2h4l2.5 2.5L13 8H9v7H7V8H3V3h4z"/>',
    "visibility": '<path d="M8 3C4 3 1.2 6 .5 8c.7 2 3.5 5 7.5 5s6.8-3 7.5-5C14.8 6 12 3 8 3zm0 8.2A3.2 3.2 0 1 1 8 4.8a3.2 3.2 0 0 1 0 6.4z"/><circle cx="8" cy="8" r="1.6"/>',
    "liveliness": '<path d="M2 2h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H8l-4 3.5V11H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z"/>',
    "help": '<path d="M6 1.5h4v4.5h4.5v4H10v4.5H6V10H1.5V6H6z"/>',
    "maintenance": '<path d="M8 .5l1.9 5.6L15.5 8l-5.6 1.9L8 15.5l-1.9-5.6L.5 8l5.6-1.9z"/>',
    "community": '<circle cx="4.5" cy="4.5" r="2.3"/><circle cx="11.5" cy="4.5" r="2.3"/><path d="M0 14c0-3.3 2-5.5 4.5-5.5S9 10.7 9 14zM7 14c0-3.3 2-5.5 4.5-5.5S16 10.7 16 14z"/>',
}
_DEFAULT_ICON = '<circle cx="8" cy="8" r="4.5"/>'

_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "stations": "Stations (score)",
        "lines": "Lignes et stations du réseau",
        "entrances": "Accès (édicules)",
        "findings": "Constats",
        "heat": "Densité des constats",
        "score": "Score",
        "score_legend": "Score de la station (0 = tout pose problème, 100 = rien)",
        "no_score": "non évaluée",
        "size_legend": "taille du cercle = nombre de constats",
        "low_confidence": "confiance faible",
        "low_confidence_long": "confiance faible : vue par moins de {n} participant·e·s",
        "severity": "Gravité",
        "observations": "observations",
        "participants": "participant·e·s",
        "walks": "marches",
        "findings_n": "constats",
        "feeling": "Ressenti",
        "answers": "réponses",
        "not_alone": "ne viendraient pas seul·e le soir",
        "top_recs": "Recommandations prioritaires",
        "hotspots": "Zones les plus touchées",
        "responsible": "Responsable",
        "owner": "Porteur",
        "timeframe": "Échéance",
        "status": "Statut",
        "zone": "Zone",
        "period": "Période",
        "station": "Station",
        "date": "Date",
        "comment": "Commentaire",
        "photo": "Photo",
        "photo_missing": "photo absente du dossier du projet",
        "placed_station": "Position approximative : pas de GPS, placé près de la station.",
        "placed_entrance": "Position approximative : pas de GPS, placé près d'un accès de la station.",
        "search": "Chercher une station",
        "fullscreen": "Plein écran",
        "fullscreen_exit": "Quitter le plein écran",
        "campaign": "Campagne",
        "all_campaigns": "toutes les campagnes",
        "summary": "{f} constats · {s} stations",
        "not_shown": "{n} constat(s) sans position ni station non affiché(s)",
        "gps_note": "Constats sans GPS : placés autour de leur station",
        "no_recs": "Aucune recommandation.",
        "principles": "Principes",
        "immediate": "Immédiat",
        "short": "Court terme (< 3 mois)",
        "medium": "Moyen terme (3–12 mois)",
        "long": "Long terme (> 12 mois)",
        "unknown": "—",
        "colon": " : ",
        "status_proposed": "proposée",
        "status_accepted": "acceptée",
        "status_rejected": "rejetée",
        "status_in_progress": "en cours",
        "status_done": "réalisée",
        "status_verified": "vérifiée",
    },
    "en": {
        "stations": "Stations (score)",
        "lines": "Network lines and stations",
        "entrances": "Entrances",
        "findings": "Findings",
        "heat": "Findings density",
        "score": "Score",
        "score_legend": "Station score (0 = every answer a problem, 100 = none)",
        "no_score": "not scored",
        "size_legend": "circle size = number of findings",
        "low_confidence": "low confidence",
        "low_confidence_long": "low confidence: seen by fewer than {n} participants",
        "severity": "Severity",
        "observations": "observations",
        "participants": "participants",
        "walks": "walks",
        "findings_n": "findings",
        "feeling": "Feeling",
        "answers": "answers",
        "not_alone": "would not come alone at night",
        "top_recs": "Top recommendations",
        "hotspots": "Worst zones",
        "responsible": "Responsible",
        "owner": "Owner",
        "timeframe": "Timeframe",
        "status": "Status",
        "zone": "Zone",
        "period": "Period",
        "station": "Station",
        "date": "Date",
        "comment": "Comment",
        "photo": "Photo",
        "photo_missing": "photo not in the project folder",
        "placed_station": "Approximate position: no GPS, placed near the station.",
        "placed_entrance": "Approximate position: no GPS, placed near one of the station's entrances.",
        "search": "Search a station",
        "fullscreen": "Full screen",
        "fullscreen_exit": "Exit full screen",
        "campaign": "Campaign",
        "all_campaigns": "all campaigns",
        "summary": "{f} findings · {s} stations",
        "not_shown": "{n} finding(s) with neither position nor station not shown",
        "gps_note": "Findings without GPS: placed around their station",
        "no_recs": "No recommendation.",
        "principles": "Principles",
        "immediate": "Immediate",
        "short": "Short term (< 3 months)",
        "medium": "Medium term (3–12 months)",
        "long": "Long term (> 12 months)",
        "unknown": "—",
        "colon": ": ",
        "status_proposed": "proposed",
        "status_accepted": "accepted",
        "status_rejected": "rejected",
        "status_in_progress": "in progress",
        "status_done": "done",
        "status_verified": "verified",
    },
}


class MapError(WalktoolError):
    """The map cannot be drawn (no data, unknown language, missing offline asset)."""


def _e(value: Any) -> str:
    """HTML-escape any value (None and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def _script_json(value: Any) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _svg(principle: str | None, fill: str = "#fff", size: int = 12) -> str:
    inner = _ICONS.get(principle or "", _DEFAULT_ICON)
    return f'<svg viewBox="0 0 16 16" width="{size}" height="{size}" fill="{fill}" aria-hidden="true">{inner}</svg>'


def _folium() -> Any:
    """folium with its plugins, loosely typed (folium's plugins carry no type hints)."""
    import folium
    import folium.plugins
    import folium.template

    return folium


def _script(js: str) -> Any:
    """A folium element that adds ``js`` to the page's script, in the order it is added to the map."""
    fl = _folium()
    element = fl.MacroElement()
    element._template = fl.template.Template("{% macro script(this, kwargs) %}" + js + "{% endmacro %}")
    return element


# -- colours and sizes -------------------------------------------------------------
def score_colour(score: float | None) -> str:
    """The fill colour of a 0–100 score (RdYlBu, interpolated); grey when unscored."""
    if score is None or score != score:
        return NO_SCORE_COLOUR
    t = min(max(float(score), 0.0), 100.0) / 100.0 * (len(SCORE_COLOURS) - 1)
    i = min(int(t), len(SCORE_COLOURS) - 2)
    frac = t - i
    a, b = SCORE_COLOURS[i], SCORE_COLOURS[i + 1]
    rgb = [round(int(a[k : k + 2], 16) * (1 - frac) + int(b[k : k + 2], 16) * frac) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _radius(findings: int, most: int) -> float:
    """Circle radius (px): square-root scale of the station's findings, 7–22 px."""
    if most <= 0 or findings <= 0:
        return _MIN_RADIUS
    return round(_MIN_RADIUS + (_MAX_RADIUS - _MIN_RADIUS) * math.sqrt(findings / most), 1)


# -- placing findings ----------------------------------------------------------------
def place_findings(findings: pd.DataFrame, layer: StationLayer) -> pd.DataFrame:
    """Give every finding a position: its GPS fix, else its station or entrance, jittered.

    Parameters
    ----------
    findings
        Observations with ``obs_id``, ``station_id``, ``zone``, ``lat``, ``lon``.
    layer
        The project's stations layer.

    Returns
    -------
    pandas.DataFrame
        The findings that could be placed, with ``lat`` / ``lon`` filled and a
        ``placed`` column: ``gps``, ``station`` or ``entrance``.  The jitter (up to
        30 m around a station, 8 m around an entrance) is derived from the
        observation id, so the same finding always lands on the same spot.
    """
    import numpy as np
    import pandas as pd

    out = findings.copy()
    lat = pd.to_numeric(out["lat"], errors="coerce").to_numpy(dtype=float, copy=True)
    lon = pd.to_numeric(out["lon"], errors="coerce").to_numpy(dtype=float, copy=True)
    placed = np.where(np.isfinite(lat) & np.isfinite(lon), "gps", "").astype(object)
    if len(out) == 0:
        return out.assign(lat=lat, lon=lon, placed=placed)
    key = pd.util.hash_pandas_object(out["obs_id"].astype(str), index=False).to_numpy(dtype=np.uint64)
    angle = (key % np.uint64(3600)).astype(float) / 3600.0 * 2 * math.pi
    spread = np.sqrt(((key >> np.uint64(12)) % np.uint64(1000)).astype(float) / 1000.0)
    pick = (key >> np.uint64(24)).astype(np.int64)
    stations = layer.stations.dropna(subset=["lat", "lon"]).drop_duplicates("station_id").set_index("station_id")
    st_lat = out["station_id"].map(stations["lat"]).to_numpy(dtype=float)
    st_lon = out["station_id"].map(stations["lon"]).to_numpy(dtype=float)
    missing = placed == ""
    at_station = missing & np.isfinite(st_lat)
    base_lat, base_lon = st_lat.copy(), st_lon.copy()
    radius = np.full(len(out), _STATION_JITTER_M)
    kind = np.where(at_station, "station", "").astype(object)
    entrance_zone = out["zone"].astype(object).eq("entrance").to_numpy()
    entrances = layer.entrances.dropna(subset=["lat", "lon"])
    if len(entrances):
        by_station = {sid: grp[["lat", "lon"]].to_numpy(dtype=float) for sid, grp in entrances.groupby("station_id")}
        station_ids = out["station_id"].to_numpy(dtype=object)
        for i in np.flatnonzero(missing & entrance_zone):
            coords = by_station.get(station_ids[i])
            if coords is None:
                continue
            base_lat[i], base_lon[i] = coords[pick[i] % len(coords)]
            radius[i] = _ENTRANCE_JITTER_M
            kind[i] = "entrance"
    movable = missing & np.isfinite(base_lat)
    metres = spread * radius
    dlat = metres * np.cos(angle) / 111_320.0
    dlon = metres * np.sin(angle) / (111_320.0 * np.cos(np.radians(np.where(movable, base_lat, 0.0))))
    lat = np.where(movable, base_lat + dlat, lat)
    lon = np.where(movable, base_lon + dlon, lon)
    placed = np.where(movable, kind, placed)
    out = out.assign(lat=lat, lon=lon, placed=placed)
    return out[out["placed"] != ""]


# -- what the map shows ----------------------------------------------------------------
@dataclass
class _MapData:
    campaign: str | None
    lang: str
    title: str
    protocol: Protocol
    layer: StationLayer
    stations: list[dict[str, Any]]
    findings: pd.DataFrame
    not_shown: int
    recommendations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _gather(project: Project, campaign: str | None, lang: str) -> _MapData:
    from walktool.analysis import findings, load_observations, resolve_campaign, summarize
    from walktool.stations import load_stations

    name = resolve_campaign(project, campaign)
    obs = load_observations(project, name)
    if obs.empty:
        where = f"campaign {name!r}" if name else "this project"
        msg = f"{project.root}: no observations in {where} yet, so nothing to map; import sheets with `walktool import` first"
        raise MapError(msg)
    summary = summarize(project, name, observations=obs)
    protocol = project.protocol()
    layer = load_stations(project)
    found = findings(obs)
    placed = place_findings(found, layer)
    return _MapData(
        campaign=name,
        lang=lang,
        title=project.settings.name,
        protocol=protocol,
        layer=layer,
        stations=summary.station_records(),
        findings=placed,
        not_shown=len(found) - len(placed),
        recommendations=_recommendations(project, protocol, obs, name, lang),
    )


def _recommendations(
    project: Project, protocol: Protocol, obs: pd.DataFrame, campaign: str | None, lang: str
) -> dict[str, list[dict[str, Any]]]:
    """Top recommendations per station, rebuilt from the findings (nothing is written).

    The follow-up fields recorded in the store (status, owner) are carried over.
    """
    from walktool.recommend import FOLLOW_UP_COLUMNS, Recommendations, build_recommendations

    frame = build_recommendations(obs, protocol, campaign)
    if frame.empty:
        return {}
    stored = project.store.read("recommendations", {"campaign": campaign} if campaign else None)
    if len(stored):
        kept = stored.drop_duplicates("rec_id").set_index("rec_id")
        hit = frame["rec_id"].isin(kept.index)
        for col in FOLLOW_UP_COLUMNS:
            frame.loc[hit, col] = frame.loc[hit, "rec_id"].map(kept[col])
    top = frame.sort_values("rank", kind="stable").groupby("station_id", sort=False).head(_TOP_RECOMMENDATIONS)
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in Recommendations(campaign, top).records(lang, protocol):
        out.setdefault(str(rec["station_id"]), []).append(rec)
    return out


# -- popups ------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}\u00a0%"


def _station_card(rec: dict[str, Any], data: _MapData, recs: list[dict[str, Any]]) -> str:
    t = _TEXT[data.lang]
    protocol = data.protocol
    parts = [f'<div class="wt-card wt-station-card"><h4>{_e(rec["name"])}</h4>']
    if rec["low_confidence"]:
        parts.append(f'<p class="wt-lowconf">⚠ {_e(t["low_confidence_long"].format(n=protocol.low_confidence_participants))}</p>')
    score = rec["score"]
    score_text = f"{score:.0f} / 100" if score is not None else t["no_score"]
    parts.append(
        f'<p class="wt-score"><span class="wt-swatch" style="background:{score_colour(score)}"></span>'
        f"<b>{_e(t['score'])}</b> {_e(score_text)}</p>"
    )
    parts.append('<table class="wt-principles">')
    for key, value in rec["principles"].items():
        label = protocol.principle(key).label.get(data.lang) if key in protocol.principle_keys else key
        width = 0 if value is None else max(2, round(value))
        bar = f'<span class="wt-bar" style="width:{width}px;background:{score_colour(value)}"></span>'
        shown = "–" if value is None else f"{value:.0f}"
        parts.append(f'<tr><td>{_svg(key, "#444", 11)} {_e(label)}</td><td class="wt-barcell">{bar}</td><td class="wt-num">{_e(shown)}</td></tr>')
    parts.append("</table>")
    found = rec["findings"]
    total = sum(int(v) for v in found.values())
    counts = f"{rec['observations']} {t['observations']} · {rec['participants']} {t['participants']} · {rec['walks']} {t['walks']}"
    parts.append(f'<p class="wt-counts">{_e(counts)}</p>')
    severities = " · ".join(
        f'<span class="wt-dot" style="background:{SEVERITY_COLOURS.get(s, _UNKNOWN_SEVERITY_COLOUR)}"></span>'
        f"{_e(protocol.severities.label(s, data.lang))} {int(found.get(s, 0))}"
        for s in reversed(list(SEVERITY_COLOURS))
    )
    parts.append(f'<p class="wt-counts"><b>{total} {_e(t["findings_n"])}</b>{t["colon"]}{severities}</p>')
    if rec.get("hotspots"):
        zones = " · ".join(
            f"{_e(protocol.zones.label(str(h['zone']), data.lang))} ({int(h['findings'])})" for h in rec["hotspots"]
        )
        parts.append(f'<p class="wt-counts"><b>{_e(t["hotspots"])}</b>{t["colon"]}{zones}</p>')
    feeling = rec["feeling"]
    if feeling.get("answers"):
        shares = " · ".join(f"{_e(_feeling_label(protocol, k, data.lang))} {_pct(feeling.get(k))}" for k in ("comfortable", "uncomfortable", "frightening"))
        parts.append(f'<p class="wt-feeling"><b>{_e(t["feeling"])}</b> ({int(feeling["answers"])} {_e(t["answers"])}){t["colon"]}{shares}')
        if rec.get("not_alone_at_night") is not None:
            parts.append(f"<br>{_pct(rec['not_alone_at_night'])} {_e(t['not_alone'])}")
        parts.append("</p>")
    parts.append(f'<h5>{_e(t["top_recs"])}</h5>')
    if not recs:
        parts.append(f"<p>{_e(t['no_recs'])}</p>")
    else:
        parts.append('<ol class="wt-recs">')
        for r in recs:
            sev = str(r["severity"])
            who = _e(r["responsible"] or t["unknown"])
            if r.get("owner"):
                who += f" · {_e(t['owner'])}{t['colon']}{_e(r['owner'])}"
            what = _e(r["finding"] or r["item"] or r["principle"] or "")
            zone = protocol.zones.label(r["zone"], data.lang) if r.get("zone") else t["unknown"]
            colour = SEVERITY_COLOURS.get(sev, _UNKNOWN_SEVERITY_COLOUR)
            timeframe = t.get(str(r["timeframe"]), str(r["timeframe"]))
            status = t.get(f"status_{r['status']}", str(r["status"]))
            parts.append(
                f'<li><span class="wt-dot" style="background:{colour}"></span>'
                f"<b>{_e(protocol.severities.label(sev, data.lang))}</b> · {_e(zone)} · {what}<br>"
                f"{_e(r['action'])}<br><small>{_e(t['responsible'])}{t['colon']}{who}"
                f" · {_e(t['timeframe'])}{t['colon']}{_e(timeframe)} · {_e(t['status'])}{t['colon']}{_e(status)}</small></li>"
            )
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def _feeling_label(protocol: Protocol, value: str, lang: str) -> str:
    if protocol.has_item("feeling"):
        choice = protocol.item("feeling").answer.choice(value)
        if choice is not None:
            return choice.label.get(lang)
    return value


def _photo_html(photo: Any, project: Project, base: Path, offline: bool, t: dict[str, str], index: dict[str, Path]) -> str:
    """The photo cell of a finding card: a thumbnail linking to the photo, or its name."""
    text = str(photo).strip()
    if not text:
        return ""
    if re.match(r"^https?://", text, re.IGNORECASE):
        if offline:
            return f'<a href="{_e(text)}" target="_blank" rel="noopener">{_e(text.rsplit("/", 1)[-1] or text)}</a>'
        return f'<a href="{_e(text)}" target="_blank" rel="noopener"><img class="wt-thumb" src="{_e(text)}" alt="{_e(t["photo"])}" loading="lazy"></a>'
    found = _find_photo(text, project, index)
    if found is None:
        return f'{_e(Path(text).name)} <small>({_e(t["photo_missing"])})</small>'
    href = Path(os.path.relpath(found, base)).as_posix()
    return f'<a href="{_e(href)}" target="_blank" rel="noopener"><img class="wt-thumb" src="{_e(href)}" alt="{_e(t["photo"])}" loading="lazy"></a>'


def _find_photo(text: str, project: Project, index: dict[str, Path]) -> Path | None:
    path = Path(text)
    candidates = [path] if path.is_absolute() else [project.root / path, project.walks_dir / path]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    return index.get(name) or index.get(name.casefold())


def _photo_index(project: Project) -> dict[str, Path]:
    """Photos kept in the project's walks/ folder (subfolders too), by file name, then case-insensitive (first found wins)."""
    index: dict[str, Path] = {}
    if project.walks_dir.is_dir():
        found = [p for p in sorted(project.walks_dir.rglob("*"))
                 if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif") and p.is_file()]
        for p in found:
            index.setdefault(p.name, p.resolve())
        for p in found:  # a sheet may write IMG_0413.jpg for IMG_0413.JPG (photos are linked the same way)
            index.setdefault(p.name.casefold(), p.resolve())
    return index


# -- the map -------------------------------------------------------------------------------
def build_map(
    project: Project,
    campaign: str | None = None,
    lang: str | None = None,
    offline: bool = False,
    *,
    photo_base: Path | None = None,
) -> folium.Map:
    """Build the walk map of a campaign.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    lang
        ``fr`` or ``en``; None takes the project's language.
    offline
        Leave out the basemap tiles (render with :func:`map_html` and
        ``offline=True`` to embed Leaflet and its plugins in the page).
    photo_base
        Folder the page will be written to: photo links are made relative to it
        (default: the project's ``reports/`` folder).

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
    folium = _folium()
    plugins = folium.plugins

    language = lang or project.settings.language
    if language not in _TEXT:
        msg = f"language {language!r}: use fr or en"
        raise MapError(msg)
    data = _gather(project, campaign, language)
    t = _TEXT[language]
    protocol = data.protocol
    fmap = folium.Map(location=_centre(data), zoom_start=13, tiles=None, control_scale=True, max_zoom=19, font_size="0.75rem")
    if not offline:  # one basemap: nothing to choose in the layer control
        folium.TileLayer("OpenStreetMap", control=False).add_to(fmap)
    fmap.options["max_zoom"] = 19  # the clusters need it even with no tile layer (offline)
    # fit at once, before the findings are clustered (Leaflet.markercluster 1.1 breaks on a zoom
    # animation that ends while it clusters)
    fit = folium.FitBounds(_bounds(data), max_zoom=16, padding=(20, 20))
    fit.options["animate"] = False
    fit.add_to(fmap)
    # Only Leaflet itself: no jQuery, Bootstrap or icon fonts (the map draws its own icons).
    fmap.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
    fmap.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]
    _add_style(fmap, offline)

    with_data = {str(r["station_id"]) for r in data.stations}
    stations_layer = _stations_layer(data)
    stations_layer.add_to(fmap)
    _network_layer(data, with_data, t).add_to(fmap)
    _entrances_layer(data, t).add_to(fmap)
    tables, rows = _findings_script(data, project, photo_base or project.reports_dir, offline)
    tables.add_to(fmap)
    cluster = plugins.FastMarkerCluster(
        rows,
        callback=_MARKER_CALLBACK,
        name=f'{_e(t["findings"])} ({len(rows)})',
        icon_create_function=_CLUSTER_ICON,
        chunkedLoading=False,  # clustered in one go: no half-built clusters while the user pans
        showCoverageOnHover=False,
        maxClusterRadius=45,
        spiderfyOnMaxZoom=True,
    )
    cluster.add_to(fmap)
    toggles = []
    counts = data.findings["principle"].value_counts() if len(data.findings) else {}
    for key in protocol.principle_keys:
        label = protocol.principle(key).label.get(language)
        n = int(counts.get(key, 0)) if len(data.findings) else 0
        group = folium.FeatureGroup(name=f'<span class="wt-lc-icon">{_svg(key, "#fff", 11)}</span>{_e(label)} ({n})', show=True)
        group.add_to(fmap)
        toggles.append(group)
    periods = []
    for choice in protocol.periods.choices:
        group = folium.FeatureGroup(name=f'<span class="wt-lc-period">{_e(choice.label.get(language))}</span>', show=True)
        group.add_to(fmap)
        periods.append(group)
    # max_zoom = the map's: the layer control disables a layer past its maxZoom
    heat = plugins.HeatMap([], name=_e(t["heat"]), show=False, radius=18, blur=14, min_opacity=0.3, max_zoom=19, gradient=_HEAT_GRADIENT)
    heat.add_to(fmap)

    plugins.Search(
        layer=stations_layer,
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
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _legend(data, fmap).add_to(fmap)
    _behaviour(fmap, stations_layer, cluster, heat, toggles, periods, data).add_to(fmap)
    return fmap


def _centre(data: _MapData) -> list[float]:
    (s, w), (n, e) = _bounds(data)
    return [(s + n) / 2, (w + e) / 2]


def _bounds(data: _MapData) -> list[list[float]]:
    """The stations with data (all the network's stations when none has a position)."""
    positions = data.layer.stations.dropna(subset=["lat", "lon"]).set_index("station_id")
    ids = [str(r["station_id"]) for r in data.stations if str(r["station_id"]) in positions.index]
    pts = positions.loc[ids, ["lat", "lon"]] if ids else positions[["lat", "lon"]]
    if pts.empty and len(data.findings):
        pts = data.findings[["lat", "lon"]]
    if pts.empty:
        return [[45.40, -73.95], [45.70, -73.47]]
    pad = 0.003
    return [[float(pts["lat"].min()) - pad, float(pts["lon"].min()) - pad], [float(pts["lat"].max()) + pad, float(pts["lon"].max()) + pad]]


def _stations_layer(data: _MapData) -> Any:
    folium = _folium()

    t = _TEXT[data.lang]
    positions = data.layer.stations.dropna(subset=["lat", "lon"]).drop_duplicates("station_id").set_index("station_id")
    most = max((sum(int(v) for v in r["findings"].values()) for r in data.stations), default=0)
    features: list[dict[str, Any]] = []
    for rec in data.stations:
        sid = str(rec["station_id"])
        if sid not in positions.index:
            continue
        n = sum(int(v) for v in rec["findings"].values())
        low = bool(rec["low_confidence"])
        score = rec["score"]
        style = {
            "color": "#222",
            "weight": 2.5 if low else 1.5,
            "dashArray": "5 4" if low else None,
            "fill": True,
            "fillColor": score_colour(score),
            "fillOpacity": 0.45 if low else 0.85,
            "radius": _radius(n, most),
            "className": "wt-station wt-low-confidence" if low else "wt-station",
        }
        score_text = f"{score:.0f}" if score is not None else "–"
        label = f"{_e(rec['name'])} · {_e(score_text)}" + (" ⚠" if low else "")
        features.append(
            {
                "type": "Feature",
                "id": sid,
                "geometry": {"type": "Point", "coordinates": [float(positions.at[sid, "lon"]), float(positions.at[sid, "lat"])]},
                "properties": {
                    "name": _e(rec["name"]),
                    "station_id": _e(sid),
                    "score": score,
                    "findings": n,
                    "low_confidence": low,
                    "style": {k: v for k, v in style.items() if v is not None},
                    "label": label,
                    "popup": _station_card(rec, data, data.recommendations.get(sid, [])),
                },
            }
        )
    features.sort(key=lambda f: -float(f["properties"]["style"]["radius"]))  # small circles on top
    if not features:  # folium's Search needs one feature to check its property name
        features.append({"type": "Feature", "id": "none", "geometry": None, "properties": {"name": "", "style": {}}})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_e(t["stations"]),
        marker=folium.CircleMarker(radius=_MIN_RADIUS),
        style_function=lambda f: f["properties"]["style"],
        on_each_feature=folium.JsCode(
            "function (feature, layer) {"
            " if (!feature.properties.popup) { return; }"
            " layer.bindPopup(feature.properties.popup, {maxWidth: 380, minWidth: 260, maxHeight: 360});"
            " layer.bindTooltip(feature.properties.label, {permanent: true, direction: 'left', className: 'wt-label',"
            " offset: [-(feature.properties.style.radius || 8), 0]}); }"
        ),
    )


def _network_layer(data: _MapData, with_data: set[str], t: dict[str, str]) -> Any:
    folium = _folium()

    from walktool.stations import LINE_COLOURS

    group = folium.FeatureGroup(name=_e(t["lines"]), show=True)
    for line in data.layer.lines.to_dict("records"):
        try:
            coords = json.loads(line["coords"]) if isinstance(line["coords"], str) else line["coords"]
        except (TypeError, ValueError):
            continue
        if not coords or len(coords) < 2:
            continue
        path = [[float(lat), float(lon)] for lon, lat, *_ in coords]
        colour = _colour(line.get("color")) or LINE_COLOURS.get(str(line.get("line") or "").lower(), "#555555")
        name = _e(line.get("name") or line.get("line") or "")
        folium.PolyLine(path, color="#444", weight=7, opacity=0.55, interactive=False, class_name="wt-line-casing").add_to(group)
        folium.PolyLine(path, color=colour, weight=4.5, opacity=1.0, tooltip=name or None, class_name="wt-line").add_to(group)
    stops = [
        {
            "type": "Feature",
            "id": str(s["station_id"]),
            "geometry": {"type": "Point", "coordinates": [float(s["lon"]), float(s["lat"])]},
            "properties": {"tooltip": _e(s["name"])},
        }
        for s in data.layer.stations.dropna(subset=["lat", "lon"]).to_dict("records")
        if str(s["station_id"]) not in with_data
    ]
    if stops:
        _dots(stops, radius=3.5, line="#444", fill="#fff", opacity=1.0, class_name="wt-stop").add_to(group)
    return group


def _dots(features: list[dict[str, Any]], *, radius: float, line: str, fill: str, opacity: float, class_name: str) -> Any:
    """Small circle markers with a tooltip (``properties.tooltip``), drawn from one GeoJSON layer."""
    folium = _folium()
    style = {"color": line, "weight": 1, "fill": True, "fillColor": fill, "fillOpacity": opacity, "className": class_name}
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=radius),
        style_function=lambda f: style,
        on_each_feature=folium.JsCode("function (feature, layer) { layer.bindTooltip(feature.properties.tooltip); }"),
        control=False,
    )


def _entrances_layer(data: _MapData, t: dict[str, str]) -> Any:
    folium = _folium()

    names = data.layer.stations.drop_duplicates("station_id").set_index("station_id")["name"]
    features = [
        {
            "type": "Feature",
            "id": f"e{i}",
            "geometry": {"type": "Point", "coordinates": [float(e["lon"]), float(e["lat"])]},
            "properties": {"tooltip": f"{_e(names.get(e['station_id'], ''))}<br><small>{_e(e.get('name') or '')}</small>"},
        }
        for i, e in enumerate(data.layer.entrances.dropna(subset=["lat", "lon"]).to_dict("records"))
    ]
    group = folium.FeatureGroup(name=_e(t["entrances"]), show=True)
    if features:
        _dots(features, radius=2.5, line="#333", fill="#333", opacity=0.9, class_name="wt-entrance").add_to(group)
    return group


def _colour(value: Any) -> str | None:
    text = str(value or "").strip()
    if re.fullmatch(r"#?[0-9A-Fa-f]{6}", text):
        return text if text.startswith("#") else "#" + text
    return None


# -- findings in the browser -----------------------------------------------------------------
# A row: [lat, lon, severity, principle, period, label, zone, station, comment, photo, date, placed]
# (indexes into the tables of window.walktool; -1 = none).
_MARKER_CALLBACK = """function (row) {
    var W = window.walktool;
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: W.icon(row[2], row[3]), keyboard: false, wtRow: row});
    marker.bindPopup(W.findingCard, {maxWidth: 320, minWidth: 220});
    W.markers.push(marker);
    return marker;
}"""

_CLUSTER_ICON = """function (cluster) {
    // a ring of severity shares (critical first, clockwise) around the number of findings
    var W = window.walktool, children = cluster.getAllChildMarkers(), counts = [], other = 0, k;
    for (k = 0; k < W.severities.length; k++) { counts.push(0); }
    for (var i = 0; i < children.length; i++) {
        var s = children[i].options.wtRow[2];
        if (s >= 0) { counts[s]++; } else { other++; }
    }
    var n = children.length, done = 0, stops = [], title = [];
    for (k = counts.length - 1; k >= 0; k--) {
        if (!counts[k]) { continue; }
        stops.push(W.severities[k].colour + ' ' + (done / n * 360).toFixed(1) + 'deg ' + ((done + counts[k]) / n * 360).toFixed(1) + 'deg');
        title.push(W.severities[k].label + ' ' + counts[k]);
        done += counts[k];
    }
    if (other) { stops.push('#777 ' + (done / n * 360).toFixed(1) + 'deg 360deg'); }
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    // a badge up and to the right of the place, so the station circle under it stays readable
    return L.divIcon({
        html: '<div title="' + title.join(' · ') + '" style="background:conic-gradient(' + stops.join(',') + ')"><span>' + n + '</span></div>',
        className: 'wt-cluster', iconSize: L.point(size, size), iconAnchor: L.point(-3, size + 3)
    });
}"""


def _codes(values: pd.Series) -> tuple[list[Any], list[int]]:
    """Distinct non-empty values (in order of first appearance) and each row's index into them (-1 = none)."""
    import pandas as pd

    text = values.astype(object).where(values.notna(), None)
    text = text.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    return list(uniques), [int(c) for c in codes]


def _positions(values: pd.Series, order: list[str]) -> list[int]:
    pos = {v: i for i, v in enumerate(order)}
    return [pos.get(v, -1) if isinstance(v, str) else -1 for v in values.astype(object).tolist()]


def _findings_script(data: _MapData, project: Project, base: Path, offline: bool) -> tuple[Any, list[list[Any]]]:
    """The findings' rows and their lookup tables + popup builder (a script run before the cluster).

    A row is ``[lat, lon, severity, principle, period, label, zone, station, comment,
    photo, date, placed]``: numbers, or indexes into the tables of ``window.walktool``
    (-1 = none), so 100,000 findings stay a few MB.  Every text in the tables is
    HTML-escaped here; the browser only concatenates them.
    """
    import pandas as pd

    t = _TEXT[data.lang]
    protocol = data.protocol
    lang = data.lang
    f = data.findings
    n = len(f)

    def column(name: str) -> pd.Series:
        return f[name] if name in f else pd.Series([None] * n, index=f.index, dtype=object)

    severities = [c.value for c in protocol.severities.choices]
    severities += [s for s in SEVERITY_COLOURS if s not in severities]
    principles = list(protocol.principle_keys)
    periods = [c.value for c in protocol.periods.choices]
    items = column("item").astype(object)
    has_item = items.map(lambda i: isinstance(i, str) and protocol.has_item(i))
    label_key = ("item:" + items.astype(str)).where(has_item, "principle:" + column("principle").astype(object).fillna("").astype(str))
    label_list, label_codes = _codes(label_key)
    zone_list, zone_codes = _codes(column("zone"))
    station_list, station_codes = _codes(column("station_name"))
    comment_list, comment_codes = _codes(column("comment"))
    photo_list, photo_codes = _codes(column("photo"))
    date_list, date_codes = _codes(column("local_time").astype(object).map(lambda v: str(v)[:10] if isinstance(v, str) else None))
    index = _photo_index(project) if photo_list else {}

    def label_text(key: str) -> str:
        kind, _, value = key.partition(":")
        if kind == "item":
            return protocol.item(value).label.get(lang)
        if value in principles:
            return protocol.principle(value).label.get(lang)
        return value or t["unknown"]

    doc = {
        "lang": lang,
        "text": {k: _e(t[k]) for k in ("severity", "zone", "period", "station", "date", "comment", "photo", "placed_station", "placed_entrance")},
        "severities": [
            {"key": s, "label": _e(protocol.severities.label(s, lang)), "colour": SEVERITY_COLOURS.get(s, _UNKNOWN_SEVERITY_COLOUR)}
            for s in severities
        ],
        "weights": [float(protocol.severity_weights.get(s, 1.0)) for s in severities],
        "principles": [{"key": p, "label": _e(protocol.principle(p).label.get(lang)), "icon": _svg(p)} for p in principles],
        "defaultIcon": _svg(None),
        "periods": [_e(protocol.periods.label(p, lang)) for p in periods],
        "labels": [_e(label_text(k)) for k in label_list],
        "zones": [_e(protocol.zones.label(z, lang)) for z in zone_list],
        "stations": [_e(v) for v in station_list],
        "comments": [_e(v) for v in comment_list],
        "photos": [_photo_html(v, project, base, offline, t, index) for v in photo_list],
        "dates": [_e(v) for v in date_list],
    }
    lat = [round(float(v), 6) for v in f["lat"].tolist()]
    lon = [round(float(v), 6) for v in f["lon"].tolist()]
    placed = _positions(column("placed"), ["gps", "station", "entrance"])
    rows = [
        list(r)
        for r in zip(
            lat,
            lon,
            _positions(column("severity"), severities),
            _positions(column("principle"), principles),
            _positions(column("period"), periods),
            label_codes,
            zone_codes,
            station_codes,
            comment_codes,
            photo_codes,
            date_codes,
            [max(p, 0) for p in placed],
            strict=True,
        )
    ]
    return _script(_TABLES_JS.replace("__DOC__", _script_json(doc))), rows


_TABLES_JS = """
window.walktool = (function () {
    var W = __DOC__;
    W.markers = [];
    W.iconCache = {};
    W.icon = function (sev, pri) {
        var key = sev + '_' + pri;
        if (!W.iconCache[key]) {
            var s = W.severities[sev], p = W.principles[pri];
            var colour = s ? s.colour : '#777';
            var ink = sev >= 1 ? '' : ' wt-ink-dark';
            W.iconCache[key] = L.divIcon({
                html: '<div style="background:' + colour + '">' + (p ? p.icon : W.defaultIcon) + '</div>',
                className: 'wt-finding wt-sev-' + (s ? s.key : 'unknown') + ink,
                iconSize: [22, 22], iconAnchor: [0, 22], popupAnchor: [11, -20]
            });
        }
        return W.iconCache[key];
    };
    W.findingCard = function (layer) {
        var r = layer.options.wtRow, T = W.text;
        var s = W.severities[r[2]], p = W.principles[r[3]];
        var label = r[5] >= 0 ? W.labels[r[5]] : (p ? p.label : '');
        var html = '<div class="wt-card wt-finding-card"><h4><span class="wt-icon" style="background:' + (s ? s.colour : '#777') + '">'
            + (p ? p.icon : W.defaultIcon) + '</span> ' + label + '</h4>';
        if (p) { html += '<p class="wt-principle">' + p.label + '</p>'; }
        html += '<table class="wt-facts">';
        html += '<tr><th>' + T.severity + '</th><td>' + (s ? s.label : '—') + '</td></tr>';
        html += '<tr><th>' + T.station + '</th><td>' + (r[7] >= 0 ? W.stations[r[7]] : '—') + '</td></tr>';
        html += '<tr><th>' + T.zone + '</th><td>' + (r[6] >= 0 ? W.zones[r[6]] : '—') + '</td></tr>';
        html += '<tr><th>' + T.period + '</th><td>' + (r[4] >= 0 ? W.periods[r[4]] : '—') + '</td></tr>';
        if (r[10] >= 0) { html += '<tr><th>' + T.date + '</th><td>' + W.dates[r[10]] + '</td></tr>'; }
        html += '</table>';
        if (r[8] >= 0) { html += '<p class="wt-comment">' + W.comments[r[8]] + '</p>'; }
        if (r[9] >= 0) { html += '<p class="wt-photo">' + W.photos[r[9]] + '</p>'; }
        if (r[11] === 1) { html += '<p class="wt-note">' + T.placed_station + '</p>'; }
        if (r[11] === 2) { html += '<p class="wt-note">' + T.placed_entrance + '</p>'; }
        return html + '</div>';
    };
    return W;
})();
"""


def _behaviour(fmap: Any, stations: Any, cluster: Any, heat: Any, toggles: list[Any], periods: list[Any], data: _MapData) -> Any:
    """Principle and day / night toggles filter the clustered findings and the heat layer."""
    names = {
        "map": fmap.get_name(),
        "cluster": cluster.get_name(),
        "station_layer": stations.get_name(),
        "heat": heat.get_name(),
        "principles": "[" + ",".join(g.get_name() for g in toggles) + "]",
        "periods": "[" + ",".join(g.get_name() for g in periods) + "]",
        "stations": str(len(data.stations)),
        "attribution": _script_json(_attribution(data)),
    }
    js = _BEHAVIOUR_JS
    for key, value in names.items():
        js = js.replace(f"__{key.upper()}__", value)
    return _script(js)


def _attribution(data: _MapData) -> str:
    if data.layer.source == "stm" or "Société de transport de Montréal" in (data.layer.credit or ""):
        credit = STM_ATTRIBUTION
    else:
        credit = data.layer.credit or ""
    return _e(f"{_TEXT[data.lang]['stations'].split(' (')[0]}: {credit}") if credit else ""


_BEHAVIOUR_JS = """
(function () {
    var W = window.walktool, map = __MAP__, cluster = __CLUSTER__, heat = __HEAT__;
    var principles = __PRINCIPLES__, periods = __PERIODS__;
    W.map = map; W.cluster = cluster; W.heat = heat;
    W.stationCount = __STATIONS__;
    W.findingCount = W.markers.length;
    if (__ATTRIBUTION__ && map.attributionControl) { map.attributionControl.addAttribution(__ATTRIBUTION__); }
    W.markers.forEach(function (m) { m._wtShown = true; });
    W.refresh = function () {
        var pOn = principles.map(function (l) { return map.hasLayer(l); });
        var tOn = periods.map(function (l) { return map.hasLayer(l); });
        var add = [], remove = [], points = [], shown = [];
        for (var i = 0; i < W.markers.length; i++) {
            var m = W.markers[i], r = m.options.wtRow;
            var visible = (r[3] < 0 || pOn[r[3]]) && (r[4] < 0 || tOn[r[4]]);
            if (visible) { points.push([r[0], r[1], r[2] >= 0 ? W.weights[r[2]] : 1]); shown.push(m); }
            if (visible !== m._wtShown) { (visible ? add : remove).push(m); m._wtShown = visible; }
        }
        if (remove.length > shown.length) {
            cluster.clearLayers();
            cluster.addLayers(shown);
        } else {
            if (remove.length) { cluster.removeLayers(remove); }
            if (add.length) { cluster.addLayers(add); }
        }
        heat.setLatLngs(points);
        W.visibleCount = points.length;
    };
    W.openFinding = function (i, done) {
        var m = W.markers[i];
        cluster.zoomToShowLayer(m, function () { m.openPopup(); if (done) { done(); } });
    };
    // scored stations stay above the lines and entrances
    var front = function () { if (map.hasLayer(__STATION_LAYER__)) { __STATION_LAYER__.bringToFront(); } };
    map.on('overlayadd', front);
    front();
    map.on('overlayadd overlayremove', function (e) {
        if (principles.indexOf(e.layer) >= 0 || periods.indexOf(e.layer) >= 0) { W.refresh(); }
    });
    W.refresh();
    W.ready = true;
})();
"""


def _legend(data: _MapData, fmap: Any) -> Any:
    t = _TEXT[data.lang]
    protocol = data.protocol
    gradient = ", ".join(SCORE_COLOURS)
    campaign = data.campaign or t["all_campaigns"]
    summary = t["summary"].format(f=len(data.findings), s=len(data.stations))
    rows = [
        f'<div class="wt-legend-title">{_e(data.title)}</div>',
        f'<div class="wt-legend-sub">{_e(t["campaign"])}{t["colon"]}{_e(campaign)} · {_e(summary)}</div>',
        f'<div class="wt-legend-head">{_e(t["score_legend"])}</div>',
        f'<div class="wt-gradient" style="background:linear-gradient(to right, {gradient})"></div>',
        '<div class="wt-ticks"><span>0</span><span>50</span><span>100</span></div>',
        f'<div><span class="wt-swatch" style="background:{NO_SCORE_COLOUR}"></span> {_e(t["no_score"])} · {_e(t["size_legend"])}</div>',
        '<div><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="#fdae61" fill-opacity="0.45"'
        f' stroke="#222" stroke-width="2" stroke-dasharray="3 2"/></svg> {_e(t["low_confidence_long"].format(n=protocol.low_confidence_participants))}</div>',
        f'<div class="wt-legend-head">{_e(t["severity"])}</div><div>'
        + " ".join(
            f'<span class="wt-dot" style="background:{SEVERITY_COLOURS[s]}"></span>{_e(protocol.severities.label(s, data.lang))}'
            for s in SEVERITY_COLOURS
        )
        + "</div>",
        f'<div class="wt-legend-note">{_e(t["gps_note"])}</div>',
    ]
    if data.not_shown:
        rows.append(f'<div class="wt-legend-note">{_e(t["not_shown"].format(n=data.not_shown))}</div>')
    content = _script_json("".join(rows))
    return _script(
        "(function () { var legend = L.control({position: 'bottomleft'});"
        " legend.onAdd = function () { var div = L.DomUtil.create('div', 'wt-legend leaflet-control');"
        f" div.innerHTML = {content}; L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div); return div; }};"
        f" legend.addTo({fmap.get_name()}); }})();"
    )


_CSS = """
.wt-finding div { width: 22px; height: 22px; border-radius: 50% 50% 50% 0; border: 1.5px solid #222;
  box-sizing: border-box; display: flex; align-items: center; justify-content: center; box-shadow: 0 1px 3px rgba(0,0,0,.35); }
.wt-finding svg { fill: #fff; }
.wt-finding.wt-ink-dark svg { fill: #222; }
.wt-cluster div { width: 100%; height: 100%; border-radius: 50%; box-sizing: border-box; box-shadow: 0 0 0 1.5px #222, 0 1px 4px rgba(0,0,0,.4);
  display: flex; align-items: center; justify-content: center; }
.wt-cluster span { width: 62%; height: 62%; border-radius: 50%; background: #fff; color: #222; display: flex; align-items: center;
  justify-content: center; font: bold 11px/1 system-ui, sans-serif; }
.folium-map .wt-label { background: rgba(255,255,255,.8); border: 0; border-radius: 3px; box-shadow: none; padding: 0 3px;
  font: bold 11px/1.3 system-ui, sans-serif; color: #222; }
.folium-map .wt-label::before { display: none; }
.wt-card { font: 13px/1.35 system-ui, sans-serif; }
.wt-card h4 { margin: 0 0 4px; font-size: 15px; display: flex; align-items: center; gap: 6px; }
.wt-card h5 { margin: 8px 0 2px; font-size: 13px; }
.wt-card p { margin: 3px 0; }
.wt-card table { border-collapse: collapse; }
.wt-card td, .wt-card th { padding: 1px 4px; text-align: left; vertical-align: top; }
.wt-card th { color: #555; font-weight: normal; }
.wt-principles td.wt-num { text-align: right; font-variant-numeric: tabular-nums; }
.wt-barcell { width: 102px; }
.wt-bar { display: inline-block; height: 8px; border: 1px solid #555; }
.wt-recs { margin: 2px 0; padding-left: 18px; }
.wt-recs li { margin-bottom: 4px; }
.wt-comment { white-space: pre-wrap; background: #f4f4f4; padding: 4px 6px; border-left: 3px solid #888; }
.wt-note { color: #666; font-size: 11px; }
.wt-lowconf { color: #8a4b00; font-weight: bold; }
.wt-thumb { max-width: 240px; max-height: 160px; display: block; margin-top: 4px; border: 1px solid #ccc; }
.wt-icon { display: inline-flex; width: 20px; height: 20px; border-radius: 50%; align-items: center; justify-content: center;
  border: 1px solid #222; }
.wt-icon svg { fill: #fff; }
.wt-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #333; border-radius: 50%; vertical-align: -2px; margin-right: 3px; }
.wt-dot { display: inline-block; width: 10px; height: 10px; border: 1px solid #222; border-radius: 50%; vertical-align: -1px; margin: 0 3px 0 2px; }
.wt-lc-icon { display: inline-flex; width: 16px; height: 16px; border-radius: 50%; background: #555; align-items: center;
  justify-content: center; margin-right: 4px; vertical-align: -3px; }
.wt-legend { background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 5px; box-shadow: 0 1px 5px rgba(0,0,0,.4);
  font: 12px/1.4 system-ui, sans-serif; max-width: 290px; }
.wt-legend-title { font-weight: bold; font-size: 14px; }
.wt-legend-sub { color: #444; margin-bottom: 4px; }
.wt-legend-head { font-weight: bold; margin-top: 5px; }
.wt-legend-note { color: #555; font-size: 11px; margin-top: 4px; }
.wt-gradient { height: 10px; border: 1px solid #333; margin-top: 2px; }
.wt-ticks { display: flex; justify-content: space-between; font-size: 10px; color: #333; }
.folium-map .leaflet-control-layers label { font-size: 12px; line-height: 1.45; }
"""


def _add_style(fmap: Any, offline: bool) -> None:
    Element = _folium().Element
    css = _CSS
    if offline:
        css += f".folium-map.leaflet-container {{ background: {_OFFLINE_BACKGROUND}; }}\n"
    fmap.get_root().header.add_child(Element(f"<style>{css}</style>"), name="walktool_css")


# -- writing the page --------------------------------------------------------------------------
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
        msg = "the offline map needs the folium-offline package: pip install folium-offline"
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
    if not offline:
        return page
    assets = offline_assets()
    missing: list[str] = []

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if url not in assets:
            missing.append(url)
            return match.group(0)
        body = assets[url].replace("</script", "<\\/script")
        return f"<script>/* {url.rsplit('/', 1)[-1]} (embedded) */\n{body}\n</script>"

    def style(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(0))
        url = href.group(1) if href else ""
        if url not in assets:
            missing.append(url)
            return match.group(0)
        body = _CSS_URL.sub("none", assets[url]).replace("</style", "<\\/style")
        return f"<style>/* {url.rsplit('/', 1)[-1]} (embedded) */\n{body}\n</style>"

    page = _SCRIPT_SRC.sub(script, page)
    page = _LINK_HREF.sub(style, page)
    if missing:
        msg = "offline map: no embedded copy of " + ", ".join(sorted(set(missing))) + "; update the folium-offline package or leave out --offline"
        raise MapError(msg)
    return page


def write_map(
    project: Project,
    out: str | Path | None = None,
    campaign: str | None = None,
    lang: str | None = None,
    offline: bool = False,
) -> Path:
    """Build the walk map and write it as one HTML page.

    Parameters
    ----------
    project
        The open project.
    out
        The page to write (default ``reports/map.html`` in the project); its folder is created.
    campaign, lang, offline
        As for :func:`build_map`.

    Returns
    -------
    Path
        The page written.
    """
    path = Path(out) if out is not None else project.reports_dir / "map.html"
    path = path.resolve()
    fmap = build_map(project, campaign, lang, offline, photo_base=path.parent)
    page = map_html(fmap, offline=offline)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
