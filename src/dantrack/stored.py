"""Stored values of the wrong type: what another tool may have written into an SQLite file.

SQLite keeps any value in any column (text in an INTEGER column, a number in a TEXT one), and
dantrack's readers would then fail on it. Each column is checked against its declared type
with typeof(): integers are integers, booleans 0 or 1, dates text of the form YYYY-MM-DD that
is a real date, texts text. Part of the db layer: SQLite only (PostgreSQL enforces the types).
Only the kind of the stored value is ever named, never the value: it may be a denouncer's
identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Boolean, Date, Integer, String, Table, literal_column, or_, select
from sqlalchemy.engine import Connection

EXPECTED = {"integer": "an integer", "boolean": "0 or 1", "date": "a date (YYYY-MM-DD)",
            "text": "text"}
_DATE_SHAPE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


@dataclass(frozen=True)
class WrongType:
    table: str
    column: str
    row: str  # the record's ref (a locality's code), else its id
    stored: str  # SQLite's name of the stored value's type: text, integer, real, blob
    expected: str

    def message(self) -> str:
        if self.stored == "text" and self.expected == EXPECTED["date"]:
            held = "text that is not a date (YYYY-MM-DD)"
        else:
            held = f"{self.stored} where {self.expected} belongs"
        return f"{self.table}.{self.column} holds {held} (written by another tool?)"


def _kind(column) -> str | None:  # type: ignore[no-untyped-def]
    """The declared type as this check knows it (sqlmodel's AutoString decorates String)."""
    declared = getattr(column.type, "impl_instance", column.type)
    for kind, types in (("boolean", Boolean), ("date", Date), ("integer", Integer),
                        ("text", String)):
        if isinstance(declared, types):
            return kind
    return None


def _wrong(name: str, kind: str) -> str:
    """SQL that is true when the column's stored value does not fit its kind (NULL fits)."""
    c = f'"{name}"'
    if kind == "integer":
        return f"typeof({c}) NOT IN ('integer', 'null')"
    if kind == "boolean":
        return f"(typeof({c}) NOT IN ('integer', 'null') OR {c} NOT IN (0, 1))"
    if kind == "date":
        return (f"(typeof({c}) NOT IN ('text', 'null') OR ({c} IS NOT NULL AND "
                f"({c} NOT GLOB '{_DATE_SHAPE}' OR date({c}, '+0 days') IS NOT {c} "
                f"OR {c} < '0001-01-01')))")
    return f"typeof({c}) NOT IN ('text', 'null')"


def _row_key(table: Table):  # type: ignore[no-untyped-def]
    for name in ("ref", "code", "id"):
        if name in table.c:
            return literal_column(f'CAST("{name}" AS TEXT)')
    keys = " || ' ' || ".join(f'CAST("{c.name}" AS TEXT)' for c in table.primary_key.columns)
    return literal_column(keys)


def wrong_types(connection: Connection, tables: list[Table]) -> Iterator[WrongType]:
    """Every stored value of the wrong type: one scan per table, in the tables' order."""
    for table in tables:
        checked = [(c.name, kind) for c in table.columns
                   if (kind := _kind(c)) and not (c.primary_key and kind == "integer")]
        if not checked:
            continue
        flags = [literal_column(_wrong(name, kind)) for name, kind in checked]
        types = [literal_column(f'typeof("{name}")') for name, _ in checked]
        query = (select(_row_key(table), *flags, *types).select_from(table)
                 .where(or_(*flags)).order_by(literal_column("1")))
        for row in connection.execute(query):
            for index, (name, kind) in enumerate(checked):
                if row[1 + index]:
                    stored = row[1 + len(checked) + index]
                    yield WrongType(table.name, name, str(row[0]), stored, EXPECTED[kind])


def dantrack_tables() -> list[Table]:
    from sqlmodel import SQLModel

    from dantrack.models import TABLE_ORDER  # registers the tables on SQLModel.metadata

    return [SQLModel.metadata.tables[name] for name in TABLE_ORDER]


def first_wrong_type(connection: Connection) -> WrongType | None:
    return next(wrong_types(connection, dantrack_tables()), None)
