"""French and English through gettext: the one way walktool speaks to people.

Every text a person reads (report labels, field-sheet headers, CLI messages) is
written in English in the code and marked for translation; the French (and any
other language) lives in a gettext catalog, ``walktool/locale/<lang>/LC_MESSAGES/
walktool.po``, compiled to ``walktool.mo`` beside it.  Both files are committed,
so an installed package always carries them.

Marking a string
----------------
Inside a function, translate at once::

    from walktool.i18n import translator

    tr = translator(lang)
    tr.gettext("Findings")                         # "Constats"
    tr.gettext("Findings ({n})").format(n=3)       # placeholders: str.format, named
    tr.ngettext("{n} walk", "{n} walks", n).format(n=n)
    tr.pgettext("timeframe", "short")              # same English word, another meaning

At module level (constants, tables of columns), mark without translating and
translate where the language is known::

    from walktool.i18n import N_, NC_

    HEADERS = (("rank", N_("Rank")), ("status", NC_("column", "Status")))
    ...
    tr.text(HEADERS[0][1])                         # "Rang"

``N_`` returns its argument unchanged; ``NC_`` returns a :class:`Msg` carrying a
context.  :meth:`Translator.text` takes either.

The command line's modules use ``walktool.cli._common``'s ``_``, ``ngettext`` and
``pgettext`` (the language of the line), ``num`` / ``pct`` / ``day`` for Babel's
number and date formats (``2 760``, ``14 nov. 2023``), and mark option help with
``N_``; command help is the function's docstring, which ``walktool.cli._extract``
gives ``pybabel extract`` and ``walktool.cli._lang`` translates when the command
tree is built.

Rebuilding the catalogs
-----------------------
``make catalogs`` runs ``pybabel extract`` (keywords ``N_``, ``NC_:1c,2``,
``gettext``, ``ngettext``, ``pgettext:1c,2``, ``npgettext:1c,2,3``) over
``src/walktool`` into ``locale/walktool.pot``, ``pybabel update`` into every
``.po``, then ``pybabel compile``.  Fill the new ``msgstr`` of
``locale/fr/LC_MESSAGES/walktool.po`` and run ``make catalogs`` again;
``tests/test_i18n.py`` fails while a used string has no French or a ``.mo`` is
older than its ``.po``.  A new language is a new folder
``locale/<lang>/LC_MESSAGES`` (``pybabel init -l <lang>``) and its code in
:data:`LANGUAGES`.

Which language
--------------
:func:`resolve_language`: an explicit choice (``--lang``) first, then the
``WALKTOOL_LANG`` environment variable, then the project's ``language`` setting,
then the system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``fr_CA.UTF-8`` is
French, ``en_US`` English), then French.  The command line resolves it once, before
it renders help (:func:`walktool.cli._lang.cli_language` reads ``--lang`` and
``--project`` from the arguments first).  This module imports only the standard
library.

Messages of failures
--------------------
A :class:`walktool.errors.WalktoolError` raised by the library is a template
marked with :func:`N_` and its named values, ``ProjectError(N_("{path}: no such
folder"), path=root)``: ``str(error)`` is the English, and the command line, which
knows the language, prints ``error.render(lang)`` (the template translated, then
filled).  Values are never translated (file names, ids); text built before the
raise (a plain f-string) is shown as it is, in English.  Data-quality
:class:`walktool.errors.Issue` values keep their English ``code`` (stable, for
``--json`` and scripts); their text follows the same rule.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

DOMAIN = "walktool"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: tuple[str, ...] = ("fr", "en")
"""The languages walktool speaks, French first (Montréal works in French)."""
DEFAULT_LANGUAGE = "fr"
SOURCE_LANGUAGE = "en"
"""The language of the msgids: no catalog is needed for it."""
ENV_VAR = "WALKTOOL_LANG"


class Msg(NamedTuple):
    """A message marked with :func:`NC_`: its gettext context and its English text."""

    context: str
    msgid: str


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction without translating it (module-level constants)."""
    return msgid


def NC_(context: str, msgid: str) -> Msg:
    """Mark ``msgid`` with a ``context`` (``pgettext``) for extraction, without translating it."""
    return Msg(context, msgid)


class Phrase(str):
    """A message whose language is chosen when it is shown: the English text, carrying its template and values.

    ``Phrase(N_("{path}: no such file"), path=p)`` *is* the English string (it
    compares, joins, prints and goes into JSON as one), and :meth:`render` gives
    it in another language: the template translated, then filled.  A value that
    is a :class:`Phrase` is rendered in the same language; other values (file
    names, ids, numbers) are never translated.  Library code builds messages this
    way where the language is not known yet; the command line renders them.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Phrase:
        params = plain_values(params)
        obj = super().__new__(cls, template.format(**params) if params else template)
        obj.template = template
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.template, self.params))

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the English with None or ``en``)."""
        if lang is None or lang == SOURCE_LANGUAGE:
            return str.__str__(self)
        text = translator(lang).gettext(self.template)
        if not self.params:
            return text
        return text.format(**{k: render(v, lang) for k, v in self.params.items()})

    @classmethod
    def joined(cls, separator: str, parts: Any) -> Phrase:
        """The ``parts`` joined by ``separator``, each rendered in the language of the whole."""
        values = {f"p{i}": part for i, part in enumerate(parts)}
        escaped = separator.replace("{", "{{").replace("}", "}}")
        return cls(escaped.join("{" + k + "}" for k in values), **values)


