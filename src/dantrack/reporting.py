"""Resolution-rate reports (SPEC §2): read-only SQL aggregation into typed report objects.

The petition figures come from one grouped query over the covering index ix_petition_report
(locality, kind, received_on, …): every petition that can count in a period [from, to] was
received by its end and not closed before its start, so that range bounds the scan, and each
figure is a filtered count. The groups (one per locality and kind, a few thousand at most) are
then added up to the reported locality and its direct children — never a loop over petitions.

Only SQLAlchemy Core is used here, so a report starts without loading the ORM. Periods are
dantrack.periods'; the ones reports always had are named here too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from dantrack import lookup, tables
from dantrack.periods import Period, quarter_period, range_period, year_period  # noqa: F401
from dantrack.vocab import Competence, Outcome, PetitionKind

KINDS = tuple(kind.value for kind in PetitionKind)
COUNTED = (
    "received", "duplicates", "due", "carried_over", "resolved", "withdrawn", "on_time",
    "open_at_end", "overdue_at_end", "guided", "forwarded", "chased", "dismissed",
)


@dataclass
class LocalityRef:
    code: str | None
    name: str


@dataclass
class MeetingFigures:
    count: int = 0
    citizens: int = 0
    delegations: int = 0


@dataclass
class DialogueFigures:
    count: int = 0
    citizens: int = 0


@dataclass
class PetitionFigures:
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
    chased: int = 0
    dismissed: int = 0


@dataclass
class PetitionBlock(PetitionFigures):
    by_kind: dict[str, PetitionFigures] = field(default_factory=dict)


@dataclass
class LocalityFigures:
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock


@dataclass
class Report:
    period: dict[str, str]
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock
    by_locality: list[LocalityFigures]

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of SPEC §2, keys in the documented order."""
        return asdict(self)


PETITION_FIGURES = tuple(f.name for f in fields(PetitionFigures))


