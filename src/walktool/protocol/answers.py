"""Understanding raw answers: choice matching, numbers, and scores of counts and distances."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from walktool.textnorm import compact, fold

if TYPE_CHECKING:
    from walktool.protocol.model import Choice, Item


def match_choice(choices: Iterable[Choice], raw: object, *, only_na: bool = False) -> str | None:
    folded = fold(raw)
    if not folded:
        return None
    squeezed = compact(raw)
    loose: str | None = None
    for c in choices:
        if only_na and not c.na:
            continue
        for s in c.spellings():
            if fold(s) == folded:
                return c.value
            if loose is None and compact(s) == squeezed:
                loose = c.value
    if loose is not None:
        return loose
    num = parse_number(raw)
    if num is not None:
        for c in choices:
            if not only_na and parse_number(c.value) == num:
                return c.value
    return None


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(raw: object, *, integer: bool = False) -> float | None:
    """Parse ``"3"``, ``"3,5"``, ``"120 m"`` or ``3.0``; None when not a number.

    >>> parse_number("45,5017")
    45.5017
    >>> parse_number("120 m")
    120.0
    >>> parse_number("2.5", integer=True) is None
    True
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        text = re.sub(r"(?i)(m|mètres?|metres?|meters?)$", "", text)
        if not _NUMBER.match(text):
            return None
        value = float(text.replace(",", "."))
    if math.isnan(value) or math.isinf(value):
        return None
    if integer and value != int(value):
        return None
    return value


def format_number(num: float) -> str:
    """Write a number as a stored answer: ``3`` for 3.0, ``2.5`` for 2.5."""
    return str(int(num)) if num == int(num) else f"{num:g}"


def score_numeric(item: Item, value: float) -> float | None:
    """Score a count or number answer linearly between the item's thresholds."""
    good = item.good_at_most if item.good_at_most is not None else item.answer.good_at_most
    bad = item.bad_at_least if item.bad_at_least is not None else item.answer.bad_at_least
    if good is None or bad is None or good == bad or not item.scored:
        return None
    if good < bad:
        frac = (value - good) / (bad - good)
    else:
        frac = (good - value) / (good - bad)
    return round(1.0 - min(1.0, max(0.0, frac)), 6)
