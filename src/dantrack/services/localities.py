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
    return insert_locality(session, data, parent_row.id if parent_row else None)


def insert_locality(session: Session, data: LocalityCreate, parent_id: int | None) -> Locality:
    folded = fold(data.name)
    row = Locality(
        code=data.code,
        name=data.name,
        level=data.level.lower(),
        parent_id=parent_id,
        name_folded=folded,
        bare_folded=strip_prefix(folded),
    )
    session.add(row)
    session.flush()
    lookup.place(session, row.id, parent_id)
    session.refresh(row)
    return row


def find_by_code(session: Session, code: str) -> Locality | None:
    return session.exec(select(Locality).where(Locality.code == code)).first()


def list_localities(session: Session, *, under: str | None = None) -> list[Locality]:
    """All localities, or the subtree under one (itself included), in tree order."""
    query = select(Locality)
    if under:
        query = query.where(Locality.id.in_(lookup.subtree(resolve_locality(session, under))))
    return lookup.tree_order(list(session.exec(query)))


def subtree_ids_query(locality):  # type: ignore[no-untyped-def]
    """A subquery of the ids of a locality's whole subtree (itself included)."""
    return lookup.subtree(locality)


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
