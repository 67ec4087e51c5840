"""The fillable Excel field sheet (``walktool protocol export --format sheet``).

The workbook, in the chosen language (French or English):

``Instructions``
    How to fill the sheet, the six principles explained, the answer scales.
``Grille`` / ``Checklist``
    One stop a row: participant, date, time, station, zone, period, then one
    column per item (principle by principle, perception last), then a comment
    and a photo file name.  Drop-downs offer the stations, zones, periods and
    every item's answers as labels in the chosen language; counts and metres
    accept whole numbers from 0.
``Constats`` / ``Findings``
    Free observations, one a row: participant, date, time, station, zone,
    principle, question, severity, comment, photo, latitude, longitude.
``Listes`` / ``Lists`` (hidden)
    The drop-down values.
``walktool`` (hidden)
    The layout :mod:`walktool.readers.walktool_sheet` reads back: ``A1`` =
    ``walktool-sheet``, then ``sheet | key row | first data row`` for the two
    data sheets, ``protocol | id | version`` and ``lang | fr``.

Each data sheet has a band row (principles), a hidden *key row* holding the
column keys (item keys and context fields), the labels row, then the data; the
first three rows repeat on every printed page, panes are frozen below the
labels.  Drop-downs warn rather than refuse other values: the import
understands synonyms and both languages anyway.

For paper, the workbook also carries ``Fiche d'arrêt`` / ``Stop form`` (one
stop per Letter portrait page, answers printed as boxes to tick) and
``Constats (papier)`` / ``Findings (paper)`` (ruled rows), from
:mod:`walktool.forms.paper`.  Every sheet prints on US Letter: the instructions
and paper sheets portrait, the checklist landscape on three pages' width with
its context columns repeated, the findings landscape on one.  Every text comes
from the gettext catalogs (:mod:`walktool.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.forms._common import (
    CONTEXT_LABELS,
    PERCEPTION_LABEL,
    check_lang,
    ordered_items,
    perception_items,
)
from walktool.forms.paper import PRINCIPLE_COLOURS, add_paper_sheets
from walktool.i18n import N_, NC_, Msg, translator
from walktool.protocol import PERCEPTION, Item, Protocol, Text
from walktool.textnorm import fold

if TYPE_CHECKING:
    from walktool.stations import StationLayer

META_SHEET = "walktool"
MARKER = "walktool-sheet"
BAND_ROW = 1
KEY_ROW = 2
LABEL_ROW = 3
FIRST_DATA_ROW = 4
DEFAULT_ROWS = 200

SHEET_NAMES: dict[str, Msg] = {
    "instructions": NC_("sheet", "Instructions"),
    "stop_form": NC_("sheet", "Stop form"),
    "findings_paper": NC_("sheet", "Findings (paper)"),
    "checklist": NC_("sheet", "Checklist"),
    "findings": NC_("sheet", "Findings"),
    "lists": NC_("sheet", "Lists"),
}
PRINT_ROWS = 25
"""Data rows of the checklist and findings sheets that print (the rest are for typing)."""
CHECKLIST_CONTEXT = ("observer", "date", "time", "station", "zone", "period")
CHECKLIST_TAIL = ("comment", "photo")
FINDINGS_COLUMNS = (
    "observer", "date", "time", "station", "zone", "principle", "item", "severity", "comment", "photo", "lat", "lon",
)
_PHOTO_LABEL = Text("Fichier photo", "Photo file")  # must fold to the photo column of walktool.columns
_BAND_STOP = N_("Stop")
_BAND_END = N_("Notes")
_FINDINGS_TITLE = N_("Free findings: one problem a row (name the question or, failing that, the principle)")
_PRINCIPLE_COLOURS = PRINCIPLE_COLOURS
_WIDTHS = {
    "observer": 16, "date": 12, "time": 8, "station": 24, "zone": 22, "period": 13, "comment": 40,
    "photo": 18, "principle": 30, "item": 45, "severity": 12, "lat": 11, "lon": 11,
}


@dataclass(frozen=True)
class SheetColumn:
    """One column of a data sheet.

    Attributes
    ----------
    key
        What the hidden key row holds: an item key or a context field name.
    label
        The header shown to people.
    band
        The principle key the column belongs to (``stop`` and ``notes`` for the others).
    """

    key: str
    label: Text
    band: str


@dataclass
class FieldSheet:
    """Where things are in a written field sheet (what tests and generators fill).

    Attributes
    ----------
    path
        The workbook.
    lang
        Its language.
    checklist, findings
        The names of the two data sheets.
    checklist_columns, findings_columns
        Their columns, in order (column 1 first).
    key_row, first_data_row
        The hidden key row and the first data row of both data sheets.
    """

    path: Path
    lang: str
    checklist: str
    findings: str
    checklist_columns: list[SheetColumn] = field(default_factory=list)
    findings_columns: list[SheetColumn] = field(default_factory=list)
    key_row: int = KEY_ROW
    first_data_row: int = FIRST_DATA_ROW

    def column_index(self, sheet: str, key: str) -> int:
        """1-based column number of ``key`` in the ``checklist`` or ``findings`` sheet."""
        columns = self.checklist_columns if sheet == "checklist" else self.findings_columns
        for n, col in enumerate(columns, 1):
            if col.key == key:
                return n
        raise KeyError(key)


def checklist_columns(protocol: Protocol) -> list[SheetColumn]:
    """The checklist's columns: context, every item, then comment and photo."""
    cols = [SheetColumn(k, CONTEXT_LABELS[k], "stop") for k in CHECKLIST_CONTEXT]
    cols += [SheetColumn(i.key, i.label, i.principle) for i in ordered_items(protocol)]
    cols += [SheetColumn("comment", CONTEXT_LABELS["comment"], "notes"), SheetColumn("photo", _PHOTO_LABEL, "notes")]
    return cols


