"""Working days as the law counts them (SPEC §1 "Working days"): Monday to Friday, but for
Vietnam's public holidays as the `holidays` package gives them, the decisions that ship with
dantrack (data/calendar_vn.csv, each citing its decision) and the swaps an office records in
its database (`calendar off|work`), the later overriding the earlier for the same day.

A Calendar counts by bisecting a sorted list of each year's working days, made once per year
it is asked about, so an import computing thousands of deadlines reads the database once (the
caller loads the calendar) and spends microseconds a deadline.
"""

from __future__ import annotations

import csv
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

OFF, WORK = "off", "work"
KINDS = (OFF, WORK)


class Decision(NamedTuple):
    """One day's status as a decision set it, and why."""

    day: dt.date
    kind: str
    reason: str


@cache
def _package_year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The holidays package's days off of a year (with their names) and its weekend days
    made working days (the Saturdays worked for a substitute day off)."""
    import holidays  # a few tens of milliseconds: only when a working day is counted

    try:
        days = holidays.country_holidays("VN", years=year)
        off = dict(days.items())
        worked = frozenset(d for d in getattr(days, "weekend_workdays", ()) if d.year == year)
    except (NotImplementedError, KeyError, ValueError, OverflowError):
        return {}, frozenset()  # a year the package cannot compute: weekends only
    return off, worked


@cache
def shipped() -> tuple[Decision, ...]:
    """The decisions missing from the package that ship with dantrack (data/calendar_vn.csv)."""
    text = resources.files("dantrack").joinpath("data/calendar_vn.csv").read_text("utf-8")
    return tuple(Decision(dt.date.fromisoformat(row["date"]), row["kind"], row["reason"])
                 for row in csv.DictReader(text.splitlines()))


class Calendar:
    """The working days once the decisions (data file, then database, in order) apply."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self.decisions: dict[dt.date, Decision] = {d.day: d for d in (*shipped(), *decisions)}
        self._years: dict[int, list[int]] = {}
        self._counted: dict[tuple[dt.date, int], dt.date] = {}

    def status(self, day: dt.date) -> tuple[str, str]:
        """(off|work, why) of a day: a decision's reason, a holiday's name, or the weekday."""
        if (decision := self.decisions.get(day)) is not None:
            return decision.kind, decision.reason
        off, worked = _package_year(day.year)
        if day in off:
            return OFF, off[day]
        if day in worked:
            return WORK, "weekend day worked for a substitute day off"
        return (OFF, "weekend") if day.weekday() > 4 else (WORK, "")

    def is_working(self, day: dt.date) -> bool:
        return self.status(day)[0] == WORK

    def _working(self, year: int) -> list[int]:
        """The ordinals of a year's working days, in order."""
        if (days := self._years.get(year)) is None:
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            days = [n for n in range(first, last + 1)
                    if self.is_working(dt.date.fromordinal(n))]
            self._years[year] = days
        return days

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The days-th working day after start (start itself when days ≤ 0)."""
        if days <= 0:
            return start
        if (found := self._counted.get((start, days))) is not None:
            return found
        year, working = start.year, self._working(start.year)
        index = bisect_right(working, start.toordinal()) + days - 1
        while index >= len(working):
            index -= len(working)
            year += 1
            working = self._working(year)
        found = self._counted[(start, days)] = dt.date.fromordinal(working[index])
        return found

    def on_or_after(self, day: dt.date) -> dt.date:
        """The first working day on or after day."""
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def days_off(self, year: int) -> list[tuple[dt.date, str, str]]:
        """A year's days that differ from Monday-to-Friday, or that a decision names:
        (day, off|work, why), in order."""
        day, end, found = dt.date(year, 1, 1), dt.date(year, 12, 31), []
        while day <= end:
            kind, why = self.status(day)
            if (kind == OFF) != (day.weekday() > 4) or day in self.decisions:
                found.append((day, kind, why))
            day += dt.timedelta(days=1)
        return found


class WeekdaysOnly(Calendar):
    """Monday to Friday, nothing else: the calendar deadlines were counted on before revision
    0006. Petitions recorded then keep those deadlines until a write recomputes them, so db
    check accepts it as a calendar that was in force."""

    def __init__(self) -> None:
        super().__init__()
        self.decisions = {}

    def status(self, day: dt.date) -> tuple[str, str]:
        return (OFF, "weekend") if day.weekday() > 4 else (WORK, "")


@cache
def standard() -> Calendar:
    """The calendar without an office's own decisions: the package and the shipped data."""
    return Calendar()


def from_rows(decisions: Sequence[Decision]) -> Calendar:
    """A calendar from stored decisions, oldest first (the standard one when there are none,
    so that its counts are shared)."""
    return Calendar(decisions) if decisions else standard()
