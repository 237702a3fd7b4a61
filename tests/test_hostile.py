"""Hostile input through the command line and the importer: Unicode of every plane, control
characters, very long text, SQL-looking text, malformed dates and numbers, broken files.

Invariants: never a traceback; the exit code SPEC gives (0 or 3 for a value, 2 for usage, 1 for
a rule); the database unchanged when a command fails; text stored verbatim when accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import TODAY as PINNED
from dantrack.readers import guard_cell

NAME_MAX, TEXT_MAX = 200, 4000
INT_MAX = 2**31 - 1

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

ADVERSARIAL = [
    "'; DROP TABLE petition; --", "Robert'); DELETE FROM petition_event; --",
    "\" OR \"1\"=\"1", "1 OR 1=1", "%", "_", "%_%", "\\", "\\x00", "NULL", "null", "None",
    "[/x]", "[bold red]đỏ[/bold red]", ":smile:", "\x1b[2J\x1b[31mred", "\u202eabc", "\ufeff",
    "\u200b", "a\u0301", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛", "\U0010ffff", "\U000e0001", "🇻🇳👨‍👩‍👧", "\r\n",
    "\t", " ", "-", "--help", "=1+2", "@SUM(A1)", "${HOME}", "$(reboot)", "`id`",
    "＝1+2", "＠SUM(A1)", "'＋84", "－1", "﹣1",
    "Nguyễn Thị Ánh Tuyết", "ĐƯỜNG", "x" * NAME_MAX, "x" * (NAME_MAX + 1), "y" * TEXT_MAX,
    "y" * (TEXT_MAX + 1), "\x00", "a\x00b",
]

any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",))
control = st.characters(min_codepoint=0, max_codepoint=0x9F).filter(
    lambda c: ord(c) < 0x20 or ord(c) >= 0x7F)
hostile_text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.one_of(control, st.sampled_from("'\"%_;\\[]/-=")), max_size=20),
    st.sampled_from(ADVERSARIAL),
    st.builds(lambda n, c: c * n, st.sampled_from([NAME_MAX - 1, NAME_MAX, NAME_MAX + 1,
                                                   TEXT_MAX, TEXT_MAX + 1, 20_000]),
              st.sampled_from(["x", "Ấ", "😀", "\U00020000"])),
)


def dump(db_path: Path) -> list[str]:
    connection = sqlite3.connect(db_path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def no_traceback(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def refused(result, code: int, before: list[str], db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Failed with `code`, said so in a short error, wrote no data and changed nothing."""
    no_traceback(result)
    assert result.exit_code == code, (code, result.exit_code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error:") or result.stderr.startswith("Usage:")
    assert len(result.stderr) < 1_000
    assert dump(db_path) == before


def show(cli, ref: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("petition", "show", "--format", "json", "--reveal", "--", ref)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def last_ref(result) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"[PMD]\d{4}-\d{5}", result.stderr)[0]


# Unicode's White_Space: trimmed from the ends of a ref, refused inside one.
SPACES = ("\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
          + "\u2028\u2029\u202f\u205f\u3000")
WHITE_SPACE = re.compile(f"[{SPACES}]")


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def storable(text: str, limit: int) -> bool:
    return len(text) <= limit and "\x00" not in text


BASE = ("petition", "add", "--kind", "complaint", "--received-on", "2024-03-01",
        "--locality", "01864")


TODAY = dt.date.fromisoformat(PINNED)  # the day every test runs on (conftest)


# --- text fields ---------------------------------------------------------------------------


@SETTINGS
@given(field=st.sampled_from([("petitioner", NAME_MAX), ("address", NAME_MAX),
                              ("subject", TEXT_MAX)]),
       value=hostile_text, kind=st.sampled_from(["complaint", "tố cáo"]))
@example(field=("subject", TEXT_MAX), value="'; DROP TABLE petition; --", kind="complaint")
def test_petition_text_is_stored_verbatim_or_refused(cli, tree, db_path, field, value,
                                                     kind) -> None:
    name, limit = field
    before = dump(db_path)
    args = ["petition", "add", "--kind", kind, "--received-on", "2024-03-01",
            "--locality", "01864", f"--{name.replace('_', '-')}={value}"]
    if name != "subject":
        args.append("--subject=Đất")
    result = cli(*args)
    if name == "subject" and value == "":
        refused(result, 2, before, db_path)  # a required option left empty
        return
    if not storable(value, limit):
        refused(result, 3, before, db_path)
        assert f"{name}" in result.stderr
        if kind == "tố cáo" and name != "subject" and value.strip():
            assert value[:20] not in result.stderr  # a denouncer's identity is never echoed
        return
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert show(cli, last_ref(result))[name] == value


MEETING = ("meeting", "add", "--date", "2024-03-15", "--locality", "061", "--kind", "regular",
           "--body", "government")
DIALOGUE = ("dialogue", "add", "--date", "2024-03-15", "--locality", "061", "--body", "party")


@SETTINGS
@given(target=st.sampled_from([
    (MEETING, "host", NAME_MAX), (MEETING, "host-title", NAME_MAX), (MEETING, "place", NAME_MAX),
    (MEETING, "note", TEXT_MAX), (DIALOGUE, "leader", NAME_MAX),
    (DIALOGUE, "leader-title", NAME_MAX), (DIALOGUE, "topic", TEXT_MAX),
    (DIALOGUE, "outcome", TEXT_MAX)]), value=hostile_text)
def test_meeting_and_dialogue_text_is_stored_verbatim_or_refused(cli, tree, db_path, target,
                                                                 value) -> None:
    command, option, limit = target
    before = dump(db_path)
    result = cli(*command, f"--{option}={value}")
    if not storable(value, limit):
        refused(result, 3, before, db_path)
        return
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    group = command[0]
    shown = cli(group, "show", last_ref(result), "--format", "json")
    assert json.loads(shown.stdout)[option.replace("-", "_")] == value


@settings(SETTINGS, max_examples=25)
@given(name=hostile_text)
def test_locality_names_are_stored_verbatim_or_refused(cli, tree, db_path, name) -> None:
    before = dump(db_path)
    code = f"T{len(before)}"
    result = cli("locality", "add", "--level", "village", "--parent", "01864", "--", code,
                 name)
    if not storable(name, NAME_MAX) or not name.strip():
        refused(result, 3, before, db_path)
        return
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("locality", "show", code, "--format", "json").stdout)
    assert (shown["name"], shown["parent"]) == (name, "01864")


