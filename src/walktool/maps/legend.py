"""The walk map's legend: the score scale, low confidence, severities, what is placed and what is not shown.

The frame is ``assets/legend.html`` (a ``<details>`` box: open on a screen with room
for it, folded to one line on a phone, by ``legend`` in ``assets/walkmap.js``).
"""

from __future__ import annotations

from string import Template
from typing import TYPE_CHECKING, Any

from walktool.maps.labels import pair, texts, tr
from walktool.maps.page import asset, script
from walktool.maps.symbols import NO_SCORE_COLOUR, SCORE_COLOURS, SEVERITY_COLOURS, e, script_json

if TYPE_CHECKING:
    from walktool.maps.data import MapData

__all__ = ["legend", "legend_html"]


def legend_html(data: MapData) -> str:
    """The legend's HTML (every text escaped)."""
    t = texts(data.lang)
    words = tr(data.lang)
    protocol = data.protocol
    campaign = data.campaign or t["all_campaigns"]
    severities = " ".join(
        f'<span class="wt-dot" style="background:{SEVERITY_COLOURS[s]}"></span>{e(protocol.severities.label(s, data.lang))}'
        for s in SEVERITY_COLOURS
    )
    notes = ""
    if data.not_shown:
        hidden = words.npgettext(
            "map", "{n} finding with neither position nor station not shown", "{n} findings with neither position nor station not shown", data.not_shown
        ).format(n=data.not_shown)
        notes = f'<div class="wt-legend-note">{e(hidden)}</div>'
    if data.grouped_above is not None:
        limit = _number(data.grouped_above, data.lang)
        notes += f'<div class="wt-legend-note wt-grouped">{e(t["group_note"].format(limit=limit))}</div>'
    late = sum(1 for recs in data.recommendations.values() for r in recs if r.get("overdue"))
    if late:
        notes += f'<div class="wt-legend-note wt-overdue">⏰ {e(t["overdue_legend"].format(n=late))}</div>'
    if data.incidents is not None and data.incidents.credit:
        notes += f'<div class="wt-legend-note">{e(t["incidents_credit"].format(credit=data.incidents.credit))}</div>'
    if data.audience == "public":
        notes += f'<div class="wt-legend-note">{e(t["public_note"])}</div>'
    found, stations = len(data.findings), len(data.stations)
    summary = " · ".join(
        [
            words.npgettext("map", "{n} finding", "{n} findings", found).format(n=found),
            words.npgettext("map", "{n} station", "{n} stations", stations).format(n=stations),
        ]
    )
    return Template(asset("legend.html")).substitute(
        title=e(data.title),
        legend=e(t["legend"]),
        campaign=pair(t, e(t["campaign"]), e(campaign)),
        summary=e(summary),
        score_legend=e(t["score_legend"]),
        gradient=", ".join(SCORE_COLOURS),
        no_score_colour=NO_SCORE_COLOUR,
        no_score=e(t["no_score"]),
        size_legend=e(t["size_legend"]),
        low_confidence=e(t["low_confidence_long"].format(n=protocol.low_confidence_participants)),
        severity=e(t["severity"]),
        severities=severities,
        gps_note=e(t["gps_note"]),
        notes=notes,
    )


def _number(n: int, lang: str) -> str:
    """``n`` with the language's thousands separator (5,000; 5 000 in French)."""
    return f"{n:,}".replace(",", "\u202f" if lang == "fr" else ",")


def legend(data: MapData, fmap: Any) -> Any:
    """The legend as a Leaflet control (bottom left), to add to ``fmap``."""
    return script(f"window.walktoolMap.legend({fmap.get_name()}, {script_json(legend_html(data))});")
