"""A denouncer's identity is secret by law (SPEC §1 Confidentiality). This module owns the rule
of which petitions are secret and the record of every reveal.

A petition is secret when it is, or ever was, a denunciation, or is linked through
`duplicate_of` (either way, along the whole chain) to a secret petition: a duplicate repeats a
matter from the same person, so the complaint linked to a denunciation would name its denouncer.
The flag is stored on the petition and never cleared, so a kind changed back or a link removed
does not make an identity readable again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from dantrack.limits import SECRET_FIELDS
from dantrack.models import Petition, PetitionEvent, VisitEvent

IDENTITY_FIELDS = SECRET_FIELDS
MASK = "***"


def mask(value: Any) -> Any:
    """What a masked identity field shows: *** for a value, nothing for nothing."""
    return MASK if value else ""


def mask_change(value: Any) -> Any:
    """An identity field's entry in the history ([old, new] for an edit), masked."""
    if isinstance(value, list):
        return [mask(v) if isinstance(v, str) else v for v in value]
    return mask(value) if isinstance(value, str) else value


def spread(session: Any, petition_ids: Iterable[int]) -> int:
    """Mark secret every petition linked by duplicate_of (either way, along whole chains) to
    one of petition_ids, when anything so linked is secret; returns how many were marked.
    The links are followed through their indexes, a chunk of ids at a time."""
    p = Petition.__table__.c
    component = {i for i in petition_ids if i is not None}
    frontier, secret = set(component), False
    while frontier:
        found: set[int] = set()
        for chunk in _chunks(frontier):
            for id_, original, is_secret in session.execute(
                    select(p.id, p.duplicate_of_id, p.secret).where(
                        or_(p.id.in_(chunk), p.duplicate_of_id.in_(chunk)))):
                secret = secret or bool(is_secret)
                found.update(i for i in (id_, original) if i is not None)
        frontier = found - component
        component |= frontier
    if not secret:
        return 0
    marked = 0
    for chunk in _chunks(component):
        marked += session.execute(update(Petition.__table__).where(
            and_(p.id.in_(chunk), p.secret.is_(False))).values(secret=True)).rowcount
    return marked


def _chunks(ids: set[int], size: int = 900) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


# Where each kind's reveals are written: its history table and the column naming the record.
# A visit has no history of its own but its reveals (visit_event).
HISTORY_OF = {"petitions": (PetitionEvent, "petition_id"), "visits": (VisitEvent, "visit_id")}


def record_reveals(session: Any, petition_ids: Iterable[int], *, by: str, stamp: str,
                   operator: str, kind: str = "petitions") -> int:
    """One `revealed` entry per petition (or visit, with kind "visits"), in the caller's
    transaction, which must commit before any revealed value is written out."""
    table, column = HISTORY_OF[kind]
    rows = [{column: record_id, "at": stamp, "operator": operator,
             "action": "revealed", "changes": json.dumps({"by": by})}
            for record_id in dict.fromkeys(petition_ids)]
    if rows:
        session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)
