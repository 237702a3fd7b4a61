"""Petition rows of an import: checked with the command line's model and rules, new ones
written in bulk straight through the driver, stored ones compared and updated.

The rules are the command line's own: a new row is made and a stored one edited by
services.petition_writes (as `petition add` and `edit`), the close-out of a row is checked and
applied by services.closeout, a duplicate link by services.petitions, secrecy by
services.secrecy. Only the SQL is batched.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy import types as sa_types

from dantrack.errors import DantrackError
from dantrack.importing import bulk
from dantrack.importing.model import (
    EVENT_COLUMNS,
    PETITION_COLUMNS,
    NeedsDatabase,
    Pending,
    RowProblem,
    may_be_denunciation,
)
from dantrack.importing.rows import Rows
from dantrack.kinds import CLOSE_FIELDS, KINDS, PENDING, RESULT_FIELDS
from dantrack.models import Meeting, Petition, PetitionEvent
from dantrack.records import IDENTITY
from dantrack.schemas import Closure, PetitionCreate
from dantrack.services import closeout, history
from dantrack.services import petition_writes as writes
from dantrack.services.closeout import REOPEN_CLEARS
from dantrack.services.petition_writes import EDITABLE
from dantrack.services.petitions import check_original_date

if TYPE_CHECKING:
    from dantrack.importing.engine import Importer


class PetitionRows(Rows):
    kind, model, checked_apart = KINDS["petitions"], Petition, True

    def may_be_secret(self, values: dict[str, Any]) -> bool:
        return may_be_denunciation(values)

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        # The close-out columns are checked with the close command's model, after the rest.
        closing = {name: values.pop(name) for name in CLOSE_FIELDS if name in values}
        data = PetitionCreate.model_validate(values, context=imp.context)
        try:
            locality_id, code = imp.locality(data.locality, on=data.received_on)
        except NeedsDatabase:
            values.update(closing)  # the row goes back whole, to be checked where the database is
            raise
        record = writes.intake(data=data, locality=code,
                               close_out=imp.closure(data.kind, data.received_on, closing))
        try:
            writes.check_register(record, record)
        except DantrackError as exc:
            raise RowProblem(exc.field or "kind", values.get(exc.field or "kind"),
                             exc.reason) from None
        # The competence as the row states it: the record holds it as a close-out leaves it.
        return Pending(label, record, {"locality_id": locality_id,
                                       "accepted_given": values.get("accepted_on"),
                                       "competence": data.competence.value})

    def meet(self, imp: Importer, item: Pending, current: dict[str, Any] | None,
             new: list[Pending]) -> None:
        if current is not None and current.get("secret") and \
                not self._may_compare_identity(imp, item, current):
            return
        record = item.record
        if current is not None and writes.follows_receipt(
                current, {k for k in ("received_on", "accepted_on") if record[k] != current[k]}):
            # As `petition edit --received-on`: the acceptance moves with the receipt (a row
            # repeating the stored accepted_on leaves it to the rule).
            record["accepted_on"] = record["received_on"]
        try:
            writes.check_acceptance(record["received_on"], record["accepted_on"])
        except DantrackError as exc:
            imp.error(item.label, "accepted_on", item.values["accepted_given"], exc.reason)
            return
        super().meet(imp, item, current, new)

    def _may_compare_identity(self, imp: Importer, item: Pending,
                              current: dict[str, Any]) -> bool:
        """A secret petition's identity is compared (and so disclosed as equal or not) only
        with --reveal, which is recorded. Without it, identity columns given for one are an
        error naming the row, and identity columns left empty keep what is stored."""
        if imp.reveal:
            imp.revealed.append(current["id"])
            return True
        given = [name for name in IDENTITY if item.record.get(name)]
        if given:
            imp.error(item.label, None, None,
                      f"{', '.join(given)} of {current['ref']}, whose petitioner's identity is "
                      "secret, can be compared or changed only with --reveal")
            return False
        for name in IDENTITY:
            item.record[name] = current[name]
        return True

    # --- new rows --------------------------------------------------------------------------

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        meetings = imp.refs(Meeting, (i.record["meeting"] for i in items))
        originals = imp.refs(Petition, (i.record["duplicate_of"] for i in items))
        received = _received_on(imp, originals)
        ready = [item for item in items if self._linkable(imp, item, meetings, originals,
                                                          received)]
        imp.assign_refs(ready, self.kind)
        if not ready:
            return
        # The ids are taken first, so that the history rows can name them without reading the
        # petitions back.
        ids = bulk.reserve_ids(imp.session, Petition.__table__, len(ready))
        columns = written_columns([item.record for item in ready])
        row_of = itemgetter(*columns)
        rows = [row_of(stored_row(item, id_, meetings, originals, imp.calendar))
                for item, id_ in zip(ready, ids, strict=True)]
        bulk.bulk_insert(imp.session, Petition.__table__, columns, rows)
        imp.linked.extend(id_ for item, id_ in zip(ready, ids, strict=True)
                          if item.record["duplicate_of"])
        created = (imp.stamp, imp.operator, "created", imp.created_changes)
        events = []
        for item, petition_id in zip(ready, ids, strict=True):
            events.append((petition_id, *created))
            if item.record["outcome"]:
                events.append((petition_id, imp.stamp, imp.operator, "closed",
                               history.encode(_closed(item))))
        bulk.bulk_insert(imp.session, PetitionEvent.__table__, EVENT_COLUMNS, events)
        imp.summary.inserted += len(rows)

    def _linkable(self, imp: Importer, item: Pending, meetings: dict[str, int],
                  originals: dict[str, int], received: dict[int, dt.date]) -> bool:
        """The meeting and original a new row names exist, and the original is earlier."""
        missing = [(column, item.record[column]) for column, found in
                   (("meeting", meetings), ("duplicate_of", originals))
                   if item.record[column] and item.record[column] not in found]
        if missing:
            column, ref = missing[0]
            noun = "meeting" if column == "meeting" else "petition"
            imp.error(item.label, column, ref, f"no {noun} with this ref")
            return False
        if original := item.record["duplicate_of"]:
            try:
                check_original_date(original, received[originals[original]],
                                    dt.date.fromisoformat(item.record["received_on"]))
            except DantrackError as exc:
                imp.error(item.label, "duplicate_of", original, exc.reason)
                return False
        return True

    # --- stored rows -----------------------------------------------------------------------

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        """A stored petition takes a row as the command line would take the same changes: a
        close-out that differs is a reopen (services.closeout), then the other differing
        fields are an edit (petition_writes.edit), then (when the row closes it) a close."""
        links = self._link_ids(imp, item)
        self._check_links(imp, item, current)
        closing = any(name in changes for name in CLOSE_FIELDS)
        state, steps = dict(current), []
        if closing and current["outcome"] is not None:
            note = imp.source_note
            steps.append(closeout.reopen(
                closeout.state_of(current), f"updated by {note['source']} from {note['file']}",
                history.last_close(imp.session, current["id"])))
            state.update(steps[-1].values)
        closing_to = {name: item.record[name] for name in CLOSE_FIELDS} if closing else None
        edited = self._edit(imp, item, current, state, changes, closing_to)
        state.update(edited.record)
        if closing and item.record["outcome"] is not None:
            closure = Closure.model_validate({name: item.record[name] for name in CLOSE_FIELDS},
                                             context=imp.context)
            steps.append(closeout.close(closeout.state_of(state), closure))
        values = {name: state[name] for name in STORED} | links | edited.derived
        for step in steps:
            # What the reopen cleared is in state already, and the edit may give it again.
            values.update({name: value for name, value in step.values.items()
                           if step.action != "reopened" or name not in REOPEN_CLEARS})
        if values.get("secret") and not current["secret"]:
            imp.linked.append(current["id"])  # now secret: so are the petitions linked to it
        if values.get("accepted_on") == PENDING:
            values["accepted_on"] = None
        for name in DATES:
            if isinstance(values.get(name), str):
                values[name] = dt.date.fromisoformat(values[name])
        table = Petition.__table__
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        events = [(step.action, step.changes) for step in steps]
        if edited.changes:
            events.insert(1 if steps and steps[0].action == "reopened" else 0,
                          ("edited", edited.changes))
        imp.session.execute(insert(PetitionEvent.__table__), [
            imp.event(current["id"], action, {**what, **imp.source_note})
            for action, what in events])

    def _edit(self, imp: Importer, item: Pending, current: dict[str, Any],
              state: dict[str, Any],
              changes: dict[str, list[Any]],
              closing: dict[str, Any] | None) -> writes.Written:
        """The edit a row's differing fields make (compared with the petition as stored), to
        the petition as it is once reopened (when the row changes its close-out) — and the
        fields the reopen cleared that the row gives again (a result, a reply). Its
        competence is the one the row states, which the close-out then decides on; the
        register's fields are checked against the close-out the row ends with."""
        given = {name: change[1] for name, change in changes.items()
                 if name in EDITABLE and name != "competence"}
        given.update({name: item.record[name] for name in REOPEN_CLEARS
                      if state[name] != current[name] and item.record[name] != state[name]})
        if item.values["competence"] != current["competence"]:
            given["competence"] = item.values["competence"]
        try:
            return writes.edit(before={name: state[name] for name in EDITABLE}, given=given,
                               close_out={name: state[name] for name in CLOSE_FIELDS},
                               secret=bool(state["secret"]), masked=False, closing=closing,
                               calendar=imp.calendar)
        except DantrackError as exc:
            column = exc.field or "received_on"
            value = item.values["accepted_given"] if column == "accepted_on" \
                else item.record.get(column)
            raise RowProblem(column, value, exc.reason) from None

    def _link_ids(self, imp: Importer, item: Pending) -> dict[str, Any]:
        """The stored ids of the records a row names (its locality is found already)."""
        record = item.record
        meetings = imp.refs(Meeting, [record["meeting"]])
        originals = imp.refs(Petition, [record["duplicate_of"]])
        if record["meeting"] and record["meeting"] not in meetings:
            raise RowProblem("meeting", record["meeting"], "no meeting with this ref")
        if record["duplicate_of"] and record["duplicate_of"] not in originals:
            raise RowProblem("duplicate_of", record["duplicate_of"],
                             "no petition with this ref")
        return {"locality_id": item.values["locality_id"],
                "meeting_id": meetings.get(record["meeting"]),
                "duplicate_of_id": originals.get(record["duplicate_of"])}

    def _check_links(self, imp: Importer, item: Pending, current: dict[str, Any]) -> None:
        """A changed duplicate_of or receipt follows the command line's rules
        (services.petitions): no cycle, no original received after its duplicate."""
        from dantrack.services.petitions import check_duplicates_follow, find_original

        received_on = dt.date.fromisoformat(item.record["received_on"])
        try:
            moved = item.record["received_on"] != current["received_on"]
            relinked = item.record["duplicate_of"] != current["duplicate_of"]
            if item.record["duplicate_of"] and (moved or relinked):
                find_original(imp.session, item.record["duplicate_of"],
                              received_on=received_on, petition_id=current["id"])
            if item.record["duplicate_of"] and relinked:
                imp.linked.append(current["id"])
            if moved:
                check_duplicates_follow(imp.session, current["id"], received_on)
        except DantrackError as exc:
            column = exc.field or "duplicate_of"
            raise RowProblem(column, item.record.get(column), exc.reason) from None