@settings(SETTINGS, max_examples=25)
@given(note=hostile_text, reason=hostile_text)
def test_close_note_and_reopen_reason(cli, tree, db_path, note, reason) -> None:
    ref = "P2024-00001"
    if cli("petition", "show", ref).exit_code != 0:
        assert cli(*BASE, "--subject=x").exit_code == 0
    if show(cli, ref)["closed_on"]:  # left closed by an example before
        assert cli("petition", "reopen", ref, "--reason=again").exit_code == 0
    before = dump(db_path)
    result = cli("petition", "close", ref, "--outcome", "resolved", "--on", "2024-03-05",
                 f"--note={note}")
    if not storable(note, TEXT_MAX):
        refused(result, 3, before, db_path)
        return
    assert result.exit_code == 0, result.stderr
    assert show(cli, ref)["note"] == note
    before = dump(db_path)
    result = cli("petition", "reopen", ref, f"--reason={reason}")
    if reason == "":
        refused(result, 2, before, db_path)  # a required option left empty
    elif not storable(reason, TEXT_MAX) or not reason.strip():
        refused(result, 3, before, db_path)
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, ref)["history"][-1]["changes"]["reason"] == reason


# --- dates and numbers ---------------------------------------------------------------------


def expected_date(text: str, *, record: bool = True) -> dt.date | None:
    """The rule SPEC gives, written out independently: YYYY-MM-DD or DD/MM/YYYY in ASCII
    digits, a real calendar day — for a record's date, in the years 1900–2999."""
    text = text.strip()
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if not record or 1900 <= value.year <= 2999 else None


