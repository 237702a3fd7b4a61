"""dantrack form"""

from __future__ import annotations

import contextlib
from enum import StrEnum
from typing import Any

import typer

from dantrack.cli import periods
from dantrack.cli.common import connection, done, file_format, output_stream


class FormFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def form(
    ctx: typer.Context,
    number: str = typer.Argument(..., metavar="FORM",
                                 help="01/TCD, 01/XLD, 02/XLD, 03/XLD, 04/XLD, 01/KQGQ or "
                                      "03/KQGQ."),
    year: int | None = periods.YEAR,
    quarter: str | None = periods.QUARTER,
    half: str | None = periods.HALF,
    nine_months: int | None = periods.NINE_MONTHS,
    from_: str | None = periods.FROM,
    to: str | None = periods.TO,
    official: bool = periods.OFFICIAL,
    locality: str | None = typer.Option(
        None, "--locality", "-l", help="Code or name; default: the whole tree."),
    fmt: FormFormat = typer.Option(FormFormat.table, "--format", "-f",
                                   help="table, json, csv or xlsx (xlsx with -o)."),
    output: str | None = typer.Option(None, "--output", "-o",
                                      help="Write to this file instead of stdout."),
    body_name: str | None = typer.Option(None, "--body-name",
                                         help="The reporting body, as the form's heading."),
) -> None:
    """Fill an official form: one row per direct child of the locality, and the total.

    Example: dantrack form 01/XLD --year 2024 --official --locality "Bắc Kạn" --format json
    """
    from dantrack.forms import fill_form, find

    form_declared = find(number)
    period = periods.chosen(year, quarter, from_, to, half=half, nine_months=nine_months,
                            official=official)
    fmt = file_format(output, fmt)
    if fmt is FormFormat.xlsx and not output:
        raise typer.BadParameter("--format xlsx writes a file: give -o FILE.xlsx",
                                 param_hint="'--output'")
    with contextlib.ExitStack() as stack:
        # Opened first: a target that cannot be written is refused before any query runs.
        stream = output_stream(ctx, stack, output, binary=fmt is FormFormat.xlsx) \
            if output else None
        with connection(ctx) as c:
            result = fill_form(c, form_declared, period=period, locality=locality,
                               body=body_name)
        if stream is None:
            from dantrack.output import Format, render_form

            render_form(result, Format(fmt.value))
            return
        _write_file(result, fmt, stream)
    done(f"Wrote {result['form']['number']} to {output}")


def _write_file(result: dict[str, Any], fmt: FormFormat, stream: Any) -> None:
    """The -o file: the XLSX offices hand in, or the text of the format (a CSV file is for
    spreadsheets: a byte-order mark, codes kept as text)."""
    if fmt is FormFormat.xlsx:
        from dantrack.xlsx import write_form

        write_form(result, stream)
        return
    from dantrack.output import Format, form_text

    stream.write(form_text(result, Format(fmt.value), excel=fmt is FormFormat.csv))  # a file
