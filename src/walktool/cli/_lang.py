"""The language of the command line: resolved before anything is shown, help included.

``walktool`` speaks the language :func:`walktool.i18n.resolve_language` gives:
``--lang`` (anywhere on the line) > ``WALKTOOL_LANG`` > the project's ``language``
(``walktool.toml`` of ``--project``, else of the current folder) > ``LC_ALL`` /
``LC_MESSAGES`` / ``LANG`` > French.  :class:`WalktoolGroup` (the root command)
reads it from the arguments when it starts, then translates the help of the whole
command tree (commands, groups, options, arguments, the help option) and Typer's
own texts ("Usage:", "Options", "Arguments", "Commands", "default", "required",
"Missing command.", …), which walktool's catalog holds under the gettext context
``click``.  The parsing errors of the click that Typer vendors ("No such option",
"Missing option", "Invalid value") are plain English strings there: the group
reads them back and shows them translated (:mod:`walktool.cli._usage`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from typer import _click
from typer.core import TyperGroup

from walktool.i18n import LANGUAGES, NC_, resolve_language, translator

CLICK_CONTEXT = "click"


def _option_value(args: Sequence[str], *names: str) -> str | None:
    """The last value given to one of ``names`` (``--x V`` or ``--x=V``) before ``--``."""
    found: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        for name in names:
            if arg == name and i + 1 < len(args):
                found = args[i + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                found = arg.split("=", 1)[1]
    return found


def project_language(folder: Path) -> str | None:
    """The ``language`` set in ``folder/walktool.toml``, None when it sets none (or cannot be read)."""
    try:
        with (folder / "walktool.toml").open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, ValueError):
        return None
    section = doc.get("project")
    value = section.get("language") if isinstance(section, dict) else None
    return value if isinstance(value, str) else None


def cli_language(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of a ``walktool`` command line ``args`` (see the module's docstring).

    An unknown ``--lang`` is left to the command to refuse (in the language the
    rest of the line gives).
    """
    explicit = _option_value(args, "--lang")
    if explicit not in LANGUAGES:
        explicit = None
    folder = Path(_option_value(args, "--project", "-p") or ".")
    setting = project_language(folder)
    return resolve_language(explicit, {"language": setting} if setting else None, environ=environ)


def _first_paragraph(text: str) -> str:
    """The first paragraph of a help text, on one line (a command listing's short help)."""
    import inspect

    head = inspect.cleandoc(text).split("\f")[0].split("\n\n")[0]
    return " ".join(head.split())


HELP_OPTION = "Show this message and exit."
USAGE = "Usage: "
HEADING = "{heading}:"


