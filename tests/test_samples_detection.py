"""`walktool import --json --dry-run` names the right format for every shared sample export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _paths import SAMPLES
from walktool.cli import app

EXPECTED = {
    "kobo_formpack_labels.csv": "kobo-csv",
    "kobo_formpack_xml_values_groups.csv": "kobo-csv",
    "kobo_formpack_labels.xlsx": "kobo-xlsx",
    "kobo_formpack_xml_values_groups.xlsx": "kobo-xlsx",
    "kobo_formpack_labels.geojson": "geojson",
    "kobo_formpack_xml_values_groups.geojson": "geojson",
    "epicollect5_form-1__metro-safety-walk.SYNTHETIC.csv": "epicollect5",
    "waypoints.gpx": "gpx",
    "photo_with_gps_exif.jpg": "photos",
    "real/kobocat_legacy/kobocat_legacy_tutorial_w_repeats.csv": "kobo-csv",
    "real/kobocat_legacy/kobocat_legacy_tutorial_w_repeats_flattened.csv": "kobo-csv",
    "real/odk_briefcase/all-data-types.csv": "odk-briefcase",
    "real/odk_briefcase/choice-lists.csv": "odk-briefcase",
    "real/odk_briefcase/media-files.csv": "odk-briefcase",
    "real/odk_briefcase/nested-repeats.csv": "odk-briefcase",
    "real/odk_briefcase/simple-form.csv": "odk-briefcase",
    "real/odk_central/geopoint_root__mytestform.csv": "odk-central",
    "real/odk_central/repeat_root__singlerepeat.csv": "odk-central",
    "real/odk_central/split_select_multiple__selectMultiple.csv": "odk-central",
}


# forms that ask no checklist question: read, named, and failed once with no-answers (issue 16)
NO_CHECKLIST = {
    "kobo_formpack_xml_values_groups.csv",
    "kobo_formpack_xml_values_groups.geojson",
    "real/kobocat_legacy/kobocat_legacy_tutorial_w_repeats.csv",
    "real/kobocat_legacy/kobocat_legacy_tutorial_w_repeats_flattened.csv",
    "real/odk_briefcase/all-data-types.csv",
    "real/odk_briefcase/choice-lists.csv",
    "real/odk_briefcase/media-files.csv",
    "real/odk_briefcase/nested-repeats.csv",
    "real/odk_briefcase/simple-form.csv",
    "real/odk_central/geopoint_root__mytestform.csv",
    "real/odk_central/repeat_root__singlerepeat.csv",
    "real/odk_central/split_select_multiple__selectMultiple.csv",
}


def test_samples_folder_is_there() -> None:
    assert SAMPLES.is_dir(), f"{SAMPLES} is missing: the shared samples sit beside the project root"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dry_run_names_the_format(name: str, runner, project) -> None:
    result = runner.invoke(app, ["import", "--json", "--dry-run", "--project", str(project.root), str(SAMPLES / name)])
    doc = json.loads(result.stdout)
    (file_report,) = doc["files"]
    assert file_report["format"] == EXPECTED[name]
    if name in NO_CHECKLIST:
        assert result.exit_code == 1
        assert [i["code"] for i in doc["issues"] if i["level"] == "error"] == ["no-answers"]
        assert file_report["rejected"] == file_report["rows"]
    else:
        assert result.exit_code == 0, result.stderr
    assert file_report["rows"] == file_report["accepted"] + file_report["rejected"]
    assert file_report["rows"] > 0
    assert project.store.count("observations") == 0
    assert not any(project.walks_dir.rglob(Path(name).name))
