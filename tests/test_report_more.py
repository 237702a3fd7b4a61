"""What officials read beyond SPEC §2's first figures (issue 14 item 5): resolved cases by
verdict, meetings by kind and body, the on-time rate, the same period a year earlier, the CSV
by kind with its period, and a table that fits 100 columns. Hand-counted on crafted data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from dantrack import output
from dantrack.reporting import Period, a_year_earlier, build_report, change_between, year_period
from dantrack.services.localities import add_locality
from dantrack.services.meetings import add_meeting
from dantrack.services.petitions import add_petition, close_petition

pytestmark = pytest.mark.backends

# ref: (kind, received, locality, closure (outcome, date, verdict) or None). Deadlines: 30
# days for complaints and denunciations, 10 working days for recommendations.
CASES = {
    "C1": ("complaint", "2024-03-01", "01864", ("resolved", "2024-03-20", "upheld")),
    "C2": ("complaint", "2024-03-01", "01966", ("resolved", "2024-05-01", "rejected")),  # late
    "C3": ("complaint", "2024-04-01", "01864", ("resolved", "2024-04-10", "partly_upheld")),
    "C4": ("complaint", "2024-04-01", "01864", ("withdrawn", "2024-04-05", None)),
    "C5": ("complaint", "2024-05-01", "01966", ("resolved", "2024-05-10", None)),
    "D1": ("denunciation", "2024-02-01", "01966", ("resolved", "2024-02-20", "founded")),
    "D2": ("denunciation", "2024-02-01", "01864", ("resolved", "2024-04-15", "unfounded")),
    "R1": ("recommendation", "2024-06-03", "01864", ("resolved", "2024-06-05", None)),
    # 2023: the year before.
    "C0": ("complaint", "2023-05-02", "01864", ("resolved", "2023-05-20", "upheld")),
    "D0": ("denunciation", "2023-06-01", "01966", ("resolved", "2023-06-10", "partly_founded")),
    "R0": ("recommendation", "2023-07-03", "01864", None),  # open: carried over into 2024
}
# (date, locality, kind, body, citizens, delegations)
MEETINGS = [
    ("2024-03-15", "01864", "periodic", "government", 4, 1),
    ("2024-06-01", "01966", "regular", "party", 2, 0),
    ("2024-07-01", "01966", "unscheduled", "government", 5, 0),
    ("2024-08-01", "064", "regular", "front", 1, 0),
    ("2023-05-01", "01864", "regular", "government", 7, 0),
]


@pytest.fixture
def register(db, tree):  # type: ignore[no-untyped-def]
    with db.session() as s:
        for ref, (kind, received, where, closure) in CASES.items():
            add_petition(s, ref=ref, kind=kind, received_on=received, locality=where,
                         subject=f"case {ref}")
            if closure:
                close_petition(s, ref, outcome=closure[0], closed_on=closure[1],
                               verdict=closure[2])
        for date, where, kind, body, citizens, delegations in MEETINGS:
            add_meeting(s, date=date, locality=where, kind=kind, body=body, citizens=citizens,
                        delegations=delegations)
    return db


def report(cli, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = cli("report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


VERDICTS_2024 = {"upheld": 1, "partly_upheld": 1, "rejected": 1, "founded": 1,
                 "partly_founded": 0, "unfounded": 1}


def test_resolved_cases_by_verdict_and_the_on_time_rate(cli, register) -> None:  # type: ignore[no-untyped-def]
    petitions = report(cli, "--year", "2024", "--locality", "06")["petitions"]
    assert (petitions["due"], petitions["resolved"], petitions["on_time"]) == (9, 8, 6)
    assert petitions["on_time_rate"] == 75.0  # C1 C3 C4 C5 D1 R1 of the 8 resolved
    assert petitions["verdicts"] == VERDICTS_2024
    by_kind = petitions["by_kind"]
    assert by_kind["complaint"]["verdicts"] == {"upheld": 1, "partly_upheld": 1, "rejected": 1}
    assert by_kind["denunciation"]["verdicts"] == {"founded": 1, "partly_founded": 0,
                                                   "unfounded": 1}
    assert by_kind["recommendation"]["verdicts"] == by_kind["reflection"]["verdicts"] == {}
    assert [by_kind[k]["on_time_rate"] for k in by_kind] == [80.0, 50.0, 100.0, None]


def test_verdicts_roll_up_to_the_children(cli, register) -> None:  # type: ignore[no-untyped-def]
    d1, d2 = report(cli, "--year", "2024", "--locality", "06")["by_locality"]
    assert d1["petitions"]["verdicts"] == {**dict.fromkeys(VERDICTS_2024, 0), "upheld": 1,
                                           "partly_upheld": 1, "unfounded": 1}
    assert d2["petitions"]["verdicts"] == {**dict.fromkeys(VERDICTS_2024, 0), "rejected": 1,
                                           "founded": 1}
    assert d2["petitions"]["on_time_rate"] == 66.7  # C5 and D1 of C2 C5 D1


def test_meetings_by_kind_and_by_body(cli, register) -> None:  # type: ignore[no-untyped-def]
    data = report(cli, "--year", "2024", "--locality", "06")
    meetings = data["meetings"]
    assert (meetings["count"], meetings["citizens"], meetings["delegations"]) == (4, 12, 1)
    assert meetings["by_kind"] == {
        "regular": {"count": 2, "citizens": 3, "delegations": 0},
        "periodic": {"count": 1, "citizens": 4, "delegations": 1},
        "unscheduled": {"count": 1, "citizens": 5, "delegations": 0}}
    assert meetings["by_body"] == {
        "party": {"count": 1, "citizens": 2, "delegations": 0},
        "government": {"count": 2, "citizens": 9, "delegations": 1},
        "front": {"count": 1, "citizens": 1, "delegations": 0},
        "other": {"count": 0, "citizens": 0, "delegations": 0}}
    d1, d2 = data["by_locality"]
    assert {k: v["count"] for k, v in d1["meetings"]["by_kind"].items()} == {
        "regular": 0, "periodic": 1, "unscheduled": 0}
    assert {k: v["count"] for k, v in d2["meetings"]["by_body"].items()} == {
        "party": 1, "government": 1, "front": 1, "other": 0}
    party = report(cli, "--year", "2024", "--body", "party")["meetings"]
    assert party["count"] == 1 and party["by_body"]["government"]["count"] == 0


def test_compare_gives_the_year_before_and_the_change(cli, register) -> None:  # type: ignore[no-untyped-def]
    data = report(cli, "--year", "2024", "--locality", "06", "--compare")
    plain = report(cli, "--year", "2024", "--locality", "06")
    assert list(data) == [*plain, "compare"]
    assert {k: v for k, v in data.items() if k != "compare"} == plain
    compare = data["compare"]
    assert list(compare) == ["period", "meetings", "dialogues", "petitions", "change"]
    assert compare["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    then = compare["petitions"]
    assert (then["received"], then["due"], then["resolved"], then["resolution_rate"],
            then["on_time_rate"], then["open_at_end"], then["overdue_at_end"]) == (
        3, 3, 2, 66.7, 100.0, 1, 1)
    assert then["verdicts"] == {**dict.fromkeys(VERDICTS_2024, 0), "upheld": 1,
                                "partly_founded": 1}
    change = compare["change"]
    assert (change["petitions"]["received"], change["petitions"]["due"],
            change["petitions"]["resolved"]) == (5, 6, 6)
    assert change["petitions"]["resolution_rate"] == 22.2  # 88.9 − 66.7, exactly
    assert change["petitions"]["on_time_rate"] == -25.0
    assert change["petitions"]["verdicts"] == {"upheld": 0, "partly_upheld": 1, "rejected": 1,
                                               "founded": 1, "partly_founded": -1,
                                               "unfounded": 1}
    assert change["petitions"]["by_kind"]["reflection"]["resolution_rate"] is None
    assert change["meetings"]["count"] == 3 and compare["meetings"]["count"] == 1
    assert change["meetings"]["by_kind"]["regular"]["citizens"] == 3 - 7
    assert change["dialogues"] == {"count": 0, "citizens": 0}


def test_compare_follows_any_period_kind(cli, register) -> None:  # type: ignore[no-untyped-def]
    quarter = report(cli, "--quarter", "2024-Q2", "--compare")["compare"]
    assert quarter["period"] == {"from": "2023-04-01", "to": "2023-06-30"}
    assert quarter["petitions"]["received"] == 2  # C0, D0
    leap = report(cli, "--from", "2024-02-01", "--to", "2024-02-29", "--compare")["compare"]
    assert leap["period"] == {"from": "2023-02-01", "to": "2023-02-28"}
    assert a_year_earlier(Period(dt.date(2024, 2, 29), dt.date(2024, 3, 1))) == Period(
        dt.date(2023, 2, 28), dt.date(2023, 3, 1))


def test_the_change_of_rates_is_exact_and_null_when_a_rate_is() -> None:
    assert change_between({"r": 88.9, "n": 3}, {"r": 66.7, "n": 5}) == {"r": 22.2, "n": -2}
    assert change_between({"r": None}, {"r": 50.0}) == {"r": None}
    assert change_between({"r": 0.3}, {"r": 0.1}) == {"r": 0.2}


def test_the_whole_tree_is_counted_without_a_locality_filter(db, register) -> None:  # type: ignore[no-untyped-def]
    """A second root makes the report without --locality the whole tree: its figures are the
    sum of each root's, though its query names no locality."""
    with db.session() as s:
        add_locality(s, code="08", name="Tuyên Quang", level="province")
        add_petition(s, ref="T1", kind="complaint", received_on="2024-09-02", locality="08",
                     subject="case T1")
        close_petition(s, "T1", outcome="resolved", closed_on="2024-09-10", verdict="upheld")
        whole = build_report(s, period=year_period(2024)).as_dict()
        roots = [build_report(s, period=year_period(2024), locality=code).as_dict()
                 for code in ("06", "08")]
    assert whole["locality"] == {"code": None, "name": "All localities"}
    assert [e["locality"]["code"] for e in whole["by_locality"]] == ["06", "08"]
    assert whole["petitions"]["verdicts"]["upheld"] == 2
    for name in ("received", "due", "resolved", "on_time", "open_at_end"):
        assert whole["petitions"][name] == sum(r["petitions"][name] for r in roots), name
    assert [e["petitions"] for e in whole["by_locality"]] == [r["petitions"] for r in roots]
    assert whole["meetings"]["count"] == 4


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(cli, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = cli("report", *args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_csv_carries_the_period_and_rows_by_kind(cli, register) -> None:  # type: ignore[no-untyped-def]
    rows = csv_rows(cli, "--year", "2024", "--locality", "06")
    header = list(rows[0])
    assert header[:7] == ["code", "name", "meetings", "meeting_citizens", "delegations",
                          "dialogues", "dialogue_citizens"]
    assert header[-3:] == ["kind", "from", "to"]
    assert [(r["code"], r["kind"]) for r in rows] == [
        ("06", "all"), ("061", "all"), ("064", "all"),
        *[(code, kind) for code in ("06", "061", "064")
          for kind in ("complaint", "denunciation", "recommendation", "reflection")]]
    assert {(r["from"], r["to"]) for r in rows} == {("2024-01-01", "2024-12-31")}
    total, complaint = rows[0], rows[3]
    assert (total["received"], total["on_time_rate"], total["upheld"], total["unfounded"],
            total["meetings_regular"], total["meetings_government"]) == (
        "8", "75.0", "1", "1", "2", "2")
    assert (complaint["received"], complaint["on_time_rate"], complaint["rejected"]) == (
        "5", "80.0", "1")
    # A kind has no meetings, nor the verdicts of another kind: empty cells, not zeros.
    assert complaint["meetings"] == complaint["founded"] == complaint["meetings_party"] == ""


def test_csv_with_compare_adds_the_earlier_rows(cli, register) -> None:  # type: ignore[no-untyped-def]
    rows = csv_rows(cli, "--year", "2024", "--locality", "06", "--compare")
    earlier = [r for r in rows if r["from"] == "2023-01-01"]
    assert [(r["code"], r["kind"], r["to"]) for r in earlier] == [
        ("06", kind, "2023-12-31") for kind in
        ("all", "complaint", "denunciation", "recommendation", "reflection")]
    assert (earlier[0]["received"], earlier[0]["resolution_rate"], earlier[0]["meetings"]) == (
        "3", "66.7", "1")
    assert len(rows) == 15 + 5


# --- tables --------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal 100 columns wide: Rich draws the tables and takes its width from COLUMNS."""
    monkeypatch.setattr(output, "is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.mark.parametrize("extra", [[], ["--compare"]])
def test_the_table_fits_100_columns(cli, register, terminal, extra) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--year", "2024", "--locality", "06", *extra)
    assert result.exit_code == 0, result.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # bold and italic are no width
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    for block in ("Meetings by kind", "Meetings by body", "Petitions by kind", "By locality"):
        assert block in text
    # Nothing folded: the widest headings and figures are whole on their lines.
    assert any("recommendation" in line and "denunciation" in line for line in lines)
    assert any("Huyện Ba Bể" in line and "83.3 %" in line for line in lines)  # 5 of 6 due
    if extra:
        assert any("a year earlier" in line for line in lines)
        assert any("resolution rate" in line and "+22.2 pts" in line for line in lines)


def test_a_rich_console_of_100_columns_draws_every_block_within_it(  # type: ignore[no-untyped-def]
        register, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console  # noqa: TID251  (the console the renderer draws on)

    buffer = io.StringIO()
    monkeypatch.setattr(output, "is_terminal", lambda: True)
    monkeypatch.setattr(output, "_console", lambda stream=None: Console(
        file=buffer, width=100, no_color=True, markup=False, highlight=False))
    with register.session() as s:
        result = build_report(s, period=year_period(2024), locality="06", compare=True)
    output.render_report(result, output.Format.table)
    lines = buffer.getvalue().splitlines()
    assert len(lines) > 80 and max(len(line) for line in lines) <= 100
    assert any(line.split()[:2] == ["Huyện", "Chợ"] and "Đồn" in line for line in lines)


def test_the_whole_tree_query_reads_the_covering_index_without_sorting(  # type: ignore[no-untyped-def]
        register, db_path) -> None:
    """SQLite's plan for the whole tree (asking for db_path keeps this test on SQLite)."""
    from dantrack import reporting

    with register.connection() as c:
        query = reporting._petition_query(year_period(2024), None)
        sql = str(query.compile(c, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row) for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "locality_id IN" not in sql
    assert "COVERING INDEX ix_petition_report" in plan
    assert "TEMP B-TREE" not in plan
