"""The rows of each kind of record an import reads: how one is checked (prepare), written when
new (insert), and changed when its key is stored already (update).

One object per kind, in ROWS (keyed by the names of dantrack.kinds.KINDS); the importer
(importing.engine) calls them and never asks which kind it is importing. Each takes the importer
for what every kind shares: the session, the locality cache, refs, errors and the summary.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import insert, update

from dantrack import lookup, records
from dantrack.errors import DantrackError, RuleError
from dantrack.importing.model import Pending, RowProblem
from dantrack.kinds import CLOSE_FIELDS, KINDS, Kind
from dantrack.models import Dialogue, Locality, Meeting, Petition
from dantrack.schemas import TODAY, DialogueCreate, LocalityCreate, MeetingCreate, describe_error
from dantrack.services import history
from dantrack.text import fold, strip_prefix
from dantrack.text import key as ref_key

if TYPE_CHECKING:
    from dantrack.importing.engine import Importer


class Rows(ABC):
    """What every kind does unless it says otherwise."""

    kind: Kind
    model: Any
    # Write each row at once (a later row may name this one by name, not only by key).
    one_by_one = False
    # Rows that can be checked in a second process (importing.worker).
    checked_apart = False
    # Rows that name localities read every code at the start (not while the tree changes).
    caches_localities = True

    @abstractmethod
    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        """A row validated with the command line's model, in the exchange form."""

    def may_be_secret(self, values: dict[str, Any]) -> bool:
        """Whether an error about this row's identity columns must not echo their values."""
        return False

    def stored(self, imp: Importer, batch: list[Pending]) -> list[dict[str, Any] | None]:
        """What is stored under each row's identity, or None: by its key."""
        return imp.stored_by_key(batch)

    def finish(self, imp: Importer) -> None:  # noqa: B027  (a hook; most kinds need none)
        """Work that waits for the whole file (none by default)."""

    def meet(self, imp: Importer, item: Pending, current: dict[str, Any] | None,
             new: list[Pending]) -> None:
        """A row against what is stored under its key: new rows wait to be inserted as a
        batch, the others are compared."""
        if current is None:
            new.append(item)
        else:
            imp.compare(item, current)

    @abstractmethod
    def insert(self, imp: Importer, items: list[Pending]) -> None:
        """Write a batch of new rows."""

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        """The stored record takes the row's values (meetings and dialogues)."""
        table = self.model.__table__
        values = {k: v for k, v in item.record.items() if k in table.c and k != "ref"}
        if values.get("date"):
            values["date"] = dt.date.fromisoformat(values["date"])
        values["locality_id"] = item.values["locality_id"]
        values.update(self.links(imp, item))
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        # As `meeting edit` and `dialogue edit`: the correction is kept in the history.
        history.record_edit(imp.session, table.name, current["id"], changes)

    def links(self, imp: Importer, item: Pending) -> dict[str, Any]:
        """Columns that reference other records, by id (none by default)."""
        return {}


def placed(imp: Importer, label: str, data: Any) -> Pending:
    """A dated record placed in a locality (a meeting, a dialogue) in the exchange form."""
    locality_id, code = imp.locality(data.locality, on=data.date)
    record = {**data.model_dump(mode="json"), "locality": code}
    return Pending(label, record, {"locality_id": locality_id, "date": data.date})


VALIDITY = ("valid_from", "valid_to", "successors")


