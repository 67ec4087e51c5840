"""The letter to participants (``walktool followup letter``): bilingual, one or two pages, HTML or PDF.

Participants of walk studies say their feedback goes "into a void"; this letter tells
them what the walks found, which recommendations were done, which are in progress,
which were declined and why, and what happens next (:mod:`~.content`).  Both French
and English are in it, ``lang`` first.  ``.html`` writes a page (template
``letter/letter.html``), ``.pdf`` a Letter-size PDF (ReportLab, the bundled DejaVu Sans).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from walktool.errors import WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    from walktool.letter.content import LetterText
    from walktool.project import Project


class LetterError(WalktoolError):
    """The letter cannot be written (no campaign, an output that is neither .html nor .pdf)."""


@dataclass
class LetterResult:
    """What :func:`write_letter` wrote."""

    path: Path
    campaign: str | None
    done: int
    in_progress: int
    declined: int
    pending: int


def write_letter(project: Project, out: str | Path, *, campaign: str | None = None, lang: str | None = None) -> LetterResult:
    """Write the participants' letter of a campaign.

    Parameters
    ----------
    project
        The open project.
    out
        ``.html`` or ``.pdf``.
    campaign
        Campaign name (None: the only or latest one).
    lang
        The language that comes first (default: the project's); the other follows.

    Raises
    ------
    LetterError
        No observations, or an output that is neither ``.html`` nor ``.pdf``.
    """
    from walktool.analysis import resolve_campaign, summarize
    from walktool.i18n import resolve_language
    from walktool.letter.content import group_of, letter_text
    from walktool.overdue import annotate
    from walktool.recommend import recommend

    path = Path(out)
    kind = path.suffix.lower()
    if kind not in (".html", ".htm", ".pdf"):
        msg = Phrase(N_("{path}: the letter is an HTML page or a PDF; give --out a name ending in .html or .pdf"), path=path)
        raise LetterError(msg)
    name = resolve_campaign(project, campaign)
    if name is None:
        msg = Phrase(N_("{root}: no observations yet, so nothing to tell the participants; import the walks first"), root=project.root)
        raise LetterError(msg)
    first = resolve_language(lang, project.settings)
    order = [first, "en" if first == "fr" else "fr"]
    summary = summarize(project, name)
    protocol = project.protocol()
    recs = recommend(project, name)
    texts = [letter_text(project, name, lg, annotate(recs.records(lg, protocol), project, name), summary) for lg in order]
    records = recs.records(first, protocol)
    counts = {g: sum(1 for r in records if group_of(r.get("status")) == g) for g in ("done", "in_progress", "declined", "pending")}
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == ".pdf":
        _pdf(path, texts)
    else:
        path.write_text(_html(texts), encoding="utf-8")
    return LetterResult(path, name, counts["done"], counts["in_progress"], counts["declined"], counts["pending"])


def _html(texts: list[LetterText]) -> str:
    from html import escape
    from importlib import resources
    from string import Template

    parts = []
    for t in texts:
        body = [f'<section lang="{t.lang}"><h1>{escape(t.title)}</h1><p>{escape(t.greeting)}</p>']
        for sec in t.sections:
            body.append(f"<h2>{escape(sec.heading)}</h2>")
            body += [f"<p>{escape(p)}</p>" for p in sec.paragraphs]
            if sec.bullets:
                body.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in sec.bullets) + "</ul>")
        body.append(f'<p class="closing">{escape(t.closing)}</p></section>')
        parts.append("".join(body))
    template = (resources.files("walktool") / "letter" / "letter.html").read_text(encoding="utf-8")
    return Template(template).substitute(lang=texts[0].lang, title=escape(texts[0].title), body="\n<hr>\n".join(parts))


def _pdf(path: Path, texts: list[LetterText]) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.units import inch
    from reportlab.platypus import (
        ListFlowable,
        ListItem,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    from walktool.pdfdoc import escape, styles

    st = styles()
    story: list[object] = []
    for i, t in enumerate(texts):
        if i:
            story.append(PageBreak())
        story += [Paragraph(escape(t.title), st["title"]), Spacer(1, 4), Paragraph(escape(t.greeting), st["body"])]
        for sec in t.sections:
            story.append(Paragraph(escape(sec.heading), st["h2"]))
            story += [Paragraph(escape(p), st["body"]) for p in sec.paragraphs]
            if sec.bullets:
                story.append(ListFlowable([ListItem(Paragraph(escape(b), st["body"]), leftIndent=10) for b in sec.bullets],
                                          bulletType="bullet", start="•", leftIndent=10))
        story += [Spacer(1, 8), Paragraph(escape(t.closing), st["small"])]
    doc = SimpleDocTemplate(str(path), pagesize=letter, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
                            topMargin=0.7 * inch, bottomMargin=0.7 * inch, title=texts[0].title)
    doc.build(story)


__all__ = ["LetterError", "LetterResult", "write_letter"]
