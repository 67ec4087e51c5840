"""Submissions of the walktool XLSForm, written the way KoboToolbox and ODK Central export them.

For tests, demos and training: :func:`fake_submissions` makes plausible
answers to the form (respecting its ``relevant`` rules), and the writers lay
them out exactly as the tools do (``reference/formats.md`` §1 and §2):

:func:`kobo_csv`
    KoboToolbox (KPI / formpack) CSV: every field quoted, ``;`` separated,
    ``\\r\\n`` line ends, UTF-8 without BOM; XML values (``lang=_xml``: names
    and choice names) or labels (question and choice labels of one language);
    with or without group names in headers (``signage/sign_exits``); a
    geopoint as its raw ``"lat lon alt acc"`` column (never group-prefixed)
    plus ``_X_latitude`` … ``_X_precision`` (group-prefixed); an image as its
    file name plus ``X_URL``; then ``_id, _uuid, _submission_time,
    _validation_status, _notes, _status, _submitted_by, __version__, _tags,
    _index``.
:func:`odk_central_csv`
    ODK Central root CSV: ``SubmissionDate`` (UTC, ``Z``), the fields with group
    paths joined by ``-`` (``signage-sign_exits``; or bare names when group
    paths are off), a geopoint as ``X-Latitude, X-Longitude, X-Altitude,
    X-Accuracy``, ``meta-instanceID``, ``meta-instanceName``, then ``KEY,
    SubmitterID, SubmitterName, AttachmentsPresent, AttachmentsExpected, Status,
    ReviewState, DeviceID, Edits, FormVersion``; minimal quoting, ``\\n`` line
    ends, UTF-8 without BOM.

A submission is a mapping from question name to the value the form stores:
choice names, numbers as text, ``"lat lon alt acc"`` for the geopoint, a file
name for an image, ISO date-times for ``start`` / ``end``.  Keys starting with
``_`` carry the server's side (``_uuid``, ``_submission_time``, ``_id``,
``_submitted_by``); missing ones are derived deterministically.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from walktool.forms._common import problem_rule, station_choices
from walktool.forms.xlsform import FormField, XLSForm
from walktool.protocol import PERCEPTION, Protocol

if TYPE_CHECKING:
    from walktool.stations import StationLayer

Submission = Mapping[str, str]
KOBO_SYSTEM = (
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
    "_tags", "_index",
)
CENTRAL_TRAILER = (
    "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
    "DeviceID", "Edits", "FormVersion",
)
GEO_PARTS_KOBO = ("latitude", "longitude", "altitude", "precision")
GEO_PARTS_ODK = ("Latitude", "Longitude", "Altitude", "Accuracy")


def _uuid_of(sub: Submission, n: int) -> str:
    if sub.get("_uuid"):
        return str(sub["_uuid"])
    seed = hashlib.sha1(f"{n}\x1f{sorted(sub.items())}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=seed, version=4))


def _utc(sub: Submission) -> datetime:
    if sub.get("_submission_time"):
        return datetime.fromisoformat(str(sub["_submission_time"]).replace("Z", "+00:00")).astimezone(UTC)
    end = sub.get("end") or sub.get("start")
    if end:
        moment = datetime.fromisoformat(str(end))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC) + timedelta(minutes=7, seconds=13)
    return datetime(2024, 11, 5, 23, 0, tzinfo=UTC)


def _geo(value: str) -> list[str]:
    parts = value.split()
    return (parts + [""] * 4)[:4] if parts else ["", "", "", ""]


def _label(f: FormField, lang: str) -> str:
    return f.label.get(lang) if f.label is not None else f.name


# ---------------------------------------------------------------------------
# KoboToolbox
# ---------------------------------------------------------------------------


def kobo_headers(form: XLSForm, *, labels: bool = False, lang: str = "fr", groups: bool = True, media_urls: bool = True) -> list[str]:
    """The header of a Kobo export of ``form`` (see :func:`kobo_csv`)."""
    out: list[str] = []
    for f in form.fields:
        own = _label(f, lang) if labels else f.name
        prefix = ""
        if groups and f.group:
            parts = [t.get(lang) for t in f.group_labels] if labels else list(f.group)
            prefix = "/".join(parts) + "/"
        if f.type == "geopoint":
            out.append(own)  # formpack quirk: the raw column never carries the group prefix
            out += [f"{prefix}_{own}_{part}" for part in GEO_PARTS_KOBO]
        else:
            out.append(prefix + own)
            if f.type == "image" and media_urls:
                out.append(f"{prefix}{own}_URL")
    return out + list(KOBO_SYSTEM)


def kobo_rows(
    form: XLSForm,
    submissions: Sequence[Submission],
    *,
    labels: bool = False,
    lang: str = "fr",
    groups: bool = True,
    media_urls: bool = True,
    asset_uid: str = "aWalkToolSafety2024",
) -> list[list[str]]:
    """Header and data rows of a Kobo export (cells as text)."""
    rows = [kobo_headers(form, labels=labels, lang=lang, groups=groups, media_urls=media_urls)]
    for n, sub in enumerate(submissions, 1):
        sid = str(sub.get("_id") or 4100 + n)
        row: list[str] = []
        attachment = 0
        for f in form.fields:
            value = str(sub.get(f.name, "") or "")
            if f.type == "geopoint":
                row.append(value)
                lat, lon, alt, acc = _geo(value)
                row += [lat, lon, alt if len(value.split()) > 2 else "", acc if len(value.split()) > 3 else ""]
                continue
            if labels and f.list_name and value:
                value = form.choice_label(f.list_name, value, lang)
            row.append(value)
            if f.type == "image" and media_urls:
                if value:
                    attachment += 1
                    row.append(f"https://kf.kobotoolbox.org/api/v2/assets/{asset_uid}/data/{sid}/attachments/{attachment}/")
                else:
                    row.append("")
        row += [
            sid,
            _uuid_of(sub, n),
            _utc(sub).strftime("%Y-%m-%dT%H:%M:%S"),
            "",
            "",
            "submitted_via_web",
            str(sub.get("_submitted_by", "")),
            str(sub.get("__version__", "vWalk" + form.version.replace(".", ""))),
            "",
            str(n),
        ]
        rows.append(row)
    return rows


def kobo_csv(
    form: XLSForm,
    submissions: Sequence[Submission],
    *,
    labels: bool = False,
    lang: str = "fr",
    groups: bool = True,
    media_urls: bool = True,
) -> str:
    """A KoboToolbox CSV export of ``submissions`` (write it with ``newline=""``, UTF-8).

    Parameters
    ----------
    form
        The XLSForm the submissions answer.
    submissions
        Answers by question name (see the module docstring).
    labels
        Labels mode (question and choice labels of ``lang``) instead of XML values.
    lang
        The language of labels mode.
    groups
        "Include groups in headers" (``signage/sign_exits``).
    media_urls
        Add the ``X_URL`` column after each image question.

    Returns
    -------
    str
        The file's text: ``;``-separated, every field quoted, ``\\r\\n`` line ends.
    """
    rows = kobo_rows(form, submissions, labels=labels, lang=lang, groups=groups, media_urls=media_urls)
    return "".join(";".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\r\n" for row in rows)


# ---------------------------------------------------------------------------
# ODK Central
# ---------------------------------------------------------------------------


def central_headers(form: XLSForm, *, group_paths: bool = True) -> list[str]:
    """The header of an ODK Central root CSV of ``form`` (see :func:`odk_central_csv`)."""
    out = ["SubmissionDate"]
    for f in form.fields:
        path = "-".join([*f.group, f.name]) if group_paths else f.name
        if f.type == "geopoint":
            out += [f"{path}-{part}" for part in GEO_PARTS_ODK]
        else:
            out.append(path)
    meta = ["meta-instanceID", "meta-instanceName"] if group_paths else ["instanceID", "instanceName"]
    return out + meta + list(CENTRAL_TRAILER)


def odk_central_csv(form: XLSForm, submissions: Sequence[Submission], *, group_paths: bool = True) -> str:
    """An ODK Central root CSV export of ``submissions`` (``<formId>.csv`` of the zip).

    Parameters
    ----------
    form
        The XLSForm the submissions answer.
    submissions
        Answers by question name (see the module docstring).
    group_paths
        Central's default; off gives bare field names ("Remove group names").

    Returns
    -------
    str
        The file's text: comma-separated, quoted only when needed, ``\\n`` line ends.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(central_headers(form, group_paths=group_paths))
    for n, sub in enumerate(submissions, 1):
        key = "uuid:" + _uuid_of(sub, n)
        row = [_utc(sub).isoformat(timespec="milliseconds").replace("+00:00", "Z")]
        media = 0
        for f in form.fields:
            value = str(sub.get(f.name, "") or "")
            if f.type == "geopoint":
                row += _geo(value)
            else:
                row.append(value)
                media += 1 if f.type == "image" and value else 0
        instance_name = " – ".join(str(sub.get(k, "")) for k in ("station", "zone", "today"))
        deviceid = str(sub.get("deviceid", ""))
        row += [key, instance_name, key, "7", str(sub.get("_submitted_by", "") or "equipe-marche"), str(media), str(media), "", "", deviceid, "0", form.version]
        writer.writerow(row)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Plausible answers
