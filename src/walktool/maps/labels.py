"""Every word the maps show, in French and English.

The walk map and the comparison map take their labels from :func:`texts`; the
protocol's own labels (principles, items, zones, severities) come from the
protocol file.
"""

from __future__ import annotations

from collections.abc import Mapping

from walktool.errors import WalktoolError

__all__ = ["LANGUAGES", "TEXT", "MapError", "texts"]

LANGUAGES = ("fr", "en")


class MapError(WalktoolError):
    """The map cannot be drawn (no data, unknown language, missing offline asset)."""


TEXT: dict[str, dict[str, str]] = {
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
        "answer": "Réponse",
        "reported": "signalé comme problème",
        "page_title": "Carte des marches exploratoires",
        "compare_title": "Comparaison des campagnes",
        "legend": "Légende",
        "locate": "Me localiser",
        "locate_popup": "Vous êtes à {distance} {unit} de ce point",
        "locate_outside": "Vous semblez être hors des limites de la carte",
        "notice": "Pas d'internet : le fond de carte et les scripts de la carte ne peuvent pas se charger.",
        "notice_hint": "Pour une carte qui s'ouvre sans connexion :",
        "close": "Fermer",
        "photo_link": "lien externe, non chargé par la carte",
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
        "answer": "Answer",
        "reported": "reported as a problem",
        "page_title": "Exploratory walk map",
        "compare_title": "Campaign comparison",
        "legend": "Legend",
        "locate": "Show my location",
        "locate_popup": "You are within {distance} {unit} of this point",
        "locate_outside": "You seem to be outside the map's bounds",
        "notice": "No internet: the basemap and the map's scripts cannot load.",
        "notice_hint": "For a map that opens with no connection:",
        "close": "Close",
        "photo_link": "external link, not loaded by the map",
    },
}


def texts(lang: str) -> Mapping[str, str]:
    """The map's labels in ``lang``.

    Raises
    ------
    MapError
        When ``lang`` is neither ``fr`` nor ``en``.
    """
    if lang not in TEXT:
        msg = f"language {lang!r}: use fr or en"
        raise MapError(msg)
    return TEXT[lang]
