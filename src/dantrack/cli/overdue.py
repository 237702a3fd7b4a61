"""dantrack overdue: the digest for cron."""

from __future__ import annotations

import typer

from dantrack.cli.common import LOCALITY_FILTER, ReportFormat, session, today

TABLE_COLUMNS = ["ref", "kind", "locality_name", "petitioner", "due_on", "days_late", "status"]


def overdue(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="Default: today (in Vietnam)."),
    locality: str | None = LOCALITY_FILTER,
    within: int = typer.Option(0, "--within", min=0, max=366,
                               help="Also those due in the next N working days."),
    fmt: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f",
                                     help="Output format."),
    fail_if_any: bool = typer.Option(False, "--fail-if-any",
                                     help="Exit 1 when any petition is overdue."),
) -> None:
    """Open petitions past their deadline (or within N working days of it), by deadline;
    a summary line on stderr.

    Example: dantrack overdue --within 3 --locality "Bắc Kạn" --format json --fail-if-any
    """
    from dantrack.output import Format as Out
    from dantrack.output import message, render_rows
    from dantrack.services.overdue import COLUMNS
    from dantrack.services.overdue import overdue as digest_of
    with session(ctx, write=False, create=False) as s:
        digest = digest_of(s, as_of=as_of or today(), within=within, locality=locality)
        render_rows(COLUMNS, digest.rows, Out(fmt.value), table_columns=TABLE_COLUMNS)
    soon = f", {digest.due:,} due within {within} working days" if within else ""
    message(f"{digest.overdue:,} overdue{soon} as of {digest.as_of}")
    if fail_if_any and digest.overdue:
        raise typer.Exit(1)

