"""The station report workbook: what transit staff read, print, act on and hand back.

``walktool report`` writes one Excel workbook (openpyxl) per campaign:

========================  =========================  ==========================================
sheet (fr)                sheet (en)                 content
========================  =========================  ==========================================
Synthèse                  Summary                    campaign, dates, walks, participants,
                                                     stations; station × principle score matrix
                                                     with a colour scale; bar chart of station
                                                     scores; feeling shares; the ten most urgent
                                                     recommendations
*one per station*         *one per station*          header card, principle scores with a radar
                                                     chart, findings (photo link and thumbnail),
                                                     the station's recommendations
Recommandations           Recommendations            an Excel Table (filters) of every
                                                     recommendation with the follow-up columns
                                                     staff fill in: status (drop-down), owner,
                                                     due date, note
Observations              Observations               every observation, tidy, no participant
                                                     identity (not even pseudonyms)
Qualité des données       Data quality               rejects and warnings: file, row, column,
                                                     reason
Méthode                   Method                     protocol id and version, scoring rule,
                                                     sample sizes, data credits
========================  =========================  ==========================================

Design choices
--------------
*Write-only workbook.*  The whole workbook is written with openpyxl's
``Workbook(write_only=True)``: every sheet streams its rows to a temporary file as
they are appended, so 100,000 observations never exist as 2.5 million cell
objects in memory.  What a write-only sheet supports is enough for the report:
charts (``add_chart``), images (``add_image``), tables (``add_table``, with the
columns declared by hand), data validation (``ws.data_validations``),
conditional formatting, hyperlinks on :func:`~openpyxl.cell.WriteOnlyCell`,
frozen panes, column widths and print set-up (all set before the first row).

*Status values.*  The status drop-down shows the labels of the report's
language (``proposée, acceptée, rejetée, en cours, réalisée, vérifiée`` or
``proposed, accepted, rejected, in progress, done, verified``).
:mod:`walktool.followup` reads back either language, the stored values
(``in_progress``) and the masculine French forms, accents and case ignored, so
a French workbook filled in by an English-speaking manager (or the other way
round) still imports.

*Formula injection.*  Text from the field (comments, answers, file names,
owners, notes …) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written as a string cell with Excel's "quote prefix": it shows and
stays as text, never as a formula.  Characters XML cannot carry are dropped.

*Privacy.*  Participants' names never reach the store, and the workbook does not
even carry their pseudonyms: it circulates beyond the research team.
Researchers who need per-participant data use ``walktool export``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.recommend import STATUSES

if TYPE_CHECKING:
    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

Label = tuple[str, str]
"""A (French, English) pair."""

SHEET_LABELS: dict[str, Label] = {
    "summary": ("Synthèse", "Summary"),
    "recommendations": ("Recommandations", "Recommendations"),
    "observations": ("Observations", "Observations"),
    "quality": ("Qualité des données", "Data quality"),
    "method": ("Méthode", "Method"),
}
STATUS_LABELS: dict[str, Label] = {
    "proposed": ("proposée", "proposed"),
    "accepted": ("acceptée", "accepted"),
    "rejected": ("rejetée", "rejected"),
    "in_progress": ("en cours", "in progress"),
    "done": ("réalisée", "done"),
    "verified": ("vérifiée", "verified"),
}
assert tuple(STATUS_LABELS) == STATUSES
TIMEFRAME_LABELS: dict[str, Label] = {
    "immediate": ("immédiat", "immediate"),
    "short": ("court terme (< 3 mois)", "short term (< 3 months)"),
    "medium": ("moyen terme (3–12 mois)", "medium term (3–12 months)"),
    "long": ("long terme (> 12 mois)", "long term (> 12 months)"),
}
TYPE_LABELS: dict[str, Label] = {
    "quick_win": ("gain rapide", "quick win"),
    "operations": ("exploitation", "operations"),
    "capital": ("immobilisation", "capital"),
}
PRINCIPLE_SHORT: dict[str, Label] = {
    "signage": ("Signalisation", "Signage"),
    "visibility": ("Visibilité", "Visibility"),
    "liveliness": ("Achalandage", "Liveliness"),
    "help": ("Accès à l'aide", "Access to help"),
    "maintenance": ("Entretien", "Maintenance"),
    "community": ("Action collective", "Acting together"),
}
REC_TABLE_NAME = "Recommendations"
"""The ``displayName`` of the Excel Table on the Recommendations sheet."""
REC_COLUMNS: tuple[tuple[str, Label, float], ...] = (
    ("rank", ("Rang", "Rank"), 7),
    ("id", ("Id", "Id"), 13),
    ("station", ("Station", "Station"), 24),
    ("zone", ("Zone", "Zone"), 12),
    ("principle", ("Principe", "Principle"), 17),
    ("finding", ("Constat", "Finding"), 30),
    ("severity", ("Gravité", "Severity"), 10),
    ("priority", ("Priorité", "Priority"), 9),
    ("action", ("Action", "Action"), 60),
    ("responsible", ("Responsable", "Responsible party"), 26),
    ("timeframe", ("Échéancier", "Timeframe"), 17),
    ("type", ("Type", "Type"), 14),
    ("status", ("Statut", "Status"), 13),
    ("owner", ("Porteur du dossier", "Owner"), 20),
    ("due_date", ("Date d'échéance", "Due date"), 13),
    ("note", ("Note", "Note"), 40),
)
"""Key, header (fr, en) and width of each Recommendations column, in order."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these is written as a quote-prefixed string, never a formula."""
THUMBNAIL_PX = (120, 80)
MAX_THUMBNAILS_PER_STATION = 40
EXCEL_MAX_ROWS = 1_048_576
SCORE_COLOURS = ("F8696B", "FFEB84", "63BE7B")  # 0 red, 50 yellow, 100 green

