"""walktool field sheets (``.xlsx``), typed in after a paper walk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from walktool.sample.model import NA_ZONES
from walktool.sample.simulate import bump, comment_for
from walktool.sample.study import Walk
from walktool.sample.texts import COMMENT_TOPIC
from walktool.sample.writer import Writer, normalise_xlsx


def write_sheet(writer: Writer, walk: Walk, *, blank_station: int | None = None, bad_answers: dict[int, tuple[str, str]] | None = None) -> Path:
    """Write a walk's field sheet (``walktool.forms``), typed in after a paper walk: one stop a row, French labels.

    The facilitator also noted a few free findings in its ``Constats`` sheet.

    Parameters
    ----------
    writer
        The campaign's writer.
    walk
        The walk.
    blank_station
        The 1-based stop whose station cell is left blank (rejected at import), or None.
    bad_answers
        1-based stop → (item, text typed as its answer) that import does not understand.

    Returns
    -------
    Path
        The workbook written.
    """
    from walktool.forms import write_field_sheet
    from walktool.forms.fieldsheet import FIRST_DATA_ROW

    study = writer.study
    protocol = study.protocol
    rng = study.rng
    path = writer.out / walk.walk_id / f"fiche-terrain-{walk.plan.day.isoformat()}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    stops: list[dict[str, Any]] = []
    rejected = 0
    observations = 0
    for n, sub in enumerate(walk.submissions, 1):
        rec: dict[str, Any] = {
            "observer": sub.person.name,
            "date": sub.start.date(),
            "time": sub.start.time().replace(second=0, microsecond=0, tzinfo=None),
            "station": sub.stop.station,
            "zone": sub.stop.zone,
            "period": sub.period,
            "comment": sub.comment,
            "photo": sub.photo or next(iter(sub.item_photo.values()), ""),
        }
        for key, value in sub.answers.items():
            kind = protocol.item(key).kind
            rec[key] = int(value) if kind in ("count", "number") else value
        bad = (bad_answers or {}).get(n)
        if bad is not None:
            rec[bad[0]] = bad[1]
        if blank_station is not None and n == blank_station:
            rec["station"] = ""
            rejected += 1
        else:
            # a typed answer that is not understood is left out (a warning), not the row
            observations += writer.n_obs(sub) - (1 if bad is not None and sub.answers.get(bad[0]) else 0)
        stops.append(rec)
        writer.names.add(sub.person.name)
    findings: list[dict[str, Any]] = []
    for stop in rng.sample(walk.stops, k=min(3, len(walk.stops))):
        bad_items = sorted(k for k, v in stop.truth.items() if v and k not in NA_ZONES)
        if not bad_items:
            continue
        key = rng.choice(bad_items)
        who = study.pick(walk.people)
        when = stop.start + timedelta(minutes=rng.randint(2, 12))
        item = protocol.item(key)
        findings.append({
            "observer": who.name, "date": when.date(), "time": when.time().replace(second=0, microsecond=0, tzinfo=None),
            "station": stop.station, "zone": stop.zone, "principle": item.principle, "item": key,
            "severity": bump(item.severity or "medium", rng),
            "comment": comment_for(study, who, COMMENT_TOPIC.get(key, "signage"), stop.zone),
        })
        writer.names.add(who.name)
    # she printed a sheet with a few spare rows (the default export has 200 rows of drop-downs)
    write_field_sheet(protocol, study.layer, path, lang="fr", rows=len(stops) + 12, stops=stops, findings=findings)
    normalise_xlsx(path)
    writer.add(path, "walktool-sheet", walk, len(stops) + len(findings), rejected, observations + len(findings))
    if blank_station is not None:
        writer.flag(path, FIRST_DATA_ROW + blank_station - 1, "no-station", "error",
                  "the station cell was left blank and the row has no position; the row is rejected")
    for n, (key, value) in (bad_answers or {}).items():
        writer.flag(path, FIRST_DATA_ROW + n - 1, "unknown-answer", "warning", f"{value!r} typed as the answer to {key}; that answer is left out")
    return path
