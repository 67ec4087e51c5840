"""``walktool summary`` and ``walktool recommend``."""

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
    day,
    handle_errors,
    ngettext,
    num,
    out_console,
    pct,
    pgettext,
    print_json,
    state,
)
from walktool.cli._rules import RulesOpt, VersionOpt, rules_choice, say_rules
from walktool.i18n import N_, NC_, Msg, translator

SHORT = {"signage": NC_("abbreviation", "sign"), "visibility": NC_("abbreviation", "vis"),
         "liveliness": NC_("abbreviation", "live"), "help": NC_("abbreviation", "help"),
         "maintenance": NC_("abbreviation", "maint"), "community": NC_("abbreviation", "comm")}
"""Column headings of the principles (context ``abbreviation``)."""
PROFILE_WORDS: dict[str, Msg] = {
    "gender": NC_("profile", "gender"),
    "age_group": NC_("profile", "age group"),
    "reduced_mobility": NC_("profile", "reduced mobility"),
    "familiarity": NC_("profile", "familiarity"),
    "woman": NC_("profile", "woman"),
    "man": NC_("profile", "man"),
    "non_binary": NC_("profile", "non-binary"),
    "yes": NC_("profile", "yes"),
    "no": NC_("profile", "no"),
    "daily": NC_("profile", "daily"),
    "weekly": NC_("profile", "weekly"),
    "monthly": NC_("profile", "monthly"),
    "rarely": NC_("profile", "rarely"),
}
"""Profile attributes (the participant columns) and the codes of their usual values, in words; other values as written."""


def profile_word(code: Any) -> str:
    """A profile attribute or value code (``gender``, ``woman``) in the command line's language."""
    msg = PROFILE_WORDS.get(str(code))
    return translator(state.lang).text(msg) if msg is not None else str(code)


CampaignOpt = Annotated[str | None, typer.Option("--campaign", help=N_("Campaign name (default: the only or the latest one)."))]


