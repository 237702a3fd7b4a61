"""Parsing what people type: folding, prefixes, dates, ID numbers, phones, choices."""

from __future__ import annotations

import string
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dantrack.text import (
    LOCALITY_PREFIXES,
    fold,
    normalise_id_number,
    normalise_phone,
    parse_choice,
    parse_date,
    strip_prefix,
    token,
)
from dantrack.vocab import (
    ALIASES,
    VERDICT_ALIASES,
    Channel,
    Outcome,
    PetitionKind,
    Verdict,
)

# --- fold ----------------------------------------------------------------------------------

# The Vietnamese letters, written by hand with the plain letter each folds to.
BASE_LETTERS = {
    "a": "a", "ă": "a", "â": "a", "e": "e", "ê": "e", "i": "i", "o": "o", "ô": "o",
    "ơ": "o", "u": "u", "ư": "u", "y": "y", "b": "b", "c": "c", "d": "d", "đ": "d",
    "g": "g", "h": "h", "k": "k", "l": "l", "m": "m", "n": "n", "p": "p", "q": "q",
    "r": "r", "s": "s", "t": "t", "v": "v", "x": "x",
}
VOWELS = set("aăâeêioôơuưy")
# No tone, huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


@st.composite
def vietnamese_words(draw: st.DrawFn) -> tuple[str, str]:
    """(text, what it folds to): words of Vietnamese letters in any case and tone."""
    words, expected_words = [], []
    for _ in range(draw(st.integers(1, 4))):
        letters, expected = [], []
        for _ in range(draw(st.integers(1, 7))):
            base = draw(st.sampled_from(sorted(BASE_LETTERS)))
            tone = draw(st.sampled_from(TONES)) if base in VOWELS else ""
            letter = unicodedata.normalize("NFC", base + tone)
            if draw(st.booleans()):
                letter = letter.upper()
            letters.append(letter)
            expected.append(BASE_LETTERS[base])
        words.append("".join(letters))
        expected_words.append("".join(expected))
    separators = [draw(st.sampled_from([" ", "  ", "\t", " \u00a0"])) for _ in words[1:]]
    text = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    padding = draw(st.sampled_from(["", " ", "\n "]))
    return padding + text + padding, " ".join(expected_words)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bắc Kạn", "bac kan"),
        ("Xã Trần Phú", "xa tran phu"),
        ("ĐỒNG   ĐĂNG ", "dong dang"),
        ("đường", "duong"),
        ("Huyện Chợ Đồn", "huyen cho don"),
        ("  Thị\ttrấn  Chợ Rã\n", "thi tran cho ra"),
        ("Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"),
        ("", ""),
    ],
)
def test_fold_examples(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_maps_both_d_with_stroke_to_d() -> None:
    assert fold("Đ") == "d"
    assert fold("đ") == "d"
    assert fold("ĐĐđđ") == "dddd"


@given(vietnamese_words())
def test_fold_of_vietnamese_text_is_plain_lowercase_ascii(case: tuple[str, str]) -> None:
    text, expected = case
    assert fold(text) == expected


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_fold_leaves_no_combining_marks(text: str) -> None:
    folded = fold(text)
    assert not any(unicodedata.combining(c) for c in folded)
    assert "đ" not in folded and "Đ" not in folded


@given(st.text())
def test_fold_leaves_no_outer_or_repeated_whitespace(text: str) -> None:
    folded = fold(text)
    assert folded == folded.strip()
    assert "  " not in folded


@given(st.one_of(st.text(), vietnamese_words().map(lambda case: case[0])))
def test_fold_is_the_same_for_nfc_and_nfd(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert fold(nfc) == fold(nfd)


# Not any text: Unicode casing is not symmetric everywhere (Turkish dotless ı upper-cases to I).
@given(st.one_of(vietnamese_words().map(lambda case: case[0]), st.text(string.printable)))
def test_fold_ignores_case(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


def test_token_joins_words_with_underscores() -> None:
    assert token("Khiếu nại") == "khieu_nai"
    assert token("partly-upheld") == "partly_upheld"
    assert token("  In   Person ") == "in_person"


# --- strip_prefix --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folded", "bare"),
    [
        ("tinh bac kan", "bac kan"),
        ("thanh pho bac kan", "bac kan"),
        ("huyen ba be", "ba be"),
        ("quan ba dinh", "ba dinh"),
        ("thi xa son tay", "son tay"),  # "thi xa" wins over "xa"
        ("thi tran cho ra", "cho ra"),
        ("xa tran phu", "tran phu"),
        ("phuong tan lap", "tan lap"),
        ("thon na mon", "na mon"),
        ("xom 5", "5"),
        ("ban pac ngoi", "pac ngoi"),
        ("to 7", "7"),
    ],
)
def test_strip_prefix_drops_one_administrative_prefix(folded: str, bare: str) -> None:
    assert strip_prefix(folded) == bare


@pytest.mark.parametrize("folded", ["xa", "huyen", "thi xa", "xavier", "tinhte", "ba be", ""])
def test_strip_prefix_keeps_names_without_a_prefix_and_a_bare_prefix(folded: str) -> None:
    assert strip_prefix(folded) == folded


def test_strip_prefix_drops_only_one_prefix() -> None:
    assert strip_prefix("xa thon na mon") == "thon na mon"


@given(st.sampled_from(LOCALITY_PREFIXES), st.text(min_size=1))
def test_strip_prefix_returns_what_follows_the_prefix(prefix: str, rest: str) -> None:
    assert strip_prefix(f"{prefix} {rest}") == rest


# --- parse_date ----------------------------------------------------------------------------


@given(st.dates())
def test_parse_date_round_trips_iso(day: date) -> None:
    assert parse_date(day.isoformat()) == day


@given(st.dates())
def test_parse_date_round_trips_day_month_year(day: date) -> None:
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year:04d}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("01/03/2024", date(2024, 3, 1)),  # day first, as written in Vietnam
        ("1/3/2024", date(2024, 3, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("2024-3-9", date(2024, 3, 9)),
    ],
)
def test_parse_date_examples(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_passes_a_date_through() -> None:
    assert parse_date(date(2024, 5, 6)) == date(2024, 5, 6)


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2024/03/01", "01-03-2024", "03/01/24", "2024-03", "20240301",
     "2024-02-30", "29/02/2023", "2024-13-01", "32/01/2024", "00/01/2024", "2024-03-01T00:00"],
)
def test_parse_date_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_date_says_why_a_real_shape_fails() -> None:
    with pytest.raises(ValueError, match="no such day"):
        parse_date("31/04/2024")
    with pytest.raises(ValueError, match="YYYY-MM-DD or DD/MM/YYYY"):
        parse_date("April 1st")


