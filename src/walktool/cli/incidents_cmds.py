"""``walktool incidents import`` and ``walktool incidents compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import (
    JsonOpt,
    ProjectOpt,
    _,
    day,
    err,
    handle_errors,
    heading,
    issue_text,
    num,
    out_console,
    pct,
    print_json,
)
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
    console.print(_("{file} ({layout}): {rows} rows, {accepted} accepted ({placed} placed, {unplaced} without a position,"
                    " kept as unplaced), {rejected} rejected.").format(
        file=file.name, layout=result.layout, rows=num(result.rows), accepted=num(result.accepted), placed=num(result.placed),
        unplaced=num(result.unplaced), rejected=num(result.rejected)), markup=False)
    console.print(_("Source {id}: {name} · {publisher} · {licence}; incidents from {first} to {last}.").format(
        id=result.source_id, name=src.get("name"), publisher=src.get("publisher") or _("publisher unknown"),
        licence=src.get("licence") or _("licence unknown: give --licence"), first=day(result.first_date), last=day(result.last_date)),
        markup=False)
    for issue in result.issues[:20]:
        err(f"  {issue_text(issue)}")
    if len(result.issues) > 20:
        err(_("  … and {n} more (see --json)").format(n=num(len(result.issues) - 20)))
    if dry_run:
        console.print(_("Dry run: nothing stored."), markup=False)


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
        raise typer.BadParameter(_("{value}: use day or night").format(value=repr(period)), param_hint="--period")
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
    period = {"day": _("day"), "night": _("night")}.get(doc["period"] or "")
    title = (_("Perceived and recorded, campaign {campaign}, {period}: incidents within {radius} m, {first} to {last}") if period
             else _("Perceived and recorded, campaign {campaign}: incidents within {radius} m, {first} to {last}"))
    console.print(title.format(campaign=doc["campaign"], period=period, radius=num(doc["radius_m"]),
                               first=day(doc["incidents_from"]), last=day(doc["incidents_to"])), markup=False)
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for key in ("station", "feel unsafe", "answers", "recorded", "day", "night", "gap"):
        table.add_column(heading(key), justify="left" if key == "station" else "right", overflow="fold")
    for s in doc["stations"]:
        gap = num(s["gap"], 2)
        table.add_row(str(s["name"]), pct(s["perceived_unsafe"]), num(s["feeling_answers"]), num(s["recorded"]),
                      num(s["recorded_day"]), num(s["recorded_night"]), gap if s["gap"] < 0 else "+" + gap)
    console.print(table)
    rc = doc["rank_correlation"]
    if rc["rho"] is None:
        console.print(_("Spearman rank correlation: not computed ({n} stations; 3 with varying values needed).").format(n=rc["stations"]),
                      markup=False)
    else:
        rho = num(rc["rho"], 2)
        console.print(_("Spearman rank correlation over {n} stations: ρ = {rho} (p = {p}).").format(
            n=rc["stations"], rho=rho if rc["rho"] < 0 else "+" + rho, p=num(rc["p_value"], 2)), markup=False)
    console.print(_("Felt unsafe, little recorded: {stations}").format(stations=", ".join(doc["felt_not_recorded"]) or _("none")), markup=False)
    console.print(_("Recorded, not felt: {stations}").format(stations=", ".join(doc["recorded_not_felt"]) or _("none")), markup=False)
    credits = "; ".join(", ".join(str(v) for v in (s.get("publisher") or s.get("name"), s.get("licence")) if v) for s in doc["sources"])
    console.print(_("gap = perceived rank − recorded rank (−1 to 1). Records count what was reported to the police:"
                    " harassment rarely is (docs/incidents.md). Incidents: {credits}").format(credits=credits), style="dim", markup=False)


def register(root: typer.Typer) -> None:
    """Add the ``incidents`` group to the app."""
    root.add_typer(app, name="incidents")
