"""Visit rows of an import: checked with `visit add`'s model, new ones written a batch at a
time, stored ones compared and updated; the rules are services.visits' own (a visit's secrecy,
its ref's year from its meeting, its meetings' totals recomputed after every batch)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from dantrack.importing.model import Pending, RowProblem
from dantrack.importing.rows import Rows
from dantrack.kinds import KINDS
from dantrack.limits import VISIT_IDENTITY
from dantrack.models import Meeting, Petition, Visit
from dantrack.schemas import VisitCreate
from dantrack.services.visits import DENUNCIATION, may_be_secret, recompute
from dantrack.text import key as ref_key

if TYPE_CHECKING:
    from dantrack.importing.engine import Importer

LINKS = ("meeting", "petition")


class VisitRows(Rows):
    kind, model, caches_localities = KINDS["visits"], Visit, False

    def may_be_secret(self, values: dict[str, Any]) -> bool:
        return may_be_secret(values)

    def prepare(self, imp: Importer, label: str, values: dict[str, Any]) -> Pending:
        data = VisitCreate.model_validate(values, context=imp.context)
        record = data.model_dump(mode="json")
        for name in LINKS:
            record[name] = ref_key(record[name]) if record[name] else None
        return Pending(label, record)

    def meet(self, imp: Importer, item: Pending, current: dict[str, Any] | None,
             new: list[Pending]) -> None:
        if current is not None and current.get("secret") and not self._may_compare(
                imp, item, current):
            return
        super().meet(imp, item, current, new)

    def _may_compare(self, imp: Importer, item: Pending, current: dict[str, Any]) -> bool:
        """As for a secret petition (importing.petition_rows): a secret visitor's identity is
        compared only with --reveal (recorded); without it, identity columns given are an
        error and empty ones keep what is stored."""
        if imp.reveal:
            imp.revealed.append(current["id"])
            return True
        if given := [name for name in VISIT_IDENTITY if item.record.get(name)]:
            imp.error(item.label, None, None,
                      f"{', '.join(given)} of {current['ref']}, whose visitor's identity is "
                      "secret, can be compared or changed only with --reveal")
            return False
        item.record.update({name: current[name] for name in VISIT_IDENTITY})
        return True

    def _links(self, imp: Importer, items: list[Pending]) -> tuple[dict[str, Any], ...]:
        """The meetings (id, date) and petitions (id, secret) the rows name, by ref."""
        meetings = {ref: (id_, day) for ref, id_, day in imp.session.execute(
            select(Meeting.ref, Meeting.id, Meeting.date).where(Meeting.ref.in_(
                sorted({i.record["meeting"] for i in items}))))}
        wanted = sorted({i.record["petition"] for i in items if i.record["petition"]})
        petitions = {ref: (id_, secret) for ref, id_, secret in imp.session.execute(
            select(Petition.ref, Petition.id, Petition.secret).where(Petition.ref.in_(wanted)))}
        return meetings, petitions

    def _problem(self, item: Pending, meetings: dict[str, Any],
                 petitions: dict[str, Any]) -> RowProblem | None:
        for name, found in (("meeting", meetings), ("petition", petitions)):
            ref = item.record[name]
            if ref and ref not in found:
                return RowProblem(name, ref, f"no {name} with this ref")
        return None

    def _stored(self, item: Pending, meetings: dict[str, Any], petitions: dict[str, Any],
                *, was: bool = False) -> dict[str, Any]:
        record = item.record
        petition = petitions.get(record["petition"]) if record["petition"] else None
        secret = was or record["kind"] == DENUNCIATION or bool(petition and petition[1])
        return {**{k: v for k, v in record.items() if k not in LINKS},
                "meeting_id": meetings[record["meeting"]][0],
                "petition_id": petition[0] if petition else None, "secret": secret}

    def insert(self, imp: Importer, items: list[Pending]) -> None:
        meetings, petitions = self._links(imp, items)
        ready = []
        for item in items:
            if problem := self._problem(item, meetings, petitions):
                imp.error(item.label, problem.column, problem.value, problem.reason)
            else:
                ready.append(item)
        imp.assign_refs(ready, self.kind,
                        year_of=lambda item: meetings[item.record["meeting"]][1].year)
        rows = [self._stored(item, meetings, petitions) for item in ready]
        if rows:
            imp.session.execute(insert(Visit.__table__), rows)
            recompute(imp.session, (row["meeting_id"] for row in rows))
        imp.summary.inserted += len(rows)

    def update(self, imp: Importer, item: Pending, current: dict[str, Any],
               changes: dict[str, list[Any]]) -> None:
        meetings, petitions = self._links(imp, [item])
        if problem := self._problem(item, meetings, petitions):
            raise problem
        values = self._stored(item, meetings, petitions, was=bool(current["secret"]))
        values.pop("ref")
        table = Visit.__table__
        old = imp.session.execute(select(table.c.meeting_id).where(
            table.c.id == current["id"])).scalar()
        imp.session.execute(update(table).where(table.c.id == current["id"]).values(**values))
        recompute(imp.session, (old, values["meeting_id"]))
