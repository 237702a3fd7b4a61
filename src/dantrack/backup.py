"""Online backups of an SQLite database, with SQLite's backup API.

The pages are copied in steps from inside one read transaction: in WAL mode that snapshot never
blocks a writer, and since the snapshot cannot change under it, the copy never has to restart
however busy the writers are. The copy is written through dantrack.files, like every file
dantrack writes for the user.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dantrack.db import Database, Location
from dantrack.errors import DantrackError, DatabaseUnavailable, RuleError
from dantrack.faults import storage_failure


@dataclass(frozen=True)
class BackupResult:
    target: Path
    pages: int
    size: int
    seconds: float


def refuse_server_backup(location: Location) -> None:
    """A database server keeps its own backups; say how, without connecting."""
    if location.is_url:
        scheme = location.target.split("://", 1)[0]
        tool = "pg_dump" if scheme.startswith("postgres") else "the server's own tools"
        raise RuleError(f"{location.shown} is a {scheme} database: back it up "
                        f"on the server with {tool} (e.g. pg_dump -Fc -f dantrack.dump DBNAME)")


def backup(database: Database, target: Path, *, force: bool = False,
           pages_per_step: int = 4096, pause: float = 0.0,
           progress: Callable[[int, int], None] | None = None) -> BackupResult:
    """Copy the database to target (mode 0600) while others go on writing.

    Written through files.replacing: target is never a half-written file, never the database
    or one of its companions; without force an existing target is refused (also when it
    appears while the copy is made). Through a link, the file the link points to is replaced.
    """
    from dantrack.files import replacing

    if database.dialect != "sqlite":
        refuse_server_backup(database.location)
    started = time.monotonic()
    with replacing(target, database=database.location.target, force=force,
                   what="the backup") as temporary:
        pages = _copy(database, temporary, pages_per_step=pages_per_step, pause=pause,
                      progress=progress)
    target = target.expanduser()
    return BackupResult(target, pages, target.stat().st_size, time.monotonic() - started)


def _copy(database: Database, temporary: Path, *, pages_per_step: int, pause: float,
          progress: Callable[[int, int], None] | None) -> int:
    """Copy in steps of pages_per_step pages, calling progress(copied, total) after each."""
    from dantrack.db import translate_errors

    pages = 0

    def step(_status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total
        if progress is not None:
            progress(total - remaining, total)

    with translate_errors(database), database.engine.connect() as connection:
        # The first statement opens the read transaction (the engine's begin hook): every
        # step below copies from this one snapshot.
        connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        raw: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
        destination = sqlite3.connect(temporary, isolation_level=None)
        try:
            raw.backup(destination, pages=pages_per_step, progress=step, sleep=pause)
            # One self-contained file: no -wal beside it to lose when the copy is moved.
            destination.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            if reason := storage_failure(exc):  # a full disk, say: exit 4, as for the database
                raise DatabaseUnavailable(f"cannot write the backup to {temporary.parent}: "
                                          f"{reason}") from None
            raise DantrackError(f"the backup failed: {exc}") from None
        finally:
            destination.close()
        connection.rollback()
    return pages
