"""dantrack petition add|edit|close|reopen|show|list"""

from __future__ import annotations

import typer

from dantrack.cli.common import (
    FORMAT_OPTION,
    LOCALITY_FILTER,
    REVEAL_OPTION,
    YEAR_OPTION,
    Format,
    ask,
    done,
    session,
    today,
)
from dantrack.vocab import Status

app = typer.Typer(help="Petitions (đơn): complaints, denunciations, recommendations, "
                  "reflections.", no_args_is_help=True)

TABLE_COLUMNS = ["ref", "kind", "received_on", "locality_name", "petitioner", "subject",
                 "due_on", "status", "outcome"]
HISTORY_COLUMNS = ["at", "operator", "action", "changes"]

KIND_HELP = "complaint, denunciation, recommendation, reflection (or khiếu nại, tố cáo, …)."
# Options of `petition add` (declared here to keep the command short).
_RECEIVED_ON = typer.Option(None, "--received-on", help="YYYY-MM-DD or DD/MM/YYYY.")
_CHANNEL = typer.Option("in_person", "--channel", help="in_person, mail, online, phone, forwarded.")
_ACCEPTED_ON = typer.Option(None, "--accepted-on", help="Date of acceptance; default: received-on.")
_DUPLICATE_OF = typer.Option(None, "--duplicate-of",
                             help="Ref of the earlier petition it repeats.")


@app.command("add")
def add(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    received_on: str | None = _RECEIVED_ON,
    locality: str | None = typer.Option(None, "--locality", "-l", help="Code or name."),
    subject: str | None = typer.Option(None, "--subject", help="What the petition is about."),
    channel: str = _CHANNEL,
    petitioner: str = typer.Option("", "--petitioner", help="Name; empty for anonymous."),
    id_number: str = typer.Option("", "--id-number", help="12-digit citizen ID (or 9 legacy)."),
    phone: str = typer.Option("", "--phone", help="Vietnamese phone; +84 becomes 0."),
    address: str = typer.Option("", "--address"),
    signatories: int = typer.Option(1, "--signatories", help="People who signed (≥ 1)."),
    meeting: str | None = typer.Option(None, "--meeting", help="Ref of the meeting."),
    competence: str = typer.Option("own", "--competence", help="own or other."),
    accepted_on: str | None = _ACCEPTED_ON,
    complex_: bool = typer.Option(False, "--complex", help="A complex case (longer deadline)."),
    remote: bool = typer.Option(False, "--remote", help="From a remote area (complaints)."),
    duplicate_of: str | None = _DUPLICATE_OF,
    ref: str | None = typer.Option(None, "--ref", help="Default: P<year>-<nnnnn>."),
) -> None:
    """Record a petition received.

    Example: dantrack petition add --kind "khiếu nại" --received-on 01/03/2024 --locality "Ba Bể" --petitioner "Hoàng Văn Sơn" --subject "Đền bù đất"
    """
    from dantrack.services.petitions import add_petition

    fields = dict(
        kind=ask(kind, "--kind", "Kind (complaint, denunciation, recommendation, reflection)"),
        received_on=ask(received_on, "--received-on", "Received on",
                        default=today().isoformat()),
        locality=ask(locality, "--locality", "Locality"),
        subject=ask(subject, "--subject", "Subject"),
        channel=channel, petitioner=petitioner, id_number=id_number, phone=phone,
        address=address, signatories=signatories, meeting=meeting, competence=competence,
        accepted_on=accepted_on, complex=complex_, remote=remote, duplicate_of=duplicate_of,
        ref=ref,
    )
    with session(ctx, write=True) as s:
        petition = add_petition(s, **fields)
        done(f"Recorded petition {petition.ref} (due {petition.due_on})")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    received_on: str | None = typer.Option(None, "--received-on"),
    locality: str | None = typer.Option(None, "--locality", "-l"),
    subject: str | None = typer.Option(None, "--subject"),
    channel: str | None = typer.Option(None, "--channel"),
    petitioner: str | None = typer.Option(None, "--petitioner"),
    id_number: str | None = typer.Option(None, "--id-number"),
    phone: str | None = typer.Option(None, "--phone"),
    address: str | None = typer.Option(None, "--address"),
    signatories: int | None = typer.Option(None, "--signatories"),
    meeting: str | None = typer.Option(None, "--meeting", help="A ref, or \"\" to unlink."),
    competence: str | None = typer.Option(None, "--competence"),
    accepted_on: str | None = typer.Option(None, "--accepted-on"),
    complex_: bool | None = typer.Option(None, "--complex/--not-complex"),
    remote: bool | None = typer.Option(None, "--remote/--not-remote"),
    duplicate_of: str | None = typer.Option(None, "--duplicate-of",
                                            help="A ref, or \"\" to unmark."),
) -> None:
    """Correct a petition's fields; the change is kept in its history.

    Example: dantrack petition edit P2024-00012 --complex --subject "Tranh chấp đất rừng"
    """
    from dantrack.services.petitions import edit_petition

    with session(ctx, write=True) as s:
        petition, changes = edit_petition(
            s, ref, kind=kind, received_on=received_on, locality=locality, subject=subject,
            channel=channel, petitioner=petitioner, id_number=id_number, phone=phone,
            address=address, signatories=signatories, meeting=meeting, competence=competence,
            accepted_on=accepted_on, complex=complex_, remote=remote, duplicate_of=duplicate_of,
        )
        if changes:
            done(f"Edited petition {petition.ref}: {', '.join(changes)}")
        else:
            done(f"Petition {petition.ref} unchanged: the values given are the current ones")


