"""What the XLSForm and the field sheet share: labels, station choices, problem rules.

Both forms must come back through ``walktool import`` without a mapping file, so
the names and labels chosen here are those :mod:`walktool.columns` recognises:
context labels fold to a context synonym (``Participant·e`` → ``observer``,
``Période`` → ``period``), and the per-item companions are labelled
``Gravité – <question>`` / ``Commentaire – <question>`` / ``Photo – <question>``
so that a labels-mode export still names their item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from walktool.protocol import PERCEPTION, Item, Protocol, Text
from walktool.textnorm import strip_accents

if TYPE_CHECKING:
    from walktool.stations import StationLayer

LANGS = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français (fr)", "en": "English (en)"}

# Labels of the context questions / columns.  Each folds to a name that
# walktool.columns.CONTEXT_SYNONYMS maps back to the field (checked by the tests).
CONTEXT_LABELS: dict[str, Text] = {
    "observer": Text("Participant·e", "Participant"),
    "date": Text("Date", "Date"),
    "time": Text("Heure", "Time"),
    "line": Text("Ligne de métro", "Metro line"),
    "station": Text("Station", "Station"),
    "zone": Text("Zone", "Zone"),
    "period": Text("Période", "Period"),
    "location": Text("Position", "Location"),
    "severity": Text("Gravité", "Severity"),
    "comment": Text("Commentaire", "Comment"),
    "photo": Text("Photo", "Photo"),
    "principle": Text("Principe", "Principle"),
    "item": Text("Question", "Question"),
    "lat": Text("Latitude", "Latitude"),
    "lon": Text("Longitude", "Longitude"),
}
CONTEXT_HINTS: dict[str, Text] = {
    "observer": Text(
        "Votre prénom ou votre code de participant·e. Il est remplacé par un pseudonyme à l'import.",
        "Your first name or participant code. It is replaced by a pseudonym on import.",
    ),
    "line": Text("Choisissez d'abord la ligne : la liste des stations suit.", "Pick the line first: the station list follows."),
    "station": Text("La station où vous êtes.", "The station you are in."),
    "zone": Text("La partie de la station où vous vous arrêtez.", "The part of the station where you stop."),
    "period": Text(
        "Laissez vide pour la déduire de l'heure (jour ou nuit).",
        "Leave empty to work it out from the time (day or night).",
    ),
    "location": Text(
        "Facultatif : sous terre, il n'y a souvent pas de signal GPS. La station et la zone suffisent.",
        "Optional: underground there is often no GPS fix. The station and zone are enough.",
    ),
    "comment": Text("Tout autre commentaire sur cet arrêt.", "Anything else about this stop."),
    "photo": Text("Une photo de l'arrêt (facultatif).", "A photo of this stop (optional)."),
}
COMPANION_PREFIX = {
    "severity": Text("Gravité", "Severity"),
    "comment": Text("Commentaire", "Comment"),
    "photo": Text("Photo", "Photo"),
}
PERCEPTION_LABEL = Text("Ressenti (n'entre pas dans les scores)", "How you feel (not scored)")

# STM lines: value in the stations layer → label (official colour names and numbers).
LINE_LABELS: dict[str, Text] = {
    "green": Text("Ligne verte (1)", "Green line (1)"),
    "orange": Text("Ligne orange (2)", "Orange line (2)"),
    "yellow": Text("Ligne jaune (4)", "Yellow line (4)"),
    "blue": Text("Ligne bleue (5)", "Blue line (5)"),
}
OTHER_LINE = "other"


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is ``fr`` or ``en``; raise ValueError otherwise."""
    if lang not in LANGS:
        msg = f"language {lang!r}: use fr or en"
        raise ValueError(msg)
    return lang


def slug(text: str) -> str:
    """An ASCII name for a choice: ``"Côte-des-Neiges"`` → ``"cote_des_neiges"``."""
    return re.sub(r"[^a-z0-9]+", "_", strip_accents(str(text)).lower()).strip("_")


def companion_label(kind: str, item: Item) -> Text:
    """``Gravité – <question>`` (and English): import finds the item from this label."""
    prefix = COMPANION_PREFIX[kind]
    return Text(f"{prefix.fr} – {item.label.fr}", f"{prefix.en} – {item.label.en}")


def perception_items(protocol: Protocol) -> list[Item]:
    """Items of the perception pseudo-principle (kept apart from the scores)."""
    return [i for i in protocol.items if i.principle == PERCEPTION]


def principle_items(protocol: Protocol, key: str) -> list[Item]:
    """Items of one principle, in protocol order."""
    return [i for i in protocol.items if i.principle == key]


def ordered_items(protocol: Protocol) -> list[Item]:
    """Every item, principle by principle, perception last (the order of both forms)."""
    out = [i for p in protocol.principles for i in principle_items(protocol, p.key)]
    known = {i.key for i in out}
    return out + [i for i in protocol.items if i.key not in known]


