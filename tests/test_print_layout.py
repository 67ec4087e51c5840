"""What people print: the workbook and the field sheet through LibreOffice, and the paper PDF.

LibreOffice (``soffice``, installed by ``make office``) converts the workbooks to
PDF as a printer would lay them out; the PDF's text layer then gives each
line's box, and no two lines of a station sheet or of the Recommendations sheet
may overlap (text printed over the rows below was the bug).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from _pdf_layout import footer_sheet, overlaps, pdf_lines
from test_report import HEADER, ROWS
from walktool.forms import write_field_sheet
from walktool.forms.paper_pdf import write_paper_pdf
from walktool.ingest import import_files
from walktool.project import Project
from walktool.protocol import Protocol, default_protocol_path, load_protocol
from walktool.report import build_report
from walktool.stations import builtin_stations

WriteCsv = Callable[..., Path]
LONG = (
    "Le couloir qui mène à la sortie nord est très sombre passé 21 h, deux luminaires clignotent et un troisième est"
    " éteint depuis des semaines ; on ne voit pas qui arrive de l'autre bout et personne ne passe pendant de longues minutes."
)


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make office` installs it; the print-layout tests did NOT run")
    return found


def to_pdf(soffice: str, path: Path, tmp: Path) -> Path:
    out = tmp / "pdf"
    profile = tmp / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file()
    return pdf


def pages_by_sheet(pdf: Path, sheets: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for n, lines in enumerate(pdf_lines(pdf)):
        name = footer_sheet(lines, sheets)
        assert name is not None, f"page {n + 1} has no sheet name in its footer"
        found.setdefault(name, []).append(n)
    return found


def test_printed_workbook_has_no_overlapping_text(soffice: str, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = [*ROWS, ["Marie Roy", "Atwater", "couloir", "coins sombres", "élevée", LONG, "2023-11-17", "21h10", ""]]
    import_files(project, [write_csv(tmp_path / "constats.csv", [HEADER, *rows], sep=";")], campaign="2023-automne",
                 fmt="findings-table")
    book = build_report(project)
    names = load_workbook(book, read_only=True).sheetnames
    pdf = to_pdf(soffice, book, tmp_path)
    pages = pages_by_sheet(pdf, names)
    lines = pdf_lines(pdf)
    assert len(pages["Observations"]) == 1  # its print area is its header row
    assert len(pages["Recommandations"]) <= 3
    stations = [n for n in names if n not in ("Synthèse", "Recommandations", "Observations", "Couverture", "Incidents", "Qualité des données", "Méthode")]
    for name in [*stations, "Recommandations"]:
        for n in pages[name]:
            assert not overlaps(lines[n]), (name, n + 1, overlaps(lines[n])[:3])
    text = " ".join(ln.text for page in lines for ln in page)
    assert "###" not in text  # every number fits its column
    assert "Produit le" in text and "Délai visé" in text
    atwater = " ".join(ln.text for n in pages["Atwater"] for ln in lines[n])
    assert "deux luminaires clignotent" in atwater and "personne ne passe" in atwater  # the long comment, whole


def test_printed_field_sheet_one_stop_a_page(soffice: str, tmp_path: Path) -> None:
    protocol = load_protocol(default_protocol_path())
    sheet = write_field_sheet(protocol, builtin_stations(), tmp_path / "fiche.xlsx", lang="fr", paper_stops=2)
    names = load_workbook(sheet.path, read_only=True).sheetnames
    pdf = to_pdf(soffice, sheet.path, tmp_path)
    pages = pages_by_sheet(pdf, names)
    lines = pdf_lines(pdf)
    assert len(pages["Fiche d'arrêt"]) == 2 and len(pages["Constats (papier)"]) == 1
    assert len(pages["Instructions"]) == 1
    reader = PdfReader(pdf)
    for n in pages["Fiche d'arrêt"]:
        page = reader.pages[n]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)  # Letter portrait
        text = " ".join(ln.text for ln in lines[n])
        assert protocol.item("alone_at_night").label.get("fr")[:30] in text  # the last question on the same page
        assert "☐ Oui" in text and "Station" in text and "Période" in text
        assert not overlaps(lines[n]), overlaps(lines[n])[:3]
    findings = reader.pages[pages["Constats (papier)"][0]]
    assert round(float(findings.mediabox.width)) == 792  # Letter landscape
    assert Counter(footer_sheet(p, names) for p in lines)["Grille"] <= 3


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_protocol(default_protocol_path())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_paper_pdf(protocol: Protocol, tmp_path: Path, lang: str) -> None:
    path = tmp_path / "fiche.pdf"
    assert write_paper_pdf(protocol, path, lang=lang, stops=3) == 4
    reader = PdfReader(path)
    assert len(reader.pages) == 4
    texts = [" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in reader.pages]
    for n, text in enumerate(texts[:3], 1):
        assert (f"Arrêt n° {n}" if lang == "fr" else f"Stop no. {n}") in text
        for item in protocol.items:
            assert " ".join(item.label.get(lang).split())[:25] in text, item.key
        for principle in protocol.principles:
            assert principle.label.get(lang)[:20] in text
        assert ("☐ Oui ☐ Non ☐ Sans objet" if lang == "fr" else "☐ Yes ☐ No ☐ Not applicable") in text
        assert ("Participant·e" if lang == "fr" else "Participant") in text
    assert ("Constats libres" if lang == "fr" else "Free findings") in texts[3]
    assert ("Question ou principe" if lang == "fr" else "Question or principle") in texts[3]
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (612, 792) for p in reader.pages)


def test_follow_up_survives_a_libreoffice_save(soffice: str, project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    """Staff who open the workbook in LibreOffice and save it as .xlsx hand back a file followup reads."""
    from walktool.followup import import_followup
    from walktool.recommend import recommend

    import_files(project, [write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")], campaign="2023-automne",
                 fmt="findings-table")
    book = build_report(project)
    wb = load_workbook(book)
    ws = wb["Recommandations"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Statut") + 1, value="en cours")
    ws.cell(row=2, column=header.index("Porteur du dossier") + 1, value="Chef d'entretien")
    edited = tmp_path / "edited" / "rendu.xlsx"
    edited.parent.mkdir()
    wb.save(edited)
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(edited)],
        check=True, capture_output=True, timeout=300,
    )
    result = import_followup(project, out / "rendu.xlsx")
    assert result.changed == 1 and result.rejected == 0
    first = recommend(project, refresh=False).frame.iloc[0]
    assert first["status"] == "in_progress" and first["owner"] == "Chef d'entretien"