@app.command("close")
def close(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    outcome: str | None = typer.Option(
        None, "--outcome", help="resolved, withdrawn, guided, forwarded or dismissed."),
    verdict: str | None = typer.Option(
        None, "--verdict", help="Complaints: upheld, partly_upheld, rejected. Denunciations: "
        "founded, partly_founded, unfounded."),
    on: str | None = typer.Option(None, "--on", help="Close date; default: today."),
    note: str = typer.Option("", "--note"),
) -> None:
    """Close a petition out.

    Example: dantrack petition close P2024-00012 --outcome resolved --verdict partly_upheld --on 28/03/2024
    """
    from dantrack.services.petitions import close_petition

    outcome = ask(outcome, "--outcome", "Outcome (resolved, withdrawn, guided, forwarded, "
                  "dismissed)")
    with session(ctx, write=True) as s:
        petition = close_petition(s, ref, outcome=outcome, verdict=verdict,
                                  closed_on=on or today(), note=note)
        done(f"Closed petition {petition.ref}: {petition.outcome} on {petition.closed_on}")


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    reason: str | None = typer.Option(None, "--reason", help="Why it is reopened."),
) -> None:
    """Reopen a closed petition; its close-out is cleared.

    Example: dantrack petition reopen P2024-00012 --reason "Quyết định bị hủy"
    """
    from dantrack.services.petitions import reopen_petition

    reason = ask(reason, "--reason", "Reason")
    with session(ctx, write=True) as s:
        petition = reopen_petition(s, ref, reason=reason)
        done(f"Reopened petition {petition.ref}")


@app.command("show")
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    reveal: bool = REVEAL_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show one petition with its history.

    Example: dantrack petition show P2024-00012 --format json
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.petitions import show_petition

    with session(ctx, write=reveal, create=False) as s:
        record = show_petition(s, ref, today=today(), reveal=reveal)
    render_record(record, Out(fmt.value), nested="history", nested_columns=HISTORY_COLUMNS)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: int | None = YEAR_OPTION,
    locality: str | None = LOCALITY_FILTER,
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    status: Status | None = typer.Option(None, "--status", help="open, closed or overdue."),
    search: str | None = typer.Option(None, "--search", "-s",
                                      help="Words in names or subject, any diacritics."),
    reveal: bool = REVEAL_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List petitions.

    Example: dantrack petition list --year 2024 --locality "Chợ Mới" --status overdue
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import PetitionPublic
    from dantrack.services.petitions import list_petitions

    with session(ctx, write=reveal, create=False) as s:
        records = list_petitions(
            s, today=today(), year=year, locality=locality, kind=kind,
            status=status, search=search, reveal=reveal)
    render_list(records, Out(fmt.value), model=PetitionPublic, table_columns=TABLE_COLUMNS,
                headers={"locality_name": "locality"})
