"""Which rules a campaign's figures come from: recorded at import, archived, checked, re-scored on request.

Every import records the protocol (``id@version``) and the hash of its scoring
rules (:mod:`walktool.protocol.rules`) in the import log, and archives the exact
protocol file under ``protocols/archive/`` (:mod:`walktool.protocol.archive`).
Figures are computed by default under the rules each campaign was imported with
(its stored scores); ``rules="current"`` re-scores the stored answers under the
project's current protocol, ``rules="ID@VERSION"`` under that version.  Editing the
rules of a protocol file without changing its version is reported as
``rules-changed-same-version``, naming the campaigns scored under the earlier rules.

>>> ScoringRules("stm-exploratory-walk@1.0", "0123456789ab").label()
'stm-exploratory-walk@1.0 (rules 0123456789ab)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from walktool.errors import Issue, ProtocolError, WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from walktool.project import Project
    from walktool.protocol import Protocol

RULES_IMPORTED = "imported"
RULES_CURRENT = "current"
RULES_CHANGED = "rules-changed-same-version"


class RulesError(WalktoolError):
    """The rules asked for (``--rules`` / ``--protocol``) cannot be found."""


@dataclass(frozen=True)
class ScoringRules:
    """The protocol version and rules hash a set of figures was computed under.

    ``protocol`` and ``rules_hash`` join the values with ``", "`` when a campaign's
    imports used more than one version (each import then keeps its own scores).
    """

    protocol: str
    rules_hash: str
    rescored: bool = False
    imported: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        """``id@version (rules HASH)``, and what the campaign was imported with when re-scored."""
        text = f"{self.protocol} (rules {self.rules_hash})"
        if self.rescored:
            before = ", ".join(f"{ref} (rules {h})" for ref, h in self.imported) or "unknown rules"
            text += f", re-scored; imported under {before}"
        return text

    def to_dict(self) -> dict[str, str]:
        """The keys every figure carries: ``protocol`` and ``rules_hash``."""
        return {"protocol": self.protocol, "rules_hash": self.rules_hash}


# -- recording --------------------------------------------------------------------
def record_rules(project: Project, protocol: Protocol) -> Path:
    """Archive the file of ``protocol`` in the project (once per version and rules) and return it."""
    from walktool.protocol.archive import archive_protocol

    return archive_protocol(project.protocols_dir, protocol)


def import_rules(project: Project, *, legacy: bool = True) -> pd.DataFrame:
    """One row per import that stored observations: ``campaign``, ``protocol``, ``rules_hash``, ``import_id``.

    With ``legacy``, imports made before walktool recorded rules take the protocol named
    on their observations and the hash of that version's file (archived, else in
    ``protocols/``); without, they are left out (nothing recorded to check against).
    """
    import pandas as pd

    log = project.store.read("imports", columns=["import_id", "campaign", "protocol", "rules_hash", "observations"])
    log = log[pd.to_numeric(log["observations"], errors="coerce").fillna(0) > 0].copy()
    log["campaign"] = log["campaign"].fillna("default")
    missing = log["protocol"].isna() | log["rules_hash"].isna()
    if not legacy:
        return log[~missing].reset_index(drop=True)
    if missing.any():
        stops = project.store.read("observations", columns=["campaign", "protocol"])
        stops["campaign"] = stops["campaign"].fillna("default")
        named = stops.dropna(subset=["protocol"]).drop_duplicates("campaign").set_index("campaign")["protocol"]
        log.loc[missing, "protocol"] = log.loc[missing, "protocol"].fillna(log.loc[missing, "campaign"].map(named))
        for ref in log.loc[missing, "protocol"].dropna().unique():
            proto = rules_protocol(project, str(ref), None)
            if proto is not None:
                log.loc[missing & log["protocol"].eq(ref), "rules_hash"] = proto.rules_hash
    return log.dropna(subset=["protocol"]).reset_index(drop=True)


def imported_with(project: Project, campaign: str | None) -> list[tuple[str, str]]:
    """The ``(id@version, rules hash)`` pairs a campaign (all when None) was imported with, oldest version first."""
    from walktool.protocol.files import version_key

    log = import_rules(project)
    if campaign is not None:
        log = log[log["campaign"] == campaign]
    pairs = {(str(r), str(h)) for r, h in zip(log["protocol"], log["rules_hash"].fillna("unknown"), strict=True)}
    return sorted(pairs, key=lambda p: (p[0].split("@")[0], version_key(p[0].partition("@")[2]), p[1]))


# -- finding protocols --------------------------------------------------------------
def rules_protocol(project: Project, ref: str, rules_hash: str | None) -> Protocol | None:
    """Version ``ref`` with these rules: from the archive, else from ``protocols/`` (None when neither has it)."""
    from walktool.protocol.archive import find_archived

    found = find_archived(project.protocols_dir, ref, rules_hash)
    if found is not None:
        return found
    try:
        current = project.protocol(ref)
    except WalktoolError:
        return None
    if current.ref != ref or (rules_hash is not None and current.rules_hash != rules_hash):
        return None
    return current


def protocol_version(project: Project, ref: str) -> Protocol:
    """The protocol ``ref`` (``id@version``, or an id for its latest version) from ``protocols/`` or the archive.

    Raises
    ------
    RulesError
        When no file of that version is in ``protocols/`` or ``protocols/archive/``.
    """
    from walktool.protocol.archive import archived_protocols, find_archived

    try:
        return project.protocol(ref)
    except WalktoolError:
        pass
    found = find_archived(project.protocols_dir, ref)
    if found is not None:
        return found
    known = sorted({r for r, _ in archived_protocols(project.protocols_dir)})
    msg = (
        Phrase(N_("no protocol {ref!r} in {protocols_dir} or its archive (archived: {value}); name a version as ID@VERSION, or use --rules current"), ref=ref, protocols_dir=project.protocols_dir, value=', '.join(known) or 'none')
    )
    raise RulesError(msg)


def scoring_rules(project: Project, campaign: str | None, rules: str | None = None) -> tuple[Protocol, ScoringRules]:
    """The protocol to compute a campaign's figures with, and the rules they come from.

    Parameters
    ----------
    project
        The open project.
    campaign
        The campaign (None: every campaign).
    rules
        None or ``"imported"``: the rules each import was scored with (the stored
        scores; the protocol returned is the campaign's latest version, for labels and
        weights); ``"current"``: the project's current protocol; ``"ID@VERSION"``: that
        version (from ``protocols/`` or ``protocols/archive/``).

    Raises
    ------
    RulesError
        When the version asked for cannot be found.
    """
    imported = tuple(imported_with(project, campaign))
    if rules in (None, RULES_IMPORTED):
        if not imported:
            current = project.protocol()
            return current, ScoringRules(current.ref, current.rules_hash)
        protocol = rules_protocol(project, *imported[-1]) or project.protocol()
        refs = list(dict.fromkeys(ref for ref, _ in imported))
        hashes = list(dict.fromkeys(h for _, h in imported))
        return protocol, ScoringRules(", ".join(refs), ", ".join(hashes), imported=imported)
    protocol = project.protocol() if rules == RULES_CURRENT else protocol_version(project, str(rules))
    return protocol, ScoringRules(protocol.ref, protocol.rules_hash, rescored=True, imported=imported)


# -- checking ---------------------------------------------------------------------
def rules_warnings(project: Project, protocol: Protocol | None = None) -> list[Issue]:
    """``rules-changed-same-version``: a protocol file whose rules differ from those its version was imported with.

    Checks every protocol file in ``protocols/`` (or only ``protocol``, e.g. a file
    being validated) against the rules recorded for its ``id@version``, and names the
    campaigns scored under the earlier rules.
    """
    from walktool.protocol.files import find_protocols, load_protocol

    try:
        log = import_rules(project, legacy=False)  # only what imports recorded: no read of the observations
    except WalktoolError:
        return []
    if log.empty:
        return []
    if protocol is not None:
        candidates = [protocol]
    else:
        candidates = []
        for key, path in find_protocols(project.protocols_dir).items():
            if "@" not in key:
                continue
            try:
                candidates.append(load_protocol(path))
            except ProtocolError:
                continue
    out: list[Issue] = []
    for proto in candidates:
        rows = log[(log["protocol"] == proto.ref) & log["rules_hash"].notna() & (log["rules_hash"] != proto.rules_hash)]
        if rows.empty:
            continue
        campaigns = sorted(set(rows["campaign"].astype(str)))
        earlier = ", ".join(sorted(set(rows["rules_hash"].astype(str))))
        where = str(proto.path) if proto.path is not None else proto.ref
        message = (
            f"the scoring rules of {proto.ref} changed (rules {earlier} → {proto.rules_hash}) but its version did not;"
            f" campaign(s) scored under the earlier rules: {', '.join(campaigns)}. Give the edited file a new"
            f" version (e.g. version: \"{_next_version(proto.version)}\"): those campaigns keep the rules they were"
            f" imported with (protocols/archive/), and --rules current re-scores them under the new ones"
        )
        out.append(Issue(code=RULES_CHANGED, message=message, level="warning", file=where, column="version", value=proto.version))
    return out


def _next_version(version: str) -> str:
    head, _, last = str(version).rpartition(".")
    return f"{head}.{int(last) + 1}" if last.isdigit() and head else f"{version}.1"


def provenance_columns(observations: pd.DataFrame, project: Project, rules: ScoringRules) -> dict[str, Any]:
    """``protocol`` and ``rules_hash`` of every observation row, for exports.

    Under the imported rules each row keeps its import's; re-scored rows all carry the rules used.
    """
    if rules.rescored or "import_id" not in observations:
        return {"protocol": rules.protocol, "rules_hash": rules.rules_hash}
    log = import_rules(project)
    run = log["import_id"].astype(str).str.rsplit("-", n=1).str[0]
    by_run = dict(zip(run, log["rules_hash"], strict=True))
    protocol = observations.get("protocol", rules.protocol)
    return {"protocol": protocol, "rules_hash": observations["import_id"].map(by_run).fillna(rules.rules_hash)}
