"""The gettext foundation: translators, language resolution, and catalogs that are complete and compiled."""

from __future__ import annotations

import gettext
import io
import subprocess
import sys
from pathlib import Path

import pytest

from walktool.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    N_,
    NC_,
    Msg,
    all_translations,
    resolve_language,
    translator,
)

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"N_": None, "NC_": ((1, "c"), 2), "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "_": None}


def test_translator_gettext_pgettext_ngettext_and_cache() -> None:
    fr = translator("fr")
    assert fr is translator("fr") and fr.lang == "fr"
    assert fr.gettext("Findings") == "Constats" and fr("Findings") == "Constats"
    assert fr.pgettext("column", "Target timeframe") == "Délai visé"
    assert fr.pgettext("status", "done") == "réalisée"
    assert fr.text(NC_("sheet", "Summary")) == "Synthèse" and fr.text(N_("Findings")) == "Constats"
    assert fr.text("⚠ low confidence: fewer than {n} participants", n=3) == "⚠ peu fiable : moins de 3 participant·es"
    en = translator("en")
    assert en.gettext("Findings") == "Findings" and en.pgettext("status", "done") == "done"
    assert translator("de").gettext("Findings") == "Findings"  # no catalog: the English msgid
    assert fr.ngettext("{n} zebra", "{n} zebras", 1) == "{n} zebra"  # no translation: English forms
    assert all_translations(NC_("sheet", "Summary")) == {"Synthèse", "Summary"}
    assert isinstance(NC_("a", "b"), Msg) and N_("x") == "x"


def test_resolve_language_order() -> None:
    class Settings:
        language = "en"

    assert resolve_language("en", Settings(), environ={"WALKTOOL_LANG": "fr"}) == "en"  # --lang first
    assert resolve_language(None, Settings(), environ={"WALKTOOL_LANG": "fr_CA.UTF-8"}) == "fr"  # then the variable
    assert resolve_language(None, Settings(), environ={}) == "en"  # then the project
    assert resolve_language(None, {"language": "en"}, environ={"WALKTOOL_LANG": "xx"}) == "en"  # unknown: ignored
    assert resolve_language(None, None, environ={}) == "fr"  # then French
    with pytest.raises(ValueError, match="fr or en"):
        resolve_language("de", None, environ={})


def test_loading_imports_nothing_heavy() -> None:
    code = (
        "import sys, walktool.i18n as i; i.translator('fr').gettext('Findings');"
        "print(','.join(m for m in ('babel', 'pandas', 'numpy', 'openpyxl', 'reportlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/walktool.po"))


def test_every_language_has_a_catalog_and_the_package_ships_it() -> None:
    langs = {p.parts[-3] for p in _po_files()}
    assert "fr" in langs and langs <= set(LANGUAGES)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "locale/*/LC_MESSAGES/*.mo" in pyproject and "locale/*/LC_MESSAGES/*.po" in pyproject


@pytest.mark.parametrize("po", _po_files(), ids=lambda p: p.parts[-3])
def test_compiled_catalog_is_not_stale(po: Path) -> None:
    """The committed .mo holds exactly what its .po says (run `make catalogs` after editing a .po)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make catalogs`"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
    with mo.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    expected = {k: v for k, v in expected.items() if k != ""}
    committed = {k: v for k, v in committed.items() if k != ""}
    stale = sorted(str(k) for k in set(expected) ^ set(committed)) + sorted(
        str(k) for k in set(expected) & set(committed) if expected[k] != committed[k]
    )
    assert not stale, f"{mo} is older than {po.name}: run `make catalogs` ({stale[:5]})"


def test_every_used_string_has_its_french() -> None:
    """Each msgid marked in the code has a non-empty, non-fuzzy French msgstr."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "walktool.po").open("rb") as fh:
        fr = read_po(fh)
    used: set[tuple[str | None, str]] = set()
    method_map = [("**.py", "python")]
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT / "src" / "walktool", method_map=method_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            used.add((context, msgid))
    assert len(used) > 100
    missing = []
    for context, msgid in sorted(used, key=lambda k: (k[0] or "", k[1])):
        entry = fr.get(msgid, context=context)
        translated = entry is not None and entry.string and (
            entry.string if isinstance(entry.string, str) else all(entry.string)
        )
        if not translated or (entry is not None and entry.fuzzy):
            missing.append(f"{context or ''}|{msgid}")
    assert not missing, f"no French for {len(missing)} string(s); add them to the .po and run `make catalogs`: {missing[:8]}"
