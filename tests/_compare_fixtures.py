"""Two small campaigns for the compare tests: walks declared by a walk column, one stop a row.

``few_walks(project, tmp_path, write_csv, walks=k)``: k walks a side; Papineau answers
every item badly before and well after (Δ = +100); Beaudry gets the same mixed answers
in both campaigns, shuffled between walks (no change).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]
HEADER = ["Marche", "Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "dark_corners", "staff_visible", "sign_exits"]
BAD = ("0", "oui", "non", "non")
GOOD = ("3", "non", "oui", "oui")
MIXED = [("2", "non", "oui", "non"), ("1", "oui", "oui", "oui"), ("3", "non", "non", "oui")]


def walk_rows(walk: str, station: str, day: str, answers: list[tuple[str, ...]], zones: tuple[str, ...] = ("quai",)) -> list[list[str]]:
    return [[walk, f"{walk} participante {i}", station, zone, day, "19h30", *a] for zone in zones for i, a in enumerate(answers)]


def campaign(project: Project, tmp_path: Path, write_csv: WriteCsv, name: str, rows: list[list[str]]) -> None:
    path = write_csv(tmp_path / f"{name}.csv", [HEADER, *rows], sep=";")
    result = import_files(project, [path], campaign=name, fmt="findings-table")
    assert result.rejected == 0, result.to_dict()


def few_walks(project: Project, tmp_path: Path, write_csv: WriteCsv, walks: int) -> Project:
    """Papineau bad then good; Beaudry the same mixed answers in both campaigns."""
    before, after = [], []
    for w in range(walks):
        before += walk_rows(f"A{w}", "Papineau", f"2023-11-{10 + w}", [BAD] * 3)
        before += walk_rows(f"A{w}", "Beaudry", f"2023-11-{10 + w}", [MIXED[w % 3], MIXED[w % 3], MIXED[(w + 1) % 3]])
        after += walk_rows(f"B{w}", "Papineau", f"2024-11-{10 + w}", [GOOD] * 3)
        after += walk_rows(f"B{w}", "Beaudry", f"2024-11-{10 + w}", [MIXED[(w + 1) % 3], MIXED[(w + 1) % 3], MIXED[(w + 2) % 3]])
    campaign(project, tmp_path, write_csv, "2023", before)
    campaign(project, tmp_path, write_csv, "2024", after)
    return project