class LocalityRows(Rows):
    """A unit is known by its code and first day: a later unit may reuse an earlier one's
    code. Successors are written once the whole file is in (one may come later in it)."""

    kind, model, one_by_one, caches_localities = KINDS["localities"], Locality, True, False

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        data = LocalityCreate.model_validate(values, context=imp.context)
        dated = data.valid_from or data.valid_to
        parent = imp.locality(data.parent, "parent", on=dated)[1] if data.parent else None
        record = {"code": data.code, "name": data.name, "level": data.level.value,
                  "parent": parent, "valid_from": _iso(data.valid_from),
                  "valid_to": _iso(data.valid_to), "successors": ";".join(data.successors)}
        # A row that gives no validity at all (a file of the first build has no such
        # columns) leaves the stored validity and successors as they are: neither compared
        # nor written.
        if all(values.get(name) in (None, "", [], ()) for name in VALIDITY):
            for name in VALIDITY:
                del record[name]
        return Pending(label, record, {"data": data, "dated": dated})

    def stored(self, imp: Importer, batch: list[Pending]) -> list[dict[str, Any] | None]:
        """The unit with the row's code and first day (both unbounded: the same); for a row
        without valid_from, the unit its code means today."""
        units = records.stored(imp.session, self.kind.name,
                               sorted({item.record["code"] for item in batch}))
        return [self._match(imp, item, [u for u in units if u["code"] == item.record["code"]])
                for item in batch]

    def _match(self, imp: Importer, item: Pending,
               units: list[dict[str, Any]]) -> dict[str, Any] | None:
        if "valid_from" in item.record:
            return next((u for u in units if u["valid_from"] == item.record["valid_from"]), None)
        if not units:
            return None
        unit = lookup.by_code(imp.session, item.record["code"], imp.context[TODAY])
        return next((u for u in units if unit is not None and u["id"] == unit.id), None)

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        from dantrack.services.localities import check_code_free, insert_locality

        for item in items:
            data = item.values["data"]
            try:
                check_code_free(imp.session, data)
            except RuleError as exc:
                imp.error(item.label, "code", data.code, exc.message)
                continue
            try:
                parent_id = self._parent_id(imp, item)
            except RowProblem as problem:
                imp.error(item.label, problem.column, problem.value, problem.reason)
                continue
            unit = insert_locality(imp.session, data, parent_id)
            imp.ends.append((item.label, unit.id, data))
            imp.summary.inserted += 1

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        from dantrack.services.localities import check_code_free

        data = item.values["data"]
        kept = {name: _day(current[name]) for name in ("valid_from", "valid_to")
                if name not in item.record}
        if "successors" not in item.record:
            kept["successors"] = tuple(filter(None, current["successors"].split(";")))
        data = item.values["data"] = data.model_copy(update=kept)
        try:
            check_code_free(imp.session, data, besides=current["id"])
        except RuleError as exc:
            raise RowProblem("valid_to", _iso(data.valid_to), exc.message) from None
        folded = fold(data.name)
        values: dict[str, Any] = {"name": data.name, "level": data.level.value,
                                  "name_folded": folded, "bare_folded": strip_prefix(folded),
                                  "valid_to": data.valid_to}
        if item.record["parent"] != current["parent"]:
            try:
                lookup.move(imp.session, current["id"], self._parent_id(imp, item))
            except RuleError as exc:
                raise RowProblem("parent", item.record["parent"], exc.reason) from None
        table = Locality.__table__
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        imp.ends.append((item.label, current["id"], data))

    def _parent_id(self, imp: Importer, item: Pending) -> int | None:
        data = item.values["data"]
        if not data.parent:
            return None
        parent_id = imp.locality(data.parent, "parent", on=item.values["dated"])[0]
        try:
            lookup.check_within(data, lookup.by_id(imp.session, parent_id))
        except DantrackError as exc:
            raise RowProblem("parent", data.parent, exc.reason) from None
        return parent_id

    def finish(self, imp: Importer) -> None:
        """Each unit's end: its successors, valid the day after it (named by code, perhaps
        later in the file), and no record dated after it."""
        from dantrack.services import late_records

        for label, unit_id, data in imp.ends:
            if data.valid_to is None:
                lookup.end(imp.session, unit_id, None, [])
                continue
            day = data.valid_to + dt.timedelta(days=1)
            try:
                after = [imp.locality(code, "successors", on=day)[0]
                         for code in data.successors]
            except RowProblem as problem:
                imp.error(label, problem.column, problem.value, problem.reason)
                continue
            lookup.end(imp.session, unit_id, data.valid_to, after)
            unit = lookup.by_id(imp.session, unit_id)
            still = [child for child in lookup.children(imp.session, unit_id)
                     if child.valid_to is None or child.valid_to > data.valid_to]
            if still:
                imp.error(label, "valid_to", data.valid_to.isoformat(),
                          f"{lookup.label(still[0])} beneath it is valid after that day: "
                          "end it first")
            if late := late_records.find(imp.session, [(unit, data.valid_to, None)]):
                imp.error(label, "valid_to", data.valid_to.isoformat(),
                          late_records.refusal(late))


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class MeetingRows(Rows):
    kind, model, checked_apart = KINDS["meetings"], Meeting, True

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        return placed(imp, label, MeetingCreate.model_validate(values, context=imp.context))

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        imp.assign_refs(items, self.kind)
        rows = [{**{k: v for k, v in item.record.items() if k != "locality"},
                 "date": item.values["date"], "locality_id": item.values["locality_id"]}
                for item in items]
        imp.session.execute(insert(Meeting.__table__), rows)
        imp.summary.inserted += len(rows)

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        """As `meeting edit`: a meeting with visits keeps their sums as its totals."""
        from dantrack.services.meetings import refuse_totals

        try:
            refuse_totals(imp.session, current["id"], current["ref"], set(changes))
        except RuleError as exc:
            column = next(name for name in ("citizens", "delegations") if name in changes)
            raise RowProblem(column, item.record[column], exc.reason) from None
        super().update(imp, item, current, changes)


