"""Corrections kept (issue 16 item 7): the history of meetings and dialogues.

Two new tables, meeting_event and dialogue_event, as petition_event: who changed what, when.
Existing meetings and dialogues start with an empty history; nothing else changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAME = 200
OWNERS = (("meeting_event", "meeting_id", "meeting"), ("dialogue_event", "dialogue_id", "dialogue"))


def upgrade() -> None:
    for table, key, owner in OWNERS:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column("at", sa.String(32), nullable=False),
            sa.Column("operator", sa.String(NAME), nullable=False),
            sa.Column("action", sa.String(20), nullable=False),
            sa.Column("changes", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.ForeignKeyConstraint([key], [f"{owner}.id"]),
        )
        op.create_index(f"ix_{table}_{key}", table, [key])


def downgrade() -> None:
    for table, key, _ in reversed(OWNERS):
        op.drop_index(f"ix_{table}_{key}", table_name=table)
        op.drop_table(table)
