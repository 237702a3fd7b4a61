"""The one owner of the locality tree: which unit a code or name means on a date, which units a
report of a locality counts (its territory), where a new unit goes, ending a unit with its
successors, moving a unit, and the tree's own consistency.

Nothing else knows how the tree is stored: a materialised path of ids, "/1/5/23/", so that a
subtree is a prefix match; each unit's validity (valid_from–valid_to, inclusive, None
unbounded); and locality_successor, the units an ended unit's territory went to (position 0 the
main one). Works on an ORM session and on a plain connection alike, in Core SQL, and returns
light rows with the attributes id, code, name, level, parent_id, path, valid_from, valid_to.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update

from dantrack import clock
from dantrack.errors import Ambiguous, InvalidInput, NotFound, RuleError
from dantrack.tables import locality, locality_successor
from dantrack.text import fold, key, strip_prefix

_COLUMNS = (locality.c.id, locality.c.code, locality.c.name, locality.c.level,
            locality.c.parent_id, locality.c.path, locality.c.valid_from, locality.c.valid_to)


# --- validity -------------------------------------------------------------------------------


def valid_on(row: Any, day: dt.date) -> bool:
    return ((row.valid_from is None or row.valid_from <= day)
            and (row.valid_to is None or day <= row.valid_to))


def valid_during(start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    """An SQL condition: the unit is valid on some day of [start, end]."""
    return and_(or_(locality.c.valid_from.is_(None), locality.c.valid_from <= end),
                or_(locality.c.valid_to.is_(None), locality.c.valid_to >= start))


def valid_ids(start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    """A subquery of the ids of the units valid on some day of [start, end]."""
    return select(locality.c.id).where(valid_during(start, end))


def validity(row: Any) -> str:
    """A unit's period of validity in words, "" when it is valid always."""
    if row.valid_from and row.valid_to:
        return f"valid {row.valid_from.isoformat()} to {row.valid_to.isoformat()}"
    if row.valid_from:
        return f"valid from {row.valid_from.isoformat()}"
    if row.valid_to:
        return f"valid until {row.valid_to.isoformat()}"
    return ""


def label(row: Any) -> str:
    """ "Xã Chợ Rã (01912)": how messages name a unit."""
    return f"{row.name} ({row.code})"


# --- which unit a code or name means ----------------------------------------------------------


def by_id(connection: Any, locality_id: int) -> Any | None:
    return connection.execute(select(*_COLUMNS).where(locality.c.id == locality_id)).first()


def with_code(connection: Any, code: str) -> list[Any]:
    """Every unit that has had this code, earliest first."""
    return connection.execute(select(*_COLUMNS).where(locality.c.code == code)).all()


def with_codes(connection: Any, codes: set[str]) -> dict[str, list[Any]]:
    """Every unit that has had one of these codes, by code."""
    wanted = sorted(codes)
    found: dict[str, list[Any]] = {}
    for start in range(0, len(wanted), 500):
        for row in connection.execute(select(*_COLUMNS).where(
                locality.c.code.in_(wanted[start:start + 500])).order_by(locality.c.id)):
            found.setdefault(row.code, []).append(row)
    return found


def by_code(connection: Any, code: str, on: dt.date | None = None) -> Any | None:
    """The unit a code means on a date (default today), or None."""
    return pick(with_code(connection, code), on or clock.today())


def pick(rows: list[Any], day: dt.date) -> Any | None:
    """Of the units that had one code: the one valid on day, else the last one that had it
    before day, else the first one after it (SPEC §1)."""
    valid = [row for row in rows if valid_on(row, day)]
    if valid:
        return valid[0]
    before = [row for row in rows if row.valid_to is not None and row.valid_to < day]
    if before:
        return max(before, key=lambda row: row.valid_to)
    after = [row for row in rows if row.valid_from is not None and row.valid_from > day]
    return min(after, key=lambda row: row.valid_from) if after else None


