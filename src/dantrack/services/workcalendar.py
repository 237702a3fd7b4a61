"""The working calendar in the database (SPEC §1 "Working days"): `calendar off|work` record a
decision, kept with operator and time; `calendar list` shows a year. A change recomputes the
deadline of every open petition it moves, each in its history; closed petitions keep theirs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from dantrack.deadlines import WORKING_DAY_KINDS, due_on
from dantrack.models import CalendarDay, Petition, PetitionEvent
from dantrack.schemas import CalendarDayPublic, CalendarDecision, validate
from dantrack.services import closeout, history
from dantrack.workdays import KINDS, Calendar, Decision, WeekdaysOnly, from_rows, shipped

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def decisions(session: Session | Connection) -> list[Decision]:
    """The database's decisions, oldest first (the last for a day is in force)."""
    c = CalendarDay.__table__.c
    return [Decision(*row) for row in session.execute(
        select(c.day, c.kind, c.reason).order_by(c.id))]


def load(session: Session) -> Calendar:
    """The calendar in force: one query, however many deadlines are then counted."""
    return from_rows(decisions(session))


def versions(session: Session | Connection) -> list[Calendar]:
    """Every calendar that has been in force, oldest first, the one in force last (db check:
    a petition keeps the deadline of its day until a write recomputes it): Monday to Friday
    before revision 0006, then the database's decisions one by one."""
    stored = decisions(session)
    return [WeekdaysOnly(), *(from_rows(stored[:count]) for count in range(len(stored) + 1))]


@dataclass(frozen=True)
class CalendarChange:
    day: dt.date
    kind: str
    recorded: bool  # False: the day was so already (the command is idempotent)
    why: str  # the reason in force for the day
    recomputed: int  # open petitions whose deadline moved


def record_day(session: Session, *, day: str | dt.date, kind: str,
               reason: str | None) -> CalendarChange:
    """Make a day off or a working day, unless it is so already; then recompute the
    deadlines it moves."""
    if kind not in KINDS:
        raise ValueError(kind)
    closeout.check_reason(reason)
    decision = validate(CalendarDecision, {"day": day, "reason": reason})
    before = load(session)
    current, why = before.status(decision.day)
    if current == kind:
        return CalendarChange(decision.day, kind, False, why, 0)
    session.add(CalendarDay(day=decision.day, kind=kind, reason=decision.reason,
                            at=history.now(), operator=history.operator()))
    session.flush()
    moved = recompute(session, load(session), decision.day,
                      {"day": decision.day.isoformat(), "kind": kind,
                       "reason": decision.reason})
    return CalendarChange(decision.day, kind, True, decision.reason, moved)


def recompute(session: Session, calendar: Calendar, day: dt.date,
              because: dict[str, Any]) -> int:
    """The open petitions counted in working days whose count crosses `day` (from their
    start to their deadline) take the deadline of `calendar`, each with a history entry."""
    p = Petition.__table__.c
    start = func.coalesce(p.accepted_on, p.received_on)
    rows = session.execute(select(
        p.id, p.kind, start.label("start"), p.complex, p.remote, p.extended_days,
        p.suspended_days, p.due_on).where(
        p.closed_on.is_(None), p.kind.in_(sorted(WORKING_DAY_KINDS)), start < day,
        p.due_on >= day)).all()
    moved = []
    for row in rows:
        new = due_on(row.kind, _day(row.start), complex=row.complex, remote=row.remote,
                     calendar=calendar, extended_days=row.extended_days,
                     suspended_days=row.suspended_days)
        if new != _day(row.due_on):
            moved.append((row.id, _day(row.due_on), new))
    if not moved:
        return 0
    session.execute(update(Petition.__table__).where(p.id == bindparam("pid"))
                    .values(due_on=bindparam("new")),
                    [{"pid": pid, "new": new} for pid, _, new in moved])
    at, operator = history.now(), history.operator()
    session.execute(insert(PetitionEvent.__table__), [
        {"petition_id": pid, "at": at, "operator": operator, "action": "recomputed",
         "changes": history.encode({"due_on": [old.isoformat(), new.isoformat()],
                                    "calendar": because})}
        for pid, old, new in moved])
    session.expire_all()
    return len(moved)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def list_days(session: Session, *, year: int) -> list[CalendarDayPublic]:
    """A year's days that differ from Monday to Friday, with the source of each."""
    c = CalendarDay.__table__.c
    stored = {row.day: row for row in session.execute(
        select(c.day, c.operator, c.at).where(c.day >= dt.date(year, 1, 1),
                                              c.day <= dt.date(year, 12, 31)).order_by(c.id))}
    ours = {decision.day for decision in shipped()}
    days = []
    for day, kind, why in load(session).days_off(year):
        row = stored.get(day)
        source = "database" if row else "dantrack" if day in ours else "holidays"
        days.append(CalendarDayPublic(
            date=day, weekday=WEEKDAYS[day.weekday()], kind=kind, reason=why, source=source,
            operator=row.operator if row else None, at=row.at if row else None))
    return days
