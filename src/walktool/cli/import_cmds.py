"""``walktool import`` and ``walktool check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from walktool.cli._common import (
    JsonOpt,
    ProjectOpt,
    _,
    err,
    error,
    handle_errors,
    heading,
    issue_text,
    level_word,
    ngettext,
    num,
    out_console,
    pgettext,
    print_json,
)
from walktool.i18n import N_

FORMAT_HELP = N_(
    "Force a format: auto, walktool-sheet, kobo-xlsx, kobo-csv, odk-central, odk-briefcase,"
    " epicollect5, geojson, gpx, photos, findings-table."
)


@handle_errors
def import_(
    files: Annotated[list[Path], typer.Argument(help=N_("Sheets, exports, GPX, GeoJSON, photos or photo folders."), show_default=False)],
    walk: Annotated[str | None, typer.Option("--walk", help=N_("Walk id these sheets belong to (reads walks/ID/walk.yaml)."))] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (e.g. 2023-automne)."))] = None,
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "auto",
    mapping: Annotated[Path | None, typer.Option("--map", help=N_("Mapping YAML: column → item key, answer → value."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Read, check and show how each column was understood; store nothing."))] = False,
    strict: Annotated[bool, typer.Option("--strict", help=N_("Exit with code 1 when any row is rejected."))] = False,
    move_campaign: Annotated[bool, typer.Option("--move-campaign", help=N_("Move submissions already stored under another campaign to this one (refused without it)."))] = False,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Import field sheets: detect their format, normalise them, place them in stations and zones, store them."""
    from walktool.cli._rules import open_checked as open_project
    from walktool.ingest import import_files
    from walktool.readers import FORMAT_NAMES

    if fmt != "auto" and fmt not in FORMAT_NAMES:
        raise typer.BadParameter(_("{value}; use auto or one of {choices}").format(value=repr(fmt), choices=", ".join(FORMAT_NAMES)), param_hint="--format")
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
            error(_translated_failure(f))
        raise typer.Exit(1)
    if strict and result.rejected:
        if not as_json:
            hint = _("listed above (dry run: nothing was stored)") if dry_run else _("see `walktool check`")
            error(ngettext("{n} row rejected (--strict); {hint}", "{n} rows rejected (--strict); {hint}", result.rejected).format(
                n=num(result.rejected), hint=hint))
        raise typer.Exit(1)


WAITING = N_("another import is running; waiting…")


def _translated_failure(f: Any) -> str:
    """The failure of one file in the command line's language (its stored message is English)."""
    from walktool.i18n import Phrase
    from walktool.report.labels import issue_message

    if isinstance(f.error, Phrase):
        return f.error.render(_lang())
    code = getattr(f, "code", None)
    if code:
        text = issue_message({"code": code, "message": str(f.error), "file": str(f.path)}, _lang())
        if text:
            return text
    return str(f.error)


def _lang() -> str:
    from walktool.cli._common import state

    return state.lang


STEPS = {"reading": N_("reading {file}"), "importing": N_("importing {file}")}
"""The progress steps of :func:`walktool.ingest.import_files` (``reading NAME``), translated."""


def _step(step: str) -> str:
    verb, _sep, file = step.partition(" ")
    return _(STEPS[verb]).format(file=file) if verb in STEPS and file else _("done") if step == "done" else step


def _waiting(step: str, done: int, total: int) -> None:
    if step == "waiting":
        err(_(WAITING))


