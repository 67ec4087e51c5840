"""The form exports a collection server gives: KoboToolbox CSV and ODK Central zip."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

from walktool.sample.form import stop_values
from walktool.sample.photos import jpeg
from walktool.sample.plan import KOBO_USER
from walktool.sample.study import Walk
from walktool.sample.writer import Writer, write_zip


def write_kobo_csv(writer: Writer, walk: Walk, bad_location: int | None = None) -> Path:
    """Write a walk's KoboToolbox CSV export.

    XML values, group names in headers (``/``), ``;``, every field quoted, CRLF,
    UTF-8 without BOM; the facilitator's copy of the form (with the profile group).

    Parameters
    ----------
    writer
        The campaign's writer (records the file, names and deliberate problems).
    walk
        The walk.
    bad_location
        The 1-based submission given a stale network fix from Ottawa (rejected at
        import), or None.

    Returns
    -------
    Path
        The CSV written.
    """
    from walktool.forms.simulate import kobo_csv

    study = writer.study
    version = "v" + study.token(22)
    upload = walk.end + timedelta(minutes=study.rng.randint(20, 150))
    subs: list[dict[str, str]] = []
    rejected = 0
    observations = 0
    for n, sub in enumerate(walk.submissions, 1):
        writer.kobo_id += study.rng.randint(1, 40)
        values = stop_values(study, sub)
        if bad_location is not None and n == bad_location:
            values["location"] = "45.4215296 -75.6971931 70.0 2800.0"  # a stale network fix from Ottawa
            rejected += 1
        else:
            observations += writer.n_obs(sub)
        submitted = max(upload, sub.end + timedelta(minutes=2)) + timedelta(seconds=n * 3)
        values.update({
            "_id": str(writer.kobo_id),
            "_uuid": study.uuid4(),
            "_submission_time": submitted.astimezone(UTC).isoformat(),
            "_submitted_by": KOBO_USER,
            "__version__": version,
        })
        subs.append(values)
        writer.names.add(sub.person.name)
    path = writer.out / walk.walk_id / f"kobo-export-{walk.plan.day.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(kobo_csv(writer.kobo_form, subs).encode("utf-8"))
    writer.add(path, "kobo-csv", walk, len(subs), rejected, observations)
    if bad_location is not None:
        writer.flag(path, bad_location + 1, "outside-study-area", "error",
                  "a phone kept a stale network fix from Ottawa (45.42, -75.70); the row is rejected")
    return path


def write_odk_zip(writer: Writer, walk: Walk) -> Path:
    """Write a walk's ODK Central export zip.

    ``<formId>.csv`` (comma, minimal quoting, LF, no BOM) and the photos in
    ``files/<instanceId>/<photo>``.

    Parameters
    ----------
    writer
        The campaign's writer.
    walk
        The walk.

    Returns
    -------
    Path
        The zip written.
    """
    from walktool.forms.simulate import odk_central_csv

    study = writer.study
    team = f"Tablette {study.rng.randint(1, 6)}"
    media: list[tuple[str, bytes]] = []
    subs: list[dict[str, str]] = []
    observations = 0
    upload = walk.end + timedelta(minutes=study.rng.randint(10, 90))
    for n, sub in enumerate(walk.submissions, 1):
        values = stop_values(study, sub)
        instance = study.uuid4()
        submitted = max(upload, sub.end) + timedelta(seconds=n * 2, milliseconds=study.rng.randint(0, 999))
        values.update({"_uuid": instance, "_submission_time": submitted.astimezone(UTC).isoformat(), "_submitted_by": team})
        for name in [sub.photo, *sub.item_photo.values()]:
            if name:
                media.append((f"files/uuid:{instance}/{name}", jpeg(sub.stop.zone, taken=sub.end, lat=None, lon=None, seed=n)))
        subs.append(values)
        observations += writer.n_obs(sub)
        writer.names.add(sub.person.name)
    path = writer.out / walk.walk_id / f"{writer.form.form_id}-{walk.plan.day.isoformat()}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_zip(path, [(f"{writer.form.form_id}.csv", odk_central_csv(writer.form, subs).encode("utf-8")), *media])
    writer.add(path, "odk-central", walk, len(subs), 0, observations)
    return path
