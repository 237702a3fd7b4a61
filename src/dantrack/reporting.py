"""Resolution-rate reports (SPEC §2): read-only SQL aggregation into typed report objects.

The petition figures come from one grouped query over the covering index ix_petition_report:
every petition that can count in a period [from, to] was received by its end and not closed
before its start, so that range bounds the scan; each figure is a conditional sum. Totals per
locality are then added up to the direct children of the reported locality — a loop over at
most a few thousand locality groups, never over petitions.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel
from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from dantrack.errors import InvalidInput
from dantrack.models import Dialogue, Locality, Meeting, Petition
from dantrack.services.localities import resolve_locality, roots
from dantrack.vocab import Competence, Outcome, PetitionKind

PETITION_FIGURES = (
    "received", "duplicates", "due", "carried_over", "resolved", "withdrawn",
    "resolution_rate", "on_time", "open_at_end", "overdue_at_end", "guided", "forwarded",
    "dismissed",
)
COUNTED = tuple(f for f in PETITION_FIGURES if f != "resolution_rate")


class Period(BaseModel):
    from_: dt.date
    to: dt.date

    def model_dump_public(self) -> dict[str, str]:
        return {"from": self.from_.isoformat(), "to": self.to.isoformat()}


class LocalityRef(BaseModel):
    code: str | None
    name: str


class MeetingFigures(BaseModel):
    count: int = 0
    citizens: int = 0
    delegations: int = 0


class DialogueFigures(BaseModel):
    count: int = 0
    citizens: int = 0


class PetitionFigures(BaseModel):
    received: int = 0
    duplicates: int = 0
    due: int = 0
    carried_over: int = 0
    resolved: int = 0
    withdrawn: int = 0
    resolution_rate: float | None = None
    on_time: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    guided: int = 0
    forwarded: int = 0
    dismissed: int = 0

    def add(self, other: PetitionFigures) -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.resolution_rate = rate(self.resolved, self.due)


class PetitionBlock(PetitionFigures):
    by_kind: dict[str, PetitionFigures]


class LocalityFigures(BaseModel):
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock


class Report(BaseModel):
    period: dict[str, str]
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock
    by_locality: list[LocalityFigures]


def rate(resolved: int, due: int) -> float | None:
    """100 × resolved / due, rounded half-up to one decimal; None when nothing was due."""
    if due == 0:
        return None
    value = (Decimal(100 * resolved) / Decimal(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


# --- periods -----------------------------------------------------------------------------


def year_period(year: int) -> Period:
    return Period(from_=dt.date(year, 1, 1), to=dt.date(year, 12, 31))


def quarter_period(text: str) -> Period:
    """'2024-Q3' → 1 July to 30 September 2024."""
    cleaned = text.strip().upper()
    year_text, _, quarter_text = cleaned.partition("-Q")
    if not (year_text.isdigit() and len(year_text) == 4 and quarter_text in ("1", "2", "3", "4")):
        raise InvalidInput(f"invalid quarter {text!r}: expected YYYY-Qn, e.g. 2024-Q3",
                           field="quarter", value=text)
    year, quarter = int(year_text), int(quarter_text)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return Period(from_=start, to=end - dt.timedelta(days=1))


def range_period(start: dt.date, end: dt.date) -> Period:
    if start > end:
        raise InvalidInput(f"invalid period: from {start} is after to {end}", field="from",
                           value=str(start))
    return Period(from_=start, to=end)


# --- the queries ---------------------------------------------------------------------------


def _count_if(condition):  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _petition_query(period: Period, subtree):  # type: ignore[no-untyped-def]
    p = Petition.__table__.c
    start, end = period.from_, period.to
    case_ = p.duplicate_of_id.is_(None)
    due = and_(case_, p.competence == Competence.own.value,
               or_(p.outcome.is_(None), p.outcome != Outcome.dismissed.value))
    closed_by_end = and_(p.closed_on.is_not(None), p.closed_on <= end)
    resolved = and_(due, closed_by_end,
                    p.outcome.in_([Outcome.resolved.value, Outcome.withdrawn.value]))
    still_open = and_(due, or_(p.closed_on.is_(None), p.closed_on > end))
    received = p.received_on >= start

    def closed_as(outcome: Outcome):  # type: ignore[no-untyped-def]
        return and_(case_, closed_by_end, p.outcome == outcome.value)

    figures = {
        "received": _count_if(received),
        "duplicates": _count_if(and_(received, ~case_)),
        "due": _count_if(due),
        "carried_over": _count_if(and_(due, p.received_on < start)),
        "resolved": _count_if(resolved),
        "withdrawn": _count_if(and_(resolved, p.outcome == Outcome.withdrawn.value)),
        "on_time": _count_if(and_(resolved, p.closed_on <= p.due_on)),
        "open_at_end": _count_if(still_open),
        "overdue_at_end": _count_if(and_(still_open, p.due_on < end)),
        "guided": _count_if(closed_as(Outcome.guided)),
        "forwarded": _count_if(closed_as(Outcome.forwarded)),
        "dismissed": _count_if(closed_as(Outcome.dismissed)),
    }
    columns = [p.locality_id, p.kind] + [expr.label(name) for name, expr in figures.items()]
    return (
        select(*columns)
        .where(p.locality_id.in_(subtree), p.received_on <= end,
               or_(p.closed_on.is_(None), p.closed_on >= start))
        .group_by(p.locality_id, p.kind)
    )


def _activity_query(table, period: Period, subtree, body: str | None):  # type: ignore[no-untyped-def]
    c = table.__table__.c
    columns = [c.locality_id, func.count().label("count"),
               func.coalesce(func.sum(c.citizens), 0).label("citizens")]
    if "delegations" in c:
        columns.append(func.coalesce(func.sum(c.delegations), 0).label("delegations"))
    query = select(*columns).where(c.locality_id.in_(subtree), c.date >= period.from_,
                                   c.date <= period.to)
    if body:
        query = query.where(c.body == body)
    return query.group_by(c.locality_id)


# --- assembling ----------------------------------------------------------------------------


def build_report(session: Session, *, period: Period, locality: str | None = None,
                 body: str | None = None) -> Report:
    """The report for a period and a locality's subtree (default: the whole tree)."""
    tops, parts = _scope(session, locality)
    loc = Locality.__table__.c
    prefix = tops.path if tops is not None else "/"
    subtree = select(loc.id).where(loc.path.startswith(prefix))
    # Which direct child (by index in parts) each locality of the subtree rolls up to: the
    # path segment after the reported locality's own path names it.
    index_of = {str(part.id): i for i, part in enumerate(parts)}
    part_of: dict[int, int | None] = {
        locality_id: index_of.get(path[len(prefix):].split("/", 1)[0])
        for locality_id, path in session.execute(select(loc.id, loc.path).where(
            loc.path.startswith(prefix)))
    }

    total = _empty_figures(_ref(tops))
    children = [_empty_figures(_ref(part)) for part in parts]

    def targets(locality_id: int) -> list[LocalityFigures]:
        index = part_of.get(locality_id)
        return [total] if index is None else [total, children[index]]

    for row in session.execute(_petition_query(period, subtree)).mappings():
        figures = PetitionFigures(**{name: int(row[name]) for name in COUNTED})
        for target in targets(row["locality_id"]):
            target.petitions.add(figures)
            target.petitions.by_kind[row["kind"]].add(figures)
    for table, attribute in ((Meeting, "meetings"), (Dialogue, "dialogues")):
        for row in session.execute(_activity_query(table, period, subtree, body)).mappings():
            for target in targets(row["locality_id"]):
                block = getattr(target, attribute)
                for name in type(block).model_fields:
                    setattr(block, name, getattr(block, name) + int(row[name]))
    return Report(
        period=period.model_dump_public(), locality=total.locality, meetings=total.meetings,
        dialogues=total.dialogues, petitions=total.petitions, by_locality=children,
    )


def _scope(session: Session, locality: str | None) -> tuple[Locality | None, list[Locality]]:
    """The reported locality and its direct children; with none given, the tree's root(s)."""
    from dantrack.services.localities import children

    if locality:
        top = resolve_locality(session, locality)
        return top, children(session, top)
    tree_roots = roots(session)
    if len(tree_roots) == 1:
        return tree_roots[0], children(session, tree_roots[0])
    return None, tree_roots


def _ref(locality: Locality | None) -> LocalityRef:
    if locality is None:
        return LocalityRef(code=None, name="All localities")
    return LocalityRef(code=locality.code, name=locality.name)


def _empty_figures(ref: LocalityRef) -> LocalityFigures:
    return LocalityFigures(
        locality=ref, meetings=MeetingFigures(), dialogues=DialogueFigures(),
        petitions=PetitionBlock(by_kind={kind.value: PetitionFigures() for kind in PetitionKind}),
    )

