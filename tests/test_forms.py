"""The official forms (SPEC §2 "Official forms", FORMS.md): hand-computed figures on small
crafted registers — carry-over across the official cut-off, processing after the period,
pending petitions, duplicates as one case, forwarded petitions and their replies, chased
ones, second rounds, results, a reorganised locality — a form declared here to show that a
new layout is a declaration, and the command line. On SQLite and PostgreSQL (the identities
on random registers: test_form_identities)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dantrack import forms
from dantrack.forms.declare import Column, Form, figure
from dantrack.periods import year_period
from dantrack.services.localities import add_locality, end_locality
from dantrack.services.meetings import add_meeting
from dantrack.services.petitions import add_petition, close_petition, edit_petition
from dantrack.services.register import accept_petition
from dantrack.services.visits import add_visit

pytestmark = pytest.mark.backends

OFFICIAL_2024 = year_period(2024, official=True)  # 2023-12-15 to 2024-12-14
SECRET = ("Lý Thị Mai", "001234567890", "0912345678", "Thôn Nà Mòn")


def petition(s, ref: str, kind: str, received: str, where: str, **extra: Any) -> None:  # type: ignore[no-untyped-def]
    add_petition(s, ref=ref, kind=kind, received_on=received, locality=where,
                 subject=f"case {ref}", **extra)


def fill(db, number, period=OFFICIAL_2024, locality: str | None = "06") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return forms.fill_form(s, number, period=period, locality=locality)


def by_code(result: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    entries = [*result["rows"], result["total"]]
    return {entry["locality"]["code"]: entry["values"] for entry in entries}


def only(values: dict[str, Any], **expected: Any) -> None:
    """values has the expected figures, and every other figure is 0."""
    assert values == {key: expected.get(key, 0) for key in values}


# --- 01/XLD and 02–04/XLD ---------------------------------------------------------------

# 061 Ba Bể: 01864, 01870 · 064 Chợ Đồn: 01960, 01966 (conftest TREE).
@pytest.fixture
def xld(db, tree):  # type: ignore[no-untyped-def]
    with db.session() as s:
        # A: received before the cut-off, pending across it, accepted in the period.
        petition(s, "A", "complaint", "2023-12-10", "01864", accepted_on="pending",
                 field="land")
        accept_petition(s, "A", on="2024-01-05")
        # B, K: accepted before the period began: not in question.
        petition(s, "B", "complaint", "2023-12-01", "01864")
        petition(s, "K", "recommendation", "2023-10-01", "01870")
        # C: dismissed (processed, not eligible). D: still pending.
        petition(s, "C", "denunciation", "2024-03-01", "01966")
        close_petition(s, "C", outcome="dismissed", closed_on="2024-03-10")
        petition(s, "D", "recommendation", "2024-12-10", "01864", accepted_on="pending")
        # E: forwarded, its reply back in the period.
        petition(s, "E", "reflection", "2024-05-01", "01966", field="policy", prior="once")
        close_petition(s, "E", outcome="forwarded", closed_on="2024-05-05")
        edit_petition(s, "E", reply_on="2024-06-01")
        # F: a duplicate of A (one case with it). J: a duplicate of K, whose original is
        # not in question, so it stands for its case.
        petition(s, "F", "complaint", "2024-04-01", "01864", duplicate_of="A", prior="many")
        petition(s, "J", "recommendation", "2024-08-01", "01870", duplicate_of="K")
        # G: guided after the period's end: not processed in it.
        petition(s, "G", "complaint", "2024-06-01", "01960")
        close_petition(s, "G", outcome="guided", closed_on="2024-12-20")
        # H: chased. I: forwarded before the period, its reply in it.
        petition(s, "H", "denunciation", "2024-07-01", "01966", prior="judgment",
                 petitioner=SECRET[0], id_number=SECRET[1], phone=SECRET[2],
                 address=SECRET[3])
        close_petition(s, "H", outcome="chased", closed_on="2024-07-10")
        petition(s, "I", "complaint", "2023-11-01", "01864")
        close_petition(s, "I", outcome="forwarded", closed_on="2023-11-10")
        edit_petition(s, "I", reply_on="2024-01-10")
    return db


XLD01_BA_BE = dict(total=4, carried_over=1, received=3, processed=3, not_processed=1,
                   eligible=3, eligible_cases=2, complaints=2, recommendations=1, prior_many=1,
                   prior_none=2, own=3, own_complaints=2, own_recommendations=1, replies=1)
XLD01_CHO_DON = dict(total=4, received=4, processed=3, not_processed=1, eligible=2,
                     eligible_cases=2, denunciations=1, recommendations=1, prior_once=1,
                     prior_many=1, other=2, forwarded=1, chased=1, replies=1)


def test_01_xld_every_column_by_hand(xld) -> None:  # type: ignore[no-untyped-def]
    result = fill(xld, "01/XLD")
    assert [c["number"] for c in result["columns"]] == list(range(1, 23))
    values = by_code(result)
    assert list(values) == ["061", "064", "06"]
    only(values["061"], **XLD01_BA_BE)
    only(values["064"], **XLD01_CHO_DON)
    only(values["06"], total=8, carried_over=1, received=7, processed=6, not_processed=2,
         eligible=5, eligible_cases=4, complaints=2, denunciations=1, recommendations=2,
         prior_once=1, prior_many=2, prior_none=2, own=3, own_complaints=2,
         own_recommendations=1, other=2, forwarded=1, chased=1, replies=2)


def test_01_xld_calendar_year_moves_the_cut_off(xld) -> None:  # type: ignore[no-untyped-def]
    """On the calendar year A is received before the period (10/12/2023) and still pending on
    1 January: carried over all the same; B and K stay out."""
    total = by_code(fill(xld, "01/XLD", period=year_period(2024)))["06"]
    assert (total["total"], total["carried_over"], total["received"]) == (8, 1, 7)
    # The official year 2023 ends on 14/12/2023: A, received on the 10th, is in it and not
    # processed by its end; B and I were processed in it, K too.
    last = by_code(fill(xld, "01/XLD", period=year_period(2023, official=True)))["06"]
    assert (last["total"], last["processed"], last["not_processed"]) == (4, 3, 1)


def test_02_to_04_xld_main_columns(xld) -> None:  # type: ignore[no-untyped-def]
    complaints = by_code(fill(xld, "02/XLD"))["06"]
    only(complaints, total=3, carried_over=1, received=2, processed=2, not_processed=1,
         eligible=2, eligible_cases=1, administrative_fields=1, land=1, other_fields=1,
         prior_many=1, prior_none=1, own=2, own_first=2, replies=1)
    denunciations = by_code(fill(xld, "03/XLD"))["06"]
    only(denunciations, total=2, received=2, processed=2, eligible=1, eligible_cases=1,
         other_fields=1, prior_many=1, other=1, chased=1)
    recommendations = by_code(fill(xld, "04/XLD"))["06"]
    only(recommendations, total=3, received=3, processed=2, not_processed=1, eligible=2,
         eligible_cases=2, policy=1, other_fields=1, prior_once=1, prior_none=1, own=1,
         other=1, forwarded=1, replies=1)


def test_a_reorganised_unit_rolls_into_its_successor(xld) -> None:  # type: ignore[no-untyped-def]
    """Xã Quảng Bạch (01966, in Chợ Đồn) ends on 30/06/2024 and goes to a new commune of Ba
    Bể: Ba Bể's form then counts what it holds, under the successor."""
    with xld.session() as s:
        add_locality(s, code="01999", name="Xã Quảng Bạch Mới", level="commune",
                     parent="061", valid_from="2024-07-01")
        # H, received on 01/07, moves to the successor (in its history).
        end_locality(s, locality="01966", on=dt.date(2024, 6, 30), successors=["01999"],
                     move_late_records=True)
    values = by_code(fill(xld, "01/XLD", locality="061"))
    assert list(values) == ["01861", "01864", "01870", "01999", "061"]
    # C, E (01966) come over with H; G stays in 01960, still in Chợ Đồn.
    assert (values["01999"]["total"], values["01999"]["other"],
            values["01999"]["replies"]) == (3, 2, 1)
    assert values["061"]["total"] == XLD01_BA_BE["total"] + 3
    assert by_code(fill(xld, "01/XLD"))["06"]["total"] == 8  # the province is unchanged


