"""Small read-only queries for shell completion, which must answer before the typist
notices: a SQLite file is read through the sqlite3 module without loading SQLAlchemy (most of
a command's start-up) and is never created; a PostgreSQL database goes through dantrack.db.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from dantrack.engines import Location
from dantrack.errors import DatabaseUnavailable


def rows(location: Location, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of one query (named :parameters, in SQL both backends read). Errors are the
    caller's to swallow: a completion that cannot be had is no completion."""
    if location.is_url:
        from sqlalchemy import text

        from dantrack.db import open_database

        database = open_database(location, write=False, check=False)
        try:
            with database.connection() as c:
                return [tuple(row) for row in c.execute(text(sql), params)]
        finally:
            database.dispose()
    path = Path(location.target).expanduser().resolve()
    if not path.is_file():
        raise DatabaseUnavailable(f"no database at {path}")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)
    stored = {name: value.isoformat() if isinstance(value, dt.date) else value
              for name, value in params.items()}  # dates are stored as ISO text in SQLite
    try:
        return connection.execute(sql, stored).fetchall()
    finally:
        connection.close()
