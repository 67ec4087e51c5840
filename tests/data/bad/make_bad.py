"""Write the hostile-file corpus: every file walktool must answer clearly, in bounded time and memory.

``python tests/data/bad/make_bad.py`` rewrites the small files kept here and
README.md (one line per file).  Files marked *generated* are too large to keep
in git (zip bombs, a 100,000-item protocol, a deep YAML): the corpus test writes
them into a temporary folder with :func:`write_corpus` (``large=True``).

Each entry is ``(name, kind, what it is)``; ``kind`` says how it is tried: ``import``
(``walktool import --json``), ``protocol`` (``walktool protocol validate --json``)
or ``store`` (the file put in place of ``walktool.gpkg``, then ``check`` and
``summary``).
"""

from __future__ import annotations

import io
import random
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
GOOD = Path(__file__).parents[1] / "findings" / "walk_findings_en_bom.csv"
PHOTO = Path(__file__).parents[1] / "photos" / "photo_with_gps_exif.jpg"
HEAD = "Station,Area,Item,Severity,Comment,Photo,Latitude,Longitude,Date/time\n"
ROW = "Berri-UQAM,platform,dark_corners,high,{c},,45.5149,-73.5613,2023-11-14 19:30\n"
MIB = 1 << 20

Maker = Callable[[Path], None]
CORPUS: list[tuple[str, str, str, Maker, bool]] = []  # name, kind, description, maker, large


def entry(name: str, kind: str, what: str, *, large: bool = False) -> Callable[[Maker], Maker]:
    def register(fn: Maker) -> Maker:
        CORPUS.append((name, kind, what, fn, large))
        return fn

    return register


def text(name: str, what: str, body: str | bytes, kind: str = "import") -> None:
    def make(path: Path) -> None:
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))

    CORPUS.append((name, kind, what, make, False))


def rows(n: int, comment: str = "ok") -> str:
    return "".join(ROW.format(c=f"{comment} {i}") for i in range(n))


# -- delimited text -------------------------------------------------------------------
text("empty.csv", "an empty file (0 bytes)", b"")
text("blank_lines.csv", "nothing but blank lines", "\n\n\r\n\n")
text("bom_only.csv", "a UTF-8 byte-order mark and nothing else", b"\xef\xbb\xbf")
text("header_only.csv", "a header and no rows", HEAD)
text("unbalanced_quote_end.csv", "a quote opened in row 2 and never closed (50 rows would vanish into one comment)",
     HEAD + ROW.format(c='"never closed') + rows(50))
text("unbalanced_quote_mid.csv", "a quote opened in row 2 and closed by a stray quote in row 5",
     HEAD + ROW.format(c='"opens') + rows(3) + ROW.format(c='closes" here') + rows(3))
text("duplicate_station_header.csv", "two conflicting Station columns",
     "Station,Area,Item,Severity,Station\nBerri-UQAM,platform,dark_corners,high,Lionel-Groulx\n")
text("mac_roman.csv", "Mac Roman text (Côte-des-Neiges, élevée)",
     "Gare;Zone;Élément;Gravité\nCôte-des-Neiges;Quai;Coins sombres;élevée\n".encode("mac-roman"))
text("cp1252.csv", "Windows-1252 text", "Gare;Zone;Élément;Gravité\nCôte-des-Neiges;Quai;Coins sombres;élevée\n".encode("cp1252"))
text("utf16_bom.txt", "Excel's \"Unicode text\": UTF-16 LE with BOM, tab-separated",
     "Gare\tZone\tÉlément\tGravité\r\nCôte-des-Neiges\tQuai\tCoins sombres\télevée\r\n".encode("utf-16"))
text("utf16le_nobom.csv", "UTF-16 LE without a BOM", "Gare;Zone;Élément;Gravité\nBerri-UQAM;Quai;Coins sombres;élevée\n".encode("utf-16-le"))
text("utf16be_nobom.csv", "UTF-16 BE without a BOM", "Gare;Zone;Élément;Gravité\nBerri-UQAM;Quai;Coins sombres;élevée\n".encode("utf-16-be"))
text("nul_bytes.csv", "UTF-8 with NUL bytes inside cells (a half-written file)", (HEAD + rows(3)).encode().replace(b"ok 1", b"o\x00k\x00 1"))
text("date_9999.csv", "a date cell 9999-12-31T23:59:59 (cannot move to UTC)", HEAD + ROW.replace("2023-11-14 19:30", "9999-12-31T23:59:59").format(c="late") + rows(2))
text("date_0001.csv", "a date cell 0001-01-01T00:00:00", HEAD + ROW.replace("2023-11-14 19:30", "0001-01-01T00:00:00").format(c="early") + rows(2))
text("bad_dates.csv", "dates that are not dates (31/02, 25:99, words)",
     HEAD + "".join(ROW.replace("2023-11-14 19:30", d).format(c="d") for d in ("31/02/2023", "2023-11-14 25:99", "yesterday", "1e308")))