# --- 01/KQGQ and 03/KQGQ ----------------------------------------------------------------

@pytest.fixture
def kqgq(db, tree):  # type: ignore[no-untyped-def]
    with db.session() as s:
        # A: pending across the cut-off, accepted, resolved late (due 04/02) with results.
        petition(s, "A", "complaint", "2023-12-10", "01864", accepted_on="pending")
        accept_petition(s, "A", on="2024-01-05")
        close_petition(s, "A", outcome="resolved", closed_on="2024-02-20", verdict="upheld",
                       recovered_money=1.5, returned_people=2, disciplined=2,
                       disciplined_officials=1)
        # B: received and accepted before the period, resolved in it, late (due 31/12).
        petition(s, "B", "complaint", "2023-12-01", "01864")
        close_petition(s, "B", outcome="resolved", closed_on="2024-02-01", verdict="rejected")
        # F, Q: duplicates (of A, open; of B, resolved): no case of their own.
        petition(s, "F", "complaint", "2024-04-01", "01864", duplicate_of="A")
        petition(s, "Q", "complaint", "2024-03-01", "01864", duplicate_of="B")
        close_petition(s, "Q", outcome="resolved", closed_on="2024-03-25", verdict="upheld")
        # L: a second round, partly upheld (the first decision annulled), with results.
        petition(s, "L", "complaint", "2024-05-02", "01966", round=2)
        close_petition(s, "L", outcome="resolved", closed_on="2024-05-20",
                       verdict="partly_upheld", returned_money=2.25, returned_land=100.5,
                       prosecuted_cases=1, prosecuted_people=3)
        # M: withdrawn. N: resolved after the period. O: resolved before it. P: dismissed.
        petition(s, "M", "complaint", "2024-09-02", "01966")
        close_petition(s, "M", outcome="withdrawn", closed_on="2024-09-10")
        petition(s, "N", "complaint", "2024-11-01", "01864")
        close_petition(s, "N", outcome="resolved", closed_on="2024-12-20")
        petition(s, "O", "complaint", "2023-06-01", "01864")
        close_petition(s, "O", outcome="resolved", closed_on="2023-10-01")
        petition(s, "P", "complaint", "2024-02-01", "01864")
        close_petition(s, "P", outcome="dismissed", closed_on="2024-02-05")
        # Denunciations: founded with land recovered, a repeat one unfounded, a withdrawn
        # one, a duplicate of the first; and one guided (not within competence).
        petition(s, "R1", "denunciation", "2024-02-01", "01864", petitioner=SECRET[0],
                 id_number=SECRET[1], phone=SECRET[2], address=SECRET[3])
        close_petition(s, "R1", outcome="resolved", closed_on="2024-02-20", verdict="founded",
                       recovered_land=50)
        petition(s, "R2", "denunciation", "2024-03-01", "01966", prior="once")
        close_petition(s, "R2", outcome="resolved", closed_on="2024-03-15",
                       verdict="unfounded")
        petition(s, "R3", "denunciation", "2024-04-01", "01966")
        close_petition(s, "R3", outcome="withdrawn", closed_on="2024-04-10")
        petition(s, "R4", "denunciation", "2024-05-01", "01864", duplicate_of="R1")
        petition(s, "R5", "denunciation", "2024-05-01", "01864")
        close_petition(s, "R5", outcome="guided", closed_on="2024-05-02")
    return db


