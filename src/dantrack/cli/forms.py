"""dantrack form"""

from __future__ import annotations

import contextlib
from enum import StrEnum
from typing import Any

import typer

from dantrack.cli import periods
from dantrack.cli.common import connection, done


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
    if fmt is FormFormat.xlsx and not output:
        raise typer.BadParameter("--format xlsx writes a file: give -o FILE.xlsx",
                                 param_hint="'--output'")
    with connection(ctx) as c:
        result = fill_form(c, form_declared, period=period, locality=locality, body=body_name)
    if output:
        _write_file(ctx, result, fmt, output)
        done(f"Wrote {result['form']['number']} to {output}")
        return
    from dantrack.output import Format, render_form

    render_form(result, Format(fmt.value))


def _write_file(ctx: typer.Context, result: dict[str, Any], fmt: FormFormat,
                output: str) -> None:
    """The -o file: complete or not at all, never the database (dantrack.files)."""
    from dantrack import db
    from dantrack.files import CannotWrite, output_file

    binary = fmt is FormFormat.xlsx
    write_form = _xlsx_writer() if binary else None
    database = db.locate(ctx.find_root().obj.db).target
    # A CSV file is for spreadsheets: a byte-order mark lets them read the diacritics.
    encoding = "utf-8-sig" if fmt is FormFormat.csv else "utf-8"
    with contextlib.ExitStack() as stack:
        try:
            stream = stack.enter_context(output_file(output, database=database, binary=binary,
                                                     encoding=encoding))
        except CannotWrite as exc:
            raise typer.BadParameter(exc.message, param_hint="'--output'") from None
        if write_form is not None:
            write_form(result, stream)
            return
        from dantrack.output import Format, form_text

        stream.write(form_text(result, Format(fmt.value)))


def _xlsx_writer() -> Any:
    try:
        from dantrack.xlsx import write_form  # type: ignore[import-not-found]
    except ModuleNotFoundError as exc:
        if exc.name != "dantrack.xlsx":
            raise
        from dantrack.errors import UsageError

        raise UsageError("--format xlsx: this build of dantrack has no XLSX writer "
                         "(dantrack.xlsx)") from None
    return write_form
