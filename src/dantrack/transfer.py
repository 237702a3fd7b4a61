"""Moving a whole office: every row of one dantrack database into another, empty one.

`dantrack --db office.sqlite db copy postgresql://…` is the way from SQLite to the central
server (it works between any two dantrack databases). Rows keep their ids, so refs, links
and every petition's history come across exactly; the ref sequences come along, so the next
ref continues where the office left off. The whole copy is one transaction on the target:
on any error nothing is left behind but the empty schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from dantrack import db
from dantrack.errors import Conflict, InvalidInput
from dantrack.models import TABLE_ORDER

# Parents before children: every foreign key points to a table copied earlier, or to its own
# table (below).
ORDER = TABLE_ORDER
# Tables a summary names only when they hold rows: an office that records no visits reads
# the same summary as before visits were recorded.
QUIET = frozenset({"visit", "visit_event", "meeting_event", "dialogue_event", "calendar_day"})
SELF_REFERENCES = {"locality": "parent_id", "petition": "duplicate_of_id"}
BATCH = 5000
NAMES = {"locality": "localities", "locality_successor": "successions", "meeting": "meetings",
         "dialogue": "dialogues", "petition": "petitions", "petition_event": "history entries",
         "visit": "visits", "visit_event": "visit reveals",
         "meeting_event": "meeting corrections", "dialogue_event": "dialogue corrections",
         "calendar_day": "calendar decisions", "ref_sequence": "ref sequences"}


@dataclass(frozen=True)
class Copied:
    counts: dict[str, int]

    def summary(self) -> str:
        return ", ".join(f"{self.counts[name]:,} {NAMES[name]}" for name in ORDER
                         if self.counts[name] or name not in QUIET)


def tables() -> dict[str, Table]:
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401  (registers the tables on SQLModel.metadata)

    return {name: SQLModel.metadata.tables[name] for name in ORDER}


def copy_database(source: db.Location, target: db.Location) -> Copied:
    """Copy every row from source into target, which must hold no dantrack records.

    The source is opened read-only and read in one transaction (a consistent snapshot); the
    target is created if needed and written in one transaction under its write lock.
    """
    if _same(source, target):
        raise Conflict(f"the source and the target are the same database: {target.shown}")
    if not source.is_url and not target.is_url:
        from pathlib import Path

        from dantrack.files import refuse_database_files

        # Copying onto the source's journal or write-ahead log would wreck the source.
        refuse_database_files(Path(target.target), source.target)
        refuse_database_files(Path(source.target), target.target)
    reader = db.open_database(source, write=False)
    try:
        writer = db.open_database(target, write=True)
        try:
            copied = _copy(reader, writer)
            if writer.dialect == "postgresql":
                _vacuum(writer)
            return copied
        finally:
            writer.dispose()
    finally:
        reader.dispose()


def _same(source: db.Location, target: db.Location) -> bool:
    if source.is_url or target.is_url:
        return source.target == target.target
    from pathlib import Path

    a, b = Path(source.target).expanduser(), Path(target.target).expanduser()
    return a.resolve() == b.resolve()


def _copy(reader: db.Database, writer: db.Database) -> Copied:
    schema = tables()
    # One snapshot for every table; on a server, rows come in batches rather than all at once.
    read_options = ({"isolation_level": "REPEATABLE READ", "stream_results": True,
                     "max_row_buffer": BATCH} if reader.dialect == "postgresql" else {})
    with db.translate_errors(reader), reader.engine.connect() as source, \
            db.translate_errors(writer), writer.engine.begin() as target:
        source = source.execution_options(**read_options)
        with source.begin():
            _refuse_non_empty(target, schema, writer.location)
            counts = {name: _copy_table(source, target, table)
                      for name, table in schema.items()}
        if writer.dialect == "postgresql":
            _move_id_sequences(target, schema)
        for name, table in schema.items():
            stored = target.execute(select(func.count()).select_from(table)).scalar_one()
            assert stored == counts[name], (name, stored, counts[name])
    return Copied(counts)


def _refuse_non_empty(target: Connection, schema: dict[str, Table], location: db.Location) -> None:
    held = {name: target.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in schema.items()}
    if any(held.values()):
        what = ", ".join(f"{n:,} {NAMES[name]}" for name, n in held.items() if n)
        raise Conflict(f"{location.shown} is not empty ({what}): copy only into a database "
                       "that holds no dantrack records")


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    """Copy in batches; a reference to a row of the same table not yet copied is set after."""
    self_ref = SELF_REFERENCES.get(table.name)
    key = list(table.primary_key.columns)
    deferred: list[dict[str, Any]] = []
    count = 0
    batch: list[dict[str, Any]] = []
    for row in source.execute(select(table).order_by(*key)):
        values = dict(row._mapping)
        _check_storable(table, values)
        if self_ref and values[self_ref] is not None and values[self_ref] >= values["id"]:
            deferred.append({"_id": values["id"], "_ref": values[self_ref]})
            values[self_ref] = None
        batch.append(values)
        if len(batch) == BATCH:
            _insert(target, table, batch)
            count += len(batch)
            batch = []
    if batch:
        _insert(target, table, batch)
        count += len(batch)
    if deferred:
        statement = (update(table).where(table.c.id == bindparam("_id"))
                     .values({self_ref: bindparam("_ref")}))
        target.execute(statement, deferred)
    return count


def _insert(target: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """Insert a batch inside a savepoint; should the target refuse it, insert its rows one by
    one to find the row it refuses, and name that row (never its values)."""
    try:
        with target.begin_nested():
            target.execute(table.insert(), batch)
    except DBAPIError as exc:
        if "SAVEPOINT" in (exc.statement or "") or _storage_failure(target, exc):
            raise  # the savepoint could not even be rolled back: the database's fault
        for values in batch:
            try:
                with target.begin_nested():
                    target.execute(table.insert(), values)
            except DBAPIError as row_exc:
                raise InvalidInput(f"{table.name} {_which(values)}: the target refuses it "
                                   f"({_refusal(row_exc)}); correct it in the source "
                                   "first") from None
        raise


def _storage_failure(target: Connection, exc: DBAPIError) -> bool:
    """A full disk, a lost connection, a lock: the database's fault, not the row's."""
    code = getattr(exc.orig, "sqlstate", None) or ""
    if target.dialect.name == "postgresql":
        return not code.startswith(("22", "23"))  # data exceptions, constraint violations
    return not isinstance(exc, IntegrityError) and "mismatch" not in str(exc.orig)


def _which(values: dict[str, Any]) -> str:
    return str(values.get("ref") or values.get("code") or values.get("id")
               or " ".join(str(values[k]) for k in ("prefix", "year") if k in values))


def _refusal(exc: DBAPIError) -> str:
    """Why the target refused a row, without the values: PostgreSQL's messages may quote
    them, so its reason is the error's class and the constraint or column it names."""
    diag = getattr(exc.orig, "diag", None)
    if diag is None:  # SQLite names the constraint, never the value
        return " ".join(str(exc.orig).split())
    code = getattr(exc.orig, "sqlstate", None) or ""
    what = "breaks a constraint" if code.startswith("23") else "a value does not fit"
    named = diag.constraint_name or diag.column_name
    return f"{what}{f' ({named})' if named else ''}, SQLSTATE {code}"


