"""How dantrack reaches its database: where it is, and an engine for it — SQLite with
BEGIN IMMEDIATE for writers, PostgreSQL on psycopg 3 with an advisory write lock — each
waiting for a lock at most $DANTRACK_BUSY_TIMEOUT seconds. With dantrack.db (which opens,
checks and creates the database and translates its errors) the only code that knows SQLite
from PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from dantrack import urls
from dantrack.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

DEFAULT_BUSY_TIMEOUT = 5.0
MAX_BUSY_TIMEOUT = 2_147_483.0
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
CONNECT_TIMEOUT = "10"
# pg_advisory_xact_lock(class, object): one lock per schema, held until the transaction ends.
WRITE_LOCK_CLASS = 0x64616E74  # "dant"
# An execution option: this transaction only looks (at the schema), so needs no write lock.
PROBE = "dantrack_probe"


@dataclass(frozen=True)
class Location:
    """Where the database is and how it was chosen (for error messages)."""

    target: str
    source: str

    @property
    def is_url(self) -> bool:
        return urls.is_url(self.target)

    @property
    def shown(self) -> str:
        """The target as messages show it: a URL's password is never printed (urls.shown)."""
        return urls.shown(self.target)

    def describe(self) -> str:
        return f"{self.shown} ({self.source})"


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
    if value < 0 or value != value:
        raise DatabaseUnavailable(f"DANTRACK_BUSY_TIMEOUT must not be negative, not {raw!r}")
    # Both engines count the wait in milliseconds in a signed 32-bit integer (about 24 days):
    # a longer wait, "inf" included, means as long as they allow.
    return min(value, MAX_BUSY_TIMEOUT)


def _sqlite_engine(path: Path, *, write: bool) -> Engine:
    # SQLAlchemy is loaded here, not with the module: completion locates the database
    # without it (dantrack.peek).
    from sqlalchemy import create_engine, event

    timeout = busy_timeout()
    mode = "rw" if write else "ro"
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"

    def connect() -> sqlite3.Connection:
        # isolation_level=None: the driver issues no BEGIN of its own; the begin hook does.
        return sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )

    engine = create_engine("sqlite+pysqlite://", creator=connect, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if write:
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        locking = write and not connection.get_execution_options().get(PROBE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if locking else "BEGIN")

    return engine


# --- PostgreSQL -----------------------------------------------------------------------------


def postgres_url(location: Location) -> URL:
    """The SQLAlchemy URL of a postgresql:// location, on the psycopg 3 driver."""
    scheme = location.target.split("://", 1)[0].lower()
    if scheme not in POSTGRES_SCHEMES:
        raise DatabaseUnavailable(
            f"unsupported database URL {location.shown!r}: give a file path or a "
            "postgresql://USER@HOST/DATABASE URL"
        )
    try:
        url = _parse_url(location.target)
        url.port  # noqa: B018  (a bad port raises here, not at connect time)
    except Exception:  # noqa: BLE001  (any parse failure is the user's URL)
        raise DatabaseUnavailable(f"invalid database URL {location.shown!r}") from None
    return url.set(drivername="postgresql+psycopg")


def _parse_url(target: str) -> URL:
    """SQLAlchemy's reading of a URL, but with the userinfo ending where urls.split ends it,
    at the last @: SQLAlchemy ends it at the first, and would take the rest of a password
    for the host, whose name a connection error prints."""
    from urllib.parse import unquote

    from sqlalchemy.engine import make_url

    parts = urls.split(target)
    if parts is None:
        return make_url(target)
    # No userinfo is left in the rest: an @ there is part of a value (%40 reads the same).
    url = make_url(f"{parts.scheme}://{parts.rest.replace('@', '%40')}")
    if parts.user is None:
        return url
    return url.set(username=unquote(parts.user),
                   password=None if parts.password is None else unquote(parts.password))


def quiet_psycopg() -> None:
    """psycopg logs what it ignores (an error while ending a pipeline, after the error that
    counts has been raised) as warnings; with no logging set up Python would print them on
    stderr, a stray line after dantrack's one."""
    import logging

    logger = logging.getLogger("psycopg")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _postgres_engine(location: Location, *, write: bool) -> Engine:
    from sqlalchemy import create_engine, event

    url = postgres_url(location)
    query = {key: value for key, value in url.query.items() if isinstance(value, str)}
    # Server settings travel in the startup packet: no round trip per connection.
    options = [query.get("options") or os.environ.get("PGOPTIONS", ""),
               f"-c lock_timeout={max(1, round(busy_timeout() * 1000))}"]
    if not write:
        options.append("-c default_transaction_read_only=on")
    query["options"] = " ".join(option for option in options if option)
    query.setdefault("connect_timeout", CONNECT_TIMEOUT)
    query.setdefault("application_name", "dantrack")
    # hide_parameters: an error never carries the statement's values (a denouncer's identity).
    engine = create_engine(url.set(query=query), hide_parameters=True)
    quiet_psycopg()

    if write:
        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            if connection.get_execution_options().get(PROBE):
                return
            connection.exec_driver_sql(
                f"SELECT pg_advisory_xact_lock({WRITE_LOCK_CLASS}, "
                "hashtext(coalesce(current_schema(), '')))"
            )

    return engine


