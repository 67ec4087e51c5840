"""Closing the loop: ``walktool coverage`` and ``walktool followup letter``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    _,
    check_lang,
    handle_errors,
    heading,
    num,
    out_console,
    print_json,
    state,
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
        console.print(_("No observations placed at a station in campaign {campaign}.").format(campaign=repr(doc["campaign"])), markup=False)
        return
    table = Table(title=_("Coverage, campaign {campaign} (walks / participants)").format(campaign=doc["campaign"]),
                  box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for col in ("station", "zone", "day", "night"):
        table.add_column(heading(col), justify="left" if col in ("station", "zone") else "right", overflow="fold")
    rows: dict[tuple[str, str], dict[str, str]] = {}
    never_word = _("never")
    for c in doc["cells"]:
        cell = f"{num(c['walks'])} / {num(c['participants'])}" if c["walked"] else f"[red]{never_word}[/red]"
        rows.setdefault((c["name"], c["zone"]), {})[c["period"]] = cell
    for (name, zone), periods in rows.items():
        table.add_row(str(name), str(zone), periods.get("day", "–"), periods.get("night", "–"))
    console.print(table)
    console.print(_("{walked} of {combinations} combinations walked; gaps: {day} by day, {night} at night.").format(
        walked=num(doc["walked"]), combinations=num(doc["combinations"]), day=num(doc["day_gaps"]), night=num(doc["night_gaps"])), markup=False)
    never = doc["stations_never_walked_at_night"]
    if never:
        console.print(_("Stations never walked at night: {stations}").format(stations=", ".join(never)), markup=False)


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

    lang = check_lang(lang) or state.lang  # --lang before the command, WALKTOOL_LANG, the project, LANG
    with open_project(project) as proj:
        result = write_letter(proj, out, campaign=campaign, lang=lang)
    out_console().print(_("Letter written to {path} ({done} done, {in_progress} in progress, {declined} declined,"
                          " {pending} pending); no participant is named in it.").format(
        path=result.path, done=num(result.done), in_progress=num(result.in_progress), declined=num(result.declined),
        pending=num(result.pending)), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``coverage`` to the app and ``letter`` to the ``followup`` group."""
    from walktool.cli.report_cmds import followup_app

    app.command("coverage")(coverage_)
    followup_app.command("letter")(letter)
