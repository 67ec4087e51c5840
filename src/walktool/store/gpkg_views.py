"""Schema v6 of the GeoPackage store: feature views that QGIS styles, and their default QGIS styles.

The store's layers are stops (where and when a participant answered), answers and
stations: none carries a score or a severity on a point, so QGIS had nothing to
colour by.  Two SQL views, registered as feature layers (``gpkg_contents`` and
``gpkg_geometry_columns``, GDAL's ``OGC_FID`` convention for a view's feature id; computed
columns ``CAST`` to their type, which is how GDAL and QGIS learn a view column's type),
add them without storing anything twice, so they are always current after every
import, ``recommend`` or ``rebuild``:

* ``station_scores``: one point per campaign × station with answers (the station's
  point): ``score`` 0–100 as ``walktool summary`` computes it under the imported rules
  (item = mean of its answers' stored scores, principle = mean of its items × 100,
  score = mean of the principles answered; unscored items have no stored score, N/A
  answers do not count), ``principles`` answered, ``observations``, ``participants``
  and findings by severity;
* ``findings``: one point per finding (a negative answer or an explicit finding) at
  its stop's point, with its campaign, station, zone, item, severity and comment.

``layer_styles`` (the QGIS convention, :mod:`walktool.export.styles`) makes stations
graduated by score and findings categorised by severity their default styles, labels
in French (the default language; an export writes them in the project's).  Re-scored
figures (``--rules current``) are for ``summary`` and exports: the views show what
was imported.
"""

from __future__ import annotations

from typing import Any

from walktool.store.gpkg_ddl import WGS84, Execute

VIEWS = ("station_scores", "findings")

_STATION_SCORES = """
CREATE VIEW IF NOT EXISTS "station_scores" AS
WITH answers AS (
  SELECT COALESCE(s."campaign", 'default') AS campaign, s."station_id" AS station_id, s."participant" AS participant,
         o."principle" AS principle, o."item" AS item, o."score" AS score, o."is_na" AS is_na,
         o."is_problem" AS is_problem, o."severity" AS severity
  FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid
  WHERE s."station_id" IS NOT NULL),
items AS (
  SELECT campaign, station_id, principle, item, AVG(score) AS value FROM answers
  WHERE score IS NOT NULL AND NOT COALESCE(is_na, 0) GROUP BY campaign, station_id, principle, item),
principles AS (
  SELECT campaign, station_id, principle, AVG(value) * 100 AS value FROM items GROUP BY campaign, station_id, principle),
scores AS (
  SELECT campaign, station_id, AVG(value) AS score, COUNT(*) AS principles FROM principles GROUP BY campaign, station_id),
sizes AS (
  SELECT campaign, station_id, COUNT(*) AS observations, COUNT(DISTINCT participant) AS participants,
         SUM(CASE WHEN is_problem AND severity = 'low' THEN 1 ELSE 0 END) AS findings_low,
         SUM(CASE WHEN is_problem AND severity = 'medium' THEN 1 ELSE 0 END) AS findings_medium,
         SUM(CASE WHEN is_problem AND severity = 'high' THEN 1 ELSE 0 END) AS findings_high,
         SUM(CASE WHEN is_problem AND severity = 'critical' THEN 1 ELSE 0 END) AS findings_critical,
         SUM(CASE WHEN is_problem THEN 1 ELSE 0 END) AS findings_total
  FROM answers GROUP BY campaign, station_id)
SELECT CAST(ROW_NUMBER() OVER (ORDER BY z.campaign, z.station_id) AS INTEGER) AS OGC_FID, st."geom" AS geom,
       z.campaign AS campaign, z.station_id AS station_id, st."name" AS name, st."lines" AS lines,
       CAST(ROUND(c.score, 2) AS REAL) AS score, CAST(COALESCE(c.principles, 0) AS INTEGER) AS principles,
       CAST(z.observations AS INTEGER) AS observations, CAST(z.participants AS INTEGER) AS participants,
       CAST(z.findings_low AS INTEGER) AS findings_low, CAST(z.findings_medium AS INTEGER) AS findings_medium,
       CAST(z.findings_high AS INTEGER) AS findings_high, CAST(z.findings_critical AS INTEGER) AS findings_critical,
       CAST(z.findings_total AS INTEGER) AS findings_total
FROM sizes z JOIN "stations" st ON st."station_id" = z.station_id
LEFT JOIN scores c ON c.campaign = z.campaign AND c.station_id = z.station_id
"""

_FINDINGS = """
CREATE VIEW IF NOT EXISTS "findings" AS
SELECT o.fid AS OGC_FID, s."geom" AS geom, COALESCE(s."campaign", 'default') AS campaign, s."station_id" AS station_id,
       s."station_name" AS station_name, s."zone" AS zone, s."period" AS period, s."observed_at" AS observed_at,
       o."principle" AS principle, o."item" AS item, o."answer" AS answer, o."severity" AS severity,
       o."comment" AS comment, o."photo" AS photo, s."location_source" AS location_source
FROM "observations" o JOIN "stops" s ON s.fid = o.stop_fid
WHERE o."is_problem"
"""

_DESCRIPTIONS = {
    "station_scores": "Station scores per campaign (imported rules), findings by severity: a view, always current",
    "findings": "Findings (negative answers and explicit findings) at their stop's point: a view, always current",
}


def create_views(execute: Execute, rows: Any) -> None:
    """Create the v6 feature views, register them as layers and give them their default QGIS styles.

    ``execute(sql, params)`` runs a statement and ``rows(sql)`` returns a query's rows
    (the store's own ``_execute`` / ``_rows``); every statement leaves what exists alone.
    """
    for sql in (_STATION_SCORES, _FINDINGS):
        execute(sql.strip())
    registered = {r[0] for r in rows("SELECT table_name FROM gpkg_contents")}
    for name in VIEWS:
        if name in registered:
            continue
        execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?,?,?,?,?)",
            (name, "features", name, _DESCRIPTIONS[name], WGS84),
        )
        execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", (name, "geom", "POINT", WGS84))
    from walktool.export.styles import (
        OBSERVATIONS_BY_SEVERITY,
        STATIONS_BY_SCORE,
        write_layer_styles,
    )

    write_layer_styles(execute, {"station_scores": STATIONS_BY_SCORE, "findings": OBSERVATIONS_BY_SEVERITY})
