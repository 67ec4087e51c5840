"""The station report workbook, read back with openpyxl: sheets, headers, cells, tables, charts, safety."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, RadarChart

from walktool.ingest import import_files
from walktool.project import Project
from walktool.report import ReportError, build_report, sheet_names, write_report

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "Photo"]
EVIL = '=HYPERLINK("http://evil","x")'
ROWS = [
    ["Sophie Tremblay", "Papineau", "quai", "coins sombres", "élevée", EVIL, "2023-11-14", "20h00", "pap.jpg"],
    ["Julie Gagnon", "Papineau", "quai", "coins sombres", "moyenne", "@SUM(A1)", "2023-11-14", "20h05", ""],
    ["Julie Gagnon", "Square-Victoria–OACI", "hall", "téléphone d'urgence", "critique", "interphone muet", "2023-11-15", "18h00", ""],
    ["Marie Roy", "Longueuil–Université-de-Sherbrooke", "quai", "propreté", "faible", "+sale", "2023-11-15", "18h05", ""],
    ["Marie Roy", "Longueuil–Université-de-Sherbrooke", "hall", "graffiti", "moyenne", "-tags partout", "2023-11-15", "18h10", ""],
    ["Sophie Tremblay", "Berri-UQAM", "couloir", "coins sombres", "moyenne", "", "2023-11-16", "14h00", ""],
    ["Sophie Tremblay", "Berri-UQAM", "entrée", "propreté", "faible", "", "2023-11-16", "14h05", ""],
    ["Julie Gagnon", "Berri-UQAM", "quai", "téléphone d'urgence", "élevée", "", "2023-11-16", "14h10", ""],
    ["Julie Gagnon", "Atwater", "couloir", "graffiti", "faible", "", "2023-11-17", "21h00", ""],
    ["Julie Gagnon", "Atwater", "quai", "coins sombres", "moyenne", "", "2023-11-17", "21h05", ""],
    ["Marie Roy", "Monk", "quai", "téléphone d'urgence", "critique", "", "2023-11-18", "13h00", ""],
    ["Marie Roy", "Beaudry", "hall", "propreté", "faible", "", "2023-11-18", "15h00", ""],
    ["Marie Roy", "Beaudry", "hall", "truc inconnu", "faible", "", "2023-11-18", "15h05", ""],
]
NAMES = ("Sophie", "Tremblay", "Julie", "Gagnon", "Marie Roy")


def filled(project: Project, tmp_path: Path, write_csv: WriteCsv, *, photo: bool = True) -> Project:
    """Import the findings above as campaign ``2023-automne`` (and store the photo one of them names)."""
    path = write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")
    import_files(project, [path], campaign="2023-automne", fmt="findings-table")
    if photo:
        from PIL import Image

        folder = project.walks_dir / "imported" / "photos"
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (640, 480), "navy").save(folder / "pap.jpg")
    return project


@pytest.fixture
def workbook_path(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Path:
    filled(project, tmp_path, write_csv)
    return build_report(project)


def rows_of(ws: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def find_row(ws: object, first: object) -> int:
    """The row number whose first cell is ``first``."""
    for n, row in enumerate(rows_of(ws), 1):
        if row and row[0] == first:
            return n
    raise AssertionError(f"no row starting with {first!r}")


def test_sheets_and_default_path(workbook_path: Path, project: Project) -> None:
    assert workbook_path == project.reports_dir / "report.xlsx"
    wb = load_workbook(workbook_path)
    stations = ["Atwater", "Beaudry", "Berri-UQAM", "Longueuil–Université-de-Sherbro", "Monk", "Papineau", "Square-Victoria–OACI"]
    assert wb.sheetnames == ["Synthèse", *stations, "Recommandations", "Signalements minoritaires", "Observations", "Couverture", "Qualité des données", "Méthode"]
    for ws in wb.worksheets:
        assert len(ws.title) <= 31
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(ws.page_setup.paperSize) == 1  # US Letter
        assert ws.freeze_panes is not None
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "&P / &N"
        if ws.title == "Observations":  # on screen only: the print area is its header row
            assert ws.print_area == "'Observations'!$A$1:$Y$1" and ws.print_title_rows is None
        else:
            assert ws.print_title_rows is not None


def test_sheet_names_are_valid_unique_and_deterministic() -> None:
    long = "Longueuil–Université-de-Sherbrooke"
    assert sheet_names([long, "Square-Victoria–OACI"]) == ["Longueuil–Université-de-Sherbro", "Square-Victoria–OACI"]
    names = sheet_names([long, long + " bis", "a/b:c*d?e[f]g\\h", "'quoted'", "SYNTHÈSE"], reserved=["Synthèse"])
    assert names == ["Longueuil–Université-de-Sherbro", "Longueuil–Université-de-She (2)", "a-b-c-d-e-f-g-h", "quoted", "SYNTHÈSE (2)"]
    assert len({n.casefold() for n in names}) == len(names) and all(len(n) <= 31 for n in names)
    assert sheet_names([long, long + " bis"]) == names[:2]  # same input, same names


def test_summary_sheet(workbook_path: Path, project: Project) -> None:
    wb = load_workbook(workbook_path)
    ws = wb["Synthèse"]
    assert ws["A1"].value.startswith("Marches exploratoires")
    facts = {r[0]: r[1:3] for r in rows_of(ws) if r[0] is not None}
    assert facts["Campagne"][0] == "2023-automne"
    assert [d.date().isoformat() for d in facts["Dates (première, dernière)"]] == ["2023-11-14", "2023-11-18"]
    assert facts["Marches"][0] >= 1 and facts["Participant·es"][0] == 3 and facts["Stations"][0] == 7
    assert facts["Recommandations"][0] == 11
    hdr = find_row(ws, "Station")
    assert rows_of(ws)[hdr - 1][:8] == ("Station", "Score", "Signalisation", "Visibilité", "Achalandage", "Accès à l'aide", "Entretien", "Action collective")
    matrix = rows_of(ws)[hdr : hdr + 7]
    assert {r[0] for r in matrix} == {"Atwater", "Beaudry", "Berri-UQAM", "Longueuil–Université-de-Sherbrooke", "Monk", "Papineau", "Square-Victoria–OACI"}
    papineau = next(r for r in matrix if r[0] == "Papineau")
    assert papineau[1] == 0 and papineau[3] == 0  # findings score 0 in visibility
    link = ws.cell(row=hdr + 1 + [r[0] for r in matrix].index("Longueuil–Université-de-Sherbrooke"), column=1).hyperlink
    assert link.location == "'Longueuil–Université-de-Sherbro'!A1"
    # colour scale on the matrix, bar chart of the station scores
    ranges = {str(cf.sqref): [r.type for r in cf.rules] for cf in ws.conditional_formatting}
    assert ranges == {f"B{hdr + 1}:H{hdr + 7}": ["colorScale"]}
    assert len(ws._charts) == 1 and isinstance(ws._charts[0], BarChart)
    # feelings, then the ten most urgent recommendations (critical first)
    assert find_row(ws, "Toutes les stations") > hdr
    top = find_row(ws, "Les dix recommandations les plus urgentes")
    top_rows = rows_of(ws)[top + 1 : top + 12]
    assert [r[1] for r in top_rows if isinstance(r[1], int)] == list(range(1, 11))
    assert top_rows[0][3] == "Critique" and top_rows[0][5] == "proposée"


def test_station_sheet(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    ws = wb["Papineau"]
    assert ws["A1"].value == "Papineau"
    card = {r[0]: r[1] for r in rows_of(ws) if r[0] is not None}
    assert card["Identifiant"].startswith("STATION_") and card["Participant·es"] == 2 and card["Constats"] == 2
    assert card["Visibilité"] == 0
    assert len(ws._charts) == 1 and isinstance(ws._charts[0], RadarChart)
    # the station's ranked recommendations come before its findings
    heads = [n for n, r in enumerate(rows_of(ws), 1) if r[0] == "Constat"]
    rec_hdr = heads[0]
    assert rows_of(ws)[rec_hdr - 1] == ("Constat", "Action", "Zone", "Gravité", "Délai visé", "Responsable", "Statut",
                                        "Porteur du dossier", "Date d'échéance", "Rang", "Id")
    first_rec = rows_of(ws)[rec_hdr]
    assert first_rec[0] == "Coins sombres" and first_rec[1].startswith("Éclairer") and first_rec[4] == "court terme (< 3 mois)"
    assert first_rec[6] == "proposée" and first_rec[-1].startswith("R-")
    hdr = find_row(ws, "Constat (réponse)")
    assert hdr > rec_hdr
    assert rows_of(ws)[hdr - 1][:8] == ("Constat (réponse)", "Commentaire", "Zone", "Gravité", "Date", "Photo", "Période", "Aperçu")
    first = rows_of(ws)[hdr]
    assert first[0] == "Coins sombres : problème signalé" and first[1] == EVIL and first[2] == "Quai" and first[3] == "Élevée"
    assert first[5] == "pap.jpg" and first[6] == "Soir / nuit"
    photo = ws.cell(row=hdr + 1, column=6)
    assert re.fullmatch(r"photos/staff/pap-[0-9a-f]{16}\.jpg", photo.hyperlink.target)  # a copy without EXIF
    assert len(ws._images) == 1  # the thumbnail
    # a station with no photo on disk: no image, and the long names have their sheets
    assert wb["Square-Victoria–OACI"]._images == []
    assert wb["Longueuil–Université-de-Sherbro"]["A1"].value == "Longueuil–Université-de-Sherbrooke"


def test_every_cell_is_top_aligned_and_wrapped_rows_are_tall_enough(workbook_path: Path) -> None:
    from walktool.report.cells import row_height, wrapped_lines

    wb = load_workbook(workbook_path)
    checked = 0
    for ws in wb.worksheets:
        if ws.title == "Observations":
            continue
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        merged = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.alignment.vertical == "top", (ws.title, cell.coordinate)
                if not cell.alignment.wrap_text or (cell.row, cell.column) in merged:
                    continue
                lines = wrapped_lines(cell.value, widths[cell.column_letter], size=cell.font.sz or 11)
                if lines > 1:
                    height = ws.row_dimensions[cell.row].height
                    assert height is not None and height >= row_height(lines) - 0.01, (ws.title, cell.coordinate, cell.value)
                    checked += 1
    assert checked > 10


def test_summary_prints_its_dates_and_single_chart_labels(workbook_path: Path) -> None:
    from walktool.report.cells import CHARS_PER_WIDTH

    ws = load_workbook(workbook_path)["Synthèse"]
    row = find_row(ws, "Produit le")
    assert ws.cell(row=row, column=2).number_format == "yyyy-mm-dd hh:mm"
    assert ws.column_dimensions["B"].width * CHARS_PER_WIDTH >= len("2023-11-14 20:00") + 1  # no ###
    labels = ws._charts[0].dataLabels
    assert labels.showVal is True and not labels.showCatName and not labels.showSerName and not labels.showLegendKey
    anchor = ws._charts[0].anchor._from
    assert anchor.col == 0  # below the matrix, not widening the printed page


def test_french_data_quality_reasons_and_findings_table_stations(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    dq = rows_of(wb["Qualité des données"])
    reject = next(r for r in dq[1:] if r[1] == "unknown-item")
    assert reject[7] == "aucune question de la grille ne correspond à « truc inconnu » ; utilisez une question ou un principe du protocole"


def test_station_with_only_findings_table_says_so(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [["Gare", "Zone", "Élément", "Gravité"], ["Atwater", "quai", "coins sombres", "élevée"]]
    import_files(project, [write_csv(tmp_path / "t.csv", rows, sep=";")], campaign="c", fmt="findings-table")
    wb = load_workbook(build_report(project))
    card = {r[0]: r[1] for r in rows_of(wb["Atwater"]) if r[0] is not None}
    assert card["Participant·es"] == "– (tableau de constats)"
    assert any(str(r[0]).startswith("Ces constats viennent d'un tableau") for r in rows_of(wb["Atwater"]))
    matrix = rows_of(wb["Synthèse"])
    assert any(r[0] == "Atwater" and "– (tableau de constats)" in r for r in matrix)


def test_formula_injection_comes_out_as_text(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in (EVIL, "@SUM(A1)", "+sale", "-tags partout"):
                    found.setdefault(cell.value, []).append(ws.title)
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix is True
    assert set(found) == {EVIL, "@SUM(A1)", "+sale", "-tags partout"}
    assert "Papineau" in found[EVIL] and "Observations" in found[EVIL]
    with zipfile.ZipFile(workbook_path) as zf:  # no formula anywhere in the file
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in sheets)


def test_recommendations_table_and_status_validation(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    ws = wb["Recommandations"]
    header = rows_of(ws)[0]
    assert header == ("Rang", "Id", "Station", "Zone", "Constat", "Gravité", "Action", "Responsable", "Délai visé",
                      "Statut", "Porteur du dossier", "Date d'échéance", "Note", "Principe", "Priorité", "Type",
                      "Relevé par", "Ont répondu", "Part", "Marches", "À vérifier", "En retard")
    table = ws.tables["Recommendations"]
    assert table.ref == "A1:V12" and table.autoFilter.ref == "A1:V12"
    assert [c.name for c in table.tableColumns] == list(header)
    ids = [r[1] for r in rows_of(ws)[1:]]
    assert len(ids) == 11 and len(set(ids)) == 11 and all(i.startswith("R-") for i in ids)
    assert rows_of(ws)[1][0] == 1 and rows_of(ws)[1][5] == "Critique"
    assert {r[9] for r in rows_of(ws)[1:]} == {"proposée"}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"proposée,acceptée,rejetée,en cours,réalisée,vérifiée"'
    assert str(lists[0].sqref) == "J2:J12"
    assert ws.freeze_panes == "C2" and ws.print_title_rows == "$1:$1"
    assert ws.print_area == "'Recommandations'!$A$1:$M$12"  # principle, priority and type stay on screen
    for r in range(2, 13):  # every row is as tall as its wrapped action needs
        assert (ws.row_dimensions[r].height or 15) >= 15 * 1


def test_observations_sheet_has_every_observation_and_no_identity(workbook_path: Path, project: Project) -> None:
    wb = load_workbook(workbook_path)
    ws = wb["Observations"]
    rows = rows_of(ws)
    assert len(rows) - 1 == project.store.count("observations") == 12
    header = rows[0]
    assert "Station" in header and "Élément" in header and "Commentaire" in header
    assert not any("particip" in str(h).casefold() for h in header)
    pseudonyms = set(project.store.read("observations")["participant"].dropna())
    text = repr(rows)
    assert pseudonyms and not any(p in text for p in pseudonyms)
    for name in NAMES:
        assert name not in text
    assert ws.auto_filter.ref == "A1:Y13" and ws.freeze_panes == "A2"


def test_data_quality_and_method(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    dq = rows_of(wb["Qualité des données"])
    assert dq[0] == ("Niveau", "Code", "Fichier", "Feuille", "Ligne", "Colonne", "Valeur", "Raison")
    reject = next(r for r in dq[1:] if r[0] == "rejet")
    assert reject[2] == "constats.csv" and reject[4] == 14 and reject[5] == "Élément" and reject[6] == "truc inconnu" and reject[7]
    method = {r[0]: r[1] for r in rows_of(wb["Méthode"]) if r[0]}
    assert method["Identifiant du protocole"] == "stm-exploratory-walk" and method["Version du protocole"] == "1.0"
    assert method["Règle de calcul des scores"].startswith("Chaque réponse devient un score")
    assert method["Observations"] == 12
    assert "CC BY 4.0" in method["Stations"] and "Société de transport de Montréal" in method["Stations"]


def test_english_report(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    filled(project, tmp_path, write_csv, photo=False)
    result = write_report(project, "2023-automne", lang="en", out=tmp_path / "out" / "en.xlsx")
    assert result.path == tmp_path / "out" / "en.xlsx" and result.stations == 7 and result.recommendations == 11
    assert result.thumbnails == 0 and result.observations == 12
    wb = load_workbook(result.path)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-6:] == ["Recommendations", "Minority reports", "Observations", "Coverage", "Data quality", "Method"]
    rec = wb["Recommendations"]
    assert rec["J1"].value == "Status" and rec["K1"].value == "Owner" and rec["L1"].value == "Due date"
    assert rec["I1"].value == "Target timeframe"
    dq = rows_of(wb["Data quality"])
    assert next(r for r in dq[1:] if r[1] == "unknown-item")[7].startswith("'truc inconnu'")  # the stored message
    dv = next(dv for dv in rec.data_validations.dataValidation if dv.type == "list")
    assert dv.formula1 == '"proposed,accepted,rejected,in progress,done,verified"'
    assert wb["Papineau"]._images == []  # the photo is not on disk: a name, no preview


def test_errors(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    with pytest.raises(ReportError, match="walktool import"):
        build_report(project)
    filled(project, tmp_path, write_csv, photo=False)
    with pytest.raises(ReportError, match="fr or en"):
        build_report(project, lang="de")
    with pytest.raises(ReportError, match=r"\.xlsx"):
        build_report(project, out=tmp_path / "report.csv")
    from walktool.analysis import AnalysisError

    with pytest.raises(AnalysisError, match="2023-automne"):
        build_report(project, campaign="2031")


def test_answers_in_words() -> None:
    from walktool.protocol import default_protocol_path, load_protocol
    from walktool.report import finding_text

    p = load_protocol(default_protocol_path())
    assert finding_text(p, "emergency_phone", "help", "not_working", "fr") == "Interphone : présent mais hors service"
    assert finding_text(p, "emergency_phone", "help", "not_working", "en") == "Emergency intercom: present but not working"
    assert finding_text(p, "light_level", "visibility", "1", "fr") == "Éclairage : 1 — faible"
    assert finding_text(p, "light_level", "visibility", "1", "en") == "Lighting: 1 — poor"
    assert finding_text(p, "lights_out", "visibility", "3", "fr") == "Lampes éteintes : 3"
    assert finding_text(p, "staff_distance_m", "liveliness", "270", "fr") == "Distance du personnel : 270 m"
    assert finding_text(p, "sign_exits", "signage", "no", "fr") == "Signalisation des sorties : non"
    assert finding_text(p, None, "visibility", None, "fr") == "Visibilité : problème signalé"


def test_archive_scale_sheet_holds_findings_and_every_observation_is_in_the_csv(
    project: Project, tmp_path: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    import walktool.report.data as report_data
    import walktool.report.station as report_station
    import walktool.report.tables as report_tables

    monkeypatch.setattr(report_tables, "OBSERVATIONS_SHEET_ROWS", 5)
    monkeypatch.setattr(report_station, "MAX_FINDINGS_PER_STATION", 1)
    monkeypatch.setattr(report_tables, "_CSV_BLOCK", 5)
    assert report_data.MAX_FINDINGS_PER_STATION == 50
    filled(project, tmp_path, write_csv)
    result = write_report(project, out=tmp_path / "out" / "rapport.xlsx")
    assert result.observations == 5
    assert result.observations_file == tmp_path / "out" / "rapport-observations.csv"
    assert result.to_dict()["observations_file"] == str(result.observations_file)
    wb = load_workbook(result.path)
    sheet = rows_of(wb["Observations"])
    header = sheet[0]
    assert len(sheet) - 1 == 5 and all(r[header.index("Problème")] is True for r in sheet[1:])
    with result.observations_file.open(encoding="utf-8-sig", newline="") as f:
        every = list(csv.reader(f))
    assert tuple(every[0]) == header
    assert len(every) - 1 == project.store.count("observations") == 12
    # the sheet's rows are the file's first findings, in the same order
    ids = [r[0] for r in every[1:]]
    assert [r[0] for r in sheet[1:]] == ids[:5]
    comments = [r[header.index("Commentaire")] for r in every[1:]]
    assert "'" + EVIL in comments and "'@SUM(A1)" in comments and "'-tags partout" in comments and "'+sale" in comments
    text = repr(every)
    pseudonyms = set(project.store.read("observations")["participant"].dropna())
    assert pseudonyms and not any(p in text for p in pseudonyms) and not any(n in text for n in NAMES)
    method = {r[0]: r[1] for r in rows_of(wb["Méthode"]) if r[0]}
    note = method["Feuille Observations"]
    assert "12" in note and "rapport-observations.csv" in note and "1 048 576" in note
    papineau = rows_of(wb["Papineau"])
    assert any(isinstance(r[0], str) and r[0].startswith("… et 1 constats moins graves") for r in papineau)
