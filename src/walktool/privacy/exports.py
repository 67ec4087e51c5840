"""The export's audience filter (``walktool export --audience``), kept apart from the writers.

:func:`observations_for` takes the tidy observations as the export builds them (a
GeoDataFrame in EPSG:4326) and returns what the audience may have: public rows are
rounded (geometry and any ``lat``/``lon``), carry no pseudonym, source file or
unpublishable comment; every audience's ``photo`` names a copy written next to the
export (``photos/<audience>/``, no EXIF; faces blurred for the public) when the photo
is in the project.  :func:`recommendations_for` drops the comments and observation
ids of public recommendations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.privacy.audience import check_audience, for_audience
from walktool.privacy.photos import CopiedPhotoIndex, PhotoCopies

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from walktool.project import Project


def observations_for(obs: gpd.GeoDataFrame, project: Project, audience: str, folder: Path) -> gpd.GeoDataFrame:
    """The export's observations for ``audience``; photo copies go to ``folder/photos/<audience>/``."""
    import geopandas as gpd

    check_audience(audience)
    out = obs
    if audience == "public" and len(obs):
        plain = obs.assign(_lat=obs.geometry.y, _lon=obs.geometry.x)
        plain = for_audience(plain, project, audience, lat="_lat", lon="_lon")
        plain = for_audience(plain, project, audience)  # the lat / lon columns (GPS fix) too
        out = gpd.GeoDataFrame(plain.drop(columns=["_lat", "_lon", "geometry"]),
                               geometry=gpd.points_from_xy(plain["_lon"], plain["_lat"]), crs=obs.crs)
    if "photo" in out and out["photo"].notna().any():
        out = out.copy()
        out["photo"] = _photo_copies(out["photo"], project, audience, folder)
    return out


def _photo_copies(photos: pd.Series, project: Project, audience: str, folder: Path) -> list[Any]:
    import os

    from walktool.report.data import PhotoIndex

    index = CopiedPhotoIndex(PhotoIndex(project.walks_dir), PhotoCopies(folder, audience))
    cache: dict[str, Any] = {}
    out = []
    for value in photos.tolist():
        if not isinstance(value, str) or not value.strip():
            out.append(value)
            continue
        if value not in cache:
            copy = index.find(value)
            cache[value] = Path(os.path.relpath(copy, folder)).as_posix() if copy is not None else (value if audience == "staff" else None)
        out.append(cache[value])
    return out


def recommendations_for(recs: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The export's recommendations for ``audience`` (public: no comments, no observation ids)."""
    check_audience(audience)
    if audience == "staff" or recs.empty:
        return recs
    return recs.assign(**{c: "[]" for c in ("comments", "evidence") if c in recs})