# The stored columns named as they are in a record (the others are ids or derived).
STORED = tuple(name for name in PETITION_COLUMNS if name in KINDS["petitions"].columns)
DATES = tuple(column.name for column in Petition.__table__.columns
              if isinstance(column.type, sa_types.Date))


# The register's columns (migration 0004, SPEC §1 "The register for the official forms").
REGISTER = ("field", "prior", "round", "forwarded_to", "reply_on", *RESULT_FIELDS)


def _left_to_the_database() -> dict[str, Any]:
    """Those of the register's columns whose value when not given (the model's default) is
    what the database itself stores when the column is left out of an insert (its server
    default, or NULL), each with that value as a record holds it."""
    fields = Petition.model_fields
    return {column.name: fields[column.name].default for column in Petition.__table__.columns
            if column.name in REGISTER and (column.server_default is not None
                                            or (column.nullable and column.default is None))}


LEFT_TO_THE_DATABASE = _left_to_the_database()


def written_columns(records: list[dict[str, Any]]) -> tuple[str, ...]:
    """The columns a batch of new rows is inserted with: every one but the register's columns
    that all its rows leave as the database would (most files give none of them), which it is
    cheaper to leave out than to bind on every row; what is stored is the same."""
    left = {name for name, value in LEFT_TO_THE_DATABASE.items()
            if set(map(itemgetter(name), records)) == {value}}
    return ("id", *(name for name in PETITION_COLUMNS if name not in left))


