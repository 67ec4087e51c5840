"""The PDF station brief (``walktool report --format pdf``): one or two Letter pages per station.

Each station's brief shows, in French or English: its score and the score of
each principle as bars; a small static map of the station with its located
findings (:mod:`walktool.report.minimap`); its most urgent recommendations with
the responsible party, owner, timeframe and status; up to four photos; the
campaign, dates, numbers of participants and walks, the protocol version and
the STM credit.  Laid out with ReportLab (no browser, no office suite), with
DejaVu Sans embedded (:mod:`walktool.pdfdoc`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.i18n import N_, NC_, Phrase, translator
from walktool.pdfdoc import FONT, FONT_BOLD, RULE, SEVERITY_COLOURS, escape, styles
from walktool.report.cells import parse_date
from walktool.report.data import (
    SEVERITY_ORDER,
    ReportData,
    ReportError,
    check_language,
    fold,
    gather,
    only_findings_tables,
    thumbnail_bytes,
)
from walktool.report.labels import principle_label, status_label, timeframe_label
from walktool.report.tables import stations_credit

if TYPE_CHECKING:
    from walktool.project import Project

MAX_RECOMMENDATIONS = 8
"""Recommendations shown on a brief (the most urgent; the workbook lists them all)."""
MAX_PHOTOS = 4
PAGE_MARGIN = 40.0


@dataclass(frozen=True)
class BriefResult:
    """What :func:`write_brief` wrote."""

    paths: list[Path]
    campaign: str
    lang: str
    stations: list[str]
    pages: int
    pages_by_station: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "paths": [str(p) for p in self.paths],
            "campaign": self.campaign,
            "lang": self.lang,
            "stations": self.stations,
            "pages": self.pages,
            "pages_by_station": self.pages_by_station,
        }


def slug(name: str) -> str:
    """A file-name-safe form of a station name (``Berri-UQAM`` → ``berri-uqam``)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "station"


def write_brief(
    project: Project,
    campaign: str | None = None,
    *,
    lang: str | None = None,
    station: str | None = None,
    out: str | Path | None = None,
    rules: str | None = None,
    audience: str = "staff",
) -> BriefResult:
    """Write the PDF station brief(s) of a campaign.

    Parameters
    ----------
    project
        The open project.
    campaign
        Campaign name; None takes the only (or latest) campaign.
    lang
        ``fr`` or ``en``; None takes the project's language.
    station
        One station (name or id); None writes every station of the campaign.
    out
        A ``.pdf`` file (every station in it, each on new pages) or a folder (one
        ``<station>.pdf`` each); default ``reports/briefs/`` in the project.
    rules
        None for the rules each import was scored with, ``"current"`` or ``"ID@VERSION"``
        to re-score (:mod:`walktool.provenance`).
    audience
        ``staff`` or ``public`` (:mod:`walktool.privacy`: public briefs keep only
        publishable comments and show face-blurred photo copies).

    Returns
    -------
    BriefResult
        The files, stations and page counts.

    Raises
    ------
    ReportError
        No observations, an unknown language or station, or an ``--out`` that is
        neither a folder nor a ``.pdf``.
    """
    language = check_language(project, lang)
    target = Path(out) if out is not None else project.reports_dir / "briefs"
    single = target.suffix.lower() == ".pdf"
    if target.suffix and not single:
        msg = Phrase(N_("{target}: the brief is a PDF; give --out a folder or a file name ending in .pdf"), target=target)
        raise ReportError(msg)
    data = gather(project, campaign, language, rules=rules, audience=audience,
                  photo_folder=target.parent if single else target)
    chosen = [data.station(station)] if station else sorted(data.stations, key=lambda r: fold(r["name"] or r["station_id"]))
    from walktool.stations import load_stations

    layer = load_stations(project)
    dates = _station_dates(data)
    pages: dict[str, int] = {}
    paths: list[Path] = []
    if single:
        target.parent.mkdir(parents=True, exist_ok=True)
        counts = _build(target, data, chosen, layer, dates)
        pages.update(counts)
        paths.append(target)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for rec in chosen:
            path = target / f"{slug(str(rec['name'] or rec['station_id']))}.pdf"
            pages.update(_build(path, data, [rec], layer, dates))
            paths.append(path)
    names = [str(r["name"] or r["station_id"]) for r in chosen]
    return BriefResult(paths, data.campaign, language, names, sum(pages.values()), pages)


