"""click's parsing errors ("No such option", "Missing option", "Invalid value") in the command line's language.

The click that Typer vendors (``typer._click``) writes its usage errors as plain
English f-strings, with no gettext hook.  :func:`translate_message` reads such a
message back against the English templates of :data:`USAGE_TEXTS` (walktool's
catalog, gettext context ``click``), then fills the translated template with the
parts it read: the option's name, the value, the hint.  A part that is itself a
message (the reason after "Invalid value for '--x': ") is translated the same
way; a message no template matches is kept as it is.  :class:`TranslatedUsageError`
shows a usage error that way, its "Try '… --help' for help." and "Error: "
included; :class:`walktool.cli._lang.WalktoolGroup` raises it in place of click's.
"""

from __future__ import annotations

import functools
import re
from typing import IO, Any

from typer import _click
from typer._click._compat import get_text_stderr
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from walktool.i18n import NC_, Msg, translator

CONTEXT = "click"

USAGE_TEXTS: tuple[Msg, ...] = (
    NC_("click", "{message} (Possible options: {options})"),
    NC_("click", "{message}. Did you mean {suggestions}?"),
    NC_("click", "No such option: {name}"),
    NC_("click", "No such command {name}."),
    NC_("click", "Missing command."),
    NC_("click", "Missing option {hint}. {message}"),
    NC_("click", "Missing option {hint}."),
    NC_("click", "Missing argument {hint}. {message}"),
    NC_("click", "Missing argument {hint}."),
    NC_("click", "Missing parameter {hint}."),
    NC_("click", "Missing parameter: {name}"),
    NC_("click", "Choose from:\n\t{choices}"),
    NC_("click", "Invalid value for {hint}: {message}"),
    NC_("click", "Invalid value: {message}"),
    NC_("click", "Got unexpected extra argument(s) ({args})"),
    NC_("click", "Option {name} requires an argument."),
    NC_("click", "Option {name} requires {n} arguments."),
    NC_("click", "Option {name} does not take a value."),
    NC_("click", "Argument {name} takes {n} values."),
    NC_("click", "{value} is not one of {choices}."),
    NC_("click", "{value} is not a valid {kind}."),
    NC_("click", "Value {value} is not a valid {kind}."),
    NC_("click", "{label} {path} does not exist."),
    NC_("click", "{label} {path} is a file."),
    NC_("click", "{label} {path} is a directory."),
    NC_("click", "{label} {path} is not readable."),
    NC_("click", "{label} {path} is not writable."),
    NC_("click", "Input should be a valid integer, unable to parse string as an integer"),
    NC_("click", "Input should be a valid number, unable to parse string as a number"),
    NC_("click", "Input should be a valid boolean, unable to interpret input"),
    NC_("click", "Input should be a valid date or datetime, {detail}"),
    NC_("click", "Input should be a valid date in the format YYYY-MM-DD, {detail}"),
    NC_("click", "Input should be {choices}"),
    NC_("click", "Try '{command} {option}' for help."),
    NC_("click", "Error: {message}"),
)
"""The English of click's and Typer's usage errors that walktool reads back and translates (the first that reads a message wins)."""

WORDS: tuple[Msg, ...] = (NC_("click", "File"), NC_("click", "Directory"), NC_("click", "Path"))
"""Words click puts inside its messages (the ``{label}`` of a path)."""

NESTED = ("message",)
"""The parts that are messages themselves (translated in turn)."""
LABELS = ("label",)
"""The parts that are one of :data:`WORDS`."""


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], Msg], ...]:
    """One anchored regular expression per template, ``{part}`` as a named group."""
    out = []
    for msg in USAGE_TEXTS:
        if msg.msgid in ("Try '{command} {option}' for help.", "Error: {message}"):
            continue
        pieces = re.split(r"\{(\w+)\}", msg.msgid)
        regex = "".join(
            re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces)
        )
        out.append((re.compile(f"^{regex}$", re.DOTALL), msg))
    return tuple(out)


def translate_message(message: str, lang: str) -> str:
    """``message`` (an English usage error of click or Typer) in ``lang``; kept as it is when no template reads it."""
    if lang == "en" or not message:
        return message
    tr = translator(lang)
    for pattern, msg in _patterns():
        found = pattern.match(message)
        if found is None:
            continue
        parts = found.groupdict()
        for key in NESTED:
            if key in parts:
                parts[key] = translate_message(parts[key], lang)
        for key in LABELS:
            if key in parts:
                parts[key] = next((tr.pgettext(CONTEXT, w.msgid) for w in WORDS if w.msgid == parts[key]), parts[key])
        return tr.pgettext(CONTEXT, msg.msgid).format(**parts)
    return message


class TranslatedUsageError(UsageError):
    """A click usage error shown in another language (its message, hint and "Error: " translated).

    Parameters
    ----------
    original
        The error click raised.
    lang
        The language to show it in.
    """

    def __init__(self, original: UsageError, lang: str) -> None:
        super().__init__(translate_message(original.format_message(), lang), original.ctx)
        self.exit_code = original.exit_code
        self.lang = lang
        self.original = original

    def format_message(self) -> str:
        """The translated message."""
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the usage line, the translated hint and ``Error: …`` on stderr, as click does."""
        tr = translator(self.lang)
        out = file if file is not None else get_text_stderr()
        color = None
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = tr.pgettext(CONTEXT, "Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=self.ctx.help_option_names[0]
            ) + "\n"
        if self.ctx is not None:
            color = self.ctx.color
            _click.echo(f"{self.ctx.get_usage()}\n{hint}", file=out, color=color)
        _click.echo(tr.pgettext(CONTEXT, "Error: {message}").format(message=self.message), file=out, color=color)


def translated(exc: UsageError, lang: str) -> UsageError:
    """``exc`` to show in ``lang``: itself in English, or when it is help to show (no arguments given)."""
    if lang == "en" or isinstance(exc, (TranslatedUsageError, NoArgsIsHelpError)):
        return exc
    return TranslatedUsageError(exc, lang)


__all__ = ["USAGE_TEXTS", "TranslatedUsageError", "translate_message", "translated"]
