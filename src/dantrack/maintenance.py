"""Looking after the database itself: integrity and rule checks (backups: dantrack.backup).

Part of the db layer, so it may know SQLite from PostgreSQL. On SQLite a check runs PRAGMA
integrity_check (or quick_check) and PRAGMA foreign_key_check, then the domain's invariants;
on PostgreSQL the server guards its own storage and foreign keys, so only the invariants run.
Every check reads inside one transaction, so a check made while clerks write sees one
consistent state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from dantrack import checks
from dantrack.db import Database
from dantrack.errors import DantrackError
from dantrack.faults import is_damaged
from dantrack.limits import GENERATED_REF
from dantrack.vocab import (
    VERDICTS_BY_KIND,
    Channel,
    Competence,
    Outcome,
    PetitionKind,
)


@dataclass(frozen=True)
class Finding:
    """One thing wrong: which check found it, the record's ref (if any) and what is wrong."""

    check: str
    ref: str | None
    message: str

    def line(self) -> str:
        return f"{self.ref}: {self.message}" if self.ref else f"{self.check}: {self.message}"


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "checks": self.checks,
                "counts": self.counts, "notes": self.notes,
                "findings": [{"check": f.check, "ref": f.ref, "message": f.message}
                             for f in self.findings]}


def _tables() -> Any:
    from dantrack import models

    class T:
        locality = models.Locality.__table__
        meeting = models.Meeting.__table__
        dialogue = models.Dialogue.__table__
        petition = models.Petition.__table__
        event = models.PetitionEvent.__table__
        sequence = models.RefSequence.__table__

    return T


# --- checks ----------------------------------------------------------------------------------


def check_database(database: Database, *, quick: bool = False, limit: int = 100) -> CheckResult:
    """Run every check; at most `limit` findings per check are listed (0: no limit), the rest
    are summed up in one more line."""
    from sqlalchemy.exc import DatabaseError

    result = CheckResult()
    try:
        with database.connection() as connection:
            _check_all(result, connection, database.dialect, quick=quick, limit=limit)
    except DantrackError as exc:  # a damaged file may fail even as the transaction ends
        if not isinstance(exc.__context__, DatabaseError) or not is_damaged(exc.__context__):
            raise
        result.findings.append(Finding("integrity", None, f"the file cannot be read: "
                                                          f"{exc.__context__.orig}"))
        result.problems += 1
    return result


def _check_all(result: CheckResult, connection: Connection, dialect: str, *, quick: bool,
               limit: int) -> None:
    if dialect == "sqlite":
        _run(result, "integrity", limit, lambda: _integrity(connection, quick=quick))
        _run(result, "foreign_keys", limit, lambda: _foreign_keys(connection))
    else:
        result.notes.append(
            f"storage integrity and foreign keys of a {dialect} database are the server's "
            "job (e.g. amcheck, and pg_dump for backups); checked the domain's rules only")
    if any(f.check == "integrity" for f in result.findings):
        result.notes.append("the domain's rules were not checked: the file is damaged")
        return
    for name, check in DOMAIN_CHECKS:
        _run(result, name, limit, lambda check=check: check(connection))
    result.counts = _counts(connection)


def _run(result: CheckResult, name: str, limit: int,
         check: Callable[[], Iterator[Finding]]) -> None:
    """Run one check; it may report under several names (one scan, several rules)."""
    from sqlalchemy.exc import DatabaseError

    result.checks.append(name)
    found: dict[str, int] = {}
    try:
        for finding in check():
            found[finding.check] = found.get(finding.check, 0) + 1
            if not limit or found[finding.check] <= limit:
                result.findings.append(finding)
    except DatabaseError as exc:
        found[name] = found.get(name, 0) + 1
        result.findings.append(Finding(name, None, f"could not be checked: {exc.orig}"))
    except ValueError:  # a stored value its column's type cannot read: the types check names it
        found[name] = found.get(name, 0) + 1
        result.findings.append(Finding(name, None, "could not be checked: a stored value has "
                                                   "the wrong type (see the types check)"))
    result.problems += sum(found.values())
    for check_name, count in found.items():
        if limit and count > limit:
            result.findings.append(Finding(check_name, None, f"… and {count - limit} more"))


def _counts(connection: Connection) -> dict[str, int]:
    t = _tables()
    return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in (("localities", t.locality), ("meetings", t.meeting),
                                ("dialogues", t.dialogue), ("petitions", t.petition))}


def _integrity(connection: Connection, *, quick: bool) -> Iterator[Finding]:
    pragma = "quick_check" if quick else "integrity_check"
    for (message,) in connection.exec_driver_sql(f"PRAGMA {pragma}"):
        for line in message.splitlines():
            if line != "ok" and not line.startswith("*** in database"):
                yield Finding("integrity", None, line)


