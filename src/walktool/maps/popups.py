"""The walk map's popups: the station card (HTML, built here) and the finding card's data.

A station card gives the score per principle, the findings by severity, the worst
zones (most findings first), how participants felt, and the top recommendations with
who does them and by when.  A finding card is built in the browser when it opens
(``findingCard`` in ``assets/walkmap.js``) from the rows and tables
:func:`findings_tables` makes: the question, the answer in words, severity, station,
zone, period, date, comment and photo.

Every text that comes from the field, the stations layer or the protocol is
HTML-escaped here: a comment ``<script>alert(1)</script>`` shows as text.
Participants (even their pseudonyms) never appear on the map.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from walktool.maps.labels import pair, texts, tr
from walktool.maps.photos import photo_html, photo_index
from walktool.maps.symbols import SEVERITY_COLOURS, UNKNOWN_SEVERITY_COLOUR, e, score_colour, svg

if TYPE_CHECKING:
    import pandas as pd

    from walktool.maps.data import MapData
    from walktool.project import Project
    from walktool.protocol import Protocol

__all__ = ["ROW_FIELDS", "findings_tables", "severity_order", "station_card"]

ROW_FIELDS = (
    "lat", "lon", "severity", "principle", "period", "label", "zone", "station", "comment", "photo", "date", "placed", "answer",
)
"""What each number of a finding's row is (``assets/walkmap.js`` reads them by position)."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}\u00a0%"


def station_card(rec: dict[str, Any], data: MapData, recs: list[dict[str, Any]]) -> str:
    """The popup of a scored station (escaped HTML).

    Parameters
    ----------
    rec
        The station's record of the campaign summary (``Summary.station_records``).
    data
        What the map shows.
    recs
        The station's top recommendations, most urgent first.
    """
    t = texts(data.lang)
    words = tr(data.lang)
    protocol = data.protocol
    lang = data.lang
    parts = [f'<div class="wt-card wt-station-card"><h4>{e(rec["name"])}</h4>']
    if rec["low_confidence"]:
        parts.append(f'<p class="wt-lowconf">⚠ {e(t["low_confidence_long"].format(n=protocol.low_confidence_participants))}</p>')
    score = rec["score"]
    score_text = f"{score:.0f} / 100" if score is not None else t["no_score"]
    parts.append(
        f'<p class="wt-score"><span class="wt-swatch" style="background:{score_colour(score)}"></span>'
        f"<b>{e(t['score'])}</b> {e(score_text)}</p>"
    )
    parts.append('<table class="wt-principles">')
    for key, value in rec["principles"].items():
        label = protocol.principle(key).label.get(lang) if key in protocol.principle_keys else key
        width = 0 if value is None else max(2, round(value))
        bar = f'<span class="wt-bar" style="width:{width}%;background:{score_colour(value)}"></span>'
        shown = "–" if value is None else f"{value:.0f}"
        parts.append(f'<tr><td>{svg(key, "#444", 11)} {e(label)}</td><td class="wt-barcell">{bar}</td><td class="wt-num">{e(shown)}</td></tr>')
    parts.append("</table>")
    found = rec["findings"]
    total = sum(int(v) for v in found.values())
    counts = " · ".join(
        [
            words.npgettext("map", "{n} observation", "{n} observations", int(rec["observations"])).format(n=rec["observations"]),
            words.npgettext("map", "{n} participant", "{n} participants", int(rec["participants"])).format(n=rec["participants"]),
            words.npgettext("map", "{n} walk", "{n} walks", int(rec["walks"])).format(n=rec["walks"]),
        ]
    )
    parts.append(f'<p class="wt-counts">{e(counts)}</p>')
    severities = " · ".join(
        f'<span class="wt-dot" style="background:{SEVERITY_COLOURS.get(s, UNKNOWN_SEVERITY_COLOUR)}"></span>'
        f"{e(protocol.severities.label(s, lang))} {int(found.get(s, 0))}"
        for s in reversed(list(SEVERITY_COLOURS))
    )
    total_text = words.npgettext("map", "{n} finding", "{n} findings", total).format(n=total)
    parts.append(f'<p class="wt-counts">{pair(t, f"<b>{e(total_text)}</b>", severities)}</p>')
    if rec.get("hotspots"):
        # the number shown is the order: most findings first (then the heavier, then by name)
        worst = sorted(rec["hotspots"], key=lambda h: (-int(h["findings"]), -float(h.get("weight", 0)), str(h["zone"])))
        zones = " · ".join(f"{e(protocol.zones.label(str(h['zone']), lang))} ({int(h['findings'])})" for h in worst)
        worst_label = "<b>" + e(t["hotspots"]) + "</b>"
        parts.append(f'<p class="wt-counts">{pair(t, worst_label, zones)}</p>')
    feeling = rec["feeling"]
    if feeling.get("answers"):
        shares = " · ".join(
            f"{e(_feeling_label(protocol, k, lang))} {_pct(feeling.get(k))}" for k in ("comfortable", "uncomfortable", "frightening")
        )
        answers = int(feeling["answers"])
        heard = words.npgettext("map", "{n} answer", "{n} answers", answers).format(n=answers)
        feeling_label = "<b>" + e(t["feeling"]) + f"</b> ({e(heard)})"
        parts.append(f'<p class="wt-feeling">{pair(t, feeling_label, shares)}')
        if rec.get("not_alone_at_night") is not None:
            parts.append(f"<br>{_pct(rec['not_alone_at_night'])} {e(t['not_alone'])}")
        parts.append("</p>")
    parts.append(f'<h5>{e(t["top_recs"])}</h5>')
    parts.append(_recommendations(recs, protocol, lang, t))
    parts.append("</div>")
    return "".join(parts)


