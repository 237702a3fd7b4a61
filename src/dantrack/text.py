"""Parsing and normalising what people type: diacritic folding, dates, ID numbers, phones."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

# Administrative prefixes, folded, longest first so "thi xa" wins over "xa".
LOCALITY_PREFIXES = (
    "thanh pho",
    "dac khu",
    "thi tran",
    "thi xa",
    "phuong",
    "huyen",
    "tinh",
    "quan",
    "thon",
    "xom",
    "ban",
    "xa",
    "to",
)

_SPACES = re.compile(r"\s+")


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


# Every precomposed Latin letter with diacritics (Vietnamese among them) to its folded form,
# so that the common case is one str.translate instead of a walk over decomposed characters.
_FOLD_TABLE = {
    code: _fold_slowly(chr(code))
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00))
    for code in range(start, end)
    if _fold_slowly(chr(code)).isascii() and _fold_slowly(chr(code))
}


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse whitespace, for matching."""
    quick = text.translate(_FOLD_TABLE)
    if quick.isascii():
        return " ".join(quick.lower().split())
    return _fold_slowly(text)


def strip_prefix(folded: str) -> str:
    """Drop one leading administrative prefix from an already folded locality name."""
    for prefix in LOCALITY_PREFIXES:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return folded[len(prefix) + 1 :]
    return folded


# A ref or code is typed, printed on forms and looked up again: after Unicode compatibility
# normalisation (full-width "Ｐ２０２４" is "P2024") it is printable ASCII, so that no invisible
# (zero-width) or look-alike (Cyrillic "Р") character can make two refs that read the same.
_KEY = re.compile(r"^[!-~]+$", re.ASCII)


def key(text: str) -> str:
    """A ref or code as typed, in the form it is stored and looked up: NFKC, stripped."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def is_key(text: str) -> bool:
    """Whether a (normalised) ref or code is printable ASCII without spaces."""
    return bool(_KEY.match(text))


KEY_RULE = "must be printable ASCII (letters, digits, signs) without spaces or look-alikes"


def token(text: str) -> str:
    """Fold a word for vocabulary lookup: "Khiếu nại" → "khieu_nai"."""
    return re.sub(r"[\s,\-]+", "_", fold(text))


def parse_choice(enum: type[E], value: str, aliases: dict[str, str] | None = None) -> E:
    """An enum member from its English value or a Vietnamese word, any case or diacritics."""
    if value in enum._value2member_map_:  # the common case, without folding
        return enum._value2member_map_[value]  # type: ignore[return-value]
    key = token(value)
    key = (aliases or {}).get(key, key)
    try:
        return enum(key)
    except ValueError:
        from dantrack.vocab import accepted_words

        raise ValueError(f"must be one of {accepted_words(enum)}") from None


def parse_field_choice(enum: type[E], value: str, field: str) -> E:
    """parse_choice for a named field; a word that fits nothing is invalid input (exit 3)."""
    from dantrack.errors import InvalidInput
    from dantrack.vocab import ALIASES

    try:
        return parse_choice(enum, value, ALIASES.get(enum))
    except ValueError as exc:
        raise InvalidInput(f"invalid {field} {value!r}: {exc}", field=field, value=value) from None


# ASCII digits only: int() would also read other scripts' digits ("٢٠٢٤").
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


def parse_date(value: str | date) -> date:
    """A date from YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(value, date):
        return value
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)  # the common case, in C
        except ValueError:
            pass
    text = value.strip()
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _VN.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError("expected YYYY-MM-DD or DD/MM/YYYY")
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError("no such day in the calendar") from None


def normalise_id_number(value: str) -> str:
    """A 12-digit citizen ID or a 9-digit legacy ID; spaces and dots are ignored."""
    if len(value) in (9, 12) and value.isascii() and value.isdigit():
        return value
    digits = re.sub(r"[\s.]", "", value)
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (9, 12):
        raise ValueError("expected 12 digits (citizen ID) or 9 digits (legacy ID)")
    return digits


_MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


def normalise_phone(value: str) -> str:
    """A Vietnamese phone number in national form: +84/84 becomes 0.

    Mobiles are 10 digits starting 03, 05, 07, 08 or 09; landlines are 11 digits starting 02.
    """
    if len(value) == 10 and value.isascii() and value.isdigit() and value.startswith(
            _MOBILE_PREFIXES):
        return value
    compact = re.sub(r"[\s.\-()]", "", value)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if not compact.isascii() or not compact.isdigit():
        raise ValueError("expected a Vietnamese phone number of digits")
    if len(compact) == 10 and compact.startswith(_MOBILE_PREFIXES):
        return compact
    if len(compact) == 11 and compact.startswith("02"):
        return compact
    raise ValueError("expected a 10-digit mobile (03/05/07/08/09…) or an 11-digit landline (02…)")
