"""The Excel field sheet: layout the reader relies on, drop-downs, print set-up, instructions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from walktool.columns import context_role
from walktool.forms import FieldSheet, write_field_sheet
from walktool.forms.fieldsheet import FIRST_DATA_ROW, KEY_ROW, LABEL_ROW
from walktool.protocol import Protocol, default_protocol_path, load_protocol
from walktool.readers import detect_format
from walktool.stations import StationLayer, builtin_stations


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_protocol(default_protocol_path())


@pytest.fixture(scope="module")
def stm() -> StationLayer:
    return builtin_stations()


@pytest.fixture(scope="module", params=["fr", "en"])
def sheet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, protocol: Protocol, stm: StationLayer) -> FieldSheet:
    path = tmp_path_factory.mktemp(f"sheet-{request.param}") / "sheet.xlsx"
    return write_field_sheet(protocol, stm, path, lang=request.param, rows=50)


def _list_values(wb: object, formula: str) -> list[str]:
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    ws = wb[m.group(1)]  # type: ignore[index]
    return [str(ws[f"{m.group(2)}{r}"].value) for r in range(int(m.group(3)), int(m.group(5)) + 1)]


def test_sheets_and_layout_sheet(sheet: FieldSheet, protocol: Protocol) -> None:
    wb = load_workbook(sheet.path)
    names = (
        ["Instructions", "Fiche d'arrêt", "Constats (papier)", "Grille", "Constats", "Listes"]
        if sheet.lang == "fr"
        else ["Instructions", "Stop form", "Findings (paper)", "Checklist", "Findings", "Lists"]
    ) + ["walktool"]
    assert wb.sheetnames == names
    assert [wb[n].sheet_state for n in names] == ["visible"] * 5 + ["hidden", "hidden"]
    meta = [[c for c in row if c is not None] for row in wb["walktool"].iter_rows(values_only=True)]
    assert meta == [
        ["walktool-sheet"],
        [sheet.checklist, KEY_ROW, FIRST_DATA_ROW],
        [sheet.findings, KEY_ROW, FIRST_DATA_ROW],
        ["protocol", protocol.id, protocol.version],
        ["lang", sheet.lang],
    ]
    assert detect_format(sheet.path).name == "walktool-sheet"


def test_checklist_columns(sheet: FieldSheet, protocol: Protocol) -> None:
    ws = load_workbook(sheet.path)[sheet.checklist]
    keys = [c.value for c in ws[KEY_ROW]]
    item_keys = [i.key for i in protocol.items if i.principle != "perception"] + ["feeling", "alone_at_night"]
    assert keys == ["observer", "date", "time", "station", "zone", "period", *item_keys, "comment", "photo"]
    assert ws.row_dimensions[KEY_ROW].hidden
    labels = [c.value for c in ws[LABEL_ROW]]
    assert labels[6] == protocol.item("sign_exits").label.get(sheet.lang)
    for key, label in zip(keys[:6], labels[:6], strict=True):
        assert context_role(str(label)) == key
    # principle band above the items
    band = {c.value for c in ws[1] if c.value}
    assert {p.label.get(sheet.lang) for p in protocol.principles} <= band


def test_findings_columns(sheet: FieldSheet) -> None:
    ws = load_workbook(sheet.path)[sheet.findings]
    keys = [c.value for c in ws[KEY_ROW]]
    assert keys == ["observer", "date", "time", "station", "zone", "principle", "item", "severity", "comment", "photo", "lat", "lon"]
    for key, label in zip(keys, (c.value for c in ws[LABEL_ROW]), strict=True):
        assert context_role(str(label)) == key, label


def _validations(ws: Worksheet) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[re.sub(r"\d+", "", rng.split(":")[0])] = dv
    return out


def test_drop_downs_offer_labels_import_understands(sheet: FieldSheet, protocol: Protocol, stm: StationLayer) -> None:
    wb = load_workbook(sheet.path)
    ws = wb[sheet.checklist]
    dvs = _validations(ws)
    keys = [c.value for c in ws[KEY_ROW]]
    letters = {k: ws.cell(row=KEY_ROW, column=n).column_letter for n, k in enumerate(keys, 1)}
    stations = _list_values(wb, dvs[letters["station"]].formula1)  # type: ignore[attr-defined]
    assert sorted(stations) == sorted(stm.stations["name"])
    zones = _list_values(wb, dvs[letters["zone"]].formula1)  # type: ignore[attr-defined]
    assert [protocol.zones.match(z) for z in zones] == [c.value for c in protocol.zones.choices]
    for item in protocol.items:
        dv = dvs.get(letters[item.key])
        if item.answer.choices:
            assert dv is not None and dv.type == "list", item.key  # type: ignore[attr-defined]
            values = _list_values(wb, dv.formula1)  # type: ignore[attr-defined]
            assert values == [c.label.get(sheet.lang) for c in item.answer.choices]
            parsed = [protocol.parse_answer(item.key, v) for v in values]
            assert [a.value if a else None for a in parsed] == [c.value for c in item.answer.choices], item.key
        elif item.kind == "count":
            assert dv is not None and dv.type == "whole"  # type: ignore[attr-defined]
        elif item.kind == "number":
            assert dv is not None and dv.type == "decimal"  # type: ignore[attr-defined]
        else:
            assert dv is None
    assert dvs[letters["zone"]].errorStyle == "warning"  # type: ignore[attr-defined]
    fws = wb[sheet.findings]
    fdvs = _validations(fws)
    severities = _list_values(wb, fdvs["H"].formula1)  # type: ignore[attr-defined]
    assert [protocol.severities.match(s) for s in severities] == ["low", "medium", "high", "critical"]
    principles = _list_values(wb, fdvs["F"].formula1)  # type: ignore[attr-defined]
    assert [protocol.match_principle(p).key for p in principles] == protocol.principle_keys  # type: ignore[union-attr]
    items = _list_values(wb, fdvs["G"].formula1)  # type: ignore[attr-defined]
    assert all(protocol.match_item(i) is not None for i in items)
    assert "feeling" not in {protocol.match_item(i).key for i in items}  # type: ignore[union-attr]


def test_print_setup(sheet: FieldSheet) -> None:
    wb = load_workbook(sheet.path)
    for name, orientation, wide in (("Instructions", "portrait", 1), (sheet.checklist, "landscape", 3), (sheet.findings, "landscape", 1)):
        ws = wb[name]
        assert ws.page_setup.orientation == orientation, name
        assert int(ws.page_setup.paperSize) == 1  # US Letter
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == wide and ws.page_setup.fitToHeight == 0
    check = wb[sheet.checklist]
    assert check.freeze_panes == "G4"
    assert check.print_title_rows == "$1:$3" and check.print_title_cols == "$A:$F"
    assert wb[sheet.findings].freeze_panes == "A4"
    assert wb[sheet.findings].print_area.endswith("$L$28")  # the header and 25 rows, not 200
    assert wb[sheet.findings].row_dimensions[FIRST_DATA_ROW].height >= 24  # tall enough to write in


def test_paper_stop_form(sheet: FieldSheet, protocol: Protocol) -> None:
    from walktool.forms.paper import BOX, GAP, NBSP

    wb = load_workbook(sheet.path)
    ws = wb["Fiche d'arrêt" if sheet.lang == "fr" else "Stop form"]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 1
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and 40 <= int(ws.page_setup.scale) <= 100
    rows = [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]
    text = "\n".join(str(c) for r in rows for c in r)
    # the context at the top: participant, date, time, station, period, zone (its choices as boxes)
    top = " ".join(str(r[0]) for r in rows[1:4])
    for word in (("Participant·e", "Date", "Heure", "Station", "Période", "Zone") if sheet.lang == "fr"
                 else ("Participant", "Date", "Time", "Station", "Period", "Zone")):
        assert word in top
    assert f"{BOX}{NBSP}{protocol.zones.choices[0].label.get(sheet.lang)}" in top
    # every question, grouped under its principle, with its answers as boxes
    yes, no, na = ("Oui", "Non", "Sans\u00a0objet") if sheet.lang == "fr" else ("Yes", "No", "Not\u00a0applicable")
    signs = next(r for r in rows if len(r) == 3 and r[1] == protocol.item("sign_exits").label.get(sheet.lang))
    assert signs[0] == "1." and signs[2] == f"{BOX}{NBSP}{yes}{GAP}{BOX}{NBSP}{no}{GAP}{BOX}{NBSP}{na}"
    light = next(r for r in rows if len(r) == 3 and r[1] == protocol.item("light_level").label.get(sheet.lang))
    assert light[2].startswith(f"{BOX}{NBSP}0{NBSP}") and f"{BOX}{NBSP}3{NBSP}" in light[2]
    for principle in protocol.principles:
        assert principle.label.get(sheet.lang) in text
    assert sum(1 for r in rows if len(r) == 3) == len(protocol.items)
    assert ("Commentaires :" if sheet.lang == "fr" else "Comments:") in text
    # every row that wraps is tall enough
    assert all((ws.row_dimensions[n].height or 0) >= 18 for n in range(5, ws.max_row + 1))


def test_paper_stops_one_per_page_and_findings_page(tmp_path: Path, protocol: Protocol, stm: StationLayer) -> None:
    out = write_field_sheet(protocol, stm, tmp_path / "s.xlsx", lang="fr", paper_stops=3)
    wb = load_workbook(out.path)
    ws = wb["Fiche d'arrêt"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) == 2
    titles = [n for n, r in enumerate(ws.iter_rows(values_only=True), 1) if str(r[0]).startswith("Fiche d'arrêt")]
    assert [t - 1 for t in titles[1:]] == breaks and "Arrêt n° 3" in str(ws.cell(row=titles[2], column=1).value)
    fs = wb["Constats (papier)"]
    assert fs.page_setup.orientation == "landscape" and int(fs.page_setup.paperSize) == 1
    header = [c.value for c in fs[3]]
    assert header == ["Station", "Zone", "Question ou principe", "Gravité", "Commentaire", "Photo n°"]
    ruled = list(fs.iter_rows(min_row=4, max_row=fs.max_row))
    assert len(ruled) >= 10 and all(r[0].border.bottom.style == "thin" for r in ruled)
    assert all(fs.row_dimensions[r[0].row].height >= 30 for r in ruled)
    assert ruled[0][3].value.startswith("☐\u00a0Faible")
    assert fs.print_area == f"'Constats (papier)'!$A$1:$F${fs.max_row}"


def test_instructions(sheet: FieldSheet, protocol: Protocol) -> None:
    ws = load_workbook(sheet.path)["Instructions"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert protocol.title.get(sheet.lang) in text
    for principle in protocol.principles:
        assert principle.label.get(sheet.lang) in text
        assert principle.description.get(sheet.lang) in text
    assert sheet.checklist in text and sheet.findings in text
    assert ("pseudonyme" if sheet.lang == "fr" else "pseudonym") in text


def test_prefilled_rows_are_written_as_labels(tmp_path: Path, protocol: Protocol, stm: StationLayer) -> None:
    out = write_field_sheet(
        protocol,
        stm,
        tmp_path / "s.xlsx",
        lang="en",
        stops=[{"station": "STATION_M150", "zone": "platform", "dark_corners": "yes", "light_level": "1", "lights_out": 2}],
        findings=[{"station": "Berri-UQAM", "principle": "help", "severity": "high"}],
    )
    wb = load_workbook(out.path)
    row = {k: v for k, v in zip((c.value for c in wb["Checklist"][KEY_ROW]), (c.value for c in wb["Checklist"][FIRST_DATA_ROW]), strict=True) if v is not None}
    assert row == {"station": "Papineau", "zone": "Platform", "dark_corners": "Yes", "light_level": "Poor", "lights_out": 2}
    frow = [c.value for c in wb["Findings"][FIRST_DATA_ROW]]
    assert frow[out.column_index("findings", "principle") - 1] == "Be able to escape and get help"
    assert frow[out.column_index("findings", "severity") - 1] == "High"
