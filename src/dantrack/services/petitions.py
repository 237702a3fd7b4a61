"""Petitions: intake, edits, close-out, reopening, listing — and the secrecy of denouncers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from dantrack import lookup, tables
from dantrack.errors import InvalidInput, NotFound, RuleError, UsageError
from dantrack.kinds import CLOSE_FIELDS, RESULT_FIELDS
from dantrack.limits import TEXT_MAX
from dantrack.models import Locality, Meeting, Petition
from dantrack.schemas import (
    PENDING,
    Closure,
    EventPublic,
    PetitionCreate,
    PetitionPublic,
    PetitionUpdate,
    validate,
)
from dantrack.services import closeout, history, secrecy
from dantrack.services import petition_writes as writes
from dantrack.services.localities import in_year_and_territory, placed
from dantrack.services.refs import claim_ref, new_ref
from dantrack.services.secrecy import IDENTITY_FIELDS, mask, mask_change
from dantrack.text import fold, parse_choice, parse_field_choice
from dantrack.text import key as ref_key
from dantrack.vocab import (
    ALIASES,
    Outcome,
    PetitionKind,
    Status,
)

# Fields an edit compares and records (the update model's); identity fields among them are
# masked in output. LINKS are those that name another record: (its model, the stored id
# column, the column it is named by); the others are stored as they are.
EDITABLE = writes.EDITABLE
LINKS = {"locality": (Locality, "locality_id", "code"), "meeting": (Meeting, "meeting_id", "ref"),
         "duplicate_of": (Petition, "duplicate_of_id", "ref")}
STORED = tuple(name for name in EDITABLE if name not in LINKS)
DATES = tuple(name for name in STORED
              if Petition.model_fields[name].annotation in (dt.date, dt.date | None))
PUBLIC = tuple(name for name in PetitionPublic.model_fields if name != "history")


def get_petition(session: Session, ref: str) -> Petition:
    petition = session.exec(select(Petition).where(Petition.ref == ref_key(ref))).first()
    if petition is None:
        raise NotFound(f"no petition with ref {ref!r}")
    return petition


def _meeting_id(session: Session, ref: str | None) -> int | None:
    if not ref:
        return None
    meeting = session.exec(select(Meeting).where(Meeting.ref == ref_key(ref))).first()
    if meeting is None:
        raise NotFound(f"meeting: no meeting with ref {ref!r}")
    return meeting.id


def find_original(session: Session, ref: str | None, *, received_on: dt.date,
              petition_id: int | None = None) -> Petition | None:
    """The petition that ref names as the one this repeats (duplicate_of), checked: it exists,
    it is not this one, it was received on or before this one, and following its own
    duplicate_of chain never comes back to this one (a cycle would drop both from `due`)."""
    if not ref:
        return None
    original = session.exec(select(Petition).where(Petition.ref == ref_key(ref))).first()
    if original is None:
        raise NotFound(f"duplicate_of: no petition with ref {ref!r}")
    if original.id == petition_id:
        raise RuleError("duplicate_of: a petition cannot duplicate itself")
    check_original_date(original.ref, original.received_on, received_on)
    seen: set[int] = set()
    current = original
    while current.duplicate_of_id is not None and current.duplicate_of_id not in seen:
        if current.duplicate_of_id == petition_id:
            raise RuleError(f"duplicate_of: {original.ref} is itself a duplicate of this "
                            "petition (directly or along its chain); a cycle is not allowed")
        seen.add(current.duplicate_of_id)
        current = session.get(Petition, current.duplicate_of_id)
    return original


def check_original_date(original_ref: str, original_received_on: dt.date,
                        received_on: dt.date) -> None:
    """A duplicate repeats an earlier petition: the original was received on or before it."""
    if original_received_on > received_on:
        reason = (f"was received on {original_received_on}, after this petition "
                  f"({received_on}): a duplicate repeats an earlier petition")
        raise InvalidInput(f"invalid duplicate_of {original_ref!r}: {reason}",
                           field="duplicate_of", value=original_ref, reason=reason)


def check_duplicates_follow(session: Session, petition_id: int,
                            received_on: dt.date) -> None:
    """A petition's receipt may not move after that of a petition that repeats it."""
    earliest = session.execute(
        select(Petition.ref, Petition.received_on)
        .where(Petition.duplicate_of_id == petition_id)
        .order_by(Petition.received_on).limit(1)).first()
    if earliest is not None and earliest.received_on < received_on:
        raise InvalidInput(
            f"invalid received_on '{received_on}': after {earliest.ref}, received on "
            f"{earliest.received_on}, which repeats this petition", field="received_on",
            value=str(received_on), reason=f"is after {earliest.ref}, received on "
            f"{earliest.received_on}, which repeats this petition")


