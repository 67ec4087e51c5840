"""``walktool migrate`` and ``walktool store grant / info``: moving a project's store, sharing an archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import JsonOpt, ProjectOpt, _, handle_errors, num, pgettext, print_json
from walktool.i18n import N_

app = typer.Typer(help=N_("The project store: what it holds, and who may read or write a shared archive."), no_args_is_help=True)


def register(root: typer.Typer) -> None:
    """Add ``walktool migrate`` to the root app."""
    root.command("migrate")(migrate)


@handle_errors
def migrate(
    to: Annotated[
        str,
        typer.Option("--to", help=N_("Where to copy the store: a PostGIS archive (postgresql://user@host/db) or a FILE.gpkg."), show_default=False),
    ],
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Copy the project's store into a shared archive or a GeoPackage (merged by key), counts checked."""
    from walktool.project import open_project
    from walktool.store import is_database_url, mask, open_store
    from walktool.store.transfer import copy_store

    with open_project(project) as proj:
        target_location = to if is_database_url(to) else Path(to).expanduser().resolve()
        if str(target_location) == str(proj.store_location):
            raise typer.BadParameter(_("the target is the project's own store"), param_hint="--to")
        target = open_store(target_location, create=True)
        try:
            copied = copy_store(proj.store, target)
        finally:
            target.close()
        shown_from, shown_to = proj.store_shown, mask(to)
    if as_json:
        print_json({"from": shown_from, "to": shown_to, "tables": [c.__dict__ for c in copied]})
        return
    typer.echo(_("Copied {source} → {target}").format(source=shown_from, target=shown_to))
    for c in copied:
        typer.echo(_("  {table:<22} {source:>9} rows, {copied:>9} found in the target ({target} there now)").format(
            table=c.table, source=num(c.source), copied=num(c.copied), target=num(c.target)))
    if is_database_url(to):
        typer.echo(_('To use it: store = "{url}" in walktool.toml, or --store / WALKTOOL_STORE.').format(url=mask(to).replace(":***@", "@")))


@app.command("grant")
@handle_errors
def grant(
    read: Annotated[list[str] | None, typer.Option("--read", help=N_("A role that may read (summary, report, map); repeatable."))] = None,
    write: Annotated[list[str] | None, typer.Option("--write", help=N_("A role that may also write (import, followup); repeatable."))] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Give roles read-only or write access to the project's PostGIS archive (created when missing, without password)."""
    from walktool.project import open_project
    from walktool.store.admin import grant as do_grant

    if not read and not write:
        raise typer.BadParameter(_("give --read ROLE or --write ROLE"), param_hint="--read / --write")
    with open_project(project) as proj:
        done = do_grant(proj.store, read=read or [], write=write or [])
        where = proj.store_shown
    for role in done.created:
        typer.echo(_("Created role {role} (LOGIN, no password: set one with ALTER ROLE {role} PASSWORD …).").format(role=role))
    for role in done.read:
        typer.echo(_("{role}: may read {store}").format(role=role, store=where))
    for role in done.write:
        typer.echo(_("{role}: may read and write {store}").format(role=role, store=where))


@app.command("info")
@handle_errors
def info(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """Where the store is, its schema version, what it holds and (an archive) who may read or write it."""
    from walktool.project import open_project
    from walktool.store.admin import info as store_info

    with open_project(project) as proj:
        doc = store_info(proj.store)
    if as_json:
        print_json(doc)
        return
    labels = (pgettext("info", "store"), pgettext("info", "connected as"))
    width = max(15, *(len(label) for label in labels))
    typer.echo(f"{labels[0]:<{width}}" + _("{store} ({backend}, schema version {version})").format(
        store=doc["store"], backend=doc["backend"], version=doc["schema_version"]))
    for name, n in doc["tables"].items():
        typer.echo(f"  {name:<15} {num(n)}")
    if doc["backend"] == "postgis":
        access = _("read and write") if doc["writable"] else _("read only")
        typer.echo(f"{labels[1]:<{width}}{doc['user']} ({access})")
        for role, kind in doc["roles"].items():
            typer.echo(f"  {role:<15} {kind}")
