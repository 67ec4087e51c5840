"""Round trips: what comes back from the exported forms imports with every answer in place.

The XLSForm's submissions are written exactly as KoboToolbox (CSV and XLSX, XML
values and labels, with and without group names) and ODK Central (CSV, zip, with
and without group paths) export them (reference/formats.md §1–2); the field
sheet is filled with openpyxl the way a participant would, with labels in its
language.  Each is imported into a fresh project with no mapping file, and every
answer must land at the right item, station and zone, with its severity, comment
and photo, and nothing rejected or warned about.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from walktool.forms import build_xlsform, write_field_sheet
from walktool.forms._common import default_severity, problem_rule, station_choices
from walktool.forms.fieldsheet import FIRST_DATA_ROW, KEY_ROW
from walktool.forms.simulate import fake_submissions, kobo_csv, kobo_rows, odk_central_csv
from walktool.forms.xlsform import XLSForm
from walktool.ingest import ImportResult, import_files
from walktool.project import Project
from walktool.protocol import PERCEPTION, Protocol
from walktool.stations import load_stations

DATA = Path(__file__).parent / "data" / "forms"
Key = tuple[str, str, str | None]  # station_id, zone, item (None: a finding naming only a principle)


def _form(project: Project, lang: str = "fr") -> tuple[Protocol, XLSForm, list[dict[str, str]]]:
    protocol = project.protocol()
    layer = load_stations(project)
    form = build_xlsform(protocol, layer, lang=lang)
    return protocol, form, fake_submissions(form, protocol, layer, n=14, seed=11)


def _expected(project: Project, protocol: Protocol, subs: list[dict[str, str]]) -> dict[Key, dict[str, Any]]:
    """What each submission must become: one observation per answered item."""
    _, stations = station_choices(load_stations(project))
    ids = {s.name: s.station_id for s in stations}
    out: dict[Key, dict[str, Any]] = {}
    for sub in subs:
        for item in protocol.items:
            value = sub.get(item.key, "")
            if not value:
                continue
            rule = problem_rule(protocol, item)
            problem = item.principle != PERCEPTION and rule is not None and rule.matches(value)
            out[(ids[sub["station"]], sub["zone"], item.key)] = {
                "answer": value.strip(),
                "severity": (sub.get(f"{item.key}_severity") or default_severity(item, value)) if problem else None,
                "comment": sub.get(f"{item.key}_comment") or sub.get("comment") or None,
                "photo": sub.get(f"{item.key}_photo") or sub.get("photo") or None,
            }
    return out


def _stored(project: Project) -> dict[Key, dict[str, Any]]:
    obs = project.store.read("observations")
    out: dict[Key, dict[str, Any]] = {}
    for rec in obs.to_dict("records"):
        key = (rec["station_id"], rec["zone"], None if _missing(rec["item"]) else rec["item"])
        assert key not in out, f"two observations for {key}"
        out[key] = {k: (None if _missing(rec[k]) else rec[k]) for k in ("answer", "severity", "comment", "photo")}
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _assert_clean(result: ImportResult, fmt: str, rows: int) -> None:
    assert [f.format for f in result.files] == [fmt]
    assert result.files[0].error is None
    assert (result.files[0].rows, result.accepted, result.rejected) == (rows, rows, 0)
    assert result.issues() == [], [str(i) for i in result.issues()]


def _assert_times_and_places(project: Project, subs: list[dict[str, str]]) -> None:
    """Every observation of a stop is dated by its ``end`` and placed by its geopoint."""
    obs = project.store.read("observations")
    _, stations = station_choices(load_stations(project))
    ids = {s.name: s.station_id for s in stations}
    for sub in subs:
        rows = obs[(obs["station_id"] == ids[sub["station"]]) & (obs["zone"] == sub["zone"])]
        assert len(rows)
        end = datetime.fromisoformat(sub["end"]).astimezone(UTC).replace(microsecond=0)
        assert set(rows["observed_at"]) == {end.isoformat().replace("+00:00", "Z")}
        if sub["period"]:
            assert set(rows["period"]) == {sub["period"]}
        if sub.get("location"):
            lat, lon = (float(x) for x in sub["location"].split()[:2])
            assert rows["lat"].round(6).tolist() == [round(lat, 6)] * len(rows)
            assert rows["lon"].round(6).tolist() == [round(lon, 6)] * len(rows)
        assert rows["participant"].nunique() == 1
        assert rows["participant"].iloc[0].startswith("P-")
    observers = {s["observer"] for s in subs}
    assert obs["participant"].nunique() == len(observers)


# ---------------------------------------------------------------------------
# KoboToolbox
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "lang", "groups"),
    [
        (False, "fr", True),  # XML values, groups in headers: signage/sign_exits
        (False, "fr", False),
        (True, "fr", True),  # labels (default language), groups in headers
        (True, "fr", False),
        (True, "en", True),  # labels of another language
        (True, "en", False),
    ],
    ids=["xml-groups", "xml", "labels-fr-groups", "labels-fr", "labels-en-groups", "labels-en"],
)
def test_kobo_csv_round_trip(project: Project, tmp_path: Path, labels: bool, lang: str, groups: bool) -> None:
    protocol, form, subs = _form(project)
    text = kobo_csv(form, subs, labels=labels, lang=lang, groups=groups)
    path = tmp_path / f"{form.settings['form_title'][:30]} - latest version - {'labels' if labels else 'xml'} - 2024-11-06-01-10-03.csv"
    path.write_bytes(text.encode("utf-8"))  # UTF-8 without BOM, "\r\n" already in the text
    header = text.split("\r\n", 1)[0]
    assert header.startswith('"start";"end";"today";"deviceid";')
    if not labels and groups:
        assert '"signage/sign_exits"' in header and '"location";"_location_latitude"' in header
    if labels and lang == "fr":
        assert '"Position";"_Position_latitude"' in header
    result = import_files(project, [path])
    _assert_clean(result, "kobo-csv", len(subs))
    assert _stored(project) == _expected(project, protocol, subs)
    _assert_times_and_places(project, subs)


@pytest.mark.parametrize("typed", [False, True], ids=["types-as-text", "typed"])
def test_kobo_xlsx_round_trip(project: Project, tmp_path: Path, typed: bool) -> None:
    """Kobo XLSX, labels with groups; "typed" is the export without "store dates and numbers
    as text": numbers are numbers and date-times lose their offset (local time)."""
    protocol, form, subs = _form(project)
    rows = kobo_rows(form, subs, labels=True, groups=True)
    if typed:
        numeric = {n for n, h in enumerate(rows[0]) if h in ("_id", "_index") or h.endswith(("_latitude", "_longitude", "_altitude", "_precision"))}
        integers = {"/".join([*(t.fr for t in f.group_labels), f.label.fr]) for f in form.fields if f.type == "integer" and f.label}
        numeric |= {n for n, h in enumerate(rows[0]) if h in integers}
        assert len(numeric) == 2 + 4 + 3  # _id, _index, the geopoint's parts, three integer items
        for row in rows[1:]:
            for n, cell in enumerate(row):
                if rows[0][n] in ("start", "end") and cell:
                    row[n] = datetime.fromisoformat(cell).replace(tzinfo=None)  # type: ignore[call-overload]
                elif rows[0][n] == "_submission_time":
                    row[n] = datetime.fromisoformat(cell)  # type: ignore[call-overload]
                elif rows[0][n] == "today":
                    row[n] = date.fromisoformat(cell)  # type: ignore[call-overload]
                elif n in numeric and cell:
                    row[n] = float(cell) if "." in cell else int(cell)  # type: ignore[call-overload]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.settings["form_title"][:28] + "..."
    for row in rows:
        ws.append(row)
    path = tmp_path / "kobo-labels.xlsx"
    wb.save(path)
    result = import_files(project, [path])
    _assert_clean(result, "kobo-xlsx", len(subs))
    assert _stored(project) == _expected(project, protocol, subs)
    _assert_times_and_places(project, subs)


