"""Closing the loop: ``walktool coverage`` and ``walktool followup letter``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    check_lang,
    handle_errors,
    out_console,
    print_json,
)
from walktool.i18n import N_

CampaignOpt = Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))]


@handle_errors
def coverage_(
    campaign: CampaignOpt = None,
    all_zones: Annotated[bool, typer.Option("--all-zones", help=N_("Cross every walked station with every zone of the protocol."))] = False,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Walks and participants per station × zone × day/night, and the combinations never walked."""
    from walktool.coverage import coverage
    from walktool.project import open_project

    with open_project(project) as proj:
        doc = coverage(proj, campaign, all_zones=all_zones).to_dict()
    if as_json:
        print_json(doc)
        return
    _render(doc)


def _render(doc: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    console = out_console()
    if not doc["cells"]:
        console.print(f"No observations placed at a station in campaign {doc['campaign']!r}.")
        return
    table = Table(title=f"Coverage, campaign {doc['campaign']} (walks / participants)", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for col in ("station", "zone", "day", "night"):
        table.add_column(col, justify="left" if col in ("station", "zone") else "right")
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for c in doc["cells"]:
        cell = f"{c['walks']} / {c['participants']}" if c["walked"] else "[red]never[/red]"
        rows.setdefault((c["name"], c["zone"]), {})[c["period"]] = cell
    for (name, zone), periods in rows.items():
        table.add_row(str(name), str(zone), periods.get("day", "–"), periods.get("night", "–"))
    console.print(table)
    console.print(f"{doc['walked']} of {doc['combinations']} combinations walked; gaps: {doc['day_gaps']} by day, {doc['night_gaps']} at night.")
    never = doc["stations_never_walked_at_night"]
    if never:
        console.print(f"Stations never walked at night: {', '.join(never)}")


@handle_errors
def letter(
    out: Annotated[Path, typer.Option("--out", help=N_("The letter to write: .html or .pdf."))],
    campaign: CampaignOpt = None,
    lang: LangOpt = None,
    project: ProjectOpt = Path("."),
) -> None:
    """A one- or two-page letter to participants, in French and English: findings, what was done, what comes next."""
    from walktool.letter import write_letter
    from walktool.project import open_project

    lang = check_lang(lang)
    with open_project(project) as proj:
        result = write_letter(proj, out, campaign=campaign, lang=lang)
    out_console().print(f"Letter written to {result.path} ({result.done} done, {result.in_progress} in progress,"
                        f" {result.declined} declined, {result.pending} pending); no participant is named in it.")


def register(app: typer.Typer) -> None:
    """Add ``coverage`` to the app and ``letter`` to the ``followup`` group."""
    from walktool.cli.report_cmds import followup_app

    app.command("coverage")(coverage_)
    followup_app.command("letter")(letter)
