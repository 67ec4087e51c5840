"""What the stations are like: the probability that an item is a problem, in 2023 and in 2024.

The problem is: "no" for positive items, "yes" for negative ones, a low level for
scales, a high count or distance for counts and metres.  Keys are ``"item"`` or
``"zone:item"``.
"""

from __future__ import annotations

# Everywhere, by default (the problem is: "no" for positive items, "yes" for negative ones,
# a low level for scales, a high count or distance for counts and metres).
BASE: dict[str, float] = {
    "sign_exits": 0.08, "sign_station_map": 0.2, "sign_help_point": 0.45, "sign_readable": 0.12,
    "light_level": 0.12, "dark_corners": 0.15, "lights_out": 0.12, "sightline_clear": 0.15,
    "hiding_spots": 0.12, "people_present": 0.15, "women_children_present": 0.25, "shops_open": 0.35,
    "staff_distance_m": 0.35, "emergency_phone": 0.06, "staff_visible": 0.55, "cctv_visible": 0.15,
    "help_info_posted": 0.5, "escape_routes": 0.1, "entrapment_spot": 0.08, "cleanliness": 0.2,
    "offensive_graffiti": 0.06, "broken_equipment": 0.08, "odour_or_water": 0.12, "seating": 0.2,
    "reporting_info": 0.65, "outreach_presence": 0.75,
}

# "station": {"item": p} or {"zone:item": p}; the 2023 state of each station.
PILOT: dict[str, dict[str, float]] = {
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
FOLLOWUP: dict[str, dict[str, float]] = {
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
FOLLOWUP_ALL: dict[str, float] = {"reporting_info": 0.25, "help_info_posted": 0.35}

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

NA_ZONES: dict[str, tuple[str, ...]] = {
    # answered "not applicable" where the thing does not exist
    "shops_open": ("stairs", "platform", "entrance", "bus_loop"),
    "seating": ("entrance", "stairs", "corridor", "transfer"),
}
