"""A record's fields are declared once, in its model (models.py): the input and update models,
the public view, the exchange columns, the export query and the bulk-insert row all follow it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Numeric, Table
from sqlmodel import SQLModel

from dantrack import records, schemas
from dantrack.importing.model import PETITION_COLUMNS
from dantrack.kinds import CLOSE_FIELDS, KINDS
from dantrack.models import Dialogue, Meeting, Petition
from dantrack.services import petition_writes

STORED = {"meetings": Meeting, "dialogues": Dialogue, "petitions": Petition}


def _as_given(model: type[SQLModel], table: str) -> list[str]:
    """The model's columns a user gives, in its order, links by the name of what they name."""
    return [name.removesuffix("_id") if model.__table__.c[name].foreign_keys else name
            for name in model.model_fields
            if name != "id" and name not in schemas.NOT_INPUT.get(table, ())]


@pytest.mark.parametrize("kind", list(STORED))
def test_the_input_model_is_the_stored_model(kind: str) -> None:
    model = STORED[kind]
    create = getattr(schemas, KINDS[kind].model)
    assert list(create.model_fields) == _as_given(model, model.__tablename__)
    assert KINDS[kind].columns == (*create.model_fields, *KINDS[kind].more)


@pytest.mark.parametrize("kind", list(STORED))
def test_the_export_query_gives_the_exchange_columns(kind: str) -> None:
    query = records.QUERIES[STORED[kind].__tablename__]()
    assert [c.name for c in query.selected_columns] == [
        "id", *KINDS[kind].columns, *records.HIDDEN.get(kind, ())]


def test_the_petition_views_follow_the_input_model() -> None:
    given = list(schemas.PetitionCreate.model_fields)
    assert list(schemas.PetitionUpdate.model_fields) == given[1:]  # all but the ref
    assert petition_writes.EDITABLE == tuple(given[1:])
    public = [name for name in schemas.PetitionPublic.model_fields
              if name not in ("locality_name", "due_on", "status", "history")]
    # The deadline's lifecycle is imported and exported, and shown by its effect (due_on,
    # status) and in the history.
    assert public == [*(name for name in given if name not in schemas.LIFECYCLE),
                      *CLOSE_FIELDS]
    assert list(schemas.MeetingPublic.model_fields) == [
        *list(schemas.MeetingCreate.model_fields)[:3], "locality_name",
        *list(schemas.MeetingCreate.model_fields)[3:]]


def test_the_bulk_row_is_the_table_row() -> None:
    assert PETITION_COLUMNS == tuple(c.name for c in Petition.__table__.c if c.name != "id")


def test_every_own_input_rule_names_a_column() -> None:
    """FIELD_INPUT and NOT_INPUT name columns that exist: a renamed column cannot leave its
    rule behind unnoticed."""
    tables = SQLModel.metadata.tables
    for table, name in schemas.FIELD_INPUT:
        assert name in tables[table].c, (table, name)
    for table, names in schemas.NOT_INPUT.items():
        assert set(names) <= set(tables[table].c.keys()), table


def test_a_column_of_a_new_kind_needs_its_rule_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A column the derivation cannot read (here a decimal) is an error at start-up naming
    it, not a guess."""
    odd = Table("petition", MetaData(), Column("id", Integer, primary_key=True),
                Column("amount", Numeric))
    monkeypatch.setattr(schemas, "_table", lambda name: odd)
    info = schemas.PetitionCreate.model_fields["signatories"]
    with pytest.raises(TypeError, match=r"petition\.amount: no input rule"):
        schemas._stored_input("petition", "amount", info)
