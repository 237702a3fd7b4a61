"""A petition's create and edit are one domain function each (services.petition_writes),
called by the command line and by an import alike: what each stores is the same, column for
column, and an import update records the same edit as `petition edit` with the fields that
differ."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dantrack.kinds import RESULT_FIELDS
from dantrack.models import Petition, PetitionEvent

pytestmark = pytest.mark.backends

# Petitions of several shapes, as `petition add` options (the ref is added per side).
SHAPES: tuple[dict[str, str], ...] = (
    {"kind": "complaint", "received-on": "2024-03-01", "locality": "01864",
     "petitioner": "Lý Văn Tài", "phone": "+84912345678", "subject": "Đền bù đất",
     "accepted-on": "05/03/2024", "complex": "", "remote": ""},
    {"kind": "tố cáo", "received-on": "2024-03-02", "locality": "Xã Quảng Bạch",
     "petitioner": "Hà Thị Bí Mật", "id-number": "006090001234", "address": "Thôn Nà Mòn",
     "subject": "Tiền hỗ trợ", "channel": "mail"},
    {"kind": "kiến nghị", "received-on": "2024-03-08", "locality": "064",
     "subject": "Đường liên thôn", "signatories": "12", "competence": "other"},
)
# The columns that must agree (the ids of the rows and of what they link to differ).
COMPARED = tuple(c.name for c in Petition.__table__.columns
                 if c.name not in ("id", "ref", "duplicate_of_id"))


def _options(shape: dict[str, str]) -> list[str]:
    return [part for name, value in shape.items()
            for part in ((f"--{name}", value) if value else (f"--{name}",))]


def _row(shape: dict[str, str], ref: str) -> dict[str, Any]:
    """The same petition as an import row (the flags true, the rest as typed)."""
    return {"ref": ref, **{name.replace("-", "_"): value or True
                           for name, value in shape.items()}}


def _import(cli: Callable[..., Any], path: Path, rows: list[dict[str, Any]],
            *options: str) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    result = cli("import", "petitions", str(path), *options)
    assert result.exit_code == 0, result.stderr


def _stored(db: Any, ref: str) -> dict[str, Any]:
    with db.session() as s:
        petition = s.exec(select(Petition).where(Petition.ref == ref)).scalar_one()
        return {name: getattr(petition, name) for name in COMPARED}


def _history(db: Any, ref: str) -> list[tuple[str, dict[str, Any]]]:
    with db.session() as s:
        petition_id = s.exec(select(Petition.id).where(Petition.ref == ref)).scalar_one()
        events = s.exec(select(PetitionEvent).where(PetitionEvent.petition_id == petition_id)
                        .order_by(PetitionEvent.id)).scalars()
        return [(e.action, json.loads(e.changes)) for e in events]


def _without_source(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k not in ("source", "file")}


def test_a_petition_added_and_one_imported_are_stored_alike(
        cli: Callable[..., Any], db: Any, tree: Any, tmp_path: Path) -> None:
    for number, shape in enumerate(SHAPES, 1):
        added = cli("petition", "add", "--ref", f"A{number}", *_options(shape))
        assert added.exit_code == 0, added.stderr
    _import(cli, tmp_path / "new.jsonl",
            [_row(shape, f"B{number}") for number, shape in enumerate(SHAPES, 1)])
    for number in range(1, len(SHAPES) + 1):
        assert _stored(db, f"B{number}") == _stored(db, f"A{number}")
        # The import's entry names its file instead of repeating the row it holds.
        assert _history(db, f"B{number}") == [
            ("created", {"source": "import", "file": "new.jsonl"})]
    assert _stored(db, "A2")["secret"] is True
    assert _stored(db, "A1")["due_on"].isoformat() == "2024-05-04"  # 60 days from 05/03


@pytest.mark.parametrize("edit", [
    {"received-on": "2024-02-20", "subject": "Đền bù đất rừng"},
    {"locality": "01960", "complex": "", "kind": "recommendation"},
    {"kind": "denunciation", "signatories": "3"},
])
def test_an_import_update_is_the_edit_the_command_line_makes(
        cli: Callable[..., Any], db: Any, tree: Any, tmp_path: Path,
        edit: dict[str, str]) -> None:
    """Both petitions start alike; A is edited with `petition edit`, B takes its exported row
    with the same fields changed (--on-conflict update): the same stored row and the same
    edited entry (the import's also names its file)."""
    for ref in ("A", "B"):
        added = cli("petition", "add", "--ref", ref, *_options(SHAPES[0]))
        assert added.exit_code == 0, added.stderr
    edited = cli("petition", "edit", "A", *_options(edit))
    assert edited.exit_code == 0, edited.stderr
    exported = cli("export", "petitions", "--format", "json")
    row = next(r for r in json.loads(exported.stdout) if r["ref"] == "B")
    row.update({name.replace("-", "_"): value or True for name, value in edit.items()})
    _import(cli, tmp_path / "edit.jsonl", [row], "--on-conflict", "update")
    assert _stored(db, "B") == _stored(db, "A")
    a_events, b_events = _history(db, "A"), _history(db, "B")
    assert [action for action, _ in a_events] == ["created", "edited"]
    assert [action for action, _ in b_events] == ["created", "edited"]
    assert _without_source(b_events[-1][1]) == a_events[-1][1]


def _before(**fields: Any) -> dict[str, Any]:
    record = {"kind": "complaint", "received_on": "2024-03-01", "locality": "01864",
              "channel": "in_person", "petitioner": "An", "id_number": "", "phone": "",
              "address": "", "signatories": 1, "subject": "", "meeting": None,
              "competence": "own", "accepted_on": "2024-03-01", "complex": False,
              "remote": False, "duplicate_of": None}
    # The register's fields (revision 0004) at their defaults.
    record |= {"field": "other", "prior": "none", "round": 1, "forwarded_to": "",
               "reply_on": None, **dict.fromkeys(RESULT_FIELDS, 0)}
    return {**record, **fields}


def test_an_edit_of_the_receipt_moves_an_acceptance_left_on_it() -> None:
    from dantrack.services.petition_writes import OPEN, edit

    moved = edit(before=_before(), given={"received_on": "2024-03-05"}, close_out=OPEN,
                 secret=False, masked=False)
    assert moved.changes["accepted_on"] == ["2024-03-01", "2024-03-05"]
    assert moved.derived["due_on"].isoformat() == "2024-04-04"
    kept = edit(before=_before(accepted_on="2024-03-10"), given={"received_on": "2024-03-05"},
                close_out=OPEN, secret=False, masked=False)
    assert "accepted_on" not in kept.changes


def test_a_masked_identity_given_is_an_edit_whatever_it_was() -> None:
    """Saying "unchanged" would tell whether a guess matched the secret identity; where the
    caller may compare it (an import with --reveal), an equal value is no change."""
    from dantrack.services.petition_writes import OPEN, edit

    given = {"petitioner": "An"}
    masked = edit(before=_before(kind="denunciation"), given=given, close_out=OPEN,
                  secret=True, masked=True)
    assert masked.changes == {"petitioner": ["An", "An"]}
    assert masked.derived["secret"] is True
    compared = edit(before=_before(kind="denunciation"), given=given, close_out=OPEN,
                    secret=True, masked=False)
    assert compared.changes == {}


def _competence_after_reopen(cli: Callable[..., Any], ref: str) -> str:
    reopened = cli("petition", "reopen", ref, "--reason", "sai sót")
    assert reopened.exit_code == 0, reopened.stderr
    shown = cli("petition", "show", ref, "--format", "json")
    return json.loads(shown.stdout)["competence"]


GUIDED = {"outcome": "guided", "closed_on": "2024-03-20"}


def test_a_new_row_closed_as_guided_gets_its_competence_back_on_reopen(
        cli: Callable[..., Any], db: Any, tree: Any, tmp_path: Path) -> None:
    """As after `petition add` and `petition close --outcome guided`: the close records the
    competence it takes away, so `petition reopen` gives it back."""
    added = cli("petition", "add", "--ref", "A", *_options(SHAPES[0]))
    assert added.exit_code == 0, added.stderr
    closed = cli("petition", "close", "A", "--outcome", "guided", "--on", "2024-03-20")
    assert closed.exit_code == 0, closed.stderr
    _import(cli, tmp_path / "closed.jsonl", [{**_row(SHAPES[0], "B"), **GUIDED}])
    assert _stored(db, "B") == _stored(db, "A")
    assert _without_source(_history(db, "B")[-1][1]) == _history(db, "A")[-1][1]
    assert _competence_after_reopen(cli, "A") == "own"
    assert _competence_after_reopen(cli, "B") == "own"


def test_an_import_update_closing_as_guided_gets_its_competence_back_on_reopen(
        cli: Callable[..., Any], db: Any, tree: Any, tmp_path: Path) -> None:
    """An open petition's exported row given a guided close-out, with --on-conflict update,
    is the close the command line makes: a reopen gives the competence back."""
    added = cli("petition", "add", "--ref", "B", *_options(SHAPES[0]))
    assert added.exit_code == 0, added.stderr
    row = json.loads(cli("export", "petitions", "--format", "json").stdout)[0]
    _import(cli, tmp_path / "close.jsonl", [{**row, **GUIDED}], "--on-conflict", "update")
    assert [action for action, _ in _history(db, "B")] == ["created", "closed"]
    assert _competence_after_reopen(cli, "B") == "own"
