"""Petition rows of an import: checked with the command line's model and rules, new ones
written in bulk straight through the driver, stored ones compared and updated.

The rules are the command line's own: the close-out of a row is checked and applied by
services.closeout, a duplicate link by services.petitions, secrecy by services.secrecy. Only
the SQL is batched.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from dantrack.deadlines import due_on
from dantrack.errors import DantrackError
from dantrack.importing import bulk
from dantrack.importing.model import (
    EVENT_COLUMNS,
    PETITION_COLUMNS,
    NeedsDatabase,
    Pending,
    RowProblem,
    close_changes,
    may_be_denunciation,
)
from dantrack.importing.rows import Rows
from dantrack.kinds import CLOSE_FIELDS, KINDS
from dantrack.models import Meeting, Petition, PetitionEvent
from dantrack.records import IDENTITY
from dantrack.schemas import Closure, PetitionCreate
from dantrack.services import closeout, history
from dantrack.services.petitions import check_original_date
from dantrack.text import fold
from dantrack.text import key as ref_key
from dantrack.vocab import Outcome, PetitionKind

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
        accepted_on = data.accepted_on or data.received_on
        closure = imp.closure(data.kind, data.received_on, closing)
        outcome = Outcome(closure["outcome"]) if closure["outcome"] else None
        # The exchange form (kinds.KINDS["petitions"].columns), built field by field: the same
        # values as data.model_dump(mode="json"), without its cost on every row.
        record = {
            "ref": data.ref, "kind": data.kind.value, "received_on": data.received_on.isoformat(),
            "locality": code, "channel": data.channel.value, "petitioner": data.petitioner,
            "id_number": data.id_number, "phone": data.phone, "address": data.address,
            "signatories": data.signatories, "subject": data.subject,
            "meeting": ref_key(data.meeting) if data.meeting else None,
            "competence": closeout.competence_after(outcome, data.competence.value),
            "accepted_on": accepted_on.isoformat(), "complex": data.complex,
            "remote": data.remote,
            "duplicate_of": ref_key(data.duplicate_of) if data.duplicate_of else None, **closure,
        }
        extra = {"locality_id": locality_id, "accepted_given": values.get("accepted_on"),
                 "due_on": due_on(data.kind, accepted_on, complex=data.complex,
                                  remote=data.remote)}
        return Pending(label, record, extra)

    def meet(self, imp: Importer, item: Pending, current: dict[str, Any] | None,
             new: list[Pending]) -> None:
        if current is not None and current.get("secret") and \
                not self._may_compare_identity(imp, item, current):
            return
        if current is not None and _follow_receipt(item, current):
            record = item.record
            item.values["due_on"] = due_on(record["kind"], dt.date.fromisoformat(
                record["accepted_on"]), complex=record["complex"], remote=record["remote"])
        if not self._accepted_after_receipt(imp, item):
            return
        super().meet(imp, item, current, new)

    def _accepted_after_receipt(self, imp: Importer, item: Pending) -> bool:
        """As for `petition add` and `edit`: a petition is not accepted before it is received."""
        if item.record["accepted_on"] >= item.record["received_on"]:
            return True
        imp.error(item.label, "accepted_on", item.values["accepted_given"],
                  f"is before received_on {item.record['received_on']}")
        return False

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
        rows = [(id_, *values(item, meetings, originals))
                for item, id_ in zip(ready, ids, strict=True)]
        bulk.bulk_insert(imp.session, Petition.__table__, ("id", *PETITION_COLUMNS), rows)
        imp.linked.extend(id_ for item, id_ in zip(ready, ids, strict=True)
                          if item.record["duplicate_of"])
        created = (imp.stamp, imp.operator, "created", imp.created_changes)
        events = []
        for item, petition_id in zip(ready, ids, strict=True):
            events.append((petition_id, *created))
            if item.record["outcome"]:
                events.append((petition_id, imp.stamp, imp.operator, "closed",
                               history.encode(close_changes(item.record))))
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
        close-out that differs is a reopen and (when the row closes it) a close, through
        services.closeout; the other differing fields are an edit."""
        row = dict(zip(PETITION_COLUMNS, values(
            item, imp.refs(Meeting, [item.record["meeting"]]),
            imp.refs(Petition, [item.record["duplicate_of"]])), strict=True))
        if item.record["meeting"] and row["meeting_id"] is None:
            raise RowProblem("meeting", item.record["meeting"], "no meeting with this ref")
        if item.record["duplicate_of"] and row["duplicate_of_id"] is None:
            raise RowProblem("duplicate_of", item.record["duplicate_of"],
                             "no petition with this ref")
        self._check_links(imp, item, current)
        edits = {k: v for k, v in changes.items() if k not in CLOSE_FIELDS}
        reopen, close = self._closeout_steps(imp, item, current, changes)
        changed = {k: v for k, v in row.items() if k != "ref"}
        changed["secret"] = changed["secret"] or bool(current["secret"])  # never cleared
        if changed["secret"] and not current["secret"]:
            imp.linked.append(current["id"])  # now secret: so are the petitions linked to it
        competence = edits["competence"][1] if "competence" in edits else current["competence"]
        for step in (reopen, close):
            if step is not None:
                changed.update(step.values)
                competence = step.values.get("competence", competence)
        changed["competence"] = competence
        for name in ("received_on", "accepted_on", "due_on", "closed_on"):
            if isinstance(changed[name], str):
                changed[name] = dt.date.fromisoformat(changed[name])
        table = Petition.__table__
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**changed))
        events = [(step.action, step.changes) for step in (reopen,) if step is not None]
        if edits:
            events.append(("edited", edits))
        events += [(step.action, step.changes) for step in (close,) if step is not None]
        imp.session.execute(insert(PetitionEvent.__table__), [
            imp.event(current["id"], action, {**what, **imp.source_note})
            for action, what in events])

    def _closeout_steps(self, imp: Importer, item: Pending, current: dict[str, Any],
                        changes: dict[str, list[Any]]) -> tuple[Any, Any]:
        """The reopen and close a row's differing close-out means (each None if not)."""
        if not any(name in changes for name in CLOSE_FIELDS):
            return None, None
        record = item.record
        state = closeout.state_of(current)
        reopen = None
        if current["outcome"] is not None:
            note = imp.source_note
            reopen = closeout.reopen(state, f"updated by {note['source']} from {note['file']}",
                                     history.last_close(imp.session, current["id"]))
            state = closeout.after(state, reopen)
        if record["outcome"] is None:
            return reopen, None
        state = {**state, "kind": record["kind"], "received_on": record["received_on"],
                 "competence": record["competence"] if "competence" in changes
                 else state["competence"]}
        closure = Closure.model_validate({name: record[name] for name in CLOSE_FIELDS},
                                         context=imp.context)
        return reopen, closeout.close(closeout.state_of(state), closure)

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


