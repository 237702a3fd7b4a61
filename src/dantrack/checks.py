"""db check's rules about what earlier versions accepted and this one refuses (issue 10):
duplicate links that form a cycle or point to a later petition, refs and codes that are not
printable ASCII, dates after today, and denunciations whose identity is not marked secret.

Each check is a function of a Core connection yielding maintenance.Finding, listed in
maintenance.DOMAIN_CHECKS; none shows a stored identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from dantrack import clock
from dantrack.text import is_key

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from dantrack.maintenance import Finding


def _tables() -> Any:
    from dantrack.maintenance import _tables as tables

    return tables()


def _finding(check: str, ref: str | None, message: str) -> Finding:
    from dantrack.maintenance import Finding

    return Finding(check, ref, message)


def duplicate_links(connection: Connection) -> Iterator[Finding]:
    """A duplicate repeats an earlier petition, and no chain of duplicates comes back to
    where it started (such petitions would all drop out of `due`)."""
    p = _tables().petition
    original = aliased(p)
    later = (select(p.c.ref, original.c.ref, original.c.received_on, p.c.received_on)
             .join(original, original.c.id == p.c.duplicate_of_id)
             .where(original.c.received_on > p.c.received_on).order_by(p.c.ref))
    for ref, original_ref, original_on, received_on in connection.execute(later):
        yield _finding("duplicates", ref, f"duplicate of {original_ref}, which was received "
                       f"later ({original_on}, this on {received_on})")
    links = dict(connection.execute(select(p.c.id, p.c.duplicate_of_id)
                                    .where(p.c.duplicate_of_id.is_not(None))).all())
    on_cycle: set[int] = set()
    for start in links:
        seen: list[int] = []
        current: int | None = start
        while current in links and current not in seen and current not in on_cycle:
            seen.append(current)
            current = links[current]
        if current in seen:
            on_cycle.update(seen[seen.index(current):])
    if on_cycle:
        refs = dict(connection.execute(select(p.c.id, p.c.ref).where(
            p.c.id.in_(sorted(on_cycle)))).all())
        for id_ in sorted(on_cycle, key=lambda i: refs[i]):
            yield _finding("duplicates", refs[id_], f"duplicate of {refs_of(links, refs, id_)}"
                           ", on a cycle of duplicates that comes back to it")


def refs_of(links: dict[int, int], refs: dict[int, str], id_: int) -> str:
    return refs.get(links[id_], str(links[id_]))


def key_characters(connection: Connection) -> Iterator[Finding]:
    """Refs and codes in printable ASCII: an invisible or look-alike character makes two refs
    that read the same."""
    t = _tables()
    for noun, column in (("locality code", t.locality.c.code),
                         ("meeting ref", t.meeting.c.ref),
                         ("dialogue ref", t.dialogue.c.ref),
                         ("petition ref", t.petition.c.ref)):
        for (value,) in connection.execute(select(column).order_by(column)):
            if not is_key(value):
                yield _finding("refs", ascii(value)[1:-1], f"{noun} with characters other "
                               "than printable ASCII (invisible or look-alike characters)")


def future_dates(connection: Connection) -> Iterator[Finding]:
    """Nothing recorded as having happened is dated after today (in Vietnam)."""
    t = _tables()
    today = clock.today()
    p = t.petition.c
    for name in ("received_on", "accepted_on", "closed_on"):
        for ref, value in connection.execute(select(p.ref, p[name]).where(p[name] > today)
                                             .order_by(p.ref)):
            yield _finding("dates", ref, f"{name} {value} is after today ({today})")
    for table in (t.meeting, t.dialogue):
        for ref, value in connection.execute(select(table.c.ref, table.c.date).where(
                table.c.date > today).order_by(table.c.ref)):
            yield _finding("dates", ref, f"date {value} is after today ({today})")


def secrecy(connection: Connection) -> Iterator[Finding]:
    """Every denunciation, and every petition linked by duplicate_of to a secret one, is
    marked secret (a database written by another tool may have missed it)."""
    p = _tables().petition
    other = aliased(p)
    unmarked_link = or_(
        select(other.c.id).where(other.c.id == p.c.duplicate_of_id,
                                 other.c.secret.is_(True)).exists(),
        select(other.c.id).where(other.c.duplicate_of_id == p.c.id,
                                 other.c.secret.is_(True)).exists())
    query = (select(p.c.ref, p.c.kind).where(and_(p.c.secret.is_(False), or_(
        p.c.kind == "denunciation", unmarked_link))).order_by(p.c.ref))
    for ref, kind in connection.execute(query):
        why = "a denunciation" if kind == "denunciation" else "linked to a secret petition"
        yield _finding("secrecy", ref, f"{why}, but its petitioner's identity is not marked "
                       "secret")
    yield from _visit_secrecy(connection, p)


def _visit_secrecy(connection: Connection, p: Any) -> Iterator[Finding]:
    """A visit about a denunciation or a secret petition has its visitor marked secret."""
    from dantrack.models import Visit

    v = Visit.__table__
    query = (select(v.c.ref, v.c.kind).outerjoin(p, p.c.id == v.c.petition_id)
             .where(v.c.secret.is_(False),
                    or_(v.c.kind == "denunciation", p.c.secret.is_(True))).order_by(v.c.ref))
    for ref, kind in connection.execute(query):
        why = "about a denunciation" if kind == "denunciation" else "about a secret petition"
        yield _finding("secrecy", ref, f"a visit {why}, but its visitor's identity is not "
                       "marked secret")


def localities(connection: Connection) -> Iterator[Finding]:
    """Units over time keep SPEC §1: periods, codes unique on each day, successors valid the
    day after their predecessor's end; and every record lies in a unit valid on its date."""
    from dantrack import lookup, records, tables
    from dantrack.kinds import KINDS

    for code, problem in lookup.inconsistencies(connection):
        yield _finding("localities", code, problem)
    for kind in KINDS.values():
        if not kind.exported or kind.date is None:
            continue
        table = records.table_of(kind.name)
        query = (select(table.c.ref, table.c[kind.date], tables.locality.c.code)
                 .join(tables.locality, tables.locality.c.id == table.c.locality_id)
                 .where(lookup.outside_validity(table.c[kind.date])).order_by(table.c.ref))
        for ref, day, code in connection.execute(query):
            yield _finding("localities", ref, f"dated {day}, placed in locality {code}, "
                           "which is not valid on that day")


