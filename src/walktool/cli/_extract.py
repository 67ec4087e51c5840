"""``pybabel extract`` for the command line: the Python messages, and the command docstrings Typer shows as help.

Typer takes a command's help from its function's docstring; :func:`extract` yields
those (as :func:`inspect.cleandoc` leaves them, the text click shows) besides every
message Babel's own Python extractor finds, so that ``make catalogs`` keeps them in
the catalog (``babel.cfg`` maps ``src/walktool/cli/**.py`` to it).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def _is_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function Typer makes a command of: wrapped by ``handle_errors`` or registered with a decorator of an app."""
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
        if name in ("handle_errors", "command", "callback"):
            return True
    return False


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel's Python messages of ``fileobj``, then the docstrings of its commands (as ``N_`` messages)."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, "N_", doc, []
