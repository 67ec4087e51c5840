"""ODK Central and ODK Briefcase readers: detection, reserved columns, repeats, media."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from walktool.readers import RESERVED, Probe, detect_format, read_file
from walktool.readers.odk import parse_java_date, sniff_briefcase, sniff_central, to_iso

DATA = Path(__file__).parent / "data" / "odk"
SAMPLES = Path("/work/shared/samples")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

A = "uuid:a1f0c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c01"
B = "uuid:b2e1d3c4-5f6a-4b7c-9d8e-0f1a2b3c4d02"
C = "uuid:c3d2e4f5-6a7b-4c8d-8e9f-1a2b3c4d5e03"


def build_central_zip(dest: Path) -> Path:
    """The walktool form's Central export zip: root CSV, the ``stops`` repeat and two photos."""
    path = dest / "walktool_stm.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(DATA / "central_zip" / "walktool_stm.csv", "walktool_stm.csv")
        zf.write(DATA / "central_zip" / "walktool_stm-stops.csv", "walktool_stm-stops.csv")
        zf.writestr(f"files/{A}/photo.jpg", JPEG)
        zf.writestr(f"files/{B}/1731976301442.jpg", JPEG)
    return path


def build_nested_zip(dest: Path) -> Path:
    """Central's own multirepeat test export (root, children, toys of children) as a zip."""
    path = dest / "multirepeat.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(DATA / "central" / "repeat_root__singlerepeat.csv", "multirepeat.csv")
        zf.write(DATA / "central" / "nested_repeat__multirepeat-child.csv", "multirepeat-child.csv")
        zf.write(DATA / "central" / "nested_repeat__multirepeat-toy.csv", "multirepeat-toy.csv")
    return path


@pytest.fixture
def central_zip(tmp_path: Path) -> Path:
    return build_central_zip(tmp_path)


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("walktool_central.csv", "odk-central"),
        ("central_zip/walktool_stm.csv", "odk-central"),
        ("walktool_briefcase.csv", "odk-briefcase"),
        ("central/geopoint_root__mytestform.csv", "odk-central"),
        ("central/repeat_root__singlerepeat.csv", "odk-central"),
        ("central/split_select_multiple__selectMultiple.csv", "odk-central"),
        ("briefcase/all-data-types.csv", "odk-briefcase"),
        ("briefcase/choice-lists.csv", "odk-briefcase"),
        ("briefcase/media-files.csv", "odk-briefcase"),
        ("briefcase/nested-repeats.csv", "odk-briefcase"),
        ("briefcase/simple-form.csv", "odk-briefcase"),
    ],
)
def test_detects_fixtures(name: str, fmt: str) -> None:
    assert detect_format(DATA / name).name == fmt


def test_detects_central_zip(central_zip: Path, tmp_path: Path) -> None:
    assert detect_format(central_zip).name == "odk-central"
    assert detect_format(build_nested_zip(tmp_path)).name == "odk-central"


ROOT_SAMPLES = sorted(
    p for p in (SAMPLES / "real" / "odk_central").glob("*.csv") if not p.name.startswith(("nested_repeat__", "repeat_child__"))
)
BRIEFCASE_SAMPLES = sorted(p for p in (SAMPLES / "real" / "odk_briefcase").glob("*.csv") if "-g" not in p.stem)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")
def test_detects_every_shared_root_sample() -> None:
    assert len(ROOT_SAMPLES) == 3
    assert len(BRIEFCASE_SAMPLES) == 5
    for path in ROOT_SAMPLES:
        assert detect_format(path).name == "odk-central", path.name
    for path in BRIEFCASE_SAMPLES:
        assert detect_format(path).name == "odk-briefcase", path.name


@pytest.mark.parametrize(
    "name", ["nested_repeat__multirepeat-child.csv", "nested_repeat__multirepeat-toy.csv", "repeat_child__singlerepeat-child.csv"]
)
def test_repeat_file_alone_is_not_claimed(name: str) -> None:
    probe = Probe(DATA / "central" / name)
    assert not sniff_central(probe)
    assert not sniff_briefcase(probe)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")
