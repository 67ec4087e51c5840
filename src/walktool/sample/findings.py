"""A facilitator's own French findings table (CSV with a title row, decimal commas, loose station names)."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.sample.model import NA_ZONES
from walktool.sample.photos import PhotoSpec
from walktool.sample.plan import OUTDOOR_ZONES
from walktool.sample.simulate import bump, comment_for, location
from walktool.sample.study import Participant, Stop, Walk
from walktool.sample.texts import COMMENT_TOPIC, FR_SEVERITY, FR_ZONE, HOSTILE_COMMENTS, SLOPPY
from walktool.sample.writer import Writer

if TYPE_CHECKING:
    from walktool.protocol import Protocol


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


def write_findings_table(writer: Writer, walk: Walk, *, unknown_station: bool = False, hostile: bool = False, swapped: bool = False, photos: int = 0, underground_photo: bool = False) -> tuple[Path, list[PhotoSpec]]:
    """Write a facilitator's own findings table: French headers under a title, one finding a row.

    Parameters
    ----------
    writer
        The campaign's writer.
    walk
        The walk.
    unknown_station
        Add a finding at "Gare Centrale" (not a metro station: rejected at import).
    hostile
        Put the :data:`~walktool.sample.texts.HOSTILE_COMMENTS` in two comments.
    swapped
        Swap latitude and longitude in one row.
    photos
        How many rows name a photo.
    underground_photo
        The first photo was taken underground (no GPS fix; its row places it), and
        observers are written as first name and initial.

    Returns
    -------
    tuple[Path, list[PhotoSpec]]
        The CSV written, and the photos its rows name (for :func:`write_photos`).
    """
    study = writer.study
    protocol = study.protocol
    rng = study.rng
    plan = walk.plan
    writer.short_names = underground_photo  # she wrote first names and initials that evening
    rows: list[list[Any]] = []
    photo_specs: list[PhotoSpec] = []
    photo_no = rng.randint(2000, 8000)
    for stop in walk.stops:
        bad_items = [k for k, v in stop.truth.items() if v and not (k in NA_ZONES and stop.zone in NA_ZONES[k])]
        bad_items = [k for k in bad_items if k not in ("women_children_present", "outreach_presence") or rng.random() < 0.3]
        rng.shuffle(bad_items)
        for key in bad_items[: rng.randint(2, 5)]:
            item = protocol.item(key)
            who = study.pick(walk.people)
            when = stop.start + timedelta(minutes=rng.randint(1, 12))
            sev = bump(item.severity or "medium", rng)
            comment = comment_for(study, Participant(who.name, "fr", 0, 0, None, ""), COMMENT_TOPIC.get(key, "signage"), stop.zone)
            rows.append(_finding_row(writer, walk, stop, _PRINCIPLE_FR[item.principle], _element(protocol, key, rng), sev, comment, when, who.name))
        if rng.random() < 0.3:
            # a finding the group could only file under a principle
            who = study.pick(walk.people)
            principle, comment = study.pick(_GENERAL_FINDINGS)
            rows.append(_finding_row(writer, walk, stop, principle, "", "moyenne", comment, stop.start + timedelta(minutes=13), who.name))
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
        assert isinstance(stop, Stop)
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
        extra = _finding_row(writer, walk, stop, "Aide", "Endroit piège", "élevée",
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
    table = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    table.writerows(lines)
    path = writer.out / walk.walk_id / f"constats-{walk.plan.day.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(plan.encoding))
    for r in rows:
        writer.names.add(str(r[_F_WHO]))
    rejected = 1 if extra is not None else 0
    writer.add(path, "findings-table", walk, len(rows), rejected, len(rows) - rejected)

    def line(row: list[Any]) -> int:  # title, subtitle, blank line, header: data start on line 5
        return 5 + next(i for i, r in enumerate(rows) if r is row)

    if extra is not None:
        writer.flag(path, line(extra), "unknown-station", "error",
                  "'Gare Centrale' is the train station next to Bonaventure, not a metro station; the row is rejected")
    if swapped_row is not None:
        writer.flag(path, line(swapped_row), "swapped-coordinates", "warning", "latitude and longitude typed in each other's column; fixed at import")
    if hostile_rows:
        writer.flag(path, line(hostile_rows[0]), "hostile-comment", "info", "a comment holding <script>alert(1)</script>: maps and reports must show it as text")
        writer.flag(path, line(hostile_rows[1]), "hostile-comment", "info", "a comment starting with =HYPERLINK(: workbooks must not turn it into a formula")
    if underground_photo and chosen:
        writer.flag(path, line(chosen[0]), "photo-link", "info", f"{chosen[0][_F_PHOTO]} was taken underground (no GPS fix): this row names it, which places it")
    return path, photo_specs


def _finding_row(writer: Writer, walk: Walk, stop: Stop, principle: str, element: str, severity: str, comment: str, when: datetime, who: str) -> list[Any]:
    """A row of the table as she typed it (then the stop and ``indoor``/``outdoor``, not written)."""
    rng = writer.study.rng
    lat = lon = ""
    outdoor = stop.zone in OUTDOOR_ZONES
    if outdoor:
        loc = location(writer.study, stop.station, stop.zone)
        assert loc is not None
        lat, lon = f"{loc[0]:.5f}".replace(".", ","), f"{loc[1]:.5f}".replace(".", ",")
    station = str(rng.choices(SLOPPY[stop.station], weights=(5, 3, 2)[: len(SLOPPY[stop.station])])[0])
    zone = str(rng.choice(FR_ZONE[stop.zone]))
    sev = FR_SEVERITY.get(severity, severity)
    short = f"{who.split()[0]} {who.split()[-1][0]}." if writer.short_names else who
    writer.names.add(short)
    return [station, zone, principle, element, sev, comment, "", lat, lon, when.strftime("%d/%m/%Y"), when.strftime("%Hh%M"), short,
            stop, "outdoor" if outdoor else "indoor"]
