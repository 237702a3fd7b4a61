"""dantrack meeting add|edit|list|show"""

from __future__ import annotations

import typer

from dantrack.cli.common import (
    COLUMNS_OPTION,
    EXCEL_OPTION,
    FORMAT_OPTION,
    HISTORY_COLUMNS,
    LOCALITY_FILTER,
    OUTPUT_OPTION,
    YEAR_OPTION,
    Format,
    ask,
    destination,
    done,
    pick_columns,
    session,
)

app = typer.Typer(help="Reception meetings (tiếp công dân).\n\n"
                  "Example: dantrack meeting show M2024-00007", no_args_is_help=True)

TABLE_COLUMNS = ["ref", "date", "locality_name", "kind", "body", "host", "citizens",
                 "delegations"]
VISIT_COLUMNS = ["ref", "people", "group", "kind", "direction", "delegated", "visitor",
                 "petition"]
BODY_FILTER = typer.Option(None, "--body", help="party, government, front or other.")


@app.command("add")
def add(
    ctx: typer.Context,
    date: str | None = typer.Option(None, "--date", help="YYYY-MM-DD or DD/MM/YYYY."),
    locality: str | None = typer.Option(None, "--locality", "-l", help="Code or name."),
    kind: str | None = typer.Option(None, "--kind", help="regular, periodic or unscheduled."),
    body: str | None = typer.Option(None, "--body", help="party, government, front or other."),
    host: str = typer.Option("", "--host", help="Who received the citizens."),
    host_title: str = typer.Option("", "--host-title", help="The host's position."),
    place: str = typer.Option("", "--place", help="Where the meeting was held."),
    citizens: int = typer.Option(0, "--citizens", help="People received."),
    delegations: int = typer.Option(0, "--delegations", help="Groups with one matter."),
    note: str = typer.Option("", "--note"),
    ref: str | None = typer.Option(None, "--ref", help="Default: M<year>-<nnnnn>."),
) -> None:
    """Record a reception meeting.

    Example: dantrack meeting add --date 15/03/2024 --locality "Ba Bể" --kind periodic --body government --citizens 4
    """
    from dantrack.cli import prompts
    from dantrack.services.meetings import add_meeting
    from dantrack.vocab import Body, MeetingKind

    date = ask(date, "--date", "Date", check=prompts.field("meeting", "date"))
    fields = dict(
        date=date,
        locality=ask(locality, "--locality", "Locality", check=prompts.locality(ctx, date)),
        kind=ask(kind, "--kind", prompts.choices("Kind", MeetingKind),
                 check=prompts.field("meeting", "kind")),
        body=ask(body, "--body", prompts.choices("Body", Body),
                 check=prompts.field("meeting", "body")),
        host=host, host_title=host_title, place=place, citizens=citizens,
        delegations=delegations, note=note, ref=ref,
    )
    with session(ctx, write=True) as s:
        meeting = add_meeting(s, **fields)
        done(f"Recorded meeting {meeting.ref}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The meeting's ref."),
    date: str | None = typer.Option(None, "--date"),
    locality: str | None = typer.Option(None, "--locality", "-l"),
    kind: str | None = typer.Option(None, "--kind"),
    body: str | None = typer.Option(None, "--body"),
    host: str | None = typer.Option(None, "--host"),
    host_title: str | None = typer.Option(None, "--host-title"),
    place: str | None = typer.Option(None, "--place"),
    citizens: int | None = typer.Option(None, "--citizens",
                                        help="Only for a meeting without visits."),
    delegations: int | None = typer.Option(None, "--delegations",
                                           help="Only for a meeting without visits."),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Correct a meeting's fields, kept in its history; a meeting with visits takes its
    totals from them.

    Example: dantrack meeting edit M2024-00007 --host "Nguyễn Văn An" --citizens 5
    """
    from dantrack.services.meetings import edit_meeting

    with session(ctx, write=True) as s:
        meeting, changes = edit_meeting(
            s, ref, date=date, locality=locality, kind=kind, body=body, host=host,
            host_title=host_title, place=place, citizens=citizens, delegations=delegations,
            note=note)
        if changes:
            done(f"Edited meeting {meeting.ref}: {', '.join(changes)}")
        else:
            done(f"Meeting {meeting.ref} unchanged: the values given are the current ones")


@app.command("list")
def list_(
    ctx: typer.Context,
    year: int | None = YEAR_OPTION,
    locality: str | None = LOCALITY_FILTER,
    body: str | None = BODY_FILTER,
    columns: str | None = COLUMNS_OPTION,
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """List reception meetings.

    Example: dantrack meeting list --year 2024 --locality "Chợ Đồn" --body government
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import MeetingPublic
    from dantrack.services.meetings import list_meetings

    picked = pick_columns(columns, MeetingPublic)  # before any query: a reveal is recorded
    with destination(ctx, output, fmt, excel) as out:
        with session(ctx, write=False) as s:
            records = list_meetings(s, year=year, locality=locality, body=body)
        render_list(records, Out(out.fmt.value), model=MeetingPublic, table_columns=TABLE_COLUMNS,
                    headers={"locality_name": "locality"},
                    columns=picked,
                    excel=out.excel, binary=out.binary)


@app.command("show")
def show(ctx: typer.Context, ref: str = typer.Argument(..., help="The meeting's ref."),
         fmt: Format = FORMAT_OPTION, output: str | None = OUTPUT_OPTION,
         excel: bool = EXCEL_OPTION) -> None:
    """Show one reception meeting with its visits and petitions.

    Example: dantrack meeting show M2024-00007
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.meetings import show_meeting_book

    with destination(ctx, output, fmt, excel, sheets=False) as out:
        with session(ctx, write=False) as s:
            record = show_meeting_book(s, ref)
        render_record(record, Out(out.fmt.value), nested="visits", nested_columns=VISIT_COLUMNS,
                      more=[("history", HISTORY_COLUMNS)], excel=out.excel)
