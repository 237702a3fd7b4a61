"""What a form is, as data: its number and title, the records it counts (its source), the
conditions every column shares, and per column a number, a Vietnamese label, a JSON key, the
header groups above it and the figure it shows. The engine (forms.engine) reads these; a new
layout is a new Form value, not new code.

A figure is a measure over the form's records: `count` names what is counted ("petitions",
"cases", and for visits "visits", "meetings", "people"), or `sum` a stored amount; `where`
lists the named conditions (forms.petition_sql, forms.visit_sql) the records must meet —
"name", "!name" (not), "column:value|value" (one of the values).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    count: str = "petitions"
    where: tuple[str, ...] = ()
    sum: str | None = None
    # Whether the form's frame (the records "in question", e.g. carried over or received)
    # applies; replies received count whenever they come back, so theirs does not.
    framed: bool = True
    # For count="cases": the set within which a duplicate joins its original's case; None is
    # the column's own records, () the form's frame alone.
    among: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Column:
    number: int
    key: str
    label: str
    figure: Figure
    groups: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "key": self.key, "label": self.label,
                "groups": list(self.groups)}


@dataclass(frozen=True)
class Form:
    number: str
    title: str
    source: str  # "petition" or "visit"
    columns: tuple[Column, ...]
    where: tuple[str, ...] = ()
    frame: tuple[str, ...] = ()
    # Sums that checks (and the property tests) hold: {column: (columns it is the sum of), …}
    identities: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def header(self) -> dict[str, str]:
        return {"number": self.number, "title": self.title}


def figure(spec: str = "", *, count: str = "petitions", total: str | None = None,
           framed: bool = True, among: str | None = None) -> Figure:
    """A Figure from a spec of space-separated conditions (a declaration stays one line)."""
    return Figure(count=count, where=tuple(spec.split()), sum=total, framed=framed,
                  among=None if among is None else tuple(among.split()))


def columns(groups: tuple[str, ...], start: int,
            *specs: tuple[str, str, Figure]) -> list[Column]:
    """Consecutive columns under the same header groups, numbered from start."""
    return [Column(number=start + i, key=key, label=label, figure=fig, groups=groups)
            for i, (key, label, fig) in enumerate(specs)]
