"""Fill a declared form (forms.declare) for a period and a locality: one grouped SQL query
per form — a filtered count or sum per column and unit — whose groups are then added up to
the locality's direct children and its total by the territory rule of reports
(lookup.territory, reporting.scope). Never a loop over petitions or visits.

The result is the plain dict `dantrack form … --format json` prints, shared with the XLSX
writer (dantrack.xlsx.write_form). Forms are counts and sums only: no name, number, address
or subject of any record can appear in one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, func, or_, select

from dantrack import lookup
from dantrack.forms import petition_sql, visit_sql
from dantrack.forms.declare import Figure, Form
from dantrack.periods import Period
from dantrack.reporting import scope

# Amounts are typed to the thousand VND and the tenth of a m²: sums are rounded to that, so
# that float addition does not show 0.30000000000000004.
DECIMALS = 3


def fill(connection: Any, form: Form, *, period: Period, locality: str | None = None,
         body: str | None = None) -> dict[str, Any]:
    """The filled form (the "form result" dict). connection: a Core connection or session."""
    top, parts = scope(connection, locality, period)
    part_of = lookup.territory(connection, top, parts)
    subtree = list(part_of) if top is not None else lookup.subtree(None)
    query = (_visit_query(form, period, subtree) if form.source == "visit"
             else _petition_query(form, period, subtree))
    width = len(form.columns)
    # sums[0]: the total; sums[1]: the records of the locality itself (its own bodies, placed
    # at its level); then one per direct child.
    sums = [[0] * width for _ in range(len(parts) + 2)]
    for row in connection.execute(query):
        index = part_of.get(row[0])
        for target in (0, 1 if index is None else index + 2):
            for i, value in enumerate(row[1:]):
                sums[target][i] += value or 0
    entries = [{"locality": _ref(unit), "values": _values(form, sums[i + 2])}
               for i, unit in enumerate(parts)]
    if any(sums[1]):  # so that the total is always the sum of the rows (SPEC §2)
        entries.insert(0, {"locality": _own(top), "values": _values(form, sums[1])})
    total = {"locality": _ref(top), "values": _values(form, sums[0])}
    return {"form": form.header(), "body": body or None, "period": period.described(),
            "locality": total["locality"], "columns": [c.as_dict() for c in form.columns],
            "rows": entries, "total": total}


def _values(form: Form, sums: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, value in zip(form.columns, sums, strict=True):
        amount = column.figure.sum is not None and isinstance(
            petition_sql.petition.c[column.figure.sum].type, Float)
        values[column.key] = round(float(value), DECIMALS) if amount else int(value)
    return values


def _own(unit: Any) -> dict[str, Any]:
    """The row of a locality's own level: "Cấp tỉnh (Bắc Kạn)", with the locality's code."""
    from dantrack.vocab import WORDS, Level

    level = WORDS[Level].get(unit.level, (unit.level,))[0]
    return {"code": unit.code, "name": f"Cấp {level} ({unit.name})"}


def _ref(unit: Any | None) -> dict[str, Any]:
    if unit is None:
        return {"code": None, "name": "All localities"}
    return {"code": unit.code, "name": unit.name}


# --- petitions -----------------------------------------------------------------------------


def _petition_query(form: Form, period: Period, subtree: Any) -> Any:
    p = petition_sql.petition.alias("p")
    original = petition_sql.petition.alias("original")
    measures = [_petition_measure(form, figure, period, p, original, subtree).label(f"c{i}")
                for i, figure in enumerate(c.figure for c in form.columns)]
    source: Any = p
    if any(c.figure.count == "cases" for c in form.columns):
        source = p.outerjoin(original, original.c.id == p.c.duplicate_of_id)
    return (select(p.c.locality_id, *measures).select_from(source)
            .where(p.c.locality_id.in_(subtree), p.c.received_on <= period.to)
            .group_by(p.c.locality_id))


def _names(form: Form, figure: Figure, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
    framed = form.frame if figure.framed else ()
    return (*form.where, *framed, *(figure.where if among is None else among))


def _petition_measure(form: Form, figure: Figure, period: Period, p: Any, original: Any,
                      subtree: Any) -> Any:
    where = petition_sql.condition(p, period, _names(form, figure))
    if figure.sum is not None:
        if figure.sum not in petition_sql.AMOUNTS:
            raise ValueError(f"form declaration: no amount {figure.sum!r}")
        return func.coalesce(func.sum(p.c[figure.sum]).filter(where), 0)
    if figure.count == "petitions":
        return func.count().filter(where)
    if figure.count != "cases":
        raise ValueError(f"form declaration: petitions have no measure {figure.count!r}")
    # A case is counted once, by its original; a duplicate counts as the case when its
    # original is not among the petitions in question (outside the set, or the territory).
    joined = petition_sql.condition(original, period, _names(form, figure, figure.among))
    original_in = original.c.locality_id.in_(subtree) & joined
    return func.count().filter(where & or_(p.c.duplicate_of_id.is_(None), ~original_in))


# --- visits --------------------------------------------------------------------------------


def _visit_query(form: Form, period: Period, subtree: Any) -> Any:
    figures = [(c.figure.count, (*form.where, *c.figure.where)) for c in form.columns]
    return visit_sql.query(period, subtree, figures)