def test_kobo_export_of_an_english_default_form(project: Project, tmp_path: Path) -> None:
    protocol, form, subs = _form(project, lang="en")
    assert form.settings["default_language"] == "English (en)"
    path = tmp_path / "kobo.csv"
    path.write_bytes(kobo_csv(form, subs, labels=True, lang="en").encode("utf-8"))
    _assert_clean(import_files(project, [path]), "kobo-csv", len(subs))
    assert _stored(project) == _expected(project, protocol, subs)


# ---------------------------------------------------------------------------
# ODK Central
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("group_paths", [True, False], ids=["group-paths", "no-group-paths"])
def test_odk_central_csv_round_trip(project: Project, tmp_path: Path, group_paths: bool) -> None:
    protocol, form, subs = _form(project)
    text = odk_central_csv(form, subs, group_paths=group_paths)
    header = text.split("\n", 1)[0]
    assert header.startswith("SubmissionDate,start,end,today,deviceid,observer,line,station,zone,period,")
    assert header.endswith("KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion")
    if group_paths:
        assert ",signage-sign_exits," in header and ",location-Latitude,location-Longitude," in header
    path = tmp_path / f"{form.form_id}.csv"
    path.write_bytes(text.encode("utf-8"))
    result = import_files(project, [path])
    _assert_clean(result, "odk-central", len(subs))
    assert _stored(project) == _expected(project, protocol, subs)
    _assert_times_and_places(project, subs)