def findings_columns() -> list[SheetColumn]:
    """The findings sheet's columns."""
    return [SheetColumn(k, _PHOTO_LABEL if k == "photo" else CONTEXT_LABELS[k], "finding") for k in FINDINGS_COLUMNS]


# ---------------------------------------------------------------------------
# Instructions
# ---------------------------------------------------------------------------

_HOW_TO: tuple[str, ...] = (
    N_("Fill in the “{checklist}” sheet: one row per stop (a station and a zone) and per participant."),
    N_("Pick the station, the zone and the period (day or evening) from the drop-down lists. Date as YYYY-MM-DD, time as HH:MM."),
    N_("Answer each question with its drop-down list. Leave the cell empty if you could not observe. Counts and distances (in metres) are whole numbers."),
    N_("Write in “Comment” anything you want to add about the stop, and in “Photo” the file name of the photo taken there (e.g. IMG_0412.jpg)."),
    N_("Any other problem goes in the “{findings}” sheet: one row per finding, with the station, the zone, the principle or question it concerns, the severity, a comment and, if possible, the photo and the position (latitude and longitude)."),
    N_("Your name is only used to link your answers together: it is replaced by a pseudonym on import and never kept."),
    N_("On paper, print the “{stop_form}” sheet (one Letter page per stop: tick the answers) and the “{findings_paper}” sheet (ruled rows), then type the answers into “{checklist}” and “{findings}”."),
    N_("Do not rename the sheets or delete the header rows: walktool uses them to read the file back (walktool import file.xlsx)."),
)
_TEXTS: dict[str, str] = {
    "how": N_("How to fill in this sheet"),
    "principles": N_("The six principles of safe design"),
    "perception": N_("How you feel (comfortable, uncomfortable, frightened) and “would you come here alone at night?” are recorded separately and do not enter the scores."),
    "severity": N_("Severity of a finding"),
    "severity_help": N_("Low: minor nuisance · Medium: should be fixed · High: undermines safety · Critical: immediate danger, report it at once."),
    "zones": N_("Zones of a station"),
    "questions": N_("questions"),
    "source": N_("Sheet generated by walktool from protocol"),
}