numberish = st.integers(-99_999, 99_999).map(str)
date_text = st.one_of(
    st.dates().map(lambda d: d.isoformat() if d.year >= 1000 else f"{d.year:04d}-01-01"),
    st.dates(dt.date(1000, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.builds(lambda y, m, d, sep: sep.join([y, m, d]) if sep == "-" else "/".join([d, m, y]),
              numberish, numberish, numberish, st.sampled_from(["-", "/"])),
    st.sampled_from(["2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "31/04/2024",
                     "0000-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2999-12-31",
                     "3000-01-01", " 2024-03-01 ", "2024-3-1", "1/3/2024", "2024/03/01",
                     "01-03-2024", "٢٠٢٤-٠٣-٠١", "２０２４-０３-０１", "2024-03-01T00:00",
                     "20240301", "yesterday", "", " "]),
    hostile_text,
)


@SETTINGS
@given(value=date_text, option=st.sampled_from(["received-on", "accepted-on"]))
def test_petition_dates(cli, tree, db_path, value, option) -> None:
    before = dump(db_path)
    received_on = value if option == "received-on" else "2024-03-01"
    args = ["petition", "add", "--kind", "complaint", f"--received-on={received_on}",
            "--locality", "01864", "--subject=x"]
    if option == "accepted-on":
        args.append(f"--accepted-on={value}")
    result = cli(*args)
    no_traceback(result)
    parsed = expected_date(value)
    received = parsed if option == "received-on" else dt.date(2024, 3, 1)
    if option == "received-on" and value == "":
        refused(result, 2, before, db_path)  # a required option left empty
    elif parsed is None or parsed > TODAY:  # not a date, or one that has not come yet
        refused(result, 3, before, db_path)
    elif option == "accepted-on" and parsed < received:
        refused(result, 3, before, db_path)
        assert "before received_on" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        shown = show(cli, last_ref(result))
        assert shown[option.replace("-", "_")] == parsed.isoformat()
        assert shown["ref"].startswith(f"P{received.year}-")


@settings(SETTINGS, max_examples=30)
@given(value=date_text)
def test_close_and_report_dates(cli, tree, db_path, value) -> None:
    if cli("petition", "show", "P2024-00001").exit_code != 0:
        assert cli(*BASE, "--subject=x").exit_code == 0
    before = dump(db_path)
    closed_on = dt.date(2024, 12, 31) if value == "" else expected_date(value)  # "": today
    result = cli("petition", "close", "P2024-00001", "--outcome", "dismissed", f"--on={value}")
    if closed_on is None or closed_on > TODAY:
        refused(result, 3, before, db_path)
    elif closed_on < dt.date(2024, 3, 1):
        refused(result, 3, before, db_path)
        assert "before received_on" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, "P2024-00001")["closed_on"] == closed_on.isoformat()
        assert cli("petition", "reopen", "P2024-00001", "--reason=x").exit_code == 0
    report = cli("report", f"--from={value}", "--to=2999-12-31", "--format", "json")
    no_traceback(report)
    parsed = expected_date(value, record=False)  # a report may span any years
    if value == "":
        assert report.exit_code == 2, report.stderr  # --to without --from
    elif parsed is None or parsed > dt.date(2999, 12, 31):  # not a date, or after --to
        assert report.exit_code == 3, report.stderr
    else:
        assert report.exit_code == 0, report.stderr
        assert json.loads(report.stdout)["period"]["from"] == parsed.isoformat()


def expected_int(text: str) -> int | None:
    """A whole number as the command line reads one (pydantic's lax rules: spaces, a sign,
    underscores, a zero fraction), or None."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(int).validate_python(text)
    except ValidationError:
        return None


integer_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "1", "-1", str(INT_MAX), str(INT_MAX + 1), str(2**63),
                     str(2**63 - 1), "1e3", "1.5", "0x10", "+7", " 7 ", "7_000", "٣",
                     "NaN", "inf", "", "9" * 400]),
    hostile_text,
)


@SETTINGS
@given(value=integer_text)
def test_petition_signatories(cli, tree, db_path, value) -> None:
    before = dump(db_path)
    result = cli(*BASE, "--subject=x", f"--signatories={value}")
    number = expected_int(value)
    if number is None:
        refused(result, 2, before, db_path)  # not a number: the command line's own check
    elif not 1 <= number <= INT_MAX:
        refused(result, 3, before, db_path)
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, last_ref(result))["signatories"] == number


@SETTINGS
@given(citizens=integer_text, delegations=st.integers(-(2**65), 2**65).map(str))
def test_meeting_counts(cli, tree, db_path, citizens, delegations) -> None:
    before = dump(db_path)
    result = cli(*MEETING, f"--citizens={citizens}", f"--delegations={delegations}")
    numbers = [expected_int(citizens), expected_int(delegations)]
    if None in numbers:
        refused(result, 2, before, db_path)
    elif not all(0 <= n <= INT_MAX for n in numbers):
        refused(result, 3, before, db_path)
    else:
        assert result.exit_code == 0, result.stderr
        shown = json.loads(cli("meeting", "show", last_ref(result), "--format", "json").stdout)
        assert [shown["citizens"], shown["delegations"]] == numbers


@SETTINGS
@given(ref=st.one_of(hostile_text, st.builds("P{}-{}".format, st.integers(0, 99999),
                                             st.integers(0, 10**30))))
def test_explicit_refs(cli, tree, db_path, ref) -> None:
    before = dump(db_path)
    result = cli(*BASE, "--subject=x", f"--ref={ref}")
    no_traceback(result)
    stripped = ref.strip(SPACES)
    if not ref.strip() and "\x00" not in ref:  # no ref given: one is generated
        assert result.exit_code == 0, result.stderr
        assert re.fullmatch(r"Recorded petition P2024-\d{5} \(due 2024-03-31\)\n",
                            result.stderr)
    elif (not stripped or len(stripped) > 50 or WHITE_SPACE.search(stripped)
          or CONTROL.search(stripped)):
        refused(result, 3, before, db_path)
    elif not re.fullmatch(r"[!-~]{1,50}", normalised := unicodedata.normalize(
            "NFKC", stripped).strip()):  # invisible or look-alike characters
        refused(result, 3, before, db_path)
        assert "printable ASCII" in result.stderr or "longer than" in result.stderr
    elif result.exit_code == 1:  # taken already
        refused(result, 1, before, db_path)
        assert "exists already" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert show(cli, stripped)["ref"] == normalised
        # whatever was claimed, a generated ref still works afterwards
        after = cli(*BASE, "--subject=y")
        assert after.exit_code == 0, after.stderr


@SETTINGS
@given(id_number=hostile_text | st.text("0123456789 .", max_size=16),
       phone=hostile_text | st.text("+0123456789 .-()", max_size=16),
       kind=st.sampled_from(["complaint", "denunciation"]))
def test_id_numbers_and_phones(cli, tree, db_path, id_number, phone, kind) -> None:
    before = dump(db_path)
    result = cli("petition", "add", "--kind", kind, "--received-on", "2024-03-01",
                 "--locality", "01864", "--subject=x", f"--id-number={id_number}",
                 f"--phone={phone}")
    no_traceback(result)
    if result.exit_code == 0:
        shown = show(cli, last_ref(result))
        assert re.fullmatch(r"([0-9]{9}|[0-9]{12})?", shown["id_number"])
        assert re.fullmatch(r"(0[35789][0-9]{8}|02[0-9]{9})?", shown["phone"])
        assert (shown["id_number"] == "") == (id_number.strip() == "")
    else:
        refused(result, 3, before, db_path)
        if kind == "denunciation":  # a denouncer's identity is never echoed
            for secret in (id_number, phone):
                if len(secret.strip()) > 3:
                    assert secret not in result.stderr


# --- lookups and filters -------------------------------------------------------------------


@settings(SETTINGS, max_examples=15)
@given(text=hostile_text)
@example(text="😀" * 20_000)  # a LIKE pattern past SQLite's limit
def test_lookups_never_break(cli, tree, db_path, text) -> None:
    if cli("petition", "show", "P2024-00001").exit_code != 0:
        assert cli(*BASE, "--subject=Tranh chấp", "--petitioner=Lò Văn Pọm").exit_code == 0
    before = dump(db_path)
    has_nul = "\x00" in text
    for args in (("petition", "show", "--", text), ("meeting", "show", "--", text),
                 ("dialogue", "show", "--", text), ("locality", "show", "--", text),
                 ("petition", "close", "--outcome", "resolved", "--", text),
                 ("petition", "reopen", "--reason", "x", "--", text),
                 ("petition", "edit", "--subject", "y", "--", text)):
        result = cli(*args)
        no_traceback(result)
        if text.strip() in ("P2024-00001", "06", "061", "01864"):
            continue
        assert result.exit_code == (3 if has_nul else 1), (args, result.stderr)
        assert result.stdout == "" and dump(db_path) == before
    for args in (("petition", "list", f"--search={text}", "--format", "json"),
                 ("petition", "list", f"--locality={text}"),
                 ("meeting", "list", f"--locality={text}"),
                 ("report", "--year", "2024", f"--locality={text}", "--format", "json"),
                 ("report", f"--quarter={text}"), ("report", "--year", "2024", f"--body={text}"),
                 ("petition", "list", f"--kind={text}")):
        result = cli(*args)
        no_traceback(result)
        allowed = (3,) if has_nul else (0, 1, 2, 3) if text == "" else (0, 1, 3)
        assert result.exit_code in allowed, (args, result.stderr)  # "": no period at all
        if result.exit_code:
            assert result.stdout == "" and result.stderr.startswith(("Error: ", "Usage: "))
    search = cli("petition", "list", f"--search={text}", "--format", "json")
    if search.exit_code == 0:
        assert len(json.loads(search.stdout)) <= 1
    else:  # NUL, or a search longer than any subject
        assert search.exit_code == 3 and (has_nul or len(text) > TEXT_MAX), search.stderr
    assert dump(db_path) == before


def test_search_treats_like_wildcards_as_text(cli, tree) -> None:
    assert cli(*BASE, "--subject=Đất đai").exit_code == 0
    for text in ("%", "_", "%_%", "\\", "'"):
        result = cli("petition", "list", f"--search={text}", "--format", "json")
        assert result.exit_code == 0 and json.loads(result.stdout) == [], text


@pytest.mark.parametrize("option", ["--subject", "--petitioner", "--locality", "--kind"])
def test_bytes_that_are_not_utf8_exit_3(cli, tree, db_path, option) -> None:
    # What Python makes of `dantrack petition add --subject $'\xff'` typed in a non-UTF-8
    # terminal: a lone surrogate, which no database can store.
    before = dump(db_path)
    args = dict(zip(BASE[2::2], BASE[3::2], strict=True)) | {"--subject": "x"}
    args[option] = "Đ\udcff"
    result = cli("petition", "add", *[part for pair in args.items() for part in pair])
    refused(result, 3, before, db_path)
    assert result.stderr.startswith(f"Error: invalid {option}")
    assert "is not valid UTF-8 text" in result.stderr
    for args2 in (("petition", "show", "P\udcff"), ("petition", "list", "--search", "\udcff"),
                  ("report", "--year", "2024", "--locality", "\udcff")):
        result = cli(*args2)
        refused(result, 3, before, db_path)


def test_markup_and_escapes_in_a_terminal_table_are_shown_as_text(cli, tree, monkeypatch) -> None:
    from dantrack import output

    subject = "[/x] [bold]đậm[/bold] :smile: \x1b[2Jgone"
    assert cli(*BASE, f"--subject={subject}").exit_code == 0
    monkeypatch.setattr(output, "is_terminal", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "400")
    for args in (("petition", "list"), ("petition", "show", "P2024-00001")):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        text = result.stdout
        assert "[/x] [bold]đậm[/bold] :smile:" in text  # no markup, no emoji codes run
        assert "\x1b[2J" not in text  # a control sequence cannot reach the terminal


# --- the importer --------------------------------------------------------------------------

COLUMNS = ["kind", "received_on", "locality", "subject", "petitioner", "signatories"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


@SETTINGS
@given(subject=hostile_text, petitioner=hostile_text,
       signatories=st.one_of(st.integers(-(2**40), 2**40).map(str),
                             st.sampled_from(["", "0", str(INT_MAX), str(INT_MAX + 1), "abc",
                                              "1.5"])),
       fmt=st.sampled_from(["csv", "jsonl", "json"]))
def test_import_stores_verbatim_or_refuses_everything(cli, tree, db_path, tmp_path_factory,
                                                      subject, petitioner, signatories,
                                                      fmt) -> None:
    folder = tmp_path_factory.mktemp("import")
    good = ["complaint", "2024-03-01", "01864", "first row", "", "1"]
    hostile = ["complaint", "2024-03-02", "01864", subject, petitioner, signatories]
    if fmt == "csv":
        source = write_csv(folder / "rows.csv", [good, hostile])
    else:
        items = [dict(zip(COLUMNS, row, strict=True)) for row in (good, hostile)]
        text = ("\n".join(json.dumps(i) for i in items) + "\n" if fmt == "jsonl"
                else json.dumps(items))
        source = folder / f"rows.{fmt}"
        source.write_text(text, encoding="utf-8")
    before = dump(db_path)
    result = cli("import", "petitions", str(source))
    no_traceback(result)
    number = expected_int(signatories) if signatories else 1  # empty: the default
    valid = (storable(subject, TEXT_MAX) and storable(petitioner, NAME_MAX)
             and number is not None and 1 <= number <= INT_MAX)
    if not valid:
        assert result.exit_code == 3, result.stderr
        assert dump(db_path) == before  # all or nothing: the good first row is not there
        assert "nothing was imported" in result.stderr or result.stderr.count("\n") == 1
        return
    assert result.exit_code == 0, result.stderr
    connection = sqlite3.connect(db_path)
    [(ref,)] = connection.execute("SELECT ref FROM petition ORDER BY id DESC LIMIT 1")
    connection.close()
    shown = show(cli, ref)
    # CSV and JSON cannot tell an empty cell from a missing one: both mean the default.
    assert shown["subject"] == subject and shown["petitioner"] == petitioner
    assert shown["signatories"] == number


BROKEN_FILES = [
    pytest.param("broken.csv", b'kind,received_on,locality,subject\ncomplaint,2024-01-01,01864,'
                 b'"unterminated\n', "line 2", id="csv-broken-quoting"),
    pytest.param("stray.csv", b'kind,received_on,locality,subject\ncomplaint,2024-01-01,01864,'
                 b'"quoted"and then not\n', "line 2", id="csv-text-after-quotes"),
    pytest.param("truncated.json", b'[{"kind": "complaint", "received_on": "2024-01-01", '
                 b'"locality": "01864", "subject": "x"}, {"kind": "compl', "truncated",
                 id="json-truncated"),
    pytest.param("not-array.json", b'{"kind": "complaint"}', "JSON array", id="json-object"),
    pytest.param("bad.jsonl", b'{"kind": "complaint", "received_on": "2024-01-01", '
                 b'"locality": "01864"}\n{"kind": \n', "line 2", id="jsonl-broken-line"),
    pytest.param("utf16.csv", "kind,received_on,locality,subject\ncomplaint,2024-01-01,01864,"
                 "Đất\n".encode("utf-16"), "UTF-8", id="utf-16"),
    pytest.param("cp1258.csv", b"kind,received_on,locality,subject\ncomplaint,2024-01-01,"
                 b"01864,\xd0\xe2\xect \xf0ai\n", "UTF-8", id="windows-1258"),
    pytest.param("empty.csv", b"", "empty", id="empty-csv"),
    pytest.param("empty.json", b"", "empty", id="empty-json"),
    pytest.param("blank.json", b"  \n", "empty", id="blank-json"),
    pytest.param("missing.csv", b"kind,received_on,subject\ncomplaint,2024-01-01,x\n",
                 "locality", id="missing-column"),
    pytest.param("twice.csv", b"kind,received_on,locality,subject,subject\n"
                 b"complaint,2024-01-01,01864,x,y\n", "subject", id="duplicated-column"),
    pytest.param("unknown.csv", b"kind,received_on,locality,subject,secret\n"
                 b"complaint,2024-01-01,01864,x,y\n", "secret", id="unknown-column"),
    pytest.param("short.csv", b"kind,received_on,locality,subject\ncomplaint,2024-01-01\n",
                 "line 2", id="short-row"),
    pytest.param("nul.jsonl", b'{"kind": "complaint", "received_on": "2024-01-01", '
                 b'"locality": "01864", "subject": "a\\u0000b"}\n', "NUL", id="nul"),
    pytest.param("types.json", b'[{"kind": "complaint", "received_on": "2024-01-01", '
                 b'"locality": "01864", "subject": ["x"], "signatories": 1e400}]', "item 1",
                 id="json-types"),
]


@pytest.mark.parametrize(("name", "content", "mentioned"), BROKEN_FILES)
def test_broken_files_are_refused_whole(cli, tree, db_path, tmp_path, name, content,
                                        mentioned) -> None:
    good = tmp_path / "good.csv"
    good.write_text("kind,received_on,locality,subject\ncomplaint,2024-01-01,01864,ok\n",
                    encoding="utf-8")
    source = tmp_path / name
    source.write_bytes(content)
    before = dump(db_path)
    result = cli("import", "petitions", str(source))
    refused(result, 3, before, db_path)
    assert mentioned in result.stderr
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 5 and all(len(line) < 300 for line in lines)
    # the same command on a good file works: the refusal came from the file
    assert cli("import", "petitions", str(good)).exit_code == 0


def test_an_empty_json_lines_file_imports_nothing(cli, tree, db_path, tmp_path) -> None:
    source = tmp_path / "empty.jsonl"
    source.write_bytes(b"")
    before = dump(db_path)
    result = cli("import", "petitions", str(source))
    assert result.exit_code == 0, result.stderr
    assert "0 inserted" in result.stderr
    assert dump(db_path) == before


# --- the environment -----------------------------------------------------------------------


def test_an_operator_name_that_is_not_utf8_is_kept_escaped(cli, tree, db_path,
                                                           monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_OPERATOR", "L\udcffý")  # the bytes 'L', 0xff, 'ý'
    assert cli(*BASE, "--subject=x").exit_code == 0
    assert show(cli, "P2024-00001")["history"][0]["operator"] == "L\\xffý"


def test_environment_values_that_cannot_be_used_exit_with_a_message(cli, tree, db_path,
                                                                     monkeypatch) -> None:
    before = dump(db_path)
    monkeypatch.setenv("DANTRACK_OPERATOR", "x" * 201)
    refused(cli(*BASE, "--subject=x"), 3, before, db_path)
    monkeypatch.setenv("DANTRACK_OPERATOR", "x" * 200)
    monkeypatch.setenv("DANTRACK_TODAY", "31/12/2024")
    result = cli("petition", "list", "--status", "overdue")
    refused(result, 3, before, db_path)
    assert result.stderr == "Error: DANTRACK_TODAY must be a date YYYY-MM-DD, not '31/12/2024'\n"
