"""walktool: the fieldwork data toolkit for exploratory safety walks.

Import geotagged observation sheets from walks, normalise them against a
structured safety checklist, place them in stations and zones, score stations,
rank recommendations, and write maps and Excel reports.

The library is the API: everything a command does is a function here.

>>> import walktool
>>> project = walktool.init_project("my-walks")          # doctest: +SKIP
>>> walktool.load_protocol(walktool.default_protocol_path()).id
'stm-exploratory-walk'

Every command has its function here: ``import_files`` (import), ``quality_report``
(check), ``summarize`` (summary), ``recommend``, ``write_map`` / ``build_map`` (map),
``build_report`` (report), ``import_followup`` (followup import), ``compare``,
``agreement``, ``export``, ``write_xlsform`` / ``write_field_sheet`` (protocol export)
and ``run_demo`` (demo).  None of them imports pandas, folium or openpyxl until called.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from walktool.agreement import agreement
    from walktool.analysis import Summary, summarize
    from walktool.compare import compare
    from walktool.demo import run_demo
    from walktool.errors import Issue, WalktoolError
    from walktool.export import export
    from walktool.followup import import_followup
    from walktool.forms import write_field_sheet, write_xlsform
    from walktool.forms.paper_pdf import write_paper_pdf
    from walktool.ingest import import_files
    from walktool.maps import build_map, write_map
    from walktool.project import Project, Settings, init_project, open_project
    from walktool.protocol import Protocol, default_protocol_path, load_protocol, validate_protocol
    from walktool.quality import quality_report
    from walktool.recommend import recommend
    from walktool.report import build_report, write_brief, write_report
    from walktool.stations import StationLayer, builtin_stations, load_stations, read_stations_file

# name → the module defining it: loaded on first use, so `walktool --help` loads none of them
_EXPORTS = {
    "agreement": "agreement", "Summary": "analysis", "summarize": "analysis", "compare": "compare",
    "run_demo": "demo", "Issue": "errors", "WalktoolError": "errors", "export": "export",
    "import_followup": "followup", "write_field_sheet": "forms", "write_xlsform": "forms",
    "import_files": "ingest", "build_map": "maps", "write_map": "maps", "Project": "project",
    "Settings": "project", "init_project": "project", "open_project": "project", "Protocol": "protocol",
    "default_protocol_path": "protocol", "load_protocol": "protocol", "validate_protocol": "protocol",
    "quality_report": "quality", "recommend": "recommend", "build_report": "report",
    "write_brief": "report", "write_report": "report", "write_paper_pdf": "forms.paper_pdf",
    "StationLayer": "stations", "builtin_stations": "stations", "load_stations": "stations",
    "read_stations_file": "stations",
}


class _Package(ModuleType):
    """The package module: a function named like its module (``recommend``) is not replaced by it."""

    def __setattr__(self, name: str, value: Any) -> None:
        # importing walktool.recommend sets the submodule on the package; the name stays the function's
        if isinstance(value, ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("walktool")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'walktool' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(f"walktool.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Issue",
    "Project",
    "Protocol",
    "Settings",
    "StationLayer",
    "Summary",
    "WalktoolError",
    "__version__",
    "agreement",
    "build_map",
    "build_report",
    "builtin_stations",
    "compare",
    "default_protocol_path",
    "export",
    "import_files",
    "import_followup",
    "init_project",
    "load_protocol",
    "load_stations",
    "open_project",
    "quality_report",
    "read_stations_file",
    "recommend",
    "run_demo",
    "summarize",
    "validate_protocol",
    "write_brief",
    "write_field_sheet",
    "write_map",
    "write_paper_pdf",
    "write_report",
    "write_xlsform",
]
