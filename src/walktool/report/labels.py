"""The words of the report: sheet names, column headers, statuses, answers and data-quality messages.

Every label is an English msgid marked with :func:`~walktool.i18n.N_` or
:func:`~walktool.i18n.NC_` and translated through the ``walktool`` gettext
catalog (:mod:`walktool.i18n`); nothing here holds a French string.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, NC_, Msg, Translator, all_translations, translator
from walktool.recommend import STATUSES

if TYPE_CHECKING:
    from walktool.protocol import Protocol

SHEETS: dict[str, Msg] = {
    "summary": NC_("sheet", "Summary"),
    "recommendations": NC_("sheet", "Recommendations"),
    "minority": NC_("sheet", "Minority reports"),
    "observations": NC_("sheet", "Observations"),
    "quality": NC_("sheet", "Data quality"),
    "method": NC_("sheet", "Method"),
    "incidents": NC_("sheet", "Incidents"),
    "coverage": NC_("sheet", "Coverage"),
}
"""The fixed sheets' names (translated with :func:`sheet_label`)."""
STATUSES_TEXT: dict[str, Msg] = {
    "proposed": NC_("status", "proposed"),
    "accepted": NC_("status", "accepted"),
    "rejected": NC_("status", "rejected"),
    "in_progress": NC_("status", "in progress"),
    "done": NC_("status", "done"),
    "verified": NC_("status", "verified"),
}
assert tuple(STATUSES_TEXT) == STATUSES
TIMEFRAMES_TEXT: dict[str, Msg] = {
    "immediate": NC_("timeframe", "immediate"),
    "short": NC_("timeframe", "short term (< 3 months)"),
    "medium": NC_("timeframe", "medium term (3–12 months)"),
    "long": NC_("timeframe", "long term (> 12 months)"),
}
TYPES_TEXT: dict[str, Msg] = {
    "quick_win": NC_("type", "quick win"),
    "operations": NC_("type", "operations"),
    "capital": NC_("type", "capital"),
}
PRINCIPLES_SHORT: dict[str, Msg] = {
    "signage": NC_("principle", "Signage"),
    "visibility": NC_("principle", "Visibility"),
    "liveliness": NC_("principle", "Liveliness"),
    "help": NC_("principle", "Access to help"),
    "maintenance": NC_("principle", "Maintenance"),
    "community": NC_("principle", "Acting together"),
}
REC_TABLE_NAME = "Recommendations"
"""The ``displayName`` of the Excel Table on the Recommendations sheet."""
REC_COLUMNS: tuple[tuple[str, Msg, float], ...] = (
    ("rank", NC_("column", "Rank"), 6),
    ("id", NC_("column", "Id"), 12),
    ("station", NC_("column", "Station"), 18),
    ("zone", NC_("column", "Zone"), 10),
    ("finding", NC_("column", "Finding"), 20),
    ("severity", NC_("column", "Severity"), 9),
    ("action", NC_("column", "Action"), 50),
    ("responsible", NC_("column", "Responsible party"), 20),
    ("timeframe", NC_("column", "Target timeframe"), 14),
    ("status", NC_("column", "Status"), 11),
    ("owner", NC_("column", "Owner"), 16),
    ("due_date", NC_("column", "Due date"), 12),
    ("note", NC_("column", "Note"), 24),
    ("principle", NC_("column", "Principle"), 15),
    ("priority", NC_("column", "Priority"), 9),
    ("type", NC_("column", "Type"), 13),
    ("flagged", NC_("column", "Flagged by"), 9),
    ("answered", NC_("column", "Answered"), 9),
    ("share", NC_("column", "Share"), 8),
    ("walks", NC_("column", "Walks"), 7),
    ("to_verify", NC_("column", "To verify"), 16),
    ("overdue", NC_("column", "Overdue"), 14),
)
"""Key, header and width of each Recommendations column, in order (:mod:`walktool.followup` finds
them by header).  The columns from ``principle`` on are left out of the print area."""
REC_PRINTED = 13
"""How many Recommendations columns print (the first ones)."""


