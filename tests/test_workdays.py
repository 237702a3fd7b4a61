"""Working days as the law counts them (SPEC §1 "Working days"): due dates of every kind on
every day of 2024–2026 against an independent count, made one day at a time from the
`holidays` package and the shipped decisions."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dantrack.deadlines import due_on
from dantrack.vocab import PetitionKind
from dantrack.workdays import Calendar, Decision

DATA = Path(__file__).parent.parent / "src" / "dantrack" / "data" / "calendar_vn.csv"
YEARS = range(2023, 2028)


def _independent_days() -> tuple[set[date], set[date]]:
    """Days off and weekend days worked, read without dantrack.workdays."""
    package = holidays.country_holidays("VN", years=YEARS)
    off, work = set(package), set(package.weekend_workdays)
    with DATA.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            day = date.fromisoformat(row["date"])
            (off if row["kind"] == "off" else work).add(day)
            (work if row["kind"] == "off" else off).discard(day)
    return off, work


OFF, WORK = _independent_days()


def working(day: date, off: set[date] = OFF, work: set[date] = WORK) -> bool:
    return day in work or (day.weekday() < 5 and day not in off)


def count_forward(start: date, days: int, **calendar: set[date]) -> date:
    """The days-th working day after start, counted one day at a time."""
    day = start
    while days:
        day += timedelta(days=1)
        days -= working(day, **calendar)
    return day


EVERY_DAY = [date(2024, 1, 1) + timedelta(days=n)
             for n in range((date(2026, 12, 31) - date(2024, 1, 1)).days + 1)]
KINDS = list(PetitionKind)


@pytest.mark.parametrize("kind", KINDS)
def test_every_day_of_2024_to_2026_against_a_count_one_day_at_a_time(
        kind: PetitionKind) -> None:
    calendar_days = {(PetitionKind.complaint, False, False): 30,
                     (PetitionKind.complaint, True, False): 45,
                     (PetitionKind.complaint, False, True): 45,
                     (PetitionKind.complaint, True, True): 60,
                     (PetitionKind.denunciation, False, False): 30,
                     (PetitionKind.denunciation, True, False): 60,
                     (PetitionKind.denunciation, False, True): 30,
                     (PetitionKind.denunciation, True, True): 60}
    for accepted in EVERY_DAY:
        for complex_ in (False, True):
            for remote in (False, True):
                got = due_on(kind, accepted, complex=complex_, remote=remote)
                if kind in (PetitionKind.complaint, PetitionKind.denunciation):
                    expected = accepted + timedelta(days=calendar_days[(kind, complex_, remote)])
                else:
                    expected = count_forward(accepted, 10)
                assert got == expected, (kind, accepted, complex_, remote)


@pytest.mark.parametrize(("kind", "received", "not_due", "due"), [
    # 30/4 and 1/5 are days off: not 12 May.
    (PetitionKind.reflection, date(2026, 4, 28), date(2026, 5, 12), date(2026, 5, 14)),
    # Tết Bính Ngọ, 16–20 February 2026: not 27 February.
    (PetitionKind.recommendation, date(2026, 2, 13), date(2026, 2, 27), date(2026, 3, 6)),
    # Tết Giáp Thìn, 8–14 February 2024.
    (PetitionKind.recommendation, date(2024, 2, 5), date(2024, 2, 19), date(2024, 2, 26)),
    # Hùng Kings' day (18 April) and 29/4 – 1/5 2024.
    (PetitionKind.reflection, date(2024, 4, 15), date(2024, 4, 29), date(2024, 5, 3)),
])
def test_tet_and_30_4_1_5(kind: PetitionKind, received: date, not_due: date,
                          due: date) -> None:
    got = due_on(kind, received, complex=False, remote=False)
    assert got != not_due
    assert got == due


def test_the_swap_of_new_year_2026_ships_with_dantrack() -> None:
    """Friday 2 January 2026 off, Saturday 10 January worked (văn bản 12729/VPCP-KGVX)."""
    calendar = Calendar()
    assert not calendar.is_working(date(2026, 1, 2))
    assert calendar.is_working(date(2026, 1, 10))
    # Accepted Wednesday 31/12/2025: 1/1 and 2/1 off, Saturday 10/1 counts.
    assert calendar.add_working_days(date(2025, 12, 31), 10) == date(2026, 1, 15)
    # A package's own swap: Saturday 26 April 2025 worked for Friday 2 May.
    assert calendar.is_working(date(2025, 4, 26))
    assert not calendar.is_working(date(2025, 5, 2))


decisions = st.lists(st.tuples(st.dates(date(2024, 1, 1), date(2026, 12, 31)),
                               st.sampled_from(["off", "work"])), max_size=12)


@settings(max_examples=60, deadline=None)
@given(decisions, st.dates(date(2024, 1, 1), date(2026, 11, 30)), st.integers(0, 40))
def test_an_office_s_decisions_against_a_count_one_day_at_a_time(
        made: list[tuple[date, str]], start: date, days: int) -> None:
    off, work = set(OFF), set(WORK)
    for day, kind in made:  # the later decision for a day overrides the earlier
        (off if kind == "off" else work).add(day)
        (work if kind == "off" else off).discard(day)
    calendar = Calendar([Decision(day, kind, "decided") for day, kind in made])
    expected = count_forward(start, days, off=off, work=work) if days else start
    assert calendar.add_working_days(start, days) == expected


@given(st.dates(date(2024, 1, 1), date(2026, 6, 30)), st.integers(1, 400))
def test_suspension_moves_a_deadline_by_the_days_suspended(accepted: date,
                                                           suspended: int) -> None:
    for kind in (PetitionKind.complaint, PetitionKind.denunciation):
        plain = due_on(kind, accepted, complex=False, remote=False)
        assert due_on(kind, accepted, complex=False, remote=False,
                      suspended_days=suspended) == plain + timedelta(days=suspended)
    # Counted in working days: moved as many days, then to a working day.
    plain = due_on(PetitionKind.reflection, accepted, complex=False, remote=False)
    moved = due_on(PetitionKind.reflection, accepted, complex=False, remote=False,
                   suspended_days=suspended)
    day = plain + timedelta(days=suspended)
    while not working(day):
        day += timedelta(days=1)
    assert moved == day


def test_a_suspension_across_the_year_end() -> None:
    # A reflection accepted Monday 15/12/2025 is due 29/12; suspended 22/12 – 12/01/2026
    # (21 days), it moves to 19/01/2026.
    accepted = date(2025, 12, 15)
    assert due_on(PetitionKind.reflection, accepted, complex=False, remote=False) == \
        date(2025, 12, 29)
    assert due_on(PetitionKind.reflection, accepted, complex=False, remote=False,
                  suspended_days=21) == date(2026, 1, 19)
    # A denunciation: 30 days, then the 21 days.
    assert due_on(PetitionKind.denunciation, accepted, complex=False, remote=False,
                  suspended_days=21) == date(2026, 2, 4)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"])
def test_today_is_the_date_in_vietnam_whatever_tz_says(zone: str) -> None:
    import datetime as dt
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DANTRACK_TODAY"} | {"TZ": zone}
    before = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    shown = subprocess.run([sys.executable, "-c", "from dantrack import clock; "
                            "print(clock.today(), end='')"], env=env, check=True,
                           capture_output=True, text=True).stdout
    after = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    assert shown in (before.isoformat(), after.isoformat())
    pinned = subprocess.run([sys.executable, "-c", "from dantrack import clock; "
                             "print(clock.today(), end='')"],
                            env=env | {"DANTRACK_TODAY": "2026-02-17"}, check=True,
                            capture_output=True, text=True).stdout
    assert pinned == "2026-02-17"


def test_no_module_asks_the_machine_for_today() -> None:
    """Every "today" is dantrack.clock.today(): no naive date.today() or datetime.now()."""
    import re

    source = Path(__file__).parent.parent / "src" / "dantrack"
    naive = re.compile(r"\bdate\.today\(|datetime\.today\(|datetime\.now\(\)|localtime\(")
    found = [f"{path.name}:{number}" for path in source.rglob("*.py")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if naive.search(line)]
    assert found == []
