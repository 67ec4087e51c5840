"""The bundled sample campaigns: a seeded generator of SYNTHETIC walk data.

Everything here is made up.  The generator models the STM exploratory-walk pilot of
November–December 2023 (15 walks through Papineau, Beaudry, Lionel-Groulx,
Berri-UQAM, Bonaventure, Atwater, Jolicoeur and Monk, by day and at night, groups of
5 to 10 participants who each audit several zones of each station) and a follow-up
campaign in autumn 2024 in which some problems were fixed and others persist.  The
sheets come back in the formats facilitators really bring:

* KoboToolbox CSV exports of the walktool form (XML values, group names in headers,
  ``;``, every field quoted; ``reference/formats.md`` §1), the facilitator's copy of
  the form carrying four optional profile questions;
* ODK Central export zips of the same form (``<formId>.csv`` + ``files/``; §2);
* walktool field sheets (``.xlsx``), typed in after a paper walk;
* a facilitator's own French findings table (CSV with a title row, decimal commas,
  loosely spelled station names);
* a few geotagged JPEG photos (EXIF GPS and capture time), one without a fix.

The form, its Kobo and Central export layouts and the field sheet come from
:mod:`walktool.forms` (``build_xlsform``, ``forms.simulate.kobo_csv`` /
``odk_central_csv``, ``write_field_sheet``), so the sample follows walktool's own
forms.  What the walks find is modelled per station and zone (see
:mod:`walktool.sample.model`); one random draw per station, zone and item serves
both campaigns, so that a problem persists unless the follow-up model says it was
fixed.

The same seed always gives the same bytes (zip and workbook timestamps are fixed).
``python -m walktool.sample walks/`` regenerates the repository's ``walks/`` folder;
:func:`import_sample_campaign` imports it into a project (what ``walktool demo`` runs).

The package, by concern:

* :mod:`~walktool.sample.plan` the campaigns, stations, zones and walk plans;
  :mod:`~walktool.sample.model` what each station is like (problem probabilities);
  :mod:`~walktool.sample.texts` the fictitious people and what they write;
* :mod:`~walktool.sample.study` and :mod:`~walktool.sample.simulate` the simulated
  walks, stops, answers and comments;
* :mod:`~walktool.sample.form` the form and a submission's values;
  :mod:`~walktool.sample.writer` the shared writer state and reproducible zips;
  :mod:`~walktool.sample.exports` (Kobo CSV, ODK Central zip),
  :mod:`~walktool.sample.fieldsheet`, :mod:`~walktool.sample.findings` and
  :mod:`~walktool.sample.photos` one writer per format;
* :mod:`~walktool.sample.generate` the whole run, :mod:`~walktool.sample.manifest`
  its manifest, :mod:`~walktool.sample.readme` ``walks/README.md``;
* :mod:`~walktool.sample.importing` the import into a project,
  :mod:`~walktool.sample.command` ``python -m walktool.sample``.

>>> from walktool.sample import CAMPAIGNS
>>> CAMPAIGNS
('2023-pilot', '2024-followup')
"""

from __future__ import annotations

from walktool.sample.command import main
from walktool.sample.generate import generate_sample_campaign
from walktool.sample.importing import import_sample_campaign
from walktool.sample.manifest import (
    SampleFile,
    SampleManifest,
    SampleWalk,
    default_walks_dir,
    load_manifest,
)
from walktool.sample.model import CHANGES_2024
from walktool.sample.plan import (
    AMBASSADOR_STATIONS,
    CAMPAIGNS,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    KOBO_USER,
    MANIFEST_NAME,
    OUTDOOR_ZONES,
    STATION_ZONES,
    TIMEZONE,
)
from walktool.sample.texts import HOSTILE_COMMENTS

__all__ = [
    "AMBASSADOR_STATIONS",
    "CAMPAIGNS",
    "CHANGES_2024",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "HOSTILE_COMMENTS",
    "KOBO_USER",
    "MANIFEST_NAME",
    "OUTDOOR_ZONES",
    "STATION_ZONES",
    "TIMEZONE",
    "SampleFile",
    "SampleManifest",
    "SampleWalk",
    "default_walks_dir",
    "generate_sample_campaign",
    "import_sample_campaign",
    "load_manifest",
    "main",
]
