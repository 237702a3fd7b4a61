"""The locality tree: adding units, finding one by code or name, and subtrees."""

from __future__ import annotations

from sqlmodel import Session, select

from dantrack import lookup
from dantrack.errors import Conflict
from dantrack.lookup import resolve_locality
from dantrack.models import Locality
from dantrack.schemas import LocalityCreate, LocalityPublic, validate
from dantrack.text import fold, strip_prefix

__all__ = ["add_locality", "list_localities", "public_localities", "resolve_locality"]


def add_locality(session: Session, *, code: str, name: str, level: str,
                 parent: str | None = None) -> Locality:
    data = validate(LocalityCreate, {"code": code, "name": name, "level": level,
                                     "parent": parent})
    if find_by_code(session, data.code) is not None:
        raise Conflict(f"locality {data.code} exists already")
    parent_row = resolve_locality(session, data.parent) if data.parent else None
    return insert_locality(session, data, parent_row)


def insert_locality(session: Session, data: LocalityCreate, parent: Locality | None) -> Locality:
    folded = fold(data.name)
    row = Locality(
        code=data.code,
        name=data.name,
        level=data.level.lower(),
        parent_id=parent.id if parent else None,
        name_folded=folded,
        bare_folded=strip_prefix(folded),
    )
    session.add(row)
    session.flush()
    row.path = f"{parent.path if parent else '/'}{row.id}/"
    session.flush()
    return row


def find_by_code(session: Session, code: str) -> Locality | None:
    return session.exec(select(Locality).where(Locality.code == code)).first()


def list_localities(session: Session, *, under: str | None = None) -> list[Locality]:
    """All localities, or the subtree under one (itself included), in tree order."""
    query = select(Locality)
    if under:
        root = resolve_locality(session, under)
        query = query.where(Locality.path.startswith(root.path))
    rows = list(session.exec(query))
    by_id = {row.id: row for row in rows}
    # Tree order: sort by the codes along each path, so children follow their parent.
    def key(row: Locality) -> list[str]:
        ids = [int(part) for part in row.path.strip("/").split("/")]
        return [by_id[i].code if i in by_id else "" for i in ids]

    return sorted(rows, key=key)


def subtree_ids_query(locality):  # type: ignore[no-untyped-def]
    """A subquery of the ids of a locality's whole subtree (itself included)."""
    return lookup.subtree_ids(locality.path)


def public_localities(session: Session, rows: list[Locality]) -> list[LocalityPublic]:
    parent_ids = {row.parent_id for row in rows if row.parent_id}
    parents = {p.id: p for p in session.exec(select(Locality).where(Locality.id.in_(parent_ids)))}
    result = []
    for row in rows:
        parent = parents.get(row.parent_id)
        result.append(LocalityPublic(code=row.code, name=row.name, level=row.level,
                                     parent=parent.code if parent else None,
                                     parent_name=parent.name if parent else None))
    return result