def meeting_totals(connection: Connection) -> Iterator[Finding]:
    """A meeting with visits has their sums as its totals: citizens the people received,
    delegations the group visits (a database written by another tool may differ)."""
    from sqlalchemy import case, func

    from dantrack.models import Visit

    m, v = _tables().meeting, Visit.__table__
    sums = (select(v.c.meeting_id, func.sum(v.c.people).label("people"),
                   func.sum(case((v.c.group.is_(True), 1), else_=0)).label("groups"))
            .group_by(v.c.meeting_id).subquery())
    query = (select(m.c.ref, m.c.citizens, m.c.delegations, sums.c.people, sums.c.groups)
             .join(sums, sums.c.meeting_id == m.c.id)
             .where(or_(m.c.citizens != sums.c.people, m.c.delegations != sums.c.groups))
             .order_by(m.c.ref))
    for ref, citizens, delegations, people, groups in connection.execute(query):
        if not all(isinstance(n, int) for n in (citizens, delegations, people, groups)):
            continue  # a value of the wrong type is the stored-type scan's, never echoed
        yield _finding("visits", ref, f"citizens {citizens} and delegations {delegations}, but "
                       f"its visits received {people} people in {groups} groups")


def deadlines(connection: Connection) -> Iterator[Finding]:
    """due_on follows the deadline rule: an open petition's on the calendar in force (or on
    Monday to Friday, as it was counted before revision 0006), a closed one's on a calendar
    that was in force (it keeps the deadline it closed with). Grouped first: a few thousand
    distinct combinations stand for any number of petitions."""
    from dantrack.deadlines import WORKING_DAY_KINDS, due_on
    from dantrack.services.workcalendar import versions
    from dantrack.vocab import PetitionKind

    p = _tables().petition.c
    calendars = versions(connection)
    keys = (p.kind, p.accepted_on, p.complex, p.remote, p.extended_days, p.suspended_days,
            p.due_on, p.closed_on.is_(None).label("open"))
    wrong = []
    for row in connection.execute(select(*keys).group_by(*keys)):
        kind, accepted_on, complex_, remote, extended, suspended, due, open_ = row
        if kind not in PetitionKind._value2member_map_ or accepted_on is None:
            continue
        # Only a deadline counted in working days depends on the calendar.
        tried = (calendars[-1:] if kind not in WORKING_DAY_KINDS
                 else [calendars[0], calendars[-1]] if open_ else calendars)
        rule = [due_on(kind, accepted_on, complex=bool(complex_), remote=bool(remote),
                       calendar=calendar, extended_days=extended, suspended_days=suspended)
                for calendar in tried]
        if due not in rule:
            wrong.append((row, rule[-1]))
    for row, expected in wrong:
        query = select(p.ref).where(
            p.kind == row.kind, p.accepted_on == row.accepted_on, p.complex == row.complex,
            p.remote == row.remote, p.extended_days == row.extended_days,
            p.suspended_days == row.suspended_days, p.due_on == row.due_on,
            p.closed_on.is_(None) if row.open else p.closed_on.is_not(None)).order_by(p.ref)
        for (ref,) in connection.execute(query):
            yield _finding("deadlines", ref, f"due on {row.due_on}, but the deadline rule "
                           f"gives {expected}")