def sheet_label(key: str, lang: str) -> str:
    """The name of a fixed sheet (``summary`` → ``Synthèse`` / ``Summary``)."""
    return translator(lang).text(SHEETS[key])


def sheet_spellings(key: str) -> set[str]:
    """A fixed sheet's name in every language (to find it in a workbook)."""
    return all_translations(SHEETS[key])


def column_label(key: str, lang: str) -> str:
    """The header of a Recommendations column (``timeframe`` → ``Délai visé``)."""
    return translator(lang).text(next(lab for k, lab, _ in REC_COLUMNS if k == key))


def column_spellings(key: str) -> set[str]:
    """A Recommendations column's header in every language."""
    return all_translations(next(lab for k, lab, _ in REC_COLUMNS if k == key))


def status_label(status: str | None, lang: str) -> str:
    """The drop-down label of a stored status (``in_progress`` → ``en cours`` / ``in progress``)."""
    key = status or "proposed"
    return translator(lang).text(STATUSES_TEXT[key]) if key in STATUSES_TEXT else key


def status_spellings(status: str) -> set[str]:
    """A status's label in every language."""
    return all_translations(STATUSES_TEXT[status])


def timeframe_label(value: Any, lang: str) -> Any:
    """``short`` → ``court terme (< 3 mois)``; other values as they are."""
    return translator(lang).text(TIMEFRAMES_TEXT[value]) if value in TIMEFRAMES_TEXT else value


def type_label(value: Any, lang: str) -> Any:
    """``quick_win`` → ``gain rapide``; other values as they are."""
    return translator(lang).text(TYPES_TEXT[value]) if value in TYPES_TEXT else value


def principle_label(protocol: Protocol, key: str | None, lang: str) -> str | None:
    """The short name of a principle (``Visibilité``), else its protocol label."""
    if key is None:
        return None
    if key in PRINCIPLES_SHORT:
        return translator(lang).text(PRINCIPLES_SHORT[key])
    try:
        return protocol.principle(key).label.get(lang)
    except KeyError:
        return key


def item_short(protocol: Protocol, item: Any, principle: Any, lang: str) -> str | None:
    """The short name of an item (``Interphone``), else its question, else the principle's name."""
    if isinstance(item, str) and protocol.has_item(item):
        found = protocol.item(item)
        return (found.short or found.label).get(lang)
    if isinstance(principle, str):
        return principle_label(protocol, principle, lang)
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def answer_words(protocol: Protocol, item: Any, answer: Any, lang: str) -> str | None:
    """An answer in words: ``non``, ``hors service``, ``1 — faible``, ``3 (lampes éteintes)``.

    None when there is no answer (a finding that names only a problem).
    """
    if _blank(answer) or not (isinstance(item, str) and protocol.has_item(item)):
        return None
    found = protocol.item(item)
    value = str(answer)
    choice = found.answer.choice(value)
    if choice is not None:
        text = choice.label.get(lang)
        text = text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text
        return f"{value} — {text}" if found.kind == "scale" else text
    if found.kind in ("count", "number"):
        try:
            number = float(value)
        except ValueError:
            return value
        shown = str(int(number)) if number.is_integer() else str(number).replace(".", "," if lang == "fr" else ".")
        return f"{shown} {found.answer.unit}" if found.answer.unit else shown
    return value


def finding_text(protocol: Protocol, item: Any, principle: Any, answer: Any, lang: str) -> str:
    """A finding as staff read it: ``Interphone : hors service`` (``Interphone: not working``)."""
    tr = translator(lang)
    name = item_short(protocol, item, principle, lang) or tr.gettext("Finding")
    words = answer_words(protocol, item, answer, lang)
    if words is None:
        words = tr.gettext("problem reported")
    return tr.gettext("{name}: {answer}").format(name=name, answer=words)


