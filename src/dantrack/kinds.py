"""The registry of record kinds: what each kind of record is called on the command line and in
files, its table, its identity key, its exchange columns (what import reads and export writes,
SPEC §3) and which of them a file must give.

Kept free of heavy imports so that the command line builds its choices from it at start-up.
Import (dantrack.importing.rows), export and `db copy` iterate over the same registry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# A petition's close-out, as import reads it and export writes it.
CLOSE_FIELDS = ("closed_on", "outcome", "verdict", "note")
# accepted_on of a petition not yet processed, on input and in files (stored as NULL).
PENDING = "pending"
# The results of resolving a complaint or denunciation (SPEC §1 "The register for the
# official forms"): amounts (million VND, m²) then counts, as models.Petition declares them.
RESULT_AMOUNTS = ("recovered_money", "recovered_land", "returned_money", "returned_land")
RESULT_FIELDS = (*RESULT_AMOUNTS, "returned_orgs", "returned_people", "disciplined",
                 "disciplined_officials", "prosecuted_cases", "prosecuted_people")


@dataclass(frozen=True)
class Kind:
    name: str                      # the word in `dantrack import NAME`
    table: str                     # where its records are stored
    key: str                       # the identity column of a file's rows
    model: str | None = None       # the input model (dantrack.schemas) its rows are checked by
    more: tuple[str, ...] = ()     # exchange columns after the model's fields
    prefix: str | None = None      # of generated refs: M, V, D, P
    date: str | None = None        # the record's own date (its refs' year, --year filters)
    exported: bool = True          # closures are a way in, not a kind of record
    placed_by: str = "locality_id"  # the column that puts a record in a unit of the tree
    needs: frozenset[str] = frozenset()  # required columns of a kind without an input model
    # The link to the record whose date and unit this one takes (a visit: its meeting's).
    through: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The exchange columns, in file order: the input model's fields, then `more`."""
        return _columns(self.name)

    @property
    def required(self) -> frozenset[str]:
        """The columns a file must have: the input model's required fields."""
        return _required(self.name)


@functools.cache
def _model(name: str) -> Any:
    from dantrack import schemas

    model = KINDS[name].model
    return getattr(schemas, model) if model else None


@functools.cache
def _columns(name: str) -> tuple[str, ...]:
    model = _model(name)
    return (*(model.model_fields if model else ()), *KINDS[name].more)


@functools.cache
def _required(name: str) -> frozenset[str]:
    model = _model(name)
    if model is None:
        return KINDS[name].needs
    return frozenset(field for field, info in model.model_fields.items() if info.is_required())


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("localities", "locality", "code", "LocalityCreate", placed_by="id"),
    Kind("meetings", "meeting", "ref", "MeetingCreate", prefix="M", date="date"),
    Kind("dialogues", "dialogue", "ref", "DialogueCreate", prefix="D", date="date"),
    Kind("petitions", "petition", "ref", "PetitionCreate", more=CLOSE_FIELDS, prefix="P",
         date="received_on"),
    # A visit is dated and placed by its meeting; its refs are V<year of the meeting>-nnnnn.
    Kind("visits", "visit", "ref", "VisitCreate", prefix="V", through="meeting_id"),
    # A closure names its petition and gives the close-out (checked by schemas.Closure).
    Kind("closures", "petition", "ref", more=("ref", *CLOSE_FIELDS), exported=False,
         needs=frozenset({"ref", "closed_on", "outcome"})),
)}

# The command line's choices, made from the registry.
Imported = StrEnum("Imported", {name: name for name in KINDS})  # type: ignore[misc]
Exported = StrEnum("Exported", {name: name for name, kind in KINDS.items()  # type: ignore[misc]
                                if kind.exported})
