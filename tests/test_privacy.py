"""Privacy by audience: public map, workbook and export hold no comment, exact position, pseudonym or EXIF."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from PIL import Image
from typer.testing import CliRunner

from _map_fixtures import OBSERVERS, ROWS, make_walk_project
from walktool.cli import app
from walktool.privacy import PhotoCopies, detect_faces, for_audience, mark_publishable
from walktool.project import Project

FACE = Path(__file__).parent / "data" / "photos" / "astronaut_face.jpg"
GPS = ("45.51905", "-73.5558")  # the one finding with a GPS fix (exact)
SECRET = ("alert(1)", "__xss", "près de la porte", "muet")  # comments not marked publishable
PUBLISHABLE = "Personne à la loge"
MAX_DECIMALS = 3


def _rows() -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows.append(["Julie Gagnon", "Beaudry", "quai", "propreté", "moyenne", "", "2023-11-15", "18h40", "", "", "visage.jpg"])
    return rows


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = make_walk_project(tmp_path_factory.mktemp("privacy") / "proj", _rows())
    shutil.copyfile(FACE, project.walks_dir / "photos" / "visage.jpg")
    obs = project.store.read("observations")
    mark_publishable(project, obs.loc[obs["comment"].eq(PUBLISHABLE), "obs_id"].tolist())
    yield project
    project.close()


@pytest.fixture(scope="module")
def pseudonyms(walked: Project) -> list[str]:
    names = sorted(walked.store.read("observations")["participant"].dropna().unique())
    assert names and all(n.startswith("P-") for n in names)
    return names


def _run(*args: str) -> None:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def outputs(walked: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    root = tmp_path_factory.mktemp("out")
    out: dict[str, dict[str, Path]] = {}
    for audience in ("staff", "public"):
        d = root / audience
        p = str(walked.root)
        _run("map", "--audience", audience, "--offline", "--out", str(d / "map.html"), "--project", p)
        _run("report", "--audience", audience, "--out", str(d / "report.xlsx"), "--project", p)
        _run("export", "--audience", audience, "--format", "csv", "--out", str(d / "export.csv"), "--project", p)
        _run("export", "--audience", audience, "--format", "gpkg", "--out", str(d / "export.gpkg"), "--project", p)
        out[audience] = {"dir": d, "map": d / "map.html", "xlsx": d / "report.xlsx", "csv": d / "export.csv", "gpkg": d / "export.gpkg"}
    return out


def _workbook_text(path: Path) -> tuple[str, list[float]]:
    wb = load_workbook(path)
    texts, numbers = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    texts.append(v)
                elif isinstance(v, float):
                    numbers.append(v)
    return "\n".join(texts), numbers


def _gpkg_frames(path: Path) -> list[pd.DataFrame]:
    return [pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)]


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0


def _finding_rows(page: str) -> list[list[float]]:
    match = re.search(r"var data = (\[\[[\s\S]*?\]\]);", page)
    assert match, "the findings' rows are in the page"
    import json

    return json.loads(match.group(1))


def test_public_outputs_hold_no_comment_position_or_pseudonym(outputs: dict[str, dict[str, Path]], pseudonyms: list[str]) -> None:
    pub = outputs["public"]
    page = pub["map"].read_text("utf-8")
    xlsx_text, xlsx_numbers = _workbook_text(pub["xlsx"])
    csv_text = "\n".join(p.read_text("utf-8") for p in pub["dir"].glob("export*.csv"))
    gpkg_text = "\n".join(f.to_csv() for f in _gpkg_frames(pub["gpkg"]))
    for name, text in {"map": page, "workbook": xlsx_text, "csv": csv_text, "gpkg": gpkg_text}.items():
        for secret in SECRET:
            assert secret not in text, (name, secret)
        for coordinate in GPS:  # the exact fix (the metro lines' own vertices may share its first digits)
            assert not re.search(rf"(?<![\d.]){re.escape(coordinate)}0*(?!\d)", text), (name, coordinate)
        for who in (*pseudonyms, *OBSERVERS):
            assert who not in text, (name, who)
    # the comment marked publishable is there
    assert PUBLISHABLE in xlsx_text
    assert PUBLISHABLE in csv_text
    assert PUBLISHABLE in page or "Personne \\u00e0 la loge" in page
    # no finding position finer than the rounding: on the map, in the workbook and in the exports
    rows = _finding_rows(page)
    assert rows and all(_decimals(r[0]) <= MAX_DECIMALS and _decimals(r[1]) <= MAX_DECIMALS for r in rows)
    geo = [v for v in xlsx_numbers if 40 < abs(v) < 80]  # the observations' latitudes and longitudes
    assert geo and all(_decimals(v) <= MAX_DECIMALS for v in geo)
    exported = pd.read_csv(pub["csv"])
    assert exported["lat"].notna().all() and all(_decimals(v) <= MAX_DECIMALS for v in [*exported["lat"], *exported["lon"]])
    points = pyogrio.read_dataframe(pub["gpkg"], layer="observations")
    assert all(_decimals(v) <= MAX_DECIMALS for v in [*points.geometry.x, *points.geometry.y])


def test_staff_outputs_keep_what_public_ones_drop(outputs: dict[str, dict[str, Path]], pseudonyms: list[str]) -> None:
    staff = outputs["staff"]
    xlsx_text, _ = _workbook_text(staff["xlsx"])
    csv_text = staff["csv"].read_text("utf-8")
    assert "près de la porte" in xlsx_text and "près de la porte" in csv_text  # the test can fail
    assert GPS[0] in csv_text and any(p in csv_text for p in pseudonyms)


def test_no_exif_in_any_photo_copy_and_public_faces_are_blurred(outputs: dict[str, dict[str, Path]]) -> None:
    for audience in ("staff", "public"):
        d = outputs[audience]["dir"]
        copies = sorted((d / "photos" / audience).glob("*"))
        assert {p.name.split("-")[0] for p in copies} >= {"papineau", "visage"}, copies
        for path in copies:
            with Image.open(path) as img:
                assert not img.getexif() and "exif" not in img.info, path
                if path.name.startswith("visage"):
                    faces = detect_faces(np.asarray(img.convert("RGB")))
                    assert bool(faces) == (audience == "staff"), (audience, faces)
        page = outputs[audience]["map"].read_text("utf-8")
        assert f"photos/{audience}/visage-" in page and "walks/photos" not in page
        csv_text = outputs[audience]["csv"].read_text("utf-8")
        assert f"photos/{audience}/visage-" in csv_text


def test_a_face_comes_out_blurred(tmp_path: Path) -> None:
    with Image.open(FACE) as original:
        assert original.getexif()  # the fixture carries EXIF
        pixels = np.asarray(original.convert("RGB")).astype(int)
    ((x, y, w, h),) = detect_faces(pixels.astype(np.uint8))
    public = PhotoCopies(tmp_path, "public")
    copy = public.copy(FACE)
    assert copy is not None and copy.parent == tmp_path / "photos" / "public" and public.faces == 1
    with Image.open(copy) as img:
        blurred = np.asarray(img.convert("RGB")).astype(int)
        assert not img.getexif()
    assert detect_faces(blurred.astype(np.uint8)) == []
    face_before, face_after = pixels[y : y + h, x : x + w], blurred[y : y + h, x : x + w]
    assert np.abs(face_before - face_after).mean() > 10  # the face changed
    # its detail is gone: far less variation between neighbouring pixels than in the original
    assert np.abs(np.diff(face_after, axis=1)).mean() < 0.3 * np.abs(np.diff(face_before, axis=1)).mean()
    # away from the face, the photo is as it was (JPEG noise aside)
    assert np.abs(pixels[-40:, :40] - blurred[-40:, :40]).mean() < 6
    staff = PhotoCopies(tmp_path, "staff").copy(FACE)
    with Image.open(staff) as img:
        assert not img.getexif() and len(detect_faces(np.asarray(img.convert("RGB")))) == 1


def test_station_snapping_and_unknown_audience(walked: Project) -> None:
    from dataclasses import replace

    from walktool.privacy import AudienceError

    obs = walked.store.read("observations")
    snapped = replace(walked.settings, privacy_public_positions="station")
    original = walked.settings
    walked.settings = snapped
    try:
        public = for_audience(obs, walked, "public")
    finally:
        walked.settings = original
    beaudry = public[public["station_name"].eq("Beaudry")]
    assert set(zip(beaudry["lat"], beaudry["lon"], strict=True)) == {(45.519, -73.556)}
    with pytest.raises(AudienceError, match="staff or public"):
        for_audience(obs, walked, "press")


def test_public_report_counts_what_staff_counts(walked: Project) -> None:
    from walktool.report.data import gather

    staff = gather(walked, None, "en", audience="staff")
    public = gather(walked, None, "en", audience="public")
    assert public.summary.network == staff.summary.network and public.summary.network["participants"] == 3
    assert [r["participants"] for r in public.stations] == [r["participants"] for r in staff.stations]
    assert public.obs["participant"].isna().all() and staff.obs["participant"].notna().all()


def test_comments_cli_and_a_public_brief(tmp_path: Path) -> None:
    import json

    from pypdf import PdfReader

    project = make_walk_project(tmp_path / "proj")
    try:
        runner = CliRunner(env={"WALKTOOL_LANG": "en"})
        p = str(project.root)
        res = runner.invoke(app, ["comments", "list", "--json", "--project", p])
        assert res.exit_code == 0, res.output
        comments = json.loads(res.stdout)["comments"]
        assert {c["comment"] for c in comments} >= {PUBLISHABLE, "muet"} and not any(c["publishable"] for c in comments)
        target = next(c["obs_id"] for c in comments if c["comment"] == PUBLISHABLE)
        res = runner.invoke(app, ["comments", "publish", target, "nope", "--project", p])
        assert res.exit_code == 1 and "nope" in res.stderr and "1 comment marked publishable" in res.stdout
        res = runner.invoke(app, ["report", "--format", "pdf", "--audience", "public", "--out", str(tmp_path / "b.pdf"), "--project", p])
        assert res.exit_code == 0, res.output
        text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "b.pdf").pages)
        assert text and not any(name in text for name in OBSERVERS)
        # the brief's photo is the public copy (no EXIF), written next to it
        (copy,) = (tmp_path / "photos" / "public").glob("papineau-*.jpg")
        with Image.open(copy) as img:
            assert not img.getexif()
        res = runner.invoke(app, ["map", "--audience", "press", "--project", p])
        assert res.exit_code == 2 and "staff or public" in res.output
    finally:
        project.close()