def _follow_receipt(item: Pending, current: dict[str, Any]) -> bool:
    """As `petition edit --received-on` does: an acceptance left on the day of receipt moves
    with it (a row repeating the stored accepted_on leaves it to the rule). True if it moved."""
    record = item.record
    if (record["received_on"] != current["received_on"]
            and record["accepted_on"] == current["accepted_on"] == current["received_on"]):
        record["accepted_on"] = record["received_on"]
        return True
    return False


def values(item: Pending, meetings: dict[str, int], originals: dict[str, int]) -> tuple[Any, ...]:
    """A row's values for PETITION_COLUMNS (dates as ISO text)."""
    r = item.record
    return (
        r["ref"], r["kind"], r["received_on"], item.values["locality_id"], r["channel"],
        r["petitioner"], r["id_number"], r["phone"], r["address"], r["signatories"],
        r["subject"], meetings.get(r["meeting"]), r["competence"], r["accepted_on"],
        r["complex"], r["remote"], originals.get(r["duplicate_of"]),
        item.values["due_on"].isoformat(), r["closed_on"], r["outcome"], r["verdict"],
        r["note"], fold(r["petitioner"]), fold(r["subject"]),
        r["kind"] == PetitionKind.denunciation.value,
    )


def _received_on(imp: Importer, ids: dict[str, int]) -> dict[int, dt.date]:
    """The receipt dates of petitions by id (the originals a batch's rows repeat)."""
    p = Petition.__table__.c
    wanted = sorted(set(ids.values()))
    found: dict[int, dt.date] = {}
    for start in range(0, len(wanted), bulk.CHUNK):
        found.update(imp.session.execute(select(p.id, p.received_on).where(
            p.id.in_(wanted[start:start + bulk.CHUNK]))).all())
    return found
