"""Visits (SPEC §1 "The register for the official forms"): the rows of the reception book.

Two new tables: visit (one per visit of a reception meeting) and visit_event (the reveals of
a visitor's identity). Existing meetings have no visits, so they keep their recorded citizens
and delegations and every report figure stays as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NAME = 200


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(50), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("group", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("delegated", sa.Boolean(), nullable=False),
        sa.Column("visitor", sa.String(NAME), nullable=False),
        sa.Column("id_number", sa.String(12), nullable=False),
        sa.Column("phone", sa.String(11), nullable=False),
        sa.Column("address", sa.String(NAME), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
    )
    op.create_index("ix_visit_meeting_id", "visit", ["meeting_id"])
    op.create_index("ix_visit_petition_id", "visit", ["petition_id"])
    op.create_table(
        "visit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("operator", sa.String(NAME), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
    )
    op.create_index("ix_visit_event_visit_id", "visit_event", ["visit_id"])


def downgrade() -> None:
    op.drop_index("ix_visit_event_visit_id", table_name="visit_event")
    op.drop_table("visit_event")
    op.drop_index("ix_visit_petition_id", table_name="visit")
    op.drop_index("ix_visit_meeting_id", table_name="visit")
    op.drop_table("visit")
