"""Overdue recommendations, on a fixed clock (WALKTOOL_TODAY)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _map_fixtures import CAMPAIGN, make_walk_project
from walktool.cli import app
from walktool.overdue import OverdueError, annotate, campaign_start, timeframe_due, today
from walktool.project import Project, Settings
from walktool.recommend import recommend


def set_status(project: Project, rec_id: str, status: str) -> None:
    frame = project.store.read("recommendations", {"rec_id": rec_id})
    project.store.upsert("recommendations", frame.assign(status=status))


@pytest.fixture
def walked(tmp_path: Path) -> Project:
    project = make_walk_project(tmp_path / "proj")
    yield project
    project.close()


def test_timeframes_from_the_campaign_date() -> None:
    start = dt.date(2023, 11, 14)
    s = Settings()
    assert timeframe_due(start, "immediate", s) == dt.date(2023, 11, 28)
    assert timeframe_due(start, "short", s) == dt.date(2024, 2, 14)
    assert timeframe_due(start, "medium", s) == dt.date(2024, 11, 14)
    assert timeframe_due(start, "long", s) == dt.date(2026, 11, 14)
    assert timeframe_due(start, "short", Settings(followup_short_months=1)) == dt.date(2023, 12, 14)


def test_fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKTOOL_TODAY", "2024-01-02")
    assert today() == dt.date(2024, 1, 2)
    monkeypatch.setenv("WALKTOOL_TODAY", "tomorrow")
    with pytest.raises(OverdueError, match="WALKTOOL_TODAY"):
        today()


def test_overdue_unless_done(walked: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    assert campaign_start(walked, CAMPAIGN) == dt.date(2023, 11, 14)
    recs = recommend(walked, CAMPAIGN)
    records = recs.records("en", walked.protocol())
    immediate = [r for r in records if r["timeframe"] == "immediate"]
    assert immediate  # the critical emergency phone is on the fast track
    set_status(walked, immediate[0]["id"], "done")
    fresh = recommend(walked, CAMPAIGN).records("en", walked.protocol())
    on_time = annotate([dict(r) for r in fresh], walked, CAMPAIGN, on=dt.date(2023, 11, 20))
    assert not any(r["overdue"] for r in on_time)
    late = annotate([dict(r) for r in fresh], walked, CAMPAIGN, on=dt.date(2024, 3, 1))
    by_id = {r["id"]: r for r in late}
    assert by_id[immediate[0]["id"]]["overdue"] is False  # done
    assert all(r["overdue"] == (r["timeframe"] in ("immediate", "short") and r["status"] != "done") for r in late)
    assert any(r["overdue"] for r in late)

    monkeypatch.setenv("WALKTOOL_TODAY", "2024-03-01")
    res = CliRunner().invoke(app, ["recommend", "--overdue", "--json", "--project", str(walked.root)])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)["recommendations"]
    assert shown and all(r["overdue"] and r["days_overdue"] > 0 for r in shown)
    assert immediate[0]["id"] not in {r["id"] for r in shown}
    assert {r["id"] for r in shown} == {r["id"] for r in late if r["overdue"]}
    monkeypatch.setenv("WALKTOOL_TODAY", "2023-11-15")
    res = CliRunner(env={"WALKTOOL_LANG": "en"}).invoke(app, ["recommend", "--overdue", "--project", str(walked.root)])
    assert res.exit_code == 0 and "No overdue recommendation" in res.stdout


def test_overdue_on_the_map_and_in_the_workbook(walked: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from walktool.maps import build_map, map_html
    from walktool.report import write_report

    monkeypatch.setenv("WALKTOOL_TODAY", "2024-03-01")
    page = map_html(build_map(walked, lang="en"))
    assert "overdue since 2023-11-28" in page and "recommendations overdue" in page
    result = write_report(walked, lang="en", out=tmp_path / "report.xlsx")
    ws = load_workbook(result.path)["Recommendations"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("Overdue")
    timeframe = rows[0].index("Target timeframe")
    flagged = [r for r in rows[1:] if r[col]]
    assert flagged and all(r[col].startswith("since ") for r in flagged)
    assert {r[timeframe] for r in flagged} <= {"immediate", "short term (< 3 months)"}
    monkeypatch.setenv("WALKTOOL_TODAY", "2023-11-20")
    early = write_report(walked, lang="en", out=tmp_path / "early.xlsx")
    rows = list(load_workbook(early.path)["Recommendations"].iter_rows(values_only=True))
    assert not any(r[col] for r in rows[1:])
