"""``walktool incidents import`` and ``walktool incidents compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import JsonOpt, ProjectOpt, err, handle_errors, out_console, print_json
from walktool.i18n import N_

app = typer.Typer(
    name="incidents",
    help=N_("Recorded incidents (police open data) beside what participants felt."),
    no_args_is_help=True,
    rich_markup_mode=None,
)
CampaignOpt = Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))]


@app.command("import")
@handle_errors
def import_(
    file: Annotated[Path, typer.Argument(help=N_("CSV in the Montréal 'actes criminels' layout, or any CSV / GeoJSON with --map."), exists=True, dir_okay=False)],
    mapping: Annotated[Path | None, typer.Option("--map", help=N_("YAML mapping of another file's columns (docs/incidents.md)."), exists=True, dir_okay=False)] = None,
    name: Annotated[str | None, typer.Option("--name", help=N_("Name of the source (default: the layout's or the file's)."))] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help=N_("Who published the data."))] = None,
    licence: Annotated[str | None, typer.Option("--licence", help=N_("The data's licence (e.g. CC BY 4.0)."))] = None,
    url: Annotated[str | None, typer.Option("--url", help=N_("Where the data was published."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Read and count; store nothing."))] = False,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Store recorded incidents with their source and licence; rows without a position are kept as unplaced."""
    from walktool.incidents import IncidentMapping, import_incidents
    from walktool.project import open_project

    loaded = IncidentMapping.load(mapping) if mapping is not None else None
    with open_project(project) as proj:
        result = import_incidents(proj, file, mapping=loaded,
                                  source={"name": name, "publisher": publisher, "licence": licence, "url": url},
                                  dry_run=dry_run)
    if as_json:
        print_json(result.to_dict())
        return
    console = out_console()
    src = result.source
    console.print(f"{file.name} ({result.layout}): {result.rows} rows, {result.accepted} accepted"
                  f" ({result.placed} placed, {result.unplaced} without a position, kept as unplaced),"
                  f" {result.rejected} rejected.")
    console.print(f"Source {result.source_id}: {src.get('name')} · {src.get('publisher') or 'publisher unknown'}"
                  f" · {src.get('licence') or 'licence unknown: give --licence'}; incidents from {result.first_date} to {result.last_date}.")
    for issue in result.issues[:20]:
        err(f"  {issue.message}")
    if len(result.issues) > 20:
        err(f"  … and {len(result.issues) - 20} more (see --json)")
    if dry_run:
        console.print("Dry run: nothing stored.")


@app.command("compare")
@handle_errors
def compare(
    campaign: CampaignOpt = None,
    period: Annotated[str | None, typer.Option("--period", help=N_("day or night: feelings and incidents of that period only."))] = None,
    since: Annotated[str | None, typer.Option("--since", help=N_("Count incidents from this day (YYYY-MM-DD)."))] = None,
    until: Annotated[str | None, typer.Option("--until", help=N_("Count incidents up to this day (YYYY-MM-DD)."))] = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Rank stations by the gap between perceived insecurity and recorded incidents (docs/incidents.md)."""
    from walktool.incidents import compare_incidents
    from walktool.project import open_project

    if period not in (None, "day", "night"):
        raise typer.BadParameter(f"{period!r}: use day or night", param_hint="--period")
    with open_project(project) as proj:
        doc = compare_incidents(proj, campaign, period=period, since=since, until=until).to_dict()
    if as_json:
        print_json(doc)
        return
    _render(doc)


def _render(doc: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    console = out_console()
    when = f", {doc['period']}" if doc["period"] else ""
    console.print(f"Perceived and recorded, campaign {doc['campaign']}{when}: incidents within {doc['radius_m']:g} m,"
                  f" {doc['incidents_from']} to {doc['incidents_to']}")
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for col in ("station", "feel unsafe", "answers", "recorded", "day", "night", "gap"):
        table.add_column(col, justify="left" if col == "station" else "right")
    for s in doc["stations"]:
        table.add_row(str(s["name"]), f"{s['perceived_unsafe']:.0%}", str(s["feeling_answers"]), str(s["recorded"]),
                      str(s["recorded_day"]), str(s["recorded_night"]), f"{s['gap']:+.2f}")
    console.print(table)
    rc = doc["rank_correlation"]
    if rc["rho"] is None:
        console.print(f"Spearman rank correlation: not computed ({rc['stations']} stations; 3 with varying values needed).")
    else:
        console.print(f"Spearman rank correlation over {rc['stations']} stations: ρ = {rc['rho']:+.2f} (p = {rc['p_value']:.2f}).")
    console.print("Felt unsafe, little recorded: " + (", ".join(doc["felt_not_recorded"]) or "none"))
    console.print("Recorded, not felt: " + (", ".join(doc["recorded_not_felt"]) or "none"))
    credits = "; ".join(", ".join(str(v) for v in (s.get("publisher") or s.get("name"), s.get("licence")) if v) for s in doc["sources"])
    console.print(f"[dim]gap = perceived rank − recorded rank (−1 to 1). Records count what was reported to the police:"
                  f" harassment rarely is (docs/incidents.md). Incidents: {credits}[/dim]")


def register(root: typer.Typer) -> None:
    """Add the ``incidents`` group to the app."""
    root.add_typer(app, name="incidents")
