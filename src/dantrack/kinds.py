"""The registry of record kinds: what each kind of record is called on the command line and in
files, its table, its identity key, its exchange columns (what import reads and export writes,
SPEC §3) and which of them a file must give.

Kept free of heavy imports so that the command line builds its choices from it at start-up.
Import (dantrack.importing.rows), export and `db copy` iterate over the same registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# A petition's close-out, as import reads it and export writes it.
CLOSE_FIELDS = ("closed_on", "outcome", "verdict", "note")


@dataclass(frozen=True)
class Kind:
    name: str                      # the word in `dantrack import NAME`
    table: str                     # where its records are stored
    key: str                       # the identity column of a file's rows
    columns: tuple[str, ...]       # the exchange columns, in file order
    required: frozenset[str]       # columns a file must have
    prefix: str | None = None      # of generated refs: M, D, P
    date: str | None = None        # the record's own date (its refs' year, --year filters)
    exported: bool = True          # closures are a way in, not a kind of record
    placed_by: str = "locality_id"  # the column that puts a record in a unit of the tree


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("localities", "locality", "code", ("code", "name", "level", "parent"),
         frozenset({"code", "name", "level"}), placed_by="id"),
    Kind("meetings", "meeting", "ref",
         ("ref", "date", "locality", "kind", "body", "host", "host_title", "place",
          "citizens", "delegations", "note"),
         frozenset({"date", "locality", "kind", "body"}), prefix="M", date="date"),
    Kind("dialogues", "dialogue", "ref",
         ("ref", "date", "locality", "body", "leader", "leader_title", "citizens", "topic",
          "outcome", "petition"),
         frozenset({"date", "locality", "body"}), prefix="D", date="date"),
    Kind("petitions", "petition", "ref",
         ("ref", "kind", "received_on", "locality", "channel", "petitioner", "id_number",
          "phone", "address", "signatories", "subject", "meeting", "competence",
          "accepted_on", "complex", "remote", "duplicate_of", *CLOSE_FIELDS),
         frozenset({"kind", "received_on", "locality"}), prefix="P", date="received_on"),
    Kind("closures", "petition", "ref", ("ref", *CLOSE_FIELDS),
         frozenset({"ref", "closed_on", "outcome"}), exported=False),
)}

# The command line's choices, made from the registry.
Imported = StrEnum("Imported", {name: name for name in KINDS})  # type: ignore[misc]
Exported = StrEnum("Exported", {name: name for name, kind in KINDS.items()  # type: ignore[misc]
                                if kind.exported})
