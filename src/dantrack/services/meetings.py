"""Reception meetings (tiếp công dân) and leader–citizen dialogues (đối thoại)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, func, select

from dantrack.errors import NotFound, RuleError
from dantrack.models import Dialogue, Locality, Meeting, Petition, Visit
from dantrack.schemas import (
    DialogueCreate,
    DialoguePublic,
    DialogueShown,
    DialogueUpdate,
    EventPublic,
    MeetingCreate,
    MeetingPublic,
    MeetingShown,
    MeetingUpdate,
    validate,
)
from dantrack.services import history
from dantrack.services.localities import in_year_and_territory, placed
from dantrack.services.refs import claim_ref, new_ref
from dantrack.text import parse_field_choice
from dantrack.vocab import Body


def _ensure_new_ref(session: Session, table: type, prefix: str, ref: str | None,
                    noun: str) -> None:
    if not ref:
        return
    if session.exec(select(table.id).where(table.ref == ref)).first():
        raise RuleError(f"{noun} {ref} exists already")
    claim_ref(session, prefix, ref)


def add_meeting(session: Session, **fields: Any) -> Meeting:
    return insert_meeting(session, validate(MeetingCreate, fields))


def insert_meeting(session: Session, data: MeetingCreate) -> Meeting:
    _ensure_new_ref(session, Meeting, "M", data.ref, "meeting")
    locality = placed(session, data.locality, data.date)
    values = data.model_dump(exclude={"ref", "locality"})
    meeting = Meeting(ref=data.ref or new_ref(session, "M", data.date.year),
                      locality_id=locality.id, **values)
    session.add(meeting)
    session.flush()
    return meeting


def _petition_id(session: Session, ref: str) -> int:
    petition = session.exec(select(Petition).where(Petition.ref == ref.strip())).first()
    if petition is None:
        raise NotFound(f"petition: no petition with ref {ref!r}")
    return petition.id  # type: ignore[return-value]


def add_dialogue(session: Session, **fields: Any) -> Dialogue:
    return insert_dialogue(session, validate(DialogueCreate, fields))


def insert_dialogue(session: Session, data: DialogueCreate) -> Dialogue:
    _ensure_new_ref(session, Dialogue, "D", data.ref, "dialogue")
    locality = placed(session, data.locality, data.date)
    petition_id = None
    if data.petition:
        petition_id = _petition_id(session, data.petition)
    values = data.model_dump(exclude={"ref", "locality", "petition"})
    dialogue = Dialogue(ref=data.ref or new_ref(session, "D", data.date.year),
                        locality_id=locality.id, petition_id=petition_id, **values)
    session.add(dialogue)
    session.flush()
    return dialogue


def _filters(session: Session, table: type, query, *, year: int | None,  # type: ignore[no-untyped-def]
             locality: str | None, body: str | None):
    query = in_year_and_territory(session, query, date=table.date, placed_by=table.locality_id,
                                  year=year, locality=locality)
    if body:
        query = query.where(table.body == parse_body(body).value)
    return query.order_by(table.date, table.ref)


def parse_body(text: str) -> Body:
    return parse_field_choice(Body, text, "body")


def _meeting_public(meeting: Meeting, code: str, name: str) -> MeetingPublic:
    return MeetingPublic(locality=code, locality_name=name,
                         **meeting.model_dump(exclude={"id", "locality_id"}))


def list_meetings(session: Session, *, year: int | None = None, locality: str | None = None,
                  body: str | None = None) -> list[MeetingPublic]:
    query = select(Meeting, Locality.code, Locality.name).join(
        Locality, Locality.id == Meeting.locality_id)
    query = _filters(session, Meeting, query, year=year, locality=locality, body=body)
    return [_meeting_public(*row) for row in session.execute(query).all()]


def show_meeting(session: Session, ref: str) -> MeetingPublic:
    row = session.execute(select(Meeting, Locality.code, Locality.name)
                          .join(Locality, Locality.id == Meeting.locality_id)
                          .where(Meeting.ref == ref.strip())).first()
    if row is None:
        raise NotFound(f"no meeting with ref {ref!r}")
    return _meeting_public(*row)


def show_meeting_book(session: Session, ref: str) -> MeetingShown:
    """`meeting show`: the meeting with the refs of its petitions and its visits (their
    visitors' identities masked as `visit list` masks them)."""
    from dantrack.services.visits import visits_of

    meeting = show_meeting(session, ref)
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.ref == meeting.ref))
    petitions = session.scalars(select(Petition.ref).where(Petition.meeting_id == meeting_id)
                                .order_by(Petition.received_on, Petition.ref)).all()
    return MeetingShown(**meeting.model_dump(), petitions=list(petitions),
                        visits=visits_of(session, meeting_id),  # type: ignore[arg-type]
                        history=_history(session, "meeting", meeting_id))


# The totals a meeting with visits takes from them (services.visits.recompute).
TOTALS = ("citizens", "delegations")


