"""executemany straight through the driver, for the hot path of large imports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, insert
from sqlmodel import Session


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver, for the hot path of large imports.

    The statement is compiled once by SQLAlchemy for the session's dialect; the rows skip
    SQLAlchemy's per-row parameter processing, which costs more than the insert itself.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    # sqlite3 gets dates as ISO text, as SQLAlchemy would store them.
    dates = {c.name for c in table.c if isinstance(c.type, Date)} \
        if dialect.name == "sqlite" else set()
    if compiled.positional:
        order = list(compiled.positiontup or columns)
        date_at = [i for i, name in enumerate(order) if name in dates]
        params: list[Any] = []
        for row in rows:
            values = [row[name] for name in order]
            for i in date_at:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
            params.append(tuple(values))
    else:
        params = [{name: value.isoformat() if name in dates and value is not None else value
                   for name, value in row.items()} for row in rows]
    connection.exec_driver_sql(str(compiled), params)
