"""``walktool report`` and ``walktool followup import``."""

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
    day,
    error,
    handle_errors,
    issue_text,
    ngettext,
    num,
    out_console,
    print_json,
    state,
    warning,
)
from walktool.cli._rules import RulesOpt, VersionOpt, rules_choice
from walktool.i18n import N_, translator

CampaignOpt = Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))]

followup_app = typer.Typer(
    name="followup",
    help=N_("Read back the follow-up (status, owner, due date, note) staff filled in the report."),
    no_args_is_help=True,
    rich_markup_mode=None,
)


class ReportFormat(StrEnum):
    """What ``walktool report`` writes."""

    xlsx = "xlsx"
    pdf = "pdf"


@handle_errors
def report(
    campaign: CampaignOpt = None,
    lang: LangOpt = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help=N_("xlsx: the Excel workbook (every station, the follow-up table). "
            "pdf: a one- or two-page Letter brief per station."),
        ),
    ] = ReportFormat.xlsx,
    station: Annotated[
        str | None,
        typer.Option("--station", help=N_("With --format pdf: the brief of this station only (name or id)."), show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=N_("xlsx: the workbook to write (default: reports/report.xlsx). pdf: a folder (one PDF per station,"
            " default reports/briefs/) or a .pdf file (every station in it)."),
            show_default=False,
        ),
    ] = None,
    rules: RulesOpt = None,
    protocol_version: VersionOpt = None,
    audience: Annotated[
        str,
        typer.Option("--audience", help=N_("staff (exact positions, comments) or public (positions rounded to ~100 m, comments only when publishable, faces blurred, no data-quality sheet).")),
    ] = "staff",
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Write the Excel report (summary, a sheet per station, recommendations to follow up) or PDF station briefs.

    Figures are computed under the rules each campaign was imported with (the Method sheet names the protocol
    version and rules hash); --rules current or --protocol ID@VERSION re-scores them.
    """
    from walktool.cli._rules import open_checked as open_project

    lang = check_lang(lang) or state.lang  # --lang before the command, WALKTOOL_LANG, the project, LANG
    chosen = rules_choice(rules, protocol_version)
    if audience not in ("staff", "public"):
        raise typer.BadParameter(_("{value}: use staff or public").format(value=repr(audience)), param_hint="--audience")
    if fmt is ReportFormat.pdf:
        from walktool.report.brief import write_brief

        with open_project(project, read_only=True) as proj:
            brief = write_brief(proj, campaign, lang=lang, station=station, out=out, rules=chosen, audience=audience)
        if as_json:
            print_json(brief.to_dict())
            return
        where = brief.paths[0] if len(brief.paths) == 1 else brief.paths[0].parent
        out_console().print(
            _("PDF brief written to {where}: {stations}, {pages} (campaign {campaign}, {language}).").format(
                where=where, stations=ngettext("{n} station", "{n} stations", len(brief.stations)).format(n=num(len(brief.stations))),
                pages=ngettext("{n} Letter page", "{n} Letter pages", brief.pages).format(n=num(brief.pages)),
                campaign=brief.campaign, language=_("French") if brief.lang == "fr" else _("English")),
            soft_wrap=True, markup=False,
        )
        return
    if station is not None:
        raise typer.BadParameter(_("--station goes with --format pdf (the workbook has every station)"), param_hint="--station")
    from walktool.report import write_report

    with open_project(project, read_only=True) as proj:
        result = write_report(proj, campaign, lang=lang, out=out, rules=chosen, audience=audience)
    if as_json:
        print_json(result.to_dict())
        return
    console = out_console()
    parts = [
        ngettext("{n} station sheet", "{n} station sheets", result.stations).format(n=num(result.stations)),
        ngettext("{n} ranked recommendation", "{n} ranked recommendations", result.recommendations).format(n=num(result.recommendations)),
        ngettext("{n} minority report", "{n} minority reports", result.minority).format(n=num(result.minority)),
        ngettext("{n} observation", "{n} observations", result.observations).format(n=num(result.observations)),
    ]
    if result.thumbnails:
        parts.append(ngettext("{n} photo preview", "{n} photo previews", result.thumbnails).format(n=num(result.thumbnails)))
    console.print(
        _("Workbook written to {path}: {counts}; scores under {protocol} (rules {rules}).").format(
            path=result.path, counts=", ".join(parts), protocol=result.protocol, rules=result.rules_hash),
        soft_wrap=True, markup=False,
    )
    if result.observations_file is not None:
        console.print(
            _("The Observations sheet lists the findings only; every observation is in {path}.").format(path=result.observations_file),
            soft_wrap=True, markup=False,
        )
    console.print(
        _("Staff fill in the status, owner, due date and note of the recommendations sheet;"
          " read them back with `walktool followup import {file}`.").format(file=result.path.name),
        soft_wrap=True, markup=False,
    )


@followup_app.command("import")
@handle_errors
def followup_import(
    file: Annotated[Path, typer.Argument(help=N_("The report workbook (.xlsx) staff filled in."), show_default=False)],
    strict: Annotated[bool, typer.Option("--strict", help=N_("Exit with code 1 when any row is rejected (the good rows are still recorded)."))] = False,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Read the status / owner / due date / note columns back and record what changed, with its date."""
    from walktool.cli._rules import open_checked as open_project
    from walktool.followup import import_followup

    with open_project(project) as proj:
        result = import_followup(proj, file)
    if as_json:
        print_json(result.to_dict())
    else:
        _render(result)
    if strict and result.rejected:
        raise typer.Exit(1)


def _render(result: Any) -> None:
    from rich.markup import escape

    console = out_console()
    console.print(
        escape(_("{file} ({sheet}): {rows} read, {changed} updated, {unchanged} unchanged, {rejected} rejected.").format(
            file=result.file, sheet=result.sheet,
            rows=ngettext("{n} recommendation row", "{n} recommendation rows", result.rows).format(n=num(result.rows)),
            changed=num(result.changed), unchanged=num(result.unchanged), rejected=num(result.rejected))),
        soft_wrap=True,
    )
    for change in result.changes:
        before, after = change["before"], change["after"]
        diffs = ", ".join(
            f"{_field_word(k)}: {_field_value(k, before[k])} → {_field_value(k, after[k])}" for k in after if after[k] != before[k]
        )
        console.print(escape(_("  {id} (row {row}): {changes}").format(id=change["id"], row=change["row"], changes=diffs)), soft_wrap=True)
    for issue in result.issues:
        if issue.level == "error":
            error(issue_text(issue))
        else:
            warning(issue_text(issue))


def _field_word(key: str) -> str:
    """A follow-up column (``status``, ``due_date``) as the report's header names it, in lower case."""
    from walktool.report.labels import REC_COLUMNS

    label = next((msg for k, msg, _w in REC_COLUMNS if k == key), None)
    return translator(state.lang).text(label).lower() if label is not None else key


def _field_value(key: str, value: Any) -> str:
    """A follow-up value in words: a status by its label, a due date as the language writes it."""
    from walktool.report.labels import status_label

    if value is None or value == "":
        return "–"
    if key == "status":
        return status_label(str(value), state.lang)
    if key == "due_date":
        return day(value)
    return str(value)


def register(app: typer.Typer) -> None:
    """Add ``report`` and the ``followup`` group to the app."""
    app.command("report")(report)
    app.add_typer(followup_app, name="followup")
