"""``walktool compare``, ``walktool agreement`` and ``walktool export``: for researchers."""

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
    pct,
    pgettext,
    print_json,
    signed,
    state,
)
from walktool.cli._rules import RulesOpt, VersionOpt, rules_choice
from walktool.i18n import N_, NC_, Msg, translator


@handle_errors
def compare_(
    before: Annotated[str, typer.Option("--before", help=N_("The earlier campaign."), show_default=False)],
    after: Annotated[str, typer.Option("--after", help=N_("The later campaign."), show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help=N_("Also write an Excel workbook of the comparison."))] = None,
    map_out: Annotated[Path | None, typer.Option("--map", help=N_("Also write a map of the score changes (HTML)."))] = None,
    offline: Annotated[bool, typer.Option("--offline", help=N_("Embed Leaflet in the --map page and leave out the basemap: opens with no internet."))] = False,
    unit: Annotated[str, typer.Option("--unit", help=N_("Independent unit resampled: walk (a walk's visit of a station) or stop (walk × station × zone)."))] = "walk",
    adjust: Annotated[str, typer.Option("--adjust", help=N_("Correction across the stations tested: holm (family-wise), bh (false discovery rate) or none."))] = "holm",
    lang: LangOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Change between two campaigns: station scores before / after, and findings new, persistent, resolved.

    Each change comes with its interval at 95 %, a permutation test on whole walks (or
    stop visits), corrected across stations; "cannot tell" when there are too few walks.
    """
    from walktool.cli._rules import open_checked as open_project
    from walktool.compare import (
        ADJUST_METHODS,
        UNITS,
        compare,
        write_compare_map,
        write_compare_workbook,
    )

    lang = check_lang(lang) or state.lang  # --lang before the command, WALKTOOL_LANG, the project, LANG
    if unit not in UNITS:
        raise typer.BadParameter(_("{value}; use one of {choices}").format(value=repr(unit), choices=", ".join(UNITS)), param_hint="--unit")
    if adjust not in ADJUST_METHODS:
        raise typer.BadParameter(_("{value}; use one of {choices}").format(value=repr(adjust), choices=", ".join(ADJUST_METHODS)),
                                 param_hint="--adjust")
    with open_project(project, read_only=True) as proj:
        result = compare(proj, before, after, unit=unit, adjust=adjust)
        language = lang or proj.settings.language
        written = []
        if out is not None:
            written.append(write_compare_workbook(result, out, language, proj.protocol()))
        if map_out is not None:
            written.append(write_compare_map(proj, result, map_out, language, offline=offline))
    if as_json:
        print_json(result.to_dict())
        return
    _render_compare(result)
    for path in written:
        out_console().print(_("Written: {path}").format(path=path), markup=False)


_REASON_WORDS = {
    "too-few-walks": N_("too few walks on a side for any test to reach p ≤ 0.05"),
    "too-few-stops": N_("too few stop visits on a side for any test to reach p ≤ 0.05"),
    "not-walked-before": N_("not walked in the earlier campaign"),
    "not-walked-after": N_("not walked in the later campaign"),
    "not-scored-before": N_("no scored answer in the earlier campaign"),
    "not-scored-after": N_("no scored answer in the later campaign"),
}


def _fmt(value: float | None) -> str:
    return "–" if value is None else num(value, 0)


def _signed(value: float) -> str:
    return signed(value, 1)


def _p(value: float | None) -> str:
    return "–" if value is None else num(value, 3)


def _render_compare(result: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from walktool.compare.labels import adjust_name

    console = out_console()
    method = result.method
    unit = method["unit"]
    adjusted = f"p {adjust_name(method['adjust'], state.lang)}" if method["adjust"] != "none" else pgettext("column", "p adj.")
    table = Table(title=f"{result.before} → {result.after} (0–100)", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    columns = ((pgettext("column", "station"), "left"), (pgettext("column", "before"), "right"), (pgettext("column", "after"), "right"),
               ("Δ", "right"), (pgettext("column", "95 % CI"), "right"), ("p", "right"), (adjusted, "right"),
               (_("walks") if unit == "walk" else _("stops"), "right"), (pgettext("column", "change?"), "left"))
    for i, (col, justify) in enumerate(columns):
        last = i == len(columns) - 1
        table.add_column(col, justify=justify, no_wrap=not last and i != 0, overflow="fold", min_width=6 if last else None)  # type: ignore[arg-type]
    reasons: dict[str, list[str]] = {}
    for s in result.stations:
        delta = s["delta"]
        shown = "–" if delta is None else f"[{'green' if delta > 0 else 'red' if delta < 0 else 'white'}]{_signed(delta)}[/]"
        if s["significant"] is None:
            verdict = f"[yellow]{escape(_('cannot tell'))}[/]"
            reasons.setdefault(s["reason"], []).append(str(s["name"]))
        else:
            verdict = f"[bold]{escape(_('yes'))}[/]" if s["significant"] else escape(_("no"))
        ci = "–" if s["ci"] is None else f"{_signed(s['ci'][0])}…{_signed(s['ci'][1])}"
        table.add_row(escape(str(s["name"])), _fmt(s["before"]), _fmt(s["after"]), shown, ci,
                      _p(s["p"]), _p(s["p_adjusted"]), f"{s['n_before']}/{s['n_after']}", verdict)
    console.print(table)
    counts = {k: len(v) for k, v in result.findings.items()}
    console.print(_("Findings: {new} new, {persistent} persistent, {resolved} resolved, {unverified} not revisited.").format(
        new=counts["new"], persistent=counts["persistent"], resolved=counts["resolved"], unverified=counts["unverified"]), markup=False)
    units = _("walks") if unit == "walk" else _("stop visits")
    console.print(_(
        "Test: permutation of whole {units} between the campaigns (two-sided), 95 % CI by cluster bootstrap;"
        " {adjust} across the {n} stations that can be tested; change = adjusted p ≤ {alpha}. \"cannot tell\": not walked"
        " or scored on both sides, or too few {units} for any test to reach p ≤ {alpha} (e.g. 3 a side)."
    ).format(units=units, adjust=adjust_name(method["adjust"], state.lang), n=method["stations_tested"], alpha=method["alpha"]),
        markup=False)
    for code, names in reasons.items():
        reason = _(_REASON_WORDS[code]) if code in _REASON_WORDS else code
        console.print(_("cannot tell, {reason}: {stations}").format(reason=reason, stations=", ".join(names)), markup=False)
    left = result.items.get("left_out", [])
    if left:
        console.print(_("Items left out (not in both checklists, scored under other rules, or not answered in both): {items}").format(
            items=", ".join(f"{x['item']} ({x['reason']})" for x in left)), markup=False)
    if result.protocol:
        console.print(_(
            "Scores under {before} (rules {before_hash}) before, {after} (rules {after_hash}) after;"
            " only items scored under the same rules are compared."
        ).format(before=result.protocol["before"], before_hash=result.rules_hash["before"], after=result.protocol["after"],
                 after_hash=result.rules_hash["after"]), markup=False)
    for w in result.warnings:
        console.print(f"[yellow]{escape(w['message'])}[/]")


@handle_errors
def agreement_(
    campaign: Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))] = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Inter-rater agreement between participants of the same walk (α, κ, ICC with intervals at 95 %).

    Per item Krippendorff's α at the item's level (nominal, ordinal 0–3, interval) and
    Fleiss' κ for nominal items; per principle ICC(2,1); overall the median item α.
    """
    from walktool.agreement import agreement
    from walktool.cli._rules import open_checked as open_project

    with open_project(project, read_only=True) as proj:
        result = agreement(proj, campaign)
    if as_json:
        print_json(result.to_dict())
        return
    _render_agreement(result)


READING = {"all-answers-alike": N_("all answers alike"), "too-few-subjects": N_("too few subjects")}
LEVELS: dict[str, Msg] = {
    "poor": NC_("reading", "poor"),
    "slight": NC_("reading", "slight"),
    "fair": NC_("reading", "fair"),
    "moderate": NC_("reading", "moderate"),
    "substantial": NC_("reading", "substantial"),
    "almost perfect": NC_("reading", "almost perfect"),
}
"""Landis & Koch's readings of an agreement value, in words."""
PRINCIPLE_NOTES: dict[str, str] = {
    "not-rated": N_("not rated by two participants"),
    "no-complete-walk": N_("no complete walk (every rater at every stop)"),
    "no-variation": N_("no variation between stops"),
    "too-few-walks": N_("too few walks for an interval"),
}
"""Why a principle has no ICC, in words (the codes stay in --json)."""


def _words(table: dict[str, Any], code: Any) -> str:
    """``code`` in words from ``table`` (a code without words: as it is)."""
    if not code:
        return ""
    msg = table.get(str(code))
    return translator(state.lang).text(msg) if msg is not None else str(code)


def _interval(value: float | None, ci: list[float] | None, *, two_lines: bool = False) -> str:
    if value is None:
        return "–"
    if ci is None:
        return num(value, 2)
    shown, lo, hi = num(value, 2), num(ci[0], 2), num(ci[1], 2)
    return f"{shown}\n{lo}–{hi}" if two_lines else f"{shown} ({lo}–{hi})"


def _render_agreement(result: Any) -> None:
    from rich import box
    from rich.table import Table

    console = out_console()
    if not result.overall["subjects"]:
        console.print(_("No item was rated by two participants at the same stop of the same walk: nothing to compare."), markup=False)
        return
    table = Table(title=_("Agreement, campaign {campaign}").format(campaign=result.campaign), box=box.SIMPLE_HEAD,
                  collapse_padding=True, pad_edge=False)
    for col in ("item", "scale", "raters\nsubj.", "agree", "α\n(95 % CI)", "κ\n(95 % CI)", "reading"):
        table.add_column(heading(col), justify="left" if col in ("item", "scale", "reading") else "right", no_wrap=col in ("item", "scale"),
                         min_width=9 if "CI" in col else 11 if col == "reading" else None, overflow="fold")
    for r in result.items:
        reading = _words(LEVELS, r["level"]) if r["level"] else (_(READING[r["reason"]]) if r["reason"] in READING else "–")
        table.add_row(r["item"], r["scale"][:3], f"{r['raters']}/{r['subjects']}", pct(r["agreement"]),
                      _interval(r["value"], r["ci"], two_lines=True), _interval(r["kappa"], r["kappa_ci"], two_lines=True), reading)
    console.print(table)
    principles = Table(title=_("Principle scores: ICC(2,1), two-way random, absolute agreement"), box=box.SIMPLE_HEAD)
    for col in ("principle", "raters", "stops", "walks", "ICC (95 % CI)", "note"):
        principles.add_column(heading(col), justify="left" if col in ("principle", "note") else "right")
    for p in result.principles:
        principles.add_row(p["principle"], str(p["raters"]), str(p["subjects"]), str(p["walks"]), _interval(p["icc"], p["ci"]), _words(PRINCIPLE_NOTES, p["reason"]))
    console.print(principles)
    o = result.overall
    if o["alpha_median"] is not None:
        lo, hi = o["alpha_range"]
        console.print(_("Overall: {items} items, {subjects} subjects, {raters} raters; median item α = {median} (range {lo}–{hi});"
                        " pairs agreeing {agreement}.").format(
            items=o["items_with_alpha"], subjects=o["subjects"], raters=o["raters"], median=num(o["alpha_median"], 2),
            lo=num(lo, 2), hi=num(hi, 2), agreement=pct(o["agreement"])), markup=False)
    console.print(_("α at each item's level (nominal yes/no, ordinal 0–3, interval counts and distances), intervals at 95 % by"
                    " bootstrap over subjects; readings (Landis & Koch) are conventions, shown only with an interval."), markup=False)


@handle_errors
def export_(
    fmt: Annotated[str, typer.Option("--format", help=N_("csv, geojson, gpkg or parquet."), show_default=False)],
    out: Annotated[Path, typer.Option("--out", help=N_("File to write."), show_default=False)],
    campaign: Annotated[str | None, typer.Option("--campaign", help=N_("One campaign (default: all)."))] = None,
    no_participants: Annotated[bool, typer.Option("--no-participants", help=N_("Drop even the participants' pseudonyms."))] = False,
    rules: RulesOpt = None,
    protocol_version: VersionOpt = None,
    audience: Annotated[
        str,
        typer.Option("--audience", help=N_("staff (exact positions, comments) or public (positions rounded to ~100 m, comments only when publishable, no pseudonyms, faces blurred).")),
    ] = "staff",
    target: Annotated[
        str | None,
        typer.Option("--for", help=N_("excel: CSV that Excel opens right (UTF-8 with BOM; in French ; and decimal commas)."), show_default=False),
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help=N_("CSV: leave cells starting with = + - @ as they are (no ' before them)."))] = False,
    lang: LangOpt = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Tidy data for QGIS, R and pandas: every observation, with station scores and recommendations.

    Every row carries protocol (ID@VERSION) and rules_hash: the rules its score comes from.
    """
    from walktool.cli._rules import open_checked as open_project
    from walktool.export import EXPORT_FORMATS, EXPORT_TARGETS, export

    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(
            _("{value}; use one of {choices}").format(value=repr(fmt), choices=", ".join(EXPORT_FORMATS)), param_hint="--format"
        )
    if audience not in ("staff", "public"):
        raise typer.BadParameter(_("{value}: use staff or public").format(value=repr(audience)), param_hint="--audience")
    if target is not None and (target not in EXPORT_TARGETS or fmt != "csv"):
        raise typer.BadParameter(_("{value}: use excel, with --format csv").format(value=repr(target)), param_hint="--for")
    chosen = rules_choice(rules, protocol_version)
    with open_project(project, read_only=True) as proj:
        written = export(proj, fmt, out, campaign=campaign, include_participants=not no_participants, rules=chosen,
                         audience=audience, target=target, raw=raw, lang=check_lang(lang) or state.lang)
    for path in written:
        out_console().print(_("Written: {path}").format(path=path), markup=False)


def register(app: typer.Typer) -> None:
    """Add the research commands to the app."""
    app.command("compare")(compare_)
    app.command("agreement")(agreement_)
    app.command("export")(export_)
