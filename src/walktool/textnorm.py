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


_NOTHING_WRONG = re.compile(
    r"(?:^|[\s.])(rien a signaler|r\.?a\.?s|nothing to report|aucun probleme|pas de probleme|no problems?|nothing wrong)(?=$|[\s.])"
)


def says_nothing_wrong(text: object) -> bool:
    """Whether a comment says there is nothing wrong ("rien à signaler", "RAS", "nothing to report", "aucun problème").

    >>> says_nothing_wrong("Bonne visibilité, éclairage uniforme — rien à signaler")
    True
    >>> says_nothing_wrong("R.A.S.")
    True
    >>> says_nothing_wrong("Rampe cassée, pas de signalisation")
    False
    """
    if text is None or (isinstance(text, float) and text != text):
        return False
    return bool(_NOTHING_WRONG.search(fold(text)))