def refuse_totals(session: Session, meeting_id: int, ref: str, changed: set[str]) -> None:
    """A meeting with visits has the sums of its visits as totals: not set by hand."""
    if not changed & set(TOTALS):
        return
    count = session.scalar(select(func.count()).select_from(Visit)
                           .where(Visit.meeting_id == meeting_id)) or 0
    if count:
        raise RuleError(f"meeting {ref} has {count} visits: its citizens and delegations are "
                        "their sums; change the visits (dantrack visit edit) instead")


def edit_meeting(session: Session, ref: str, **fields: Any) -> tuple[Meeting, list[str]]:
    """Change the fields given (not None), kept in the meeting's history; returns the meeting
    and the names changed."""
    meeting = session.exec(select(Meeting).where(Meeting.ref == ref.strip())).first()
    if meeting is None:
        raise NotFound(f"no meeting with ref {ref!r}")
    changes = _placed_changes(session, meeting, validate(MeetingUpdate, _given(fields)))
    changed = {name for name, value in changes.items() if getattr(meeting, name) != value}
    refuse_totals(session, meeting.id, meeting.ref, changed)  # type: ignore[arg-type]
    return meeting, _apply(session, "meeting", meeting, changes, changed)


def edit_dialogue(session: Session, ref: str, **fields: Any) -> tuple[Dialogue, list[str]]:
    """As edit_meeting, for a dialogue; `petition=""` unlinks its petition."""
    dialogue = session.exec(select(Dialogue).where(Dialogue.ref == ref.strip())).first()
    if dialogue is None:
        raise NotFound(f"no dialogue with ref {ref!r}")
    given = _given(fields)
    link = given.pop("petition", None)
    changes = _placed_changes(session, dialogue, validate(DialogueUpdate, given))
    if link is not None:
        changes["petition_id"] = _petition_id(session, link) if link.strip() else None
    changed = {name for name, value in changes.items() if getattr(dialogue, name) != value}
    return dialogue, _apply(session, "dialogue", dialogue, changes, changed)


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _placed_changes(session: Session, record: Any, data: Any) -> dict[str, Any]:
    """The validated changes, a locality (or a date that may move it) as the unit's id."""
    changes = data.model_dump(exclude_none=True, mode="python")
    if "locality" in changes or "date" in changes:
        current = session.get(Locality, record.locality_id)
        unit = placed(session, changes.pop("locality", None) or current.code,  # type: ignore[union-attr]
                      changes.get("date", record.date))
        changes["locality_id"] = unit.id
    return changes


def _apply(session: Session, kind: str, record: Any, changes: dict[str, Any],
           changed: set[str]) -> list[str]:
    """Set the changed fields and keep {field: [old, new]} in the record's history (a unit
    or a petition by its code or ref, as it is shown)."""
    shown = {"locality_id": ("locality", lambda i: session.get(Locality, i).code),  # type: ignore[union-attr]
             "petition_id": ("petition", lambda i: session.get(Petition, i).ref)}  # type: ignore[union-attr]
    kept: dict[str, list[Any]] = {}
    for name in sorted(changed):
        label, show = shown.get(name, (name, lambda value: value))
        old, new = getattr(record, name), changes[name]
        kept[label] = [None if old is None else show(old), None if new is None else show(new)]
        setattr(record, name, new)
    if kept:
        session.add(record)
        session.flush()
        history.record_edit(session, kind, record.id, kept)
    return list(kept)


def _dialogue_query():  # type: ignore[no-untyped-def]
    return (select(Dialogue, Locality.code, Locality.name, Petition.ref)
            .join(Locality, Locality.id == Dialogue.locality_id)
            .outerjoin(Petition, Petition.id == Dialogue.petition_id))


def _dialogue_public(dialogue: Dialogue, code: str, name: str,
                     petition_ref: str | None) -> DialoguePublic:
    return DialoguePublic(locality=code, locality_name=name, petition=petition_ref,
                          **dialogue.model_dump(exclude={"id", "locality_id", "petition_id"}))


def list_dialogues(session: Session, *, year: int | None = None, locality: str | None = None,
                   body: str | None = None) -> list[DialoguePublic]:
    query = _filters(session, Dialogue, _dialogue_query(), year=year, locality=locality,
                     body=body)
    return [_dialogue_public(*row) for row in session.execute(query).all()]


def show_dialogue(session: Session, ref: str) -> DialogueShown:
    """One dialogue with its history."""
    row = session.execute(_dialogue_query().where(Dialogue.ref == ref.strip())).first()
    if row is None:
        raise NotFound(f"no dialogue with ref {ref!r}")
    return DialogueShown(**_dialogue_public(*row).model_dump(),
                         history=_history(session, "dialogue", row[0].id))


def _history(session: Session, kind: str, record_id: int) -> list[EventPublic]:
    return [EventPublic(at=e.at, operator=e.operator, action=e.action,
                        changes=json.loads(e.changes))
            for e in history.edits(session, kind, record_id)]