class DialogueRows(Rows):
    kind, model, checked_apart = KINDS["dialogues"], Dialogue, True

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        data = DialogueCreate.model_validate(values, context=imp.context)
        pending = placed(imp, label, data)
        if data.petition:
            pending.record["petition"] = ref_key(data.petition)
        return pending

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        petitions = imp.refs(Petition, (i.record["petition"] for i in items))
        ready = []
        for item in items:
            ref = item.record["petition"]
            if ref and ref not in petitions:
                imp.error(item.label, "petition", ref, "no petition with this ref")
                continue
            ready.append(item)
        imp.assign_refs(ready, self.kind)
        rows = [{**{k: v for k, v in item.record.items() if k not in ("locality", "petition")},
                 "date": item.values["date"], "locality_id": item.values["locality_id"],
                 "petition_id": petitions.get(item.record["petition"])} for item in ready]
        if rows:
            imp.session.execute(insert(Dialogue.__table__), rows)
        imp.summary.inserted += len(rows)

    def links(self, imp: Importer, item: Pending) -> dict[str, Any]:
        found = imp.refs(Petition, [item.record["petition"]])
        if item.record["petition"] and item.record["petition"] not in found:
            raise RowProblem("petition", item.record["petition"], "no petition with this ref")
        return {"petition_id": found.get(item.record["petition"])}


class ClosureRows(Rows):
    """A closures row closes the petition it names, idempotently; one that would replace
    another close-out is a conflict, or with --on-conflict update a reopen and a close."""

    kind, model = KINDS["closures"], Petition

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        ref = values.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            raise RowProblem("ref", ref, "is required")
        return Pending(label, {"ref": ref_key(ref), **{k: values.get(k) for k in CLOSE_FIELDS}})

    def stored(self, imp: Importer, batch: list[Pending]) -> list[dict[str, Any] | None]:
        """What is stored under each row's identity, or None: by its key."""
        return imp.stored_by_key(batch)

    def finish(self, imp: Importer) -> None:  # noqa: B027  (a hook; most kinds need none)
        """Work that waits for the whole file (none by default)."""

    def meet(self, imp: Importer, item: Pending, current: dict[str, Any] | None,
             new: list[Pending]) -> None:
        ref = item.record["ref"]
        if current is None:
            imp.error(item.label, "ref", ref, "no petition with this ref")
            return
        closure = self._closure(imp, item, current)
        if closure is None:
            return
        stored = {k: current[k] for k in CLOSE_FIELDS}
        if stored == closure:
            imp.summary.unchanged += 1
            return
        if current["outcome"] is not None:
            if imp.on_conflict == "skip":
                imp.summary.skipped += 1
                return
            if imp.on_conflict == "fail":
                differ = ", ".join(k for k in CLOSE_FIELDS if stored[k] != closure[k])
                imp.conflicts.append(f"{item.label}: {ref} is closed already ({differ} differ)")
                return
        imp.write_closeout(current, closure)
        if current["outcome"] is None:
            imp.summary.inserted += 1
        else:
            imp.summary.updated += 1

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        """Closures add no records: meet handles every row, with the petition it closes."""
        assert not items, "a closures row is never new"

    def _closure(self, imp: Importer, item: Pending,
                 current: dict[str, Any]) -> dict[str, Any] | None:
        from dantrack.vocab import PetitionKind

        try:
            return imp.closure(PetitionKind(current["kind"]),
                               dt.date.fromisoformat(current["received_on"]),
                               {k: v for k, v in item.record.items()
                                if k in CLOSE_FIELDS and v is not None})
        except RowProblem as problem:
            imp.error(item.label, problem.column, problem.value, problem.reason)
        except ValidationError as exc:
            for error in exc.errors():
                column, value, reason = describe_error(error)
                imp.error(item.label, column, value, reason)
        return None


def _registry() -> dict[str, Rows]:
    from dantrack.importing.petition_rows import PetitionRows
    from dantrack.importing.visit_rows import VisitRows

    kinds = (LocalityRows(), MeetingRows(), DialogueRows(), PetitionRows(), VisitRows(),
             ClosureRows())
    return {rows.kind.name: rows for rows in kinds}


ROWS: dict[str, Rows] = _registry()
