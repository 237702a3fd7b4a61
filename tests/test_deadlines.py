"""Statutory deadlines (SPEC §1 "Deadline"), with expectations worked out on a calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dantrack.deadlines import add_working_days, due_on
from dantrack.vocab import PetitionKind

C, D = PetitionKind.complaint, PetitionKind.denunciation
R, F = PetitionKind.recommendation, PetitionKind.reflection

FRI_1_MARCH = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("kind", "complex_", "remote", "expected"),
    [
        # Complaints: 30 days, 45 if complex; remote 45, or 60 if complex.
        (C, False, False, date(2024, 3, 31)),  # SPEC's example: accepted 1 March → 31 March
        (C, True, False, date(2024, 4, 15)),
        (C, False, True, date(2024, 4, 15)),
        (C, True, True, date(2024, 4, 30)),
        # Denunciations: 30 days, 60 if complex; remoteness does not matter.
        (D, False, False, date(2024, 3, 31)),
        (D, True, False, date(2024, 4, 30)),
        (D, False, True, date(2024, 3, 31)),
        (D, True, True, date(2024, 4, 30)),
        # Recommendations and reflections: 10 working days, flags do not matter.
        (R, False, False, date(2024, 3, 15)),
        (R, True, True, date(2024, 3, 15)),
        (F, False, False, date(2024, 3, 15)),
        (F, True, False, date(2024, 3, 15)),
        (F, False, True, date(2024, 3, 15)),
    ],
)
def test_deadline_for_every_kind_and_flag(
    kind: PetitionKind, complex_: bool, remote: bool, expected: date
) -> None:
    assert due_on(kind, FRI_1_MARCH, complex=complex_, remote=remote) == expected


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        (date(2024, 2, 1), date(2024, 3, 2)),  # leap February has 29 days
        (date(2023, 2, 1), date(2023, 3, 3)),
        (date(2024, 12, 15), date(2025, 1, 14)),  # across the year end
        (date(2024, 1, 31), date(2024, 3, 1)),
    ],
)
def test_calendar_days_count_across_month_and_year_ends(accepted: date, expected: date) -> None:
    assert due_on(C, accepted, complex=False, remote=False) == expected
    assert due_on(D, accepted, complex=False, remote=False) == expected


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        (date(2024, 3, 1), date(2024, 3, 15)),  # Friday → two weeks later
        (date(2024, 3, 2), date(2024, 3, 15)),  # Saturday: counting starts Monday 4
        (date(2024, 3, 3), date(2024, 3, 15)),  # Sunday
        (date(2024, 3, 4), date(2024, 3, 18)),  # Monday → the Monday two weeks on
        (date(2024, 3, 6), date(2024, 3, 20)),  # Wednesday
        # Across the year end, weekends and New Year's Day (1 January 2025) skipped.
        (date(2024, 12, 25), date(2025, 1, 9)),
    ],
)
def test_ten_working_days_skip_weekends(accepted: date, expected: date) -> None:
    assert due_on(R, accepted, complex=False, remote=False) == expected
    assert add_working_days(accepted, 10) == expected


def test_add_working_days_small_counts() -> None:
    friday = date(2024, 3, 1)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == date(2024, 3, 4)
    assert add_working_days(date(2024, 3, 4), 1) == date(2024, 3, 5)
    assert add_working_days(date(2024, 3, 9), 5) == date(2024, 3, 15)


def test_kind_may_be_given_as_its_value() -> None:
    assert due_on("complaint", FRI_1_MARCH, complex=True, remote=True) == date(2024, 4, 30)
    with pytest.raises(ValueError):
        due_on("khieu_nai", FRI_1_MARCH, complex=False, remote=False)


reasonable_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def _no_holiday_between(accepted: date, due: date) -> bool:
    from dantrack.workdays import standard

    calendar = standard()
    return all(calendar.is_working(day) == (day.weekday() < 5)
               for day in (accepted + timedelta(days=n) for n in range((due - accepted).days + 1)))


@given(reasonable_dates, st.sampled_from([R, F]), st.booleans(), st.booleans())
def test_ten_working_days_is_a_weekday_exactly_ten_weekdays_later(
    accepted: date, kind: PetitionKind, complex_: bool, remote: bool
) -> None:
    # Where no public holiday or swap falls in the span (tests/test_workdays.py counts those).
    due = due_on(kind, accepted, complex=complex_, remote=remote)
    assume(_no_holiday_between(accepted, due))
    assert due.weekday() < 5
    span = (due - accepted).days
    weekdays_between = sum(
        1 for offset in range(1, span + 1) if (accepted + timedelta(days=offset)).weekday() < 5
    )
    assert weekdays_between == 10
    # Two calendar weeks from a weekday; from a weekend the count starts on Monday.
    assert span == (14 if accepted.weekday() < 5 else 13 if accepted.weekday() == 5 else 12)


@given(reasonable_dates, st.booleans())
def test_complex_never_shortens_a_deadline(accepted: date, remote: bool) -> None:
    for kind in (C, D):
        plain = due_on(kind, accepted, complex=False, remote=remote)
        longer = due_on(kind, accepted, complex=True, remote=remote)
        assert longer > plain
        assert plain > accepted
