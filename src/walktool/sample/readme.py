"""``walks/README.md``: what the sample is, how it is made, its files and deliberate problems."""

from __future__ import annotations

from walktool.sample.manifest import SampleManifest
from walktool.sample.model import CHANGES_2024

_FORMAT_TEXT = {
    "kobo-csv": "KoboToolbox CSV export of the walktool form (XML values, group names in headers, `;`, every field quoted)",
    "odk-central": "ODK Central export zip of the walktool form (`stm-exploratory-walk.csv` + `files/<instanceID>/` photos)",
    "walktool-sheet": "walktool field sheet (.xlsx) typed in after a paper walk (French labels, one stop a row)",
    "findings-table": "the facilitator's own French findings table (CSV, `;`, title rows, decimal commas, loose station names)",
    "photos": "geotagged JPEG photos (EXIF GPS and capture time; one taken underground has no fix)",
}


def readme(manifest: SampleManifest) -> str:
    """``walks/README.md`` for a generated sample: its model, files, expected import and deliberate problems.

    Parameters
    ----------
    manifest
        What :func:`~walktool.sample.generate_sample_campaign` wrote.

    Returns
    -------
    str
        The Markdown text.
    """
    expected = manifest.expected()
    lines = [
        "# Sample campaigns — SYNTHETIC DATA",
        "",
        "**Everything in this folder is synthetic.** No real walk, participant, answer, comment or photo is",
        "here: the people are invented, their names are fake, and the answers come from a random model.",
        "The folder exists so that `walktool demo`, the tests and newcomers have realistic field sheets to",
        "work on. Station names and positions are real (the STM stations layer, credit: Société de",
        "transport de Montréal (STM), CC BY 4.0).",
        "",
        "## How it is made",
        "",
        f"`python -m walktool.sample walks/ --seed {manifest.seed}` regenerates every file here, byte for byte",
        "(the generator is the package `src/walktool/sample/`; zip and workbook timestamps are fixed). Its model:",
        "",
        "- **2023-pilot**: 15 walks in November–December 2023, modelled on the STM pilot, through Papineau,",
        "  Beaudry, Lionel-Groulx, Berri-UQAM, Bonaventure, Atwater, Jolicoeur and Monk, by day and at night.",
        "  Groups of 5 to 10 participants stop in 2 to 4 zones of each station (entrance, hall, corridor,",
        "  stairs, platform, transfer, bus loop) and each fills in the checklist of the default protocol",
        "  (`stm-exploratory-walk`). Each station has its own problems: Jolicoeur and Monk deep, dark and far",
        "  from staff; Berri-UQAM crowded, dirty corridors with offensive graffiti and a broken escalator;",
        "  Beaudry offensive graffiti and odours at the entrance; Papineau a broken emergency phone on the",
        "  platform and a dark bus loop; Bonaventure an isolated corridor; Atwater a dark corridor.",
        "  Participants disagree now and then (10% of answers), and their feeling and \"would you come",
        "  alone at night\" follow what they saw, the time of day and their own temperament.",
        "- **2024-followup**: 8 walks in October–November 2024 through the same stations. What changed:",
        "",
        "| station | fixed | persists | new |",
        "|---|---|---|---|",
    ]
    for station, change in CHANGES_2024.items():
        lines.append(f"| {station} | {change.get('fixed', '')} | {change.get('persists', '')} | {change.get('new', '')} |")
    lines += [
        "",
        "Comments are in French and English. Participants are named in the sheets, as in real exports",
        "(`observer`); walktool replaces every name with a pseudonym at import. `manifest.json` lists every",
        "name used (`participant_names`) so that tests can check none reaches walktool's output. A few",
        "participants gave an anonymous profile (gender, age group, reduced mobility, familiarity).",
        "",
        "## Files",
        "",
        "Each walk has a folder `walks/<walk-id>/` with `walk.yaml` (date, start and end time, facilitator",
        "(pseudonymous), route, number of participants, weather, campaign) and the sheets that came back:",
        "",
        "| walk | campaign | period | route | file | format | rows | rejected | observations |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by_walk = {w.walk_id: w for w in manifest.walks}
    for f in manifest.files:
        w = by_walk[f.walk_id]
        route = ", ".join(str(r["station"]) for r in w.route)
        lines.append(f"| {w.walk_id} | {w.campaign} | {w.period} | {route} | `{f.path}` | {f.format} | {f.rows} | {f.rejected} | {f.observations} |")
    lines += ["", "Formats:", ""]
    for fmt, text in _FORMAT_TEXT.items():
        lines.append(f"- `{fmt}`: {text}.")
    lines += [
        "",
        "## What importing it gives",
        "",
        "| campaign | files | rows | accepted | rejected | observations |",
        "|---|---|---|---|---|---|",
    ]
    for campaign, e in expected.items():
        lines.append(f"| {campaign} | {e['files']} | {e['rows']} | {e['accepted']} | {e['rejected']} | {e['observations']} |")
    lines += [
        "",
        "## Deliberate problems (for the data-quality report)",
        "",
        "Every other row imports cleanly. These are on purpose (`walktool check` lists them):",
        "",
        "| file | row | code | level | what |",
        "|---|---|---|---|---|",
    ]
    for d in manifest.deliberate:
        what = str(d["what"]).replace("|", "\\|").replace("<", "&lt;")
        lines.append(f"| `{d['file']}` | {d['row']} | {d['code']} | {d['level']} | {what} |")
    lines += [
        "",
        "The findings tables also spell stations loosely (\"berri uqam\", \"Lionel Groulx\", \"Bonnaventure\"…):",
        "walktool reads them, with a `station-guessed` warning where the name is not exact.",
        "",
        "## Import it",
        "",
        "```",
        "walktool init /tmp/demo",
        "python -c \"from walktool.project import open_project; from walktool.sample import import_sample_campaign;"
        " import_sample_campaign(open_project('/tmp/demo'), 'walks')\"",
        "```",
        "",
        "or one walk at a time: `walktool import --project /tmp/demo --walk <walk-id> walks/<walk-id>/<file>`",
        "(copy the walk's `walk.yaml` into `/tmp/demo/walks/<walk-id>/` first so its metadata is read).",
        "",
    ]
    return "\n".join(lines)
