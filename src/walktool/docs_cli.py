"""Generate the command reference (docs/cli.md) from the commands' own ``--help``.

Run ``make docs`` (or ``python -m walktool.docs_cli > docs/cli.md``);
``tests/test_docs.py`` fails when docs/cli.md is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

WIDTH = 100


def _help(path: list[str]) -> str:
    from typer.testing import CliRunner

    from walktool.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH), "TERM": "dumb", "NO_COLOR": "1", "WALKTOOL_LANG": "en"}, prog_name="walktool")
    return result.output


def _walk(command: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    commands = getattr(command, "commands", None) or {}
    for name, sub in commands.items():  # in registration order, as ``--help`` lists them
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, [*path, name])


def command_reference() -> str:
    """The Markdown command reference: every command's ``--help``, in the order ``walktool --help`` lists them."""
    import typer

    from walktool.cli import app

    root = typer.main.get_command(app)
    parts = [
        "# Command reference",
        "",
        "Generated from the commands' own `--help` by `make docs` (`python -m walktool.docs_cli`);",
        "a test fails when this page is stale. Every command takes `--help`; `--debug` before the",
        "command shows full tracebacks. Exit codes: 0 done, 1 a walktool error, 2 a usage error.",
        "A failure prints `Error: …` on stderr, naming the file (and row, cell or setting) and what to",
        "do; with `--json` it also prints one JSON document on stdout,",
        '`{"error": {"code": "…", "message": "…", "file": "…"}}` (codes such as `store-damaged`,',
        "`store-empty`, `disk-full`, `read-only`, `campaign-move`, `too-large`, `project`). SIGTERM",
        "stops a command like Ctrl-C: nothing half-written is kept, temporary files are removed.",
        "",
    ]
    for path in _walk(root, []):
        title = " ".join(["walktool", *path])
        parts += [f"## `{title}`", "", "```text", _help(path).rstrip(), "```", ""]
    return "\n".join(parts)


def main() -> None:
    """Print the command reference on stdout."""
    sys.stdout.write(command_reference())


if __name__ == "__main__":
    main()