def add_petition(session: Session, **fields: Any) -> Petition:
    data = validate(PetitionCreate, fields, secret=_may_be_secret(fields.get("kind")))
    return insert_petition(session, data)


def _may_be_secret(kind: Any) -> bool:
    """Whether a kind as given names a denunciation — or might: an error about an identity
    field then names the field without echoing the value."""
    if kind is None:
        return False
    try:
        return parse_choice(PetitionKind, str(kind), ALIASES[PetitionKind]) is \
            PetitionKind.denunciation
    except ValueError:
        return True


def insert_petition(session: Session, data: PetitionCreate) -> Petition:
    """A new petition from its validated input, as petition_writes.create makes it."""
    if data.ref:
        if session.exec(select(Petition.id).where(Petition.ref == data.ref)).first():
            raise RuleError(f"petition {data.ref} exists already")
        claim_ref(session, "P", data.ref)
    locality = placed(session, data.locality, data.received_on)
    created = writes.create(record=writes.intake(data=data, locality=locality.code),
                            calendar=_calendar(session))
    petition = Petition(**stored_values(created), ref=data.ref or new_ref(session, "P",
                                                                     data.received_on.year))
    petition.locality_id = locality.id
    petition.meeting_id = _meeting_id(session, data.meeting)
    original = find_original(session, data.duplicate_of, received_on=data.received_on)
    petition.duplicate_of_id = original.id if original else None
    session.add(petition)
    session.flush()
    if original is not None:
        _spread_secrecy(session, petition)
    history.record(session, petition, "created", created.changes)
    session.flush()
    return petition


def stored_values(written: writes.Written) -> dict[str, Any]:
    """The model's stored columns of a write's record (links are set by id apart)."""
    values = {name: written.record[name] for name in STORED}
    if values["accepted_on"] == PENDING:
        values["accepted_on"] = None
    for name in DATES:
        if isinstance(values[name], str):
            values[name] = dt.date.fromisoformat(values[name])
    return {**values, **written.derived}


def current_fields(session: Session, petition: Petition) -> dict[str, Any]:
    """The editable fields as a user names them (refs and codes, not ids)."""
    fields = {name: getattr(petition, name) for name in STORED}
    for name, (model, column, key) in LINKS.items():
        linked = session.get(model, getattr(petition, column)) if getattr(petition, column) \
            else None
        fields[name] = getattr(linked, key) if linked else None
    fields["accepted_on"] = fields["accepted_on"] or PENDING
    return {name: fields[name] for name in EDITABLE}


def edit_petition(session: Session, ref: str, **fields: Any) -> tuple[Petition, dict[str, Any]]:
    """Change the given fields (petition_writes.edit); returns the petition and
    {field: [old, new]} of real changes."""
    petition = get_petition(session, ref)
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise RuleError("nothing to change: give at least one field to edit")
    secret = petition.secret or _may_be_secret(given.get("kind"))
    update = validate(PetitionUpdate, given, secret=secret).model_dump(exclude_unset=True)
    unit = None
    if "locality" in update:
        # The unit the text means on the petition's date, valid then; kept by id, since a
        # later unit may carry the same code.
        unit = placed(session, update["locality"],
                      _day(update.get("received_on") or petition.received_on))
        update["locality"] = unit.code
    if update.get("duplicate_of") and ref_key(update["duplicate_of"]) == petition.ref:
        raise RuleError("duplicate_of: a petition cannot duplicate itself")
    edited = writes.edit(before=current_fields(session, petition), given=update,
                         close_out=closeout_of(petition), secret=petition.secret,
                         masked=petition.secret, calendar=_calendar(session))
    old = lookup.by_id(session, petition.locality_id)
    if unit is not None and unit.id != old.id and unit.code == old.code:
        # Another unit with the same code (a code reused over time): named in full.
        edited.changes["locality"] = [lookup.label(old), lookup.label(unit)]
    if not edited.changes:
        return petition, {}
    if "received_on" in edited.changes:
        check_duplicates_follow(session, petition.id, edited.record["received_on"])
    _apply(session, petition, edited, unit)
    history.record(session, petition, "edited", edited.changes)
    session.flush()
    if "duplicate_of" in edited.changes or "kind" in edited.changes:
        _spread_secrecy(session, petition)
    return petition, edited.changes


def _calendar(session: Session) -> Any:
    from dantrack.services.workcalendar import load

    return load(session)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def closeout_of(petition: Petition) -> dict[str, Any]:
    return {name: getattr(petition, name) for name in CLOSE_FIELDS}


def _spread_secrecy(session: Session, petition: Petition) -> None:
    """After a link or a kind change: the secrecy of linked petitions (services.secrecy)."""
    session.flush()
    if secrecy.spread(session, [petition.id]):
        session.expire_all()


