"""Rewrite the frozen exports of this folder (run: .venv/bin/python tests/data/forms/regenerate.py).

Three stops answered on the walktool XLSForm, written as KoboToolbox (CSV, XML
values with groups; CSV, French labels without groups) and ODK Central (root CSV)
export them, by :mod:`walktool.forms.simulate`.  The files are committed so that
a change in the simulator cannot hide a change in what the readers accept:
regenerate them only when the form itself changes, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

from walktool.forms import build_xlsform
from walktool.forms.simulate import kobo_csv, odk_central_csv
from walktool.protocol import default_protocol_path, load_protocol
from walktool.stations import builtin_stations

HERE = Path(__file__).parent


def submissions() -> list[dict[str, str]]:
    """Three stops at Berri-UQAM and McGill, every item answered but the free text."""
    protocol = load_protocol(default_protocol_path())
    base = {i.key: i.answer.choices[0].value if i.answer.choices else "0" for i in protocol.items}
    base["staff_distance_m"] = "40"
    base["suggestion"] = ""
    first = {
        **base,
        "start": "2024-11-05T19:31:02.118-05:00",
        "end": "2024-11-05T19:42:10.250-05:00",
        "today": "2024-11-05",
        "deviceid": "collect:Kx7Pq2LmA9",
        "observer": "Aïcha",
        "line": "orange",
        "station": "berri_uqam",
        "zone": "platform",
        "period": "night",
        "location": "45.515300 -73.561000 21.0 8.5",
        "light_level": "1",
        "light_level_comment": "Néons éteints côté Angrignon",
        "dark_corners": "yes",
        "dark_corners_severity": "high",
        "dark_corners_comment": 'Coin sombre au bout du quai; "aucune" caméra',
        "dark_corners_photo": "1730853712345.jpg",
        "lights_out": "3",
        "emergency_phone": "not_working",
        "feeling": "uncomfortable",
        "feeling_comment": "Personne sur le quai",
        "comment": "Quai désert après 22 h",
        "photo": "1730853799000.jpg",
        "_uuid": "9d4e7c1a-5b2f-4e8a-b1c3-7f6a2d9e0b44",
        "_submission_time": "2024-11-06T00:42:15",
        "_submitted_by": "facilitatrice_stm",
    }
    second = {
        **base,
        "start": "2024-11-05T19:50:00.000-05:00",
        "end": "2024-11-05T19:58:41.007-05:00",
        "today": "2024-11-05",
        "deviceid": "collect:Kx7Pq2LmA9",
        "observer": "Aïcha",
        "line": "green",
        "station": "berri_uqam",
        "zone": "corridor",
        "period": "night",
        "_uuid": "5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6",
        "_submission_time": "2024-11-06T01:00:03",
    }
    third = {
        **base,
        "start": "2024-11-05T20:15:12.000-05:00",
        "end": "2024-11-05T20:21:55.512-05:00",
        "today": "2024-11-05",
        "deviceid": "collect:Zt4Hb8WcE1",
        "observer": "Josée L.",
        "line": "green",
        "station": "mcgill",
        "zone": "hall",
        "period": "",
        "location": "45.504100 -73.571500",
        "cleanliness": "3",
        "_uuid": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "_submission_time": "2024-11-06T01:22:30",
    }
    return [first, second, third]


def main() -> None:
    """Write the three files."""
    protocol = load_protocol(default_protocol_path())
    form = build_xlsform(protocol, builtin_stations())
    subs = submissions()
    (HERE / "kobo_xml_groups.csv").write_bytes(kobo_csv(form, subs).encode("utf-8"))
    (HERE / "kobo_labels_fr.csv").write_bytes(kobo_csv(form, subs, labels=True, groups=False).encode("utf-8"))
    (HERE / "odk_central.csv").write_bytes(odk_central_csv(form, subs).encode("utf-8"))


if __name__ == "__main__":
    main()