def _instructions(ws: Any, protocol: Protocol, lang: str, names: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    tr = translator(lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    row = 1

    def put(a: str, b: str = "", *, bold: bool = False, size: int | None = None, fill: str | None = None) -> None:
        nonlocal row
        ca = ws.cell(row=row, column=1, value=a or None)
        cb = ws.cell(row=row, column=2, value=b or None)
        for cell in (ca, cb):
            cell.alignment = wrap
            if bold or size:
                cell.font = Font(bold=bold, size=size or 11)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
        row += 1

    put(protocol.title.get(lang), bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    if protocol.description is not None:
        put("", protocol.description.get(lang))
    put(f"{tr.gettext(_TEXTS['source'])} {protocol.id} {protocol.version}")
    row += 1
    put(tr.gettext(_TEXTS["how"]), bold=True, size=12)
    for n, step in enumerate(_HOW_TO, 1):
        put(f"{n}.", tr.gettext(step).format(**names))
    row += 1
    put(tr.gettext(_TEXTS["principles"]), bold=True, size=12)
    for n, principle in enumerate(protocol.principles):
        count = sum(1 for i in protocol.items if i.principle == principle.key)
        colour = _PRINCIPLE_COLOURS[n % len(_PRINCIPLE_COLOURS)]
        put(principle.label.get(lang), f"{principle.description.get(lang)} ({count} {tr.gettext(_TEXTS['questions'])})", bold=False, fill=colour)
    if perception_items(protocol):
        put(PERCEPTION_LABEL.get(lang), tr.gettext(_TEXTS["perception"]), fill=_PRINCIPLE_COLOURS[-1])
    row += 1
    put(tr.gettext(_TEXTS["zones"]), bold=True, size=12)
    for c in protocol.zones.choices:
        put(c.label.get(lang))
    row += 1
    put(tr.gettext(_TEXTS["severity"]), tr.gettext(_TEXTS["severity_help"]), bold=False)
    ws.cell(row=row - 1, column=1).font = Font(bold=True)


# ---------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------


def _answer_labels(item: Item, lang: str) -> list[str]:
    return [c.label.get(lang) for c in item.answer.choices]


def _print_setup(ws: Any, *, title_rows: str | None, orientation: str = "landscape", pages_wide: int = 1) -> None:
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER  # the paper of Québec offices
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A – &P / &N"
    if title_rows:
        ws.print_title_rows = title_rows


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_field_sheet(
    protocol: Protocol,
    stations: StationLayer,
    path: str | Path,
    *,
    lang: str = "fr",
    rows: int = DEFAULT_ROWS,
    stops: Sequence[Mapping[str, Any]] = (),
    findings: Sequence[Mapping[str, Any]] = (),
    paper_stops: int = 1,
) -> FieldSheet:
    """Write the fillable field sheet (Excel) for a protocol and a stations layer.

    Parameters
    ----------
    protocol
        The checklist.
    stations
        The stations layer offered in the station drop-downs.
    path
        The ``.xlsx`` file to write (its folder is created when missing).
    lang
        The language of the instructions, headers and drop-downs (``fr`` or ``en``).
    rows
        How many rows of each data sheet get drop-downs.
    stops, findings
        Optional rows to pre-fill (for demos and tests), as mappings from column
        key (``station``, ``zone``, ``observer``, ``date``, ``time``, an item key,
        ``principle``, ``item``, ``severity`` …) to a value.  Stored values (choice
        values, zone and severity codes, station ids) are written as their labels
        in ``lang``; anything else is written as given.
    paper_stops
        How many stop pages the paper stop form prints (numbered when more than one).

    Returns
    -------
    FieldSheet
        Where the data sheets, key row and first data row are.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from walktool.protocol import load_protocol, default_protocol_path
    >>> from walktool.stations import builtin_stations
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "sheet.xlsx"
    >>> sheet = write_field_sheet(load_protocol(default_protocol_path()), builtin_stations(), out, lang="en")
    >>> sheet.checklist, sheet.column_index("checklist", "station")
    ('Checklist', 4)
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    check_lang(lang)
    path = Path(path)
    tr = translator(lang)
    names = {k: tr.text(v) for k, v in SHEET_NAMES.items()}
    layout = FieldSheet(path, lang, names["checklist"], names["findings"], checklist_columns(protocol), findings_columns())
    items = {i.key: i for i in protocol.items}
    scored_items = [i for i in ordered_items(protocol) if i.principle != PERCEPTION and i.kind != "text"]

    wb = Workbook()
    ws_info = wb.active
    assert ws_info is not None
    ws_info.title = names["instructions"]
    ws_check = wb.create_sheet(names["checklist"])
    ws_find = wb.create_sheet(names["findings"])
    ws_lists = wb.create_sheet(names["lists"])
    ws_meta = wb.create_sheet(META_SHEET)

    # -- lists ----------------------------------------------------------------------
    station_names = sorted((str(n) for n in stations.stations["name"]), key=fold)
    lists: dict[str, list[str]] = {
        "station": station_names,
        "zone": [c.label.get(lang) for c in protocol.zones.choices],
        "period": [c.label.get(lang) for c in protocol.periods.choices],
        "severity": [c.label.get(lang) for c in protocol.severities.choices],
        "principle": [p.label.get(lang) for p in protocol.principles],
        "item": [i.label.get(lang) for i in scored_items],
    }
    for item in protocol.items:
        if item.answer.choices:
            lists.setdefault(f"answer:{item.answer.key}", _answer_labels(item, lang))
    refs: dict[str, str] = {}
    for n, (name, values) in enumerate(lists.items(), 1):
        letter = get_column_letter(n)
        ws_lists.cell(row=1, column=n, value=name).font = Font(bold=True)
        for r, value in enumerate(values, 2):
            ws_lists.cell(row=r, column=n, value=value)
        ws_lists.column_dimensions[letter].width = 30
        refs[name] = f"{quote_sheetname(names['lists'])}!${letter}$2:${letter}${len(values) + 1}"
    ws_lists.sheet_state = "hidden"

    # -- data sheets ---------------------------------------------------------------------
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    band_fill = {p.key: _PRINCIPLE_COLOURS[n % len(_PRINCIPLE_COLOURS)] for n, p in enumerate(protocol.principles)}
    band_fill[PERCEPTION] = _PRINCIPLE_COLOURS[-1]
    band_labels: dict[str, str] = {p.key: p.label.get(lang) for p in protocol.principles}
    band_labels[PERCEPTION] = PERCEPTION_LABEL.get(lang)
    band_labels["stop"] = tr.gettext(_BAND_STOP)
    band_labels["notes"] = tr.gettext(_BAND_END)
    last_row = FIRST_DATA_ROW + max(rows, len(stops), len(findings)) - 1

    def validation(ws: Any, letter: str, dv: Any, title: str, prompt: str) -> None:
        dv.error = tr.gettext("Value not in the list: please check it.")
        dv.errorTitle = "walktool"
        dv.errorStyle = "warning"
        dv.showErrorMessage = True
        if prompt:
            dv.promptTitle = _truncate(title, 32)
            dv.prompt = _truncate(prompt, 250)
            dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")

    def list_dv(ref: str) -> Any:
        return DataValidation(type="list", formula1=ref, allow_blank=True)

    def column_validation(ws: Any, col: SheetColumn, letter: str) -> None:
        label = col.label.get(lang)
        if col.key in ("station", "zone", "period", "severity", "principle", "item"):
            validation(ws, letter, list_dv(refs[col.key]), label, "")
        elif col.key == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            validation(ws, letter, dv, label, tr.gettext("YYYY-MM-DD"))
        elif col.key == "time":
            dv = DataValidation(type="time", operator="between", formula1="0", formula2="0.999988", allow_blank=True)
            validation(ws, letter, dv, label, "HH:MM")
        elif col.key in ("lat", "lon"):
            bound = 90 if col.key == "lat" else 180
            dv = DataValidation(type="decimal", operator="between", formula1=str(-bound), formula2=str(bound), allow_blank=True)
            validation(ws, letter, dv, label, tr.gettext("Decimal degrees, e.g. 45.5017") if col.key == "lat" else "")
        elif col.key in items:
            item = items[col.key]
            hint = item.hint.get(lang) if item.hint else ""
            if item.answer.choices:
                validation(ws, letter, list_dv(refs[f"answer:{item.answer.key}"]), label, hint or label)
            elif item.kind in ("count", "number"):
                dv = DataValidation(type="whole" if item.kind == "count" else "decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                unit = f" ({item.answer.unit})" if item.answer.unit else ""
                validation(ws, letter, dv, label, (hint or label) + unit)

    def data_sheet(ws: Any, columns: list[SheetColumn], *, band: bool) -> None:
        for n, col in enumerate(columns, 1):
            letter = get_column_letter(n)
            ws.cell(row=KEY_ROW, column=n, value=col.key)
            cell = ws.cell(row=LABEL_ROW, column=n, value=col.label.get(lang))
            cell.font = head_font
            cell.alignment = centre
            cell.border = border
            colour = band_fill.get(col.band, "D9D9D9")
            cell.fill = PatternFill("solid", fgColor=colour)
            if col.key in items and items[col.key].hint is not None:
                hint = items[col.key].hint
                assert hint is not None
                cell.comment = Comment(hint.get(lang), "walktool", width=300, height=90)
            ws.column_dimensions[letter].width = _WIDTHS.get(col.key, 17)
            column_validation(ws, col, letter)
            for r in range(FIRST_DATA_ROW, last_row + 1):
                ws.cell(row=r, column=n).border = border
            if col.key == "date":
                for r in range(FIRST_DATA_ROW, last_row + 1):
                    ws.cell(row=r, column=n).number_format = "yyyy-mm-dd"
            elif col.key == "time":
                for r in range(FIRST_DATA_ROW, last_row + 1):
                    ws.cell(row=r, column=n).number_format = "hh:mm"
        ws.row_dimensions[KEY_ROW].hidden = True
        longest = max(len(c.label.get(lang)) for c in columns)
        ws.row_dimensions[LABEL_ROW].height = min(200, 15 * (1 + longest // 14))
        # band row: principle names over their columns (the findings sheet: its title)
        if band:
            runs: list[tuple[str, int, int]] = []
            for n, col in enumerate(columns, 1):
                if runs and runs[-1][0] == col.band:
                    runs[-1] = (col.band, runs[-1][1], n)
                else:
                    runs.append((col.band, n, n))
            for key, first, last in runs:
                cell = ws.cell(row=BAND_ROW, column=first, value=band_labels.get(key, key))
                cell.font = Font(bold=True, size=12)
                cell.alignment = centre
                cell.fill = PatternFill("solid", fgColor=band_fill.get(key, "D9D9D9"))
                if last > first:
                    ws.merge_cells(start_row=BAND_ROW, start_column=first, end_row=BAND_ROW, end_column=last)
        else:
            cell = ws.cell(row=BAND_ROW, column=1, value=tr.gettext(_FINDINGS_TITLE))
            cell.font = Font(bold=True, size=12)
        ws.row_dimensions[BAND_ROW].height = 32
        _print_setup(ws, title_rows=f"{BAND_ROW}:{LABEL_ROW}", pages_wide=3 if band else 1)
        ws.print_area = f"A{BAND_ROW}:{get_column_letter(len(columns))}{min(last_row, FIRST_DATA_ROW + PRINT_ROWS - 1)}"
        if not band:  # rows tall enough to write in by hand
            for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + PRINT_ROWS):
                ws.row_dimensions[r].height = 24

    data_sheet(ws_check, layout.checklist_columns, band=True)
    first_item = len(CHECKLIST_CONTEXT) + 1
    ws_check.freeze_panes = f"{get_column_letter(first_item)}{FIRST_DATA_ROW}"
    ws_check.print_title_cols = f"A:{get_column_letter(first_item - 1)}"  # station, zone … on every page
    data_sheet(ws_find, layout.findings_columns, band=False)
    ws_find.freeze_panes = f"A{FIRST_DATA_ROW}"

    # -- pre-filled rows ---------------------------------------------------------------------
    station_label = {str(s): str(n) for s, n in zip(stations.stations["station_id"], stations.stations["name"], strict=True)}

    def display(key: str, value: Any) -> Any:
        if value is None or isinstance(value, date | datetime | time | int | float):
            return value
        text = str(value)
        if key == "station":
            return station_label.get(text, text)
        vocab = {"zone": protocol.zones, "period": protocol.periods, "severity": protocol.severities}.get(key)
        if vocab is not None:
            return vocab.label(text, lang) if any(c.value == text for c in vocab.choices) else text
        if key == "principle" and any(p.key == text for p in protocol.principles):
            return protocol.principle(text).label.get(lang)
        if key == "item" and text in items:
            return items[text].label.get(lang)
        if key in items and items[key].answer.choice(text) is not None:
            return protocol.answer_label(key, text, lang)
        return text

    for ws, columns, records in ((ws_check, layout.checklist_columns, stops), (ws_find, layout.findings_columns, findings)):
        for r, record in enumerate(records, FIRST_DATA_ROW):
            for n, col in enumerate(columns, 1):
                if col.key in record and record[col.key] not in (None, ""):
                    ws.cell(row=r, column=n, value=display(col.key, record[col.key])).alignment = wrap

    # -- instructions and layout sheet -------------------------------------------------------------
    _instructions(ws_info, protocol, lang, names)
    _print_setup(ws_info, title_rows=None, orientation="portrait")
    ws_info.page_setup.fitToHeight = 0
    add_paper_sheets(wb, protocol, lang, names, stops=paper_stops)
    ws_meta["A1"] = MARKER
    ws_meta.append([names["checklist"], KEY_ROW, FIRST_DATA_ROW])
    ws_meta.append([names["findings"], KEY_ROW, FIRST_DATA_ROW])
    ws_meta.append(["protocol", protocol.id, protocol.version])
    ws_meta.append(["lang", lang])
    ws_meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return layout
