"""Input and output models. The same input model validates command-line options and import
rows, so both accept exactly the same words, dates, ID numbers and phones."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from sqlalchemy import Boolean, Date, Integer, Text

from dantrack import clock
from dantrack.errors import InvalidInput
from dantrack.kinds import PENDING, RESULT_AMOUNTS
from dantrack.limits import FIRST_YEAR, IDENTITY_NAMES, KEY_MAX, LAST_YEAR, NAME_MAX, TEXT_MAX
from dantrack.text import (
    KEY_RULE,
    is_key,
    key,
    normalise_id_number,
    normalise_phone,
    parse_choice,
    parse_date,
    token,
)
from dantrack.vocab import (
    ALIASES,
    Body,
    Channel,
    Competence,
    Direction,
    Level,
    MeetingKind,
    Outcome,
    PetitionField,
    PetitionKind,
    Prior,
)

# Parsed words and dates are remembered (up to this many of each): an import of many rows
# repeats the same few kinds, channels and days, and parsing them is pure.
MEMO_SIZE = 4096


def _memo(parse):  # type: ignore[no-untyped-def]
    """parse, remembering what each text gave; errors are not remembered (raised again)."""
    seen: dict[str, Any] = {}

    def parse_text(value: Any) -> Any:
        if not isinstance(value, str):
            return parse(value)
        try:
            return seen[value]
        except KeyError:
            result = parse(value)
            if len(seen) < MEMO_SIZE:
                seen[value] = result
            return result

    return parse_text


def _choice(enum: type) -> BeforeValidator:
    aliases = ALIASES.get(enum, {})

    def parse(value: Any) -> Any:
        return parse_choice(enum, value, aliases) if isinstance(value, str) else value

    return BeforeValidator(_memo(parse))


def _date(value: Any) -> Any:
    """A record's date: a real day in FIRST_YEAR–LAST_YEAR."""
    parsed = parse_date(value) if isinstance(value, str) else value
    if isinstance(parsed, dt.date) and not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def _happened(value: dt.date, info: ValidationInfo) -> dt.date:
    """A record's date tells of something that has happened (a receipt, an acceptance, a
    close-out, a meeting): not after today. Checked after the remembered parse, every time;
    an import gives today once, in the validation context (TODAY)."""
    today = info.context.get(TODAY) if info.context else None
    if value > (today := today or clock.today()):
        raise ValueError(f"is after today ({today.isoformat()}): it has not happened yet")
    return value


def _optional_text(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


_PLAIN_BOOLS = {"true": True, "false": False, "1": True, "0": False, "": False}


def _bool(value: Any) -> Any:
    if isinstance(value, str):
        if value in _PLAIN_BOOLS:
            return _PLAIN_BOOLS[value]
        word = token(value)
        if word in ("co", "x"):
            return True
        if word in ("khong", ""):
            return False
    return value


def _blank_or(parse):  # type: ignore[no-untyped-def]
    def run(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        return parse(value) if isinstance(value, str) else value

    return BeforeValidator(run)


# The key of today's date in a validation context: model.model_validate(data, context=…).
TODAY = "today"
DateIn = Annotated[dt.date, BeforeValidator(_memo(_date)), AfterValidator(_happened)]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _no_control(value: str) -> str:
    """Refs and codes are typed and looked up again: no invisible control characters, and
    after normalisation nothing but printable ASCII (text.KEY_RULE)."""
    if is_key(value):  # the common case: already printable ASCII (its length is checked)
        return value
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    value = key(value)
    if not is_key(value):
        raise ValueError(KEY_RULE)
    if len(value) > KEY_MAX:  # normalising may lengthen it ("㎯" is "mm")
        raise ValueError(f"is longer than {KEY_MAX} characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


# PostgreSQL cannot store NUL characters; refusing them here keeps both backends alike.
NO_NUL = r"^[^\x00]*$"
NO_SPACE_NO_NUL = r"^[^\s\x00]+$"
Name = Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=NO_NUL)]
RequiredName = Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=NO_NUL),
                         AfterValidator(_not_blank)]
