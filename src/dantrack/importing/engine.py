"""The importer: validate each row with the CLI's models, write new rows in batches.

What differs between kinds of record lives in importing.rows (ROWS, one object per kind of
dantrack.kinds.KINDS); this class holds what they share and never asks which kind it imports.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlmodel import Session

from dantrack import clock, lookup, records, sequences, tables
from dantrack.errors import Conflict, DantrackError
from dantrack.importing import bulk
from dantrack.importing.model import (
    BATCH,
    MAX_REPORTED,
    ImportFailed,
    NeedsDatabase,
    Pending,
    Problem,
    RowProblem,
    Summary,
)
from dantrack.importing.rows import ROWS
from dantrack.kinds import KINDS, Kind
from dantrack.models import Petition, PetitionEvent
from dantrack.readers import Row
from dantrack.schemas import SECRET_FIELDS, TODAY, Closure, describe_error, format_value
from dantrack.services import closeout, history, secrecy
from dantrack.services.refs import generated_number
from dantrack.vocab import PetitionKind

# The columns by which a row names a record (its own key, or another's).
NAMING = ("ref", "code", "duplicate_of", "parent")


class Importer:
    def __init__(self, session: Session, kind: str, on_conflict: str, ignore_extra: bool,
                 summary: Summary, *, reveal: bool = False,
                 revealed: list[int] | None = None) -> None:
        self.session = session
        self.kind = kind
        self.rows = ROWS[kind]
        # Comparing or changing a secret petition's identity needs --reveal; the ids of the
        # petitions so compared go to `revealed`, for the caller to record (services.secrecy).
        self.reveal = reveal
        self.revealed = revealed if revealed is not None else []
        # New petitions linked as duplicates: their secrecy is spread once all are written.
        self.linked: list[int] = []
        self.on_conflict = on_conflict
        self.ignore_extra = ignore_extra
        self.summary = summary
        self.known = set(KINDS[kind].columns)
        self.pending: list[Pending] = []
        self.pending_keys: set[str] = set()
        self.errors: list[str] = []
        self.error_count = 0
        self.conflicts: list[str] = []
        self.localities: dict[str, list[Any]] = {}  # by code: the units that had it
        self.always: dict[str, tuple[int, str]] = {}  # by code: (id, code), see load_localities
        # Localities written, whose ends (successors) are recorded once the file is in.
        self.ends: list[tuple[str, int, Any]] = []
        self.operator = history.operator()
        self.stamp = history.now()
        self.source_note = {"source": "import", "file": os.path.basename(summary.source)}
        self.created_changes = history.encode(self.source_note)
        self.context = {TODAY: clock.today()}  # one today for every row's dates
        # The database's working calendar, read once (before a checking process is forked)
        # for every row's deadline.
        from dantrack.services.workcalendar import load

        self.calendar = load(session)

    # --- intake ------------------------------------------------------------------------

    def add(self, row: Row) -> None:
        self.take(self.check(row))

    def take(self, checked: Pending | list[Problem]) -> None:
        """Count a checked row, and queue it for writing or record its problems."""
        self.summary.rows += 1
        if isinstance(checked, Pending):
            self.accept(checked)
        else:
            for problem in checked:
                self.error(*problem)

    def check(self, row: Row) -> Pending | list[Problem]:
        """A row validated and in the exchange form, or its problems. Reads the database only
        to look up a locality that is not among the codes loaded at the start."""
        if row.problem:
            return [(row.label, None, None, row.problem)]
        values = row.values
        if not self.known.issuperset(values):
            extra = [name for name in values if name not in self.known]
            if not self.ignore_extra:
                more = f" (nor are {len(extra) - 1:,} more keys)" if len(extra) > 1 else ""
                name = extra[0] if len(extra[0]) <= 40 else extra[0][:40] + "…"
                return [(row.label, name, None, "is not a known column" + more)]
            values = {k: v for k, v in values.items() if k in self.known}
        try:
            return self.rows.prepare(self, row.label, values)
        except RowProblem as problem:
            return [(row.label, problem.column, problem.value, problem.reason)]
        except ValidationError as exc:
            secret = self.rows.may_be_secret(values)
            problems: list[Problem] = []
            for error in exc.errors():
                column, value, reason = describe_error(error)
                if secret and column in SECRET_FIELDS:
                    value = None  # a denouncer's identity is never echoed, even when wrong
                problems.append((row.label, column, value, reason))
            return problems

    def accept(self, item: Pending) -> None:
        """Queue a checked row for writing (a batch at a time)."""
        record = item.record
        key = record.get(self.rows.kind.key)
        # A row naming one that waits in the batch (as a duplicate, a parent) follows it once
        # written. (map and filter: no Python frame per name, on every row.)
        if self.pending_keys and not self.pending_keys.isdisjoint(
                filter(None, map(record.get, NAMING))):
            self.flush()
        self.pending.append(item)
        if key:
            self.pending_keys.add(key)
        if len(self.pending) >= BATCH or self.rows.one_by_one:
            self.flush()

    def error(self, label: str, column: str | None, value: Any, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            where = f"{label}, {column}" if column else label
            shown = f" {format_value(value)}" if value is not None else ""
            self.errors.append(f"{where}{shown}: {reason}")

    def load_localities(self) -> None:
        """Every unit by code, each code with the units that have had it: what files mostly
        carry (a few thousand); with the name, which a refusal of an ended unit gives."""
        loc = tables.locality.c
        self.localities = {}
        for row in self.session.execute(select(loc.id, loc.code, loc.name, loc.valid_from,
                                               loc.valid_to)):
            self.localities.setdefault(row.code, []).append(row)
        # A code that only one unit has had, valid always, means that unit on every day
        # (lookup.pick could choose no other): most files name only such units, and they are
        # found without weighing each row's date.
        self.always = {code: (units[0].id, code) for code, units in self.localities.items()
                       if len(units) == 1 and units[0].valid_from is None
                       and units[0].valid_to is None}

    def locality(self, text: str, column: str = "locality",
                 on: dt.date | None = None) -> tuple[int, str]:
        """(id, code) of the unit a row names: what its code or name means on the row's date
        (default today), which must be valid then."""
        if not self.localities and self.rows.caches_localities and self.session is not None:
            self.load_localities()
        if self.rows.caches_localities and (always := self.always.get(text)) is not None:
            return always
        day = on or self.context[TODAY]
        units = self.localities.get(text) if self.rows.caches_localities else None
        row = lookup.pick(units, day) if units else None
        if row is None:
            if self.session is None:  # checking in a process without the database
                raise NeedsDatabase(text)
            try:
                row = lookup.resolve(self.session, text, on=day)
            except DantrackError as exc:
                raise RowProblem(column, text, exc.message) from None
        if on is not None and not lookup.valid_on(row, on):
            if self.session is None:  # the message names successors: the database has them
                raise NeedsDatabase(text)
            try:
                lookup.require_valid(self.session, row, on, field=column)
            except DantrackError as exc:
                raise RowProblem(column, text, exc.reason) from None
        return row.id, row.code

    def closure(self, kind: PetitionKind, received_on: dt.date,
                given: dict[str, Any]) -> dict[str, Any]:
        """The close-out columns of a row, checked against the petition's kind and dates."""
        if not given:
            return {"closed_on": None, "outcome": None, "verdict": None, "note": ""}
        for required in ("closed_on", "outcome"):
            if required not in given:
                raise RowProblem(required, None, "is required when the row closes the petition")
        closure = Closure.model_validate(given, context=self.context)
        try:
            verdict = closeout.check_close_out(kind, received_on, closure)
        except DantrackError as exc:
            raise RowProblem(exc.field or "outcome", given.get(exc.field or "outcome"),
                             exc.reason) from None
        return {"closed_on": closure.closed_on.isoformat(), "outcome": closure.outcome.value,
                "verdict": verdict.value if verdict else None, "note": closure.note}

    # --- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        batch, self.pending, self.pending_keys = self.pending, [], set()
        if not batch:
            return
        new: list[Pending] = []
        for item, current in zip(batch, self.rows.stored(self, batch), strict=True):
            self.rows.meet(self, item, current, new)
        if new:
            self.rows.insert(self, new)

    def stored_by_key(self, batch: list[Pending]) -> list[dict[str, Any] | None]:
        """What is stored under each row's key (in the exchange form), or None."""
        key = self.rows.kind.key
        keys = [p.record[key] for p in batch if p.record.get(key)]
        # Most rows of a large import are new: find which keys are stored with a light query,
        # and read whole records (to compare) only for those.
        table = records.table_of(self.kind)
        stored = records.existing(self.session, self.kind,
                                  sorted(bulk.ids_by_key(self.session, table, key, keys)))
        return [stored.get(item.record.get(key)) if item.record.get(key) else None
                for item in batch]

    def compare(self, item: Pending, current: dict[str, Any]) -> None:
        """A row whose key is stored: unchanged, skipped, a conflict, or an update."""
        changes = {k: [current.get(k), v] for k, v in item.record.items()
                   if current.get(k) != v}
        if not changes:
            self.summary.unchanged += 1
        elif self.on_conflict == "skip":
            self.summary.skipped += 1
        elif self.on_conflict == "fail":
            self.conflicts.append(f"{item.label}: {next(iter(item.record.values()))} "
                                  f"({', '.join(changes)} differ)")
        else:
            try:
                self.rows.update(self, item, current, changes)
            except RowProblem as problem:
                self.error(item.label, problem.column, problem.value, problem.reason)
                return
            self.summary.updated += 1

    def write_closeout(self, current: dict[str, Any], closure: dict[str, Any]) -> None:
        """Close a stored petition as the command line does (services.closeout); a close-out
        that replaces another is a reopen followed by a close, both in the history."""
        state = closeout.state_of(current)
        steps = []
        if current["outcome"] is not None:
            note = self.source_note
            steps.append(closeout.reopen(
                state, f"updated by {note['source']} from {note['file']}",
                history.last_close(self.session, current["id"])))
            state = closeout.after(state, steps[-1])
        steps.append(closeout.close(state, Closure.model_validate(closure,
                                                                  context=self.context)))
        values = {name: value for step in steps for name, value in step.values.items()}
        table = Petition.__table__
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        self.session.execute(insert(PetitionEvent.__table__), [
            self.event(current["id"], step.action, {**step.changes, **self.source_note})
            for step in steps])

    def refs(self, model: type, refs: Iterable[str | None]) -> dict[str, int]:
        return bulk.ids_by_key(self.session, model.__table__,  # type: ignore[attr-defined]
                               "ref", [r for r in refs if r])

    def assign_refs(self, items: list[Pending], kind: Kind,
                    year_of: Callable[[Pending], int] | None = None) -> None:
        """New refs for rows without one (a block per year: of the row's date, or year_of for
        a kind dated by another record); given refs move the sequence."""
        prefix, date_key = kind.prefix, kind.date
        assert prefix is not None and (date_key is not None or year_of), kind.name
        by_year: dict[int, list[Pending]] = {}
        highest: dict[int, int] = {}
        for item in items:
            if not item.record.get("ref"):
                year = year_of(item) if year_of else int(item.record[date_key][:4])
                by_year.setdefault(year, []).append(item)
            elif parsed := generated_number(prefix, item.record["ref"]):
                highest[parsed[0]] = max(highest.get(parsed[0], 0), parsed[1])
        for year, number in highest.items():
            sequences.claim_number(self.session, prefix, year, number)
        for year, group in by_year.items():
            first = sequences.reserve_numbers(self.session, prefix, year, len(group))
            for offset, item in enumerate(group):
                item.record["ref"] = f"{prefix}{year}-{first + offset:05d}"
            self.summary.without_ref += len(group)

    def event(self, petition_id: int, action: str, changes: dict[str, Any]) -> dict[str, Any]:
        return {"petition_id": petition_id, "at": self.stamp, "operator": self.operator,
                "action": action, "changes": history.encode(changes)}

    # --- the end ---------------------------------------------------------------------------

    def finish(self) -> None:
        self.rows.finish(self)
        if self.linked and not self.error_count:
            secrecy.spread(self.session, self.linked)
        if self.error_count:
            more = self.error_count - len(self.errors)
            lines = self.errors + ([f"and {more} more"] if more > 0 else [])
            rows = "row" if self.error_count == 1 else "rows"
            raise ImportFailed(f"{self.error_count} invalid {rows} in {self.summary.source}; "
                               "nothing was imported:\n  " + "\n  ".join(lines))
        if self.conflicts:
            shown = self.conflicts[:MAX_REPORTED]
            more = len(self.conflicts) - len(shown)
            raise Conflict(
                f"{len(self.conflicts)} rows differ from what is stored under the same "
                f"{self.rows.kind.key}; nothing was imported "
                "(--on-conflict update or skip to accept them):\n  "
                + "\n  ".join(shown + ([f"and {more} more"] if more > 0 else [])))
