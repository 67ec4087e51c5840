"""What normalisation works with and gives back: the context, the result, pseudonyms, ids, shared strings."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.columns import Mapping, Role
from walktool.errors import Issue
from walktool.protocol import Protocol
from walktool.textnorm import fold

if TYPE_CHECKING:
    import pandas as pd

    from walktool.stations import StationLayer

OBSERVATION_COLUMNS = [
    "obs_id", "submission_id", "campaign", "walk_id", "participant", "station_id", "station_name",
    "station_match", "station_confidence", "zone", "period", "observed_at", "local_time", "protocol",
    "principle", "item", "answer", "answer_raw", "score", "is_na", "is_problem", "severity",
    "severity_source", "comment", "photo", "lat", "lon", "accuracy_m", "location_source", "format",
    "source_file", "source_sheet", "source_row",
]
PROFILE_FIELDS = ("gender", "age_group", "reduced_mobility", "familiarity")


@dataclass(frozen=True)
class Context:
    """What normalisation needs to know about the project and this import."""

    protocol: Protocol
    layer: StationLayer
    timezone: str = "America/Montreal"
    radius_m: float = 250.0
    study_area: tuple[float, float, float, float] = (-180.0, -90.0, 180.0, 90.0)
    salt: str = ""
    campaign: str | None = None
    walk_id: str | None = None
    mapping: Mapping | None = None
    # what is worked out once per import and reused by every chunk and file (answers parsed,
    # station names matched); it only depends on the fields above
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def remembered(self, kind: str, values: Iterable[str], fn: Any) -> dict[str, Any]:
        """``{v: fn(v)}`` for the distinct ``values``, computing each value once per import."""
        memo: dict[str, Any] = self.memo.setdefault(kind, {})
        out = {}
        for v in set(values):
            if v not in memo:
                memo[v] = fn(v)
            out[v] = memo[v]
        return out


@dataclass
class NormalizedTable:
    """The result of normalising one raw table."""

    format: str
    file: str
    observations: pd.DataFrame
    participants: pd.DataFrame
    walks: pd.DataFrame
    issues: list[Issue]
    rows: int
    accepted: int
    rejected: int
    plan: dict[str, Role] = field(default_factory=dict)
    timed: Any = None  # numpy bool array: the observation's time has a time of day (not a date alone)
    submissions: set[str] = field(default_factory=set)  # the distinct submissions the rows belong to
    no_answers: bool = False  # no column was understood: every row rejected by one file-level issue

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for i in self.issues if i.level == "warning")


def pseudonym(observer: str, salt: str) -> str:
    """A stable, non-reversible participant id: ``P-`` + 8 hex digits.

    The same person spelled ``"Marie L."`` and ``"marie l"`` gets the same pseudonym.
    """
    key = fold(observer)
    digest = hmac.new(salt.encode(), key.encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:8].upper()}"


def stable_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


class Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(self, code: str, message: str, level: str, row: Any, sheet: Any = None, column: str | None = None, value: Any = None) -> None:
        self.issues.append(
            Issue(
                code=code,
                message=message,
                level="warning" if level == "warning" else "error",
                file=self.file,
                sheet=sheet if isinstance(sheet, str) and sheet else None,
                row=int(row) if row is not None else None,
                column=column,
                value=None if value is None else str(value),
            )
        )


def shared_strings(values: pd.Series) -> pd.Series:
    """Object dtype holding one Python string per distinct value.

    A long frame repeats a few values many times; pandas' Arrow-backed strings would
    make a new Python object per cell when converted for the store, this shares them.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    pool = np.empty(len(uniques) + 1, dtype=object)
    pool[:-1] = uniques.to_numpy(dtype=object) if hasattr(uniques, "to_numpy") else uniques  # converted in C, not one by one
    pool[-1] = None  # code -1: missing
    return pd.Series(pool[codes], index=values.index, dtype=object, copy=False)


def objects(values: Any, index: Any) -> pd.Series:
    """``values`` (an array or list) as an object Series: pandas would infer its Arrow-backed
    string dtype for text, which normalisation would only convert back."""
    import numpy as np
    import pandas as pd

    if not isinstance(values, np.ndarray) or values.dtype != object:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        values = arr
    return pd.Series(values, index=index, dtype=object, copy=False)


def lookup(values: pd.Series, mapping: dict[Any, Any]) -> pd.Series:
    """``values.map(mapping)`` (None where the mapping has no entry), looked up once per distinct value."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [mapping.get(u) for u in uniques.tolist()]
    table[-1] = None
    return pd.Series(table[codes], index=values.index, dtype=object, copy=False)


def observation_ids(submissions: Any, keys: Any, occurrences: Any) -> Any:
    """``stable_hash``-style ids of observations: the first 16 hex digits of the SHA-1 of
    ``submission \x1f key \x1f occurrence``, as a uint64 array (its ``%016x`` is the id).

    The text to hash is joined column-wise by Arrow; only the hashing is one call per row.
    The numbers sort as the ids do (same length, lowercase hex).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(submissions)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    joined = pc.binary_join_element_wise(
        pa.array(submissions, type=pa.string(), from_pandas=True),
        pa.array(keys, type=pa.string(), from_pandas=True),
        pc.cast(pa.array(np.asarray(occurrences, dtype=np.int64)), pa.string()),
        "\x1f",
    ).cast(pa.binary())
    sha1 = hashlib.sha1
    digests = b"".join([sha1(b).digest()[:8] for b in joined.to_pylist()])
    return np.frombuffer(digests, dtype=">u8").astype(np.uint64)


def hex_ids(numbers: Any) -> Any:
    """uint64 ids as their 16 lowercase hex digits (an object array)."""
    import numpy as np

    # big-endian bytes → one hex string → fixed-width 16-character cells, all in C
    digits = np.asarray(numbers, dtype=np.uint64).astype(">u8").tobytes().hex()
    return np.frombuffer(digits.encode("ascii"), dtype="S16").astype("U16").astype(object)


WALK_FIELDS = ("campaign", "date", "start_time", "end_time", "facilitator", "weather")


def summarize_walks(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per walk from its records (or from partial summaries): what the sheets say about it.

    Parameters
    ----------
    rows
        ``walk_id`` and :data:`WALK_FIELDS` columns (empty text or None when unknown);
        ``start_time`` / ``end_time`` are local ``HH:MM`` times of day.

    Returns
    -------
    pandas.DataFrame
        ``walk_id``, the first campaign, facilitator and weather given, the earliest date and
        start time and the latest end time (None where no record says).
    """
    import pandas as pd

    if rows.empty:
        return pd.DataFrame(columns=["walk_id", *WALK_FIELDS], dtype=object)
    clean = rows[["walk_id", *WALK_FIELDS]].astype(object)
    clean = clean.where(clean.notna() & clean.ne(""), None)
    out = clean.groupby("walk_id", sort=False).agg(
        campaign=("campaign", "first"),
        date=("date", "min"),
        start_time=("start_time", "min"),
        end_time=("end_time", "max"),
        facilitator=("facilitator", "first"),
        weather=("weather", "first"),
    )
    out = out.reset_index().astype(object)
    return out.where(out.notna(), None)


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn Arrow-backed string columns into shared Python strings (in place; returns the frame)."""
    import pandas as pd

    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
            frame[name] = shared_strings(frame[name])
    return frame


def unique_map(values: Iterable[str], fn: Any) -> dict[str, Any]:
    return {v: fn(v) for v in set(values)}