# -- data-quality messages ------------------------------------------------------------
ISSUE_TEMPLATES: dict[str, Msg] = {
    "ambiguous-synonym": NC_("issue", "“{value}” can mean more than one answer; it was left out: write the exact answer"),
    "bad-coordinates": NC_("issue", "position “{value}” is not a latitude and longitude; check the coordinates"),
    "bad-date": NC_("issue", "“{value}” is not a date (YYYY-MM-DD); the row is not imported"),
    "bad-datetime": NC_("issue", "“{value}” is not a date or time walktool can read; write it as YYYY-MM-DD HH:MM"),
    "bad-due-date": NC_("issue", "due date “{value}” is not a date (YYYY-MM-DD); the due date was not changed"),
    "bad-file-name": NC_("issue", "the file name “{value}” is not valid text (written on a system with another encoding): skipped; rename it and import it again"),
    "bad-geometry": NC_("issue", "the feature has no usable geometry; give it a point"),
    "bad-score": NC_("issue", "this score or these thresholds cannot be used: a score is a number from 0 to 1, good_at_most and bad_at_least are different numbers"),
    "bad-value": NC_("issue", "this value cannot be used here; see docs/protocols.md for what the field takes"),
    "count-without-score": NC_("issue", "a count or number needs score: {{good_at_most: …, bad_at_least: …}}"),
    "duplicate-column": NC_("issue", "this header is given twice: the first one is used, the other is kept under another name; delete or rename the one you do not mean"),
    "duplicate-key": NC_("issue", "this key is declared twice; keep one"),
    "duplicate-recommendation": NC_("issue", "recommendation {value} appears again; only the first row is read"),
    "duplicate-submission": NC_("issue", "this submission was already imported; the copy was skipped"),
    "encoding-detected": NC_("issue", "the file is not UTF-8; it was read as {value}: check the accents"),
    "encrypted-submission": NC_("issue", "the submission is encrypted; export it decrypted from ODK Central"),
    "extra-cells": NC_("issue", "the row has more cells than the header; the extra cells were ignored"),
    "kobo-extra-sheet": NC_("issue", "sheet “{sheet}” is not part of the form; it was ignored"),
    "kobo-orphan-repeat": NC_("issue", "repeat rows without their submission; they were ignored"),
    "missing-category": NC_("issue", "no category; the row is not imported"),
    "missing-field": NC_("issue", "a required field is missing (a protocol is a YAML mapping with id, version, principles, items …)"),
    "missing-label": NC_("issue", "this text must be given in French and English, e.g. {{fr: …, en: …}}"),
    "missing-recommendation": NC_("issue", "the item is scored but has no recommendation (action, responsible, timeframe, type)"),
    "no-answers": NC_("issue", "the row has no answer walktool can read"),
    "no-station": NC_("issue", "the row names no station and has no position; fill in the station column"),
    "no-station-nearby": NC_("issue", "no station lies near the position {value}; check the coordinates or name the station"),
    "no-waypoints": NC_("issue", "the GPX file has no waypoints"),
    "not-a-feature": NC_("issue", "the item is not a GeoJSON feature; it was skipped"),
    "not-a-photo": NC_("issue", "“{value}” is not a photo walktool can read"),
    "not-a-point": NC_("issue", "the feature is not a point; give its position as a point"),
    "orphan-repeat-row": NC_("issue", "repeat row without its submission; it was ignored"),
    "outside-study-area": NC_("issue", "position {value} is outside the study area; check the coordinates or widen [study_area] in walktool.toml"),
    "outside-walk-date": NC_("issue", "the date “{value}” is outside the dates of the walk"),
    "outside-walk-route": NC_("issue", "station “{value}” is not on the walk's route"),
    "outside-walk-time": NC_("issue", "the time “{value}” is outside the hours of the walk"),
    "photo-file-missing": NC_("issue", "photo “{value}” is named but its file was not found; import the photos folder too"),
    "photo-name-too-long": NC_("issue", "photo “{value}”: the name is too long for the file system: skipped; rename the photo (and the sheet cell naming it) and import it again"),
    "photo-placed-later": NC_("issue", "photo “{value}” was placed when the sheet naming it arrived"),
    "photo-too-large": NC_("issue", "photo “{value}” is too large; it was skipped"),
    "photo-unplaced": NC_("issue", "photo “{value}” has no position and no sheet names it"),
    "protocol-too-large": NC_("issue", "the file is too large or nested too deeply to be a protocol"),
    "repeat-file-joined": NC_("issue", "repeat file “{value}” was joined to its submissions"),
    "review-rejected": NC_("issue", "the submission was rejected at review; it was not imported"),
    "rules-changed-same-version": NC_("issue", "the scoring rules changed but the protocol's version {value} did not: give the protocol a new version"),
    "scale-without-score": NC_("issue", "a choice has no score (add score: 0–1, or na: true)"),
    "severity-without-problem": NC_("issue", "severity “{value}” given, but the answer is not a problem: the severity was left out; correct the answer or the severity"),
    "station-guessed": NC_("issue", "“{value}” was read as the closest station name; write the exact name if this is wrong"),
    "station-position-mismatch": NC_("issue", "the position is far from the station named “{value}”; check one or the other"),
    "swapped-coordinates": NC_("issue", "latitude and longitude were swapped ({value}); fixed"),
    "too-many-participants": NC_("issue", "more participants than the walk plan lists"),
    "unknown-answer": NC_("issue", "answer “{value}” to {column} not understood; the answer was left out"),
    "unknown-answer-type": NC_("issue", "the item uses an answer type that is not declared in answer_types"),
    "unknown-category": NC_("issue", "unknown category “{value}”; the row is not imported: add it to the layout's categories"),
    "unknown-field": NC_("issue", "unknown field; check its spelling (it was ignored)"),
    "unknown-item": NC_("issue", "no question of the checklist matches “{value}”; use a question or principle of the protocol"),
    "unknown-period": NC_("issue", "period “{value}” not understood (day or night); it was left empty"),
    "unknown-principle": NC_("issue", "the item names a principle that is not declared in principles"),
    "unknown-recommendation": NC_("issue", "no recommendation {value} in this campaign; the row is not read: check the id"),
    "unknown-severity": NC_("issue", "severity “{value}” not understood (low, medium, high, critical)"),
    "unknown-station": NC_("issue", "no station is called “{value}”; fix the name or add a position"),
    "unknown-station-name": NC_("issue", "no station is called “{value}”; fix the name or add a position"),
    "unknown-status": NC_("issue", "status “{value}” not understood (proposed, accepted, rejected, in progress, done, verified); the status was not changed"),
    "unknown-zone": NC_("issue", "zone “{value}” not understood; it was left empty"),
    "unreadable-file": NC_("issue", "the file cannot be read; save it again as CSV or XLSX"),
    "unreadable-photo": NC_("issue", "photo “{value}” cannot be read"),
    "unreadable-repeat-file": NC_("issue", "repeat file “{value}” cannot be read"),
    "unsafe-zip-entry": NC_("issue", "archive entry “{value}” was skipped (unsafe name or too large)"),
    "walk-route-unknown-station": NC_("issue", "the walk plan names an unknown station “{value}”"),
    "walk-route-unknown-zone": NC_("issue", "the walk plan names an unknown zone “{value}”"),
    "yaml-syntax": NC_("issue", "not valid YAML: check the indentation and the quotes at this line"),
}
"""A message template per issue code, for reports in another language than the stored English messages."""


def issue_message(issue: dict[str, Any], lang: str, tr: Translator | None = None) -> str | None:
    """An issue's message in ``lang``: the stored (English) message, or the code's translated template.

    The English report keeps the stored message (it names every detail); other
    languages use the template of the code, filled with the issue's value,
    column, row, file and sheet, and fall back to the stored message for codes
    without a template.
    """
    stored = issue.get("message")
    code = issue.get("code")
    if lang == "en" or code not in ISSUE_TEMPLATES:
        return stored
    tr = tr or translator(lang)
    fields = {k: ("" if issue.get(k) is None else issue.get(k)) for k in ("value", "column", "row", "file", "sheet")}
    try:
        return tr.text(ISSUE_TEMPLATES[code], **fields)
    except (KeyError, IndexError, ValueError):
        return stored


# -- the report's own texts ------------------------------------------------------------
LEVELS: dict[str, Msg] = {"error": NC_("level", "reject"), "warning": NC_("level", "warning")}
FEELINGS: dict[str, str] = {
    "comfortable": N_("Comfortable"),
    "uncomfortable": N_("Uncomfortable"),
    "frightening": N_("Frightened"),
}
