"""The bundled SYNTHETIC sample campaigns (walks/): the seeded generator, the committed files, their import."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from walktool.ingest import ImportResult
from walktool.project import Project, init_project
from walktool.sample import (
    CAMPAIGNS,
    HOSTILE_COMMENTS,
    MANIFEST_NAME,
    SampleManifest,
    generate_sample_campaign,
    import_sample_campaign,
    load_manifest,
    main,
)

WALKS = Path(__file__).resolve().parents[1] / "walks"
REGENERATE = "the committed sample is stale: run `python -m walktool.sample walks/` and commit walks/"
STATIONS = {"Papineau", "Beaudry", "Lionel-Groulx", "Berri-UQAM", "Bonaventure", "Atwater", "Jolicoeur", "Monk"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleManifest]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample_campaign(out)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, dict[str, ImportResult], SampleManifest]]:
    project = init_project(tmp_path_factory.mktemp("demo") / "project")
    results = import_sample_campaign(project, WALKS)
    yield project, results, load_manifest(WALKS)
    project.close()


def _files(root: Path) -> list[str]:
    """The sample's files; what an import (``make demo``) adds — photos extracted from the ODK zips, the
    provenance ledger ``imports.jsonl`` — is derived, not sample."""
    from walktool.ingest.ledger import LEDGER

    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() != LEDGER
        and not any(part.endswith("-media") for part in p.relative_to(root).parts[:-1])
    )


def _xlsx_cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Cell values of a field sheet's data sheets and of its layout sheet (not its styling)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    layout = list(wb["walktool"].iter_rows(values_only=True))
    names = [str(r[0]) for r in layout[1:] if r and r[0] not in ("protocol", "lang")]
    out = {"walktool": layout, **{n: list(wb[n].iter_rows(values_only=True)) for n in names}}
    wb.close()
    return out


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate_sample_campaign(tmp_path / "a", seed=11, scale=0.2)
    b = generate_sample_campaign(tmp_path / "b", seed=11, scale=0.2)
    assert a.to_dict() == b.to_dict()
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b")
    assert any(f.endswith(".xlsx") for f in files) and any(f.endswith(".zip") for f in files)
    for f in files:  # workbooks and zips included: their timestamps are fixed
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_committed_sample_is_the_generators_output(generated: tuple[Path, SampleManifest]) -> None:
    out, _ = generated
    assert (WALKS / MANIFEST_NAME).read_text(encoding="utf-8") == (out / MANIFEST_NAME).read_text(encoding="utf-8"), REGENERATE
    assert _files(WALKS) == _files(out), REGENERATE
    for f in _files(out):
        if f.endswith(".xlsx"):  # compared by content, so that a restyled field sheet does not fail this
            assert _xlsx_cells(WALKS / f) == _xlsx_cells(out / f), f"{f}: {REGENERATE}"
        else:
            assert (WALKS / f).read_bytes() == (out / f).read_bytes(), f"{f}: {REGENERATE}"


def test_sample_is_as_documented(generated: tuple[Path, SampleManifest]) -> None:
    out, manifest = generated
    walks = {c: [w for w in manifest.walks if w.campaign == c] for c in CAMPAIGNS}
    assert len(walks["2023-pilot"]) == 15 and len(walks["2024-followup"]) == 8
    assert all("2023-11-01" <= w.date <= "2023-12-31" for w in walks["2023-pilot"])
    assert all("2024-09-01" <= w.date <= "2024-11-30" for w in walks["2024-followup"])
    for campaign in CAMPAIGNS:
        visited = {str(stop["station"]) for w in walks[campaign] for stop in w.route}
        assert visited == STATIONS, campaign
        assert {w.period for w in walks[campaign]} == {"day", "night"}
    assert all(5 <= w.n_participants <= 10 for w in manifest.walks)
    formats = {f.format for f in manifest.files}
    assert formats == {"kobo-csv", "odk-central", "walktool-sheet", "findings-table", "photos"}
    assert {f.format for f in manifest.campaign_files("2024-followup")} == formats
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert size < 2_000_000
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and f"--seed {manifest.seed}" in readme
    assert "Sophie Tremblay" in manifest.participant_names
    assert any(not n.isascii() for n in manifest.participant_names)
    # every walk has a walk file the importer reads, with the documented keys
    import yaml

    for w in manifest.walks:
        doc = yaml.safe_load((out / w.walk_id / "walk.yaml").read_text(encoding="utf-8"))
        assert {"date", "start_time", "end_time", "facilitator", "route", "n_participants", "weather", "campaign"} <= set(doc)
        assert doc["facilitator"].startswith("Anima")  # pseudonymous
        assert all(name not in (out / w.walk_id / "walk.yaml").read_text(encoding="utf-8") for name in manifest.participant_names)


def test_findings_tables_look_hand_made(generated: tuple[Path, SampleManifest]) -> None:
    out, manifest = generated
    tables = [f for f in manifest.files if f.format == "findings-table"]
    raw = {f.path: (out / f.path).read_bytes() for f in tables}
    cp1252 = [p for p, b in raw.items() if not b.startswith(b"\xef\xbb\xbf")]
    bom = [p for p, b in raw.items() if b.startswith(b"\xef\xbb\xbf")]
    assert cp1252 and bom
    text = raw[cp1252[0]].decode("cp1252")
    lines = text.splitlines()
    assert lines[0].startswith("Marche exploratoire")  # a title above the header
    assert lines[3].startswith("Gare;Zone;Principe;Élément;Gravité;Commentaire")
    assert any(h in text for h in HOSTILE_COMMENTS[:1]) and '"=HYPERLINK(' in text
    assert "," in lines[4].split(";")[7] or any(",4" in line for line in lines[4:])  # decimal commas
    photos = [f for f in manifest.files if f.format == "photos"]
    assert photos and all((out / f.path).is_dir() for f in photos)


def test_scale_and_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "small"), "--scale", "0.1", "--seed", "5"]) == 0
    small = load_manifest(tmp_path / "small")
    assert len(small.walks) == 2 + 1  # round(15 × 0.1) and at least one follow-up walk
    assert "SYNTHETIC" in capsys.readouterr().out
    with pytest.raises(ValueError, match="scale"):
        generate_sample_campaign(tmp_path / "none", scale=0)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def test_import_gives_the_expected_counts(imported: tuple[Project, dict[str, ImportResult], SampleManifest]) -> None:
    project, results, manifest = imported
    assert set(results) == set(CAMPAIGNS)
    expected = {f.path: f for f in manifest.files}
    for campaign, result in results.items():
        e = manifest.expected()[campaign]
        assert not result.failed
        assert (len(result.files), sum(f.rows for f in result.files), result.accepted, result.rejected) == (
            e["files"], e["rows"], e["accepted"], e["rejected"]
        )
        assert sum(f.observations for f in result.files) == e["observations"]
        for f in result.files:
            want = expected[Path(f.path).relative_to(WALKS).as_posix()]
            assert (f.format, f.rows, f.rejected, f.observations) == (want.format, want.rows, want.rejected, want.observations), f.path
    stored = project.store.read("observations")
    counts = stored.groupby(["campaign", "format"]).size().to_dict()
    assert counts == {(c, fmt): n for c, per in manifest.by_format().items() for fmt, n in per.items()}


def test_only_the_deliberate_problems(imported: tuple[Project, dict[str, ImportResult], SampleManifest]) -> None:
    _, results, manifest = imported
    issues = [(Path(f.path).relative_to(WALKS).as_posix(), i) for r in results.values() for f in r.files for i in f.issues]
    errors = sorted((path, i.row, i.code) for path, i in issues if i.level == "error")
    assert errors == sorted((d["file"], d["row"], d["code"]) for d in manifest.deliberate if d["level"] == "error")
    warned = {(d["file"], d["row"], d["code"]) for d in manifest.deliberate if d["level"] == "warning"}
    for path, i in issues:
        if i.level == "warning":
            # loose station names in the findings tables are read with a warning, and the table saved by
            # Excel in Windows-1252 says which encoding it was read in; nothing else is unexpected
            assert (
                (path, i.row, i.code) in warned
                or (i.code == "station-guessed" and "constats" in path)
                or (i.code == "encoding-detected" and i.value == "cp1252" and path.startswith("2023-12-07-"))
            ), (path, i)
    assert warned <= {(path, i.row, i.code) for path, i in issues}


def test_hostile_comments_and_underground_photo_survive(imported: tuple[Project, dict[str, ImportResult], SampleManifest]) -> None:
    project, _, _ = imported
    obs = project.store.read("observations")
    comments = set(obs["comment"].dropna())
    assert set(HOSTILE_COMMENTS) <= comments  # kept verbatim: escaping is the writers' job
    linked = obs[obs["station_match"] == "photo-link"]
    assert len(linked) == 1 and linked["station_id"].notna().all()


def test_walk_metadata_is_stored(imported: tuple[Project, dict[str, ImportResult], SampleManifest]) -> None:
    project, _, manifest = imported
    walks = project.store.read("walks").set_index("walk_id")
    assert set(walks.index) == {w.walk_id for w in manifest.walks}
    for w in manifest.walks:
        row = walks.loc[w.walk_id]
        assert (row["campaign"], row["facilitator"], int(row["n_participants"])) == (w.campaign, w.facilitator, w.n_participants)


def test_store_holds_pseudonyms_only(imported: tuple[Project, dict[str, ImportResult], SampleManifest]) -> None:
    project, _, manifest = imported
    names = [n.casefold() for n in manifest.participant_names]
    participants = project.store.read("participants")
    assert len(participants) > 20 and participants["participant"].str.fullmatch(r"P-[0-9A-F]{8}").all()
    assert participants["gender"].notna().any()  # a few anonymous profiles
    con = sqlite3.connect(project.store_path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):  # table names from the store itself
                for value in row:
                    if isinstance(value, str):
                        low = value.casefold()
                        assert not any(n in low for n in names), (table, value[:80])
    finally:
        con.close()
    # and the raw sheets do hold them (they are pseudonymised at import, not before)
    kobo = next(f for f in manifest.files if f.format == "kobo-csv")
    assert any(n in (WALKS / kobo.path).read_text(encoding="utf-8") for n in manifest.participant_names)


def test_manifest_round_trips(generated: tuple[Path, SampleManifest]) -> None:
    out, manifest = generated
    again = SampleManifest.from_dict(json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8")))
    assert again.to_dict() == manifest.to_dict()