LongText = Annotated[str, StringConstraints(max_length=TEXT_MAX, pattern=NO_NUL)]
Ref = Annotated[
    Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=KEY_MAX,
                               pattern=NO_SPACE_NO_NUL), AfterValidator(_no_control)
    ]
    | None,
    BeforeValidator(_optional_text),
]
LookupText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)
]
OptionalLookup = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=NO_NUL)]
    | None,
    BeforeValidator(_optional_text),
]
Flag = Annotated[bool, BeforeValidator(_bool)]
IdNumber = Annotated[str, _blank_or(normalise_id_number)]
Phone = Annotated[str, _blank_or(normalise_phone)]
# The largest count a database column holds (PostgreSQL INTEGER); more is a typing error.
INT_MAX = 2**31 - 1
Count = Annotated[int, Field(ge=0, le=INT_MAX)]

M = TypeVar("M", bound=BaseModel)
_PENDING_WORDS = frozenset({PENDING, "cho_xu_ly", "chua_xu_ly", "chua_thu_ly"})
# The largest amount (million VND, m²) and its finest unit (a thousand VND): larger or finer
# is a typing error, and doubles hold every such value exactly as typed.
AMOUNT_MAX = Decimal(10) ** 12
AMOUNT_PLACES = 3


def _acceptance(value: Any) -> Any:
    """`pending` or a date (None: not given, the day of receipt)."""
    if isinstance(value, str) and token(value) in _PENDING_WORDS:
        return PENDING
    return _date(value)


def _happened_if_day(value: Any, info: ValidationInfo) -> Any:
    return _happened(value, info) if isinstance(value, dt.date) else value


def _amount(value: Any) -> Any:
    """An amount as a decimal (a file's text, a number): ≥ 0, to the thousandth."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    try:
        # No decimal comma: "1,000" would be a thousand to some clerks and one to others.
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise ValueError("must be a number, e.g. 12.5") from None
    if not number.is_finite() or number < 0:
        raise ValueError("must be a number ≥ 0")
    if number > AMOUNT_MAX:
        raise ValueError(f"must be at most {AMOUNT_MAX:,}")
    if number != number.quantize(Decimal(1).scaleb(-AMOUNT_PLACES)):
        raise ValueError(f"has more than {AMOUNT_PLACES} decimals")
    return float(number)


Acceptance = Annotated[dt.date | Literal["pending"] | None, BeforeValidator(_acceptance),
                       AfterValidator(_happened_if_day)]
# Before-validators run last first: a blank is None before it is parsed.
OptionalDateIn = Annotated[dt.date | None, BeforeValidator(_memo(_date)),
                           BeforeValidator(_optional_text), AfterValidator(_happened_if_day)]
Amount = Annotated[float, BeforeValidator(_amount)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False)


def _optional_date(value: Any) -> Any:
    """A unit's first or last day: blank is unbounded; may lie in the future (a
    reorganisation is decided before it takes effect)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _date(value)


