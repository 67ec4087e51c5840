"""The bundled sample campaigns: a seeded generator of SYNTHETIC walk data.

Everything here is made up.  The generator models the STM exploratory-walk pilot of
November–December 2023 (15 walks through Papineau, Beaudry, Lionel-Groulx,
Berri-UQAM, Bonaventure, Atwater, Jolicoeur and Monk, by day and at night, groups of
5 to 10 participants who each audit several zones of each station) and a follow-up
campaign in autumn 2024 in which some problems were fixed and others persist.  The
sheets come back in the formats facilitators really bring:

* KoboToolbox CSV exports of the walktool form (XML values, group names in headers,
  ``;``, every field quoted; ``reference/formats.md`` §1), the facilitator's copy of
  the form carrying four optional profile questions;
* ODK Central export zips of the same form (``<formId>.csv`` + ``files/``; §2);
* walktool field sheets (``.xlsx``), typed in after a paper walk;
* a facilitator's own French findings table (CSV with a title row, decimal commas,
  loosely spelled station names);
* a few geotagged JPEG photos (EXIF GPS and capture time), one without a fix.

The form, its Kobo and Central export layouts and the field sheet come from
:mod:`walktool.forms` (``build_xlsform``, ``forms.simulate.kobo_csv`` /
``odk_central_csv``, ``write_field_sheet``), so the sample follows walktool's own
forms.  What the walks find is modelled per station and zone (see ``_PILOT`` and
``_FOLLOWUP``); one random draw per station, zone and item serves both campaigns,
so that a problem persists unless the follow-up model says it was fixed.

The same seed always gives the same bytes (zip and workbook timestamps are fixed).
``python -m walktool.sample walks/`` regenerates the repository's ``walks/`` folder;
:func:`import_sample_campaign` imports it into a project (what ``walktool demo`` runs).

>>> from walktool.sample import CAMPAIGNS
>>> CAMPAIGNS
('2023-pilot', '2024-followup')
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from walktool.forms import XLSForm
    from walktool.ingest import ImportResult
    from walktool.project import Project
    from walktool.protocol import Item, Protocol
    from walktool.stations import StationLayer

__all__ = [
    "CAMPAIGNS",
    "DEFAULT_SEED",
    "MANIFEST_NAME",
    "SampleFile",
    "SampleManifest",
    "SampleWalk",
    "default_walks_dir",
    "generate_sample_campaign",
    "import_sample_campaign",
    "load_manifest",
    "main",
]

DEFAULT_SEED = 2023
CAMPAIGNS = ("2023-pilot", "2024-followup")
MANIFEST_NAME = "manifest.json"
GENERATOR_VERSION = 1
TIMEZONE = "America/Montreal"
KOBO_USER = "marches_stm"
# Fixed timestamp for every zip member and workbook property: the same seed gives the same bytes.
_FIXED = datetime(2024, 12, 1, 12, 0, 0)

# ---------------------------------------------------------------------------
# The study: stations, zones, walks
# ---------------------------------------------------------------------------

# Zones each station has, in walking order (street → platform).
STATION_ZONES: dict[str, tuple[str, ...]] = {
    "Papineau": ("bus_loop", "entrance", "hall", "stairs", "platform"),
    "Beaudry": ("entrance", "hall", "stairs", "platform"),
    "Lionel-Groulx": ("bus_loop", "entrance", "hall", "transfer", "stairs", "platform"),
    "Berri-UQAM": ("entrance", "hall", "corridor", "transfer", "stairs", "platform"),
    "Bonaventure": ("bus_loop", "entrance", "hall", "corridor", "platform"),
    "Atwater": ("bus_loop", "entrance", "corridor", "hall", "stairs", "platform"),
    "Jolicoeur": ("entrance", "hall", "stairs", "platform"),
    "Monk": ("entrance", "hall", "corridor", "stairs", "platform"),
}
OUTDOOR_ZONES = ("entrance", "bus_loop")
AMBASSADOR_STATIONS = ("Papineau", "Beaudry", "Lionel-Groulx", "Atwater", "Bonaventure")


@dataclass(frozen=True)
class _WalkPlan:
    campaign: str
    day: date
    period: str
    route: tuple[str, ...]
    fmt: str  # kobo | odk | sheet | findings, or several joined by "+"
    facilitator: str
    weather: str
    encoding: str = "utf-8-sig"  # findings tables only
    photos: int = 0


def _d(text: str) -> date:
    return date.fromisoformat(text)


_PLANS: dict[str, tuple[_WalkPlan, ...]] = {
    "2023-pilot": (
        _WalkPlan("2023-pilot", _d("2023-11-07"), "night", ("Berri-UQAM",), "kobo", "Animatrice A", "clear, 4 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-09"), "night", ("Papineau", "Beaudry"), "kobo", "Animatrice A", "light rain, 7 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-11"), "day", ("Lionel-Groulx", "Atwater"), "odk", "Animateur B", "cloudy, 5 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-14"), "night", ("Jolicoeur", "Monk"), "kobo", "Animatrice A", "clear, -2 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-16"), "day", ("Bonaventure",), "sheet", "Animatrice C", "sunny, 3 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-18"), "day", ("Berri-UQAM",), "sheet", "Animatrice C", "cloudy, 2 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-21"), "night", ("Lionel-Groulx",), "kobo", "Animatrice A", "snow flurries, -1 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-23"), "night", ("Atwater", "Bonaventure"), "odk", "Animateur B", "clear, -4 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-25"), "day", ("Papineau",), "sheet", "Animatrice C", "sunny, 0 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-28"), "night", ("Beaudry", "Berri-UQAM"), "kobo", "Animatrice A", "cloudy, -3 °C"),
        _WalkPlan("2023-pilot", _d("2023-11-30"), "day", ("Jolicoeur", "Monk"), "odk", "Animateur B", "light snow, -2 °C"),
        _WalkPlan("2023-pilot", _d("2023-12-02"), "day", ("Beaudry", "Papineau"), "sheet", "Animatrice C", "cloudy, 1 °C"),
        _WalkPlan("2023-pilot", _d("2023-12-05"), "night", ("Monk",), "odk", "Animateur B", "freezing rain, -1 °C"),
        _WalkPlan("2023-pilot", _d("2023-12-07"), "night", ("Bonaventure", "Lionel-Groulx"), "findings", "Animatrice D", "clear, -6 °C", "cp1252", 4),
        _WalkPlan("2023-pilot", _d("2023-12-12"), "night", ("Jolicoeur", "Atwater"), "findings", "Animatrice D", "snow, -5 °C", "utf-8-sig", 2),
    ),
    "2024-followup": (
        _WalkPlan("2024-followup", _d("2024-10-15"), "night", ("Jolicoeur",), "kobo", "Animatrice A", "clear, 9 °C"),
        _WalkPlan("2024-followup", _d("2024-10-17"), "night", ("Monk",), "kobo", "Animatrice A", "cloudy, 11 °C"),
        _WalkPlan("2024-followup", _d("2024-10-22"), "night", ("Berri-UQAM",), "odk", "Animateur B", "light rain, 8 °C"),
        _WalkPlan("2024-followup", _d("2024-10-26"), "day", ("Papineau",), "sheet", "Animatrice C", "sunny, 12 °C"),
        _WalkPlan("2024-followup", _d("2024-10-29"), "night", ("Beaudry",), "kobo", "Animatrice A", "clear, 6 °C"),
        _WalkPlan("2024-followup", _d("2024-11-05"), "night", ("Lionel-Groulx",), "odk", "Animateur B", "cloudy, 4 °C"),
        _WalkPlan("2024-followup", _d("2024-11-09"), "day", ("Bonaventure",), "sheet", "Animatrice C", "sunny, 7 °C"),
        _WalkPlan("2024-followup", _d("2024-11-12"), "night", ("Atwater",), "kobo+findings", "Animatrice D", "rain, 5 °C", "utf-8-sig", 2),
    ),
}

# ---------------------------------------------------------------------------
# What the stations are like: probability that an item is a problem
# ---------------------------------------------------------------------------

# Everywhere, by default (the problem is: "no" for positive items, "yes" for negative ones,
# a low level for scales, a high count or distance for counts and metres).
_BASE: dict[str, float] = {
    "sign_exits": 0.08, "sign_station_map": 0.2, "sign_help_point": 0.45, "sign_readable": 0.12,
    "light_level": 0.12, "dark_corners": 0.15, "lights_out": 0.12, "sightline_clear": 0.15,
    "hiding_spots": 0.12, "people_present": 0.15, "women_children_present": 0.25, "shops_open": 0.35,
    "staff_distance_m": 0.35, "emergency_phone": 0.06, "staff_visible": 0.55, "cctv_visible": 0.15,
    "help_info_posted": 0.5, "escape_routes": 0.1, "entrapment_spot": 0.08, "cleanliness": 0.2,
    "offensive_graffiti": 0.06, "broken_equipment": 0.08, "odour_or_water": 0.12, "seating": 0.2,
    "reporting_info": 0.65, "outreach_presence": 0.75,
}

# "station": {"item": p} or {"zone:item": p}; the 2023 state of each station.
_PILOT: dict[str, dict[str, float]] = {
    "Jolicoeur": {
        "light_level": 0.8, "dark_corners": 0.8, "lights_out": 0.6, "hiding_spots": 0.4,
        "people_present": 0.6, "women_children_present": 0.7, "staff_distance_m": 0.9,
        "staff_visible": 0.9, "stairs:sightline_clear": 0.55, "stairs:entrapment_spot": 0.5,
        "platform:escape_routes": 0.3, "shops_open": 0.9,
    },
    "Monk": {
        "light_level": 0.7, "dark_corners": 0.75, "lights_out": 0.5, "hiding_spots": 0.5,
        "corridor:entrapment_spot": 0.8, "stairs:entrapment_spot": 0.5, "corridor:escape_routes": 0.65,
        "staff_distance_m": 0.9, "staff_visible": 0.9, "corridor:cctv_visible": 0.65,
        "stairs:cctv_visible": 0.55, "corridor:emergency_phone": 0.75, "people_present": 0.6,
        "women_children_present": 0.65, "shops_open": 0.9,
    },
    "Berri-UQAM": {
        "people_present": 0.02, "corridor:sightline_clear": 0.7, "transfer:sightline_clear": 0.65,
        "corridor:odour_or_water": 0.6, "transfer:odour_or_water": 0.5, "corridor:offensive_graffiti": 0.65,
        "stairs:broken_equipment": 0.75, "cleanliness": 0.55, "transfer:sign_readable": 0.5,
        "outreach_presence": 0.4, "hiding_spots": 0.25,
    },
    "Beaudry": {
        "entrance:offensive_graffiti": 0.8, "cleanliness": 0.6, "entrance:odour_or_water": 0.65,
        "stairs:odour_or_water": 0.6, "staff_visible": 0.8, "entrance:dark_corners": 0.5,
        "outreach_presence": 0.55,
    },
    "Papineau": {
        "platform:emergency_phone": 0.9, "bus_loop:light_level": 0.6, "bus_loop:dark_corners": 0.6,
        "staff_visible": 0.8, "cleanliness": 0.4, "entrance:broken_equipment": 0.55,
        "outreach_presence": 0.6,
    },
    "Lionel-Groulx": {
        "people_present": 0.03, "stairs:hiding_spots": 0.5, "stairs:broken_equipment": 0.55,
        "sign_help_point": 0.65, "transfer:sightline_clear": 0.4, "bus_loop:dark_corners": 0.35,
    },
    "Bonaventure": {
        "corridor:people_present": 0.6, "corridor:entrapment_spot": 0.5, "help_info_posted": 0.8,
        "sign_help_point": 0.7, "bus_loop:light_level": 0.5, "bus_loop:dark_corners": 0.5,
        "corridor:odour_or_water": 0.45, "corridor:staff_distance_m": 0.75,
    },
    "Atwater": {
        "corridor:dark_corners": 0.55, "corridor:light_level": 0.4, "corridor:staff_distance_m": 0.7,
        "bus_loop:offensive_graffiti": 0.4, "corridor:hiding_spots": 0.4,
    },
}

# Autumn 2024: what changed.  A value replaces the 2023 probability (fixed: low; persists:
# unchanged, so not listed; new problem: high).
_FOLLOWUP: dict[str, dict[str, float]] = {
    "Jolicoeur": {"light_level": 0.05, "dark_corners": 0.1, "lights_out": 0.04},  # re-lit; staff still far
    "Monk": {"light_level": 0.35, "dark_corners": 0.4, "lights_out": 0.2, "corridor:emergency_phone": 0.04,
             "corridor:cctv_visible": 0.06, "stairs:cctv_visible": 0.06},  # entrapment corridor persists
    "Berri-UQAM": {"corridor:offensive_graffiti": 0.03, "stairs:broken_equipment": 0.05,
                   "transfer:sign_readable": 0.05},  # crowding and odours persist
    "Beaudry": {"staff_visible": 0.35},  # ambassadors; graffiti and cleanliness persist
    "Papineau": {"platform:emergency_phone": 0.04, "staff_visible": 0.3},  # bus loop still dark
    "Lionel-Groulx": {"sign_help_point": 0.2, "staff_visible": 0.3, "hall:offensive_graffiti": 0.6},
    "Bonaventure": {"help_info_posted": 0.15, "sign_help_point": 0.2, "bus_loop:light_level": 0.05,
                    "bus_loop:dark_corners": 0.08},  # corridor entrapment persists
    "Atwater": {"stairs:broken_equipment": 0.7, "staff_visible": 0.35},  # corridor still dark
}
# Everywhere in 2024: the harassment-reporting posters went up.
_FOLLOWUP_ALL: dict[str, float] = {"reporting_info": 0.25, "help_info_posted": 0.35}

# Which problems were fixed, persist or are new (for walks/README.md).
CHANGES_2024: dict[str, dict[str, str]] = {
    "Jolicoeur": {"fixed": "platform and hall lighting (new LED fixtures)", "persists": "no staff within reach, few people at night"},
    "Monk": {"fixed": "emergency phone and cameras in the corridor; lighting partly", "persists": "dead-end corridor (entrapment), staff far"},
    "Berri-UQAM": {"fixed": "offensive graffiti removed, escalator repaired, transfer signs replaced", "persists": "crowded corridors, odours and water"},
    "Beaudry": {"fixed": "staff now visible (safety ambassadors)", "persists": "offensive graffiti at the entrance, cleanliness"},
    "Papineau": {"fixed": "platform emergency phone repaired, staff visible", "persists": "dark bus loop"},
    "Lionel-Groulx": {"fixed": "signs to the help point, staff visible", "persists": "broken elevator by the stairs", "new": "offensive graffiti in the hall"},
    "Bonaventure": {"fixed": "help information posted, bus loop re-lit", "persists": "isolated corridor towards Gare Centrale"},
    "Atwater": {"fixed": "staff visible", "persists": "dark corridor towards Alexis-Nihon", "new": "escalator out of service"},
}

_NA_ZONES: dict[str, tuple[str, ...]] = {
    # answered "not applicable" where the thing does not exist
    "shops_open": ("stairs", "platform", "entrance", "bus_loop"),
    "seating": ("entrance", "stairs", "corridor", "transfer"),
}

# ---------------------------------------------------------------------------
# People (all fictitious) and what they write
# ---------------------------------------------------------------------------

_NAMES_2023 = (
    "Sophie Tremblay", "Marie-Ève Gagnon", "Nathalie Roy", "Isabelle Côté", "Amélie Bouchard",
    "Julie Gauthier", "Catherine Morin", "Mélanie Lavoie", "Geneviève Fortin", "Valérie Gagné",
    "Chantal Ouellet", "Karine Pelletier", "Émilie Bélanger", "Audrey Lévesque", "Stéphanie Bergeron",
    "Josée Leblanc", "Annie Paquette", "Caroline Girard", "Véronique Simard", "Marie-Claude Boucher",
    "Fatima Benali", "Nadia Haddad", "Aïcha Diallo", "Mei Lin Chen", "Priya Raman", "Sarah Cohen",
    "Emily Wilson", "Jessica O'Brien", "Laura MacDonald", "Daniela Rodríguez", "Ana Paula Silva",
    "Linh Tran", "Rosalie Dubé", "Léa Poirier", "Zoé Mercier", "Jean-François Caron",
    "Marc-André Cloutier", "Mohamed Saïdi", "Kevin Nguyen", "Thomas Landry",
)
_NAMES_2024 = (
    "Océane Lapointe", "Camille Desjardins", "Yasmine Belkacem", "Hannah Goldberg", "Noémie Thibault",
    "Grace Okafor", "Manon Villeneuve", "Sofia Petrovic", "Gabrielle St-Pierre", "Olivier Beaulieu",
)
_PROFILES = {
    "gender": ("woman", "woman", "woman", "man", "non_binary"),
    "age_group": ("18-24", "25-34", "35-44", "45-54", "55-64", "65+"),
    "reduced_mobility": ("no", "no", "no", "no", "yes"),
    "familiarity": ("daily", "weekly", "monthly", "rarely"),
}

# Comments for a problem with an item, French then English.
_COMMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "light": (
        ("Éclairage très faible au bout du quai.", "Plusieurs néons éteints près de l'escalier.",
         "Coin sombre derrière la colonne, on ne voit pas qui est là.", "Il fait noir ici, ça ne donne pas envie d'attendre.",
         "L'édicule est mal éclairé le soir, même la porte est dans l'ombre.", "Vraiment trop sombre ici le soir.",
         "Des luminaires grillés, personne ne les a remplacés."),
        ("Very dim at the far end of the platform.", "Several lights out near the stairs.",
         "Dark corner behind the pillar, you can't see who is there.", "Far too dark here at night."),
    ),
    "staff": (
        ("Aucun employé en vue, la loge est à l'autre bout.", "Trop loin du changeur : personne ne nous entendrait.",
         "On ne croise jamais de constable à cette heure-là."),
        ("No staff anywhere, the booth is far away.", "Nobody would hear you down here."),
    ),
    "emergency_phone": (
        ("Téléphone d'urgence hors service, aucune tonalité.", "Interphone d'urgence brisé, signalé à la loge.",
         "Pas d'interphone dans tout le couloir."),
        ("Emergency phone not working — no dial tone.", "No emergency intercom along the whole corridor."),
    ),
    "offensive_graffiti": (
        ("Graffitis sexistes sur le mur de l'escalier.", "Tag haineux près de l'entrée, à effacer rapidement.",
         "Graffitis haineux sur le mur, ça fait peur."),
        ("Offensive graffiti by the entrance doors.",),
    ),
    "odour_or_water": (
        ("Forte odeur d'urine dans l'escalier.", "Infiltration d'eau au plafond, flaques au sol.", "Odeur d'urine persistante."),
        ("Strong smell of urine in the stairwell.", "Water dripping from the ceiling, slippery floor."),
    ),
    "broken_equipment": (
        ("Escalier mécanique arrêté depuis des semaines.", "Porte de l'édicule qui ne ferme plus.",
         "Ascenseur hors service, aucune solution de rechange pour les fauteuils roulants.", "Équipement brisé, signalé plusieurs fois."),
        ("Escalator out of service again.", "Elevator out of order, no alternative for wheelchair users."),
    ),
    "crowd": (
        ("Couloir bondé à l'heure de pointe, on se fait bousculer.", "Impossible de voir le bout du couloir à cause de la foule.",
         "Attouchements possibles dans la cohue, plusieurs participantes l'ont mentionné.", "Pilier qui bloque la vue, on ne voit pas ce qui arrive."),
        ("Packed corridor, people pushing — hard to see ahead.", "Crowd so dense you can't see where you're going."),
    ),
    "trap": (
        ("Long couloir sans autre issue, on se sent coincée.", "Recoin sous l'escalier où quelqu'un pourrait se cacher.",
         "Cul-de-sac au bout du couloir, aucune sortie.", "Endroit isolé avec une seule issue.",
         "Plein de recoins où quelqu'un pourrait attendre sans être vu."),
        ("Long tunnel with only one way out.", "Alcove under the stairs where someone could hide.",
         "Only one way out of here.", "Lots of nooks where someone could wait unseen."),
    ),
    "empty": (
        ("Station déserte après 21 h.", "Personne sur le quai, ambiance lugubre.", "Tous les commerces sont fermés, le couloir est mort.",
         "Personne aux alentours, on se sent seule."),
        ("Completely empty after 9 pm.", "All shops closed, the corridor feels dead.", "Nobody around, you feel alone."),
    ),
    "signage": (
        ("On ne trouve pas la sortie vers la rue.", "Panneaux trop petits et mal placés.", "Aucune indication vers l'interphone."),
        ("Couldn't find the exit signs.", "No sign pointing to the help point."),
    ),
    "info": (
        ("Aucune affiche sur comment signaler du harcèlement.", "Le numéro pour texter la sécurité n'est affiché nulle part."),
        ("Nothing posted on how to report harassment.",),
    ),
    "dirty": (
        ("Déchets partout sur le quai.", "Très sale, seringues près de l'édicule.", "Sale et négligé, ça donne une impression d'abandon."),
        ("Litter everywhere on the platform.", "Dirty and neglected, feels abandoned."),
    ),
    "cctv": (
        ("Pas de caméra visible dans ce corridor.", "Aucune caméra en vue ici."),
        ("No cameras covering this corridor.", "No camera in sight here."),
    ),
    "outreach": (
        ("Aucun intervenant de milieu en vue, alors que des personnes en détresse sont présentes.",),
        ("No outreach workers around, though some people clearly need help.",),
    ),
    "seating": (
        ("Aucun banc, impossible de s'asseoir en attendant.", "Bancs brisés ou enlevés."),
        ("Nowhere to sit while waiting.",),
    ),
}
_COMMENT_TOPIC = {
    "light_level": "light", "dark_corners": "light", "lights_out": "light", "staff_distance_m": "staff",
    "staff_visible": "staff", "emergency_phone": "emergency_phone", "offensive_graffiti": "offensive_graffiti",
    "odour_or_water": "odour_or_water", "broken_equipment": "broken_equipment", "sightline_clear": "crowd",
    "hiding_spots": "trap", "entrapment_spot": "trap", "escape_routes": "trap", "people_present": "empty",
    "women_children_present": "empty", "shops_open": "empty", "sign_exits": "signage", "sign_help_point": "signage",
    "sign_readable": "signage", "sign_station_map": "signage", "help_info_posted": "info", "reporting_info": "info",
    "cleanliness": "dirty", "cctv_visible": "cctv", "outreach_presence": "outreach", "seating": "seating",
}
_POSITIVE = (
    ("Bien éclairé et animé, je me sens en sécurité.", "Présence rassurante des constables.", "Rien à signaler.",
     "Beaucoup de monde, personnel à la loge, ça va."),
    ("Bright and busy, felt fine.", "Nice to see staff at the booth.", "Nothing to report."),
)
_FIXED_COMMENTS = (
    ("Nouvel éclairage DEL, c'est beaucoup mieux qu'en 2023.", "Le téléphone d'urgence a été réparé, il fonctionne.",
     "Les ambassadeurs de sûreté font une vraie différence.", "Les graffitis ont été effacés."),
    ("New LED lights make a big difference since last year.", "The emergency phone works now.",
     "Good to see the safety ambassadors this time."),
)
_SUGGESTIONS = (
    ("Ajouter de l'éclairage au bout du quai.", "Plus de présence du personnel le soir.",
     "Installer un miroir convexe dans le coin.", "Afficher le numéro pour signaler le harcèlement par texto.",
     "Réparer l'escalier mécanique plus rapidement.", "Fermer le recoin sous l'escalier."),
    ("More staff at night, please.", "Put a mirror at the blind corner.",
     "Move the emergency phone closer to the stairs.", "Post how to report harassment."),
)
# Deliberately hostile comments, for the escaping tests of the map and the report.
HOSTILE_COMMENTS = (
    "Test du formulaire <script>alert(1)</script> (ajouté par un participant)",
    '=HYPERLINK("http://exemple.invalid/photo-corridor","voir la photo")',
)

_FR_SEVERITY = {"low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"}
_FR_ZONE = {
    "entrance": ("édicule", "entrée", "accès", "sortie"), "hall": ("mezzanine", "hall", "loge", "tourniquets"),
    "corridor": ("couloir", "corridor", "tunnel"), "stairs": ("escalier", "escaliers mécaniques", "escaliers"),
    "platform": ("quai", "quais", "bord de quai"), "transfer": ("correspondance", "couloir de correspondance"),
    "bus_loop": ("terminus", "boucle d'autobus", "arrêt d'autobus"),
}
# How a facilitator spells station names in her own table: mostly recognisable, now and then a guess.
_SLOPPY = {
    "Berri-UQAM": ("berri uqam", "BERRI-UQAM", "Berri"), "Lionel-Groulx": ("Lionel Groulx", "lionel-groulx", "Lionel-Groulx (orange)"),
    "Jolicoeur": ("Jolicoeur", "jolicoeur", "Jolicœur"), "Monk": ("Monk", "Métro Monk"),
    "Bonaventure": ("bonaventure", "BONAVENTURE", "Bonnaventure"), "Atwater": ("atwater", "Atwater ", "Atwatter"),
    "Papineau": ("papineau", "Papineau (ligne verte)"), "Beaudry": ("beaudry", "Beaudry / Village"),
}


# ---------------------------------------------------------------------------
# Manifest
# ---------------------------------------------------------------------------


@dataclass
class SampleFile:
    """One generated file (or photo folder) and what importing it should give.

    Attributes
    ----------
    path
        Path relative to the walks folder (POSIX separators).
    format
        The format ``walktool import`` detects (``kobo-csv``, ``odk-central`` …).
    campaign, walk_id
        Where it belongs.
    rows
        Records the importer reads from it.
    rejected
        Records deliberately made unreadable (listed in :attr:`SampleManifest.deliberate`).
    observations
        Observations the accepted records give.
    """

    path: str
    format: str
    campaign: str
    walk_id: str
    rows: int
    rejected: int
    observations: int

    @property
    def accepted(self) -> int:
        """Records that should be accepted."""
        return self.rows - self.rejected


@dataclass
class SampleWalk:
    """One walk of the sample: its metadata (``walk.yaml``) and files."""

    walk_id: str
    campaign: str
    date: str
    period: str
    start_time: str
    end_time: str
    facilitator: str
    n_participants: int
    weather: str
    route: list[dict[str, Any]] = field(default_factory=list)  # [{"station": "Monk", "zones": ["entrance", …]}]
    files: list[str] = field(default_factory=list)


@dataclass
class SampleManifest:
    """What :func:`generate_sample_campaign` wrote, and what importing it should give.

    Attributes
    ----------
    seed, scale
        The generator's parameters.
    walks
        Every walk, in date order.
    files
        Every file, with its expected rows, rejects and observations.
    participant_names
        Every spelling of a (fictitious) participant's name that appears in the raw
        sheets.  None may appear in anything walktool writes: they are pseudonymised
        at import.
    deliberate
        The deliberate problems (``{"file", "row", "code", "level", "what"}``): the
        rejects and warnings the data-quality report should show.
    """

    seed: int
    scale: float
    walks: list[SampleWalk]
    files: list[SampleFile]
    participant_names: list[str]
    deliberate: list[dict[str, Any]]
    generator_version: int = GENERATOR_VERSION

    def campaign_files(self, campaign: str) -> list[SampleFile]:
        """Files of one campaign."""
        return [f for f in self.files if f.campaign == campaign]

    def expected(self) -> dict[str, dict[str, int]]:
        """Expected import totals per campaign: ``{campaign: {files, rows, accepted, rejected, observations}}``."""
        out: dict[str, dict[str, int]] = {}
        for campaign in CAMPAIGNS:
            files = self.campaign_files(campaign)
            if not files:
                continue
            out[campaign] = {
                "files": len(files),
                "rows": sum(f.rows for f in files),
                "accepted": sum(f.accepted for f in files),
                "rejected": sum(f.rejected for f in files),
                "observations": sum(f.observations for f in files),
            }
        return out

    def by_format(self) -> dict[str, dict[str, int]]:
        """Expected observations per campaign and format: ``{campaign: {format: observations}}``."""
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            per = out.setdefault(f.campaign, {})
            per[f.format] = per.get(f.format, 0) + f.observations
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``manifest.json`` holds)."""
        return {
            "synthetic": True,
            "generator": "walktool.sample",
            "generator_version": self.generator_version,
            "seed": self.seed,
            "scale": self.scale,
            "campaigns": list(CAMPAIGNS),
            "expected": self.expected(),
            "observations_by_format": self.by_format(),
            "walks": [asdict(w) for w in self.walks],
            "files": [{**asdict(f), "accepted": f.accepted} for f in self.files],
            "deliberate": self.deliberate,
            "participant_names": self.participant_names,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SampleManifest:
        """Read back :meth:`to_dict`'s output."""
        return cls(
            seed=int(doc["seed"]),
            scale=float(doc["scale"]),
            walks=[SampleWalk(**w) for w in doc["walks"]],
            files=[SampleFile(**{k: v for k, v in f.items() if k != "accepted"}) for f in doc["files"]],
            participant_names=list(doc["participant_names"]),
            deliberate=list(doc["deliberate"]),
            generator_version=int(doc.get("generator_version", GENERATOR_VERSION)),
        )


def default_walks_dir() -> Path | None:
    """The repository's ``walks/`` folder when running from a checkout (None in an installed package)."""
    here = Path(__file__).resolve().parents[2] / "walks"
    return here if (here / MANIFEST_NAME).is_file() else None


def load_manifest(walks_dir: str | Path) -> SampleManifest:
    """Read ``walks_dir/manifest.json``.

    Raises
    ------
    FileNotFoundError
        When the folder holds no sample manifest.
    """
    path = Path(walks_dir) / MANIFEST_NAME
    return SampleManifest.from_dict(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


@dataclass
class _Participant:
    name: str
    lang: str  # fr | en
    anxiety: float
    skip: float  # how often this person leaves an item blank
    profile: dict[str, str] | None
    device: str


@dataclass
class _Stop:
    station: str
    zone: str
    start: datetime  # local, aware
    truth: dict[str, bool]  # item → is a problem here and now
    crowded: bool


@dataclass
class _Submission:
    person: _Participant
    stop: _Stop
    start: datetime
    end: datetime
    answers: dict[str, str]  # item key → XML value ("yes", "2", "120" …)
    problems: list[str]
    item_severity: dict[str, str]
    item_comment: dict[str, str]
    item_photo: dict[str, str]
    comment: str
    photo: str
    location: tuple[float, float, float, float] | None  # lat, lon, altitude, accuracy
    period: str  # as the participant gave it ("" when left empty)


@dataclass
class _Walk:
    plan: _WalkPlan
    walk_id: str
    start: datetime
    end: datetime
    people: list[_Participant]
    stops: list[_Stop]
    submissions: list[_Submission]


class _Study:
    """Everything the writers need: protocol, stations, random source."""

    def __init__(self, seed: int, scale: float) -> None:
        from walktool.protocol import default_protocol_path, load_protocol
        from walktool.stations import builtin_stations

        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.protocol: Protocol = load_protocol(default_protocol_path())
        self.layer: StationLayer = builtin_stations()
        self.tz = ZoneInfo(TIMEZONE)
        stations = self.layer.stations
        self.station_id = {str(n): str(s) for s, n in zip(stations["station_id"], stations["name"], strict=True)}
        self.station_pos = {str(n): (float(a), float(o)) for n, a, o in zip(stations["name"], stations["lat"], stations["lon"], strict=True)}
        entrances = self.layer.entrances
        self.entrances: dict[str, list[tuple[float, float]]] = {}
        for sid, la, lo in zip(entrances["station_id"], entrances["lat"], entrances["lon"], strict=True):
            self.entrances.setdefault(str(sid), []).append((float(la), float(lo)))
        missing = [s for s in STATION_ZONES if s not in self.station_id]
        if missing:
            msg = f"the packaged stations layer lacks {missing}"
            raise ValueError(msg)
        self.items = list(self.protocol.items)
        self.scored_items = [i for i in self.items if i.scored]
        from walktool.forms._common import station_choices

        _, choices = station_choices(self.layer)
        # station name → (XLSForm choice name, first line choice)
        self.station_choice = {c.label: (c.name, c.lines[0] if c.lines else "") for c in choices}
        # The state of each zone: an item is a problem there when its draw falls below the
        # probability of the moment.  One draw serves both campaigns, so that a problem whose
        # probability did not change persists, one whose probability fell is (likely) fixed,
        # and night problems include the day's.
        draws = random.Random(seed * 7919 + 17)
        self.state = {
            (station, zone, item.key): draws.random()
            for station, zones in STATION_ZONES.items()
            for zone in zones
            for item in self.scored_items
        }

    # -- random helpers ------------------------------------------------------
    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, n: int, alphabet: str = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    # -- the world -------------------------------------------------------------
    def problem_p(self, item: str, station: str, zone: str, period: str, campaign: str) -> float:
        p = _BASE.get(item, 0.1)
        for table in ([_PILOT.get(station, {})] + ([_FOLLOWUP_ALL, _FOLLOWUP.get(station, {})] if campaign == CAMPAIGNS[1] else [])):
            p = table.get(item, p)
            p = table.get(f"{zone}:{item}", p)
        if item == "staff_visible" and zone == "hall":
            p = min(p, 0.15)  # the booth is in the hall
        if item == "staff_distance_m" and zone == "hall":
            p = min(p, 0.1)
        if period == "night":
            if item in ("light_level", "dark_corners") and zone in OUTDOOR_ZONES:
                p = min(0.95, p + 0.2)
            if item in ("people_present", "women_children_present") and station not in ("Berri-UQAM", "Lionel-Groulx"):
                p = min(0.95, p + 0.3)
            if item == "shops_open":
                p = min(0.95, p + 0.4)
            if item == "staff_visible":
                p = min(0.95, p + 0.1)
        return p

    def participants(self, names: Sequence[str]) -> dict[str, _Participant]:
        out = {}
        for name in names:
            lang = "en" if self.rng.random() < 0.3 else "fr"
            profile = None
            if self.rng.random() < 0.55:
                profile = {k: self.pick(v) for k, v in _PROFILES.items()}
            out[name] = _Participant(
                name=name,
                lang=lang,
                anxiety=self.rng.gauss(0.0, 0.1),
                skip=self.pick((0.0, 0.02, 0.04, 0.08)),
                profile=profile,
                device=f"collect:{self.token(16)}",
            )
        return out


def _slug(text: str) -> str:
    from walktool.textnorm import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _scaled_plans(campaign: str, scale: float) -> list[tuple[_WalkPlan, str]]:
    """Walk plans for ``scale`` (1.0 = the 15 + 8 walks), with their walk ids."""
    base = _PLANS[campaign]
    n = max(1, round(len(base) * scale))
    out: list[tuple[_WalkPlan, str]] = []
    seen: set[str] = set()
    for i in range(n):
        if n <= len(base):
            plan = base[math.floor(i * len(base) / n)]
            shift = 0
        else:
            plan = base[i % len(base)]
            shift = i // len(base)
        if shift:
            plan = _WalkPlan(**{**asdict(plan), "day": plan.day + timedelta(days=shift)})
        walk_id = f"{plan.day.isoformat()}-{'-'.join(_slug(s) for s in plan.route)}"
        k = 2
        base_id = walk_id
        while walk_id in seen:
            walk_id = f"{base_id}-{k}"
            k += 1
        seen.add(walk_id)
        out.append((plan, walk_id))
    return out


def _answer(study: _Study, item: Item, bad: bool, stop: _Stop) -> str:
    """The XML value a participant gives to ``item`` when it is (``bad``) or is not a problem."""
    rng = study.rng
    key = item.key
    if key in _NA_ZONES and stop.zone in _NA_ZONES[key]:
        return "na"
    if key == "people_present":
        if stop.crowded:
            return "3"
        return rng.choice(("0", "1")) if bad else rng.choice(("2", "2", "3"))
    if key == "women_children_present":
        if stop.crowded:
            return rng.choice(("2", "3"))
        return rng.choice(("0", "1", "1")) if bad else rng.choice(("1", "2", "2", "3"))
    if key in ("light_level", "cleanliness"):
        return rng.choice(("0", "1", "1")) if bad else rng.choice(("2", "2", "3"))
    if key in ("lights_out", "hiding_spots"):
        return str(rng.randint(2, 6)) if bad else rng.choice(("0", "0", "0", "1"))
    if key == "staff_distance_m":
        if bad:
            return str(rng.randrange(180, 460, 10))
        return str(rng.choice((5, 10, 15, 20, 30, 40, 50)))
    if key == "emergency_phone":
        if not bad:
            return "yes"
        return "not_working" if stop.zone == "platform" else "no"
    if item.kind == "choice" and item.polarity == "negative":
        return "yes" if bad else "no"
    if item.kind == "choice":
        return "no" if bad else "yes"
    msg = f"no answer model for {key}"
    raise ValueError(msg)


def _feeling(study: _Study, person: _Participant, share: float, stop: _Stop, period: str) -> tuple[str, str]:
    """Feeling and alone_at_night, following the problems the person saw (not part of scores)."""
    rng = study.rng
    x = 0.9 * share + (0.15 if period == "night" else 0.0) + person.anxiety + rng.gauss(0.0, 0.07)
    x += 0.05 if stop.zone in ("corridor", "stairs") else 0.0
    x += 0.08 if stop.crowded else 0.0
    feeling = "comfortable" if x < 0.3 else "uncomfortable" if x < 0.5 else "frightening"
    p_no = {"comfortable": 0.08, "uncomfortable": 0.5, "frightening": 0.92}[feeling]
    return feeling, "no" if rng.random() < p_no else "yes"


def _location(study: _Study, station: str, zone: str) -> tuple[float, float, float, float] | None:
    """A phone's fix: good outside, rare and poor underground."""
    rng = study.rng
    if zone in OUTDOOR_ZONES:
        points = study.entrances.get(study.station_id[station]) or [study.station_pos[station]]
        lat, lon = study.pick(points)
        jitter, acc = 12.0, rng.uniform(3.5, 16.0)
    else:
        if rng.random() < 0.72:
            return None
        lat, lon = study.station_pos[station]
        jitter, acc = 45.0, rng.uniform(24.0, 95.0)
    dlat = rng.gauss(0.0, jitter) / 111_320.0
    dlon = rng.gauss(0.0, jitter) / (111_320.0 * math.cos(math.radians(lat)))
    return (round(lat + dlat, 7), round(lon + dlon, 7), round(rng.uniform(18.0, 62.0), 1), round(acc, 1))


_ZONE_WORDS: dict[str, tuple[str, ...]] = {
    "platform": ("quai", "platform"),
    "stairs": ("escalier", "stair", "escalator"),
    "corridor": ("couloir", "corridor", "tunnel"),
    "entrance": ("édicule", "entrée", "entrance", "porte", "door"),
    "hall": ("tourniquet", "mezzanine"),
    "bus_loop": ("terminus", "autobus", "bus"),
    "transfer": ("correspondance", "transfer"),
}


def _comment_for(study: _Study, person: _Participant, topic: str, zone: str | None = None) -> str:
    """A comment on ``topic`` in the person's language that names no other zone than ``zone``."""
    fr, en = _COMMENTS[topic]
    bank = en if person.lang == "en" and en else fr
    if zone is not None:
        others = [w for z, words in _ZONE_WORDS.items() if z != zone for w in words]
        fitting = [c for c in bank if not any(w in c.lower() for w in others)]
        bank = tuple(fitting) or bank
    return str(study.pick(bank))


def _simulate_walk(study: _Study, plan: _WalkPlan, walk_id: str, pool: dict[str, _Participant], recurring: Sequence[str]) -> _Walk:
    rng = study.rng
    n_people = rng.randint(5, 10)
    names = sorted(rng.sample(list(recurring), k=min(n_people, len(recurring))))
    people = [pool[n] for n in names]
    hour, minute = (18, 30) if plan.period == "night" else (10, 0)
    if plan.period == "night" and plan.day.month == 10:
        hour, minute = 19, 0  # later sunset in October
    start = datetime(plan.day.year, plan.day.month, plan.day.day, hour, minute, tzinfo=study.tz)
    clock = start + timedelta(minutes=10)  # welcome and briefing
    stops: list[_Stop] = []
    for n, station in enumerate(plan.route):
        if n:
            clock += timedelta(minutes=rng.randint(12, 18))  # metro ride to the next station
        zones = list(STATION_ZONES[station])
        want = rng.randint(3, 4) if len(plan.route) == 1 else rng.randint(2, 3)
        # the platform, then the station's known trouble spots, then others at random
        hot = sorted({k.split(":")[0] for table in (_PILOT, _FOLLOWUP) for k in table.get(station, {}) if ":" in k} - {"platform"})
        rng.shuffle(hot)
        rest = [z for z in zones if z not in ("platform", "entrance") and z not in hot]
        rng.shuffle(rest)
        first = ["entrance"] if len(plan.route) == 1 else []  # a one-station walk starts in the street
        chosen = {"platform", *first, *[z for z in [*hot, "entrance", *rest] if z not in first][: want - 1 - len(first)]}
        for zone in [z for z in zones if z in chosen]:
            truth = {  # this evening's state of the zone: the lasting state, give or take a little
                i.key: study.state[(station, zone, i.key)] + rng.gauss(0.0, 0.05) < study.problem_p(i.key, station, zone, plan.period, plan.campaign)
                for i in study.scored_items
            }
            crowded = station in ("Berri-UQAM", "Lionel-Groulx") and zone in ("corridor", "transfer", "platform") and (plan.period == "day" or rng.random() < 0.5)
            stops.append(_Stop(station, zone, clock, truth, crowded))
            clock += timedelta(minutes=rng.randint(14, 21))
    end = clock + timedelta(minutes=15)  # debriefing
    submissions: list[_Submission] = []
    for stop in stops:
        for person in people:
            if rng.random() < 0.12:
                continue  # skipped this stop (talking, phone battery, late)
            submissions.append(_submit(study, plan, person, stop))
    submissions.sort(key=lambda s: (s.start, s.person.name))
    return _Walk(plan, walk_id, start, end, people, stops, submissions)


def _submit(study: _Study, plan: _WalkPlan, person: _Participant, stop: _Stop) -> _Submission:
    rng = study.rng
    s_start = stop.start + timedelta(seconds=rng.randint(20, 240), milliseconds=rng.randint(0, 999))
    s_end = s_start + timedelta(seconds=rng.randint(240, 560), milliseconds=rng.randint(0, 999))
    answers: dict[str, str] = {}
    problems: list[str] = []
    answered = 0
    for item in study.scored_items:
        if rng.random() < person.skip:
            continue
        bad = stop.truth[item.key] != (rng.random() < 0.1)  # people disagree now and then
        value = _answer(study, item, bad, stop)
        answers[item.key] = value
        ans = study.protocol.parse_answer(item.key, value)
        if ans is not None and ans.score is not None:
            answered += 1
            if ans.score < study.protocol.problem_below:
                problems.append(item.key)
    share = len(problems) / answered if answered else 0.0
    feeling, alone = _feeling(study, person, share, stop, plan.period)
    answers["feeling"] = feeling
    answers["alone_at_night"] = alone
    item_severity: dict[str, str] = {}
    item_comment: dict[str, str] = {}
    for key in problems:
        if rng.random() < 0.35:
            item_severity[key] = _bump(study.protocol.item(key).severity or "medium", rng)
        if rng.random() < 0.08:
            item_comment[key] = _comment_for(study, person, _COMMENT_TOPIC.get(key, "signage"), stop.zone)
    comment = ""
    if problems and rng.random() < 0.3:
        topic = _COMMENT_TOPIC.get(study.pick(problems), "signage")
        if stop.crowded and rng.random() < 0.5:
            topic = "crowd"
        comment = _comment_for(study, person, topic, stop.zone)
    elif not problems and rng.random() < 0.25:
        comment = str(study.pick(_POSITIVE[1] if person.lang == "en" else _POSITIVE[0]))
    elif plan.campaign == CAMPAIGNS[1] and rng.random() < 0.08:
        comment = str(study.pick(_FIXED_COMMENTS[1] if person.lang == "en" else _FIXED_COMMENTS[0]))
    if rng.random() < 0.12:
        answers["suggestion"] = str(study.pick(_SUGGESTIONS[1] if person.lang == "en" else _SUGGESTIONS[0]))
    photo = ""
    item_photo: dict[str, str] = {}
    if problems and rng.random() < 0.1:
        name = f"{int(s_end.timestamp() * 1000) - rng.randint(5000, 60000)}.jpg"
        if rng.random() < 0.5:
            photo = name
        else:
            item_photo[study.pick(problems)] = name
    period = plan.period if rng.random() < 0.6 else ""
    return _Submission(person, stop, s_start, s_end, answers, problems, item_severity, item_comment, item_photo, comment,
                       photo, _location(study, stop.station, stop.zone), period)


# ---------------------------------------------------------------------------
# The form: walktool's own XLSForm (walktool.forms)
# ---------------------------------------------------------------------------

# The 2023 facilitator added four optional profile questions to her copy of the form on
# KoboToolbox (a common local edit); the ODK and paper forms are walktool's as exported.
_PROFILE_GROUP = "profil"
_PROFILE_LABELS = {
    "gender": ("Genre", "Gender"),
    "age_group": ("Groupe d'âge", "Age group"),
    "reduced_mobility": ("Mobilité réduite", "Reduced mobility"),
    "familiarity": ("Fréquentation de la station", "Familiarity"),
}


def _forms(study: _Study) -> tuple[XLSForm, XLSForm]:
    """The walktool XLSForm, and the Kobo copy with the facilitator's profile group."""
    from dataclasses import replace

    from walktool.forms import FormField, build_xlsform
    from walktool.protocol import Text

    form = build_xlsform(study.protocol, study.layer, lang="fr")
    group_label = Text("Profil (facultatif)", "Profile (optional)")
    profile = [
        FormField(name, "select_one", "context", (_PROFILE_GROUP,), (group_label,), Text(*_PROFILE_LABELS[name]))
        for name in _PROFILES
    ]
    at = next(n for n, f in enumerate(form.fields) if f.name == "location") + 1
    kobo = replace(form, fields=[*form.fields[:at], *profile, *form.fields[at:]])
    return form, kobo


def _stop_values(study: _Study, sub: _Submission) -> dict[str, str]:
    """A submission as the form stores it: question name → value (choice names, numbers as text)."""
    values: dict[str, str] = {
        "start": _iso_local(sub.start),
        "end": _iso_local(sub.end),
        "today": sub.start.date().isoformat(),
        "deviceid": sub.person.device,
        "observer": sub.person.name,
        "line": study.station_choice[sub.stop.station][1],
        "station": study.station_choice[sub.stop.station][0],
        "zone": sub.stop.zone,
        "period": sub.period,
        "comment": sub.comment,
        "photo": sub.photo,
        **sub.answers,
    }
    if sub.location is not None:
        lat, lon, alt, acc = sub.location
        values["location"] = f"{lat:.7f} {lon:.7f} {alt:.1f} {acc:.1f}"
    for key, sev in sub.item_severity.items():
        values[f"{key}_severity"] = sev
    for key, text in sub.item_comment.items():
        values[f"{key}_comment"] = text
    for key, name in sub.item_photo.items():
        values[f"{key}_photo"] = name
    values.update(sub.person.profile or {})
    return {k: v for k, v in values.items() if v != ""}


def _iso_local(when: datetime) -> str:
    """``2023-11-07T19:31:02.118-05:00`` (how Collect and Enketo write start/end)."""
    return when.isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


class _Writer:
    """Writes one campaign's files and keeps the manifest entries."""

    def __init__(self, study: _Study, out_dir: Path) -> None:
        self.study = study
        self.out = out_dir
        self.files: list[SampleFile] = []
        self.deliberate: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.kobo_id = 289_410_000
        self.short_names = False  # findings tables: "Sophie T." rather than "Sophie Tremblay"
        self.form, self.kobo_form = _forms(study)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()

    def add(self, path: Path, fmt: str, walk: _Walk, rows: int, rejected: int, observations: int) -> None:
        self.files.append(SampleFile(self.rel(path), fmt, walk.plan.campaign, walk.walk_id, rows, rejected, observations))

    def flag(self, path: Path, row: int, code: str, level: str, what: str) -> None:
        self.deliberate.append({"file": self.rel(path), "row": row, "code": code, "level": level, "what": what})

    # -- observations a submission gives -----------------------------------------
    def n_obs(self, sub: _Submission) -> int:
        return sum(1 for k, v in sub.answers.items() if v != "" and self.study.protocol.has_item(k))

    # -- KoboToolbox CSV -----------------------------------------------------------
    def kobo_csv(self, walk: _Walk, bad_location: int | None = None) -> Path:
        """XML values, group names in headers (``/``), ``;``, every field quoted, CRLF, UTF-8 without BOM."""
        from walktool.forms.simulate import kobo_csv

        study = self.study
        version = "v" + study.token(22)
        upload = walk.end + timedelta(minutes=study.rng.randint(20, 150))
        subs: list[dict[str, str]] = []
        rejected = 0
        observations = 0
        for n, sub in enumerate(walk.submissions, 1):
            self.kobo_id += study.rng.randint(1, 40)
            values = _stop_values(study, sub)
            if bad_location is not None and n == bad_location:
                values["location"] = "45.4215296 -75.6971931 70.0 2800.0"  # a stale network fix from Ottawa
                rejected += 1
            else:
                observations += self.n_obs(sub)
            submitted = max(upload, sub.end + timedelta(minutes=2)) + timedelta(seconds=n * 3)
            values.update({
                "_id": str(self.kobo_id),
                "_uuid": study.uuid4(),
                "_submission_time": submitted.astimezone(UTC).isoformat(),
                "_submitted_by": KOBO_USER,
                "__version__": version,
            })
            subs.append(values)
            self.names.add(sub.person.name)
        path = self.out / walk.walk_id / f"kobo-export-{walk.plan.day.isoformat()}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(kobo_csv(self.kobo_form, subs).encode("utf-8"))
        self.add(path, "kobo-csv", walk, len(subs), rejected, observations)
        if bad_location is not None:
            self.flag(path, bad_location + 1, "outside-study-area", "error",
                      "a phone kept a stale network fix from Ottawa (45.42, -75.70); the row is rejected")
        return path

    # -- ODK Central zip ---------------------------------------------------------------
    def odk_zip(self, walk: _Walk) -> Path:
        """``<formId>.csv`` (comma, minimal quoting, LF, no BOM) and ``files/<instanceId>/<photo>``."""
        from walktool.forms.simulate import odk_central_csv

        study = self.study
        team = f"Tablette {study.rng.randint(1, 6)}"
        media: list[tuple[str, bytes]] = []
        subs: list[dict[str, str]] = []
        observations = 0
        upload = walk.end + timedelta(minutes=study.rng.randint(10, 90))
        for n, sub in enumerate(walk.submissions, 1):
            values = _stop_values(study, sub)
            instance = study.uuid4()
            submitted = max(upload, sub.end) + timedelta(seconds=n * 2, milliseconds=study.rng.randint(0, 999))
            values.update({"_uuid": instance, "_submission_time": submitted.astimezone(UTC).isoformat(), "_submitted_by": team})
            for name in [sub.photo, *sub.item_photo.values()]:
                if name:
                    media.append((f"files/uuid:{instance}/{name}", _jpeg(sub.stop.zone, taken=sub.end, lat=None, lon=None, seed=n)))
            subs.append(values)
            observations += self.n_obs(sub)
            self.names.add(sub.person.name)
        path = self.out / walk.walk_id / f"{self.form.form_id}-{walk.plan.day.isoformat()}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_zip(path, [(f"{self.form.form_id}.csv", odk_central_csv(self.form, subs).encode("utf-8")), *media])
        self.add(path, "odk-central", walk, len(subs), 0, observations)
        return path

    # -- walktool field sheet -------------------------------------------------------------
    def field_sheet(self, walk: _Walk, *, blank_station: int | None = None, bad_answers: dict[int, tuple[str, str]] | None = None) -> Path:
        """walktool's field sheet (``walktool.forms``), typed in after a paper walk: one stop a row, French labels.

        The facilitator also noted a few free findings in its ``Constats`` sheet.
        """
        from walktool.forms import write_field_sheet
        from walktool.forms.fieldsheet import FIRST_DATA_ROW

        study = self.study
        protocol = study.protocol
        rng = study.rng
        path = self.out / walk.walk_id / f"fiche-terrain-{walk.plan.day.isoformat()}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        stops: list[dict[str, Any]] = []
        rejected = 0
        observations = 0
        for n, sub in enumerate(walk.submissions, 1):
            rec: dict[str, Any] = {
                "observer": sub.person.name,
                "date": sub.start.date(),
                "time": sub.start.time().replace(second=0, microsecond=0, tzinfo=None),
                "station": sub.stop.station,
                "zone": sub.stop.zone,
                "period": sub.period,
                "comment": sub.comment,
                "photo": sub.photo or next(iter(sub.item_photo.values()), ""),
            }
            for key, value in sub.answers.items():
                kind = protocol.item(key).kind
                rec[key] = int(value) if kind in ("count", "number") else value
            bad = (bad_answers or {}).get(n)
            if bad is not None:
                rec[bad[0]] = bad[1]
            if blank_station is not None and n == blank_station:
                rec["station"] = ""
                rejected += 1
            else:
                # a typed answer that is not understood is left out (a warning), not the row
                observations += self.n_obs(sub) - (1 if bad is not None and sub.answers.get(bad[0]) else 0)
            stops.append(rec)
            self.names.add(sub.person.name)
        findings: list[dict[str, Any]] = []
        for stop in rng.sample(walk.stops, k=min(3, len(walk.stops))):
            bad_items = sorted(k for k, v in stop.truth.items() if v and k not in _NA_ZONES)
            if not bad_items:
                continue
            key = rng.choice(bad_items)
            who = study.pick(walk.people)
            when = stop.start + timedelta(minutes=rng.randint(2, 12))
            item = protocol.item(key)
            findings.append({
                "observer": who.name, "date": when.date(), "time": when.time().replace(second=0, microsecond=0, tzinfo=None),
                "station": stop.station, "zone": stop.zone, "principle": item.principle, "item": key,
                "severity": _bump(item.severity or "medium", rng),
                "comment": _comment_for(study, who, _COMMENT_TOPIC.get(key, "signage"), stop.zone),
            })
            self.names.add(who.name)
        # she printed a sheet with a few spare rows (the default export has 200 rows of drop-downs)
        write_field_sheet(protocol, study.layer, path, lang="fr", rows=len(stops) + 12, stops=stops, findings=findings)
        _normalise_xlsx(path)
        self.add(path, "walktool-sheet", walk, len(stops) + len(findings), rejected, observations + len(findings))
        if blank_station is not None:
            self.flag(path, FIRST_DATA_ROW + blank_station - 1, "no-station", "error",
                      "the station cell was left blank and the row has no position; the row is rejected")
        for n, (key, value) in (bad_answers or {}).items():
            self.flag(path, FIRST_DATA_ROW + n - 1, "unknown-answer", "warning", f"{value!r} typed as the answer to {key}; that answer is left out")
        return path

    # -- findings table -----------------------------------------------------------------
    def findings(self, walk: _Walk, *, unknown_station: bool = False, hostile: bool = False, swapped: bool = False, photos: int = 0, underground_photo: bool = False) -> tuple[Path, list[tuple[str, _Stop, datetime, tuple[float, float] | None]]]:
        """A facilitator's own findings table: French headers under a title, one finding a row."""
        study = self.study
        protocol = study.protocol
        rng = study.rng
        plan = walk.plan
        self.short_names = underground_photo  # she wrote first names and initials that evening
        rows: list[list[Any]] = []
        photo_specs: list[tuple[str, _Stop, datetime, tuple[float, float] | None]] = []
        photo_no = rng.randint(2000, 8000)
        for stop in walk.stops:
            bad_items = [k for k, v in stop.truth.items() if v and not (k in _NA_ZONES and stop.zone in _NA_ZONES[k])]
            bad_items = [k for k in bad_items if k not in ("women_children_present", "outreach_presence") or rng.random() < 0.3]
            rng.shuffle(bad_items)
            for key in bad_items[: rng.randint(2, 5)]:
                item = protocol.item(key)
                who = study.pick(walk.people)
                when = stop.start + timedelta(minutes=rng.randint(1, 12))
                sev = _bump(item.severity or "medium", rng)
                comment = _comment_for(study, _Participant(who.name, "fr", 0, 0, None, ""), _COMMENT_TOPIC.get(key, "signage"), stop.zone)
                rows.append(self._finding_row(walk, stop, _PRINCIPLE_FR[item.principle], _element(protocol, key, rng), sev, comment, when, who.name))
            if rng.random() < 0.3:
                # a finding the group could only file under a principle
                who = study.pick(walk.people)
                principle, comment = study.pick(_GENERAL_FINDINGS)
                rows.append(self._finding_row(walk, stop, principle, "", "moyenne", comment, stop.start + timedelta(minutes=13), who.name))
        # photos: geotagged outside, each named by a row; with ``underground_photo`` the first one was
        # taken underground (no GPS fix) and only the row naming it places it
        outdoor = [r for r in rows if r[-1] == "outdoor"]
        indoor = [r for r in rows if r[-1] == "indoor"]
        chosen = (indoor[:1] + outdoor[: max(0, photos - 1)]) if underground_photo else outdoor[:photos]
        for r in chosen:
            photo_no += rng.randint(1, 9)
            name = f"IMG_{photo_no:04d}.JPG"
            r[_F_PHOTO] = name
            stop = r[-2]
            assert isinstance(stop, _Stop)
            pos = (_parse_fr(r[_F_LAT]), _parse_fr(r[_F_LON])) if r[-1] == "outdoor" else None
            photo_specs.append((name, stop, stop.start + timedelta(minutes=rng.randint(1, 10)), pos))
        hostile_rows: list[list[Any]] = []
        if hostile and len(rows) >= 4:
            rows[1][_F_COMMENT] = HOSTILE_COMMENTS[0]
            rows[3][_F_COMMENT] = HOSTILE_COMMENTS[1]
            hostile_rows = [rows[1], rows[3]]
        swapped_row: list[Any] | None = None
        if swapped:
            swapped_row = next((r for r in rows if r[_F_LAT] and not r[_F_PHOTO]), None)
            if swapped_row is not None:
                swapped_row[_F_LAT], swapped_row[_F_LON] = swapped_row[_F_LON], swapped_row[_F_LAT]
        extra: list[Any] | None = None
        if unknown_station:
            stop = walk.stops[len(walk.stops) // 2]
            who = study.pick(walk.people)
            extra = self._finding_row(walk, stop, "Aide", "Endroit piège", "élevée",
                                      "Passage vers la gare : long tunnel désert, aucune issue.", stop.start + timedelta(minutes=5), who.name)
            extra[0] = "Gare Centrale"
            extra[_F_LAT] = extra[_F_LON] = ""
            rows.insert(len(rows) // 2, extra)
        title = f"Marche exploratoire — {' et '.join(plan.route)} — {_fr_date(plan.day)} ({'soir' if plan.period == 'night' else 'jour'})"
        subtitle = f"{plan.facilitator} — relevé des constats ({len(walk.people)} participantes et participants)"
        header = ["Gare", "Zone", "Principe", "Élément", "Gravité", "Commentaire", "Photo", "Latitude", "Longitude", "Date", "Heure", "Observatrice"]
        width = len(header)
        lines = [[title] + [""] * (width - 1), [subtitle], [], header, *[r[:width] for r in rows]]
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerows(lines)
        path = self.out / walk.walk_id / f"constats-{walk.plan.day.isoformat()}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.getvalue().encode(plan.encoding))
        for r in rows:
            self.names.add(str(r[_F_WHO]))
        rejected = 1 if extra is not None else 0
        self.add(path, "findings-table", walk, len(rows), rejected, len(rows) - rejected)

        def line(row: list[Any]) -> int:  # title, subtitle, blank line, header: data start on line 5
            return 5 + next(i for i, r in enumerate(rows) if r is row)

        if extra is not None:
            self.flag(path, line(extra), "unknown-station", "error",
                      "'Gare Centrale' is the train station next to Bonaventure, not a metro station; the row is rejected")
        if swapped_row is not None:
            self.flag(path, line(swapped_row), "swapped-coordinates", "warning", "latitude and longitude typed in each other's column; fixed at import")
        if hostile_rows:
            self.flag(path, line(hostile_rows[0]), "hostile-comment", "info", "a comment holding <script>alert(1)</script>: maps and reports must show it as text")
            self.flag(path, line(hostile_rows[1]), "hostile-comment", "info", "a comment starting with =HYPERLINK(: workbooks must not turn it into a formula")
        if underground_photo and chosen:
            self.flag(path, line(chosen[0]), "photo-link", "info", f"{chosen[0][_F_PHOTO]} was taken underground (no GPS fix): this row names it, which places it")
        return path, photo_specs

    def _finding_row(self, walk: _Walk, stop: _Stop, principle: str, element: str, severity: str, comment: str, when: datetime, who: str) -> list[Any]:
        rng = self.study.rng
        lat = lon = ""
        outdoor = stop.zone in OUTDOOR_ZONES
        if outdoor:
            loc = _location(self.study, stop.station, stop.zone)
            assert loc is not None
            lat, lon = f"{loc[0]:.5f}".replace(".", ","), f"{loc[1]:.5f}".replace(".", ",")
        station = str(rng.choices(_SLOPPY[stop.station], weights=(5, 3, 2)[: len(_SLOPPY[stop.station])])[0])
        zone = str(rng.choice(_FR_ZONE[stop.zone]))
        sev = _FR_SEVERITY.get(severity, severity)
        short = f"{who.split()[0]} {who.split()[-1][0]}." if self.short_names else who
        self.names.add(short)
        return [station, zone, principle, element, sev, comment, "", lat, lon, when.strftime("%d/%m/%Y"), when.strftime("%Hh%M"), short,
                stop, "outdoor" if outdoor else "indoor"]

    # -- photos --------------------------------------------------------------------------
    def photos(self, walk: _Walk, specs: list[tuple[str, _Stop, datetime, tuple[float, float] | None]]) -> Path | None:
        if not specs:
            return None
        folder = self.out / walk.walk_id / f"photos-{walk.plan.day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        for n, (name, stop, taken, pos) in enumerate(specs):
            data = _jpeg(stop.zone, taken=taken, lat=pos[0] if pos else None, lon=pos[1] if pos else None, seed=n)
            (folder / name).write_bytes(data)
        self.add(folder, "photos", walk, len(specs), 0, len(specs))
        return folder


# Columns of a findings-table row (then the stop and "indoor" / "outdoor", not written).
_F_COMMENT, _F_PHOTO, _F_LAT, _F_LON, _F_WHO = 5, 6, 7, 8, 11
_PRINCIPLE_FR = {
    "signage": "Signalisation", "visibility": "Visibilité", "liveliness": "Achalandage", "help": "Aide",
    "maintenance": "Entretien", "community": "Agir ensemble",
}
_GENERAL_FINDINGS = (
    ("Entretien", "Impression générale du groupe : lieu négligé, à revoir."),
    ("Visibilité", "Ambiance sombre dans l'ensemble de la zone."),
    ("Signalisation", "Le groupe s'est perdu deux fois : orientation difficile."),
    ("Achalandage", "Sentiment d'isolement, personne aux alentours."),
)


def _element(protocol: Protocol, key: str, rng: random.Random) -> str:
    """How a facilitator names an item in her table: one of its French synonyms, capitalised."""
    item = protocol.item(key)
    names = [s for s in item.synonyms if any(ch.isalpha() for ch in s) and protocol.match_item(s) is item]
    name = rng.choice(names[:3]) if names else item.key
    return name[0].upper() + name[1:]


def _parse_fr(text: str) -> float:
    return float(str(text).replace(",", "."))


def _fr_date(day: date) -> str:
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> None:
    """A zip whose bytes depend only on its members (fixed timestamps and order)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def _jpeg(zone: str, *, taken: datetime, lat: float | None, lon: float | None, seed: int) -> bytes:
    """A tiny (64×48) JPEG with EXIF capture time and, when given, a GPS position."""
    from PIL import ExifTags, Image, ImageDraw

    dark = zone not in OUTDOOR_ZONES
    img = Image.new("RGB", (64, 48), (38, 40, 52) if dark else (120, 128, 140))
    draw = ImageDraw.Draw(img)
    shade = 90 + (seed * 37) % 120
    draw.rectangle((6 + seed % 10, 10, 30 + seed % 20, 40), fill=(shade, shade - 20, 60))
    draw.line((0, 44, 63, 30 + seed % 12), fill=(200, 190, 80), width=2)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    local = taken.astimezone(ZoneInfo(TIMEZONE))
    sub[ExifTags.Base.DateTimeOriginal] = local.strftime("%Y:%m:%d %H:%M:%S")
    offset = local.strftime("%z")
    sub[ExifTags.Base.OffsetTimeOriginal] = f"{offset[:3]}:{offset[3:]}"
    if lat is not None and lon is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60, exif=exif)
    return buf.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 3)
    return (float(d), float(m), s)


def _bump(severity: str, rng: random.Random) -> str:
    """A participant's severity: the item's default, sometimes one step lower or higher."""
    levels = ("low", "medium", "high", "critical")
    k = levels.index(severity) + rng.choice((-1, 0, 0, 0, 1))
    return levels[max(0, min(3, k))]


def _normalise_xlsx(path: Path) -> None:
    """Fix a workbook's creation and modification times (``docProps/core.xml``) and its zip timestamps."""
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    fixed = []
    for name, data in members:
        if name == "docProps/core.xml":
            text = data.decode("utf-8")
            for tag in ("created", "modified"):
                text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
            data = text.encode("utf-8")
        fixed.append((name, data))
    _write_zip(path, fixed)


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


def generate_sample_campaign(out_dir: str | Path, *, seed: int = DEFAULT_SEED, scale: float = 1.0) -> SampleManifest:
    """Write the SYNTHETIC sample campaigns (2023 pilot and 2024 follow-up) into ``out_dir``.

    Parameters
    ----------
    out_dir
        The walks folder to fill (``walks/<walk-id>/…``, ``manifest.json``,
        ``README.md``).  Files of earlier runs with the same names are overwritten;
        other files are left alone.
    seed
        Random seed: the same seed and scale always give the same bytes.
    scale
        Multiplies the number of walks (1.0 = 15 walks in 2023 and 8 in 2024; a
        benchmark can ask for 10× more).  Below 1 an evenly spread subset of the
        walks is kept.

    Returns
    -------
    SampleManifest
        What was written and what importing it should give.
    """
    if not scale > 0:
        msg = f"scale must be a positive number, not {scale!r}"
        raise ValueError(msg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    study = _Study(seed, scale)
    writer = _Writer(study, out)
    pool_2023 = study.participants(_NAMES_2023)
    pool_2024 = {**{n: p for n, p in pool_2023.items() if study.rng.random() < 0.6}, **study.participants(_NAMES_2024)}
    walks_meta: list[SampleWalk] = []
    first_of: dict[tuple[str, str], bool] = {}
    for campaign in CAMPAIGNS:
        pool = pool_2023 if campaign == CAMPAIGNS[0] else pool_2024
        recurring = sorted(pool)
        for plan, walk_id in _scaled_plans(campaign, scale):
            walk = _simulate_walk(study, plan, walk_id, pool, recurring)
            paths: list[Path] = []
            for fmt in plan.fmt.split("+"):
                key = (campaign, fmt)
                first = key not in first_of
                first_of[key] = True
                paths += _write_walk(writer, walk, fmt, first)
            meta = SampleWalk(
                walk_id=walk_id,
                campaign=campaign,
                date=plan.day.isoformat(),
                period=plan.period,
                start_time=walk.start.strftime("%H:%M"),
                end_time=walk.end.strftime("%H:%M"),
                facilitator=plan.facilitator,
                n_participants=len(walk.people),
                weather=plan.weather,
                route=[{"station": st, "zones": [s.zone for s in walk.stops if s.station == st]} for st in plan.route],
                files=[writer.rel(p) for p in paths],
            )
            _write_walk_yaml(out / walk_id / "walk.yaml", meta)
            walks_meta.append(meta)
    manifest = SampleManifest(
        seed=seed,
        scale=scale,
        walks=walks_meta,
        files=writer.files,
        participant_names=sorted(writer.names),
        deliberate=writer.deliberate,
    )
    (out / MANIFEST_NAME).write_text(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(manifest), encoding="utf-8")
    return manifest


def _write_walk(writer: _Writer, walk: _Walk, fmt: str, first: bool) -> list[Path]:
    """Write one walk's sheets in one format; ``first``: the campaign's first walk in that format.

    The deliberate problems go into the first walk of a format: a stale GPS fix in the
    2023 Kobo export, a typed answer that means nothing in the 2023 field sheet, a blank
    station in the 2024 field sheet, an unknown station and the hostile comments in the
    2023 findings table (whose underground photo only its row places), swapped
    coordinates in the second 2023 findings table.
    """
    pilot = walk.plan.campaign == CAMPAIGNS[0]
    n = len(walk.submissions)
    if fmt == "kobo":
        return [writer.kobo_csv(walk, bad_location=3 if first and pilot and n > 3 else None)]
    if fmt == "odk":
        return [writer.odk_zip(walk)]
    if fmt == "sheet":
        blank = 5 if first and not pilot and n > 5 else None
        bad_answers = {4: ("staff_distance_m", "loin")} if first and pilot and n > 4 else None
        return [writer.field_sheet(walk, blank_station=blank, bad_answers=bad_answers)]
    if fmt == "findings":
        table, specs = writer.findings(
            walk,
            unknown_station=first and pilot,
            hostile=first and pilot,
            swapped=not first and pilot,
            photos=walk.plan.photos,
            underground_photo=first and pilot,
        )
        folder = writer.photos(walk, specs)
        return [table] if folder is None else [table, folder]
    msg = f"unknown sample format {fmt!r}"
    raise ValueError(msg)


def _write_walk_yaml(path: Path, walk: SampleWalk) -> None:
    """``walk.yaml``: the metadata ``walktool import --walk`` reads."""
    import yaml

    doc = {
        "date": walk.date,
        "start_time": walk.start_time,
        "end_time": walk.end_time,
        "facilitator": walk.facilitator,
        "route": walk.route,
        "n_participants": walk.n_participants,
        "weather": walk.weather,
        "campaign": walk.campaign,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    period = "evening" if walk.period == "night" else "daytime"
    text = f"# SYNTHETIC sample walk ({period}) made by walktool.sample: not real data. See ../README.md.\n"
    text += yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)
    path.write_text(text, encoding="utf-8")


_FORMAT_TEXT = {
    "kobo-csv": "KoboToolbox CSV export of the walktool form (XML values, group names in headers, `;`, every field quoted)",
    "odk-central": "ODK Central export zip of the walktool form (`stm-exploratory-walk.csv` + `files/<instanceID>/` photos)",
    "walktool-sheet": "walktool field sheet (.xlsx) typed in after a paper walk (French labels, one stop a row)",
    "findings-table": "the facilitator's own French findings table (CSV, `;`, title rows, decimal commas, loose station names)",
    "photos": "geotagged JPEG photos (EXIF GPS and capture time; one taken underground has no fix)",
}


def _readme(manifest: SampleManifest) -> str:
    expected = manifest.expected()
    lines = [
        "# Sample campaigns — SYNTHETIC DATA",
        "",
        "**Everything in this folder is synthetic.** No real walk, participant, answer, comment or photo is",
        "here: the people are invented, their names are fake, and the answers come from a random model.",
        "The folder exists so that `walktool demo`, the tests and newcomers have realistic field sheets to",
        "work on. Station names and positions are real (the STM stations layer, credit: Société de",
        "transport de Montréal (STM), CC BY 4.0).",
        "",
        "## How it is made",
        "",
        f"`python -m walktool.sample walks/ --seed {manifest.seed}` regenerates every file here, byte for byte",
        "(the generator is `src/walktool/sample.py`; zip and workbook timestamps are fixed). Its model:",
        "",
        "- **2023-pilot**: 15 walks in November–December 2023, modelled on the STM pilot, through Papineau,",
        "  Beaudry, Lionel-Groulx, Berri-UQAM, Bonaventure, Atwater, Jolicoeur and Monk, by day and at night.",
        "  Groups of 5 to 10 participants stop in 2 to 4 zones of each station (entrance, hall, corridor,",
        "  stairs, platform, transfer, bus loop) and each fills in the checklist of the default protocol",
        "  (`stm-exploratory-walk`). Each station has its own problems: Jolicoeur and Monk deep, dark and far",
        "  from staff; Berri-UQAM crowded, dirty corridors with offensive graffiti and a broken escalator;",
        "  Beaudry offensive graffiti and odours at the entrance; Papineau a broken emergency phone on the",
        "  platform and a dark bus loop; Bonaventure an isolated corridor; Atwater a dark corridor.",
        "  Participants disagree now and then (10% of answers), and their feeling and \"would you come",
        "  alone at night\" follow what they saw, the time of day and their own temperament.",
        "- **2024-followup**: 8 walks in October–November 2024 through the same stations. What changed:",
        "",
        "| station | fixed | persists | new |",
        "|---|---|---|---|",
    ]
    for station, change in CHANGES_2024.items():
        lines.append(f"| {station} | {change.get('fixed', '')} | {change.get('persists', '')} | {change.get('new', '')} |")
    lines += [
        "",
        "Comments are in French and English. Participants are named in the sheets, as in real exports",
        "(`observer`); walktool replaces every name with a pseudonym at import. `manifest.json` lists every",
        "name used (`participant_names`) so that tests can check none reaches walktool's output. A few",
        "participants gave an anonymous profile (gender, age group, reduced mobility, familiarity).",
        "",
        "## Files",
        "",
        "Each walk has a folder `walks/<walk-id>/` with `walk.yaml` (date, start and end time, facilitator",
        "(pseudonymous), route, number of participants, weather, campaign) and the sheets that came back:",
        "",
        "| walk | campaign | period | route | file | format | rows | rejected | observations |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by_walk = {w.walk_id: w for w in manifest.walks}
    for f in manifest.files:
        w = by_walk[f.walk_id]
        route = ", ".join(str(r["station"]) for r in w.route)
        lines.append(f"| {w.walk_id} | {w.campaign} | {w.period} | {route} | `{f.path}` | {f.format} | {f.rows} | {f.rejected} | {f.observations} |")
    lines += ["", "Formats:", ""]
    for fmt, text in _FORMAT_TEXT.items():
        lines.append(f"- `{fmt}`: {text}.")
    lines += [
        "",
        "## What importing it gives",
        "",
        "| campaign | files | rows | accepted | rejected | observations |",
        "|---|---|---|---|---|---|",
    ]
    for campaign, e in expected.items():
        lines.append(f"| {campaign} | {e['files']} | {e['rows']} | {e['accepted']} | {e['rejected']} | {e['observations']} |")
    lines += [
        "",
        "## Deliberate problems (for the data-quality report)",
        "",
        "Every other row imports cleanly. These are on purpose (`walktool check` lists them):",
        "",
        "| file | row | code | level | what |",
        "|---|---|---|---|---|",
    ]
    for d in manifest.deliberate:
        what = str(d["what"]).replace("|", "\\|").replace("<", "&lt;")
        lines.append(f"| `{d['file']}` | {d['row']} | {d['code']} | {d['level']} | {what} |")
    lines += [
        "",
        "The findings tables also spell stations loosely (\"berri uqam\", \"Lionel Groulx\", \"Bonnaventure\"…):",
        "walktool reads them, with a `station-guessed` warning where the name is not exact.",
        "",
        "## Import it",
        "",
        "```",
        "walktool init /tmp/demo",
        "python -c \"from walktool.project import open_project; from walktool.sample import import_sample_campaign;"
        " import_sample_campaign(open_project('/tmp/demo'), 'walks')\"",
        "```",
        "",
        "or one walk at a time: `walktool import --project /tmp/demo --walk <walk-id> walks/<walk-id>/<file>`",
        "(copy the walk's `walk.yaml` into `/tmp/demo/walks/<walk-id>/` first so its metadata is read).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def import_sample_campaign(
    project: Project,
    walks_dir: str | Path | None = None,
    *,
    campaigns: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, ImportResult]:
    """Import the sample campaigns into a project, walk by walk.

    Each walk's ``walk.yaml`` is copied into the project's ``walks/<walk-id>/``
    first (so its date, facilitator, route and weather are stored), then its files
    are imported with ``--walk <walk-id>``.

    Parameters
    ----------
    project
        The open project to import into.
    walks_dir
        The sample's walks folder (holding ``manifest.json``).  Default: the
        repository's ``walks/`` when running from a checkout; otherwise (an
        installed package, which does not ship ``walks/``) the sample is generated
        into the project's own ``walks/`` first, with the default seed (the same
        bytes as the repository's).
    campaigns
        Only these campaigns (default: all).
    progress
        Called as ``progress(step, done, total)``.

    Returns
    -------
    dict[str, ImportResult]
        One merged import report per campaign, files in walk order.
    """
    if walks_dir is None:
        walks_dir = default_walks_dir()
        if walks_dir is None:
            walks_dir = project.walks_dir
            if not (walks_dir / MANIFEST_NAME).is_file():
                generate_sample_campaign(walks_dir)
    source = Path(walks_dir)
    manifest = load_manifest(source)
    wanted = set(campaigns) if campaigns is not None else set(CAMPAIGNS)
    walks = [w for w in manifest.walks if w.campaign in wanted]
    results: dict[str, ImportResult] = {}
    # import_files loads the project's protocol (a large YAML) twice per call: load it once here
    protocol = project.protocol()
    setattr(project, "protocol", lambda protocol_id=None: protocol if protocol_id in (None, protocol.id) else type(project).protocol(project, protocol_id))  # noqa: B010
    try:
        _import_walks(project, source, walks, results, progress)
    finally:
        delattr(project, "protocol")
    return results


def _import_walks(
    project: Project,
    source: Path,
    walks: list[SampleWalk],
    results: dict[str, ImportResult],
    progress: Callable[[str, int, int], None] | None,
) -> None:
    import shutil

    from walktool.ingest import import_files

    for n, walk in enumerate(walks):
        if progress:
            progress(f"importing {walk.walk_id}", n, len(walks))
        meta_src = source / walk.walk_id / "walk.yaml"
        meta_dst = project.walks_dir / walk.walk_id / "walk.yaml"
        if meta_src.is_file() and meta_src.resolve() != meta_dst.resolve():
            meta_dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(meta_src, meta_dst)
        result = import_files(project, [source / p for p in walk.files], walk_id=walk.walk_id, campaign=walk.campaign)
        merged = results.get(walk.campaign)
        if merged is None:
            results[walk.campaign] = result
        else:
            merged.files.extend(result.files)
            merged.import_id = result.import_id
    if progress:
        progress("done", len(walks), len(walks))


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m walktool.sample OUT_DIR [--seed N] [--scale X]``: write the sample campaigns."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m walktool.sample",
        description="Write walktool's SYNTHETIC sample campaigns (2023 pilot, 2024 follow-up) into a walks folder.",
    )
    parser.add_argument("out_dir", type=Path, help="walks folder to fill (e.g. walks/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of walks (default 1.0)")
    args = parser.parse_args(argv)
    manifest = generate_sample_campaign(args.out_dir, seed=args.seed, scale=args.scale)
    for campaign, e in manifest.expected().items():
        print(f"{campaign}: {e['files']} files, {e['rows']} rows, {e['rejected']} deliberately rejected, {e['observations']} observations")
    print(f"written to {args.out_dir} (SYNTHETIC data; see {Path(args.out_dir) / 'README.md'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