def _station_dates(data: ReportData) -> dict[str, tuple[str | None, str | None]]:
    obs = data.obs
    if obs is None or obs.empty or "local_time" not in obs:
        return {}
    times = obs[["station_id", "local_time"]].dropna()
    grouped = times.assign(day=times["local_time"].astype(str).str[:10]).groupby("station_id")["day"]
    return {str(k): (str(v.min()), str(v.max())) for k, v in grouped}


class _Doc:
    """A brief being laid out: the document, its styles and the current station (for the footer)."""

    def __init__(self, path: Path, data: ReportData) -> None:
        from reportlab.lib.pagesizes import LETTER
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        self.data = data
        self.tr = translator(data.lang)
        self.st = styles()
        self.station_name = ""
        self.page_station: dict[int, str] = {}
        self.doc = BaseDocTemplate(
            str(path), pagesize=LETTER, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=PAGE_MARGIN,
            bottomMargin=PAGE_MARGIN + 12, title=self.tr.gettext("Station brief"), author="walktool",
            subject=f"{data.project.settings.name} · {data.campaign}", lang=data.lang,
        )
        frame = Frame(PAGE_MARGIN, PAGE_MARGIN + 12, LETTER[0] - 2 * PAGE_MARGIN, LETTER[1] - 2 * PAGE_MARGIN - 12, id="body")
        self.doc.addPageTemplates([PageTemplate(id="brief", frames=[frame], onPageEnd=self._footer)])
        self.width = LETTER[0] - 2 * PAGE_MARGIN

    def _footer(self, canvas: Any, doc: Any) -> None:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.pagesizes import LETTER

        from walktool import __version__

        self.page_station[doc.page] = self.station_name
        canvas.saveState()
        canvas.setStrokeColor(HexColor(RULE))
        canvas.line(PAGE_MARGIN, PAGE_MARGIN + 4, LETTER[0] - PAGE_MARGIN, PAGE_MARGIN + 4)
        canvas.setFont(FONT, 6.5)
        canvas.setFillColor(HexColor("#595959"))
        canvas.drawString(PAGE_MARGIN, PAGE_MARGIN - 6, stations_credit(self.data.project, self.data.lang))
        canvas.drawRightString(LETTER[0] - PAGE_MARGIN, PAGE_MARGIN - 6, f"{self.station_name} · walktool {__version__} · {doc.page}")
        canvas.restoreState()


def _station_marker(doc: _Doc, name: str) -> Any:
    """A zero-size flowable that names the station for the footers of the pages that follow."""
    from reportlab.platypus import Flowable

    class Marker(Flowable):  # type: ignore[misc]
        def wrap(self, *_: Any) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            doc.station_name = name

    return Marker()


