"""QGIS layer styles: the ``layer_styles`` table that QGIS reads from a GeoPackage.

QGIS keeps the styles saved "in the database" in a table ``layer_styles``
(f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
styleQML, styleSLD, useAsDefault, description, owner, ui, update_time); the row with
``useAsDefault`` is applied when the layer is added to a map.  walktool writes one
default style for each point layer it knows: stations graduated by score (red below
25 … green above 75, the station name as label) and observations categorised by
severity (findings coloured from low to critical, other answers small and grey).

The styles are package files (``walktool/data/styles/*.qml`` and ``*.sld``); their
``$low`` … ``$none`` placeholders are filled with the labels in the export's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any

from walktool.i18n import N_, NC_, Msg, translator

LAYER_STYLES_DDL = (
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),"
    " f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30),"
    " styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),"
    " update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)
LAYER_STYLES_COLUMNS = (
    "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
    "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time",
)
LABELS: dict[str, str | Msg] = {
    "low": NC_("severity", "low"),
    "medium": NC_("severity", "medium"),
    "high": NC_("severity", "high"),
    "critical": NC_("severity", "critical"),
    "none": N_("no finding"),
}


@dataclass(frozen=True)
class Style:
    """One default style: its files (``data/styles/<file>.qml`` / ``.sld``) and what it shows."""

    file: str
    name: str
    description: str


STATIONS_BY_SCORE = Style("stations_by_score", "walktool: score", N_("Stations graduated by score (0–100; red is worst)"))
OBSERVATIONS_BY_SEVERITY = Style(
    "observations_by_severity", "walktool: severity", N_("Observations by severity (findings from low to critical)")
)


def style_text(style: Style, suffix: str, lang: str = "fr") -> str:
    """The QML (``suffix="qml"``) or SLD of ``style``, with its labels in ``lang``."""
    tr = translator(lang)
    text = (resources.files("walktool") / "data" / "styles" / f"{style.file}.{suffix}").read_text(encoding="utf-8")
    return Template(text).safe_substitute({k: tr.text(v) for k, v in LABELS.items()})


def write_layer_styles(
    execute: Callable[..., Any], layers: dict[str, Style], *, lang: str = "fr", geometry: dict[str, str] | None = None
) -> None:
    """Create ``layer_styles`` in an open GeoPackage and make each style its layer's default.

    Parameters
    ----------
    execute
        ``execute(sql, params)`` on an open connection to the GeoPackage, returning a
        cursor (``sqlite3.Connection.execute``, the store's own); committed by the caller.
    layers
        Layer (table or view) name → its style; layers absent from ``gpkg_contents`` are skipped.
    lang
        The language of the styles' labels and descriptions.
    geometry
        Layer → geometry column name (default: as ``gpkg_geometry_columns`` says, else ``geom``).
    """
    tr = translator(lang)
    execute(LAYER_STYLES_DDL)
    if execute("SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone() is None:
        execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
                    " VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles')")
    known = {r[0]: r[1] for r in execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()}
    for layer, style in layers.items():
        if layer not in known:
            continue
        column = (geometry or {}).get(layer, known[layer])
        execute("DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = ?", (layer, style.name))
        execute("UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?", (layer,))
        execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,"
            " styleQML, styleSLD, useAsDefault, description, owner, ui) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, 'walktool', NULL)",
            (layer, column, style.name, style_text(style, "qml", lang), style_text(style, "sld", lang), tr.text(style.description)),
        )
