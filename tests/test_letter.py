"""The participants' letter: bilingual, from the follow-up statuses, read back (HTML and PDF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from _map_fixtures import CAMPAIGN, OBSERVERS, SCRIPT_COMMENT, make_walk_project
from walktool.cli import app
from walktool.letter import LetterError, write_letter
from walktool.project import Project
from walktool.recommend import recommend


@pytest.fixture
def followed(tmp_path: Path) -> tuple[Project, dict[str, dict]]:
    project = make_walk_project(tmp_path / "proj")
    recs = recommend(project, CAMPAIGN).records("fr", project.protocol())
    done, declined, started = recs[0], recs[1], recs[2]
    frame = project.store.read("recommendations").set_index("rec_id")
    frame.loc[done["id"], "status"] = "done"
    frame.loc[declined["id"], ["status", "note"]] = ["rejected", "travaux de la ligne prévus en 2026"]
    frame.loc[started["id"], "status"] = "in_progress"
    project.store.upsert("recommendations", frame.reset_index())
    yield project, {"done": done, "declined": declined, "started": started, "pending": recs[3]}
    project.close()


def test_html_letter_names_done_and_pending(followed: tuple[Project, dict[str, dict]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, recs = followed
    monkeypatch.setenv("WALKTOOL_TODAY", "2024-06-01")
    result = write_letter(project, tmp_path / "lettre.html", lang="fr")
    assert (result.done, result.declined, result.in_progress) == (1, 1, 1) and result.pending == 2
    page = result.path.read_text("utf-8")
    fr, en = page.split("<hr>")
    assert fr.index('lang="fr"') < fr.index("Réalisé")
    assert "Réalisé (1)" in fr and "Done (1)" in en and "Declined, and why (1)" in en
    done_section = fr.split("Réalisé (1)")[1].split("<h2>")[0]
    assert recs["done"]["action"] in done_section.replace("&#x27;", "'")
    pending = fr.split("Pas encore commencé")[1].split("<h2>")[0]
    assert recs["pending"]["action"] in pending.replace("&#x27;", "'") and "en retard depuis" in pending
    assert "travaux de la ligne prévus en 2026" in fr
    for name in OBSERVERS:
        assert name not in page
    assert "alert(1)" not in page and SCRIPT_COMMENT not in page  # comments are not quoted


def test_pdf_letter_reads_back_in_both_languages(followed: tuple[Project, dict[str, dict]], tmp_path: Path) -> None:
    project, recs = followed
    res = CliRunner().invoke(app, ["followup", "letter", "--lang", "en", "--out", str(tmp_path / "letter.pdf"), "--project", str(project.root)])
    assert res.exit_code == 0, res.output
    reader = PdfReader(tmp_path / "letter.pdf")
    assert 2 <= len(reader.pages) <= 4
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert text.index("What the walks found") < text.index("Ce que les marches ont révélé")
    assert "Done (1)" in text and "Réalisé (1)" in text and "Not started yet (2)" in text
    assert " ".join(recs["done"]["station"].split()) in text


def test_letter_output_must_be_html_or_pdf(followed: tuple[Project, dict[str, dict]], tmp_path: Path) -> None:
    with pytest.raises(LetterError, match=r"\.html or \.pdf"):
        write_letter(followed[0], tmp_path / "letter.docx")
