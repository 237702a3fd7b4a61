"""Report indexes (issue 14): the report counts resolved cases by verdict and meetings by kind
and body, so the covering indexes it reads gain those columns.

- ix_petition_report (locality, kind, received_on, …) gains verdict and suspended_on (a
  petition suspended at a period's end is not overdue then), so a report still reads the
  index alone;
- ix_meeting_report gains kind and body.

An index led by the dates (received_on, closed_on, …) was measured for the whole tree's report
and left out: every petition received by the period's end is in its range (5 in 6 of the
bench's million for 2024), so it saves no reading; SQLite must then sort the groups (0.77 s
against 0.43 s through ix_petition_report) and PostgreSQL scans the table in parallel either
way (bench/report.py prints both plans).

Only indexes change: no row is touched, and every report figure is as it was.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PETITION_REPORT = ["locality_id", "kind", "received_on", "closed_on", "competence", "outcome",
                   "due_on", "duplicate_of_id"]
MEETING_REPORT = ["locality_id", "date", "citizens", "delegations"]


def upgrade() -> None:
    _replace("ix_petition_report", "petition", [*PETITION_REPORT, "verdict", "suspended_on"])
    _replace("ix_meeting_report", "meeting", [*MEETING_REPORT, "kind", "body"])


def downgrade() -> None:
    _replace("ix_meeting_report", "meeting", MEETING_REPORT)
    _replace("ix_petition_report", "petition", PETITION_REPORT)


def _replace(name: str, table: str, columns: list[str]) -> None:
    op.drop_index(name, table_name=table)
    op.create_index(name, table, columns)
