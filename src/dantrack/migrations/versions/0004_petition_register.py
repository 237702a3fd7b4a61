"""The register for the official forms (SPEC §1): a petition's field, prior state, round, the
body it was forwarded to and the day its reply came back, the results of a resolution; the
`chased` outcome (a word, no column); and a pending acceptance (accepted_on may be NULL).

Every existing petition takes the defaults that leave each report figure as it was: field
other, prior none, round 1, no forwarding body or reply, results 0; accepted_on as stored.

On SQLite the petition table is rebuilt as in 0002 (renamed aside with legacy_alter_table, so
that the other tables' foreign keys keep pointing at "petition"), since accepted_on loses its
NOT NULL; on PostgreSQL the columns are added after the others and the constraint dropped.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME = 200
COLUMNS = ("id", "ref", "kind", "received_on", "locality_id", "channel", "petitioner",
           "id_number", "phone", "address", "signatories", "subject", "meeting_id",
           "competence", "accepted_on", "complex", "remote", "duplicate_of_id", "due_on",
           "closed_on", "outcome", "verdict", "note", "petitioner_folded", "subject_folded",
           "secret")
INDEXES = {
    "ix_petition_duplicate_of_id": ["duplicate_of_id"],
    "ix_petition_received_on": ["received_on"],
    "ix_petition_meeting_id": ["meeting_id"],
    "ix_petition_report": ["locality_id", "kind", "received_on", "closed_on", "competence",
                           "outcome", "due_on", "duplicate_of_id"],
}
AMOUNTS = ("recovered_money", "recovered_land", "returned_money", "returned_land")
COUNTS = ("returned_orgs", "returned_people", "disciplined", "disciplined_officials",
          "prosecuted_cases", "prosecuted_people")


def register_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    """The new columns, in the model's order, with the defaults existing petitions take."""
    return [
        sa.Column("field", sa.String(20), nullable=False, server_default="other"),
        sa.Column("prior", sa.String(10), nullable=False, server_default="none"),
        sa.Column("round", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("forwarded_to", sa.String(NAME), nullable=False, server_default=""),
        sa.Column("reply_on", sa.Date(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=False, server_default="0") for name in AMOUNTS),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in COUNTS),
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
        return
    for column in register_columns():
        op.add_column("petition", column)
    op.alter_column("petition", "accepted_on", existing_type=sa.Date(), nullable=True)


def _rebuild_sqlite() -> None:
    op.execute("PRAGMA legacy_alter_table = ON")
    for name in INDEXES:
        op.drop_index(name, table_name="petition")
    op.execute("ALTER TABLE petition RENAME TO _petition_0003")
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
        sa.Column("accepted_on", sa.Date(), nullable=True),
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
        *register_columns(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["petition.id"]),
    )
    names = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO petition ({names}) SELECT {names} FROM _petition_0003")
    op.execute("DROP TABLE _petition_0003")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for name, columns in INDEXES.items():
        op.create_index(name, "petition", columns)


def downgrade() -> None:
    bind = op.get_bind()
    # A pending petition had no acceptance before this revision: the day of receipt.
    bind.execute(sa.text("UPDATE petition SET accepted_on = received_on "
                         "WHERE accepted_on IS NULL"))
    bind.execute(sa.text("UPDATE petition SET outcome = 'forwarded' WHERE outcome = 'chased'"))
    with op.batch_alter_table("petition") as batch:
        for column in reversed(register_columns()):
            batch.drop_column(column.name)
        batch.alter_column("accepted_on", existing_type=sa.Date(), nullable=False)
