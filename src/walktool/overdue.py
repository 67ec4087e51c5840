"""Overdue recommendations: past their timeframe and not done.

A recommendation is due at its campaign's start (the first walk's date; else the
first observation's local date) plus its timeframe: ``immediate`` 2 weeks, ``short``
3 months, ``medium`` 12 months, ``long`` 36 months (the ``[followup]`` table of
``walktool.toml`` changes them).  A due date staff wrote in the workbook
(``walktool followup import``) replaces the computed one.  It is **overdue** when
today is past that date and its status is not ``done``, ``verified`` or
``rejected`` (declined: a decision, not a delay).

"Today" is the local date, or ``WALKTOOL_TODAY`` (``YYYY-MM-DD``) when set, so that
tests and re-runs of a report give the same answer on any day.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

from walktool.errors import WalktoolError
from walktool.i18n import N_, Phrase

if TYPE_CHECKING:
    from walktool.project import Project, Settings

CLOSED = ("done", "verified", "rejected")
TODAY_ENV = "WALKTOOL_TODAY"


class OverdueError(WalktoolError):
    """``WALKTOOL_TODAY`` is not a date."""


def today() -> dt.date:
    """Today's date, or the date ``WALKTOOL_TODAY`` gives (a fixed clock)."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError as exc:
        msg = Phrase(N_("{TODAY_ENV}={fixed!r} is not a date; give YYYY-MM-DD or unset it"), TODAY_ENV=TODAY_ENV, fixed=fixed)
        raise OverdueError(msg) from exc


def timeframe_due(start: dt.date, timeframe: str | None, settings: Settings) -> dt.date | None:
    """The date a recommendation of ``timeframe`` is due when its campaign started on ``start``."""
    from dateutil.relativedelta import relativedelta

    if timeframe == "immediate":
        return start + dt.timedelta(weeks=settings.followup_immediate_weeks)
    months = {"short": settings.followup_short_months, "medium": settings.followup_medium_months,
              "long": settings.followup_long_months}.get(str(timeframe))
    return None if months is None else start + relativedelta(months=months)


def campaign_start(project: Project, campaign: str | None) -> dt.date | None:
    """The campaign's first walk date (the walks table), else its first observation's local date."""
    where = {"campaign": campaign} if campaign else None
    walks = project.store.read("walks", where, columns=["date"])
    dates = [str(d)[:10] for d in walks["date"].dropna()] if len(walks) else []
    if not dates:
        first = project.store.first_values("observations", "campaign", "local_time")
        dates = [str(v)[:10] for k, v in first.items() if v and (campaign is None or k == campaign)]
    for text in sorted(dates):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            continue
    return None


def annotate(records: list[dict[str, Any]], project: Project, campaign: str | None, *, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Add ``due`` (ISO date or None), ``overdue`` (bool) and ``days_overdue`` to recommendation records.

    Parameters
    ----------
    records
        :meth:`walktool.recommend.Recommendations.records` of ``campaign``.
    project
        The open project (settings and the campaign's start).
    campaign
        The campaign of the records.
    on
        The day to judge on (default :func:`today`).
    """
    day = on or today()
    start = campaign_start(project, campaign)
    for rec in records:
        due: dt.date | None = None
        if rec.get("due_date"):
            try:
                due = dt.date.fromisoformat(str(rec["due_date"])[:10])
            except ValueError:
                due = None
        if due is None and start is not None:
            due = timeframe_due(start, rec.get("timeframe"), project.settings)
        late = due is not None and day > due and (rec.get("status") or "proposed") not in CLOSED
        rec["due"] = due.isoformat() if due else None
        rec["overdue"] = bool(late)
        rec["days_overdue"] = (day - due).days if late and due else 0
    return records
