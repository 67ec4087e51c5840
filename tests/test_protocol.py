"""The checklist format: the shipped protocol, answer parsing, vocabularies and the validator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app
from walktool.errors import ProtocolError
from walktool.protocol import Protocol, load_protocol, validate_protocol, validate_protocol_text

PRINCIPLE_KEYS = ["signage", "visibility", "liveliness", "help", "maintenance", "community"]
ITEM_PRINCIPLES = {
    "sign_exits": "signage",
    "sign_station_map": "signage",
    "sign_help_point": "signage",
    "sign_readable": "signage",
    "light_level": "visibility",
    "dark_corners": "visibility",
    "lights_out": "visibility",
    "sightline_clear": "visibility",
    "hiding_spots": "visibility",
    "people_present": "liveliness",
    "women_children_present": "liveliness",
    "shops_open": "liveliness",
    "staff_distance_m": "liveliness",
    "emergency_phone": "help",
    "staff_visible": "help",
    "cctv_visible": "help",
    "help_info_posted": "help",
    "escape_routes": "help",
    "entrapment_spot": "help",
    "cleanliness": "maintenance",
    "offensive_graffiti": "maintenance",
    "broken_equipment": "maintenance",
    "odour_or_water": "maintenance",
    "seating": "maintenance",
    "reporting_info": "community",
    "outreach_presence": "community",
    "suggestion": "community",
    "feeling": "perception",
    "alone_at_night": "perception",
}
NEGATIVE_ITEMS = {
    "dark_corners",
    "lights_out",
    "hiding_spots",
    "entrapment_spot",
    "offensive_graffiti",
    "broken_equipment",
    "odour_or_water",
}


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_protocol(walktool.default_protocol_path())


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line of ``path`` containing ``needle``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s) in {path}"
    return hits[occurrence - 1]


# ---------------------------------------------------------------------------
# The shipped protocol
# ---------------------------------------------------------------------------


def test_shipped_protocol_validates_without_errors_or_warnings() -> None:
    protocol, issues = validate_protocol(walktool.default_protocol_path())
    assert protocol is not None
    assert [str(i) for i in issues] == []
    assert protocol.id == "stm-exploratory-walk"
    assert protocol.path == walktool.default_protocol_path()


def test_shipped_protocol_has_every_principle_and_item(protocol: Protocol) -> None:
    assert protocol.principle_keys == PRINCIPLE_KEYS
    assert {i.key for i in protocol.items} == set(ITEM_PRINCIPLES)
    for key, principle in ITEM_PRINCIPLES.items():
        assert protocol.item(key).principle == principle, key
    assert {i.key for i in protocol.items if i.polarity == "negative"} >= NEGATIVE_ITEMS


def test_shipped_protocol_labels_are_bilingual(protocol: Protocol) -> None:
    assert protocol.principle("signage").label.fr == "Savoir où l'on est et où l'on va"
    assert protocol.principle("signage").label.en == "Know where you are and where you are going"
    assert protocol.principle("visibility").label.get("en") == "See and be seen"
    for item in protocol.items:
        assert item.label.fr and item.label.en and item.label.fr != item.label.en, item.key


def test_shipped_protocol_kinds_and_scoring_flags(protocol: Protocol) -> None:
    assert protocol.item("light_level").kind == "scale"
    assert protocol.item("lights_out").kind == "count"
    assert protocol.item("staff_distance_m").kind == "number"
    assert protocol.item("suggestion").kind == "text"
    assert not protocol.item("suggestion").scored
    assert not protocol.item("feeling").scored
    assert not protocol.item("alone_at_night").scored
    assert protocol.item("sign_exits").scored
    assert [c.value for c in protocol.item("feeling").answer.choices] == [
        "comfortable",
        "uncomfortable",
        "frightening",
    ]
    assert [c.value for c in protocol.item("emergency_phone").answer.choices] == ["yes", "no", "not_working"]
    for item in protocol.items:
        if item.scored:
            assert item.recommendation is not None, item.key
    assert protocol.problem_below == 0.5
    assert protocol.severity_weights == {"low": 1.0, "medium": 2.0, "high": 4.0, "critical": 8.0}


# ---------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Oui", "oui", "O", "1", "yes", "YES", " oui ", "Yes"])
def test_yes_spellings(protocol: Protocol, raw: str) -> None:
    answer = protocol.parse_answer("sign_exits", raw)
    assert answer is not None
    assert (answer.value, answer.score, answer.na) == ("yes", 1.0, False)


@pytest.mark.parametrize("raw", ["Non", "non", "N", "0", "no"])
def test_no_spellings(protocol: Protocol, raw: str) -> None:
    answer = protocol.parse_answer("sign_exits", raw)
    assert answer is not None
    assert (answer.value, answer.score) == ("no", 0.0)


@pytest.mark.parametrize("raw", ["S.O.", "s.o.", "n/a", "N/A", "Sans objet", "not applicable"])
def test_not_applicable_is_kept_without_score(protocol: Protocol, raw: str) -> None:
    answer = protocol.parse_answer("sign_exits", raw)
    assert answer is not None
    assert answer.value == "na"
    assert answer.na is True
    assert answer.score is None


def test_emergency_phone_out_of_order(protocol: Protocol) -> None:
    for raw in ("hors service", "Hors-Service", "not working", "en panne"):
        answer = protocol.parse_answer("emergency_phone", raw)
        assert answer is not None, raw
        assert answer.value == "not_working"
        assert answer.score == 0.0
        assert answer.severity == "high"
    working = protocol.parse_answer("emergency_phone", "oui")
    assert working is not None
    assert (working.value, working.score, working.severity) == ("yes", 1.0, None)


def test_scale_scores(protocol: Protocol) -> None:
    def parse(raw: str) -> tuple[str, float | None]:
        answer = protocol.parse_answer("light_level", raw)
        assert answer is not None, raw
        return answer.value, answer.score

    assert parse("0") == ("0", 0.0)
    assert parse("1") == ("1", pytest.approx(1 / 3, abs=1e-3))
    assert parse("2") == ("2", pytest.approx(2 / 3, abs=1e-3))
    assert parse("3") == ("3", 1.0)
    assert parse("Suffisant") == parse("2")
    assert parse("bright") == parse("3")


def test_negative_polarity_inverts_choice_score(protocol: Protocol) -> None:
    yes = protocol.parse_answer("dark_corners", "oui")
    no = protocol.parse_answer("dark_corners", "Non")
    assert yes is not None and no is not None
    assert (yes.value, yes.score) == ("yes", 0.0)
    assert (no.value, no.score) == ("no", 1.0)


def test_count_is_scored_linearly(protocol: Protocol) -> None:
    # count: good_at_most 0, bad_at_least 3
    expected = {"0": 1.0, "1": 2 / 3, "2": 1 / 3, "3": 0.0, "7": 0.0}
    for raw, score in expected.items():
        answer = protocol.parse_answer("lights_out", raw)
        assert answer is not None, raw
        assert answer.value == raw
        assert answer.score == pytest.approx(score, abs=1e-4), raw
    assert protocol.parse_answer("lights_out", "2.5") is None  # not a whole number
    assert protocol.parse_answer("lights_out", "-1") is None


def test_metres_parse_with_unit_and_decimal_comma(protocol: Protocol) -> None:
    # metres: good_at_most 50, bad_at_least 300
    a = protocol.parse_answer("staff_distance_m", "120 m")
    b = protocol.parse_answer("staff_distance_m", "120,5")
    c = protocol.parse_answer("staff_distance_m", "30")
    d = protocol.parse_answer("staff_distance_m", "400 mètres")
    assert a is not None and b is not None and c is not None and d is not None
    assert (a.value, a.score) == ("120", pytest.approx(1 - 70 / 250))
    assert (b.value, b.score) == ("120.5", pytest.approx(1 - 70.5 / 250, abs=1e-4))
    assert c.score == 1.0
    assert d.score == 0.0
    na = protocol.parse_answer("staff_distance_m", "n/a")
    assert na is not None and na.na and na.score is None


@pytest.mark.parametrize(
    ("item", "raw"),
    [
        ("sign_exits", "peut-être"),
        ("sign_exits", "blah"),
        ("light_level", "7"),
        ("light_level", "très très"),
        ("emergency_phone", "???"),
        ("lights_out", "beaucoup"),
        ("staff_distance_m", "loin"),
        ("sign_exits", ""),
    ],
)
def test_garbage_answers_are_not_understood(protocol: Protocol, item: str, raw: str) -> None:
    assert protocol.parse_answer(item, raw) is None


def test_text_and_perception_answers(protocol: Protocol) -> None:
    text = protocol.parse_answer("suggestion", "  Plus de lumière  ")
    assert text is not None and text.value == "Plus de lumière" and text.score is None
    assert protocol.parse_answer("suggestion", "   ") is None
    feeling = protocol.parse_answer("feeling", "mal à l'aise")
    assert feeling is not None
    assert feeling.value == "uncomfortable"
    assert feeling.score is None  # perception never enters the scores


def test_answer_label(protocol: Protocol) -> None:
    assert protocol.answer_label("sign_exits", "yes", "fr") == "Oui"
    assert protocol.answer_label("sign_exits", "na", "en") == "Not applicable"
    assert protocol.answer_label("staff_distance_m", "120", "fr") == "120 m"


# ---------------------------------------------------------------------------
# Names and vocabularies
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("sign_exits", "sign_exits"),
        ("exit signs", "sign_exits"),
        ("Signalisation des sorties", "sign_exits"),
        ("Interphone", "emergency_phone"),
        ("emergency phone", "emergency_phone"),
        ("Coins sombres", "dark_corners"),
        ("dark corners", "dark_corners"),
        ("Lumières éteintes", "lights_out"),
        ("Light level", "light_level"),
        ("Is there a visible emergency phone or intercom here, and does it work?", "emergency_phone"),
    ],
)
def test_match_item(protocol: Protocol, raw: str, key: str) -> None:
    item = protocol.match_item(raw)
    assert item is not None, raw
    assert item.key == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("signage", "signage"),
        ("Signalisation", "signage"),
        ("Savoir où l'on est et où l'on va", "signage"),
        ("see and be seen", "visibility"),
        ("Éclairage", "visibility"),
        ("Voir et être vu·e", "visibility"),
        ("achalandage", "liveliness"),
        ("Hear and be heard", "liveliness"),
        ("obtenir de l'aide", "help"),
        ("Entretien", "maintenance"),
        ("Agir ensemble", "community"),
    ],
)
def test_match_principle(protocol: Protocol, raw: str, key: str) -> None:
    principle = protocol.match_principle(raw)
    assert principle is not None, raw
    assert principle.key == key


def test_unknown_names_match_nothing(protocol: Protocol) -> None:
    assert protocol.match_item("flux capacitor") is None
    assert protocol.match_principle("astrology") is None
    assert protocol.match_item("") is None


@pytest.mark.parametrize(
    ("vocab", "raw", "value"),
    [
        ("zones", "quai", "platform"),
        ("zones", "Quai", "platform"),
        ("zones", "mezzanine", "hall"),
        ("zones", "édicule", "entrance"),
        ("zones", "Edicule", "entrance"),
        ("zones", "couloir", "corridor"),
        ("zones", "escalier mécanique", "stairs"),
        ("zones", "correspondance", "transfer"),
        ("zones", "boucle d'autobus", "bus_loop"),
        ("periods", "nuit", "night"),
        ("periods", "soir", "night"),
        ("periods", "jour", "day"),
        ("severities", "critique", "critical"),
        ("severities", "Élevée", "high"),
        ("severities", "moyenne", "medium"),
        ("severities", "faible", "low"),
    ],
)
def test_context_vocabularies(protocol: Protocol, vocab: str, raw: str, value: str) -> None:
    assert getattr(protocol, vocab).match(raw) == value


def test_context_vocabularies_reject_garbage_and_give_labels(protocol: Protocol) -> None:
    assert protocol.zones.match("cuisine") is None
    assert protocol.periods.match("") is None
    assert [c.value for c in protocol.zones.choices] == [
        "entrance",
        "hall",
        "corridor",
        "stairs",
        "platform",
        "transfer",
        "bus_loop",
    ]
    assert protocol.zones.label("platform", "fr") == "Quai"
    assert protocol.zones.label("platform", "en") == "Platform"


# ---------------------------------------------------------------------------
# The validator
# ---------------------------------------------------------------------------


def test_three_mistakes_are_all_reported_with_lines(data_dir: Path) -> None:
    path = data_dir / "protocols" / "three_mistakes.yaml"
    protocol, issues = validate_protocol(path)
    assert protocol is None
    errors = [i for i in issues if i.level == "error"]
    by_code = {i.code: i for i in errors}
    assert sorted(by_code) == ["duplicate-key", "scale-without-score", "unknown-principle"]
    assert len(errors) == 3
    assert by_code["unknown-principle"].row == line_of(path, "principle: cleanliness")
    assert "cleanliness" in by_code["unknown-principle"].message
    # the second `- key: light_level` is the duplicate; the message points to the first
    assert by_code["duplicate-key"].row == line_of(path, "- key: light_level", occurrence=2)
    assert f"line {line_of(path, '- key: light_level')}" in by_code["duplicate-key"].message
    assert by_code["scale-without-score"].row == line_of(path, '- value: "2"')
    assert "'2'" in by_code["scale-without-score"].message
    assert all(i.file == str(path) for i in errors)
    # pinned too, so a silent change of the fixture file is noticed
    assert [by_code[c].row for c in ("scale-without-score", "unknown-principle", "duplicate-key")] == [29, 63, 73]


def test_load_protocol_raises_listing_every_error(data_dir: Path) -> None:
    with pytest.raises(ProtocolError) as info:
        load_protocol(data_dir / "protocols" / "three_mistakes.yaml")
    assert sorted(i.code for i in info.value.issues) == ["duplicate-key", "scale-without-score", "unknown-principle"]
    assert "walktool protocol validate" in str(info.value)


def test_cli_validate_three_mistakes(runner: CliRunner, data_dir: Path) -> None:
    path = data_dir / "protocols" / "three_mistakes.yaml"
    result = runner.invoke(app, ["protocol", "validate", str(path)])
    assert result.exit_code == 1
    text = result.stderr
    assert "Traceback" not in text
    for code, needle, occurrence in (
        ("unknown-principle", "principle: cleanliness", 1),
        ("duplicate-key", "- key: light_level", 2),
        ("scale-without-score", '- value: "2"', 1),
    ):
        line = line_of(path, needle, occurrence)
        matching = [row for row in text.splitlines() if f"[{code}]" in row]
        assert len(matching) == 1, text
        assert f"line {line}" in matching[0]
    assert "3 errors;" in text


def test_cli_validate_json(runner: CliRunner, data_dir: Path) -> None:
    path = data_dir / "protocols" / "three_mistakes.yaml"
    result = runner.invoke(app, ["protocol", "validate", str(path), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False
    assert doc["file"] == str(path)
    codes = sorted(i["code"] for i in doc["issues"] if i["level"] == "error")
    assert codes == ["duplicate-key", "scale-without-score", "unknown-principle"]
    rows = {i["code"]: i["row"] for i in doc["issues"]}
    assert rows["unknown-principle"] == line_of(path, "principle: cleanliness")

    ok = runner.invoke(app, ["protocol", "validate", str(walktool.default_protocol_path()), "--json"])
    assert ok.exit_code == 0
    good = json.loads(ok.stdout)
    assert good == {"file": str(walktool.default_protocol_path()), "valid": True, "issues": []}


def _shipped_text() -> str:
    return walktool.default_protocol_path().read_text(encoding="utf-8")


def test_yaml_syntax_error_has_a_line() -> None:
    text = "id: broken\nversion: \"1\"\nitems:\n  - key: a\n    label: {fr: \"x\", en: \"y\"\n  - key: b\n"
    protocol, issues = validate_protocol_text(text, "broken.yaml")
    assert protocol is None
    assert [i.code for i in issues] == ["yaml-syntax"]
    assert issues[0].row is not None and 5 <= issues[0].row <= 6
    assert issues[0].file == "broken.yaml"


def test_duplicate_yaml_mapping_key() -> None:
    text = _shipped_text().replace(
        'version: "1.0"\n', 'version: "1.0"\nversion: "1.1"\n', 1
    )
    protocol, issues = validate_protocol_text(text, "dup.yaml")
    assert protocol is None
    dup = [i for i in issues if i.code == "duplicate-key"]
    assert len(dup) == 1
    expected_line = text.splitlines().index('version: "1.1"') + 1
    assert dup[0].row == expected_line
    assert "version" in dup[0].message


def test_missing_label_translation() -> None:
    original = '    label: {fr: "Voir et être vu·e", en: "See and be seen"}\n'
    text = _shipped_text()
    assert original in text
    text = text.replace(original, '    label: {fr: "Voir et être vu·e"}\n', 1)
    protocol, issues = validate_protocol_text(text, "nolabel.yaml")
    assert protocol is None
    missing = [i for i in issues if i.code == "missing-label"]
    assert len(missing) == 1
    assert "'en'" in missing[0].message
    assert missing[0].row == text.splitlines().index('    label: {fr: "Voir et être vu·e"}') + 1
    assert [i.code for i in issues if i.level == "error"] == ["missing-label"]


def test_unknown_field_is_only_a_warning() -> None:
    text = _shipped_text().replace("    principle: signage\n", "    principle: signage\n    polarty: positive\n", 1)
    protocol, issues = validate_protocol_text(text, "typo.yaml")
    assert protocol is not None
    assert [(i.code, i.level) for i in issues] == [("unknown-field", "warning")]
    assert "polarty" in issues[0].message


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("answer: yes_no_na\n", "answer: yes_no_maybe\n", "unknown-answer-type"),
        ("      timeframe: short\n", "      timeframe: someday\n", "bad-value"),
        ("    polarity: negative\n", "    polarity: sideways\n", "bad-value"),
        ("    score: {good_at_most: 0, bad_at_least: 3}\n", "    score: {good_at_most: 3, bad_at_least: 3}\n", "bad-score"),
        ("        score: 0.333\n", "        score: 33\n", "bad-score"),
        ('id: stm-exploratory-walk\n', "", "missing-field"),
    ],
)
def test_other_error_codes(old: str, new: str, code: str) -> None:
    text = _shipped_text()
    assert old in text
    protocol, issues = validate_protocol_text(text.replace(old, new, 1), "edited.yaml")
    assert protocol is None
    assert code in {i.code for i in issues if i.level == "error"}


def test_validate_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="no such protocol file"):
        validate_protocol(tmp_path / "nope.yaml")


def test_find_protocols_takes_the_highest_version(tmp_path: Path) -> None:
    from walktool.protocol import default_protocol_path, find_protocols

    text = default_protocol_path().read_text(encoding="utf-8")
    (tmp_path / "a-newer.yaml").write_text(text.replace('version: "1.0"', 'version: "1.10"'), encoding="utf-8")
    (tmp_path / "b-older.yaml").write_text(text.replace('version: "1.0"', 'version: "1.9"'), encoding="utf-8")
    (tmp_path / "stm-exploratory-walk.yaml").write_text(text, encoding="utf-8")
    found = find_protocols(tmp_path)
    assert found["stm-exploratory-walk"].name == "a-newer.yaml"
    assert found["stm-exploratory-walk@1.9"].name == "b-older.yaml"
    assert found["stm-exploratory-walk@1.0"].name == "stm-exploratory-walk.yaml"
