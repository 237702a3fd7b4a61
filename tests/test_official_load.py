"""`locality load official` (SPEC §1 "Official lists ship with dantrack"): the whole country,
one province's part, a second load, and a load into an office's pre-2025 tree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.databases import YEARS, contents, report_text, sample_copy

from dantrack.official import official_units, units_for_province

pytestmark = pytest.mark.backends

UNITS = len(official_units())
# Bắc Kạn's districts (all of them: a report of the province lists them), some of its real
# communes, by their official codes and names as an office may have typed them, without dates.
DISTRICTS = [(u.code, u.name) for u in units_for_province("06")
             if u.level == "district" and u.parent == "06"]
OFFICE = [("06", "Bắc Kạn", "province", None),
          *[(code, "HUYỆN BA BỂ" if code == "061" else name, "district", "06")
            for code, name in DISTRICTS],
          ("01888", "Thị trấn Chợ Rã", "commune", "061"),
          ("01912", "xa thuong giao", "commune", "061")]
# ref: (received, commune, closed_on or None)
PETITIONS = {"X-1": ("2024-03-01", "01888", "2024-04-01"),
             "X-2": ("2024-05-02", "01912", None),
             "X-3": ("2024-11-20", "01888", "2024-12-20"),
             "X-JUNE": ("2025-06-16", "01888", None),
             "X-LATE": ("2025-08-01", "01888", None)}


@pytest.fixture(autouse=True)
def after_the_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """The office records a petition of August 2025: today is after it."""
    monkeypatch.setenv("DANTRACK_TODAY", "2025-12-31")


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    from dantrack.services.localities import add_locality
    from dantrack.services.petitions import add_petition, close_petition

    with db.session() as s:
        for code, name, level, parent in OFFICE:
            add_locality(s, code=code, name=name, level=level, parent=parent)
        for ref, (received, where, closed) in PETITIONS.items():
            add_petition(s, ref=ref, kind="complaint", received_on=received, locality=where,
                         subject="Đền bù đất")
            if closed:
                close_petition(s, ref, outcome="resolved", closed_on=closed)
    return db


def load(cli, *args: str, code: int = 0) -> str:  # type: ignore[no-untyped-def]
    result = cli("locality", "load", "official", *args)
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stdout == ""
    return result.stderr


def listed(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("locality", "list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_whole_country_is_63_provinces_then_34(cli) -> None:  # type: ignore[no-untyped-def]
    assert load(cli) == (f"Loaded the official units: {UNITS} added, 0 adopted, 0 unchanged; "
                         "0 records moved\n")
    for day, provinces in (("2025-06-30", 63), ("2025-07-01", 34)):
        units = listed(cli, "--on", day)
        assert sum(unit["level"] == "province" for unit in units) == provinces
        assert all(unit["valid_to" if provinces == 63 else "valid_from"] == day
                   for unit in units)
    assert len(listed(cli, "--all")) == UNITS
    checked = cli("db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_bac_kan_communes_all_lead_to_37_communes_of_the_new_thai_nguyen(cli) -> None:  # type: ignore[no-untyped-def]
    load(cli)
    old = [unit for unit in listed(cli, "--under", "06", "--on", "2025-06-30")
           if unit["level"] == "commune"]
    new = {unit["code"]: unit for unit in listed(cli, "--under", "19", "--on", "2025-07-01")}
    assert len(old) == 108
    successors = {code for unit in old for code in unit["successors"].split(";")}
    assert all(unit["successors"] for unit in old)
    assert len(successors) == 37
    assert all(new[code]["level"] == "commune" and new[code]["parent"] == "19"
               for code in successors)


def test_a_province_loads_its_part_only(cli) -> None:  # type: ignore[no-untyped-def]
    expected = units_for_province("bac kan")
    load(cli, "--province", "bac kan")
    units = listed(cli, "--all")
    assert sorted((u["code"], u["valid_from"] or "", u["valid_to"] or "") for u in units) == \
        sorted((u.code, str(u.valid_from or ""), str(u.valid_to or "")) for u in expected)
    provinces = {(u["code"], u["name"], u["valid_to"]) for u in units
                 if u["level"] == "province"}
    assert provinces == {("06", "Tỉnh Bắc Kạn", "2025-06-30"),
                         ("19", "Tỉnh Thái Nguyên", "2025-06-30"),
                         ("19", "Tỉnh Thái Nguyên", None)}


def test_a_second_load_changes_nothing(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    load(cli)
    before = contents(database_url)
    assert load(cli) == (f"Loaded the official units: 0 added, 0 adopted, {UNITS} unchanged; "
                         "0 records moved\n")
    assert contents(database_url) == before
    assert len(before["locality"]) == UNITS


def test_late_records_in_an_office_tree_refuse_the_load(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    before = contents(database_url)
    stderr = load(cli, "--province", "06", code=1)
    assert stderr == ("Error: 1 record is dated after the end of the unit they are placed "
                      "in: X-LATE (2025-08-01, Thị trấn Chợ Rã (01888)) — correct them, or "
                      "give --move-late-records to move each to its unit's main successor\n")
    assert contents(database_url) == before


def test_an_office_tree_is_adopted_and_late_records_moved(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    report_2024 = report_text(cli, database_url, "--year", "2024", "--locality", "06")
    stderr = load(cli, "--province", "06", "--move-late-records")
    adopted = len(OFFICE)
    assert stderr == (f"Loaded the official units: {len(units_for_province('06')) - adopted} "
                      f"added, {adopted} adopted, 0 unchanged; 1 record moved\n")
    assert report_text(cli, database_url, "--year", "2024", "--locality", "06") == report_2024
    shown = json.loads(cli("petition", "show", "X-LATE", "--format", "json").stdout)
    assert (shown["locality"], shown["history"][-1]["action"]) == ("01912", "moved")
    assert "Xã Chợ Rã" in json.dumps(cli("locality", "show", "01912", "-f", "json").stdout,
                                      ensure_ascii=False)
    # The office's units keep their names, end on 2025-06-30 with their official successors.
    kept = {u["code"]: u for u in listed(cli, "--on", "2025-06-30", "--under", "061")}
    assert (kept["061"]["name"], kept["061"]["successors"]) == ("HUYỆN BA BỂ", "19")
    assert (kept["01888"]["valid_to"], kept["01888"]["successors"]) == ("2025-06-30", "01912")
    checked = cli("db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_the_new_province_carries_over_an_old_commune_case(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    load(cli, "--province", "06", "--move-late-records")
    report = json.loads(report_text(cli, database_url, "--from", "2025-07-01", "--to",
                                    "2025-12-31", "--locality", "19"))
    assert report["locality"] == {"code": "19", "name": "Tỉnh Thái Nguyên"}
    # X-2 (May 2024) and X-JUNE (June 2025) still open on 1 July; X-LATE received in August.
    assert (report["petitions"]["carried_over"], report["petitions"]["received"]) == (2, 1)


def test_a_load_after_adoption_changes_nothing(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    load(cli, "--province", "06", "--move-late-records")
    before = contents(database_url)
    units = len(units_for_province("06"))
    assert load(cli, "--province", "bac kan") == (
        f"Loaded the official units: 0 added, 0 adopted, {units} unchanged; 0 records moved\n")
    assert contents(database_url) == before


def test_loading_into_the_sample_keeps_its_reports(cli, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The released sample's tree (its province named without prefix) is Bắc Kạn's own: its
    reports stay as they were. The whole tree's gains the old Thái Nguyên beside it (loaded
    with Bắc Kạn, which merged into it), with the same figures."""
    copy = sample_copy(tmp_path)
    reports = [("--year", year, "--locality", where) for year in YEARS
               for where in ("Bắc Kạn", "Ba Bể")]
    before = [report_text(cli, copy, *args) for args in reports]
    whole = json.loads(report_text(cli, copy, "--year", "2024"))
    result = cli("--db", str(copy), "locality", "load", "official", "--province", "06")
    assert result.exit_code == 0, result.stderr
    assert ", 117 adopted, 0 unchanged; 0 records moved" in result.stderr
    assert [report_text(cli, copy, *args) for args in reports] == before
    after = json.loads(report_text(cli, copy, "--year", "2024"))
    assert (after["petitions"], after["meetings"]) == (whole["petitions"], whole["meetings"])
    assert [part["locality"]["code"] for part in after["by_locality"]] == ["06", "19"]