def test_01_kqgq_every_column_by_hand(kqgq) -> None:  # type: ignore[no-untyped-def]
    result = fill(kqgq, "01/KQGQ")
    assert [c["number"] for c in result["columns"]] == list(range(1, 25))
    values = by_code(result)
    only(values["061"], total=5, carried_over=2, received=3, cases=3, resolved=2,
         by_decision=2, first_right=1, first_wrong=1, recovered_money=1.5, returned_people=2,
         disciplined=2, disciplined_officials=1, late=2)
    only(values["064"], total=2, received=2, cases=2, resolved=2, by_decision=1, withdrawn=1,
         second_annulled=1, returned_money=2.25, returned_land=100.5, prosecuted_cases=1,
         prosecuted_people=3, on_time=2)
    only(values["06"], total=7, carried_over=2, received=5, cases=5, resolved=4,
         by_decision=3, withdrawn=1, first_right=1, first_wrong=1, second_annulled=1,
         recovered_money=1.5, returned_money=2.25, returned_land=100.5, returned_people=2,
         disciplined=2, disciplined_officials=1, prosecuted_cases=1, prosecuted_people=3,
         on_time=2, late=2)
    assert isinstance(values["06"]["recovered_land"], float)
    assert isinstance(values["06"]["returned_people"], int)


