"""Visits (lượt tiếp): the rows of a reception meeting's reception book (SPEC §1 "The register
for the official forms").

A visit takes its meeting's unit and date (its ref's year is the meeting's). A meeting with
visits has citizens = the sum of their people and delegations = the number of group visits:
every write of a visit recomputes its meetings' totals (recompute), and `meeting edit` refuses
to set them by hand (services.meetings). A visitor's identity is masked as a petitioner's is
when the matter is a denunciation (or its petition is secret); the flag is never cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, select

from dantrack.errors import InvalidInput, NotFound, RuleError
from dantrack.limits import VISIT_IDENTITY
from dantrack.models import Locality, Meeting, Petition, Visit
from dantrack.schemas import (
    VisitCreate,
    VisitPublic,
    VisitUpdate,
    check_group,
    validate,
)
from dantrack.services import history, secrecy
from dantrack.services.localities import in_year_and_territory
from dantrack.services.refs import claim_ref, new_ref
from dantrack.text import key as ref_key
from dantrack.text import parse_field_choice
from dantrack.vocab import PetitionKind

DENUNCIATION = PetitionKind.denunciation.value


def may_be_secret(fields: dict[str, Any]) -> bool:
    """Whether a visit given so may be secret: its kind is or could be a denunciation, or it
    names a petition (which may be secret): then errors never echo its identity fields."""
    from dantrack.importing.model import may_be_denunciation

    return may_be_denunciation(fields) or bool(fields.get("petition"))


def add_visit(session: Session, **fields: Any) -> Visit:
    return insert_visit(session, validate(VisitCreate, fields, secret=may_be_secret(fields)))


def meeting_of(session: Session, ref: str) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.ref == ref_key(ref))).first()
    if meeting is None:
        raise NotFound(f"meeting: no meeting with ref {ref!r}")
    return meeting


def petition_of(session: Session, ref: str) -> Petition:
    petition = session.exec(select(Petition).where(Petition.ref == ref_key(ref))).first()
    if petition is None:
        raise NotFound(f"petition: no petition with ref {ref!r}")
    return petition


def insert_visit(session: Session, data: Any) -> Visit:
    meeting = meeting_of(session, data.meeting)
    petition = petition_of(session, data.petition) if data.petition else None
    if data.ref:
        if session.exec(select(Visit.id).where(Visit.ref == data.ref)).first():
            raise RuleError(f"visit {data.ref} exists already")
        claim_ref(session, "V", data.ref)
    values = data.model_dump(exclude={"ref", "meeting", "petition"}, mode="json")
    visit = Visit(ref=data.ref or new_ref(session, "V", meeting.date.year),
                  meeting_id=meeting.id, petition_id=petition.id if petition else None,
                  secret=is_secret(values["kind"], petition), **values)
    session.add(visit)
    session.flush()
    recompute(session, [meeting.id])
    return visit


def is_secret(kind: str, petition: Petition | None, *, was: bool = False) -> bool:
    """A visit's identity is secret when its matter is a denunciation, its petition is
    secret, or it was secret already (never cleared)."""
    return was or kind == DENUNCIATION or bool(petition is not None and petition.secret)


def recompute(session: Session, meeting_ids: Iterable[int | None]) -> None:
    """Each meeting with visits takes their sums as its citizens and delegations; a meeting
    without visits keeps the totals it was recorded with."""
    ids = sorted({i for i in meeting_ids if i is not None})
    if not ids:
        return
    sums = session.execute(
        select(Visit.meeting_id, func.sum(Visit.people),
               func.sum(case((Visit.group.is_(True), 1), else_=0)))  # type: ignore[attr-defined]
        .where(Visit.meeting_id.in_(ids)).group_by(Visit.meeting_id)).all()
    for meeting_id, people, groups in sums:
        session.execute(update(Meeting.__table__).where(Meeting.__table__.c.id == meeting_id)
                        .values(citizens=int(people), delegations=int(groups or 0)))
    session.expire_all()


def edit_visit(session: Session, ref: str, **fields: Any) -> tuple[Visit, list[str]]:
    """Change the fields given (not None); returns the visit and the names of those changed."""
    visit = get_visit(session, ref)
    given = {k: v for k, v in fields.items() if v is not None}
    data = validate(VisitUpdate, given, secret=visit.secret or may_be_secret(given))
    changes = data.model_dump(exclude_none=True, mode="json")
    old_meeting = visit.meeting_id
    if "meeting" in changes:
        changes["meeting_id"] = meeting_of(session, changes.pop("meeting")).id
    petition = session.get(Petition, visit.petition_id) if visit.petition_id else None
    if "petition" in changes or given.get("petition") == "":  # "" unlinks it
        text = changes.pop("petition", None)
        petition = petition_of(session, text) if text else None
        changes["petition_id"] = petition.id if petition else None
    try:
        check_group(changes.get("group", visit.group), changes.get("people", visit.people))
    except ValueError as exc:
        raise InvalidInput(f"invalid group: {exc}", field="group") from None
    changed = [name for name, value in changes.items() if getattr(visit, name) != value]
    for name in changed:
        setattr(visit, name, changes[name])
    visit.secret = is_secret(visit.kind, petition, was=visit.secret)
    session.add(visit)
    session.flush()
    recompute(session, [old_meeting, visit.meeting_id])
    return get_visit(session, visit.ref), [name.removesuffix("_id") for name in changed]


def get_visit(session: Session, ref: str) -> Visit:
    visit = session.exec(select(Visit).where(Visit.ref == ref_key(ref))).first()
    if visit is None:
        raise NotFound(f"no visit with ref {ref!r}")
    return visit


def _query():  # type: ignore[no-untyped-def]
    return (select(Visit, Meeting.ref, Meeting.date, Locality.code, Petition.ref)
            .join(Meeting, Meeting.id == Visit.meeting_id)
            .join(Locality, Locality.id == Meeting.locality_id)
            .outerjoin(Petition, Petition.id == Visit.petition_id))


def list_visits(session: Session, *, meeting: str | None = None, year: int | None = None,
                locality: str | None = None, kind: str | None = None,
                reveal: bool = False) -> list[VisitPublic]:
    """Visits in the order of their meetings' dates; identities masked unless reveal, whose
    reveals are recorded in the caller's transaction (committed before anything is shown)."""
    query = _query()
    if meeting:
        query = query.where(Visit.meeting_id == meeting_of(session, meeting).id)
    query = in_year_and_territory(session, query, date=Meeting.date,
                                  placed_by=Meeting.locality_id, year=year, locality=locality)
    if kind:
        query = query.where(Visit.kind == parse_field_choice(PetitionKind, kind, "kind").value)
    rows = session.execute(query.order_by(Meeting.date, Meeting.ref, Visit.id)).all()
    return shown(session, rows, reveal=reveal, by="list")


def shown(session: Session, rows: list[Any], *, reveal: bool, by: str) -> list[VisitPublic]:
    secret = [row[0].id for row in rows if row[0].secret]
    if reveal and secret:
        secrecy.record_reveals(session, secret, by=by, stamp=history.now(),
                               operator=history.operator(), kind="visits")
    return [_public(*row, masked=row[0].secret and not reveal) for row in rows]


def _public(visit: Visit, meeting_ref: str, date: dt.date, code: str,
            petition_ref: str | None, *, masked: bool) -> VisitPublic:
    values = visit.model_dump(exclude={"id", "meeting_id", "petition_id", "secret"})
    if masked:
        values.update({name: secrecy.mask(values[name]) for name in VISIT_IDENTITY})
    return VisitPublic(meeting=meeting_ref, petition=petition_ref, date=date, locality=code,
                       **values)


def visits_of(session: Session, meeting_id: int, *, reveal: bool = False) -> list[VisitPublic]:
    rows = session.execute(_query().where(Visit.meeting_id == meeting_id)
                           .order_by(Visit.id)).all()
    return shown(session, rows, reveal=reveal, by="show")
