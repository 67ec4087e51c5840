"""Shared pieces of the command line: options, consoles, error handling, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from walktool.errors import WalktoolError

F = TypeVar("F", bound=Callable[..., Any])

ProjectOpt = Annotated[
    Path,
    typer.Option("--project", "-p", help="Project folder (default: the current folder).", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else there.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language: fr or en (default: the project's).")]


class _State:
    debug = False


state = _State()


def err(message: str) -> None:
    """Print a message on stderr."""
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)


def out_console() -> Any:
    """A rich console on stdout."""
    from rich.console import Console

    return Console(highlight=False)


def print_json(doc: Any) -> None:
    """Print ``doc`` as the single JSON document on stdout."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


def check_lang(lang: str | None) -> str | None:
    """Validate a --lang value."""
    if lang is not None and lang not in ("fr", "en"):
        raise typer.BadParameter(f"{lang!r}: use fr or en", param_hint="--lang")
    return lang


def handle_errors(fn: F) -> F:
    """Turn walktool errors into ``Error: …`` on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except WalktoolError as exc:
            if state.debug:
                raise
            err(f"Error: {exc}")
            raise typer.Exit(1) from exc
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except OSError as exc:
            if state.debug:
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            err(f"Error: {where}{exc.strerror or exc}")
            raise typer.Exit(1) from exc
        except Exception as exc:
            if state.debug:
                raise
            err(
                f"Error: unexpected {type(exc).__name__}: {exc}. This is a bug in walktool;"
                " run the command again with --debug for the details and report them."
            )
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]
