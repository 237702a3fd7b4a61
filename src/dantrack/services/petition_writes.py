"""A petition's create and edit: the one place their rules live (as services.closeout is for
the close-out).

Each write is a pure function of validated input — and, for an edit, of the petition's
current fields — that returns the stored values and the history entry. The command line
(services.petitions) and an import row or an import update (importing.petition_rows) apply
the same result, each with its own SQL: bulk import batches the inserts, never the rules.
What needs the database (resolving a locality, a meeting or an original, a duplicate chain)
is done by the caller before, and handed in as names (codes and refs).

Records are in the exchange form (records.py): refs and codes, plain values; dates as
`datetime.date` or ISO text, compared as days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from typing import Any

from dantrack.deadlines import due_on
from dantrack.errors import InvalidInput, RuleError
from dantrack.kinds import RESULT_FIELDS
from dantrack.limits import SECRET_FIELDS
from dantrack.models import Petition
from dantrack.schemas import PENDING, PetitionCreate, PetitionUpdate
from dantrack.services import closeout
from dantrack.text import fold
from dantrack.text import key as ref_key
from dantrack.vocab import Outcome, PetitionKind, Verdict
from dantrack.workdays import Calendar

# The fields an edit compares and records (the update model's), in the exchange form.
EDITABLE = tuple(PetitionUpdate.model_fields)
# The close-out of a record that does not close the petition.
OPEN = {"closed_on": None, "outcome": None, "verdict": None, "note": ""}
DENUNCIATION = PetitionKind.denunciation.value
# A petition never extended nor suspended.
UNSET_LIFECYCLE = {"extensions": 0, "extended_days": 0, "suspended_on": None,
                   "suspended_days": 0}


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to make, once per row
class Written:
    """A write's result: the record after it (exchange form), the stored columns derived from
    it, and the history entry's changes (empty: nothing changed)."""

    record: dict[str, Any]
    derived: dict[str, Any]
    changes: dict[str, Any]


def _exchange_forms() -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """How each input field that is not plain already takes its exchange form, derived from
    the input model: a word by its value, a date in ISO form, a link by its ref as stored."""
    columns = Petition.__table__.c
    forms: list[tuple[str, Callable[[Any], Any]]] = []
    for name, info in PetitionCreate.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, Enum):
            # The member's value as stored on it: `.value` is a descriptor, slow on every row.
            forms.append((name, attrgetter("_value_")))
        elif info.annotation is dt.date:
            forms.append((name, dt.date.isoformat))
        elif info.annotation == dt.date | None:
            forms.append((name, _optional_iso))
        elif name != "locality" and f"{name}_id" in columns:
            forms.append((name, _link))
    return tuple(forms)


def _optional_iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _link(ref: str | None) -> str | None:
    return ref_key(ref) if ref else None


EXCHANGE_FORMS = _exchange_forms()


