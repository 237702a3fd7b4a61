"""The input models: remembered parses give what fresh ones would, and errors are never kept."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dantrack import schemas
from dantrack.schemas import Closure, PetitionCreate
from dantrack.vocab import Outcome, PetitionKind

ROW = {"kind": "khiếu nại", "received_on": "05/03/2024", "locality": "001"}


def test_remembered_words_and_dates_are_the_same_values_each_time() -> None:
    first = PetitionCreate.model_validate(ROW)
    again = PetitionCreate.model_validate(ROW)
    assert first.kind is again.kind is PetitionKind.complaint
    assert first.received_on == again.received_on == dt.date(2024, 3, 5)
    other = PetitionCreate.model_validate({**ROW, "kind": "Tố cáo", "received_on": "2024-03-06"})
    assert other.kind is PetitionKind.denunciation
    assert other.received_on == dt.date(2024, 3, 6)


@pytest.mark.parametrize("field, bad", [("kind", "khieu nai nai"), ("received_on", "31/02/2024")])
def test_a_bad_value_fails_every_time_it_is_seen(field: str, bad: str) -> None:
    for _ in range(3):
        with pytest.raises(ValidationError) as caught:
            PetitionCreate.model_validate({**ROW, field: bad})
        assert caught.value.errors()[0]["loc"] == (field,)


def test_the_memory_of_parses_is_bounded() -> None:
    parse = schemas._memo(lambda text: text.upper())
    for number in range(schemas.MEMO_SIZE + 500):
        assert parse(f"w{number}") == f"W{number}"
    # Past the bound, values are still parsed correctly, just not kept.
    assert parse("w1") == "W1"
    assert parse(f"w{schemas.MEMO_SIZE + 499}") == f"W{schemas.MEMO_SIZE + 499}"
    cells = parse.__closure__  # type: ignore[attr-defined]
    kept = next(cell.cell_contents for cell in cells if isinstance(cell.cell_contents, dict))
    assert len(kept) == schemas.MEMO_SIZE


def test_values_that_are_not_text_pass_through_unremembered() -> None:
    calls: list[object] = []
    parse = schemas._memo(lambda value: calls.append(value) or value)
    day = dt.date(2024, 4, 1)
    assert parse(day) is day
    assert parse(day) is day
    assert calls == [day, day]  # parsed each time: only text is remembered
    assert parse("x") == "x" and parse("x") == "x"
    assert calls == [day, day, "x"]
    closure = Closure.model_validate({"outcome": Outcome.resolved, "closed_on": day})
    assert (closure.outcome, closure.closed_on) == (Outcome.resolved, day)