@handle_errors
def summary(
    campaign: CampaignOpt = None,
    by: Annotated[str, typer.Option("--by", help=N_("Breakdown: station, principle, zone or period."))] = "station",
    csv: Annotated[Path | None, typer.Option("--csv", help=N_("Write the table as CSV to this file."))] = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    protocol_version: VersionOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Scores (0 = every answer a problem, 100 = none) and findings, worst station first.

    Scores are computed under the rules each campaign was imported with; --rules current
    (or --protocol ID@VERSION) re-scores the stored answers under other rules.
    """
    from walktool.analysis import BY_CHOICES, summarize
    from walktool.cli._rules import open_checked as open_project

    if by not in BY_CHOICES:
        raise typer.BadParameter(_("{value}; use one of {choices}").format(value=repr(by), choices=", ".join(BY_CHOICES)), param_hint="--by")
    lang = check_lang(lang)
    chosen = rules_choice(rules, protocol_version)
    from walktool.incidents import recorded_by_station, with_recorded

    with open_project(project, read_only=True) as proj:
        result = summarize(proj, campaign, by, rules=chosen)
        language = lang or state.lang
        protocol = proj.protocol()
        recorded = recorded_by_station(proj)
    if csv is not None:
        _write_csv(result, csv, recorded)
    if as_json:
        doc = result.to_dict()
        with_recorded(doc["stations"], recorded)
        print_json(doc)
        return
    _render_summary(result, protocol, language, recorded)
    if result.rules is not None:
        out_console().print(say_rules(result.rules), style="dim", markup=False, soft_wrap=True)
    if csv is not None:
        out_console().print(_("Table written to {path}").format(path=csv), markup=False)


def _write_csv(result: Any, path: Path, recorded: dict[str, dict[str, int]]) -> None:
    frame = result.groups if result.groups is not None else result.stations
    if result.rules is not None:  # the rules every figure of the table comes from
        frame = frame.assign(protocol=result.rules.protocol, rules_hash=result.rules.rules_hash)
    if result.groups is None:
        counts = [result.station_findings.get(sid, {}) for sid in frame["station_id"]]
        frame = frame.assign(**{f"findings_{s}": [c.get(s, 0) for c in counts] for s in ("low", "medium", "high", "critical")})
        if recorded:
            frame = frame.assign(recorded_incidents=[recorded.get(str(sid), {}).get("incidents", 0) for sid in frame["station_id"]])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format="%.2f")


def _cell(score: Any) -> str:
    if score is None or score != score:
        return "[dim]–[/dim]"
    value = float(score)
    colour = "red" if value < 50 else "yellow" if value < 75 else "green"
    return f"[{colour}]{num(value)}[/{colour}]"


def _short(key: str) -> str:
    """The column heading of a principle (``vis`` / ``vis.``)."""
    return translator(state.lang).text(SHORT[key]) if key in SHORT else key[:5]


def _render_summary(result: Any, protocol: Any, lang: str, recorded: dict[str, dict[str, int]] | None = None) -> None:
    from rich import box
    from rich.table import Table

    console = out_console()
    net = result.network
    console.print(
        _("Campaign {campaign} · {stations} · {observations} · {participants} · {walks}").format(
            campaign=result.campaign or _("(all)"),
            stations=ngettext("{n} station", "{n} stations", net["stations"]).format(n=num(net["stations"])),
            observations=ngettext("{n} observation", "{n} observations", net["observations"]).format(n=num(net["observations"])),
            participants=ngettext("{n} participant", "{n} participants", net["participants"]).format(n=num(net["participants"])),
            walks=ngettext("{n} walk", "{n} walks", net["walks"]).format(n=num(net["walks"])),
        ),
        markup=False,
    )
    if not net["stations"]:
        console.print(_("No observations yet: import sheets with `walktool import`."))
        return
    principles = result.principles
    if result.by == "principle":
        table = Table(title=_("Scores by principle (network)"))
        heads = (("principle", pgettext("column", "principle")), ("score", pgettext("column", "score")),
                 ("answers", pgettext("column", "answers")), ("stations", pgettext("column", "stations")),
                 ("findings", pgettext("column", "findings")), ("critical", pgettext("column", "critical")),
                 ("high", pgettext("column", "high")))
        for key, head in heads:
            table.add_column(head, justify="left" if key == "principle" else "right")
        for r in result.group_records():
            label = protocol.principle(r["principle"]).label.get(lang)
            table.add_row(label, _cell(r["score"]), num(r["answers"]), num(r["stations"]), num(r["findings"]), num(r["critical"]), num(r["high"]))
        console.print(table)
        return
    rows = result.station_records() if result.by == "station" else result.group_records()
    extra = {"zone": pgettext("column", "zone"), "period": pgettext("column", "period")}.get(result.by)
    titles = {"station": _("Scores by station, worst first (0–100)"), "zone": _("Scores by zone, worst first (0–100)"),
              "period": _("Scores by period, worst first (0–100)")}
    table = Table(title=titles.get(result.by), box=box.SIMPLE_HEAD, padding=(0, 0), show_edge=False)
    # at 80 columns the name folds onto a second line rather than being cut; the ⚠ has its own column
    table.add_column(pgettext("column", "station"), overflow="fold", min_width=10, ratio=1)
    table.add_column("", no_wrap=True, width=1)
    if extra:
        table.add_column(extra, overflow="fold", min_width=min(len(extra), 8))
    headers = [pgettext("column", "score"), *[_short(k) for k in principles], pgettext("column", "obs"), pgettext("column", "part")]
    if not extra:
        headers += [pgettext("column", "find"), pgettext("column", "crit"), pgettext("column", "unsafe")]
        if recorded:
            headers.append(pgettext("column", "rec"))
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))
    for r in rows:
        values = r["principles"] if "principles" in r else {k: r.get(k) for k in principles}
        cells = [str(r["name"]), "⚠" if r["low_confidence"] else ""]
        if extra:
            cells.append(str(r.get(result.by) or "–"))
        cells.append(_cell(r["score"]))
        cells += [_cell(values.get(k)) for k in principles]
        cells += [num(r["observations"]), num(r["participants"])]
        if not extra:
            f = r["findings"]
            cells += [num(sum(f.values())), num(f["critical"])]
            feel = r["feeling"]
            unsafe = (feel["uncomfortable"] or 0) + (feel["frightening"] or 0) if feel["answers"] else None
            cells.append("–" if unsafe is None else pct(unsafe))
            if recorded:
                cells.append(num(recorded.get(str(r["station_id"]), {}).get("incidents", 0)))
        table.add_row(*cells)
    console.print(table)
    if any(r["low_confidence"] for r in rows):
        n = protocol.low_confidence_participants
        console.print(ngettext("⚠ low confidence: seen by fewer than {n} participant.",
                               "⚠ low confidence: seen by fewer than {n} participants.", n).format(n=n), markup=False)
    legend = ", ".join(f"{_short(k)} = {protocol.principle(k).label.get(lang)}" for k in principles)
    if extra:
        console.print(legend, style="dim", markup=False)
    else:
        notes = [legend, _("find = findings (crit = critical)"), _("unsafe = share feeling uncomfortable or frightened")]
        if recorded:
            notes.append(_("rec = recorded incidents within the station radius (walktool incidents compare)"))
        console.print(pgettext("separator", "; ").join(notes), style="dim", markup=False)
    drivers = [d for d in result.drivers if d["rho"] is not None]
    if drivers:
        top = ", ".join(f"{protocol.principle(d['principle']).label.get(lang)} (ρ = {num(d['rho'], 2) if d['rho'] < 0 else '+' + num(d['rho'], 2)})"
                        for d in drivers[:3])
        console.print(ngettext("Principles moving most with feeling, across {n} stop: {top}",
                               "Principles moving most with feeling, across {n} stops: {top}", drivers[0]["stops"]).format(
            n=num(drivers[0]["stops"]), top=top), markup=False)
    shown = [p for p in result.profiles if not p["suppressed"]]
    if result.profiles:
        hidden = len(result.profiles) - len(shown)
        console.print(ngettext(
            "Profiles: {shown} group shown in --json, {hidden} suppressed (fewer than {min} participants).",
            "Profiles: {shown} groups shown in --json, {hidden} suppressed (fewer than {min} participants).", len(shown),
        ).format(shown=len(shown), hidden=hidden, min=protocol.min_group_size), markup=False)
        for p in shown[:6]:
            feel = p["feeling"]
            unsafe = (feel["uncomfortable"] or 0) + (feel["frightening"] or 0)
            score = "–" if p["score"] is None else num(p["score"])
            line = (_("  {attribute} = {value} at {period}: {participants}, score {score}, feeling unsafe {unsafe}") if p["period"]
                    else _("  {attribute} = {value}: {participants}, score {score}, feeling unsafe {unsafe}"))
            console.print(line.format(
                attribute=profile_word(p["attribute"]), value=profile_word(p["value"]), period={"day": _("day"), "night": _("night")}.get(p["period"], p["period"]),
                score=score, unsafe=pct(unsafe),
                participants=ngettext("{n} participant", "{n} participants", p["participants"]).format(n=p["participants"]),
            ), markup=False)


@handle_errors
def recommend_(
    campaign: CampaignOpt = None,
    station: Annotated[str | None, typer.Option("--station", help=N_("One station (name or id)."))] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help=N_("Show the N most urgent."))] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=N_("Only those past their timeframe and not done ([followup] in walktool.toml; WALKTOOL_TODAY fixes the date)."))
    ] = False,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    protocol_version: VersionOpt = None,
    project: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Ranked recommendations: critical findings first, then by priority (severity, share who flagged it, participants, walks, night).

    Minority reports (flagged by fewer than a third of those who answered, neither high
    nor critical) are listed after the ranked ones; to_verify marks a problem seen by one
    participant on one walk.
    """
    from walktool.cli._rules import open_checked as open_project
    from walktool.overdue import annotate
    from walktool.recommend import recommend

    lang = check_lang(lang)
    chosen = rules_choice(rules, protocol_version)
    with open_project(project, read_only=True) as proj:
        recs = recommend(proj, campaign, station=station, top=None if overdue else top, rules=chosen)
        language = lang or state.lang
        protocol = proj.protocol()
        records = annotate(recs.records(language, protocol), proj, recs.campaign)
    if overdue:
        records = [r for r in records if r["overdue"]][:top]
    if as_json:
        print_json({"campaign": recs.campaign, **(recs.rules.to_dict() if recs.rules else {}), "recommendations": records})
        return
    if overdue and not records:
        from walktool.overdue import today

        out_console().print(_("No overdue recommendation in campaign {campaign} on {day}.").format(
            campaign=repr(recs.campaign), day=day(today())), markup=False)
        return
    _render_recommendations(recs.campaign, records, protocol, language)
    if recs.rules is not None:
        out_console().print(say_rules(recs.rules), style="dim", markup=False, soft_wrap=True)


def _render_recommendations(campaign: str | None, records: list[dict[str, Any]], protocol: Any, lang: str) -> None:
    from rich.markup import escape

    console = out_console()
    if not records:
        console.print(_("No findings, so no recommendations, in campaign {campaign}.").format(campaign=repr(campaign)), markup=False)
        return
    colours = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
    by_station: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_station.setdefault(str(r["station"]), []).append(r)
    console.print(_("Recommendations, campaign {campaign}: most urgent first").format(campaign=campaign or _("(all)")), markup=False)
    ranked = [r for r in records if not r["minority"]]
    minority = [r for r in records if r["minority"]]
    for station, recs in by_station.items():
        recs = [r for r in recs if not r["minority"]]
        if not recs:
            continue
        console.print(f"\n[bold]{escape(station)}[/bold]")
        for r in recs:
            _render_one(console, r, protocol, lang, colours)
    if minority:
        console.print("\n[bold]" + escape(_("Minority reports")) + "[/bold] " + escape(_("(flagged by few of those who answered; not ranked)")))
        for r in minority:
            _render_one(console, r, protocol, lang, colours, station=True)
    overdue = sum(1 for r in records if r.get("overdue"))
    console.print("\n" + pgettext("separator", "; ").join((
        ngettext("{n} ranked recommendation", "{n} ranked recommendations", len(ranked)).format(n=num(len(ranked)))
        + ", " + ngettext("{n} minority report", "{n} minority reports", len(minority)).format(n=num(len(minority))),
        _("⚡ = critical, on the immediate fast track"),
        _("to verify = seen by one participant on one walk"),
        ngettext("{n} overdue.", "{n} overdue.", overdue).format(n=num(overdue)),
    )), markup=False)


def _render_one(console: Any, r: dict[str, Any], protocol: Any, lang: str, colours: dict[str, str], *, station: bool = False) -> None:
    from rich.markup import escape

    from walktool.report import status_label
    from walktool.report.labels import timeframe_label, type_label

    sev = r["severity"]
    flag = "⚡ " if r["fast_track"] else ""
    what = escape(str(r["finding"] or r["item"] or r["principle"] or ""))
    zone = protocol.zones.label(r["zone"], lang) if r["zone"] else "–"
    where = f"{escape(str(r['station']))} · " if station else ""
    rank = f"{r['rank']:>3}." if r["rank"] is not None else "   ·"
    evidence = [
        _("priority {priority}").format(priority=num(r["priority"], 2)),
        _("flagged by {flagged} of {answered} ({share})").format(flagged=r["flagged"], answered=r["answered"], share=pct(r["share"]))
        + ", " + ngettext("{n} walk", "{n} walks", r["walks"]).format(n=r["walks"])
        + (", " + _("night") if r["evidence"]["night"] else ""),
        status_label(r["status"], lang),
    ]
    verify = escape(pgettext("separator", "; ")) + "[bold]" + escape(_("to verify")) + "[/bold]" if r["to_verify"] else ""
    console.print(
        f" {rank} {flag}[{colours.get(sev, 'white')}]{escape(protocol.severities.label(sev, lang))}[/] · {where}{escape(zone)} · {what}"
        f"  [dim]({escape(pgettext('separator', '; ').join(evidence))}{verify})[/dim]"
    )
    console.print(f"      → {escape(r['action'])}")
    details = " · ".join(str(v) for v in (r["responsible"] or "", timeframe_label(r["timeframe"], lang), type_label(r["type"], lang)))
    console.print(f"      [dim]{escape(details)}[/dim]")
    if r.get("overdue"):
        console.print("      [bold red]" + escape(_("overdue")) + "[/bold red] " + escape(
            ngettext("since {due} ({n} day)", "since {due} ({n} days)", r["days_overdue"]).format(due=day(r["due"]), n=r["days_overdue"])))


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the app."""
    app.command("summary")(summary)
    app.command("recommend")(recommend_)
