"""The ``walktool`` command line: parse, call the library, render.

Each command group lives in its own module; this one builds the Typer app,
the global options and the entry point.
"""

from __future__ import annotations

from typing import Annotated

import typer

from walktool.cli import _common
from walktool.cli._common import check_lang, state
from walktool.cli._lang import WalktoolGroup
from walktool.i18n import N_

app = typer.Typer(
    name="walktool",
    cls=WalktoolGroup,
    help=N_(
        "Fieldwork data toolkit for exploratory safety walks (marches exploratoires):"
        " import field sheets, check them, score stations, recommend, map and report."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from walktool import __version__

        typer.echo(f"walktool {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help=N_("Show full tracebacks on errors."))] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version and exit."))
    ] = False,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help=N_(
                "Use this store instead of the project's: a .gpkg file or a PostGIS archive"
                " (postgresql://user@host/db; the password from PGPASSWORD, ~/.pgpass or a service file)."
                " Also accepted after the command name; WALKTOOL_STORE sets it too."
            ),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=N_(
                "Language of messages, help and outputs: fr or en (default: WALKTOOL_LANG, the project's"
                " language, then LANG / LC_ALL / LC_MESSAGES, then French). Also accepted after the command name."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fieldwork data toolkit for exploratory safety walks (marches exploratoires)."""
    from walktool.project import use_store

    check_lang(lang)
    state.debug = debug
    use_store(store)
    ctx.call_on_close(lambda: use_store(None))  # for this command only (a library caller is not affected)


def store_first(args: list[str]) -> list[str]:
    """``--store URL`` given anywhere on the line, moved before the command (where the global option is read)."""
    out: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        if arg == "--store" and i + 1 < len(args):
            moved = ["--store", args[i + 1]]
            i += 2
            continue
        if arg.startswith("--store="):
            moved = [arg]
            i += 1
            continue
        out.append(arg)
        i += 1
    return moved + out


def _register() -> None:
    from walktool.cli import (
        analysis_cmds,
        comments_cmds,
        demo_cmds,
        import_cmds,
        incidents_cmds,
        loop_cmds,
        map_cmds,
        project_cmds,
        protocol_cmds,
        report_cmds,
        research_cmds,
        stations_cmds,
        store_cmds,
    )

    # in the order of a campaign: set up, import, analyse, show, follow up, research
    project_cmds.register(app)
    import_cmds.register(app)
    analysis_cmds.register(app)
    incidents_cmds.register(app)
    map_cmds.register(app)
    report_cmds.register(app)
    loop_cmds.register(app)
    comments_cmds.register(app)
    research_cmds.register(app)
    demo_cmds.register(app)
    app.add_typer(protocol_cmds.app, name="protocol")
    app.add_typer(stations_cmds.app, name="stations")
    store_cmds.register(app)
    app.add_typer(store_cmds.app, name="store")


_register()


def main() -> None:
    """Entry point of the ``walktool`` console script."""
    import sys

    app(args=store_first(sys.argv[1:]), prog_name="walktool")


__all__ = ["_common", "app", "main", "store_first"]
