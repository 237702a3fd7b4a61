"""The working calendar and the deadline's lifecycle (SPEC §1 "Working days", "Extension and
suspension").

A new table, calendar_day (the decisions `calendar off|work` record), and four petition
columns: extensions, extended_days, suspended_on, suspended_days. Existing petitions were
never extended nor suspended (0, NULL), so their deadlines and every report figure stay.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COUNTS = ("extensions", "extended_days")
# `dantrack overdue` reads open petitions by deadline from this index alone.
OPEN = "closed_on IS NULL"
OPEN_DUE_COLUMNS = ("due_on", "ref", "kind", "locality_id", "received_on", "suspended_on",
                    "secret", "petitioner")


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("operator", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_day_day", "calendar_day", ["day"])
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
    else:
        for column in lifecycle_columns():
            op.add_column("petition", column)
    op.create_index("ix_petition_open_due", "petition", list(OPEN_DUE_COLUMNS),
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def lifecycle_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """The new columns, in the model's order, with the values existing petitions take."""
    return [*(sa.Column(name, sa.Integer(), nullable=False, server_default="0")
              for name in COUNTS),
            sa.Column("suspended_on", sa.Date(), nullable=True),
            sa.Column("suspended_days", sa.Integer(), nullable=False, server_default="0")]


def _rebuild_sqlite() -> None:
    """As revision 0004 does: SQLite's ALTER TABLE would leave the table's text unlike a new
    one's, so the table is made anew (revision 0005's shape, then the new columns)."""
    register = importlib.import_module("dantrack.migrations.versions.0004_petition_register")
    op.execute("PRAGMA legacy_alter_table = ON")
    for name in register.INDEXES:
        op.drop_index(name, table_name="petition")
    op.execute("ALTER TABLE petition RENAME TO _petition_0005")
    names = ", ".join((*register.COLUMNS, *(c.name for c in register.register_columns())))
    op.create_table(
        "petition", *_first_columns(register.NAME), *register.register_columns(),
        *lifecycle_columns(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["petition.id"]),
    )
    op.execute(f"INSERT INTO petition ({names}) SELECT {names} FROM _petition_0005")
    op.execute("DROP TABLE _petition_0005")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for name, columns in register.INDEXES.items():
        op.create_index(name, "petition", columns)


def _first_columns(name_max: int) -> list[sa.Column]:  # type: ignore[type-arg]
    """The petition's columns up to revision 0003, as revision 0004 declares them."""
    text, date, integer, boolean = sa.Text(), sa.Date(), sa.Integer(), sa.Boolean()
    strings = {"ref": 50, "kind": 20, "channel": 20, "petitioner": name_max, "id_number": 12,
               "phone": 11, "address": name_max, "competence": 10, "outcome": 20,
               "verdict": 20, "petitioner_folded": name_max}
    types = {"received_on": date, "accepted_on": date, "due_on": date, "closed_on": date,
             "subject": text, "note": text, "subject_folded": text, "complex": boolean,
             "remote": boolean, "secret": boolean}
    optional = {"meeting_id", "accepted_on", "duplicate_of_id", "closed_on", "outcome",
                "verdict"}
    register = importlib.import_module("dantrack.migrations.versions.0004_petition_register")
    columns = []
    for name in register.COLUMNS:
        kind = sa.String(strings[name]) if name in strings else types.get(name, integer)
        extra = {"server_default": sa.false()} if name == "secret" else {}
        columns.append(sa.Column(name, kind, nullable=name in optional, **extra))
    return columns


def downgrade() -> None:
    op.drop_index("ix_petition_open_due", table_name="petition")
    with op.batch_alter_table("petition") as batch:
        for name in ("suspended_days", "suspended_on", *reversed(COUNTS)):
            batch.drop_column(name)
    op.drop_index("ix_calendar_day_day", table_name="calendar_day")
    op.drop_table("calendar_day")
