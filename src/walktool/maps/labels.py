"""Every word the maps show, through the ``walktool`` gettext catalog (:mod:`walktool.i18n`).

The labels are English msgids in the ``map`` context, marked with
:func:`~walktool.i18n.NC_`; :func:`texts` gives them in a language, :func:`pair`
joins a label to its value as the language writes it ("Zone : Quai" in French),
and the counted words (``{n} walks``) are ``npgettext`` calls where they are used.
The protocol's own labels (principles, items, zones, severities) come from the
protocol file.  Nothing here holds a French string: the French is in
``locale/fr/LC_MESSAGES/walktool.po``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from walktool.errors import WalktoolError
from walktool.i18n import LANGUAGES, N_, NC_, Msg, Phrase, Translator, translator

__all__ = ["LABELS", "LANGUAGES", "MapError", "pair", "texts", "tr"]


class MapError(WalktoolError):
    """The map cannot be drawn (no data, unknown language, missing offline asset)."""


LABELS: dict[str, Msg] = {
    # layers
    "stations": NC_("map", "Stations (score)"),
    "stations_credit": NC_("map", "Stations: {credit}"),
    "lines": NC_("map", "Network lines and stations"),
    "entrances": NC_("map", "Entrances"),
    "findings": NC_("map", "Findings"),
    "heat": NC_("map", "Findings density"),
    # legend
    "legend": NC_("map", "Legend"),
    "score_legend": NC_("map", "Station score (0 = every answer a problem, 100 = none)"),
    "no_score": NC_("map", "not scored"),
    "size_legend": NC_("map", "circle size = number of findings"),
    "low_confidence_long": NC_("map", "low confidence: seen by fewer than {n} participants"),
    "severity": NC_("map", "Severity"),
    "gps_note": NC_("map", "Findings without GPS: placed around their station"),
    "group_note": NC_(
        "map",
        "More than {limit} findings: one marker per station, zone, principle and period, with its number of findings;"
        " its popup counts them by severity and lists the most severe.",
    ),
    "group_listed": NC_("map", "the {shown} most severe listed"),
    "campaign": NC_("map", "Campaign"),
    "all_campaigns": NC_("map", "all campaigns"),
    # station card
    "score": NC_("map", "Score"),
    "feeling": NC_("map", "Feeling"),
    "not_alone": NC_("map", "would not come alone at night"),
    "top_recs": NC_("map", "Top recommendations"),
    "hotspots": NC_("map", "Worst zones"),
    "responsible": NC_("map", "Responsible"),
    "owner": NC_("map", "Owner"),
    "timeframe": NC_("map", "Timeframe"),
    "status": NC_("map", "Status"),
    "no_recs": NC_("map", "No recommendation."),
    "immediate": NC_("timeframe", "immediate"),
    "short": NC_("timeframe", "short term (< 3 months)"),
    "medium": NC_("timeframe", "medium term (3–12 months)"),
    "long": NC_("timeframe", "long term (> 12 months)"),
    "status_proposed": NC_("status", "proposed"),
    "status_accepted": NC_("status", "accepted"),
    "status_rejected": NC_("status", "rejected"),
    "status_in_progress": NC_("status", "in progress"),
    "status_done": NC_("status", "done"),
    "status_verified": NC_("status", "verified"),
    "unknown": NC_("map", "—"),
    "label_value": NC_("map", "{label}: {value}"),
    # finding card
    "answer": NC_("map", "Answer"),
    "reported": NC_("map", "reported as a problem"),
    "zone": NC_("map", "Zone"),
    "period": NC_("map", "Period"),
    "station": NC_("map", "Station"),
    "date": NC_("map", "Date"),
    "comment": NC_("map", "Comment"),
    "photo": NC_("map", "Photo"),
    "photo_missing": NC_("map", "photo not in the project folder"),
    "photo_link": NC_("map", "external link, not loaded by the map"),
    "placed_station": NC_("map", "Approximate position: no GPS, placed near the station."),
    "placed_entrance": NC_("map", "Approximate position: no GPS, placed near one of the station's entrances."),
    # controls and page
    "search": NC_("map", "Search a station"),
    "fullscreen": NC_("map", "Full screen"),
    "fullscreen_exit": NC_("map", "Exit full screen"),
    "locate": NC_("map", "Show my location"),
    "locate_popup": NC_("map", "You are within {distance} {unit} of this point"),
    "locate_outside": NC_("map", "You seem to be outside the map's bounds"),
    "page_title": NC_("map", "Exploratory walk map"),
    "compare_title": NC_("map", "Campaign comparison"),
    "notice": NC_("map", "No internet: the basemap and the map's scripts cannot load."),
    "notice_hint": NC_("map", "For a map that opens with no connection:"),
    "close": NC_("map", "Close"),
    # recorded incidents, follow-up, audience
    "incidents": NC_("map", "Recorded incidents (per station)"),
    "incidents_heat": NC_("map", "Recorded incidents (density)"),
    "incidents_tooltip": NC_("map", "{n} recorded incidents within {radius} m (day {day}, night {night})"),
    "incidents_note": NC_("map", "Police records count what was reported: harassment rarely is."),
    "incidents_credit": NC_("map", "Incidents: {credit}"),
    "overdue": NC_("map", "overdue since {date} ({n} days)"),
    "overdue_legend": NC_("map", "{n} recommendations overdue"),
    "public_note": NC_("map", "Public version: positions rounded to about 100 m, comments shown only when publishable, faces blurred."),
}
"""The maps' fixed labels by key (``texts(lang)[key]``)."""


def tr(lang: str) -> Translator:
    """The translator of the map's language.

    Raises
    ------
    MapError
        When walktool does not speak ``lang``.
    """
    if lang not in LANGUAGES:
        msg = Phrase(N_("language {lang!r}: use {LANGUAGES}"), lang=lang, LANGUAGES=' or '.join(LANGUAGES))
        raise MapError(msg)
    return translator(lang)


@functools.cache
def _texts(lang: str) -> Mapping[str, str]:
    t = translator(lang)
    return {key: t.text(message) for key, message in LABELS.items()}


def texts(lang: str) -> Mapping[str, str]:
    """The maps' labels in ``lang`` (placeholders such as ``{n}`` left to fill).

    Raises
    ------
    MapError
        When walktool does not speak ``lang``.
    """
    tr(lang)
    return _texts(lang)


def pair(t: Mapping[str, str], label: str, value: str) -> str:
    """``label: value`` as the language writes it (``label`` and ``value`` already HTML)."""
    return t["label_value"].format(label=label, value=value)
