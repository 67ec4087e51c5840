"""KoboToolbox reader: sniffing, reserved columns, geopoints, repeat sheets."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from walktool import readers
from walktool.errors import SheetFormatError
from walktool.readers import RESERVED, Format, Probe, RawTable, detect_format, read_file
from walktool.readers.kobo import READERS, SNIFFERS

KOBO = Path(__file__).parent / "data" / "kobo"
NOT_KOBO = sorted((KOBO / "not_kobo").glob("*.csv"))

SYS = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
       "__version__", "_tags", "_index"]
SUB_SYS = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
           "_submission__submission_time", "_submission__validation_status", "_submission__notes",
           "_submission__status", "_submission__submitted_by", "_submission___version__", "_submission__tags"]
TITLE = "Marche exploratoire STM – automne 2024"  # 38 characters: Kobo cuts the sheet name
MAIN_SHEET = TITLE[:28] + "..."
UUID_A, ROOT_A = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "11111111-2222-4333-8444-555555555555"
UUID_B = "8b7c6d5e-4f3a-4b2c-8d9e-0f1a2b3c4d5e"
UUID_C = "9c8d7e6f-5a4b-4c3d-9e0f-1a2b3c4d5e6f"


def only_table(path: Path, fmt: str | None = None) -> RawTable:
    format_, tables = read_file(path, fmt=fmt)
    assert len(tables) == 1
    assert tables[0].format == format_.name
    return tables[0]


def records(table: RawTable) -> list[dict[str, Any]]:
    return table.frame.to_dict("records")


def importable_formats() -> list[Format]:
    """The registered formats whose reader module exists (others are written in parallel)."""
    from walktool.readers import FORMAT_NAMES, get_format

    out = []
    for name in FORMAT_NAMES:
        try:
            out.append(get_format(name))
        except ModuleNotFoundError:
            continue
    return out


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def walktool_repeat_xlsx(path: Path, *, typed: bool = False) -> Path:
    """The walktool form (XML values, groups in headers) with a ``stop`` repeat, as Kobo writes it.

    Submission A has two stops (repeat ``_index`` 1 and 3), B none, C one (``_index`` 2).
    With ``typed`` the dates and numbers are typed cells, as in exports without
    "store dates and numbers as text" (xlsxwriter then drops the time zone).
    """

    def when(text: str) -> Any:
        return datetime.fromisoformat(text[:19]) if typed and text else text

    def num(text: str) -> Any:
        return float(text) if typed and text else text

    main_header = ["start", "end", "today", "deviceid", "walk/observer", "walk/station", "walk/period",
                   "location", "walk/_location_latitude", "walk/_location_longitude",
                   "walk/_location_altitude", "walk/_location_precision", "meta/instanceID", "meta/rootUuid", *SYS]
    main = [
        main_header,
        [when("2024-11-05T19:31:02-05:00"), when("2024-11-05T19:58:40-05:00"), "2024-11-05", "collect:Kx7Pq2LmA9",
         "P-03", "berri_uqam", "night", "45.515300 -73.561000 21.0 8.5", num("45.5153"), num("-73.561"),
         num("21"), num("8.5"), f"uuid:{UUID_A}", f"uuid:{ROOT_A}",
         4101 if typed else "4101", UUID_A, when("2024-11-06T00:59:01"), "", "", "submitted_via_web",
         "facilitatrice_stm", "vQ3nR8", "", 1 if typed else "1"],
        [when("2024-11-05T20:10:00-05:00"), when("2024-11-05T20:14:30-05:00"), "2024-11-05", "collect:Kx7Pq2LmA9",
         "P-03", "mcgill", "night", "", "", "", "", "", f"uuid:{UUID_B}", "",
         "4102", UUID_B, when("2024-11-06T01:15:00"), "", "", "submitted_via_web", "facilitatrice_stm", "vQ3nR8",
         "", "2"],
        ["", "", "2024-11-05", "", "P-07", "lionel_groulx", "night", "45.482800 -73.579900 0 12",
         num("45.4828"), num("-73.5799"), num("0"), num("12"), f"uuid:{UUID_C}", "",
         "4103", UUID_C, when("2024-11-06T01:30:44"), "", "", "submitted_via_web", "benevole_02", "vQ3nR8", "", "3"],
    ]
    stop_header = ["stop/zone", "location", "stop/_location_latitude", "stop/_location_longitude",
                   "stop/_location_altitude", "stop/_location_precision", "stop/signage/sign_exits",
                   "stop/visibility/light_level", "stop/visibility/dark_corners",
                   "stop/visibility/dark_corners_severity", "stop/visibility/dark_corners_comment",
                   "stop/help/emergency_phone", "stop/feeling", "stop/comment", "stop/photo", "stop/photo_URL",
                   *SUB_SYS]

    def sub(uid: str, sid: str) -> list[Any]:
        return [sid, uid, "2024-11-06T01:00:00", "", "", "submitted_via_web", "facilitatrice_stm", "vQ3nR8", ""]

    stop = [
        stop_header,
        ["platform", "45.515420 -73.560880 -12.0 15.0", num("45.51542"), num("-73.56088"), num("-12"), num("15"),
         "yes", "1", "yes", "high", "Bout du quai, aucun agent", "not_working", "uncomfortable", "",
         "1730853712345.jpg", "https://kf.kobotoolbox.org/api/v2/assets/aQ7/data/4101/attachments/1/",
         "1", TITLE, "1", *sub(UUID_A, "4101")],
        ["entrance", "", "", "", "", "", "yes", "3", "no", "", "", "yes", "comfortable", "Édicule bien éclairé",
         "", "", "2", TITLE, "3", *sub(UUID_C, "4103")],
        ["corridor", "", "", "", "", "", "no", "2", "yes", "medium", "Couloir vers la ligne verte", "yes",
         "uncomfortable", "", "", "", "3", TITLE, "1", *sub(UUID_A, "4101")],
    ]
    return write_workbook(path, {MAIN_SHEET: main, "stop": stop})


# ---------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("walktool_xml_groups.csv", "kobo-csv"),
        ("walktool_labels_hxl.csv", "kobo-csv"),
        ("kobo_formpack_labels.csv", "kobo-csv"),
        ("kobo_formpack_xml_values_groups.csv", "kobo-csv"),
        ("kobocat_legacy_tutorial_w_repeats.csv", "kobo-csv"),
        ("kobocat_legacy_tutorial_w_repeats_flattened.csv", "kobo-csv"),
        ("kobo_formpack_labels.xlsx", "kobo-xlsx"),
        ("kobo_formpack_xml_values_groups.xlsx", "kobo-xlsx"),
    ],
)
def test_sniffers_claim_kobo_files(name: str, fmt: str) -> None:
    probe = Probe(KOBO / name)
    assert SNIFFERS[fmt](probe)
    other = "kobo-xlsx" if fmt == "kobo-csv" else "kobo-csv"
    assert not SNIFFERS[other](probe)


def test_sniffer_claims_built_workbook(tmp_path: Path) -> None:
    probe = Probe(walktool_repeat_xlsx(tmp_path / "walk.xlsx"))
    assert SNIFFERS["kobo-xlsx"](probe)
    assert not SNIFFERS["kobo-csv"](probe)


@pytest.mark.parametrize("path", NOT_KOBO, ids=[p.name for p in NOT_KOBO])
def test_sniffers_leave_odk_and_epicollect_alone(path: Path) -> None:
    probe = Probe(path)
    assert probe.csv_header  # a readable CSV, so the "no" below is about its content
    assert not SNIFFERS["kobo-csv"](probe)
    assert not SNIFFERS["kobo-xlsx"](probe)


def test_sniffers_leave_odk_and_epicollect_workbooks_alone(tmp_path: Path) -> None:
    odk = write_workbook(tmp_path / "odk.xlsx", {"data": [["SubmissionDate", "_uuid", "_submission_time", "KEY"]]})
    ec5 = write_workbook(tmp_path / "ec5.xlsx", {"form": [["ec5_uuid", "_uuid", "_submission_time", "_index"]]})
    plain = write_workbook(tmp_path / "plain.xlsx", {"Constats": [["station", "zone", "gravité"]]})
    for path in (odk, ec5, plain):
        assert not SNIFFERS["kobo-xlsx"](Probe(path))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("walktool_xml_groups.csv", "kobo-csv"), ("walktool_labels_hxl.csv", "kobo-csv"),
     ("kobo_formpack_xml_values_groups.csv", "kobo-csv"), ("kobocat_legacy_tutorial_w_repeats.csv", "kobo-csv"),
     ("kobocat_legacy_tutorial_w_repeats_flattened.csv", "kobo-csv"),
     ("kobo_formpack_labels.xlsx", "kobo-xlsx"), ("kobo_formpack_xml_values_groups.xlsx", "kobo-xlsx")],
)
def test_detect_format(name: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # in registry order, among the readers that exist (all of them once every module is written)
    monkeypatch.setattr(readers, "formats", importable_formats)
    assert detect_format(KOBO / name).name == fmt


def test_detect_format_built_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "formats", importable_formats)
    assert detect_format(walktool_repeat_xlsx(tmp_path / "walk.xlsx")).name == "kobo-xlsx"


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def test_csv_xml_values_with_groups() -> None:
    table = only_table(KOBO / "walktool_xml_groups.csv", "kobo-csv")
    assert table.format == "kobo-csv"
    assert table.issues == []
    frame = table.frame
    assert len(frame) == 3
    # the file's own columns are kept as they are, then the reserved ones
    assert list(frame.columns[:6]) == ["start", "end", "today", "deviceid", "context/observer", "context/station"]
    assert set(RESERVED) <= set(frame.columns)
    a, b, c = records(table)
    assert [a["__row"], b["__row"], c["__row"]] == [2, 3, 4]
    # rootUuid wins over _uuid (which changes on each edit); the "uuid:" prefix is dropped
    assert a["__submission"] == "2c8f1e6d-3a4b-4c5d-9e7f-1a2b3c4d5e6f"
    assert b["__submission"] == "5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6"
    assert c["__submission"] == "0f9e8d7c-6b5a-4948-8372-6150a4b3c2d1"
    # end, else start, else _submission_time as UTC
    assert a["__time"] == "2024-11-05T19:42:10.250-05:00"
    assert b["__time"] == "2024-11-05T20:05:00.000-05:00"
    assert c["__time"] == "2024-11-06T01:30:44Z"
    # geopoint in a group: prefixed suffix columns, unprefixed raw column
    assert (a["__lat"], a["__lon"], a["__accuracy"]) == ("45.5153", "-73.561", "8.5")
    assert (b["__lat"], b["__lon"], b["__accuracy"]) == ("", "", "")
    assert (c["__lat"], c["__lon"], c["__accuracy"]) == ("45.4828", "-73.5799", "12")
    assert [a["__device"], b["__device"], c["__device"]] == ["collect:Kx7Pq2LmA9", "collect:Kx7Pq2LmA9", "benevole_02"]
    assert a["__photo"] == "1730853712345.jpg"
    assert b["__photo"] == ""
    # quoted ";" and doubled quotes survive; cells are text
    assert a["visibility/dark_corners_comment"] == 'Bout du quai direction Angrignon; "coin" sans caméra'
    assert a["visibility/light_level"] == "1"
    assert b["visibility/dark_corners_severity"] == ""
    assert a["__sheet"] == ""


def test_csv_fixture_is_written_like_formpack() -> None:
    raw = (KOBO / "walktool_xml_groups.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    first = raw.split(b"\r\n")[0]
    assert first.startswith(b'"start";"end";')
    assert raw.count(b"\r\n") == 4


def test_csv_labels_mode_with_hxl_row() -> None:
    table = only_table(KOBO / "walktool_labels_hxl.csv", "kobo-csv")
    rows = records(table)
    assert len(rows) == 2  # the HXL tag row is not a record
    assert [r["__row"] for r in rows] == [3, 4]
    assert not any(str(r["start"]).startswith("#") for r in rows)
    first, second = rows
    assert first["Station"] == "Côte-des-Neiges"
    assert first["__submission"] == "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
    assert first["__time"] == "2024-11-12T18:20:13.552-05:00"
    assert (first["__lat"], first["__lon"], first["__accuracy"]) == ("45.4966", "-73.6232", "4.0")
    assert second["__lat"] == ""
    assert first["__photo"] == "1731453120001.jpg"  # the column labelled "Photo"
    assert first["Coins sombres – gravité"] == "Élevée"


def test_csv_formpack_labels_sample_geopoint_with_spaces() -> None:
    table = only_table(KOBO / "kobo_formpack_labels.csv", "kobo-csv")
    first, second = records(table)
    assert "_Exit location_latitude" in table.frame.columns
    assert (first["__lat"], first["__lon"], first["__accuracy"]) == ("48.858912", "2.347531", "6.0")
    assert (second["__lat"], second["__lon"]) == ("", "")
    assert first["__submission"] == "3f0c1c9e-9d5a-4b1e-8a57-2b2f8c1d2e3f"
    assert first["__time"] == "2024-05-04T10:41:03.002+02:00"
    assert first["__device"] == "collect:AbCdEf123"
    assert first["Station name"] == "Châtelet"


def test_csv_kobocat_legacy() -> None:
    (row,) = records(only_table(KOBO / "kobocat_legacy_tutorial_w_repeats.csv", "kobo-csv"))
    assert row["__submission"] == "b31c6ac2-b8ca-4180-914f-c844fa10ed3b"
    assert row["__time"] == "2013-02-18T15:54:01Z"
    assert (row["__lat"], row["__lon"], row["__accuracy"]) == ("-1.2625621", "36.7921711", "20.0")
    assert row["children[2]/childs_name"] == "Dick"


def test_csv_kobocat_legacy_flattened_repeats_are_numbered() -> None:
    rows = records(only_table(KOBO / "kobocat_legacy_tutorial_w_repeats_flattened.csv", "kobo-csv"))
    uid = "b31c6ac2-b8ca-4180-914f-c844fa10ed3b"
    assert [r["__submission"] for r in rows] == [f"{uid}#1", f"{uid}#2"]
    assert [r["children/childs_name"] for r in rows] == ["Tom", "Dick"]


def test_csv_header_only_gives_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b'"start";"end";"station";"_id";"_uuid";"_submission_time";"_index"\r\n')
    assert SNIFFERS["kobo-csv"](Probe(path))
    table = only_table(path, "kobo-csv")
    assert len(table.frame) == 0
    assert {"station", "_uuid", *RESERVED} <= set(table.frame.columns)
    assert table.issues == []


def test_csv_extra_cells_are_warned(tmp_path: Path) -> None:
    path = tmp_path / "overflow.csv"
    path.write_text(
        "_id,_uuid,_submission_time,station\n"
        "1,u-1,2024-11-05T23:00:00,berri_uqam\n"
        "2,u-2,2024-11-05T23:05:00,mcgill,extra,cells\n",
        encoding="utf-8",
    )
    table = only_table(path, "kobo-csv")
    assert len(table.frame) == 2
    assert [(i.code, i.level, i.row) for i in table.issues] == [("extra-cells", "warning", 3)]
    assert records(table)[1]["station"] == "mcgill"
    assert records(table)[1]["__time"] == "2024-11-05T23:05:00Z"


def test_csv_raw_geopoint_without_suffix_columns(tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    path.write_text(
        '"station";"location";"_id";"_uuid";"_submission_time"\r\n'
        '"berri_uqam";"45.5153 -73.561 21 8.5";"1";"u-1";"2024-11-05T23:00:00"\r\n'
        '"mcgill";"";"2";"u-2";"2024-11-05T23:05:00"\r\n',
        encoding="utf-8",
    )
    first, second = records(only_table(path, "kobo-csv"))
    assert (first["__lat"], first["__lon"], first["__accuracy"]) == ("45.5153", "-73.561", "8.5")
    assert second["__lat"] == ""
    assert first["__device"] == ""


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def test_xlsx_repeat_join(tmp_path: Path) -> None:
    table = only_table(walktool_repeat_xlsx(tmp_path / "walk.xlsx"), "kobo-xlsx")
    assert table.format == "kobo-xlsx"
    assert table.issues == []
    rows = records(table)
    # A's two stops, B on its own (no stops), C's stop: in submission order
    assert [r["__submission"] for r in rows] == [f"{ROOT_A}#1", f"{ROOT_A}#2", UUID_B, f"{UUID_C}#1"]
    assert [r["__sheet"] for r in rows] == ["stop", "stop", MAIN_SHEET, "stop"]
    assert [r["__row"] for r in rows] == [2, 4, 3, 3]
    a1, a2, b, c1 = rows
    # child rows carry their parent's columns
    assert [r["walk/station"] for r in rows] == ["berri_uqam", "berri_uqam", "mcgill", "lionel_groulx"]
    assert [r["stop/zone"] for r in rows] == ["platform", "corridor", "", "entrance"]
    assert a2["stop/visibility/dark_corners_severity"] == "medium"
    assert a1["walk/observer"] == "P-03"
    # on a name clash the child keeps the name, the parent's column is renamed
    assert a1["location"] == "45.515420 -73.560880 -12.0 15.0"
    assert a1["location.2"] == "45.515300 -73.561000 21.0 8.5"
    assert b["location"] == ""
    assert a1["_index"] == "1"
    assert a1["_index.2"] == "1"
    # the repeat's own geopoint wins, else the parent's
    assert (a1["__lat"], a1["__lon"], a1["__accuracy"]) == ("45.51542", "-73.56088", "15")
    assert (a2["__lat"], a2["__lon"], a2["__accuracy"]) == ("45.5153", "-73.561", "8.5")
    assert (b["__lat"], b["__lon"]) == ("", "")
    assert (c1["__lat"], c1["__lon"], c1["__accuracy"]) == ("45.4828", "-73.5799", "12")
    # times come from the parent submission
    assert a1["__time"] == a2["__time"] == "2024-11-05T19:58:40-05:00"
    assert b["__time"] == "2024-11-05T20:14:30-05:00"
    assert c1["__time"] == "2024-11-06T01:30:44Z"
    assert a1["__device"] == "collect:Kx7Pq2LmA9"
    assert c1["__device"] == "benevole_02"  # no deviceid: _submitted_by
    assert a1["__photo"] == "1730853712345.jpg"
    assert a2["__photo"] == ""


def test_xlsx_typed_cells(tmp_path: Path) -> None:
    table = only_table(walktool_repeat_xlsx(tmp_path / "typed.xlsx", typed=True), "kobo-xlsx")
    a1, _a2, b, c1 = records(table)
    # xlsxwriter strips the offset of typed dates: local time, kept without a suffix
    assert a1["__time"] == "2024-11-05T19:58:40"
    assert b["__time"] == "2024-11-05T20:14:30"
    # _submission_time is UTC: Z added
    assert c1["__time"] == "2024-11-06T01:30:44Z"
    assert c1["_submission_time"] == "2024-11-06T01:30:44"
    assert (a1["__lat"], a1["__lon"], a1["__accuracy"]) == ("45.51542", "-73.56088", "15")
    assert (c1["__lat"], c1["__lon"]) == ("45.4828", "-73.5799")
    assert a1["_id"] == "4101"
    assert a1["__submission"] == f"{ROOT_A}#1"


def test_xlsx_formpack_sample_repeat() -> None:
    table = only_table(KOBO / "kobo_formpack_xml_values_groups.xlsx", "kobo-xlsx")
    rows = records(table)
    uid = "3f0c1c9e-9d5a-4b1e-8a57-2b2f8c1d2e3f"
    assert [r["__submission"] for r in rows] == [f"{uid}#1", f"{uid}#2", "0b6f1a2d-1111-4c2b-9d9e-6f7a8b9c0d1e"]
    assert [r["__sheet"] for r in rows] == ["observation", "observation", "Metro safety walk"]
    assert [r["observation/severity"] for r in rows] == ["3", "4", ""]
    assert [r["walk/station"] for r in rows] == ["Châtelet", "Châtelet", "Les Halles"]
    # the observation's own location, not the parent's exit_point
    assert (rows[0]["__lat"], rows[0]["__lon"], rows[0]["__accuracy"]) == ("48.858370", "2.347000", "4.5")
    assert rows[0]["__photo"] == "1714811500123.jpg"
    assert rows[2]["__time"] == "2024-05-04T11:09:45.500+02:00"


def test_xlsx_formpack_labels_sample() -> None:
    rows = records(only_table(KOBO / "kobo_formpack_labels.xlsx", "kobo-xlsx"))
    assert len(rows) == 3
    assert (rows[1]["__lat"], rows[1]["__lon"]) == ("48.858401", "2.347212")
    assert rows[0]["__photo"] == "1714811500123.jpg"  # labelled "Photo"
    assert rows[2]["Station name"] == "Les Halles"


def test_xlsx_nested_repeats(tmp_path: Path) -> None:
    main = [["station", "end", "_id", "_uuid", "_submission_time", "_index"],
            ["berri_uqam", "2024-11-05T19:58:40-05:00", "1", "u-root", "2024-11-06T00:59:01", "1"]]
    zone = [["zone", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
            ["platform", "1", "Walk", "1", "u-root"],
            ["hall", "2", "Walk", "1", "u-root"]]
    finding = [["item", "severity", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
               ["dark_corners", "high", "1", "zone", "2"],
               ["lights_out", "low", "2", "zone", "2"]]
    path = write_workbook(tmp_path / "nested.xlsx", {"Walk": main, "zone": zone, "finding": finding})
    rows = records(only_table(path, "kobo-xlsx"))
    assert [r["__submission"] for r in rows] == ["u-root#1", "u-root#2#1", "u-root#2#2"]
    assert [r["__sheet"] for r in rows] == ["zone", "finding", "finding"]
    assert [r["zone"] for r in rows] == ["platform", "hall", "hall"]
    assert [r["station"] for r in rows] == ["berri_uqam"] * 3
    assert [r["item"] for r in rows] == ["", "dark_corners", "lights_out"]
    assert {r["__time"] for r in rows} == {"2024-11-05T19:58:40-05:00"}


def test_xlsx_orphan_repeat_row_is_kept_with_warning(tmp_path: Path) -> None:
    main = [["station", "_id", "_uuid", "_submission_time", "_index"], ["mcgill", "1", "u-1", "2024-11-06T00:00:00", "1"]]
    rep = [["zone", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
           ["hall", "1", "Walk", "9", "u-9"]]
    path = write_workbook(tmp_path / "orphan.xlsx", {"Walk": main, "stop": rep})
    table = only_table(path, "kobo-xlsx")
    rows = records(table)
    assert [r["__submission"] for r in rows] == ["u-1", "u-9"]
    assert [(i.code, i.sheet, i.row) for i in table.issues] == [("kobo-orphan-repeat", "stop", 2)]


def test_xlsx_header_only(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "empty.xlsx", {"Walk": [["station", "_id", "_uuid", "_submission_time", "_index"]]})
    assert SNIFFERS["kobo-xlsx"](Probe(path))
    table = only_table(path, "kobo-xlsx")
    assert len(table.frame) == 0
    assert {"station", *RESERVED} <= set(table.frame.columns)


def test_corrupt_xlsx_raises(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not really a workbook")
    with pytest.raises(SheetFormatError, match=r"broken\.xlsx"):
        READERS["kobo-xlsx"](Probe(path))
