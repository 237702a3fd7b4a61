"""What stored text and typed URLs may not do: run as a spreadsheet formula, drive the
terminal, or show a password. One CSV writer, one terminal sanitiser, one URL renderer."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dantrack import db, urls
from dantrack.readers import guard_cell, unguard_cell
from dantrack.safety import FORMULA_STARTS, visible
from dantrack.services.localities import add_locality
from dantrack.services.meetings import add_dialogue, add_meeting
from dantrack.services.petitions import add_petition, close_petition

FORMULAS = ['=HYPERLINK("http://x")', "@SUM(A1)", "+1", "-1", "＝1+1", "＋84 912", "－5 triệu",
            "＠mention"]
FULL_WIDTH = ["＝1+1", "＋1", "－1", "＠x", "'＝x", "''＋y", "﹣2", "﹦3", "﹢4", "﹫5", "⁺6"]


# --- the formula guard ----------------------------------------------------------------------


def starts_formula(text: str) -> bool:
    return text[:1] != "" and text[0] in FORMULA_STARTS


def test_the_guarded_set_is_every_form_of_a_formula_start() -> None:
    """= + - @ and every character whose compatibility form is one of them, tab and CR."""
    folding = {chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000
               and unicodedata.normalize("NFKC", chr(c)) in ("=", "+", "-", "@")}
    assert set(FORMULA_STARTS) == folding | {"\t", "\r"}
    assert "\u2212" not in FORMULA_STARTS  # MINUS SIGN has no compatibility form: text


@given(text=st.text())
@example(text="＝1+1")
@example(text="'＠x")
def test_import_takes_away_exactly_the_quote_export_added(text: str) -> None:
    guarded = guard_cell(text)
    assert unguard_cell(guarded) == text
    assert not starts_formula(guarded)
    if starts_formula(text):
        assert guarded == "'" + text


@pytest.mark.parametrize("start", list(FORMULA_STARTS))
def test_each_guarded_start_is_guarded_and_unguarded(start: str) -> None:
    assert guard_cell(start + "1") == "'" + start + "1"
    assert unguard_cell("'" + start + "1") == start + "1"
    assert unguard_cell("''" + start + "1") == "'" + start + "1"


@pytest.mark.parametrize("text", ["'−1", "'plain", "' =1", "'\u200b=1"])
def test_a_quote_before_anything_else_is_text(text: str) -> None:
    assert guard_cell(text) == text and unguard_cell(text) == text


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_guarded(text: str) -> None:
    """Every stored formula comes back with one ' before it, and no cell starts a formula."""
    rows = cells(text)
    found = {cell for row in rows[1:] for cell in row}
    for value in FORMULAS:
        assert "'" + value in found, (value, rows)
        assert value not in found, (value, rows)
    assert not [cell for cell in found if starts_formula(cell)], rows


@pytest.fixture
def stored(db):  # type: ignore[no-untyped-def]
    """A locality, meeting, dialogue and petition per formula, in the formula's text fields."""
    with db.session() as s:
        add_locality(s, code="06", name="Bắc Kạn", level="province")
        for number, value in enumerate(FORMULAS, start=1):
            code = f"06{number:02}"
            add_locality(s, code=code, name=value, level="district", parent="06")
            add_meeting(s, date="2024-03-01", locality=code, kind="periodic", body="government",
                        host=value, place=value, note=value)
            add_dialogue(s, date="2024-05-02", locality=code, body="party", leader=value,
                         topic=value, outcome=value)
            petition = add_petition(s, kind="complaint", received_on="2024-03-01",
                                    locality=code, petitioner=value, subject=value)
            close_petition(s, petition.ref, outcome="resolved", verdict="upheld",
                           closed_on="2024-04-01", note=value)
    return db


