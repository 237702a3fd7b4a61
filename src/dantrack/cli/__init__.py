"""The command line: parse, call one service, render. Errors are translated here, once."""

from __future__ import annotations

import errno
import os
import sys

import typer
from typer.core import TyperGroup

from dantrack import __version__
from dantrack.cli import common

# click's exceptions, from wherever this typer takes click (its own copy, or the package).
_click = sys.modules[typer.BadParameter.__module__]


class DantrackGroup(TyperGroup):
    """The one boundary where a DantrackError becomes 'Error: …' on stderr and an exit code."""

    def get_command(self, ctx, name):  # type: ignore[no-untyped-def]
        command = super().get_command(ctx, name)
        if command is not None and os.environ.get("_DANTRACK_COMPLETE"):
            from dantrack.cli import completion

            completion.attach(command)  # values to complete: only when a shell asks
        return command

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from dantrack.errors import DantrackError
        from dantrack.safety import visible

        try:
            return super().invoke(ctx)
        except _click.NoSuchOption as exc:
            raise _misplaced(exc) from None
        except DantrackError as exc:
            # A message may quote stored text (a locality's name): it must not drive the terminal.
            typer.echo(f"Error: {visible(exc.message)}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as exc:
            if exc.errno not in STORAGE_ERRNOS:
                raise
            # Standard output full is the reader's side (exit 1); a file dantrack writes
            # cannot be written (exit 4, as a database that cannot be).
            frame = _writer_frame(exc)
            stdout = _writing_stdout(frame)
            what = "standard output" if stdout else exc.filename or _file_name(frame)
            verb = "read or write" if exc.errno == errno.EIO else "write"  # EIO: either way
            typer.echo(f"Error: cannot {verb} {what}: {exc.strerror}", err=True)
            raise typer.Exit(1 if stdout else 4) from None


# The options of dantrack itself, which go before the command.
ROOT_OPTIONS = ("--db", "--version")


def _misplaced(exc):  # type: ignore[no-untyped-def]
    """`dantrack petition list --db X`: say where --db belongs instead of 'no such option'."""
    if exc.option_name not in ROOT_OPTIONS:
        return exc
    command = exc.ctx.command_path if exc.ctx else "dantrack COMMAND"
    words = command.split(" ", 1)
    rest = f" {words[1]}" if len(words) > 1 else ""
    example = f"{words[0]} --db PATH{rest} …" if exc.option_name == "--db" else "dantrack --version"
    return _click.UsageError(
        f"{exc.option_name} is an option of dantrack itself and goes before the command: "
        f"{example}", ctx=exc.ctx)


# A full disk, an I/O error, over the quota, past the file size limit, a read-only file system.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EROFS})


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _writer_frame(exc: OSError):  # type: ignore[no-untyped-def]
    """The innermost frame of dantrack's own code where the write failed."""
    frame = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.startswith(_PACKAGE):
            frame = traceback.tb_frame
        traceback = traceback.tb_next
    return frame


def _writing_stdout(frame) -> bool:  # type: ignore[no-untyped-def]
    """Whether the failed write was to standard output: dantrack.output writes it (`write`,
    or a writer handed sys.stdout as its stream)."""
    if frame is None:
        return False
    if frame.f_code.co_filename.endswith("output.py") and frame.f_code.co_name == "write":
        return True
    return any(value is sys.stdout for value in frame.f_locals.values())


def _file_name(frame) -> str:  # type: ignore[no-untyped-def]
    """The name of the file the failing frame was writing, if it holds one open."""
    for value in (frame.f_locals.values() if frame is not None else ()):
        if hasattr(value, "write") and isinstance(getattr(value, "name", None), str):
            return str(value.name)
    return "the output file"


app = typer.Typer(
    cls=DantrackGroup,
    name="dantrack",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
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
    from dantrack.cli import (
        db,
        dialogues,
        forms,
        io,
        localities,
        meetings,
        overdue,
        petitions,
        report,
        visits,
        workcalendar,
    )

    app.add_typer(localities.app, name="locality")
    app.add_typer(meetings.app, name="meeting")
    app.add_typer(visits.app, name="visit")
    app.add_typer(dialogues.app, name="dialogue")
    app.add_typer(petitions.app, name="petition")
    app.command("overdue")(overdue.overdue)
    app.add_typer(workcalendar.app, name="calendar")
    app.command("import")(io.import_)
    app.command("export")(io.export)
    app.command("report")(report.report)
    app.command("form")(forms.form)
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
    except (BrokenPipeError, ValueError):
        pass
    except OSError as exc:  # a full disk behind a redirection: one line, not a traceback
        sys.stderr.write(f"Error: cannot write standard output: {exc.strerror}\n")
        code = code or 1
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
