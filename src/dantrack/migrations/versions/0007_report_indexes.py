"""Report indexes (issue 14): the report counts resolved cases by verdict and meetings by kind
and body, and the whole tree's report needs no locality filter.

- ix_petition_report (locality, kind, received_on, …) gains verdict, so a locality's report
  still reads the index alone;
- ix_petition_period, led by the dates (received_on, closed_on, then every column the report
  reads), answers the whole tree's report without a locality filter;
- ix_meeting_report gains kind and body.

Only indexes change: no row is touched, and every report figure is as it was.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

PETITION_REPORT = ["locality_id", "kind", "received_on", "closed_on", "competence", "outcome",
                   "due_on", "duplicate_of_id"]
PETITION_PERIOD = ["received_on", "closed_on", "locality_id", "kind", "competence", "outcome",
                   "due_on", "duplicate_of_id", "verdict"]
MEETING_REPORT = ["locality_id", "date", "citizens", "delegations"]


def upgrade() -> None:
    _replace("ix_petition_report", "petition", [*PETITION_REPORT, "verdict"])
    op.create_index("ix_petition_period", "petition", PETITION_PERIOD)
    _replace("ix_meeting_report", "meeting", [*MEETING_REPORT, "kind", "body"])


def downgrade() -> None:
    _replace("ix_meeting_report", "meeting", MEETING_REPORT)
    op.drop_index("ix_petition_period", table_name="petition")
    _replace("ix_petition_report", "petition", PETITION_REPORT)


def _replace(name: str, table: str, columns: list[str]) -> None:
    op.drop_index(name, table_name=table)
    op.create_index(name, table, columns)
