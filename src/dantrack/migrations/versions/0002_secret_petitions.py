"""Petitions remember whether their petitioner's identity is secret (issue: a petition that
was ever a denunciation, or is linked to one as a duplicate, stays masked).

The flag is set for every denunciation, for every petition whose history shows it was one, and
for every petition linked through duplicate_of to one of those.

On SQLite the petition table is rebuilt so that its definition reads exactly as a new
database's: the old table is renamed aside (legacy_alter_table keeps the other tables'
foreign keys pointing at "petition"), the new one created, the rows copied, the old dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME = 200
COLUMNS = ("id", "ref", "kind", "received_on", "locality_id", "channel", "petitioner",
           "id_number", "phone", "address", "signatories", "subject", "meeting_id",
           "competence", "accepted_on", "complex", "remote", "duplicate_of_id", "due_on",
           "closed_on", "outcome", "verdict", "note", "petitioner_folded", "subject_folded")
INDEXES = {
    "ix_petition_duplicate_of_id": ["duplicate_of_id"],
    "ix_petition_received_on": ["received_on"],
    "ix_petition_meeting_id": ["meeting_id"],
    "ix_petition_report": ["locality_id", "kind", "received_on", "closed_on", "competence",
                           "outcome", "due_on", "duplicate_of_id"],
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
    else:
        op.add_column("petition", sa.Column("secret", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    _mark_secret()


def _rebuild_sqlite() -> None:
    op.execute("PRAGMA legacy_alter_table = ON")
    for name in INDEXES:
        op.drop_index(name, table_name="petition")
    op.execute("ALTER TABLE petition RENAME TO _petition_0001")
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
        sa.Column("secret", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["petition.id"]),
    )
    names = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO petition ({names}) SELECT {names} FROM _petition_0001")
    op.execute("DROP TABLE _petition_0001")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for name, columns in INDEXES.items():
        op.create_index(name, "petition", columns)


def _mark_secret() -> None:
    bind = op.get_bind()
    # Kind changes are in the history as {"kind": [old, new]}; a created event lists the kind.
    bind.execute(sa.text(
        "UPDATE petition SET secret = :yes WHERE kind = 'denunciation' OR id IN "
        "(SELECT petition_id FROM petition_event WHERE changes LIKE '%\"denunciation\"%')"),
        {"yes": True})
    while bind.execute(sa.text(
            "UPDATE petition SET secret = :yes WHERE secret = :no AND ("
            "duplicate_of_id IN (SELECT id FROM petition WHERE secret = :yes) OR "
            "id IN (SELECT duplicate_of_id FROM petition WHERE secret = :yes "
            "AND duplicate_of_id IS NOT NULL))"), {"yes": True, "no": False}).rowcount:
        pass


def downgrade() -> None:
    with op.batch_alter_table("petition") as batch:
        batch.drop_column("secret")
