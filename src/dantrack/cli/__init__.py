"""The command line: parse, call one service, render. Errors are translated here, once."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from dantrack import __version__
from dantrack.cli import common


class DantrackGroup(TyperGroup):
    """The one boundary where a DantrackError becomes 'Error: …' on stderr and an exit code."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from dantrack.errors import DantrackError
        from dantrack.safety import visible

        try:
            return super().invoke(ctx)
        except DantrackError as exc:
            # A message may quote stored text (a locality's name): it must not drive the terminal.
            typer.echo(f"Error: {visible(exc.message)}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=DantrackGroup,
    name="dantrack",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dantrack {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", metavar="PATH|URL",
        help="SQLite database file or postgresql://USER@HOST/DB. Default: $DANTRACK_DB, else "
        "dantrack.sqlite in your data folder.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Track citizen reception: meetings, dialogues, petitions, close-out and reports.

    Example: dantrack petition list --status overdue
    """
    ctx.obj = common.State(db=db)


def _register() -> None:
    from dantrack.cli import db, dialogues, io, localities, meetings, petitions, report

    app.add_typer(localities.app, name="locality")
    app.add_typer(meetings.app, name="meeting")
    app.add_typer(dialogues.app, name="dialogue")
    app.add_typer(petitions.app, name="petition")
    app.command("import")(io.import_)
    app.command("export")(io.export)
    app.command("report")(report.report)
    app.add_typer(db.app, name="db")


_register()


def main() -> None:
    """Run the command line, then leave without the interpreter's teardown.

    A one-shot command has nothing left to clean up once its output is flushed and its
    database closed (every command disposes of its engine), while tearing down the modules of
    SQLAlchemy and pydantic costs a tenth of a second on each run.
    """
    # pydantic would otherwise scan every installed package for plugins on start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
        code: int = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 0
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
