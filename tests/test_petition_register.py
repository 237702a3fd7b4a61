"""The petition register for the official forms (issue 13 items 2 and 3): field, prior state,
round, the body forwarded to and its reply, the results of a resolution, the `chased`
outcome, a pending acceptance — by the command line and by import, in the history, refused
with one line and exit 3 — and the upgrade from revision 0003 without loss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from databases import ALL, contents

pytestmark = pytest.mark.backends

REGISTER = ("field", "prior", "round", "forwarded_to", "reply_on", "recovered_money",
            "recovered_land", "returned_money", "returned_land", "returned_orgs",
            "returned_people", "disciplined", "disciplined_officials", "prosecuted_cases",
            "prosecuted_people")
ROOT = Path(__file__).resolve().parent.parent


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int, stderr: str | None = None) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    if stderr is not None:
        assert result.stderr == stderr
    return result.stderr


def add(cli, *extra: str, kind: str = "complaint", received_on: str = "2024-03-01"):  # type: ignore[no-untyped-def]
    return cli("petition", "add", "--kind", kind, "--received-on", received_on,
               "--locality", "01864", "--subject", "Đất rừng", *extra)


def shown(cli, ref: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("petition", "show", ref, "--format", "json")))


def history(cli, ref: str) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    return [(e["action"], e["changes"]) for e in shown(cli, ref)["history"]]


def unchanged(database_url: str, before: dict[str, Any]) -> None:
    assert contents(database_url) == before


# --- field, prior, round, forwarded_to ------------------------------------------------------


def test_field_prior_round_and_body_are_recorded_in_vietnamese_or_english(cli, tree) -> None:
    ok(add(cli, "--field", "đất đai", "--prior", "lần đầu", "--round", "2",
           "--forwarded-to", "UBND huyện Ba Bể"))
    ok(add(cli, "--field", "tham nhung", "--prior", "judgment", kind="tố cáo"))
    ok(add(cli, kind="kiến nghị"))
    first, second, third = (shown(cli, f"P2024-0000{n}") for n in (1, 2, 3))
    assert {k: first[k] for k in ("field", "prior", "round", "forwarded_to")} == {
        "field": "land", "prior": "once", "round": 2, "forwarded_to": "UBND huyện Ba Bể"}
    assert (second["field"], second["prior"], second["round"]) == ("corruption", "judgment", 1)
    assert (third["field"], third["prior"], third["round"]) == ("other", "none", 1)
    [(action, created)] = history(cli, "P2024-00001")
    assert action == "created"
    assert (created["field"], created["prior"], created["round"]) == ("land", "once", 2)
    ok(cli("petition", "edit", "P2024-00001", "--field", "chế độ chính sách", "--prior",
           "nhiều lần", "--round", "1"))
    assert history(cli, "P2024-00001")[-1] == ("edited", {
        "field": ["land", "policy"], "prior": ["once", "many"], "round": [2, 1]})


@pytest.mark.parametrize(("args", "kind", "message"), [
    (("--round", "2"), "tố cáo",
     "Error: invalid round 2: a second round is only for a complaint, not a denunciation\n"),
    (("--round", "3"), "khiếu nại",
     "Error: invalid round 3: Input should be less than or equal to 2\n"),
    (("--field", "nông nghiệp"), "khiếu nại",
     "Error: invalid field 'nông nghiệp': must be one of land (đất đai, nhà ở / đất đai / "
     "nhà ở), policy (chế độ chính sách / chính sách), administrative (hành "
     "chính), judicial (tư pháp), party (Đảng), corruption (tham nhũng), conduct (công vụ), "
     "other (khác)\n"),
    (("--prior", "twice"), "khiếu nại",
     "Error: invalid prior 'twice': must be one of none (chưa giải quyết), once (đã giải "
     "quyết lần đầu / lần đầu), many (đã giải quyết nhiều lần / nhiều lần), judgment (có bản "
     "án / bản án)\n"),
])
def test_a_wrong_field_prior_or_round_is_refused(cli, tree, database_url: str,
                                                 args: tuple[str, ...], kind: str,
                                                 message: str) -> None:
    ok(add(cli, kind="kiến nghị"))
    before = contents(database_url)
    fails(add(cli, *args, kind=kind), 3, message)
    unchanged(database_url, before)


def test_an_edit_to_a_second_round_of_a_denunciation_is_refused(cli, tree,
                                                                database_url: str) -> None:
    ok(add(cli, "--round", "2"))
    before = contents(database_url)
    fails(cli("petition", "edit", "P2024-00001", "--kind", "tố cáo"), 3,
          "Error: invalid round 2: a second round is only for a complaint, not a "
          "denunciation\n")
    unchanged(database_url, before)


# --- chased ------------------------------------------------------------------------------


def test_chased_is_outside_competence_while_closed_and_reopen_gives_it_back(cli, tree) -> None:
    ok(add(cli, kind="kiến nghị"))
    assert ok(cli("petition", "close", "P2024-00001", "--outcome", "đôn đốc", "--on",
                  "2024-03-10")) == ""
    petition = shown(cli, "P2024-00001")
    assert (petition["outcome"], petition["competence"]) == ("chased", "other")
    assert history(cli, "P2024-00001")[-1] == ("closed", {
        "closed_on": "2024-03-10", "outcome": "chased", "competence": ["own", "other"]})
    ok(cli("petition", "reopen", "P2024-00001", "--reason", "Cấp dưới chưa giải quyết"))
    assert shown(cli, "P2024-00001")["competence"] == "own"


def report(cli, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("report", *args, "--format", "json")))


def test_report_counts_chased_beside_guided_and_forwarded(cli, tree) -> None:
    """A crafted register, counted by hand: in 2024, two chased (one of them a complaint), one
    guided, one forwarded; a petition chased in 2023 and one chased in 2025 are outside; a
    duplicate closed as chased is not a case; chased petitions are not due."""
    closes = [("kiến nghị", "2024-02-01", "chased", "2024-02-10"),     # P2024-00001
              ("khiếu nại", "2024-03-01", "chased", "2024-03-05"),     # P2024-00002
              ("kiến nghị", "2024-03-01", "guided", "2024-03-06"),     # P2024-00003
              ("phản ánh", "2024-04-01", "forwarded", "2024-04-02"),   # P2024-00004
              ("kiến nghị", "2024-12-20", None, None),                 # P2024-00005, due
              ("phản ánh", "2024-12-30", "chased", None)]              # P2024-00006, 2025
    for kind, received_on, _, _ in closes:
        ok(add(cli, kind=kind, received_on=received_on))
    ok(add(cli, received_on="2023-11-01"))                             # P2023-00001
    ok(add(cli, "--duplicate-of", "P2024-00001", kind="kiến nghị",
           received_on="2024-05-01"))                                  # P2024-00007
    for n, (_, _, outcome, on) in enumerate(closes, start=1):
        if outcome and on:
            ok(cli("petition", "close", f"P2024-0000{n}", "--outcome", outcome, "--on", on))
    ok(cli("petition", "close", "P2023-00001", "--outcome", "chased", "--on", "2023-12-01"))
    ok(cli("petition", "close", "P2024-00007", "--outcome", "chased", "--on", "2024-05-02"))
    petitions = report(cli, "--year", "2024")["petitions"]
    assert list(petitions)[10:14] == ["guided", "forwarded", "chased", "dismissed"]
    assert {k: petitions[k] for k in ("received", "duplicates", "due", "guided", "forwarded",
                                      "chased", "dismissed")} == {
        "received": 7, "duplicates": 1, "due": 2, "guided": 1, "forwarded": 1, "chased": 2,
        "dismissed": 0}
    assert petitions["by_kind"]["complaint"]["chased"] == 1
    assert petitions["by_kind"]["recommendation"]["chased"] == 1
    assert report(cli, "--year", "2023")["petitions"]["chased"] == 1
    header = ok(cli("report", "--year", "2024", "--format", "csv")).splitlines()[0]
    assert ",guided,forwarded,chased,dismissed" in header


# --- forwarding and its reply --------------------------------------------------------------


def test_a_reply_is_recorded_for_a_forwarded_petition_not_before_the_forwarding(
        cli, tree, database_url: str) -> None:
    ok(add(cli, "--forwarded-to", "Sở Tài nguyên và Môi trường", kind="kiến nghị"))
    before = contents(database_url)
    message = ("Error: invalid reply_on '2024-03-20': a reply is recorded only for a petition "
               "closed as forwarded\n")
    fails(cli("petition", "edit", "P2024-00001", "--reply-on", "2024-03-20"), 3, message)
    unchanged(database_url, before)
    ok(cli("petition", "close", "P2024-00001", "--outcome", "chuyển đơn", "--on",
           "2024-03-10"))
    before = contents(database_url)
    fails(cli("petition", "edit", "P2024-00001", "--reply-on", "09/03/2024"), 3,
          "Error: invalid reply_on '2024-03-09': is before the forwarding (2024-03-10)\n")
    fails(cli("petition", "edit", "P2024-00001", "--reply-on", "2025-01-01"), 3)
    unchanged(database_url, before)
    ok(cli("petition", "edit", "P2024-00001", "--reply-on", "2024-03-10"))
    assert shown(cli, "P2024-00001")["reply_on"] == "2024-03-10"
    assert history(cli, "P2024-00001")[-1] == ("edited", {"reply_on": [None, "2024-03-10"]})
    ok(cli("petition", "reopen", "P2024-00001", "--reason", "Chuyển nhầm"))
    petition = shown(cli, "P2024-00001")
    assert (petition["reply_on"], petition["forwarded_to"]) == (None,
                                                               "Sở Tài nguyên và Môi trường")
    action, reopened = history(cli, "P2024-00001")[-1]
    assert action == "reopened" and reopened["cleared"]["reply_on"] == "2024-03-10"


def test_close_as_forwarded_records_the_body_it_went_to(cli, tree, database_url: str) -> None:
    ok(add(cli, kind="kiến nghị"))
    before = contents(database_url)
    fails(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-03-05",
              "--forwarded-to", "UBND tỉnh"), 3,
          "Error: invalid forwarded_to 'UBND tỉnh': the body forwarded to is given only with "
          "the outcome forwarded, not resolved\n")
    unchanged(database_url, before)
    ok(cli("petition", "close", "P2024-00001", "--outcome", "chuyển đơn", "--on", "2024-03-05",
           "--forwarded-to", "Sở Giao thông vận tải"))
    petition = shown(cli, "P2024-00001")
    assert (petition["outcome"], petition["forwarded_to"], petition["competence"]) == (
        "forwarded", "Sở Giao thông vận tải", "other")
    assert history(cli, "P2024-00001")[-1] == ("closed", {
        "closed_on": "2024-03-05", "outcome": "forwarded", "competence": ["own", "other"],
        "forwarded_to": "Sở Giao thông vận tải"})
    ok(cli("petition", "edit", "P2024-00001", "--reply-on", "2024-03-20"))
    assert shown(cli, "P2024-00001")["reply_on"] == "2024-03-20"


# --- results of a resolution ---------------------------------------------------------------


RESULTS = ("--recovered-money", "120.5", "--recovered-land", "300", "--returned-money", "15",
           "--returned-land", "20.25", "--returned-orgs", "1", "--returned-people", "2",
           "--disciplined", "3", "--disciplined-officials", "2", "--prosecuted-cases", "1",
           "--prosecuted-people", "2")
RESULT_VALUES = {"recovered_money": 120.5, "recovered_land": 300.0, "returned_money": 15.0,
                 "returned_land": 20.25, "returned_orgs": 1, "returned_people": 2,
                 "disciplined": 3, "disciplined_officials": 2, "prosecuted_cases": 1,
                 "prosecuted_people": 2}


def test_results_are_recorded_with_the_close_and_by_petition_result(cli, tree) -> None:
    ok(add(cli, kind="tố cáo"))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--verdict", "founded",
           "--on", "2024-03-20", *RESULTS))
    petition = shown(cli, "P2024-00001")
    assert {k: petition[k] for k in RESULT_VALUES} == RESULT_VALUES
    action, closed = history(cli, "P2024-00001")[-1]
    assert action == "closed" and {k: closed[k] for k in RESULT_VALUES} == RESULT_VALUES
    out = cli("petition", "result", "P2024-00001", "--recovered-money", "125", "--disciplined",
              "3")
    assert ok(out) == "" and out.stderr == (
        "Recorded the results of petition P2024-00001: recovered_money\n")
    assert history(cli, "P2024-00001")[-1] == ("result", {"recovered_money": [120.5, 125.0]})
    ok(cli("petition", "reopen", "P2024-00001", "--reason", "Quyết định bị hủy"))
    petition = shown(cli, "P2024-00001")
    assert all(petition[k] == 0 for k in RESULT_VALUES)
    cleared = history(cli, "P2024-00001")[-1][1]["cleared"]
    assert cleared["recovered_money"] == 125.0 and cleared["prosecuted_people"] == 2


@pytest.mark.parametrize(("kind", "outcome", "args", "message"), [
    ("kiến nghị", "resolved", ("--recovered-money", "1"),
     "Error: invalid recovered_money 1.0: a result on a recommendation: only a complaint or a "
     "denunciation has one\n"),
    ("khiếu nại", "withdrawn", ("--disciplined", "1"),
     "Error: invalid disciplined 1: a result is recorded only for a petition closed as "
     "resolved\n"),
    ("khiếu nại", "resolved", ("--disciplined", "1", "--disciplined-officials", "2"),
     "Error: invalid disciplined_officials 2: is more than disciplined (1)\n"),
    ("khiếu nại", "resolved", ("--returned-money", "-5"),
     "Error: invalid returned_money '-5': must be a number ≥ 0\n"),
    ("khiếu nại", "resolved", ("--returned-land", "1.2345"),
     "Error: invalid returned_land '1.2345': has more than 3 decimals\n"),
    ("khiếu nại", "resolved", ("--returned-money", "1,5"),
     "Error: invalid returned_money '1,5': must be a number, e.g. 12.5\n"),
])
def test_a_result_that_does_not_fit_is_refused(cli, tree, database_url: str, kind: str,
                                               outcome: str, args: tuple[str, ...],
                                               message: str) -> None:
    ok(add(cli, kind=kind))
    before = contents(database_url)
    fails(cli("petition", "close", "P2024-00001", "--outcome", outcome, "--on", "2024-03-20",
              *args), 3, message)
    unchanged(database_url, before)


def test_petition_result_needs_a_resolved_complaint_or_denunciation(cli, tree,
                                                                   database_url: str) -> None:
    ok(add(cli))
    ok(add(cli, kind="kiến nghị"))
    ok(cli("petition", "close", "P2024-00002", "--outcome", "resolved", "--on", "2024-03-20"))
    before = contents(database_url)
    fails(cli("petition", "result", "P2024-00001", "--prosecuted-cases", "1"), 3,
          "Error: invalid prosecuted_cases 1: a result is recorded only for a petition closed "
          "as resolved\n")
    fails(cli("petition", "result", "P2024-00002", "--prosecuted-cases", "1"), 3,
          "Error: invalid prosecuted_cases 1: a result on a recommendation: only a complaint "
          "or a denunciation has one\n")
    fails(cli("petition", "result", "P2024-00002"), 1,
          "Error: nothing to record: give at least one result\n")
    unchanged(database_url, before)


def test_a_kind_change_that_would_leave_a_result_on_a_recommendation_is_refused(
        cli, tree, database_url: str) -> None:
    ok(add(cli))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-03-20",
           "--returned-people", "4"))
    before = contents(database_url)
    fails(cli("petition", "edit", "P2024-00001", "--kind", "kiến nghị"), 3,
          "Error: invalid returned_people 4: a result on a recommendation: only a complaint or "
          "a denunciation has one\n")
    unchanged(database_url, before)


# --- a pending acceptance ---------------------------------------------------------------


def test_a_pending_petition_is_accepted_later(cli, tree, database_url: str) -> None:
    out = add(cli, "--accepted-on", "pending")
    assert out.stderr == "Recorded petition P2024-00001 (due 2024-03-31)\n"
    petition = shown(cli, "P2024-00001")
    assert (petition["accepted_on"], petition["due_on"]) == (None, "2024-03-31")
    assert history(cli, "P2024-00001")[0][1]["accepted_on"] == "pending"
    assert json.loads(ok(cli("export", "petitions", "--format", "json")))[0][
        "accepted_on"] == "pending"
    before = contents(database_url)
    fails(cli("petition", "accept", "P2024-00001", "--on", "2024-02-28"), 3,
          "Error: invalid accepted_on '2024-02-28': before received_on 2024-03-01\n")
    fails(cli("petition", "accept", "P2024-00001", "--on", "2025-01-02"), 3,
          "Error: invalid accepted_on '2025-01-02': is after today (2024-12-31): it has not "
          "happened yet\n")
    unchanged(database_url, before)
    out = cli("petition", "accept", "P2024-00001", "--on", "05/03/2024")
    assert ok(out) == "" and out.stderr == (
        "Accepted petition P2024-00001 on 2024-03-05 (due 2024-04-04)\n")
    assert history(cli, "P2024-00001")[-1] == ("accepted", {
        "accepted_on": ["pending", "2024-03-05"], "due_on": ["2024-03-31", "2024-04-04"]})
    fails(cli("petition", "accept", "P2024-00001", "--on", "2024-03-06"), 1,
          "Error: petition P2024-00001 was accepted already, on 2024-03-05; `petition edit "
          "--accepted-on` corrects it\n")


def test_a_pending_petition_stays_pending_when_its_receipt_is_corrected(cli, tree) -> None:
    ok(add(cli, "--accepted-on", "pending"))
    ok(cli("petition", "edit", "P2024-00001", "--received-on", "2024-03-02"))
    petition = shown(cli, "P2024-00001")
    assert (petition["accepted_on"], petition["due_on"]) == (None, "2024-04-01")


# --- import and export -----------------------------------------------------------------------


HEADER = ("ref,kind,received_on,locality,subject,accepted_on,field,prior,round,forwarded_to,"
          "reply_on,recovered_money,disciplined,disciplined_officials,closed_on,outcome,"
          "verdict\n")


def write_csv(tmp_path: Path, *rows: str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_import_reads_the_register_columns(cli, tree, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "A1,khiếu nại,2024-03-01,01864,Đất,pending,đất đai,lần đầu,2,,,,,,,,",
        "A2,tố cáo,2024-03-01,01864,Sai phạm,,tham nhũng,,,,,12.5,2,1,2024-04-01,resolved,"
        "founded",
        "A3,kiến nghị,2024-03-01,01864,Đường,,hành chính,,,UBND huyện,2024-03-15,,,,"
        "2024-03-10,forwarded,",
        "A4,phản ánh,2024-03-01,01864,Điện,,,,,,,,,,2024-03-10,đôn đốc,")
    ok(cli("import", "petitions", str(path)))
    a1, a2, a3, a4 = (shown(cli, f"A{n}") for n in range(1, 5))
    assert (a1["accepted_on"], a1["field"], a1["prior"], a1["round"]) == (
        None, "land", "once", 2)
    assert (a2["field"], a2["recovered_money"], a2["disciplined"],
            a2["disciplined_officials"]) == ("corruption", 12.5, 2, 1)
    assert (a3["forwarded_to"], a3["reply_on"], a3["competence"]) == (
        "UBND huyện", "2024-03-15", "other")
    assert (a4["outcome"], a4["competence"]) == ("chased", "other")
    closed = [changes for action, changes in history(cli, "A4") if action == "closed"]
    assert closed == [{"closed_on": "2024-03-10", "outcome": "chased",
                       "competence": ["own", "other"]}]
    again = cli("import", "petitions", str(path))
    assert "0 inserted, 0 updated, 4 unchanged" in again.stderr


@pytest.mark.parametrize(("row", "message"), [
    ("B1,tố cáo,2024-03-01,01864,X,,,,2,,,,,,,,",
     "round 2: a second round is only for a complaint, not a denunciation"),
    ("B1,kiến nghị,2024-03-01,01864,X,,,,,,,3,,,2024-03-05,resolved,",
     "recovered_money 3.0: a result on a recommendation"),
    ("B1,khiếu nại,2024-03-01,01864,X,,,,,,,,2,3,2024-03-05,resolved,",
     "disciplined_officials 3: is more than disciplined (2)"),
    ("B1,kiến nghị,2024-03-01,01864,X,,,,,,2024-03-09,,,,2024-03-05,guided,",
     "a reply is recorded only for a petition closed as forwarded"),
    ("B1,kiến nghị,2024-03-01,01864,X,,,,,,2024-03-04,,,,2024-03-05,forwarded,",
     "is before the forwarding (2024-03-05)"),
    ("B1,kiến nghị,2024-03-01,01864,X,,ruộng,,,,,,,,,,", "field"),
    ("B1,kiến nghị,2024-03-01,01864,X,,,,,,,-1,,,,,", "must be a number ≥ 0"),
])
def test_import_refuses_register_values_that_do_not_fit(cli, tree, tmp_path: Path,
                                                       database_url: str, row: str,
                                                       message: str) -> None:
    path = write_csv(tmp_path, "B0,khiếu nại,2024-03-01,01864,Fine,,,,,,,,,,,,", row)
    before = contents(database_url)
    stderr = fails(cli("import", "petitions", str(path)), 3)
    assert "line 3, " in stderr and message.split(":")[-1].strip() in stderr, stderr
    unchanged(database_url, before)


def test_an_import_update_records_results_and_keeps_them_through_a_new_close(
        cli, tree, tmp_path: Path) -> None:
    first = write_csv(tmp_path, "C1,khiếu nại,2024-03-01,01864,Đất,,,,,,,,,,2024-04-01,"
                      "resolved,upheld")
    ok(cli("import", "petitions", str(first)))
    results = write_csv(tmp_path, "C1,khiếu nại,2024-03-01,01864,Đất,,,,,,,40,1,1,2024-04-01,"
                        "resolved,upheld", name="results.csv")
    ok(cli("import", "petitions", str(results), "--on-conflict", "update"))
    assert shown(cli, "C1")["recovered_money"] == 40.0
    edited = history(cli, "C1")[-1]
    assert edited[0] == "edited" and edited[1]["recovered_money"] == [0.0, 40.0]
    # A new close date is a reopen (which clears the results) and a close: the row's results
    # are given again.
    moved = write_csv(tmp_path, "C1,khiếu nại,2024-03-01,01864,Đất,,,,,,,40,1,1,2024-04-05,"
                      "resolved,upheld", name="moved.csv")
    ok(cli("import", "petitions", str(moved), "--on-conflict", "update"))
    petition = shown(cli, "C1")
    assert (petition["closed_on"], petition["recovered_money"], petition["disciplined"]) == (
        "2024-04-05", 40.0, 1)
    assert [a for a, _ in history(cli, "C1")][-3:] == ["reopened", "edited", "closed"]
    # An update that closes it as withdrawn while giving results is refused.
    withdrawn = write_csv(tmp_path, "C1,khiếu nại,2024-03-01,01864,Đất,,,,,,,40,1,1,"
                          "2024-04-05,withdrawn,", name="withdrawn.csv")
    stderr = fails(cli("import", "petitions", str(withdrawn), "--on-conflict", "update"), 3)
    assert "a result is recorded only for a petition closed as resolved" in stderr


def test_export_then_import_carries_every_register_field(cli, tree, tmp_path: Path,
                                                         database_url: str) -> None:
    ok(add(cli, "--field", "tư pháp", "--prior", "bản án", "--round", "2",
           "--accepted-on", "pending"))
    ok(add(cli, "--forwarded-to", "Tòa án", kind="kiến nghị"))
    ok(cli("petition", "close", "P2024-00002", "--outcome", "forwarded", "--on", "2024-03-05"))
    ok(cli("petition", "edit", "P2024-00002", "--reply-on", "2024-03-25"))
    ok(add(cli, kind="tố cáo"))
    ok(cli("petition", "close", "P2024-00003", "--outcome", "resolved", "--on", "2024-03-20",
           *RESULTS))
    ok(add(cli, kind="phản ánh"))
    ok(cli("petition", "close", "P2024-00004", "--outcome", "chased", "--on", "2024-03-20"))
    for fmt in ("csv", "json"):
        exported = tmp_path / f"petitions.{fmt}"
        ok(cli("export", "petitions", "--format", fmt, "--reveal", "-o", str(exported)))
        again = cli("import", "petitions", str(exported), "--reveal")
        assert "0 inserted, 0 updated, 4 unchanged" in again.stderr, again.stderr
    exported = json.loads(ok(cli("export", "petitions", "--format", "json", "--reveal")))
    target = tmp_path / "copy.sqlite"
    from conftest import TREE
    from dantrack.db import Location, open_database
    from dantrack.services.localities import add_locality

    database = open_database(Location(str(target), "test"), write=True)
    with database.session() as s:
        for unit in TREE:
            add_locality(s, code=unit.code, name=unit.name, level=unit.level,
                         parent=unit.parent)
    database.dispose()
    path = tmp_path / "all.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    ok(cli("--db", str(target), "import", "petitions", str(path)))
    moved = json.loads(ok(cli("--db", str(target), "export", "petitions", "--format", "json",
                               "--reveal")))
    assert moved == exported
    assert [p["accepted_on"] for p in moved] == ["pending", "2024-03-01", "2024-03-01",
                                                 "2024-03-01"]
    assert {k: moved[2][k] for k in RESULT_VALUES} == RESULT_VALUES
    assert (moved[1]["reply_on"], moved[3]["outcome"]) == ("2024-03-25", "chased")


def test_db_copy_carries_the_register(cli, tree, tmp_path: Path, database_url: str) -> None:
    ok(add(cli, "--field", "đảng", "--accepted-on", "pending", "--round", "2"))
    ok(add(cli, kind="tố cáo"))
    ok(cli("petition", "close", "P2024-00002", "--outcome", "resolved", "--on", "2024-03-20",
           *RESULTS))
    target = tmp_path / "copy.sqlite"
    ok(cli("db", "copy", str(target)))
    assert contents(target) == contents(database_url)
    copied = json.loads(ok(cli("--db", str(target), "petition", "show", "P2024-00002",
                               "--format", "json")))
    assert {k: copied[k] for k in RESULT_VALUES} == RESULT_VALUES


# --- the upgrade from revision 0003 ---------------------------------------------------------


YEARS = (2022, 2023, 2024, 2025, 2026)


def unchecked_reports(target: str) -> dict[int, dict[str, Any]]:
    """The yearly reports of a database, its schema revision unchecked."""
    from dantrack import db
    from dantrack.reporting import build_report, year_period

    database = db.open_database(db.Location(target, "test"), write=False, check=False)
    try:
        with database.engine.connect() as connection:
            reports = {year: build_report(connection, period=year_period(year)).as_dict()
                       for year in YEARS}
    finally:
        database.dispose()
    return reports


def downgrade_to_0003(target: str) -> None:
    from alembic import command

    from dantrack import db, migrations

    database = db.open_database(db.Location(target, "test"), write=True, check=False)
    try:
        with database.engine.connect() as connection:
            if database.dialect == "sqlite":  # table rebuilds, as migrations.upgrade runs them
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
            with connection.begin():
                command.downgrade(migrations.config(connection), "0003")
    finally:
        database.dispose()


def test_the_upgrade_from_0003_keeps_every_row_and_figure(cli, tree, database_url: str) -> None:
    from databases import revision

    ok(add(cli, "--complex"))
    ok(add(cli, kind="tố cáo", received_on="2023-12-01"))
    ok(add(cli, kind="kiến nghị"))
    ok(cli("petition", "close", "P2024-00001", "--outcome", "resolved", "--on", "2024-05-01"))
    ok(cli("petition", "close", "P2024-00002", "--outcome", "guided", "--on", "2024-03-05"))
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "01864", "--kind",
           "regular", "--body", "government", "--citizens", "4"))
    # The figures before the database is taken back to 0003: the report of this code reads
    # columns added since (suspended_on), so it is asked before, and again after the upgrade.
    reports = unchecked_reports(database_url)
    assert reports[2024]["petitions"]["received"] == 2
    downgrade_to_0003(database_url)
    assert revision(database_url) == "0003"
    rows = contents(database_url)
    ok(cli("db", "upgrade"))
    from dantrack import db

    assert revision(database_url) == db.SCHEMA_REVISION
    # Later revisions add tables of their own (visits).
    added = {"petition": {*REGISTER, "extensions", "extended_days", "suspended_on",
                          "suspended_days"}, "visit": ALL, "visit_event": ALL,
             "calendar_day": ALL, "meeting_event": ALL, "dialogue_event": ALL}
    assert contents(database_url, leave_out=added) == rows
    assert unchecked_reports(database_url) == reports
    assert all(p["chased"] == 0 for r in reports.values() for p in [r["petitions"]])
    for petition in json.loads(ok(cli("export", "petitions", "--format", "json"))):
        assert {k: petition[k] for k in ("field", "prior", "round", "forwarded_to",
                                         "reply_on", "recovered_money", "disciplined")} == {
            "field": "other", "prior": "none", "round": 1, "forwarded_to": "",
            "reply_on": None, "recovered_money": 0.0, "disciplined": 0}
        assert petition["accepted_on"] != "pending"


def test_an_unknown_column_names_the_nearest_known_ones_on_one_short_line(
        cli, tree, tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("kind,received_on,locality,subject,recoverd_money\n"
                    "complaint,2024-03-01,01864,x,5\n", encoding="utf-8")
    before = contents(database_url)
    [line] = fails(cli("import", "petitions", str(path)), 3).splitlines()
    assert line == ("Error: unknown columns: recoverd_money (did you mean recovered_money or "
                    "received_on or returned_money? known for petitions: the 40 columns "
                    "`dantrack export petitions` writes; --ignore-extra skips unknown columns)")
    unchanged(database_url, before)
