"""Corrections kept (issue 16 item 7): `meeting edit` and `dialogue edit` keep each change in
the record's history, as petitions do — shown by `show`, written by an import update too —
and a bad value changes nothing."""

from __future__ import annotations

import json

import pytest
from tests.test_cli import add_petition, fails, ok

pytestmark = pytest.mark.backends


@pytest.fixture
def records(cli, tree):  # type: ignore[no-untyped-def]
    ok(cli("meeting", "add", "--date", "2024-03-01", "--locality", "01864", "--kind",
           "periodic", "--body", "government", "--host", "Nông Minh Vượng", "--citizens", "3"))
    ok(add_petition(cli, "--ref", "P2024-00001"))
    ok(cli("dialogue", "add", "--date", "2024-03-02", "--locality", "01864", "--body", "party",
           "--citizens", "12", "--leader", "Lưu Văn Phúc"))


def shown(cli, kind: str, ref: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli(kind, "show", ref, "--format", "json")))


def test_a_meeting_edit_is_kept_in_its_history(cli, records, monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_OPERATOR", "Lò Thị Hoa")
    result = cli("meeting", "edit", "M2024-00001", "--host", "Nguyễn Văn An", "--locality",
                 "01870", "--citizens", "5")
    assert "Edited meeting M2024-00001: citizens, host, locality" in ok(result) + result.stderr
    meeting = shown(cli, "meeting", "M2024-00001")
    assert (meeting["host"], meeting["locality"], meeting["citizens"]) == (
        "Nguyễn Văn An", "01870", 5)
    [event] = meeting["history"]
    assert (event["operator"], event["action"]) == ("Lò Thị Hoa", "edited")
    assert event["changes"] == {"citizens": [3, 5], "host": ["Nông Minh Vượng", "Nguyễn Văn An"],
                                "locality": ["01864", "01870"]}


def test_an_edit_that_changes_nothing_is_not_in_the_history(cli, records) -> None:
    result = cli("meeting", "edit", "M2024-00001", "--host", "Nông Minh Vượng")
    assert "unchanged" in result.stderr
    assert shown(cli, "meeting", "M2024-00001")["history"] == []


def test_a_dialogue_edit_links_and_unlinks_its_petition(cli, records) -> None:
    ok(cli("dialogue", "edit", "D2024-00001", "--citizens", "15", "--petition", "P2024-00001"))
    ok(cli("dialogue", "edit", "D2024-00001", "--petition", ""))
    dialogue = shown(cli, "dialogue", "D2024-00001")
    assert (dialogue["citizens"], dialogue["petition"]) == (15, None)
    assert [e["changes"] for e in dialogue["history"]] == [
        {"citizens": [12, 15], "petition": [None, "P2024-00001"]},
        {"petition": ["P2024-00001", None]}]
    table = ok(cli("dialogue", "show", "D2024-00001"))
    assert "history" in table and '"petition": ["P2024-00001", null]' in table


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--date", "31/02/2024"), 3, "invalid date '31/02/2024': no such day in the calendar"),
    (("--citizens", "-1"), 3, "citizens"),
    (("--body", "army"), 3, "invalid body 'army': must be one of party (Đảng)"),
    (("--petition", "P2024-09999"), 1, "no petition with ref 'P2024-09999'"),
])
def test_a_bad_correction_changes_nothing(cli, records, args, code: int, message: str) -> None:
    before = shown(cli, "dialogue", "D2024-00001")
    assert message in fails(cli("dialogue", "edit", "D2024-00001", *args), code)
    assert shown(cli, "dialogue", "D2024-00001") == before


def test_an_unknown_ref_is_not_found(cli, records) -> None:
    assert "no dialogue with ref 'D2024-00009'" in fails(
        cli("dialogue", "edit", "D2024-00009", "--citizens", "3"), 1)


def test_an_import_update_is_kept_in_the_history(cli, records, tmp_path) -> None:
    exported = ok(cli("export", "meetings", "--format", "csv"))
    changed = exported.replace("Nông Minh Vượng", "Hà Văn Bình")
    path = tmp_path / "meetings.csv"
    path.write_text(changed, encoding="utf-8")
    ok(cli("import", "meetings", str(path), "--on-conflict", "update"))
    [event] = shown(cli, "meeting", "M2024-00001")["history"]
    assert event["changes"] == {"host": ["Nông Minh Vượng", "Hà Văn Bình"]}
