"""What the participants' letter says, in one language: found, done, in progress, declined, next.

The letter is built from the stored follow-up statuses (``walktool followup import``):
``done`` and ``verified`` recommendations are *done*; ``accepted`` and ``in_progress``
are *in progress*; ``rejected`` ones are *declined*, with the note staff wrote as the
reason; ``proposed`` ones are *pending* (overdue ones say so).  It names no participant,
no owner and quotes no comment: it goes to the people who walked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from walktool.i18n import translator

if TYPE_CHECKING:
    from walktool.project import Project

GROUPS = {"done": ("done", "verified"), "in_progress": ("accepted", "in_progress"), "declined": ("rejected",), "pending": ("proposed",)}
LISTED = 6  # recommendations listed per group (the letter stays one or two pages)


@dataclass
class Section:
    """A heading, paragraphs and a bullet list."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class LetterText:
    """The letter in one language."""

    lang: str
    title: str
    greeting: str
    sections: list[Section]
    closing: str


def group_of(status: str | None) -> str:
    """``done``, ``in_progress``, ``declined`` or ``pending`` for a stored status."""
    for group, statuses in GROUPS.items():
        if (status or "proposed") in statuses:
            return group
    return "pending"


def letter_text(project: Project, campaign: str | None, lang: str, records: list[dict[str, Any]], summary: Any) -> LetterText:
    """The letter's text in ``lang`` from the campaign's summary and recommendation records (in ``lang``)."""
    tr = translator(lang)
    _ = tr.gettext
    net = summary.network
    stations = sorted(summary.station_records(), key=lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0))
    found = Section(_("What the walks found"))
    found.paragraphs.append(_("{walks} walks, {participants} participants, {stations} stations, {observations} observations.").format(
        walks=net["walks"], participants=net["participants"], stations=net["stations"], observations=net["observations"]))
    for rec in stations[:3]:
        score = "–" if rec["score"] is None else f"{rec['score']:.0f}"
        n = sum(int(v) for v in rec["findings"].values())
        found.bullets.append(_("{station}: score {score} / 100, {n} problems noted").format(station=rec["name"], score=score, n=n))
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    for r in records:
        groups[group_of(r.get("status"))].append(r)
    titles = {"done": _("Done"), "in_progress": _("In progress"), "declined": _("Declined, and why"), "pending": _("Not started yet")}
    sections = [found]
    for key, recs in groups.items():
        sec = Section(f"{titles[key]} ({len(recs)})")
        for r in recs[:LISTED]:
            what = r.get("finding") or r.get("item") or r.get("principle") or ""
            line = f"{r['station']} — {what}: {r['action']}"
            if key == "declined":
                line += " — " + (_("reason: {note}").format(note=r["note"]) if r.get("note") else _("no reason recorded yet"))
            if key == "pending" and r.get("overdue"):
                line += " — " + _("overdue since {date}").format(date=r["due"])
            sec.bullets.append(line)
        if len(recs) > LISTED:
            sec.paragraphs.append(_("… and {n} more.").format(n=len(recs) - LISTED))
        if not recs:
            sec.paragraphs.append(_("None."))
        sections.append(sec)
    late = sum(1 for r in records if r.get("overdue"))
    nxt = Section(_("What happens next"))
    nxt.paragraphs.append(_("The station teams report on the recommendations still open; {late} of them are past their target date"
                            " and are being followed up.").format(late=late))
    nxt.paragraphs.append(_("A follow-up walk will check what was done. Thank you for walking with us: what you saw is now on the"
                            " agenda of the people who can change it."))
    return LetterText(
        lang=lang,
        title=_("Exploratory walks {campaign}: what happened next").format(campaign=campaign or ""),
        greeting=_("To everyone who took part in the walks,"),
        sections=[*sections, nxt],
        closing=project.settings.name,
    )