def _foreign_keys(connection: Connection) -> Iterator[Finding]:
    t = _tables()
    by_name = {table.name: table for table in (t.locality, t.meeting, t.dialogue, t.petition,
                                                t.event)}
    for table_name, rowid, parent, fkid in connection.exec_driver_sql(
            "PRAGMA foreign_key_check").all():
        columns = {row[0]: row[3] for row in connection.exec_driver_sql(
            f"PRAGMA foreign_key_list({table_name})")}
        column = columns.get(fkid, "?")
        name = (_name_row(connection, by_name.get(table_name), rowid)
                or f"{table_name} row {rowid}")
        yield Finding("foreign_keys", name, f"{column} points to a missing {parent}")


def _name_row(connection: Connection, table: Any, row_id: int | None) -> str | None:
    """A record's ref (or a locality's code, or an event's petition) for a message."""
    if table is None or row_id is None:
        return None
    t = _tables()
    if table is t.event:
        petition_id = connection.execute(
            select(t.event.c.petition_id).where(t.event.c.id == row_id)).scalar()
        ref = connection.execute(select(t.petition.c.ref).where(
            t.petition.c.id == petition_id)).scalar()
        return f"{ref} (history event {row_id})" if ref else f"history event {row_id}"
    key = table.c.code if table is t.locality else table.c.ref
    return connection.execute(select(key).where(table.c.id == row_id)).scalar()


def _refs(connection: Connection, query: Any, message: Callable[..., str],
          check: str) -> Iterator[Finding]:
    for row in connection.execute(query):
        yield Finding(check, row[0], message(*row[1:]))


def _unique_refs(connection: Connection) -> Iterator[Finding]:
    t = _tables()
    # Locality codes may be reused over time: checks.localities checks them by day.
    for noun, table, key in (("meeting ref", t.meeting, t.meeting.c.ref),
                             ("dialogue ref", t.dialogue, t.dialogue.c.ref),
                             ("petition ref", t.petition, t.petition.c.ref)):
        query = (select(key, func.count()).select_from(table).group_by(key)
                 .having(func.count() > 1).order_by(key))
        yield from _refs(connection, query, lambda n, noun=noun: f"{noun} used {n} times",
                         "unique_refs")


def _history_starts(connection: Connection) -> Iterator[Finding]:
    t = _tables()
    p, e = t.petition, t.event
    first = (select(e.c.petition_id, func.min(e.c.id).label("first_id"))
             .group_by(e.c.petition_id).subquery())
    first_event = aliased(e)
    query = (select(p.c.ref, first_event.c.action)
             .outerjoin(first, first.c.petition_id == p.c.id)
             .outerjoin(first_event, first_event.c.id == first.c.first_id)
             .where(or_(first_event.c.action.is_(None), first_event.c.action != "created"))
             .order_by(p.c.ref))
    yield from _refs(connection, query,
                     lambda action: "has no history" if action is None
                     else f"history starts with {action!r}, not 'created'", "history")


# Rules about one petition row at a time: (check, condition, message from the row). They run
# as one scan, each condition a labelled column, so a clean table costs a single pass.
def _row_rules() -> list[tuple[str, Any, Callable[[Any], str]]]:
    p = _tables().petition
    fitting = [and_(p.c.kind == kind.value, p.c.verdict.in_([v.value for v in verdicts]))
               for kind, verdicts in VERDICTS_BY_KIND.items() if verdicts]
    rules: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("closed_outcome", and_(p.c.closed_on.is_not(None), p.c.outcome.is_(None)),
         lambda r: f"closed on {r.closed_on} without an outcome"),
        ("closed_outcome", and_(p.c.closed_on.is_(None),
                                or_(p.c.outcome.is_not(None), p.c.verdict.is_not(None))),
         lambda r: "open, but has " + ", ".join(
             f"{name} {value}" for name, value in (("outcome", r.outcome),
                                                   ("verdict", r.verdict)) if value)),
        ("close_date", p.c.closed_on < p.c.received_on,
         lambda r: f"closed on {r.closed_on}, before it was received ({r.received_on})"),
        ("close_date", p.c.accepted_on < p.c.received_on,
         lambda r: f"accepted on {r.accepted_on}, before it was received ({r.received_on})"),
        ("verdicts", and_(p.c.verdict.is_not(None), not_(or_(*fitting))),
         lambda r: f"verdict {r.verdict} does not fit a {r.kind}"),
        ("verdicts", and_(p.c.verdict.is_not(None), or_(p.c.outcome.is_(None),
                                                         p.c.outcome != Outcome.resolved.value)),
         lambda r: f"verdict {r.verdict} given with "
         f"{f'outcome {r.outcome}' if r.outcome else 'no outcome'}, not resolved"),
        ("vocabulary", p.c.signatories < 1,
         lambda r: f"{r.signatories} signatories (at least 1)"),
        ("vocabulary", p.c.duplicate_of_id == p.c.id,
         lambda r: "marked as a duplicate of itself"),
    ]
    for column, enum in ((p.c.kind, PetitionKind), (p.c.channel, Channel),
                         (p.c.competence, Competence), (p.c.outcome, Outcome)):
        rules.append(("vocabulary",
                      and_(column.is_not(None), column.not_in([m.value for m in enum])),
                      lambda r, name=column.name: f"unknown {name} {getattr(r, name)!r}"))
    return rules


