"""``compare``: the change between two campaigns, tested on whole walks (walktool.compare)."""

from __future__ import annotations

import json
from collections.abc import Callable
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from statsmodels.stats.multitest import multipletests
from typer.testing import CliRunner

from _compare_fixtures import BAD, GOOD, MIXED, campaign, few_walks, walk_rows
from walktool.analysis import AnalysisError, load_observations, principle_scores, summarize
from walktool.cli import app
from walktool.compare import compare, permutation_p, smallest_p
from walktool.compare.core import _unit_tables
from walktool.compare.stats import UnitTable, _sides, compare_units, seed_for
from walktool.project import Project

WriteCsv = Callable[..., Path]


STATION_KEYS = {"station_id", "name", "before", "after", "delta", "significant", "ci", "p", "p_value", "p_adjusted", "unit", "n_before", "n_after", "reason", "p_min", "principles"}


def test_two_walks_a_side_cannot_tell(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    few_walks(project, tmp_path, write_csv, walks=2)
    result = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--json", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {s["name"] for s in doc["stations"]} == {"Papineau", "Beaudry"}
    for s in doc["stations"]:
        assert set(s) >= STATION_KEYS
        assert s["significant"] is None and s["reason"] == "too-few-walks"  # never true or false
        assert (s["n_before"], s["n_after"], s["unit"]) == (2, 2, "walk")
        assert s["p_min"] == pytest.approx(2 / comb(4, 2), abs=1e-4) and s["p"] >= s["p_min"]
        assert s["p_adjusted"] is None and s["ci"] is None  # 2 walks cannot show the spread
        assert all(c["significant"] is None for c in s["principles"].values())
    assert doc["method"]["stations_tested"] == 0
    assert [w["code"] for w in doc["warnings"]] == ["too-few-walks"]
    papineau = next(s for s in doc["stations"] if s["name"] == "Papineau")
    assert papineau["delta"] == 100.0  # the change is shown, only the verdict is withheld
    human = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--project", str(project.root)])
    assert human.exit_code == 0 and "cannot tell" in human.stdout and "too few walks" in human.stdout


def test_five_walks_a_side_find_a_clear_change(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    few_walks(project, tmp_path, write_csv, walks=5)
    result = compare(project, "2023", "2024")
    stations = {s["name"]: s for s in result.to_dict()["stations"]}
    pap, beau = stations["Papineau"], stations["Beaudry"]
    assert (pap["before"], pap["after"], pap["delta"]) == (0.0, 100.0, 100.0)
    # every split of 5 + 5 walks enumerated: the observed one and its mirror are the most extreme
    assert pap["p"] == pytest.approx(2 / comb(10, 5), abs=1e-4) and pap["p_min"] == pap["p"]
    assert pap["significant"] is True and pap["reason"] is None and pap["ci"] == [100.0, 100.0]
    assert beau["significant"] is False and beau["p"] > 0.2 and beau["ci"][0] < 0 < beau["ci"][1]
    assert result.method["stations_tested"] == 2 and result.method["adjust"] == "holm"
    assert pap["p_adjusted"] == pytest.approx(min(1.0, 2 * pap["p"]), abs=1e-4)  # Holm: the smallest p × 2
    assert pap["principles"]["visibility"]["significant"] is True
    assert beau["principles"]["visibility"]["significant"] is False
    human = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--project", str(project.root)])
    assert human.exit_code == 0 and "yes" in human.stdout
    # repeatable: seeded, the same figures on every run
    assert compare(project, "2023", "2024").to_dict() == result.to_dict()


def test_adjust_choices(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    few_walks(project, tmp_path, write_csv, walks=5)
    raw = {s["name"]: s["p"] for s in compare(project, "2023", "2024", adjust="none").stations}
    names = sorted(raw)
    for choice, method in (("holm", "holm"), ("bh", "fdr_bh")):
        got = {s["name"]: s["p_adjusted"] for s in compare(project, "2023", "2024", adjust=choice).stations}
        expected = multipletests([raw[n] for n in names], method=method)[1]
        assert [got[n] for n in names] == pytest.approx(list(expected), abs=2e-4)
    assert {s["name"]: s["p_adjusted"] for s in compare(project, "2023", "2024", adjust="none").stations} == raw
    with pytest.raises(AnalysisError, match="--adjust"):
        compare(project, "2023", "2024", adjust="bonferroni")
    bad = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--adjust", "x", "--project", str(project.root)])
    assert bad.exit_code == 2


def test_the_test_is_about_the_number_shown(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    # unbalanced walks: one walk with five participants on two zones, others with one or two people,
    # so answer-weighted means and the equal-weight station score differ
    before = walk_rows("A0", "Papineau", "2023-11-10", [BAD] * 5, zones=("quai", "couloir"))
    before += walk_rows("A1", "Papineau", "2023-11-11", [GOOD])
    before += walk_rows("A2", "Papineau", "2023-11-12", [MIXED[0], MIXED[1]])
    after = walk_rows("B0", "Papineau", "2024-11-10", [GOOD] * 4) + walk_rows("B1", "Papineau", "2024-11-11", [MIXED[2]])
    after += [["B1", "X", "Papineau", "quai", "2024-11-11", "19h30", "", "", "non", ""]]  # one answer only
    campaign(project, tmp_path, write_csv, "2023", before)
    campaign(project, tmp_path, write_csv, "2024", after)
    protocol = project.protocol()
    result = compare(project, "2023", "2024")
    pap = result.stations[0]
    summary = {c: summarize(project, c).to_dict()["stations"][0]["score"] for c in ("2023", "2024")}
    assert (pap["before"], pap["after"]) == (summary["2023"], summary["2024"])
    assert pap["delta"] == pytest.approx(summary["2024"] - summary["2023"], abs=0.011)
    # every resample is scored as the summary scores: check one split of the walks by hand
    obs = pd.concat([load_observations(project, "2023"), load_observations(project, "2024")])
    obs = obs.assign(_after=obs["campaign"].eq("2024"))
    agg = obs[obs["score"].notna()].groupby(["station_id", "_after", "walk_key", "principle", "item"])["score"].agg(["sum", "count"]).reset_index()
    (_, table), = list(_unit_tables(agg, ["walk_key"], protocol.principle_keys))
    walks = sorted(obs["walk_key"].unique())  # A0 A1 A2 B0 B1: units in table order
    split = ["A1", "B0", "B1"]
    labels = np.array([[1.0 if w in split else 0.0 for w in walks]])
    _, sb, pa, sa = _sides(table, labels)
    by_hand = principle_scores(obs[obs["walk_key"].isin(split)], protocol, [])
    rest = principle_scores(obs[~obs["walk_key"].isin(split)], protocol, [])
    assert sa[0] == pytest.approx(by_hand["score"].iloc[0]) and sb[0] == pytest.approx(rest["score"].iloc[0])
    assert pa[0][table.principles.index("help")] == pytest.approx(by_hand["help"].iloc[0])


def test_exact_and_sampled_permutations() -> None:
    assert smallest_p(2, 2) == pytest.approx(1 / 3) and smallest_p(3, 3) == pytest.approx(0.1)
    assert smallest_p(3, 4) == pytest.approx(1 / 35) and smallest_p(4, 4) == pytest.approx(2 / 70)
    assert smallest_p(6, 7) == pytest.approx(1 / comb(13, 6))  # 1,716 splits, all enumerated
    assert smallest_p(10, 10) == pytest.approx(1 / 10_000)  # 184,756 splits: 9,999 sampled, p ≥ 1 / 10,000

    def separated(nb: int, na: int) -> UnitTable:
        counts = np.ones((nb + na, 2))
        sums = np.vstack([np.zeros((nb, 2)), np.ones((na, 2))])
        return UnitTable(sums, counts, np.r_[np.zeros(nb, bool), np.ones(na, bool)], np.array([[1.0, 0.0], [0.0, 1.0]]), ["a", "b"])

    change, principles = compare_units(separated(3, 4), seed=seed_for("x"))
    assert change.exact and change.permutations == 35 and change.p == pytest.approx(1 / 35)
    assert change.delta == 100.0 and principles["a"].p == pytest.approx(1 / 35)
    sampled, _ = compare_units(separated(10, 10), seed=seed_for("x"))
    assert sampled.exact is False and sampled.permutations == 9_999 and sampled.p == pytest.approx(1 / 10_000)
    again, _ = compare_units(separated(10, 10), seed=seed_for("x"))
    assert again == sampled
    assert permutation_p([0, 0, 0], [100, 100, 100]) == pytest.approx(0.1)  # 2 of the 20 splits
    assert permutation_p([50, 60, 55], [52, 58, 57]) > 0.5
    assert permutation_p([1], [2, 3]) is None


def test_only_items_of_both_checklists_are_compared(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    few_walks(project, tmp_path, write_csv, walks=3)
    spec = yaml.safe_load((project.protocols_dir / "stm-exploratory-walk.yaml").read_text(encoding="utf-8"))
    spec["version"] = "0.9"
    spec["items"] = [i for i in spec["items"] if i["key"] != "sign_exits"]
    (project.protocols_dir / "stm-exploratory-walk-0.9.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    store = project.store
    obs = store.read("observations")  # the 2023 walks were made with version 0.9
    store.upsert("observations", obs.assign(protocol=obs["protocol"].where(obs["campaign"].ne("2023"), "stm-exploratory-walk@0.9")))
    result = compare(project, "2023", "2024")
    left = {x["item"]: x["reason"] for x in result.items["left_out"]}
    assert left["sign_exits"] == "not-in-before-protocol"
    assert left["cctv_visible"] == "not-answered-before"
    assert "sign_exits" not in result.items["compared"] and "light_level" in result.items["compared"]
    pap = next(s for s in result.stations if s["name"] == "Papineau")
    assert pap["principles"]["signage"]["before"] is None  # its only item was left out
    assert "sign_exits" not in {f["item"] for k in ("new", "persistent", "resolved", "unverified") for f in result.findings[k]}


def test_no_shared_station_or_one_walk_each_ends_clearly(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    campaign(project, tmp_path, write_csv, "2023", walk_rows("A0", "Papineau", "2023-11-10", [BAD] * 3))
    campaign(project, tmp_path, write_csv, "2024", walk_rows("B0", "Beaudry", "2024-11-10", [GOOD] * 3))
    result = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--json", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    reasons = {s["name"]: s["reason"] for s in doc["stations"]}
    assert reasons == {"Papineau": "not-walked-after", "Beaudry": "not-walked-before"}
    assert all(s["significant"] is None and s["delta"] is None for s in doc["stations"])
    assert [w["code"] for w in doc["warnings"]] == ["no-shared-stations"]
    human = runner.invoke(app, ["compare", "--before", "2023", "--after", "2024", "--project", str(project.root)])
    assert human.exit_code == 0 and "no station was scored in both campaigns" in human.stdout


def test_unit_stop(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    before = walk_rows("A0", "Papineau", "2023-11-10", [BAD] * 3, zones=("quai", "couloir", "hall"))
    before += walk_rows("A1", "Papineau", "2023-11-11", [BAD] * 3, zones=("quai", "couloir"))
    after = walk_rows("B0", "Papineau", "2024-11-10", [GOOD] * 3, zones=("quai", "couloir", "hall", "escalier"))
    campaign(project, tmp_path, write_csv, "2023", before)
    campaign(project, tmp_path, write_csv, "2024", after)
    walk = compare(project, "2023", "2024").stations[0]
    stop = compare(project, "2023", "2024", unit="stop").stations[0]
    assert (walk["n_before"], walk["n_after"], walk["reason"]) == (2, 1, "too-few-walks")
    assert (stop["n_before"], stop["n_after"], stop["unit"], stop["reason"]) == (5, 4, "stop", None)
    assert stop["p"] == pytest.approx(1 / comb(9, 4), abs=1e-4) and stop["significant"] is True
    with pytest.raises(AnalysisError, match="--unit"):
        compare(project, "2023", "2024", unit="participant")


def test_calibration_rates_carry_clopper_pearson_intervals() -> None:
    from statsmodels.stats.proportion import proportion_confint

    from walktool.compare.calibration import Rate

    for count, tries in ((51, 1200), (0, 300), (14, 300), (300, 300)):
        assert Rate.of(count, tries).ci == pytest.approx(proportion_confint(count, tries, method="beta"))
