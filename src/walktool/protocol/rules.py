"""The scoring rules of a protocol as data, and a content hash of them.

Labels, synonyms, hints and recommendation texts can change without changing
one figure; the *rules* are what turns answers into scores, findings and
priorities: each scored item's principle, answer kind, polarity, choice scores
(and which choice is "not applicable" or carries a severity), count and distance
thresholds, default severity; and the protocol's ``problem_below``,
``severity_weights`` and ``minority_below``.  :func:`rules_hash` is a SHA-256 of that document written
canonically (sorted keys, numbers as floats), so two files with the same rules
have the same hash whatever their formatting, and editing one rule changes it.

>>> from walktool.protocol import default_protocol_path, load_protocol
>>> p = load_protocol(default_protocol_path())
>>> len(rules_hash(p))
12
>>> item_rules(p, "dark_corners")["polarity"]
'negative'
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walktool.protocol.model import Protocol

HASH_LENGTH = 12
"""Hex digits of the SHA-256 kept: enough to tell rule sets apart, short enough to print."""


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


def item_rules(protocol: Protocol, key: str) -> dict[str, Any]:
    """The rules that score answers to item ``key`` (JSON-ready, canonical)."""
    item = protocol.item(key)
    answer = item.answer
    good = item.good_at_most if item.good_at_most is not None else answer.good_at_most
    bad = item.bad_at_least if item.bad_at_least is not None else answer.bad_at_least
    return {
        "principle": item.principle,
        "kind": answer.kind,
        "scored": item.scored,
        "polarity": item.polarity,
        "severity": item.severity,
        "choices": [[c.value, _num(c.score), bool(c.na), c.severity] for c in answer.choices],
        "good_at_most": _num(good) if answer.kind in ("count", "number") else None,
        "bad_at_least": _num(bad) if answer.kind in ("count", "number") else None,
    }


def rules_document(protocol: Protocol) -> dict[str, Any]:
    """Every scoring rule of ``protocol``: the items' rules and the protocol-wide thresholds and weights."""
    return {
        "problem_below": protocol.problem_below,
        "severity_weights": protocol.severity_weights,
        "minority_below": protocol.minority_below,
        "items": {i.key: item_rules(protocol, i.key) for i in protocol.items},
    }


def _digest(doc: Any) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:HASH_LENGTH]


def rules_hash(protocol: Protocol) -> str:
    """A short content hash of the protocol's scoring rules (:func:`rules_document`)."""
    cached: str | None = getattr(protocol, "_rules_hash", None)
    if cached is None:
        cached = _digest(rules_document(protocol))
        protocol._rules_hash = cached  # type: ignore[attr-defined]
    return cached


def item_rules_hash(protocol: Protocol, key: str) -> str:
    """The hash of one item's rules together with the protocol-wide thresholds that decide a finding."""
    return _digest({"item": item_rules(protocol, key), "problem_below": protocol.problem_below})


def same_rules_items(a: Protocol, b: Protocol) -> tuple[list[str], list[str]]:
    """Items of ``a`` that ``b`` has with the same rules, and those whose rules differ.

    Items missing from ``b`` are in neither list.
    """
    same: list[str] = []
    changed: list[str] = []
    for item in a.items:
        if not b.has_item(item.key):
            continue
        (same if item_rules_hash(a, item.key) == item_rules_hash(b, item.key) else changed).append(item.key)
    return same, changed
