"""The locality tree's writes and views: adding a unit, correcting one, ending one with its
successors, the tree on a day, one unit with its predecessors and successors, and placing a
record in the unit valid on its date. How the tree is stored is dantrack.lookup's business."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from dantrack import clock, lookup
from dantrack.errors import Conflict, InvalidInput, RuleError
from dantrack.lookup import resolve as resolve_locality
from dantrack.models import Locality
from dantrack.schemas import LocalityCreate, LocalityPublic, LocalityShown, validate
from dantrack.text import fold, strip_prefix

__all__ = ["add_locality", "edit_locality", "end_locality", "list_localities", "placed",
           "public_localities", "records_of", "resolve_locality", "show_locality"]

DAY = dt.timedelta(days=1)


def add_locality(session: Session, *, code: str, name: str, level: str,
                 parent: str | None = None, valid_from: Any = None,
                 valid_to: Any = None) -> Locality:
    data = validate(LocalityCreate, {"code": code, "name": name, "level": level,
                                     "parent": parent, "valid_from": valid_from,
                                     "valid_to": valid_to})
    check_code_free(session, data)
    parent_row = parent_for(session, data) if data.parent else None
    return insert_locality(session, data, parent_row.id if parent_row else None)


def check_code_free(session: Session, data: LocalityCreate, *,
                    besides: int | None = None) -> None:
    """A code is unique among the units valid on any one day (SPEC §1)."""
    other = lookup.clash(session, data.code, data.valid_from, data.valid_to, besides=besides)
    if other is not None:
        when = lookup.validity(other) or "valid always"
        raise Conflict(f"locality {data.code} exists already: {other.name}, {when} — a new "
                       "unit with this code must begin after it ends")


def parent_for(session: Session, data: LocalityCreate) -> Any:
    """The parent a unit names, as it is meant on the unit's first day (else today); it must
    be valid that day."""
    day = data.valid_from or data.valid_to or clock.today()
    parent = resolve_locality(session, data.parent, on=day)
    if data.valid_from or data.valid_to:
        lookup.require_valid(session, parent, day, field="parent")
    lookup.check_within(data, parent)
    return parent


def insert_locality(session: Session, data: LocalityCreate, parent_id: int | None) -> Locality:
    folded = fold(data.name)
    row = Locality(code=data.code, name=data.name, level=data.level.value,
                   parent_id=parent_id, name_folded=folded, bare_folded=strip_prefix(folded),
                   valid_from=data.valid_from, valid_to=data.valid_to)
    session.add(row)
    session.flush()
    lookup.place(session, row.id, parent_id)
    session.refresh(row)
    return row


def edit_locality(session: Session, *, locality: str, name: str | None = None,
                  level: str | None = None, parent: str | None = None) -> dict[str, list]:
    """Correct a unit's name, level or parent (a mistake, not a reorganisation); returns
    {field: [old, new]} of what changed."""
    row = resolve_locality(session, locality)
    if name is None and level is None and parent is None:
        raise RuleError("nothing to change: give --name, --level or --parent")
    data = validate(LocalityCreate, {"code": row.code, "name": name or row.name,
                                     "level": level or row.level, "parent": parent,
                                     "valid_from": row.valid_from, "valid_to": row.valid_to})
    changes: dict[str, list] = {}
    values: dict[str, Any] = {}
    if data.name != row.name:
        folded = fold(data.name)
        values.update(name=data.name, name_folded=folded, bare_folded=strip_prefix(folded))
        changes["name"] = [row.name, data.name]
    if data.level.value != row.level:
        values["level"] = data.level.value
        changes["level"] = [row.level, data.level.value]
    if values:
        session.execute(update(Locality).where(Locality.id == row.id).values(**values))
    if parent is not None:
        new_parent = parent_for(session, data) if data.parent else None
        old_parent = lookup.by_id(session, row.parent_id) if row.parent_id else None
        if (new_parent.id if new_parent else None) != row.parent_id:
            lookup.move(session, row.id, new_parent.id if new_parent else None)
            changes["parent"] = [old_parent.code if old_parent else None,
                                 new_parent.code if new_parent else None]
    if not changes:
        raise RuleError(f"nothing changed: {lookup.label(row)} is as given")
    return changes


def end_locality(session: Session, *, locality: str, on: dt.date,
                 successors: list[str], move_late_records: bool = False) -> Any:
    """Record a unit's last day and its successors (units valid the day after, main first).
    Records dated after the end are refused unless move_late_records moves them to the main
    successor. Ending a unit again on its last day names its successors anew: a successor
    that keeps the unit's code can only be added once the unit has ended. Returns the unit."""
    row = resolve_locality(session, locality, on=on)
    if row.valid_to is not None and row.valid_to != on:
        raise RuleError(f"{lookup.label(row)} ended already on {row.valid_to.isoformat()}")
    if not lookup.valid_on(row, on):
        lookup.require_valid(session, row, on)
    after = successors_on(session, successors, on + DAY, besides=row.id)
    still = [child for child in lookup.children(session, row.id)
             if child.valid_to is None or child.valid_to > on]
    if still:
        names = ", ".join(lookup.label(child) for child in still[:5])
        more = f" and {len(still) - 5} more" if len(still) > 5 else ""
        raise RuleError(f"{lookup.label(row)} cannot end on {on.isoformat()}: its units "
                        f"{names}{more} are valid after it — end them first")
    move_or_refuse(session, [(row, on, after[0] if after else None)], move=move_late_records)
    lookup.end(session, row.id, on, [unit.id for unit in after])
    return row


