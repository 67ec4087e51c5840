"""Generating the sample campaigns: every walk simulated, written in its formats, with the manifest."""

from __future__ import annotations

import json
from pathlib import Path

from walktool.sample.exports import write_kobo_csv, write_odk_zip
from walktool.sample.fieldsheet import write_sheet
from walktool.sample.findings import write_findings_table
from walktool.sample.manifest import SampleManifest, SampleWalk
from walktool.sample.photos import write_photos
from walktool.sample.plan import CAMPAIGNS, DEFAULT_SEED, MANIFEST_NAME, scaled_plans
from walktool.sample.readme import readme
from walktool.sample.simulate import simulate_walk
from walktool.sample.study import Study, Walk
from walktool.sample.texts import NAMES_2023, NAMES_2024
from walktool.sample.writer import Writer


def generate_sample_campaign(out_dir: str | Path, *, seed: int = DEFAULT_SEED, scale: float = 1.0) -> SampleManifest:
    """Write the SYNTHETIC sample campaigns (2023 pilot and 2024 follow-up) into ``out_dir``.

    Parameters
    ----------
    out_dir
        The walks folder to fill (``walks/<walk-id>/…``, ``manifest.json``,
        ``README.md``).  Files of earlier runs with the same names are overwritten;
        other files are left alone.
    seed
        Random seed: the same seed and scale always give the same bytes.
    scale
        Multiplies the number of walks (1.0 = 15 walks in 2023 and 8 in 2024; a
        benchmark can ask for 10× more).  Below 1 an evenly spread subset of the
        walks is kept.

    Returns
    -------
    SampleManifest
        What was written and what importing it should give.
    """
    if not scale > 0:
        msg = f"scale must be a positive number, not {scale!r}"
        raise ValueError(msg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    study = Study(seed, scale)
    writer = Writer(study, out)
    pool_2023 = study.participants(NAMES_2023)
    pool_2024 = {**{n: p for n, p in pool_2023.items() if study.rng.random() < 0.6}, **study.participants(NAMES_2024)}
    walks_meta: list[SampleWalk] = []
    first_of: dict[tuple[str, str], bool] = {}
    for campaign in CAMPAIGNS:
        pool = pool_2023 if campaign == CAMPAIGNS[0] else pool_2024
        recurring = sorted(pool)
        for plan, walk_id in scaled_plans(campaign, scale):
            walk = simulate_walk(study, plan, walk_id, pool, recurring)
            paths: list[Path] = []
            for fmt in plan.fmt.split("+"):
                key = (campaign, fmt)
                first = key not in first_of
                first_of[key] = True
                paths += _write_walk(writer, walk, fmt, first)
            meta = SampleWalk(
                walk_id=walk_id,
                campaign=campaign,
                date=plan.day.isoformat(),
                period=plan.period,
                start_time=walk.start.strftime("%H:%M"),
                end_time=walk.end.strftime("%H:%M"),
                facilitator=plan.facilitator,
                n_participants=len(walk.people),
                weather=plan.weather,
                route=[{"station": st, "zones": [s.zone for s in walk.stops if s.station == st]} for st in plan.route],
                files=[writer.rel(p) for p in paths],
            )
            _write_walk_yaml(out / walk_id / "walk.yaml", meta)
            walks_meta.append(meta)
    manifest = SampleManifest(
        seed=seed,
        scale=scale,
        walks=walks_meta,
        files=writer.files,
        participant_names=sorted(writer.names),
        deliberate=writer.deliberate,
    )
    (out / MANIFEST_NAME).write_text(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(manifest), encoding="utf-8")
    return manifest


def _write_walk(writer: Writer, walk: Walk, fmt: str, first: bool) -> list[Path]:
    """Write one walk's sheets in one format; ``first``: the campaign's first walk in that format.

    The deliberate problems go into the first walk of a format: a stale GPS fix in the
    2023 Kobo export, a typed answer that means nothing in the 2023 field sheet, a blank
    station in the 2024 field sheet, an unknown station and the hostile comments in the
    2023 findings table (whose underground photo only its row places), swapped
    coordinates in the second 2023 findings table.
    """
    pilot = walk.plan.campaign == CAMPAIGNS[0]
    n = len(walk.submissions)
    if fmt == "kobo":
        return [write_kobo_csv(writer, walk, bad_location=3 if first and pilot and n > 3 else None)]
    if fmt == "odk":
        return [write_odk_zip(writer, walk)]
    if fmt == "sheet":
        blank = 5 if first and not pilot and n > 5 else None
        bad_answers = {4: ("staff_distance_m", "loin")} if first and pilot and n > 4 else None
        return [write_sheet(writer, walk, blank_station=blank, bad_answers=bad_answers)]
    if fmt == "findings":
        table, specs = write_findings_table(
            writer,
            walk,
            unknown_station=first and pilot,
            hostile=first and pilot,
            swapped=not first and pilot,
            photos=walk.plan.photos,
            underground_photo=first and pilot,
        )
        folder = write_photos(writer, walk, specs)
        return [table] if folder is None else [table, folder]
    msg = f"unknown sample format {fmt!r}"
    raise ValueError(msg)


def _write_walk_yaml(path: Path, walk: SampleWalk) -> None:
    """``walk.yaml``: the metadata ``walktool import --walk`` reads."""
    import yaml

    doc = {
        "date": walk.date,
        "start_time": walk.start_time,
        "end_time": walk.end_time,
        "facilitator": walk.facilitator,
        "route": walk.route,
        "n_participants": walk.n_participants,
        "weather": walk.weather,
        "campaign": walk.campaign,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    period = "evening" if walk.period == "night" else "daytime"
    text = f"# SYNTHETIC sample walk ({period}) made by walktool.sample: not real data. See ../README.md.\n"
    text += yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)
    path.write_text(text, encoding="utf-8")
