"""The one owner of the locality tree: which unit a code or name means, which units a report
of a locality counts, where a new unit goes, moving a unit, and the tree's own consistency.

Nothing else knows how the tree is stored (today a materialised path of ids, "/1/5/23/", so
that a subtree is a prefix match). Works on an ORM session and on a plain connection alike, in
Core SQL, and returns light rows with the attributes id, code, name, level, parent_id, path.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from dantrack.errors import Ambiguous, NotFound, RuleError
from dantrack.tables import locality
from dantrack.text import fold, key, strip_prefix

_COLUMNS = (locality.c.id, locality.c.code, locality.c.name, locality.c.level,
            locality.c.parent_id, locality.c.path)


def by_code(connection: Any, code: str) -> Any | None:
    return connection.execute(select(*_COLUMNS).where(locality.c.code == code)).first()


def by_id(connection: Any, locality_id: int) -> Any | None:
    return connection.execute(select(*_COLUMNS).where(locality.c.id == locality_id)).first()


def resolve_locality(connection: Any, text: str) -> Any:
    """A code, else a name equal but for case and diacritics, else equal without prefixes."""
    wanted = text.strip()
    if row := by_code(connection, key(wanted)):
        return row
    folded = fold(wanted)
    # Set aside the prefix of the stored name, and of the typed one if it has one: "quan hoa"
    # must find "Huyện Quan Hóa" although "quan" is also a prefix (Quận).
    steps = (locality.c.name_folded == folded,
             locality.c.bare_folded.in_({folded, strip_prefix(folded)}))
    for condition in steps:
        rows = connection.execute(
            select(*_COLUMNS).where(condition).order_by(locality.c.code)).all()
        if len(rows) == 1:
            return rows[0]
        if rows:
            candidates = "; ".join(describe(connection, row) for row in rows)
            raise Ambiguous(f"locality {text!r} is ambiguous: {candidates} — give the code")
    raise NotFound(f"no locality with code or name {text!r}")


def describe(connection: Any, row: Any) -> str:
    parent = by_id(connection, row.parent_id) if row.parent_id else None
    where = f" in {parent.name} ({parent.code})" if parent else ""
    return f"{row.code} {row.name}{where}"


def children(connection: Any, parent_id: int | None) -> list[Any]:
    """Direct children of a locality; with None, the roots of the tree."""
    condition = (locality.c.parent_id.is_(None) if parent_id is None
                 else locality.c.parent_id == parent_id)
    return connection.execute(select(*_COLUMNS).where(condition)
                              .order_by(locality.c.code)).all()


def subtree_ids(path: str):  # type: ignore[no-untyped-def]
    """A subquery of the ids of the subtree whose root has this materialised path."""
    return select(locality.c.id).where(locality.c.path.startswith(path))


def subtree(row: Any | None):  # type: ignore[no-untyped-def]
    """A subquery of the ids of the units a report or a list of this unit counts: its whole
    subtree, itself included (None: the whole tree)."""
    return subtree_ids(row.path if row is not None else "/")


def rollup(connection: Any, top: Any | None, parts: list[Any]) -> dict[int, int | None]:
    """For every unit a report of top counts, the index in parts (top's direct children) of
    the part it rolls up to; None for top itself."""
    prefix = top.path if top is not None else "/"
    index_of = {str(part.id): i for i, part in enumerate(parts)}
    return {
        locality_id: index_of.get(path[len(prefix):].split("/", 1)[0])
        for locality_id, path in connection.execute(
            select(locality.c.id, locality.c.path).where(locality.c.path.startswith(prefix)))
    }


def place(connection: Any, locality_id: int, parent_id: int | None) -> None:
    """Put a newly inserted unit under its parent (None: a root)."""
    parent_path = _path(connection, parent_id) if parent_id is not None else "/"
    connection.execute(update(locality).where(locality.c.id == locality_id)
                       .values(path=f"{parent_path}{locality_id}/"))


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
