"""Command-line pieces of score provenance: ``--rules`` / ``--protocol`` and the rules warnings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from walktool.cli._common import _, err, issue_words
from walktool.i18n import N_

if TYPE_CHECKING:
    from walktool.project import Project
    from walktool.provenance import ScoringRules

RulesOpt = Annotated[
    str | None,
    typer.Option(
        "--rules",
        help=N_("Scoring rules: 'imported' (default: those each campaign was imported with) or 'current' (re-score"
        " the stored answers under the project's current protocol)."),
        show_default=False,
    ),
]
VersionOpt = Annotated[
    str | None,
    typer.Option(
        "--protocol",
        help=N_("Re-score under this protocol version, ID@VERSION (from protocols/ or protocols/archive/)."),
        show_default=False,
    ),
]


def rules_choice(rules: str | None, protocol: str | None) -> str | None:
    """The ``rules`` argument of the library from ``--rules`` and ``--protocol`` (None: as imported)."""
    if rules is not None and protocol is not None:
        raise typer.BadParameter(_("give --rules or --protocol, not both"), param_hint="--protocol")
    if rules is not None and rules not in ("imported", "current"):
        raise typer.BadParameter(_("{value}: use imported or current (or --protocol ID@VERSION)").format(value=repr(rules)), param_hint="--rules")
    if protocol is not None and "@" not in protocol:
        raise typer.BadParameter(
            _("{value}: name a version as ID@VERSION, e.g. stm-exploratory-walk@1.0").format(value=repr(protocol)), param_hint="--protocol"
        )
    return protocol if protocol is not None else (None if rules == "imported" else rules)


def open_checked(path: Path, *, read_only: bool = False) -> Project:
    """Open a project (``read_only``: its store for reading only) and print its ``rules-changed-same-version`` warnings on stderr."""
    from walktool.project import open_project

    project = open_project(path, read_only=read_only)
    warn_rules(project)
    return project


def warn_rules(project: Project) -> None:
    """Print the project's ``rules-changed-same-version`` warnings on stderr (stdout stays clean for --json)."""
    from walktool.provenance import rules_warnings

    for issue in rules_warnings(project):
        err(_("Warning [{code}] {file}: {message}").format(code=issue.code, file=issue.file, message=issue_words(issue)))


def say_rules(rules: ScoringRules) -> str:
    """One line naming the rules the figures come from."""
    text = _("{protocol} (rules {hash})").format(protocol=rules.protocol, hash=rules.rules_hash)
    if rules.rescored:
        before = ", ".join(_("{protocol} (rules {hash})").format(protocol=ref, hash=h) for ref, h in rules.imported) or _("unknown rules")
        text = _("{rules}, re-scored; imported under {before}").format(rules=text, before=before)
    return _("Scores under {rules}.").format(rules=text)
