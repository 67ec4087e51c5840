"""``walktool init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from walktool.cli._common import handle_errors


@handle_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Project folder to create (default: the current folder).")] = Path("."),
    name: Annotated[str | None, typer.Option(help="Project name (default: the folder's name).")] = None,
) -> None:
    """Create a walk project: settings, protocols/, walks/, reports/ and the store with the STM stations."""
    from walktool.project import init_project

    existed = (directory / "walktool.toml").exists()
    project = init_project(directory, name=name)
    n = project.store.count("stations")
    project.close()
    verb = "Updated" if existed else "Created"
    typer.echo(f"{verb} walk project {project.settings.name!r} in {project.root}")
    typer.echo(f"  settings   {project.settings_path.name}")
    typer.echo(f"  protocols  protocols/{project.settings.protocol}.yaml")
    typer.echo(f"  store      {project.store_path.name} ({n} stations)")
    typer.echo("Next: export a field form with `walktool protocol export`, then `walktool import SHEETS...`.")


def register(app: typer.Typer) -> None:
    """Add the project commands to ``app``."""
    app.command("init")(init)
