"""The working calendar in the database and a deadline's lifecycle (SPEC §1 "Working days",
"Extension and suspension"; issue 15): `calendar off|work|list`, the recomputation of open
petitions, db check, `petition extend|suspend|resume|accept`, their import columns and
`dantrack overdue` — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from databases import contents

pytestmark = pytest.mark.backends

SECRET_NAME = "Lò Thị Mẩy"


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    return result.stderr


def add(cli, *extra: str, kind: str = "reflection", received_on: str = "2026-05-04"):  # type: ignore[no-untyped-def]
    return ok(cli("petition", "add", "--kind", kind, "--received-on", received_on,
                  "--locality", "01864", "--subject", "Đường làng", *extra))


def shown(cli, ref: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("petition", "show", ref, "--format", "json")))


def actions(cli, ref: str) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    return [(e["action"], e["changes"]) for e in shown(cli, ref)["history"]]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", "2026-06-15")
    monkeypatch.setenv("DANTRACK_OPERATOR", "clerk")


# --- calendar off|work|list ---------------------------------------------------------------


def test_calendar_decisions_are_kept_with_operator_and_idempotent(cli, tree) -> None:
    ok(cli("calendar", "off", "2026-05-08", "--reason", "QĐ 1/2026"))
    again = cli("calendar", "off", "08/05/2026", "--reason", "QĐ 1/2026")
    assert again.exit_code == 0 and "nothing changed" in again.stderr
    assert "nothing changed" in cli("calendar", "off", "2026-04-30", "--reason", "x").stderr
    ok(cli("calendar", "work", "2026-05-09", "--reason", "QĐ 1/2026"))
    days = json.loads(ok(cli("calendar", "list", "--year", "2026", "--format", "json")))
    by_day = {d["date"]: d for d in days}
    assert by_day["2026-05-08"] == {"date": "2026-05-08", "weekday": "Fri", "kind": "off",
                                    "reason": "QĐ 1/2026", "source": "database",
                                    "operator": "clerk", "at": by_day["2026-05-08"]["at"]}
    assert by_day["2026-05-09"]["kind"] == "work"
    assert by_day["2026-01-02"]["source"] == "dantrack" and \
        "12729/VPCP-KGVX" in by_day["2026-01-02"]["reason"]
    assert by_day["2026-01-10"]["kind"] == "work"
    assert by_day["2026-04-30"]["source"] == "holidays"
    assert [d["date"] for d in days] == sorted(by_day)
    csv = ok(cli("calendar", "list", "--year", "2026", "--format", "csv"))
    assert csv.splitlines()[0] == "date,weekday,kind,reason,source,operator,at"
    assert "2026-02-17" in ok(cli("calendar", "list", "--year", "2026", "--format", "markdown"))


def test_calendar_refuses_bad_input_and_leaves_the_database(cli, tree,
                                                            database_url: str) -> None:
    before = contents(database_url)
    assert "reason" in fails(cli("calendar", "off", "2026-05-08"), 3)
    assert "2026-13-01" in fails(cli("calendar", "off", "2026-13-01", "--reason", "x"), 3)
    assert contents(database_url) == before


def test_a_calendar_change_recomputes_open_petitions_only(cli, tree,
                                                          database_url: str) -> None:
    add(cli)  # P2026-00001: a reflection of Monday 4 May, due Monday 18 May
    add(cli)  # P2026-00002, closed
    add(cli, kind="complaint")  # P2026-00003: 30 calendar days, no working days
    add(cli, received_on="2026-05-25")  # P2026-00004: counted after the day changed
    ok(cli("petition", "close", "P2026-00002", "--outcome", "resolved", "--on", "2026-05-06"))
    assert shown(cli, "P2026-00001")["due_on"] == "2026-05-18"
    out = cli("calendar", "off", "2026-05-08", "--reason", "QĐ 1/2026")
    assert out.exit_code == 0 and "deadlines moved: 1" in out.stderr
    assert shown(cli, "P2026-00001")["due_on"] == "2026-05-19"
    assert shown(cli, "P2026-00002")["due_on"] == "2026-05-18"  # closed: keeps its own
    assert shown(cli, "P2026-00003")["due_on"] == "2026-06-03"
    assert shown(cli, "P2026-00004")["due_on"] == "2026-06-08"
    action, changes = actions(cli, "P2026-00001")[-1]
    assert action == "recomputed" and changes == {
        "due_on": ["2026-05-18", "2026-05-19"],
        "calendar": {"day": "2026-05-08", "kind": "off", "reason": "QĐ 1/2026"}}
    assert [a for a, _ in actions(cli, "P2026-00002")] == ["created", "closed"]
    # The closed petition keeps the deadline of the calendar it closed under: db check agrees.
    assert cli("db", "check").exit_code == 0
    # A Saturday made a working day brings it back.
    ok(cli("calendar", "work", "2026-05-09", "--reason", "QĐ 1/2026"))
    assert shown(cli, "P2026-00001")["due_on"] == "2026-05-18"
    assert cli("db", "check").exit_code == 0
    # Reopened, it takes the calendar in force.
    ok(cli("calendar", "off", "2026-05-11", "--reason", "QĐ 2/2026"))
    assert shown(cli, "P2026-00002")["due_on"] == "2026-05-18"
    ok(cli("petition", "reopen", "P2026-00002", "--reason", "Quyết định bị hủy"))
    assert shown(cli, "P2026-00002")["due_on"] == "2026-05-19"
    assert actions(cli, "P2026-00002")[-1][1]["due_on"] == ["2026-05-18", "2026-05-19"]
    assert shown(cli, "P2026-00001")["due_on"] == "2026-05-19"
    assert cli("db", "check").exit_code == 0
    from dantrack import db

    engine = create_engine(db.postgres_url(db.Location(database_url, "test"))
                           if "://" in database_url else f"sqlite:///{database_url}")
    with engine.begin() as c:
        c.execute(text("UPDATE petition SET due_on = '2026-05-21' WHERE ref = 'P2026-00001'"))
    engine.dispose()
    check = cli("db", "check")
    assert check.exit_code == 1 and "P2026-00001" in check.stdout + check.stderr
    assert "2026-05-19" in check.stdout + check.stderr


def test_new_deadlines_and_accept_follow_the_database_calendar(cli, tree) -> None:
    ok(cli("calendar", "off", "2026-05-08", "--reason", "QĐ 1/2026"))
    add(cli)
    assert shown(cli, "P2026-00001")["due_on"] == "2026-05-19"
    add(cli, "--accepted-on", "pending", received_on="2026-04-27")
    ok(cli("petition", "accept", "P2026-00002", "--on", "2026-04-28"))
    # 29/4, then 30/4 and 1/5 off, 4–7, 8 off (the database), 11–15.
    assert shown(cli, "P2026-00002")["due_on"] == "2026-05-15"


# --- extend --------------------------------------------------------------------------------


def test_extension_limits_of_law_25_2018_art_30(cli, tree, database_url: str) -> None:
    add(cli, "--complex", "--petitioner", SECRET_NAME, kind="denunciation")  # due 3 July
    add(cli, kind="denunciation")  # not complex
    add(cli, "--complex", kind="complaint")
    assert shown(cli, "P2026-00001")["due_on"] == "2026-07-03"
    before = contents(database_url)
    extend = ("petition", "extend", "--on", "2026-06-01", "--reason", "QĐ gia hạn")
    assert "complex denunciation" in fails(cli(*extend, "P2026-00002", "--days", "10"), 1)
    assert "complex denunciation" in fails(cli(*extend, "P2026-00003", "--days", "10"), 1)
    assert "30 days at most" in fails(cli(*extend, "P2026-00001", "--days", "31"), 1)
    assert "days" in fails(cli(*extend, "P2026-00001", "--days", "0"), 3)
    assert contents(database_url) == before
    ok(cli(*extend, "P2026-00001", "--days", "30"))
    assert shown(cli, "P2026-00001")["due_on"] == "2026-08-02"
    assert "especially complex" in fails(cli(*extend, "P2026-00001", "--days", "5"), 1)
    ok(cli(*extend, "P2026-00001", "--days", "5", "--especially-complex"))
    assert shown(cli, "P2026-00001")["due_on"] == "2026-08-07"
    third = fails(cli(*extend, "P2026-00001", "--days", "5", "--especially-complex"), 1)
    assert "twice" in third and SECRET_NAME not in third
    history = actions(cli, "P2026-00001")
    assert [a for a, _ in history] == ["created", "extended", "extended"]
    assert history[2][1] == {"days": 5, "on": "2026-06-01", "reason": "QĐ gia hạn",
                             "especially_complex": True, "extensions": [1, 2],
                             "extended_days": [30, 35], "due_on": ["2026-08-02", "2026-08-07"]}
    assert cli("db", "check").exit_code == 0


def test_an_extension_is_decided_before_the_deadline(cli, tree) -> None:
    add(cli, "--complex", kind="denunciation", received_on="2026-03-01")  # due 30 April
    assert "was due on 2026-04-30" in fails(cli(
        "petition", "extend", "P2026-00001", "--days", "10", "--on", "2026-05-02",
        "--reason", "x"), 1)


# --- suspend and resume --------------------------------------------------------------------


def test_a_suspended_petition_is_not_overdue_and_moves_by_the_days_suspended(
        cli, tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", "2026-01-20")
    add(cli, kind="complaint", received_on="2025-12-01")  # due 31 December
    ok(cli("petition", "suspend", "P2025-00001", "--on", "2025-12-22", "--reason",
           "Chờ giám định"))
    assert shown(cli, "P2025-00001")["status"] == "suspended"
    listed = json.loads(ok(cli("petition", "list", "--status", "suspended", "-f", "json")))
    assert [p["ref"] for p in listed] == ["P2025-00001"]
    assert json.loads(ok(cli("petition", "list", "--status", "overdue", "-f", "json"))) == []
    assert "suspended already" in fails(cli("petition", "suspend", "P2025-00001", "--on",
                                            "2025-12-23", "--reason", "x"), 1)
    assert "resume it" in fails(cli("petition", "close", "P2025-00001", "--outcome",
                                    "resolved", "--on", "2026-01-05"), 1)
    assert "before the suspension" in fails(cli("petition", "resume", "P2025-00001", "--on",
                                                "2025-12-20"), 3)
    ok(cli("petition", "resume", "P2025-00001", "--on", "2026-01-12"))  # 21 days, over 1/1
    petition = shown(cli, "P2025-00001")
    assert petition["due_on"] == "2026-01-21" and petition["status"] == "open"
    assert [a for a, _ in actions(cli, "P2025-00001")] == ["created", "suspended", "resumed"]
    assert actions(cli, "P2025-00001")[-1][1]["days"] == 21
    assert "not suspended" in fails(cli("petition", "resume", "P2025-00001", "--on",
                                        "2026-01-13"), 1)
    assert cli("db", "check").exit_code == 0


# --- import columns ------------------------------------------------------------------------

HEADER = "ref,kind,received_on,locality,subject,complex,extensions,extended_days," \
    "suspended_on,suspended_days,closed_on,outcome"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "lifecycle.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_import_carries_the_lifecycle_with_the_same_rules(cli, tree, tmp_path: Path,
                                                          database_url: str) -> None:
    ok(cli("import", "petitions", str(_csv(
        tmp_path, "T1,tố cáo,2026-03-01,01864,X,true,2,40,,0,,",
        "T2,khiếu nại,2026-03-01,01864,X,false,0,0,2026-03-10,5,,",
        "T3,phản ánh,2026-04-28,01864,X,false,0,0,,0,,"))))
    assert shown(cli, "T1")["due_on"] == "2026-06-09"  # 60 days, then 40
    t2 = shown(cli, "T2")
    assert t2["due_on"] == "2026-04-05" and t2["status"] == "suspended"
    assert shown(cli, "T3")["due_on"] == "2026-05-14"
    assert cli("db", "check").exit_code == 0
    before = contents(database_url)
    for row, message in (
            ("T4,khiếu nại,2026-03-01,01864,X,true,1,10,,0,,", "complex denunciation"),
            ("T4,tố cáo,2026-03-01,01864,X,true,1,31,,0,,", "1 to 30 days"),
            ("T4,tố cáo,2026-03-01,01864,X,true,3,60,,0,,", "extensions"),
            ("T4,khiếu nại,2026-03-01,01864,X,false,0,0,2026-02-01,0,,", "before the acc"),
            ("T4,khiếu nại,2026-03-01,01864,X,false,0,0,2026-03-05,0,2026-03-20,resolved",
             "closed petition")):
        stderr = fails(cli("import", "petitions", str(_csv(tmp_path, row))), 3)
        assert "line 2" in stderr and message in stderr, stderr
    assert contents(database_url) == before


# --- overdue -------------------------------------------------------------------------------


def test_overdue_digest(cli, tree) -> None:
    add(cli, kind="complaint", received_on="2026-04-01")  # due 1 May: 45 days late
    add(cli, "--petitioner", SECRET_NAME, kind="denunciation", received_on="2026-05-01")
    add(cli, received_on="2026-06-01")  # due 15 June (10 working days): due today
    add(cli, kind="complaint", received_on="2026-04-02")  # suspended: never overdue
    add(cli, kind="complaint", received_on="2026-03-01")  # closed
    ok(cli("petition", "suspend", "P2026-00004", "--on", "2026-04-20", "--reason", "x"))
    ok(cli("petition", "close", "P2026-00005", "--outcome", "resolved", "--on", "2026-03-20"))
    result = cli("overdue", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["ref"], r["due_on"], r["days_late"], r["status"]) for r in rows] == [
        ("P2026-00001", "2026-05-01", 45, "overdue"),
        ("P2026-00002", "2026-05-31", 15, "overdue")]
    assert rows[1]["petitioner"] == "***" and SECRET_NAME not in result.stdout
    assert result.stderr == "2 overdue as of 2026-06-15\n"
    within = cli("overdue", "--within", "2", "--format", "csv", "--as-of", "15/06/2026")
    assert [line.split(",")[0] for line in within.stdout.splitlines()] == [
        "ref", "P2026-00001", "P2026-00002", "P2026-00003"]
    assert within.stderr == "2 overdue, 1 due within 2 working days as of 2026-06-15\n"
    assert cli("overdue", "--fail-if-any", "-f", "json").exit_code == 1
    early = cli("overdue", "--fail-if-any", "--as-of", "2026-05-01", "-f", "json")
    assert early.exit_code == 0 and json.loads(early.stdout) == []
    assert json.loads(ok(cli("overdue", "--locality", "Xã Quảng Bạch", "-f", "json"))) == []
    assert "as_of" in fails(cli("overdue", "--as-of", "2026-02-30"), 3)
    table = ok(cli("overdue"))
    assert "P2026-00001" in table and SECRET_NAME not in table