def test_03_kqgq_main_columns(kqgq) -> None:  # type: ignore[no-untyped-def]
    only(by_code(fill(kqgq, "03/KQGQ"))["06"], total=4, received=4, cases=3, repeat_cases=1,
         resolved=3, resolved_first=1, resolved_repeat=1, withdrawn=1, founded=1,
         unfounded=1, recovered_land=50.0, on_time=3)


# --- 01/TCD -----------------------------------------------------------------------------

@pytest.fixture
def tcd(db, tree):  # type: ignore[no-untyped-def]
    with db.session() as s:
        petition(s, "TA", "complaint", "2023-12-10", "01864")
        petition(s, "TH", "denunciation", "2024-07-01", "01966")
        add_meeting(s, ref="M1", date="2024-03-15", locality="01864", kind="regular",
                    body="government")
        add_meeting(s, ref="M2", date="2024-07-01", locality="01966", kind="periodic",
                    body="government")
        add_meeting(s, ref="M3", date="2024-08-01", locality="01966", kind="unscheduled",
                    body="party")
        add_meeting(s, ref="M4", date="2024-12-20", locality="01864", kind="regular",
                    body="government")
        add_meeting(s, ref="M5", date="2023-12-16", locality="01864", kind="regular",
                    body="government")
        # V1 is about TA, received before the visit: a repeat. V2, V4, V6: cases of their own.
        add_visit(s, meeting="M1", people=1, kind="complaint", direction="accepted",
                  petition="TA")
        add_visit(s, meeting="M1", people=6, group=True, kind="complaint", direction="guided")
        # V3 about TH on the day TH was received: first; V5 about TH again: a repeat.
        add_visit(s, meeting="M2", people=2, kind="denunciation", direction="accepted",
                  petition="TH", visitor=SECRET[0], phone=SECRET[2])
        add_visit(s, meeting="M2", people=5, group=True, delegated=True,
                  kind="recommendation", direction="forwarded")
        add_visit(s, meeting="M3", people=1, kind="denunciation", direction="accepted",
                  petition="TH")
        add_visit(s, meeting="M4", people=9, kind="reflection", direction="guided")
        add_visit(s, meeting="M5", people=3, kind="reflection", direction="guided")
    return db


def test_01_tcd_by_hand(tcd) -> None:  # type: ignore[no-untyped-def]
    result = fill(tcd, "01/TCD")
    assert [c["number"] for c in result["columns"]] == list(range(1, 30))
    values = by_code(result)
    only(values["061"], visits=3, people=10, cases=3, regular_visits=3, regular_people=10,
         regular_first=2, regular_repeat=1, regular_groups=1, regular_group_people=6,
         regular_group_first=1)
    only(values["064"], visits=3, people=8, cases=2, head_sessions=2, head_visits=2,
         head_people=3, head_first=1, head_repeat=1, delegated_sessions=1,
         delegated_visits=1, delegated_people=5, delegated_first=1, delegated_groups=1,
         delegated_group_people=5, delegated_group_first=1)
    assert values["06"]["visits"] == 6 and values["06"]["people"] == 18
    # M4 (20/12) is after the official year's end, M5 (16/12/2023) within it.
    assert by_code(fill(tcd, "01/TCD", period=year_period(2024)))["06"]["visits"] == 6 - 1 + 1


