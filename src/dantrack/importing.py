"""Batch import: stream a file, validate each row with the CLI's own models, write in bulk.

One import is one transaction (the caller's session): every row is written or none. Rows are
validated as they stream in and written in batches with SQLAlchemy Core; a batch is written
early when a row refers to a row still waiting in it, so a reference may name anything in the
database or earlier in the same file. `ref` (a locality's `code`) is the identity: a row equal
to what is stored changes nothing, a different one is a conflict handled as --on-conflict says.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Date, insert, select, update
from sqlmodel import Session

from dantrack import db, lookup, records, tables
from dantrack.deadlines import due_on
from dantrack.errors import Conflict, DantrackError, InvalidInput
from dantrack.models import Dialogue, Locality, Meeting, Petition, PetitionEvent
from dantrack.readers import Row, Source
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
from dantrack.services.refs import generated_number
from dantrack.text import fold, parse_choice, strip_prefix
from dantrack.vocab import (
    ALIASES,
    OUTSIDE_COMPETENCE,
    VERDICT_ALIASES,
    VERDICTS_BY_KIND,
    Outcome,
    PetitionKind,
    Verdict,
)

BATCH = 5000
MAX_REPORTED = 100
ON_CONFLICT = ("fail", "update", "skip")
CLOSE_FIELDS = ("closed_on", "outcome", "verdict", "note")
PREFIX = {"meetings": "M", "dialogues": "D", "petitions": "P"}
TABLE = {"localities": Locality, "meetings": Meeting, "dialogues": Dialogue,
         "petitions": Petition}


@dataclass
class Summary:
    kind: str
    source: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    without_ref: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (f"{self.kind} from {self.source}: {self.inserted} inserted, {self.updated} "
                f"updated, {self.unchanged} unchanged, {self.skipped} skipped")
        if self.dry_run:
            text = f"Dry run, nothing written — {text}"
        else:
            text = f"Imported {text}"
        if self.without_ref:
            text += (f" ({self.without_ref} rows without a ref {verb} given new refs: "
                     "importing them again would add them again)")
        return text


class RowProblem(Exception):
    """One problem of one row: the column, the value and why."""

    def __init__(self, column: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Pending:
    label: str
    record: dict[str, Any]  # the exchange form, compared with what is stored
    values: dict[str, Any] = field(default_factory=dict)  # extra values for the insert


class ImportFailed(InvalidInput):
    """Invalid rows: exit 3, nothing written."""


def check_columns(kind: str, columns: list[str], *, ignore_extra: bool) -> None:
    """Before any row is read: duplicated, unknown and missing columns of a CSV header."""
    known = records.COLUMNS[kind]
    duplicated = sorted(name for name, n in Counter(columns).items() if n > 1)
    if duplicated:
        raise InvalidInput(f"duplicated columns: {', '.join(duplicated)}")
    unknown = [name for name in columns if name not in known]
    if unknown and not ignore_extra:
        raise InvalidInput(f"unknown columns: {', '.join(unknown)} (known for {kind}: "
                           f"{', '.join(known)}; --ignore-extra skips unknown columns)")
    missing = sorted(records.REQUIRED[kind] - set(columns))
    if missing:
        raise InvalidInput(f"missing required columns: {', '.join(missing)}")


def run_import(session: Session, *, kind: str, source: Source, on_conflict: str = "fail",
               ignore_extra: bool = False, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> Summary:
    """Import every row of source; raise (and so leave the database as it was) on any problem."""
    if source.columns is not None:
        check_columns(kind, source.columns, ignore_extra=ignore_extra)
    importer = _Importer(session, kind, on_conflict, ignore_extra,
                         Summary(kind=kind, source=source.name, dry_run=dry_run))
    # The modules and objects made so far live as long as the process: set them aside, so
    # that the collector's passes over a long import only walk what the import allocates.
    gc.freeze()
    for row in source.rows():
        importer.add(row)
        if progress is not None and importer.summary.rows % 1000 == 0:
            progress(source.bytes_read)
    importer.flush()
    importer.finish()
    return importer.summary


class _Importer:
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
        self.created_changes = json.dumps(self.source_note, ensure_ascii=False, sort_keys=True)
        self.prepare = getattr(self, f"_prepare_{kind}")

    # --- intake ------------------------------------------------------------------------

    def add(self, row: Row) -> None:
        self.summary.rows += 1
        if row.problem:
            self._error(row.label, None, None, row.problem)
            return
        values = row.values
        extra = [name for name in values if name not in self.known]
        if extra:
            if not self.ignore_extra:
                self._error(row.label, extra[0], None, "is not a known column")
                return
            values = {k: v for k, v in values.items() if k in self.known}
        try:
            item = self.prepare(row.label, values)
        except RowProblem as problem:
            self._error(row.label, problem.column, problem.value, problem.reason)
            return
        except ValidationError as exc:
            secret = self.kind == "petitions" and _may_be_denunciation(values)
            for error in exc.errors():
                column, value, reason = describe_error(error)
                if secret and column in SECRET_FIELDS:
                    value = None  # a denouncer's identity is never echoed, even when wrong
                self._error(row.label, column, value, reason)
            return
        key = item.record.get("code" if self.kind == "localities" else "ref")
        depends = {key} | {item.record.get(name) for name in ("duplicate_of", "parent")}
        if self.pending_keys & (depends - {None}):
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

    def _locality(self, text: str, column: str = "locality") -> tuple[int, str, str]:
        """(id, code, path) of a locality named in a row, cached for the run."""
        if not self.localities and self.kind != "localities":
            # Codes are what files mostly carry: load them all at once (a few thousand).
            loc = tables.locality.c
            self.localities = {code: (locality_id, code, path) for locality_id, code, path in
                               self.session.execute(select(loc.id, loc.code, loc.path))}
        if text not in self.localities:
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
        fields = {k: v for k, v in values.items() if k not in CLOSE_FIELDS}
        data = PetitionCreate.model_validate(fields)
        locality_id, code, _ = self._locality(data.locality)
        accepted_on = data.accepted_on or data.received_on
        if accepted_on < data.received_on:
            raise RowProblem("accepted_on", values.get("accepted_on"),
                             f"is before received_on {data.received_on}")
        record = {**data.model_dump(mode="json"), "locality": code,
                  "accepted_on": accepted_on.isoformat()}
        closure = self._closure(data.kind, data.received_on, values)
        record.update(closure)
        if closure["outcome"] in OUTSIDE_COMPETENCE:
            record["competence"] = "other"
        extra = {"locality_id": locality_id, "received_on": data.received_on,
                 "accepted_on": accepted_on,
                 "due_on": due_on(data.kind, accepted_on, complex=data.complex,
                                  remote=data.remote)}
        return Pending(label, record, extra)

    def _prepare_closures(self, label: str, values: dict[str, Any]) -> Pending:
        ref = values.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            raise RowProblem("ref", ref, "is required")
        return Pending(label, {"ref": ref.strip(), **{k: values.get(k) for k in CLOSE_FIELDS}})

    def _closure(self, kind: PetitionKind, received_on: dt.date,
                 values: dict[str, Any]) -> dict[str, Any]:
        """The close-out columns of a row, checked against the petition's kind and dates."""
        given = {k: values[k] for k in CLOSE_FIELDS if k in values}
        if not given:
            return {"closed_on": None, "outcome": None, "verdict": None, "note": ""}
        for required in ("closed_on", "outcome"):
            if required not in given:
                raise RowProblem(required, None, "is required when the row closes the petition")
        closure = Closure.model_validate(given)
        if closure.closed_on < received_on:
            raise RowProblem("closed_on", values["closed_on"],
                             f"is before received_on {received_on}")
        verdict = None
        if closure.verdict:
            if closure.outcome is not Outcome.resolved:
                raise RowProblem("verdict", closure.verdict, "is given only with outcome "
                                 f"resolved, not {closure.outcome.value}")
            try:
                verdict = parse_choice(Verdict, closure.verdict, VERDICT_ALIASES.get(kind, {}))
            except ValueError as exc:
                raise RowProblem("verdict", closure.verdict, str(exc)) from None
            if verdict not in VERDICTS_BY_KIND[kind]:
                allowed = ", ".join(sorted(v.value for v in VERDICTS_BY_KIND[kind])) or "none"
                raise RowProblem("verdict", closure.verdict,
                                 f"does not fit a {kind.value} (allowed: {allowed})")
        return {"closed_on": closure.closed_on.isoformat(), "outcome": closure.outcome.value,
                "verdict": verdict.value if verdict else None, "note": closure.note}

    # --- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        batch, self.pending, self.pending_keys = self.pending, [], set()
        if not batch:
            return
        key = "code" if self.kind == "localities" else "ref"
        stored = records.existing(self.session, self.kind,
                                  [p.record[key] for p in batch if p.record.get(key)])
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

    def _compare(self, item: Pending, current: dict[str, Any]) -> None:
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
                self._update(item, current, changes)
            except RowProblem as problem:
                self._error(item.label, problem.column, problem.value, problem.reason)
                return
            self.summary.updated += 1

    def _refs(self, table: type, refs: Iterable[str | None]) -> dict[str, int]:
        wanted = sorted({r for r in refs if r})
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update((ref, id_) for ref, id_ in self.session.execute(
                select(table.ref, table.id).where(table.ref.in_(chunk))))
        return found

    def _assign_refs(self, items: list[Pending], prefix: str, date_key: str) -> None:
        """New refs for rows without one (a block per year); given refs move the sequence."""
        by_year: dict[int, list[Pending]] = {}
        highest: dict[int, int] = {}
        for item in items:
            if not item.record.get("ref"):
                by_year.setdefault(item.values[date_key].year, []).append(item)
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
                parent = _Parent(parent_id, parent_path)
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
        rows = [self._petition_row(item, meetings, originals) for item in ready]
        if not rows:
            return
        # One executemany, then the new ids by ref (unique and indexed): RETURNING in bulk
        # would be executed row by row on SQLite to keep the order.
        bulk_insert(self.session, Petition.__table__, rows)
        ids = self._refs(Petition, (item.record["ref"] for item in ready))
        events = []
        for item in ready:
            petition_id = ids[item.record["ref"]]
            events.append(self._event(petition_id, "created", self.created_changes))
            if item.record["outcome"]:
                events.append(self._event(petition_id, "closed", _close_changes(item.record)))
        bulk_insert(self.session, PetitionEvent.__table__, events)
        self.summary.inserted += len(rows)

    def _petition_row(self, item: Pending, meetings: dict[str, int],
                      originals: dict[str, int]) -> dict[str, Any]:
        r, v = item.record, item.values
        return {
            "ref": r["ref"], "kind": r["kind"], "received_on": v["received_on"],
            "locality_id": v["locality_id"], "channel": r["channel"],
            "petitioner": r["petitioner"], "id_number": r["id_number"], "phone": r["phone"],
            "address": r["address"], "signatories": r["signatories"], "subject": r["subject"],
            "meeting_id": meetings.get(r["meeting"]), "competence": r["competence"],
            "accepted_on": v["accepted_on"], "complex": r["complex"], "remote": r["remote"],
            "duplicate_of_id": originals.get(r["duplicate_of"]), "due_on": v["due_on"],
            "closed_on": dt.date.fromisoformat(r["closed_on"]) if r["closed_on"] else None,
            "outcome": r["outcome"], "verdict": r["verdict"], "note": r["note"],
            "petitioner_folded": fold(r["petitioner"]), "subject_folded": fold(r["subject"]),
        }

    def _event(self, petition_id: int, action: str,
               changes: dict[str, Any] | str) -> dict[str, Any]:
        text = changes if isinstance(changes, str) else json.dumps(
            changes, ensure_ascii=False, sort_keys=True)
        return {"petition_id": petition_id, "at": self.stamp, "operator": self.operator,
                "action": action, "changes": text}

    # --- conflicts: updates and closures ---------------------------------------------------

    def _update(self, item: Pending, current: dict[str, Any],
                changes: dict[str, list[Any]]) -> None:
        if self.kind == "localities":
            self._update_locality(item, current)
            return
        table = TABLE[self.kind].__table__
        values = {k: v for k, v in item.record.items() if k in table.c and k != "ref"}
        for name in ("date", "received_on", "accepted_on", "closed_on"):
            if values.get(name):
                values[name] = dt.date.fromisoformat(values[name])
        if self.kind in ("meetings", "dialogues", "petitions"):
            values["locality_id"] = item.values["locality_id"]
        if self.kind == "dialogues":
            found = self._refs(Petition, [item.record["petition"]])
            if item.record["petition"] and item.record["petition"] not in found:
                raise RowProblem("petition", item.record["petition"], "no petition with this ref")
            values["petition_id"] = found.get(item.record["petition"])
        if self.kind == "petitions":
            row = self._petition_row(item, self._refs(Meeting, [item.record["meeting"]]),
                                     self._refs(Petition,
                                                [item.record["duplicate_of"]]))
            if item.record["meeting"] and row["meeting_id"] is None:
                raise RowProblem("meeting", item.record["meeting"], "no meeting with this ref")
            if item.record["duplicate_of"] and row["duplicate_of_id"] is None:
                raise RowProblem("duplicate_of", item.record["duplicate_of"],
                                 "no petition with this ref")
            values = {k: v for k, v in row.items() if k != "ref"}
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        if self.kind == "petitions":
            self.session.execute(insert(PetitionEvent.__table__), [self._event(
                current["id"], "edited", {**changes, **self.source_note})])

    def _update_locality(self, item: Pending, current: dict[str, Any]) -> None:
        data = item.values["data"]
        table = Locality.__table__
        folded = fold(data.name)
        values: dict[str, Any] = {"name": data.name, "level": data.level.lower(),
                                  "name_folded": folded, "bare_folded": strip_prefix(folded)}
        if item.record["parent"] != current["parent"]:
            old_path = self.session.execute(select(table.c.path).where(
                table.c.id == current["id"])).scalar_one()
            parent_id, _, parent_path = (self._locality(item.record["parent"])
                                         if item.record["parent"] else (None, None, "/"))
            if parent_path.startswith(old_path):
                raise RowProblem("parent", item.record["parent"],
                                 "lies inside this locality's own subtree")
            new_path = f"{parent_path}{current['id']}/"
            values["parent_id"] = parent_id
            self._move_subtree(old_path, new_path)
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        self.localities.clear()

    def _move_subtree(self, old_path: str, new_path: str) -> None:
        table = Locality.__table__
        rows = self.session.execute(select(table.c.id, table.c.path).where(
            table.c.path.startswith(old_path))).all()
        for locality_id, path in rows:
            self.session.execute(update(table).where(table.c.id == locality_id)
                                 .values(path=new_path + path[len(old_path):]))

    def _close(self, item: Pending, current: dict[str, Any] | None) -> None:
        """A closures row: close the petition it names, idempotently."""
        ref = item.record["ref"]
        if current is None:
            self._error(item.label, "ref", ref, "no petition with this ref")
            return
        try:
            closure = self._closure(PetitionKind(current["kind"]),
                                    dt.date.fromisoformat(current["received_on"]),
                                    {k: v for k, v in item.record.items()
                                     if k in CLOSE_FIELDS and v is not None})
        except RowProblem as problem:
            self._error(item.label, problem.column, problem.value, problem.reason)
            return
        except ValidationError as exc:
            for error in exc.errors():
                column, value, reason = describe_error(error)
                self._error(item.label, column, value, reason)
            return
        stored = {k: current[k] for k in CLOSE_FIELDS}
        if stored == closure:
            self.summary.unchanged += 1
            return
        if current["outcome"] is not None:
            if self.on_conflict == "skip":
                self.summary.skipped += 1
                return
            if self.on_conflict == "fail":
                differ = ", ".join(k for k in CLOSE_FIELDS if stored[k] != closure[k])
                self.conflicts.append(f"{item.label}: {ref} is closed already ({differ} differ)")
                return
        values: dict[str, Any] = {**closure, "closed_on": dt.date.fromisoformat(
            closure["closed_on"])}
        changes = _close_changes(closure)
        if closure["outcome"] in OUTSIDE_COMPETENCE and current["competence"] != "other":
            values["competence"] = "other"
            changes["competence"] = [current["competence"], "other"]
        table = Petition.__table__
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        self.session.execute(insert(PetitionEvent.__table__), [self._event(
            current["id"], "closed" if current["outcome"] is None else "edited",
            {**changes, **self.source_note})])
        if current["outcome"] is None:
            self.summary.inserted += 1
        else:
            self.summary.updated += 1

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