def _recommendations(recs: list[dict[str, Any]], protocol: Protocol, lang: str, t: Mapping[str, str]) -> str:
    if not recs:
        return f"<p>{e(t['no_recs'])}</p>"
    items = []
    for r in recs:
        sev = str(r["severity"])
        who = e(r["responsible"] or t["unknown"])
        if r.get("owner"):
            who += " · " + pair(t, e(t["owner"]), e(r["owner"]))
        what = e(r["finding"] or r["item"] or r["principle"] or "")
        zone = protocol.zones.label(r["zone"], lang) if r.get("zone") else t["unknown"]
        colour = SEVERITY_COLOURS.get(sev, UNKNOWN_SEVERITY_COLOUR)
        timeframe = t.get(str(r["timeframe"]), str(r["timeframe"]))
        status = t.get(f"status_{r['status']}", str(r["status"]))
        items.append(
            f'<li><span class="wt-dot" style="background:{colour}"></span>'
            f"<b>{e(protocol.severities.label(sev, lang))}</b> · {e(zone)} · {what}<br>"
            f"{e(r['action'])}<br><small>{pair(t, e(t['responsible']), who)}"
            f" · {pair(t, e(t['timeframe']), e(timeframe))} · {pair(t, e(t['status']), e(status))}</small>"
            + (f'<br><small class="wt-overdue">⏰ {e(t["overdue"].format(date=r["due"], n=r["days_overdue"]))}</small>' if r.get("overdue") else "")
            + "</li>"
        )
    return '<ol class="wt-recs">' + "".join(items) + "</ol>"


def _feeling_label(protocol: Protocol, value: str, lang: str) -> str:
    if protocol.has_item("feeling"):
        choice = protocol.item("feeling").answer.choice(value)
        if choice is not None:
            return choice.label.get(lang)
    return value


# -- the findings, for the browser -------------------------------------------------------------
def _codes(values: pd.Series) -> tuple[list[Any], list[int]]:
    """Distinct non-empty values (in order of first appearance) and each row's index into them (-1 = none)."""
    import pandas as pd

    text = values.astype("string").str.strip()
    codes, uniques = pd.factorize(text.mask(text == ""), use_na_sentinel=True)
    return [str(u) for u in uniques], codes.tolist()


def _positions(values: pd.Series, order: list[str]) -> list[int]:
    pos = {v: i for i, v in enumerate(order)}
    return [pos.get(v, -1) if isinstance(v, str) else -1 for v in values.astype(object).tolist()]


def severity_order(protocol: Protocol) -> list[str]:
    """The severities a finding's row points into: the protocol's, then the map's other colours."""
    severities = [c.value for c in protocol.severities.choices]
    return severities + [s for s in SEVERITY_COLOURS if s not in severities]