# --- a declaration, the result's shape, secrecy ------------------------------------------

LAND_DENUNCIATIONS = Form(
    number="99/TEST", title="Tố cáo về đất đai", source="petition", frame=("to_process",),
    where=("kind:denunciation",),
    columns=(Column(1, "land", "Đơn về đất đai", figure("field:land")),
             Column(2, "land_chased", "Đôn đốc", figure("field:land outcome:chased"),
                    groups=("Đất đai",)),
             Column(3, "replies", "Phúc đáp", figure("reply", framed=False))),
)


def test_a_new_layout_is_a_declaration(db, tree) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        petition(s, "T1", "denunciation", "2024-03-01", "01864", field="land")
        close_petition(s, "T1", outcome="chased", closed_on="2024-03-02")
        petition(s, "T2", "denunciation", "2024-03-01", "01966", field="land")
        petition(s, "T3", "denunciation", "2024-03-01", "01966", field="party")
        petition(s, "T4", "complaint", "2024-03-01", "01966", field="land")
    result = fill(db, LAND_DENUNCIATIONS)
    assert result["form"] == {"number": "99/TEST", "title": "Tố cáo về đất đai"}
    assert result["columns"][1] == {"number": 2, "key": "land_chased", "label": "Đôn đốc",
                                    "groups": ["Đất đai"]}
    values = by_code(result)
    assert values["061"] == {"land": 1, "land_chased": 1, "replies": 0}
    assert values["064"] == {"land": 1, "land_chased": 0, "replies": 0}
    assert values["06"] == {"land": 2, "land_chased": 1, "replies": 0}


def test_the_result_is_the_shared_contract(xld) -> None:  # type: ignore[no-untyped-def]
    with xld.session() as s:
        result = forms.fill_form(s, "01/xld", period=OFFICIAL_2024, locality="bac kan",
                                 body="UBND TỈNH BẮC KẠN")
    assert list(result) == ["form", "body", "period", "locality", "columns", "rows", "total"]
    assert result["period"] == {"from": "2023-12-15", "to": "2024-12-14", "official": True}
    assert result["body"] == "UBND TỈNH BẮC KẠN"
    assert result["locality"] == result["total"]["locality"] == {"code": "06",
                                                                 "name": "Bắc Kạn"}
    assert result["columns"][0] == {"number": 1, "key": "total", "label": "Tổng số đơn",
                                    "groups": ["Tiếp nhận"]}
    assert [r["locality"] for r in result["rows"]] == [
        {"code": "061", "name": "Huyện Ba Bể"}, {"code": "064", "name": "Huyện Chợ Đồn"}]
    keys = [c["key"] for c in result["columns"]]
    for entry in [*result["rows"], result["total"]]:
        assert list(entry["values"]) == keys


