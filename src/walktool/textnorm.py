"""Text normalisation shared by vocabulary, header and station-name matching."""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−_/"), " ")
_QUOTES = dict.fromkeys(map(ord, "’‘`´"), "'")
_PUNCT = re.compile(r"[^\w'.+<>]+")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Remove diacritics: ``"Côte-des-Neiges"`` → ``"Cote-des-Neiges"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(
        "œ", "oe"
    ).replace("Œ", "OE")


def fold(text: object) -> str:
    """Fold a label for matching: accents, case, dashes, quotes and spacing ignored.

    Examples
    --------
    >>> fold("  Côte-des-Neiges ")
    'cote des neiges'
    >>> fold("Square-Victoria–OACI")
    'square victoria oaci'
    >>> fold("Hors-service")
    'hors service'
    """
    s = strip_accents(str(text)).translate(_DASHES).translate(_QUOTES).casefold()
    s = _PUNCT.sub(" ", s)
    return _SPACES.sub(" ", s).strip(" .")


def compact(text: object) -> str:
    """Fold and drop every space: ``"Berri - UQAM"`` → ``"berriuqam"``."""
    return fold(text).replace(" ", "").replace("'", "")
