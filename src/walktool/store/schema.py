"""The store's schema, declared once for every backend: tables, typed columns, keys, indexes.

Each :class:`Table` is what callers read and write (``store.read("observations")``).
A backend may keep a table in several physical tables: the GeoPackage keeps the
observations as *stops* (one row per place a participant filled the checklist: who,
where, when, from which file; a point layer) and *answers* (one row per answered item
or finding, pointing at its stop), which is what makes an archive of millions of
answers small and quick to read.  The columns of a table say which part they belong
to (:attr:`Column.part`).

To add a column: append a :class:`Column` to its table below, bump
:data:`SCHEMA_VERSION`, and add a migration step to
:mod:`walktool.store.migrations` (the GeoPackage adds the column with ``ALTER
TABLE``; other backends mirror the same version numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 6

# Column types, as GDAL maps them for a GeoPackage: TEXT → String, INTEGER → Integer64,
# REAL → Real, BOOLEAN → Integer(Boolean), DATETIME → DateTime (ISO 8601, UTC, "Z"),
# DATE → Date (YYYY-MM-DD).
TYPES = ("TEXT", "INTEGER", "REAL", "BOOLEAN", "DATETIME", "DATE")


@dataclass(frozen=True)
class Column:
    """One column: name, type (one of :data:`TYPES`), NOT NULL, and the part of the table it lives in."""

    name: str
    type: str = "TEXT"
    not_null: bool = False
    part: str = ""  # observations only: "stop" (one value per stop) or "" (one per answer)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            msg = f"column {self.name}: unknown type {self.type!r}"
            raise ValueError(msg)

    @property
    def sql(self) -> str:
        """The column's definition in CREATE TABLE."""
        return f'"{self.name}" {self.type}{" NOT NULL" if self.not_null else ""}'


@dataclass(frozen=True)
class Table:
    """Declaration of one store table."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    geometry: str | None = None  # "POINT" | "LINESTRING" | None (attributes)
    description: str = ""
    indexes: tuple[str, ...] = field(default=())  # columns with an index (the queries that run)

    @property
    def column_names(self) -> list[str]:
        """Column names without fid and geometry."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        msg = f"{self.name} has no column {name!r}"
        raise KeyError(msg)


def _cols(spec: str, part: str = "") -> tuple[Column, ...]:
    """Columns from ``"name:TYPE name! ..."`` (``!`` = NOT NULL, type TEXT when omitted)."""
    out = []
    for word in spec.split():
        name, _, kind = word.partition(":")
        not_null = name.endswith("!") or kind.endswith("!")
        out.append(Column(name.rstrip("!"), (kind.rstrip("!") or "TEXT"), not_null, part))
    return tuple(out)


STOP_COLUMNS = _cols(
    "submission_id campaign walk_id participant station_id station_name station_match"
    " station_confidence:REAL zone period observed_at:DATETIME local_time protocol lat:REAL lon:REAL"
    " accuracy_m:REAL location_source format source_file source_sheet source_row:INTEGER import_id",
    part="stop",
)
ANSWER_COLUMNS = _cols(
    "obs_id! principle item answer answer_raw score:REAL is_na:BOOLEAN is_problem:BOOLEAN severity"
    " severity_source comment photo"
)
# the order callers see (the tidy observation, as normalize makes it)
_OBS_ORDER = ["obs_id", "submission_id", "campaign", "walk_id", "participant", "station_id", "station_name", "station_match", "station_confidence", "zone", "period", "observed_at", "local_time", "protocol", "principle", "item", "answer", "answer_raw", "score", "is_na", "is_problem", "severity", "severity_source", "comment", "photo", "lat", "lon", "accuracy_m", "location_source", "format", "source_file", "source_sheet", "source_row", "import_id"]
_BY_NAME = {c.name: c for c in (*STOP_COLUMNS, *ANSWER_COLUMNS)}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("stations", _cols("station_id! name! lines lat:REAL! lon:REAL! source"), ("station_id",), "POINT",
              "Reference stations layer"),
        Table("entrances", _cols("entrance_id! station_id name lat:REAL! lon:REAL!"), ("entrance_id",), "POINT",
              "Station entrances (édicules)"),
        Table("lines", _cols("line_id! line name color coords!"), ("line_id",), "LINESTRING", "Transit line shapes"),
        Table("walks", _cols("walk_id! campaign date:DATE start_time end_time facilitator route n_participants:INTEGER"
                             " weather protocol source"), ("walk_id",), None, "Walks: one guided visit by a group"),
        Table("participants", _cols("participant! walk_id campaign gender age_group reduced_mobility familiarity"),
              ("participant",), None, "Participants, by pseudonym only, with optional anonymous profile"),
        Table("observations", tuple(_BY_NAME[n] for n in _OBS_ORDER), ("obs_id",), "POINT",
              "Observations: one answered item or one finding, tidy (stored as stops + answers)",
              ("submission_id", "campaign", "source_file", "import_id")),
        Table("issues", _cols("issue_id! import_id level code file sheet row:INTEGER column value message"),
              ("issue_id",), None, "Rejects and warnings found at import", ("file", "code")),
        Table("imports", _cols("import_id! at_utc:DATETIME user campaign walk_id file format checksum stored_as"
                               " rows:INTEGER accepted:INTEGER rejected:INTEGER warnings:INTEGER"
                               " observations:INTEGER walktool_version protocol rules_hash"), ("import_id",), None,
              "Import log: who imported what, when, with what result", ("file",)),
        Table("recommendations", _cols("rec_id! campaign station_id station_name zone principle item severity"
                                       " priority:REAL rank:INTEGER fast_track:BOOLEAN action_fr action_en"
                                       " responsible_fr responsible_en timeframe type status owner due_date:DATE"
                                       " note n_observations:INTEGER n_participants:INTEGER n_walks:INTEGER"
                                       " night:INTEGER evidence photos comments updated_at:DATETIME"
                                       " n_answered:INTEGER share:REAL to_verify:INTEGER minority:INTEGER"
                                       " protocol rules_hash"),
              ("rec_id",), None, "Recommendations, one per campaign + station + zone + item", ("campaign",)),
        Table("recommendation_status", _cols("change_id! rec_id! status owner due_date:DATE note changed_at:DATETIME"
                                             " source"), ("change_id",), None,
              "Status history of each recommendation", ("rec_id",)),
        Table("incident_sources", _cols("source_id! name publisher licence url file checksum layout"
                                        " imported_at:DATETIME rows:INTEGER placed:INTEGER unplaced:INTEGER"
                                        " rejected:INTEGER precision_m:REAL first_date:DATE last_date:DATE"),
              ("source_id",), None, "Recorded-incident sources (police open data…): publisher, licence, counts"),
        Table("incidents", _cols("incident_id! source_id! category date:DATE period shift district lat:REAL lon:REAL"
                                 " placed:BOOLEAN source_row:INTEGER"),
              ("incident_id",), "POINT",
              "Recorded incidents at the publisher's precision (unplaced ones without a point)",
              ("source_id", "date")),
        Table("comment_flags", _cols("obs_id! publishable:BOOLEAN! note changed_at:DATETIME"), ("obs_id",), None,
              "Comments marked publishable (shown in public maps, reports and exports)"),
    )
}