@pytest.mark.parametrize("number", list(forms.FORMS))
def test_no_identity_in_any_form(xld, tcd, number, cli) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("json", "csv", "table"):
        result = cli("form", number, "--year", "2024", "--official", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        for value in SECRET:
            assert value not in result.stdout + result.stderr


def test_the_forms_light_tables_name_real_columns() -> None:
    from dantrack import models
    from dantrack.forms import petition_sql, visit_sql

    for light, model in ((petition_sql.petition, models.Petition),
                         (visit_sql.visit, models.Visit), (visit_sql.meeting, models.Meeting)):
        assert light.name == model.__table__.name
        assert set(light.c.keys()) <= set(model.__table__.c.keys()), light.name
    # Every stored result of a resolution can be summed by a form.
    from dantrack.kinds import RESULT_FIELDS

    assert set(RESULT_FIELDS) == petition_sql.AMOUNTS


def test_a_declaration_naming_an_unknown_condition_fails_loudly(db, tree) -> None:  # type: ignore[no-untyped-def]
    broken = Form(number="98/TEST", title="x", source="petition",
                  columns=(Column(1, "x", "x", figure("no_such_condition")),))
    with pytest.raises(ValueError, match="no condition 'no_such_condition'"):
        fill(db, broken)


# --- the command line -------------------------------------------------------------------


def test_cli_json_csv_and_table(xld, cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("form", "01/XLD", "--year", "2024", "--official", "--locality", "06",
              "--format", "json", "--body-name", "UBND TỈNH BẮC KẠN")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["body"] == "UBND TỈNH BẮC KẠN"
    assert data["total"]["values"]["total"] == 8
    csv = cli("form", "01/XLD", "--quarter", "Q1/2024", "--official", "--format", "csv")
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("code,name,1_total,2_carried_over,3_received,4_processed,")
    assert lines[0].endswith(",21_chased,22_replies")
    assert [line.split(",")[0] for line in lines[1:]] == ["061", "064", "06"]
    # Official Q1: A (carried over), C (received 01/03), I's reply (10/01).
    assert lines[3].split(",")[2:5] == ["2", "1", "1"]
    table = cli("form", "01/KQGQ", "--year", "2024", "--official").stdout
    assert table.startswith("01/KQGQ Tổng hợp kết quả giải quyết khiếu nại thuộc thẩm quyền — "
                            "Bắc Kạn (06), 2023-12-15 to 2024-12-14, official\n")
    assert "Total: Bắc Kạn" in table and "23  Chấp hành thời hạn giải quyết / Đúng hạn" in table


def test_cli_output_file(xld, cli, tmp_path: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "form.csv"
    out = cli("form", "04/XLD", "--year", "2024", "--official", "-f", "csv", "-o", str(target))
    assert out.exit_code == 0 and out.stdout == ""
    assert out.stderr == f"Wrote 04/XLD to {target}\n"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeffcode,name,1_total,")
    if "://" not in database_url:  # the database's own file is refused
        refused = cli("form", "04/XLD", "--year", "2024", "-f", "json", "-o", database_url)
        assert refused.exit_code == 1 and "Traceback" not in refused.stderr


def test_cli_xlsx(xld, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = cli("form", "01/XLD", "--year", "2024", "--format", "xlsx")
    assert missing.exit_code == 2 and "give -o FILE.xlsx" in missing.stderr
    target = tmp_path / "form.xlsx"
    out = cli("form", "01/XLD", "--year", "2024", "--format", "xlsx", "-o", str(target))
    try:
        import dantrack.xlsx  # type: ignore[import-not-found]  # noqa: F401
    except ModuleNotFoundError:
        assert out.exit_code == 2 and out.stdout == ""
        assert out.stderr == ("Error: --format xlsx: this build of dantrack has no XLSX writer "
                              "(dantrack.xlsx)\n")
        assert not target.exists()
    else:
        assert out.exit_code == 0, out.stderr
        assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["05/XLD", "--year", "2024"], 2,
     "Error: no form '05/XLD': the forms are 01/TCD, 01/XLD, 02/XLD, 03/XLD, 04/XLD, "
     "01/KQGQ, 03/KQGQ\n"),
    (["01/XLD", "--year", "2024", "--locality", "Hà Nội"], 1, None),
    (["01/XLD", "--year", "2024", "--format", "pdf"], 2, None),
])
def test_cli_errors(xld, cli, args, code, message) -> None:  # type: ignore[no-untyped-def]
    result = cli("form", *args)
    assert result.exit_code == code
    assert result.stdout == "" and "Traceback" not in result.stderr
    if message is not None:
        assert result.stderr == message


def test_cli_missing_database(cli, db_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("form", "01/TCD", "--year", "2024")
    assert result.exit_code == 4
    assert not db_path.exists()
