"""Shared pieces of the command line: options, consoles, error handling, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

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


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so that transactions roll back and temporary folders go."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


def install_signal_handlers() -> None:
    """Turn SIGTERM into :class:`Terminated` (only the main thread may set handlers)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_sigterm)


def _failure(exc: BaseException) -> tuple[str, str, str | None]:
    """(code, message, file) of a failure, as ``Error: …`` and the ``--json`` error document give it."""
    from walktool.errors import failure_of

    return failure_of(exc)


def _fail(exc: BaseException, as_json: bool) -> None:
    code, message, file = _failure(exc)
    if as_json:
        print_json({"error": {"code": code, "message": message, "file": file}})
    err(f"Error: {message}")


def handle_errors(fn: F) -> F:
    """Turn failures into ``Error: …`` on stderr (with ``--json``: an error document on stdout) and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        install_signal_handlers()
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except typer.BadParameter as exc:
            if as_json:
                print_json({"error": {"code": "usage", "message": exc.format_message(), "file": None}})
            raise
        except (KeyboardInterrupt, Terminated):
            if as_json:
                print_json({"error": {"code": "interrupted", "message": "interrupted: nothing of this command was stored", "file": None}})
            raise typer.Exit(130) from None
        except Exception as exc:
            if state.debug:
                raise
            _fail(exc, as_json)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]
