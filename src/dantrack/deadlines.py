"""Statutory deadlines (SPEC §1), counted from the date of acceptance."""

from __future__ import annotations

from datetime import date, timedelta

from dantrack.vocab import PetitionKind


def add_working_days(start: date, days: int) -> date:
    """The days-th Monday-to-Friday day after start."""
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due_on(kind: PetitionKind | str, accepted_on: date, *, complex: bool, remote: bool) -> date:
    kind = PetitionKind(kind)
    if kind is PetitionKind.complaint:
        days = {(False, False): 30, (True, False): 45, (False, True): 45, (True, True): 60}
        return accepted_on + timedelta(days=days[(complex, remote)])
    if kind is PetitionKind.denunciation:
        return accepted_on + timedelta(days=60 if complex else 30)
    return add_working_days(accepted_on, 10)
