"""What every command shares: the chosen database, formats, prompts for missing fields."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from dantrack.limits import FIRST_YEAR, IDENTITY_NAMES, LAST_YEAR

if TYPE_CHECKING:
    from sqlmodel import Session  # noqa: TID251  (an annotation only: never imported to run)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


# A report takes the formats a list takes.
ReportFormat = Format


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")
# The columns of a record's history, as `show` lists it.
HISTORY_COLUMNS = ["at", "operator", "action", "changes"]
OUTPUT_OPTION = typer.Option(
    None, "--output", "-o", metavar="FILE",
    help="Write to FILE (complete or not at all); its ending picks the format if --format "
    "is not given: .csv (for spreadsheets), .json, .md, .xlsx.")
EXCEL_OPTION = typer.Option(
    False, "--excel", help="CSV for spreadsheets: a byte-order mark, and codes, ID numbers "
    "and phones kept as text (always so for -o FILE.csv).")
COLUMNS_OPTION = typer.Option(
    None, "--columns", metavar="A,B,…",
    help="Only these columns, by field name (those of --format csv), e.g. ref,kind,status.")
YEAR_OPTION = typer.Option(None, "--year", help="Only this year.", min=FIRST_YEAR,
                           max=LAST_YEAR)
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

    check_arguments(ctx)
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

    check_arguments(ctx)
    database = db.open_database(db.locate(ctx.find_root().obj.db), write=False)
    try:
        with database.connection() as c:
            yield c
    finally:
        database.dispose()


def today() -> dt.date:
    """Today in Vietnam, or $DANTRACK_TODAY (YYYY-MM-DD): see dantrack.clock."""
    from dantrack.clock import today as vietnam_today

    return vietnam_today()


# Options whose values are personal data: an error names them but never echoes the value.
SECRET_PARAMS = IDENTITY_NAMES
# Options whose values are database targets: an error shows them as urls.shown does.
URL_PARAMS = frozenset({"db", "target"})


def check_arguments(ctx: typer.Context) -> None:
    """Refuse, before the database is opened, text that cannot be stored or looked up:
    bytes that were not UTF-8 (they reach Python as lone surrogates) and NUL characters
    (which PostgreSQL cannot store). Exit 3 naming the option."""
    current: typer.Context | None = ctx
    while current is not None:
        for param in current.command.params:
            value = current.params.get(param.name or "")
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                reason = "contains a NUL character"
            elif _has_surrogates(value):
                reason = "is not valid UTF-8 text (check the terminal's encoding)"
            else:
                continue
            from dantrack.errors import InvalidInput
            from dantrack.schemas import format_value

            name = param.opts[0] if getattr(param, "opts", None) else param.name
            if param.name in URL_PARAMS:  # a database URL may hold a password
                from dantrack.urls import shown as shown_url

                value = shown_url(value)
            shown = "" if param.name in SECRET_PARAMS else f" {format_value(value)}"
            raise InvalidInput(f"invalid {name}{shown}: {reason}", field=param.name,
                               value=value)
        current = current.parent


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def ask(value: Any, option: str, label: str, *, default: Any = None,
        check: Callable[[str], None] | None = None) -> Any:
    """A required option: prompted for on a terminal, a usage error (exit 2) otherwise. The
    answer is checked as it is given (cli.prompts makes the checks): a wrong one says why and
    the question comes again."""
    if value is not None and value != "":
        return value
    if sys.stdin.isatty() and sys.stdout.isatty():
        return typer.prompt(label, default=default, value_proc=_answer(check))
    raise MissingOption(option)


def _answer(check: Callable[[str], None] | None) -> Callable[[str], str]:
    def proc(text: str) -> str:
        from dantrack.errors import DantrackError

        text = text.strip()
        if not text:
            raise typer.BadParameter("an answer is needed")
        if check is not None:
            try:
                check(text)
            except DantrackError as exc:  # the prompt shows it and asks again
                raise typer.BadParameter(exc.message) from None
        return text

    return proc


class MissingOption(typer.BadParameter):
    """Exit 2 naming the option, as click does for its own required options."""

    def __init__(self, option: str) -> None:
        super().__init__("missing", param_hint=f"'{option}'")

    def format_message(self) -> str:
        return f"Missing option {self.param_hint}."


def output_stream(ctx: typer.Context, stack: Any, output: str, *, binary: bool = False) -> Any:
    """The -o file: complete or not at all (an existing file stays as it was), never the
    database, private to its owner."""
    from dantrack import db
    from dantrack.files import CannotWrite, output_file

    database = db.locate(ctx.find_root().obj.db).target
    try:
        return stack.enter_context(output_file(output, database=database, binary=binary))
    except CannotWrite as exc:  # no such directory, no permission: a usage error
        raise typer.BadParameter(exc.message, param_hint="'--output'") from None


# The formats an output file's ending names.
SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".md": "markdown", ".xlsx": "xlsx"}


def file_format(output: str | None, fmt: Any) -> Any:
    """The format of -o FILE: the one --format gives, else the one its ending names (.csv,
    .json, .md, .xlsx) if the command writes it; `fmt` is the command's own format enum."""
    from pathlib import Path

    if not output or fmt.value != "table":
        return fmt
    named = SUFFIX_FORMATS.get(Path(output).suffix.lower())
    return type(fmt)(named) if named in type(fmt).__members__ else fmt


def for_spreadsheets(output: str | None, excel: bool = False) -> bool:
    """CSV for spreadsheets: asked for (--excel), or a .csv file (SPEC §3)."""
    return excel or bool(output and output.lower().endswith(".csv"))


@dataclass
class Destination:
    """Where a list or show goes: its format, whether CSV is for spreadsheets, and the
    binary file an xlsx is written to."""

    fmt: Format
    excel: bool
    binary: Any = None


@contextmanager
def destination(ctx: typer.Context, output: str | None, fmt: Format, excel: bool, *,
                sheets: bool = True) -> Iterator[Destination]:
    """-o FILE for a list or show: standard output goes to the file (written beside it and
    renamed into place when complete), the format taken from its ending unless --format was
    given. xlsx (lists only: `sheets`) needs a file."""

    fmt = file_format(output, fmt)
    if fmt is Format.xlsx and not (sheets and output):
        raise typer.BadParameter("xlsx is written to a file: add -o FILE.xlsx" if sheets else
                                 "xlsx is for lists and exports", param_hint="'--format'")
    excel = for_spreadsheets(output, excel)
    if not output:
        yield Destination(fmt, excel)
        return
    with contextlib.ExitStack() as stack:
        stream = output_stream(ctx, stack, output, binary=fmt is Format.xlsx)
        if fmt is Format.xlsx:
            yield Destination(fmt, excel, stream)
        else:
            with contextlib.redirect_stdout(stream):
                yield Destination(fmt, excel)
    done(f"Wrote {output}")


def pick_columns(text: str | None, model: Any) -> list[str] | None:
    """--columns: field names of the list's records, in the order given; exit 2 otherwise."""
    if not text:
        return None
    fields = [name for name in model.model_fields if name != "history"]
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    wrong = [name for name in chosen if name not in fields] or ([] if chosen else [text])
    if wrong:
        raise typer.BadParameter(f"unknown column {wrong[0]!r}; the columns are "
                                 f"{', '.join(fields)}", param_hint="'--columns'")
    return chosen


def done(text: str) -> None:
    """A line for the person at the terminal, on stderr; stored text in it is shown escaped."""
    from dantrack.safety import visible

    typer.echo(visible(text), err=True)
