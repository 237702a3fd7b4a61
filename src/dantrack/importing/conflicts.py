"""Rows whose ref is stored already: unchanged, a conflict, an update; and closures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, update

from dantrack import lookup
from dantrack.errors import RuleError
from dantrack.importing.model import (
    CLOSE_FIELDS,
    PETITION_COLUMNS,
    TABLE,
    Pending,
    RowProblem,
)
from dantrack.models import Locality, Meeting, Petition, PetitionEvent
from dantrack.records import IDENTITY
from dantrack.schemas import (
    Closure,
    describe_error,
)
from dantrack.services import closeout, history
from dantrack.text import fold, strip_prefix
from dantrack.vocab import (
    PetitionKind,
)


class Conflicts:
    """The part of the importer that meets what is stored (mixed into Importer)."""

    def _compare(self, item: Pending, current: dict[str, Any]) -> None:
        if current.get("secret") and not self._may_compare_identity(item, current):
            return
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


    def _may_compare_identity(self, item: Pending, current: dict[str, Any]) -> bool:
        """A secret petition's identity is compared (and so disclosed as equal or not) only
        with --reveal, which is recorded. Without it, identity columns given for one are an
        error naming the row, and identity columns left empty keep what is stored."""
        if self.reveal:
            self.revealed.append(current["id"])
            return True
        given = [name for name in IDENTITY if item.record.get(name)]
        if given:
            self._error(item.label, None, None,
                        f"{', '.join(given)} of {current['ref']}, whose petitioner's identity is "
                        "secret, can be compared or changed only with --reveal")
            return False
        for name in IDENTITY:
            item.record[name] = current[name]
        return True

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
            row = dict(zip(PETITION_COLUMNS, self._petition_values(
                item, self._refs(Meeting, [item.record["meeting"]]),
                self._refs(Petition, [item.record["duplicate_of"]])), strict=True))
            if item.record["meeting"] and row["meeting_id"] is None:
                raise RowProblem("meeting", item.record["meeting"], "no meeting with this ref")
            if item.record["duplicate_of"] and row["duplicate_of_id"] is None:
                raise RowProblem("duplicate_of", item.record["duplicate_of"],
                                 "no petition with this ref")
            values = {k: v for k, v in row.items() if k != "ref"}
            values["secret"] = values["secret"] or bool(current["secret"])  # never cleared
            self._check_links(item, current)
            for name in ("received_on", "accepted_on", "due_on", "closed_on"):
                if values[name]:
                    values[name] = dt.date.fromisoformat(values[name])
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        if self.kind == "petitions":
            self.session.execute(insert(PetitionEvent.__table__), [self._event(
                current["id"], "edited", {**changes, **self.source_note})])

    def _write_closeout(self, current: dict[str, Any], closure: dict[str, Any]) -> None:
        """Close a petition as the command line does (services.closeout); a close-out that
        replaces another is a reopen followed by a close, both in the history."""
        state = closeout.state_of(current)
        steps = []
        if current["outcome"] is not None:
            note = self.source_note
            steps.append(closeout.reopen(state, f"updated by {note['source']} from "
                                         f"{note['file']}", history.last_close(
                                             self.session, current["id"])))
            state = closeout.after(state, steps[-1])
        steps.append(closeout.close(state, Closure.model_validate(closure, context=self.context)))
        values = {name: value for step in steps for name, value in step.values.items()}
        table = Petition.__table__
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        self.session.execute(insert(PetitionEvent.__table__), [
            self._event(current["id"], step.action, {**step.changes, **self.source_note})
            for step in steps])

    def _check_links(self, item: Pending, current: dict[str, Any]) -> None:
        """A changed duplicate_of or receipt follows the command line's rules
        (services.petitions): no cycle, no original received after its duplicate."""
        from dantrack.errors import DantrackError
        from dantrack.services.petitions import check_duplicates_follow, find_original

        received_on = dt.date.fromisoformat(item.record["received_on"])
        try:
            if item.record["duplicate_of"] and \
                    item.record["duplicate_of"] != current["duplicate_of"]:
                find_original(self.session, item.record["duplicate_of"],
                              received_on=received_on, petition_id=current["id"])
                self.linked.append(current["id"])
            if item.record["received_on"] != current["received_on"]:
                check_duplicates_follow(self.session, current["id"], received_on)
        except DantrackError as exc:
            column = exc.field or "duplicate_of"
            raise RowProblem(column, item.record.get(column), exc.reason) from None

    def _update_locality(self, item: Pending, current: dict[str, Any]) -> None:
        data = item.values["data"]
        table = Locality.__table__
        folded = fold(data.name)
        values: dict[str, Any] = {"name": data.name, "level": data.level.lower(),
                                  "name_folded": folded, "bare_folded": strip_prefix(folded)}
        if item.record["parent"] != current["parent"]:
            parent_id = self._locality(item.record["parent"])[0] if item.record["parent"] \
                else None
            try:
                lookup.move(self.session, current["id"], parent_id)
            except RuleError as exc:
                raise RowProblem("parent", item.record["parent"], exc.reason) from None
        self.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        self.localities.clear()

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
        self._write_closeout(current, closure)
        if current["outcome"] is None:
            self.summary.inserted += 1
        else:
            self.summary.updated += 1