def _with_progress(run: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(_("importing"), total=None)

        def progress(step: str, done: int, total: int) -> None:
            if step == "waiting":
                bar.console.print(_(WAITING), markup=False)
            bar.update(task, description=_(WAITING) if step == "waiting" else _step(step), completed=done, total=total or None)

        return run(progress)


def _render(result: Any) -> None:
    from rich.table import Table

    from walktool.ingest.report import ROW_MEANING

    console = out_console()
    title = _("Dry run: nothing stored") if result.dry_run else _("Import")
    heads = [heading(h) for h in ("file", "format", "rows", "submissions", "accepted", "rejected", "warnings", "observations")]
    table = Table(*heads, title=title)
    for f in result.files:
        shown = _("not read") if f.error and not f.rows else (_("nothing read") if f.error else (f.format or "—"))
        table.add_row(Path(f.path).name, shown, num(f.rows), num(f.submissions), num(f.accepted), num(f.rejected), num(f.warnings), num(f.observations))
    if not console.is_terminal:  # piped or redirected: never cut file names or headers
        console.width = max(console.width, console.measure(table, options=console.options.update_width(1000)).maximum)
    console.print(table)
    # rows and submissions differ when exports have repeat groups: say what a row is
    for fmt in dict.fromkeys(f.format for f in result.files if f.format and f.rows != f.submissions):
        console.print(_("  {format}: a row is {meaning}").format(format=fmt, meaning=_(ROW_MEANING.get(fmt, N_("one record")))), markup=False)
    if result.dry_run:
        for f in result.files:
            if not f.columns:
                continue
            cols = Table(pgettext("column", "column"), pgettext("column", "understood as"), title=_("{file}: columns").format(file=Path(f.path).name))
            for c in f.columns:
                cols.add_row(c["column"], c["as"])
            console.print(cols)
    failed = {str(f.path) for f in result.failed} | {Path(f.path).name for f in result.failed}
    # a file that could not be read at all is reported once, on stderr, by the caller
    issues = [i for i in result.issues() if not (i.row is None and i.level == "error" and i.file in failed)]
    if issues:
        shown = issues[:25]
        width = max(len(level_word("error")), len(level_word("warning")))
        for i in shown:
            console.print(f"  {level_word(i.level):{width}} {issue_text(i)}", markup=False)
        if len(issues) > len(shown):
            console.print(_("  … {n} more: run `walktool check` to see them all").format(n=num(len(issues) - len(shown))), markup=False)
    console.print(_("{accepted}, {rejected}, {warnings}.").format(
        accepted=ngettext("{n} row accepted", "{n} rows accepted", result.accepted).format(n=num(result.accepted)),
        rejected=ngettext("{n} rejected", "{n} rejected", result.rejected).format(n=num(result.rejected)),
        warnings=ngettext("{n} warning", "{n} warnings", result.warnings).format(n=num(result.warnings)),
    ), markup=False)


@handle_errors
def check(
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
    level: Annotated[str | None, typer.Option(help=N_("Only 'error' (rejects) or 'warning'."))] = None,
) -> None:
    """Data-quality report: every reject and warning, by file, row and column."""
    from walktool.project import open_project
    from walktool.quality import quality_report

    if level not in (None, "error", "warning"):
        raise typer.BadParameter(_("use error or warning"), param_hint="--level")
    proj = open_project(project, read_only=True)
    report = quality_report(proj, level=level)
    proj.close()
    if as_json:
        print_json(report)
        return
    console = out_console()
    console.print(_("{observations} from {files}; {rejects}, {warnings}.").format(
        observations=ngettext("{n} observation", "{n} observations", report["observations"]).format(n=num(report["observations"])),
        files=ngettext("{n} file", "{n} files", len(report["files"])).format(n=num(len(report["files"]))),
        rejects=ngettext("{n} reject", "{n} rejects", report["rejects"]).format(n=num(report["rejects"])),
        warnings=ngettext("{n} warning", "{n} warnings", report["warnings"]).format(n=num(report["warnings"])),
    ), markup=False)
    unreadable = report["unreadable"]
    if unreadable:
        console.print(ngettext("{n} file could not be read:", "{n} files could not be read:", len(unreadable)).format(n=len(unreadable)), markup=False)
        for u in unreadable:
            text = issue_text({"code": u["code"], "message": u["error"], "file": None})
            console.print(_("  {file} (imported {when}): {text}").format(file=u["file"], when=u["imported_at"], text=text),
                          markup=False, soft_wrap=True)
    listed = {(Path(str(u["file"])).name, u["code"]) for u in unreadable}
    for i in report["issues"]:
        if i["row"] is None and i["level"] == "error" and (Path(str(i["file"])).name, i["code"]) in listed:
            continue  # listed above
        console.print(f"{level_word(i['level'])} {issue_text(i)}", markup=False)
    by_code = report["by_code"]
    if by_code:
        console.print(_("By code: {counts}").format(counts=", ".join(f"{k} {num(v)}" for k, v in by_code.items())), markup=False)


def register(app: typer.Typer) -> None:
    """Add the import commands to ``app``."""
    app.command("import")(import_)
    app.command("check")(check)
