"""Resolution-rate reports (SPEC §2): read-only SQL aggregation into typed report objects.

The petition figures come from one grouped query over the covering index ix_petition_report
(locality, kind, received_on, …): every petition that can count in a period [from, to] was
received by its end and not closed before its start, so that range bounds the scan, and each
figure is a filtered count. The whole tree's report needs no locality filter (SQLite then
skips through the same index, unit by unit and kind by kind). The groups (one per locality and
kind, a few thousand at most) are then added up to the reported locality and its direct
children — never a loop over petitions. Meetings are counted the same way, per locality, kind
and body.

Only SQLAlchemy Core is used here, so a report starts without loading the ORM. Periods are
dantrack.periods'; the ones reports always had are named here too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from dantrack import lookup, tables
from dantrack.periods import (  # noqa: F401  (re-exported: reporting is where callers look)
    Period,
    a_year_earlier,
    quarter_period,
    range_period,
    year_period,
)
from dantrack.vocab import (
    VERDICTS_BY_KIND,
    Body,
    Competence,
    MeetingKind,
    Outcome,
    PetitionKind,
    Verdict,
)

KINDS = tuple(kind.value for kind in PetitionKind)
COUNTED = (
    "received", "duplicates", "due", "carried_over", "resolved", "withdrawn", "on_time",
    "open_at_end", "overdue_at_end", "guided", "forwarded", "chased", "dismissed",
)
VERDICTS = tuple(verdict.value for verdict in Verdict)
# The verdicts each kind's figures report: complaints and denunciations have their own.
KIND_VERDICTS = {kind.value: tuple(v for v in VERDICTS if Verdict(v) in VERDICTS_BY_KIND[kind])
                 for kind in PetitionKind}
MEETING_KINDS = tuple(kind.value for kind in MeetingKind)
BODIES = tuple(body.value for body in Body)


@dataclass
class LocalityRef:
    code: str | None
    name: str


@dataclass
class ActivityCounts:
    count: int = 0
    citizens: int = 0
    delegations: int = 0


@dataclass
class MeetingFigures(ActivityCounts):
    by_kind: dict[str, ActivityCounts] = field(default_factory=dict)
    by_body: dict[str, ActivityCounts] = field(default_factory=dict)


@dataclass
class DialogueFigures:
    count: int = 0
    citizens: int = 0


@dataclass
class PetitionCounts:
    """The figures of SPEC §2, in its order (the JSON keys every report has had)."""

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
class PetitionFigures(PetitionCounts):
    """A kind's figures: the counts, then (added later, so after them) the on-time rate and
    the resolved cases by verdict (empty for kinds that have none)."""

    on_time_rate: float | None = None
    verdicts: dict[str, int] = field(default_factory=dict)


@dataclass
class PetitionBlock(PetitionCounts):
    by_kind: dict[str, PetitionFigures] = field(default_factory=dict)
    on_time_rate: float | None = None
    verdicts: dict[str, int] = field(default_factory=dict)


@dataclass
class LocalityFigures:
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock


@dataclass
class Comparison:
    """The reported locality's totals for the same period a year earlier, and the change
    (now − then; rates in percentage points, null when either is null)."""

    period: dict[str, str]
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock
    change: dict[str, Any]


@dataclass
class Report:
    period: dict[str, str]
    locality: LocalityRef
    meetings: MeetingFigures
    dialogues: DialogueFigures
    petitions: PetitionBlock
    by_locality: list[LocalityFigures]
    compare: Comparison | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of SPEC §2, keys in the documented order; `compare` only when
        asked for."""
        data = asdict(self)
        if data["compare"] is None:
            del data["compare"]
        return data


PETITION_FIGURES = tuple(f.name for f in fields(PetitionCounts))


