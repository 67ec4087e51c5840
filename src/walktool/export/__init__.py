"""Tidy exports for QGIS, R and pandas: CSV, GeoJSON, GeoPackage, Parquet.

What is exported is the tidy observations table (one answered item or one
finding a row), one campaign or all, with the station scores and the ranked
recommendations alongside where the format holds several tables:

* ``csv``: ``PATH`` is a file for the observations; ``PATH``'s siblings
  ``<stem>-stations.csv`` and ``<stem>-recommendations.csv`` hold the scores and
  the recommendations (:mod:`walktool.export.csv`: formulas escaped, ``excel`` for a
  BOM and the locale's separator);
* ``geojson``: observation points (RFC 7946, EPSG:4326);
* ``gpkg``: layers ``observations`` (points), ``stations`` (points, with scores)
  and ``recommendations`` (attributes), with QGIS default styles
  (:mod:`walktool.export.gpkg`, :mod:`walktool.export.styles`);
* ``parquet``: GeoParquet of the observations and of the stations
  (``<stem>-stations.parquet``), Parquet of the recommendations
  (``<stem>-recommendations.parquet``), every column typed (:mod:`walktool.export.parquet`).

Every campaign (or the one asked for): stations are one row per campaign × station,
recommendations one per campaign × recommendation, each with a ``campaign`` column
(:mod:`walktool.export.frames`: the store is read once).

Positions: an observation keeps its own GPS position when it has one; otherwise
(underground) it takes its station's, and ``location_source`` says which.

Privacy: observers appear only as the pseudonym given at import
(``participant``, ``P-…``), which researchers need to compute rater agreement;
names, e-mails and device ids are never stored, so they cannot be exported.
``include_participants=False`` drops even the pseudonyms.  ``audience="public"``
(:mod:`walktool.privacy.exports`) also rounds positions, drops unpublishable comments
and source files; photos of every audience are copies next to the export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from walktool.errors import WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    from walktool.project import Project

EXPORT_FORMATS = ("csv", "geojson", "gpkg", "parquet")
EXPORT_TARGETS = ("excel",)
"""``--for``: the tool a CSV export is written for (default: plain UTF-8 CSV)."""


class ExportError(WalktoolError):
    """An export could not be written."""


def export(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    campaign: str | None = None,
    include_participants: bool = True,
    rules: str | None = None,
    audience: str = "staff",
    target: str | None = None,
    raw: bool = False,
    lang: str | None = None,
) -> list[Path]:
    """Write tidy data for other tools.

    Parameters
    ----------
    project
        The open project.
    fmt
        ``csv``, ``geojson``, ``gpkg`` or ``parquet``.
    out
        The file to write (its siblings too for csv and parquet; see the module docstring).
    campaign
        One campaign, or None for every campaign.
    include_participants
        Keep the participants' pseudonyms (needed for rater agreement).
    rules
        None for the rules each import was scored with, ``"current"`` or ``"ID@VERSION"``
        to re-score; every row carries ``protocol`` and ``rules_hash``.
    audience
        ``staff`` or ``public`` (:mod:`walktool.privacy`).
    target
        ``excel``: CSV with a byte order mark, and ``;`` with decimal commas in French
        (:mod:`walktool.export.csv`); None for plain CSV.
    raw
        Leave CSV cells that a spreadsheet would read as formulas as they are (no ``'``).
    lang
        The language of an Excel CSV's number format and of the GeoPackage styles' labels
        (default: :func:`walktool.i18n.resolve_language` with the project's setting).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ExportError
        Unknown format or target, or nothing to export.
    """
    from walktool.analysis import resolve_campaign
    from walktool.i18n import resolve_language

    if fmt not in EXPORT_FORMATS:
        msg = Phrase(N_("unknown export format {fmt!r}; use one of {EXPORT_FORMATS}"), fmt=fmt, EXPORT_FORMATS=', '.join(EXPORT_FORMATS))
        raise ExportError(msg)
    if target is not None and (target not in EXPORT_TARGETS or fmt != "csv"):
        msg = Phrase(N_("--for {target!r}: only --format csv --for excel is known"), target=target)
        raise ExportError(msg)
    out = Path(out)
    if campaign is not None:
        resolve_campaign(project, campaign)  # a clear error for an unknown campaign
    language = resolve_language(lang, project.settings)
    if fmt == "parquet" and audience == "staff" and rules in (None, "imported"):
        from walktool.export import columnar

        if columnar.supported(project):
            return _parquet_columnar(project, out, campaign, include_participants=include_participants)
    from walktool.export.frames import export_tables
    from walktool.privacy.exports import observations_for, recommendations_for

    tables = export_tables(project, campaign, include_participants=include_participants and audience == "staff", rules=rules)
    obs = observations_for(tables.observations, project, audience, out.parent)
    if obs.empty:
        raise ExportError(NOTHING)
    recs = recommendations_for(tables.recommendations, audience)
    stations = tables.stations
    out.parent.mkdir(parents=True, exist_ok=True)

    def sibling(suffix: str) -> Path:
        return out.with_name(f"{out.stem}-{suffix}")

    if fmt == "csv":
        from walktool.export.csv import dialect, write_csv

        how = dialect(excel=target == "excel", lang=language, raw=raw)
        return [
            write_csv(obs.assign(lat=obs.geometry.y, lon=obs.geometry.x).drop(columns="geometry"), out, how),
            write_csv(stations.assign(lat=stations.geometry.y, lon=stations.geometry.x).drop(columns="geometry"), sibling("stations.csv"), how),
            write_csv(recs, sibling("recommendations.csv"), how),
        ]
    if fmt == "geojson":
        obs[obs.geometry.notna() & ~obs.geometry.is_empty].to_file(out, driver="GeoJSON", engine="pyogrio")
        return [out]
    if fmt == "gpkg":
        from walktool.export.gpkg import write_gpkg

        return [write_gpkg(obs, stations, recs, out, lang=language)]
    from walktool.export.parquet import write_parquet

    return [
        write_parquet(obs, out, "observations"),
        write_parquet(stations, sibling("stations.parquet"), "stations"),
        write_parquet(recs, sibling("recommendations.parquet"), "recommendations"),
    ]


NOTHING = N_("nothing to export: the project has no observations yet; run `walktool import` first")


def _parquet_columnar(project: Project, out: Path, campaign: str | None, *, include_participants: bool) -> list[Path]:
    """The staff Parquet export under the imported rules: read column-wise, written from Arrow (:mod:`walktool.export.columnar`)."""
    import geopandas as gpd
    import pyarrow as pa

    from walktool.export.columnar import observations_table, write_geoparquet
    from walktool.export.frames import derived_tables
    from walktool.export.parquet import write_parquet
    from walktool.privacy.exports import observations_for

    table, narrow = observations_table(project, campaign, include_participants=include_participants)
    if table.num_rows == 0:
        raise ExportError(NOTHING)
    out.parent.mkdir(parents=True, exist_ok=True)
    photo = table.column("photo").combine_chunks()
    if isinstance(photo, pa.DictionaryArray) and len(photo.dictionary):
        # every audience's photos are copies next to the export: each distinct photo once
        names = photo.dictionary.to_pandas()
        copies = observations_for(gpd.GeoDataFrame({"photo": names}, geometry=[None] * len(names)), project, "staff", out.parent)
        dictionary = pa.array(copies["photo"].astype(object).where(copies["photo"].notna(), None), type=pa.string(), from_pandas=True)
        table = table.set_column(table.column_names.index("photo"), "photo", pa.DictionaryArray.from_arrays(photo.indices, dictionary))
    write_geoparquet(table, out)
    del table  # written: its memory goes before the scores and recommendations are worked out
    stations, recs = derived_tables(project, narrow, None)
    del narrow
    return [
        out,
        write_parquet(stations, out.with_name(f"{out.stem}-stations.parquet"), "stations"),
        write_parquet(recs, out.with_name(f"{out.stem}-recommendations.parquet"), "recommendations"),
    ]
