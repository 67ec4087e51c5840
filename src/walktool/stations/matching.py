"""Finding stations: the station a sheet names, however it is spelled, and the nearest to a position.

Distances are measured in metres in the local UTM zone (:func:`metric_crs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from walktool.textnorm import compact, fold

if TYPE_CHECKING:
    import pandas as pd

    from walktool.stations.layer import StationLayer

_PREFIXES = ("station de metro ", "station metro ", "station du metro ", "station ", "metro ", "gare ", "stn ")


_SUFFIXES = (" station", " stn")

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "stes": "saintes", "sts": "saints", "pl": "place", "sq": "square"}


def _clean_name(raw: object) -> str:
    s = fold(raw)
    for p in _PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
            break
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return " ".join(_ABBREVIATIONS.get(w, w) for w in s.split())


@dataclass(frozen=True)
class StationMatch:
    """The station a sheet names."""

    station_id: str
    name: str
    confidence: float  # 1.0 exact (accents, case, dashes ignored); < 1 a guess
    method: str  # "exact" | "partial" | "fuzzy"


class StationMatcher:
    """Find the station a sheet names: exact (ignoring accents, case, hyphens), then fuzzy.

    >>> from walktool.stations import builtin_stations
    >>> m = StationMatcher(builtin_stations().stations)
    >>> m.match("cote des neiges").name
    'Côte-des-Neiges'
    >>> m.match("Berri UQAM").method
    'exact'
    """

    def __init__(self, stations: pd.DataFrame, *, fuzzy_cutoff: float = 80.0) -> None:
        self._names = dict(zip(stations["station_id"], stations["name"], strict=True))
        self._exact: dict[str, str] = {}
        self._tokens: list[tuple[set[str], str]] = []
        for sid, name in self._names.items():
            for key in (_clean_name(name), compact(name), fold(sid), compact(sid)):
                self._exact.setdefault(key, sid)
            self._tokens.append((set(_clean_name(name).split()), sid))
        self._choices = {sid: _clean_name(name) for sid, name in self._names.items()}
        self.fuzzy_cutoff = fuzzy_cutoff

    def match(self, raw: object) -> StationMatch | None:
        """Return the station ``raw`` names, or None when nothing is close enough."""
        cleaned = _clean_name(raw)
        if not cleaned:
            return None
        sid = self._exact.get(cleaned) or self._exact.get(cleaned.replace(" ", "").replace("'", ""))
        if sid:
            return StationMatch(sid, self._names[sid], 1.0, "exact")
        words = set(cleaned.split())
        subset = [s for toks, s in self._tokens if words and words <= toks]
        if len(subset) == 1:
            return StationMatch(subset[0], self._names[subset[0]], 0.9, "partial")
        from rapidfuzz import fuzz, process

        best = process.extract(cleaned, self._choices, scorer=fuzz.WRatio, limit=2)
        if not best:
            return None
        _, score, sid = best[0]
        if score < self.fuzzy_cutoff:
            return None
        if len(best) > 1 and best[1][1] == score:
            return None  # a tie is not a match
        return StationMatch(str(sid), self._names[str(sid)], round(score / 100, 3), "fuzzy")

    def suggestions(self, raw: object, limit: int = 3) -> list[str]:
        """Names of the stations closest to ``raw``, for messages."""
        from rapidfuzz import fuzz, process

        return [self._names[str(sid)] for _, _, sid in process.extract(_clean_name(raw), self._choices, scorer=fuzz.WRatio, limit=limit)]


def metric_crs(lat: float, lon: float) -> str:
    """The UTM zone (EPSG code) for a point: distances are measured in metres there."""
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def nearest_stations(
    lat: pd.Series,
    lon: pd.Series,
    layer: StationLayer,
    *,
    max_distance_m: float | None = None,
) -> pd.DataFrame:
    """Nearest station (by its point or any of its entrances) for each position.

    Parameters
    ----------
    lat, lon
        WGS84 positions (NaN where unknown), aligned on the same index.
    layer
        The stations layer.
    max_distance_m
        Leave ``station_id`` empty beyond this distance.

    Returns
    -------
    DataFrame
        Indexed like ``lat``: ``station_id`` and ``distance_m`` (metres, measured in
        the local UTM zone).
    """
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    out = pd.DataFrame({"station_id": pd.Series(None, index=lat.index, dtype=object), "distance_m": np.nan}, index=lat.index)
    targets = pd.concat(
        [layer.stations[["station_id", "lat", "lon"]], layer.entrances[["station_id", "lat", "lon"]]],
        ignore_index=True,
    ).dropna()
    known = lat.notna() & lon.notna()
    if targets.empty or not known.any():
        return out
    crs = metric_crs(float(targets["lat"].mean()), float(targets["lon"].mean()))
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    tx, ty = to_metres.transform(targets["lon"].to_numpy(float), targets["lat"].to_numpy(float))
    ox, oy = to_metres.transform(lon[known].to_numpy(float), lat[known].to_numpy(float))
    target_ids = targets["station_id"].to_numpy()
    best_idx = np.empty(len(ox), dtype=int)
    best_d = np.empty(len(ox))
    chunk = max(1, 2_000_000 // max(1, len(tx)))
    for start in range(0, len(ox), chunk):
        dx = ox[start : start + chunk, None] - tx[None, :]
        dy = oy[start : start + chunk, None] - ty[None, :]
        d = np.hypot(dx, dy)
        i = d.argmin(axis=1)
        best_idx[start : start + chunk] = i
        best_d[start : start + chunk] = d[np.arange(len(i)), i]
    ids = target_ids[best_idx].astype(object)
    if max_distance_m is not None:
        ids[best_d > max_distance_m] = None
    out.loc[known, "station_id"] = ids
    out.loc[known, "distance_m"] = best_d
    return out


def distance_to_station(
    lat: pd.Series, lon: pd.Series, station_ids: pd.Series, layer: StationLayer
) -> pd.Series:
    """Distance in metres from each position to the named station (its point or entrances)."""
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    targets = pd.concat(
        [layer.stations[["station_id", "lat", "lon"]], layer.entrances[["station_id", "lat", "lon"]]],
        ignore_index=True,
    ).dropna()
    result = pd.Series(np.nan, index=lat.index)
    known = lat.notna() & lon.notna() & station_ids.notna()
    if targets.empty or not known.any():
        return result
    crs = metric_crs(float(targets["lat"].mean()), float(targets["lon"].mean()))
    to_metres = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    tx, ty = to_metres.transform(targets["lon"].to_numpy(float), targets["lat"].to_numpy(float))
    targets = targets.assign(x=tx, y=ty)
    obs = pd.DataFrame({"sid": station_ids[known]}, index=lat.index[known])
    obs["x"], obs["y"] = to_metres.transform(lon[known].to_numpy(float), lat[known].to_numpy(float))
    obs["_row"] = np.arange(len(obs))
    pairs = obs.merge(targets, left_on="sid", right_on="station_id", suffixes=("", "_t"))
    pairs["d"] = np.hypot(pairs["x"] - pairs["x_t"], pairs["y"] - pairs["y_t"])
    nearest = pairs.groupby("_row")["d"].min()
    values = pd.Series(np.nan, index=np.arange(len(obs)))
    values.loc[nearest.index] = nearest.to_numpy()
    result.loc[obs.index] = values.to_numpy()
    return result
