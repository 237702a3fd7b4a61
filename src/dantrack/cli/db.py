"""dantrack db upgrade|check|backup|restore|copy"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from dantrack.cli.common import check_arguments, done

app = typer.Typer(help="The database itself: schema upgrades, integrity checks, backups and restores.\n\n"
                  "Example: dantrack db backup ~/dantrack-2024-12-31.sqlite",
                  no_args_is_help=True)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("check")
def check(
    ctx: typer.Context,
    quick: bool = typer.Option(False, "--quick",
                               help="A faster, shallower storage check (SQLite quick_check)."),
    limit: int = typer.Option(100, "--limit", min=0,
                              help="List at most this many findings per check (0: all)."),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Check the database: storage integrity, foreign keys and the domain's rules.

    Prints one OK line and exits 0 when all is well; otherwise one line per finding, naming
    the record's ref, and exits 1. Reads only: safe while clerks are writing.

    Example: dantrack db check
    """
    from dantrack import db
    from dantrack.errors import RuleError
    from dantrack.maintenance import check_database
    from dantrack.output import json_text, write

    check_arguments(ctx)
    database = db.open_database(db.locate(ctx.find_root().obj.db), write=False)
    try:
        result = check_database(database, quick=quick, limit=limit)
    finally:
        database.dispose()
    for note in result.notes:
        done(f"Note: {note}")
    if fmt is CheckFormat.json:
        write(json_text(result.as_dict()))
    elif result.ok:
        counts = ", ".join(f"{name}: {n}" for name, n in result.counts.items())
        write(f"OK: {len(result.checks)} checks passed ({counts})")
    else:
        write("\n".join(finding.line() for finding in result.findings))
    if not result.ok:
        plural = "s" if result.problems != 1 else ""
        raise RuleError(f"{result.problems} problem{plural} found in {database.location.shown}")


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Path = typer.Argument(..., metavar="PATH", help="The backup file to write.",
                                show_default=False),
    force: bool = typer.Option(False, "--force", help="Overwrite PATH if it exists."),
) -> None:
    """Copy the database to PATH, consistently, while others go on writing.

    The copy is one self-contained SQLite file readable by you only (mode 0600). An existing
    PATH is kept unless --force is given. PostgreSQL databases are backed up on the server
    (pg_dump).

    Example: dantrack db backup ~/backups/reception-2024-12-31.sqlite
    """
    from dantrack import db
    from dantrack.backup import backup as make_backup
    from dantrack.backup import refuse_server_backup

    check_arguments(ctx)
    location = db.locate(ctx.find_root().obj.db)
    refuse_server_backup(location)
    database = db.open_database(location, write=False)
    try:
        result = make_backup(database, path, force=force)
    finally:
        database.dispose()
    done(f"Backed up {location.shown} to {result.target} "
         f"({result.size / 1_048_576:.1f} MiB in {result.seconds:.1f} s)")


@app.command("restore")
def restore(
    ctx: typer.Context,
    backup: Path = typer.Argument(..., metavar="BACKUP", show_default=False,
                                  help="A backup written by dantrack db backup."),
) -> None:
    """Put a backup in place of the database (SQLite), with exactly the backup's records.

    The backup is checked first (a dantrack database this version knows, integrity ok). It
    is refused while any other program has the database open (exit 4). The database as it
    was is kept as NAME.before-restore, and its -wal, -shm and -journal files are removed:
    copying a backup over the file by hand would let a stale -wal damage it. PostgreSQL
    databases are restored on the server (pg_restore).

    Example: dantrack db restore ~/backups/reception-2024-12-31.sqlite
    """
    from dantrack import db
    from dantrack.restore import restore as restore_backup

    check_arguments(ctx)
    result = restore_backup(db.locate(ctx.find_root().obj.db), backup)
    done(result.line())


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the database's schema up to this version of dantrack.

    On SQLite the file is first copied beside itself (NAME.schema-REVISION.bak). On
    PostgreSQL the upgrade is one transaction; take a pg_dump before. A database already at
    the newest schema is left as it is.

    Example: dantrack --db office.sqlite db upgrade
    """
    from dantrack import db, migrations

    check_arguments(ctx)
    location = db.locate(ctx.find_root().obj.db)
    result = migrations.upgrade(location)
    if result.before == result.after:
        done(f"The schema of {location.shown} is the newest already ({result.after})")
        return
    kept = f"; the file as it was is kept at {result.backup}" if result.backup else ""
    done(f"Upgraded the schema of {location.shown} from {result.before} to {result.after}{kept}")


@app.command("copy")
def copy(
    ctx: typer.Context,
    target: str = typer.Argument(..., metavar="TARGET", show_default=False,
                                 help="A postgresql://USER@HOST/DATABASE URL or a file."),
) -> None:
    """Copy the whole database into an empty one, e.g. an office's file to the central server.

    Every locality, meeting, dialogue, petition, history entry and ref sequence is copied as
    it is (same refs, same history), in one transaction. TARGET is created if needed and must
    hold no dantrack records; the source is only read.

    Example: dantrack --db office.sqlite db copy postgresql://clerk@dbhost/reception
    """
    from dantrack import db
    from dantrack.transfer import copy_database

    check_arguments(ctx)
    source = db.locate(ctx.find_root().obj.db)
    destination = db.Location(target, "the copy's target")
    result = copy_database(source, destination)
    done(f"Copied {result.summary()} from {source.shown} to {destination.shown}")
