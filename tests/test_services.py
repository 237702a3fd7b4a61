"""The domain services, used as a library: no Typer, one session per test."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from dantrack.errors import Ambiguous, Conflict, InvalidInput, NotFound, RuleError
from dantrack.kinds import RESULT_FIELDS
from dantrack.models import Petition
from dantrack.services import history
from dantrack.services.localities import (
    add_locality,
    list_localities,
    public_localities,
    resolve_locality,
)
from dantrack.services.meetings import (
    add_dialogue,
    add_meeting,
    list_dialogues,
    list_meetings,
    show_dialogue,
    show_meeting,
)
from dantrack.services.petitions import (
    add_petition,
    close_petition,
    edit_petition,
    get_petition,
    list_petitions,
    reopen_petition,
    show_petition,
)
from dantrack.vocab import Status

TODAY = date(2024, 12, 31)


@pytest.fixture
def s(tree, session):  # type: ignore[no-untyped-def]
    """A session on a database holding the locality tree of conftest."""
    return session


def petition(s, **fields):  # type: ignore[no-untyped-def]
    values = {"kind": "complaint", "received_on": "2024-03-01", "locality": "01864",
              "subject": "Đền bù đất"}
    values.update(fields)
    return add_petition(s, **values)


def events(s, ref: str) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    return [(e.action, e.operator, json.loads(e.changes))
            for e in history.events(s, get_petition(s, ref))]


def refs(records) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.ref for r in records]


# --- localities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("01864", "01864"),
        (" 061 ", "061"),
        ("01864-01", "01864-01"),
        # a name equal but for case and diacritics
        ("bac kan", "06"),
        ("BẮC KẠN", "06"),
        ("Huyện Chợ Đồn", "064"),
        ("huyen cho don", "064"),
        ("xa cao thuong", "01864"),
        # a name equal once prefixes are set aside, on either side
        ("cho don", "064"),
        ("Ba Bể", "061"),
        ("cao thuong", "01864"),
        ("Chợ Rã", "01861"),
        ("Xã Chợ Rã", "01861"),  # a different prefix is set aside too
        ("Tỉnh Bắc Kạn", "06"),
        ("na mon", "01864-01"),
        ("quang bach", "01966"),
    ],
)
def test_resolve_locality_by_code_name_or_bare_name(s, text: str, code: str) -> None:
    assert resolve_locality(s, text).code == code


def test_an_exact_code_wins_over_a_name(s) -> None:
    add_locality(s, code="7", name="Thôn Bảy", level="village", parent="01864")
    add_locality(s, code="T07", name="Xóm 7", level="village", parent="01864")
    assert resolve_locality(s, "7").name == "Thôn Bảy"
    assert resolve_locality(s, "xom 7").code == "T07"


def test_a_full_name_match_wins_over_a_match_without_prefix(s) -> None:
    add_locality(s, code="01864-02", name="Cao Thượng", level="village", parent="01864")
    assert resolve_locality(s, "cao thuong").code == "01864-02"
    assert resolve_locality(s, "Xã Cao Thượng").code == "01864"


def test_a_village_named_with_its_prefix(s) -> None:
    add_locality(s, code="V9", name="Bản Lằn", level="village", parent="01966")
    assert resolve_locality(s, "Bản Lằn").code == "V9"
    assert resolve_locality(s, "ban lan").code == "V9"
    assert resolve_locality(s, "lan").code == "V9"


def test_names_whose_first_word_looks_like_a_prefix(s) -> None:
    # "Quan" and "Tô" are also prefixes (Quận, Tổ) once diacritics are gone; real units:
    # Huyện Quan Hóa (Thanh Hóa), Phường Tô Hiệu (Sơn La).
    add_locality(s, code="128", name="Huyện Quan Hóa", level="district", parent="06")
    add_locality(s, code="03970", name="Phường Tô Hiệu", level="phường", parent="06")
    assert resolve_locality(s, "Huyện Quan Hóa").code == "128"
    assert resolve_locality(s, "Quan Hóa").code == "128"
    assert resolve_locality(s, "quan hoa").code == "128"
    assert resolve_locality(s, "Tô Hiệu").code == "03970"


def test_an_ambiguous_name_lists_candidates_with_codes_and_parents(s) -> None:
    for text in ("tran phu", "Xã Trần Phú"):
        with pytest.raises(Ambiguous) as excinfo:
            resolve_locality(s, text)
        assert excinfo.value.exit_code == 1
        assert excinfo.value.message == (
            f"locality {text!r} is ambiguous: 01870 Xã Trần Phú in Huyện Ba Bể (061); "
            "01960 Xã Trần Phú in Huyện Chợ Đồn (064) — give the code"
        )
    assert resolve_locality(s, "01960").name == "Xã Trần Phú"


def test_an_unknown_locality_is_not_found(s) -> None:
    with pytest.raises(NotFound) as excinfo:
        resolve_locality(s, "Hà Nội")
    assert excinfo.value.exit_code == 1
    assert excinfo.value.message == "no locality with code or name 'Hà Nội'"


def test_add_locality_rules(s) -> None:
    with pytest.raises(Conflict, match=r"^locality 061 exists already: Huyện Ba Bể, "
                       r"valid always — a new unit "
                       r"with this code must begin after it ends$"):
        add_locality(s, code="061", name="Huyện Khác", level="district", parent="06")
    with pytest.raises(NotFound, match="no locality with code or name 'Lạng Sơn'"):
        add_locality(s, code="99", name="Xã Mới", level="commune", parent="Lạng Sơn")
    with pytest.raises(Ambiguous):
        add_locality(s, code="99", name="Thôn Mới", level="village", parent="tran phu")
    with pytest.raises(InvalidInput) as excinfo:
        add_locality(s, code="01 864", name="Xã Mới", level="commune")
    assert excinfo.value.exit_code == 3
    assert excinfo.value.field == "code"
    with pytest.raises(InvalidInput, match="name"):
        add_locality(s, code="99", name="   ", level="commune")


def test_add_locality_by_parent_name_and_level_is_lower_case(s) -> None:
    row = add_locality(s, code="01867", name="Xã Địa Linh", level="Commune", parent="Ba Bể")
    [public] = public_localities(s, [row])
    assert public.model_dump() == {"code": "01867", "name": "Xã Địa Linh", "level": "commune",
                                   "parent": "061", "parent_name": "Huyện Ba Bể",
                                   "valid_from": None, "valid_to": None, "successors": ""}


def test_list_localities_in_tree_order(s) -> None:
    assert [r.code for r in list_localities(s)] == [
        "06", "061", "01861", "01864", "01864-01", "01870", "064", "01960", "01966"]


def test_list_localities_under_a_subtree(s) -> None:
    # A second province with ids 10 and up: its path must not pass for a child of id 1.
    add_locality(s, code="04", name="Cao Bằng", level="province")
    for n in range(6):
        add_locality(s, code=f"04{n}", name=f"Huyện {n}", level="district", parent="04")
    assert [r.code for r in list_localities(s, under="Ba Bể")] == [
        "061", "01861", "01864", "01864-01", "01870"]
    assert [r.code for r in list_localities(s, under="cao thuong")] == ["01864", "01864-01"]
    assert [r.code for r in list_localities(s, under="06")] == [
        "06", "061", "01861", "01864", "01864-01", "01870", "064", "01960", "01966"]
    assert [r.code for r in list_localities(s, under="Cao Bằng")] == [
        "04", "040", "041", "042", "043", "044", "045"]


# --- meetings and dialogues ----------------------------------------------------------------


def test_meetings_get_refs_per_year_and_accept_vietnamese_words(s) -> None:
    first = add_meeting(s, date="15/03/2024", locality="Ba Bể", kind="định kỳ",
                        body="chính quyền", host="Hoàng Văn Sơn", citizens=4, delegations=1)
    second = add_meeting(s, date="2024-04-02", locality="01864", kind="regular", body="party")
    older = add_meeting(s, date="2023-12-30", locality="064", kind="đột xuất", body="mặt trận")
    assert (first.ref, second.ref, older.ref) == ("M2024-00001", "M2024-00002", "M2023-00001")
    shown = show_meeting(s, "M2024-00001")
    assert shown.model_dump() == {
        "ref": "M2024-00001", "date": date(2024, 3, 15), "locality": "061",
        "locality_name": "Huyện Ba Bể", "kind": "periodic", "body": "government",
        "host": "Hoàng Văn Sơn", "host_title": "", "place": "", "citizens": 4,
        "delegations": 1, "note": "",
    }
    assert show_meeting(s, "M2023-00001").kind == "unscheduled"
    assert show_meeting(s, "M2023-00001").body == "front"


def test_meeting_list_filters(s) -> None:
    add_meeting(s, date="2024-03-15", locality="061", kind="periodic", body="government")
    add_meeting(s, date="2024-04-02", locality="01864-01", kind="regular", body="party")
    add_meeting(s, date="2024-05-02", locality="01960", kind="regular", body="government")
    add_meeting(s, date="2023-05-02", locality="01864", kind="regular", body="government")
    assert refs(list_meetings(s)) == ["M2023-00001", "M2024-00001", "M2024-00002",
                                      "M2024-00003"]
    assert refs(list_meetings(s, year=2024)) == ["M2024-00001", "M2024-00002", "M2024-00003"]
    assert refs(list_meetings(s, locality="Ba Bể")) == ["M2023-00001", "M2024-00001",
                                                        "M2024-00002"]
    assert refs(list_meetings(s, locality="Chợ Đồn")) == ["M2024-00003"]
    assert refs(list_meetings(s, year=2024, locality="06", body="chinh quyen")) == [
        "M2024-00001", "M2024-00003"]
    assert refs(list_meetings(s, body="Đảng")) == ["M2024-00002"]
    with pytest.raises(InvalidInput, match="invalid body 'army'"):
        list_meetings(s, body="army")


def test_meeting_rules(s) -> None:
    add_meeting(s, ref="M2024-00001", date="2024-03-15", locality="061", kind="regular",
                body="party")
    with pytest.raises(RuleError, match=r"^meeting M2024-00001 exists already$"):
        add_meeting(s, ref="M2024-00001", date="2024-03-15", locality="061", kind="regular",
                    body="party")
    with pytest.raises(InvalidInput) as excinfo:
        add_meeting(s, date="2024-03-15", locality="061", kind="regular", body="party",
                    citizens=-1)
    assert (excinfo.value.field, excinfo.value.exit_code) == ("citizens", 3)
    with pytest.raises(InvalidInput, match="invalid date '31/02/2024': no such day"):
        add_meeting(s, date="31/02/2024", locality="061", kind="regular", body="party")
    with pytest.raises(InvalidInput, match="invalid kind 'weekly'"):
        add_meeting(s, date="2024-03-15", locality="061", kind="weekly", body="party")
    with pytest.raises(NotFound, match=r"^no meeting with ref 'M2024-00009'$"):
        show_meeting(s, "M2024-00009")
    with pytest.raises(Ambiguous):
        add_meeting(s, date="2024-03-15", locality="tran phu", kind="regular", body="party")


def test_dialogues(s) -> None:
    petition(s)
    dialogue = add_dialogue(s, date="02/05/2024", locality="cao thuong", body="government",
                            leader="Nguyễn Văn An", leader_title="Chủ tịch", citizens=12,
                            topic="Đất rừng", outcome="Thống nhất phương án",
                            petition="P2024-00001")
    add_dialogue(s, date="2024-06-01", locality="01960", body="party")
    add_dialogue(s, date="2023-06-01", locality="01864-01", body="party")
    assert dialogue.ref == "D2024-00001"
    assert show_dialogue(s, "D2024-00001").model_dump() == {
        "ref": "D2024-00001", "date": date(2024, 5, 2), "locality": "01864",
        "locality_name": "Xã Cao Thượng", "body": "government", "leader": "Nguyễn Văn An",
        "leader_title": "Chủ tịch", "citizens": 12, "topic": "Đất rừng",
        "outcome": "Thống nhất phương án", "petition": "P2024-00001", "history": [],
    }
    assert refs(list_dialogues(s, year=2024)) == ["D2024-00001", "D2024-00002"]
    assert refs(list_dialogues(s, locality="Ba Bể")) == ["D2023-00001", "D2024-00001"]
    assert refs(list_dialogues(s, body="party")) == ["D2023-00001", "D2024-00002"]
    with pytest.raises(NotFound, match=r"^petition: no petition with ref 'P2024-00009'$"):
        add_dialogue(s, date="2024-06-01", locality="01960", body="party",
                     petition="P2024-00009")
    with pytest.raises(NotFound, match=r"^no dialogue with ref 'D2024-00042'$"):
        show_dialogue(s, "D2024-00042")


# --- refs ----------------------------------------------------------------------------------


def test_petition_refs_are_numbered_per_year(s, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", "2025-01-01")
    assert petition(s).ref == "P2024-00001"
    assert petition(s).ref == "P2024-00002"
    assert petition(s, received_on="2023-11-30").ref == "P2023-00001"
    assert petition(s, received_on="31/12/2024").ref == "P2024-00003"
    assert petition(s, received_on="2025-01-01").ref == "P2025-00001"


def test_an_explicit_ref_in_generated_form_moves_the_sequence(s) -> None:
    assert petition(s).ref == "P2024-00001"
    assert petition(s, ref="P2024-00010").ref == "P2024-00010"
    assert petition(s).ref == "P2024-00011"
    # a lower number given by hand does not move the sequence back
    assert petition(s, ref="P2024-00005").ref == "P2024-00005"
    assert petition(s).ref == "P2024-00012"
    # other years, other prefixes and free-form refs leave it alone
    petition(s, ref="P2023-00040")
    petition(s, ref="M2024-00090")
    petition(s, ref="KN-17/2024")
    assert petition(s).ref == "P2024-00013"
    assert petition(s, received_on="2023-01-01").ref == "P2023-00041"


def test_sequences_survive_the_session(tree, db) -> None:
    with db.session() as first:
        petition(first)
        petition(first)
    with db.session() as second:
        assert petition(second).ref == "P2024-00003"


def test_a_ref_cannot_be_used_twice(s) -> None:
    petition(s, ref="P2024-00007")
    with pytest.raises(RuleError) as excinfo:
        petition(s, ref="P2024-00007")
    assert excinfo.value.exit_code == 1
    assert excinfo.value.message == "petition P2024-00007 exists already"


# --- adding petitions ----------------------------------------------------------------------


def test_add_petition_normalises_and_computes_the_deadline(s) -> None:
    row = petition(s, kind="Khiếu nại", received_on="01/03/2024", locality="cao thuong",
                   petitioner="Hoàng Văn Sơn", id_number="001 234 567 890",
                   phone="+84 912 345 678", address="Thôn Nà Mòn", channel="bưu điện",
                   complex="có")
    assert (row.kind, row.channel, row.competence) == ("complaint", "mail", "own")
    assert (row.id_number, row.phone) == ("001234567890", "0912345678")
    assert (row.accepted_on, row.due_on) == (date(2024, 3, 1), date(2024, 4, 15))
    assert row.complex is True and row.remote is False
    assert row.closed_on is None


def test_accepted_on_moves_the_deadline_and_may_not_precede_receipt(s) -> None:
    row = petition(s, kind="reflection", received_on="2024-03-01", accepted_on="2024-03-04")
    assert row.due_on == date(2024, 3, 18)
    with pytest.raises(InvalidInput) as excinfo:
        petition(s, received_on="2024-03-04", accepted_on="2024-03-01")
    assert excinfo.value.exit_code == 3
    assert excinfo.value.field == "accepted_on"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "grievance"}, "kind", "invalid kind 'grievance': must be one of "
         "complaint (khiếu nại), denunciation (tố cáo), "
         "recommendation (kiến nghị), reflection (phản ánh)"),
        ({"received_on": "2024-02-30"}, "received_on",
         "invalid received_on '2024-02-30': no such day in the calendar"),
        ({"phone": "12345"}, "phone", "invalid phone '12345': expected a 10-digit mobile "
         "(03/05/07/08/09…) or an 11-digit landline (02…)"),
        ({"id_number": "1234567890"}, "id_number", "invalid id_number '1234567890': expected "
         "12 digits (citizen ID) or 9 digits (legacy ID)"),
        ({"signatories": 0}, "signatories",
         "invalid signatories 0: Input should be greater than or equal to 1"),
        ({"channel": "fax"}, "channel", None),
        ({"competence": "partial"}, "competence", None),
    ],
)
def test_add_petition_rejects_invalid_fields(s, fields, field, message) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        petition(s, **fields)
    assert excinfo.value.exit_code == 3
    assert excinfo.value.field == field
    if message:
        assert excinfo.value.message == message


def test_a_missing_field_is_named(s) -> None:
    with pytest.raises(InvalidInput, match=r"^received_on is required$"):
        add_petition(s, kind="complaint", locality="01864")


def test_duplicate_of_and_meeting_must_name_existing_records(s) -> None:
    original = petition(s)
    copy = petition(s, duplicate_of=original.ref)
    assert copy.duplicate_of_id == original.id
    with pytest.raises(NotFound) as excinfo:
        petition(s, duplicate_of="P2024-00042")
    assert excinfo.value.message == "duplicate_of: no petition with ref 'P2024-00042'"
    assert excinfo.value.exit_code == 1
    with pytest.raises(NotFound, match=r"^meeting: no meeting with ref 'M2024-00001'$"):
        petition(s, meeting="M2024-00001")
    add_meeting(s, date="2024-03-01", locality="061", kind="regular", body="government")
    assert petition(s, meeting="M2024-00001").meeting_id is not None


# --- editing -------------------------------------------------------------------------------


def test_edit_records_only_real_changes_and_recomputes_the_deadline(s) -> None:
    petition(s)
    row, changes = edit_petition(s, "P2024-00001", subject="Tranh chấp đất rừng", complex=True,
                                 kind="khiếu nại")
    assert changes == {"subject": ["Đền bù đất", "Tranh chấp đất rừng"],
                       "complex": [False, True]}
    assert row.due_on == date(2024, 4, 15)
    assert events(s, "P2024-00001")[-1] == ("edited", "tester", changes)


def test_edit_with_current_values_changes_nothing(s) -> None:
    petition(s)
    row, changes = edit_petition(s, "P2024-00001", subject="Đền bù đất", locality="cao thuong")
    assert changes == {}
    assert [e[0] for e in events(s, "P2024-00001")] == ["created"]


def test_edit_receipt_date_carries_a_default_acceptance_date(s) -> None:
    petition(s)
    row, changes = edit_petition(s, "P2024-00001", received_on="05/03/2024")
    assert changes == {"received_on": ["2024-03-01", "2024-03-05"],
                       "accepted_on": ["2024-03-01", "2024-03-05"]}
    assert row.due_on == date(2024, 4, 4)


def test_edit_locality_and_links(s) -> None:
    original = petition(s)
    petition(s)
    row, changes = edit_petition(s, "P2024-00002", locality="Quảng Bạch",
                                 duplicate_of=original.ref)
    assert changes == {"locality": ["01864", "01966"], "duplicate_of": [None, "P2024-00001"]}
    row, changes = edit_petition(s, "P2024-00002", duplicate_of="")
    assert changes == {"duplicate_of": ["P2024-00001", None]}
    assert row.duplicate_of_id is None


def test_edit_rules(s) -> None:
    petition(s)
    with pytest.raises(RuleError, match="nothing to change"):
        edit_petition(s, "P2024-00001")
    with pytest.raises(NotFound, match=r"^no petition with ref 'P2024-99999'$"):
        edit_petition(s, "P2024-99999", subject="x")
    with pytest.raises(RuleError, match="cannot duplicate itself"):
        edit_petition(s, "P2024-00001", duplicate_of="P2024-00001")
    with pytest.raises(NotFound, match="duplicate_of: no petition"):
        edit_petition(s, "P2024-00001", duplicate_of="P2024-00042")
    with pytest.raises(InvalidInput) as excinfo:
        edit_petition(s, "P2024-00001", accepted_on="2024-02-01")
    assert (excinfo.value.exit_code, excinfo.value.field) == (3, "accepted_on")
    with pytest.raises(InvalidInput, match="invalid phone"):
        edit_petition(s, "P2024-00001", phone="0912")
    close_petition(s, "P2024-00001", outcome="resolved", verdict="upheld", closed_on="2024-03-20")
    with pytest.raises(InvalidInput, match="after the close date 2024-03-20"):
        edit_petition(s, "P2024-00001", received_on="2024-03-25")
    # the kept verdict must still fit the kind
    with pytest.raises(RuleError, match="verdict upheld does not fit a denunciation"):
        edit_petition(s, "P2024-00001", kind="tố cáo")
    assert get_petition(s, "P2024-00001").kind == "complaint"


# --- close and reopen ----------------------------------------------------------------------


def test_close_with_a_vietnamese_verdict(s) -> None:
    petition(s)
    row = close_petition(s, "P2024-00001", outcome="giải quyết", verdict="đúng một phần",
                         closed_on="20/03/2024", note="Quyết định số 12")
    assert (row.closed_on, row.outcome, row.verdict, row.note) == (
        date(2024, 3, 20), "resolved", "partly_upheld", "Quyết định số 12")
    assert events(s, "P2024-00001")[-1] == ("closed", "tester", {
        "closed_on": "2024-03-20", "outcome": "resolved", "verdict": "partly_upheld",
        "note": "Quyết định số 12"})


def test_verdict_words_follow_the_kind(s) -> None:
    petition(s, kind="denunciation")
    row = close_petition(s, "P2024-00001", outcome="resolved", verdict="đúng",
                         closed_on="2024-03-20")
    assert row.verdict == "founded"


@pytest.mark.parametrize(
    ("kind", "verdict", "message"),
    [
        ("complaint", "founded", "verdict founded does not fit a complaint "
         "(allowed: partly_upheld, rejected, upheld)"),
        ("denunciation", "rejected", "verdict rejected does not fit a denunciation "
         "(allowed: founded, partly_founded, unfounded)"),
        ("recommendation", "upheld", "verdict upheld does not fit a recommendation "
         "(allowed: none)"),
    ],
)
def test_a_verdict_must_fit_the_kind(s, kind: str, verdict: str, message: str) -> None:
    petition(s, kind=kind)
    with pytest.raises(RuleError) as excinfo:
        close_petition(s, "P2024-00001", outcome="resolved", verdict=verdict,
                       closed_on="2024-03-20")
    assert excinfo.value.exit_code == 1
    assert excinfo.value.message == message
    assert get_petition(s, "P2024-00001").closed_on is None


def test_a_verdict_only_goes_with_resolved(s) -> None:
    petition(s)
    with pytest.raises(RuleError, match="only with outcome resolved, not withdrawn"):
        close_petition(s, "P2024-00001", outcome="withdrawn", verdict="upheld",
                       closed_on="2024-03-20")


def test_closing_a_closed_petition_is_refused(s) -> None:
    petition(s)
    close_petition(s, "P2024-00001", outcome="resolved", closed_on="2024-03-20")
    with pytest.raises(RuleError) as excinfo:
        close_petition(s, "P2024-00001", outcome="dismissed", closed_on="2024-03-21")
    assert excinfo.value.exit_code == 1
    assert excinfo.value.message == (
        "petition P2024-00001 is already closed (resolved on 2024-03-20); reopen it first")
    assert get_petition(s, "P2024-00001").outcome == "resolved"


def test_close_date_before_receipt_is_invalid_input(s) -> None:
    petition(s)
    with pytest.raises(InvalidInput) as excinfo:
        close_petition(s, "P2024-00001", outcome="resolved", closed_on="29/02/2024")
    assert excinfo.value.exit_code == 3
    assert excinfo.value.field == "closed_on"
    assert excinfo.value.message == (
        "invalid closed_on '2024-02-29': before received_on 2024-03-01")
    # the day of receipt itself is fine
    assert close_petition(s, "P2024-00001", outcome="dismissed",
                          closed_on="2024-03-01").closed_on == date(2024, 3, 1)


def test_close_unknown_ref_and_outcome(s) -> None:
    with pytest.raises(NotFound, match=r"^no petition with ref 'P2024-99999'$"):
        close_petition(s, "P2024-99999", outcome="resolved", closed_on="2024-03-20")
    petition(s)
    with pytest.raises(InvalidInput) as excinfo:
        close_petition(s, "P2024-00001", outcome="done", closed_on="2024-03-20")
    assert excinfo.value.field == "outcome"


@pytest.mark.parametrize("outcome", ["guided", "forwarded", "hướng dẫn", "chuyển đơn"])
def test_guided_or_forwarded_sets_competence_other(s, outcome: str) -> None:
    petition(s)
    row = close_petition(s, "P2024-00001", outcome=outcome, closed_on="2024-03-05")
    assert row.competence == "other"
    assert events(s, "P2024-00001")[-1][2]["competence"] == ["own", "other"]


@pytest.mark.parametrize("outcome", ["resolved", "withdrawn", "dismissed"])
def test_other_outcomes_keep_competence(s, outcome: str) -> None:
    petition(s)
    assert close_petition(s, "P2024-00001", outcome=outcome,
                          closed_on="2024-03-05").competence == "own"


def test_reopen_clears_the_close_out(s) -> None:
    petition(s)
    close_petition(s, "P2024-00001", outcome="resolved", verdict="rejected",
                   closed_on="2024-03-20", note="QĐ 5")
    row = reopen_petition(s, "P2024-00001", reason="Quyết định bị hủy")
    assert (row.closed_on, row.outcome, row.verdict, row.note) == (None, None, None, "")
    assert events(s, "P2024-00001")[-1] == ("reopened", "tester", {
        "reason": "Quyết định bị hủy",
        "cleared": {"closed_on": "2024-03-20", "outcome": "resolved", "verdict": "rejected",
                    "note": "QĐ 5"}})
    # and it can be closed again
    assert close_petition(s, "P2024-00001", outcome="withdrawn",
                          closed_on="2024-04-01").outcome == "withdrawn"


def test_reopen_restores_competence_set_by_guided(s) -> None:
    petition(s)
    petition(s, competence="other")
    close_petition(s, "P2024-00001", outcome="guided", closed_on="2024-03-05")
    close_petition(s, "P2024-00002", outcome="forwarded", closed_on="2024-03-05")
    assert reopen_petition(s, "P2024-00001", reason="sai thẩm quyền").competence == "own"
    assert events(s, "P2024-00001")[-1][2]["competence"] == ["other", "own"]
    # competence recorded as other from the start stays other
    assert reopen_petition(s, "P2024-00002", reason="x").competence == "other"
    assert "competence" not in events(s, "P2024-00002")[-1][2]


def test_reopen_rules(s) -> None:
    petition(s)
    with pytest.raises(RuleError) as excinfo:
        reopen_petition(s, "P2024-00001", reason="again")
    assert excinfo.value.exit_code == 1
    assert excinfo.value.message == (
        "petition P2024-00001 is open; only a closed petition can be reopened")
    with pytest.raises(NotFound, match=r"^no petition with ref 'P2024-99999'$"):
        reopen_petition(s, "P2024-99999", reason="again")
    close_petition(s, "P2024-00001", outcome="resolved", closed_on="2024-03-20")
    with pytest.raises(InvalidInput, match="reason must not be empty"):
        reopen_petition(s, "P2024-00001", reason="  ")


# --- history -------------------------------------------------------------------------------


def test_history_keeps_every_change_with_time_and_operator(s, monkeypatch) -> None:
    petition(s, petitioner="Hoàng Văn Sơn")
    edit_petition(s, "P2024-00001", signatories=3)
    monkeypatch.setenv("DANTRACK_OPERATOR", "clerk2")
    close_petition(s, "P2024-00001", outcome="resolved", closed_on="2024-03-20")
    reopen_petition(s, "P2024-00001", reason="Khiếu nại tiếp")
    stored = history.events(s, get_petition(s, "P2024-00001"))
    assert [(e.action, e.operator) for e in stored] == [
        ("created", "tester"), ("edited", "tester"), ("closed", "clerk2"),
        ("reopened", "clerk2")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.at) for e in stored)
    created = json.loads(stored[0].changes)
    assert created["petitioner"] == "Hoàng Văn Sơn"
    assert created["due_on"] == "2024-03-31"
    assert created["locality"] == "01864"
    assert json.loads(stored[1].changes) == {"signatories": [1, 3]}


def test_operator_falls_back_to_the_login_name(s, monkeypatch) -> None:
    monkeypatch.delenv("DANTRACK_OPERATOR")
    monkeypatch.setattr(history.getpass, "getuser", lambda: "login-name")
    petition(s)
    assert events(s, "P2024-00001")[0][1] == "login-name"


# --- masking and reveal --------------------------------------------------------------------


def denunciation(s, **fields):  # type: ignore[no-untyped-def]
    values = {"kind": "tố cáo", "petitioner": "Lý Thị Mai", "id_number": "001234567890",
              "phone": "0912345678", "address": "Thôn Nà Mòn", "subject": "Sai phạm đất đai"}
    values.update(fields)
    return petition(s, **values)


IDENTITY = ("petitioner", "id_number", "phone", "address")


def test_denouncers_are_masked_in_lists_and_show(s) -> None:
    denunciation(s)
    petition(s, petitioner="Hoàng Văn Sơn", phone="0912000111")
    masked, plain = list_petitions(s, today=TODAY)
    assert [getattr(masked, f) for f in IDENTITY] == ["***"] * 4
    assert (plain.petitioner, plain.phone) == ("Hoàng Văn Sơn", "0912000111")
    shown = show_petition(s, "P2024-00001", today=TODAY)
    assert [getattr(shown, f) for f in IDENTITY] == ["***"] * 4
    # the history does not give the identity away either
    created = shown.history[0].changes
    assert [created[f] for f in IDENTITY] == ["***"] * 4
    assert "Lý Thị Mai" not in shown.model_dump_json()
    assert [e.action for e in shown.history] == ["created"]


def test_masked_edits_in_history(s) -> None:
    denunciation(s)
    edit_petition(s, "P2024-00001", phone="0987654321", subject="Sai phạm")
    shown = show_petition(s, "P2024-00001", today=TODAY)
    assert shown.history[-1].changes == {"phone": ["***", "***"],
                                         "subject": ["Sai phạm đất đai", "Sai phạm"]}
    revealed = show_petition(s, "P2024-00001", today=TODAY, reveal=True)
    assert revealed.history[1].changes["phone"] == ["0912345678", "0987654321"]


def test_an_anonymous_denunciation_shows_empty_identity(s) -> None:
    denunciation(s, petitioner="", id_number="", phone="", address="")
    [row] = list_petitions(s, today=TODAY)
    assert [getattr(row, f) for f in IDENTITY] == ["", "", "", ""]


def test_reveal_shows_the_identity_and_is_recorded_each_time(s) -> None:
    denunciation(s)
    petition(s, petitioner="Hoàng Văn Sơn")
    shown = show_petition(s, "P2024-00001", today=TODAY, reveal=True)
    assert [getattr(shown, f) for f in IDENTITY] == [
        "Lý Thị Mai", "001234567890", "0912345678", "Thôn Nà Mòn"]
    assert [(e.action, e.operator) for e in shown.history] == [
        ("created", "tester"), ("revealed", "tester")]
    listed = list_petitions(s, today=TODAY, reveal=True)
    assert listed[0].petitioner == "Lý Thị Mai"
    assert [e[0] for e in events(s, "P2024-00001")] == ["created", "revealed", "revealed"]
    # a complaint has nothing secret: revealing it records nothing
    assert [e[0] for e in events(s, "P2024-00002")] == ["created"]


def test_reading_without_reveal_records_nothing(s) -> None:
    denunciation(s)
    list_petitions(s, today=TODAY)
    show_petition(s, "P2024-00001", today=TODAY)
    assert [e[0] for e in events(s, "P2024-00001")] == ["created"]


# --- list filters --------------------------------------------------------------------------


@pytest.fixture
def sample(s):  # type: ignore[no-untyped-def]
    """Six petitions across years, places, kinds and states."""
    petition(s, received_on="2023-11-02", subject="Ô nhiễm nguồn nước")  # P2023-00001
    petition(s, received_on="2024-03-01", petitioner="Hoàng Văn Sơn")  # P2024-00001
    denunciation(s, received_on="2024-04-01", locality="01864-01")  # P2024-00002
    petition(s, kind="kiến nghị", received_on="2024-12-20", locality="01960",  # P2024-00003
             subject="Sửa đường liên thôn")
    petition(s, kind="phản ánh", received_on="2024-06-03", locality="Quảng Bạch",  # P2024-00004
             subject="Đèn đường hỏng")
    petition(s, received_on="2024-12-01", locality="061")  # P2024-00005, due 2024-12-31
    close_petition(s, "P2024-00004", outcome="resolved", closed_on="2024-06-10")
    close_petition(s, "P2023-00001", outcome="withdrawn", closed_on="2023-12-01")
    return s


def test_list_orders_by_receipt(sample) -> None:
    assert refs(list_petitions(sample, today=TODAY)) == [
        "P2023-00001", "P2024-00001", "P2024-00002", "P2024-00004", "P2024-00005",
        "P2024-00003"]


def test_list_by_year_and_locality_subtree(sample) -> None:
    assert refs(list_petitions(sample, today=TODAY, year=2023)) == ["P2023-00001"]
    assert refs(list_petitions(sample, today=TODAY, year=2025)) == []
    assert refs(list_petitions(sample, today=TODAY, year=2024, locality="Ba Bể")) == [
        "P2024-00001", "P2024-00002", "P2024-00005"]
    assert refs(list_petitions(sample, today=TODAY, locality="cao thuong")) == [
        "P2023-00001", "P2024-00001", "P2024-00002"]
    assert refs(list_petitions(sample, today=TODAY, locality="chợ đồn")) == [
        "P2024-00004", "P2024-00003"]
    with pytest.raises(Ambiguous):
        list_petitions(sample, today=TODAY, locality="tran phu")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("complaint", ["P2023-00001", "P2024-00001", "P2024-00005"]),
        ("khiếu nại", ["P2023-00001", "P2024-00001", "P2024-00005"]),
        ("to cao", ["P2024-00002"]),
        ("Kiến nghị", ["P2024-00003"]),
        ("phan anh", ["P2024-00004"]),
    ],
)
def test_list_by_kind_in_any_language(sample, kind: str, expected: list[str]) -> None:
    assert refs(list_petitions(sample, today=TODAY, kind=kind)) == expected


def test_list_by_unknown_kind_is_invalid_input(sample) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        list_petitions(sample, today=TODAY, kind="grievance")
    assert excinfo.value.exit_code == 3


def test_list_by_status_relative_to_today(sample) -> None:
    def listed(status: Status, today: date) -> list[str]:
        return refs(list_petitions(sample, today=today, status=status))

    assert listed(Status.closed, TODAY) == ["P2023-00001", "P2024-00004"]
    assert listed(Status.open, TODAY) == [
        "P2024-00001", "P2024-00002", "P2024-00005", "P2024-00003"]
    # P2024-00005 is due on 2024-12-31: overdue only from the day after
    assert listed(Status.overdue, TODAY) == ["P2024-00001", "P2024-00002"]
    assert listed(Status.overdue, date(2025, 1, 1)) == [
        "P2024-00001", "P2024-00002", "P2024-00005"]
    # the 10 working days from Friday 2024-12-20 end on 2025-01-06 (1 January is a holiday)
    assert listed(Status.overdue, date(2025, 1, 6)) == [
        "P2024-00001", "P2024-00002", "P2024-00005"]
    assert listed(Status.overdue, date(2025, 1, 7)) == [
        "P2024-00001", "P2024-00002", "P2024-00005", "P2024-00003"]
    assert listed(Status.overdue, date(2024, 3, 1)) == []
    statuses = {r.ref: r.status for r in list_petitions(sample, today=TODAY)}
    assert statuses == {"P2023-00001": "closed", "P2024-00001": "overdue",
                        "P2024-00002": "overdue", "P2024-00003": "open",
                        "P2024-00004": "closed", "P2024-00005": "open"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("den bu", ["P2024-00001", "P2024-00005"]),
        ("ĐỀN BÙ ĐẤT", ["P2024-00001", "P2024-00005"]),
        ("ô nhiễm", ["P2023-00001"]),
        ("o nhiem", ["P2023-00001"]),
        ("duong", ["P2024-00004", "P2024-00003"]),
        ("hoang van son", ["P2024-00001"]),
        ("Sơn", ["P2024-00001"]),
        ("sai pham", ["P2024-00002"]),  # a denunciation's subject is not secret
        ("%", []),
        ("_", []),
    ],
)
def test_list_search_ignores_case_and_diacritics(sample, search: str,
                                                 expected: list[str]) -> None:
    assert refs(list_petitions(sample, today=TODAY, search=search)) == expected


def test_search_does_not_match_a_hidden_denouncer(sample) -> None:
    assert refs(list_petitions(sample, today=TODAY, search="ly thi mai")) == []
    assert refs(list_petitions(sample, today=TODAY, search="ly thi mai", reveal=True)) == [
        "P2024-00002"]


def test_filters_combine(sample) -> None:
    assert refs(list_petitions(sample, today=TODAY, year=2024, locality="06",
                               kind="complaint", status=Status.overdue, search="den bu")) == [
        "P2024-00001"]
    # "open" means not closed, overdue ones included
    assert refs(list_petitions(sample, today=TODAY, locality="Ba Bể", kind="complaint",
                               status=Status.open)) == ["P2024-00001", "P2024-00005"]


def test_list_public_fields(sample) -> None:
    row = next(r for r in list_petitions(sample, today=TODAY) if r.ref == "P2024-00004")
    assert row.model_dump(exclude={"history"}) == {
        "ref": "P2024-00004", "kind": "reflection", "received_on": date(2024, 6, 3),
        "locality": "01966", "locality_name": "Xã Quảng Bạch", "channel": "in_person",
        "petitioner": "", "id_number": "", "phone": "", "address": "", "signatories": 1,
        "subject": "Đèn đường hỏng", "meeting": None, "competence": "own",
        "accepted_on": date(2024, 6, 3), "complex": False, "remote": False,
        "duplicate_of": None, "due_on": date(2024, 6, 17),
        # the register's fields (revision 0004), at their defaults
        "field": "other", "prior": "none", "round": 1, "forwarded_to": "", "reply_on": None,
        **dict.fromkeys(RESULT_FIELDS, 0), "closed_on": date(2024, 6, 10),
        "outcome": "resolved", "verdict": None, "note": "", "status": "closed",
    }


def test_petition_rows_are_stored_with_folded_copies(sample) -> None:
    row = sample.get(Petition, get_petition(sample, "P2024-00001").id)
    assert row.petitioner_folded == "hoang van son"
    assert row.subject_folded == "den bu dat"