def intake(*, data: PetitionCreate, locality: str,
           close_out: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new petition's record from its validated input, with `locality` (its code) and a
    close-out already checked (services.closeout): acceptance defaults to the day of receipt,
    and a close as guided or forwarded leaves the matter outside competence."""
    close_out = close_out or OPEN
    record = dict(data.__dict__)  # the fields, in order (data.model_dump costs more per row)
    for name, form in EXCHANGE_FORMS:
        record[name] = form(record[name])
    record["locality"] = locality
    record["competence"] = closeout.competence_after(close_out["outcome"], record["competence"])
    record["accepted_on"] = acceptance(data.accepted_on or data.received_on)
    record.update(close_out)
    return record


def acceptance(value: dt.date | str | None) -> str:
    """accepted_on in the exchange form: an ISO date, or PENDING (stored as NULL)."""
    if isinstance(value, dt.date):  # the common case, first: a date never equals PENDING
        return value.isoformat()
    return PENDING if value is None or value == PENDING else _plain(value)


def create(*, record: dict[str, Any], source: dict[str, Any] | None = None,
           calendar: Calendar | None = None) -> Written:
    """A new petition: not accepted before it is received (check_acceptance); its deadline,
    folded copies and secrecy (derive). The history entry gives the fields — or, for an
    import, its source (the file holds the row). A bulk import applies the same two rules
    apart: derive as it writes the row, the acceptance once it knows the row is new."""
    check_acceptance(record["received_on"], record["accepted_on"])
    check_register(record, record)
    derived = derive(record, calendar=calendar)
    if source is not None:
        return Written(record, derived, source)
    changes = {name: _plain(record[name]) for name in EDITABLE}
    changes["due_on"] = derived["due_on"].isoformat()
    return Written(record, derived, changes)


def edit(*, before: dict[str, Any], given: dict[str, Any], close_out: dict[str, Any],
         secret: bool, masked: bool, closing: dict[str, Any] | None = None,
         calendar: Calendar | None = None) -> Written:
    """An edit of the fields `given` (validated, links by name; meeting and duplicate_of ""
    unlink) to a petition whose editable fields are `before` and whose close-out is
    `close_out`. `secret`: its identity is secret; `masked`: the caller may not compare it, so
    a secret identity field given is an edit whatever it was (saying "unchanged" would tell
    whether a guess matched). `closing`: the close-out the same write ends with, when it
    closes the petition anew (an import update), which the register's fields must fit.
    Returns no changes when nothing differs."""
    before = {**UNSET_LIFECYCLE, **before}  # a record made before the lifecycle's columns
    given = {k: (None if k in ("meeting", "duplicate_of") and v == ""
                 else getattr(v, "value", v)) for k, v in given.items()}
    after = {**before, **given}
    # While closed as guided or forwarded, the matter is not within competence.
    outcome = Outcome(close_out["outcome"]) if close_out["outcome"] else None
    after["competence"] = closeout.competence_after(outcome, after["competence"])
    if follows_receipt(before, given):
        after["accepted_on"] = after["received_on"]
    changes = {k: [_plain(before[k]), _plain(after[k])] for k in EDITABLE
               if before[k] != after[k] or (masked and k in SECRET_FIELDS and k in given)}
    if not changes:
        return Written(after, {}, {})
    check_acceptance(after["received_on"], after["accepted_on"])
    received_on = _day(after["received_on"])
    if close_out["closed_on"] and _day(close_out["closed_on"]) < received_on:
        raise InvalidInput(
            f"invalid received_on '{received_on}': after the close date "
            f"{_day(close_out['closed_on'])}", field="received_on", value=str(received_on),
            reason=f"is after the close date {_day(close_out['closed_on'])}")
    if close_out["verdict"]:
        closeout.check_verdict(PetitionKind(after["kind"]), Verdict(close_out["verdict"]))
    check_register(after, closing or close_out)
    return Written(after, derive(after, secret=secret, calendar=calendar), changes)


def follows_receipt(before: dict[str, Any], given: Container[str]) -> bool:
    """An acceptance left on the day of receipt moves with it when the receipt is changed and
    the acceptance is not (`given`: the fields given, or that differ)."""
    return ("received_on" in given and "accepted_on" not in given
            and acceptance(before["accepted_on"]) != PENDING
            and _day(before["accepted_on"]) == _day(before["received_on"]))


def check_acceptance(received_on: dt.date | str, accepted_on: dt.date | str) -> None:
    """A petition is not accepted before it is received (a pending one is not accepted)."""
    if accepted_on == PENDING or accepted_on is None:
        return
    # Two ISO dates compare as their days do: most calls need no parsing.
    if type(accepted_on) is type(received_on) and accepted_on >= received_on:  # type: ignore[operator]
        return
    if _day(accepted_on) < (received := _day(received_on)):
        raise InvalidInput(
            f"invalid accepted_on '{_day(accepted_on)}': before received_on {received}",
            field="accepted_on", value=str(_day(accepted_on)),
            reason=f"is before received_on {received}")


def derive(record: dict[str, Any], *, secret: bool = False,
           calendar: Calendar | None = None) -> dict[str, Any]:
    """The stored columns a record's fields decide: the deadline (on `calendar`, the
    database's: dantrack.workdays; without one, the calendar that ships), the folded copies
    for search, and the secrecy of the identity (once a denunciation, secret for good)."""
    # While pending, the deadline counts from receipt as from an acceptance on that day (the
    # 10 working days to process a petition are not counted yet).
    accepted_on = record["accepted_on"]
    start = record["received_on"] if accepted_on in (None, PENDING) else accepted_on
    return {
        "due_on": due_on(record["kind"], _day(start), complex=record["complex"],
                         remote=record["remote"], calendar=calendar,
                         extended_days=record.get("extended_days", 0),
                         suspended_days=record.get("suspended_days", 0)),
        "petitioner_folded": fold(record["petitioner"]),
        "subject_folded": fold(record["subject"]),
        "secret": secret or record["kind"] == DENUNCIATION,
    }


RESULTED = frozenset({PetitionKind.complaint.value, DENUNCIATION})


def check_register(record: dict[str, Any], close_out: dict[str, Any]) -> None:
    """The register's fields fit the petition (SPEC §1 "The register for the official
    forms"): a second round only for a complaint; a reply only to a petition closed as
    forwarded, not before it was; a result only for a complaint or denunciation closed as
    resolved, of whose disciplined people the officials are a part."""
    kind, outcome = _value(record["kind"]), _value(close_out["outcome"])
    if record["round"] != 1 and kind != PetitionKind.complaint.value:
        _invalid("round", record["round"], f"a second round is only for a complaint, not a "
                 f"{kind}")
    if record["reply_on"]:
        if outcome != Outcome.forwarded.value:
            _invalid("reply_on", record["reply_on"], "a reply is recorded only for a petition "
                     "closed as forwarded")
        if _day(record["reply_on"]) < _day(close_out["closed_on"]):
            _invalid("reply_on", record["reply_on"],
                     f"is before the forwarding ({_day(close_out['closed_on'])})")
    check_lifecycle(record, close_out)
    if not any(map(record.__getitem__, RESULT_FIELDS)):  # most petitions: no result
        return
    given = next(name for name in RESULT_FIELDS if record[name])
    if kind not in RESULTED:
        _invalid(given, record[given], f"a result on a {kind}: only a complaint or a "
                 "denunciation has one")
    if outcome != Outcome.resolved.value:
        _invalid(given, record[given], "a result is recorded only for a petition closed as "
                 "resolved")
    if record["disciplined_officials"] > record["disciplined"]:
        _invalid("disciplined_officials", record["disciplined_officials"],
                 f"is more than disciplined ({record['disciplined']})")


# Law 25/2018 Art. 30: a complex denunciation's time may be extended once, an especially
# complex one's twice (the second extension states it), each by up to 30 days.
MAX_EXTENSIONS, MAX_EXTENSION_DAYS = 2, 30


def check_lifecycle(record: dict[str, Any], close_out: dict[str, Any]) -> None:
    """The extensions and the suspension fit the petition: extended only a complex
    denunciation, by 1 to 30 days each time; suspended only once accepted, not before its
    acceptance, and while open."""
    # A record made before the lifecycle's columns has none of them.
    extensions, days = record.get("extensions", 0), record.get("extended_days", 0)
    if extensions or days:
        if _value(record["kind"]) != DENUNCIATION or not record["complex"]:
            _refused("extensions", extensions, "only a complex denunciation's time is "
                     "extended (Law 25/2018 Art. 30)")
        if not extensions <= days <= MAX_EXTENSION_DAYS * extensions:
            _invalid("extended_days", days, f"{extensions} extension(s) add 1 to "
                     f"{MAX_EXTENSION_DAYS} days each")
    if not (suspended_on := record.get("suspended_on")):
        return
    accepted_on = acceptance(record["accepted_on"])
    if accepted_on == PENDING:
        _refused("suspended_on", suspended_on, "a pending petition is not suspended: "
                 "accept it first")
    if _day(suspended_on) < _day(accepted_on):
        _invalid("suspended_on", suspended_on, f"is before the acceptance ({accepted_on})")
    if close_out["closed_on"]:
        _refused("suspended_on", suspended_on, "a closed petition is not suspended: resume "
                 "it before closing")


def _refused(field: str, value: Any, reason: str) -> None:
    shown = _plain(value)
    raise RuleError(f"{field} {shown!r}: {reason}", field=field, value=str(shown),
                    reason=reason)


def _invalid(field: str, value: Any, reason: str) -> None:
    shown = _plain(value)
    raise InvalidInput(f"invalid {field} {shown!r}: {reason}", field=field, value=str(shown),
                       reason=reason)


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _day(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else getattr(value, "value", value)
