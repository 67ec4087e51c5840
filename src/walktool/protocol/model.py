"""The checklist model: principles, items, answer vocabularies and the loaded protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from walktool.protocol.answers import format_number, match_choice, parse_number, score_numeric
from walktool.textnorm import compact, fold

KINDS = ("choice", "scale", "count", "number", "text")
POLARITIES = ("positive", "negative")
TIMEFRAMES = ("immediate", "short", "medium", "long")
REC_TYPES = ("quick_win", "operations", "capital")
SEVERITIES = ("low", "medium", "high", "critical")
ZONES = ("entrance", "hall", "corridor", "stairs", "platform", "transfer", "bus_loop")
PERIODS = ("day", "night")
PERCEPTION = "perception"
LANGS = ("fr", "en")
DEFAULT_PROTOCOL_ID = "stm-exploratory-walk"


@dataclass(frozen=True)
class Text:
    """A bilingual text, French first."""

    fr: str
    en: str

    def get(self, lang: str = "fr") -> str:
        """Return the text in ``lang`` (``"fr"`` or ``"en"``), falling back to the other."""
        return (self.en or self.fr) if lang == "en" else (self.fr or self.en)


@dataclass(frozen=True)
class Choice:
    """One answer of a vocabulary."""

    value: str
    label: Text
    synonyms: tuple[str, ...] = ()
    score: float | None = None
    na: bool = False
    severity: str | None = None

    def spellings(self) -> Iterator[str]:
        """Every spelling that means this choice (value, labels, synonyms)."""
        yield self.value
        yield self.label.fr
        yield self.label.en
        yield from self.synonyms


@dataclass(frozen=True)
class AnswerType:
    """A reusable answer vocabulary or numeric answer."""

    key: str
    kind: str
    choices: tuple[Choice, ...] = ()
    good_at_most: float | None = None
    bad_at_least: float | None = None
    unit: str | None = None

    def choice(self, value: str) -> Choice | None:
        """Return the choice with this stored value."""
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class Recommendation:
    """What to do about a problem, who does it and by when."""

    action: Text
    responsible: Text
    timeframe: str
    type: str


@dataclass(frozen=True)
class Principle:
    """A theme of safe design that items are grouped under."""

    key: str
    label: Text
    description: Text
    synonyms: tuple[str, ...] = ()
    recommendation: Recommendation | None = None


@dataclass(frozen=True)
class Item:
    """One question of the checklist."""

    key: str
    principle: str
    answer: AnswerType
    polarity: str
    label: Text
    hint: Text | None = None
    synonyms: tuple[str, ...] = ()
    severity: str | None = None
    recommendation: Recommendation | None = None
    good_at_most: float | None = None
    bad_at_least: float | None = None
    short: Text | None = None
    """A short name for reports (``Interphone``), when the question is long."""

    @property
    def scored(self) -> bool:
        """Whether answers to this item count in principle scores."""
        return self.principle != PERCEPTION and self.answer.kind != "text"

    @property
    def kind(self) -> str:
        """The answer kind: choice, scale, count, number or text."""
        return self.answer.kind


@dataclass(frozen=True)
class Vocabulary:
    """A context vocabulary (zone, period, severity)."""

    name: str
    choices: tuple[Choice, ...]

    def match(self, raw: object) -> str | None:
        """Return the value meant by ``raw``, or None when not understood."""
        return match_choice(self.choices, raw)

    def label(self, value: str, lang: str = "fr") -> str:
        """Return the label of ``value`` in ``lang``."""
        for c in self.choices:
            if c.value == value:
                return c.label.get(lang)
        return value


@dataclass(frozen=True)
class Answer:
    """An answer understood through an item's vocabulary."""

    value: str
    score: float | None
    na: bool = False
    severity: str | None = None


