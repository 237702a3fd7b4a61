"""`locality load official`: the official units shipped with dantrack (dantrack.official) put
into the database, with their validity and the succession between the old units and the new.

Each official unit is added, or found there already: loaded by an earlier run (unchanged), or
kept by an office before the 2025 reorganisation, with the same code and name and no end
(adopted: taken as the official unit and ended on 2025-06-30 with its successors). Anything
else with an official unit's code on its days is refused, naming it, before anything is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from dantrack import lookup, official
from dantrack.errors import Conflict, RuleError
from dantrack.importing.bulk import reserve_ids
from dantrack.official import OfficialUnit
from dantrack.services import late_records
from dantrack.tables import locality
from dantrack.text import fold, strip_prefix

OLD_END = dt.date(2025, 6, 30)


@dataclass
class LoadSummary:
    added: int = 0
    adopted: int = 0
    unchanged: int = 0
    moved: list[str] = field(default_factory=list)  # refs of the records moved


@dataclass
class Plan:
    """What a load does: the units to add, the stored units to adopt, and the id each
    official unit has or will have, by (is_new, code) since a code may be in both lists."""

    added: list[OfficialUnit] = field(default_factory=list)
    adopted: list[tuple[OfficialUnit, Any]] = field(default_factory=list)
    unchanged: int = 0
    ids: dict[tuple[bool, str], int] = field(default_factory=dict)


def load_official(session: Session, *, province: str | None = None,
                  move_late_records: bool = False) -> LoadSummary:
    """Load the official units (with province: that province's part, official.units_for_province).
    Records dated after an adopted unit's end are refused, listed, unless move_late_records
    moves each to the unit's main successor. A second load changes nothing."""
    units = official.units_for_province(province) if province else official.official_units()
    plan = _plan(units, lookup.with_codes(session, {unit.code for unit in units}))
    beneath = _beneath(session, plan)
    late = late_records.find(session, [(row, OLD_END, None) for _, row in plan.adopted]
                             + [(row, OLD_END, None) for row, _ in beneath])
    if late and not move_late_records:
        raise RuleError(late_records.refusal(late))
    _add(session, plan)
    _end(session, plan, units)
    # The office's own units beneath an adopted one (villages) end with it, their territory
    # going where their adopted ancestor's main successor is.
    main = _mains(plan)
    lookup.end_many(session, OLD_END, {row.id: [main[ancestor]] for row, ancestor in beneath
                                       if ancestor in main})
    moved = _move(session, plan, late, beneath) if late else []
    return LoadSummary(added=len(plan.added), adopted=len(plan.adopted),
                       unchanged=plan.unchanged, moved=moved)


def _plan(units: Any, stored: dict[str, list[Any]]) -> Plan:
    plan = Plan()
    adopted: set[int] = set()
    for unit in units:  # old units first: an adopted one ends before a new one of its code
        rows = [row for row in stored.get(unit.code, ()) if _overlaps(row, unit, adopted)]
        if not rows:
            plan.added.append(unit)
            continue
        row = rows[0]
        fate = _fate(unit, row) if len(rows) == 1 else "several units have this code"
        if fate == "adopt":
            plan.adopted.append((unit, row))
            adopted.add(row.id)
        elif fate == "unchanged":
            plan.unchanged += 1
        else:
            raise Conflict(f"official unit {lookup.label(unit)}, {lookup.validity(unit)}, "
                           f"clashes with {lookup.label(row)} in the database "
                           f"({lookup.validity(row) or 'valid always'}): {fate} — correct "
                           "or end that unit, then load again")
        plan.ids[(unit.is_new, unit.code)] = row.id
    return plan


def _overlaps(row: Any, unit: OfficialUnit, adopted: set[int]) -> bool:
    """Whether a stored unit is valid on some day of an official unit's validity, counting
    the units this load adopts as ending on OLD_END."""
    until = OLD_END if row.id in adopted else row.valid_to
    return ((row.valid_from is None or unit.valid_to is None or row.valid_from <= unit.valid_to)
            and (until is None or unit.valid_from is None or until >= unit.valid_from))


def _fate(unit: OfficialUnit, row: Any) -> str:
    """"unchanged", "adopt", or why the stored unit clashes with the official one."""
    if _bare(row.name) != _bare(unit.name):
        return "another name"
    if unit.is_new:
        same = row.valid_from == unit.valid_from and row.valid_to is None
        return "unchanged" if same else "other dates"
    if row.valid_to == unit.valid_to:
        return "unchanged"
    return "adopt" if row.valid_to is None and lookup.valid_on(row, OLD_END) else "other dates"


def _bare(name: str) -> str:
    # Without its prefix: an office may well write "Bắc Kạn" for GSO's "Tỉnh Bắc Kạn".
    return strip_prefix(fold(name))


def _add(session: Session, plan: Plan) -> None:
    """The new units in one insert, parents first (the official list's order), each parent
    the unit of its code in the same list."""
    ids = reserve_ids(session, locality, len(plan.added))
    rows = []
    for unit, unit_id in zip(plan.added, ids, strict=True):
        plan.ids[(unit.is_new, unit.code)] = unit_id
        parent_id = plan.ids[(unit.is_new, unit.parent)] if unit.parent else None
        rows.append({"id": unit_id, "code": unit.code, "name": unit.name, "level": unit.level,
                     "parent_id": parent_id, "valid_from": unit.valid_from,
                     "valid_to": unit.valid_to})
    lookup.add_units(session, rows)


def _end(session: Session, plan: Plan, units: Any) -> None:
    """Every old unit ends on OLD_END with its official successors (written again for one
    loaded before; given to one an office ended on that day without them)."""
    lookup.end_many(session, OLD_END, {
        plan.ids[(False, unit.code)]: [plan.ids[(True, code)] for code in unit.successors]
        for unit in units if not unit.is_new})


def _beneath(session: Session, plan: Plan) -> list[tuple[Any, int]]:
    """The units beneath adopted ones that are not official and still valid after OLD_END,
    each with the id of its nearest adopted ancestor."""
    adopted = {row.id for _, row in plan.adopted}
    tops = sorted(row.id for _, row in plan.adopted if row.parent_id not in adopted)
    official_ids = set(plan.ids.values())
    found = []
    for row in lookup.descendants(session, tops):
        if row.id in official_ids or (row.valid_to is not None and row.valid_to <= OLD_END):
            continue
        ancestor = lookup.nearest(row, adopted)
        if ancestor is not None:
            found.append((row, ancestor))
    return found


def _mains(plan: Plan) -> dict[int, int]:
    """Adopted unit id → its main successor's id."""
    return {row.id: plan.ids[(True, unit.successors[0])]
            for unit, row in plan.adopted if unit.successors}


def _move(session: Session, plan: Plan, late: list[late_records.Late],
          beneath: list[tuple[Any, int]]) -> list[str]:
    """Each late record to its adopted unit's main successor, now stored (for a unit beneath
    an adopted one, its ancestor's)."""
    main = _mains(plan)
    main.update({row.id: main[ancestor] for row, ancestor in beneath if ancestor in main})
    successors = {unit_id: lookup.by_id(session, unit_id) for unit_id in set(main.values())}
    return late_records.move(session, [
        dataclasses.replace(item, successor=successors.get(main.get(item.unit.id, -1)))
        for item in late])
