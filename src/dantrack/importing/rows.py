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

from dantrack import lookup
from dantrack.errors import RuleError
from dantrack.importing.model import Pending, RowProblem
from dantrack.kinds import CLOSE_FIELDS, KINDS, Kind
from dantrack.models import Dialogue, Locality, Meeting, Petition
from dantrack.schemas import DialogueCreate, LocalityCreate, MeetingCreate, describe_error
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

    def links(self, imp: Importer, item: Pending) -> dict[str, Any]:
        """Columns that reference other records, by id (none by default)."""
        return {}


def placed(imp: Importer, label: str, data: Any) -> Pending:
    """A dated record placed in a locality (a meeting, a dialogue) in the exchange form."""
    locality_id, code = imp.locality(data.locality)
    record = {**data.model_dump(mode="json"), "locality": code}
    return Pending(label, record, {"locality_id": locality_id, "date": data.date})


class LocalityRows(Rows):
    kind, model, one_by_one, caches_localities = KINDS["localities"], Locality, True, False

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        data = LocalityCreate.model_validate(values, context=imp.context)
        parent = imp.locality(data.parent, "parent")[1] if data.parent else None
        record = {"code": data.code, "name": data.name, "level": data.level.lower(),
                  "parent": parent}
        return Pending(label, record, {"data": data})

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        from dantrack.services.localities import insert_locality

        for item in items:
            parent_id = imp.locality(item.record["parent"])[0] if item.record["parent"] \
                else None
            insert_locality(imp.session, item.values["data"], parent_id)
            imp.summary.inserted += 1

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        data = item.values["data"]
        table = Locality.__table__
        folded = fold(data.name)
        values: dict[str, Any] = {"name": data.name, "level": data.level.lower(),
                                  "name_folded": folded, "bare_folded": strip_prefix(folded)}
        if item.record["parent"] != current["parent"]:
            parent_id = imp.locality(item.record["parent"])[0] if item.record["parent"] \
                else None
            try:
                lookup.move(imp.session, current["id"], parent_id)
            except RuleError as exc:
                raise RowProblem("parent", item.record["parent"], exc.reason) from None
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        imp.localities.clear()


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

    kinds = (LocalityRows(), MeetingRows(), DialogueRows(), PetitionRows(), ClosureRows())
    return {rows.kind.name: rows for rows in kinds}


ROWS: dict[str, Rows] = _registry()
