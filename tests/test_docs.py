"""The documentation stays true: the command reference is regenerated from ``--help``."""

from __future__ import annotations

from pathlib import Path

from walktool.docs_cli import command_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_command_reference_is_current() -> None:
    expected = command_reference()
    actual = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run `make docs` and commit it"


def test_command_reference_lists_every_command_of_the_brief() -> None:
    text = command_reference()
    for command in ("init", "import", "check", "summary", "recommend", "compare", "agreement", "export", "protocol list", "protocol show", "protocol validate", "stations show", "stations import"):
        assert f"## `walktool {command}`" in text