def plain_values(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with every value text or a number: an exception, a path or a tuple becomes its text (safe to pickle and keep)."""
    return {k: v if isinstance(v, str | int | float) or v is None else str(v) for k, v in params.items()}


def _phrase(template: str, params: dict[str, Any]) -> Phrase:
    return Phrase(template, **params)


def render(value: Any, lang: str | None = None) -> Any:
    """``value`` in ``lang`` when it is a :class:`Phrase`; any other value as it is."""
    return value.render(lang) if isinstance(value, Phrase) else value


class Translator:
    """The messages of one language: ``gettext``, ``ngettext``, ``pgettext``, ``npgettext``.

    Attributes
    ----------
    lang
        The language code (``fr``, ``en``).
    """

    def __init__(self, lang: str, catalog: gettext.NullTranslations) -> None:
        self.lang = lang
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English itself when it has no translation)."""
        return self._catalog.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, by the language's plural rule."""
        return self._catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` as meant in ``context`` (``pgettext("status", "done")``)."""
        return self._catalog.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """:meth:`ngettext` within a context."""
        return self._catalog.npgettext(context, singular, plural, n)

    def text(self, message: str | Msg, **values: Any) -> str:
        """Translate a marked constant (:func:`N_` or :func:`NC_`), then fill ``{placeholders}``."""
        out = self.pgettext(*message) if isinstance(message, Msg) else self.gettext(message)
        return out.format(**values) if values else out

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


@functools.cache
def translator(lang: str | None = None) -> Translator:
    """The translator of ``lang`` (default French), loaded once per language.

    An unknown language, or one without a catalog, falls back to the English of
    the msgids; use :func:`check_language` first where that must be an error.
    """
    code = (lang or DEFAULT_LANGUAGE).split("_")[0].split("-")[0].lower()
    catalog: gettext.NullTranslations
    try:
        catalog = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code])
    except OSError:
        catalog = gettext.NullTranslations()
    return Translator(code, catalog)


def all_translations(message: str | Msg) -> set[str]:
    """``message`` in every language walktool speaks (to read back headers in any of them)."""
    return {translator(lang).text(message) for lang in LANGUAGES}


def check_language(lang: str) -> str:
    """``lang`` when walktool speaks it; else :class:`ValueError` naming the choices."""
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r}; use {' or '.join(LANGUAGES)}"
        raise ValueError(msg)
    return lang


def _normalize(code: str | None) -> str | None:
    """``fr_CA.UTF-8`` → ``fr``; None for empty or unknown codes."""
    if not code:
        return None
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


LOCALE_VARS: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The system locale variables, in the order POSIX reads them for messages."""


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the system locale (``LC_ALL`` > ``LC_MESSAGES`` > ``LANG``), None when walktool does not speak it.

    The first variable set (not empty) decides, as for every program: ``LC_ALL=C``
    with ``LANG=fr_CA.UTF-8`` is not French.
    """
    env = os.environ if environ is None else environ
    for name in LOCALE_VARS:
        value = env.get(name)
        if value:
            return _normalize(value)
    return None


def resolve_language(
    explicit: str | None = None,
    project_settings: Any = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The language to speak: ``explicit`` > ``WALKTOOL_LANG`` > the project's ``language`` > the system locale > French.

    Parameters
    ----------
    explicit
        A ``--lang`` value; an unknown one raises :class:`ValueError`.
    project_settings
        The project's settings (anything with a ``language`` attribute, or a
        mapping with a ``language`` key), or None outside a project (or when
        its ``walktool.toml`` does not set ``language``).
    environ
        The environment to read (default ``os.environ``).

    Returns
    -------
    str
        A code of :data:`LANGUAGES`.
    """
    if explicit:
        return check_language(explicit)
    env = os.environ if environ is None else environ
    from_env = _normalize(env.get(ENV_VAR))
    if from_env:
        return from_env
    if project_settings is not None:
        setting = (
            project_settings.get("language")
            if isinstance(project_settings, Mapping)
            else getattr(project_settings, "language", None)
        )
        from_project = _normalize(setting)
        if from_project:
            return from_project
    return system_language(env) or DEFAULT_LANGUAGE


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "ENV_VAR",
    "LANGUAGES",
    "LOCALE_DIR",
    "LOCALE_VARS",
    "NC_",
    "N_",
    "Msg",
    "Phrase",
    "Translator",
    "all_translations",
    "check_language",
    "plain_values",
    "render",
    "resolve_language",
    "system_language",
    "translator",
]