def resolve(connection: Any, text: str, *, on: dt.date | None = None) -> Any:
    """The unit a code or name means on a date (default today): CODE@YYYY-MM-DD is the unit
    with that code valid that day; a code, else a name equal but for case and diacritics, else
    equal without prefixes; at each step units valid on the date come first."""
    wanted = text.strip()
    day = on or clock.today()
    code, at, when = wanted.partition("@")
    if at and _DAY.fullmatch(when.strip()):
        return _exact(connection, key(code), when, text)
    if row := pick(with_code(connection, key(wanted)), day):
        return row
    folded = fold(wanted)
    # Set aside the prefix of the stored name, and of the typed one if it has one: "quan hoa"
    # must find "Huyện Quan Hóa" although "quan" is also a prefix (Quận).
    steps = (locality.c.name_folded == folded,
             locality.c.bare_folded.in_({folded, strip_prefix(folded)}))
    for condition in steps:
        rows = connection.execute(
            select(*_COLUMNS).where(condition).order_by(locality.c.code)).all()
        rows = [row for row in rows if valid_on(row, day)] or rows
        if len(rows) == 1:
            return rows[0]
        if rows:
            candidates = "; ".join(describe(connection, row) for row in rows)
            raise Ambiguous(f"locality {text!r} is ambiguous: {candidates} — give the code")
    raise NotFound(f"no locality with code or name {text!r}")


# What follows @ in CODE@YYYY-MM-DD; other text with an @ is looked up as it is.
_DAY = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


def _exact(connection: Any, code: str, when: str, text: str) -> Any:
    try:
        day = dt.date.fromisoformat(when.strip())
    except ValueError:
        raise InvalidInput(f"locality {text!r}: the date after @ must be YYYY-MM-DD",
                           field="locality", value=text,
                           reason="the date after @ must be YYYY-MM-DD") from None
    for row in with_code(connection, code):
        if valid_on(row, day):
            return row
    raise NotFound(f"no locality with code {code!r} valid on {day.isoformat()}")


def describe(connection: Any, row: Any) -> str:
    """A candidate of an ambiguous name: code, name, parent and validity."""
    parent = by_id(connection, row.parent_id) if row.parent_id else None
    where = f" in {parent.name} ({parent.code})" if parent else ""
    when = validity(row)
    return f"{row.code} {row.name}{where}" + (f", {when}" if when else "")


def require_valid(connection: Any, row: Any, day: dt.date, *, field: str = "locality") -> None:
    """A record dated day can be placed in this unit; else InvalidInput naming the unit's end
    and its successors, or its beginning."""
    if valid_on(row, day):
        return
    if row.valid_to is not None and day > row.valid_to:
        reason = f"{label(row)} ended on {row.valid_to.isoformat()}"
        after = successors(connection, row.id)
        if len(after) == 1:
            reason += f"; its successor is {label(after[0])}"
        elif after:
            reason += "; its successors are " + ", ".join(label(unit) for unit in after)
    else:
        reason = f"{label(row)} begins on {row.valid_from.isoformat()}"
    raise InvalidInput(f"{field}: {reason}", field=field, value=row.code, reason=reason)


def successors(connection: Any, locality_id: int) -> list[Any]:
    """The units an ended unit's territory went to, main first."""
    s = locality_successor.c
    return connection.execute(
        select(*_COLUMNS).join(locality_successor, s.successor_id == locality.c.id)
        .where(s.locality_id == locality_id).order_by(s.position)).all()


def predecessors(connection: Any, locality_id: int) -> list[Any]:
    """The units whose territory went (wholly or partly) to this one, by code."""
    s = locality_successor.c
    return connection.execute(
        select(*_COLUMNS).join(locality_successor, s.locality_id == locality.c.id)
        .where(s.successor_id == locality_id).order_by(locality.c.code)).all()


def successor_codes(connection: Any, ids: list[int]) -> dict[int, list[str]]:
    """The successors' codes of these units, main first, by unit id."""
    s = locality_successor.c
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        for unit_id, code in connection.execute(
                select(s.locality_id, locality.c.code)
                .join(locality, locality.c.id == s.successor_id)
                .where(s.locality_id.in_(ids[start:start + 500]))
                .order_by(s.locality_id, s.position)):
            found.setdefault(unit_id, []).append(code)
    return found


def clash(connection: Any, code: str, valid_from: dt.date | None, valid_to: dt.date | None,
          *, besides: int | None = None) -> Any | None:
    """Another unit with this code valid on some day of [valid_from, valid_to], or None."""
    condition = and_(locality.c.code == code,
                     valid_during(valid_from or dt.date.min, valid_to or dt.date.max))
    if besides is not None:
        condition = and_(condition, locality.c.id != besides)
    return connection.execute(select(*_COLUMNS).where(condition)).first()


