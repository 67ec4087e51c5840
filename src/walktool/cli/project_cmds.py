"""``walktool init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import JsonOpt, ProjectOpt, handle_errors, out_console, print_json
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
    verb = "Updated" if existed else "Created"
    typer.echo(f"{verb} walk project {project.settings.name!r} in {project.root}")
    typer.echo(f"  settings   {project.settings_path.name}")
    typer.echo(f"  protocols  protocols/{project.settings.protocol}.yaml")
    shown = project.store_path.name if project.store_shown == str(project.store_path) else project.store_shown
    typer.echo(f"  store      {shown} ({n} stations)")
    if project.stations_import is not None:
        render_import(project.stations_import)
    typer.echo("Next: export a field form with `walktool protocol export`, then `walktool import SHEETS...`.")


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
        console.print(f"The old store was moved to {result.moved_to}.", markup=False)
    doc = result.to_dict()
    for f in doc["files"]:
        console.print(f"  {f['stored_as']}: {f['accepted']} accepted, {f['rejected']} rejected", markup=False)
    for m in result.missing:
        console.print(f"  {m}: listed in walks/imports.jsonl but missing", markup=False)
    console.print(f"Rebuilt {result.store}: {len(doc['files'])} file(s), {result.accepted} row(s) accepted, {result.rejected} rejected.", markup=False)
    for lost in doc["lost"]:
        console.print(f"  Not kept outside the store: {lost}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the project commands to ``app``."""
    app.command("init")(init)
    app.command("rebuild")(rebuild)
