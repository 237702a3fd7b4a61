"""The period options `report` and `form` share (SPEC §2 "Periods"), and the one period they
give: a year, a quarter, a half, nine months, or --from with --to; --official moves the first
four onto the inspection sector's 15th-to-14th cut-off."""

from __future__ import annotations

from typing import Any

import typer

from dantrack.limits import FIRST_YEAR, LAST_YEAR

YEAR = typer.Option(None, "--year", help="A calendar year.", min=FIRST_YEAR, max=LAST_YEAR)
QUARTER = typer.Option(None, "--quarter", help="A quarter, e.g. 2024-Q3 or Q3/2024.")
HALF = typer.Option(None, "--half", help="A half year, e.g. 2024-H1 or 2024-H2.")
NINE_MONTHS = typer.Option(None, "--nine-months", help="January to September of a year.",
                           min=FIRST_YEAR, max=LAST_YEAR)
FROM = typer.Option(None, "--from", help="First day (with --to).")
TO = typer.Option(None, "--to", help="Last day, inclusive (with --from).")
OFFICIAL = typer.Option(False, "--official",
                        help="The inspection sector's periods: data from the 15th to the 14th.")


def _date(name: str, text: str, parse):  # type: ignore[no-untyped-def]
    from dantrack.errors import InvalidInput

    try:
        return parse(text)
    except ValueError as exc:
        raise InvalidInput(f"invalid {name} {text!r}: {exc}", field=name, value=text) from None


def chosen(year: int | None, quarter: str | None, from_: str | None, to: str | None, *,
           half: str | None = None, nine_months: int | None = None,
           official: bool = False) -> Any:
    """The one period the options give (exit 2 for none, several, or --official with days)."""
    from dantrack import periods
    from dantrack.text import parse_date

    given = [name for name, value in (("--year", year), ("--quarter", quarter),
                                       ("--half", half), ("--nine-months", nine_months),
                                       ("--from/--to", from_ or to)) if value]
    if len(given) != 1:
        raise typer.BadParameter(
            "give exactly one of --year, --quarter or --from/--to (or --half, --nine-months)"
            + (f" (got {', '.join(given)})" if given else ""), param_hint="period")
    if year is not None:
        return periods.year_period(year, official=official)
    if quarter is not None:
        return periods.quarter_period(quarter, official=official)
    if half is not None:
        return periods.half_period(half, official=official)
    if nine_months is not None:
        return periods.nine_months_period(nine_months, official=official)
    if official:
        raise typer.BadParameter("--official goes with --year, --quarter, --half or "
                                 "--nine-months, not --from/--to", param_hint="period")
    if not (from_ and to):
        raise typer.BadParameter("--from and --to go together", param_hint="period")
    return periods.range_period(_date("from", from_, parse_date), _date("to", to, parse_date))