def test_an_official_code_with_another_name_is_refused(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    from dantrack.services.localities import add_locality

    with office.session() as s:
        add_locality(s, code="01891", name="Xã Khác Tên", level="commune", parent="061")
    before = contents(database_url)
    assert load(cli, "--province", "06", "--move-late-records", code=1) == (
        "Error: official unit Xã Bành Trạch (01891), valid until 2025-06-30, clashes with Xã "
        "Khác Tên (01891) in the database (valid always): another name — correct or end that "
        "unit, then load again\n")
    assert contents(database_url) == before


def test_an_official_code_with_other_dates_is_refused(cli, office, database_url: str) -> None:  # type: ignore[no-untyped-def]
    from dantrack.services.localities import end_locality

    with office.session() as s:
        end_locality(s, locality="01912", on=dt.date(2025, 3, 31), successors=[])
    before = contents(database_url)
    stderr = load(cli, "--province", "06", code=1)
    assert stderr.startswith("Error: official unit Xã Thượng Giáo (01912), valid until "
                             "2025-06-30, clashes with xa thuong giao (01912) in the database "
                             "(valid until 2025-03-31): other dates")
    assert contents(database_url) == before


def test_only_official_can_be_loaded_and_only_an_official_province(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("locality", "load", "gso")
    assert result.exit_code == 2
    assert "Invalid value for 'SOURCE': 'gso': the only source is 'official'" in result.stderr
    assert load(cli, "--province", "Atlantis", code=1) == (
        "Error: no official province has the code or name 'Atlantis'\n")
