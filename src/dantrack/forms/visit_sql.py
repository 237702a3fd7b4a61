"""The conditions and measures of 01/TCD in SQL: the visits of the reception book, each with
its meeting's unit, day and kind, and the case it concerns.

A visit's case is its petition's (a duplicate's original, else the petition itself); a visit
about no petition is a case of its own. A visit is a repeat (tái diễn) when the case's
petition was received before the visit's day, or an earlier visit — on an earlier day, or
the same day and recorded before it — concerns the same case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    and_,
    column,
    exists,
    false,
    func,
    or_,
    select,
    table,
)

from dantrack.forms.petition_sql import petition
from dantrack.periods import Period
from dantrack.vocab import MeetingKind

visit = table("visit", column("id", Integer), column("meeting_id", Integer),
              column("petition_id", Integer), column("people", Integer),
              column("group", Boolean), column("delegated", Boolean))
meeting = table("meeting", column("id", Integer), column("locality_id", Integer),
                column("date", Date), column("kind", String))
HEAD = (MeetingKind.periodic.value, MeetingKind.unscheduled.value)


def keyed() -> Any:
    """Every visit with its meeting's unit, day and kind, its case and when that case's first
    petition was received."""
    about = petition.alias("about")
    root = petition.alias("root")
    case_id = func.coalesce(about.c.duplicate_of_id, about.c.id)
    return (
        select(visit.c.id, visit.c.meeting_id, visit.c.people, visit.c.group,
               visit.c.delegated, meeting.c.locality_id, meeting.c.date,
               meeting.c.kind.label("meeting_kind"), case_id.label("case_id"),
               root.c.received_on.label("first_received"))
        .select_from(visit.join(meeting, meeting.c.id == visit.c.meeting_id)
                     .outerjoin(about, about.c.id == visit.c.petition_id)
                     .outerjoin(root, root.c.id == case_id))
        .cte("keyed")
    )


def _repeat(k: Any) -> Any:
    earlier = k.alias("earlier")
    before = exists(select(earlier.c.id).where(
        earlier.c.case_id == k.c.case_id,
        or_(earlier.c.date < k.c.date, and_(earlier.c.date == k.c.date, earlier.c.id < k.c.id))))
    raised = and_(k.c.first_received.is_not(None), k.c.first_received < k.c.date)
    return and_(k.c.case_id.is_not(None), or_(raised, before))


def _conditions(k: Any) -> dict[str, Callable[[], Any]]:
    head_kind = k.c.meeting_kind.in_(HEAD)
    return {
        "regular": lambda: k.c.meeting_kind == MeetingKind.regular.value,
        "head": lambda: and_(head_kind, k.c.delegated.is_not(True)),
        "delegated": lambda: and_(head_kind, k.c.delegated.is_(True)),
        "group": lambda: k.c.group.is_(True),
        "repeat": lambda: k.c.is_repeat.is_(True),
    }


def condition(k: Any, names: tuple[str, ...]) -> Any:
    table_of = _conditions(k)

    def one(name: str) -> Any:
        if name.startswith("!"):
            return ~one(name[1:])
        if name not in table_of:
            raise ValueError(f"form declaration: no visit condition {name!r}")
        return table_of[name]()

    parts = [one(name) for name in names]
    return and_(*parts) if parts else ~false()


def measure(k: Any, count: str, where: Any) -> Any:
    """A figure over the visits meeting `where`."""
    if count == "visits":
        return func.count().filter(where)
    if count == "people":
        return func.coalesce(func.sum(k.c.people).filter(where), 0)
    if count == "meetings":
        return func.count(k.c.meeting_id.distinct()).filter(where)
    if count == "cases":
        # A visit about no petition is a case of its own: keyed by minus its id.
        return func.count(func.coalesce(k.c.case_id, -k.c.id).distinct()).filter(where)
    raise ValueError(f"form declaration: visits have no measure {count!r}")


def flagged() -> Any:
    """The keyed visits, each marked a repeat or not (computed once, before any figure)."""
    k = keyed()
    return select(*k.c, _repeat(k).label("is_repeat")).cte("flagged")


def query(period: Period, subtree: Any, figures: list[tuple[str, tuple[str, ...]]]) -> Any:
    k = flagged()
    measures = [measure(k, count, condition(k, where)).label(f"c{i}")
                for i, (count, where) in enumerate(figures)]
    return (select(k.c.locality_id, *measures)
            .where(k.c.locality_id.in_(subtree), k.c.date >= period.from_,
                   k.c.date <= period.to)
            .group_by(k.c.locality_id))
