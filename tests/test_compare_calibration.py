"""Calibration of ``compare`` by seeded simulation (walktool.compare.calibration).

Clustered campaigns like real walks: every walk × station × zone draws the true state of
each item, which all its participants see; each participant misreads 5–15 % of answers
(κ ≈ 0.6).  Under no change, stations called changed must be at most about α (≤ 7 %
over 1,200 tests), campaign pairs with a false change after Holm too (≤ 7 % over 300
pairs); a true +15-point change at a station walked 6 times a side must be found in
most pairs; the 95 % interval of an unchanged station must hold 0 about 95 % of the
time.  The figures are printed in the closing note of the run and quoted in
docs/scoring.md §7.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from walktool.compare.calibration import Design, calibrate
from walktool.protocol import default_protocol_path, load_protocol


def test_compare_is_calibrated(record_property: Callable[[str, Any], None]) -> None:
    protocol = load_protocol(default_protocol_path())
    null = calibrate(protocol, Design(items_per_principle=1), reps=300, resamples=500)  # with intervals
    power = calibrate(protocol, Design(change=15), reps=100)
    stop = calibrate(protocol, Design(items_per_principle=1), reps=60, unit="stop", permutations=999)
    evening = calibrate(protocol, Design(items_per_principle=1, walk_effect=0.1), reps=60)  # a walk's zones share its evening
    few = calibrate(protocol, Design(walks=(2, 2), change=15), reps=20)
    notes = ["compare calibration (seeded simulation, tests/test_compare_calibration.py):"]
    for result in (null, power, stop, evening):
        notes.extend(f"  {line}" for line in result.lines())
    notes.append(f"  walks 2+2: {few.cannot_tell} of {few.cannot_tell + few.tested} stations 'cannot tell', none tested")
    record_property("note", notes)  # printed in the closing note of the run (conftest.py)

    for result in (null, power):  # realistic agreement between participants
        assert result.kappa is not None and 0.5 <= result.kappa <= 0.7
    assert null.false_positive.tries == 1200 and null.false_positive.rate is not None
    assert null.false_positive.rate <= 0.07
    assert null.family_wise is not None and null.family_wise.tries == 300 and null.family_wise.rate is not None
    assert null.family_wise.rate <= 0.07
    assert power.power is not None and power.power.rate is not None and power.power.rate >= 0.85
    assert power.power_holm is not None and power.power_holm.rate is not None and power.power_holm.rate >= 0.6
    # the 95 % interval of a station that did not change holds 0 about 95 % of the time
    assert null.ci_coverage is not None and null.ci_coverage.tries == 1200 and null.ci_coverage.rate is not None
    assert 0.92 <= null.ci_coverage.rate <= 0.98
    assert stop.false_positive.tries == 240 and stop.false_positive.rate is not None and stop.false_positive.rate <= 0.07
    assert evening.false_positive.tries == 240 and evening.false_positive.rate is not None and evening.false_positive.rate <= 0.07
    assert few.tested == 0 and few.cannot_tell == 80  # two walks a side: never a verdict
