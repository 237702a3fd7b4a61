"""Prompts that help (SPEC §3): on a terminal, a missing required option is asked for and
its answer checked at once, by the rule the command will apply — a wrong answer says why and
the same question comes again, keeping the answers already given. Nothing is written before
every answer is in, so Ctrl-C (or end of input) leaves the database as it was.

`common.ask` asks; the functions here make its `check`s and its labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from functools import cache
from typing import Any

import typer

Check = Callable[[str], None]


def choices(label: str, enum: type[StrEnum]) -> str:
    """A question with its choices in both languages: 'Kind (complaint/khiếu nại, …)'."""
    from dantrack.vocab import WORDS

    words = WORDS.get(enum, {})
    listed = ", ".join(f"{m.value}/{words[m.value][0]}" if m.value in words else m.value
                       for m in enum)
    return f"{label} ({listed})"


@cache
def _update_model(name: str) -> Any:
    """The model that checks one field alone: every field optional, the rules kept."""
    from dantrack import schemas

    models = {
        "petition": lambda: schemas.PetitionUpdate,
        "meeting": lambda: schemas.MeetingUpdate,
        "visit": lambda: schemas.VisitUpdate,
        "dialogue": lambda: schemas.DialogueUpdate,
        "closure": lambda: schemas.editable(schemas.Closure, name="ClosureAnswer", keep=()),
        "locality": lambda: schemas.editable(schemas.LocalityCreate, name="LocalityAnswer",
                                             keep=()),
    }
    return models[name]()


def field(record: str, name: str) -> Check:
    """The field's own input rule (its vocabulary, a real day that has happened, a length)."""
    def check(text: str) -> None:
        from dantrack.schemas import validate

        validate(_update_model(record), {name: text})

    return check


def locality(ctx: typer.Context, on: str | dt.date | None = None) -> Check:
    """A unit valid on the record's date; an ambiguous name lists its candidates."""
    def check(text: str) -> None:
        from dantrack import lookup
        from dantrack.cli.common import connection
        from dantrack.text import parse_date

        day = parse_date(on) if isinstance(on, str) else on
        with connection(ctx) as c:
            lookup.resolve(c, text, on=day)

    return check


def meeting(ctx: typer.Context) -> Check:
    """The ref of a recorded meeting."""
    def check(text: str) -> None:
        from dantrack.cli.common import session
        from dantrack.services.meetings import show_meeting

        with session(ctx, write=False) as s:
            show_meeting(s, text)

    return check
