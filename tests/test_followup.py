"""The follow-up loop: report → staff edit the workbook → followup import → next report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from walktool.followup import FollowupError, _parse_date, import_followup, status_history
from walktool.ingest import import_files
from walktool.project import Project
from walktool.recommend import recommend
from walktool.report import build_report

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Gare", "Zone", "Élément", "Gravité", "Commentaire", "Date", "Heure", "Photo"]
ROWS = [
    ["Sophie Tremblay", "Papineau", "quai", "coins sombres", "élevée", "", "2023-11-14", "20h00", ""],
    ["Julie Gagnon", "Square-Victoria–OACI", "hall", "téléphone d'urgence", "critique", "muet", "2023-11-15", "18h00", ""],
    ["Marie Roy", "Longueuil–Université-de-Sherbrooke", "quai", "propreté", "faible", "", "2023-11-15", "18h05", ""],
    ["Marie Roy", "Berri-UQAM", "couloir", "graffiti", "moyenne", "", "2023-11-16", "14h00", ""],
    ["Julie Gagnon", "Atwater", "quai", "coins sombres", "moyenne", "", "2023-11-17", "21h05", ""],
]
T1 = dt.datetime(2024, 1, 10, 15, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2024, 2, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def report(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Path:
    path = write_csv(tmp_path / "constats.csv", [HEADER, *ROWS], sep=";")
    import_files(project, [path], campaign="2023-automne", fmt="findings-table")
    return build_report(project)


def columns(ws: object) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}  # type: ignore[index]


def row_of(ws: object, rec_id: str) -> int:
    col = columns(ws)["Id"]
    for row in ws.iter_rows(min_row=2):  # type: ignore[attr-defined]
        if row[col - 1].value == rec_id:
            return int(row[0].row)
    raise AssertionError(rec_id)


def edit(path: Path, out: Path, changes: dict[str, dict[str, object]], sheet: str = "Recommandations") -> Path:
    """Staff at work: open the workbook with openpyxl, type values by header, save a copy."""
    wb = load_workbook(path)
    ws = wb[sheet]
    cols = columns(ws)
    for rec_id, values in changes.items():
        r = row_of(ws, rec_id)
        for header, value in values.items():
            ws.cell(row=r, column=cols[header]).value = value  # value=None in cell() would not clear it
    wb.save(out)
    return out


def test_round_trip(project: Project, report: Path, tmp_path: Path) -> None:
    ids = list(recommend(project, refresh=False).frame["rec_id"])
    assert len(ids) == 5
    a, b, c = ids[:3]
    edited = edit(report, tmp_path / "rendu.xlsx", {
        a: {"Statut": "acceptée", "Porteur du dossier": "Équipe entretien", "Date d'échéance": dt.datetime(2024, 3, 31), "Note": "=devis demandé"},
        b: {"Statut": "in progress"},  # English spelling in a French workbook
        c: {"Statut": "Réalisée", "Date d'échéance": "2024-02-15"},
    })

    result = import_followup(project, edited, now=T1)
    assert (result.rows, result.changed, result.unchanged, result.rejected) == (5, 3, 2, 0)
    assert {ch["id"]: ch["after"]["status"] for ch in result.changes} == {a: "accepted", b: "in_progress", c: "done"}

    stored = project.store.read("recommendations").set_index("rec_id")
    assert stored.loc[a, "status"] == "accepted" and stored.loc[a, "owner"] == "Équipe entretien"
    assert stored.loc[a, "due_date"] == "2024-03-31" and stored.loc[a, "note"] == "=devis demandé"
    assert stored.loc[c, "due_date"] == "2024-02-15" and stored.loc[ids[3], "status"] == "proposed"
    history = status_history(project)
    assert [(h["rec_id"], h["status"], h["changed_at"]) for h in sorted(history, key=lambda h: h["rec_id"])] == sorted(
        [(a, "accepted", "2024-01-10T15:30:00Z"), (b, "in_progress", "2024-01-10T15:30:00Z"), (c, "done", "2024-01-10T15:30:00Z")]
    )
    assert all(h["source"].startswith("followup rendu.xlsx, Recommandations!A") for h in history)

    # the next report shows the statuses (rebuilt recommendations carry them)
    again = build_report(project)
    wb = load_workbook(again)
    ws = wb["Recommandations"]
    cols = columns(ws)
    shown = {ws.cell(row=row_of(ws, i), column=cols["Statut"]).value for i in (a, b, c)}
    assert shown == {"acceptée", "en cours", "réalisée"}
    due = ws.cell(row=row_of(ws, a), column=cols["Date d'échéance"])
    assert due.value == dt.datetime(2024, 3, 31) and due.number_format == "yyyy-mm-dd"
    note = ws.cell(row=row_of(ws, a), column=cols["Note"])
    assert note.value == "=devis demandé" and note.data_type == "s"
    assert ws.cell(row=row_of(ws, ids[3]), column=cols["Statut"]).value == "proposée"
    on_station_sheets = [row for name in wb.sheetnames[1:-4] for row in wb[name].iter_rows(values_only=True) if row[-1] == a]
    assert len(on_station_sheets) == 1 and "acceptée" in on_station_sheets[0] and "Équipe entretien" in on_station_sheets[0]

    # importing the same file twice changes nothing, nor does importing the new report
    second = import_followup(project, edited, now=T2)
    assert (second.changed, second.unchanged, second.rejected) == (0, 5, 0)
    third = import_followup(project, again, now=T2)
    assert third.changed == 0
    assert len(status_history(project)) == 3


def test_later_change_adds_a_dated_history_row(project: Project, report: Path, tmp_path: Path) -> None:
    rid = recommend(project, refresh=False).frame["rec_id"].iloc[0]
    import_followup(project, edit(report, tmp_path / "a.xlsx", {rid: {"Statut": "accepted"}}), now=T1)
    import_followup(project, edit(report, tmp_path / "b.xlsx", {rid: {"Statut": "done", "Porteur du dossier": "M. Roy"}}), now=T2)
    history = status_history(project, rid)
    assert [(h["status"], h["owner"], h["changed_at"][:10]) for h in history] == [("accepted", None, "2024-01-10"), ("done", "M. Roy", "2024-02-01")]
    # clearing the owner is a change; an empty status keeps the current one
    result = import_followup(project, edit(report, tmp_path / "c.xlsx", {rid: {"Statut": None, "Porteur du dossier": None}}), now=T2)
    assert result.changes[0]["after"] == {"status": "done", "owner": None, "due_date": None, "note": None}


def test_unknown_status_rejects_that_row_only(project: Project, report: Path, tmp_path: Path) -> None:
    ids = list(recommend(project, refresh=False).frame["rec_id"])
    edited = edit(report, tmp_path / "rendu.xlsx", {ids[0]: {"Statut": "fini"}, ids[1]: {"Statut": "verified"}, ids[2]: {"Date d'échéance": "31 mars"}})
    wb = load_workbook(edited)
    bad_row = row_of(wb["Recommandations"], ids[0])
    result = import_followup(project, edited, now=T1)
    assert result.changed == 1 and result.rejected == 2
    codes = {i.code: i for i in result.issues}
    status = codes["unknown-status"]
    assert status.message.startswith(f"Recommandations!J{bad_row}: unknown status 'fini'")
    assert "proposée" in status.message and "in progress" in status.message
    assert status.row == bad_row and status.sheet == "Recommandations" and status.level == "error"
    assert codes["bad-due-date"].message.startswith("Recommandations!L")
    stored = project.store.read("recommendations").set_index("rec_id")
    assert stored.loc[ids[0], "status"] == "proposed" and stored.loc[ids[1], "status"] == "verified"


def test_english_workbook_unknown_id_and_duplicates(project: Project, report: Path, tmp_path: Path) -> None:
    en = build_report(project, lang="en", out=tmp_path / "en.xlsx")
    ids = list(recommend(project, refresh=False).frame["rec_id"])
    edited = edit(en, tmp_path / "back.xlsx", {ids[0]: {"Status": "en cours", "Owner": 42, "Due date": "15/03/2024"}}, sheet="Recommendations")
    wb = load_workbook(edited)
    ws = wb["Recommendations"]
    ws.cell(row=ws.max_row + 1, column=2, value="R-00000000")
    ws.cell(row=ws.max_row, column=10, value="done")
    ws.cell(row=ws.max_row + 1, column=2, value=ids[0])
    ws.cell(row=ws.max_row, column=10, value="done")
    wb.save(edited)
    result = import_followup(project, edited, now=T1)
    assert result.changes[0]["after"] == {"status": "in_progress", "owner": "42", "due_date": "2024-03-15", "note": None}
    assert {i.code for i in result.issues} == {"unknown-recommendation", "duplicate-recommendation"}
    assert all(i.message.startswith("Recommendations!B") for i in result.issues)


def test_dates() -> None:
    assert _parse_date(dt.datetime(2024, 3, 1, 0, 0)) == ("2024-03-01", None)
    assert _parse_date("2024-03-01") == ("2024-03-01", None)
    assert _parse_date("31/03/2024") == ("2024-03-31", None)
    assert _parse_date("03/31/2024") == ("2024-03-31", None)
    assert _parse_date(45382) == ("2024-03-31", None)
    assert _parse_date(None) == (None, None)
    value, error = _parse_date("03/04/2024")
    assert value is None and error is not None and "ambiguous" in error and "2024-04-03" in error
    assert _parse_date("2024-02-30")[1] is not None
    assert _parse_date("bientôt")[1] is not None


def test_unreadable_files(project: Project, tmp_path: Path) -> None:
    with pytest.raises(FollowupError, match="no such file"):
        import_followup(project, tmp_path / "missing.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(FollowupError, match="not an Excel workbook"):
        import_followup(project, bad)
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active.append(["Station", "Score"])
    wb.save(other)
    with pytest.raises(FollowupError, match="Recommendations"):
        import_followup(project, other)
