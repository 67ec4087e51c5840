"""Scores, feelings, profiles and findings: what the walks found, station by station.

The rule (also written in the protocol's ``scoring`` block and in docs/scoring.md):

1. each answer has a 0–1 score, set at import from the item's vocabulary and kept
   with the raw answer, so :func:`rescore` can recompute it when the rule changes;
   "not applicable" answers, free text and perception items (feeling, alone at
   night) have none and never enter a score;
2. an **item score** at a place (station, or station × zone, …) is the mean of the
   scores of its answers there; a finding written against an item (findings table,
   GPX, photo) is an answer scoring 0;
3. a **principle score** is the mean of its answered item scores × 100, so an
   item answered by ten people weighs the same as one answered by two;
4. a **station score** is the mean of its principle scores: every principle weighs
   the same whatever its number of items;
5. every score carries its sample (observations, participants, walks); a place seen
   by fewer than ``low_confidence_participants`` participants (3 by default) is
   flagged ``low_confidence``, never hidden.

Feelings are reported apart, as shares, and correlated with principle scores
across stops (station × zone) with Spearman's rank correlation, as Safetipin does
to see which principle moves most with how safe people feel.  Profile breakdowns
suppress every group smaller than ``min_group_size`` participants (5 by default).

All functions take the tidy observations frame (one row per answered item or
finding, as stored) so a notebook user can call them on any subset.
"""

from walktool.analysis.base import (
    _PLACE_KEYS,
    BY_CHOICES,
    FEELINGS,
    PROFILE_COLUMNS,
    SEVERITIES,
    AnalysisError,
)
from walktool.analysis.feelings import (
    drivers_of,
    feeling_drivers,
    feeling_shares,
    profile_breakdown,
)
from walktool.analysis.findings import finding_counts, findings, hotspots
from walktool.analysis.load import (
    SUMMARY_COLUMNS,
    _typed,
    campaigns,
    load_observations,
    rescore,
    resolve_campaign,
)
from walktool.analysis.scores import (
    _no_pd_na,
    _num,
    pivot_principles,
    principle_scores,
    sample_sizes,
    score_table,
    scored_answers,
    scores,
)
from walktool.analysis.summary import (
    Summary,
    _date_range,
    _principle_table,
    network_record,
    station_findings,
    summarize,
)

__all__ = [
    "BY_CHOICES",
    "FEELINGS",
    "PROFILE_COLUMNS",
    "SEVERITIES",
    "SUMMARY_COLUMNS",
    "_PLACE_KEYS",
    "AnalysisError",
    "Summary",
    "_date_range",
    "_no_pd_na",
    "_num",
    "_principle_table",
    "_typed",
    "campaigns",
    "drivers_of",
    "feeling_drivers",
    "feeling_shares",
    "finding_counts",
    "findings",
    "hotspots",
    "load_observations",
    "network_record",
    "pivot_principles",
    "principle_scores",
    "profile_breakdown",
    "rescore",
    "resolve_campaign",
    "sample_sizes",
    "score_table",
    "scored_answers",
    "scores",
    "station_findings",
    "summarize",
]