def _petition_rows(connection: Connection) -> Iterator[Finding]:
    p = _tables().petition
    rules = _row_rules()
    flags = [condition.label(f"rule_{i}") for i, (_, condition, _) in enumerate(rules)]
    query = (select(p.c.ref, p.c.kind, p.c.channel, p.c.competence, p.c.received_on,
                    p.c.accepted_on, p.c.closed_on, p.c.outcome, p.c.verdict, p.c.signatories,
                    *flags)
             .where(or_(*(condition for _, condition, _ in rules))).order_by(p.c.ref))
    for row in connection.execute(query):
        for i, (check, _, message) in enumerate(rules):
            if row._mapping[f"rule_{i}"]:
                yield Finding(check, row.ref, message(row))


def _counts_not_negative(connection: Connection) -> Iterator[Finding]:
    t = _tables()
    for table, columns in ((t.meeting, ("citizens", "delegations")), (t.dialogue, ("citizens",))):
        for name in columns:
            yield from _refs(connection, select(table.c.ref, table.c[name]).where(
                table.c[name] < 0).order_by(table.c.ref),
                lambda n, name=name: f"{name} is negative ({n})", "vocabulary")


def _sequences(connection: Connection) -> Iterator[Finding]:
    """Each ref sequence is past every generated-looking ref, or the next add would collide."""
    t = _tables()
    highest: dict[tuple[str, int], tuple[int, str]] = {}
    for prefix, table in (("M", t.meeting), ("D", t.dialogue), ("P", t.petition)):
        for (ref,) in connection.execute(select(table.c.ref).where(
                table.c.ref.like(f"{prefix}____-%"))):
            if (m := GENERATED_REF.match(ref)) and m[1] == prefix:
                key, number = (prefix, int(m[2])), int(m[3])
                if number > highest.get(key, (0, ""))[0]:
                    highest[key] = (number, ref)
    last = {(prefix, year): value for prefix, year, value in connection.execute(
        select(t.sequence.c.prefix, t.sequence.c.year, t.sequence.c.last))}
    for key, (number, ref) in sorted(highest.items()):
        if last.get(key, 0) < number:
            yield Finding("sequences", ref, f"the {key[0]}{key[1]} ref sequence stands at "
                          f"{last.get(key, 0)}, behind this ref: new refs would collide")


def _locality_paths(connection: Connection) -> Iterator[Finding]:
    from dantrack import lookup

    yield from _refs(connection, lookup.misplaced(connection),
                     lambda path, parent_id: f"tree path {path!r} does not match its parent",
                     "locality_tree")


def _stored_types(connection: Connection) -> Iterator[Finding]:
    """SQLite: every value of the wrong type for its column (PostgreSQL enforces the types)."""
    if connection.dialect.name != "sqlite":
        return
    from dantrack.stored import dantrack_tables, wrong_types

    for wrong in wrong_types(connection, dantrack_tables()):
        yield Finding("types", wrong.row, wrong.message())


DOMAIN_CHECKS: tuple[tuple[str, Callable[[Connection], Iterator[Finding]]], ...] = (
    ("unique_refs", _unique_refs),
    ("petitions", _petition_rows),
    ("counts", _counts_not_negative),
    ("history", _history_starts),
    ("deadlines", checks.deadlines),
    ("sequences", _sequences),
    ("locality_tree", _locality_paths),
    ("duplicates", checks.duplicate_links),
    ("refs", checks.key_characters),
    ("dates", checks.future_dates),
    ("secrecy", checks.secrecy),
    ("localities", checks.localities),
    ("visits", checks.meeting_totals),
    ("types", _stored_types),
)


# The backup's earlier home: `maintenance.backup` goes on working.
from dantrack.backup import BackupResult, backup, refuse_server_backup  # noqa: E402, F401
