"""The stored tables. Names and columns follow SPEC §1; folded copies of names serve matching.

Dates are stored as SQL DATE so that comparisons work the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, Text, false, text
from sqlmodel import Field, SQLModel

from dantrack.limits import KEY_MAX, NAME_MAX


def _amount() -> Column:  # type: ignore[type-arg]
    return Column(Float, nullable=False, default=0.0, server_default="0")


class Locality(SQLModel, table=True):
    __tablename__ = "locality"

    id: int | None = Field(default=None, primary_key=True)
    # Unique among the units valid on any one day (lookup checks it): a later unit may reuse
    # an earlier one's code, as the communes of 2025 do.
    code: str = Field(max_length=KEY_MAX, index=True, nullable=False)
    name: str = Field(max_length=NAME_MAX)
    level: str = Field(max_length=50)
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("locality.id"), index=True, nullable=True),
    )
    # Materialised path of ids, "/1/5/23/": a subtree is a prefix match.
    path: str = Field(default="", max_length=400, index=True)
    name_folded: str = Field(max_length=NAME_MAX, index=True)
    bare_folded: str = Field(max_length=NAME_MAX, index=True)
    # Inclusive dates; None is unbounded.
    valid_from: dt.date | None = Field(default=None, nullable=True)
    valid_to: dt.date | None = Field(default=None, nullable=True)


class LocalitySuccessor(SQLModel, table=True):
    """The units an ended unit's territory went to, valid on the day after its end; position
    0 is its main successor (the one whose reports take over its records)."""

    __tablename__ = "locality_successor"

    locality_id: int = Field(foreign_key="locality.id", primary_key=True)
    position: int = Field(primary_key=True)
    successor_id: int = Field(foreign_key="locality.id", index=True)


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_report", "locality_id", "date", "citizens", "delegations",
                            "kind", "body"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=KEY_MAX, sa_column_kwargs={"unique": True}, nullable=False)
    date: dt.date = Field(index=True)
    locality_id: int = Field(foreign_key="locality.id")
    kind: str = Field(max_length=20)
    body: str = Field(max_length=20)
    host: str = Field(default="", max_length=NAME_MAX)
    host_title: str = Field(default="", max_length=NAME_MAX)
    place: str = Field(default="", max_length=NAME_MAX)
    citizens: int = 0
    delegations: int = 0
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Dialogue(SQLModel, table=True):
    __tablename__ = "dialogue"
    __table_args__ = (Index("ix_dialogue_report", "locality_id", "date", "citizens"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=KEY_MAX, sa_column_kwargs={"unique": True}, nullable=False)
    date: dt.date = Field(index=True)
    locality_id: int = Field(foreign_key="locality.id")
    body: str = Field(max_length=20)
    leader: str = Field(default="", max_length=NAME_MAX)
    leader_title: str = Field(default="", max_length=NAME_MAX)
    citizens: int = 0
    topic: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    petition_id: int | None = Field(default=None, foreign_key="petition.id", index=True)


OPEN = "closed_on IS NULL"
OPEN_DUE_COLUMNS = ("due_on", "ref", "kind", "locality_id", "received_on", "suspended_on",
                    "secret", "petitioner")


class Petition(SQLModel, table=True):
    __tablename__ = "petition"
    __table_args__ = (
        # Covers every column the report reads, so its scan never touches the table; kind
        # before the dates lets the report group in index order without sorting.
        Index(
            "ix_petition_report",
            "locality_id",
            "kind",
            "received_on",
            "closed_on",
            "competence",
            "outcome",
            "due_on",
            "duplicate_of_id",
            "verdict",
            "suspended_on",
        ),
        # The open petitions by deadline, holding all `dantrack overdue` reads: its digest is
        # one walk of this small index (open cases are a few in a hundred), never the table.
        Index("ix_petition_open_due", *OPEN_DUE_COLUMNS, sqlite_where=text(OPEN),
              postgresql_where=text(OPEN)),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=KEY_MAX, sa_column_kwargs={"unique": True}, nullable=False)
    kind: str = Field(max_length=20)
    received_on: dt.date = Field(index=True)
    locality_id: int = Field(foreign_key="locality.id")
    channel: str = Field(max_length=20)
    petitioner: str = Field(default="", max_length=NAME_MAX)
    id_number: str = Field(default="", max_length=12)
    phone: str = Field(default="", max_length=11)
    address: str = Field(default="", max_length=NAME_MAX)
    signatories: int = 1
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    competence: str = Field(default="own", max_length=10)
    # None while pending: received, not yet processed (SPEC §1 `accepted_on` `pending`).
    accepted_on: dt.date | None = None
    complex: bool = False
    remote: bool = False
    duplicate_of_id: int | None = Field(default=None, foreign_key="petition.id", index=True)
    due_on: dt.date
    closed_on: dt.date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    verdict: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Folded copies for diacritic-insensitive search.
    petitioner_folded: str = Field(default="", max_length=NAME_MAX)
    subject_folded: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Whether the petitioner's identity is secret: set when the petition is, or ever was, a
    # denunciation, or is linked as a duplicate to one that is. Never cleared (SPEC §1).
    secret: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The register for the official forms (SPEC §1), after the columns of revision 0003 so
    # that an upgraded table reads as a new one; the server defaults are what every existing
    # petition takes on upgrade (migration 0004), leaving every report figure as it was.
    field: str = Field(default="other", max_length=20,
                       sa_column_kwargs={"server_default": "other"})
    prior: str = Field(default="none", max_length=10, sa_column_kwargs={"server_default": "none"})
    round: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    forwarded_to: str = Field(default="", max_length=NAME_MAX,
                              sa_column_kwargs={"server_default": ""})
    reply_on: dt.date | None = None
    # Amounts in million VND and m²: decimals typed to the thousand VND, stored as doubles
    # (exact for such values on SQLite and PostgreSQL alike, and bound as they are by bulk
    # import); then the counts.
    recovered_money: float = Field(default=0.0, sa_column=_amount())
    recovered_land: float = Field(default=0.0, sa_column=_amount())
    returned_money: float = Field(default=0.0, sa_column=_amount())
    returned_land: float = Field(default=0.0, sa_column=_amount())
    returned_orgs: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    returned_people: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    disciplined: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    disciplined_officials: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    prosecuted_cases: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    prosecuted_people: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The deadline's lifecycle (SPEC §1 "Extension and suspension", migration 0006): the
    # extensions of a denunciation and their days, the suspension under way (its first day)
    # and the days of the suspensions ended. due_on counts them all.
    extensions: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    extended_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    suspended_on: dt.date | None = None
    suspended_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PetitionEvent(SQLModel, table=True):
    """One entry of a petition's history: created, edited, closed, reopened, revealed."""

    __tablename__ = "petition_event"

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    at: str = Field(max_length=32)  # UTC, ISO 8601 with Z: sorts and reads the same everywhere
    operator: str = Field(max_length=NAME_MAX)
    action: str = Field(max_length=20)
    # JSON object: {field: [old, new]} for edits, {"reason": …} for reopen, the fields for create.
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class MeetingEvent(SQLModel, table=True):
    """A meeting's history: its corrections (`meeting edit`, an import update)."""

    __tablename__ = "meeting_event"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    at: str = Field(max_length=32)
    operator: str = Field(max_length=NAME_MAX)
    action: str = Field(max_length=20)
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class DialogueEvent(SQLModel, table=True):
    """A dialogue's history: its corrections (`dialogue edit`, an import update)."""

    __tablename__ = "dialogue_event"

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(foreign_key="dialogue.id", index=True)
    at: str = Field(max_length=32)
    operator: str = Field(max_length=NAME_MAX)
    action: str = Field(max_length=20)
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Visit(SQLModel, table=True):
    """One visit (lượt tiếp) of a reception meeting: a row of the reception book. It takes its
    meeting's unit and date; the meeting's citizens and delegations are its visits' sums."""

    __tablename__ = "visit"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=KEY_MAX, sa_column_kwargs={"unique": True}, nullable=False)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    people: int = 1
    # A group of many people (đoàn đông người): 5 or more about one matter.
    group: bool = False
    kind: str = Field(max_length=20)  # the matter's kind, as a petition's
    petition_id: int | None = Field(default=None, foreign_key="petition.id", index=True)
    direction: str = Field(max_length=20)
    # Received by a deputy the head delegated (ủy quyền), else by the head in person.
    delegated: bool = False
    visitor: str = Field(default="", max_length=NAME_MAX)
    id_number: str = Field(default="", max_length=12)
    phone: str = Field(default="", max_length=11)
    address: str = Field(default="", max_length=NAME_MAX)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Whether the visitor's identity is secret: the matter is, or ever was, a denunciation,
    # or its petition is secret. Never cleared, as a petition's (SPEC §1).
    secret: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class VisitEvent(SQLModel, table=True):
    """A visit's history: the reveals of its visitor's identity (SPEC §1 Confidentiality)."""

    __tablename__ = "visit_event"

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    at: str = Field(max_length=32)
    operator: str = Field(max_length=NAME_MAX)
    action: str = Field(max_length=20)
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class CalendarDay(SQLModel, table=True):
    """A decision on the working calendar (`calendar off|work`): kept as a log, the last
    entry for a day in force, so that the calendar in force at any time can be told."""

    __tablename__ = "calendar_day"

    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(index=True)
    kind: str = Field(max_length=10)  # off or work
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: str = Field(max_length=32)
    operator: str = Field(max_length=NAME_MAX)


class RefSequence(SQLModel, table=True):
    """The last number handed out per ref prefix and year."""

    __tablename__ = "ref_sequence"
    prefix: str = Field(primary_key=True, sa_column_kwargs={"nullable": False}, max_length=1)
    year: int = Field(primary_key=True)
    last: int = 0


# Every table, each after the tables it refers to: the order `db copy` writes them in and
# `db check` reads them in.
TABLE_ORDER = ("locality", "locality_successor", "meeting", "petition", "dialogue",
               "petition_event", "visit", "visit_event", "meeting_event", "dialogue_event",
               "calendar_day", "ref_sequence")
