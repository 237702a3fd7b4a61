"""The exchange form of each record: the columns import reads and export writes (SPEC §3).

A record is a dict of those columns holding plain values — text, integers, booleans, ISO dates
as text, refs and locality codes — so that what is in the database and what a file says can be
compared field by field (import's idempotency) and written out unchanged (export).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from dantrack.limits import SECRET_FIELDS

COLUMNS: dict[str, tuple[str, ...]] = {
    "localities": ("code", "name", "level", "parent"),
    "meetings": ("ref", "date", "locality", "kind", "body", "host", "host_title", "place",
                 "citizens", "delegations", "note"),
    "dialogues": ("ref", "date", "locality", "body", "leader", "leader_title", "citizens",
                  "topic", "outcome", "petition"),
    "petitions": ("ref", "kind", "received_on", "locality", "channel", "petitioner", "id_number",
                  "phone", "address", "signatories", "subject", "meeting", "competence",
                  "accepted_on", "complex", "remote", "duplicate_of", "closed_on", "outcome",
                  "verdict", "note"),
    "closures": ("ref", "closed_on", "outcome", "verdict", "note"),
}
REQUIRED: dict[str, frozenset[str]] = {
    "localities": frozenset({"code", "name", "level"}),
    "meetings": frozenset({"date", "locality", "kind", "body"}),
    "dialogues": frozenset({"date", "locality", "body"}),
    "petitions": frozenset({"kind", "received_on", "locality"}),
    "closures": frozenset({"ref", "closed_on", "outcome"}),
}
EXPORTABLE = ("localities", "meetings", "dialogues", "petitions")
IDENTITY = SECRET_FIELDS
# Stored values read with the exchange columns but never written to a file: whether a
# petition's identity is secret (services.secrecy).
HIDDEN: dict[str, tuple[str, ...]] = {"petitions": ("secret",)}


def plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _query(kind: str):  # type: ignore[no-untyped-def]
    """A select whose rows are (id, *the kind's columns) in the exchange form."""
    from dantrack.models import Dialogue, Locality, Meeting, Petition

    if kind == "localities":
        parent = aliased(Locality)
        return (select(Locality.id, Locality.code, Locality.name, Locality.level,
                       parent.code.label("parent"))
                .outerjoin(parent, parent.id == Locality.parent_id))
    if kind == "meetings":
        return (select(Meeting.id, Meeting.ref, Meeting.date, Locality.code.label("locality"),
                       Meeting.kind, Meeting.body, Meeting.host, Meeting.host_title,
                       Meeting.place, Meeting.citizens, Meeting.delegations, Meeting.note)
                .join(Locality, Locality.id == Meeting.locality_id))
    if kind == "dialogues":
        return (select(Dialogue.id, Dialogue.ref, Dialogue.date,
                       Locality.code.label("locality"), Dialogue.body, Dialogue.leader,
                       Dialogue.leader_title, Dialogue.citizens, Dialogue.topic,
                       Dialogue.outcome, Petition.ref.label("petition"))
                .join(Locality, Locality.id == Dialogue.locality_id)
                .outerjoin(Petition, Petition.id == Dialogue.petition_id))
    original = aliased(Petition)
    return (select(Petition.id, Petition.ref, Petition.kind, Petition.received_on,
                   Locality.code.label("locality"), Petition.channel, Petition.petitioner,
                   Petition.id_number, Petition.phone, Petition.address, Petition.signatories,
                   Petition.subject, Meeting.ref.label("meeting"), Petition.competence,
                   Petition.accepted_on, Petition.complex, Petition.remote,
                   original.ref.label("duplicate_of"), Petition.closed_on, Petition.outcome,
                   Petition.verdict, Petition.note, Petition.secret)
            .join(Locality, Locality.id == Petition.locality_id)
            .outerjoin(Meeting, Meeting.id == Petition.meeting_id)
            .outerjoin(original, original.id == Petition.duplicate_of_id))


def _key_column(kind: str):  # type: ignore[no-untyped-def]
    from dantrack.models import Dialogue, Locality, Meeting, Petition

    table = {"localities": Locality, "meetings": Meeting, "dialogues": Dialogue,
             "petitions": Petition, "closures": Petition}[kind]
    return table.code if kind == "localities" else table.ref


def _as_record(kind: str, row: Any) -> dict[str, Any]:
    values = dict(zip(("id", *COLUMNS[kind], *HIDDEN.get(kind, ())), row, strict=True))
    return {k: plain(v) for k, v in values.items()}


def existing(connection: Any, kind: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The records already stored under these refs (codes for localities), by key."""
    if not keys:
        return {}
    source = "petitions" if kind == "closures" else kind
    column = _key_column(source)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for row in connection.execute(_query(source).where(column.in_(chunk))):
            record = _as_record(source, row)
            found[record["code" if source == "localities" else "ref"]] = record
    return found


def stream(connection: Any, kind: str, *, year: int | None = None,
           subtree: Any = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every record of a kind in the order it was recorded (so references come first)."""
    for records in batches(connection, kind, year=year, subtree=subtree, batch=batch):
        yield from records


def batches(connection: Any, kind: str, *, year: int | None = None,
            subtree: Any = None, batch: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """stream, a batch of records at a time (each batch read by one statement)."""
    from dantrack.models import Dialogue, Locality, Meeting, Petition

    table = {"localities": Locality, "meetings": Meeting, "dialogues": Dialogue,
             "petitions": Petition}[kind]
    query = _query(kind)
    date_column = {"meetings": Meeting.date, "dialogues": Dialogue.date,
                   "petitions": Petition.received_on}.get(kind)
    if year is not None and date_column is not None:
        import datetime as dt

        query = query.where(date_column >= dt.date(year, 1, 1),
                            date_column <= dt.date(year, 12, 31))
    if subtree is not None:
        locality_column = Locality.id if kind == "localities" else table.locality_id
        query = query.where(locality_column.in_(subtree))
    last_id = 0
    while True:  # keyset pages: memory stays flat however large the table
        rows = connection.execute(query.where(table.id > last_id).order_by(table.id)
                                  .limit(batch)).all()
        if not rows:
            return
        yield [_as_record(kind, row) for row in rows]
        last_id = rows[-1][0]
