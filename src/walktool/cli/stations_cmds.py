"""``walktool stations show / import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import JsonOpt, ProjectOpt, handle_errors, out_console, print_json

app = typer.Typer(help="The reference stations layer: show it, or import another agency's.", no_args_is_help=True)


@app.command("show")
@handle_errors
def show(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """List the stations of the project's layer with their lines and entrances."""
    from walktool.project import open_project
    from walktool.stations import load_stations

    proj = open_project(project)
    layer = load_stations(proj)
    entrances = layer.entrances.groupby("station_id").size()
    stations = layer.stations.assign(entrances=layer.stations["station_id"].map(entrances).fillna(0).astype(int))
    stations = stations.sort_values("name", key=lambda s: s.str.normalize("NFKD").str.casefold())
    if as_json:
        print_json(
            {
                "source": layer.source,
                "credit": layer.credit,
                "stations": [
                    {k: (None if v != v else v) for k, v in row.items()}  # NaN → null
                    for row in stations.to_dict("records")
                ],
                "entrances": len(layer.entrances),
                "lines": len(layer.lines),
            }
        )
        return
    from rich.table import Table

    table = Table("station", "lines", "entrances", "lat", "lon", "id", title=f"{len(stations)} stations")
    for column in (table.columns[0], table.columns[5]):
        column.overflow = "fold"  # in a narrow terminal, wrap names and ids rather than cut them
    for row in stations.itertuples(index=False):
        lines = row.lines.replace(";", ", ") if isinstance(row.lines, str) else ""
        table.add_row(str(row.name), lines, str(row.entrances), f"{row.lat:.5f}", f"{row.lon:.5f}", str(row.station_id))
    console = out_console()
    if not console.is_terminal:  # piped or redirected: never wrap or cut names and ids
        console.width = max(console.width, console.measure(table, options=console.options.update_width(1000)).maximum)
    console.print(table)
    console.print(f"{len(layer.entrances)} entrances, {len(layer.lines)} line shapes. {layer.credit}".strip())


@app.command("import")
@handle_errors
def import_(
    file: Annotated[Path, typer.Argument(help="GTFS stops.txt or feed .zip, a CSV with name/lat/lon, or GeoJSON points.")],
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Replace the project's stations layer with another agency's stations (and entrances)."""
    from walktool.project import open_project
    from walktool.stations import read_stations_file, save_stations

    proj = open_project(project)
    layer = read_stations_file(file)
    save_stations(proj, layer)
    from dataclasses import replace

    proj.save_settings(replace(proj.settings, stations=str(file)))
    summary = {"file": str(file), "stations": len(layer.stations), "entrances": len(layer.entrances), "lines": len(layer.lines)}
    if as_json:
        print_json(summary)
        return
    typer.echo(f"Imported {summary['stations']} stations, {summary['entrances']} entrances and {summary['lines']} line shapes from {file}.")
