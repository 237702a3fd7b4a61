"""What an import deals in: rows waiting to be written, their problems, the summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dantrack.errors import InvalidInput
from dantrack.models import Petition
from dantrack.text import parse_choice
from dantrack.vocab import (
    ALIASES,
    PetitionKind,
)

BATCH = 5000
MAX_REPORTED = 100
ON_CONFLICT = ("fail", "update", "skip")
EVENT_COLUMNS = ("petition_id", "at", "operator", "action", "changes")
# The petition table's columns but id, in the table's order: the row of a bulk insert.
PETITION_COLUMNS = tuple(column.name for column in Petition.__table__.columns
                         if column.name != "id")


# One problem of one row: (label, column or None, value or None, reason).
Problem = tuple[str, str | None, Any, str]


@dataclass
class Summary:
    kind: str
    source: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    without_ref: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = (f"{self.kind} from {self.source}: {self.inserted} inserted, {self.updated} "
                f"updated, {self.unchanged} unchanged, {self.skipped} skipped")
        if self.dry_run:
            text = f"Dry run, nothing written — {text}"
        else:
            text = f"Imported {text}"
        if self.without_ref:
            text += (f" ({self.without_ref} rows without a ref {verb} given new refs: "
                     "importing them again would add them again)")
        return text


class RowProblem(Exception):
    """One problem of one row: the column, the value and why."""

    def __init__(self, column: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


class NeedsDatabase(Exception):
    """A row that cannot be checked without the database (in the checking process)."""


@dataclass
class Pending:
    label: str
    record: dict[str, Any]  # the exchange form, compared with what is stored
    values: dict[str, Any] = field(default_factory=dict)  # extra values for the insert


class ImportFailed(InvalidInput):
    """Invalid rows: exit 3, nothing written."""


def may_be_denunciation(values: dict[str, Any]) -> bool:
    """Whether a row's kind is, or could be, a denunciation (an unreadable kind could)."""
    try:
        return parse_choice(PetitionKind, str(values.get("kind", "")),
                            ALIASES[PetitionKind]) is PetitionKind.denunciation
    except ValueError:
        return True
