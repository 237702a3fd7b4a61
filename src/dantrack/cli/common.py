"""What every command shares: the chosen database, formats, prompts for missing fields."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from sqlmodel import Session


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class StatusChoice(StrEnum):
    open = "open"
    closed = "closed"
    overdue = "overdue"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")
YEAR_OPTION = typer.Option(None, "--year", help="Only this year.", min=1900, max=2999)
LOCALITY_FILTER = typer.Option(
    None, "--locality", "-l", help="Code or name; includes its whole subtree."
)
REVEAL_OPTION = typer.Option(
    False, "--reveal", help="Show denouncers' identities (recorded in the history)."
)


@dataclass
class State:
    db: str | None


@contextmanager
def session(ctx: typer.Context, *, write: bool, create: bool | None = None) -> Iterator[Session]:
    """A session on the chosen database: writers create it if needed, readers never do."""
    from dantrack import db

    location = db.locate(ctx.find_root().obj.db)
    database = db.open_database(location, write=write, create=write if create is None else create)
    try:
        with database.session() as s:
            yield s
    finally:
        database.dispose()


@contextmanager
def connection(ctx: typer.Context) -> Iterator[Any]:
    """A read-only Core connection, for reports: no ORM is loaded."""
    from dantrack import db

    database = db.open_database(db.locate(ctx.find_root().obj.db), write=False)
    try:
        with database.connection() as c:
            yield c
    finally:
        database.dispose()


def today() -> dt.date:
    """Today, or $DANTRACK_TODAY (YYYY-MM-DD) so that reports and tests can be pinned."""
    if pinned := os.environ.get("DANTRACK_TODAY"):
        return dt.date.fromisoformat(pinned)
    return dt.date.today()


def ask(value: Any, option: str, label: str, *, default: Any = None) -> Any:
    """A required option: prompted for on a terminal, a usage error (exit 2) otherwise."""
    if value is not None and value != "":
        return value
    if sys.stdin.isatty() and sys.stdout.isatty():
        return typer.prompt(label, default=default)
    raise MissingOption(option)


class MissingOption(typer.BadParameter):
    """Exit 2 naming the option, as click does for its own required options."""

    def __init__(self, option: str) -> None:
        super().__init__("missing", param_hint=f"'{option}'")

    def format_message(self) -> str:
        return f"Missing option {self.param_hint}."


def done(text: str) -> None:
    typer.echo(text, err=True)
