"""Report periods (SPEC §2 "Periods"): a calendar year, quarter, half or nine months, a range
of days, and the inspection sector's official periods (Circular 01/2024/TT-TTCP), whose data
run from the 15th to the 14th: year Y is 15/12/(Y−1)–14/12/Y, and every other official period
starts on 15 December of the year before or on the 15th of a quarter's last month.

Kept free of heavy imports: the command line builds a period before opening the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dantrack.errors import InvalidInput
from dantrack.limits import FIRST_YEAR, LAST_YEAR

# The official data close on the 14th and the next period's open on the 15th.
CUT_OFF = 15


@dataclass(frozen=True)
class Period:
    from_: dt.date
    to: dt.date
    official: bool = False

    def as_dict(self) -> dict[str, str]:
        """The period as a report names it (SPEC §2: its first and last day)."""
        return {"from": self.from_.isoformat(), "to": self.to.isoformat()}

    def described(self) -> dict[str, str | bool]:
        """The period as a form names it: its days and whether it is an official one."""
        return {**self.as_dict(), "official": self.official}


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def months(year: int, first: int, last: int, *, official: bool = False) -> Period:
    """Calendar months first..last of year; officially, from the 15th of the month before
    first (December of the year before for January) to the 14th of last."""
    if not official:
        return Period(dt.date(year, first, 1), _month_end(year, last))
    start = dt.date(year - 1, 12, CUT_OFF) if first == 1 else dt.date(year, first - 1, CUT_OFF)
    return Period(start, dt.date(year, last, CUT_OFF - 1), official=True)


def _year(text: str | int, name: str, example: str, given: str | None = None) -> int:
    """The year of a period option; `given`: the option's whole text, for the message."""
    value = int(text) if str(text).isdigit() else None
    if value is None or not FIRST_YEAR <= value <= LAST_YEAR:
        shown = str(text) if given is None else given
        raise InvalidInput(f"invalid {name} {shown!r}: expected {example}", field=name,
                           value=shown)
    return value


def year_period(year: int, *, official: bool = False) -> Period:
    return months(_year(year, "year", f"a year {FIRST_YEAR}–{LAST_YEAR}"), 1, 12,
                  official=official)


_QUARTER = re.compile(r"^(?:(\d{4})-Q([1-4])|Q([1-4])/(\d{4}))$")


def quarter_period(text: str, *, official: bool = False) -> Period:
    """'2024-Q3' or 'Q3/2024' → 1 July to 30 September 2024 (officially 15 June to 14
    September)."""
    found = _QUARTER.match(text.strip().upper())
    if not found:
        raise InvalidInput(f"invalid quarter {text!r}: expected YYYY-Qn, e.g. 2024-Q3 "
                           "(or Q3/2024)", field="quarter", value=text)
    year_text, quarter_text = (found[1], found[2]) if found[1] else (found[4], found[3])
    quarter = int(quarter_text)
    example = f"YYYY-Qn with a year {FIRST_YEAR}–{LAST_YEAR}"
    return months(_year(year_text, "quarter", example, text), 3 * quarter - 2, 3 * quarter,
                  official=official)


_HALF = re.compile(r"^(\d{4})-H([12])$")


def half_period(text: str, *, official: bool = False) -> Period:
    """'2024-H1' → January to June 2024 (officially 15/12/2023–14/06/2024); H2 the rest."""
    found = _HALF.match(text.strip().upper())
    if not found:
        raise InvalidInput(f"invalid half {text!r}: expected YYYY-H1 or YYYY-H2, e.g. 2024-H1",
                           field="half", value=text)
    year = _year(found[1], "half", f"a year {FIRST_YEAR}–{LAST_YEAR}", text)
    half = int(found[2])
    return months(year, 1, 6, official=official) if half == 1 else months(
        year, 7, 12, official=official)


def nine_months_period(year: int, *, official: bool = False) -> Period:
    """January to September (officially 15/12/(Y−1)–14/09/Y)."""
    return months(_year(year, "nine-months", f"a year {FIRST_YEAR}–{LAST_YEAR}"), 1, 9,
                  official=official)


def range_period(start: dt.date, end: dt.date) -> Period:
    if start > end:
        raise InvalidInput(f"invalid period: from {start} is after to {end}", field="from",
                           value=str(start))
    return Period(from_=start, to=end)


def a_year_earlier(period: Period) -> Period:
    """The same days a year before (`report --compare`); 29 February becomes 28 February."""
    return Period(from_=_year_before(period.from_), to=_year_before(period.to),
                  official=period.official)


def _year_before(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
