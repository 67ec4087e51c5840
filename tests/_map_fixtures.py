"""A small walk project for the map tests (unit and real-browser): two stations, six findings.

A facilitator's French findings table: observers by name (they must never reach the
map), a ``<script>`` comment and an ``<img onerror>`` comment (they must show as text),
one finding with a GPS fix (decimal comma), one at an entrance, day and night, and a
photo that exists in the project's walks/ folder.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import walktool
from walktool.ingest import import_files
from walktool.project import Project

DATA_DIR = Path(__file__).parent / "data"
SCRIPT_COMMENT = "<script>alert(1)</script>"
IMG_COMMENT = '<img src=x onerror="window.__xss=1">'
OBSERVERS = ("Sophie Tremblay", "Julie Gagnon", "Amélie Roy")
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "Latitude", "Longitude", "Photo"]
ROWS = [
    ["Sophie Tremblay", "Papineau", "quai", "coins sombres", "élevée", SCRIPT_COMMENT, "2023-11-14", "20h00", "", "", ""],
    ["Julie Gagnon", "Papineau", "quai", "coins sombres", "moyenne", "", "2023-11-14", "20h05", "", "", ""],
    ["Amélie Roy", "Papineau", "édicule", "graffiti", "faible", "Tags & odeur\nprès de la porte", "2023-11-16", "14h00", "", "", "papineau.jpg"],
    ["Julie Gagnon", "Beaudry", "hall", "téléphone d'urgence", "critique", "muet", "2023-11-15", "18h30", "45,51905", "-73,55580", ""],
    ["Sophie Tremblay", "Beaudry", "hall", "propreté", "faible", IMG_COMMENT, "2023-11-15", "10h00", "", "", ""],
    ["Amélie Roy", "Papineau", "couloir", "personnel visible", "moyenne", "Personne à la loge", "2023-11-16", "14h10", "", "", "absente.jpg"],
]
CAMPAIGN = "2023-pilote"
# photo cells a sheet's author controls: a web address the map must not fetch (it would tell
# the author the IP address of everyone who opens the popup), other schemes, names the file
# system refuses, paths out of the project
TRACKER = "https://tracker.example/pixel.jpg?who=1"
HOSTILE_PHOTOS = (
    TRACKER,
    "http://tracker.example/plain.jpg",
    "//tracker.example/protocol-relative.png",
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='window.__xss=1'/>",
    "javascript:window.__xss=1",
    "IMG_" + "é" * 200 + ".jpg",  # 408 bytes: "File name too long" for the file system
    "photos/" + "x" * 300 + "/papineau.jpg",
    "../../../../../../etc/hosts.jpg",
    "/etc/passwd",
)
STATIONS_WITH_DATA = ("Papineau", "Beaudry")


def make_walk_project(root: Path, rows: list[list[str]] | None = None) -> Project:
    """Create the project in ``root`` and import the findings table (campaign ``2023-pilote``).

    ``rows`` replaces :data:`ROWS` (same columns as :data:`HEADER`).
    """
    project = walktool.init_project(root)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in [HEADER, *(ROWS if rows is None else rows)]:
        writer.writerow(row)
    sheet = root.parent / f"{root.name}-constats.csv"
    sheet.write_bytes(buffer.getvalue().encode("utf-8"))
    import_files(project, [sheet], campaign=CAMPAIGN, fmt="findings-table")
    photos = project.walks_dir / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DATA_DIR / "photos" / "photo_with_gps_exif.jpg", photos / "papineau.jpg")
    return project