def _codes(value: Any) -> Any:
    """Successors as a file gives them: codes separated by ";" (or a JSON list)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def day(value: Any, field: str) -> dt.date:
    """A date given on the command line (YYYY-MM-DD or DD/MM/YYYY), or exit 3 naming it."""
    try:
        parsed = _optional_date(value)
    except ValueError as exc:
        raise InvalidInput(f"invalid {field} {format_value(value)}: {exc}", field=field,
                           value=value) from None
    if parsed is None:
        raise InvalidInput(f"{field} is required", field=field)
    return parsed


Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=KEY_MAX,
                           pattern=NO_SPACE_NO_NUL), AfterValidator(_no_control)
]
Bound = Annotated[dt.date | None, BeforeValidator(_memo(_optional_date))]


class LocalityCreate(_Input):
    code: Code
    name: RequiredName
    level: Annotated[Level, _choice(Level)]
    parent: OptionalLookup = None
    valid_from: Bound = None
    valid_to: Bound = None
    successors: Annotated[tuple[LookupText, ...], BeforeValidator(_codes)] = ()

    @field_validator("valid_to")
    @classmethod
    def _not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise ValueError(f"is before valid_from ({start.isoformat()})")
        return value

    @field_validator("successors")
    @classmethod
    def _after_an_end(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if value and info.data.get("valid_to") is None:
            raise ValueError("need valid_to: successors follow a unit that ends")
        return value


def _stored_input(table: str, name: str, info: Any) -> tuple[str, Any, Any]:
    """(input name, annotation, default) of a stored column as a user gives it: by its
    declaration in the model — a name, a long text, a count, a flag, a date, a link named by
    its ref or code — unless FIELD_INPUT gives it a rule of its own."""
    column = _table(table).c[name]
    link = name.removesuffix("_id") if column.foreign_keys else None
    default = ... if info.is_required() else info.default
    if (table, name) in FIELD_INPUT:
        annotation, default = FIELD_INPUT[table, name]
    elif link:
        annotation, default = (LookupText, ...) if default is ... else (OptionalLookup, None)
    elif name == "ref":
        annotation, default = Ref, None
    elif isinstance(column.type, Text):
        annotation = LongText
    elif NAME_MAX in (getattr(rule, "max_length", None) for rule in info.metadata):
        annotation = Name
    elif isinstance(column.type, (Boolean, Integer, Date)):
        annotation = {Boolean: Flag, Integer: Count, Date: DateIn}[
            next(t for t in (Boolean, Integer, Date) if isinstance(column.type, t))]
    else:  # a new kind of column needs its rule written, not guessed
        raise TypeError(f"{table}.{name}: no input rule (add it to FIELD_INPUT)")
    return link or name, annotation, default


def _table(name: str) -> Any:
    from sqlmodel import SQLModel

    from dantrack import models  # noqa: F401  (registers the tables)

    return SQLModel.metadata.tables[name]


def _stored_model(table: str) -> Any:
    from dantrack import models

    return next(m for m in vars(models).values() if getattr(m, "__tablename__", None) == table)


def _create_model(model_name: str, table: str, doc: str,
                  base: type[BaseModel] = _Input) -> type[BaseModel]:
    """The input model of a kind of record, derived from its stored model: every column but
    the id and those NOT_INPUT, in the model's order, links by name."""
    fields: dict[str, Any] = {}
    for name, info in _stored_model(table).model_fields.items():
        if name != "id" and name not in NOT_INPUT.get(table, ()):
            field, annotation, default = _stored_input(table, name, info)
            fields[field] = (annotation, default)
    return create_model(model_name, __base__=base, __doc__=doc, **fields)


# The stored columns a user does not give: derived from the others (services.petition_writes)
# or given by another write (the close-out: services.closeout).
NOT_INPUT: dict[str, tuple[str, ...]] = {
    "petition": ("due_on", "petitioner_folded", "subject_folded", "secret",
                 "closed_on", "outcome", "verdict", "note"),
    "visit": ("secret",),
}
# The columns whose input is not what their declaration says: (annotation, default).
FIELD_INPUT: dict[tuple[str, str], tuple[Any, Any]] = {
    ("meeting", "kind"): (Annotated[MeetingKind, _choice(MeetingKind)], ...),
    ("meeting", "body"): (Annotated[Body, _choice(Body)], ...),
    ("dialogue", "body"): (Annotated[Body, _choice(Body)], ...),
    ("petition", "kind"): (Annotated[PetitionKind, _choice(PetitionKind)], ...),
    ("petition", "channel"): (Annotated[Channel, _choice(Channel)], Channel.in_person),
    ("petition", "id_number"): (IdNumber, ""),
    ("petition", "phone"): (Phone, ""),
    ("petition", "signatories"): (Annotated[int, Field(ge=1, le=INT_MAX)], 1),
    ("petition", "competence"): (Annotated[Competence, _choice(Competence)], Competence.own),
    # Default: the day of receipt; `pending` (PENDING) leaves it unset.
    ("petition", "accepted_on"): (Acceptance, None),
    ("petition", "field"): (Annotated[PetitionField, _choice(PetitionField)],
                            PetitionField.other),
    ("petition", "prior"): (Annotated[Prior, _choice(Prior)], Prior.none),
    ("petition", "round"): (Annotated[int, Field(ge=1, le=2)], 1),
    ("petition", "reply_on"): (OptionalDateIn, None),
    # The deadline's lifecycle (petition_writes.check_lifecycle has the rules between them).
    ("petition", "extensions"): (Annotated[int, Field(ge=0, le=2)], 0),
    ("petition", "extended_days"): (Annotated[int, Field(ge=0, le=60)], 0),
    ("petition", "suspended_on"): (OptionalDateIn, None),
    ("petition", "suspended_days"): (Annotated[int, Field(ge=0, le=INT_MAX)], 0),
    **{("petition", name): (Amount, 0.0) for name in RESULT_AMOUNTS},
    ("visit", "people"): (Annotated[int, Field(ge=1, le=INT_MAX)], 1),
    ("visit", "kind"): (Annotated[PetitionKind, _choice(PetitionKind)], ...),
    ("visit", "direction"): (Annotated[Direction, _choice(Direction)], ...),
    ("visit", "id_number"): (IdNumber, ""),
    ("visit", "phone"): (Phone, ""),
}
# A group of many people (đoàn đông người) is 5 or more about one matter.
GROUP_MIN = 5