# --- the tree ---------------------------------------------------------------------------------


def children(connection: Any, parent_id: int | None,
             during: tuple[dt.date, dt.date] | None = None) -> list[Any]:
    """Direct children of a locality (None: the roots of the tree), by code, then in the
    order recorded (an old unit before the later one that kept its code); with during, only
    those valid on some day of that period."""
    condition = (locality.c.parent_id.is_(None) if parent_id is None
                 else locality.c.parent_id == parent_id)
    if during is not None:
        condition = and_(condition, valid_during(*during))
    return connection.execute(select(*_COLUMNS).where(condition)
                              .order_by(locality.c.code, locality.c.id)).all()


def descendants(connection: Any, ids: list[int]) -> list[Any]:
    """Every unit beneath these (not themselves), parents before children."""
    if not ids:
        return []
    paths = [row.path for row in connection.execute(
        select(locality.c.path).where(locality.c.id.in_(ids)))]
    found = connection.execute(select(*_COLUMNS).where(
        or_(*(locality.c.path.startswith(path) for path in paths)),
        locality.c.id.not_in(ids))).all()
    return sorted(found, key=lambda row: row.path.count("/"))


def nearest(row: Any, among: set[int]) -> int | None:
    """The id of the nearest ancestor of a unit that is among these ids, or None."""
    ancestors = [int(part) for part in row.path.strip("/").split("/")[:-1]]
    return next((unit_id for unit_id in reversed(ancestors) if unit_id in among), None)


def subtree_ids(path: str):  # type: ignore[no-untyped-def]
    """A subquery of the ids of the subtree whose root has this materialised path."""
    return select(locality.c.id).where(locality.c.path.startswith(path))


def subtree(row: Any | None):  # type: ignore[no-untyped-def]
    """A subquery of the ids of a unit's whole subtree, itself included (None: the whole
    tree). Lists of localities use it; records follow the territory (territory_ids)."""
    return subtree_ids(row.path if row is not None else "/")


# What territory() gives a unit counted in the reported unit's own total only.
TOP = -1


def territory(connection: Any, top: Any | None, parts: list[Any]) -> dict[int, int | None]:
    """The units a report of top counts, each with the index in parts (top's direct children
    reported) of the part it rolls up to, None when it counts in top's total only.

    A unit counts when it lies in top's subtree or its chain of main successors leads into it
    (SPEC §1 "Reports follow the territory"). It rolls up to the reported part its own place
    in the tree gives; else to the first one its chain of main successors reaches.
    """
    prefix = top.path if top is not None else "/"
    index_of = {str(part.id): i for i, part in enumerate(parts)}
    inside: dict[int, int] = {}
    for unit_id, path in connection.execute(
            select(locality.c.id, locality.c.path).where(locality.c.path.startswith(prefix))):
        index = index_of.get(path[len(prefix):].split("/", 1)[0])
        inside[unit_id] = TOP if index is None else index
    s = locality_successor.c
    main = dict(connection.execute(select(s.locality_id, s.successor_id)
                                   .where(s.position == 0)).all())
    found: dict[int, int | None] = {}
    for unit_id in (*inside, *main):
        if unit_id not in found:
            _follow(unit_id, inside, main, found)
    return {unit_id: (None if index == TOP else index)
            for unit_id, index in found.items() if index is not None}


def _follow(start: int, inside: dict[int, int], main: dict[int, int],
            found: dict[int, int | None]) -> None:
    """Where a unit and the units on its chain of main successors roll up: a part's index,
    TOP, or None (not counted). Successors begin after their predecessor ends, so a chain
    cannot come back on itself; the seen set guards against a damaged table all the same."""
    chain: list[int] = []
    seen: set[int] = set()
    node: int | None = start
    result: int | None = None
    while node is not None and node not in seen:
        if node in found:
            result = found[node]
            break
        if inside.get(node, TOP) != TOP:
            result = found[node] = inside[node]
            break
        chain.append(node)
        seen.add(node)
        node = main.get(node)
    if result is not None and result != TOP:
        for unit_id in chain:
            found[unit_id] = result
        return
    counted = result == TOP
    for unit_id in reversed(chain):
        counted = counted or unit_id in inside
        found[unit_id] = TOP if counted else None


