"""The observations of a Parquet export read and joined column-wise, as Arrow, never as Python objects.

The store keeps observations as stops (who, where, when: one row per checklist filled)
and answers pointing at them (:mod:`walktool.store.gpkg_ddl`).  Here both parts are
read once as typed Arrow tables and joined by position: a stop-level text column
becomes a *dictionary* column whose values are the stops' (each stop's text once),
and low-cardinality answer columns (principle, item, answer, severity) are
dictionary-encoded too, so 1.4 million answers take a few hundred megabytes, not
gigabytes.  Positions, ``location_source``, ``rules_hash`` and walk keys are worked
out per stop and taken to the answers.

The result is the same table as :func:`walktool.export.frames.export_tables`'s
observations for the staff audience under the imported rules (the only case this
path serves: a public export or re-scored rules go through pandas).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walktool.store.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from walktool.project import Project

# answer-level text columns with few distinct values: dictionary-encoded
_DICTIONARY = ("principle", "item", "answer", "severity", "severity_source", "photo")
_TIMES = {"observed_at"}
# what recommendations are built from (walktool.recommend.build_recommendations)
# and station scores (walktool.analysis.scores, finding_counts); FINDING_ONLY columns are read for findings only
REC_COLUMNS = ("obs_id", "campaign", "participant", "station_id", "station_name", "zone", "period", "principle",
               "item", "score", "severity", "is_na", "is_problem", "comment", "photo", "walk_key")


FINDING_ONLY = ("obs_id", "comment", "photo")


def _text_objects(values: pa.Array, where: pa.Array) -> Any:
    """A text column as Python objects at the rows ``where`` is true, None elsewhere."""
    import numpy as np
    import pyarrow as pa

    out = np.full(len(where), None, dtype=object)
    if isinstance(values, pa.DictionaryArray):
        values = values.dictionary_decode()
    out[np.flatnonzero(where.to_numpy(zero_copy_only=False))] = values.to_numpy(zero_copy_only=False)
    return out


def supported(project: Project) -> bool:
    """Whether the project's store can be read in parts (the GeoPackage store)."""
    return hasattr(project.store, "read_observation_parts")