def findings_tables(data: MapData, project: Project, base: Path, copies: Any = None) -> tuple[dict[str, Any], list[list[Any]]]:
    """The findings' rows and the lookup tables their popups are built from.

    A row is :data:`ROW_FIELDS`: a position, then indexes into the tables (-1 = none),
    so 100,000 findings stay a few MB.  Every text in the tables is HTML-escaped.

    Returns
    -------
    tuple
        The tables (``window.walktool`` in the page) and the rows, in the order of
        ``data.findings``.
    """
    import pandas as pd

    t = texts(data.lang)
    protocol = data.protocol
    lang = data.lang
    f = data.findings
    n = len(f)

    def column(name: str) -> pd.Series:
        return f[name] if name in f else pd.Series([None] * n, index=f.index, dtype=object)

    severities = severity_order(protocol)
    principles = list(protocol.principle_keys)
    periods = [c.value for c in protocol.periods.choices]
    items = column("item").astype(object)
    has_item = items.isin([i.key for i in protocol.items])
    label_key = ("item:" + items.astype(str)).where(has_item, "principle:" + column("principle").astype(object).fillna("").astype(str))
    label_list, label_codes = _codes(label_key)
    answers = column("answer").astype(object)
    # a findings table names the problem without an answer: "reported as a problem"
    answer_key = (items.astype(str) + ":" + answers.astype(str)).where(answers.notna(), ":").where(has_item, None)
    answer_list, answer_codes = _codes(answer_key)
    zone_list, zone_codes = _codes(column("zone"))
    station_list, station_codes = _codes(column("station_name"))
    comment_list, comment_codes = _codes(column("comment"))
    photo_list, photo_codes = _codes(column("photo"))
    date_list, date_codes = _codes(column("local_time").astype("string").str.slice(0, 10))
    index = photo_index(project) if photo_list else {}

    def label_text(key: str) -> str:
        kind, _, value = key.partition(":")
        if kind == "item":
            return protocol.item(value).label.get(lang)
        if value in principles:
            return protocol.principle(value).label.get(lang)
        return value or t["unknown"]

    def answer_text(key: str) -> str:
        item, _, value = key.partition(":")
        return protocol.answer_label(item, value, lang) if item else t["reported"]

    shown = ("severity", "zone", "period", "station", "date", "comment", "photo", "answer", "placed_station", "placed_entrance")
    doc = {
        "lang": lang,
        "text": {k: e(t[k]) for k in shown},
        "severities": [
            {"key": s, "label": e(protocol.severities.label(s, lang)), "colour": SEVERITY_COLOURS.get(s, UNKNOWN_SEVERITY_COLOUR)}
            for s in severities
        ],
        "weights": [float(protocol.severity_weights.get(s, 1.0)) for s in severities],
        "principles": [{"key": p, "label": e(protocol.principle(p).label.get(lang)), "icon": svg(p)} for p in principles],
        "defaultIcon": svg(None),
        "periods": [e(protocol.periods.label(p, lang)) for p in periods],
        "labels": [e(label_text(k)) for k in label_list],
        "answers": [e(answer_text(k)) for k in answer_list],
        "zones": [e(protocol.zones.label(z, lang)) for z in zone_list],
        "stations": [e(v) for v in station_list],
        "comments": [e(v) for v in comment_list],
        "photos": [photo_html(v, project, base, t, index, copies) for v in photo_list],
        "dates": [e(v) for v in date_list],
    }
    lat = [round(float(v), 6) for v in f["lat"].tolist()]
    lon = [round(float(v), 6) for v in f["lon"].tolist()]
    placed = _positions(column("placed"), ["gps", "station", "entrance"])
    rows = [
        list(r)
        for r in zip(
            lat,
            lon,
            _positions(column("severity"), severities),
            _positions(column("principle"), principles),
            _positions(column("period"), periods),
            label_codes,
            zone_codes,
            station_codes,
            comment_codes,
            photo_codes,
            date_codes,
            [max(p, 0) for p in placed],
            answer_codes,
            strict=True,
        )
    ]
    return doc, rows
