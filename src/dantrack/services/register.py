"""The register's own writes on a petition (SPEC §1 "The register for the official forms"):
the results of a resolution (`petition result`) and the acceptance of a pending petition
(`petition accept`). Each is an edit by petition_writes.edit, so its rules are the edit's,
kept in the history under its own action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from dantrack.errors import InvalidInput, RuleError
from dantrack.models import Petition
from dantrack.schemas import PENDING, PetitionUpdate, validate
from dantrack.services import history
from dantrack.services import petition_writes as writes
from dantrack.services.petitions import (
    closeout_of,
    current_fields,
    get_petition,
    results_given,
    stored_values,
)


def record_result(session: Session, ref: str, **results: Any) -> tuple[Petition, dict[str, Any]]:
    """Record (or correct) the results of a resolved complaint or denunciation: an edit of
    the result fields alone, kept in the history as `result`."""
    given = results_given(results)
    if not given:
        raise RuleError("nothing to record: give at least one result")
    return write_fields(session, get_petition(session, ref), given, "result")


def accept_petition(session: Session, ref: str, *, on: str | dt.date) -> Petition:
    """Accept a pending petition on a day (not before its receipt, not after today): its
    deadline then counts from that day. Kept in the history as `accepted`."""
    petition = get_petition(session, ref)
    given = validate(PetitionUpdate, {"accepted_on": on}).model_dump(exclude_unset=True)
    if given["accepted_on"] == PENDING:
        raise InvalidInput("invalid on 'pending': give the day of acceptance", field="on",
                           value=PENDING)
    if petition.accepted_on is not None:
        raise RuleError(f"petition {petition.ref} was accepted already, on "
                        f"{petition.accepted_on}; `petition edit --accepted-on` corrects it")
    return write_fields(session, petition, given, "accepted")[0]


def write_fields(session: Session, petition: Petition, given: dict[str, Any],
           action: str, note: dict[str, Any] | None = None) -> tuple[Petition, dict[str, Any]]:
    """An edit (petition_writes.edit) of fields that name no other record, its deadline
    counted on the database's calendar; `note` (a reason, the days) goes into the history."""
    from dantrack.services.workcalendar import load

    edited = writes.edit(before=current_fields(session, petition), given=given,
                         close_out=closeout_of(petition), secret=petition.secret,
                         masked=petition.secret, calendar=load(session))
    if edited.changes:
        changes = {**edited.changes, **(note or {})}
        if edited.derived["due_on"] != petition.due_on:  # an acceptance moves the deadline
            changes["due_on"] = [petition.due_on.isoformat(),
                                 edited.derived["due_on"].isoformat()]
        for name, value in stored_values(edited).items():
            setattr(petition, name, value)
        history.record(session, petition, action, changes)
        session.flush()
    return petition, edited.changes
