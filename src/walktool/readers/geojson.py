"""GeoJSON point features: one record per feature, properties as columns.

Also reads KoboToolbox GeoJSON exports (a ``FeatureCollection`` with one feature
per answered geopoint, properties = the submission's non-geo answers).  GeoJSON
writes positions as ``[lon, lat(, alt)]``.  Points and the first point of a
MultiPoint give ``__lat`` / ``__lon``; lines and polygons cannot place a finding
and are rejected (``not-a-point``); features with a null geometry stay (they may
still name a station and a zone).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from walktool.errors import Issue, SheetFormatError
from walktool.i18n import N_, Phrase
from walktool.readers._base import RESERVED, Probe, RawTable, cell_text, decode_bytes

FORMAT = "geojson"
_TYPE = re.compile(r'"type"\s*:\s*"(FeatureCollection|Feature)"')
# property names that carry a stable submission id (Kobo), best first
_ID_PROPERTIES = ("meta/rootUuid", "rootUuid", "_uuid", "meta/instanceID", "instanceID")


def sniff(probe: Probe) -> bool:
    """JSON text whose top-level object is a FeatureCollection or a Feature."""
    text = probe.text
    if text is None or not text.lstrip().startswith("{"):
        return False
    if len(probe.head_bytes) < 65536:  # the whole file is in the head: check properly
        from walktool.limits import loads_json

        try:
            doc = loads_json(text, probe.path)
        except SheetFormatError:
            return bool(_TYPE.search(text))  # broken GeoJSON: let the reader explain where
        return isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature")
    return bool(_TYPE.search(text))


def value_text(value: Any) -> str:
    """A JSON property value as cell text (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(t for t in (value_text(v) for v in value) if t)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, int):
        return str(value)
    return cell_text(value)


def flatten(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested objects into ``a/b`` columns; lists are joined with ``", "``."""
    out: dict[str, str] = {}
    for key, value in properties.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{name}/"))
        else:
            out[name] = value_text(value)
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    num = float(value)
    return num if math.isfinite(num) else None


def _position(coords: Any) -> tuple[float, float] | None:
    """(lat, lon) from a GeoJSON position ``[lon, lat, ...]``, or None if malformed."""
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        return None
    lon, lat = _number(coords[0]), _number(coords[1])
    if lon is None or lat is None:
        return None
    return lat, lon


def _geometry(geometry: Any) -> tuple[tuple[float, float] | None, str | None]:
    """(position, problem): the point a geometry gives, or why it gives none.

    A null geometry and an empty MultiPoint give (None, None): no position, no problem.
    """
    if geometry is None:
        return None, None
    if not isinstance(geometry, dict):
        return None, "bad-geometry"
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Point":
        pos = _position(coords)
        return (pos, None) if pos is not None else (None, "bad-geometry")
    if kind == "MultiPoint":
        if isinstance(coords, list) and not coords:
            return None, None
        pos = _position(coords[0]) if isinstance(coords, list) else None
        return (pos, None) if pos is not None else (None, "bad-geometry")
    return None, "not-a-point"


def _submission(feature: dict[str, Any], props: dict[str, str]) -> str:
    fid = feature.get("id")
    if fid is not None and str(fid).strip():
        return str(fid).strip()
    for name in _ID_PROPERTIES:
        if props.get(name, "").strip():
            return props[name].strip()
    content = json.dumps(feature, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


def _load(probe: Probe) -> Any:
    from walktool.limits import check_file_size, loads_json

    check_file_size(probe.path)
    text, _ = decode_bytes(probe.path.read_bytes())
    return loads_json(text, probe.path)


def read(probe: Probe) -> list[RawTable]:
    """Read the features of a FeatureCollection (or a single Feature).

    Raises
    ------
    SheetFormatError
        When the file is not valid JSON (the message names the line and column) or
        is not a FeatureCollection / Feature.
    """
    import pandas as pd

    file = str(probe.path)
    doc = _load(probe)
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            msg = Phrase(N_("{file}: this FeatureCollection has no 'features' list"), file=file)
            raise SheetFormatError(msg)
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        msg = Phrase(N_("{file}: not GeoJSON: the top-level object must be a FeatureCollection or a Feature"), file=file)
        raise SheetFormatError(msg)

    records: list[dict[str, str]] = []
    issues: list[Issue] = []
    rejected = 0
    for n, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            issues.append(Issue("not-a-feature", "this entry of 'features' is not a GeoJSON Feature", "error",
                                file=file, row=n))
            rejected += 1
            continue
        raw_props = feature.get("properties")
        props = flatten(raw_props) if isinstance(raw_props, dict) else {}
        pos, problem = _geometry(feature.get("geometry"))
        if problem == "not-a-point":
            kind = feature["geometry"].get("type")
            issues.append(Issue(
                "not-a-point",
                f"feature {n} is a {kind}, not a point: walktool places each finding at one point;"
                " export the finding as a Point (or give its station and zone without a geometry)",
                "error", file=file, row=n, value=str(kind),
            ))
            rejected += 1
            continue
        if problem == "bad-geometry":
            issues.append(Issue(
                "bad-geometry",
                f"feature {n} has a geometry without valid [longitude, latitude] coordinates",
                "error", file=file, row=n,
            ))
            rejected += 1
            continue
        record = {k: v for k, v in props.items() if k not in RESERVED}
        record["__row"] = str(n)
        record["__submission"] = _submission(feature, props)
        record["__lat"] = cell_text(pos[0]) if pos else ""
        record["__lon"] = cell_text(pos[1]) if pos else ""
        records.append(record)

    columns: list[str] = []
    seen: set[str] = set()
    for record in records:
        for key in record:
            if key not in seen and key not in RESERVED:
                seen.add(key)
                columns.append(key)
    columns += ["__row", "__submission", "__lat", "__lon"]
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("")
    frame["__row"] = [int(r["__row"]) for r in records]
    return [RawTable(FORMAT, file, frame, issues, rejected_rows=rejected)]


SNIFFERS = {FORMAT: sniff}
READERS = {FORMAT: read}
