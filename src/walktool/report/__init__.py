"""What transit staff read, print, act on and hand back: the report workbook and the PDF station brief.

``walktool report`` writes one Excel workbook (openpyxl) per campaign:

========================  ==========================================================================
sheet (fr / en)           content
========================  ==========================================================================
Synthèse / Summary        campaign, dates, walks, participants, stations; station × principle score
                          matrix with a colour scale; bar chart of station scores; feeling shares;
                          the ten most urgent recommendations
*one per station*         key figures, principle scores with a radar chart, the station's ranked
                          recommendations (action, owner, timeframe, status), then its findings,
                          each with the answer in words (« Interphone : présent mais hors
                          service ») and its comment, photo link and thumbnail
Recommandations /         an Excel Table (filters) of every recommendation with the follow-up
Recommendations           columns staff fill in: status (drop-down), owner, due date, note
Observations              every observation, tidy, no participant identity (not even pseudonyms);
                          left out of printing (its print area is its header row); past 10,000
                          observations the findings only, and every observation in
                          ``<stem>-observations.csv`` beside the workbook (the Method sheet says so)
Qualité des données /     rejects and warnings: file, row, column, reason (in the report's language)
Data quality
Méthode / Method          protocol id and version, scoring rule, sample sizes, data credits
========================  ==========================================================================

``walktool report --format pdf`` writes the station brief instead
(:mod:`walktool.report.brief`): one or two Letter pages per station.

Modules: :mod:`~walktool.report.labels` (the words, through the gettext
catalogs of :mod:`walktool.i18n`), :mod:`~walktool.report.cells` (safe cells,
styles, row heights, print set-up), :mod:`~walktool.report.data` (what both
outputs show), :mod:`~walktool.report.summary`, :mod:`~walktool.report.station`,
:mod:`~walktool.report.tables` (the sheets), :mod:`~walktool.report.workbook`
(writing it), :mod:`~walktool.report.brief` and :mod:`~walktool.report.minimap`
(the PDF).

Design choices
--------------
*Printing.*  Every sheet prints on US Letter, landscape, fitted to the page
width, its header rows repeated and its name and page number in the footer.
Every cell is top-aligned, and every row holding wrapped text gets the height
its longest cell needs (:func:`~walktool.report.cells.wrapped_lines`): Excel and
LibreOffice do not grow rows of a streamed workbook by themselves.

*Write-only workbook.*  The whole workbook is written with openpyxl's
``Workbook(write_only=True)``: every sheet streams its rows to a temporary file as
they are appended, so 100,000 observations never exist as 2.5 million cell
objects in memory.

*Status values.*  The status drop-down shows the labels of the report's
language (``proposée, acceptée, rejetée, en cours, réalisée, vérifiée`` or
``proposed, accepted, rejected, in progress, done, verified``).
:mod:`walktool.followup` reads back either language, the stored values
(``in_progress``) and the masculine French forms, accents and case ignored.

*Formula injection.*  Text from the field (comments, answers, file names,
owners, notes …) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written as a string cell with Excel's "quote prefix": it shows and
stays as text, never as a formula.  Characters XML cannot carry are dropped.

*Privacy.*  Participants' names never reach the store, and neither the
workbook nor the brief carries even their pseudonyms.
"""

from __future__ import annotations

from walktool.report.brief import BriefResult, write_brief
from walktool.report.cells import FORMULA_PREFIXES, is_formula_like, sheet_names
from walktool.report.data import ReportError
from walktool.report.labels import (
    REC_COLUMNS,
    REC_TABLE_NAME,
    SHEETS,
    column_label,
    finding_text,
    sheet_label,
    status_label,
)
from walktool.report.workbook import ReportResult, build_report, write_report

__all__ = [
    "FORMULA_PREFIXES",
    "REC_COLUMNS",
    "REC_TABLE_NAME",
    "SHEETS",
    "BriefResult",
    "ReportError",
    "ReportResult",
    "build_report",
    "column_label",
    "finding_text",
    "is_formula_like",
    "sheet_label",
    "sheet_names",
    "status_label",
    "write_brief",
    "write_report",
]