def _apply(session: Session, petition: Petition, edited: writes.Written,
           unit: Any | None) -> None:
    """The edit stored. unit: the locality given, else the petition stays in its own, which
    must be valid on its (new) date."""
    after = edited.record
    if unit is None:
        unit = lookup.by_id(session, petition.locality_id)
        lookup.require_valid(session, unit, _day(after["received_on"]))
    for name, value in stored_values(edited).items():
        setattr(petition, name, value)
    petition.locality_id = unit.id
    petition.meeting_id = _meeting_id(session, after["meeting"])
    original = find_original(session, after["duplicate_of"], received_on=after["received_on"],
                             petition_id=petition.id)
    petition.duplicate_of_id = original.id if original else None


def close_petition(session: Session, ref: str, *, outcome: str, closed_on: str | dt.date,
                   verdict: str | None = None, note: str = "", forwarded_to: str | None = None,
                   **results: Any) -> Petition:
    """Close a petition out; `results` (RESULT_FIELDS given) are the results of a
    resolution, recorded with the close when they fit it (petition_writes.check_register);
    `forwarded_to`, the body a petition closed as forwarded is sent to."""
    petition = get_petition(session, ref)
    closure = validate(Closure, {"outcome": outcome, "closed_on": closed_on,
                                 "verdict": verdict, "note": note or ""})
    given = {**results_given(results), **_forwarding(forwarded_to, closure.outcome)}
    if petition.closed_on is not None:
        raise RuleError(f"petition {petition.ref} is already closed "
                        f"({petition.outcome} on {petition.closed_on}); reopen it first")
    change = closeout.close(closeout.state_of(petition), closure, given)
    writes.check_register({**current_fields(session, petition), **given}, change.values)
    _apply_closeout(session, petition, change)
    return petition


def _forwarding(forwarded_to: str | None, outcome: Outcome) -> dict[str, Any]:
    """forwarded_to given with a close: only with the outcome forwarded, since the body a
    petition is forwarded to is what the forms count its replies by."""
    if forwarded_to is None:
        return {}
    if outcome is not Outcome.forwarded:
        reason = f"the body forwarded to is given only with the outcome forwarded, not {outcome}"
        raise InvalidInput(f"invalid forwarded_to {forwarded_to!r}: {reason}",
                           field="forwarded_to", value=forwarded_to, reason=reason)
    return validate(PetitionUpdate, {"forwarded_to": forwarded_to}).model_dump(
        exclude_unset=True)


def results_given(results: dict[str, Any]) -> dict[str, Any]:
    """The result fields given (not None), validated as an edit's."""
    unknown = set(results) - set(RESULT_FIELDS)
    if unknown:
        raise RuleError(f"not a result field: {', '.join(sorted(unknown))}")
    given = {name: value for name, value in results.items() if value is not None}
    return validate(PetitionUpdate, given).model_dump(exclude_unset=True)


def reopen_petition(session: Session, ref: str, *, reason: str) -> Petition:
    petition = get_petition(session, ref)
    if petition.closed_on is None:
        closeout.check_reason(reason)
        raise RuleError(f"petition {petition.ref} is open; only a closed petition can be reopened")
    last_close = history.last_close(session, petition.id)
    change = closeout.reopen(closeout.state_of(petition), reason, last_close)
    # Closed, it kept the deadline of the calendar it closed under; open again, it takes the
    # calendar in force (a change since then moves it).
    due = writes.derive(current_fields(session, petition), calendar=_calendar(session))["due_on"]
    if due != petition.due_on:
        change.values["due_on"] = due
        change.changes["due_on"] = [petition.due_on.isoformat(), due.isoformat()]
    _apply_closeout(session, petition, change)
    return petition


def _apply_closeout(session: Session, petition: Petition, change: closeout.Change) -> None:
    for name, value in change.values.items():
        setattr(petition, name, value)
    history.record(session, petition, change.action, change.changes)
    session.flush()


def status_of(petition: Petition, today: dt.date) -> Status:
    if petition.closed_on is not None:
        return Status.closed
    if petition.suspended_on is not None:  # the clock stopped: not overdue meanwhile
        return Status.suspended
    return Status.overdue if petition.due_on < today else Status.open


# What `petition list --sort` orders by (a leading - for descending): never an identity, so
# that the order of masked names tells nothing.
SORTS = ("ref", "received_on", "kind", "locality", "due_on", "closed_on", "outcome")