def _check_storable(table: Table, values: dict[str, Any]) -> None:
    """SQLite stores what PostgreSQL refuses: NUL characters, text past a column's length.
    Name the row rather than fail in the driver."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        length = getattr(table.c[name].type, "length", None)
        problem = ("contains a NUL character" if "\x00" in value
                   else f"is longer than {length} characters" if length and len(value) > length
                   else None)
        if problem:
            which = values.get("ref") or values.get("code") or values.get("id")
            raise InvalidInput(f"{table.name} {which}: {name} {problem}, which the target cannot "
                               "store; correct it in the source first", field=name, value=value)


def _vacuum(database: db.Database) -> None:
    """Statistics for the planner and the visibility map for index-only scans (the report's),
    now rather than whenever autovacuum comes by."""
    with db.translate_errors(database), database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for name in ORDER:
            connection.exec_driver_sql(f"VACUUM ANALYZE {name}")


def _move_id_sequences(target: Connection, schema: dict[str, Table]) -> None:
    """Ids were copied as they were, so each table's id sequence must move past them."""
    for name, table in schema.items():
        if "id" not in table.c:
            continue
        target.execute(
            select(func.setval(func.pg_get_serial_sequence(name, "id"),
                               func.coalesce(func.max(table.c.id), 0) + 1, False))
        )
