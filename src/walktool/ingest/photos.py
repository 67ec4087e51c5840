"""Photos and the sheet rows that name them.

A photo with no GPS fix (common underground) takes the station and zone of the
sheet row whose photo column names the same file, from this import or an
earlier one; one no row names is rejected as ``photo-unplaced``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walktool.errors import Issue

if TYPE_CHECKING:
    import pandas as pd

    from walktool.normalize import NormalizedTable
    from walktool.project import Project
    from walktool.readers import RawTable

# the walk context an unplaced photo takes from the sheet row naming it
PHOTO_CONTEXT = ("campaign", "walk_id", "station_id", "station_name", "zone", "period", "observed_at", "local_time", "protocol")


def photo_key(value: str) -> str:
    """How a photo is matched to a sheet row: its file name, case-insensitive."""
    return value.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()


class PhotoIndex:
    """The walk context of sheet rows that name a photo: this import's first, then stored ones."""

    def __init__(self, project: Project, *, use_store: bool) -> None:
        self.project = project
        self.use_store = use_store
        self.named: dict[str, dict[str, Any]] = {}
        self._stored: dict[str, dict[str, Any]] | None = None

    def add(self, obs: pd.DataFrame) -> None:
        """Remember the rows of a sheet chunk that name a photo (small: only the context columns)."""
        if obs.empty:
            return
        with_photo = obs.loc[obs["photo"].notna(), ["photo", *PHOTO_CONTEXT]]
        if with_photo.empty:
            return
        with_photo = with_photo.drop_duplicates("photo")  # a record's photo is on each of its observations
        keys = with_photo["photo"].astype(str).map(photo_key)
        first = with_photo.assign(_key=keys.to_numpy()).drop_duplicates("_key")
        for rec in first.to_dict("records"):
            self.named.setdefault(str(rec.pop("_key")), rec)

    def _load_stored(self) -> dict[str, dict[str, Any]]:
        if self._stored is None:
            self._stored = {}
            store = self.project.store
            if self.use_store and store.count("observations"):
                stored = store.read("observations", columns=["photo", "format", *PHOTO_CONTEXT])
                stored = stored.loc[stored["photo"].notna() & stored["format"].ne("photos"), ["photo", *PHOTO_CONTEXT]]
                self._stored = {}
                for rec in stored.to_dict("records"):
                    self._stored.setdefault(photo_key(str(rec["photo"])), rec)
        return self._stored

    def lookup(self, name: str) -> dict[str, Any] | None:
        """The context of the first sheet row naming ``name`` (a photo key), or None."""
        return self.named.get(name) or self._load_stored().get(name)


def photo_observation(linked: dict[str, Any], photo: str, submission: str, source_file: str, row: int | None) -> dict[str, Any]:
    """The observation of a photo placed by the sheet row naming it (``linked``: that row's walk context)."""
    from walktool.normalize import OBSERVATION_COLUMNS, _hash

    return {
        **dict.fromkeys(OBSERVATION_COLUMNS),
        **{k: linked.get(k) for k in PHOTO_CONTEXT},
        "obs_id": _hash(submission, "photo"),
        "submission_id": submission,
        "participant": None,
        "station_match": "photo-link",
        "station_confidence": 1.0,
        "is_na": False,
        "is_problem": False,
        "photo": photo,
        "location_source": "station",
        "format": "photos",
        "source_file": source_file,
        "source_row": row,
    }


def link_photos(nt: NormalizedTable, part: RawTable, index: PhotoIndex, source_file: str) -> None:
    """Give photos without a position the station and zone of the sheet row naming them.

    A photo that no station could be found for (no GPS fix, common underground)
    becomes an observation at the station, zone and time of the first sheet row
    whose photo column names the same file; one no row names is rejected as
    ``photo-unplaced`` (until a sheet naming it is imported: :meth:`walktool.ingest.run.ImportRun.place_late`).
    """
    import numpy as np
    import pandas as pd

    from walktool.normalize import OBSERVATION_COLUMNS

    frame = part.frame
    by_row = {
        int(r): (str(p), str(s))
        for r, p, s in zip(frame["__row"].tolist(), frame["__photo"].tolist(), frame["__submission"].tolist(), strict=True)
    }
    kept: list[Issue] = []
    rescued: list[dict[str, Any]] = []
    for issue in nt.issues:
        if not (issue.level == "error" and issue.code in ("no-station", "no-answers") and issue.row in by_row):
            kept.append(issue)
            continue
        photo, submission = by_row[issue.row]
        name = photo_key(photo)
        linked = index.lookup(name)
        if linked is not None:
            rescued.append(photo_observation(linked, photo, submission, source_file, issue.row))
        elif issue.code == "no-station":
            kept.append(
                Issue(
                    "photo-unplaced",
                    "this photo has no GPS fix and no sheet row names it; write its file name in a sheet's photo"
                    " column and import the sheet (it places the photo, even after it)",
                    "error",
                    file=issue.file,
                    row=issue.row,
                    column="photo",
                    value=photo,
                )
            )
        else:
            kept.append(issue)
    nt.issues = kept
    if rescued:
        extra = pd.DataFrame(rescued, columns=OBSERVATION_COLUMNS)
        nt.observations = pd.concat([nt.observations, extra], ignore_index=True) if len(nt.observations) else extra
        timed = nt.timed if nt.timed is not None else np.zeros(0, dtype=bool)
        nt.timed = np.concatenate([np.asarray(timed, dtype=bool), np.zeros(len(extra), dtype=bool)])
        nt.accepted += len(rescued)
        nt.rejected -= len(rescued)



def naming_rows(obs: pd.DataFrame, into: dict[str, dict[str, Any]]) -> None:
    """Remember, by photo key, the first row of ``obs`` naming each photo: its walk context and where it is."""
    if obs.empty:
        return
    rows = obs.loc[obs["photo"].notna(), ["photo", *PHOTO_CONTEXT, "source_sheet", "source_row"]].drop_duplicates("photo")
    for rec in rows.to_dict("records"):
        into.setdefault(photo_key(str(rec["photo"])), rec)


