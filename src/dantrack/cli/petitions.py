"""dantrack petition add|edit|accept|close|result|reopen|extend|suspend|resume|show|list"""

from __future__ import annotations

import typer

from dantrack.cli.common import (
    COLUMNS_OPTION,
    EXCEL_OPTION,
    FORMAT_OPTION,
    HISTORY_COLUMNS,
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
    today,
)
from dantrack.vocab import Status

app = typer.Typer(help="Petitions (đơn): complaints, denunciations, recommendations, "
                  "reflections.\n\nExample: dantrack petition list --status overdue --locality \"Na Rì\"", no_args_is_help=True)

TABLE_COLUMNS = ["ref", "kind", "received_on", "locality_name", "petitioner", "subject",
                 "due_on", "status", "outcome"]

KIND_HELP = "complaint, denunciation, recommendation, reflection (or khiếu nại, tố cáo, …)."
# Options of `petition add` (declared here to keep the command short).
_RECEIVED_ON = typer.Option(None, "--received-on", help="YYYY-MM-DD or DD/MM/YYYY.")
_CHANNEL = typer.Option("in_person", "--channel", help="in_person, mail, online, phone, forwarded.")
_ACCEPTED_ON = typer.Option(None, "--accepted-on", help="Date of acceptance, or pending; "
                            "default: received-on.")
FIELD_HELP = ("land, policy, administrative, judicial, party, corruption, conduct, other "
              "(or đất đai, chế độ chính sách, …).")
PRIOR_HELP = "The matter before it: none, once, many (resolved more than once) or judgment."
ROUND_HELP = "A complaint's round: 1 or 2."
FORWARDED_TO_HELP = "The body it was forwarded to."
REPLY_ON_HELP = "The day the reply to a forwarded petition came back."
# The results of a resolution (`close --outcome resolved` and `result`).
_MONEY = "million VND"
_RESULT_OPTIONS = {
    "recovered_money": f"Recovered for the State: money ({_MONEY}).",
    "recovered_land": "Recovered for the State: land (m²).",
    "returned_money": f"Returned to organisations and people: money ({_MONEY}).",
    "returned_land": "Returned to organisations and people: land (m²).",
    "returned_orgs": "Organisations given something back.",
    "returned_people": "People given something back.",
    "disciplined": "People recommended for discipline.",
    "disciplined_officials": "Of them, officials.",
    "prosecuted_cases": "Cases passed to the investigating bodies.",
    "prosecuted_people": "People passed to the investigating bodies.",
}


