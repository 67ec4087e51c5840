"""``walktool summary`` and ``walktool recommend``."""

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
from walktool.cli._rules import RulesOpt, VersionOpt, rules_choice, say_rules

SHORT = {"signage": "sign", "visibility": "vis", "liveliness": "live", "help": "help", "maintenance": "maint", "community": "comm"}
CampaignOpt = Annotated[str | None, typer.Option("--campaign", help="Campaign name (default: the only or the latest one).")]


@handle_errors
def summary(
    campaign: CampaignOpt = None,
    by: Annotated[str, typer.Option("--by", help="Breakdown: station, principle, zone or period.")] = "station",
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the table as CSV to this file.")] = None,
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
        raise typer.BadParameter(f"{by!r}; use one of {', '.join(BY_CHOICES)}", param_hint="--by")
    lang = check_lang(lang)
    chosen = rules_choice(rules, protocol_version)
    from walktool.incidents import recorded_by_station, with_recorded

    with open_project(project, read_only=True) as proj:
        result = summarize(proj, campaign, by, rules=chosen)
        language = lang or proj.settings.language
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
        out_console().print(f"Table written to {csv}")


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
    return f"[{colour}]{value:.0f}[/{colour}]"


def _render_summary(result: Any, protocol: Any, lang: str, recorded: dict[str, dict[str, int]] | None = None) -> None:
    from rich import box
    from rich.table import Table

    console = out_console()
    net = result.network
    title = f"Campaign {result.campaign or '(all)'} · {net['stations']} stations · {net['observations']} observations · {net['participants']} participants · {net['walks']} walks"
    console.print(title)
    if not net["stations"]:
        console.print("No observations yet: import sheets with `walktool import`.")
        return
    principles = result.principles
    if result.by == "principle":
        table = Table(title="Scores by principle (network)")
        for col in ("principle", "score", "answers", "stations", "findings", "critical", "high"):
            table.add_column(col, justify="left" if col == "principle" else "right")
        for r in result.group_records():
            label = protocol.principle(r["principle"]).label.get(lang)
            table.add_row(label, _cell(r["score"]), str(r["answers"]), str(r["stations"]), str(r["findings"]), str(r["critical"]), str(r["high"]))
        console.print(table)
        return
    rows = result.station_records() if result.by == "station" else result.group_records()
    extra = {"zone": "zone", "period": "period"}.get(result.by)
    table = Table(title=f"Scores by {result.by}, worst first (0–100)", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    table.add_column("station", no_wrap=True, overflow="ellipsis", max_width=18)
    if extra:
        table.add_column(extra, no_wrap=True, min_width=len(extra))
    headers = ["score", *[SHORT.get(k, k[:5]) for k in principles], "obs", "part"]
    if not extra:
        headers += ["find", "crit", "unsafe"]
        if recorded:
            headers.append("rec")
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))
    for r in rows:
        name = str(r["name"]) + (" ⚠" if r["low_confidence"] else "")
        values = r["principles"] if "principles" in r else {k: r.get(k) for k in principles}
        cells = [name]
        if extra:
            cells.append(str(r.get(extra) or "–"))
        cells.append(_cell(r["score"]))
        cells += [_cell(values.get(k)) for k in principles]
        cells += [str(r["observations"]), str(r["participants"])]
        if not extra:
            f = r["findings"]
            cells += [str(sum(f.values())), str(f["critical"])]
            feel = r["feeling"]
            unsafe = (feel["uncomfortable"] or 0) + (feel["frightening"] or 0) if feel["answers"] else None
            cells.append("–" if unsafe is None else f"{unsafe:.0%}")
            if recorded:
                cells.append(str(recorded.get(str(r["station_id"]), {}).get("incidents", 0)))
        table.add_row(*cells)
    console.print(table)
    if any(r["low_confidence"] for r in rows):
        console.print(f"⚠ low confidence: seen by fewer than {protocol.low_confidence_participants} participants.")
    legend = ", ".join(f"{SHORT.get(k, k)} = {protocol.principle(k).label.get(lang)}" for k in principles)
    if extra:
        console.print(f"[dim]{legend}[/dim]")
    else:
        rec_note = "; rec = recorded incidents within the station radius (walktool incidents compare)" if recorded else ""
        console.print(f"[dim]{legend}; find = findings (crit = critical); unsafe = share feeling uncomfortable or frightened{rec_note}[/dim]")
    drivers = [d for d in result.drivers if d["rho"] is not None]
    if drivers:
        top = ", ".join(f"{d['principle']} (ρ = {d['rho']:+.2f})" for d in drivers[:3])
        console.print(f"Principles moving most with feeling, across {drivers[0]['stops']} stops: {top}")
    shown = [p for p in result.profiles if not p["suppressed"]]
    if result.profiles:
        hidden = len(result.profiles) - len(shown)
        console.print(f"Profiles: {len(shown)} group(s) shown in --json, {hidden} suppressed (fewer than {protocol.min_group_size} participants).")
        for p in shown[:6]:
            feel = p["feeling"]
            unsafe = (feel["uncomfortable"] or 0) + (feel["frightening"] or 0)
            when = f" at {p['period']}" if p["period"] else ""
            score = "–" if p["score"] is None else f"{p['score']:.0f}"
            console.print(f"  {p['attribute']} = {p['value']}{when}: {p['participants']} participants, score {score}, feeling unsafe {unsafe:.0%}")