def test_odk_central_zip_round_trip(project: Project, tmp_path: Path) -> None:
    protocol, form, subs = _form(project)
    path = tmp_path / f"{form.form_id}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{form.form_id}.csv", odk_central_csv(form, subs))
    result = import_files(project, [path])
    _assert_clean(result, "odk-central", len(subs))
    assert _stored(project) == _expected(project, protocol, subs)


# ---------------------------------------------------------------------------
# Frozen exports (tests/data/forms): a regression guard independent of the simulator
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("kobo_xml_groups.csv", "kobo-csv"), ("kobo_labels_fr.csv", "kobo-csv"), ("odk_central.csv", "odk-central")],
)
def test_frozen_exports(project: Project, name: str, fmt: str) -> None:
    result = import_files(project, [DATA / name])
    _assert_clean(result, fmt, 3)
    obs = project.store.read("observations")
    berri = obs[(obs["station_name"] == "Berri-UQAM") & (obs["zone"] == "platform")].set_index("item")
    assert berri.at["dark_corners", "answer"] == "yes"
    assert berri.at["dark_corners", "severity"] == "high"
    assert berri.at["dark_corners", "comment"] == 'Coin sombre au bout du quai; "aucune" caméra'
    assert berri.at["lights_out", "answer"] == "3"
    assert berri.at["emergency_phone", "answer"] == "not_working"
    assert berri.at["emergency_phone", "severity"] == "high"
    assert berri.at["feeling", "answer"] == "uncomfortable"
    assert berri.at["light_level", "answer"] == "1"
    assert len(obs) == 3 * 29 - 3  # three stops, the free-text suggestion left empty once per stop


# ---------------------------------------------------------------------------
# The field sheet, filled like a participant would
# ---------------------------------------------------------------------------


