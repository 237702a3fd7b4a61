"""Export: every record of a kind in the exchange form that import reads back.

Denouncers' identities are masked unless revealed; each reveal is written to the petition's
history, as for list and show.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from dantrack import lookup, records
from dantrack.models import Petition, PetitionEvent
from dantrack.services import history
from dantrack.services.petitions import MASK
from dantrack.vocab import PetitionKind


def export_records(session: Session, *, kind: str, year: int | None = None,
                   locality: str | None = None, reveal: bool = False) -> Iterator[dict[str, Any]]:
    """The records of a kind, oldest first, each a dict of the kind's import columns."""
    subtree = None
    if locality:
        subtree = lookup.subtree_ids(lookup.resolve_locality(session, locality).path)
    revealed: list[str] = []
    for record in records.stream(session, kind, year=year, subtree=subtree):
        if kind == "petitions" and record["kind"] == PetitionKind.denunciation.value:
            if reveal:
                revealed.append(record["ref"])
                if len(revealed) >= 1000:
                    _record_reveals(session, revealed)
                    revealed = []
            else:
                for name in records.IDENTITY:
                    record[name] = MASK if record[name] else ""
        yield {name: record[name] for name in records.COLUMNS[kind]}
    _record_reveals(session, revealed)


def _record_reveals(session: Session, refs: list[str]) -> None:
    if not refs:
        return
    ids = session.execute(select(Petition.id).where(Petition.ref.in_(refs))).scalars().all()
    stamp, operator = history.now(), history.operator()
    session.execute(insert(PetitionEvent.__table__), [
        {"petition_id": petition_id, "at": stamp, "operator": operator, "action": "revealed",
         "changes": json.dumps({"by": "export"})} for petition_id in ids])