def _build(path: Path, data: ReportData, stations: list[dict[str, Any]], layer: Any, dates: dict[str, Any]) -> dict[str, int]:
    from reportlab.platypus import PageBreak

    doc = _Doc(path, data)
    story: list[Any] = []
    for n, rec in enumerate(stations):
        if n:
            story.append(PageBreak())
        name = str(rec["name"] or rec["station_id"])
        story.append(_station_marker(doc, name))
        story.extend(_station_story(doc, rec, layer, dates.get(str(rec["station_id"]))))
    doc.doc.build(story)
    counts: dict[str, int] = {}
    for _page, name in sorted(doc.page_station.items()):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _station_story(doc: _Doc, rec: dict[str, Any], layer: Any, dates: tuple[str | None, str | None] | None) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    data, st, tr = doc.data, doc.st, doc.tr
    _ = tr.gettext
    sid = str(rec["station_id"])
    protocol = data.protocol
    first, last = dates or ((data.summary.network.get("period") or {}).get("first"), (data.summary.network.get("period") or {}).get("last"))
    participants = _("– (findings table)") if only_findings_tables(rec) else str(rec["participants"])
    facts = [
        (_("Campaign"), data.campaign),
        (_("Dates"), f"{_day(first, data.lang)} – {_day(last, data.lang)}"),
        (_("Participants"), participants),
        (_("Walks"), str(rec["walks"])),
        (_("Observations"), _number(rec["observations"], data.lang)),
        (_("Protocol"), f"{protocol.id} {protocol.version}"),
    ]
    story: list[Any] = [
        Paragraph(escape(rec["name"] or sid), st["title"]),
        Paragraph(escape(_("Exploratory safety walk — station brief") + f" · {data.project.settings.name}"), st["subtitle"]),
        Paragraph(" · ".join(f"<b>{escape(k)}</b> {escape(v)}" for k, v in facts), st["body"]),
        Spacer(1, 8),
    ]
    # score and principle bars | the map
    left = [Paragraph(escape(_("Score (0–100)")), st["h2"]), _score_bars(doc, rec)]
    f = rec["findings"]
    counts = " · ".join(
        f'<font color="{SEVERITY_COLOURS[k]}">■</font> {escape(protocol.severities.label(k, data.lang))} {int(f.get(k, 0) or 0)}'
        for k in SEVERITY_ORDER
    )
    found_word = escape(_("Findings"))
    left += [Spacer(1, 4), Paragraph(f"<b>{found_word}</b> {sum(int(v or 0) for v in f.values())} — {counts}", st["small"])]
    feel = rec.get("feeling") or {}
    if feel.get("answers"):
        pct = {k: _percent(feel.get(k), data.lang) for k in ("comfortable", "uncomfortable", "frightening")}
        words = [escape(_("Comfortable")), escape(_("Uncomfortable")), escape(_("Frightened"))]
        line = " · ".join(f"{w} {pct[k]}" for w, k in zip(words, ("comfortable", "uncomfortable", "frightening"), strict=True))
        felt = escape(_("How participants felt (not part of the scores)"))
        left.append(Paragraph(f"<b>{felt}</b> {line}", st["small"]))
    if rec.get("low_confidence") and not only_findings_tables(rec):
        left.append(Paragraph(escape(tr.gettext("⚠ low confidence: fewer than {n} participants").format(
            n=protocol.low_confidence_participants)), st["small"]))
    map_w = doc.width * 0.46
    from walktool.report.minimap import station_map

    labels = {
        "scale": _("{m} m"),
        "north": _("N"),
        "unlocated": _("{n} findings without a GPS position (placed by station and zone)"),
        "entrance": _("Entrance"),
        **{k: protocol.severities.label(k, data.lang) for k in SEVERITY_ORDER},
    }
    drawing = station_map(layer, rec, data.found.get(sid), width=map_w, height=map_w * 0.86,
                          credit=_("Map data: STM (CC BY 4.0)") if data.project.settings.stations == "stm"
                          else stations_credit(data.project, data.lang), labels=labels)
    top = Table([[left, drawing]], colWidths=[doc.width - map_w - 10, map_w + 10])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (0, 0), 10)]))
    story += [top, Spacer(1, 8)]
    story += _recommendations(doc, data.recs_by_station.get(sid, []))
    story += _photos(doc, rec)
    hot = ", ".join(f"{protocol.zones.label(str(h['zone']), data.lang)} ({h['findings']})" for h in rec.get("hotspots") or [])
    if hot:
        zones_word = escape(_("Zones with the most findings"))
        story.append(Paragraph(f"<b>{zones_word}</b> {escape(hot)}", st["small"]))
    return story