def successors_on(session: Session, codes: list[str], day: dt.date, *,
                  besides: int) -> list[Any]:
    """The units codes name, each valid on day (the day after an end), no repeats."""
    found: list[Any] = []
    for code in codes:
        unit = resolve_locality(session, code, on=day)
        lookup.require_valid(session, unit, day, field="successor")
        if unit.id == besides or any(unit.id == other.id for other in found):
            raise InvalidInput(f"successor: {lookup.label(unit)} is named twice or is the "
                               "unit itself", field="successor", value=code)
        found.append(unit)
    return found


def move_or_refuse(session: Session, ends: list[tuple[Any, dt.date, Any]], *,
                   move: bool) -> list[str]:
    """Records dated after their unit's end (ends: (unit, last day, main successor)).
    Without move: refused, listed. With move: each goes to the main successor, in the
    petition's history. Returns the refs moved."""
    from dantrack.services import late_records

    late = late_records.find(session, ends)
    if not late:
        return []
    if not move:
        raise RuleError(late_records.refusal(late))
    return late_records.move(session, late)


def placed(session: Session, text: str, on: dt.date, *, field: str = "locality") -> Any:
    """The unit a record dated on is placed in: what text means that day, valid that day."""
    row = resolve_locality(session, text, on=on)
    lookup.require_valid(session, row, on, field=field)
    return row


def records_of(session: Session, text: str, on: dt.date | None = None) -> list[int]:
    """The ids of the units whose records a list of text counts (its territory)."""
    ids = lookup.territory_ids(session, resolve_locality(session, text, on=on))
    assert ids is not None
    return ids


def in_year_and_territory(session: Session, query: Any, *, date: Any, placed_by: Any,
                          year: int | None, locality: str | None) -> Any:
    """A list's --year (its records' date in that year) and --locality (what it means on the
    year's last day, else today, with its territory) as conditions on query."""
    if year is not None:
        query = query.where(date >= dt.date(year, 1, 1), date <= dt.date(year, 12, 31))
    if locality:
        on = dt.date(year, 12, 31) if year is not None else None
        query = query.where(placed_by.in_(records_of(session, locality, on)))
    return query


def list_localities(session: Session, *, on: dt.date | None = None, under: str | None = None,
                    every: bool = False) -> list[Any]:
    """The tree on a day (default today), or every unit ever with every; under one unit's
    subtree (itself included), in tree order."""
    day = on or clock.today()
    query = select(Locality)
    if not every:
        query = query.where(Locality.id.in_(lookup.valid_ids(day, day)))
    if under:
        query = query.where(Locality.id.in_(lookup.subtree(resolve_locality(session, under,
                                                                            on=day))))
    return lookup.tree_order(list(session.scalars(query)))


def show_locality(session: Session, text: str) -> LocalityShown:
    """One unit with its validity, predecessors and successors."""
    row = resolve_locality(session, text)
    public = public_localities(session, [session.get(Locality, row.id)])[0]
    return LocalityShown(**public.model_dump(), predecessors=";".join(
        p.code for p in lookup.predecessors(session, row.id)))


def public_localities(session: Session, rows: list[Locality]) -> list[LocalityPublic]:
    parent_ids = {row.parent_id for row in rows if row.parent_id}
    parents = {p.id: p for p in session.scalars(select(Locality)
                                                .where(Locality.id.in_(parent_ids)))}
    after = lookup.successor_codes(session, [row.id for row in rows if row.valid_to])
    result = []
    for row in rows:
        parent = parents.get(row.parent_id)
        result.append(LocalityPublic(code=row.code, name=row.name, level=row.level,
                                     parent=parent.code if parent else None,
                                     parent_name=parent.name if parent else None,
                                     valid_from=row.valid_from, valid_to=row.valid_to,
                                     successors=";".join(after.get(row.id, ()))))
    return result
