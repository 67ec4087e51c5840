"""``walktool comments list / publish``: which free-text comments public outputs may show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import (
    JsonOpt,
    ProjectOpt,
    _,
    error,
    handle_errors,
    ngettext,
    num,
    out_console,
    pgettext,
    print_json,
)
from walktool.i18n import N_

app = typer.Typer(
    name="comments",
    help=N_("Free-text comments: public maps, reports and exports show only those marked publishable."),
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("list")
@handle_errors
def list_(
    campaign: Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))] = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Every comment of a campaign with its observation id, station and whether it is publishable."""
    from walktool.analysis import load_observations, resolve_campaign
    from walktool.privacy import publishable_ids
    from walktool.project import open_project

    with open_project(project) as proj:
        name = resolve_campaign(proj, campaign)
        obs = load_observations(proj, name)
        allowed = publishable_ids(proj)
    rows = obs[obs["comment"].notna() & obs["comment"].astype(str).str.strip().ne("")] if len(obs) else obs
    rows = rows.sort_values(["station_name", "obs_id"], kind="stable") if len(rows) else rows
    records = [{"obs_id": r["obs_id"], "station": r["station_name"], "zone": r["zone"], "comment": r["comment"],
                "publishable": str(r["obs_id"]) in allowed} for r in rows.to_dict("records")]
    if as_json:
        print_json({"campaign": name, "comments": records})
        return
    console = out_console()
    for r in records:
        marks = (pgettext("audience", "public"), pgettext("audience", "staff"))
        width = max(len(m) for m in marks)
        mark = marks[0] if r["publishable"] else marks[1]
        console.print(f"{mark:{width}}  {r['obs_id']}  {r['station']} · {r['zone'] or '–'}: {r['comment']}", markup=False)
    public = sum(r["publishable"] for r in records)
    console.print(ngettext("{n} comment, {public} publishable; mark one with `walktool comments publish OBS_ID`.",
                           "{n} comments, {public} publishable; mark one with `walktool comments publish OBS_ID`.",
                           len(records)).format(n=num(len(records)), public=num(public)), markup=False)


@app.command("publish")
@handle_errors
def publish(
    obs_ids: Annotated[list[str], typer.Argument(help=N_("Observation ids (from `walktool comments list`)."))],
    undo: Annotated[bool, typer.Option("--undo", help=N_("Mark them not publishable again."))] = False,
    note: Annotated[str | None, typer.Option("--note", help=N_("Why (kept with the flag)."))] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Mark comments publishable: public outputs show them (the participant agreed, nothing identifies anyone)."""
    from walktool.privacy import mark_publishable
    from walktool.project import open_project

    with open_project(project) as proj:
        missing = mark_publishable(proj, obs_ids, not undo, note=note)
    for obs_id in missing:
        error(_("no observation {id} in this project; see `walktool comments list`").format(id=repr(obs_id)))
    done = len(obs_ids) - len(missing)
    if undo:
        text = ngettext("{n} comment marked not publishable.", "{n} comments marked not publishable.", done)
    else:
        text = ngettext("{n} comment marked publishable.", "{n} comments marked publishable.", done)
    out_console().print(text.format(n=num(done)), markup=False)
    if missing:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Add the ``comments`` group to the app."""
    root.add_typer(app, name="comments")
