"""Refs: M/D/P<year>-<nnnnn>, numbered per year, unique under concurrent writers."""

from __future__ import annotations

from sqlmodel import Session

from dantrack import sequences
from dantrack.limits import GENERATED_REF


def new_ref(session: Session, prefix: str, year: int) -> str:
    return f"{prefix}{year}-{sequences.next_number(session, prefix, year):05d}"


def generated_number(prefix: str, ref: str) -> tuple[int, int] | None:
    """(year, number) of a ref in the generated form for this prefix, else None."""
    if (m := GENERATED_REF.match(ref)) and m[1] == prefix:
        return int(m[2]), int(m[3])
    return None


def claim_ref(session: Session, prefix: str, ref: str) -> None:
    """A ref given by hand in the generated form moves its sequence past it."""
    if parsed := generated_number(prefix, ref):
        sequences.claim_number(session, prefix, *parsed)
