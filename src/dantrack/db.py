"""The open database: opening (and creating) it, checking its schema revision, the
transaction scope, and the translation of database errors into dantrack's own.

With dantrack.engines (where the database is, and an engine for it) the only code that knows
SQLite from PostgreSQL. Write transactions take the write lock at their start — BEGIN
IMMEDIATE on SQLite, a transaction-scoped advisory lock on PostgreSQL — so a read-then-write
(a ref check, a close of an open petition) never races another writer; lock waits end after
$DANTRACK_BUSY_TIMEOUT seconds. Read-only commands open SQLite read-only and run PostgreSQL
transactions read-only; they never create or change the database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from dantrack import faults
from dantrack.engines import (  # noqa: F401  (re-exported: dantrack.db is where callers look)
    CONNECT_TIMEOUT,
    DEFAULT_BUSY_TIMEOUT,
    MAX_BUSY_TIMEOUT,
    POSTGRES_SCHEMES,
    PROBE,
    WRITE_LOCK_CLASS,
    Location,
    _parse_url,
    _postgres_engine,
    _sqlite_engine,
    busy_timeout,
    create_engine,
    default_path,
    locate,
    postgres_url,
    quiet_psycopg,
)
from dantrack.errors import DantrackError, DatabaseUnavailable, InvalidInput

if TYPE_CHECKING:
    from sqlmodel import Session

# The ORM (sqlmodel, dantrack.models) and Alembic are imported only where a session, the full
# schema or a migration is needed, so read paths such as reports start without them.

# The schema revision this code writes, and every revision it can upgrade from, oldest first.
# Compared with the alembic_version row on every open; tests pin both to dantrack.migrations.
# 0007 follows 0005 on this branch (0006 is added beside it; the merge re-chains them).
SCHEMA_REVISION = "0007"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0007")

TABLES = ("locality", "meeting", "dialogue", "petition", "petition_event", "ref_sequence")
_version_metadata = MetaData()
alembic_version = Table(
    "alembic_version",
    _version_metadata,
    Column("version_num", String(32), primary_key=True),
)


class Database:
    """An open database: an engine plus the knowledge of whether it may be written."""

    def __init__(self, engine: Engine, location: Location, *, writable: bool) -> None:
        self.engine = engine
        self.location = location
        self.writable = writable

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def path(self) -> Path | None:
        """The file of an SQLite database; None for a server."""
        return None if self.location.is_url else Path(self.location.target).expanduser()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        from sqlmodel import Session

        # The rollback and the close are inside the translation too: on a full disk or a
        # damaged file they may fail as well, and must not show the statement either.
        with translate_errors(self), Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for read paths that need no ORM."""
        with translate_errors(self), self.engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def translate_errors(database: Database) -> Iterator[None]:
    """Database errors a user can cause (a lock held too long, text PostgreSQL cannot store)
    and storage failures (a full disk, an I/O error, a damaged or unopenable file) become
    DantrackErrors that never show the statement or its parameters; anything else is a bug
    and goes on."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        if (error := _first_translated(database, exc)) is None:
            raise
        raise error from None
    except OverflowError:  # sqlite3 refuses integers past 64 bits before SQLite sees them
        raise InvalidInput("a number is too large for the database") from None
    except ValueError as exc:  # a stored value the column's type cannot read (pydantic's too)
        if (error := faults.wrong_type(database, exc)) is None:
            raise
        raise error from None


translate_lock_errors = translate_errors  # the earlier name

def _first_translated(database: Database, exc: BaseException) -> DantrackError | None:
    """The translation of exc, or of the error it arose while handling: a rollback after a
    full disk (SQLite has already ended the transaction) fails with "no such savepoint", and
    the full disk is what counts."""
    seen = 0
    error: BaseException | None = exc
    while error is not None and seen < 8:
        if isinstance(error, (DBAPIError, sqlite3.Error)):
            if (translated := _translated(database, error)) is not None:
                return translated
        error, seen = error.__context__, seen + 1
    return None


def _translated(database: Database, exc: BaseException) -> DantrackError | None:
    message = _one_line(database, exc)
    where = database.location.shown
    if database.dialect == "postgresql":
        # By SQLSTATE: a message may quote the user's values.
        code = getattr(getattr(exc, "orig", exc), "sqlstate", None) or ""
        locked = code in ("55P03", "40P01")  # lock_not_available, deadlock_detected
        read_only = code == "25006"
        lost = code.startswith(("08", "57P")) or (isinstance(exc, OperationalError) and not code)
        nul = "NUL (0x00)" in message  # refused by psycopg before it is sent
        data = code.startswith("22")  # data_exception: out of range, too long …
        # No right to create or write, no schema on the search path, a table or column
        # dropped behind dantrack's back, a full disk: the database cannot be used as it is.
        unusable = code in ("42501", "3F000", "42P01", "42703") or code.startswith(
            faults.POSTGRES_STORAGE)
        storage = None
    else:
        locked = "locked" in message or "busy" in message
        read_only = "readonly" in message or "read-only" in message
        lost = nul = data = unusable = False
        storage = faults.sqlite_storage(exc, message)
    if locked:
        return DatabaseUnavailable(
            f"the database {where} is locked by another process "
            f"(waited {busy_timeout():g} s; set DANTRACK_BUSY_TIMEOUT to wait longer)"
        )
    if read_only:
        return DatabaseUnavailable(f"the database {where} cannot be written: {message}")
    if storage:
        return DatabaseUnavailable(f"the database {where} cannot be used: {storage}")
    if lost:
        return DatabaseUnavailable(f"lost the connection to {where}: {message}")
    if unusable:
        return DatabaseUnavailable(f"the database {where} cannot be used: {message}")
    if nul:
        return InvalidInput("text must not contain NUL characters (\\x00)")
    if data:
        return InvalidInput(f"a value does not fit the database: {message}")
    return None


def _one_line(database: Database | None, exc: BaseException) -> str:
    """The driver's message on one line (libpq never repeats a password in it): the server's
    primary message when there is one, without the quoted statement."""
    return faults.one_line(exc)


def open_database(location: Location, *, write: bool, create: bool | None = None,
                  check: bool = True) -> Database:
    """Open the database; a writer creates it on first use (unless create=False), a reader
    never does. check=False skips the schema revision check (for `db upgrade`)."""
    create = write if create is None else create
    if location.is_url:
        database = Database(_postgres_engine(location, write=write), location, writable=write)
        if not _postgres_has_schema(database):
            if not create:
                raise DatabaseUnavailable(
                    f"no dantrack database at {location.describe()}: it has no dantrack tables "
                    "yet; record something first or pass --db"
                )
            _create_schema(database)
    else:
        database = _open_sqlite(location, write=write, create=create)
    if check:
        check_schema(database)
        if write and database.dialect == "sqlite":
            _use_wal(database)
    return database


def _open_sqlite(location: Location, *, write: bool, create: bool) -> Database:
    path = Path(location.target).expanduser()
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a directory, not a database file")
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseUnavailable(
            f"no database at {path} ({location.source}); record something first or pass --db"
        )
    if not exists:
        _create_file(path)
    if write:
        _remove_leftovers(path)
    database = Database(_sqlite_engine(path, write=write), location, writable=write)
    if not exists:
        _use_wal(database)
        _create_schema(database)
    return database


def _remove_leftovers(path: Path) -> None:
    """What a killed backup or upgrade of this database left beside it (a cheap glob)."""
    from dantrack.files import remove_leftovers

    for directory in {path.absolute().parent, path.resolve().parent}:
        remove_leftovers(directory)


def _use_wal(database: Database) -> None:
    """WAL: readers never wait for the writer. Set only on a file known to be dantrack's (a
    new one, or one whose schema passed the check): the mode is written into the file."""
    with translate_errors(database), database.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA journal_mode = WAL")  # outside a transaction, as SQLite requires


def _create_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create the database at {path}: {exc.strerror}") from None


# --- PostgreSQL ------------------------------------------------------------------------------


def _postgres_has_schema(database: Database) -> bool:
    """Whether the database holds dantrack's tables; refuses one that holds others' tables of
    the same names. Connection failures become a one-line DatabaseUnavailable."""
    from sqlalchemy import inspect

    try:
        connection = database.engine.connect().execution_options(**{PROBE: True})
    except DBAPIError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to {database.location.describe()}: {_one_line(database, exc)}"
        ) from None
    with connection, translate_errors(database):
        if connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar():
            connection.rollback()
            return True
        names = set(inspect(connection).get_table_names())
        connection.rollback()
    if clash := sorted(names.intersection(TABLES)):
        raise DatabaseUnavailable(
            f"{database.location.shown} is not a dantrack database: it has tables named "
            f"{', '.join(clash)} but no schema version"
        )
    return False


# --- the schema ----------------------------------------------------------------------------


def _create_schema(database: Database) -> None:
    """The newest schema, straight from the models, stamped with its revision (a test proves
    it equals what the migrations build)."""
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401  (registers the tables on SQLModel.metadata)

    with translate_errors(database), database.engine.begin() as connection:
        # Under the write lock: another process may have created it since we looked.
        if inspect(connection).has_table("alembic_version"):
            return
        SQLModel.metadata.create_all(connection)
        _version_metadata.create_all(connection)
        connection.execute(alembic_version.insert().values(version_num=SCHEMA_REVISION))


def schema_revision(database: Database) -> str | None:
    """The alembic_version row; DatabaseUnavailable when the database has no such table."""
    try:
        with database.engine.connect().execution_options(**{PROBE: True}) as connection:
            revision = connection.execute(select(alembic_version.c.version_num)).scalar()
            connection.rollback()
    except DatabaseError as exc:
        message = _one_line(database, exc)
        code = getattr(exc.orig, "sqlstate", None)
        if "no such table" in message or code == "42P01":
            raise DatabaseUnavailable(
                f"{database.location.shown} is not a dantrack database (no schema version)"
            ) from None
        if "not a database" in message or "malformed" in message:
            raise DatabaseUnavailable(
                f"{database.location.shown} is not a readable SQLite database: {message}"
            ) from None
        with translate_errors(database):
            raise
    return revision


def check_schema(database: Database) -> None:
    """Refuse a database whose schema this code does not know, before anything is written."""
    revision = schema_revision(database)
    if revision == SCHEMA_REVISION:
        return
    where = database.location.shown
    if revision is None:
        raise DatabaseUnavailable(f"{where} is not a dantrack database (no schema version)")
    if revision in KNOWN_REVISIONS:
        raise DatabaseUnavailable(
            f"the database {where} has an older schema ({revision}); run `dantrack db upgrade`"
        )
    raise DatabaseUnavailable(
        f"the database {where} was written by a newer dantrack "
        f"(schema {revision}); upgrade dantrack to use it"
    )
