"""Petition history: who did what, when, and what changed."""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from dantrack.errors import InvalidInput
from dantrack.limits import NAME_MAX
from dantrack.models import Petition, PetitionEvent


def operator() -> str:
    """$DANTRACK_OPERATOR, else the login name."""
    if name := os.environ.get("DANTRACK_OPERATOR", "").strip():
        if len(name) > NAME_MAX:
            raise InvalidInput(f"DANTRACK_OPERATOR is longer than {NAME_MAX} characters",
                               field="DANTRACK_OPERATOR")
        return _storable(name)
    try:
        return _storable(getpass.getuser())
    except (OSError, KeyError):
        return "unknown"


def _storable(name: str) -> str:
    """Bytes of the environment that were not UTF-8 (lone surrogates to Python), written as
    \\xNN escapes: they cannot be stored as they are."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# One encoder for every event's changes (made once: json.dumps with options makes one per call).
_CHANGES = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=True)


def encode(changes: dict[str, Any] | None) -> str:
    """An event's changes as stored: JSON with sorted keys, non-ASCII text as it is."""
    return _CHANGES.encode(changes or {})


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(session: Session, petition: Petition, action: str,
           changes: dict[str, Any] | None = None) -> PetitionEvent:
    event = PetitionEvent(
        petition_id=petition.id,
        at=now(),
        operator=operator(),
        action=action,
        changes=encode(changes),
    )
    session.add(event)
    return event


def _owners() -> dict[str, tuple[type, str]]:
    """The kinds of record with a history of corrections: their event table and its key."""
    from dantrack.models import DialogueEvent, MeetingEvent

    return {"meeting": (MeetingEvent, "meeting_id"), "dialogue": (DialogueEvent, "dialogue_id")}


def record_edit(session: Session, kind: str, record_id: int,
                changes: dict[str, list[Any]]) -> None:
    """A correction of a meeting or dialogue, {field: [old, new]}, in its history."""
    event_model, key = _owners()[kind]
    session.add(event_model(**{key: record_id}, at=now(), operator=operator(),
                            action="edited", changes=encode(changes)))


def edits(session: Session, kind: str, record_id: int) -> list[Any]:
    """A meeting's or dialogue's history, oldest first."""
    event_model, key = _owners()[kind]
    return list(session.exec(select(event_model).where(getattr(event_model, key) == record_id)
                             .order_by(event_model.id)))


def events(session: Session, petition: Petition) -> list[PetitionEvent]:
    return list(session.exec(select(PetitionEvent).where(PetitionEvent.petition_id == petition.id)
                             .order_by(PetitionEvent.id)))


def last_close(session: Session, petition_id: int) -> dict[str, Any] | None:
    """The changes of a petition's last `closed` entry (what its close-out changed)."""
    changes = session.execute(
        select(PetitionEvent.changes).where(PetitionEvent.petition_id == petition_id,
                                            PetitionEvent.action == "closed")
        .order_by(PetitionEvent.id.desc()).limit(1)).scalar()
    return json.loads(changes) if changes else None
