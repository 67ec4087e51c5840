"""The whole pipeline on the bundled sample campaign: what ``walktool demo`` runs.

init → import (both campaigns, walk by walk) → check → summary → recommend →
map → report, for each campaign, then compare the two.  Everything lands in
the project's ``reports/`` folder.  The sample campaign is synthetic (see
walks/README.md); it is generated, with a fixed seed, when the folder does not
hold it already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

Step = Callable[[str], None]


@dataclass
class DemoResult:
    """What the demo did and wrote."""

    project: Path
    imported: dict[str, dict[str, int]] = field(default_factory=dict)
    rejects: int = 0
    warnings: int = 0
    stations: dict[str, int] = field(default_factory=dict)
    recommendations: dict[str, int] = field(default_factory=dict)
    minority: dict[str, int] = field(default_factory=dict)
    """Per campaign, the minority reports (kept apart from the ranked ``recommendations``)."""
    maps: dict[str, Path] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    compare_workbook: Path | None = None
    compare_map: Path | None = None

    def outputs(self) -> list[Path]:
        """Every file written, maps first."""
        paths = [*self.maps.values(), *self.reports.values()]
        paths += [p for p in (self.compare_workbook, self.compare_map) if p is not None]
        return paths

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {
            "project": str(self.project),
            "imported": self.imported,
            "rejects": self.rejects,
            "warnings": self.warnings,
            "stations": self.stations,
            "recommendations": self.recommendations,
            "minority": self.minority,
            "maps": {k: str(v) for k, v in self.maps.items()},
            "reports": {k: str(v) for k, v in self.reports.items()},
            "compare": {"workbook": str(self.compare_workbook) if self.compare_workbook else None, "map": str(self.compare_map) if self.compare_map else None},
        }


def holds_sample(folder: Path) -> bool:
    """Whether ``folder`` is laid out with the sample campaign in its walks/ (the repository root is)."""
    from walktool.sample import MANIFEST_NAME

    return (folder / "walks" / MANIFEST_NAME).is_file()


def demo_project(out: str | Path | None = None) -> Path:
    """Where the demo runs: ``out``; else the current folder when it holds the sample; else ``walktool-demo``."""
    if out is not None:
        return Path(out)
    here = Path.cwd()
    return here if holds_sample(here) else here / "walktool-demo"


def run_demo(out: str | Path | None = None, *, lang: str | None = None, step: Step | None = None) -> DemoResult:
    """Run the whole pipeline on the sample campaign.

    Parameters
    ----------
    out
        Project folder to run in (created when missing); see :func:`demo_project`.
    lang
        Language of the map and workbooks (default: the project's, French).
    step
        Called with a short description before each step (for progress output).

    Returns
    -------
    DemoResult
        Counts and the paths of the maps and workbooks written.
    """
    from walktool.analysis import campaigns, summarize
    from walktool.compare import compare, write_compare_map, write_compare_workbook
    from walktool.i18n import resolve_language, translator
    from walktool.maps import write_map
    from walktool.project import SETTINGS_FILE, STORE_FILE, init_project
    from walktool.quality import quality_report
    from walktool.recommend import recommend
    from walktool.report import build_report
    from walktool.sample import import_sample_campaign

    tr = translator(resolve_language(lang))  # the steps are told in the language of the outputs
    say = step or (lambda _text: None)
    root = demo_project(out)
    if not (root / SETTINGS_FILE).is_file() or not (root / STORE_FILE).is_file():
        say(tr.gettext("init {root}").format(root=root))
    # init adds what is missing (store, stations, protocol) and keeps what is there
    project = init_project(root, name="walktool demo (synthetic sample campaign)")
    result = DemoResult(project=root)
    try:
        walks = root / "walks" if holds_sample(root) else None
        say(tr.gettext("import the sample campaign (field sheets, Kobo CSV, ODK Central zip, findings tables, photos)"))
        imported = import_sample_campaign(project, walks)
        for name, res in imported.items():
            result.imported[name] = {"files": len(res.files), "rows": sum(f.rows for f in res.files), "accepted": res.accepted, "rejected": res.rejected}
        say(tr.gettext("check"))
        quality = quality_report(project)
        result.rejects, result.warnings = int(quality["rejects"]), int(quality["warnings"])
        names = campaigns(project)
        reports = project.reports_dir
        for name in names:
            say(tr.gettext("summary, recommend, map and report: {name}").format(name=name))
            summary = summarize(project, name)
            result.stations[name] = len(summary.stations)
            frame = recommend(project, name).frame
            result.minority[name] = int(frame["minority"].fillna(0).astype(bool).sum()) if len(frame) else 0
            result.recommendations[name] = len(frame) - result.minority[name]
            # offline: the demo's maps open anywhere, with no internet (everything embedded, no basemap)
            result.maps[name] = write_map(project, reports / f"map-{name}.html", campaign=name, lang=lang, offline=True)
            result.reports[name] = build_report(project, name, lang=lang, out=reports / f"report-{name}.xlsx")
        if len(names) >= 2:
            say(tr.gettext("compare {before} → {after}").format(before=names[0], after=names[-1]))
            comparison = compare(project, names[0], names[-1])
            language = lang or project.settings.language
            result.compare_workbook = write_compare_workbook(comparison, reports / f"compare-{names[0]}-{names[-1]}.xlsx", language, project.protocol())
            result.compare_map = write_compare_map(project, comparison, reports / f"compare-{names[0]}-{names[-1]}.html", language, offline=True)
    finally:
        project.close()
    return result
