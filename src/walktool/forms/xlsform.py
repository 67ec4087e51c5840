"""The XLSForm for KoboToolbox and ODK Collect (``walktool protocol export --format xlsform``).

Design
------
**One submission per stop.**  A participant fills one form at each stop of the
walk (a station × zone).  A repeat group "stop" inside one submission per walk
was considered and rejected: Kobo's CSV exports drop repeat groups entirely
(formats.md §1.2), ODK Central splits them into a second CSV that must travel
with the first, and a phone that dies mid-walk would lose the whole walk.  One
flat submission per stop comes back whole from every export mode (CSV or XLSX,
labels or XML values, with or without group names, Central CSV or zip) and
imports as one record.

The form, in order:

* metadata ``start``, ``end``, ``today``, ``deviceid`` (``end`` dates the stop);
* ``observer`` (the participant's name or code; a pseudonym replaces it at import);
* ``line`` then ``station`` (select_one; the station list is filtered on the line
  with ``choice_filter = selected(lines, ${line})``, since a station can serve
  several lines), ``zone``, ``period`` (optional: import derives day or night
  from the time), and an optional geopoint ``location`` (no fix underground);
* one ``field-list`` group per principle, named by its key (``signage`` …), then
  a ``perception`` group; in each, every item under its own key: select_one of
  the item's answer list, ``integer`` with a constraint for counts and metres,
  ``text`` for free text;
* after each item, ``<key>_severity`` (select_one), ``<key>_comment`` (text) and
  ``<key>_photo`` (image), relevant only when the answer is a problem (its score
  is below the protocol's ``problem_below``); perception items get only a
  comment, asked when the answer is not the most comfortable one;
* a stop-level ``comment`` and ``photo``.

Labels and hints are always in French and English (``label::Français (fr)``,
``label::English (en)``); ``default_language`` is the chosen language.  The
form id and version are the protocol's.  Names and labels are those the import
recognises without a mapping (see :mod:`walktool.forms._common`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from walktool.errors import WalktoolError
from walktool.forms._common import (
    CONTEXT_HINTS,
    CONTEXT_LABELS,
    LANGS,
    LANGUAGE_NAMES,
    PERCEPTION_LABEL,
    ProblemRule,
    check_lang,
    companion_label,
    default_severity,
    perception_items,
    principle_items,
    problem_rule,
    station_choices,
)
from walktool.i18n import N_, Phrase
from walktool.protocol import PERCEPTION, Item, Protocol, Text

if TYPE_CHECKING:
    from walktool.stations import StationLayer

FR, EN = LANGUAGE_NAMES["fr"], LANGUAGE_NAMES["en"]
SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{FR}",
    f"label::{EN}",
    f"hint::{FR}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{FR}",
    f"constraint_message::{EN}",
    "appearance",
    "choice_filter",
    "parameters",
)
CHOICES_COLUMNS = ("list_name", "name", f"label::{FR}", f"label::{EN}", "lines")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "instance_name", "style")
METADATA = ("start", "end", "today", "deviceid")
IMAGE_PARAMETERS = "max-pixels=1024"
COUNT_MAX = 100
METRES_MAX = 5000
CONTEXT_LISTS = {"line": "line", "station": "station", "zone": "zone", "period": "period", "severity": "severity"}


@dataclass(frozen=True)
class FormField:
    """One answerable question of the form (groups flattened), in form order.

    Attributes
    ----------
    name
        The question name (an item key, a context name, ``<item>_severity`` …).
    type
        The XLSForm type without its list: ``select_one``, ``integer``, ``text``,
        ``geopoint``, ``image``, ``start`` …
    role
        ``meta``, ``context``, ``item``, ``severity``, ``comment`` or ``photo``.
    group
        Names of the enclosing groups (``("signage",)``), outermost first.
    group_labels
        Their labels.
    label
        The question's label (None for metadata).
    list_name
        The choice list of a select_one.
    item
        The item key this question answers or accompanies.
    """

    name: str
    type: str
    role: str
    group: tuple[str, ...] = ()
    group_labels: tuple[Text, ...] = ()
    label: Text | None = None
    list_name: str | None = None
    item: str | None = None


@dataclass
class XLSForm:
    """An XLSForm as rows (survey, choices, settings) plus the list of its questions."""

    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]
    fields: list[FormField] = field(default_factory=list)

    @property
    def form_id(self) -> str:
        """The form id (the protocol id)."""
        return self.settings["form_id"]

    @property
    def version(self) -> str:
        """The form version (the protocol version)."""
        return self.settings["version"]

    def field(self, name: str) -> FormField:
        """The question called ``name`` (KeyError if none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def choice_names(self, list_name: str) -> list[str]:
        """Choice names of a list, in order."""
        return [c["name"] for c in self.choices if c["list_name"] == list_name]

    def choice_label(self, list_name: str, name: str, lang: str = "fr") -> str:
        """The label of a choice in ``lang`` (KeyError if the list has no such choice)."""
        column = f"label::{LANGUAGE_NAMES[lang]}"
        for c in self.choices:
            if c["list_name"] == list_name and c["name"] == name:
                return c[column]
        raise KeyError(f"{list_name}/{name}")


def _labels(text: Text | None, column: str = "label") -> dict[str, str]:
    if text is None:
        return {}
    return {f"{column}::{LANGUAGE_NAMES[lang]}": text.get(lang) for lang in LANGS}


def _row(
    type_: str, name: str, label: Text | None = None, hint: Text | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    row = {"type": type_, "name": name, **_labels(label), **_labels(hint, "hint")}
    row.update({k: v for k, v in (extra or {}).items() if v})
    return row


def _item_hint(item: Item) -> Text | None:
    unit = item.answer.unit
    if item.hint is None and not unit:
        return None
    fr = item.hint.fr if item.hint else ""
    en = item.hint.en if item.hint else ""
    if unit:
        fr = f"{fr} (en {unit})".strip()
        en = f"{en} (in {unit})".strip()
    return Text(fr, en)


def _severity_hint(protocol: Protocol, item: Item, rule: ProblemRule) -> Text:
    """What an empty severity becomes at import (the answer's or the item's default)."""
    defaults = sorted({default_severity(item, v) for v in rule.choices} or {default_severity(item)})

    def names(lang: str) -> str:
        return " / ".join(protocol.severities.label(d, lang).lower() for d in defaults)

    return Text(
        f"Laissez vide pour la gravité par défaut de cette réponse ({names('fr')}).",
        f"Leave empty for this answer's default severity ({names('en')}).",
    )


def build_xlsform(protocol: Protocol, stations: StationLayer, *, lang: str = "fr") -> XLSForm:
    """Build the walk's XLSForm from a protocol and a stations layer.

    Parameters
    ----------
    protocol
        The checklist (items, answer lists, principles, context vocabularies).
    stations
        The stations layer; its stations (and lines) become the ``station``
        (and ``line``) choices.
    lang
        The form's default language, ``fr`` or ``en``; labels are always in both.

    Returns
    -------
    XLSForm
        Rows of the survey, choices and settings sheets, and the questions.

    Examples
    --------
    >>> from walktool.protocol import load_protocol, default_protocol_path
    >>> from walktool.stations import builtin_stations
    >>> form = build_xlsform(load_protocol(default_protocol_path()), builtin_stations())
    >>> form.settings["form_id"], form.settings["default_language"]
    ('stm-exploratory-walk', 'Français (fr)')
    >>> form.field("dark_corners_severity").group
    ('visibility',)
    """
    check_lang(lang)
    survey: list[dict[str, str]] = []
    choices: list[dict[str, str]] = []
    fields: list[FormField] = []
    group: list[tuple[str, Text]] = []

    def add(row: dict[str, str], role: str, *, label: Text | None = None, list_name: str | None = None, item: str | None = None) -> None:
        survey.append(row)
        base = row["type"].split()[0]
        fields.append(
            FormField(
                row["name"], base, role, tuple(g for g, _ in group), tuple(t for _, t in group), label, list_name, item
            )
        )

    def add_choice(list_name: str, name: str, label: Text, **extra: str) -> None:
        choices.append({"list_name": list_name, "name": name, **_labels(label), **extra})

    # -- answer lists ---------------------------------------------------------------
    answer_lists: dict[str, str] = {}
    for item in protocol.items:
        at = item.answer
        if at.choices and at.key not in answer_lists:
            list_name = at.key if at.key not in CONTEXT_LISTS.values() else f"answer_{at.key}"
            answer_lists[at.key] = list_name
            for c in at.choices:
                add_choice(list_name, c.value, c.label)
    for vocab, list_name in ((protocol.zones, "zone"), (protocol.periods, "period"), (protocol.severities, "severity")):
        for c in vocab.choices:
            add_choice(list_name, c.value, c.label)
    lines, station_list = station_choices(stations)
    for line in lines:
        add_choice("line", line.name, line.label)
    for st in station_list:
        add_choice("station", st.name, Text(st.label, st.label), lines=" ".join(st.lines))

    # -- metadata and context ---------------------------------------------------------
    for meta in METADATA:
        add({"type": meta, "name": meta}, "meta")

    def context(type_: str, name: str, list_name: str | None = None, **extra: str) -> None:
        label = CONTEXT_LABELS[name]
        full_type = f"{type_} {list_name}" if list_name else type_
        add(_row(full_type, name, label, CONTEXT_HINTS.get(name), extra), "context", label=label, list_name=list_name)

    context("text", "observer", required="yes")
    if lines:
        context("select_one", "line", "line", required="yes")
        context("select_one", "station", "station", required="yes", choice_filter="selected(lines, ${line})")
    else:
        context("select_one", "station", "station", required="yes", appearance="autocomplete")
    context("select_one", "zone", "zone", required="yes")
    context("select_one", "period", "period")
    context("geopoint", "location")

    # -- principles and items ---------------------------------------------------------
    def item_rows(item: Item) -> None:
        at = item.answer
        hint = _item_hint(item)
        if at.choices:
            list_name = answer_lists[at.key]
            add(_row(f"select_one {list_name}", item.key, item.label, hint), "item", label=item.label, list_name=list_name, item=item.key)
        elif at.kind in ("count", "number"):
            integer = at.kind == "count" or (at.unit or "").strip().lower() in ("m", "metres", "mètres", "meters")
            upper = COUNT_MAX if at.kind == "count" else METRES_MAX
            message = Text(f"Un nombre entre 0 et {upper}.", f"A number from 0 to {upper}.")
            extra = {"constraint": f". >= 0 and . <= {upper}", **_labels(message, "constraint_message")}
            row = _row("integer" if integer else "decimal", item.key, item.label, hint, extra)
            add(row, "item", label=item.label, item=item.key)
        else:
            row = _row("text", item.key, item.label, hint, {"appearance": "multiline"})
            add(row, "item", label=item.label, item=item.key)
        rule = problem_rule(protocol, item)
        if rule is None:
            return
        relevant = rule.xpath("${" + item.key + "}")
        if item.principle != PERCEPTION:
            label = companion_label("severity", item)
            add(
                _row("select_one severity", f"{item.key}_severity", label, _severity_hint(protocol, item, rule), {"relevant": relevant}),
                "severity",
                label=label,
                list_name="severity",
                item=item.key,
            )
        label = companion_label("comment", item)
        hint = Text("Qu'avez-vous remarqué? Où exactement?", "What did you notice? Where exactly?")
        if item.principle == PERCEPTION:
            hint = Text("Pourquoi? Qu'est-ce qui vous fait sentir ainsi?", "Why? What makes you feel this way?")
        add(_row("text", f"{item.key}_comment", label, hint, {"relevant": relevant}), "comment", label=label, item=item.key)
        if item.principle != PERCEPTION:
            label = companion_label("photo", item)
            add(
                _row("image", f"{item.key}_photo", label, None, {"relevant": relevant, "parameters": IMAGE_PARAMETERS}),
                "photo",
                label=label,
                item=item.key,
            )

    def begin(name: str, label: Text) -> None:
        survey.append(_row("begin_group", name, label, None, {"appearance": "field-list"}))
        group.append((name, label))

    def end(name: str) -> None:
        survey.append({"type": "end_group", "name": name})
        group.pop()

    for principle in protocol.principles:
        items = principle_items(protocol, principle.key)
        if not items:
            continue
        begin(principle.key, principle.label)
        for item in items:
            item_rows(item)
        end(principle.key)
    perception = perception_items(protocol)
    if perception:
        begin(PERCEPTION, PERCEPTION_LABEL)
        for item in perception:
            item_rows(item)
        end(PERCEPTION)

    comment = CONTEXT_LABELS["comment"]
    add(_row("text", "comment", comment, CONTEXT_HINTS["comment"], {"appearance": "multiline"}), "context", label=comment)
    photo = CONTEXT_LABELS["photo"]
    add(_row("image", "photo", photo, CONTEXT_HINTS["photo"], {"parameters": IMAGE_PARAMETERS}), "context", label=photo)

    settings = {
        "form_title": protocol.title.get(lang),
        "form_id": protocol.id,
        "version": protocol.version,
        "default_language": LANGUAGE_NAMES[lang],
        "instance_name": "concat(${station}, ' – ', ${zone}, ' – ', ${today})",
        "style": "pages",
    }
    return XLSForm(survey, choices, settings, fields)


def write_xlsform(
    protocol: Protocol, stations: StationLayer, path: str | Path, *, lang: str = "fr"
) -> XLSForm:
    """Write the walk's XLSForm (``survey``, ``choices``, ``settings`` sheets) to ``path``.

    Parameters
    ----------
    protocol
        The checklist.
    stations
        The stations layer offered in the ``station`` question.
    path
        The ``.xlsx`` file to write (its folder is created when missing).
    lang
        The form's default language (``fr`` or ``en``).

    Returns
    -------
    XLSForm
        The form that was written.
    """
    form = build_xlsform(protocol, stations, lang=lang)
    save_xlsform(form, path)
    return form


def save_xlsform(form: XLSForm, path: str | Path) -> Path:
    """Write an already-built form to ``path`` (its folder is created when missing)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    group_fill = PatternFill("solid", fgColor="FFF2CC")
    sheets: list[tuple[str, tuple[str, ...], list[dict[str, str]]]] = [
        ("survey", SURVEY_COLUMNS, form.survey),
        ("choices", CHOICES_COLUMNS, form.choices),
        ("settings", SETTINGS_COLUMNS, [form.settings]),
    ]
    widths = {"type": 22, "name": 26, "list_name": 18, "relevant": 30, "constraint": 22, "choice_filter": 24}
    for n, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            ws.append([row.get(c) or None for c in columns])
            if row.get("type", "").startswith(("begin_group", "end_group")):
                for cell in ws[ws.max_row]:
                    cell.fill = group_fill
        ws.freeze_panes = "C2" if title != "settings" else "A2"
        for i, column in enumerate(columns, 1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = widths.get(column, 40 if column.startswith(("label", "hint")) else 16)
            if column.startswith(("label", "hint", "constraint_message")):
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def check_xlsform(source: str | Path | XLSForm) -> list[str]:
    """Run pyxform's converter (no Java, ODK Validate skipped) and return its warnings.

    Raises
    ------
    WalktoolError
        When pyxform rejects the form; the message quotes pyxform's.
    """
    import io

    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    if isinstance(source, XLSForm):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            data = io.BytesIO(save_xlsform(source, Path(tmp) / "form.xlsx").read_bytes())
    else:
        data = io.BytesIO(Path(source).read_bytes())
    warnings: list[str] = []
    try:
        convert(xlsform=data, warnings=warnings, validate=False, file_type=".xlsx")
    except PyXFormError as exc:
        msg = Phrase(N_("pyxform rejects the exported XLSForm: {exc}"), exc=exc)
        raise WalktoolError(msg) from exc
    return warnings
