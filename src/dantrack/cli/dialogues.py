"""dantrack dialogue add|edit|list|show"""

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
from dantrack.cli.meetings import BODY_FILTER

app = typer.Typer(help="Leader–citizen dialogues (đối thoại).\n\n"
                  "Example: dantrack dialogue list --year 2024 --body party", no_args_is_help=True)

TABLE_COLUMNS = ["ref", "date", "locality_name", "body", "leader", "citizens", "topic",
                 "petition"]


@app.command("add")
def add(
    ctx: typer.Context,
    date: str | None = typer.Option(None, "--date", help="YYYY-MM-DD or DD/MM/YYYY."),
    locality: str | None = typer.Option(None, "--locality", "-l", help="Code or name."),
    body: str | None = typer.Option(None, "--body", help="party, government, front or other."),
    leader: str = typer.Option("", "--leader", help="The leader who held it."),
    leader_title: str = typer.Option("", "--leader-title", help="The leader's position."),
    citizens: int = typer.Option(0, "--citizens", help="Citizens taking part."),
    topic: str = typer.Option("", "--topic"),
    outcome: str = typer.Option("", "--outcome", help="The minutes' conclusion."),
    petition: str | None = typer.Option(None, "--petition", help="Ref of the petition."),
    ref: str | None = typer.Option(None, "--ref", help="Default: D<year>-<nnnnn>."),
) -> None:
    """Record a dialogue between a leader and citizens.

    Example: dantrack dialogue add --date 2024-05-02 --locality "Na Rì" --body government --citizens 12 --petition P2024-00031
    """
    from dantrack.cli import prompts
    from dantrack.services.meetings import add_dialogue
    from dantrack.vocab import Body

    date = ask(date, "--date", "Date", check=prompts.field("dialogue", "date"))
    fields = dict(
        date=date,
        locality=ask(locality, "--locality", "Locality", check=prompts.locality(ctx, date)),
        body=ask(body, "--body", prompts.choices("Body", Body),
                 check=prompts.field("dialogue", "body")),
        leader=leader, leader_title=leader_title, citizens=citizens, topic=topic,
        outcome=outcome, petition=petition, ref=ref,
    )
    with session(ctx, write=True) as s:
        dialogue = add_dialogue(s, **fields)
        done(f"Recorded dialogue {dialogue.ref}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The dialogue's ref."),
    date: str | None = typer.Option(None, "--date"),
    locality: str | None = typer.Option(None, "--locality", "-l"),
    body: str | None = typer.Option(None, "--body"),
    leader: str | None = typer.Option(None, "--leader"),
    leader_title: str | None = typer.Option(None, "--leader-title"),
    citizens: int | None = typer.Option(None, "--citizens"),
    topic: str | None = typer.Option(None, "--topic"),
    outcome: str | None = typer.Option(None, "--outcome"),
    petition: str | None = typer.Option(None, "--petition",
                                        help="Ref of the petition; \"\" unlinks it."),
) -> None:
    """Correct a dialogue's fields, kept in its history.

    Example: dantrack dialogue edit D2024-00003 --citizens 15 --leader "Hà Văn Bình"
    """
    from dantrack.services.meetings import edit_dialogue

    with session(ctx, write=True) as s:
        dialogue, changes = edit_dialogue(
            s, ref, date=date, locality=locality, body=body, leader=leader,
            leader_title=leader_title, citizens=citizens, topic=topic, outcome=outcome,
            petition=petition)
        if changes:
            done(f"Edited dialogue {dialogue.ref}: {', '.join(changes)}")
        else:
            done(f"Dialogue {dialogue.ref} unchanged: the values given are the current ones")


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
    """List dialogues.

    Example: dantrack dialogue list --year 2024 --body party
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import DialoguePublic
    from dantrack.services.meetings import list_dialogues

    picked = pick_columns(columns, DialoguePublic)  # before any query: a reveal is recorded
    with destination(ctx, output, fmt, excel) as out:
        with session(ctx, write=False) as s:
            records = list_dialogues(s, year=year, locality=locality, body=body)
        render_list(records, Out(out.fmt.value), model=DialoguePublic, table_columns=TABLE_COLUMNS,
                    headers={"locality_name": "locality"},
                    columns=picked,
                    excel=out.excel, binary=out.binary)


@app.command("show")
def show(ctx: typer.Context, ref: str = typer.Argument(..., help="The dialogue's ref."),
         fmt: Format = FORMAT_OPTION, output: str | None = OUTPUT_OPTION,
         excel: bool = EXCEL_OPTION) -> None:
    """Show one dialogue with its history.

    Example: dantrack dialogue show D2024-00003
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.meetings import show_dialogue

    with destination(ctx, output, fmt, excel, sheets=False) as out:
        with session(ctx, write=False) as s:
            record = show_dialogue(s, ref)
        render_record(record, Out(out.fmt.value), nested="history", nested_columns=HISTORY_COLUMNS, excel=out.excel)