def territory_ids(connection: Any, top: Any | None) -> list[int] | None:
    """The ids of the units whose records a list or a report of top counts (None: all)."""
    if top is None:
        return None
    return list(territory(connection, top, []))


def place(connection: Any, locality_id: int, parent_id: int | None) -> None:
    """Put a newly inserted unit under its parent (None: a root)."""
    parent_path = _path(connection, parent_id) if parent_id is not None else "/"
    connection.execute(update(locality).where(locality.c.id == locality_id)
                       .values(path=f"{parent_path}{locality_id}/"))


def add_units(connection: Any, units: list[dict[str, Any]]) -> None:
    """Insert many new units at once, each placed under its parent: a unit stored already or
    one earlier in units. Each dict gives id (reserved by the caller, so that no unit has to
    be read back), code, name, level, parent_id, valid_from and valid_to."""
    paths = _paths(connection, {unit["parent_id"] for unit in units}
                   - {unit["id"] for unit in units} - {None})
    rows = []
    for unit in units:
        parent_id = unit["parent_id"]
        path = paths[unit["id"]] = f"{paths[parent_id] if parent_id else '/'}{unit['id']}/"
        folded = fold(unit["name"])
        rows.append({**unit, "path": path, "name_folded": folded,
                     "bare_folded": strip_prefix(folded)})
    if rows:
        connection.execute(insert(locality), rows)


def _paths(connection: Any, ids: set[int]) -> dict[int, str]:
    wanted = sorted(ids)
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        found.update(connection.execute(select(locality.c.id, locality.c.path).where(
            locality.c.id.in_(wanted[start:start + 500]))).all())
    return found


def end_many(connection: Any, on: dt.date, ends: dict[int, list[int]]) -> None:
    """end() for many units that end on the same day: {unit id: successor ids, main
    first}, in a few statements whatever their number."""
    if not ends:
        return
    ids = list(ends)
    connection.execute(update(locality).where(locality.c.id == bindparam("unit"))
                       .values(valid_to=on), [{"unit": unit_id} for unit_id in ids])
    for start in range(0, len(ids), 500):
        connection.execute(delete(locality_successor).where(
            locality_successor.c.locality_id.in_(ids[start:start + 500])))
    rows = [{"locality_id": unit_id, "position": i, "successor_id": successor}
            for unit_id, after in ends.items() for i, successor in enumerate(after)]
    if rows:
        connection.execute(insert(locality_successor), rows)


def end(connection: Any, locality_id: int, on: dt.date | None,
        successor_ids: list[int]) -> None:
    """Record a unit's last day (None: valid again without end) and its successors, main
    first, in place of any it had."""
    connection.execute(update(locality).where(locality.c.id == locality_id)
                       .values(valid_to=on))
    connection.execute(delete(locality_successor)
                       .where(locality_successor.c.locality_id == locality_id))
    if successor_ids:
        connection.execute(insert(locality_successor), [
            {"locality_id": locality_id, "position": i, "successor_id": successor}
            for i, successor in enumerate(successor_ids)])


def move(connection: Any, locality_id: int, parent_id: int | None) -> None:
    """Move a unit, with its whole subtree, under another parent (None: make it a root).
    Raises RuleError when the new parent lies inside the unit's own subtree."""
    old = _path(connection, locality_id)
    parent_path = _path(connection, parent_id) if parent_id is not None else "/"
    if parent_path.startswith(old):
        raise RuleError("parent: lies inside this locality's own subtree", field="parent",
                        reason="lies inside this locality's own subtree")
    new = f"{parent_path}{locality_id}/"
    rows = connection.execute(select(locality.c.id, locality.c.path)
                              .where(locality.c.path.startswith(old))).all()
    for unit_id, path in rows:
        connection.execute(update(locality).where(locality.c.id == unit_id)
                           .values(path=new + path[len(old):]))
    connection.execute(update(locality).where(locality.c.id == locality_id)
                       .values(parent_id=parent_id))


def _path(connection: Any, locality_id: int) -> str:
    return connection.execute(select(locality.c.path)
                              .where(locality.c.id == locality_id)).scalar_one()