def observations_table(
    project: Project, campaign: str | None, *, include_participants: bool = True
) -> tuple[pa.Table, pd.DataFrame]:
    """The export's observations as an Arrow table (``geometry`` WKB points, EPSG:4326) and the frame recommendations need.

    Rows come in the store's order (import order, each stop's answers together): deterministic,
    and no second copy of a million-row table for sorting it.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import shapely

    from walktool.provenance import provenance_columns, scoring_rules
    from walktool.stations import load_stations
    from walktool.walks import walk_keys

    columns = [c.name for c in TABLES["observations"].columns]
    read_parts = project.store.read_observation_parts  # type: ignore[attr-defined]  # the GeoPackage store's (supported)
    stops, answers = read_parts({"campaign": campaign} if campaign else None, columns)
    s = stops.to_pandas()  # one row per stop: small
    s["campaign"] = s["campaign"].fillna("default")
    s = s.assign(**provenance_columns(s, project, scoring_rules(project, campaign, None)[1]))
    layer = load_stations(project).stations.set_index("station_id")
    st_lat = s["station_id"].map(layer["lat"].astype(float))
    st_lon = s["station_id"].map(layer["lon"].astype(float))
    own = s["lat"].notna() & s["lon"].notna()
    s["location_source"] = s["location_source"].where(own, "station").where(own | st_lat.notna(), None)
    x = s["lon"].where(own, st_lon).to_numpy(dtype=float)
    y = s["lat"].where(own, st_lat).to_numpy(dtype=float)
    s["walk_key"] = walk_keys(s) if len(s) else pd.Series(dtype=object)
    stop_fids = stops.column("fid").to_numpy().astype("int64")
    at = np.searchsorted(stop_fids, answers.column("stop_fid").to_numpy().astype("int64"))
    at_arrow = pa.array(at.astype("int32"), type=pa.int32())

    def per_answer(name: str) -> pa.Array:
        values = s[name]
        if name in _TIMES:
            when = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
            return pa.array(when, type=pa.timestamp("us", tz="UTC"), from_pandas=True).take(at_arrow)
        if values.dtype != object and not str(values.dtype).startswith("str"):
            return pa.array(values, from_pandas=True).take(at_arrow)
        codes, uniques = pd.factorize(values.astype(object))  # each distinct value once; missing: -1
        taken = codes.astype("int32").take(at)
        indices = pa.array(taken, type=pa.int32(), mask=taken < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(list(uniques), type=pa.string()))

    points = np.where(np.isnan(x) | np.isnan(y), None, shapely.points(x, y))
    wkb = pa.array(shapely.to_wkb(points, flavor="iso"), type=pa.binary()).take(at_arrow)
    stop_names = [c.name for c in TABLES["observations"].columns if c.name in stops.column_names]
    skip = {"import_id"}
    data: dict[str, Any] = {}
    for name in columns:
        if name in skip:
            continue
        if name in stop_names:
            data[name] = per_answer(name)
        elif name in _DICTIONARY:
            data[name] = pc.dictionary_encode(answers.column(name)).combine_chunks()
        else:
            data[name] = answers.column(name).combine_chunks()
    data["rules_hash"] = per_answer("rules_hash")
    if "protocol" not in data:
        data["protocol"] = per_answer("protocol")
    data["geometry"] = wkb
    table = pa.table(data)
    del answers, data  # the table holds what is kept: the answers' columns replaced by dictionaries go
    recs = _rec_frame(table, s["walk_key"], at)  # scores and recommendations count participants by pseudonym
    if not include_participants:
        table = table.drop_columns(["participant"])
    return table, recs


def _rec_frame(table: pa.Table, walk_key: pd.Series, at: Any) -> pd.DataFrame:
    """The columns recommendations are built from, as the pandas frame :mod:`walktool.recommend` reads."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    problem = table.column("is_problem").combine_chunks().fill_null(False)
    data: dict[str, Any] = {}
    for name in REC_COLUMNS:
        if name in FINDING_ONLY and name in table.column_names:
            # read only for findings: the answers' ids, comments and photos are a finding's evidence
            data[name] = _text_objects(table.column(name).combine_chunks().filter(problem), problem)
        elif name == "walk_key":
            data[name] = pd.Series(walk_key.to_numpy(dtype=object).take(at), dtype=object, copy=False)
        elif name in table.column_names:
            column = table.column(name).combine_chunks()
            if isinstance(column, pa.DictionaryArray):  # the distinct texts once, shared by the rows
                words = np.array([*column.dictionary.to_pylist(), None], dtype=object)
                data[name] = pd.Series(words.take(column.indices.fill_null(len(words) - 1).to_numpy()), dtype=object, copy=False)
            elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                data[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object, copy=False)
            else:
                data[name] = column.to_pandas()
    frame = pd.DataFrame(data, copy=False)
    for name in ("is_na", "is_problem"):
        if name in frame:
            frame[name] = frame[name].fillna(False).astype(bool)
    return frame


def write_geoparquet(table: pa.Table, path: Any) -> None:
    """Write ``table`` (WKB points in ``geometry``, EPSG:4326) as GeoParquet 1.0: the ``geo`` metadata with its CRS and bounds."""
    import json

    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    import shapely
    from pyproj import CRS

    bbox: list[float] | None = None
    geoms = shapely.from_wkb(pc.unique(table.column("geometry")).drop_null().to_numpy(zero_copy_only=False))
    if len(geoms):
        bounds = shapely.total_bounds(geoms)
        bbox = [float(v) for v in bounds]
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["Point"], "crs": CRS.from_epsg(4326).to_json_dict()}
    if bbox is not None:
        column["bbox"] = bbox
    geo = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode()})
    pq.write_table(table, path)