@pytest.mark.parametrize(
    "path",
    [
        *sorted(SAMPLES.glob("kobo_formpack_*")),
        *sorted((SAMPLES / "real" / "kobocat_legacy").glob("*.csv")),
        *sorted(SAMPLES.glob("epicollect5_*.csv")),
    ],
    ids=lambda p: p.name,
)
def test_other_tools_not_claimed(path: Path) -> None:
    probe = Probe(path)
    assert not sniff_central(probe)
    assert not sniff_briefcase(probe)


def test_briefcase_and_central_do_not_overlap() -> None:
    central = Probe(DATA / "walktool_central.csv")
    briefcase = Probe(DATA / "walktool_briefcase.csv")
    assert sniff_central(central) and not sniff_briefcase(central)
    assert sniff_briefcase(briefcase) and not sniff_central(briefcase)


def test_zip_without_central_root_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(DATA / "central" / "nested_repeat__multirepeat-child.csv", "child.csv")
        zf.writestr("notes.txt", "hello")
    assert not sniff_central(Probe(path))


# ---------------------------------------------------------------------------
# ODK Central CSV
# ---------------------------------------------------------------------------


def test_central_walktool_csv() -> None:
    fmt, tables = read_file(DATA / "walktool_central.csv")
    assert fmt.name == "odk-central"
    assert len(tables) == 1
    table = tables[0]
    frame = table.frame
    assert table.format == "odk-central"
    assert table.rejected_rows == 0
    assert table.media_root is None
    assert len(frame) == 4
    for col in RESERVED:
        assert col in frame.columns
    # the file's own columns are kept as they are
    assert list(frame.columns[:8]) == ["SubmissionDate", "start", "end", "deviceid", "station", "zone", "period", "observer"]
    assert list(frame["station"]) == ["Côte-des-Neiges", "Berri-UQAM", "Jean-Talon", "Snowdon"]
    assert frame.loc[1, "comment"] == 'Corridor vers la ligne 4, "très long" et désert après 22 h'
    assert frame.loc[2, "comment"] == "Téléphone d'urgence hors service.\nSignalé au changeur."
    # CSV line numbers: the third submission spans lines 4-5
    assert list(frame["__row"]) == [2, 3, 4, 6]
    # KEY, not the edited instanceID
    assert frame.loc[1, "__submission"] == "uuid:8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c53"
    assert frame.loc[1, "meta-instanceID"] == "uuid:0e9d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c62"
    # end, else start (the device's offset kept)
    assert frame.loc[0, "__time"] == "2024-11-14T18:32:40.871-05:00"
    assert frame.loc[3, "__time"] == "2024-11-16T10:31:55.918-05:00"
    assert list(frame["__lat"]) == ["45.4966912", "", "45.5390212", "45.4853011"]
    assert list(frame["__lon"]) == ["-73.6232871", "", "-73.6138455", "-73.6277042"]
    assert list(frame["__accuracy"]) == ["4.8", "", "12.5", "9"]
    # DeviceID, else deviceid, else SubmitterName
    assert list(frame["__device"]) == [
        "collect:Xk3uP9aQ2mZr7TbV",
        "collect:Xk3uP9aQ2mZr7TbV",
        "enketo-web",
        "collect:Qm8vR2nL5kHs4WdY",
    ]
    assert list(frame["__photo"]) == ["1731627158301.jpg", "", "", ""]
    assert set(frame["__sheet"]) == {""}
    # every cell is text
    assert all(isinstance(v, str) for v in frame.drop(columns="__row").to_numpy().ravel())


def test_central_submission_date_when_no_start_end() -> None:
    _, tables = read_file(DATA / "central" / "geopoint_root__mytestform.csv")
    frame = tables[0].frame
    assert list(frame["name"]) == ["Alice", "Bob", "Chelsea"]
    assert list(frame["__submission"]) == ["one", "two", "three"]
    assert set(frame["__time"]) == {"2018-01-01T00:00:00.000Z"}
    assert list(frame["__lat"]) == ["47.649434", "47.599115", ""]
    assert list(frame["__lon"]) == ["-122.347737", "-122.331753", ""]
    assert list(frame["__accuracy"]) == ["3.14", "", ""]
    assert list(frame["__row"]) == [2, 3, 4]


