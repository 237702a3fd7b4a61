"""Light, read-side views of the stored tables for the hot read paths (reports, lookups).

They name columns without loading the ORM, so `dantrack report` starts quickly. The full
definitions are the SQLModel classes in models.py; a test checks these names against them.
"""

from __future__ import annotations

from sqlalchemy import Date, Integer, String, column, table

locality = table(
    "locality",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("level", String),
    column("parent_id", Integer),
    column("path", String),
    column("name_folded", String),
    column("bare_folded", String),
    column("valid_from", Date),
    column("valid_to", Date),
)

locality_successor = table(
    "locality_successor",
    column("locality_id", Integer),
    column("position", Integer),
    column("successor_id", Integer),
)

petition = table(
    "petition",
    column("locality_id", Integer),
    column("kind", String),
    column("received_on", Date),
    column("closed_on", Date),
    column("due_on", Date),
    column("competence", String),
    column("outcome", String),
    column("duplicate_of_id", Integer),
    column("verdict", String),
    column("suspended_on", Date),
)

meeting = table(
    "meeting",
    column("locality_id", Integer),
    column("date", Date),
    column("kind", String),
    column("body", String),
    column("citizens", Integer),
    column("delegations", Integer),
)

dialogue = table(
    "dialogue",
    column("locality_id", Integer),
    column("date", Date),
    column("body", String),
    column("citizens", Integer),
)


def suspended_on_day(columns, day):  # type: ignore[no-untyped-def]
    """Whether a petition's clock was stopped on `day` (SPEC §1: a suspended petition is not
    overdue): it is suspended now, since that day or before (a suspended petition is resumed
    before it is closed, so it has been suspended ever since)."""
    from sqlalchemy import and_

    return and_(columns.suspended_on.is_not(None), columns.suspended_on <= day)
