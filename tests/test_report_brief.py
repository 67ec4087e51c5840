"""The PDF station brief, read back with pypdf: pages, station names, recommendations, credit, fonts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from test_report import NAMES, filled
from walktool.cli import app
from walktool.project import Project
from walktool.recommend import recommend
from walktool.report import ReportError
from walktool.report.brief import write_brief

WriteCsv = Callable[..., Path]
STM = "Société de transport de Montréal (STM)"


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture
def briefed(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    return filled(project, tmp_path, write_csv)


def test_one_file_every_station_one_or_two_letter_pages(briefed: Project, tmp_path: Path) -> None:
    result = write_brief(briefed, out=tmp_path / "brief.pdf")
    assert result.paths == [tmp_path / "brief.pdf"] and result.lang == "fr" and result.campaign == "2023-automne"
    assert len(result.stations) == 7 and set(result.pages_by_station) == set(result.stations)
    assert all(1 <= n <= 2 for n in result.pages_by_station.values())
    reader = PdfReader(result.paths[0])
    assert len(reader.pages) == result.pages
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (612, 792)  # US Letter portrait
    texts = page_texts(result.paths[0])
    assert all(STM in t and "CC BY 4.0" in t for t in texts)  # the credit on every page
    recs = recommend(briefed, refresh=False).records("fr", briefed.protocol())
    start = 0
    for name in result.stations:
        pages = texts[start : start + result.pages_by_station[name]]
        start += result.pages_by_station[name]
        joined = " ".join(pages)
        assert pages[0].startswith(name) or name in pages[0][:80]
        assert "Campagne 2023-automne" in joined and "stm-exploratory-walk 1.0" in joined
        assert "Participant·es" in joined and "Marches" in joined
        for r in [r for r in recs if r["station"] == name][:3]:  # its most urgent recommendations
            assert " ".join(r["action"].split())[:40] in joined, (name, r["action"][:40])
            assert " ".join(r["responsible"].split())[:12] in joined
        assert "Signalisation" in joined and "Visibilité" in joined  # the principle bars
    assert not any(n in " ".join(texts) for n in NAMES)  # no participant names


def test_dates_numbers_photos_and_fonts(briefed: Project, tmp_path: Path) -> None:
    result = write_brief(briefed, station="papineau", out=tmp_path / "p.pdf")
    assert result.stations == ["Papineau"]
    text = " ".join(page_texts(result.paths[0]))
    assert "14 nov. 2023" in text and "Élevée" in text and "Photos" in text
    reader = PdfReader(result.paths[0])
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1  # the one photo on disk
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            if descriptor is not None:
                descriptor = descriptor.get_object()
                fonts.add((str(font["/BaseFont"]).split("+")[-1], "/FontFile2" in descriptor))
    assert fonts and all(embedded for _, embedded in fonts) and {f for f, _ in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_a_folder_of_briefs_in_english(briefed: Project, tmp_path: Path) -> None:
    result = write_brief(briefed, lang="en", out=tmp_path / "briefs")
    assert sorted(p.name for p in result.paths) == sorted(
        ["atwater.pdf", "beaudry.pdf", "berri-uqam.pdf", "longueuil-universite-de-sherbrooke.pdf", "monk.pdf", "papineau.pdf",
         "square-victoria-oaci.pdf"]
    )
    text = " ".join(page_texts(tmp_path / "briefs" / "monk.pdf"))
    assert "Recommendations, most urgent first" in text and "Campaign 2023-automne" in text
    assert "Station data: Société de transport de Montréal (STM)" in text and "Critical" in text


def test_errors(briefed: Project, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"no station 'Nowhere'.*Atwater"):
        write_brief(briefed, station="Nowhere", out=tmp_path / "x.pdf")
    with pytest.raises(ReportError, match=r"\.pdf"):
        write_brief(briefed, out=tmp_path / "x.docx")


def test_cli_report_pdf(briefed: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "one.pdf"
    result = runner.invoke(app, ["report", "--format", "pdf", "--station", "Monk", "--out", str(out), "--project", str(briefed.root), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["paths"] == [str(out)] and doc["stations"] == ["Monk"] and 1 <= doc["pages"] <= 2
    result = runner.invoke(app, ["report", "--format", "pdf", "--project", str(briefed.root)])
    assert result.exit_code == 0 and "7 stations" in result.stdout  # in the project's language (French)
    assert len(list((briefed.reports_dir / "briefs").glob("*.pdf"))) == 7
    result = runner.invoke(app, ["report", "--station", "Monk", "--project", str(briefed.root)])
    assert result.exit_code == 2 and "--format pdf" in result.output