def test_central_split_select_multiple_columns_kept() -> None:
    _, tables = read_file(DATA / "central" / "split_select_multiple__selectMultiple.csv")
    frame = tables[0].frame
    assert "q1/x" in frame.columns and "g1-q2/m" in frame.columns
    assert list(frame["g1-q2"]) == ["x y z", "m x"]
    assert list(frame["g1-q2/m"]) == ["0", "1"]


def test_central_group_geopoint_preferred_by_name(tmp_path: Path) -> None:
    path = tmp_path / "grp.csv"
    path.write_text(
        "SubmissionDate,other-Latitude,other-Longitude,other-Altitude,other-Accuracy,"
        "walk-location-Latitude,walk-location-Longitude,walk-location-Altitude,walk-location-Accuracy,"
        "KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n"
        "2024-01-01T00:00:00.000Z,1,2,3,4,45.5,-73.6,10,5,uuid:x,1,bob,0,0,,,,0,v1\n",
        encoding="utf-8",
    )
    frame = read_file(path)[1][0].frame
    assert (frame.loc[0, "__lat"], frame.loc[0, "__lon"], frame.loc[0, "__accuracy"]) == ("45.5", "-73.6", "5")
    assert frame.loc[0, "__device"] == "bob"


# ---------------------------------------------------------------------------
# ODK Central zip: repeats and media
# ---------------------------------------------------------------------------


def test_central_zip_repeats_joined(central_zip: Path) -> None:
    fmt, tables = read_file(central_zip)
    assert fmt.name == "odk-central"
    by_sheet = {t.frame["__sheet"].iloc[0]: t for t in tables}
    assert set(by_sheet) == {"walktool_stm.csv", "walktool_stm-stops.csv"}
    stops = by_sheet["walktool_stm-stops.csv"].frame
    roots = by_sheet["walktool_stm.csv"].frame
    # 3 stop records + the one walk without stops; the encrypted row is rejected
    assert len(stops) == 3 and len(roots) == 1
    assert sum(t.rejected_rows for t in tables) == 1
    issues = [i for t in tables for i in t.issues]
    assert [i.code for i in issues] == ["encrypted-submission"]
    assert issues[0].row == 5 and issues[0].sheet == "walktool_stm.csv"
    # child rows carry the parent's columns
    assert list(stops["walk-station"]) == ["Place-des-Arts", "Place-des-Arts", "Lionel-Groulx"]
    assert list(stops["walk-observer"]) == ["Amélie R.", "Amélie R.", "Amélie R."]
    assert list(stops["zone"]) == ["platform", "hall", "entrance"]
    assert list(stops["PARENT_KEY"]) == [A, A, B]
    # the child's value wins on a clash (comment)
    assert stops.loc[0, "comment"] == "Coin sombre derrière l'escalier roulant"
    assert roots.loc[0, "comment"] == "Rien à signaler"
    # ids, rows, times
    assert list(stops["__submission"]) == [f"{A}/stops[1]", f"{A}/stops[2]", f"{B}/stops[1]"]
    assert list(stops["__row"]) == [2, 3, 4]
    assert list(roots["__submission"]) == [C]
    assert list(roots["__row"]) == [4]
    assert list(stops["__time"]) == ["2024-11-19T19:05:42.660-05:00"] * 2 + ["2024-11-19T19:31:27.415-05:00"]
    assert list(stops["__device"]) == ["collect:Hj4kL7mN9pQr2StU"] * 3
    # the stop's own location, else the walk's
    assert list(stops["__lat"]) == ["45.5079820", "45.5081733", "45.4829013"]
    assert list(stops["__accuracy"]) == ["4.2", "6.0", "8"]
    assert roots.loc[0, "__lat"] == "45.5247410"


def test_central_zip_media(central_zip: Path) -> None:
    _, tables = read_file(central_zip)
    stops = next(t for t in tables if t.frame["__sheet"].iloc[0] == "walktool_stm-stops.csv")
    root = stops.media_root
    assert root is not None and root.is_dir()
    assert root.name == "files" and root.parent.name.startswith("walktool-odk-")
    assert list(stops.frame["__photo"]) == [f"{A}/photo.jpg", "", f"{B}/1731976301442.jpg"]
    photo = root / stops.frame.loc[0, "__photo"]
    assert photo.is_file() and photo.read_bytes() == JPEG
    assert all(t.media_root == root for t in tables)


