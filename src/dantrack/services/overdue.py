"""`dantrack overdue`: the digest for cron — open petitions past their deadline, or within N
working days of it, by deadline. Streamed straight from one query (no model per row), so
tens of thousands of rows start at once and memory stays flat; denouncers are masked as in
every list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from dantrack.models import Locality, Petition
from dantrack.schemas import AsOf, validate
from dantrack.services.localities import records_of
from dantrack.services.secrecy import mask
from dantrack.services.workcalendar import load

# No subject: the digest reads only the index of open petitions by deadline (models.Petition).
COLUMNS = ("ref", "kind", "locality", "locality_name", "petitioner", "received_on", "due_on",
           "days_late", "status")


@dataclass
class Digest:
    """The rows (tuples in COLUMNS' order), counted as they are read."""

    as_of: dt.date
    within: int
    rows: Iterator[tuple[Any, ...]] = field(default_factory=lambda: iter(()))
    overdue: int = 0
    due: int = 0


def overdue(session: Session, *, as_of: str | dt.date, within: int = 0,
            locality: str | None = None) -> Digest:
    """Open petitions, not suspended, due before as_of (overdue) or on one of the next
    `within` working days of the database's calendar (due)."""
    as_of = validate(AsOf, {"as_of": as_of}).as_of
    last = load(session).add_working_days(as_of, within) if within > 0 \
        else as_of - dt.timedelta(days=1)
    p, unit = Petition.__table__.c, Locality.__table__.c
    query = (select(p.ref, p.kind, unit.code, unit.name, p.petitioner, p.secret,
                    p.received_on, p.due_on)
             .join(Locality.__table__, unit.id == p.locality_id)
             .where(p.closed_on.is_(None), p.suspended_on.is_(None), p.due_on <= last)
             .order_by(p.due_on, p.ref))
    if locality:
        query = query.where(p.locality_id.in_(records_of(session, locality, as_of)))
    digest = Digest(as_of, within)
    digest.rows = _rows(session, query, digest)
    return digest


def _rows(session: Session, query: Any, digest: Digest) -> Iterator[tuple[Any, ...]]:
    """The rows with plain values (dates in ISO form): tens of thousands are written at once,
    so nothing is made per row that the output does not need."""
    result = session.connection().execute(query.execution_options(yield_per=2000))
    as_of = digest.as_of.toordinal()
    for ref, kind, code, name, petitioner, secret, received_on, due in result:
        late = as_of - due.toordinal()
        if late > 0:
            digest.overdue += 1
        else:
            digest.due += 1
        yield (ref, kind, code, name, mask(petitioner) if secret else petitioner,
               received_on.isoformat(), due.isoformat(), late,
               "overdue" if late > 0 else "due")