def _result(name: str):  # type: ignore[no-untyped-def]
    return typer.Option(None, f"--{name.replace('_', '-')}", help=_RESULT_OPTIONS[name])
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
    field: str = typer.Option("other", "--field", help=FIELD_HELP),
    prior: str = typer.Option("none", "--prior", help=PRIOR_HELP),
    round_: int = typer.Option(1, "--round", help=ROUND_HELP),
    forwarded_to: str = typer.Option("", "--forwarded-to", help=FORWARDED_TO_HELP),
    ref: str | None = typer.Option(None, "--ref", help="Default: P<year>-<nnnnn>."),
) -> None:
    """Record a petition received.

    Example: dantrack petition add --kind "khiếu nại" --received-on 01/03/2024 --locality "Ba Bể" --petitioner "Hoàng Văn Sơn" --subject "Đền bù đất"
    """
    from dantrack.cli import prompts
    from dantrack.services.petitions import add_petition
    from dantrack.vocab import PetitionKind

    kind = ask(kind, "--kind", prompts.choices("Kind", PetitionKind),
               check=prompts.field("petition", "kind"))
    received_on = ask(received_on, "--received-on", "Received on", default=today().isoformat(),
                      check=prompts.field("petition", "received_on"))
    fields = dict(
        kind=kind, received_on=received_on,
        locality=ask(locality, "--locality", "Locality",
                     check=prompts.locality(ctx, received_on)),
        subject=ask(subject, "--subject", "Subject", check=prompts.field("petition", "subject")),
        channel=channel, petitioner=petitioner, id_number=id_number, phone=phone,
        address=address, signatories=signatories, meeting=meeting, competence=competence,
        accepted_on=accepted_on, complex=complex_, remote=remote, duplicate_of=duplicate_of,
        field=field, prior=prior, round=round_, forwarded_to=forwarded_to, ref=ref,
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
    accepted_on: str | None = typer.Option(None, "--accepted-on", help="A date, or pending."),
    complex_: bool | None = typer.Option(None, "--complex/--not-complex"),
    remote: bool | None = typer.Option(None, "--remote/--not-remote"),
    duplicate_of: str | None = typer.Option(None, "--duplicate-of",
                                            help="A ref, or \"\" to unmark."),
    field: str | None = typer.Option(None, "--field", help=FIELD_HELP),
    prior: str | None = typer.Option(None, "--prior", help=PRIOR_HELP),
    round_: int | None = typer.Option(None, "--round", help=ROUND_HELP),
    forwarded_to: str | None = typer.Option(None, "--forwarded-to", help=FORWARDED_TO_HELP),
    reply_on: str | None = typer.Option(None, "--reply-on", help=REPLY_ON_HELP),
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
            field=field, prior=prior, round=round_, forwarded_to=forwarded_to,
            reply_on=reply_on,
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
        None, "--outcome", help="resolved, withdrawn, guided, forwarded, chased or dismissed."),
    verdict: str | None = typer.Option(
        None, "--verdict", help="Complaints: upheld, partly_upheld, rejected. Denunciations: "
        "founded, partly_founded, unfounded."),
    on: str | None = typer.Option(None, "--on", help="Close date; default: today."),
    note: str = typer.Option("", "--note"),
    forwarded_to: str | None = typer.Option(
        None, "--forwarded-to", help="With --outcome forwarded: the body it was sent to."),
    recovered_money: str | None = _result("recovered_money"),
    recovered_land: str | None = _result("recovered_land"),
    returned_money: str | None = _result("returned_money"),
    returned_land: str | None = _result("returned_land"),
    returned_orgs: int | None = _result("returned_orgs"),
    returned_people: int | None = _result("returned_people"),
    disciplined: int | None = _result("disciplined"),
    disciplined_officials: int | None = _result("disciplined_officials"),
    prosecuted_cases: int | None = _result("prosecuted_cases"),
    prosecuted_people: int | None = _result("prosecuted_people"),
) -> None:
    """Close a petition out; a resolved complaint or denunciation may record its results.

    Example: dantrack petition close P2024-00012 --outcome resolved --verdict partly_upheld --on 28/03/2024 --returned-money 120.5
    """
    from dantrack.services.petitions import close_petition

    results = {name: value for name, value in locals().items() if name in _RESULT_OPTIONS}
    from dantrack.cli import prompts
    from dantrack.vocab import Outcome

    outcome = ask(outcome, "--outcome", prompts.choices("Outcome", Outcome),
                  check=prompts.field("closure", "outcome"))
    with session(ctx, write=True) as s:
        petition = close_petition(s, ref, outcome=outcome, verdict=verdict,
                                  closed_on=on or today(), note=note,
                                  forwarded_to=forwarded_to, **results)
        done(f"Closed petition {petition.ref}: {petition.outcome} on {petition.closed_on}")


@app.command("result")
def result(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    recovered_money: str | None = _result("recovered_money"),
    recovered_land: str | None = _result("recovered_land"),
    returned_money: str | None = _result("returned_money"),
    returned_land: str | None = _result("returned_land"),
    returned_orgs: int | None = _result("returned_orgs"),
    returned_people: int | None = _result("returned_people"),
    disciplined: int | None = _result("disciplined"),
    disciplined_officials: int | None = _result("disciplined_officials"),
    prosecuted_cases: int | None = _result("prosecuted_cases"),
    prosecuted_people: int | None = _result("prosecuted_people"),
) -> None:
    """Record the results of a resolved complaint or denunciation; kept in its history.

    Example: dantrack petition result P2024-00012 --recovered-money 350 --disciplined 2 --disciplined-officials 1
    """
    from dantrack.services.register import record_result

    results = {name: value for name, value in locals().items() if name in _RESULT_OPTIONS}
    with session(ctx, write=True) as s:
        petition, changes = record_result(s, ref, **results)
        if changes:
            done(f"Recorded the results of petition {petition.ref}: {', '.join(changes)}")
        else:
            done(f"Petition {petition.ref} unchanged: the results given are the current ones")


@app.command("accept")
def accept(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    on: str | None = typer.Option(None, "--on", help="Date of acceptance; default: today."),
) -> None:
    """Accept a pending petition (added with --accepted-on pending); its deadline starts.

    Example: dantrack petition accept P2024-00012 --on 05/03/2024
    """
    from dantrack.services.register import accept_petition

    with session(ctx, write=True) as s:
        petition = accept_petition(s, ref, on=on or today())
        done(f"Accepted petition {petition.ref} on {petition.accepted_on} "
             f"(due {petition.due_on})")


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