def test_central_zip_nested_repeats(tmp_path: Path) -> None:
    _, tables = read_file(build_nested_zip(tmp_path))
    by_sheet = {t.frame["__sheet"].iloc[0]: t.frame for t in tables}
    assert set(by_sheet) == {"multirepeat.csv", "multirepeat-child.csv", "multirepeat-toy.csv"}
    assert list(by_sheet["multirepeat.csv"]["__submission"]) == ["one"]  # Alice has no children
    children = by_sheet["multirepeat-child.csv"]
    assert list(children["__submission"]) == ["two/children/child[3]"]  # Baker has no toys
    assert children.loc[0, "name"] == "Baker"  # the child's name wins over Bob
    assert children.loc[0, "__row"] == 4
    toys = by_sheet["multirepeat-toy.csv"]
    assert len(toys) == 6
    assert list(toys["name"]) == ["R2-D2", "BB-8", "Porg plushie", "Millennium Falcon", "X-Wing", "Pod racer"]
    # a toy record carries its child's age and its submission's meta columns
    assert list(toys["age"]) == ["4", "6", "6", "2", "2", "2"]
    assert list(toys["meta-instanceID"]) == ["two", "two", "two", "three", "three", "three"]
    assert toys.loc[2, "__submission"] == "two/children/child[2]/toy[2]"
    assert list(toys["__row"]) == [2, 3, 4, 5, 6, 7]
    assert set(toys["__time"]) == {"2018-01-01T00:00:00.000Z"}
    assert sum(len(f) for f in by_sheet.values()) == 8


def test_unzipped_central_export_joins_sibling_repeat(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "central_zip", folder)
    (folder / "files" / A).mkdir(parents=True)
    (folder / "files" / A / "photo.jpg").write_bytes(JPEG)
    _, tables = read_file(folder / "walktool_stm.csv")
    stops = next(t for t in tables if t.frame["__sheet"].iloc[0] == "walktool_stm-stops.csv")
    assert len(stops.frame) == 3
    assert stops.media_root == folder / "files"
    assert stops.frame.loc[0, "__photo"] == f"{A}/photo.jpg"
    assert stops.frame.loc[2, "__photo"] == "1731976301442.jpg"  # not there: kept as written
    root = next(t for t in tables if t is not stops)
    assert list(root.frame["__sheet"]) == [""]


# ---------------------------------------------------------------------------
# ODK Briefcase
# ---------------------------------------------------------------------------


def test_briefcase_walktool_csv() -> None:
    fmt, tables = read_file(DATA / "walktool_briefcase.csv")
    assert fmt.name == "odk-briefcase"
    frame = tables[0].frame
    assert tables[0].format == "odk-briefcase"
    assert len(frame) == 3
    assert list(frame["__row"]) == [2, 3, 4]
    assert list(frame["station"]) == ["Côte-des-Neiges", "Côte-des-Neiges", "Jean-Talon"]
    # end, else start, parsed from Java's MEDIUM format to local ISO time
    assert list(frame["__time"]) == ["2019-10-03T20:58:44", "2019-10-03T21:12:30", "2019-10-03T23:40:00"]
    # the original text stays in its column
    assert frame.loc[0, "SubmissionDate"] == "Oct 3, 2019 9:14:52 PM"
    assert list(frame["__submission"]) == list(frame["KEY"])
    assert list(frame["__device"]) == ["358240051111110", "358240051111110", "358240052222220"]
    assert list(frame["__lat"]) == ["45.4967521", "", "45.5388015"]
    assert list(frame["__accuracy"]) == ["5.0", "", "11.0"]
    assert frame.loc[0, "__photo"] == "1570149512301.jpg"


def test_briefcase_submission_date_parsed() -> None:
    _, tables = read_file(DATA / "briefcase" / "simple-form.csv")
    frame = tables[0].frame
    assert frame.loc[0, "__time"] == "2018-04-01T00:00:00"  # 12:00:00 AM is midnight
    assert frame.loc[0, "__submission"] == "uuid00000000-0000-0000-0000-000000000090"
    _, tables = read_file(DATA / "briefcase" / "all-data-types.csv")
    frame = tables[0].frame
    assert frame.loc[0, "__time"] == "2018-04-26T08:58:20"
    assert (frame.loc[0, "__lat"], frame.loc[0, "__lon"], frame.loc[0, "__accuracy"]) == ("43.3149254", "-1.9869671", "15.478")


