"""ODK Central and ODK Briefcase CSV exports.

``odk-central``
    The root CSV of a Central export (header ``SubmissionDate, <fields…>, KEY,
    SubmitterID, SubmitterName, AttachmentsPresent, AttachmentsExpected, Status,
    ReviewState, DeviceID, Edits, FormVersion``), or the export zip holding
    ``<formId>.csv``, one ``<formId>-<repeat>.csv`` per repeat and the media under
    ``media/`` (older Central versions: ``files/<instanceId>/``).
``odk-briefcase``
    A Briefcase (or old Aggregate) root CSV: ``SubmissionDate … KEY`` without the
    Central trailer, dates written in Java's MEDIUM format (``Apr 26, 2018
    8:58:20 AM``, the exporting machine's local time) and ``SET-OF-*`` columns.

What the readers fill:

* ``__submission`` is ``KEY`` (stable across edits); a repeat record gets its own
  repeat ``KEY`` (``uuid:…/stops[2]``).
* ``__time`` is the form's ``end`` (else ``start``) field, else ``SubmissionDate``.
  ISO values are kept as written (``Z`` or offset); Briefcase dates become ISO
  without offset (local time).
* ``__device`` is ``DeviceID``, else the ``deviceid`` field, else ``SubmitterName``.
* ``__lat`` / ``__lon`` / ``__accuracy`` come from the geopoint columns
  ``<path>-Latitude/-Longitude/-Accuracy``, preferring a geopoint named like a
  location (location, localisation, position, gps) and, for repeat records, the
  repeat's own geopoint over its parent's.
* ``__photo`` is the ``photo`` (or ``<group>-photo``, ``image``) answer; when the
  file is found under :attr:`RawTable.media_root` it is the path relative to it.

Repeats: every repeat row becomes a record carrying the columns of its parent
(and grand-parents, for nested repeats), its own columns first, the child's value
winning when names clash; parents with no repeat rows are records themselves.  The repeat files come from
the zip, or, for a CSV on disk, from sibling files ``<stem>-<repeat>.csv`` holding
``PARENT_KEY`` and ``KEY`` (how Briefcase and an unzipped Central export lay them
out).  One :class:`RawTable` is returned per root or repeat file that yields
records; ``__sheet`` names the member file and ``__row`` is the CSV line number in
that file.  Encrypted submissions Central could not decrypt are rejected.

The package, by seam: :mod:`~walktool.readers.odk.sniff` tells Central, Briefcase
and repeat files apart; :mod:`~walktool.readers.odk.tables` loads the CSVs (a
Central zip's members, or a CSV on disk with its sibling repeat files);
:mod:`~walktool.readers.odk.media` extracts and finds attachments;
:mod:`~walktool.readers.odk.records` joins repeat rows to their parents and fills
the reserved columns (with :mod:`~walktool.readers.odk.values` for dates and the
time, position and photo columns); :mod:`~walktool.readers.odk.read` puts it
together.  ``SNIFFERS`` and ``READERS`` are the entries the reader registry
(:mod:`walktool.readers`) looks up in this package.
"""

from __future__ import annotations

from walktool.readers.odk.read import read_briefcase, read_central
from walktool.readers.odk.sniff import (
    CENTRAL_TRAILER,
    is_briefcase_header,
    is_central_header,
    is_repeat_header,
    sniff_briefcase,
    sniff_central,
)
from walktool.readers.odk.tables import glob_escape, repeat_siblings
from walktool.readers.odk.values import parse_java_date, to_iso

__all__ = [
    "CENTRAL_TRAILER",
    "READERS",
    "SNIFFERS",
    "glob_escape",
    "is_briefcase_header",
    "is_central_header",
    "is_repeat_header",
    "parse_java_date",
    "read_briefcase",
    "read_central",
    "repeat_siblings",
    "sniff_briefcase",
    "sniff_central",
    "to_iso",
]

SNIFFERS = {"odk-central": sniff_central, "odk-briefcase": sniff_briefcase}
READERS = {"odk-central": read_central, "odk-briefcase": read_briefcase}
