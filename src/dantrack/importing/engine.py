"""The importer: validate each row with the CLI's models, write new rows in batches."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlmodel import Session

from dantrack import db, lookup, records, tables
from dantrack.deadlines import due_on
from dantrack.errors import Conflict, DantrackError
from dantrack.importing import bulk
from dantrack.importing.conflicts import Conflicts
from dantrack.importing.model import (
    BATCH,
    CLOSE_FIELDS,
    EVENT_COLUMNS,
    MAX_REPORTED,
    PETITION_COLUMNS,
    TABLE,
    ImportFailed,
    NeedsDatabase,
    ParentRef,
    Pending,
    Problem,
    RowProblem,
    Summary,
    close_changes,
    may_be_denunciation,
)
from dantrack.models import Dialogue, Meeting, Petition, PetitionEvent
from dantrack.readers import Row
from dantrack.schemas import (
    SECRET_FIELDS,
    Closure,
    DialogueCreate,
    LocalityCreate,
    MeetingCreate,
    PetitionCreate,
    describe_error,
    format_value,
)
from dantrack.services import history
from dantrack.services.petitions import check_close_out
from dantrack.services.refs import generated_number
from dantrack.text import fold
from dantrack.vocab import (
    OUTSIDE_COMPETENCE,
    PetitionKind,
)


class Importer(Conflicts):
    def __init__(self, session: Session, kind: str, on_conflict: str, ignore_extra: bool,
                 summary: Summary) -> None:
        self.session = session
        self.kind = kind
        self.on_conflict = on_conflict
        self.ignore_extra = ignore_extra
        self.summary = summary
        self.known = set(records.COLUMNS[kind])
        self.pending: list[Pending] = []
        self.pending_keys: set[str] = set()
        self.errors: list[str] = []
        self.error_count = 0
        self.conflicts: list[str] = []
        self.localities: dict[str, tuple[int, str, str]] = {}
        self.operator = history.operator()
        self.stamp = history.now()
        self.source_note = {"source": "import", "file": os.path.basename(summary.source)}
        self.created_changes = history.encode(self.source_note)
        self.prepare = getattr(self, f"_prepare_{kind}")

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
                self._error(*problem)

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
            return self.prepare(row.label, values)
        except RowProblem as problem:
            return [(row.label, problem.column, problem.value, problem.reason)]
        except ValidationError as exc:
            secret = self.kind == "petitions" and may_be_denunciation(values)
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
        key = record.get("code" if self.kind == "localities" else "ref")
        if self.pending_keys and any(
                record.get(name) in self.pending_keys
                for name in ("ref", "code", "duplicate_of", "parent") if record.get(name)):
            self.flush()
        self.pending.append(item)
        if key:
            self.pending_keys.add(key)
        if len(self.pending) >= BATCH or self.kind == "localities":
            self.flush()

    def _error(self, label: str, column: str | None, value: Any, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            where = f"{label}, {column}" if column else label
            shown = f" {format_value(value)}" if value is not None else ""
            self.errors.append(f"{where}{shown}: {reason}")

    def load_localities(self) -> None:
        """Every locality by code: what files mostly carry (a few thousand)."""
        loc = tables.locality.c
        self.localities = {code: (locality_id, code, path) for locality_id, code, path in
                           self.session.execute(select(loc.id, loc.code, loc.path))}

    def _locality(self, text: str, column: str = "locality") -> tuple[int, str, str]:
        """(id, code, path) of a locality named in a row, cached for the run."""
        if not self.localities and self.kind != "localities" and self.session is not None:
            self.load_localities()
        if text not in self.localities:
            if self.session is None:  # checking in a process without the database
                raise NeedsDatabase(text)
            try:
                row = lookup.resolve_locality(self.session, text)
            except DantrackError as exc:
                raise RowProblem(column, text, exc.message) from None
            self.localities[text] = (row.id, row.code, row.path)
        return self.localities[text]

    # --- preparing rows: validate with the CLI's models, then the exchange form -----------

    def _prepare_localities(self, label: str, values: dict[str, Any]) -> Pending:
        data = LocalityCreate.model_validate(values)
        parent = self._locality(data.parent, "parent")[1] if data.parent else None
        record = {"code": data.code, "name": data.name, "level": data.level.lower(),
                  "parent": parent}
        return Pending(label, record, {"data": data})

    def _prepare_meetings(self, label: str, values: dict[str, Any]) -> Pending:
        data = MeetingCreate.model_validate(values)
        locality_id, code, _ = self._locality(data.locality)
        record = {**data.model_dump(mode="json"), "locality": code}
        return Pending(label, record, {"locality_id": locality_id, "date": data.date})

    def _prepare_dialogues(self, label: str, values: dict[str, Any]) -> Pending:
        data = DialogueCreate.model_validate(values)
        locality_id, code, _ = self._locality(data.locality)
        record = {**data.model_dump(mode="json"), "locality": code}
        return Pending(label, record, {"locality_id": locality_id, "date": data.date})

    def _prepare_petitions(self, label: str, values: dict[str, Any]) -> Pending:
        # The close-out columns are checked with the close command's model, after the rest.
        closing = {name: values.pop(name) for name in CLOSE_FIELDS if name in values}
        data = PetitionCreate.model_validate(values)
        try:
            locality_id, code, _ = self._locality(data.locality)
        except NeedsDatabase:
            values.update(closing)  # the row goes back whole, to be checked where the database is
            raise
        accepted_on = data.accepted_on or data.received_on
        if accepted_on < data.received_on:
            raise RowProblem("accepted_on", values.get("accepted_on"),
                             f"is before received_on {data.received_on}")
        closure = self._closure(data.kind, data.received_on, closing)
        # The exchange form (records.COLUMNS["petitions"]), built field by field: the same
        # values as data.model_dump(mode="json"), without its cost on every row.
        record = {
            "ref": data.ref, "kind": data.kind.value, "received_on": data.received_on.isoformat(),
            "locality": code, "channel": data.channel.value, "petitioner": data.petitioner,
            "id_number": data.id_number, "phone": data.phone, "address": data.address,
            "signatories": data.signatories, "subject": data.subject, "meeting": data.meeting,
            "competence": "other" if closure["outcome"] in OUTSIDE_COMPETENCE
            else data.competence.value,
            "accepted_on": accepted_on.isoformat(), "complex": data.complex,
            "remote": data.remote, "duplicate_of": data.duplicate_of, **closure,
        }
        extra = {"locality_id": locality_id,
                 "due_on": due_on(data.kind, accepted_on, complex=data.complex,
                                  remote=data.remote)}
        return Pending(label, record, extra)

    def _prepare_closures(self, label: str, values: dict[str, Any]) -> Pending:
        ref = values.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            raise RowProblem("ref", ref, "is required")
        return Pending(label, {"ref": ref.strip(), **{k: values.get(k) for k in CLOSE_FIELDS}})

    def _closure(self, kind: PetitionKind, received_on: dt.date,
                 given: dict[str, Any]) -> dict[str, Any]:
        """The close-out columns of a row, checked against the petition's kind and dates."""
        if not given:
            return {"closed_on": None, "outcome": None, "verdict": None, "note": ""}
        for required in ("closed_on", "outcome"):
            if required not in given:
                raise RowProblem(required, None, "is required when the row closes the petition")
        closure = Closure.model_validate(given)
        try:
            verdict = check_close_out(kind, received_on, closure)
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
        key = "code" if self.kind == "localities" else "ref"
        keys = [p.record[key] for p in batch if p.record.get(key)]
        # Most rows of a large import are new: find which keys are stored with a light query,
        # and read whole records (to compare) only for those.
        table = TABLE["petitions" if self.kind == "closures" else self.kind].__table__
        stored = records.existing(self.session, self.kind,
                                  sorted(bulk.ids_by_key(self.session, table, key, keys)))
        new: list[Pending] = []
        for item in batch:
            current = stored.get(item.record.get(key)) if item.record.get(key) else None
            if self.kind == "closures":
                self._close(item, current)
            elif current is None:
                new.append(item)
            else:
                self._compare(item, current)
        if new:
            getattr(self, f"_insert_{self.kind}")(new)

    def _refs(self, table: type, refs: Iterable[str | None]) -> dict[str, int]:
        return bulk.ids_by_key(self.session, table.__table__,  # type: ignore[attr-defined]
                               "ref", [r for r in refs if r])

    def _assign_refs(self, items: list[Pending], prefix: str, date_key: str) -> None:
        """New refs for rows without one (a block per year); given refs move the sequence."""
        by_year: dict[int, list[Pending]] = {}
        highest: dict[int, int] = {}
        for item in items:
            if not item.record.get("ref"):
                by_year.setdefault(int(item.record[date_key][:4]), []).append(item)
            elif parsed := generated_number(prefix, item.record["ref"]):
                highest[parsed[0]] = max(highest.get(parsed[0], 0), parsed[1])
        for year, number in highest.items():
            db.claim_number(self.session, prefix, year, number)
        for year, group in by_year.items():
            first = db.reserve_numbers(self.session, prefix, year, len(group))
            for offset, item in enumerate(group):
                item.record["ref"] = f"{prefix}{year}-{first + offset:05d}"
            self.summary.without_ref += len(group)

    def _insert_localities(self, items: list[Pending]) -> None:
        from dantrack.services.localities import insert_locality

        for item in items:
            parent = None
            if item.record["parent"]:
                parent_id, _, parent_path = self._locality(item.record["parent"])
                parent = ParentRef(parent_id, parent_path)
            insert_locality(self.session, item.values["data"], parent)  # type: ignore[arg-type]
            self.summary.inserted += 1

    def _insert_meetings(self, items: list[Pending]) -> None:
        self._assign_refs(items, "M", "date")
        rows = [{**{k: v for k, v in item.record.items() if k != "locality"},
                 "date": item.values["date"], "locality_id": item.values["locality_id"]}
                for item in items]
        self.session.execute(insert(Meeting.__table__), rows)
        self.summary.inserted += len(rows)

    def _insert_dialogues(self, items: list[Pending]) -> None:
        petitions = self._refs(Petition, (i.record["petition"] for i in items))
        ready = []
        for item in items:
            ref = item.record["petition"]
            if ref and ref not in petitions:
                self._error(item.label, "petition", ref, "no petition with this ref")
                continue
            ready.append(item)
        self._assign_refs(ready, "D", "date")
        rows = [{**{k: v for k, v in item.record.items() if k not in ("locality", "petition")},
                 "date": item.values["date"], "locality_id": item.values["locality_id"],
                 "petition_id": petitions.get(item.record["petition"])} for item in ready]
        if rows:
            self.session.execute(insert(Dialogue.__table__), rows)
        self.summary.inserted += len(rows)

    def _insert_petitions(self, items: list[Pending]) -> None:
        meetings = self._refs(Meeting, (i.record["meeting"] for i in items))
        originals = self._refs(Petition, (i.record["duplicate_of"]
                                                           for i in items))
        ready = []
        for item in items:
            missing = [(column, item.record[column]) for column, found in
                       (("meeting", meetings), ("duplicate_of", originals))
                       if item.record[column] and item.record[column] not in found]
            if missing:
                column, ref = missing[0]
                noun = "meeting" if column == "meeting" else "petition"
                self._error(item.label, column, ref, f"no {noun} with this ref")
                continue
            ready.append(item)
        self._assign_refs(ready, "P", "received_on")
        if not ready:
            return
        # The ids are taken first, so that the history rows can name them without reading the
        # petitions back.
        ids = bulk.reserve_ids(self.session, Petition.__table__, len(ready))
        rows = [(id_, *self._petition_values(item, meetings, originals))
                for item, id_ in zip(ready, ids, strict=True)]
        bulk.bulk_insert(self.session, Petition.__table__, ("id", *PETITION_COLUMNS), rows)
        created = (self.stamp, self.operator, "created", self.created_changes)
        events = []
        for item, petition_id in zip(ready, ids, strict=True):
            events.append((petition_id, *created))
            if item.record["outcome"]:
                events.append((petition_id, self.stamp, self.operator, "closed",
                               history.encode(close_changes(item.record))))
        bulk.bulk_insert(self.session, PetitionEvent.__table__, EVENT_COLUMNS, events)
        self.summary.inserted += len(rows)

    def _petition_values(self, item: Pending, meetings: dict[str, int],
                         originals: dict[str, int]) -> tuple[Any, ...]:
        """A row's values for PETITION_COLUMNS (dates as ISO text)."""
        r = item.record
        return (
            r["ref"], r["kind"], r["received_on"], item.values["locality_id"], r["channel"],
            r["petitioner"], r["id_number"], r["phone"], r["address"], r["signatories"],
            r["subject"], meetings.get(r["meeting"]), r["competence"], r["accepted_on"],
            r["complex"], r["remote"], originals.get(r["duplicate_of"]),
            item.values["due_on"].isoformat(), r["closed_on"], r["outcome"], r["verdict"],
            r["note"], fold(r["petitioner"]), fold(r["subject"]),
        )

    def _event(self, petition_id: int, action: str, changes: dict[str, Any]) -> dict[str, Any]:
        return {"petition_id": petition_id, "at": self.stamp, "operator": self.operator,
                "action": action, "changes": history.encode(changes)}

    # --- the end ---------------------------------------------------------------------------

    def finish(self) -> None:
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
                f"{'code' if self.kind == 'localities' else 'ref'}; nothing was imported "
                "(--on-conflict update or skip to accept them):\n  "
                + "\n  ".join(shown + ([f"and {more} more"] if more > 0 else [])))
