"""``walktool demo``: the whole pipeline on the bundled sample campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import (
    JsonOpt,
    LangOpt,
    check_lang,
    handle_errors,
    out_console,
    print_json,
)
from walktool.i18n import N_


@handle_errors
def demo(
    out: Annotated[
        Path | None,
        typer.Option("--out", help=N_("Project folder to run in (default: this folder when it holds the sample campaign, else ./walktool-demo).")),
    ] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run init → import → check → summary → recommend → map → report on the sample campaign (synthetic), and say where the map and workbooks are."""
    from walktool.demo import run_demo

    lang = check_lang(lang)
    console = out_console()

    def step(text: str) -> None:
        if not as_json:
            console.print(f"[bold]›[/bold] {text}")

    result = run_demo(out, lang=lang, step=step)
    if as_json:
        print_json(result.to_dict())
        return
    for name, counts in result.imported.items():
        console.print(f"  {name}: {counts['files']} files, {counts['rows']} rows, {counts['accepted']} accepted, {counts['rejected']} rejected (deliberate: see `walktool check`)", soft_wrap=True)
    for name in result.maps:
        console.print(
            f"  {name}: {result.stations[name]} stations, {result.recommendations[name]} ranked recommendations,"
            f" {result.minority.get(name, 0)} minority reports"
        )
    rows = [(f"map ({name}, offline)", path) for name, path in result.maps.items()]
    rows += [(f"workbook ({name})", path) for name, path in result.reports.items()]
    if result.compare_workbook:
        rows.append(("comparison workbook", result.compare_workbook))
    if result.compare_map:
        rows.append(("comparison map (offline)", result.compare_map))
    width = max((len(label) for label, _ in rows), default=0) + 1
    console.print("\nDone. Open these:")
    for label, path in rows:
        console.print(f"  {label + ':':<{width}} {path}", soft_wrap=True)
    console.print("The sample campaign is synthetic. Station data: Société de transport de Montréal (STM), CC BY 4.0.")


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the app."""
    app.command("demo")(demo)
