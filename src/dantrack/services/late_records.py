"""Records dated after the end of the unit they are placed in: found when a unit ends (by
`locality end` or `locality load official`), refused with a list, or moved to the unit's
main successor — for a petition, an entry in its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from dantrack import lookup, records
from dantrack.kinds import KINDS
from dantrack.models import PetitionEvent
from dantrack.services import history

SHOWN = 10


@dataclass(frozen=True)
class Late:
    kind: str        # meetings, dialogues, petitions
    id: int
    ref: str
    day: dt.date
    unit: Any        # the unit it is placed in, ended before day
    last: dt.date    # the unit's last day
    successor: Any   # its main successor, or None


def find(session: Session, ends: list[tuple[Any, dt.date, Any]]) -> list[Late]:
    """ends: (unit, its last day, its main successor or None)."""
    late: list[Late] = []
    for unit, last, successor in ends:
        for name, kind in KINDS.items():
            if not kind.exported or kind.date is None:
                continue
            table = records.table_of(name)
            for record_id, ref, day in session.execute(
                    select(table.c.id, table.c.ref, table.c[kind.date])
                    .where(table.c.locality_id == unit.id, table.c[kind.date] > last)
                    .order_by(table.c.id)):
                late.append(Late(name, record_id, ref, day, unit, last, successor))
    return late


def refusal(late: list[Late]) -> str:
    """The message that refuses an end: which records are dated after it. Refs only: a ref
    says nothing about a petitioner."""
    shown = ", ".join(f"{item.ref} ({item.day.isoformat()}, {lookup.label(item.unit)})"
                      for item in late[:SHOWN])
    more = f" and {len(late) - SHOWN} more" if len(late) > SHOWN else ""
    records = "1 record is" if len(late) == 1 else f"{len(late)} records are"
    return (f"{records} dated after the end of the unit they are placed in: "
            f"{shown}{more} — correct them, or give --move-late-records to move each to its "
            "unit's main successor")


def move(session: Session, late: list[Late]) -> list[str]:
    """Each record to its unit's main successor; refused when a unit has none."""
    from dantrack.errors import RuleError

    orphans = [item for item in late if item.successor is None]
    if orphans:
        raise RuleError(f"{orphans[0].ref}: {lookup.label(orphans[0].unit)} has no successor "
                        "to move it to")
    for item in late:
        if not lookup.valid_on(item.successor, item.day):
            raise RuleError(f"{item.ref} ({item.day.isoformat()}) cannot move to "
                            f"{lookup.label(item.successor)}, which is not valid on its date: "
                            "correct it first")
    stamp, operator = history.now(), history.operator()
    events = []
    for item in late:
        table = records.table_of(item.kind)
        session.execute(update(table).where(table.c.id == item.id)
                        .values(locality_id=item.successor.id))
        if item.kind == "petitions":
            events.append({"petition_id": item.id, "at": stamp, "operator": operator,
                           "action": "moved", "changes": history.encode({
                               "locality": [item.unit.code, item.successor.code],
                               "reason": f"{lookup.label(item.unit)} ended on "
                                         f"{item.last.isoformat()}"})})
    if events:
        session.execute(insert(PetitionEvent.__table__), events)
    return [item.ref for item in late]