@dataclass
class Protocol:
    """A loaded, validated checklist."""

    id: str
    version: str
    title: Text
    principles: tuple[Principle, ...]
    items: tuple[Item, ...]
    answer_types: dict[str, AnswerType]
    zones: Vocabulary
    periods: Vocabulary
    severities: Vocabulary
    scoring: dict[str, Any] = field(default_factory=dict)
    description: Text | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        self._items = {i.key: i for i in self.items}
        self._principles = {p.key: p for p in self.principles}

    # -- lookups -----------------------------------------------------------------
    def item(self, key: str) -> Item:
        """Return the item with this key (KeyError if unknown)."""
        return self._items[key]

    def has_item(self, key: str) -> bool:
        """Whether the protocol has an item with this key."""
        return key in self._items

    def principle(self, key: str) -> Principle:
        """Return the principle with this key (KeyError if unknown)."""
        return self._principles[key]

    @property
    def ref(self) -> str:
        """``id@version``: the name of this exact version (``stm-exploratory-walk@1.0``)."""
        return f"{self.id}@{self.version}"

    @property
    def rules_hash(self) -> str:
        """A short content hash of the scoring rules (:func:`walktool.protocol.rules.rules_hash`)."""
        from walktool.protocol.rules import rules_hash

        return rules_hash(self)

    @property
    def minority_below(self) -> float:
        """Recommendations flagged by a smaller share of those who answered are minority reports (default 1/3)."""
        return float(self.scoring.get("minority_below", 1 / 3))

    @property
    def principle_keys(self) -> list[str]:
        """Principle keys in protocol order."""
        return [p.key for p in self.principles]

    @property
    def problem_below(self) -> float:
        """An answer scoring below this threshold is a problem (a finding)."""
        return float(self.scoring.get("problem_below", 0.5))

    @property
    def low_confidence_participants(self) -> int:
        """Stations seen by fewer participants than this are low-confidence."""
        return int(self.scoring.get("low_confidence_participants", 3))

    @property
    def min_group_size(self) -> int:
        """Profile groups with fewer participants than this are suppressed."""
        return int(self.scoring.get("min_group_size", 5))

    @property
    def severity_weights(self) -> dict[str, float]:
        """Weight of each severity level in recommendation priority."""
        default = {"low": 1, "medium": 2, "high": 4, "critical": 8}
        weights = self.scoring.get("severity_weights") or default
        return {k: float(weights.get(k, default[k])) for k in SEVERITIES}

    def match_item(self, raw: object) -> Item | None:
        """Find the item a sheet names by key, label or synonym."""
        return self._name_index().get("items", {}).get(fold(raw)) or self._name_index().get(
            "items_c", {}
        ).get(compact(raw))

    def match_principle(self, raw: object) -> Principle | None:
        """Find the principle a sheet names by key, label or synonym."""
        return self._name_index().get("principles", {}).get(fold(raw)) or self._name_index().get(
            "principles_c", {}
        ).get(compact(raw))

    def _name_index(self) -> dict[str, dict[str, Any]]:  # built once, on first use
        cached: dict[str, dict[str, Any]] | None = getattr(self, "_names", None)
        if cached is not None:
            return cached
        items: dict[str, Item] = {}
        items_c: dict[str, Item] = {}
        for it in self.items:
            for s in (it.key, it.label.fr, it.label.en, *it.synonyms):
                items.setdefault(fold(s), it)
                items_c.setdefault(compact(s), it)
        principles: dict[str, Principle] = {}
        principles_c: dict[str, Principle] = {}
        for p in self.principles:
            for s in (p.key, p.label.fr, p.label.en, *p.synonyms):
                principles.setdefault(fold(s), p)
                principles_c.setdefault(compact(s), p)
        names: dict[str, dict[str, Any]] = {
            "items": items,
            "items_c": items_c,
            "principles": principles,
            "principles_c": principles_c,
        }
        self._names = names
        return names

    # -- answers -----------------------------------------------------------------
    def parse_answer(self, item_key: str, raw: object) -> Answer | None:
        """Understand a raw answer to an item.

        Returns None when the answer is not understood; callers report that as an
        issue quoting the value.  Empty answers must be filtered out before.
        """
        item = self.item(item_key)
        kind = item.answer.kind
        if kind == "text":
            text = str(raw).strip()
            return Answer(text, None) if text else None
        if kind in ("count", "number"):
            na = match_choice(self.answer_types.get("yes_no_na", _EMPTY).choices, raw, only_na=True)
            if na is not None:
                return Answer("na", None, na=True)
            num = parse_number(raw, integer=(kind == "count"))
            if num is None or num < 0:
                return None
            number = str(int(num)) if kind == "count" else format_number(num)
            return Answer(number, score_numeric(item, num))
        matched = match_choice(item.answer.choices, raw)
        if matched is None:
            return None
        choice = item.answer.choice(matched)
        assert choice is not None
        return Answer(matched, self.choice_score(item, choice), na=choice.na, severity=choice.severity)

    def choice_score(self, item: Item, choice: Choice) -> float | None:
        """Score of a choice for an item, applying the item's polarity."""
        if choice.na or choice.score is None or not item.scored:
            return None
        return 1.0 - choice.score if item.polarity == "negative" else float(choice.score)

    def answer_label(self, item_key: str, value: str, lang: str = "fr") -> str:
        """Label of a stored answer value in ``lang`` (numbers are returned as they are)."""
        item = self.item(item_key)
        choice = item.answer.choice(value)
        if choice is None:
            return f"{value} {item.answer.unit}" if item.answer.unit and value else value
        return choice.label.get(lang)



_EMPTY = AnswerType("empty", "choice")
