"""What every part of the analysis shares: severities, feelings, groupings, the error."""

from __future__ import annotations

from walktool.errors import WalktoolError

SEVERITIES = ("low", "medium", "high", "critical")
FEELINGS = ("comfortable", "uncomfortable", "frightening")
BY_CHOICES = ("station", "principle", "zone", "period")
PROFILE_COLUMNS = ("gender", "age_group", "reduced_mobility", "familiarity")
_PLACE_KEYS = {
    "station": ["station_id"],
    "zone": ["station_id", "zone"],
    "period": ["station_id", "period"],
    "stop": ["station_id", "zone"],
    "network": [],
}


class AnalysisError(WalktoolError):
    """Nothing to analyse, or an unknown campaign."""