_L: dict[str, Label] = {
    "title": ("Marches exploratoires de sécurité — rapport", "Exploratory safety walks — report"),
    "campaign": ("Campagne", "Campaign"),
    "project": ("Projet", "Project"),
    "dates": ("Dates (première, dernière)", "Dates (first, last)"),
    "walks": ("Marches", "Walks"),
    "participants": ("Participant·es", "Participants"),
    "stations": ("Stations", "Stations"),
    "observations": ("Observations", "Observations"),
    "findings": ("Constats", "Findings"),
    "recommendations": ("Recommandations", "Recommendations"),
    "network_score": ("Score du réseau (0–100)", "Network score (0–100)"),
    "generated": ("Produit le", "Generated on"),
    "matrix": (
        "Scores par station et par principe (0 = chaque réponse signale un problème, 100 = aucun), du plus bas au plus haut",
        "Scores by station and principle (0 = every answer a problem, 100 = none), lowest first",
    ),
    "station": ("Station", "Station"),
    "station_id": ("Identifiant", "Station id"),
    "score": ("Score", "Score"),
    "score_100": ("Score (0–100)", "Score (0–100)"),
    "confidence": ("Fiabilité", "Confidence"),
    "low_confidence": ("⚠ peu fiable : moins de {n} participant·es", "⚠ low confidence: fewer than {n} participants"),
    "chart_scores": ("Score par station (0–100)", "Score by station (0–100)"),
    "chart_radar": ("Scores par principe (0–100)", "Scores by principle (0–100)"),
    "feelings": ("Ressenti des participant·es (n'entre pas dans les scores)", "How participants felt (not part of the scores)"),
    "answers": ("Réponses", "Answers"),
    "comfortable": ("À l'aise", "Comfortable"),
    "uncomfortable": ("Mal à l'aise", "Uncomfortable"),
    "frightening": ("Effrayé·e", "Frightened"),
    "not_alone": ("Ne viendrait pas seul·e le soir", "Would not come alone at night"),
    "all_stations": ("Toutes les stations", "All stations"),
    "top": ("Les dix recommandations les plus urgentes", "The ten most urgent recommendations"),
    "no_recs": ("Aucun constat, donc aucune recommandation.", "No findings, so no recommendations."),
    "principle": ("Principe", "Principle"),
    "zone": ("Zone", "Zone"),
    "item": ("Élément", "Item"),
    "item_label": ("Élément (libellé)", "Item (label)"),
    "severity": ("Gravité", "Severity"),
    "period": ("Période", "Period"),
    "date": ("Date", "Date"),
    "comment": ("Commentaire", "Comment"),
    "photo": ("Photo", "Photo"),
    "thumbnail": ("Aperçu", "Preview"),
    "hotspots": ("Zones les plus touchées", "Zones with the most findings"),
    "findings_by_sev": ("critique {critical} · élevée {high} · moyenne {medium} · faible {low}", "critical {critical} · high {high} · medium {medium} · low {low}"),
    "no_findings": ("Aucun constat dans cette station.", "No findings at this station."),
    "station_recs": (
        "Recommandations ({n}) — le suivi (statut, porteur, échéance, note) se remplit dans la feuille « {sheet} »",
        "Recommendations ({n}) — fill in the follow-up (status, owner, due date, note) in the “{sheet}” sheet",
    ),
    "back": ("← Synthèse", "← Summary"),
    "photos_capped": ("(aperçus limités aux {n} premières photos)", "(previews limited to the first {n} photos)"),
    "obs_id": ("Id observation", "Observation id"),
    "walk": ("Marche", "Walk"),
    "local_time": ("Date et heure (locales)", "Local date and time"),
    "answer": ("Réponse (code)", "Answer (code)"),
    "answer_score": ("Score de la réponse (0–1)", "Answer score (0–1)"),
    "is_na": ("Sans objet", "Not applicable"),
    "is_problem": ("Problème", "Problem"),
    "lat": ("Latitude", "Latitude"),
    "lon": ("Longitude", "Longitude"),
    "accuracy": ("Précision (m)", "Accuracy (m)"),
    "location_source": ("Source de la position", "Location source"),
    "format": ("Format", "Format"),
    "source_file": ("Fichier source", "Source file"),
    "source_row": ("Ligne source", "Source row"),
    "level": ("Niveau", "Level"),
    "code": ("Code", "Code"),
    "file": ("Fichier", "File"),
    "sheet": ("Feuille", "Sheet"),
    "row": ("Ligne", "Row"),
    "column": ("Colonne", "Column"),
    "value": ("Valeur", "Value"),
    "reason": ("Raison", "Reason"),
    "error": ("rejet", "reject"),
    "warning": ("avertissement", "warning"),
    "method": ("Méthode", "Method"),
    "protocol": ("Protocole", "Protocol"),
    "protocol_id": ("Identifiant du protocole", "Protocol id"),
    "protocol_version": ("Version du protocole", "Protocol version"),
    "scoring_rule": ("Règle de calcul des scores", "Scoring rule"),
    "priority_rule": ("Priorité des recommandations", "Recommendation priority"),
    "priority_text": (
        "priorité = W(gravité) × (1 + log2 P) × (1 + 0,25 × (K − 1)) × N, où W est le poids de la gravité la plus élevée"
        " (faible 1, moyenne 2, élevée 4, critique 8), P le nombre de participant·es ayant relevé le problème, K le nombre"
        " de marches, N = 1,5 s'il a été relevé le soir. Tout constat critique passe en voie rapide : échéancier immédiat,"
        " classé avant tous les autres.",
        "priority = W(severity) × (1 + log2 P) × (1 + 0.25 × (K − 1)) × N, where W is the weight of the highest severity"
        " (low 1, medium 2, high 4, critical 8), P the participants who flagged it, K the walks, N = 1.5 when seen at"
        " night. Anything critical is on the fast track: immediate timeframe, ranked above everything else.",
    ),
    "low_conf_threshold": ("Seuil de fiabilité (participant·es)", "Low-confidence threshold (participants)"),
    "min_group": ("Taille minimale d'un groupe de profil", "Minimum profile group size"),
    "sample": ("Échantillon", "Sample"),
    "principles": ("Principes", "Principles"),
    "follow_up": ("Suivi des recommandations", "Recommendation follow-up"),
    "follow_up_text": (
        "Remplissez les colonnes Statut (liste : {fr}), Porteur du dossier, Date d'échéance (AAAA-MM-JJ) et Note de la"
        " feuille « {sheet} », puis rendez le fichier : `walktool followup import FICHIER.xlsx` enregistre les changements"
        " avec leur date, et le prochain rapport les reprend. Les statuts sont acceptés en français ou en anglais ({en}).",
        "Fill in the Status (list: {en}), Owner, Due date (YYYY-MM-DD) and Note columns of the “{sheet}” sheet and hand"
        " the file back: `walktool followup import FILE.xlsx` records the changes with their date, and the next report"
        " carries them. Statuses are read in English or French ({fr}).",
    ),
    "privacy": ("Confidentialité", "Privacy"),
    "privacy_text": (
        "Les noms des participant·es ne sont jamais enregistrés (pseudonymes à l'importation) et ce classeur ne contient"
        " pas même leurs pseudonymes. Les profils de moins de {n} personnes ne sont jamais présentés.",
        "Participants' names are never stored (pseudonyms at import) and this workbook does not even carry the"
        " pseudonyms. Profile groups of fewer than {n} people are never shown.",
    ),
    "observations_note": ("Feuille Observations", "Observations sheet"),
    "observations_text": (
        "Une ligne par réponse ou par constat, codes tels qu'enregistrés (clés du protocole), sans identité des participant·es.",
        "One row per answer or finding, codes as stored (protocol keys), without participant identity.",
    ),
    "observations_truncated": (
        "La feuille Observations est limitée à {n} lignes (limite d'Excel) : exportez les données complètes avec `walktool export`.",
        "The Observations sheet is capped at {n} rows (Excel's limit): export the full data with `walktool export`.",
    ),
    "imports": ("Fichiers importés (fichier, format, lignes, acceptées, rejetées)", "Imported files (file, format, rows, accepted, rejected)"),
    "credits": ("Sources et licences", "Data credits"),
    "stations_source": ("Couche des stations : {src}", "Stations layer: {src}"),
    "software": ("Logiciel", "Software"),
    "stm_credit": (
        "Données des stations : Société de transport de Montréal (STM), données GTFS, licence CC BY 4.0",
        "Station data: Société de transport de Montréal (STM), GTFS data, licence CC BY 4.0",
    ),
    "status_prompt": ("Choisissez un statut dans la liste.", "Pick a status from the list."),
    "status_error": ("Statut inconnu : choisissez dans la liste.", "Unknown status: pick one from the list."),
    "date_prompt": ("Une date (AAAA-MM-JJ).", "A date (YYYY-MM-DD)."),
}


