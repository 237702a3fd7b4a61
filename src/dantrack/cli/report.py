"""dantrack report"""

from __future__ import annotations

from typing import Any

import typer

from dantrack.cli.common import ReportFormat, connection
from dantrack.limits import FIRST_YEAR, LAST_YEAR


def report(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", help="A calendar year.", min=FIRST_YEAR,
                                    max=LAST_YEAR),
    quarter: str | None = typer.Option(None, "--quarter", help="A quarter, e.g. 2024-Q3."),
    from_: str | None = typer.Option(None, "--from", help="First day (with --to)."),
    to: str | None = typer.Option(None, "--to", help="Last day, inclusive (with --from)."),
    locality: str | None = typer.Option(
        None, "--locality", "-l", help="Code or name; default: the whole tree."),
    body: str | None = typer.Option(
        None, "--body", help="Count only meetings and dialogues held by this body."),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f",
                                     help="table, json, csv or markdown."),
    compare: bool = typer.Option(
        False, "--compare", help="Also the same period a year earlier, and the change."),
) -> None:
    """Resolution-rate report for a period and a locality's whole subtree.

    Example: dantrack report --year 2024 --locality "Bắc Kạn" --format json
    """
    from dantrack import reporting
    from dantrack.output import Format, render_report
    from dantrack.text import parse_field_choice
    from dantrack.vocab import Body

    period = _period(year, quarter, from_, to)
    parsed_body = parse_field_choice(Body, body, "body").value if body else None
    with connection(ctx) as c:
        result = reporting.build_report(c, period=period, locality=locality, body=parsed_body,
                                        compare=compare)
    render_report(result, Format(fmt.value))


def _date(name: str, text: str, parse):  # type: ignore[no-untyped-def]
    from dantrack.errors import InvalidInput

    try:
        return parse(text)
    except ValueError as exc:
        raise InvalidInput(f"invalid {name} {text!r}: {exc}", field=name, value=text) from None


def _period(year: int | None, quarter: str | None, from_: str | None, to: str | None) -> Any:
    """The one period the options give: a year, a quarter, or --from with --to."""
    from dantrack import reporting
    from dantrack.text import parse_date

    chosen = [name for name, value in (("--year", year), ("--quarter", quarter),
                                        ("--from/--to", from_ or to)) if value]
    if len(chosen) != 1:
        raise typer.BadParameter(
            "give exactly one of --year, --quarter or --from/--to"
            + (f" (got {', '.join(chosen)})" if chosen else ""), param_hint="period")
    if year is not None:
        return reporting.year_period(year)
    if quarter is not None:
        return reporting.quarter_period(quarter)
    if not (from_ and to):
        raise typer.BadParameter("--from and --to go together", param_hint="period")
    return reporting.range_period(_date("from", from_, parse_date), _date("to", to, parse_date))
