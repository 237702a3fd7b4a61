"""A deadline's lifecycle (SPEC §1 "Extension and suspension"): `petition extend`, `suspend`
and `resume`. Each is an edit of the lifecycle fields by petition_writes.edit (whose
check_lifecycle holds the rules an import row meets too), kept in the history under its own
action with the day and the reason.

"Especially complex" (Law 25/2018 Art. 30: a second extension) is stated by the decision that
extends a second time (`--especially-complex`), and kept in that history entry; the petition
itself records `complex` and the number of its extensions.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from dantrack.errors import InvalidInput, RuleError
from dantrack.models import Petition
from dantrack.schemas import DayGiven, validate
from dantrack.services import closeout
from dantrack.services.petition_writes import DENUNCIATION, MAX_EXTENSION_DAYS
from dantrack.services.petitions import get_petition
from dantrack.services.register import write_fields


def _open_and_accepted(petition: Petition, doing: str) -> None:
    if petition.closed_on is not None:
        raise RuleError(f"petition {petition.ref} is closed ({petition.outcome} on "
                        f"{petition.closed_on}): only an open petition is {doing}")
    if petition.accepted_on is None:
        raise RuleError(f"petition {petition.ref} is pending: accept it before it is {doing}")


def _on(petition: Petition, on: str | dt.date, since: dt.date | None = None) -> dt.date:
    """The day given (not after today), not before the acceptance or `since`."""
    day = validate(DayGiven, {"on": on}).on
    first = since or petition.accepted_on
    if first is not None and day < first:
        what = "the suspension" if since else "the acceptance"
        raise InvalidInput(f"invalid on '{day}': before {what} ({first})", field="on",
                           value=str(day), reason=f"is before {what} ({first})")
    return day


def extend_petition(session: Session, ref: str, *, days: int, on: str | dt.date,
                    reason: str | None, especially_complex: bool = False) -> Petition:
    """Extend a complex denunciation's time by `days` (1 to 30), decided on `on`, no later
    than the deadline: once, or twice for an especially complex case."""
    petition = get_petition(session, ref)
    closeout.check_reason(reason)
    if days < 1:
        raise InvalidInput(f"invalid days {days}: an extension is of at least one day",
                           field="days", value=str(days))
    _open_and_accepted(petition, "extended")
    if petition.kind != DENUNCIATION or not petition.complex:
        raise RuleError(f"petition {petition.ref}: only a complex denunciation's time is "
                        "extended (Law 25/2018 Art. 30); mark it --complex first")
    if days > MAX_EXTENSION_DAYS:
        raise RuleError(f"an extension is of {MAX_EXTENSION_DAYS} days at most, not {days} "
                        "(Law 25/2018 Art. 30)")
    if petition.extensions >= 2 or (petition.extensions == 1 and not especially_complex):
        allowed = "twice" if petition.extensions >= 2 else \
            "once, unless the case is especially complex (--especially-complex)"
        raise RuleError(f"petition {petition.ref} was extended already: a denunciation's "
                        f"time is extended {allowed} (Law 25/2018 Art. 30)")
    day = _on(petition, on)
    if day > petition.due_on:
        raise RuleError(f"petition {petition.ref} was due on {petition.due_on}: an extension "
                        "is decided before the deadline passes")
    note = {"days": days, "on": day.isoformat(), "reason": reason}
    if especially_complex:
        note["especially_complex"] = True
    given = {"extensions": petition.extensions + 1,
             "extended_days": petition.extended_days + days}
    return write_fields(session, petition, given, "extended", note)[0]


def suspend_petition(session: Session, ref: str, *, on: str | dt.date,
                     reason: str | None) -> Petition:
    """Stop a petition's clock from `on` (awaiting another body's result)."""
    petition = get_petition(session, ref)
    closeout.check_reason(reason)
    _open_and_accepted(petition, "suspended")
    if petition.suspended_on is not None:
        raise RuleError(f"petition {petition.ref} is suspended already, since "
                        f"{petition.suspended_on}")
    day = _on(petition, on)
    return write_fields(session, petition, {"suspended_on": day}, "suspended",
                  {"reason": reason})[0]


def resume_petition(session: Session, ref: str, *, on: str | dt.date) -> Petition:
    """Restart a suspended petition's clock on `on`: its deadline moves by the days
    suspended."""
    petition = get_petition(session, ref)
    if petition.suspended_on is None:
        raise RuleError(f"petition {petition.ref} is not suspended")
    day = _on(petition, on, since=petition.suspended_on)
    days = (day - petition.suspended_on).days
    given = {"suspended_on": None, "suspended_days": petition.suspended_days + days}
    return write_fields(session, petition, given, "resumed", {"days": days})[0]