def check_group(group: bool | None, people: int | None) -> None:
    """A group visit has at least GROUP_MIN people (raises ValueError naming people)."""
    if group and people is not None and people < GROUP_MIN:
        raise ValueError(f"a group of many people is {GROUP_MIN} or more, not {people}")


class _VisitInput(_Input):
    @field_validator("group", check_fields=False)
    @classmethod
    def _group_size(cls, value: bool, info: ValidationInfo) -> bool:
        check_group(value, info.data.get("people"))
        return value

MeetingCreate = _create_model("MeetingCreate", "meeting", "A reception meeting, as given.")
DialogueCreate = _create_model("DialogueCreate", "dialogue", "A dialogue, as given.")
PetitionCreate = _create_model("PetitionCreate", "petition", "A petition received, as given.")
VisitCreate = _create_model("VisitCreate", "visit", "A visit of a reception meeting, as given.",
                            base=_VisitInput)


def editable(model: type[BaseModel], *, name: str, keep: tuple[str, ...] = ("ref",)
             ) -> type[BaseModel]:
    """The update model of a create model: every field but `keep` optional, None when not
    given (only the fields given are touched)."""
    # A field's validators ride on its annotation's metadata: carried over with it.
    fields: dict[str, Any] = {
        field_name: (Annotated[(info.annotation, *info.metadata)] | None if info.metadata
                     else info.annotation | None, None)  # type: ignore[operator]
        for field_name, info in model.model_fields.items() if field_name not in keep
    }
    return create_model(name, __base__=_Input, __doc__=f"{model.__name__}, to edit: only the "
                        "fields given are touched.", **fields)


PetitionUpdate = editable(PetitionCreate, name="PetitionUpdate")
VisitUpdate = editable(VisitCreate, name="VisitUpdate")
MeetingUpdate = editable(MeetingCreate, name="MeetingUpdate")
DialogueUpdate = editable(DialogueCreate, name="DialogueUpdate")


class Closure(_Input):
    outcome: Annotated[Outcome, _choice(Outcome)]
    verdict: OptionalLookup = None
    closed_on: DateIn
    note: LongText = ""


class DayGiven(_Input):
    """The day a decision on a petition's deadline was taken (extend, suspend, resume --on)."""

    on: DateIn


# A day of any year dantrack knows, past or future (a swap is decided ahead).
AnyDay = Annotated[dt.date, BeforeValidator(_memo(_date))]


class CalendarDecision(_Input):
    """`calendar off|work DATE --reason`."""

    day: AnyDay
    reason: LongText


class AsOf(_Input):
    """`overdue --as-of DATE`."""

    as_of: AnyDay


class CalendarDayPublic(BaseModel):
    """A day of `calendar list`: one that differs from Monday to Friday, and why."""

    date: dt.date
    weekday: str
    kind: str  # off or work
    reason: str
    source: str  # holidays (the package), dantrack (its data file) or database
    operator: str | None = None
    at: str | None = None


def describe_error(error: dict[str, Any]) -> tuple[str, Any, str]:
    """(field, value, reason) from one pydantic error, in words a clerk can act on."""
    field = ".".join(str(p) for p in error.get("loc", ())) or "input"
    value = error.get("input")
    kind = error.get("type", "")
    reason = error.get("msg", "invalid")
    if kind == "missing":
        # pydantic gives the whole record as the input of a missing field: there is no value
        # to show, and the record may hold a denouncer's identity.
        value, reason = None, "is required"
    elif kind == "extra_forbidden":
        reason = "is not a known field"
    elif kind == "string_too_long":
        reason = f"is longer than {error.get('ctx', {}).get('max_length')} characters"
    elif kind == "string_too_short":
        reason = "must not be empty"
    elif kind == "string_pattern_mismatch":
        nul = isinstance(value, str) and "\x00" in value
        reason = "must not contain NUL characters" if nul else "must not contain spaces"
    elif reason.startswith("Value error, "):
        reason = reason[len("Value error, ") :]
    return field, value, reason


