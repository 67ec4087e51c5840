"""Normalisation: raw records → tidy observations placed in stations and zones.

One function, :func:`normalize_table`, takes a :class:`~walktool.readers.RawTable`
and returns observations (one row per answered item or per finding), the
participants' anonymous profiles and every problem found, as values.  Every
record read is either accepted (it produced observations at a known station)
or rejected with a reason: ``rows == accepted + rejected``.

Rules (also in docs/facilitator-guide.en.md and docs/scoring.md):

* Answers go through the item's vocabulary (accents, case, French and English
  synonyms); anything not understood is an ``unknown-answer`` warning quoting
  the value, never a silent blank.  N/A is kept and scored as missing.
* A findings-table row that names an item without an answer is a problem
  answer (score 0 for scored items); one that names only a principle is a
  finding of that principle, unscored.
* Severity comes from the sheet; otherwise, for problems, from the answer's or
  the item's default in the protocol (``medium`` when neither says).
* The station is the one the sheet names (exact, then partial or fuzzy with a
  warning), or the nearest station or entrance within the project radius.
  A named station farther than twice the radius from the position is a
  ``station-position-mismatch`` warning; a point outside the study area is an
  ``outside-study-area`` reject; swapped latitude / longitude are fixed with a
  ``swapped-coordinates`` warning.
* Times are stored in UTC with the local time; the period is the sheet's, or
  ``night`` when the sun is below the horizon at that time and place.
* Observers become pseudonyms (``P-`` + 8 hex digits of a keyed hash); names,
  e-mails and device ids are never kept.

Modules: :mod:`~walktool.normalize.model` (context, result, pseudonyms, ids),
:mod:`~walktool.normalize.table` (:func:`normalize_table`), :mod:`~walktool.normalize.times`
(observation times), :mod:`~walktool.normalize.nothing` (tables with no column understood).
"""

from walktool.normalize.model import (
    OBSERVATION_COLUMNS,
    PROFILE_FIELDS,
    WALK_FIELDS,
    Context,
    NormalizedTable,
    pseudonym,
    shared_strings,
    stable_hash,
    summarize_walks,
)
from walktool.normalize.nothing import understood
from walktool.normalize.table import normalize_table

_hash = stable_hash  # the name walktool.ingest used

__all__ = [
    "OBSERVATION_COLUMNS",
    "PROFILE_FIELDS",
    "WALK_FIELDS",
    "Context",
    "NormalizedTable",
    "normalize_table",
    "pseudonym",
    "shared_strings",
    "stable_hash",
    "summarize_walks",
    "understood",
]