# ---------------------------------------------------------------------------
# When an answer signals a problem
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemRule:
    """Which answers to an item call for a severity, a comment and a photo.

    Either a set of choice values, or a numeric comparison (``op`` is ``>`` or
    ``<`` against ``threshold``).
    """

    choices: tuple[str, ...] = ()
    op: str | None = None
    threshold: float | None = None

    def xpath(self, ref: str) -> str:
        """The XLSForm ``relevant`` expression, e.g. ``${dark_corners} = 'yes'``."""
        if self.op is not None and self.threshold is not None:
            return f"{ref} != '' and {ref} {self.op} {self.threshold:g}"
        return " or ".join(f"{ref} = '{value}'" for value in self.choices)

    def matches(self, value: str | float | None) -> bool:
        """Whether a stored answer value (choice value or number) is a problem."""
        if value is None or value == "":
            return False
        if self.op is not None and self.threshold is not None:
            number = float(value)
            return number > self.threshold if self.op == ">" else number < self.threshold
        return str(value) in self.choices


def problem_rule(protocol: Protocol, item: Item) -> ProblemRule | None:
    """The answers that make a finding (score below ``problem_below``), or None.

    Perception items are never findings: their rule is the answers that are not
    the most comfortable one, for which a comment ("why?") is asked.
    """
    if item.kind == "text":
        return None
    if item.answer.choices:
        if item.principle == PERCEPTION:
            scores = [c.score for c in item.answer.choices if c.score is not None]
            best = max(scores) if scores else None
            values = tuple(c.value for c in item.answer.choices if c.score is not None and best is not None and c.score < best)
        else:
            values = tuple(
                c.value
                for c in item.answer.choices
                if (s := protocol.choice_score(item, c)) is not None and s < protocol.problem_below
            )
        return ProblemRule(choices=values) if values else None
    good = item.good_at_most if item.good_at_most is not None else item.answer.good_at_most
    bad = item.bad_at_least if item.bad_at_least is not None else item.answer.bad_at_least
    if good is None or bad is None or good == bad or not item.scored:
        return None
    # score = 1 - frac, frac the position between good and bad: a problem when frac > 1 - problem_below
    share = 1.0 - protocol.problem_below
    if good < bad:
        return ProblemRule(op=">", threshold=round(good + share * (bad - good), 6))
    return ProblemRule(op="<", threshold=round(good - share * (good - bad), 6))


def default_severity(item: Item, value: str | None = None) -> str:
    """The severity import gives a problem answer when the sheet names none."""
    choice = item.answer.choice(value) if value is not None else None
    return (choice.severity if choice is not None else None) or item.severity or "medium"


# ---------------------------------------------------------------------------
# Stations and lines
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StationChoice:
    """A station as the forms offer it."""

    name: str  # choice name (XLSForm) — understood by the import's station matcher
    label: str  # the station's name
    station_id: str
    lines: tuple[str, ...]  # line choice names


@dataclass(frozen=True)
class LineChoice:
    """A metro line as the XLSForm offers it."""

    name: str
    label: Text


def station_choices(layer: StationLayer) -> tuple[list[LineChoice], list[StationChoice]]:
    """Lines and stations for the forms, stations sorted by name.

    A station's choice name is its name as an ASCII slug (``berri_uqam``), which
    the import's station matcher reads back exactly; when it would not (another
    agency's odd names), the station id is used instead if that matches.
    """
    from walktool.stations import StationMatcher
    from walktool.textnorm import fold

    frame = layer.stations
    matcher = StationMatcher(frame)
    line_names: dict[str, LineChoice] = {}
    stations: list[StationChoice] = []
    used: set[str] = set()
    for sid, name, lines in zip(frame["station_id"], frame["name"], frame["lines"], strict=True):
        sid, name = str(sid), str(name)
        raw_lines = [p.strip() for p in str(lines if isinstance(lines, str) else "").split(";") if p.strip()]
        codes = []
        for raw in raw_lines:
            code = slug(raw) or OTHER_LINE
            if code not in line_names:
                line_names[code] = LineChoice(code, LINE_LABELS.get(code, Text(raw, raw)))
            codes.append(code)
        choice = None
        for candidate in (slug(name), sid):
            match = matcher.match(candidate) if candidate else None
            if candidate and candidate not in used and match is not None and match.station_id == sid:
                choice = candidate
                break
        if choice is None:
            base = slug(name) or slug(sid) or "station"
            choice, n = base, 1
            while choice in used:
                n += 1
                choice = f"{base}_{n}"
        used.add(choice)
        stations.append(StationChoice(choice, name, sid, tuple(codes)))
    if any(not s.lines for s in stations) and line_names:
        line_names.setdefault(OTHER_LINE, LineChoice(OTHER_LINE, Text("Autre", "Other")))
        stations = [s if s.lines else StationChoice(s.name, s.label, s.station_id, (OTHER_LINE,)) for s in stations]
    order = list(LINE_LABELS)
    lines_sorted = sorted(line_names.values(), key=lambda c: (order.index(c.name) if c.name in order else len(order), c.name == OTHER_LINE, c.name))
    stations.sort(key=lambda s: fold(s.label))
    return lines_sorted, stations