def _score_bars(doc: _Doc, rec: dict[str, Any]) -> Any:
    """The station score and one bar per principle, 0–100, coloured like the workbook's scale."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib.colors import HexColor

    data = doc.data
    rows = [(doc.tr.gettext("Station"), rec.get("score"), True)]
    rows += [(principle_label(data.protocol, k, data.lang) or k, rec["principles"].get(k), False) for k in data.summary.principles]
    width = doc.width * 0.5
    label_w, bar_w, row_h = 98.0, width - 98.0 - 26, 15.0
    drawing = Drawing(width, row_h * len(rows) + 4)
    y = drawing.height - row_h
    for text, score, bold in rows:
        drawing.add(String(0, y + 4, str(text), fontName=FONT_BOLD if bold else FONT, fontSize=8.5 if bold else 8))
        drawing.add(Rect(label_w, y + 2, bar_w, row_h - 5, fillColor=HexColor("#EDEDED"), strokeColor=None))
        if score is not None:
            value = max(0.0, min(100.0, float(score)))
            drawing.add(Rect(label_w, y + 2, bar_w * value / 100, row_h - 5, fillColor=_score_colour(value), strokeColor=None))
            drawing.add(String(label_w + bar_w + 4, y + 4, f"{value:.0f}", fontName=FONT_BOLD if bold else FONT, fontSize=8))
        else:
            drawing.add(String(label_w + bar_w + 4, y + 4, "–", fontName=FONT, fontSize=8))
        y -= row_h
    return drawing


def _score_colour(value: float) -> Any:
    """Red (0) – yellow (50) – green (100), as the workbook's colour scale."""
    from reportlab.lib.colors import Color

    low, mid, high = (0xF8, 0x69, 0x6B), (0xFF, 0xEB, 0x84), (0x63, 0xBE, 0x7B)
    a, b, t = (low, mid, value / 50) if value <= 50 else (mid, high, (value - 50) / 50)
    return Color(*[(x + (y - x) * t) / 255 for x, y in zip(a, b, strict=True)])


