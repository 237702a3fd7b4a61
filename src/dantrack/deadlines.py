"""Statutory deadlines (SPEC §1), counted from the date of acceptance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from dantrack.vocab import PetitionKind

if TYPE_CHECKING:
    from dantrack.workdays import Calendar

# The kinds whose deadline counts working days, so that the calendar moves it.
WORKING_DAY_KINDS = frozenset({PetitionKind.recommendation.value, PetitionKind.reflection.value})
_COMPLAINT_DAYS = {(False, False): 30, (True, False): 45, (False, True): 45, (True, True): 60}


def _calendar(calendar: Calendar | None) -> Calendar:
    from dantrack.workdays import standard

    return calendar if calendar is not None else standard()


def add_working_days(start: date, days: int, calendar: Calendar | None = None) -> date:
    """The days-th working day after start (dantrack.workdays)."""
    return _calendar(calendar).add_working_days(start, days)


def due_on(kind: PetitionKind | str, accepted_on: date, *, complex: bool, remote: bool,
           calendar: Calendar | None = None, extended_days: int = 0,
           suspended_days: int = 0) -> date:
    """The deadline: the statutory time from acceptance, then the days of the extensions
    (denunciations) and of the suspensions ended, as calendar days. A deadline counted in
    working days that then falls on a day off moves to the next working day."""
    kind = PetitionKind(kind)
    moved = timedelta(days=extended_days + suspended_days)
    if kind is PetitionKind.complaint:
        return accepted_on + timedelta(days=_COMPLAINT_DAYS[(complex, remote)]) + moved
    if kind is PetitionKind.denunciation:
        return accepted_on + timedelta(days=60 if complex else 30) + moved
    calendar = _calendar(calendar)
    due = calendar.add_working_days(accepted_on, 10)
    return calendar.on_or_after(due + moved) if moved else due
