"""Putting a backup in place of an SQLite database: `dantrack db restore BACKUP`.

Copying a backup over the database file by hand is not enough: a `-wal` left beside it
belongs to the old file, and SQLite would replay it over the restored one and damage it.
So the backup is copied (online backup API) to a private temporary beside the database and
checked there (integrity, a schema this version knows); then, holding an exclusive lock that
proves no other connection has the database open, the current file is kept under
NAME.before-restore, its companion files are removed, and the checked copy is renamed into
place. The database's name never stands empty: the kept file is a second link to it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from dantrack.db import KNOWN_REVISIONS, Location
from dantrack.errors import DatabaseUnavailable, RuleError
from dantrack.files import COMPANIONS, check_target, refuse_database_files, replacing


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    backup: Path
    revision: str
    kept: Path | None
    removed: list[Path] = field(default_factory=list)

    def line(self) -> str:
        text = f"Restored {self.database} from {self.backup} (schema {self.revision})"
        if self.kept is not None:
            text += f"; the database as it was is kept at {self.kept}"
        if self.removed:
            text += "; removed " + ", ".join(path.name for path in self.removed)
        return text


def restore(location: Location, backup: Path) -> RestoreResult:
    """Replace the SQLite database at location by a checked copy of backup."""
    if location.is_url:
        scheme = location.shown.split("://", 1)[0]
        raise RuleError(f"{location.shown} is a {scheme} database: restore it on the server "
                        "with pg_restore (e.g. pg_restore -d DBNAME dantrack.dump)")
    database = Path(location.target).expanduser()
    backup = backup.expanduser()
    refuse_database_files(backup, database)
    if not backup.is_file():
        raise DatabaseUnavailable(f"no backup file at {backup}")
    final = check_target(database, what="the database")
    # The lock is let go only after replacing() has renamed the checked copy into place:
    # no process can open the old file in between.
    with contextlib.ExitStack() as held, \
            replacing(database, what="the database") as temporary:
        revision = _copy_checked(backup, temporary)
        stale = [path for path in _companions(database) if path.exists()]
        held.enter_context(_exclusive(final))
        kept = _keep(final)
        for path in _companions(database):  # the lock's own journal too
            path.unlink(missing_ok=True)
    return RestoreResult(database, backup, revision, kept, stale)


def _copy_checked(backup: Path, temporary: Path) -> str:
    """Copy backup into temporary, check the copy; its schema revision."""
    try:
        reader = sqlite3.connect(f"file:{quote(str(backup.resolve()))}?mode=ro", uri=True)
        writer = sqlite3.connect(temporary, isolation_level=None)
        try:
            reader.backup(writer)
            # One self-contained file: dantrack's next writer turns WAL on again.
            writer.execute("PRAGMA journal_mode = DELETE")
            problems = _problems(writer)
            revision = _revision(writer)
        finally:
            writer.close()
            reader.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"{backup} is not a readable SQLite database: {exc}") \
            from None
    if problems != ["ok"]:
        raise DatabaseUnavailable(f"{backup} is damaged ({problems[0]}): choose another backup")
    if revision is None:
        raise DatabaseUnavailable(f"{backup} is not a dantrack database (no schema version)")
    if revision not in KNOWN_REVISIONS:
        raise DatabaseUnavailable(f"{backup} was written by a newer dantrack (schema "
                                  f"{revision}); upgrade dantrack to restore it")
    return revision


def _problems(connection: sqlite3.Connection) -> list[str]:
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:  # too damaged even to be checked
        return [str(exc)]


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table
        return None
    return row[0] if row else None


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold the database so that no other connection has it open, or DatabaseUnavailable.

    Leaving WAL mode needs every other connection closed (idle ones too: they hold the
    shared memory); the exclusive transaction then keeps new ones out. It also checkpoints
    the WAL into the file, so the kept file is complete by itself."""
    if not path.exists():
        yield
        return
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=0,
                                     isolation_level=None)
    except sqlite3.Error:  # cannot be opened at all: no one else can use it either
        yield
        return
    try:
        _lock(connection, path)
        yield
    finally:
        connection.close()


def _lock(connection: sqlite3.Connection, path: Path) -> None:
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("PRAGMA journal_mode = DELETE").fetchall()
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseUnavailable(
                f"the database {path} is in use by another process: close every program "
                "using it (other dantrack commands too), then restore again") from None
    except sqlite3.DatabaseError:
        pass  # a damaged file, which is why one restores: no one else can read it either


def _keep(final: Path) -> Path | None:
    """A second name for the current file, NAME.before-restore (numbered if taken), 0600."""
    if not final.exists():
        return None
    number = 1
    while True:
        suffix = ".before-restore" if number == 1 else f".before-restore.{number}"
        kept = final.with_name(final.name + suffix)
        try:
            os.link(final, kept)
        except FileExistsError:
            number += 1
            continue
        except OSError:  # a file system without hard links: keep a copy instead
            if kept.exists():
                number += 1
                continue
            _copy_bytes(final, kept)
        os.chmod(kept, 0o600)
        return kept


def _copy_bytes(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with open(fd, "wb") as out, open(source, "rb") as src:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        os.fsync(out.fileno())


def _companions(database: Path) -> list[Path]:
    bases = dict.fromkeys((database.absolute(), Path(os.path.realpath(database))))
    return [base.with_name(base.name + suffix) for base in bases for suffix in COMPANIONS]