def stored_row(item: Pending, id_: int, meetings: dict[str, int],
               originals: dict[str, int], calendar: Any) -> dict[str, Any]:
    """A new row's stored values by column (dates as ISO text): its record, what
    petition_writes.derive makes of it (as petition_writes.create does for `petition add`; the
    acceptance was checked when the row met the stored ones), its id and those of its links.

    Derived here, in the writing process, rather than where the row is checked: a large
    file's checking process is the busier of the two, and what it would derive would only
    be sent over."""
    record = item.record
    derived = writes.derive(record, calendar=calendar)  # the import's working calendar
    row = record | derived
    row["id"] = id_
    row["accepted_on"] = None if record["accepted_on"] == PENDING else record["accepted_on"]
    row["due_on"] = derived["due_on"].isoformat()
    row["locality_id"] = item.values["locality_id"]
    row["meeting_id"] = meetings.get(record["meeting"])
    row["duplicate_of_id"] = originals.get(record["duplicate_of"])
    return row


def _closed(item: Pending) -> dict[str, Any]:
    """The history entry of a new row's close-out, as `petition close` makes it
    (services.closeout) of the petition as the row states it: a close as guided or forwarded
    records the competence it takes away, which a reopen gives back. The close-out was
    checked with the row (Importer.closure): what is left is closeout.closed, on its values."""
    record = item.record
    return closeout.closed(item.values["competence"],
                           closed_on=dt.date.fromisoformat(record["closed_on"]),
                           outcome=record["outcome"], verdict=record["verdict"],
                           note=record["note"]).changes


def _received_on(imp: Importer, ids: dict[str, int]) -> dict[int, dt.date]:
    """The receipt dates of petitions by id (the originals a batch's rows repeat)."""
    p = Petition.__table__.c
    wanted = sorted(set(ids.values()))
    found: dict[int, dt.date] = {}
    for start in range(0, len(wanted), bulk.CHUNK):
        found.update(imp.session.execute(select(p.id, p.received_on).where(
            p.id.in_(wanted[start:start + bulk.CHUNK]))).all())
    return found
