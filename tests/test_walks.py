"""Walk identity (walktool.walks): a walk is what the sheet says, else the group that walked together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from walktool.analysis import load_observations, summarize
from walktool.ingest import import_files
from walktool.project import Project
from walktool.recommend import recommend
from walktool.walks import declared_walk_ids, walk_keys

WriteCsv = Callable[..., Path]
HEADER = ["Observatrice", "Station", "Zone", "Date", "Heure", "dark_corners", "staff_visible"]


def rows(times: list[tuple[str, str]], who: str = "Nadia") -> list[list[str]]:
    return [[f"{who} {i % 3}", "Papineau", "quai", day, hour, "oui", "non"] for i, (day, hour) in enumerate(times)]


def load(project: Project, tmp_path: Path, write_csv: WriteCsv, data: list[list[str]], header: list[str] = HEADER, **kw: str) -> pd.DataFrame:
    path = write_csv(tmp_path / f"sheet{len(list(tmp_path.glob('sheet*.csv')))}.csv", [header, *data], sep=";")
    result = import_files(project, [path], fmt="findings-table", **kw)
    assert result.rejected == 0, result.to_dict()
    return load_observations(project)


def test_a_walk_across_sunset_is_one_walk(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    # 20 June in Montréal: the sun sets about 20:47; the walk runs 20:00–22:00
    obs = load(project, tmp_path, write_csv, rows([("2024-06-20", h) for h in ("20h00", "20h30", "21h00", "21h30", "22h00")]))
    assert set(obs["period"]) == {"day", "night"}  # day / night stays a property of each observation
    assert obs["walk_key"].nunique() == 1
    assert obs["walk_id"].isna().all()  # nothing invented at import
    assert project.store.count("walks") == 0
    station = summarize(project).to_dict()["stations"][0]
    assert station["walks"] == 1
    recs = recommend(project).records("en", project.protocol())
    assert {r["evidence"]["walks"] for r in recs} == {1}  # one walk, not a day walk and a night walk


def test_two_outings_on_one_day_and_a_walk_past_midnight(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    times = [("2024-03-05", h) for h in ("10h00", "10h20", "10h45")] + [("2024-03-05", h) for h in ("18h30", "19h10", "19h40")]
    times += [("2024-03-08", "23h30"), ("2024-03-08", "23h55"), ("2024-03-09", "00h20")]
    obs = load(project, tmp_path, write_csv, rows(times))
    by_time = obs.drop_duplicates("source_row").sort_values("observed_at")["walk_key"].tolist()
    assert len(set(by_time)) == 3
    assert by_time[0] == by_time[2] != by_time[3] == by_time[5] != by_time[6] == by_time[8]
    assert by_time[0].endswith("2024-03-05 10:00") and by_time[6].endswith("2024-03-08 23:30")


def test_the_sheet_says_what_a_walk_is(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    # a walk column keeps rows five hours apart together, and apart from another walk at the same time
    header = ["Marche", *HEADER]
    data = [["M1", *r] for r in rows([("2024-03-05", "10h00"), ("2024-03-05", "15h00")])]
    data += [["M2", *r] for r in rows([("2024-03-05", "10h05")], who="Zoé")]
    obs = load(project, tmp_path, write_csv, data, header)
    assert obs.groupby("walk_key")["source_row"].nunique().to_dict() == {"M1": 2, "M2": 1}


def test_undeclared_rows_join_the_walk_under_way(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    (project.walks_dir / "W1").mkdir(parents=True, exist_ok=True)
    load(project, tmp_path, write_csv, rows([("2024-03-05", "19h00"), ("2024-03-05", "20h30")]), walk_id="W1")
    # a facilitator's findings table of the same evening, no walk named; and one of another day
    obs = load(project, tmp_path, write_csv, rows([("2024-03-05", "19h40"), ("2024-03-07", "19h40")], who="Léa"))
    lea = obs[obs["participant"].isin(obs.loc[obs["source_file"] == "sheet1.csv", "participant"])]
    keys = dict(zip(lea["local_time"].str.slice(0, 10), lea["walk_key"], strict=False))
    assert keys["2024-03-05"] == "W1"
    assert keys["2024-03-07"] != "W1"


def test_a_date_without_a_time_joins_the_days_walk(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    obs = load(project, tmp_path, write_csv, rows([("2024-03-05", "19h00"), ("2024-03-05", "19h30"), ("2024-03-05", ""), ("2024-03-09", "")]))
    keys = obs.drop_duplicates("source_row").sort_values("source_row")["walk_key"].tolist()
    assert keys[0] == keys[1] == keys[2]
    assert keys[3].endswith("2024-03-09 untimed")


def test_walk_ids_invented_by_the_previous_release_are_ignored(project: Project, tmp_path: Path, write_csv: WriteCsv) -> None:
    load(project, tmp_path, write_csv, rows([("2024-06-20", h) for h in ("20h00", "20h30", "21h00", "21h30")]))
    store = project.store
    stored = store.read("observations")  # what walktool 0.1 stored: <local date>-<period>
    store.upsert("observations", stored.assign(walk_id=stored["local_time"].str.slice(0, 10) + "-" + stored["period"]))
    raw = store.read("observations")
    assert set(raw["walk_id"]) == {"2024-06-20-day", "2024-06-20-night"}
    obs = load_observations(project)
    assert obs["walk_key"].nunique() == 1  # the new rule applies without re-importing
    assert summarize(project).to_dict()["stations"][0]["walks"] == 1
    # a real walk id that happens to look like a date stays, when it is not the row's own date-period
    frame = pd.DataFrame({"walk_id": ["2024-06-20-night", "2024-06-20-night"], "local_time": ["2024-06-20T21:00:00-04:00", "2024-06-20T19:00:00-04:00"], "period": ["night", "day"]})
    assert declared_walk_ids(frame).tolist() == [None, "2024-06-20-night"]


def test_walk_keys_without_times_or_columns() -> None:
    frame = pd.DataFrame({"campaign": ["c", "c", None], "observed_at": [None, "2024-01-01T15:00:00Z", None], "local_time": [None, "2024-01-01T10:00:00-05:00", None]})
    assert walk_keys(frame).tolist() == ["c:undated", "c:2024-01-01 10:00", "default:undated"]


def test_dates_without_times_make_one_walk_a_day() -> None:
    # a facilitator's table with dates only: stored at noon, no period derived
    frame = pd.DataFrame(
        {
            "campaign": ["c"] * 3,
            "walk_id": [None] * 3,
            "period": [None] * 3,
            "observed_at": ["2024-01-01T17:00:00Z", "2024-01-01T17:00:00Z", "2024-01-02T17:00:00Z"],
            "local_time": ["2024-01-01T12:00:00-05:00", "2024-01-01T12:00:00-05:00", "2024-01-02T12:00:00-05:00"],
        }
    )
    assert walk_keys(frame).tolist() == ["c:2024-01-01 untimed", "c:2024-01-01 untimed", "c:2024-01-02 untimed"]
    frame["walk_id"] = ["W1", None, None]  # the day's only walk is named: the others of that day join it
    assert walk_keys(frame).tolist() == ["W1", "W1", "c:2024-01-02 untimed"]