class ReportError(WalktoolError):
    """The report cannot be written (no observations, unknown language…)."""


def label(key: str, lang: str, **values: Any) -> str:
    """A report label in ``lang`` (``fr`` or ``en``), formatted with ``values``."""
    text = _pick(_L[key], lang)
    return text.format(**values) if values else text


def _pick(pair: Label, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def status_label(status: str | None, lang: str) -> str:
    """The drop-down label of a stored status (``in_progress`` → ``en cours`` / ``in progress``)."""
    key = status or "proposed"
    return _pick(STATUS_LABELS[key], lang) if key in STATUS_LABELS else key


def principle_label(protocol: Protocol, key: str | None, lang: str) -> str | None:
    """The short name of a principle (``Visibilité``), else its protocol label."""
    if key is None:
        return None
    if key in PRINCIPLE_SHORT:
        return _pick(PRINCIPLE_SHORT[key], lang)
    try:
        return protocol.principle(key).label.get(lang)
    except KeyError:
        return key


# -- sheet names ---------------------------------------------------------------------
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names for ``names``, in order (deterministic).

    Excel forbids ``[ ] : * ? / \\``, a leading or trailing apostrophe, more than
    31 characters and two names differing only by case.  Forbidden characters
    become ``-``; long names are cut at 31 characters; a name already taken (or in
    ``reserved``) gets `` (2)``, `` (3)`` … within the 31 characters.

    >>> sheet_names(["Longueuil–Université-de-Sherbrooke", "Square-Victoria–OACI"])
    ['Longueuil–Université-de-Sherbro', 'Square-Victoria–OACI']
    >>> sheet_names(["A/B", "a-b"])
    ['A-B', 'a-b (2)']
    """
    used = {r.casefold() for r in reserved} | {"history"}  # "History" is reserved by Excel
    out = []
    for raw in names:
        base = _BAD_SHEET_CHARS.sub("-", str(raw)).strip().strip("'").strip() or "Station"
        base = base[:31].rstrip().rstrip("'")
        candidate, n = base, 2
        while candidate.casefold() in used:
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)].rstrip().rstrip("'") + suffix
            n += 1
        used.add(candidate.casefold())
        out.append(candidate)
    return out


# -- cells -----------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A value openpyxl can write: None for NaN / NA, Python scalars for numpy ones."""
    if value is None or isinstance(value, str | bool | int | dt.date | dt.time):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        try:
            return _plain(value.item())
        except (ValueError, TypeError):
            return str(value)
    return value


def _clean_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _set_value(cell: Any, value: Any) -> None:
    """Put ``value`` in ``cell``; text that Excel would read as a formula stays text."""
    value = _plain(value)
    if isinstance(value, str):
        value = _clean_text(value)
        cell.value = value
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` for a formula."""
    return text.startswith(FORMULA_PREFIXES)


class _Styles:
    """The report's fonts, fills and alignments, created once per workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.title = Font(bold=True, size=15, color="1F3864")
        self.subtitle = Font(italic=True, color="595959")
        self.section = Font(bold=True, size=12, color="1F3864")
        self.header = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="1F4E78")
        self.bold = Font(bold=True)
        self.italic = Font(italic=True, color="595959")
        self.link = Font(color="0563C1", underline="single")
        self.warn = Font(color="C00000")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.header_align = Alignment(wrap_text=True, vertical="center")
        self.card_fill = PatternFill("solid", fgColor="F2F2F2")
        self.box = Border(bottom=Side(style="thin", color="BFBFBF"))
        sev = {"critical": "C00000", "high": "E26B0A", "medium": "BF8F00", "low": "548235"}
        self.severity = {k: Font(bold=True, color=v) for k, v in sev.items()}


class _Sheet:
    """A write-only worksheet with a row counter, widths, frozen panes and print set-up."""

    def __init__(
        self,
        book: _Book,
        title: str,
        widths: Sequence[float],
        *,
        freeze: str | None = "A2",
        title_rows: str | None = "1:1",
    ) -> None:
        from openpyxl.utils import get_column_letter

        ws = book.wb.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if freeze:
            ws.freeze_panes = freeze
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 1  # US Letter, the paper of Québec offices
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        if title_rows:
            ws.print_title_rows = title_rows
        self.ws = ws
        self.book = book
        self.title = title
        self.row = 0

    def cell(
        self,
        value: Any,
        *,
        font: Any = None,
        fill: Any = None,
        align: Any = None,
        fmt: str | None = None,
        link: str | None = None,
        location: str | None = None,
    ) -> Any:
        """A styled write-only cell holding ``value`` (text is formula-safe)."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws)
        if link or location:
            from openpyxl.worksheet.hyperlink import Hyperlink

            cell.hyperlink = Hyperlink(ref="", target=link, location=location)
            font = font or self.book.styles.link
        if font is not None or fill is not None or align is not None or fmt is not None:
            self.book.style(cell, font, fill, align, fmt)
        _set_value(cell, value)
        return cell

    def add(self, values: Sequence[Any] = (), *, height: float | None = None) -> int:
        """Append one row (plain values or cells); return its row number."""
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        row = []
        for value in values:
            if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or _needs_cleaning(value)):
                value = self.cell(value)
            row.append(_plain(value) if not hasattr(value, "coordinate") else value)
        self.ws.append(row)
        return self.row

    def header(self, labels: Sequence[str]) -> int:
        """Append a header row in the report's header style."""
        s = self.book.styles
        return self.add([self.cell(text, font=s.header, fill=s.header_fill, align=s.header_align) for text in labels])

    def section(self, text: str) -> int:
        """Append a section title."""
        return self.add([self.cell(text, font=self.book.styles.section)])

    def pad_to(self, row: int) -> None:
        """Append blank rows until the next row is ``row``."""
        while self.row < row - 1:
            self.add()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _needs_cleaning(text: str) -> bool:
    return _CONTROL.search(text) is not None


@dataclass
class _Book:
    """Everything the sheet writers share."""

    wb: Any
    project: Project
    protocol: Protocol
    lang: str
    campaign: str | None
    out: Path
    names: dict[str, str]
    station_sheets: dict[str, str]
    styles: _Styles = field(default_factory=_Styles)
    thumbnails: int = 0
    _style_cache: dict[tuple[int, int, int, str | None], Any] = field(default_factory=dict)

    def style(self, cell: Any, font: Any, fill: Any, align: Any, fmt: str | None) -> None:
        """Style a cell; each combination is registered once, then its style array is copied.

        Setting ``cell.font`` looks the font up in the workbook's style tables (a hash
        of the whole object) every time: on 100,000-row sheets that costs more than
        writing the cells.
        """
        from openpyxl.styles.cell_style import StyleArray

        key = (id(font), id(fill), id(align), fmt)
        cached = self._style_cache.get(key)
        if cached is not None:
            cell._style = StyleArray(cached)
            return
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if align is not None:
            cell.alignment = align
        if fmt is not None:
            cell.number_format = fmt
        self._style_cache[key] = StyleArray(cell._style)

    def t(self, key: str, **values: Any) -> str:
        return label(key, self.lang, **values)

    def col(self, key: str) -> str:
        """The header of a Recommendations column in the report's language."""
        return next(_pick(lab, self.lang) for k, lab, _ in REC_COLUMNS if k == key)

    def severity(self, value: Any) -> str | None:
        return None if _plain(value) is None else self.protocol.severities.label(str(value), self.lang)

    def zone(self, value: Any) -> str | None:
        return None if _plain(value) is None else self.protocol.zones.label(str(value), self.lang)

    def period(self, value: Any) -> str | None:
        return None if _plain(value) is None else self.protocol.periods.label(str(value), self.lang)

    def item(self, item: Any, principle: Any) -> str | None:
        if isinstance(item, str) and self.protocol.has_item(item):
            return self.protocol.item(item).label.get(self.lang)
        if isinstance(principle, str):
            try:
                return self.protocol.principle(principle).label.get(self.lang)
            except KeyError:
                return principle
        return _plain(item)


# -- results -------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportResult:
    """What :func:`write_report` wrote."""

    path: Path
    campaign: str | None
    lang: str
    sheets: list[str]
    stations: int
    recommendations: int
    observations: int
    thumbnails: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": str(self.path),
            "campaign": self.campaign,
            "lang": self.lang,
            "sheets": self.sheets,
            "stations": self.stations,
            "recommendations": self.recommendations,
            "observations": self.observations,
            "thumbnails": self.thumbnails,
        }


def build_report(
    project: Project,
    campaign: str | None = None,
    lang: str | None = None,
    out: str | Path | None = None,
) -> Path:
    """Write the station report workbook of a campaign and return its path.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    lang
        ``fr`` or ``en``; None takes the project's language.
    out
        Where to write the ``.xlsx``; default ``reports/report.xlsx`` in the project.

    Returns
    -------
    pathlib.Path
        The workbook written.

    Raises
    ------
    ReportError
        No observations yet, or an unknown language.
    walktool.analysis.AnalysisError
        Unknown campaign.
    """
    return write_report(project, campaign, lang=lang, out=out).path


def write_report(
    project: Project,
    campaign: str | None = None,
    *,
    lang: str | None = None,
    out: str | Path | None = None,
) -> ReportResult:
    """Write the station report workbook; like :func:`build_report`, with counts.

    Recommendations are rebuilt and stored first (:func:`walktool.recommend.recommend`),
    carrying the statuses recorded by ``walktool followup import``.
    """
    from openpyxl import Workbook

    from walktool.analysis import load_observations, resolve_campaign, summarize
    from walktool.recommend import recommend

    language = lang or project.settings.language
    if language not in ("fr", "en"):
        msg = f"unknown report language {language!r}; use fr or en"
        raise ReportError(msg)
    campaign = resolve_campaign(project, campaign)
    if campaign is None:
        msg = f"{project.root}: no observations yet; import field sheets with `walktool import` before making a report"
        raise ReportError(msg)
    protocol = project.protocol()
    recs = recommend(project, campaign).records(language, protocol)  # before loading: one frame in memory at a time
    obs = load_observations(project, campaign)
    if obs.empty:
        msg = f"campaign {campaign!r} has no observations; import its sheets with `walktool import --campaign {campaign}`"
        raise ReportError(msg)
    summary = summarize(project, campaign, observations=obs)
    stations = summary.station_records()

    out_path = Path(out) if out is not None else project.reports_dir / "report.xlsx"
    if out_path.suffix.lower() != ".xlsx":
        msg = f"{out_path}: the report is an Excel workbook; give --out a name ending in .xlsx"
        raise ReportError(msg)
    out_path.parent.mkdir(parents=True, exist_ok=True)

    fixed = {key: _pick(pair, language) for key, pair in SHEET_LABELS.items()}
    by_name = sorted(stations, key=lambda r: (_fold(r["name"] or r["station_id"]), str(r["station_id"])))
    station_titles = sheet_names([str(r["name"] or r["station_id"]) for r in by_name], reserved=fixed.values())
    book = _Book(
        wb=Workbook(write_only=True),
        project=project,
        protocol=protocol,
        lang=language,
        campaign=campaign,
        out=out_path,
        names=fixed,
        station_sheets={str(r["station_id"]): t for r, t in zip(by_name, station_titles, strict=True)},
    )
    _summary_sheet(book, summary, stations, recs)
    found = _station_findings(obs)
    recs_by_station: dict[str, list[dict[str, Any]]] = {}
    for r in recs:
        recs_by_station.setdefault(str(r["station_id"]), []).append(r)
    photos = _PhotoIndex(project.walks_dir)
    for rec in by_name:
        sid = str(rec["station_id"])
        _station_sheet(book, rec, summary, found.get(sid), recs_by_station.get(sid, []), photos)
    _recommendations_sheet(book, recs)
    written = _observations_sheet(book, obs)
    truncated = written < len(obs)
    del obs, found
    _quality_sheet(book)
    _method_sheet(book, summary, len(recs), written, truncated=truncated)

    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        book.wb.save(tmp)
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return ReportResult(
        path=out_path,
        campaign=campaign,
        lang=language,
        sheets=[fixed["summary"], *station_titles, fixed["recommendations"], fixed["observations"], fixed["quality"], fixed["method"]],
        stations=len(stations),
        recommendations=len(recs),
        observations=written,
        thumbnails=book.thumbnails,
    )


def _fold(text: Any) -> str:
    from walktool.textnorm import fold

    return fold(text)


# -- Summary ---------------------------------------------------------------------------
def _summary_sheet(book: _Book, summary: Any, stations: list[dict[str, Any]], recs: list[dict[str, Any]]) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter, quote_sheetname

    s = book.styles
    principles: list[str] = list(summary.principles)
    n_p = len(principles)
    widths = [34, 10, *([15] * n_p), 13, 13, 26]
    sh = _Sheet(book, book.names["summary"], widths, freeze="A3", title_rows="1:2")
    net = summary.network
    settings = book.project.settings
    sh.add([sh.cell(book.t("title"), font=s.title)], height=22)
    sh.add([sh.cell(f"{settings.name} · {settings.city} · {book.t('campaign')} {book.campaign}", font=s.subtitle)])
    sh.add()
    first, last = (net.get("period") or {}).get("first"), (net.get("period") or {}).get("last")
    facts: list[tuple[str, list[Any], str | None]] = [
        (book.t("project"), [settings.name], None),
        (book.t("campaign"), [book.campaign], None),
        (book.t("dates"), [_date(first), _date(last)], "yyyy-mm-dd"),
        (book.t("walks"), [net.get("walks")], "0"),
        (book.t("participants"), [net.get("participants")], "0"),
        (book.t("stations"), [net.get("stations")], "0"),
        (book.t("observations"), [net.get("observations")], "#,##0"),
        (book.t("findings"), [(net.get("findings") or {}).get("total")], "#,##0"),
        (book.t("recommendations"), [len(recs)], "#,##0"),
        (book.t("network_score"), [net.get("score")], "0"),
        (book.t("generated"), [dt.datetime.now(_tz(book)).replace(tzinfo=None, microsecond=0)], "yyyy-mm-dd hh:mm"),
    ]
    for text, values, fmt in facts:
        sh.add([sh.cell(text, font=s.bold, fill=s.card_fill), *[sh.cell(v, fmt=fmt, align=s.top) for v in values]])
    sh.add()

    # station × principle matrix, colour scale, bar chart
    sh.section(book.t("matrix"))
    headers = [book.t("station"), book.t("score"), *[principle_label(book.protocol, k, book.lang) or k for k in principles],
               book.t("observations"), book.t("participants"), book.t("confidence")]
    hdr = sh.header(headers)
    threshold = book.protocol.low_confidence_participants
    for rec in stations:
        sheet = book.station_sheets.get(str(rec["station_id"]))
        name = rec["name"] or rec["station_id"]
        name_cell = sh.cell(name, location=f"{quote_sheetname(sheet)}!A1") if sheet else name
        scores = [sh.cell(rec["principles"].get(k), fmt="0") for k in principles]
        flag = sh.cell(book.t("low_confidence", n=threshold), font=s.warn) if rec["low_confidence"] else None
        sh.add([name_cell, sh.cell(rec["score"], fmt="0", font=s.bold), *scores, rec["observations"], rec["participants"], flag])
    end = sh.row
    if stations:
        last_col = get_column_letter(2 + n_p)
        sh.ws.conditional_formatting.add(f"B{hdr + 1}:{last_col}{end}", _colour_scale(ColorScaleRule))
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = book.t("chart_scores")
        chart.legend = None
        chart.add_data(Reference(sh.ws, min_col=2, min_row=hdr, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=hdr + 1, max_row=end))
        chart.x_axis.scaling.orientation = "maxMin"  # first row (lowest score) on top
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.width = 16
        chart.height = max(7.5, 0.6 * len(stations) + 2.5)
        sh.ws.add_chart(chart, f"{get_column_letter(len(widths) + 2)}{hdr}")
    sh.add()

    # feelings
    sh.section(book.t("feelings"))
    sh.header([book.t("station"), book.t("answers"), book.t("comfortable"), book.t("uncomfortable"),
               book.t("frightening"), book.t("not_alone")])
    total = sum(int(r["feeling"].get("answers") or 0) for r in stations)
    rows = [(book.t("all_stations"), net.get("feeling") or {}, net.get("not_alone_at_night"), total, True)]
    rows += [(r["name"] or r["station_id"], r["feeling"], r["not_alone_at_night"], r["feeling"].get("answers"), False) for r in stations]
    for name, feel, not_alone, answers, bold in rows:
        font = s.bold if bold else None
        sh.add([sh.cell(name, font=font), sh.cell(answers, fmt="0"), *[sh.cell(feel.get(k), fmt="0%") for k in ("comfortable", "uncomfortable", "frightening")],
                sh.cell(not_alone, fmt="0%")])
    sh.add()

    # ten most urgent recommendations
    sh.section(book.t("top"))
    action_col = 9
    span_end = max(len(widths), action_col)
    top_headers = [book.t("station"), book.col("rank"), book.t("zone"), book.t("severity"), book.col("timeframe"),
                   book.col("status"), book.t("item"), book.col("responsible"),
                   book.col("action")]
    top_hdr = sh.header(top_headers)
    if span_end > action_col:
        sh.ws.merged_cells.add(f"{get_column_letter(action_col)}{top_hdr}:{get_column_letter(span_end)}{top_hdr}")
    if not recs:
        sh.add([sh.cell(book.t("no_recs"), font=s.italic)])
    action_width = sum(widths[action_col - 1 : span_end])
    for r in recs[:10]:
        lines = max(_lines(r["action"], action_width), _lines(r["finding"], widths[6]), _lines(r["responsible"], widths[7]), 1)
        row = sh.row + 1
        sheet = book.station_sheets.get(str(r["station_id"]))
        sh.add(
            [
                sh.cell(r["station"], location=f"{quote_sheetname(sheet)}!A1") if sheet else r["station"],
                r["rank"],
                sh.cell(book.zone(r["zone"]), align=s.top),
                sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"]), align=s.top),
                sh.cell(_pick(TIMEFRAME_LABELS.get(r["timeframe"], (r["timeframe"], r["timeframe"])), book.lang), align=s.wrap),
                sh.cell(status_label(r["status"], book.lang), align=s.top),
                sh.cell(r["finding"], align=s.wrap),
                sh.cell(r["responsible"], align=s.wrap),
                sh.cell(r["action"], align=s.wrap),
            ],
            height=15 * lines + 2,
        )
        if span_end > action_col:
            sh.ws.merged_cells.add(f"{get_column_letter(action_col)}{row}:{get_column_letter(span_end)}{row}")


def _colour_scale(rule: Any) -> Any:
    low, mid, high = SCORE_COLOURS
    return rule(start_type="num", start_value=0, start_color=low, mid_type="num", mid_value=50, mid_color=mid,
                end_type="num", end_value=100, end_color=high)


def _lines(text: Any, width: float) -> int:
    """Rough number of wrapped lines ``text`` takes in a column ``width`` characters wide."""
    if not isinstance(text, str) or not text:
        return 1
    return sum(max(1, math.ceil(len(part) / max(width * 1.05, 1))) for part in text.splitlines() or [""])


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _tz(book: _Book) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(book.project.settings.timezone)


# -- station sheets --------------------------------------------------------------------
def _station_findings(obs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from walktool.analysis import findings

    found = findings(obs).dropna(subset=["station_id"])
    return {str(k): v for k, v in found.groupby("station_id", sort=False)}


_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_CARD_END = 24  # findings start below the card, the principle scores and the radar chart


def _station_sheet(
    book: _Book,
    rec: dict[str, Any],
    summary: Any,
    found: pd.DataFrame | None,
    recs: list[dict[str, Any]],
    photos: _PhotoIndex,
) -> None:
    from openpyxl.chart import RadarChart, Reference
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import quote_sheetname

    s = book.styles
    sid = str(rec["station_id"])
    title = book.station_sheets[sid]
    widths = [32, 34, 12, 10, 17, 50, 22, 17, 18, 13, 30, 7, 13]
    sh = _Sheet(book, title, widths, freeze="A3", title_rows="1:2")
    net = summary.network.get("period") or {}
    sh.add([sh.cell(rec["name"] or sid, font=s.title)], height=22)
    sh.add([sh.cell(f"{book.t('campaign')} {book.campaign} · {net.get('first') or '?'} – {net.get('last') or '?'}", font=s.subtitle),
            None, None, None, None, sh.cell(book.t("back"), location=f"{quote_sheetname(book.names['summary'])}!A1")])
    sh.add()

    # header card
    f = rec["findings"]
    feel = rec["feeling"]
    hot = ", ".join(f"{book.zone(h['zone']) or h['zone']} ({h['findings']})" for h in rec.get("hotspots") or [])
    card: list[tuple[str, Any, str | None, Any]] = [
        (book.t("station_id"), sid, None, None),
        (book.t("score_100"), rec["score"], "0",
         sh.cell(book.t("low_confidence", n=book.protocol.low_confidence_participants), font=s.warn) if rec["low_confidence"] else None),
        (book.t("observations"), rec["observations"], "#,##0", None),
        (book.t("participants"), rec["participants"], "0", None),
        (book.t("walks"), rec["walks"], "0", None),
        (book.t("findings"), sum(int(v or 0) for v in f.values()), "0", book.t("findings_by_sev", **{k: f.get(k, 0) for k in _SEVERITY_ORDER})),
        (book.t("comfortable"), feel.get("comfortable"), "0%", f"{book.t('answers')}{' :' if book.lang == 'fr' else ':'} {feel.get('answers', 0)}"),
        (book.t("uncomfortable"), feel.get("uncomfortable"), "0%", None),
        (book.t("frightening"), feel.get("frightening"), "0%", None),
        (book.t("not_alone"), rec.get("not_alone_at_night"), "0%", None),
        (book.t("hotspots"), hot or "–", None, None),
    ]
    for text, value, fmt, extra in card:
        bold = s.bold if text == book.t("score_100") else None
        sh.add([sh.cell(text, font=s.bold, fill=s.card_fill), sh.cell(value, fmt=fmt, font=bold, align=s.top), extra])
    sh.add()

    # principle scores and radar chart
    principles: list[str] = list(summary.principles)
    sh.section(book.t("principles"))
    hdr = sh.header([book.t("principle"), book.t("score_100"), book.t("findings")])
    by_principle = rec.get("findings_by_principle") or {}
    for key in principles:
        n_found = sum(int(v or 0) for v in (by_principle.get(key) or {}).values())
        sh.add([principle_label(book.protocol, key, book.lang), sh.cell(rec["principles"].get(key), fmt="0"), n_found])
    end = sh.row
    sh.ws.conditional_formatting.add(f"B{hdr + 1}:B{end}", _colour_scale(ColorScaleRule))
    radar = RadarChart()
    radar.type = "marker"
    radar.style = 26
    radar.title = book.t("chart_radar")
    radar.legend = None
    radar.add_data(Reference(sh.ws, min_col=2, min_row=hdr, max_row=end), titles_from_data=True)
    radar.set_categories(Reference(sh.ws, min_col=1, min_row=hdr + 1, max_row=end))
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.width = 13
    radar.height = 10
    sh.ws.add_chart(radar, "E4")
    sh.add()
    sh.pad_to(max(_CARD_END, sh.row + 1))

    # findings
    _findings_table(book, sh, found, photos)
    sh.add()

    # the station's recommendations
    sh.section(book.t("station_recs", n=len(recs), sheet=book.names["recommendations"]))
    sh.header([book.t("zone"), book.col("finding"), book.t("severity"), book.col("priority"),
               book.col("timeframe"), book.col("action"), book.col("responsible"),
               book.col("status"), book.col("owner"),
               book.col("due_date"), book.col("note"), book.col("rank"), book.col("id")])
    if not recs:
        sh.add([sh.cell(book.t("no_recs"), font=s.italic)])
    for r in recs:
        sh.add([
            sh.cell(book.zone(r["zone"]), align=s.top),
            sh.cell(r["finding"], align=s.wrap),
            sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"]), align=s.top),
            sh.cell(r["priority"], fmt="0.0", align=s.top),
            sh.cell(_pick(TIMEFRAME_LABELS.get(r["timeframe"], (r["timeframe"], r["timeframe"])), book.lang), align=s.wrap),
            sh.cell(r["action"], align=s.wrap),
            sh.cell(r["responsible"], align=s.wrap),
            sh.cell(status_label(r["status"], book.lang), align=s.top),
            sh.cell(r["owner"], align=s.wrap),
            sh.cell(_date(r["due_date"]), fmt="yyyy-mm-dd", align=s.top),
            sh.cell(r["note"], align=s.wrap),
            sh.cell(r["rank"], align=s.top),
            sh.cell(r["id"], align=s.top),
        ])


def _findings_table(book: _Book, sh: _Sheet, found: pd.DataFrame | None, photos: _PhotoIndex) -> None:
    s = book.styles
    n = 0 if found is None else len(found)
    sh.section(f"{book.t('findings')} ({n})")
    sh.header([book.t("zone"), book.t("item"), book.t("severity"), book.t("period"), book.t("date"), book.t("comment"),
               book.t("photo"), book.t("thumbnail")])
    if found is None or found.empty:
        sh.add([sh.cell(book.t("no_findings"), font=s.italic)])
        return
    rows = found.assign(
        _sev=found["severity"].map(_SEVERITY_ORDER).fillna(9),
        _label=[book.item(i, p) or "" for i, p in zip(found["item"], found["principle"], strict=True)],
    ).sort_values(["_sev", "zone", "_label", "local_time", "obs_id"], na_position="last", kind="stable")
    shown = 0
    for r in rows.to_dict("records"):
        photo = _plain(r.get("photo"))
        photo_cell: Any = None
        thumb = None
        height = None
        if photo:
            path = photos.find(str(photo))
            if path is not None:
                photo_cell = sh.cell(str(photo), link=_relative_link(path, book.out), align=s.top)
                if shown < MAX_THUMBNAILS_PER_STATION:
                    thumb = _thumbnail(path)
                    if thumb is not None:
                        shown += 1
                        height = THUMBNAIL_PX[1] * 0.75 + 6  # pixels → points, with a margin
            else:
                photo_cell = sh.cell(str(photo), align=s.top)
        row = sh.add([
            sh.cell(book.zone(r["zone"]), align=s.top),
            sh.cell(r["_label"], align=s.wrap),
            sh.cell(book.severity(r["severity"]), font=s.severity.get(str(r["severity"])), align=s.top),
            sh.cell(book.period(r["period"]), align=s.top),
            sh.cell(_local_datetime(r.get("local_time")), fmt="yyyy-mm-dd hh:mm", align=s.top),
            sh.cell(r.get("comment"), align=s.wrap),
            photo_cell,
        ], height=height)
        if thumb is not None:
            sh.ws.add_image(thumb, f"H{row}")
            book.thumbnails += 1
    if shown >= MAX_THUMBNAILS_PER_STATION:
        sh.add([sh.cell(book.t("photos_capped", n=MAX_THUMBNAILS_PER_STATION), font=s.italic)])


def _local_datetime(text: Any) -> dt.datetime | None:
    """``2023-11-14T20:00:00-05:00`` → the local wall-clock time (Excel has no time zones)."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.datetime.fromisoformat(text[:19]) if len(text) >= 16 else dt.datetime.fromisoformat(text[:10])
    except ValueError:
        return None


class _PhotoIndex:
    """The photo files kept under ``walks/``, found by name (case-insensitive)."""

    _SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif")

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, list[Path]] | None = None

    def _build(self) -> dict[str, list[Path]]:
        index: dict[str, list[Path]] = {}
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*")):
                if path.suffix.lower() in self._SUFFIXES and path.is_file():
                    index.setdefault(path.name.casefold(), []).append(path)
        return index

    def find(self, photo: str) -> Path | None:
        """The stored file a ``photo`` cell names (a file name or a relative path), or None."""
        if self._index is None:
            self._index = self._build()
        rel = photo.replace("\\", "/").strip().strip("/")
        candidates = self._index.get(rel.rsplit("/", 1)[-1].casefold(), [])
        for path in candidates:
            if path.as_posix().casefold().endswith("/" + rel.casefold()):
                return path
        return candidates[0] if candidates else None


def _relative_link(path: Path, workbook: Path) -> str:
    """A hyperlink to ``path`` that still works when the project folder moves."""
    try:
        return Path(os.path.relpath(path.resolve(), workbook.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.resolve().as_uri()


def _thumbnail(path: Path) -> Any | None:
    """A small JPEG/PNG preview of a photo as an openpyxl image, or None when Pillow cannot read it."""
    from io import BytesIO

    from openpyxl.drawing.image import Image as XlImage
    from PIL import Image, ImageOps

    buffer = BytesIO()
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail(THUMBNAIL_PX)
            if image.mode in ("RGBA", "LA", "P"):
                image.convert("RGBA").save(buffer, format="PNG")
            else:
                image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except Exception:  # any unreadable or unsupported photo (HEIC without a plugin…) keeps its link only
        return None
    buffer.seek(0)
    return XlImage(buffer)


# -- Recommendations -------------------------------------------------------------------
def _recommendations_sheet(book: _Book, recs: list[dict[str, Any]]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    s = book.styles
    keys = [k for k, _, _ in REC_COLUMNS]
    headers = [_pick(lab, book.lang) for _, lab, _ in REC_COLUMNS]
    sh = _Sheet(book, book.names["recommendations"], [w for _, _, w in REC_COLUMNS], freeze="C2", title_rows="1:1")
    sh.header(headers)
    for r in recs:
        values = {
            "rank": r["rank"],
            "id": r["id"],
            "station": r["station"],
            "zone": book.zone(r["zone"]),
            "principle": principle_label(book.protocol, r["principle"], book.lang),
            "finding": r["finding"],
            "severity": sh.cell(book.severity(r["severity"]), font=s.severity.get(r["severity"]), align=s.top),
            "priority": sh.cell(r["priority"], fmt="0.0", align=s.top),
            "action": sh.cell(r["action"], align=s.wrap),
            "responsible": sh.cell(r["responsible"], align=s.wrap),
            "timeframe": _pick(TIMEFRAME_LABELS.get(r["timeframe"], (r["timeframe"], r["timeframe"])), book.lang),
            "type": _pick(TYPE_LABELS.get(r["type"], (r["type"], r["type"])), book.lang),
            "status": status_label(r["status"], book.lang),
            "owner": r["owner"],
            "due_date": sh.cell(_date(r["due_date"]) or r["due_date"], fmt="yyyy-mm-dd", align=s.top),
            "note": sh.cell(r["note"], align=s.wrap),
        }
        sh.add([v if hasattr(v, "coordinate") else sh.cell(v, align=s.top) for v in (values[k] for k in keys)])
    last_row = max(len(recs) + 1, 2)  # a table needs a data row, even an empty one
    if not recs:
        sh.add([None])
    ref = f"A1:{get_column_letter(len(keys))}{last_row}"
    table = Table(
        displayName=REC_TABLE_NAME,
        ref=ref,
        tableColumns=[TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)],
        autoFilter=AutoFilter(ref=ref),
        tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True),
    )
    with warnings.catch_warnings():  # "in write-only mode you must add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sh.ws.add_table(table)
    status_col = get_column_letter(keys.index("status") + 1)
    choices = ",".join(status_label(k, book.lang) for k in STATUSES)
    dv = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=book.col("status"),
        error=book.t("status_error"),
        showInputMessage=True,
        promptTitle=book.col("status"),
        prompt=book.t("status_prompt"),
    )
    dv.add(f"{status_col}2:{status_col}{last_row}")
    sh.ws.data_validations.append(dv)
    due_col = get_column_letter(keys.index("due_date") + 1)
    due = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                         showInputMessage=True, prompt=book.t("date_prompt"), errorStyle="warning", showErrorMessage=True,
                         error=book.t("date_prompt"))
    due.add(f"{due_col}2:{due_col}{last_row}")
    sh.ws.data_validations.append(due)


# -- Observations ----------------------------------------------------------------------
_OBS_COLUMNS: tuple[tuple[str, str, float, str], ...] = (
    # store column, label key, width, kind (text, num, int, bool, time, label)
    ("obs_id", "obs_id", 18, "text"),
    ("campaign", "campaign", 14, "text"),
    ("walk_id", "walk", 18, "text"),
    ("local_time", "local_time", 17, "time"),
    ("period", "period", 9, "text"),
    ("station_id", "station_id", 15, "text"),
    ("station_name", "station", 24, "text"),
    ("zone", "zone", 11, "text"),
    ("principle", "principle", 13, "text"),
    ("item", "item", 20, "text"),
    ("item", "item_label", 34, "label"),
    ("answer", "answer", 14, "text"),
    ("score", "answer_score", 11, "num"),
    ("is_na", "is_na", 10, "bool"),
    ("is_problem", "is_problem", 10, "bool"),
    ("severity", "severity", 10, "text"),
    ("comment", "comment", 40, "text"),
    ("photo", "photo", 18, "text"),
    ("lat", "lat", 11, "num"),
    ("lon", "lon", 11, "num"),
    ("accuracy_m", "accuracy", 10, "num"),
    ("location_source", "location_source", 14, "text"),
    ("format", "format", 14, "text"),
    ("source_file", "source_file", 24, "text"),
    ("source_row", "source_row", 9, "int"),
)


def _observations_sheet(book: _Book, obs: pd.DataFrame) -> int:
    """Stream every observation (no participant column) into a write-only sheet; return the rows written."""
    from openpyxl.utils import get_column_letter

    sh = _Sheet(book, book.names["observations"], [w for _, _, w, _ in _OBS_COLUMNS], freeze="A2", title_rows="1:1")
    sh.header([book.t(k) for _, k, _, _ in _OBS_COLUMNS])
    order = [c for c in ("station_name", "local_time", "zone", "principle", "item", "obs_id") if c in obs]
    # sort the positions, not the frame: no second copy of 100,000 observations
    keys = obs[order].reset_index(drop=True)
    rows = (keys.sort_values(order, na_position="last", kind="stable").index if len(obs) and order else keys.index).to_numpy()
    rows = rows[: EXCEL_MAX_ROWS - 1]
    labels = {i.key: i.label.get(book.lang) for i in book.protocol.items}
    columns: list[list[Any]] = []
    for col, _, _, kind in _OBS_COLUMNS:
        values = obs[col].to_numpy(dtype=object)[rows].tolist() if col in obs else [None] * len(rows)
        if kind == "label":
            values = [labels.get(v) if isinstance(v, str) else None for v in values]
        elif kind == "time":
            values = [_local_datetime(v) for v in values]
        elif kind == "bool":
            values = [None if _plain(v) is None else bool(v) for v in values]
        else:
            values = [_plain(v) for v in values]
        columns.append(values)
    time_idx = [i for i, (_, _, _, kind) in enumerate(_OBS_COLUMNS) if kind == "time"]
    ws = sh.ws
    for row in zip(*columns, strict=True):
        out: list[Any] = list(row)
        for i, value in enumerate(out):
            if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or _needs_cleaning(value)):
                out[i] = sh.cell(value)
        for i in time_idx:
            if out[i] is not None:
                out[i] = sh.cell(out[i], fmt="yyyy-mm-dd hh:mm")
        ws.append(out)
    sh.row += len(rows)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_OBS_COLUMNS))}{max(len(rows) + 1, 1)}"
    return len(rows)


# -- Data quality ------------------------------------------------------------------------
def _campaign_issues(book: _Book) -> list[dict[str, Any]]:
    """The stored rejects and warnings of the files imported into this campaign (all when unknown)."""
    from walktool.quality import quality_report

    report = quality_report(book.project)
    issues: list[dict[str, Any]] = report["issues"]
    imports = book.project.store.read("imports")
    if len(imports) and book.campaign is not None and "campaign" in imports:
        mine = imports[imports["campaign"] == book.campaign]
        if len(mine):
            names = {Path(str(f)).name for f in mine["file"].dropna()}
            issues = [i for i in issues if i.get("file") is None or Path(str(i["file"])).name in names]
    return issues


def _quality_sheet(book: _Book) -> None:
    from openpyxl.utils import get_column_letter

    s = book.styles
    keys = ("level", "code", "file", "sheet", "row", "column", "value", "reason")
    sh = _Sheet(book, book.names["quality"], [14, 22, 28, 14, 8, 18, 26, 90], freeze="A2", title_rows="1:1")
    sh.header([book.t(k) for k in keys])
    issues = _campaign_issues(book)
    for i in issues:
        level = i.get("level")
        sh.add([
            sh.cell(book.t(level) if level in ("error", "warning") else level, font=s.warn if level == "error" else None, align=s.top),
            sh.cell(i.get("code"), align=s.top),
            sh.cell(i.get("file"), align=s.top),
            sh.cell(i.get("sheet"), align=s.top),
            sh.cell(i.get("row"), align=s.top),
            sh.cell(i.get("column"), align=s.top),
            sh.cell(i.get("value"), align=s.top),
            sh.cell(i.get("message"), align=s.wrap),
        ])
    sh.ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(issues) + 1}"


# -- Method -------------------------------------------------------------------------------
def _method_sheet(book: _Book, summary: Any, n_recs: int, n_obs: int, *, truncated: bool) -> None:
    from walktool import __version__
    from walktool.stations import STM_CREDIT

    s = book.styles
    p = book.protocol
    lang = book.lang
    net = summary.network
    sh = _Sheet(book, book.names["method"], [36, 110], freeze="A2", title_rows="1:1")
    sh.add([sh.cell(book.t("method"), font=s.title)], height=22)

    def pair(key: str, value: Any, fmt: str | None = None) -> None:
        sh.add([sh.cell(key, font=s.bold, fill=s.card_fill, align=s.top), sh.cell(value, align=s.wrap, fmt=fmt)])

    pair(book.t("protocol"), p.title.get(lang))
    pair(book.t("protocol_id"), p.id)
    pair(book.t("protocol_version"), p.version)
    rule = (p.scoring.get("rule") or {}) if isinstance(p.scoring.get("rule"), dict) else {}
    pair(book.t("scoring_rule"), rule.get(lang) or rule.get("fr") or rule.get("en"))
    pair(book.t("priority_rule"), book.t("priority_text"))
    pair(book.t("low_conf_threshold"), p.low_confidence_participants)
    pair(book.t("min_group"), p.min_group_size)
    sh.add()
    sh.section(book.t("sample"))
    period = net.get("period") or {}
    pair(book.t("campaign"), book.campaign)
    pair(book.t("dates"), f"{period.get('first') or '?'} – {period.get('last') or '?'}")
    pair(book.t("stations"), net.get("stations"))
    pair(book.t("walks"), net.get("walks"))
    pair(book.t("participants"), net.get("participants"))
    pair(book.t("observations"), n_obs, "#,##0")
    pair(book.t("findings"), (net.get("findings") or {}).get("total"))
    pair(book.t("recommendations"), n_recs)
    if truncated:
        pair(book.t("observations_note"), book.t("observations_truncated", n=EXCEL_MAX_ROWS - 1))
    else:
        pair(book.t("observations_note"), book.t("observations_text"))
    sh.add()
    sh.section(book.t("principles"))
    for principle in p.principles:
        pair(principle_label(p, principle.key, lang) or principle.key, f"{principle.label.get(lang)} ({principle.key})")
    sh.add()
    pair(book.t("follow_up"), book.t(
        "follow_up_text",
        sheet=book.names["recommendations"],
        fr=", ".join(_pick(STATUS_LABELS[k], "fr") for k in STATUSES),
        en=", ".join(_pick(STATUS_LABELS[k], "en") for k in STATUSES),
    ))
    pair(book.t("privacy"), book.t("privacy_text", n=p.min_group_size))
    sh.add()
    sh.section(book.t("imports"))
    imports = book.project.store.read("imports")
    if len(imports):
        if book.campaign is not None and (imports["campaign"] == book.campaign).any():
            imports = imports[imports["campaign"] == book.campaign]
        # a file imported again (same or corrected content) is listed once, as last imported
        latest = imports.sort_values("at_utc").drop_duplicates(["walk_id", "file"], keep="last")
        for r in latest.to_dict("records"):
            counts = " · ".join(str(_plain(r.get(k)) if _plain(r.get(k)) is not None else "–") for k in ("format", "rows", "accepted", "rejected"))
            sh.add([sh.cell(Path(str(r["file"])).name, align=s.top), sh.cell(counts, align=s.top)])
    sh.add()
    sh.section(book.t("credits"))
    source = book.project.settings.stations
    if source == "stm":
        pair(book.t("stations"), book.t("stm_credit") if lang == "en" else STM_CREDIT)
    else:  # another city's layer: its own credit line, then where it came from
        credit = book.project.settings.credit or book.project.store.get_meta("stations_credit") or ""
        pair(book.t("stations"), " · ".join(t for t in (credit, book.t("stations_source", src=source)) if t))
    pair(book.t("software"), f"walktool {__version__}")


__all__ = [
    "FORMULA_PREFIXES",
    "REC_COLUMNS",
    "REC_TABLE_NAME",
    "SHEET_LABELS",
    "STATUS_LABELS",
    "ReportError",
    "ReportResult",
    "build_report",
    "is_formula_like",
    "label",
    "sheet_names",
    "status_label",
    "write_report",
]
