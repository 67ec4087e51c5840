"""Simulating a walk: who stops where, what each participant answers, feels and writes."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from walktool.sample.model import FOLLOWUP, NA_ZONES, PILOT
from walktool.sample.plan import CAMPAIGNS, OUTDOOR_ZONES, STATION_ZONES, WalkPlan
from walktool.sample.study import Participant, Stop, Study, Submission, Walk
from walktool.sample.texts import (
    COMMENT_TOPIC,
    COMMENTS,
    FIXED_COMMENTS,
    POSITIVE,
    SUGGESTIONS,
    ZONE_WORDS,
)

if TYPE_CHECKING:
    from walktool.protocol import Item


def _answer(study: Study, item: Item, bad: bool, stop: Stop) -> str:
    """The XML value a participant gives to ``item`` when it is (``bad``) or is not a problem."""
    rng = study.rng
    key = item.key
    if key in NA_ZONES and stop.zone in NA_ZONES[key]:
        return "na"
    if key == "people_present":
        if stop.crowded:
            return "3"
        return rng.choice(("0", "1")) if bad else rng.choice(("2", "2", "3"))
    if key == "women_children_present":
        if stop.crowded:
            return rng.choice(("2", "3"))
        return rng.choice(("0", "1", "1")) if bad else rng.choice(("1", "2", "2", "3"))
    if key in ("light_level", "cleanliness"):
        return rng.choice(("0", "1", "1")) if bad else rng.choice(("2", "2", "3"))
    if key in ("lights_out", "hiding_spots"):
        return str(rng.randint(2, 6)) if bad else rng.choice(("0", "0", "0", "1"))
    if key == "staff_distance_m":
        if bad:
            return str(rng.randrange(180, 460, 10))
        return str(rng.choice((5, 10, 15, 20, 30, 40, 50)))
    if key == "emergency_phone":
        if not bad:
            return "yes"
        return "not_working" if stop.zone == "platform" else "no"
    if item.kind == "choice" and item.polarity == "negative":
        return "yes" if bad else "no"
    if item.kind == "choice":
        return "no" if bad else "yes"
    msg = f"no answer model for {key}"
    raise ValueError(msg)


def _feeling(study: Study, person: Participant, share: float, stop: Stop, period: str) -> tuple[str, str]:
    """Feeling and alone_at_night, following the problems the person saw (not part of scores)."""
    rng = study.rng
    x = 0.9 * share + (0.15 if period == "night" else 0.0) + person.anxiety + rng.gauss(0.0, 0.07)
    x += 0.05 if stop.zone in ("corridor", "stairs") else 0.0
    x += 0.08 if stop.crowded else 0.0
    feeling = "comfortable" if x < 0.3 else "uncomfortable" if x < 0.5 else "frightening"
    p_no = {"comfortable": 0.08, "uncomfortable": 0.5, "frightening": 0.92}[feeling]
    return feeling, "no" if rng.random() < p_no else "yes"


def location(study: Study, station: str, zone: str) -> tuple[float, float, float, float] | None:
    """A phone's fix at a station's zone: good outside, rare and poor underground.

    Parameters
    ----------
    study
        The study (stations, entrances, random source).
    station, zone
        Where the participant stands.

    Returns
    -------
    tuple[float, float, float, float] or None
        Latitude, longitude, altitude and accuracy (metres); None when the phone has
        no fix (most of the time underground).
    """
    rng = study.rng
    if zone in OUTDOOR_ZONES:
        points = study.entrances.get(study.station_id[station]) or [study.station_pos[station]]
        lat, lon = study.pick(points)
        jitter, acc = 12.0, rng.uniform(3.5, 16.0)
    else:
        if rng.random() < 0.72:
            return None
        lat, lon = study.station_pos[station]
        jitter, acc = 45.0, rng.uniform(24.0, 95.0)
    dlat = rng.gauss(0.0, jitter) / 111_320.0
    dlon = rng.gauss(0.0, jitter) / (111_320.0 * math.cos(math.radians(lat)))
    return (round(lat + dlat, 7), round(lon + dlon, 7), round(rng.uniform(18.0, 62.0), 1), round(acc, 1))


def comment_for(study: Study, person: Participant, topic: str, zone: str | None = None) -> str:
    """A comment on ``topic`` in the person's language that names no other zone than ``zone``.

    Parameters
    ----------
    study
        The study (its random source picks the comment).
    person
        Who writes it (``fr`` or ``en``).
    topic
        A key of :data:`~walktool.sample.texts.COMMENTS`.
    zone
        The zone the comment is about; None: any comment of the topic.

    Returns
    -------
    str
        The comment.
    """
    fr, en = COMMENTS[topic]
    bank = en if person.lang == "en" and en else fr
    if zone is not None:
        others = [w for z, words in ZONE_WORDS.items() if z != zone for w in words]
        fitting = [c for c in bank if not any(w in c.lower() for w in others)]
        bank = tuple(fitting) or bank
    return str(study.pick(bank))


def simulate_walk(study: Study, plan: WalkPlan, walk_id: str, pool: dict[str, Participant], recurring: Sequence[str]) -> Walk:
    """Simulate one walk: the group, the zones it stops in, and every participant's submission.

    Parameters
    ----------
    study
        The study (protocol, stations, the lasting state of each zone, random source).
    plan
        The walk's plan (day, period, route).
    walk_id
        Its id.
    pool
        The campaign's participants by name.
    recurring
        The names the group is drawn from (5 to 10 of them).

    Returns
    -------
    Walk
        The walk, its submissions in time order.
    """
    rng = study.rng
    n_people = rng.randint(5, 10)
    names = sorted(rng.sample(list(recurring), k=min(n_people, len(recurring))))
    people = [pool[n] for n in names]
    hour, minute = (18, 30) if plan.period == "night" else (10, 0)
    if plan.period == "night" and plan.day.month == 10:
        hour, minute = 19, 0  # later sunset in October
    start = datetime(plan.day.year, plan.day.month, plan.day.day, hour, minute, tzinfo=study.tz)
    clock = start + timedelta(minutes=10)  # welcome and briefing
    stops: list[Stop] = []
    for n, station in enumerate(plan.route):
        if n:
            clock += timedelta(minutes=rng.randint(12, 18))  # metro ride to the next station
        zones = list(STATION_ZONES[station])
        want = rng.randint(3, 4) if len(plan.route) == 1 else rng.randint(2, 3)
        # the platform, then the station's known trouble spots, then others at random
        hot = sorted({k.split(":")[0] for table in (PILOT, FOLLOWUP) for k in table.get(station, {}) if ":" in k} - {"platform"})
        rng.shuffle(hot)
        rest = [z for z in zones if z not in ("platform", "entrance") and z not in hot]
        rng.shuffle(rest)
        first = ["entrance"] if len(plan.route) == 1 else []  # a one-station walk starts in the street
        chosen = {"platform", *first, *[z for z in [*hot, "entrance", *rest] if z not in first][: want - 1 - len(first)]}
        for zone in [z for z in zones if z in chosen]:
            truth = {  # this evening's state of the zone: the lasting state, give or take a little
                i.key: study.state[(station, zone, i.key)] + rng.gauss(0.0, 0.05) < study.problem_p(i.key, station, zone, plan.period, plan.campaign)
                for i in study.scored_items
            }
            crowded = station in ("Berri-UQAM", "Lionel-Groulx") and zone in ("corridor", "transfer", "platform") and (plan.period == "day" or rng.random() < 0.5)
            stops.append(Stop(station, zone, clock, truth, crowded))
            clock += timedelta(minutes=rng.randint(14, 21))
    end = clock + timedelta(minutes=15)  # debriefing
    submissions: list[Submission] = []
    for stop in stops:
        for person in people:
            if rng.random() < 0.12:
                continue  # skipped this stop (talking, phone battery, late)
            submissions.append(_submit(study, plan, person, stop))
    submissions.sort(key=lambda s: (s.start, s.person.name))
    return Walk(plan, walk_id, start, end, people, stops, submissions)


def _submit(study: Study, plan: WalkPlan, person: Participant, stop: Stop) -> Submission:
    """One participant's answers, severities, comments and photos at one stop."""
    rng = study.rng
    s_start = stop.start + timedelta(seconds=rng.randint(20, 240), milliseconds=rng.randint(0, 999))
    s_end = s_start + timedelta(seconds=rng.randint(240, 560), milliseconds=rng.randint(0, 999))
    answers: dict[str, str] = {}
    problems: list[str] = []
    answered = 0
    for item in study.scored_items:
        if rng.random() < person.skip:
            continue
        bad = stop.truth[item.key] != (rng.random() < 0.1)  # people disagree now and then
        value = _answer(study, item, bad, stop)
        answers[item.key] = value
        ans = study.protocol.parse_answer(item.key, value)
        if ans is not None and ans.score is not None:
            answered += 1
            if ans.score < study.protocol.problem_below:
                problems.append(item.key)
    share = len(problems) / answered if answered else 0.0
    feeling, alone = _feeling(study, person, share, stop, plan.period)
    answers["feeling"] = feeling
    answers["alone_at_night"] = alone
    item_severity: dict[str, str] = {}
    item_comment: dict[str, str] = {}
    for key in problems:
        if rng.random() < 0.35:
            item_severity[key] = bump(study.protocol.item(key).severity or "medium", rng)
        if rng.random() < 0.08:
            item_comment[key] = comment_for(study, person, COMMENT_TOPIC.get(key, "signage"), stop.zone)
    comment = ""
    if problems and rng.random() < 0.3:
        topic = COMMENT_TOPIC.get(study.pick(problems), "signage")
        if stop.crowded and rng.random() < 0.5:
            topic = "crowd"
        comment = comment_for(study, person, topic, stop.zone)
    elif not problems and rng.random() < 0.25:
        comment = str(study.pick(POSITIVE[1] if person.lang == "en" else POSITIVE[0]))
    elif plan.campaign == CAMPAIGNS[1] and rng.random() < 0.08:
        comment = str(study.pick(FIXED_COMMENTS[1] if person.lang == "en" else FIXED_COMMENTS[0]))
    if rng.random() < 0.12:
        answers["suggestion"] = str(study.pick(SUGGESTIONS[1] if person.lang == "en" else SUGGESTIONS[0]))
    photo = ""
    item_photo: dict[str, str] = {}
    if problems and rng.random() < 0.1:
        name = f"{int(s_end.timestamp() * 1000) - rng.randint(5000, 60000)}.jpg"
        if rng.random() < 0.5:
            photo = name
        else:
            item_photo[study.pick(problems)] = name
    period = plan.period if rng.random() < 0.6 else ""
    return Submission(person, stop, s_start, s_end, answers, problems, item_severity, item_comment, item_photo, comment,
                      photo, location(study, stop.station, stop.zone), period)



def bump(severity: str, rng: random.Random) -> str:
    """A participant's severity: the item's default, sometimes one step lower or higher.

    Parameters
    ----------
    severity
        The item's default (``low``, ``medium``, ``high`` or ``critical``).
    rng
        The random source.

    Returns
    -------
    str
        A severity level.
    """
    levels = ("low", "medium", "high", "critical")
    k = levels.index(severity) + rng.choice((-1, 0, 0, 0, 1))
    return levels[max(0, min(3, k))]