def tree_order(rows: list[Any]) -> list[Any]:
    """Units sorted so that children follow their parent, siblings by code."""
    by_id = {row.id: row for row in rows}

    def order(row: Any) -> list[str]:
        ids = [int(part) for part in row.path.strip("/").split("/")]
        return [by_id[i].code if i in by_id else "" for i in ids]

    return sorted(rows, key=order)


def misplaced(connection: Any):  # type: ignore[no-untyped-def]
    """A query of (code, path, parent id) of the units whose stored place in the tree does
    not agree with their parent (for db check)."""
    from sqlalchemy import String, and_, cast, or_
    from sqlalchemy.orm import aliased

    parent = aliased(locality)
    own = cast(locality.c.id, String) + "/"
    return (select(locality.c.code, locality.c.path, parent.c.id)
            .outerjoin(parent, parent.c.id == locality.c.parent_id)
            .where(or_(and_(locality.c.parent_id.is_(None), locality.c.path != "/" + own),
                       and_(locality.c.parent_id.is_not(None),
                            or_(parent.c.id.is_(None),
                                locality.c.path != parent.c.path + own))))
            .order_by(locality.c.code))


def inconsistencies(connection: Any) -> Any:
    """(code, problem) of the units whose validity or succession breaks SPEC §1, for db check:
    a period that ends before it begins, a code shared by two units valid on one day,
    successors of a unit that does not end, or not valid on the day after its end."""
    units = {row.id: row for row in connection.execute(select(*_COLUMNS))}
    by_code: dict[str, list[Any]] = {}
    for row in units.values():
        by_code.setdefault(row.code, []).append(row)
        if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
            yield row.code, f"{row.name} ends ({row.valid_to}) before it begins ({row.valid_from})"
    for code, rows in sorted(by_code.items()):
        rows.sort(key=lambda row: row.valid_from or dt.date.min)
        for earlier, later in pairwise(rows):
            if earlier.valid_to is None or later.valid_from is None \
                    or later.valid_from <= earlier.valid_to:
                yield code, (f"two units have this code on the same days: {earlier.name} "
                             f"({validity(earlier) or 'valid always'}) and {later.name} "
                             f"({validity(later) or 'valid always'})")
    for row in units.values():
        parent = units.get(row.parent_id) if row.parent_id else None
        if parent is not None and not within(row, parent):
            yield row.code, (f"{row.name} ({validity(row) or 'valid always'}) is valid on days "
                             f"its parent {label(parent)} is not ({validity(parent)})")
    s = locality_successor.c
    for unit_id, successor_id in connection.execute(
            select(s.locality_id, s.successor_id).order_by(s.locality_id, s.position)):
        unit, successor = units.get(unit_id), units.get(successor_id)
        if unit is None or successor is None:
            yield (unit.code if unit else str(unit_id)), (
                f"a succession names a unit that does not exist (id {successor_id})")
            continue
        if unit.valid_to is None:
            yield unit.code, f"{unit.name} has successors but no end"
        elif not valid_on(successor, unit.valid_to + dt.timedelta(days=1)):
            yield unit.code, (f"its successor {label(successor)} is not valid on the day "
                              f"after its end ({unit.valid_to})")


def within(row: Any, parent: Any) -> bool:
    """Whether a unit's validity lies within its parent's."""
    starts = parent.valid_from is None or (row.valid_from is not None
                                           and row.valid_from >= parent.valid_from)
    ends = parent.valid_to is None or (row.valid_to is not None
                                       and row.valid_to <= parent.valid_to)
    return starts and ends


def check_within(row: Any, parent: Any, *, field: str = "parent") -> None:
    """InvalidInput unless a unit's validity lies within its parent's."""
    if not within(row, parent):
        reason = (f"{label(parent)} is {validity(parent)}: a unit beneath it must lie within "
                  "its validity (give its first and last day)")
        raise InvalidInput(f"{field}: {reason}", field=field, value=parent.code, reason=reason)


def outside_validity(date_column: Any):  # type: ignore[no-untyped-def]
    """An SQL condition on a record joined to its unit: the record's date lies outside the
    unit's validity."""
    return or_(and_(locality.c.valid_from.is_not(None), date_column < locality.c.valid_from),
               and_(locality.c.valid_to.is_not(None), date_column > locality.c.valid_to))