# ---------------------------------------------------------------------------

_COMMENTS = (
    "Coin sombre au bout du quai; personne en vue",
    'Le panneau « Sortie » est caché par une pub, "vraiment" mal placé',
    "Éclairage faible près de l'escalier mécanique",
    "Corridor long, désert après 22 h",
    "Odeur d'urine, flaque près des tourniquets",
)


def fake_submissions(
    form: XLSForm,
    protocol: Protocol,
    stations: StationLayer,
    *,
    n: int = 12,
    seed: int = 7,
    start: datetime | None = None,
) -> list[dict[str, str]]:
    """Plausible submissions of ``form``: every item answered, companions only where relevant.

    Each submission is a different (station, zone) stop; about a third carry a
    GPS fix near the station, some leave the period or severities empty, and
    comments hold accents, quotes and semicolons.

    Returns
    -------
    list of dict
        Answers by question name, as :func:`kobo_csv` and :func:`odk_central_csv` take them.
    """
    rng = random.Random(seed)
    _, station_list = station_choices(stations)
    positions = {str(s): (float(la), float(lo)) for s, la, lo in zip(stations.stations["station_id"], stations.stations["lat"], stations.stations["lon"], strict=True)}
    zones = [c.value for c in protocol.zones.choices]
    stops = rng.sample([(s, z) for s in station_list for z in zones], n)
    moment = start or datetime(2024, 11, 5, 18, 30, tzinfo=timezone(timedelta(hours=-5)))
    names = {f.name for f in form.fields}
    out: list[dict[str, str]] = []
    for k, (station, zone) in enumerate(stops):
        began = moment + timedelta(minutes=11 * k)
        ended = began + timedelta(minutes=6, seconds=rng.randint(0, 59), milliseconds=rng.randint(0, 999))
        sub: dict[str, str] = {
            "start": began.isoformat(timespec="milliseconds"),
            "end": ended.isoformat(timespec="milliseconds"),
            "today": began.date().isoformat(),
            "deviceid": f"collect:Kx7Pq2LmA{k % 3}",
            "observer": ("Aïcha", "Josée L.", "P-03", "Marc-André")[k % 4],
            "station": station.name,
            "zone": zone,
            "period": "" if k % 4 == 3 else "night",
        }
        if "line" in names:
            sub["line"] = station.lines[0]
        if k % 3 == 0:
            lat, lon = positions[station.station_id]
            sub["location"] = f"{lat + rng.uniform(-4e-4, 4e-4):.6f} {lon + rng.uniform(-4e-4, 4e-4):.6f} {rng.uniform(10, 60):.1f} {rng.uniform(3, 15):.1f}"
        for item in protocol.items:
            at = item.answer
            if at.choices:
                value = rng.choice(at.choices).value
            elif at.kind == "count":
                value = str(rng.randint(0, 5))
            elif at.kind == "number":
                value = str(rng.choice((10, 40, 120, 250, 400)))
            else:
                value = rng.choice(_COMMENTS) if rng.random() < 0.7 else ""
            sub[item.key] = value
            rule = problem_rule(protocol, item)
            if rule is None or not rule.matches(value):
                continue
            if item.principle != PERCEPTION and f"{item.key}_severity" in names and rng.random() < 0.6:
                sub[f"{item.key}_severity"] = rng.choice([c.value for c in protocol.severities.choices])
            if f"{item.key}_comment" in names and rng.random() < 0.5:
                sub[f"{item.key}_comment"] = rng.choice(_COMMENTS)
            if f"{item.key}_photo" in names and rng.random() < 0.3:
                sub[f"{item.key}_photo"] = f"{1730853700000 + 1000 * k + rng.randint(0, 999)}.jpg"
        if rng.random() < 0.5:
            sub["comment"] = rng.choice(_COMMENTS)
        if rng.random() < 0.4:
            sub["photo"] = f"{1730853800000 + 1000 * k}.jpg"
        out.append(sub)
    return out