class WalktoolFormatter(_click.HelpFormatter):
    """click's help formatter with its "Usage: " in the command line's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line, its prefix translated."""
        super().write_usage(prog, args, click_gettext(USAGE) if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        """Write a section heading (``Options:`` / ``Options :``)."""
        self.write(f"{'':>{self.current_indent}}{click_gettext(HEADING).format(heading=heading)}\n")


class WalktoolContext(_click.Context):
    """A click context whose help is laid out by :class:`WalktoolFormatter`."""

    formatter_class = WalktoolFormatter


def translate_tree(command: _click.Command, lang: str) -> None:
    """Put the help of ``command`` and everything under it in ``lang`` (the English is kept to come back to)."""
    tr = translator(lang)
    command.context_class = WalktoolContext
    saved: dict[str, Any] = command.__dict__.setdefault("_walktool_msgids", {"help": command.help, "short_help": command.short_help})
    help_text = tr.gettext(saved["help"]) if saved["help"] else None
    command.help = help_text
    if saved["short_help"]:
        command.short_help = tr.gettext(saved["short_help"])
    elif help_text:
        command.short_help = _first_paragraph(help_text)
    for param in command.params:
        original = param.__dict__.setdefault("_walktool_msgid", getattr(param, "help", None))
        if original:
            param.help = tr.gettext(original)  # type: ignore[attr-defined]
    help_option = command.get_help_option(_click.Context(command))
    if help_option is not None:
        help_option.help = click_gettext(HELP_OPTION)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            translate_tree(sub, lang)


class _Current:
    lang = "fr"


current = _Current()


def click_gettext(message: str) -> str:
    """click's and Typer's own texts in the current language (context ``click`` of walktool's catalog)."""
    return translator(current.lang).pgettext(CLICK_CONTEXT, message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """click's plural texts in the current language."""
    return translator(current.lang).npgettext(CLICK_CONTEXT, singular, plural, n)


def speak_click() -> None:
    """Point the ``_`` / ``ngettext`` of click's and Typer's modules at :func:`click_gettext`.

    Typer marks its texts with the standard library's ``gettext`` (domain
    ``messages``), which would follow ``LANG`` alone and has no French catalog
    installed; walktool's catalog holds the French of those texts instead.
    """
    import importlib

    for name in ("typer.core", "typer.main", "typer._click.parser"):
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without this module
            continue
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


ROOT_VALUES = ("--store", "--lang")
"""The root options that take a value (to find the command name after them)."""


def lang_first(root: TyperGroup, args: list[str]) -> list[str]:
    """``--lang X`` given after the name of a command that has no ``--lang`` of its own, moved before it (to the root option)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ROOT_VALUES else 1
    command: _click.Command = root
    while i < len(args) and isinstance(command, TyperGroup) and args[i] in command.commands:
        command = command.commands[args[i]]
        i += 1
    if command is root or any("--lang" in getattr(param, "opts", ()) for param in command.params):
        return args
    head, tail = args[:i], args[i:]
    moved: list[str] = []
    rest: list[str] = []
    j = 0
    while j < len(tail):
        if tail[j] == "--":
            rest += tail[j:]
            break
        if tail[j] == "--lang" and j + 1 < len(tail):
            moved = ["--lang", tail[j + 1]]
            j += 2
            continue
        if tail[j].startswith("--lang="):
            moved = [tail[j]]
            j += 1
            continue
        rest.append(tail[j])
        j += 1
    return moved + head + rest


class WalktoolGroup(TyperGroup):
    """The root ``walktool`` command: resolves the language from the line, then translates the tree."""

    def main(self, args: Sequence[str] | None = None, *extra: Any, **kwargs: Any) -> Any:
        """Resolve the language of ``args`` (default: the process's), translate the help, run."""
        import sys

        from walktool.cli._common import state

        given = list(sys.argv[1:] if args is None else args)
        lang = cli_language(given)
        state.lang = current.lang = lang
        translate_tree(self, lang)
        return super().main(lang_first(self, given), *extra, **kwargs)

    def make_context(self, info_name: str | None, args: list[str], parent: _click.Context | None = None, **extra: Any) -> _click.Context:
        """Parse the root's options; a usage error is shown in the command line's language."""
        from walktool.cli._usage import translated

        try:
            return super().make_context(info_name, args, parent, **extra)
        except _click.exceptions.UsageError as exc:
            raise translated(exc, current.lang) from None

    def invoke(self, ctx: _click.Context) -> Any:
        """Run the command; a usage error of a subcommand (parsing, a bad value) is shown in the line's language."""
        from walktool.cli._usage import translated

        try:
            return super().invoke(ctx)
        except _click.exceptions.UsageError as exc:
            raise translated(exc, current.lang) from None


CLICK_TEXTS = (
    NC_("click", "Usage: "),
    NC_("click", "{heading}:"),
    NC_("click", "Show this message and exit."),
    NC_("click", "Arguments"),
    NC_("click", "Options"),
    NC_("click", "Commands"),
    NC_("click", "default: {default}"),
    NC_("click", "required"),
    NC_("click", "env var: {var}"),
    NC_("click", "(dynamic)"),
    NC_("click", "Aborted!"),
    NC_("click", "Missing command."),
    NC_("click", "No such command {name!r}."),
)
"""The texts of Typer (and of its click) that walktool translates, under the context ``click``."""

speak_click()

__all__ = ["WalktoolGroup", "cli_language", "click_gettext", "project_language", "speak_click", "translate_tree"]