def format_value(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return repr(text) if isinstance(value, str) else text


# A denouncer's identity: an error about one of these fields names the field, not the value.
SECRET_FIELDS = IDENTITY_NAMES


def validate(model: type[M], data: dict[str, Any], *, secret: bool = False) -> M:
    """Validate with the model; the first problem becomes an InvalidInput naming the field.
    With secret (a denunciation), the values of identity fields are never echoed."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, value, reason = describe_error(exc.errors()[0])
        if value is None or isinstance(value, dict):
            raise InvalidInput(f"{field} {reason}", field=field) from None
        if secret and field in SECRET_FIELDS:
            raise InvalidInput(f"invalid {field}: {reason}", field=field) from None
        raise InvalidInput(
            f"invalid {field} {format_value(value)}: {reason}", field=field, value=value
        ) from None


class LocalityPublic(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None = None
    parent_name: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successors: str = ""  # codes, main first, separated by ";" as files give them


class LocalityShown(LocalityPublic):
    """`locality show`: a unit with the units whose territory went to it."""

    predecessors: str = ""


class EventPublic(BaseModel):
    at: str
    operator: str
    action: str
    changes: dict[str, Any]


def _public(name: str, create: type[BaseModel], table: str, *, more: tuple[str, ...] = (),
            after: dict[str, str] | None = None, leave_out: tuple[str, ...] = (),
            **tail: Any) -> type[BaseModel]:
    """The public view of a kind of record, derived from its input model and its table: every
    exchange column (the input fields, then `more`) with the type it is stored as — links by
    their ref or code — then, after the locality, its name; `after` adds a stored column after
    another, `tail` fields at the end."""
    stored = _stored_model(table).model_fields
    fields: dict[str, Any] = {}
    for field, info in (*create.model_fields.items(), *((n, None) for n in more)):
        if field in leave_out:
            continue
        if field in stored:
            fields[field] = (stored[field].annotation, ...)
        else:  # a link, required or not as its input is
            fields[field] = (str, ...) if info.is_required() else (str | None, None)
        if field == "locality":
            fields["locality_name"] = (str, ...)
        if field in (after or {}):
            fields[after[field]] = (stored[after[field]].annotation, ...)
    return create_model(name, **fields, **tail)


MeetingPublic = _public("MeetingPublic", MeetingCreate, "meeting")
DialoguePublic = _public("DialoguePublic", DialogueCreate, "dialogue")
VisitPublic = _public("VisitPublic", VisitCreate, "visit", date=(dt.date, ...),
                      locality=(str, ...))
# `meeting show`: a meeting with the refs of its petitions and its visits.
MeetingShown = create_model("MeetingShown", __base__=MeetingPublic,
                            petitions=(list[str], []), visits=(list[VisitPublic], []),
                            history=(list[EventPublic], []))
# `dialogue show`: a dialogue with its history.
DialogueShown = create_model("DialogueShown", __base__=DialoguePublic,
                             history=(list[EventPublic], []))


# The deadline's lifecycle, imported and exported: a list or show gives its effect (due_on,
# the status `suspended`) and the history its steps.
LIFECYCLE = ("extensions", "extended_days", "suspended_on", "suspended_days")


def _petition_public() -> type[BaseModel]:
    """A petition's public view: the close-out after its input fields and the deadline after
    the fields it is counted from; then the status and, for `show`, the history."""
    from dantrack.kinds import CLOSE_FIELDS

    return _public("PetitionPublic", PetitionCreate, "petition", more=CLOSE_FIELDS,
                   after={"duplicate_of": "due_on"}, leave_out=LIFECYCLE, status=(str, ...),
                   history=(list[EventPublic] | None, None))


PetitionPublic = _petition_public()
