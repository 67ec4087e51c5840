"""``walktool demo``: the whole pipeline on the bundled sample campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import (
    JsonOpt,
    LangOpt,
    _,
    check_lang,
    handle_errors,
    num,
    out_console,
    print_json,
    state,
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

    lang = check_lang(lang) or state.lang  # --lang before the command, WALKTOOL_LANG, the project, LANG
    console = out_console()

    def step(text: str) -> None:
        if not as_json:
            console.print(f"[bold]›[/bold] {text}")

    result = run_demo(out, lang=lang, step=step)
    if as_json:
        print_json(result.to_dict())
        return
    for name, counts in result.imported.items():
        console.print(_("  {name}: {files} files, {rows} rows, {accepted} accepted, {rejected} rejected (deliberate: see `walktool check`)").format(
            name=name, files=num(counts["files"]), rows=num(counts["rows"]), accepted=num(counts["accepted"]), rejected=num(counts["rejected"])),
            soft_wrap=True, markup=False)
    for name in result.maps:
        console.print(_("  {name}: {stations} stations, {ranked} ranked recommendations, {minority} minority reports").format(
            name=name, stations=num(result.stations[name]), ranked=num(result.recommendations[name]),
            minority=num(result.minority.get(name, 0))), markup=False)
    rows = [(_("map ({name}, offline)").format(name=name), path) for name, path in result.maps.items()]
    rows += [(_("workbook ({name})").format(name=name), path) for name, path in result.reports.items()]
    if result.compare_workbook:
        rows.append((_("comparison workbook"), result.compare_workbook))
    if result.compare_map:
        rows.append((_("comparison map (offline)"), result.compare_map))
    width = max((len(label) for label, _path in rows), default=0) + 1
    console.print("\n" + _("Done. Open these:"), markup=False)
    for label, path in rows:
        console.print(f"  {label + ':':<{width}} {path}", soft_wrap=True, markup=False)
    console.print(_("The sample campaign is synthetic. Station data: Société de transport de Montréal (STM), CC BY 4.0."), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the app."""
    app.command("demo")(demo)
