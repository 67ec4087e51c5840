"""Findings tables: facilitators' own CSV / XLSX sheets, one finding a row."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from _paths import SAMPLES as SHARED_SAMPLES
from walktool.errors import SheetFormatError
from walktool.readers import RESERVED, detect_format, findings, read_file
from walktool.readers._base import Probe

DATA = Path(__file__).parent / "data" / "findings"
SAMPLES = Path(__file__).parent / "data"
FR_CSV = DATA / "marche_berri_fr_cp1252.csv"
EN_CSV = DATA / "walk_findings_en_bom.csv"
TAB_TXT = DATA / "constats_principes_tab.txt"
XLSX = DATA / "constats_automne_2023.xlsx"


@pytest.mark.parametrize("path", [FR_CSV, EN_CSV, TAB_TXT, XLSX], ids=lambda p: p.name)
def test_detects_findings_table(path: Path) -> None:
    assert detect_format(path).name == "findings-table"


def test_french_cp1252_semicolon_with_title_rows() -> None:
    fmt, tables = read_file(FR_CSV)
    assert fmt.name == "findings-table"
    assert len(tables) == 1
    table = tables[0]
    frame = table.frame
    assert table.format == "findings-table"
    assert table.issues == []
    assert table.rejected_rows == 0
    # the file's own headers, accents decoded from Windows-1252
    headers = [c for c in frame.columns if not c.startswith("__")]
    assert headers == ["Gare", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Latitude",
                       "Longitude", "Date", "Heure", "Réponse"]
    # two title rows and the blank row are not records; __row is the line in the file
    assert len(frame) == 5
    assert frame["__row"].tolist() == [4, 5, 6, 8, 9]
    # values are kept as written: parsing is normalisation's job
    first = frame.iloc[0]
    assert first["Gare"] == "berri uqam"
    assert first["Latitude"] == "45,5149"
    assert first["Longitude"] == "-73,5613"
    assert first["Heure"] == "19h30"
    assert first["Réponse"] == "Oui"
    assert first["Commentaire"] == "Coin sombre au bout du quai, direction Honoré-Beaugrand"
    assert frame.iloc[1]["Commentaire"] == "Néons brisés; 3 tubes hors service"  # quoted separator
    assert frame["Gare"].tolist() == ["berri uqam", "Berri-UQAM", "Lionel Groulx", "Cote des neiges", "Jolicoeur"]
    assert frame.iloc[2]["Latitude"] == ""
    assert frame.iloc[4]["Réponse"] == "Oui"


def test_only_submission_is_filled_among_reserved_columns() -> None:
    frame = read_file(FR_CSV)[1][0].frame
    reserved = [c for c in frame.columns if c.startswith("__")]
    assert sorted(reserved) == ["__row", "__submission"]
    assert set(reserved) <= set(RESERVED)


def test_submission_is_a_stable_content_hash() -> None:
    first = read_file(FR_CSV)[1][0].frame
    again = read_file(FR_CSV)[1][0].frame
    ids = first["__submission"].tolist()
    assert ids == again["__submission"].tolist()
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 40 and int(i, 16) >= 0 for i in ids)
    cells = ["Jolicoeur", "Escaliers", "Propreté", "moyenne", "Odeur d'urine dans l'escalier", "45,4570",
             "-73,5671", "15/11/2023", "18h15", "Oui"]
    assert ids[4] == hashlib.sha1("\x1f".join(cells).encode("utf-8")).hexdigest()


def test_same_rows_elsewhere_in_the_file_keep_their_ids(tmp_path: Path) -> None:
    """Re-importing an edited sheet: unchanged rows keep their id whatever line they moved to."""
    lines = FR_CSV.read_bytes().split(b"\r\n")
    edited = tmp_path / "edited.csv"
    edited.write_bytes(b"\r\n".join([*lines[:3], b"", *lines[3:]]))  # one more blank line
    before = read_file(FR_CSV)[1][0].frame
    after = read_file(edited)[1][0].frame
    assert after["__row"].tolist() == [5, 6, 7, 9, 10]
    assert after["__submission"].tolist() == before["__submission"].tolist()


def test_identical_rows_are_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "doublons.csv"
    path.write_text("Station,Item,Severity\nBerri-UQAM,dark_corners,high\nBerri-UQAM,dark_corners,high\n",
                    encoding="utf-8")
    frame = read_file(path)[1][0].frame
    first, second = frame["__submission"].tolist()
    assert second == f"{first}~2"


def test_english_bom_comma_csv_with_multiline_cell() -> None:
    table = read_file(EN_CSV)[1][0]
    frame = table.frame
    assert [c for c in frame.columns if not c.startswith("__")] == [
        "Station", "Area", "Item", "Severity", "Comment", "Photo", "Latitude", "Longitude", "Date/time", "Observer",
    ]
    # the quoted comment spans lines 3-4, so the next record starts on line 5
    assert frame["__row"].tolist() == [2, 3, 5]
    assert frame.iloc[1]["Comment"] == "Emergency phone dead.\nReported to the agent at the booth."
    assert frame.iloc[2]["Station"] == "Côte-des-Neiges"
    assert frame.iloc[0]["Latitude"] == "45.5149"
    assert frame.iloc[0]["Date/time"] == "2023-11-14 19:30"


def test_tab_separated_principles() -> None:
    frame = read_file(TAB_TXT)[1][0].frame
    assert list(frame.columns[:6]) == ["Station", "Principe", "Gravité", "Remarques", "Lat", "Lon"]
    assert frame["__row"].tolist() == [2, 3, 4]
    assert frame["Principe"].tolist()[0] == "Voir et être vu·e"
    assert frame.iloc[2]["Lat"] == ""


def test_xlsx_reads_every_sheet_with_a_header() -> None:
    fmt, tables = read_file(XLSX)
    assert fmt.name == "findings-table"
    assert [t.frame["__sheet"].iloc[0] for t in tables] == ["Constats", "Nuit"]  # "Instructions" skipped
    constats, nuit = (t.frame for t in tables)
    assert [c for c in constats.columns if not c.startswith("__")] == [
        "Station", "Zone", "Élément", "Gravité", "Commentaire", "Photo", "Date", "Heure", "Latitude", "Longitude",
    ]
    # title on row 1, blank rows 2 and 6: records are spreadsheet rows 4, 5 and 7
    assert constats["__row"].tolist() == [4, 5, 7]
    assert constats["Date"].tolist() == ["2023-11-14T00:00:00", "2023-11-14T00:00:00", "45245"]
    assert constats["Heure"].tolist() == ["19:30:00", "20:05:00", "20h40"]
    assert constats["Latitude"].tolist() == ["45.5149", "", "45,4966"]
    assert constats["Station"].tolist() == ["Berri-UQAM", "Lionel Groulx", "Cote des neiges"]
    assert nuit["__row"].tolist() == [2]
    assert nuit.iloc[0]["Date et heure"] == "2023-11-15T22:10:00"
    assert nuit.iloc[0]["Principe"] == "Voir et être vu·e"
    assert set(constats["__sheet"]) == {"Constats"}
    assert all(len(s) == 40 for s in constats["__submission"])


def test_overflow_cells_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("Station;Zone;Gravité\nBerri-UQAM;quai;élevée;oups\nSnowdon;quai;faible\n", encoding="utf-8")
    table = read_file(path)[1][0]
    assert [(i.code, i.row, i.level) for i in table.issues] == [("extra-cells", 2, "warning")]
    assert len(table.frame) == 2


@pytest.mark.parametrize(
    "sample",
    [
        "kobo_formpack_labels.csv",
        "kobo_formpack_xml_values_groups.csv",
        "kobo_formpack_xml_values_groups.xlsx",
        "epicollect5_form-1__metro-safety-walk.SYNTHETIC.csv",
        "real/odk_central/geopoint_root__mytestform.csv",
        "real/odk_briefcase/all-data-types.csv",
        "real/kobocat_legacy/kobocat_legacy_tutorial_w_repeats.csv",
        "waypoints.gpx",
    ],
)
def test_sniff_rejects_other_tools_exports(sample: str) -> None:
    path = SHARED_SAMPLES / sample
    assert path.exists(), f"{path} is missing"
    assert findings.sniff(Probe(path)) is False


def test_sniff_rejects_unrelated_tables(tmp_path: Path) -> None:
    path = tmp_path / "budget.csv"
    path.write_text("Poste,Montant\nLocation de salle,250\nCollations,80\n", encoding="utf-8")
    assert findings.sniff(Probe(path)) is False
    only_one = tmp_path / "one.csv"
    only_one.write_text("Station,Montant\nBerri-UQAM,250\n", encoding="utf-8")
    assert findings.sniff(Probe(only_one)) is False  # one known header is not enough


def test_forced_read_without_header_explains(tmp_path: Path) -> None:
    path = tmp_path / "budget.csv"
    path.write_text("Poste,Montant\nLocation de salle,250\n", encoding="utf-8")
    with pytest.raises(SheetFormatError, match="no header row"):
        read_file(path, fmt="findings-table")


def test_header_below_more_title_rows_than_scanned_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "deep.csv"
    titles = "".join(f"Titre {n}\n" for n in range(20))
    path.write_text(titles + "Station;Zone;Gravité\nBerri-UQAM;quai;élevée\n", encoding="utf-8")
    assert findings.sniff(Probe(path)) is False
