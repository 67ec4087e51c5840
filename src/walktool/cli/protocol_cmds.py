"""``walktool protocol list / show / validate / export``."""

from __future__ import annotations

from enum import StrEnum
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
    ngettext,
    num,
    out_console,
    pgettext,
    print_json,
    state,
)
from walktool.i18n import N_, translator

app = typer.Typer(help=N_("The checklists (protocols): list, show, validate, export."), no_args_is_help=True)


def _protocol_files(project_dir: Path) -> list[Path]:
    from walktool.project import find_project_root
    from walktool.protocol import default_protocol_path

    root = find_project_root(project_dir.resolve())
    if root is None:
        return [default_protocol_path()]
    return sorted((root / "protocols").glob("*.y*ml"))


@app.command("list")
@handle_errors
def list_(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """List the protocols of the project (or the packaged default outside a project)."""
    from walktool.protocol import validate_protocol

    rows: list[dict[str, Any]] = []
    for path in _protocol_files(project):
        protocol, issues = validate_protocol(path)
        errors = sum(1 for i in issues if i.level == "error")
        rows.append(
            {
                "id": protocol.id if protocol else None,
                "version": protocol.version if protocol else None,
                "title": protocol.title.get("fr") if protocol else None,
                "items": len(protocol.items) if protocol else None,
                "principles": len(protocol.principles) if protocol else None,
                "file": str(path),
                "errors": errors,
            }
        )
    if as_json:
        print_json({"protocols": rows})
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("id", pgettext("column", "version"), pgettext("column", "items"), pgettext("column", "title"), heading("file"))
    for r in rows:
        if r["id"] is None:
            invalid = escape(_("invalid"))
            table.add_row(f"[red]{invalid}[/red]", "", "", escape(ngettext(
                "{n} error: run `walktool protocol validate`", "{n} errors: run `walktool protocol validate`", r["errors"]).format(n=r["errors"])),
                escape(r["file"]))
        else:
            table.add_row(escape(r["id"]), escape(r["version"]), num(r["items"]), escape(r["title"] or ""), escape(Path(r["file"]).name))
    table.columns[0].no_wrap = True  # the id is what users type: never cut it
    console = out_console()
    if not console.is_terminal:
        console.width = max(console.width, console.measure(table, options=console.options.update_width(1000)).maximum)
    console.print(table)


@app.command("show")
@handle_errors
def show(
    protocol_id: Annotated[str | None, typer.Argument(metavar="[ID]", help=N_("Protocol id or YAML file (default: the project's)."))] = None,
    lang: LangOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Show a checklist as a readable table: principles, items, answers, recommendations."""
    from walktool.project import find_project_root, open_project
    from walktool.protocol import default_protocol_path, load_protocol

    check_lang(lang)
    root = find_project_root(project.resolve())
    if protocol_id and Path(protocol_id).suffix in (".yaml", ".yml") and Path(protocol_id).exists():
        p = load_protocol(protocol_id)
        lang = lang or state.lang
    elif root is not None:
        proj = open_project(root, read_only=True)
        p = proj.protocol(protocol_id)
        lang = lang or state.lang
    else:
        from walktool.errors import ProtocolError
        from walktool.protocol import find_protocols

        packaged = find_protocols(default_protocol_path().parent)
        if protocol_id and protocol_id not in packaged:
            known = ", ".join(sorted(k for k in packaged if "@" not in k))
            raise ProtocolError(NO_PROTOCOL, params={"id": repr(protocol_id), "known": known})
        p = load_protocol(packaged[protocol_id] if protocol_id else default_protocol_path())
        lang = lang or state.lang
    if as_json:
        from walktool.protocol import protocol_summary

        print_json(protocol_summary(p, lang))
        return
    from rich.table import Table

    console = out_console()
    console.print(f"[bold]{p.title.get(lang)}[/bold]  ({p.id} {p.version})")
    for principle in p.principles:
        items = [i for i in p.items if i.principle == principle.key]
        _item_table(console, Table, p, f"{principle.label.get(lang)}  [{principle.key}]", items, lang)
    perception = [i for i in p.items if i.principle == "perception"]
    if perception:
        title = translator(lang).gettext("Perception (not scored)")
        _item_table(console, Table, p, title, perception, lang)


def _item_table(console: object, table_cls: type, p: object, title: str, items: list, lang: str) -> None:
    from walktool.protocol import Protocol

    assert isinstance(p, Protocol)
    tr = translator(lang)
    heads = (tr.pgettext("column", "key"), tr.pgettext("column", "question"), tr.pgettext("column", "answers"),
             tr.pgettext("column", "if a problem: action"), tr.pgettext("column", "responsible"), tr.pgettext("column", "timeframe"))
    table = table_cls(*heads, title=title, title_justify="left", show_lines=True)
    table.columns[0].no_wrap = True  # item keys are typed by users: never cut them
    for item in items:
        if item.answer.choices:
            answers = " / ".join(c.label.get(lang) for c in item.answer.choices)
        else:
            answers = item.answer.kind + (f" ({item.answer.unit})" if item.answer.unit else "")
        if item.polarity == "negative":
            answers += "  (−)"
        rec = item.recommendation
        table.add_row(
            item.key,
            item.label.get(lang),
            answers,
            rec.action.get(lang) if rec else "",
            rec.responsible.get(lang) if rec else "",
            rec.timeframe if rec else "",
        )
    console.print(table)  # type: ignore[attr-defined]


@app.command("validate")
@handle_errors
def validate(
    file: Annotated[Path, typer.Argument(help=N_("Protocol YAML file to check."))],
    project: Annotated[
        Path | None,
        typer.Option("--project", "-p", help=N_("Project whose campaigns to check the rules against (default: the"
                     " project the file is in, else the current folder)."), show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a protocol file and explain every problem (with its line); exit 1 if any is an error.

    In a project, a file whose scoring rules differ from those its version was imported with is
    reported as rules-changed-same-version, naming the campaigns scored under the earlier rules.
    """
    from walktool.cli._common import err, issue_words
    from walktool.protocol import validate_protocol

    protocol, issues = validate_protocol(file)
    if protocol is not None:
        issues = [*issues, *_rules_issues(file, project, protocol)]
    errors = [i for i in issues if i.level == "error"]
    if as_json:
        print_json({"file": str(file), "valid": protocol is not None, "issues": [i.to_dict() for i in issues]})
    else:
        for issue in issues:
            line = _("line {n}: ").format(n=issue.row) if issue.row else ""
            level = _("error") if issue.level == "error" else _("warning")
            err(f"{issue.file}: {line}{level} [{issue.code}] {issue_words(issue)}")
        if protocol is not None:
            warnings = (", " + ngettext("{n} warning", "{n} warnings", len(issues)).format(n=len(issues))) if issues else ""
            typer.echo(_("{file}: valid — {id} {version}, {principles} principles, {items} items (rules {rules})").format(
                file=file, id=protocol.id, version=protocol.version, principles=len(protocol.principles), items=num(len(protocol.items)),
                rules=protocol.rules_hash) + warnings)
        else:
            err(ngettext("{file}: {n} error; fix it and run `walktool protocol validate {file}` again",
                         "{file}: {n} errors; fix them and run `walktool protocol validate {file}` again", len(errors)).format(
                file=file, n=len(errors)))
    if errors:
        raise typer.Exit(1)


def _rules_issues(file: Path, project: Path | None, protocol: Any) -> list[Any]:
    """``rules-changed-same-version`` of ``protocol`` against the project's imports (none outside a project)."""
    from walktool.errors import WalktoolError
    from walktool.project import find_project_root, open_project
    from walktool.provenance import rules_warnings

    folder = file.resolve().parent
    candidates = [project] if project is not None else [folder.parent if folder.name == "protocols" else folder, Path(".")]
    root = next((r for r in (find_project_root(c.resolve()) for c in candidates) if r is not None), None)
    if root is None:
        return []
    try:
        with open_project(root) as proj:
            return rules_warnings(proj, protocol)
    except WalktoolError:  # a folder with walktool.toml but no usable store: nothing imported to check against
        return []


NO_PROTOCOL = N_(
    "no protocol {id} here (packaged: {known}); give a YAML file, or run in a"
    " project folder (create one with `walktool init DIR`) or point to one with --project DIR"
)


class ExportFormat(StrEnum):
    """What ``protocol export`` writes."""

    xlsform = "xlsform"
    sheet = "sheet"
    pdf = "pdf"


@app.command("export")
@handle_errors
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help=N_("xlsform: a form for KoboToolbox / ODK Collect (French and English labels). "
            "sheet: a fillable Excel field sheet with drop-downs and a paper stop form to print. "
            "pdf: the paper field sheet (one stop per Letter page, then ruled findings rows)."),
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help=N_("The .xlsx (or .pdf) file to write (default: reports/<protocol>-<format>-<lang>.xlsx)."), show_default=False),
    ] = None,
    stops: Annotated[
        int,
        typer.Option("--stops", min=1, max=50, help=N_("sheet, pdf: how many numbered stop pages the paper form has.")),
    ] = 1,
    lang: LangOpt = None,
    protocol_id: Annotated[str | None, typer.Option("--protocol", help=N_("Protocol id or YAML file (default: the project's)."), show_default=False)] = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Export the checklist as an XLSForm (KoboToolbox, ODK Collect), a field sheet workbook or its paper PDF.

    The XLSForm always carries French and English labels; --lang sets its default
    language. The field sheet (and its PDF) is written in --lang. The XLSForm's
    exports and the filled workbook come back through `walktool import` without a
    mapping file.
    """
    from walktool.errors import WalktoolError
    from walktool.forms import export_form
    from walktool.project import find_project_root, open_project
    from walktool.stations import builtin_stations, load_stations

    check_lang(lang)
    root = find_project_root(project.resolve())
    if protocol_id and Path(protocol_id).suffix in (".yaml", ".yml") and Path(protocol_id).exists():
        from walktool.protocol import load_protocol

        proto = load_protocol(protocol_id)
        proj = open_project(root) if root is not None else None
    elif root is not None:
        proj = open_project(root)
        proto = proj.protocol(protocol_id)
    else:
        proj = None
        proto = _packaged_protocol(protocol_id)
    try:
        layer = load_stations(proj) if proj is not None else builtin_stations()
        language = lang or state.lang
        suffix = ".pdf" if fmt is ExportFormat.pdf else ".xlsx"
        if out is None:
            folder = proj.reports_dir if proj is not None else Path(".")
            out = folder / f"{proto.id}-{'xlsform' if fmt is ExportFormat.xlsform else 'field-sheet'}-{language}{suffix}"
        if out.exists() and out.is_dir():
            raise WalktoolError(N_("{out} is a folder; give a file name ending in {suffix} with --out"), params={"out": out, "suffix": suffix})
        if out.suffix.lower() != suffix:
            template = (N_("{out}: the export is a PDF; give a file name ending in {suffix} with --out") if suffix == ".pdf"
                        else N_("{out}: the export is an Excel workbook; give a file name ending in {suffix} with --out"))
            raise WalktoolError(template, params={"out": out, "suffix": suffix})
        result = export_form(proto, layer, fmt.value, out, lang=language, stops=stops)
    finally:
        if proj is not None:
            proj.close()
    if as_json:
        print_json(result)
        return
    in_language = _("French") if language == "fr" else _("English")
    if fmt is ExportFormat.xlsform:
        typer.echo(_(
            "Wrote the XLSForm {id} {version} ({stations} stations, French and English, default {lang}) to {out}.\n"
            "Load it in KoboToolbox (New project → Upload an XLSForm) or ODK Central (New form); see docs/forms.md."
        ).format(id=proto.id, version=proto.version, stations=num(result["stations"]), lang=language, out=out))
    elif fmt is ExportFormat.pdf:
        typer.echo(_(
            "Wrote the paper field sheet {id} {version} in {language} to {out} ({pages}: {stops}, then ruled findings rows).\n"
            "Print one copy per participant; type the answers into the field sheet workbook"
            " (`walktool protocol export --format sheet`) to import them."
        ).format(id=proto.id, version=proto.version, language=in_language, out=out,
                 pages=ngettext("{n} Letter page", "{n} Letter pages", result["pages"]).format(n=result["pages"]),
                 stops=ngettext("{n} stop", "{n} stops", stops).format(n=stops)))
    else:
        typer.echo(_(
            "Wrote the field sheet {id} {version} in {language} to {out}.\nPrint its stop form and findings page (Letter)"
            " or fill it in Excel / LibreOffice, then `walktool import {name}`."
        ).format(id=proto.id, version=proto.version, language=in_language, out=out, name=out.name))


def _packaged_protocol(protocol_id: str | None) -> Any:
    from walktool.errors import ProtocolError
    from walktool.protocol import default_protocol_path, find_protocols, load_protocol

    packaged = find_protocols(default_protocol_path().parent)
    if protocol_id and protocol_id not in packaged:
        known = ", ".join(sorted(k for k in packaged if "@" not in k))
        raise ProtocolError(NO_PROTOCOL, params={"id": repr(protocol_id), "known": known})
    return load_protocol(packaged[protocol_id] if protocol_id else default_protocol_path())
