"""dantrack report"""

from __future__ import annotations

import contextlib

import typer

from dantrack.cli import periods
from dantrack.cli.common import (
    ReportFormat,
    connection,
    done,
    file_format,
    for_spreadsheets,
    output_stream,
)


def report(
    ctx: typer.Context,
    year: int | None = periods.YEAR,
    quarter: str | None = periods.QUARTER,
    half: str | None = periods.HALF,
    nine_months: int | None = periods.NINE_MONTHS,
    from_: str | None = periods.FROM,
    to: str | None = periods.TO,
    official: bool = periods.OFFICIAL,
    locality: str | None = typer.Option(
        None, "--locality", "-l", help="Code or name; default: the whole tree."),
    body: str | None = typer.Option(
        None, "--body", help="Count only meetings and dialogues held by this body."),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f",
                                     help="table, json, csv, markdown or xlsx (with -o)."),
    output: str | None = typer.Option(None, "--output", "-o",
                                      help="Write to this file instead of stdout."),
    compare: bool = typer.Option(
        False, "--compare", help="Also the same period a year earlier, and the change."),
) -> None:
    """Resolution-rate report for a period and a locality's whole subtree.

    Example: dantrack report --year 2024 --locality "Bắc Kạn" --format xlsx -o bac-kan.xlsx
    """
    from dantrack import reporting
    from dantrack.output import Format, render_report
    from dantrack.text import parse_field_choice
    from dantrack.vocab import Body

    fmt = file_format(output, fmt)
    if fmt is ReportFormat.xlsx and not output:
        raise typer.BadParameter("xlsx is written to a file: give -o FILE.xlsx",
                                 param_hint="'--output'")
    period = periods.chosen(year, quarter, from_, to, half=half, nine_months=nine_months,
                            official=official)
    parsed_body = parse_field_choice(Body, body, "body").value if body else None
    with contextlib.ExitStack() as stack:
        # Opened first: a target that cannot be written is refused before any query runs.
        stream = output_stream(ctx, stack, output, binary=fmt is ReportFormat.xlsx) \
            if output else None
        with connection(ctx) as c:
            result = reporting.build_report(c, period=period, locality=locality,
                                            body=parsed_body, compare=compare)
        render_report(result, Format(fmt.value), stream, excel=for_spreadsheets(output))
    if output:
        done(f"Wrote the report to {output}")
