"""The exchange form of each record: the columns import reads and export writes (SPEC §3).

A record is a dict of those columns holding plain values — text, integers, booleans, ISO dates
as text, refs and locality codes — so that what is in the database and what a file says can be
compared field by field (import's idempotency) and written out unchanged (export).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import aliased

from dantrack.kinds import KINDS, PENDING
from dantrack.limits import SECRET_FIELDS, VISIT_IDENTITY

COLUMNS: dict[str, tuple[str, ...]] = {name: kind.columns for name, kind in KINDS.items()}
REQUIRED: dict[str, frozenset[str]] = {name: kind.required for name, kind in KINDS.items()}
IDENTITY = SECRET_FIELDS
# The identity columns of each kind that has them (masked unless revealed).
IDENTITY_OF: dict[str, tuple[str, ...]] = {"petitions": SECRET_FIELDS, "visits": VISIT_IDENTITY}
# Stored values read with the exchange columns but never written to a file: whether a
# petition's or a visit's identity is secret (services.secrecy).
HIDDEN: dict[str, tuple[str, ...]] = {"petitions": ("secret",), "visits": ("secret",)}
# Columns whose NULL a file spells as a word: a petition not yet accepted is `pending`.
NULL_AS: dict[str, dict[str, str]] = {"petitions": {"accepted_on": PENDING}}


def plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def table_of(kind: str) -> Any:
    """The stored table of a kind (closures: the petitions they close)."""
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401  (registers the tables)

    return SQLModel.metadata.tables[KINDS[kind].table]


def _localities() -> Any:
    from dantrack.models import Locality

    parent = aliased(Locality)
    # successors: filled in by _complete (a list per unit, read in one more query).
    return (select(Locality.id, Locality.code, Locality.name, Locality.level,
                   parent.code.label("parent"), Locality.valid_from, Locality.valid_to,
                   literal("").label("successors"))
            .outerjoin(parent, parent.id == Locality.parent_id))


def _linked(kind: str) -> Any:
    """The select of a kind's exchange columns, derived from its table: a stored column as it
    is, a link (`meeting` for meeting_id, …) by the key of the record it names (a ref or a
    locality code), joined — outer when the link may be empty."""
    table = table_of(kind)
    columns, joined = [table.c.id], table
    for name in (*COLUMNS[kind], *HIDDEN.get(kind, ())):
        if name in table.c:
            columns.append(table.c[name])
            continue
        link = table.c[f"{name}_id"]
        target = next(iter(link.foreign_keys)).column.table.alias(f"linked_{name}")
        columns.append(target.c[KINDS[RECORDED_AS[target.element.name]].key].label(name))
        joined = joined.join(target, target.c.id == link, isouter=link.nullable)
    return select(*columns).select_from(joined)


# Per stored table: a select whose rows are (id, *the kind's columns, *HIDDEN) in the
# exchange form.
QUERIES = {"locality": _localities, "meeting": lambda: _linked("meetings"),
           "dialogue": lambda: _linked("dialogues"), "petition": lambda: _linked("petitions"),
           "visit": lambda: _linked("visits")}
# The kind whose exchange form a table's records take (closures read petitions).
RECORDED_AS = {kind.table: name for name, kind in KINDS.items() if kind.exported}


def _as_record(kind: str, row: Any) -> dict[str, Any]:
    values = dict(zip(("id", *COLUMNS[kind], *HIDDEN.get(kind, ())), row, strict=True))
    for name, word in NULL_AS.get(kind, {}).items():
        if values[name] is None:
            values[name] = word
    return {k: plain(v) for k, v in values.items()}


def _with_successors(connection: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units' successors, "a;b", main first: a list per unit, read in one more query."""
    from dantrack import lookup

    codes = lookup.successor_codes(connection, [record["id"] for record in found
                                                if record["valid_to"]])
    for record in found:
        record["successors"] = ";".join(codes.get(record["id"], ()))
    return found


# What a kind's query cannot give in its rows, filled in per batch.
COMPLETE = {"localities": _with_successors}


def _complete(connection: Any, kind: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fill = COMPLETE.get(kind)
    return fill(connection, found) if fill and found else found


def existing(connection: Any, kind: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The records already stored under these keys (refs, or codes for localities), by key,
    in the exchange form of the kind they are stored as (closures: petitions)."""
    if not keys:
        return {}
    key = KINDS[kind].key
    return {record[key]: record for record in stored(connection, kind, keys)}


def stored(connection: Any, kind: str, keys: list[str]) -> list[dict[str, Any]]:
    """Every record stored under these keys, in the exchange form (a locality's code may
    name several units over time)."""
    spec = KINDS[kind]
    source = RECORDED_AS[spec.table]
    column = table_of(kind).c[spec.key]
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows = connection.execute(QUERIES[spec.table]().where(column.in_(chunk))
                                  .order_by(table_of(kind).c.id)).all()
        found += _complete(connection, source, [_as_record(source, row) for row in rows])
    return found


def stream(connection: Any, kind: str, *, year: int | None = None,
           subtree: Any = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every record of a kind in the order it was recorded (so references come first)."""
    for records in batches(connection, kind, year=year, subtree=subtree, batch=batch):
        yield from records


def batches(connection: Any, kind: str, *, year: int | None = None,
            subtree: Any = None, batch: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """stream, a batch of records at a time (each batch read by one statement)."""
    spec = KINDS[kind]
    table = table_of(kind)
    query = QUERIES[spec.table]()
    if spec.through is not None:
        query = _through(query, table.c[spec.through], year=year, subtree=subtree)
    elif year is not None and spec.date is not None:
        import datetime as dt

        query = query.where(table.c[spec.date] >= dt.date(year, 1, 1),
                            table.c[spec.date] <= dt.date(year, 12, 31))
    if subtree is not None and spec.through is None:
        query = query.where(table.c[spec.placed_by].in_(subtree))
    last_id = 0
    while True:  # keyset pages: memory stays flat however large the table
        rows = connection.execute(query.where(table.c.id > last_id).order_by(table.c.id)
                                  .limit(batch)).all()
        if not rows:
            return
        yield _complete(connection, kind, [_as_record(kind, row) for row in rows])
        last_id = rows[-1][0]


def _through(query: Any, link: Any, *, year: int | None, subtree: Any) -> Any:
    """Filter records dated and placed by the record they link to (a visit by its meeting)."""
    import datetime as dt

    target = next(iter(link.foreign_keys)).column.table
    wanted = select(target.c.id)
    if year is not None:
        wanted = wanted.where(target.c.date >= dt.date(year, 1, 1),
                              target.c.date <= dt.date(year, 12, 31))
    if subtree is not None:
        wanted = wanted.where(target.c.locality_id.in_(subtree))
    return query.where(link.in_(wanted)) if year is not None or subtree is not None else query
