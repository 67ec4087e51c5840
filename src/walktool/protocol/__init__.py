"""Checklists (protocols): the YAML format, its validator and answer scoring.

A protocol lists the principles, the items participants answer, their answer
vocabularies with French and English labels and synonyms, how each answer maps
to a 0–1 score, and the recommendation attached to each item.  The format is
documented in ``docs/protocol-format.md``.

The package is split along its seams: :mod:`~walktool.protocol.model` (the
dataclasses), :mod:`~walktool.protocol.answers` (understanding and scoring raw
answers), :mod:`~walktool.protocol.validate` (reading and validating a document)
and :mod:`~walktool.protocol.files` (loading, finding versions, summaries).

>>> p = load_protocol(default_protocol_path())
>>> p.id
'stm-exploratory-walk'
>>> p.parse_answer("dark_corners", "Oui").score
0.0
"""

from __future__ import annotations

from walktool.protocol.answers import match_choice, parse_number, score_numeric
from walktool.protocol.files import (
    default_protocol_path,
    find_protocols,
    load_protocol,
    protocol_summary,
)
from walktool.protocol.model import (
    DEFAULT_PROTOCOL_ID,
    KINDS,
    LANGS,
    PERCEPTION,
    PERIODS,
    POLARITIES,
    REC_TYPES,
    SEVERITIES,
    TIMEFRAMES,
    ZONES,
    Answer,
    AnswerType,
    Choice,
    Item,
    Principle,
    Protocol,
    Recommendation,
    Text,
    Vocabulary,
)
from walktool.protocol.validate import validate_protocol, validate_protocol_text

__all__ = [
    "DEFAULT_PROTOCOL_ID",
    "KINDS",
    "LANGS",
    "PERCEPTION",
    "PERIODS",
    "POLARITIES",
    "REC_TYPES",
    "SEVERITIES",
    "TIMEFRAMES",
    "ZONES",
    "Answer",
    "AnswerType",
    "Choice",
    "Item",
    "Principle",
    "Protocol",
    "Recommendation",
    "Text",
    "Vocabulary",
    "default_protocol_path",
    "find_protocols",
    "load_protocol",
    "match_choice",
    "parse_number",
    "protocol_summary",
    "score_numeric",
    "validate_protocol",
    "validate_protocol_text",
]
