"""``walktool stations show / import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import (
    JsonOpt,
    ProjectOpt,
    _,
    handle_errors,
    heading,
    ngettext,
    num,
    out_console,
    pgettext,
    print_json,
    state,
)
from walktool.i18n import N_, render

app = typer.Typer(help=N_("The reference stations layer: show it, or import another agency's."), no_args_is_help=True)


@app.command("show")
@handle_errors
def show(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """List the stations of the project's layer with their lines and entrances."""
    from walktool.project import open_project
    from walktool.stations import load_stations

    proj = open_project(project, read_only=True)
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

    table = Table(heading("station"), pgettext("column", "lines"), pgettext("column", "entrances"), "lat", "lon", "id",
                  title=ngettext("{n} station", "{n} stations", len(stations)).format(n=num(len(stations))))
    for column in (table.columns[0], table.columns[5]):
        column.overflow = "fold"  # in a narrow terminal, wrap names and ids rather than cut them
    for row in stations.itertuples(index=False):
        lines = row.lines.replace(";", ", ") if isinstance(row.lines, str) else ""
        table.add_row(str(row.name), lines, str(row.entrances), f"{row.lat:.5f}", f"{row.lon:.5f}", str(row.station_id))
    console = out_console()
    if not console.is_terminal:  # piped or redirected: never wrap or cut names and ids
        console.width = max(console.width, console.measure(table, options=console.options.update_width(1000)).maximum)
    console.print(table)
    console.print(_("{entrances}, {lines}. {credit}").format(
        entrances=ngettext("{n} entrance", "{n} entrances", len(layer.entrances)).format(n=num(len(layer.entrances))),
        lines=ngettext("{n} line shape", "{n} line shapes", len(layer.lines)).format(n=num(len(layer.lines))),
        credit=layer.credit).strip(), markup=False)


KeepOpt = Annotated[
    bool,
    typer.Option("--keep-settings", help=N_("Keep the study area, time zone and city as they are (the credit follows the data).")),
]
CityOpt = Annotated[str | None, typer.Option("--city", help=N_("City name for maps and reports (default: the feed's time zone city)."))]
CreditOpt = Annotated[str | None, typer.Option("--credit", help=N_("Credit line of the stations data (default: from the feed)."))]


@app.command("import")
@handle_errors
def import_(
    file: Annotated[
        Path,
        typer.Argument(help=N_("GTFS feed (.zip, its folder or its stops.txt), a CSV with name/lat/lon, GeoJSON points, or stm (the STM network).")),
    ],
    keep_settings: KeepOpt = False,
    city: CityOpt = None,
    credit: CreditOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Replace the project's stations with another city's, and set the project up for that city.

    The study area becomes the stations' extent plus 2 km, the time zone the feed's
    agency_timezone, the city the time zone's city (or --city), the credit the
    feed's agencies and publisher. --keep-settings keeps study area, time zone and city.
    """
    from walktool.project import open_project
    from walktool.stations import import_stations

    with open_project(project) as proj:
        report = import_stations(proj, file, keep_settings=keep_settings, city=city, credit=credit)
    if as_json:
        print_json(report.to_dict())
        return
    render_import(report)


def render_import(report: Any) -> None:
    """Say what a stations import set, kept, and what to check."""
    doc = report.to_dict()
    layer = report.layer
    agencies = ", ".join(layer.feed.agencies) if layer.feed and layer.feed.agencies else ""
    typer.echo(
        _("Imported {stations} stations, {entrances} entrances and {lines} line shapes from {file}").format(
            stations=num(doc["stations"]), entrances=num(doc["entrances"]), lines=num(doc["lines"]), file=report.file)
        + (f" ({agencies})" if agencies else "") + "."
    )
    if doc["routes"]:
        typer.echo(_("  {with_lines} of {stations} stations have their lines, from {routes} route(s).").format(
            with_lines=num(doc["stations_with_lines"]), stations=num(doc["stations"]), routes=num(doc["routes"])))
    if report.changes:
        typer.echo(_("Set in walktool.toml:"))
        for c in report.changes:
            typer.echo(_("  {setting:11} {new}   ({why}; was {old})").format(setting=c.setting, new=_show(c.new), why=render(c.why, state.lang), old=_show(c.old)))
    if report.kept:
        typer.echo(_("Kept (--keep-settings):"))
        for c in report.kept:
            typer.echo(_("  {setting:11} {old}   (the stations suggest {new}: {why})").format(
                setting=c.setting, old=_show(c.old), new=_show(c.new), why=render(c.why, state.lang)))
    for w in report.warnings:
        typer.echo(_("Warning: {message}").format(message=render(w, state.lang)))
    if report.checks:
        typer.echo(_("Check:"))
        for c in report.checks:
            typer.echo(f"  - {render(c, state.lang)}")


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    return repr(value) if isinstance(value, str) else str(value)
