"""Bulk writes for large imports, straight through the driver.

This is the storage layer's corner for imports: the few statements here that differ between
SQLite and PostgreSQL are chosen by the session's dialect, as in dantrack.db.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

# Keys per IN (...) list: under SQLite's oldest limit of 999 parameters.
CHUNK = 900
# Page cache for an import's connection (KiB, as SQLite's negative cache_size means): indexes
# grow at random places, and SQLite's default 2 MiB cache makes every insert read pages back.
IMPORT_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def tuned(session: Session) -> Iterator[None]:
    """Connection settings for a large write (SQLite: a larger page cache), undone after."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    (before,) = connection.exec_driver_sql("PRAGMA cache_size").one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        # Only a cache setting: an error here must not hide the one that may be on its way.
        with contextlib.suppress(SQLAlchemyError):
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _placeholder(session: Session) -> str:
    return "?" if session.connection().dialect.paramstyle == "qmark" else "%s"


def _quote(session: Session, name: str) -> str:
    return session.connection().dialect.identifier_preparer.quote(name)


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """Primary keys for count new rows of table, to be inserted by this transaction.

    SQLite: the rows after the largest id, which is what SQLite itself would give them (the
    write lock is held from the transaction's start, so no one else can take them).
    PostgreSQL: count values of the column's sequence, as inserts without an id would take.
    """
    if count <= 0:
        return []
    connection = session.connection()
    name = _quote(session, table.name)
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (name, count))
        return [value for (value,) in rows]
    (largest,) = connection.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {name}").one()
    return list(range(largest + 1, largest + 1 + count))


def bulk_insert(session: Session, table: Any, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """One executemany of rows (tuples in the order of columns; dates as ISO text).

    The rows skip SQLAlchemy's per-row parameter processing, which costs more than the insert.
    """
    if not rows:
        return
    mark = _placeholder(session)
    sql = (f"INSERT INTO {_quote(session, table.name)} "
           f"({', '.join(_quote(session, c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    session.connection().exec_driver_sql(sql, list(rows))


def ids_by_key(session: Session, table: Any, column: str, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the rows stored under keys in table.column (an indexed column): one light
    query per chunk of keys."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    connection = session.connection()
    mark = _placeholder(session)
    found: dict[str, int] = {}
    head = f"SELECT {_quote(session, column)}, id FROM {_quote(session, table.name)} WHERE " \
           f"{_quote(session, column)} IN "
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        sql = head + "(" + ", ".join([mark] * len(chunk)) + ")"
        found.update((key, id_) for key, id_ in connection.exec_driver_sql(sql, tuple(chunk)))
    return found
