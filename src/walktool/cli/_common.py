"""Shared pieces of the command line: options, consoles, error handling, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from walktool.i18n import N_, NC_, Msg, translator

F = TypeVar("F", bound=Callable[..., Any])

ProjectOpt = Annotated[
    Path,
    typer.Option("--project", "-p", help=N_("Project folder (default: the current folder)."), show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print one JSON document on stdout and nothing else there."))]
LangOpt = Annotated[
    str | None,
    typer.Option("--lang", help=N_("Language: fr or en (default: WALKTOOL_LANG, the project's, then LANG)."), show_default=False),
]


class _State:
    debug = False
    lang = "fr"
    """The language of this command line (:func:`walktool.cli._lang.cli_language`)."""


state = _State()


def _(message: str) -> str:
    """``message`` in the command line's language."""
    return translator(state.lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the command line's language."""
    return translator(state.lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context``, in the command line's language."""
    return translator(state.lang).pgettext(context, message)


def _locale() -> str:
    return "fr_CA" if state.lang == "fr" else "en_CA"


def num(value: float, digits: int = 0) -> str:
    """A number as the language writes it: ``2 760`` / ``2,760``, ``28,6`` / ``28.6``."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=_locale()))


def signed(value: float, digits: int = 1) -> str:
    """A change with its sign as the language writes it: ``+2,5`` / ``+2.5``, ``-1,0``; zero without a sign."""
    from babel.numbers import format_decimal

    zero = num(0, digits)
    body = "#,##0" + ("." + "0" * digits if digits else "")
    shown = str(format_decimal(value, format=f"+{body};-{body}", locale=_locale()))
    return zero if shown.lstrip("+-\u2212") == zero else shown


def pct(value: float) -> str:
    """A share as a percentage: ``43 %`` / ``43%``."""
    from babel.numbers import format_percent

    return str(format_percent(value, locale=_locale()))


def day(value: Any) -> str:
    """A date as the language writes it: ``14 nov. 2023`` / ``Nov 14, 2023`` (text that is not a date: as it is)."""
    import datetime as dt

    from babel.dates import format_date

    if value is None or value == "":
        return "–"
    when = value
    if isinstance(value, str):
        try:
            when = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(when, dt.datetime):
        when = when.date()
    if not isinstance(when, dt.date):
        return str(value)
    return str(format_date(when, format="medium", locale="fr_CA" if state.lang == "fr" else "en_US"))


def err(message: str) -> None:
    """Print a message on stderr."""
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)


def out_console() -> Any:
    """A rich console on stdout."""
    from rich.console import Console

    return Console(highlight=False)


def print_json(doc: Any) -> None:
    """Print ``doc`` as the single JSON document on stdout."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


def check_lang(lang: str | None) -> str | None:
    """Validate a --lang value."""
    if lang is not None and lang not in ("fr", "en"):
        raise typer.BadParameter(_("{value}: use fr or en").format(value=repr(lang)), param_hint="--lang")
    return lang


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so that transactions roll back and temporary folders go."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


def install_signal_handlers() -> None:
    """Turn SIGTERM into :class:`Terminated` (only the main thread may set handlers)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_sigterm)


def _failure(exc: BaseException) -> tuple[str, str, str | None]:
    """(code, message, file) of a failure, as ``Error: …`` and the ``--json`` error document give it."""
    from walktool.errors import failure_of

    return failure_of(exc, state.lang)


def error(message: str) -> None:
    """Print ``Error: message`` on stderr, in the command line's language."""
    err(_("Error: {message}").format(message=message))


def warning(message: str) -> None:
    """Print ``Warning: message`` on stderr, in the command line's language."""
    err(_("Warning: {message}").format(message=message))


def _fail(exc: BaseException, as_json: bool) -> None:
    code, message, file = _failure(exc)
    if as_json:
        print_json({"error": {"code": code, "message": message, "file": file}})
    error(message)


def handle_errors(fn: F) -> F:
    """Turn failures into ``Error: …`` on stderr (with ``--json``: an error document on stdout) and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        install_signal_handlers()
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except typer.BadParameter as exc:
            if as_json:
                from walktool.cli._usage import translate_message

                message = translate_message(exc.format_message(), state.lang)
                print_json({"error": {"code": "usage", "message": message, "file": None}})
            raise
        except (KeyboardInterrupt, Terminated):
            if as_json:
                print_json({"error": {"code": "interrupted", "message": _("interrupted: nothing of this command was stored"), "file": None}})
            raise typer.Exit(130) from None
        except Exception as exc:
            if state.debug:
                raise
            _fail(exc, as_json)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def where(file: Any = None, sheet: Any = None, row: Any = None, column: Any = None) -> str:
    """``sheet.csv, row 4, column 'zone'`` in the command line's language."""
    parts = [str(file) if file else ""]
    if sheet:
        parts.append(_("sheet {name}").format(name=repr(sheet)))
    if row is not None:
        parts.append(_("row {n}").format(n=row))
    if column:
        parts.append(_("column {name}").format(name=repr(column)))
    return ", ".join(p for p in parts if p)


def issue_words(issue: Any) -> str:
    """A data-quality issue's message alone, in the command line's language (its code's template; the English as stored)."""
    from walktool.report.labels import issue_message

    doc = issue if isinstance(issue, dict) else issue.to_dict()
    return issue_message(doc, state.lang) or ""


def issue_text(issue: Any) -> str:
    """A data-quality issue (an :class:`~walktool.errors.Issue` or its dict) as one line: ``where: [code] message``.

    The code stays English (stable); the message is in the command line's language
    where its code has a template (:func:`walktool.report.labels.issue_message`).
    """
    from walktool.report.labels import issue_message

    doc = issue if isinstance(issue, dict) else issue.to_dict()
    message = issue_message(doc, state.lang) or ""
    place = where(doc.get("file"), doc.get("sheet"), doc.get("row"), doc.get("column"))
    return f"{place + ': ' if place else ''}[{doc.get('code')}] {message}"


def level_word(level: str) -> str:
    """``reject`` / ``warning`` (``rejet`` / ``avertissement``)."""
    return pgettext("level", "reject") if level == "error" else pgettext("level", "warning")


HEADINGS: dict[str, Msg] = {
    "file": NC_("column", "file"),
    "format": NC_("column", "format"),
    "rows": NC_("column", "rows"),
    "submissions": NC_("column", "submissions"),
    "accepted": NC_("column", "accepted"),
    "rejected": NC_("column", "rejected"),
    "warnings": NC_("column", "warnings"),
    "observations": NC_("column", "observations"),
    "station": NC_("column", "station"),
    "feel unsafe": NC_("column", "feel unsafe"),
    "answers": NC_("column", "answers"),
    "recorded": NC_("column", "recorded"),
    "day": NC_("column", "day"),
    "night": NC_("column", "night"),
    "gap": NC_("column", "gap"),
    "zone": NC_("column", "zone"),
    "item": NC_("column", "item"),
    "scale": NC_("column", "scale"),
    "raters\nsubj.": NC_("column", "raters\nsubj."),
    "agree": NC_("column", "agree"),
    "α\n(95 % CI)": NC_("column", "α\n(95 % CI)"),
    "κ\n(95 % CI)": NC_("column", "κ\n(95 % CI)"),
    "reading": NC_("column", "reading"),
    "principle": NC_("column", "principle"),
    "raters": NC_("column", "raters"),
    "stops": NC_("column", "stops"),
    "walks": NC_("column", "walks"),
    "ICC (95 % CI)": NC_("column", "ICC (95 % CI)"),
    "note": NC_("column", "note"),
}
"""Table column headings shared by the commands (context ``column``), by key."""


def heading(key: str) -> str:
    """The column heading ``key`` in the command line's language."""
    return translator(state.lang).text(HEADINGS[key]) if key in HEADINGS else key
