"""Periods (SPEC §2 "Periods"): calendar and official (15th-to-14th) years, quarters, halves
and nine months, the two spellings of a quarter, and the errors of bad period options."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dantrack.errors import InvalidInput
from dantrack.periods import (
    half_period,
    nine_months_period,
    quarter_period,
    range_period,
    year_period,
)


def days(period) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return period.from_.isoformat(), period.to.isoformat()


@pytest.mark.parametrize(("period", "expected"), [
    (year_period(2024), ("2024-01-01", "2024-12-31")),
    (year_period(2024, official=True), ("2023-12-15", "2024-12-14")),
    (quarter_period("2024-Q1", official=True), ("2023-12-15", "2024-03-14")),
    (quarter_period("2024-Q2", official=True), ("2024-03-15", "2024-06-14")),
    (quarter_period("2024-Q3", official=True), ("2024-06-15", "2024-09-14")),
    (quarter_period("2024-Q4", official=True), ("2024-09-15", "2024-12-14")),
    (quarter_period("Q3/2024"), ("2024-07-01", "2024-09-30")),
    (quarter_period(" q1/2025 ", official=True), ("2024-12-15", "2025-03-14")),
    (half_period("2024-H1"), ("2024-01-01", "2024-06-30")),
    (half_period("2024-h2"), ("2024-07-01", "2024-12-31")),
    (half_period("2024-H1", official=True), ("2023-12-15", "2024-06-14")),
    (half_period("2024-H2", official=True), ("2024-06-15", "2024-12-14")),
    (nine_months_period(2024), ("2024-01-01", "2024-09-30")),
    (nine_months_period(2024, official=True), ("2023-12-15", "2024-09-14")),
])
def test_period_bounds(period, expected) -> None:  # type: ignore[no-untyped-def]
    assert days(period) == expected


def test_official_periods_tile_the_year_without_gap_or_overlap() -> None:
    quarters = [quarter_period(f"2024-Q{n}", official=True) for n in (1, 2, 3, 4)]
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert after.from_ - before.to == dt.timedelta(days=1)
    year = year_period(2024, official=True)
    assert (quarters[0].from_, quarters[-1].to) == (year.from_, year.to)
    assert quarter_period("2025-Q1", official=True).from_ == year.to + dt.timedelta(days=1)


def test_a_leap_day_lies_in_the_official_first_quarter() -> None:
    q1 = quarter_period("2024-Q1", official=True)
    assert q1.from_ < dt.date(2024, 2, 29) < q1.to
    assert (q1.to - q1.from_).days + 1 == 91  # 17 days of December, 31 + 29 + 14


def test_the_form_names_the_official_flag_the_report_keeps_its_two_keys() -> None:
    assert year_period(2024, official=True).described() == {
        "from": "2023-12-15", "to": "2024-12-14", "official": True}
    assert year_period(2024).described()["official"] is False
    assert year_period(2024, official=True).as_dict() == {"from": "2023-12-15",
                                                          "to": "2024-12-14"}


@pytest.mark.parametrize(("make", "text", "message"), [
    (quarter_period, "2024-Q5", "invalid quarter '2024-Q5': expected YYYY-Qn"),
    (quarter_period, "Q0/2024", "invalid quarter 'Q0/2024'"),
    (quarter_period, "2024Q1", "invalid quarter '2024Q1'"),
    (half_period, "2024-H3", "invalid half '2024-H3': expected YYYY-H1 or YYYY-H2"),
    (half_period, "H1/2024", "invalid half 'H1/2024'"),
    (half_period, "0999-H1", "invalid half '0999-H1': expected a year 1900–2999"),
    (quarter_period, "3000-Q1", "invalid quarter '3000-Q1': expected YYYY-Qn with a year"),
])
def test_bad_period_text_names_the_option(make, text, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as raised:
        make(text)
    assert str(raised.value).startswith(message)


def test_a_range_backwards_is_refused() -> None:
    with pytest.raises(InvalidInput, match="from 2024-02-01 is after to 2024-01-31"):
        range_period(dt.date(2024, 2, 1), dt.date(2024, 1, 31))


# --- the options, on report and form -----------------------------------------------------


@pytest.mark.parametrize("command", [["report"], ["form", "01/XLD"]])
@pytest.mark.parametrize(("args", "code", "message"), [
    ([], 2, "give exactly one of --year, --quarter or --from/--to (or --half, --nine-months)"),
    (["--half", "2024-H1", "--nine-months", "2024"], 2, "(got --half, --nine-months)"),
    (["--from", "2024-01-01", "--to", "2024-02-01", "--official"], 2,
     "--official goes with --year, --quarter, --half or --nine-months, not --from/--to"),
    (["--half", "2024-H3"], 3, "Error: invalid half '2024-H3'"),
    (["--quarter", "Q5/2024", "--official"], 3, "Error: invalid quarter 'Q5/2024'"),
    (["--nine-months", "20245"], 2, "--nine-months"),
])
def test_period_option_errors(cli, tree, command, args, code, message) -> None:  # type: ignore[no-untyped-def]
    result = cli(*command, *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


@pytest.mark.backends
def test_report_official_year_boundary_days(cli, tree) -> None:  # type: ignore[no-untyped-def]
    """14 and 15 December: the official year 2024 begins on 15/12/2023 and ends on 14/12/2024;
    14 and 15 March: the official first quarter ends on the 14th."""
    for day in ("2023-12-14", "2023-12-15", "2024-03-14", "2024-03-15", "2024-12-14",
                "2024-12-15", "2024-02-29"):
        result = cli("petition", "add", "--kind", "complaint", "--received-on", day,
                     "--locality", "01864", "--subject", day)
        assert result.exit_code == 0, result.stderr

    def received(*args: str) -> tuple[dict, int]:
        out = cli("report", *args, "--locality", "06", "--format", "json")
        assert out.exit_code == 0, out.stderr
        data = json.loads(out.stdout)
        return data["period"], data["petitions"]["received"]

    assert received("--year", "2024", "--official") == (
        {"from": "2023-12-15", "to": "2024-12-14"}, 5)  # 15/12, 29/02, 14/03, 15/03, 14/12
    assert received("--year", "2024") == ({"from": "2024-01-01", "to": "2024-12-31"}, 5)
    assert received("--quarter", "Q1/2024", "--official")[1] == 3  # 15/12, 29/02, 14/03
    assert received("--quarter", "2024-Q2", "--official")[1] == 1  # 15/03
    assert received("--half", "2024-H2", "--official")[1] == 1  # 14/12
    assert received("--nine-months", "2024", "--official")[1] == 4
