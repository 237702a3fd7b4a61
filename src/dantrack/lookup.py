"""Finding localities by code or name, and their subtrees — in Core SQL, for every path.

Works on an ORM session and on a plain connection alike, and returns light rows with the
attributes id, code, name, level, parent_id and path.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dantrack.errors import Ambiguous, NotFound
from dantrack.tables import locality
from dantrack.text import fold, strip_prefix

_COLUMNS = (locality.c.id, locality.c.code, locality.c.name, locality.c.level,
            locality.c.parent_id, locality.c.path)


def by_code(connection: Any, code: str) -> Any | None:
    return connection.execute(select(*_COLUMNS).where(locality.c.code == code)).first()


def by_id(connection: Any, locality_id: int) -> Any | None:
    return connection.execute(select(*_COLUMNS).where(locality.c.id == locality_id)).first()


def resolve_locality(connection: Any, text: str) -> Any:
    """A code, else a name equal but for case and diacritics, else equal without prefixes."""
    wanted = text.strip()
    if row := by_code(connection, wanted):
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