@handle_errors
def recommend_(
    campaign: CampaignOpt = None,
    station: Annotated[str | None, typer.Option("--station", help="One station (name or id).")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show the N most urgent.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those past their timeframe and not done ([followup] in walktool.toml; WALKTOOL_TODAY fixes the date).")
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
        language = lang or proj.settings.language
        protocol = proj.protocol()
        records = annotate(recs.records(language, protocol), proj, recs.campaign)
    if overdue:
        records = [r for r in records if r["overdue"]][:top]
    if as_json:
        print_json({"campaign": recs.campaign, **(recs.rules.to_dict() if recs.rules else {}), "recommendations": records})
        return
    if overdue and not records:
        from walktool.overdue import today

        out_console().print(f"No overdue recommendation in campaign {recs.campaign!r} on {today().isoformat()}.")
        return
    _render_recommendations(recs.campaign, records, protocol, language)
    if recs.rules is not None:
        out_console().print(say_rules(recs.rules), style="dim", markup=False, soft_wrap=True)


def _render_recommendations(campaign: str | None, records: list[dict[str, Any]], protocol: Any, lang: str) -> None:
    from rich.markup import escape

    console = out_console()
    if not records:
        console.print(f"No findings, so no recommendations, in campaign {campaign!r}.")
        return
    colours = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
    by_station: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_station.setdefault(str(r["station"]), []).append(r)
    console.print(f"Recommendations, campaign {campaign or '(all)'}: most urgent first")
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
        console.print("\n[bold]Minority reports[/bold] (flagged by few of those who answered; not ranked)")
        for r in minority:
            _render_one(console, r, protocol, lang, colours, station=True)
    console.print(
        f"\n{len(ranked)} ranked recommendation(s), {len(minority)} minority report(s); ⚡ = critical, on the immediate"
        " fast track; to verify = seen by one participant on one walk;"
        f" {sum(1 for r in records if r.get('overdue'))} overdue."
    )


def _render_one(console: Any, r: dict[str, Any], protocol: Any, lang: str, colours: dict[str, str], *, station: bool = False) -> None:
    from rich.markup import escape

    from walktool.report import status_label

    sev = r["severity"]
    flag = "⚡ " if r["fast_track"] else ""
    what = escape(str(r["finding"] or r["item"] or r["principle"] or ""))
    zone = protocol.zones.label(r["zone"], lang) if r["zone"] else "–"
    where = f"{escape(str(r['station']))} · " if station else ""
    rank = f"{r['rank']:>3}." if r["rank"] is not None else "   ·"
    verify = "; [bold]to verify[/bold]" if r["to_verify"] else ""
    console.print(
        f" {rank} {flag}[{colours.get(sev, 'white')}]{protocol.severities.label(sev, lang)}[/] · {where}{escape(zone)} · {what}"
        f"  [dim](priority {r['priority']:.2f}; flagged by {r['flagged']} of {r['answered']} ({r['share']:.0%}), {r['walks']} walk(s)"
        f"{', night' if r['evidence']['night'] else ''}; {status_label(r['status'], lang)}{verify})[/dim]"
    )
    console.print(f"      → {escape(r['action'])}")
    console.print(f"      [dim]{escape(r['responsible'] or '')} · {r['timeframe']} · {r['type']}[/dim]")
    if r.get("overdue"):
        console.print(f"      [bold red]overdue[/bold red] since {r['due']} ({r['days_overdue']} days)")


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the app."""
    app.command("summary")(summary)
    app.command("recommend")(recommend_)
