"""``walktool compare``, ``walktool agreement`` and ``walktool export``: for researchers."""

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


@handle_errors
def compare_(
    before: Annotated[str, typer.Option("--before", help="The earlier campaign.", show_default=False)],
    after: Annotated[str, typer.Option("--after", help="The later campaign.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Also write an Excel workbook of the comparison.")] = None,
    map_out: Annotated[Path | None, typer.Option("--map", help="Also write a map of the score changes (HTML).")] = None,
    lang: LangOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Change between two campaigns: station scores before / after, and findings new, persistent, resolved."""
    from walktool.compare import compare, write_compare_map, write_compare_workbook
    from walktool.project import open_project

    lang = check_lang(lang)
    with open_project(project) as proj:
        result = compare(proj, before, after)
        language = lang or proj.settings.language
        written = []
        if out is not None:
            written.append(write_compare_workbook(result, out, language, proj.protocol()))
        if map_out is not None:
            written.append(write_compare_map(proj, result, map_out, language))
    if as_json:
        print_json(result.to_dict())
        return
    _render_compare(result)
    for path in written:
        out_console().print(f"Written: {path}")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _render_compare(result: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    console = out_console()
    table = Table(title=f"{result.before} → {result.after} (0–100)", box=box.SIMPLE_HEAD)
    for col, justify in (("station", "left"), ("before", "right"), ("after", "right"), ("Δ", "right"), ("p", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for s in result.stations:
        delta = s["delta"]
        shown = "–" if delta is None else f"[{'green' if delta > 0 else 'red' if delta < 0 else 'white'}]{delta:+.1f}{' *' if s['significant'] else ''}[/]"
        table.add_row(escape(str(s["name"])), _fmt(s["before"]), _fmt(s["after"]), shown, "–" if s["p_value"] is None else f"{s['p_value']:.3f}")
    console.print(table)
    counts = {k: len(v) for k, v in result.findings.items()}
    console.print(
        f"Findings: {counts['new']} new, {counts['persistent']} persistent, {counts['resolved']} resolved,"
        f" {counts['unverified']} not revisited. * = significant (permutation test, p < 0.05)."
    )


@handle_errors
def agreement_(
    campaign: Annotated[str | None, typer.Option("--campaign", help="Campaign name (default: the only or the latest one).")] = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Inter-rater agreement between participants of the same walk (percent agreement, Fleiss' κ)."""
    from walktool.agreement import agreement
    from walktool.project import open_project

    with open_project(project) as proj:
        result = agreement(proj, campaign)
    if as_json:
        print_json(result.to_dict())
        return
    from rich import box
    from rich.table import Table

    console = out_console()
    if not result.overall["subjects"]:
        console.print("No item was rated by two participants at the same stop of the same walk: nothing to compare.")
        return
    table = Table(title=f"Agreement, campaign {result.campaign}", box=box.SIMPLE_HEAD)
    for col in ("item", "subjects", "agreement", "κ", "reading"):
        table.add_column(col, justify="left" if col in ("item", "reading") else "right")
    for r in result.items:
        table.add_row(r["item"], str(r["subjects"]), f"{r['agreement']:.0%}", "–" if r["kappa"] is None else f"{r['kappa']:.2f}", r["level"] or "all answers alike")
    console.print(table)
    o = result.overall
    console.print(f"Overall: {o['subjects']} subjects, agreement {o['agreement']:.0%}, κ = {o['kappa'] if o['kappa'] is not None else '–'} ({o['level'] or 'n/a'})")


@handle_errors
def export_(
    fmt: Annotated[str, typer.Option("--format", help="csv, geojson, gpkg or parquet.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="File to write.", show_default=False)],
    campaign: Annotated[str | None, typer.Option("--campaign", help="One campaign (default: all).")] = None,
    no_participants: Annotated[bool, typer.Option("--no-participants", help="Drop even the participants' pseudonyms.")] = False,
    project: ProjectOpt = Path("."),
) -> None:
    """Tidy data for QGIS, R and pandas: every observation, with station scores and recommendations."""
    from walktool.export import EXPORT_FORMATS, export
    from walktool.project import open_project

    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"{fmt!r}; use one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    with open_project(project) as proj:
        written = export(proj, fmt, out, campaign=campaign, include_participants=not no_participants)
    for path in written:
        out_console().print(f"Written: {path}")


def register(app: typer.Typer) -> None:
    """Add the research commands to the app."""
    app.command("compare")(compare_)
    app.command("agreement")(agreement_)
    app.command("export")(export_)