def rate(resolved: int, due: int) -> float | None:
    """100 × resolved / due, rounded half-up to one decimal; None when nothing was due."""
    if due == 0:
        return None
    value = (Decimal(100 * resolved) / Decimal(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


# --- the queries ---------------------------------------------------------------------------


def _petition_query(period: Period, subtree):  # type: ignore[no-untyped-def]
    """Counts per locality and kind: COUNTED, then the resolved cases by verdict (VERDICTS).
    subtree: the locality ids counted, or None for every locality (the whole tree)."""
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
        "overdue_at_end": and_(still_open, p.due_on < end,
                               ~tables.suspended_on_day(p, end)),
        "guided": closed_as(Outcome.guided),
        "forwarded": closed_as(Outcome.forwarded),
        "chased": closed_as(Outcome.chased),
        "dismissed": closed_as(Outcome.dismissed),
    }
    # The verdict first: most rows have none, so the rest of the condition is seldom tried.
    conditions |= {verdict: and_(p.verdict == verdict, p.outcome == Outcome.resolved.value,
                                 resolved) for verdict in VERDICTS}
    # COUNT(*) FILTER (WHERE …) is standard SQL, on SQLite and PostgreSQL alike.
    counts = [func.count().filter(condition).label(f"n_{name}")
              for name, condition in conditions.items()]
    query = (select(p.locality_id, p.kind, *counts)
             .where(p.received_on <= end, or_(p.closed_on.is_(None), p.closed_on >= start))
             .group_by(p.locality_id, p.kind))
    if subtree is None:
        return query
    # Naming every kind lets ix_petition_report serve (locality, kind, received_on) ranges in
    # order, so the grouping needs no sort.
    return query.where(p.locality_id.in_(subtree), p.kind.in_(KINDS))


def _meeting_query(period: Period, subtree, body: str | None):  # type: ignore[no-untyped-def]
    c = tables.meeting.c
    query = (select(c.locality_id, c.kind, c.body, func.count(),
                    func.coalesce(func.sum(c.citizens), 0),
                    func.coalesce(func.sum(c.delegations), 0))
             .where(c.date >= period.from_, c.date <= period.to)
             .group_by(c.locality_id, c.kind, c.body))
    if subtree is not None:
        query = query.where(c.locality_id.in_(subtree))
    return query.where(c.body == body) if body else query


def _dialogue_query(period: Period, subtree, body: str | None):  # type: ignore[no-untyped-def]
    c = tables.dialogue.c
    query = (select(c.locality_id, func.count(), func.coalesce(func.sum(c.citizens), 0))
             .where(c.date >= period.from_, c.date <= period.to).group_by(c.locality_id))
    if subtree is not None:
        query = query.where(c.locality_id.in_(subtree))
    return query.where(c.body == body) if body else query


# --- assembling ----------------------------------------------------------------------------


def build_report(connection: Any, *, period: Period, locality: str | None = None,
                 body: str | None = None, compare: bool = False) -> Report:
    """The report for a period and a locality's subtree (default: the whole tree); with
    compare, also its totals for the same period a year earlier (a_year_earlier).

    connection: an SQLAlchemy connection or session.
    """
    top, parts = scope(connection, locality, period)
    entries = _entries(connection, period, top, parts, body, whole_tree=not locality)
    total = entries[0]
    report = Report(period=period.as_dict(), locality=total.locality, meetings=total.meetings,
                    dialogues=total.dialogues, petitions=total.petitions,
                    by_locality=entries[1:])
    if compare:
        earlier = a_year_earlier(period)
        # The same unit, whose territory follows its predecessors back in time.
        then = _entries(connection, earlier, top, [], body, whole_tree=not locality)[0]
        report.compare = comparison(earlier, total, then)
    return report


def _entries(connection: Any, period: Period, top: Any | None, parts: list[Any],
             body: str | None, *, whole_tree: bool) -> list[LocalityFigures]:
    """The figures of top (first) and of each of parts, the direct children reported."""
    # Which units the report counts, and the direct child each rolls up to.
    part_of = lookup.territory(connection, top, parts)
    # The whole tree counts every unit: no locality filter (no list of thousands of ids).
    subtree = None if whole_tree else list(part_of)
    petitions = _rollup(connection.execute(_petition_query(period, subtree)), part_of, 1)
    meetings = _rollup(connection.execute(_meeting_query(period, subtree, body)), part_of, 2)
    dialogues = _rollup(connection.execute(_dialogue_query(period, subtree, body)), part_of, 0)
    refs = [_ref(top)] + [_ref(part) for part in parts]
    return [LocalityFigures(locality=ref, meetings=_meetings(target, meetings),
                            dialogues=DialogueFigures(*dialogues.get((target,), [])),
                            petitions=_petitions(target, petitions))
            for target, ref in enumerate(refs)]


def _rollup(rows: Any, part_of: dict[int, int | None], keys: int) -> dict[tuple, list[int]]:
    """Each row (locality id, `keys` key columns, figures…) added to target 0, the reported
    locality, and to target i + 1 when the unit rolls up to its i-th reported child."""
    groups: dict[tuple, list[Any]] = {}
    for row in rows:
        index = part_of.get(row[0])
        key, values = tuple(row[1:1 + keys]), row[1 + keys:]
        groups.setdefault((0, *key), []).append(values)
        if index is not None:
            groups.setdefault((index + 1, *key), []).append(values)
    # Column sums in one pass each (zip, sum): a country's thousands of groups add up quickly.
    return {key: [sum(column) for column in zip(*values, strict=True)]
            for key, values in groups.items()}


def _meetings(target: int, sums: dict[tuple, list[int]]) -> MeetingFigures:
    by_kind = {kind: ActivityCounts() for kind in MEETING_KINDS}
    by_body = {body: ActivityCounts() for body in BODIES}
    for (place, kind, body), values in sums.items():
        if place == target:
            for figures in (by_kind.setdefault(kind, ActivityCounts()),
                            by_body.setdefault(body, ActivityCounts())):
                _add(figures, values)
    total = [sum(getattr(f, name) for f in by_kind.values())
             for name in ("count", "citizens", "delegations")]
    return MeetingFigures(*total, by_kind=by_kind, by_body=by_body)


def _add(figures: ActivityCounts, values: list[int]) -> None:
    figures.count += values[0]
    figures.citizens += values[1]
    figures.delegations += values[2]


def _petitions(target: int, sums: dict[tuple, list[int]]) -> PetitionBlock:
    width = len(COUNTED) + len(VERDICTS)
    by_kind = {kind: _kind_figures(kind, sums.get((target, kind), [0] * width))
               for kind in KINDS}
    totals = [sum(column) for column in zip(*(sums.get((target, kind), [0] * width)
                                              for kind in KINDS), strict=True)]
    values = dict(zip(COUNTED, totals[:len(COUNTED)], strict=True))
    verdicts = {v: sum(f.verdicts.get(v, 0) for f in by_kind.values()) for v in VERDICTS}
    return PetitionBlock(**values, resolution_rate=rate(values["resolved"], values["due"]),
                         by_kind=by_kind, on_time_rate=rate(values["on_time"],
                                                            values["resolved"]),
                         verdicts=verdicts)


def _kind_figures(kind: str, counts: list[int]) -> PetitionFigures:
    values = dict(zip(COUNTED, counts[:len(COUNTED)], strict=True))
    by_verdict = dict(zip(VERDICTS, counts[len(COUNTED):], strict=True))
    return PetitionFigures(**values, resolution_rate=rate(values["resolved"], values["due"]),
                           on_time_rate=rate(values["on_time"], values["resolved"]),
                           verdicts={v: by_verdict[v] for v in KIND_VERDICTS[kind]})


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


# --- a year earlier ------------------------------------------------------------------------


def comparison(earlier: Period, now: LocalityFigures, then: LocalityFigures) -> Comparison:
    parts = ("meetings", "dialogues", "petitions")
    change = {name: change_between(asdict(getattr(now, name)), asdict(getattr(then, name)))
              for name in parts}
    return Comparison(period=earlier.as_dict(), meetings=then.meetings,
                      dialogues=then.dialogues, petitions=then.petitions, change=change)


def change_between(now: Any, then: Any) -> Any:
    """now − then, figure by figure: counts as integers, rates in percentage points (one
    decimal, exact: 44.4 − 33.3 is 11.1), None when either rate is None."""
    if isinstance(now, dict):
        return {key: change_between(value, then[key]) for key, value in now.items()}
    if now is None or then is None:
        return None
    if isinstance(now, int) and isinstance(then, int):
        return now - then
    return float(Decimal(str(now)) - Decimal(str(then)))