def rate(resolved: int, due: int) -> float | None:
    """100 × resolved / due, rounded half-up to one decimal; None when nothing was due."""
    if due == 0:
        return None
    value = (Decimal(100 * resolved) / Decimal(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


# --- the queries ---------------------------------------------------------------------------


def _petition_query(period: Period, subtree):  # type: ignore[no-untyped-def]
    p = tables.petition.c
    start, end = period.from_, period.to
    a_case = p.duplicate_of_id.is_(None)
    due = and_(a_case, p.competence == Competence.own.value,
               or_(p.outcome.is_(None), p.outcome != Outcome.dismissed.value))
    closed_by_end = and_(p.closed_on.is_not(None), p.closed_on <= end)
    resolved = and_(due, closed_by_end,
                    p.outcome.in_([Outcome.resolved.value, Outcome.withdrawn.value]))
    still_open = and_(due, or_(p.closed_on.is_(None), p.closed_on > end))
    received = p.received_on >= start

    def closed_as(outcome: Outcome):  # type: ignore[no-untyped-def]
        return and_(a_case, closed_by_end, p.outcome == outcome.value)

    conditions = {
        "received": received,
        "duplicates": and_(received, ~a_case),
        "due": due,
        "carried_over": and_(due, p.received_on < start),
        "resolved": resolved,
        "withdrawn": and_(resolved, p.outcome == Outcome.withdrawn.value),
        "on_time": and_(resolved, p.closed_on <= p.due_on),
        "open_at_end": still_open,
        "overdue_at_end": and_(still_open, p.due_on < end),
        "guided": closed_as(Outcome.guided),
        "forwarded": closed_as(Outcome.forwarded),
        "chased": closed_as(Outcome.chased),
        "dismissed": closed_as(Outcome.dismissed),
    }
    # COUNT(*) FILTER (WHERE …) is standard SQL, on SQLite and PostgreSQL alike.
    counts = [func.count().filter(conditions[name]).label(name) for name in COUNTED]
    return (
        select(p.locality_id, p.kind, *counts)
        # Naming every kind lets the index serve (locality, kind, received_on) ranges in
        # order, so the grouping needs no sort.
        .where(p.locality_id.in_(subtree), p.kind.in_(KINDS), p.received_on <= end,
               or_(p.closed_on.is_(None), p.closed_on >= start))
        .group_by(p.locality_id, p.kind)
    )


def _activity_query(table, period: Period, subtree, body: str | None):  # type: ignore[no-untyped-def]
    c = table.c
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


def build_report(connection: Any, *, period: Period, locality: str | None = None,
                 body: str | None = None) -> Report:
    """The report for a period and a locality's subtree (default: the whole tree).

    connection: an SQLAlchemy connection or session.
    """
    top, parts = scope(connection, locality, period)
    # Which units the report counts, and the direct child each rolls up to.
    part_of = lookup.territory(connection, top, parts)
    subtree = list(part_of) if top is not None else lookup.subtree(None)
    # Sums per (target, kind): target 0 is the reported locality, i + 1 its i-th child.
    sums: dict[tuple[int, str], list[int]] = {}
    for row in connection.execute(_petition_query(period, subtree)):
        index = part_of.get(row[0])
        for target in (0,) if index is None else (0, index + 1):
            acc = sums.setdefault((target, row[1]), [0] * len(COUNTED))
            for i, value in enumerate(row[2:]):
                acc[i] += value
    activity: dict[tuple[int, str], list[int]] = {}
    for name, table in (("meetings", tables.meeting), ("dialogues", tables.dialogue)):
        for row in connection.execute(_activity_query(table, period, subtree, body)):
            index = part_of.get(row[0])
            for target in (0,) if index is None else (0, index + 1):
                acc = activity.setdefault((target, name), [0] * (len(row) - 1))
                for i, value in enumerate(row[1:]):
                    acc[i] += value
    entries = [_entry(target, ref, sums, activity)
               for target, ref in enumerate([_ref(top)] + [_ref(part) for part in parts])]
    total = entries[0]
    return Report(period=period.as_dict(), locality=total.locality, meetings=total.meetings,
                  dialogues=total.dialogues, petitions=total.petitions, by_locality=entries[1:])


def _entry(target: int, ref: LocalityRef, sums: dict, activity: dict) -> LocalityFigures:
    by_kind = {kind: _figures(PetitionFigures, sums.get((target, kind))) for kind in KINDS}
    totals = [sum(column) for column in zip(*(sums.get((target, kind), [0] * len(COUNTED))
                                              for kind in KINDS), strict=True)]
    return LocalityFigures(
        locality=ref,
        meetings=MeetingFigures(*activity.get((target, "meetings"), [])),
        dialogues=DialogueFigures(*activity.get((target, "dialogues"), [])),
        petitions=_figures(PetitionBlock, totals, by_kind=by_kind),
    )


def _figures(cls, counts: list[int] | None, **extra: Any):  # type: ignore[no-untyped-def]
    values = dict(zip(COUNTED, counts or [0] * len(COUNTED), strict=True))
    return cls(**values, resolution_rate=rate(values["resolved"], values["due"]), **extra)


def scope(connection: Any, locality: str | None,
           period: Period) -> tuple[Any | None, list[Any]]:
    """The reported locality (what its code or name means on the period's last day) and its
    direct children valid during the period; with none given, the tree's root(s)."""
    during = (period.from_, period.to)
    if locality:
        top = lookup.resolve(connection, locality, on=period.to)
        return top, lookup.children(connection, top.id, during)
    # One root ever: its report. Else the whole tree, whose parts are the roots valid during
    # the period (an ended root's records roll into its successors).
    roots = lookup.children(connection, None)
    if len(roots) == 1:
        return roots[0], lookup.children(connection, roots[0].id, during)
    return None, lookup.children(connection, None, during)


def _ref(locality: Any | None) -> LocalityRef:
    if locality is None:
        return LocalityRef(code=None, name="All localities")
    return LocalityRef(code=locality.code, name=locality.name)
