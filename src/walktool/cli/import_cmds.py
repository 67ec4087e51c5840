"""``walktool import`` and ``walktool check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import JsonOpt, ProjectOpt, err, handle_errors, out_console, print_json

FORMAT_HELP = (
    "Force a format: auto, walktool-sheet, kobo-xlsx, kobo-csv, odk-central, odk-briefcase,"
    " epicollect5, geojson, gpx, photos, findings-table."
)


@handle_errors
def import_(
    files: Annotated[list[Path], typer.Argument(help="Sheets, exports, GPX, GeoJSON, photos or photo folders.", show_default=False)],
    walk: Annotated[str | None, typer.Option("--walk", help="Walk id these sheets belong to (reads walks/ID/walk.yaml).")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Campaign name (e.g. 2023-automne).")] = None,
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "auto",
    mapping: Annotated[Path | None, typer.Option("--map", help="Mapping YAML: column → item key, answer → value.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read, check and show how each column was understood; store nothing.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 1 when any row is rejected.")] = False,
    move_campaign: Annotated[bool, typer.Option("--move-campaign", help="Move submissions already stored under another campaign to this one (refused without it).")] = False,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Import field sheets: detect their format, normalise them, place them in stations and zones, store them."""
    from walktool.cli._rules import open_checked as open_project
    from walktool.ingest import import_files
    from walktool.readers import FORMAT_NAMES

    if fmt != "auto" and fmt not in FORMAT_NAMES:
        raise typer.BadParameter(f"{fmt!r}; use auto or one of {', '.join(FORMAT_NAMES)}", param_hint="--format")
    proj = open_project(project)
    if as_json:
        result = import_files(proj, files, walk_id=walk, campaign=campaign, fmt=fmt, mapping=mapping, dry_run=dry_run, progress=_waiting, move_campaign=move_campaign)
        print_json(result.to_dict())
    else:
        result = _with_progress(lambda progress: import_files(proj, files, walk_id=walk, campaign=campaign, fmt=fmt, mapping=mapping, dry_run=dry_run, progress=progress, move_campaign=move_campaign))
        _render(result)
    proj.close()
    if result.failed:
        for f in result.failed:  # on stderr with --json too: the document on stdout has them as well
            err(f"Error: {f.error}")
        raise typer.Exit(1)
    if strict and result.rejected:
        if not as_json:
            where = "listed above (dry run: nothing was stored)" if dry_run else "see `walktool check`"
            err(f"Error: {result.rejected} row(s) rejected (--strict); {where}")
        raise typer.Exit(1)


WAITING = "another import is running; waiting…"


def _waiting(step: str, done: int, total: int) -> None:
    if step == "waiting":
        err(WAITING)


def _with_progress(run: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def progress(step: str, done: int, total: int) -> None:
            if step == "waiting":
                bar.console.print(WAITING, markup=False)
            bar.update(task, description=WAITING if step == "waiting" else step, completed=done, total=total or None)

        return run(progress)


def _render(result: Any) -> None:
    from rich.table import Table

    from walktool.ingest.report import ROW_MEANING

    console = out_console()
    title = "Dry run: nothing stored" if result.dry_run else "Import"
    table = Table("file", "format", "rows", "submissions", "accepted", "rejected", "warnings", "observations", title=title)
    for f in result.files:
        shown = "not read" if f.error and not f.rows else ("nothing read" if f.error else (f.format or "—"))
        table.add_row(Path(f.path).name, shown, str(f.rows), str(f.submissions), str(f.accepted), str(f.rejected), str(f.warnings), str(f.observations))
    if not console.is_terminal:  # piped or redirected: never cut file names or headers
        console.width = max(console.width, console.measure(table, options=console.options.update_width(1000)).maximum)
    console.print(table)
    # rows and submissions differ when exports have repeat groups: say what a row is
    for fmt in dict.fromkeys(f.format for f in result.files if f.format and f.rows != f.submissions):
        console.print(f"  {fmt}: a row is {ROW_MEANING.get(fmt, 'one record')}", markup=False)
    if result.dry_run:
        for f in result.files:
            if not f.columns:
                continue
            cols = Table("column", "understood as", title=f"{Path(f.path).name}: columns")
            for c in f.columns:
                cols.add_row(c["column"], c["as"])
            console.print(cols)
    failed = {str(f.path) for f in result.failed} | {Path(f.path).name for f in result.failed}
    # a file that could not be read at all is reported once, on stderr, by the caller
    issues = [i for i in result.issues() if not (i.row is None and i.level == "error" and i.file in failed)]
    if issues:
        shown = issues[:25]
        for i in shown:
            console.print(f"  {i.level:7} {i}", markup=False)
        if len(issues) > len(shown):
            console.print(f"  … {len(issues) - len(shown)} more: run `walktool check` to see them all")
    console.print(f"{result.accepted} row(s) accepted, {result.rejected} rejected, {result.warnings} warning(s).")


@handle_errors
def check(
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
    level: Annotated[str | None, typer.Option(help="Only 'error' (rejects) or 'warning'.")] = None,
) -> None:
    """Data-quality report: every reject and warning, by file, row and column."""
    from walktool.project import open_project
    from walktool.quality import quality_report

    if level not in (None, "error", "warning"):
        raise typer.BadParameter("use error or warning", param_hint="--level")
    proj = open_project(project, read_only=True)
    report = quality_report(proj, level=level)
    proj.close()
    if as_json:
        print_json(report)
        return
    console = out_console()
    console.print(f"{report['observations']} observations from {len(report['files'])} file(s); {report['rejects']} reject(s), {report['warnings']} warning(s).")
    unreadable = report["unreadable"]
    if unreadable:
        console.print(f"{len(unreadable)} file(s) could not be read:", markup=False)
        for u in unreadable:
            console.print(f"  {u['file']} (imported {u['imported_at']}): [{u['code']}] {u['error']}", markup=False, soft_wrap=True)
    listed = {(Path(str(u["file"])).name, u["code"]) for u in unreadable}
    for i in report["issues"]:
        if i["row"] is None and i["level"] == "error" and (Path(str(i["file"])).name, i["code"]) in listed:
            continue  # listed above
        where = ", ".join(
            p for p in (
                i["file"] or "",
                f"sheet {i['sheet']!r}" if i["sheet"] else "",
                f"row {i['row']}" if i["row"] is not None else "",
                f"column {i['column']!r}" if i["column"] else "",
            ) if p
        )
        label = "reject " if i["level"] == "error" else "warning"
        console.print(f"{label} {where}: [{i['code']}] {i['message']}", markup=False)
    by_code = report["by_code"]
    if by_code:
        console.print("By code: " + ", ".join(f"{k} {v}" for k, v in by_code.items()))


def register(app: typer.Typer) -> None:
    """Add the import commands to ``app``."""
    app.command("import")(import_)
    app.command("check")(check)
