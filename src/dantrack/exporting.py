"""Export: every record of a kind in the exchange form that import reads back.

Denouncers' identities are masked unless revealed. A reveal is recorded before it is shown
(SPEC §1): the records are read a batch at a time, and the `revealed` entries of a batch's
secret petitions are committed before any of the batch is handed on to be written — so a
pipe closed early (`| head`) or an output that fails never shows an unrecorded identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session

from dantrack import lookup, records
from dantrack.kinds import KINDS
from dantrack.services import history, secrecy


def export_records(session: Session, *, kind: str, year: int | None = None,
                   locality: str | None = None, reveal: bool = False) -> Iterator[dict[str, Any]]:
    """The records of a kind, oldest first, each a dict of the kind's import columns.

    With reveal, the session is committed after each batch's reveals are recorded."""
    subtree = None
    if locality:
        on = dt.date(year, 12, 31) if year is not None else None
        unit = lookup.resolve(session, locality, on=on)
        # Units: the subtree; records: the territory (with the units that lead into it).
        subtree = (lookup.subtree(unit) if KINDS[kind].placed_by == "id"
                   else lookup.territory_ids(session, unit))
    columns = records.COLUMNS[kind]
    for batch in records.batches(session, kind, year=year, subtree=subtree):
        secret = [record for record in batch if record.get("secret")]
        if reveal and secret:
            secrecy.record_reveals(session, (record["id"] for record in secret), by="export",
                                   stamp=history.now(), operator=history.operator(), kind=kind)
            session.commit()
        elif secret:
            for record in secret:
                for name in records.IDENTITY_OF[kind]:
                    record[name] = secrecy.mask(record[name])
        for record in batch:
            yield {name: record[name] for name in columns}
