"""Privacy by audience: what a ``staff`` or a ``public`` output may show of the observations.

``walktool map``, ``report`` and ``export`` take ``--audience staff|public`` (default
``staff``):

* **staff** — exact positions and every comment; photos are copies with all EXIF
  removed (a phone's EXIF holds the GPS fix, the time to the second, often the
  device's serial number);
* **public** — positions rounded to ``[privacy] round_decimals`` (3: about 110 m
  north–south and 80 m east–west in Montréal) or, with ``public_positions =
  "station"``, put at the station's point; GPS accuracy dropped; free-text comments
  dropped unless marked publishable (``walktool comments publish OBS_ID``); no
  participant pseudonym, source file or row (a file name can hold a name); photos
  are copies with faces blurred and no EXIF (:mod:`walktool.privacy.photos`).

Observer names, e-mails and device ids are never stored, so no audience sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project

AUDIENCES = ("staff", "public")
# columns a public output never carries a value in (who, and where the sheet came from)
PUBLIC_BLANK = ("participant", "accuracy_m", "source_file", "source_sheet", "source_row", "submission_id", "import_id")


class AudienceError(WalktoolError):
    """An unknown audience."""


def check_audience(audience: str) -> str:
    """``staff`` or ``public``, else an :class:`AudienceError`."""
    if audience not in AUDIENCES:
        msg = Phrase(N_("unknown audience {audience!r}; use staff or public"), audience=audience)
        raise AudienceError(msg)
    return audience


def publishable_ids(project: Project) -> set[str]:
    """The observation ids whose comment is marked publishable."""
    flags = project.store.read("comment_flags")
    if flags.empty:
        return set()
    return {str(o) for o, p in zip(flags["obs_id"], flags["publishable"], strict=True) if bool(p)}


def mark_publishable(project: Project, obs_ids: list[str], publishable: bool = True, *, note: str | None = None) -> list[str]:
    """Mark the comments of ``obs_ids`` publishable (or not); return the ids not found."""
    import pandas as pd

    known = set(project.store.read("observations", {"obs_id": list(obs_ids)}, columns=["obs_id"])["obs_id"].astype(str)) if obs_ids else set()
    found = [o for o in obs_ids if o in known]
    if found:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        project.store.upsert("comment_flags", pd.DataFrame({"obs_id": found, "publishable": publishable, "note": note, "changed_at": stamp}))
    return [o for o in obs_ids if o not in known]


def for_audience(
    frame: pd.DataFrame,
    project: Project,
    audience: str,
    *,
    lat: str = "lat",
    lon: str = "lon",
    publishable: set[str] | None = None,
) -> pd.DataFrame:
    """The observations (or findings) as ``audience`` may see them (a copy; staff: unchanged).

    Parameters
    ----------
    frame
        Observations with ``obs_id``, ``station_id``, ``comment`` and a position.
    project
        The open project (its ``[privacy]`` settings, stations and comment flags).
    audience
        ``staff`` or ``public``.
    lat, lon
        The position columns.
    publishable
        The observation ids whose comment may be shown (default: the stored flags).
    """
    import numpy as np
    import pandas as pd

    check_audience(audience)
    if audience == "staff" or frame.empty:
        return frame
    out = frame.copy()
    settings = project.settings
    if lat in out and lon in out:
        if settings.privacy_public_positions == "station":
            from walktool.stations import load_stations

            stations = load_stations(project).stations.drop_duplicates("station_id").set_index("station_id")
            out[lat] = out["station_id"].map(stations["lat"].astype(float))
            out[lon] = out["station_id"].map(stations["lon"].astype(float))
        decimals = settings.privacy_round_decimals
        out[lat] = np.round(pd.to_numeric(out[lat], errors="coerce").astype(float), decimals)
        out[lon] = np.round(pd.to_numeric(out[lon], errors="coerce").astype(float), decimals)
    if "comment" in out:
        allowed = publishable_ids(project) if publishable is None else publishable
        keep = out["obs_id"].astype(str).isin(allowed) if "obs_id" in out else pd.Series(False, index=out.index)
        out["comment"] = out["comment"].where(keep, None)
    for col in PUBLIC_BLANK:
        if col in out:
            out[col] = None
    return out


def records_for_audience(records: list[dict[str, Any]], audience: str) -> list[dict[str, Any]]:
    """Recommendation records for ``audience``: public ones carry no comments and no observation ids."""
    check_audience(audience)
    if audience == "staff":
        return records
    out = []
    for rec in records:
        rec = dict(rec)
        if isinstance(rec.get("evidence"), dict):
            rec["evidence"] = {**rec["evidence"], "comments": [], "observation_ids": []}
        out.append(rec)
    return out


def rounded_point(lat: float, lon: float, project: Project) -> tuple[float, float]:
    """A single position rounded as public outputs round them."""
    d = project.settings.privacy_round_decimals
    return round(float(lat), d), round(float(lon), d)
