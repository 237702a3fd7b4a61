"""The conditions and measures of the petition forms (XLD, KQGQ) in SQL, over one petition
row `t` (an alias, so that a duplicate's original can be judged by the same conditions).

The terms are FORMS.md's: a petition is processed on the day it was classified — accepted for
resolution (accepted_on, competence own) or closed as guided, forwarded, chased or dismissed
(its close date); eligible unless dismissed; carried over when received before the period and
not processed (XLD) or not resolved (KQGQ) before it began. Every condition is written so
that it is true or false, never NULL, so that "!name" is its exact complement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Date, Float, Integer, String, and_, case, column, false, func, or_, table

from dantrack.periods import Period
from dantrack.vocab import OUTSIDE_COMPETENCE, Competence, Outcome

# The register's columns the forms read (the full definition is models.Petition).
petition = table(
    "petition",
    column("id", Integer), column("locality_id", Integer), column("kind", String),
    column("received_on", Date), column("accepted_on", Date), column("closed_on", Date),
    column("due_on", Date), column("competence", String), column("outcome", String),
    column("verdict", String), column("duplicate_of_id", Integer), column("field", String),
    column("prior", String), column("round", Integer), column("reply_on", Date),
    *(column(name, Float) for name in ("recovered_money", "recovered_land", "returned_money",
                                       "returned_land")),
    *(column(name, Integer) for name in ("returned_orgs", "returned_people", "disciplined",
                                         "disciplined_officials", "prosecuted_cases",
                                         "prosecuted_people")),
)
AMOUNTS = frozenset(c.name for c in petition.c if isinstance(c.type, (Float, Integer))) - {
    "id", "locality_id", "duplicate_of_id", "round"}
OUTSIDE = tuple(sorted(o.value for o in OUTSIDE_COMPETENCE))
CLASSIFYING = (*OUTSIDE, Outcome.dismissed.value)
SETTLED = (Outcome.resolved.value, Outcome.withdrawn.value)
# Columns a "column:value|…" condition may name.
EQUALS = frozenset({"kind", "field", "prior", "round", "outcome", "verdict", "competence"})


def _outcome(t: Any) -> Any:
    return func.coalesce(t.c.outcome, "")


def processed_on(t: Any) -> Any:
    """The day a petition was classified, NULL while it is not."""
    accepted = and_(t.c.competence == Competence.own.value, _outcome(t).not_in(CLASSIFYING))
    return case((accepted, func.coalesce(t.c.accepted_on, t.c.closed_on)), else_=t.c.closed_on)


def _between(value: Any, period: Period) -> Any:
    return and_(value.is_not(None), value >= period.from_, value <= period.to)


def _conditions(t: Any, period: Period) -> dict[str, Callable[[], Any]]:
    start, end = period.from_, period.to
    done = processed_on(t)
    before = t.c.received_on < start
    return {
        "received": lambda: t.c.received_on >= start,
        # The petitions in question: XLD's (to be processed) and KQGQ's (to be resolved).
        "to_process": lambda: or_(t.c.received_on >= start,
                                  and_(before, or_(done.is_(None), done >= start))),
        "to_resolve": lambda: or_(t.c.received_on >= start,
                                  and_(before, or_(t.c.closed_on.is_(None),
                                                   t.c.closed_on >= start))),
        "processed": lambda: and_(done.is_not(None), done <= end),
        "eligible": lambda: _outcome(t) != Outcome.dismissed.value,
        "outside": lambda: _outcome(t).in_(OUTSIDE),
        "settled": lambda: and_(_between(t.c.closed_on, period), _outcome(t).in_(SETTLED)),
        "on_time": lambda: and_(t.c.closed_on.is_not(None), t.c.closed_on <= t.c.due_on),
        "reply": lambda: _between(t.c.reply_on, period),
        "original": lambda: t.c.duplicate_of_id.is_(None),
    }


def condition(t: Any, period: Period, names: tuple[str, ...]) -> Any:
    """All the named conditions on row t (true when there are none)."""
    table_of = _conditions(t, period)
    parts = [_one(t, table_of, name) for name in names]
    return and_(*parts) if parts else ~false()


def _one(t: Any, table_of: dict[str, Callable[[], Any]], name: str) -> Any:
    if name.startswith("!"):
        return ~_one(t, table_of, name[1:])
    key, _, values = name.partition(":")
    if values:
        if key not in EQUALS:
            raise ValueError(f"form declaration: no column {key!r} to compare")
        chosen = [int(v) if key == "round" else v for v in values.split("|")]
        return func.coalesce(t.c[key], "").in_(chosen) if key in ("outcome", "verdict") \
            else t.c[key].in_(chosen)
    if name not in table_of:
        raise ValueError(f"form declaration: no condition {name!r}")
    return table_of[name]()
