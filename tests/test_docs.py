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


def test_mapping_doc_shows_the_example_files_as_they_are() -> None:
    doc = (DOCS / "mapping.md").read_text(encoding="utf-8")
    for name in ("station_audit.csv", "station_audit.mapping.yaml"):
        assert (DOCS / "examples" / name).read_text(encoding="utf-8") in doc, name
    for section in ("`columns`", "`answers`", "`header_row`", "`crs`"):
        assert f"| {section} |" in doc


def test_import_doc_says_what_a_row_is_for_every_format() -> None:
    from walktool.ingest.report import ROW_MEANING
    from walktool.readers import FORMAT_NAMES

    doc = (DOCS / "import.md").read_text(encoding="utf-8")
    assert set(ROW_MEANING) == set(FORMAT_NAMES)
    for fmt, meaning in ROW_MEANING.items():
        assert f"| `{fmt}` | {meaning} |" in doc
