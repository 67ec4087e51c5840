"""``agreement``: per item α at its level (κ for nominal items), per principle ICC(2,1), each with its interval."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from statsmodels.stats.inter_rater import fleiss_kappa
from typer.testing import CliRunner

from walktool.agreement import agreement, alpha, alpha_resampled, fleiss, fleiss_weighted, icc_of
from walktool.cli import app
from walktool.ingest import import_files
from walktool.project import Project

WriteCsv = Callable[..., Path]


def test_fleiss_kappa_known_values_and_statsmodels() -> None:
    perfect = pd.DataFrame({"yes": [3, 0, 3, 0], "no": [0, 3, 0, 3]})
    assert fleiss(perfect)["kappa"] == 1.0 and fleiss(perfect)["agreement"] == 1.0
    split = pd.DataFrame({"yes": [1, 1, 1, 1], "no": [1, 1, 1, 1]})
    assert fleiss(split)["agreement"] == 0.0 and fleiss(split)["kappa"] == -1.0
    # Fleiss (1971) / Wikipedia's worked example: 10 subjects, 14 raters, 5 categories → κ = 0.210
    table = np.array(
        [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
         [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    )
    assert fleiss(table)["kappa"] == pytest.approx(0.210, abs=0.001) and fleiss(table)["level"] == "fair"
    rng = np.random.default_rng(5)
    for _ in range(5):  # equal raters: the generalised κ is statsmodels' Fleiss' κ
        counts = rng.multinomial(6, [0.5, 0.3, 0.2], size=30)
        assert fleiss_weighted(counts.astype(float), np.ones((1, 30)))[1][0] == pytest.approx(fleiss_kappa(counts, method="fleiss"))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_matches_the_krippendorff_package(level: str) -> None:
    rng = np.random.default_rng(7)
    values = np.array([0.0, 1.0, 2.0, 5.0])
    raters = rng.integers(2, 5, size=40)
    counts = np.array([rng.multinomial(r, [0.4, 0.3, 0.2, 0.1]) for r in raters], dtype=float)
    domain = np.arange(4) if level == "nominal" else values
    expected = krippendorff.alpha(value_counts=counts.astype(int), value_domain=domain, level_of_measurement=level)
    assert alpha(counts, values, level) == pytest.approx(expected)
    assert alpha_resampled(counts, values, level, np.ones((1, 40)))[0] == pytest.approx(expected)
    # a bootstrap resample (subjects drawn with replacement) is the package on the duplicated subjects
    weights = rng.multinomial(40, np.full(40, 1 / 40), size=3).astype(float)
    for w in weights:
        duplicated = np.repeat(counts, w.astype(int), axis=0)
        direct = krippendorff.alpha(value_counts=duplicated.astype(int), value_domain=domain, level_of_measurement=level)
        assert alpha_resampled(counts, values, level, w[None, :])[0] == pytest.approx(direct)


@pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_icc_matches_pingouin_and_recovers_a_known_icc() -> None:
    rng = np.random.default_rng(3)
    # one complete walk: 12 stops × 4 raters; ICC(2,1) is pingouin's ICC(A,1)
    stops, raters = 12, 4
    truth = rng.normal(0, 10, size=stops)[:, None] + rng.normal(0, 4, size=raters)[None, :]
    values = truth + rng.normal(0, 5, size=(stops, raters))
    long = pd.DataFrame([(s, f"r{r}", values[s, r]) for s in range(stops) for r in range(raters)], columns=["subject", "rater", "value"])
    ref = pingouin.intraclass_corr(long, targets="subject", raters="rater", ratings="value").set_index("Type")
    ours = icc_of(long.assign(walk="W1"), resamples=0)
    assert ours.icc == pytest.approx(ref.loc["ICC(A,1)", "ICC"])
    assert (ours.subjects, ours.raters, ours.ratings, ours.walks) == (12, 4, 48, 1)
    # raters nested in walks: 40 walks × 5 stops × 3–5 raters; σ²stop = 1, σ²rater = 0.25, σ²error = 0.25 → ICC = 2/3
    rows = []
    for w in range(40):
        k = int(rng.integers(3, 6))
        stop_effect, rater_effect = rng.normal(0, 1, 5), rng.normal(0, 0.5, k)
        rows += [(f"w{w}", f"w{w}s{s}", f"w{w}r{r}", stop_effect[s] + rater_effect[r] + rng.normal(0, 0.5)) for s in range(5) for r in range(k)]
    nested = icc_of(pd.DataFrame(rows, columns=["walk", "subject", "rater", "value"]), resamples=500, seed=1)
    assert nested.icc == pytest.approx(2 / 3, abs=0.1)
    assert nested.ci is not None and nested.ci[0] < 2 / 3 < nested.ci[1] and nested.ci[1] - nested.ci[0] < 0.4


def ordinal_campaign(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    """Ten stops of one walk rated by two people: light differs by one step at four stops,
    cleanliness by three steps at four stops (the same 60 % exact agreement)."""
    header = ["Marche", "Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "cleanliness", "dark_corners", "staff_visible"]
    places = [(s, z) for s in ("Papineau", "Beaudry", "Atwater", "Monk", "Jolicoeur") for z in ("quai", "hall")]
    light_a = [0, 1, 2, 3, 0, 1, 2, 3, 1, 2]
    light_b = [1, 2, 3, 2, 0, 1, 2, 3, 1, 2]  # one step apart at the first four stops
    clean_a = [0, 3, 0, 3, 0, 3, 0, 3, 0, 3]
    clean_b = [3, 0, 3, 0, 0, 3, 0, 3, 0, 3]  # three steps apart at the first four stops
    dark = ["oui", "non"] * 5
    rows = []
    for i, (station, zone) in enumerate(places):
        rows.append(["W1", "Alice Martin", station, zone, "2024-10-15", f"19h{10 + 4 * i}", str(light_a[i]), str(clean_a[i]), dark[i], "oui"])
        rows.append(["W1", "Béatrice Roy", station, zone, "2024-10-15", f"19h{11 + 4 * i}", str(light_b[i]), str(clean_b[i]), dark[i] if i != 0 else "non", "oui"])
    result = import_files(project, [write_csv(tmp_path / "grille.csv", [header, *rows], sep=";")], campaign="2024", fmt="findings-table")
    assert result.rejected == 0, result.to_dict()


def test_ordinal_scales_weigh_the_distance(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    ordinal_campaign(project, tmp_path, write_csv)
    cli = runner.invoke(app, ["agreement", "--json", "--project", str(project.root)])
    assert cli.exit_code == 0, cli.output
    doc = json.loads(cli.stdout)
    items = {r["item"]: r for r in doc["items"]}
    for r in doc["items"]:  # every item carries its sample, its measure and an interval
        assert {"raters", "subjects", "ratings", "measure", "scale", "value", "ci", "agreement", "kappa", "kappa_ci", "level", "reason"} <= set(r)
        assert r["measure"] == "krippendorff-alpha"
    light, clean = items["light_level"], items["cleanliness"]
    assert (light["scale"], light["raters"], light["subjects"], light["ratings"]) == ("ordinal", 2, 10, 20)
    assert light["agreement"] == clean["agreement"] == 0.6  # the same exact agreement...
    assert light["value"] > 0.7 and clean["value"] < 0.3  # ...but one step apart is nearly agreeing, three steps is not
    assert light["value"] - clean["value"] > 0.5
    assert light["ci"] is not None and light["ci"][0] <= light["value"] <= light["ci"][1]
    assert light["kappa"] is None  # κ treats 0–3 as unordered: not reported for scales
    assert items["dark_corners"]["scale"] == "nominal" and items["dark_corners"]["kappa"] is not None
    assert items["dark_corners"]["kappa_ci"] is not None and items["dark_corners"]["level"] is not None
    assert items["staff_visible"]["value"] is None and items["staff_visible"]["reason"] == "all-answers-alike"
    assert items["staff_visible"]["level"] is None  # never a word without an interval
    visibility = next(p for p in doc["principles"] if p["principle"] == "visibility")
    assert visibility["measure"] == "ICC(2,1)" and "absolute agreement" in visibility["form"]
    assert (visibility["raters"], visibility["subjects"], visibility["walks"]) == (2, 10, 1)
    assert visibility["icc"] is not None and visibility["ci"] is None and visibility["reason"] == "too-few-walks"
    overall = doc["overall"]
    assert overall["alpha_median"] is not None and overall["alpha_range"][0] <= overall["alpha_median"] <= overall["alpha_range"][1]
    assert "kappa" not in overall  # no pooled κ: a median of item α with its range instead
    human = runner.invoke(app, ["agreement", "--project", str(project.root)])
    assert human.exit_code == 0 and "ICC" in human.stdout and "median item α" in human.stdout
    # seeded: the same intervals every run
    assert agreement(project).to_dict() == agreement(project).to_dict()


def test_agreement_per_item(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    header = ["Observatrice", "Station", "Zone", "Date", "Heure", "light_level", "dark_corners", "staff_visible", "sign_exits", "feeling"]
    good, bad = ("3", "non", "oui", "oui"), ("3", "oui", "oui", "oui")
    rows = [[f"Nadia {i}", "Papineau", "quai", "2024-10-14", "20h00", *good, "mal à l'aise"] for i in range(5)]
    rows += [[f"Nadia {i}", "Beaudry", "hall", "2024-10-15", "20h00", *(good if i < 3 else bad), "mal à l'aise"] for i in range(4)]
    import_files(project, [write_csv(tmp_path / "a.csv", [header, *rows], sep=";")], campaign="2024", fmt="findings-table")
    result = agreement(project, "2024").to_dict()
    items = {r["item"]: r for r in result["items"]}
    assert items["dark_corners"]["subjects"] == 2 and items["dark_corners"]["agreement"] == pytest.approx((1 + 0.5) / 2)
    assert items["dark_corners"]["raters"] == 5 and items["dark_corners"]["reason"] == "too-few-subjects"
    assert items["light_level"]["agreement"] == 1.0 and items["light_level"]["value"] is None
    assert items["light_level"]["reason"] == "all-answers-alike"
    assert "feeling" not in items  # perception is meant to differ
    cli = runner.invoke(app, ["agreement", "--campaign", "2024", "--json", "--project", str(project.root)])
    assert cli.exit_code == 0 and json.loads(cli.stdout) == json.loads(json.dumps(result))


def test_counts_agree_on_the_problem_and_are_scaled_as_numbers(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    header = ["Observatrice", "Station", "Zone", "Date", "Heure", "lights_out"]
    # 3 and 4 lights out are both a problem: the verdict agrees, the numbers differ by one
    rows = [["A", "Papineau", "quai", "2023-11-14", "20h00", "3"], ["B", "Papineau", "quai", "2023-11-14", "20h00", "4"]]
    import_files(project, [write_csv(tmp_path / "c.csv", [header, *rows], sep=";")], campaign="c", fmt="findings-table")
    item = agreement(project).to_dict()["items"][0]
    assert item["item"] == "lights_out" and item["agreement"] == 1.0 and item["agreement_on"] == "problem-or-not"
    assert item["scale"] == "interval" and item["subjects"] == 1 and item["ci"] is None


def test_no_pairs_to_compare(project: Project, tmp_path: Path, write_csv: WriteCsv, runner: CliRunner) -> None:
    header = ["Observatrice", "Station", "Zone", "Date", "Heure", "dark_corners"]
    rows = [["A", "Papineau", "quai", "2023-11-14", "20h00", "oui"], ["B", "Beaudry", "quai", "2023-11-14", "21h00", "non"]]
    import_files(project, [write_csv(tmp_path / "d.csv", [header, *rows], sep=";")], campaign="c", fmt="findings-table")
    doc = agreement(project).to_dict()
    assert doc["items"] == [] and doc["overall"]["alpha_median"] is None
    human = runner.invoke(app, ["agreement", "--project", str(project.root)])
    assert human.exit_code == 0 and "nothing" in human.stdout and "two participants" in human.stdout