def test_briefcase_media_folder(tmp_path: Path) -> None:
    shutil.copy(DATA / "briefcase" / "media-files.csv", tmp_path / "media-files.csv")
    _, tables = read_file(tmp_path / "media-files.csv")
    assert tables[0].frame.loc[0, "__photo"] == "media/1524644764247-2.jpg"
    assert tables[0].media_root is None  # the media folder is not there
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "1524644764247-2.jpg").write_bytes(JPEG)
    _, tables = read_file(tmp_path / "media-files.csv")
    assert tables[0].media_root == tmp_path
    assert (tables[0].media_root / tables[0].frame.loc[0, "__photo"]).is_file()


def test_briefcase_sibling_nested_repeats() -> None:
    _, tables = read_file(DATA / "briefcase" / "nested-repeats.csv")
    by_sheet = {t.frame["__sheet"].iloc[0]: t.frame for t in tables}
    # every g1 has g2 children; leaves are g1[1]/g2[2], g1[2]/g2[1] and the five g3 rows
    assert set(by_sheet) == {"nested-repeats-g2.csv", "nested-repeats-g3.csv"}
    g3 = by_sheet["nested-repeats-g3.csv"]
    assert list(g3["t3"]) == ["some text 1.1.1", "some text 3.1.1", "some text 3.1.2", "some text 3.1.3", "some text 3.1.4"]
    assert list(g3["t2"]) == ["some text 1.1", "some text 3.1", "some text 3.1", "some text 3.1", "some text 3.1"]
    assert list(g3["t1"]) == ["some text 1", "some text 3", "some text 3", "some text 3", "some text 3"]
    assert "SET-OF-g1" in g3.columns
    assert set(g3["__time"]) == {"2018-02-01T11:35:19"}
    g2 = by_sheet["nested-repeats-g2.csv"]
    assert list(g2["__submission"]) == [
        "uuid:0a1b861f-a5fd-4f49-846a-78dcf06cfc1b/g1[1]/g2[2]",
        "uuid:0a1b861f-a5fd-4f49-846a-78dcf06cfc1b/g1[2]/g2[1]",
    ]
    assert list(g2["__row"]) == [3, 4]


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Apr 26, 2018 8:58:20 AM", "2018-04-26T08:58:20"),
        ("Apr 26, 2018 8:58:20 PM", "2018-04-26T20:58:20"),
        ("Apr 1, 2018 12:00:00 AM", "2018-04-01T00:00:00"),
        ("Apr 1, 2018 12:30:00 PM", "2018-04-01T12:30:00"),
        ("Oct 3, 2019, 9:14:52\u202fPM", "2019-10-03T21:14:52"),  # newer JDKs
        ("Apr 26, 2018", "2018-04-26"),
        ("not a date", None),
    ],
)
def test_parse_java_date(text: str, iso: str | None) -> None:
    assert parse_java_date(text) == iso


def test_to_iso_keeps_iso_text() -> None:
    assert to_iso("2018-01-01T00:00:00.000Z") == "2018-01-01T00:00:00.000Z"
    assert to_iso("2024-11-14T18:05:12.004-05:00") == "2024-11-14T18:05:12.004-05:00"
    assert to_iso("Feb 1, 2018 11:35:19 AM") == "2018-02-01T11:35:19"
    assert to_iso("") is None
    assert to_iso("zzz") is None


def test_repeat_record_columns_nearest_first(central_zip: Path) -> None:
    _, tables = read_file(central_zip)
    stops = next(t for t in tables if t.frame["__sheet"].iloc[0] == "walktool_stm-stops.csv").frame
    cols = list(stops.columns)
    # the stop's own columns come before the walk's, so its location is the first one seen
    assert cols[:3] == ["zone", "location-Latitude", "location-Longitude"]
    assert cols.index("PARENT_KEY") < cols.index("SubmissionDate") < cols.index("walk-gps-Latitude")
    assert cols.count("comment") == 1


def test_header_only_export_gives_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text((DATA / "walktool_central.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    fmt, tables = read_file(path)
    assert fmt.name == "odk-central"
    assert len(tables) == 1 and len(tables[0].frame) == 0
    assert {"station", *RESERVED} <= set(tables[0].frame.columns)
