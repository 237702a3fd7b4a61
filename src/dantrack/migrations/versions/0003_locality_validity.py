"""Localities change (SPEC §1 "Localities"): a period of validity and successors.

A unit gains valid_from and valid_to (inclusive; empty is unbounded, so every existing unit
stays valid always and every figure stays as it was), and an ended unit names its successors
in locality_successor (position 0 the main one). A code is no longer unique in the table, only
among the units valid on any one day: the unique constraint becomes a plain index.

On SQLite the locality table is rebuilt as in 0002 (renamed aside with legacy_alter_table, so
that the other tables' foreign keys keep pointing at "locality").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = 200
COLUMNS = ("id", "code", "name", "level", "parent_id", "path", "name_folded", "bare_folded")
INDEXES = {
    "ix_locality_path": ["path"],
    "ix_locality_parent_id": ["parent_id"],
    "ix_locality_bare_folded": ["bare_folded"],
    "ix_locality_name_folded": ["name_folded"],
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()
    else:
        unique = sa.inspect(op.get_bind()).get_unique_constraints("locality")
        for constraint in unique:
            if constraint["column_names"] == ["code"]:
                op.drop_constraint(constraint["name"], "locality", type_="unique")
        op.add_column("locality", sa.Column("valid_from", sa.Date(), nullable=True))
        op.add_column("locality", sa.Column("valid_to", sa.Date(), nullable=True))
    op.create_index("ix_locality_code", "locality", ["code"])
    op.create_table(
        "locality_successor",
        sa.Column("locality_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("locality_id", "position"),
        sa.ForeignKeyConstraint(["locality_id"], ["locality.id"]),
        sa.ForeignKeyConstraint(["successor_id"], ["locality.id"]),
    )
    op.create_index("ix_locality_successor_successor_id", "locality_successor",
                    ["successor_id"])


def _rebuild_sqlite() -> None:
    op.execute("PRAGMA legacy_alter_table = ON")
    for name in INDEXES:
        op.drop_index(name, table_name="locality")
    op.execute("ALTER TABLE locality RENAME TO _locality_0002")
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
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["parent_id"], ["locality.id"]),
    )
    names = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO locality ({names}) SELECT {names} FROM _locality_0002")
    op.execute("DROP TABLE _locality_0002")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for name, columns in INDEXES.items():
        op.create_index(name, "locality", columns)


def downgrade() -> None:
    op.drop_index("ix_locality_successor_successor_id", table_name="locality_successor")
    op.drop_table("locality_successor")
    op.drop_index("ix_locality_code", table_name="locality")
    with op.batch_alter_table("locality") as batch:
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
        batch.create_unique_constraint("uq_locality_code", ["code"])
