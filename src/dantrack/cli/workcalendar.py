"""dantrack calendar list|off|work"""

from __future__ import annotations

import typer

from dantrack.cli.common import ReportFormat, done, session, today
from dantrack.limits import FIRST_YEAR, LAST_YEAR

app = typer.Typer(help="The working calendar: public holidays and the government's swaps.\n\n"
                  "Example: dantrack calendar list --year 2026", no_args_is_help=True)

TABLE_COLUMNS = ["date", "weekday", "kind", "reason", "source"]
_REASON = typer.Option(None, "--reason", help="The decision, e.g. its number and date.")


def _record(ctx: typer.Context, day: str, kind: str, reason: str | None) -> None:
    from dantrack.services.workcalendar import record_day

    with session(ctx, write=True) as s:
        change = record_day(s, day=day, kind=kind, reason=reason)
    word = "a day off" if kind == "off" else "a working day"
    if not change.recorded:
        done(f"{change.day} is {word} already ({change.why or 'a weekday'}): nothing changed")
        return
    done(f"Recorded {change.day} as {word}; deadlines moved: {change.recomputed}")


@app.command("off")
def off(ctx: typer.Context, day: str = typer.Argument(..., metavar="DATE"),
        reason: str | None = _REASON) -> None:
    """Make a day a day off (a swap or an extra holiday); open petitions' deadlines follow.

    Example: dantrack calendar off 02/01/2026 --reason "Văn bản 12729/VPCP-KGVX ngày 25/12/2025"
    """
    _record(ctx, day, "off", reason)


@app.command("work")
def work(ctx: typer.Context, day: str = typer.Argument(..., metavar="DATE"),
         reason: str | None = _REASON) -> None:
    """Make a day (a Saturday) a working day; open petitions' deadlines follow.

    Example: dantrack calendar work 10/01/2026 --reason "Văn bản 12729/VPCP-KGVX ngày 25/12/2025"
    """
    _record(ctx, day, "work", reason)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", min=FIRST_YEAR, max=LAST_YEAR,
                                    help="Default: this year."),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f",
                                     help="Output format."),
) -> None:
    """List a year's days off and weekend days worked, with the source of each.

    Example: dantrack calendar list --year 2026 --format json
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import CalendarDayPublic
    from dantrack.services.workcalendar import list_days

    with session(ctx, write=False, create=False) as s:
        days = list_days(s, year=year or today().year)
    render_list(days, Out(fmt.value), model=CalendarDayPublic, table_columns=TABLE_COLUMNS)
