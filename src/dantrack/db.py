"""Where the database is, how to connect to it, and the transaction scope.

This is the only module that knows SQLite from PostgreSQL. Write transactions take the write
lock at their start (BEGIN IMMEDIATE on SQLite) so a read-then-write never deadlocks; read-only
commands open SQLite read-only and never create or change the file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Column, MetaData, String, Table, case, create_engine, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from dantrack.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from sqlmodel import Session

# The ORM (sqlmodel, dantrack.models) is imported only where a session or the full schema is
# needed, so read paths such as reports start without it.

# The schema revision this code writes; a database at any other revision is refused.
SCHEMA_REVISION = "0001"
KNOWN_REVISIONS = ("0001",)

DEFAULT_BUSY_TIMEOUT = 5.0

_version_metadata = MetaData()
alembic_version = Table(
    "alembic_version",
    _version_metadata,
    Column("version_num", String(32), primary_key=True),
)


@dataclass(frozen=True)
class Location:
    """Where the database is and how it was chosen (for error messages)."""

    target: str
    source: str

    @property
    def is_url(self) -> bool:
        return "://" in self.target

    def describe(self) -> str:
        return f"{self.target} ({self.source})"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("dantrack", appauthor=False)) / "dantrack.sqlite"


def locate(db: str | None) -> Location:
    """--db, else $DANTRACK_DB, else a file in the user's data directory."""
    if db:
        return Location(db, "from --db")
    if env := os.environ.get("DANTRACK_DB"):
        return Location(env, "from $DANTRACK_DB")
    return Location(str(default_path()), "the default location")


def busy_timeout() -> float:
    raw = os.environ.get("DANTRACK_BUSY_TIMEOUT")
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise DatabaseUnavailable(
            f"DANTRACK_BUSY_TIMEOUT must be a number of seconds, not {raw!r}"
        ) from None
    if value < 0:
        raise DatabaseUnavailable(f"DANTRACK_BUSY_TIMEOUT must not be negative, not {raw!r}")
    return value


class Database:
    """An open database: an engine plus the knowledge of whether it may be written."""

    def __init__(self, engine: Engine, location: Location, *, writable: bool) -> None:
        self.engine = engine
        self.location = location
        self.writable = writable

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with translate_lock_errors(self):
                    yield session
                    session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for read paths that need no ORM."""
        with translate_lock_errors(self), self.engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def translate_lock_errors(database: Database) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        message = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in message or "busy" in message:
            raise DatabaseUnavailable(
                f"the database {database.location.target} is locked by another process "
                f"(waited {busy_timeout():g} s; set DANTRACK_BUSY_TIMEOUT to wait longer)"
            ) from None
        if "readonly" in message or "read-only" in message:
            raise DatabaseUnavailable(
                f"the database {database.location.target} cannot be written: {message}"
            ) from None
        raise


def open_database(location: Location, *, write: bool, create: bool | None = None) -> Database:
    """Open the database; a writer creates it on first use (unless create=False), a reader
    never does."""
    create = write if create is None else create
    if location.is_url:
        raise DatabaseUnavailable(
            f"unsupported database URL {location.target!r}: give a file path"
        )
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
    engine = _sqlite_engine(path, write=write)
    database = Database(engine, location, writable=write)
    if not exists:
        _create_schema(database)
    check_schema(database)
    return database


def _create_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create the database at {path}: {exc.strerror}") from None


def _sqlite_engine(path: Path, *, write: bool) -> Engine:
    timeout = busy_timeout()
    mode = "rw" if write else "ro"
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"

    def connect() -> sqlite3.Connection:
        # isolation_level=None: the driver issues no BEGIN of its own; the begin hook does.
        return sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )

    engine = create_engine("sqlite+pysqlite://", creator=connect)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if write:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _create_schema(database: Database) -> None:
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401  (registers the tables on SQLModel.metadata)

    with database.engine.begin() as connection:
        SQLModel.metadata.create_all(connection)
        _version_metadata.create_all(connection)
        connection.execute(alembic_version.insert().values(version_num=SCHEMA_REVISION))


def check_schema(database: Database) -> None:
    """Refuse a database whose schema this code does not know, before anything is written."""
    try:
        with database.engine.connect() as connection:
            revision = connection.execute(select(alembic_version.c.version_num)).scalar()
            connection.rollback()
    except DatabaseError as exc:
        message = str(exc.orig)
        if "no such table" in message:
            raise DatabaseUnavailable(
                f"{database.location.target} is not a dantrack database (no schema version)"
            ) from None
        if "not a database" in message or "malformed" in message:
            raise DatabaseUnavailable(
                f"{database.location.target} is not a readable SQLite database: {message}"
            ) from None
        with translate_lock_errors(database):
            raise
    if revision == SCHEMA_REVISION:
        return
    if revision in KNOWN_REVISIONS:
        raise DatabaseUnavailable(
            f"the database {database.location.target} has an older schema ({revision}); "
            "run `dantrack db upgrade`"
        )
    raise DatabaseUnavailable(
        f"the database {database.location.target} was written by a newer dantrack "
        f"(schema {revision}); upgrade dantrack to use it"
    )


def _sequence_table() -> Table:
    from dantrack import models

    return models.RefSequence.__table__  # type: ignore[return-value]


def _upsert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(_sequence_table())


def next_number(session: Session, prefix: str, year: int) -> int:
    """Hand out the next number of a ref sequence (atomic under concurrent writers)."""
    sequence = _sequence_table()
    statement = (
        _upsert(session)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["prefix", "year"], set_={"last": sequence.c.last + 1}
        )
        .returning(sequence.c.last)
    )
    return int(session.execute(statement).scalar_one())


def reserve_numbers(session: Session, prefix: str, year: int, count: int) -> int:
    """Hand out count consecutive numbers at once (bulk imports); returns the first."""
    sequence = _sequence_table()
    statement = (
        _upsert(session)
        .values(prefix=prefix, year=year, last=count)
        .on_conflict_do_update(
            index_elements=["prefix", "year"], set_={"last": sequence.c.last + count}
        )
        .returning(sequence.c.last)
    )
    return int(session.execute(statement).scalar_one()) - count + 1


def claim_number(session: Session, prefix: str, year: int, number: int) -> None:
    """Note a number taken by an explicitly given ref, so generated refs go past it."""
    sequence = _sequence_table()
    statement = (
        _upsert(session)
        .values(prefix=prefix, year=year, last=number)
        .on_conflict_do_update(
            index_elements=["prefix", "year"],
            set_={"last": case((sequence.c.last < number, number), else_=sequence.c.last)},
        )
    )
    session.execute(statement)
