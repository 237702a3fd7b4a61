"""Statutory deadlines (SPEC §1), counted from the date of acceptance."""

from __future__ import annotations

from datetime import date, timedelta

from dantrack.vocab import PetitionKind


def add_working_days(start: date, days: int) -> date:
    """The days-th Monday-to-Friday day after start."""
    if days <= 0:
        return start
    weekday = start.weekday()
    if weekday > 4:  # from a weekend day, count as from the Friday before
        start -= timedelta(days=weekday - 4)
        weekday = 4
    weeks, rest = divmod(days, 5)
    calendar_days = weeks * 7 + rest + (2 if weekday + rest > 4 else 0)
    return start + timedelta(days=calendar_days)


def due_on(kind: PetitionKind | str, accepted_on: date, *, complex: bool, remote: bool) -> date:
    kind = PetitionKind(kind)
    if kind is PetitionKind.complaint:
        days = {(False, False): 30, (True, False): 45, (False, True): 45, (True, True): 60}
        return accepted_on + timedelta(days=days[(complex, remote)])
    if kind is PetitionKind.denunciation:
        return accepted_on + timedelta(days=60 if complex else 30)
    return add_working_days(accepted_on, 10)