@pytest.mark.backends
@pytest.mark.parametrize("args", [
    ("petition", "list"), ("meeting", "list"), ("dialogue", "list"), ("locality", "list"),
    ("report", "--year", "2024", "--locality", "06"),
], ids=lambda args: " ".join(args[:2]))
def test_every_csv_guards_formulas(cli, stored, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_guarded(result.stdout)


@pytest.mark.backends
def test_petition_show_csv_guards_formulas(cli, stored) -> None:  # type: ignore[no-untyped-def]
    for number, value in enumerate(FORMULAS, start=1):
        result = cli("petition", "show", f"P2024-{number:05}", "-f", "csv")
        assert result.exit_code == 0, result.stderr
        [header, row] = cells(result.stdout)
        record = dict(zip(header, row, strict=True))
        assert record["subject"] == record["petitioner"] == "'" + value
        assert record["note"] == "'" + value


@pytest.mark.backends
def test_numbers_are_not_text_cells(cli, stored) -> None:  # type: ignore[no-untyped-def]
    [header, *rows] = cells(cli("meeting", "list", "-f", "csv").stdout)
    assert {row[header.index("citizens")] for row in rows} == {"0"}
    report = cells(cli("report", "--year", "2024", "--locality", "06", "-f", "csv").stdout)
    assert report[1][report[0].index("received")] == str(len(FORMULAS))


@pytest.mark.backends
def test_json_and_piped_tables_stay_verbatim(cli, stored) -> None:  # type: ignore[no-untyped-def]
    assert '"subject": "＝1+1"' in cli("petition", "show", "P2024-00005", "-f", "json").stdout
    assert "＝1+1" in cli("petition", "show", "P2024-00005").stdout.split()


@pytest.mark.backends
def test_full_width_formulas_round_trip_through_export_and_import(  # type: ignore[no-untyped-def]
        cli, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as s:
        add_locality(s, code="06", name="Bắc Kạn", level="province")
        for value in FULL_WIDTH:
            add_petition(s, kind="complaint", received_on="2024-03-01", locality="06",
                         subject=value)
    first = {kind: cli("export", kind, "-f", "csv").stdout for kind in ("localities",
                                                                         "petitions")}
    exported = {cell for row in cells(first["petitions"]) for cell in row}
    assert {"'" + value for value in FULL_WIDTH} <= exported
    monkeypatch.setenv("DANTRACK_DB", str(tmp_path / "other.sqlite"))
    for kind, text in first.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert cli("import", kind, str(path)).exit_code == 0
    subjects = [row[header.index("subject")] for header, *rows in
                [cells(cli("petition", "list", "-f", "csv").stdout)] for row in rows]
    assert sorted(unguard_cell(s) for s in subjects) == sorted(FULL_WIDTH)
    assert cli("export", "petitions", "-f", "csv").stdout == first["petitions"]


# --- the terminal ---------------------------------------------------------------------------

# A window title set by OSC (click strips only CSI colour codes), a screen clear, a bell and a
# right-to-left override: each would act on the terminal if printed raw.
HOSTILE_NAME = "Xã \x1b]0;owned\x07Trần\x1b[2J\u202eúhP"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def assert_escaped(text: str) -> None:
    assert not [c for c in RAW if c in text], text
    assert "\\x1b]0;owned\\x07" in text and "\\u202e" in text


def test_visible_escapes_controls_and_bidi_but_not_text() -> None:
    assert visible("a\x1b[2Jb\x07\x7f\x9b\u202e\u2066\tc\nd") == (
        "a\\x1b[2Jb\\x07\\x7f\\x9b\\u202e\\u2066\\tc\nd")
    assert visible("Nguyễn Thị Ánh — ＝1 😀") == "Nguyễn Thị Ánh — ＝1 😀"


@pytest.mark.backends
def test_an_ambiguity_error_shows_stored_names_escaped(cli, db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        add_locality(s, code="06", name="Bắc Kạn", level="province")
        add_locality(s, code="061", name=HOSTILE_NAME, level="district", parent="06")
        add_locality(s, code="062", name=HOSTILE_NAME, level="district", parent="06")
    result = cli("petition", "list", "--locality", HOSTILE_NAME)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: locality ") and "is ambiguous" in result.stderr
    assert "061 " in result.stderr and "062 " in result.stderr
    assert_escaped(result.stderr)
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.backends
def test_a_recorded_message_shows_the_name_escaped(cli, db) -> None:  # type: ignore[no-untyped-def]
    result = cli("locality", "add", "06", HOSTILE_NAME, "--level", "province")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Recorded locality 06 ")
    assert_escaped(result.stderr)
    # The data itself is stored and given back as typed.
    assert cells(cli("locality", "list", "-f", "csv").stdout)[1][1] == HOSTILE_NAME


# --- passwords ------------------------------------------------------------------------------

# Printable text, with the characters a URL gives a meaning to made likely.
password_text = st.text(st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                                  st.sampled_from("/@:?#%&=+ ẤŨ")), max_size=12)
# Three markers no message has, around random text: a leak of any part of the password shows.
MARKERS = ("Qw1", "Qw2", "Qw3")
passwords = st.builds(lambda a, b: f"{MARKERS[0]}{a}{MARKERS[1]}{b}{MARKERS[2]}",
                      password_text, password_text)
SERVER = "127.0.0.1:1"  # nothing listens on port 1: the connection error is the message


def targets(password: str) -> list[str]:
    """The password in every place a URL can hold one: raw and percent-encoded."""
    encoded = quote(password, safe="")
    return [f"postgresql://clerk:{password}@{SERVER}/office",
            f"postgresql://clerk:{encoded}@{SERVER}/office",
            f"postgresql://clerk@{SERVER}/office?sslmode=disable&password={encoded}",
            f"postgresql://{SERVER}/office?PASSWORD={password.replace('&', '')}",
            f"postgresql://{SERVER}/office?options={quote('-c password=' + password, safe='')}"]


def leaks(text: str, password: str) -> list[str]:
    return [s for s in (*MARKERS, password, quote(password, safe="")) if s in text]


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(password=passwords)
@example(password="Qw1pa/ss@wordQw2@Qw3")
@example(password="Qw1p@a?bQw2@hQw3")
def test_no_message_shows_a_password(cli, db, tmp_path: Path, password: str) -> None:  # type: ignore[no-untyped-def]
    for target in targets(password):
        for args in (("db", "check"), ("db", "backup", str(tmp_path / "copy.sqlite")),
                     ("db", "copy", str(tmp_path / "copy.sqlite")), ("db", "upgrade"),
                     ("report", "--year", "2024")):
            result = cli("--db", target, *args)
            assert result.exit_code in (1, 4), (args, result.stderr)
            assert result.stderr.startswith("Error: ")
            assert not leaks(result.stdout + result.stderr, password), (target, result.stderr)
    copy = cli("db", "copy", targets(password)[0])  # the target of a copy, too
    assert not leaks(copy.stdout + copy.stderr, password), copy.stderr


@given(password=passwords)
@example(password="Qw1pa/ss@wordQw2@Qw3")
def test_the_driver_reads_the_url_as_it_is_shown(password: str) -> None:
    """The userinfo ends at the last @ for the connection too: the rest of a password is
    never taken for the host (whose name a connection error prints)."""
    target = targets(password)[0]
    url = db.postgres_url(db.Location(target, "test"))
    assert (url.username, url.password, url.host, url.port) == (
        "clerk", unquote(password), "127.0.0.1", 1)
    assert urls.shown(target) == f"postgresql://clerk:***@{SERVER}/office"


@pytest.mark.parametrize(("target", "expected"), [
    ("postgresql://clerk:pa/ss@word@dbhost/office", "postgresql://clerk:***@dbhost/office"),
    ("postgresql://clerk:a:b?c#d%40e@dbhost:5433/office?sslmode=require",
     "postgresql://clerk:***@dbhost:5433/office?sslmode=require"),
    ("postgresql://clerk@dbhost/office", "postgresql://clerk@dbhost/office"),
    ("postgresql://clerk@dbhost/office?application_name=a@b",
     "postgresql://clerk@dbhost/office?application_name=a@b"),
    ("postgresql://dbhost/office?sslpassword=x&Password=y",
     "postgresql://dbhost/office?sslpassword=***&Password=***"),
    ("postgresql://dbhost/office?options=-c%20password%3Dx%26y",
     "postgresql://dbhost/office?options=-c%20password%3D***"),
    ("not a scheme://clerk:secret@dbhost/office", "dbhost/office"),
    ("/home/clerk/office:2024@x.sqlite", "/home/clerk/office:2024@x.sqlite"),
])
def test_shown(target: str, expected: str) -> None:
    assert urls.shown(target) == expected
    assert db.Location(target, "test").shown == expected


def test_a_bad_argument_names_the_url_without_its_password(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", "postgresql://clerk:s3cret@dbhost/office\x00", "report", "--year", "2024")
    assert result.exit_code == 3
    assert result.stderr == ("Error: invalid --db 'postgresql://clerk:***@dbhost/office\\x00': "
                             "contains a NUL character\n")
