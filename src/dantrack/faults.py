"""What a failed statement says about the database: storage failures and wrong types.

Part of the db layer (dantrack.db translates with it): a full disk, an I/O error, a damaged
or unopenable file, and values of the wrong type that another tool stored in an SQLite file.
The words here never include the statement or its parameters.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from dantrack.errors import DantrackError, DatabaseUnavailable

if TYPE_CHECKING:
    from dantrack.db import Database

# SQLite's primary result codes (sqlite_errorname, without its extended suffix) of a file
# that cannot be used as it is, with the words of the message each stands for.
SQLITE_STORAGE = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "disk I/O error",
    "SQLITE_CORRUPT": "the file is damaged; run `dantrack db check`",
    "SQLITE_NOTADB": "the file is not a database",
    "SQLITE_CANTOPEN": "unable to open the database file",
}
SQLITE_STORAGE_WORDS = {
    "database or disk is full": "SQLITE_FULL",
    "disk i/o error": "SQLITE_IOERR",
    "malformed": "SQLITE_CORRUPT",
    "file is not a database": "SQLITE_NOTADB",
    "unable to open database file": "SQLITE_CANTOPEN",
}
# PostgreSQL: insufficient resources (53: disk full, out of memory, too many connections),
# system errors (58: I/O error, missing file) and internal errors (XX: damaged data, index).
POSTGRES_STORAGE = ("53", "58", "XX")


def sqlite_storage(exc: BaseException, message: str) -> str | None:
    """What is wrong with an SQLite file that cannot be used, in words; None if it can."""
    name = getattr(getattr(exc, "orig", exc), "sqlite_errorname", None) or ""
    primary = next((code for code in SQLITE_STORAGE if name.startswith(code)), None)
    if primary is None:
        lowered = message.lower()
        primary = next((code for words, code in SQLITE_STORAGE_WORDS.items()
                        if words in lowered), None)
    return SQLITE_STORAGE.get(primary or "")


def storage_failure(exc: BaseException) -> str | None:
    """What keeps an SQLite file from being used (a full disk, an I/O error …), in words."""
    return sqlite_storage(exc, one_line(exc))


def is_damaged(exc: BaseException) -> bool:
    """Whether an SQLite error says the file is damaged or is not a database."""
    return sqlite_storage(exc, one_line(exc)) in (
        SQLITE_STORAGE["SQLITE_CORRUPT"], SQLITE_STORAGE["SQLITE_NOTADB"])


def wrong_type(database: Database, exc: ValueError) -> DantrackError | None:
    """A ValueError while the database is in use, when the file holds a value of the wrong
    type (written by another tool: SQLite stores any type in any column) becomes one line
    naming the first such value; without one it is a bug and goes on."""
    if database.dialect != "sqlite":
        return None  # PostgreSQL enforces the declared types
    from dantrack.db import PROBE
    from dantrack.stored import first_wrong_type

    try:
        with database.engine.connect().execution_options(**{PROBE: True}) as connection:
            found = first_wrong_type(connection)
            connection.rollback()
    except (DBAPIError, sqlite3.Error):
        return None
    if found is None:
        return None
    return DatabaseUnavailable(
        f"the database {database.location.shown} holds a value of the wrong type in "
        f"{found.table}.{found.column} (row {found.row}); run `dantrack db check`"
    )


def one_line(exc: BaseException) -> str:
    """The driver's message on one line: the server's primary message when there is one,
    without the quoted statement."""
    orig = getattr(exc, "orig", None) or exc
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    return " ".join(str(primary or orig).split())