@given(st.text())
def test_parse_date_only_ever_raises_value_error(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert isinstance(result, date)


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",))))
def test_parse_date_rejects_text_without_digits(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# --- normalise_id_number -------------------------------------------------------------------


@given(st.sampled_from([9, 12]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_id_number_accepts_nine_or_twelve_digits(digits: str) -> None:
    assert normalise_id_number(digits) == digits


@given(st.integers(0, 20).filter(lambda n: n not in (9, 12)).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_id_number_rejects_other_lengths(digits: str) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        normalise_id_number(digits)


def test_id_number_ignores_spaces_and_dots() -> None:
    assert normalise_id_number("001 234 567 890") == "001234567890"
    assert normalise_id_number("012.345.678") == "012345678"


@pytest.mark.parametrize("text", ["00123456789A", "0012-3456-7890", "０１２３４５６７８",
                                  "", "+00123456789"])
def test_id_number_rejects_non_digits(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_id_number(text)


# --- normalise_phone -----------------------------------------------------------------------

mobiles = st.tuples(
    st.sampled_from(["03", "05", "07", "08", "09"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
).map("".join)
landlines = st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda s: "02" + s)


@given(mobiles, st.sampled_from(["0", "+84", "84", "+84 ", "(+84) "]))
def test_any_mobile_normalises_to_national_form(national: str, prefix: str) -> None:
    typed = prefix + national[1:]
    assert normalise_phone(typed) == national


@given(landlines, st.sampled_from(["0", "+84", "84"]))
def test_any_landline_normalises_to_national_form(national: str, prefix: str) -> None:
    assert normalise_phone(prefix + national[1:]) == national


@given(mobiles)
def test_phone_separators_are_ignored(national: str) -> None:
    spaced = f"{national[:4]} {national[4:7]}.{national[7:]}"
    dashed = f"{national[:4]}-{national[4:]}"
    assert normalise_phone(spaced) == normalise_phone(dashed) == national


@given(st.integers(1, 14).filter(lambda n: n not in (10, 11)).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n - 1, max_size=n - 1)))
def test_phone_of_wrong_length_is_rejected(rest: str) -> None:
    with pytest.raises(ValueError):
        normalise_phone("0" + rest)


@pytest.mark.parametrize(
    "text",
    [
        "0112345678",  # no such mobile prefix
        "0212345678",  # 10 digits with a landline prefix
        "09123456789",  # 11 digits with a mobile prefix
        "02123456789012",
        "+8409123456789",
        "0912abc678",
        "",
    ],
)
def test_phone_rejects_invalid_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_phone(text)


def test_phone_examples() -> None:
    assert normalise_phone("+84 912 345 678") == "0912345678"
    assert normalise_phone("84912345678") == "0912345678"
    assert normalise_phone("0209 3870 123") == "02093870123"
    assert normalise_phone("+84 209 3870 123") == "02093870123"


# --- parse_choice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("complaint", PetitionKind.complaint),
        ("Complaint", PetitionKind.complaint),
        ("khiếu nại", PetitionKind.complaint),
        ("Khieu nai", PetitionKind.complaint),
        ("KHIẾU NẠI", PetitionKind.complaint),
        ("khiếu-nại", PetitionKind.complaint),
        ("tố cáo", PetitionKind.denunciation),
        ("to cao", PetitionKind.denunciation),
        ("kiến nghị", PetitionKind.recommendation),
        ("phản ánh", PetitionKind.reflection),
        ("Phan Anh", PetitionKind.reflection),
        (" denunciation ", PetitionKind.denunciation),
    ],
)
def test_parse_choice_accepts_english_and_vietnamese_kinds(text: str, kind: PetitionKind) -> None:
    assert parse_choice(PetitionKind, text, ALIASES[PetitionKind]) is kind


@pytest.mark.parametrize(
    ("enum", "text", "expected"),
    [
        (Channel, "trực tiếp", Channel.in_person),
        (Channel, "in person", Channel.in_person),
        (Channel, "bưu điện", Channel.mail),
        (Channel, "chuyển đến", Channel.forwarded),
        (Outcome, "rút đơn", Outcome.withdrawn),
        (Outcome, "hướng dẫn", Outcome.guided),
        (Outcome, "chuyển đơn", Outcome.forwarded),
        (Outcome, "Đã giải quyết", Outcome.resolved),
    ],
)
def test_parse_choice_other_vocabularies(enum: type, text: str, expected: object) -> None:
    assert parse_choice(enum, text, ALIASES[enum]) is expected


def test_verdict_words_depend_on_the_kind() -> None:
    complaint = VERDICT_ALIASES[PetitionKind.complaint]
    denunciation = VERDICT_ALIASES[PetitionKind.denunciation]
    assert parse_choice(Verdict, "đúng", complaint) is Verdict.upheld
    assert parse_choice(Verdict, "đúng", denunciation) is Verdict.founded
    assert parse_choice(Verdict, "Đúng một phần", complaint) is Verdict.partly_upheld
    assert parse_choice(Verdict, "sai", denunciation) is Verdict.unfounded
    assert parse_choice(Verdict, "partly upheld") is Verdict.partly_upheld


@pytest.mark.parametrize("text", ["grievance", "", "khieu", "to_cao_nac"])
def test_parse_choice_rejects_unknown_words_listing_the_choices(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_choice(PetitionKind, text, ALIASES[PetitionKind])
    assert str(excinfo.value) == (
        "must be one of complaint (khiếu nại), denunciation (tố cáo), "
        "recommendation (kiến nghị), reflection (phản ánh)"
    )


def test_parse_choice_without_aliases_refuses_vietnamese() -> None:
    with pytest.raises(ValueError):
        parse_choice(PetitionKind, "khiếu nại")
