"""Protocol files: loading (cached), the packaged default, finding versions in a folder, summaries."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from walktool.errors import ProtocolError
from walktool.i18n import N_, Phrase
from walktool.limits import MAX_PROTOCOL_BYTES, protocol_text_problem
from walktool.protocol.model import DEFAULT_PROTOCOL_ID, Protocol, Recommendation
from walktool.protocol.validate import validate_protocol

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CACHE: dict[tuple[str, int, int], Protocol] = {}
_HEADS: dict[tuple[str, int, int], Any] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def load_protocol(path: str | Path) -> Protocol:
    """Load a protocol file, raising :class:`ProtocolError` listing every error.

    Loaded protocols are cached by path, modification time and size, so commands
    that need the protocol many times parse it once; an edited file is read again.
    """
    try:
        key = _file_key(Path(path))
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    protocol, issues = validate_protocol(path)
    if protocol is None:
        errors = [i for i in issues if i.level == "error"]
        lines = "\n".join(f"  {i}" for i in errors)
        msg = Phrase(N_("{path}: the protocol has {n_errors} problem(s); run `walktool protocol validate {path}`:\n{lines}"), path=path, n_errors=len(errors), lines=lines)
        raise ProtocolError(msg, errors)
    if key is not None:
        _CACHE[key] = protocol
    return protocol


def default_protocol_path() -> Path:
    """Path of the packaged default protocol ``stm-exploratory-walk``."""
    return Path(str(resources.files("walktool") / "data" / "protocols" / f"{DEFAULT_PROTOCOL_ID}.yaml"))


def version_key(version: Any) -> tuple[tuple[int, str], ...]:
    """Sort key of a version string: numeric parts numerically ("1.10" > "1.9")."""
    parts = str(version or "").replace("-", ".").split(".")
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts)


def find_protocols(folder: Path) -> dict[str, Path]:
    """Map ``id`` (and ``id@version``) to file for every protocol YAML in ``folder``.

    ``id`` alone names the highest version found, so adding a new version of a
    checklist to protocols/ makes it the one a project uses; ``id@version`` names
    each version exactly.
    """
    found: dict[str, Path] = {}
    best: dict[str, tuple[tuple[int, str], ...]] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            key = _file_key(path)
            if key not in _HEADS:
                text = path.read_text(encoding="utf-8-sig") if key[2] <= MAX_PROTOCOL_BYTES else ""
                # a file too large for a protocol is not one (`protocol validate` says why)
                _HEADS[key] = yaml.load(text, Loader=_SafeLoader) if text and protocol_text_problem(text) is None else None
            head = _HEADS[key]
        except (yaml.YAMLError, UnicodeDecodeError, OSError, RecursionError):
            continue
        if isinstance(head, dict) and head.get("id"):
            pid = str(head["id"])
            version = version_key(head.get("version"))
            if pid not in best or version > best[pid]:
                best[pid] = version
                found[pid] = path
            found.setdefault(f"{pid}@{head.get('version')}", path)
    return found


def protocol_summary(protocol: Protocol, lang: str = "fr") -> dict[str, Any]:
    """A JSON-ready description of a protocol in one language."""

    def rec(r: Recommendation | None) -> dict[str, str] | None:
        if r is None:
            return None
        return {"action": r.action.get(lang), "responsible": r.responsible.get(lang), "timeframe": r.timeframe, "type": r.type}

    return {
        "id": protocol.id,
        "version": protocol.version,
        "title": protocol.title.get(lang),
        "principles": [
            {"key": p.key, "label": p.label.get(lang), "description": p.description.get(lang), "recommendation": rec(p.recommendation)}
            for p in protocol.principles
        ],
        "items": [
            {
                "key": i.key,
                "principle": i.principle,
                "label": i.label.get(lang),
                "kind": i.kind,
                "polarity": i.polarity,
                "answers": [{"value": c.value, "label": c.label.get(lang), "score": c.score} for c in i.answer.choices],
                "severity": i.severity,
                "recommendation": rec(i.recommendation),
            }
            for i in protocol.items
        ],
        "zones": [{"value": c.value, "label": c.label.get(lang)} for c in protocol.zones.choices],
    }
