"""The locality tree: adding units, finding one by code or name, and subtrees."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from dantrack.errors import Ambiguous, Conflict, NotFound
from dantrack.models import Locality
from dantrack.schemas import LocalityCreate, LocalityPublic, validate
from dantrack.text import fold, strip_prefix


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


def resolve_locality(session: Session, text: str) -> Locality:
    """A code, else a name equal but for case and diacritics, else equal without prefixes."""
    wanted = text.strip()
    if row := find_by_code(session, wanted):
        return row
    folded = fold(wanted)
    for column, key in ((Locality.name_folded, folded),
                        (Locality.bare_folded, strip_prefix(folded))):
        rows = list(session.exec(select(Locality).where(column == key).order_by(Locality.code)))
        if len(rows) == 1:
            return rows[0]
        if rows:
            raise Ambiguous(f"locality {text!r} is ambiguous: " + "; ".join(
                describe(session, row) for row in rows) + " — give the code")
    raise NotFound(f"no locality with code or name {text!r}")


def describe(session: Session, row: Locality) -> str:
    parent = session.get(Locality, row.parent_id) if row.parent_id else None
    where = f" in {parent.name} ({parent.code})" if parent else ""
    return f"{row.code} {row.name}{where}"


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


def roots(session: Session) -> list[Locality]:
    return list(session.exec(select(Locality).where(Locality.parent_id.is_(None))
                             .order_by(Locality.code)))


def children(session: Session, locality: Locality) -> list[Locality]:
    return list(session.exec(select(Locality).where(Locality.parent_id == locality.id)
                             .order_by(Locality.code)))


def count_localities(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Locality)).one()


def subtree_ids_query(locality: Locality):  # type: ignore[no-untyped-def]
    """A subquery of the ids of a locality's whole subtree (itself included)."""
    return select(Locality.id).where(Locality.path.startswith(locality.path))


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
