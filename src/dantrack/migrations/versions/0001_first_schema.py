"""The first released schema: localities, meetings, dialogues, petitions, their history and
the ref sequences.

Written out in full rather than read from dantrack.models, so that it stays what it was when
the models change; a test checks that it builds the same schema as the models do today.

Revision ID: 0001
Revises:
Create Date: 2024-12-31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NAME = 200  # names, titles, addresses


def upgrade() -> None:
    op.create_table(
        "locality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("level", sa.String(50), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("name_folded", sa.String(NAME), nullable=False),
        sa.Column("bare_folded", sa.String(NAME), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.ForeignKeyConstraint(["parent_id"], ["locality.id"]),
    )
    op.create_index("ix_locality_path", "locality", ["path"])
    op.create_index("ix_locality_parent_id", "locality", ["parent_id"])
    op.create_index("ix_locality_bare_folded", "locality", ["bare_folded"])
    op.create_index("ix_locality_name_folded", "locality", ["name_folded"])

    op.create_table(
        "ref_sequence",
        sa.Column("prefix", sa.String(1), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year"),
    )

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(50), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("locality_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.String(20), nullable=False),
        sa.Column("host", sa.String(NAME), nullable=False),
        sa.Column("host_title", sa.String(NAME), nullable=False),
        sa.Column("place", sa.String(NAME), nullable=False),
        sa.Column("citizens", sa.Integer(), nullable=False),
        sa.Column("delegations", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
    )
    op.create_index("ix_meeting_report", "meeting",
                    ["locality_id", "date", "citizens", "delegations"])
    op.create_index("ix_meeting_date", "meeting", ["date"])

    op.create_table(
        "petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("locality_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("petitioner", sa.String(NAME), nullable=False),
        sa.Column("id_number", sa.String(12), nullable=False),
        sa.Column("phone", sa.String(11), nullable=False),
        sa.Column("address", sa.String(NAME), nullable=False),
        sa.Column("signatories", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("competence", sa.String(10), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("complex", sa.Boolean(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("petitioner_folded", sa.String(NAME), nullable=False),
        sa.Column("subject_folded", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["petition.id"]),
    )
    op.create_index("ix_petition_duplicate_of_id", "petition", ["duplicate_of_id"])
    op.create_index("ix_petition_received_on", "petition", ["received_on"])
    op.create_index("ix_petition_meeting_id", "petition", ["meeting_id"])
    # Covers every column the report reads; kind before the dates lets it group in index order.
    op.create_index("ix_petition_report", "petition",
                    ["locality_id", "kind", "received_on", "closed_on", "competence", "outcome",
                     "due_on", "duplicate_of_id"])

    op.create_table(
        "dialogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(50), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("locality_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(20), nullable=False),
        sa.Column("leader", sa.String(NAME), nullable=False),
        sa.Column("leader_title", sa.String(NAME), nullable=False),
        sa.Column("citizens", sa.Integer(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
    )
    op.create_index("ix_dialogue_petition_id", "dialogue", ["petition_id"])
    op.create_index("ix_dialogue_report", "dialogue", ["locality_id", "date", "citizens"])
    op.create_index("ix_dialogue_date", "dialogue", ["date"])

    op.create_table(
        "petition_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("operator", sa.String(NAME), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
    )
    op.create_index("ix_petition_event_petition_id", "petition_event", ["petition_id"])


def downgrade() -> None:
    for table in ("petition_event", "dialogue", "petition", "meeting", "ref_sequence",
                  "locality"):
        op.drop_table(table)
