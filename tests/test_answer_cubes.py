"""The column-wise read of a GeoPackage store's answers (walktool.answer_cubes) gives what SQL and the rows give."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import walktool
from walktool.cli import app

ROOT = Path(__file__).resolve().parents[1]
WALKS = sorted((ROOT / "walks").glob("2023-11-*/kobo-export-*.csv"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cubes") / "proj"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    result = runner.invoke(app, ["import", *(str(f) for f in WALKS[:3]), "--campaign", "2023", "-p", str(root)])
    assert result.exit_code == 0, result.stderr
    return root


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if c not in ("n", "total", "scored")]
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


@pytest.mark.parametrize("rescored", [False, True])
@pytest.mark.parametrize("campaign", ["2023", None])
def test_the_cubes_counted_from_columns_equal_the_sql_cubes(archive: Path, rescored: bool, campaign: str | None) -> None:
    from walktool.summary_sql import load_cubes

    with walktool.open_project(archive) as project:
        protocol = project.protocol()
        by_columns = load_cubes(project, campaign, protocol, rescored=rescored, columnar=True)
        by_sql = load_cubes(project, campaign, protocol, rescored=rescored, columnar=False)
    assert len(by_columns.places) > 50 and len(by_columns.found) > 10 and len(by_columns.feel) > 5
    pd.testing.assert_frame_equal(by_columns.stops, by_sql.stops, check_dtype=False)
    for name in ("places", "people", "found", "feel", "feel_people"):
        pd.testing.assert_frame_equal(_sorted(getattr(by_columns, name)), _sorted(getattr(by_sql, name)), check_dtype=False)


@pytest.mark.parametrize("rules", [None, "current"])
def test_recommendations_from_the_column_read_equal_those_from_the_rows(archive: Path, rules: str | None) -> None:
    from walktool.analysis import load_observations, rescore
    from walktool.answer_cubes import findings_and_answered
    from walktool.provenance import scoring_rules
    from walktool.recommend import answered_counts, build_recommendations

    with walktool.open_project(archive) as project:
        protocol, provenance = scoring_rules(project, "2023", rules)
        obs = load_observations(project, "2023")
        obs = rescore(obs, protocol) if provenance.rescored else obs
        rows = build_recommendations(obs, protocol, "2023", rules=provenance)
        found, answered = findings_and_answered(project.store, "2023", protocol, rescored=provenance.rescored)
    expected = answered_counts(obs)
    assert answered.sort_index().equals(expected.sort_index().astype(answered.dtype))
    cols = build_recommendations(found, protocol, "2023", rules=provenance, answered=answered)
    assert len(rows) > 10
    pd.testing.assert_frame_equal(cols, rows, check_dtype=False)


@pytest.mark.parametrize("categories", [5, 400])  # 5³ cells: counted straight into them; 400³: the present ones numbered
def test_grouping_equals_pandas_groupby_whichever_way_it_counts(categories: int) -> None:
    import numpy as np

    from walktool.answer_cubes import _group

    rng = np.random.default_rng(7)
    n = 3_000
    names = [f"k{i}" for i in range(categories)]

    def column() -> pd.Categorical:
        codes = rng.integers(-1, categories, n)  # -1: missing
        return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))

    values = rng.normal(size=n)
    values[rng.random(n) < 0.2] = np.nan
    cols = {"a": column(), "b": column(), "c": column(), "_v": values}
    got = _group(cols, {"n": ("_v", "size"), "total": ("_v", "sum"), "scored": ("_v", "count")},
                 ["a", "b", "c", "n", "total", "scored"])
    frame = pd.DataFrame(cols)
    want = (frame.groupby(["a", "b", "c"], observed=True, dropna=False, sort=True)
            .agg(n=("_v", "size"), total=("_v", "sum"), scored=("_v", "count")).reset_index())
    for key in "abc":
        want[key] = want[key].astype(object).where(want[key].notna(), None)
    assert len(got) == len(want) > 0
    def keys(f: pd.DataFrame) -> list[list[object]]:
        return [[None if pd.isna(v) else v for v in row] for row in f[["a", "b", "c"]].itertuples(index=False)]

    assert keys(got) == keys(want)
    assert got["n"].tolist() == want["n"].tolist()
    assert got["scored"].tolist() == want["scored"].tolist()
    assert np.allclose(got["total"].to_numpy(float), want["total"].to_numpy(float))
