"""Rebuild ``constats_automne_2023.xlsx`` (run from this folder with the project's Python).

A facilitator's own workbook: an instructions sheet (no header row: skipped), a
findings sheet with a title row and a blank row above the header, dates as real
date cells, as date-formatted serial numbers and as bare serial numbers, times as
real time cells; and a second findings sheet with its header on row 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook


def build(path: Path) -> None:
    """Write the workbook to ``path``."""
    wb = Workbook()
    ins = wb.active
    assert ins is not None
    ins.title = "Instructions"
    ins.append(["Comment remplir ce classeur"])
    ins.append(["Colonne", "À inscrire"])
    ins.append(["Station", "Nom de la station de métro"])
    ins.append(["Gravité", "faible / moyenne / élevée / critique"])
    ins.append(["Photo", "Numéro de la photo prise avec la tablette"])

    ws = wb.create_sheet("Constats")
    ws.append(["Marche exploratoire – automne 2023"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(["Station", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Date", "Heure", "Latitude", "Longitude"])
    ws.append(["Berri-UQAM", "quai", "Coins sombres", "élevée", "Bout du quai très sombre", "IMG_0412.JPG",
               dt.date(2023, 11, 14), dt.time(19, 30), 45.5149, -73.5613])
    ws.append(["Lionel Groulx", "correspondance", "Téléphone d'urgence", "critique", "Hors service", None,
               45244, dt.time(20, 5), None, None])
    ws.cell(row=5, column=7).number_format = "yyyy-mm-dd"  # a serial number shown as a date
    ws.append([])
    ws.append(["Cote des neiges", "édicule", "Graffitis offensants", "faible", "Graffitis haineux sur la porte",
               "IMG_0420.JPG", 45245, "20h40", "45,4966", "-73,6226"])  # bare serial, text time and coordinates

    night = wb.create_sheet("Nuit")
    night.append(["Station", "Zone", "Principe", "Gravité", "Commentaire", "Date et heure"])
    night.append(["Jolicoeur", "escaliers", "Voir et être vu·e", "moyenne", "Escalier mal éclairé",
                  dt.datetime(2023, 11, 15, 22, 10)])
    wb.save(path)


if __name__ == "__main__":
    build(Path(__file__).with_name("constats_automne_2023.xlsx"))
