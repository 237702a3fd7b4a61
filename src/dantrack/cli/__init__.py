"""The command line: parse, call one service, render. Errors are translated here, once."""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from dantrack import __version__
from dantrack.cli import common


class DantrackGroup(TyperGroup):
    """The one boundary where a DantrackError becomes 'Error: …' on stderr and an exit code."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from dantrack.errors import DantrackError

        try:
            return super().invoke(ctx)
        except DantrackError as exc:
            typer.echo(f"Error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=DantrackGroup,
    name="dantrack",
    help="Track citizen reception: meetings, dialogues, petitions, close-out and reports.",
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
        None, "--db", metavar="PATH",
        help="Database file. Default: $DANTRACK_DB, else dantrack.sqlite in your data folder.",
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
    from dantrack.cli import dialogues, localities, meetings, petitions, report

    app.add_typer(localities.app, name="locality")
    app.add_typer(meetings.app, name="meeting")
    app.add_typer(dialogues.app, name="dialogue")
    app.add_typer(petitions.app, name="petition")
    app.command("report")(report.report)


_register()


def main() -> None:
    app()
