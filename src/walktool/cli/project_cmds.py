"""``walktool init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import (
    JsonOpt,
    ProjectOpt,
    _,
    handle_errors,
    ngettext,
    num,
    out_console,
    pgettext,
    print_json,
)
from walktool.cli.stations_cmds import CityOpt, CreditOpt, KeepOpt, render_import
from walktool.i18n import N_


@handle_errors
def init(
    directory: Annotated[Path, typer.Argument(help=N_("Project folder to create (default: the current folder)."))] = Path("."),
    name: Annotated[str | None, typer.Option(help=N_("Project name (default: the folder's name)."))] = None,
    stations: Annotated[
        Path | None,
        typer.Option(
            "--stations",
            help=N_("Another city's stations instead of the STM network: a GTFS feed (.zip, folder or stops.txt),"
            " a CSV with name/lat/lon or GeoJSON. Study area, time zone, city and credit are set from it."),
        ),
    ] = None,
    keep_settings: KeepOpt = False,
    city: CityOpt = None,
    credit: CreditOpt = None,
) -> None:
    """Create a walk project: settings, protocols/, walks/, reports/ and the store with the STM stations (or --stations FEED)."""
    from walktool.project import init_project

    existed = (directory / "walktool.toml").exists()
    project = init_project(directory, name=name, stations=stations, keep_settings=keep_settings, city=city, credit=credit)
    n = project.store.count("stations")
    project.close()
    text = _("Updated walk project {name} in {root}") if existed else _("Created walk project {name} in {root}")
    typer.echo(text.format(name=repr(project.settings.name), root=project.root))
    labels = (pgettext("init", "settings"), pgettext("init", "protocols"), pgettext("init", "store"))
    width = max(len(label) for label in labels) + 1
    typer.echo(f"  {labels[0]:<{width}}  {project.settings_path.name}")
    typer.echo(f"  {labels[1]:<{width}}  protocols/{project.settings.protocol}.yaml")
    shown = project.store_path.name if project.store_shown == str(project.store_path) else project.store_shown
    count = ngettext("{n} station", "{n} stations", n).format(n=num(n))
    typer.echo(f"  {labels[2]:<{width}}  {shown} ({count})")
    if project.stations_import is not None:
        render_import(project.stations_import)
    typer.echo(_("Next: export a field form with `walktool protocol export`, then `walktool import SHEETS...`."))


@handle_errors
def rebuild(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """Make a new store from the raw files kept in walks/ (the old one is moved aside, never deleted)."""
    from walktool.ingest.rebuild import rebuild_store

    result = rebuild_store(project)
    if as_json:
        print_json(result.to_dict())
        return
    console = out_console()
    if result.moved_to is not None:
        console.print(_("The old store was moved to {path}.").format(path=result.moved_to), markup=False)
    doc = result.to_dict()
    for f in doc["files"]:
        console.print(_("  {file}: {accepted} accepted, {rejected} rejected").format(
            file=f["stored_as"], accepted=num(f["accepted"]), rejected=num(f["rejected"])), markup=False)
    for m in result.missing:
        console.print(_("  {file}: listed in walks/imports.jsonl but missing").format(file=m), markup=False)
    console.print(_("Rebuilt {store}: {files}, {accepted}, {rejected}.").format(
        store=result.store, files=ngettext("{n} file", "{n} files", len(doc["files"])).format(n=num(len(doc["files"]))),
        accepted=ngettext("{n} row accepted", "{n} rows accepted", result.accepted).format(n=num(result.accepted)),
        rejected=ngettext("{n} rejected", "{n} rejected", result.rejected).format(n=num(result.rejected))), markup=False)
    for lost in doc["lost"]:
        console.print(_("  Not kept outside the store: {what}").format(what=lost), markup=False)


def register(app: typer.Typer) -> None:
    """Add the project commands to ``app``."""
    app.command("init")(init)
    app.command("rebuild")(rebuild)
