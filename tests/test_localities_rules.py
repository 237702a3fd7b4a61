"""Rules of localities over time that a second reading found unguarded: a record never changes
unit silently, a unit never outlives its parent, moves and loads never leave a record in a unit
not valid on its date, and a file of the first build never undoes a reorganisation.

Built on the register of test_localities_over_time (its `reorganised` fixture).
"""

# ruff: noqa: F811  (the tests take the imported `reorganised` fixture as an argument)
from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_localities_over_time import fails, ok, reorganised  # noqa: F401  (the fixture)


def shown(cli, ref: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("petition", "show", ref, "--format", "json")))


@pytest.mark.backends
def test_a_new_date_past_its_units_end_is_refused_not_a_silent_move(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    # P4 (2025-06-10) is in Xã Cao Thượng (01864), which ended on 2025-06-30.
    assert fails(cli("petition", "edit", "P4", "--received-on", "2025-07-03"), 3) == (
        "Error: locality: Xã Cao Thượng (01864) ended on 2025-06-30; its successor is "
        "Xã Chợ Rã (01912)\n")
    assert shown(cli, "P4")["locality"] == "01864"
    # Given with the unit valid then, the move is in the history.
    ok(cli("petition", "edit", "P4", "--received-on", "2025-07-03", "--locality", "01912"))
    petition = shown(cli, "P4")
    assert petition["locality"] == "01912"
    assert petition["history"][-1]["changes"]["locality"] == ["01864", "01912"]
    # An ended unit named for a petition of a later date: refused, as petition add does.
    assert fails(cli("petition", "edit", "P4", "--locality", "01861"), 3).startswith(
        "Error: locality: Thị trấn Chợ Rã (01861) ended on 2025-06-30")


@pytest.mark.backends
def test_the_same_code_of_another_unit_is_named_in_full_in_the_history(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    # T2 (2025-11-01, open) is in the new La Hiên (05500), which keeps the old one's code.
    ok(cli("petition", "edit", "T2", "--received-on", "2025-06-02", "--locality",
           "05500@2025-06-02"))
    assert shown(cli, "T2")["history"][-1]["changes"]["locality"] == [
        "Xã La Hiên (05500)", "Xã La Hiên (05500)"]
    old_unit = json.loads(ok(cli("report", "--from", "2025-06-01", "--to", "2025-06-30",
                                 "--locality", "05500@2025-06-30", "--format", "json")))
    assert old_unit["petitions"]["received"] == 1


@pytest.mark.backends
def test_a_unit_cannot_outlive_its_parent(reorganised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    for extra in ((), ("--from", "2024-01-01")):
        assert fails(cli("locality", "add", "T01", "Thôn Nà Pài", "--level", "thôn",
                         "--parent", "01861", *extra), 3).startswith(
            "Error: parent: Thị trấn Chợ Rã (01861) is valid until 2025-06-30")
    rows = tmp_path / "units.csv"
    rows.write_text("code,name,level,parent,valid_from,valid_to,successors\n"
                    "T2,Thôn Hai,village,01861,2024-01-01,2025-12-31,\n", encoding="utf-8")
    refused = cli("import", "localities", str(rows))
    assert refused.exit_code == 3 and "Traceback" not in refused.stderr
    assert ("line 2, parent '01861': Thị trấn Chợ Rã (01861) is valid until 2025-06-30: a "
            "unit beneath it must lie within its validity") in refused.stderr
    ok(cli("locality", "add", "T3", "Thôn Ba", "--level", "thôn", "--parent", "01912",
           "--from", "2025-07-01"))
    ending = tmp_path / "end.csv"
    ending.write_text("code,name,level,parent,valid_from,valid_to,successors\n"
                      "01912,Xã Chợ Rã,commune,19,2025-07-01,2026-01-31,01915\n",
                      encoding="utf-8")
    refused = cli("import", "localities", str(ending), "--on-conflict", "update")
    assert refused.exit_code == 3
    assert "Thôn Ba (T3) beneath it is valid after that day" in refused.stderr


@pytest.mark.backends
def test_a_clashing_new_code_in_a_locality_file_is_one_line(reorganised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = tmp_path / "units.csv"
    rows.write_text("code,name,level,parent,valid_from,valid_to,successors\n"
                    "01912,Xã Khác,commune,19,2026-01-01,,\n", encoding="utf-8")
    result = reorganised("import", "localities", str(rows))
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert "line 2, code '01912': locality 01912 exists already: Xã Chợ Rã" in result.stderr


@pytest.mark.backends
def test_a_file_without_validity_leaves_the_reorganisation(reorganised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    before = ok(cli("export", "localities", "--format", "csv"))
    old = tmp_path / "old.csv"
    old.write_text("code,name,level,parent\n061,Huyện Ba Bể,district,06\n", encoding="utf-8")
    result = cli("import", "localities", str(old), "--on-conflict", "update")
    assert result.exit_code == 0 and "0 updated, 1 unchanged" in result.stderr
    assert ok(cli("export", "localities", "--format", "csv")) == before


@pytest.mark.backends
def test_moving_late_records_needs_a_successor_valid_on_their_dates(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    ok(cli("locality", "add", "T50", "Thôn 50", "--level", "thôn", "--parent", "01912",
           "--from", "2025-07-01"))
    ok(cli("petition", "add", "--ref", "L1", "--kind", "complaint", "--received-on",
           "2025-12-01", "--locality", "T50", "--subject", "late"))
    ok(cli("locality", "add", "T51", "Thôn 51", "--level", "thôn", "--parent", "01912",
           "--from", "2025-07-01", "--to", "2025-09-30"))
    assert fails(cli("locality", "end", "T50", "--on", "2025-07-31", "--successor", "T51",
                     "--move-late-records"), 1) == (
        "Error: L1 (2025-12-01) cannot move to Thôn 51 (T51), which is not valid on its "
        "date: correct it first\n")
    assert shown(cli, "L1")["locality"] == "T50"


@pytest.mark.backends
def test_a_report_of_the_whole_tree_keeps_an_ended_roots_records(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    # A province of its own, ended without successors, one case still open.
    ok(cli("locality", "add", "98", "Tỉnh Thử", "--level", "tỉnh"))
    ok(cli("petition", "add", "--ref", "R1", "--kind", "complaint", "--received-on",
           "2024-05-02", "--locality", "98", "--subject", "open"))
    ok(cli("locality", "end", "98", "--on", "2024-12-31"))
    # Only the new 19 is a root valid in 2026, but the tree has had several roots: the
    # report is of the whole tree, not of the new 19 alone.
    whole = json.loads(ok(cli("report", "--year", "2026", "--format", "json")))
    assert whole["locality"] == {"code": None, "name": "All localities"}
    assert [part["locality"]["code"] for part in whole["by_locality"]] == ["19"]
    # P5 (old Trần Phú), Q2, T2 and R1 are open, carried into 2026.
    assert whole["petitions"]["carried_over"] == 4


def test_check_reports_a_damaged_succession_without_a_traceback(reorganised, db_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    if not Path(str(db_path)).exists():
        pytest.skip("a SQLite file is damaged by hand")
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("INSERT INTO locality_successor VALUES (1, 5, 999999)")
    connection.commit()
    connection.close()
    result = reorganised("db", "check")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "a succession names a unit that does not exist (id 999999)" in result.stdout