def _fill_as_a_participant(
    path: Path, protocol: Protocol, lang: str, subs: list[dict[str, str]], layer_names: dict[str, str], finding_at: tuple[str, float, float]
) -> None:
    """Type labels (in the sheet's language), numbers, dates and times into the data rows.

    ``finding_at`` is the (station name, lat, lon) of the two free findings.
    """
    finding_station, finding_lat, finding_lon = finding_at
    wb = load_workbook(path)
    meta = {row[0]: row for row in wb["walktool"].iter_rows(min_row=2, values_only=True)}
    checklist, findings = (name for name, row in meta.items() if isinstance(row[1], int))
    ws = wb[checklist]
    keys = {c.value: c.column for c in ws[KEY_ROW]}
    for r, sub in enumerate(subs, FIRST_DATA_ROW):
        moment = datetime.fromisoformat(sub["end"])
        values: dict[str, Any] = {
            "observer": sub["observer"],
            "date": moment.date(),
            "time": time(moment.hour, moment.minute),
            "station": layer_names[sub["station"]],
            "zone": protocol.zones.label(sub["zone"], lang),
            "period": protocol.periods.label(sub["period"], lang) if sub["period"] else None,
            "comment": sub.get("comment"),
            "photo": sub.get("photo"),
        }
        for item in protocol.items:
            value = sub[item.key]
            if not value:
                continue
            if item.answer.choices:
                values[item.key] = protocol.answer_label(item.key, value, lang)
            elif item.kind in ("count", "number"):
                values[item.key] = int(value)
            else:
                values[item.key] = value
        for key, value in values.items():
            if value not in (None, ""):
                ws.cell(row=r, column=keys[key], value=value)
    fws = wb[findings]
    fkeys = {c.value: c.column for c in fws[KEY_ROW]}
    rows = [
        {"observer": "Aïcha", "date": date(2024, 11, 5), "time": time(19, 5), "station": finding_station,
         "zone": protocol.zones.label("corridor", lang), "item": protocol.item("entrapment_spot").label.get(lang),
         "severity": protocol.severities.label("critical", lang), "comment": "Cul-de-sac; « aucune » issue",
         "photo": "IMG_0412.jpg", "lat": finding_lat, "lon": finding_lon},
        {"observer": "Aïcha", "date": date(2024, 11, 5), "time": time(19, 9), "station": finding_station,
         "zone": protocol.zones.label("hall", lang), "principle": protocol.principle("signage").label.get(lang),
         "severity": protocol.severities.label("low", lang), "comment": "Plan du quartier absent"},
    ]
    for r, row in enumerate(rows, FIRST_DATA_ROW):
        for key, value in row.items():
            fws.cell(row=r, column=fkeys[key], value=value)
    wb.save(path)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_field_sheet_round_trip(project: Project, tmp_path: Path, lang: str) -> None:
    protocol, _, subs = _form(project)
    layer = load_stations(project)
    _, stations = station_choices(layer)
    names = {s.name: s.label for s in stations}
    ids = {s.name: s.station_id for s in stations}
    used = {sub["station"] for sub in subs}
    spare = next(s for s in stations if s.name not in used)  # the free findings are made at another station
    path = tmp_path / f"grille-{lang}.xlsx"
    write_field_sheet(protocol, layer, path, lang=lang, rows=40)
    where = layer.stations.set_index("station_id").loc[spare.station_id]
    lat, lon = round(float(where["lat"]) + 0.0002, 6), round(float(where["lon"]) - 0.0003, 6)
    _fill_as_a_participant(path, protocol, lang, subs, names, (spare.label, lat, lon))
    result = import_files(project, [path])
    assert [f.format for f in result.files] == ["walktool-sheet"]
    assert (result.files[0].rows, result.accepted, result.rejected) == (len(subs) + 2, len(subs) + 2, 0)
    assert result.issues() == [], [str(i) for i in result.issues()]
    stored = _stored(project)
    entrapment = stored.pop((spare.station_id, "corridor", "entrapment_spot"))
    assert entrapment == {"answer": None, "severity": "critical", "comment": "Cul-de-sac; « aucune » issue", "photo": "IMG_0412.jpg"}
    signage = stored.pop((spare.station_id, "hall", None))
    assert signage == {"answer": None, "severity": "low", "comment": "Plan du quartier absent", "photo": None}
    # the checklist has no per-item severity, comment or photo column: the stop's comment and photo apply
    expected = _expected(project, protocol, subs)
    by_stop = {(ids[sub["station"]], sub["zone"]): sub for sub in subs}
    for (station_id, zone, item_key), exp in expected.items():
        sub = by_stop[(station_id, zone)]
        assert item_key is not None
        exp["severity"] = default_severity(protocol.item(item_key), exp["answer"]) if exp["severity"] else None
        exp["comment"] = sub.get("comment") or None
        exp["photo"] = sub.get("photo") or None
    assert stored == expected
    obs = project.store.read("observations")
    finding = obs[(obs["item"] == "entrapment_spot") & (obs["station_id"] == spare.station_id)].iloc[0]
    assert bool(finding["is_problem"])
    assert finding["local_time"].startswith("2024-11-05T19:05")
    assert (round(finding["lat"], 6), round(finding["lon"], 6)) == (lat, lon)
    principle_only = obs[obs["item"].isna()].iloc[0]
    assert principle_only["principle"] == "signage" and bool(principle_only["is_problem"])
    for sub in subs:
        moment = datetime.fromisoformat(sub["end"])
        rows = obs[(obs["station_id"] == ids[sub["station"]]) & (obs["zone"] == sub["zone"])]
        assert set(rows["local_time"]) == {moment.replace(second=0, microsecond=0).isoformat()}
        if sub["period"]:
            assert set(rows["period"]) == {sub["period"]}