def _recommendations(doc: _Doc, recs: list[dict[str, Any]]) -> list[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table, TableStyle

    data, st, tr = doc.data, doc.st, doc.tr
    _ = tr.gettext
    shown = recs[:MAX_RECOMMENDATIONS]
    title = _("Recommendations, most urgent first ({shown} of {n})").format(shown=len(shown), n=len(recs))
    out: list[Any] = [Paragraph(escape(title), st["h2"])]
    if not recs:
        return [*out, Paragraph(escape(_("No findings, so no recommendations.")), st["body"])]
    head = [_("Rank"), _("Finding"), _("Action"), _("Responsible party / owner"), _("Target timeframe"), _("Status")]
    rows: list[list[Any]] = [[Paragraph(escape(h), st["head"]) for h in head]]
    for r in shown:
        finding = data.protocol.item(r["item"]).short if isinstance(r["item"], str) and data.protocol.has_item(r["item"]) else None
        name = (finding.get(data.lang) if finding else None) or r["finding"] or principle_label(data.protocol, r["principle"], data.lang)
        sev = r["severity"]
        where = data.protocol.zones.label(str(r["zone"]), data.lang) if r["zone"] else ""
        owner = escape(r["responsible"]) + (f"<br/><b>{escape(r['owner'])}</b>" if r.get("owner") else "")
        due = parse_date(r.get("due_date"))
        timeframe = escape(timeframe_label(r["timeframe"], data.lang)) + (f"<br/>{escape(_day(due.isoformat(), data.lang))}" if due else "")
        rows.append([
            Paragraph(str(r["rank"]), st["cell"]),
            Paragraph(f'<font color="{SEVERITY_COLOURS.get(sev, "#000000")}"><b>{escape(data.protocol.severities.label(str(sev), data.lang))}</b></font>'
                      f"<br/>{escape(name)}<br/>{escape(where)}", st["cell"]),
            Paragraph(escape(r["action"]), st["cell"]),
            Paragraph(owner, st["cell"]),
            Paragraph(timeframe, st["cell"]),
            Paragraph(escape(status_label(r["status"], data.lang)), st["cell"]),
        ])
    w = doc.width
    table = Table(rows, colWidths=[w * 0.06, w * 0.17, w * 0.40, w * 0.16, w * 0.12, w * 0.09], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#1F4E78")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, HexColor(RULE)),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [HexColor("#FFFFFF"), HexColor("#F4F6F8")]),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    out.append(table)
    if len(recs) > len(shown):
        out.append(Paragraph(escape(_("… and {n} more in the workbook (walktool report).").format(n=len(recs) - len(shown))), st["small"]))
    return out


def _photos(doc: _Doc, rec: dict[str, Any]) -> list[Any]:
    """Up to four photos of the station's findings, most severe first, with their caption."""
    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    data, st = doc.data, doc.st
    found = data.found.get(str(rec["station_id"]))
    if found is None or found.empty or "photo" not in found or data.photos is None:
        return []
    with_photo = found.dropna(subset=["photo"])
    with_photo = with_photo.assign(_sev=with_photo["severity"].map(SEVERITY_ORDER).fillna(9)).sort_values(
        ["_sev", "local_time", "obs_id"], na_position="last", kind="stable")
    cells: list[Any] = []
    seen: set[str] = set()
    size = (doc.width - 3 * 8) / MAX_PHOTOS
    for r in with_photo.to_dict("records"):
        name = str(r["photo"])
        if name in seen:
            continue
        seen.add(name)
        path = data.photos.find(name)
        made = thumbnail_bytes(path, (480, 360)) if path is not None else None
        if made is None:
            continue
        content, _fmt, (w, h) = made
        scale = min(size / w, size * 0.75 / h)
        from walktool.report.labels import item_short

        caption = f"{item_short(data.protocol, r.get('item'), r.get('principle'), data.lang) or ''} · {data.protocol.zones.label(str(r.get('zone')), data.lang) if r.get('zone') else ''}"
        cells.append([Image(BytesIO(content), width=w * scale, height=h * scale), Paragraph(escape(caption), st["small"])])
        if len(cells) == MAX_PHOTOS:
            break
    if not cells:
        return []
    table = Table([[c[0] for c in cells], [c[1] for c in cells]], colWidths=[size + 8] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Paragraph(escape(doc.tr.gettext("Photos")), doc.st["h2"]), table]


def _day(text: str | None, lang: str) -> str:
    """``2023-11-14`` → ``14 nov. 2023`` / ``Nov 14, 2023``."""
    day = parse_date(text)
    if day is None:
        return "?"
    tr = translator(lang)
    return tr.gettext("{month} {day}, {year}").format(day=day.day, month=tr.text(_MONTHS[day.month - 1]), year=day.year)


_MONTHS = (NC_("month", "Jan"), NC_("month", "Feb"), NC_("month", "Mar"), NC_("month", "Apr"), NC_("month", "May"),
           NC_("month", "Jun"), NC_("month", "Jul"), NC_("month", "Aug"), NC_("month", "Sep"), NC_("month", "Oct"),
           NC_("month", "Nov"), NC_("month", "Dec"))


def _number(value: Any, lang: str) -> str:
    """``2760`` → ``2 760`` (fr) / ``2,760`` (en)."""
    try:
        text = f"{int(value):,}"
    except (TypeError, ValueError):
        return "–"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _percent(value: Any, lang: str) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.0f}\u202f%" if lang == "fr" else f"{float(value) * 100:.0f}%"


__all__ = ["BriefResult", "slug", "write_brief"]
