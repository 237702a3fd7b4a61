"""dantrack visit add|edit|list"""

from __future__ import annotations

import typer

from dantrack.cli.common import (
    COLUMNS_OPTION,
    EXCEL_OPTION,
    FORMAT_OPTION,
    LOCALITY_FILTER,
    OUTPUT_OPTION,
    REVEAL_OPTION,
    YEAR_OPTION,
    Format,
    ask,
    destination,
    done,
    pick_columns,
    session,
)

app = typer.Typer(help="Visits (lượt tiếp): the rows of a reception meeting's book.\n\n"
                  "Example: dantrack visit list --meeting M2024-00007",
                  no_args_is_help=True)

TABLE_COLUMNS = ["ref", "meeting", "date", "people", "group", "kind", "direction",
                 "delegated", "visitor", "petition", "subject"]
KIND_HELP = ("The matter: complaint, denunciation, recommendation, reflection "
             "(or khiếu nại, tố cáo, …).")
DIRECTION_HELP = "accepted, guided or forwarded (or tiếp nhận, hướng dẫn, chuyển đơn)."
_GROUP = typer.Option(False, "--group", help="A group of many people (5 or more, one matter).")
_DELEGATED = typer.Option(False, "--delegated",
                          help="Received by a deputy the head delegated (ủy quyền).")
_PETITION = typer.Option(None, "--petition", help="Ref of the petition it concerns.")


@app.command("add")
def add(
    ctx: typer.Context,
    meeting: str | None = typer.Option(None, "--meeting", help="Ref of the meeting."),
    people: int = typer.Option(1, "--people", help="People received (≥ 1)."),
    group: bool = _GROUP,
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    petition: str | None = _PETITION,
    direction: str | None = typer.Option(None, "--direction", help=DIRECTION_HELP),
    delegated: bool = _DELEGATED,
    visitor: str = typer.Option("", "--visitor", help="Name of the person received."),
    id_number: str = typer.Option("", "--id-number", help="12-digit citizen ID (or 9 legacy)."),
    phone: str = typer.Option("", "--phone", help="Vietnamese phone; +84 becomes 0."),
    address: str = typer.Option("", "--address"),
    subject: str = typer.Option("", "--subject", help="What the visit was about."),
    note: str = typer.Option("", "--note"),
    ref: str | None = typer.Option(None, "--ref", help="Default: V<year of the meeting>-<nnnnn>."),
) -> None:
    """Record a visit of a reception meeting; the meeting's totals become its visits' sums.

    Example: dantrack visit add --meeting M2024-00007 --people 6 --group --kind "khiếu nại" --direction "tiếp nhận" --subject "Đền bù đất"
    """
    from dantrack.cli import prompts
    from dantrack.services.visits import add_visit
    from dantrack.vocab import Direction, PetitionKind

    fields = dict(
        meeting=ask(meeting, "--meeting", "Meeting ref", check=prompts.meeting(ctx)),
        people=people, group=group,
        kind=ask(kind, "--kind", prompts.choices("Kind", PetitionKind),
                 check=prompts.field("visit", "kind")),
        petition=petition,
        direction=ask(direction, "--direction", prompts.choices("Direction", Direction),
                      check=prompts.field("visit", "direction")),
        delegated=delegated, visitor=visitor, id_number=id_number, phone=phone,
        address=address, subject=subject, note=note, ref=ref,
    )
    with session(ctx, write=True) as s:
        visit = add_visit(s, **fields)
        done(f"Recorded visit {visit.ref}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The visit's ref."),
    meeting: str | None = typer.Option(None, "--meeting"),
    people: int | None = typer.Option(None, "--people"),
    group: bool | None = typer.Option(None, "--group/--not-group"),
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    petition: str | None = typer.Option(None, "--petition", help="A ref, or \"\" to unlink."),
    direction: str | None = typer.Option(None, "--direction", help=DIRECTION_HELP),
    delegated: bool | None = typer.Option(None, "--delegated/--in-person"),
    visitor: str | None = typer.Option(None, "--visitor"),
    id_number: str | None = typer.Option(None, "--id-number"),
    phone: str | None = typer.Option(None, "--phone"),
    address: str | None = typer.Option(None, "--address"),
    subject: str | None = typer.Option(None, "--subject"),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Correct a visit's fields; its meetings' totals follow.

    Example: dantrack visit edit V2024-00003 --people 7 --group
    """
    from dantrack.services.visits import edit_visit

    with session(ctx, write=True) as s:
        visit, changes = edit_visit(
            s, ref, meeting=meeting, people=people, group=group, kind=kind, petition=petition,
            direction=direction, delegated=delegated, visitor=visitor, id_number=id_number,
            phone=phone, address=address, subject=subject, note=note)
        if changes:
            done(f"Edited visit {visit.ref}: {', '.join(changes)}")
        else:
            done(f"Visit {visit.ref} unchanged: the values given are the current ones")


@app.command("list")
def list_(
    ctx: typer.Context,
    meeting: str | None = typer.Option(None, "--meeting", help="Only this meeting's visits."),
    year: int | None = YEAR_OPTION,
    locality: str | None = LOCALITY_FILTER,
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    reveal: bool = REVEAL_OPTION,
    columns: str | None = COLUMNS_OPTION,
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """List visits, by their meetings' dates; a denunciation's visitor is masked.

    Example: dantrack visit list --year 2024 --locality "Ba Bể" --kind "tố cáo"
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import VisitPublic
    from dantrack.services.visits import list_visits

    picked = pick_columns(columns, VisitPublic)  # before any query: a reveal is recorded
    with destination(ctx, output, fmt, excel) as out:
        with session(ctx, write=reveal, create=False) as s:
            records = list_visits(s, meeting=meeting, year=year, locality=locality, kind=kind,
                                  reveal=reveal)
        render_list(records, Out(out.fmt.value), model=VisitPublic, table_columns=TABLE_COLUMNS,
                    columns=picked,
                    excel=out.excel, binary=out.binary)
