"""The official administrative units shipped with dantrack (data/official_units.csv.gz).

GSO's units in force on 2025-06-30 (they end that day) and from 2025-07-01, with the succession
between them; scripts/build_official_units.py builds the file and documents its source and its
main-successor rule. Plain rows only: loading them into a database is the caller's business.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from dantrack.errors import NotFound
from dantrack.text import fold, strip_prefix

DATA_FILE = "official_units.csv.gz"
COLUMNS = ("code", "name", "level", "parent", "valid_from", "valid_to", "successors")


@dataclass(frozen=True, slots=True)
class OfficialUnit:
    """One unit. Its parent is the unit of code `parent` in the same list (old or new)."""

    code: str
    name: str
    level: str  # province, district or commune
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successors: tuple[str, ...]  # codes of units valid the day after valid_to, main first

    @property
    def is_new(self) -> bool:
        """In force from 2025-07-01 (else one of the units that ended on 2025-06-30)."""
        return self.valid_from is not None


@cache
def _day(text: str) -> date | None:
    # Cached: the file holds two distinct dates, and thirteen thousand rows name them.
    return date.fromisoformat(text) if text else None


@cache
def official_units() -> tuple[OfficialUnit, ...]:
    """Every unit, old ones first, each list by level (provinces first) and code."""
    raw = files("dantrack").joinpath("data", DATA_FILE).read_bytes()
    text = io.StringIO(gzip.decompress(raw).decode("utf-8"))
    rows = csv.reader(line for line in text if not line.startswith("#"))
    if next(rows) != list(COLUMNS):
        raise ValueError(f"{DATA_FILE}: unexpected columns")  # a broken build, not user input
    return tuple(
        OfficialUnit(code, name, level, parent or None, _day(start), _day(end),
                     tuple(successors.split(";")) if successors else ())
        for code, name, level, parent, start, end, successors in rows
    )


def units_for_province(code_or_name: str) -> list[OfficialUnit]:
    """A province of either list (by code, or by name in any case, with or without diacritics
    and prefix), the provinces it merged with or into, and all their units, in file order."""
    units = official_units()
    provinces = [u for u in units if u.level == "province"]
    chosen = {(u.is_new, u.code) for u in _matching(provinces, code_or_name)}
    if not chosen:
        raise NotFound(f"no official province has the code or name {code_or_name!r}")
    new_codes = {code for is_new, code in chosen if is_new}
    new_codes |= {s for u in provinces if (u.is_new, u.code) in chosen for s in u.successors}
    chosen = {(u.is_new, u.code) for u in provinces
              if (u.code in new_codes if u.is_new else set(u.successors) & new_codes)}
    children: dict[tuple[bool, str], list[OfficialUnit]] = defaultdict(list)
    for unit in units:
        if unit.parent is not None:
            children[(unit.is_new, unit.parent)].append(unit)
    wanted = set(chosen)
    pending = list(chosen)
    while pending:
        for child in children[pending.pop()]:
            wanted.add((child.is_new, child.code))
            pending.append((child.is_new, child.code))
    return [u for u in units if (u.is_new, u.code) in wanted]


def _matching(provinces: list[OfficialUnit], text: str) -> list[OfficialUnit]:
    """By code; else by name equal but for case and diacritics; else once prefixes are set aside."""
    text = text.strip()
    by_code = [u for u in provinces if u.code == text]
    if by_code:
        return by_code
    folded = fold(text)
    exact = [u for u in provinces if fold(u.name) == folded]
    if exact:
        return exact
    bare = {folded, strip_prefix(folded)}
    return [u for u in provinces if strip_prefix(fold(u.name)) in bare]
