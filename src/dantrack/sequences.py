"""Ref sequences: the last number handed out per ref prefix and year, in the ref_sequence
table, moved atomically under concurrent writers by one upsert per call.

Part of the storage layer (with dantrack.db): the upsert is written in each engine's dialect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, case

if TYPE_CHECKING:
    from sqlmodel import Session


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
    return reserve_numbers(session, prefix, year, 1)


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
