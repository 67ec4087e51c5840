"""Reading and validating a protocol document, every problem reported in one pass."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from walktool.errors import Issue, ProtocolError
from walktool.i18n import N_, Phrase
from walktool.protocol.model import (
    KINDS,
    LANGS,
    PERCEPTION,
    PERIODS,
    POLARITIES,
    REC_TYPES,
    SEVERITIES,
    TIMEFRAMES,
    ZONES,
    AnswerType,
    Choice,
    Item,
    Principle,
    Protocol,
    Recommendation,
    Text,
    Vocabulary,
)
from walktool.textnorm import fold


class _LineDict(dict[str, Any]):
    """A mapping that remembers the YAML line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader keeping line numbers and reporting repeated keys (libyaml's parser when present)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        if key in result:
            loader.duplicates.append((key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _line(obj: Any, key: str | None = None) -> int | None:
    if isinstance(obj, _LineDict):
        if key is not None and key in obj.key_lines:
            return obj.key_lines[key]
        return obj.line
    return None


class _Validator:
    """Collects every problem of a protocol document in one pass."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(
        self,
        code: str,
        message: str,
        obj: Any = None,
        key: str | None = None,
        *,
        level: str = "error",
        line: int | None = None,
    ) -> None:
        self.issues.append(
            Issue(
                code=code,
                message=message,
                level="warning" if level == "warning" else "error",
                file=self.file,
                row=line if line is not None else _line(obj, key),
                column=key,
            )
        )

    # -- helpers --------------------------------------------------------------
    def text(self, obj: Any, key: str, where: str, *, required: bool = True) -> Text | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            if required:
                self.add("missing-field", f"{where} has no {key!r} (give {{fr: ..., en: ...}})", obj, key)
            return None
        if isinstance(value, str):
            self.add(
                "missing-label",
                f"{where}: {key!r} must be bilingual, e.g. {{fr: {value!r}, en: ...}}",
                obj,
                key,
            )
            return Text(value, value)
        if not isinstance(value, dict):
            self.add("bad-value", f"{where}: {key!r} must be a mapping {{fr: ..., en: ...}}", obj, key)
            return None
        for lang in LANGS:
            if not str(value.get(lang) or "").strip():
                self.add("missing-label", f"{where}: {key!r} has no {lang!r} text", value, lang if lang in value else None, line=_line(value, lang) or _line(obj, key))
        return Text(str(value.get("fr") or value.get("en") or ""), str(value.get("en") or value.get("fr") or ""))

    def enum(self, obj: Any, key: str, allowed: tuple[str, ...], where: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None:
            if required:
                self.add("missing-field", f"{where} has no {key!r} (one of {', '.join(allowed)})", obj, key)
            return default
        if str(value) not in allowed:
            self.add("bad-value", f"{where}: {key!r} is {value!r}; use one of {', '.join(allowed)}", obj, key)
            return default
        return str(value)

    def unknown_keys(self, obj: Any, allowed: set[str], where: str) -> None:
        if isinstance(obj, dict):
            for k in obj:
                if k not in allowed:
                    self.add("unknown-field", f"{where}: unknown field {k!r} (known: {', '.join(sorted(allowed))})", obj, k, level="warning")

    def synonyms(self, obj: Any, where: str) -> tuple[str, ...]:
        value = obj.get("synonyms") if isinstance(obj, dict) else None
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add("bad-value", f"{where}: 'synonyms' must be a list", obj, "synonyms")
            return ()
        return tuple(str(s) for s in value)

    def score(self, value: Any, obj: Any, where: str) -> float | None:
        if value is None:
            return None
        try:
            num = float(value)
        except (TypeError, ValueError):
            self.add("bad-score", f"{where}: score {value!r} is not a number", obj, "score")
            return None
        if not 0 <= num <= 1:
            self.add("bad-score", f"{where}: score {value!r} must be between 0 and 1", obj, "score")
        return num

    def thresholds(self, obj: Any, where: str) -> tuple[float | None, float | None]:
        spec = obj.get("score") if isinstance(obj, dict) else None
        if spec is None:
            return None, None
        if not isinstance(spec, dict) or "good_at_most" not in spec or "bad_at_least" not in spec:
            self.add("count-without-score", f"{where}: 'score' needs good_at_most and bad_at_least", obj, "score")
            return None, None
        try:
            good, bad = float(spec["good_at_most"]), float(spec["bad_at_least"])
        except (TypeError, ValueError):
            self.add("bad-score", f"{where}: thresholds must be numbers", obj, "score")
            return None, None
        if good == bad:
            self.add("bad-score", f"{where}: good_at_most and bad_at_least are equal ({good:g})", obj, "score")
        return good, bad

    def recommendation(self, obj: Any, where: str) -> Recommendation | None:
        rec = obj.get("recommendation") if isinstance(obj, dict) else None
        if rec is None:
            return None
        if not isinstance(rec, dict):
            self.add("bad-value", f"{where}: 'recommendation' must be a mapping", obj, "recommendation")
            return None
        w = f"{where} recommendation"
        self.unknown_keys(rec, {"action", "responsible", "timeframe", "type"}, w)
        action = self.text(rec, "action", w)
        responsible = self.text(rec, "responsible", w)
        timeframe = self.enum(rec, "timeframe", TIMEFRAMES, w, default="short")
        rtype = self.enum(rec, "type", REC_TYPES, w, default="operations")
        if action is None or responsible is None:
            return None
        return Recommendation(action, responsible, timeframe or "short", rtype or "operations")

    def keyed(self, doc: dict[str, Any], section: str, what: str) -> Iterator[tuple[dict[str, Any], str]]:
        """The entries of a list section (``principles``, ``items``) that have a ``key``, with it.

        Parameters
        ----------
        doc
            The protocol document.
        section
            The list's name in it.
        what
            What an entry is, for messages (``principle``, ``item``).

        Yields
        ------
        tuple[dict, str]
            Each entry that is a mapping with a key, and the key as text; a missing or
            empty list and entries without a key are reported (``missing-field``).
        """
        raw = doc.get(section)
        if not isinstance(raw, list) or not raw:
            self.add("missing-field", f"the protocol has no {section!r} list", doc, section)
            return
        for n, spec in enumerate(raw, 1):
            if not isinstance(spec, dict) or not spec.get("key"):
                self.add("missing-field", f"{what} {n} has no 'key'", spec if isinstance(spec, dict) else doc, "key" if isinstance(spec, dict) else section)
                continue
            yield spec, str(spec["key"])

    def choices(self, raw: Any, obj: Any, where: str, *, scored: bool) -> tuple[Choice, ...]:
        if not isinstance(raw, list) or not raw:
            self.add("missing-field", f"{where} has no 'choices' list", obj, "choices")
            return ()
        out: list[Choice] = []
        seen: dict[str, int | None] = {}
        spelled: dict[str, str] = {}
        for n, c in enumerate(raw, 1):
            cw = f"{where} choice {n}"
            if not isinstance(c, dict) or "value" not in c:
                self.add("missing-field", f"{cw} has no 'value'", c if isinstance(c, dict) else obj, "value" if isinstance(c, dict) else "choices")
                continue
            self.unknown_keys(c, {"value", "label", "synonyms", "score", "na", "severity"}, cw)
            value = c["value"]
            if isinstance(value, bool):
                self.add("bad-value", f"{cw}: value {value!r} was read as a boolean; quote it (\"yes\")", c, "value")
                value = "yes" if value else "no"
            value = str(value)
            if value in seen:
                self.add("duplicate-key", f"{where}: choice {value!r} is listed twice (first on line {seen[value]})", c, "value")
            seen[value] = _line(c, "value")
            label = self.text(c, "label", f"{cw} ({value!r})") or Text(value, value)
            na = bool(c.get("na", False))
            score = self.score(c.get("score"), c, f"{cw} ({value!r})")
            if scored and not na and score is None:
                self.add("scale-without-score", f"{where}: choice {value!r} has no score (add score: 0–1, or na: true)", c, "value")
            severity = c.get("severity")
            if severity is not None and str(severity) not in SEVERITIES:
                self.add("bad-value", f"{cw}: severity {severity!r}; use one of {', '.join(SEVERITIES)}", c, "severity")
                severity = None
            choice = Choice(value, label, self.synonyms(c, cw), score, na, None if severity is None else str(severity))
            for s in choice.spellings():
                f = fold(s)
                if not f:
                    continue
                other = spelled.get(f)
                if other is not None and other != value:
                    self.add("ambiguous-synonym", f"{where}: {s!r} means both {other!r} and {value!r}", c, "synonyms" if s in choice.synonyms else "label")
                spelled.setdefault(f, value)
            out.append(choice)
        return tuple(out)


def validate_protocol_text(text: str, file: str = "<protocol>") -> tuple[Protocol | None, list[Issue]]:
    """Parse and validate a protocol document.

    Parameters
    ----------
    text
        The YAML text.
    file
        Name used in issue locations.

    Returns
    -------
    (Protocol or None, list of Issue)
        The protocol is None when any error (not warning) was found.
    """
    from walktool.limits import protocol_text_problem

    v = _Validator(file)
    too_big = protocol_text_problem(text)
    if too_big is not None:
        v.add("protocol-too-large", too_big, line=1)
        return None, v.issues
    loader = _LineLoader(text)
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        v.add("yaml-syntax", f"not valid YAML: {getattr(exc, 'problem', exc)}", line=(mark.line + 1) if mark else None)
        return None, v.issues
    except RecursionError:
        v.add("protocol-too-large", "it is nested too deeply to be a protocol", line=1)
        return None, v.issues
    finally:
        loader.dispose()
    for key, line in loader.duplicates:
        v.add("duplicate-key", f"the key {key!r} appears twice in the same mapping", line=line, key=key)
    if not isinstance(doc, dict):
        v.add("missing-field", "a protocol is a YAML mapping with id, version, principles, items …", line=1)
        return None, v.issues

    v.unknown_keys(doc, {"id", "version", "title", "description", "scoring", "answer_types", "principles", "items", "context", "languages"}, "protocol")
    pid = doc.get("id")
    if not pid:
        v.add("missing-field", "the protocol has no 'id'", doc, "id")
    version = doc.get("version")
    if version is None:
        v.add("missing-field", "the protocol has no 'version' (e.g. version: \"1.0\")", doc, "version")
    title = v.text(doc, "title", "the protocol") or Text(str(pid), str(pid))
    description = v.text(doc, "description", "the protocol", required=False)
    scoring = doc.get("scoring") or {}
    if not isinstance(scoring, dict):
        v.add("bad-value", "'scoring' must be a mapping", doc, "scoring")
        scoring = {}

    # answer types
    answer_types: dict[str, AnswerType] = {}
    raw_types = doc.get("answer_types")
    if not isinstance(raw_types, dict) or not raw_types:
        v.add("missing-field", "the protocol has no 'answer_types' mapping", doc, "answer_types")
        raw_types = {}
    for key, spec in raw_types.items():
        where = f"answer type {key!r}"
        if not isinstance(spec, dict):
            v.add("bad-value", f"{where} must be a mapping with a 'kind'", raw_types, key)
            continue
        v.unknown_keys(spec, {"kind", "choices", "score", "unit"}, where)
        kind = v.enum(spec, "kind", KINDS, where, default="choice") or "choice"
        choices: tuple[Choice, ...] = ()
        good = bad = None
        if kind in ("choice", "scale"):
            raw_choices = spec.get("choices")
            scored = kind == "scale" or (isinstance(raw_choices, list) and any(isinstance(c, dict) and "score" in c for c in raw_choices))
            choices = v.choices(raw_choices, spec, where, scored=scored)
        elif kind in ("count", "number"):
            if "score" not in spec:
                v.add("count-without-score", f"{where}: a {kind} needs score: {{good_at_most: …, bad_at_least: …}}", spec, "kind")
            good, bad = v.thresholds(spec, where)
        answer_types[str(key)] = AnswerType(str(key), kind, choices, good, bad, spec.get("unit"))

    # principles
    principles: list[Principle] = []
    seen_p: dict[str, int | None] = {}
    for spec, key in v.keyed(doc, "principles", "principle"):
        where = f"principle {key!r}"
        v.unknown_keys(spec, {"key", "label", "description", "synonyms", "recommendation"}, where)
        if key in seen_p:
            v.add("duplicate-key", f"principle {key!r} is declared twice (first on line {seen_p[key]})", spec, "key")
            continue
        if key == PERCEPTION:
            v.add("bad-value", f"{PERCEPTION!r} is reserved for perception items; choose another principle key", spec, "key")
        seen_p[key] = _line(spec, "key")
        principles.append(
            Principle(
                key,
                v.text(spec, "label", where) or Text(key, key),
                v.text(spec, "description", where, required=False) or Text("", ""),
                v.synonyms(spec, where),
                v.recommendation(spec, where),
            )
        )

    # items
    items: list[Item] = []
    seen_i: dict[str, int | None] = {}
    for spec, key in v.keyed(doc, "items", "item"):
        where = f"item {key!r}"
        v.unknown_keys(spec, {"key", "principle", "answer", "polarity", "label", "short", "hint", "synonyms", "severity", "recommendation", "score"}, where)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            v.add("bad-value", f"{where}: keys are snake_case ASCII (they become form question names)", spec, "key")
        if key in seen_i:
            v.add("duplicate-key", f"item {key!r} is declared twice (first on line {seen_i[key]})", spec, "key")
            continue
        seen_i[key] = _line(spec, "key")
        principle = spec.get("principle")
        if principle is None:
            v.add("missing-field", f"{where} has no 'principle'", spec, "key")
            principle = ""
        elif str(principle) != PERCEPTION and str(principle) not in seen_p:
            v.add("unknown-principle", f"{where} names principle {principle!r}, which is not declared (declared: {', '.join(seen_p) or 'none'}, or {PERCEPTION!r})", spec, "principle")
        answer_key = spec.get("answer")
        answer = answer_types.get(str(answer_key)) if answer_key is not None else None
        if answer_key is None:
            v.add("missing-field", f"{where} has no 'answer' (an answer_types key)", spec, "key")
        elif answer is None:
            v.add("unknown-answer-type", f"{where} uses answer type {answer_key!r}, which is not declared (declared: {', '.join(answer_types) or 'none'})", spec, "answer")
        polarity = v.enum(spec, "polarity", POLARITIES, where, required=False, default="positive") or "positive"
        label = v.text(spec, "label", where) or Text(key, key)
        hint = v.text(spec, "hint", where, required=False)
        short = v.text(spec, "short", where, required=False)
        severity = v.enum(spec, "severity", SEVERITIES, where, required=False)
        rec = v.recommendation(spec, where)
        good, bad = v.thresholds(spec, where) if "score" in spec else (None, None)
        atype = answer or AnswerType(str(answer_key), "text")
        item = Item(key, str(principle), atype, polarity, label, hint, v.synonyms(spec, where), severity, rec, good, bad, short)
        if answer is not None and item.scored:
            if atype.kind == "choice" and not any(c.score is not None for c in atype.choices):
                v.add("scale-without-score", f"{where} is scored but answer type {answer_key!r} gives no scores", spec, "answer")
            if rec is None:
                v.add("missing-recommendation", f"{where} is scored but has no recommendation (action, responsible, timeframe, type)", spec, "key")
            if atype.kind in ("count", "number"):
                g = good if good is not None else atype.good_at_most
                b = bad if bad is not None else atype.bad_at_least
                if g is not None and b is not None and polarity == "negative" and g > b:
                    v.add("bad-score", f"{where} is negative (more is worse) but good_at_most > bad_at_least", spec, "polarity")
        items.append(item)

    # context vocabularies
    ctx = doc.get("context") or {}
    if not isinstance(ctx, dict):
        v.add("bad-value", "'context' must be a mapping of zone, period and severity vocabularies", doc, "context")
        ctx = {}
    vocabs: dict[str, Vocabulary] = {}
    for name, expected in (("zone", ZONES), ("period", PERIODS), ("severity", SEVERITIES)):
        raw = ctx.get(name)
        if raw is None:
            vocabs[name] = Vocabulary(name, tuple(Choice(x, Text(x, x)) for x in expected))
            continue
        choices = v.choices(raw, ctx, f"context {name!r}", scored=False)
        for c in choices:
            if name != "zone" and c.value not in expected:
                v.add("bad-value", f"context {name!r}: {c.value!r} is not one of {', '.join(expected)}", ctx, name)
        vocabs[name] = Vocabulary(name, choices)

    if any(i.level == "error" for i in v.issues):
        return None, v.issues
    protocol = Protocol(
        id=str(pid),
        version=str(version),
        title=title,
        description=description,
        principles=tuple(principles),
        items=tuple(items),
        answer_types=answer_types,
        zones=vocabs["zone"],
        periods=vocabs["period"],
        severities=vocabs["severity"],
        scoring=dict(scoring),
    )
    return protocol, v.issues


def validate_protocol(path: str | Path) -> tuple[Protocol | None, list[Issue]]:
    """Validate a protocol file; see :func:`validate_protocol_text`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        msg = Phrase(N_("{path}: no such protocol file"), path=path)
        raise ProtocolError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = Phrase(N_("{path}: not UTF-8 text; save the protocol as UTF-8"), path=path)
        raise ProtocolError(msg) from exc
    protocol, issues = validate_protocol_text(text, str(path))
    if protocol is not None:
        protocol.path = path
    return protocol, issues