@dataclass
class _Parent:
    """What insert_locality needs of a parent: its id and path."""

    id: int
    path: str


def _may_be_denunciation(values: dict[str, Any]) -> bool:
    """Whether a row's kind is, or could be, a denunciation (an unreadable kind could)."""
    try:
        return parse_choice(PetitionKind, str(values.get("kind", "")),
                            ALIASES[PetitionKind]) is PetitionKind.denunciation
    except ValueError:
        return True


def _close_changes(record: dict[str, Any]) -> dict[str, Any]:
    changes = {"closed_on": record["closed_on"], "outcome": record["outcome"]}
    if record.get("verdict"):
        changes["verdict"] = record["verdict"]
    if record.get("note"):
        changes["note"] = record["note"]
    return changes


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver, for the hot path of large imports.

    The statement is compiled once by SQLAlchemy for the session's dialect; the rows skip
    SQLAlchemy's per-row parameter processing, which costs more than the insert itself.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    # sqlite3 gets dates as ISO text, as SQLAlchemy would store them.
    dates = {c.name for c in table.c if isinstance(c.type, Date)} \
        if dialect.name == "sqlite" else set()
    if compiled.positional:
        order = list(compiled.positiontup or columns)
        date_at = [i for i, name in enumerate(order) if name in dates]
        params: list[Any] = []
        for row in rows:
            values = [row[name] for name in order]
            for i in date_at:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
            params.append(tuple(values))
    else:
        params = [{name: value.isoformat() if name in dates and value is not None else value
                   for name, value in row.items()} for row in rows]
    connection.exec_driver_sql(str(compiled), params)

