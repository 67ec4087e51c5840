"""The form of the sample: walktool's own XLSForm (:mod:`walktool.forms`) and the values a submission stores."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from walktool.sample.study import Study, Submission
from walktool.sample.texts import PROFILES

if TYPE_CHECKING:
    from walktool.forms import XLSForm


# The 2023 facilitator added four optional profile questions to her copy of the form on
# KoboToolbox (a common local edit); the ODK and paper forms are walktool's as exported.
_PROFILE_GROUP = "profil"
_PROFILE_LABELS = {
    "gender": ("Genre", "Gender"),
    "age_group": ("Groupe d'âge", "Age group"),
    "reduced_mobility": ("Mobilité réduite", "Reduced mobility"),
    "familiarity": ("Fréquentation de la station", "Familiarity"),
}


def sample_forms(study: Study) -> tuple[XLSForm, XLSForm]:
    """The walktool XLSForm, and the Kobo copy with the facilitator's profile group.

    Parameters
    ----------
    study
        The study (its protocol and stations layer make the form).

    Returns
    -------
    tuple[XLSForm, XLSForm]
        The form as walktool exports it (ODK and paper walks), and the 2023
        facilitator's Kobo copy with four optional profile questions after ``location``.
    """
    from dataclasses import replace

    from walktool.forms import FormField, build_xlsform
    from walktool.protocol import Text

    form = build_xlsform(study.protocol, study.layer, lang="fr")
    group_label = Text("Profil (facultatif)", "Profile (optional)")
    profile = [
        FormField(name, "select_one", "context", (_PROFILE_GROUP,), (group_label,), Text(*_PROFILE_LABELS[name]))
        for name in PROFILES
    ]
    at = next(n for n, f in enumerate(form.fields) if f.name == "location") + 1
    kobo = replace(form, fields=[*form.fields[:at], *profile, *form.fields[at:]])
    return form, kobo


def stop_values(study: Study, sub: Submission) -> dict[str, str]:
    """A submission as the form stores it.

    Parameters
    ----------
    study
        The study (station choice names and lines of the form).
    sub
        The submission.

    Returns
    -------
    dict[str, str]
        Question name → value (choice names, numbers as text, ``start``/``end`` as
        Collect writes them); empty answers left out.
    """
    values: dict[str, str] = {
        "start": _iso_local(sub.start),
        "end": _iso_local(sub.end),
        "today": sub.start.date().isoformat(),
        "deviceid": sub.person.device,
        "observer": sub.person.name,
        "line": study.station_choice[sub.stop.station][1],
        "station": study.station_choice[sub.stop.station][0],
        "zone": sub.stop.zone,
        "period": sub.period,
        "comment": sub.comment,
        "photo": sub.photo,
        **sub.answers,
    }
    if sub.location is not None:
        lat, lon, alt, acc = sub.location
        values["location"] = f"{lat:.7f} {lon:.7f} {alt:.1f} {acc:.1f}"
    for key, sev in sub.item_severity.items():
        values[f"{key}_severity"] = sev
    for key, text in sub.item_comment.items():
        values[f"{key}_comment"] = text
    for key, name in sub.item_photo.items():
        values[f"{key}_photo"] = name
    values.update(sub.person.profile or {})
    return {k: v for k, v in values.items() if v != ""}


def _iso_local(when: datetime) -> str:
    """``2023-11-07T19:31:02.118-05:00`` (how Collect and Enketo write start/end)."""
    return when.isoformat(timespec="milliseconds")