@app.command("extend")
def extend(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    days: int = typer.Option(..., "--days", help="Days added to the deadline (1 to 30)."),
    on: str | None = typer.Option(None, "--on", help="Day of the decision; default: today."),
    reason: str | None = typer.Option(None, "--reason", help="Why (the decision)."),
    especially_complex: bool = typer.Option(
        False, "--especially-complex", help="A second extension: the case is especially "
        "complex (Law 25/2018 Art. 30)."),
) -> None:
    """Extend a complex denunciation's deadline: once, or twice if especially complex.

    Example: dantrack petition extend P2024-00012 --days 30 --on 25/03/2024 --reason "QĐ gia hạn số 12"
    """
    from dantrack.services.lifecycle import extend_petition

    reason = ask(reason, "--reason", "Reason")
    with session(ctx, write=True) as s:
        petition = extend_petition(s, ref, days=days, on=on or today(), reason=reason,
                                   especially_complex=especially_complex)
        done(f"Extended petition {petition.ref} by {days} days (due {petition.due_on})")


@app.command("suspend")
def suspend(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    on: str | None = typer.Option(None, "--on", help="First day suspended; default: today."),
    reason: str | None = typer.Option(None, "--reason", help="Why (the result awaited)."),
) -> None:
    """Suspend a petition: its clock stops until it is resumed (never overdue meanwhile).

    Example: dantrack petition suspend P2024-00012 --on 01/04/2024 --reason "Chờ kết quả giám định"
    """
    from dantrack.services.lifecycle import suspend_petition

    reason = ask(reason, "--reason", "Reason")
    with session(ctx, write=True) as s:
        petition = suspend_petition(s, ref, on=on or today(), reason=reason)
        done(f"Suspended petition {petition.ref} from {petition.suspended_on}")


@app.command("resume")
def resume(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    on: str | None = typer.Option(None, "--on", help="Day the clock restarts; default: today."),
) -> None:
    """Resume a suspended petition: its deadline moves by the days suspended.

    Example: dantrack petition resume P2024-00012 --on 15/04/2024
    """
    from dantrack.services.lifecycle import resume_petition

    with session(ctx, write=True) as s:
        petition = resume_petition(s, ref, on=on or today())
        done(f"Resumed petition {petition.ref} (due {petition.due_on})")


@app.command("show")
def show(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The petition's ref."),
    reveal: bool = REVEAL_OPTION,
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """Show one petition with its history.

    Example: dantrack petition show P2024-00012 --format json
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_record
    from dantrack.services.petitions import show_petition

    with destination(ctx, output, fmt, excel, sheets=False) as out:
        with session(ctx, write=reveal, create=False) as s:
            record = show_petition(s, ref, today=today(), reveal=reveal)
        render_record(record, Out(out.fmt.value), nested="history", nested_columns=HISTORY_COLUMNS, excel=out.excel)


@app.command("list")
def list_(
    ctx: typer.Context,
    year: int | None = YEAR_OPTION,
    locality: str | None = LOCALITY_FILTER,
    kind: str | None = typer.Option(None, "--kind", "-k", help=KIND_HELP),
    status: Status | None = typer.Option(None, "--status",
                                         help="open, closed, overdue or suspended."),
    search: str | None = typer.Option(
        None, "--search", "-s", help="Words in names or subject, in any order and with or "
        "without diacritics; or an ID number or phone, exactly."),
    meeting: str | None = typer.Option(None, "--meeting", help="Only those received at this "
                                       "meeting (its ref)."),
    sort: str | None = typer.Option(None, "--sort", help="Order by ref, received_on, kind, "
                                    "locality, due_on, closed_on or outcome; -due_on for "
                                    "descending. Default: received_on."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most N petitions."),
    reveal: bool = REVEAL_OPTION,
    columns: str | None = COLUMNS_OPTION,
    fmt: Format = FORMAT_OPTION,
    output: str | None = OUTPUT_OPTION,
    excel: bool = EXCEL_OPTION,
) -> None:
    """List petitions.

    Example: dantrack petition list --year 2024 --locality "Chợ Mới" --status overdue
    """
    from dantrack.output import Format as Out
    from dantrack.output import render_list
    from dantrack.schemas import PetitionPublic
    from dantrack.services.petitions import list_petitions

    picked = pick_columns(columns, PetitionPublic)  # before any query: a reveal is recorded
    with destination(ctx, output, fmt, excel) as out:
        with session(ctx, write=reveal, create=False) as s:
            records = list_petitions(
                s, today=today(), year=year, locality=locality, kind=kind,
                status=status, search=search, reveal=reveal, meeting=meeting, sort=sort,
                limit=limit)
        render_list(records, Out(out.fmt.value), model=PetitionPublic, table_columns=TABLE_COLUMNS,
                    headers={"locality_name": "locality"},
                    columns=picked,
                    excel=out.excel, binary=out.binary)
    if not records:
        done("0 petitions")  # on stderr: the output itself is an empty table, [] or a header