text("huge_cell.csv", "one comment cell of 512 KB", HEAD + ROW.format(c="x" * (MIB // 2)))
text("many_columns.csv", "5,000 columns", ",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" for _ in range(5000)) + "\n")
text("ragged_rows.csv", "rows with fewer and more cells than the header", HEAD + "Berri-UQAM,platform\n" + ROW.format(c="ok").rstrip() + ",extra,cells,here\n")
text("formula_cells.csv", "cells starting with = + - @ (DDE, HYPERLINK)",
     HEAD + "".join(ROW.format(c=c) for c in ('=DDE("cmd";"/C calc";"x")', "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)")))
text("html_login_page.csv", "a login page saved instead of the export", "<!DOCTYPE html><html><body>Please log in</body></html>")
text("binary_garbage.csv", "random bytes with a .csv name", random.Random(7).randbytes(4096))
text("decimal_commas.csv", "semicolons and decimal commas", "Gare;Zone;Élément;Gravité;Latitude;Longitude\nBerri-UQAM;Quai;Coins sombres;élevée;45,5149;-73,5613\n")
text("coordinates_out_of_range.csv", "latitudes and longitudes out of range, NaN, inf",
     "Station,Item,Severity,Latitude,Longitude\n" + "".join(f"Berri-UQAM,dark_corners,high,{a},{b}\n" for a, b in (("999", "-73.5"), ("nan", "inf"), ("-inf", "1e400"), ("45.5", "-720"))))
text("long_number_cells.csv", "a latitude of 5,000 digits", "Station,Item,Severity,Latitude,Longitude\nBerri-UQAM,dark_corners,high," + "4" * 5000 + ",-73.56\n")
text("crlf_mixed.csv", "CR, LF and CRLF line endings mixed", (HEAD + rows(4)).replace("\n", "\r", 2).replace("ok 3\n", "ok 3\r\n"))
text("tab_separated.tsv", "tab-separated findings", HEAD.replace(",", "\t") + rows(2).replace(",", "\t"))
text("script_in_comment.csv", "HTML and script in comments and station names",
     HEAD + ROW.format(c="<script>alert(1)</script>") + ROW.replace("Berri-UQAM", "<img src=x onerror=alert(1)>").format(c="x"))
text("photo_name_300_bytes.csv", "a photo cell of 300 bytes (longer than a file name may be)",
     HEAD.replace("Photo,", "Photo,") + ROW.replace("high,{c},,", "high,{c}," + "p" * 300 + ".jpg,").format(c="long photo"))
text("photo_path_traversal.csv", "photo cells ../../etc/passwd, /etc/shadow, C:\\Windows\\x.jpg, file:///etc/passwd",
     HEAD + "".join(ROW.replace("high,{c},,", "high,{c}," + p + ",").format(c="p") for p in ("../../etc/passwd", "/etc/shadow", "C:\\Windows\\x.jpg", "file:///etc/passwd")))
text("control_chars.csv", "control characters and escape sequences in cells", HEAD + ROW.format(c="bell\x07 esc\x1b[31m red\x08\x0c"))
text("bidi_override.csv", "right-to-left override characters in station and comment", HEAD + ROW.replace("Berri-UQAM", "Berri\u202eMAQU").format(c="\u202egpj.exe"))
text("emoji_and_astral.csv", "emoji and astral-plane characters", HEAD + ROW.format(c="🚇😱𝔘𝔫𝔦𝔠𝔬𝔡𝔢") + ROW.replace("Berri-UQAM", "🚉").format(c="x"))
text("duplicated_rows.csv", "the same row 200 times", HEAD + ROW.format(c="same") * 200)
text("unknown_everything.csv", "a table walktool understands nothing of", "foo,bar,baz\n1,2,3\n4,5,6\n")
text("only_separators.csv", "rows of nothing but separators", ",,,,\n;;;;\n,,,,\n")
text("semicolon_in_quotes.csv", "quoted cells holding separators and line breaks (legitimate)", HEAD + ROW.format(c='"a, b; c\nsecond line"'))

# -- JSON / GeoJSON -------------------------------------------------------------------
_POINT = '{"type":"Feature","geometry":{"type":"Point","coordinates":[-73.5613,45.5149]},"properties":%s}'
text("geojson_deep_10000.geojson", "a property nested 10,000 deep", '{"type":"FeatureCollection","features":[' + _POINT % ('{"x":' + "[" * 10000 + "]" * 10000 + "}") + "]}")
text("json_deep_array.json", "a bare array nested 10,000 deep", "[" * 10000 + "]" * 10000)
text("geojson_bignum.geojson", "a number of 100,000 digits", '{"type":"FeatureCollection","features":[' + _POINT % ('{"x":' + "9" * 100000 + "}") + "]}")
text("geojson_not_collection.geojson", "a bare Point geometry", '{"type":"Point","coordinates":[-73.56,45.51]}')
text("geojson_truncated.geojson", "a FeatureCollection cut in the middle", '{"type":"FeatureCollection","features":[' + _POINT % '{"item":"dark_corners"}' + ',{"type":"Fea')
text("geojson_nan_coordinates.geojson", "NaN and Infinity coordinates", '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,Infinity]},"properties":{"item":"dark_corners"}}]}')
text("geojson_polygon.geojson", "a polygon instead of points", '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"item":"dark_corners"}}]}')
text("geojson_features_not_list.geojson", "features is a string", '{"type":"FeatureCollection","features":"nope"}')
text("geojson_null_everything.geojson", "null geometry and properties", '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":null},null,3]}')

# -- GPX ------------------------------------------------------------------------------
_GPX = '<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">%s</gpx>'
text("gpx_billion_laughs.gpx", "entity expansion (billion laughs)",
     '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
     '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
     + _GPX % '<wpt lat="45.5" lon="-73.6"><name>&f;</name></wpt>')
text("gpx_xxe.gpx", "an external entity reading /etc/passwd",
     '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _GPX % '<wpt lat="45.5" lon="-73.6"><name>&x;</name></wpt>')
text("gpx_truncated.gpx", "a GPX cut in the middle", _GPX % '<wpt lat="45.5" lon="-73.6"><name>dark_corners</name></wpt><wpt lat="45')
text("gpx_bad_coordinates.gpx", "waypoints at lat 999, lon NaN", _GPX % '<wpt lat="999" lon="NaN"><name>dark_corners</name></wpt><wpt lat="x" lon=""><name>y</name></wpt>')
text("gpx_deep.gpx", "XML nested 5,000 deep", _GPX % ("<extensions>" + "<a>" * 5000 + "</a>" * 5000 + "</extensions>"))


# -- workbooks ------------------------------------------------------------------------
def _workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Station", "Area", "Item", "Severity", "Comment"])
    ws.append(["Berri-UQAM", "platform", "dark_corners", "high", "ok"])
    ws.append(["Berri-UQAM", "platform", "dark_corners", "high", "fine"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            new = change(info.filename, zin.read(info.filename))
            if new is not None:
                zout.writestr(info.filename, new)
    return out.getvalue()


@entry("xlsx_shared_string_past_table.xlsx", "import", "a cell whose shared-string index points past the table")
def _sst(path: Path) -> None:
    path.write_bytes(_rewrite(_workbook(), lambda n, d: d.replace(b'<c r="E3" t="inlineStr"><is><t>fine</t></is></c>', b'<c r="E3" t="s"><v>99999</v></c>') if "sheet1" in n else d))


@entry("xlsx_cut_in_half.xlsx", "import", "a workbook cut in half (a failed download)")
def _cut(path: Path) -> None:
    data = _workbook()
    path.write_bytes(data[: len(data) // 2])


text("xlsx_not_a_zip.xlsx", "text with an .xlsx name", "Station,Item\nBerri-UQAM,dark_corners\n")


@entry("xlsx_no_workbook_part.xlsx", "import", "a zip with xl/ parts but no workbook.xml")
def _noworkbook(path: Path) -> None:
    path.write_bytes(_rewrite(_workbook(), lambda n, d: None if n == "xl/workbook.xml" else d))


@entry("xlsx_bad_xml.xlsx", "import", "a sheet whose XML is broken")
def _badxml(path: Path) -> None:
    path.write_bytes(_rewrite(_workbook(), lambda n, d: d[: len(d) // 2] if "sheet1" in n else d))


@entry("xlsx_date_overflow.xlsx", "import", "a date cell at the last second of year 9999")
def _xdate(path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Station", "Item", "Severity", "Date/time"])
    ws.append(["Berri-UQAM", "dark_corners", "high", datetime(9999, 12, 31, 23, 59, 59)])
    ws.append(["Berri-UQAM", "dark_corners", "high", datetime(2023, 11, 14, 19, 30)])
    wb.save(path)


@entry("xlsx_formulas.xlsx", "import", "cells holding formulas (=cmd|' /C calc'!A0, =HYPERLINK)")
def _xformula(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Station", "Item", "Severity", "Comment"])
    ws.append(["Berri-UQAM", "dark_corners", "high", "=cmd|' /C calc'!A0"])
    ws.append(["Berri-UQAM", "dark_corners", "high", '=HYPERLINK("http://x","y")'])
    wb.save(path)


@entry("xlsx_unpacks_to_600mb.xlsx", "import", "a workbook whose sheet unpacks to 600 MB (zip bomb)", large=True)
def _xbomb(path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(_workbook())) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if "sheet1" in info.filename:
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(b"<worksheet>")
                    block = b" " * MIB
                    for _ in range(600):
                        fh.write(block)
                    fh.write(b"</worksheet>")
            else:
                zout.writestr(info.filename, zin.read(info.filename))


# -- zips -----------------------------------------------------------------------------
def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@entry("zip_slip.zip", "import", "zip-slip names ../../escape.jpg and /abs.jpg beside one photo")
def _slip(path: Path) -> None:
    _zip(path, {"../../escape.jpg": PHOTO.read_bytes(), "/abs.jpg": PHOTO.read_bytes(), "walk/ok.jpg": PHOTO.read_bytes()})


@entry("zip_empty.zip", "import", "a zip with no members")
def _zempty(path: Path) -> None:
    _zip(path, {})


@entry("zip_in_zip.zip", "import", "a zip holding only another zip")
def _znested(path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.csv", HEAD + rows(1))
    _zip(path, {"inner.zip": inner.getvalue()})


@entry("zip_truncated.zip", "import", "a zip of photos cut in half")
def _ztrunc(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(4):
            zf.writestr(f"p{i}.jpg", PHOTO.read_bytes())
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


@entry("zip_photo_name_300_bytes.zip", "import", "a photos zip whose photo name is 300 bytes long")
def _zlong(path: Path) -> None:
    _zip(path, {"walk/" + "a" * 300 + ".jpg": PHOTO.read_bytes(), "walk/ok.jpg": PHOTO.read_bytes()})


@entry("zip_not_photos.zip", "import", "a zip of text files named .jpg")
def _zfake(path: Path) -> None:
    _zip(path, {"a.jpg": b"not a photo", "b.jpeg": b"", "c.png": b"\x89PNG broken"})


@entry("zip_bomb_photo.zip", "import", "a photos zip whose one photo unpacks to 300 MB of zeros", large=True)
def _zbomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("walk/bomb.jpg", "w", force_zip64=True) as fh:
            fh.write(b"\xff\xd8\xff\xe0")
            block = bytes(MIB)
            for _ in range(300):
                fh.write(block)
        zf.writestr("walk/ok.jpg", PHOTO.read_bytes())


@entry("zip_twelve_big_photos.zip", "import", "twelve 8 MB photos (random bytes, stored): each under the bounds, read in bounded time", large=True)
def _ztwelve(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(12):
            zf.writestr(f"walk/big{i}.jpg", PHOTO.read_bytes() + random.Random(i).randbytes(8 * MIB))


ODK_HEAD = "SubmissionDate,start,end,station,zone,dark_corners,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n"


@entry("odk_zip_bomb_csv.zip", "import", "an ODK Central zip whose root CSV unpacks to 400 MB", large=True)
def _odkbomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("walk.csv", "w", force_zip64=True) as fh:
        fh.write(ODK_HEAD.encode())
        fh.write(b"2023-11-14T19:30:00Z,,,berri uqam,quai,yes,uuid:1,uuid:1,1,x,0,0,,,,0,1\n")
        block = b"\n" * MIB
        for _ in range(400):
            fh.write(block)


@entry("odk_zip_media_slip.zip", "import", "an ODK Central zip with a media entry named ../../../x.jpg")
def _odkslip(path: Path) -> None:
    row = "2023-11-14T19:30:00Z,,,berri uqam,quai,yes,uuid:1,uuid:1,1,x,1,1,,,,0,1\n"
    _zip(path, {"walk.csv": (ODK_HEAD + row).encode(), "media/../../../x.jpg": PHOTO.read_bytes()})


# -- photos ---------------------------------------------------------------------------
text("fake_photo.jpg", "text with a .jpg name", "this is not a photo")
text("truncated_photo.jpg", "a JPEG cut after 200 bytes", PHOTO.read_bytes()[:200] if PHOTO.exists() else b"\xff\xd8\xff")
text("png_header_only.png", "a PNG signature and nothing else", b"\x89PNG\r\n\x1a\n")

# -- protocols ------------------------------------------------------------------------
text("protocol_deep.yaml", "a protocol nested 5,000 deep in flow style", "id: deep\nversion: '1'\nitems: " + "[" * 5000 + "]" * 5000 + "\n", "protocol")
text("protocol_not_yaml.yaml", "tabs and broken quotes", "id: x\n\tversion: '1\nitems: [\n", "protocol")
text("protocol_billion_laughs.yaml", "YAML aliases expanding like billion laughs",
     "id: laughs\nversion: '1'\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nitems: *g\n", "protocol")
text("protocol_python_tag.yaml", "a !!python/object tag (code execution with an unsafe loader)",
     "id: evil\nversion: '1'\nitems: !!python/object/apply:os.system ['echo pwned']\n", "protocol")


@entry("protocol_100000_items.yaml", "protocol", "a protocol of 100,000 items (3 MB)", large=True)
def _p100k(path: Path) -> None:
    path.write_text("id: huge\nversion: '1'\nprinciples: [{key: p, label: P}]\nitems:\n"
                    + "".join(f"- {{key: i{i}, principle: p, label: I{i}}}\n" for i in range(100000)), encoding="utf-8")


@entry("protocol_deep_indent.yaml", "protocol", "a protocol nested 3,000 deep by indentation", large=True)
def _pdeep(path: Path) -> None:
    path.write_text("id: deep2\nversion: '1'\nx:\n" + "".join("  " * d + f"k{d}:\n" for d in range(1, 3000)), encoding="utf-8")


# -- stores ---------------------------------------------------------------------------
text("store_empty.gpkg", "a 0-byte walktool.gpkg", b"", "store")
text("store_text.gpkg", "a text file named walktool.gpkg", "this is not a database\n" * 50, "store")


@entry("store_foreign_sqlite.gpkg", "store", "someone else's SQLite database")
def _foreign(path: Path) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()


@entry("store_bit_flipped.gpkg", "store", "a real store with six pages bit-flipped (made by the test from a fresh project)", large=True)
def _flipped(path: Path) -> None:
    import walktool

    proj = walktool.init_project(path.parent / "flip-source")
    from walktool.ingest import import_files

    import_files(proj, [GOOD])
    proj.close()
    data = bytearray((path.parent / "flip-source" / "walktool.gpkg").read_bytes())
    pages = len(data) // 4096
    for page in range(pages // 3, pages // 3 + 6):
        for k in range(0, 4096, 97):
            data[page * 4096 + k] ^= 0xFF
    path.write_bytes(bytes(data))


@entry("store_truncated.gpkg", "store", "a real store cut to its first 8 KB", large=True)
def _truncated(path: Path) -> None:
    import walktool

    proj = walktool.init_project(path.parent / "cut-source")
    proj.close()
    path.write_bytes((path.parent / "cut-source" / "walktool.gpkg").read_bytes()[:8192])


def write_corpus(folder: Path, *, large: bool = False, small: bool = True) -> list[tuple[Path, str, str]]:
    """Write the corpus files into ``folder``: (path, kind, description) of each written."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, kind, what, make, is_large in CORPUS:
        if (is_large and not large) or (not is_large and not small):
            continue
        path = folder / name
        make(path)
        out.append((path, kind, what))
    return out


def readme() -> str:
    lines = [
        "# Hostile files",
        "",
        "Every file here must be answered with a clear message or row-level rejects, in bounded time and",
        "memory, with no traceback and no \"bug\" message, and with `rows == accepted + rejected`",
        "(tests/test_hostile_corpus.py).  `make_bad.py` writes them; those marked *generated* are too",
        "large for git and are written by the test into a temporary folder.",
        "",
        "| file | tried with | what it is |",
        "|---|---|---|",
    ]
    for name, kind, what, _, is_large in CORPUS:
        lines.append(f"| `{name}` | {kind} | {what}{' (*generated*)' if is_large else ''} |")
    lines.append("")
    lines.append(f"{len(CORPUS)} files.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parents[3] / "src"))
    write_corpus(HERE)
    (HERE / "README.md").write_text(readme(), encoding="utf-8")
    print(f"{len(CORPUS)} entries, {sum(1 for c in CORPUS if not c[4])} kept in git")
