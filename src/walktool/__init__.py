"""walktool: the fieldwork data toolkit for exploratory safety walks.

Import geotagged observation sheets from walks, normalise them against a
structured safety checklist, place them in stations and zones, score stations,
rank recommendations, and write maps and Excel reports.

The library is the API: everything a command does is a function here.

>>> import walktool
>>> project = walktool.init_project("my-walks")          # doctest: +SKIP
>>> walktool.load_protocol(walktool.default_protocol_path()).id
'stm-exploratory-walk'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from walktool.analysis import Summary, summarize
from walktool.errors import Issue, WalktoolError
from walktool.project import Project, Settings, init_project, open_project
from walktool.protocol import Protocol, default_protocol_path, load_protocol, validate_protocol
from walktool.recommend import recommend
from walktool.stations import StationLayer, builtin_stations, load_stations, read_stations_file

try:
    __version__ = version("walktool")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Issue",
    "Project",
    "Protocol",
    "Settings",
    "StationLayer",
    "Summary",
    "WalktoolError",
    "__version__",
    "builtin_stations",
    "default_protocol_path",
    "init_project",
    "load_protocol",
    "load_stations",
    "open_project",
    "read_stations_file",
    "recommend",
    "summarize",
    "validate_protocol",
]