def list_petitions(
    session: Session, *, today: dt.date, year: int | None = None, locality: str | None = None,
    kind: str | None = None, status: Status | None = None, search: str | None = None,
    reveal: bool = False, meeting: str | None = None, sort: str | None = None,
    limit: int | None = None,
) -> list[PetitionPublic]:
    query = _public_query()
    query = in_year_and_territory(session, query, date=Petition.received_on,
                                  placed_by=Petition.locality_id, year=year, locality=locality)
    if kind:
        parsed = _parse_kind(kind)
        query = query.where(Petition.kind == parsed.value)
    if status is Status.open:
        query = query.where(Petition.closed_on.is_(None))
    elif status is Status.closed:
        query = query.where(Petition.closed_on.is_not(None))
    elif status is Status.overdue:
        query = query.where(Petition.closed_on.is_(None), Petition.due_on < today,
                            ~tables.suspended_on_day(Petition, today))
    elif status is Status.suspended:
        query = query.where(Petition.closed_on.is_(None), Petition.suspended_on.is_not(None))
    if meeting is not None:
        query = query.where(Meeting.ref == meeting.strip())
    if search:
        query = query.where(_matching(search, reveal=reveal))
    query = query.order_by(*_order(sort), Petition.received_on, Petition.ref)
    rows = session.execute(query.limit(limit) if limit is not None else query).all()
    return [_to_public(session, row, today=today, reveal=reveal) for row in rows]


def _matching(search: str, *, reveal: bool) -> Any:
    """--search: every word, in any order and without diacritics, in the subject or (when
    it may be seen) the petitioner's name; or an ID number or phone exactly — never a
    denouncer's, so that a guessed number tells nothing."""
    words = fold(search).split()
    if len(search) > TEXT_MAX:  # SQLite refuses LIKE patterns past 50,000 bytes
        raise InvalidInput(f"search is longer than {TEXT_MAX} characters", field="search")
    name_visible = or_(Petition.secret.is_(False), reveal)
    every_word = and_(*(or_(Petition.subject_folded.contains(word, autoescape=True),
                            and_(name_visible,
                                 Petition.petitioner_folded.contains(word, autoescape=True)))
                        for word in words)) if words else false()
    number = _number(search)
    if number is None:
        return every_word
    return or_(every_word, and_(Petition.secret.is_(False),
                                or_(Petition.id_number == number, Petition.phone == number)))


def _number(search: str) -> str | None:
    """The search as an ID number or a phone (+84 as 0), when it is one."""
    from dantrack.text import normalise_phone

    compact = search.strip().replace(" ", "")
    if not compact.lstrip("+").isdigit():
        return None
    try:
        return normalise_phone(compact)
    except ValueError:
        return compact


def _order(sort: str | None) -> list[Any]:
    if not sort:
        return []
    name = sort.strip().lstrip("-")
    if name not in SORTS:
        # A wrong option of the command line, not wrong data: a usage error (exit 2).
        raise UsageError(f"invalid sort {sort!r}: must be one of {', '.join(SORTS)} "
                         "(a leading - for descending)")
    column = Locality.code if name == "locality" else getattr(Petition, name)
    ordered = column.desc() if sort.strip().startswith("-") else column.asc()
    return [ordered.nulls_last()]  # the open ones after the closed, on either backend


def _parse_kind(text: str) -> PetitionKind:
    return parse_field_choice(PetitionKind, text, "kind")


def _public_query():  # type: ignore[no-untyped-def]
    original = aliased(Petition)
    return (
        select(Petition, Locality.code, Locality.name, Meeting.ref, original.ref)
        .join(Locality, Locality.id == Petition.locality_id)
        .outerjoin(Meeting, Meeting.id == Petition.meeting_id)
        .outerjoin(original, original.id == Petition.duplicate_of_id)
    )


def _to_public(session: Session, row: Any, *, today: dt.date, reveal: bool) -> PetitionPublic:
    petition, code, name, meeting_ref, original_ref = row
    secret = petition.secret
    if secret and reveal:
        history.record(session, petition, "revealed", {})
    derived = {"locality": code, "locality_name": name, "meeting": meeting_ref,
               "duplicate_of": original_ref, "status": status_of(petition, today).value}
    values = {field: derived[field] if field in derived else getattr(petition, field)
              for field in PUBLIC}
    if secret and not reveal:
        values.update({field: mask(values[field]) for field in IDENTITY_FIELDS})
    return PetitionPublic(**values)


def show_petition(session: Session, ref: str, *, today: dt.date,
                  reveal: bool = False) -> PetitionPublic:
    """One petition with its history; revealing a denouncer is itself recorded first."""
    get_petition(session, ref)
    row = session.execute(_public_query().where(Petition.ref == ref_key(ref))).one()
    public = _to_public(session, row, today=today, reveal=reveal)
    session.flush()
    petition = row[0]
    secret = petition.secret and not reveal
    public.history = [_event_public(event, secret) for event in history.events(session, petition)]
    return public


def _event_public(event: Any, secret: bool) -> EventPublic:
    changes = json.loads(event.changes)
    if secret:
        changes = {name: mask_change(value) if name in IDENTITY_FIELDS else value
                   for name, value in changes.items()}
    return EventPublic(at=event.at, operator=event.operator,
                       action=event.action, changes=changes)
