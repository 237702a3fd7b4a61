"""Localities over time (SPEC §1 "Localities"): reorganisations recorded through the CLI, the
reports that follow the territory, with figures computed by hand, and the rules of which unit
a code or name means on a date.

The register below is what an office holds on 2025-06-30 (the old units, valid always), then
the reorganisation of 1 July 2025 as it records it: the old units end on 2025-06-30, the new
ones begin on 2025-07-01, the new Thái Nguyên and one new commune keep an old code.

    before                                   from 2025-07-01
    06 Tỉnh Bắc Kạn ──────────────────────▶ 19 Tỉnh Thái Nguyên (new)
       061 Huyện Ba Bể ───────────────────▶ 19 (districts abolished)
          01861 Thị trấn Chợ Rã ─┐ merge
          01864 Xã Cao Thượng ───┴────────▶ 01912 Xã Chợ Rã
          01870 Xã Trần Phú ── split ─────▶ 01915 Xã Trần Phú (main), 01918 Xã Phúc Lộc
    19 Tỉnh Thái Nguyên (old) ────────────▶ 19 (new)
       05500 Xã La Hiên (old) ────────────▶ 05500 Xã La Hiên (new)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.backends

OLD_DAY, NEW_DAY = "2025-06-30", "2026-01-15"

OLD_UNITS = [
    ("06", "Tỉnh Bắc Kạn", "tỉnh", None),
    ("061", "Huyện Ba Bể", "huyện", "06"),
    ("01861", "Thị trấn Chợ Rã", "thị trấn", "061"),
    ("01864", "Xã Cao Thượng", "xã", "061"),
    ("01870", "Xã Trần Phú", "xã", "061"),
    ("19", "Tỉnh Thái Nguyên", "tỉnh", None),
    ("05500", "Xã La Hiên", "xã", "19"),
]
NEW_UNITS = [
    ("19", "Tỉnh Thái Nguyên", "province", None),
    ("01912", "Xã Chợ Rã", "commune", "19"),
    ("01915", "Xã Trần Phú", "commune", "19"),
    ("01918", "Xã Phúc Lộc", "commune", "19"),
    ("05500", "Xã La Hiên", "commune", "19"),
]
# The ends, children before their parents; a unit whose successor keeps its code ends first
# without successors and names them once they exist (the same end, recorded again).
ENDS = [
    ("01861", ["01912"]), ("01864", ["01912"]), ("01870", ["01915", "01918"]),
    ("061", ["19"]), ("06", ["19"]), ("05500@2025-06-30", ["05500"]),
    ("19@2025-06-30", ["19"]),
]

# ref: (received, locality, closed) — complaints, due 30 days after receipt.
OLD_PETITIONS = {
    "P1": ("2024-11-01", "01861", "2024-11-20"),
    "P2": ("2024-12-10", "01864", "2025-01-20"),  # late: due 2025-01-09
    "P3": ("2025-01-15", "01861", "2025-02-01"),  # January, in an old unit
    "P4": ("2025-06-10", "01864", None),          # open across the change (closed below)
    "P5": ("2025-06-20", "01870", None),          # open across the change, never closed
    "P6": ("2025-03-01", "01870", "2025-03-20"),
    "P7": ("2024-06-01", "01870", "2024-06-15"),
    "T1": ("2025-02-01", "05500", "2025-02-10"),
}
NEW_PETITIONS = {
    "Q1": ("2025-07-15", "01912", "2025-08-01"),
    "Q2": ("2025-09-01", "01915", None),          # overdue at the end of 2025
    "Q3": ("2025-10-01", "01918", "2025-10-10"),
    "T2": ("2025-11-01", "05500", None),          # overdue at the end of 2025
}
SHOWN = ("received", "carried_over", "due", "resolved", "on_time", "open_at_end",
         "overdue_at_end")


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result.stdout


def fails(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """The command failed with code, one line on stderr, no output, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    return result.stderr


def add_units(cli, units, *extra: str) -> None:  # type: ignore[no-untyped-def]
    for code, name, level, parent in units:
        ok(cli("locality", "add", code, name, "--level", level,
               *(("--parent", parent) if parent else ()), *extra))


def add_petitions(cli, petitions: dict) -> None:  # type: ignore[no-untyped-def]
    for ref, (received, where, closed) in petitions.items():
        ok(cli("petition", "add", "--ref", ref, "--kind", "complaint", "--received-on",
               received, "--locality", where, "--subject", f"case {ref}"))
        if closed:
            ok(cli("petition", "close", ref, "--outcome", "resolved", "--on", closed))


def report(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("report", *args, "--format", "json")))


def figures(entry: dict) -> dict[str, int]:
    return {name: entry["petitions"][name] for name in SHOWN}


def row(received=0, carried_over=0, due=0, resolved=0, on_time=0, open_at_end=0,  # type: ignore[no-untyped-def]
        overdue_at_end=0) -> dict[str, int]:
    return dict(received=received, carried_over=carried_over, due=due, resolved=resolved,
                on_time=on_time, open_at_end=open_at_end, overdue_at_end=overdue_at_end)


def parts(result: dict) -> list[str | None]:
    return [entry["locality"]["code"] for entry in result["by_locality"]]


def record_old(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The office's register on 2025-06-30."""
    monkeypatch.setenv("DANTRACK_TODAY", OLD_DAY)
    add_units(cli, OLD_UNITS)
    add_petitions(cli, OLD_PETITIONS)
    ok(cli("meeting", "add", "--date", "2025-03-01", "--locality", "01864", "--kind",
           "regular", "--body", "government", "--citizens", "3"))


def record_reorganisation(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The reorganisation of 1 July 2025 and the second half of 2025."""
    monkeypatch.setenv("DANTRACK_TODAY", NEW_DAY)
    ok(cli("locality", "end", "05500", "--on", "2025-06-30"))
    ok(cli("locality", "end", "19", "--on", "2025-06-30"))
    add_units(cli, NEW_UNITS, "--from", "2025-07-01")
    for code, successors in ENDS:
        ok(cli("locality", "end", code, "--on", "2025-06-30",
               *[arg for successor in successors for arg in ("--successor", successor)]))
    ok(cli("petition", "close", "P4", "--outcome", "resolved", "--on", "2025-08-01"))
    add_petitions(cli, NEW_PETITIONS)
    ok(cli("meeting", "add", "--date", "2025-08-01", "--locality", "01912", "--kind",
           "regular", "--body", "government", "--citizens", "5"))


@pytest.fixture
def reorganised(cli, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    record_old(cli, monkeypatch)
    record_reorganisation(cli, monkeypatch)
    return cli


# --- reports that follow the territory ------------------------------------------------------


def test_new_province_2025_counts_its_predecessors_records(reorganised) -> None:  # type: ignore[no-untyped-def]
    """A report straddling the change: "19" on 2025-12-31 is the new province; it counts the
    old units' January to June records (merge: both old communes into 01912; split: the old
    Trần Phú's into its main successor 01915 only; the old province Thái Nguyên's 05500 into
    the new 05500), and by_locality is the new province's children."""
    result = report(reorganised, "--year", "2025", "--locality", "19")
    assert result["locality"] == {"code": "19", "name": "Tỉnh Thái Nguyên"}
    assert figures(result) == row(received=9, carried_over=1, due=10, resolved=7, on_time=5,
                                  open_at_end=3, overdue_at_end=3)
    assert result["petitions"]["resolution_rate"] == 70.0
    assert parts(result) == ["01912", "01915", "01918", "05500"]
    by_code = {entry["locality"]["code"]: figures(entry) for entry in result["by_locality"]}
    assert by_code == {
        # P2 (carried over, late), P3 (January, Chợ Rã), P4 (late), Q1.
        "01912": row(received=3, carried_over=1, due=4, resolved=4, on_time=2),
        # P5 (open, overdue), P6 (the old Trần Phú), Q2 (open, overdue).
        "01915": row(received=3, due=3, resolved=1, on_time=1, open_at_end=2,
                     overdue_at_end=2),
        # Q3 only: a split's second successor takes none of the old unit's records.
        "01918": row(received=1, due=1, resolved=1, on_time=1),
        "05500": row(received=2, due=2, resolved=1, on_time=1, open_at_end=1,
                     overdue_at_end=1),
    }
    # The meeting in the old Cao Thượng (3 citizens) and the one in Chợ Rã (5).
    counts = ("count", "citizens", "delegations")  # the keys before by_kind and by_body
    assert {k: result["meetings"][k] for k in counts} == {"count": 2, "citizens": 8,
                                                          "delegations": 0}
    assert {k: result["by_locality"][0]["meetings"][k] for k in counts} == {
        "count": 2, "citizens": 8, "delegations": 0}


def test_second_half_carries_over_cases_open_on_1_july(reorganised) -> None:  # type: ignore[no-untyped-def]
    """P4 and P5, received in June in old communes and open on 1 July, are carried over in
    the new communes' and the new province's H2 figures."""
    for locality in ("19", "Thái Nguyên", "thai nguyen"):
        result = report(reorganised, "--from", "2025-07-01", "--to", "2025-12-31",
                        "--locality", locality)
        assert figures(result) == row(received=4, carried_over=2, due=6, resolved=3,
                                      on_time=2, open_at_end=3, overdue_at_end=3), locality
    by_code = {entry["locality"]["code"]: figures(entry) for entry in result["by_locality"]}
    assert by_code["01912"] == row(received=1, carried_over=1, due=2, resolved=2, on_time=1)
    assert by_code["01915"] == row(received=1, carried_over=1, due=2, open_at_end=2,
                                   overdue_at_end=2)
    commune = report(reorganised, "--from", "2025-07-01", "--to", "2025-12-31",
                     "--locality", "01915")
    assert figures(commune) == by_code["01915"]
    assert commune["by_locality"] == []


def test_old_province_2025_keeps_its_own_records(reorganised) -> None:  # type: ignore[no-untyped-def]
    """The old Bắc Kạn ("06" on 2025-12-31 is the unit that had it last) counts its own
    units' records only, by_locality its district valid during 2025."""
    result = report(reorganised, "--year", "2025", "--locality", "bac kan")
    assert result["locality"] == {"code": "06", "name": "Tỉnh Bắc Kạn"}
    # P2 carried over; P3, P4, P5, P6 received; P5 still open.
    assert figures(result) == row(received=4, carried_over=1, due=5, resolved=4, on_time=2,
                                  open_at_end=1, overdue_at_end=1)
    assert parts(result) == ["061"]
    assert figures(result["by_locality"][0]) == figures(result)
    assert result["meetings"]["count"] == 1


def test_whole_tree_2025_lists_old_and_new_roots_side_by_side(reorganised) -> None:  # type: ignore[no-untyped-def]
    """Old and new units side by side: the roots valid during 2025 (both Thái Nguyên, by
    code), each with the records of its own place in the tree; the total counts each record
    once."""
    result = report(reorganised, "--year", "2025")
    assert result["locality"] == {"code": None, "name": "All localities"}
    assert [(e["locality"]["code"], e["locality"]["name"]) for e in result["by_locality"]] == [
        ("06", "Tỉnh Bắc Kạn"), ("19", "Tỉnh Thái Nguyên"), ("19", "Tỉnh Thái Nguyên")]
    old_bac_kan, old_thai_nguyen, new_thai_nguyen = (figures(e) for e in result["by_locality"])
    assert old_bac_kan == row(received=4, carried_over=1, due=5, resolved=4, on_time=2,
                              open_at_end=1, overdue_at_end=1)
    assert old_thai_nguyen == row(received=1, due=1, resolved=1, on_time=1)  # T1
    assert new_thai_nguyen == row(received=4, due=4, resolved=2, on_time=2, open_at_end=2,
                                  overdue_at_end=2)  # Q1, Q2, Q3, T2
    assert figures(result) == row(received=9, carried_over=1, due=10, resolved=7, on_time=5,
                                  open_at_end=3, overdue_at_end=3)


def test_a_past_period_report_is_byte_identical_after_the_reorganisation(  # type: ignore[no-untyped-def]
        cli, monkeypatch: pytest.MonkeyPatch) -> None:
    record_old(cli, monkeypatch)
    scopes = [(), ("--locality", "06"), ("--locality", "19"), ("--locality", "Trần Phú"),
              ("--locality", "05500")]
    before = {scope: ok(cli("report", "--year", "2024", "--format", "json", *scope))
              for scope in scopes}
    record_reorganisation(cli, monkeypatch)
    for scope in scopes:
        after = ok(cli("report", "--year", "2024", "--format", "json", *scope))
        assert after.encode() == before[scope].encode(), scope
    # Not vacuous: Bắc Kạn's 2024 holds P1, P2 and P7, Trần Phú P7.
    assert figures(json.loads(before[("--locality", "06")])) == row(
        received=3, due=3, resolved=2, on_time=2, open_at_end=1)
    assert json.loads(before[("--locality", "Trần Phú")])["petitions"]["received"] == 1


def test_a_chain_of_two_reorganisations(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A → B → C: a report of C counts A's case still open; a report of B in its time counts
    it too; A's own report of 2024 only A."""
    monkeypatch.setenv("DANTRACK_TODAY", "2026-03-31")
    ok(cli("locality", "add", "10", "Tỉnh Lào Cai", "--level", "province"))
    ok(cli("locality", "add", "A", "Xã An", "--level", "xã", "--parent", "10"))
    ok(cli("petition", "add", "--ref", "OLD", "--kind", "complaint", "--received-on",
           "2024-12-20", "--locality", "A", "--subject", "x"))
    ok(cli("locality", "add", "B", "Xã Bình", "--level", "xã", "--parent", "10",
           "--from", "2025-01-01"))
    ok(cli("locality", "end", "A", "--on", "2024-12-31", "--successor", "B"))
    ok(cli("petition", "add", "--ref", "MID", "--kind", "complaint", "--received-on",
           "2025-03-03", "--locality", "B", "--subject", "y"))
    ok(cli("locality", "add", "C", "Xã Cường", "--level", "xã", "--parent", "10",
           "--from", "2025-07-01"))
    ok(cli("locality", "end", "B", "--on", "2025-06-30", "--successor", "C"))
    ok(cli("petition", "add", "--ref", "NEW", "--kind", "complaint", "--received-on",
           "2025-09-01", "--locality", "C", "--subject", "z"))
    ok(cli("petition", "close", "NEW", "--outcome", "resolved", "--on", "2025-09-10"))
    c_2025 = report(cli, "--year", "2025", "--locality", "C")
    assert figures(c_2025) == row(received=2, carried_over=1, due=3, resolved=1, on_time=1,
                                  open_at_end=2, overdue_at_end=2)
    c_2026 = report(cli, "--quarter", "2026-Q1", "--locality", "C")
    assert figures(c_2026) == row(carried_over=2, due=2, open_at_end=2, overdue_at_end=2)
    b_q1 = report(cli, "--quarter", "2025-Q1", "--locality", "B")
    assert figures(b_q1) == row(received=1, carried_over=1, due=2, open_at_end=2,
                                overdue_at_end=1)
    a_2024 = report(cli, "--year", "2024", "--locality", "A")
    assert figures(a_2024) == row(received=1, due=1, open_at_end=1)
    # The province's 2025 children are B and C; A's case rolls up to the first part its
    # chain of main successors reaches (B).
    province = report(cli, "--year", "2025", "--locality", "10")
    assert parts(province) == ["B", "C"]
    assert [figures(e) for e in province["by_locality"]] == [
        row(received=1, carried_over=1, due=2, open_at_end=2, overdue_at_end=2),
        row(received=1, due=1, resolved=1, on_time=1)]


# --- which unit a code or name means -------------------------------------------------------


def shown(cli, locality: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ok(cli("locality", "show", locality, "--format", "json")))


def test_a_code_reused_by_a_later_unit_means_the_one_of_the_date(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    new = shown(cli, "19")  # today: the new province
    assert (new["valid_from"], new["valid_to"], new["predecessors"]) == (
        "2025-07-01", None, "06;061;19")
    old = shown(cli, "19@2025-06-30")
    assert (old["valid_from"], old["valid_to"], old["successors"]) == (None, "2025-06-30", "19")
    assert shown(cli, "19@2025-07-01") == new
    # Both La Hiên keep 05500: the old one names the new one, recorded by ending it again.
    assert shown(cli, "05500@2025-06-30")["successors"] == "05500"
    assert shown(cli, "05500")["predecessors"] == "05500"
    # An ended code with no later unit: the last unit that had it.
    ended = shown(cli, "01861")
    assert (ended["valid_to"], ended["successors"], ended["level"]) == (
        "2025-06-30", "01912", "commune")  # given as "thị trấn"
    assert shown(cli, "01870@2024-01-01")["successors"] == "01915;01918"
    assert shown(cli, "01912")["predecessors"] == "01861;01864"
    # The report of 2024 means the old Thái Nguyên, of 2025 the new one.
    assert report(cli, "--year", "2024", "--locality", "19")["petitions"]["received"] == 0
    assert report(cli, "--year", "2025", "--locality", "19")["petitions"]["received"] == 9


def test_code_at_date_means_only_the_unit_valid_that_day(reorganised) -> None:  # type: ignore[no-untyped-def]
    assert fails(reorganised("locality", "show", "01912@2025-06-30"), 1) == (
        "Error: no locality with code '01912' valid on 2025-06-30\n")
    assert fails(reorganised("report", "--year", "2024", "--locality", "01912@2024-12-31"),
                 1) == "Error: no locality with code '01912' valid on 2024-12-31\n"
    assert "the date after @ must be YYYY-MM-DD" in fails(
        reorganised("locality", "show", "19@2025-13-01"), 3)


def test_a_name_valid_on_the_date_wins(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    for ref, day, code in (("N1", "2025-03-02", "01870"), ("N2", "2025-09-02", "01915")):
        ok(cli("petition", "add", "--ref", ref, "--kind", "reflection", "--received-on", day,
               "--locality", "tran phu", "--subject", "x"))
        assert json.loads(ok(cli("petition", "show", ref, "--format", "json")))[
            "locality"] == code
    assert report(cli, "--year", "2024", "--locality", "xa tran phu")["locality"]["code"] == (
        "01870")
    assert report(cli, "--year", "2025", "--locality", "Trần Phú")["locality"]["code"] == (
        "01915")
    assert report(cli, "--year", "2025", "--locality", "la hien")["petitions"]["received"] == 2
    assert report(cli, "--year", "2024", "--locality", "thai nguyen")["by_locality"][0][
        "locality"] == {"code": "05500", "name": "Xã La Hiên"}


def test_an_ambiguous_name_lists_the_candidates_with_their_validity(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    # Beneath a unit that ended, a unit must end too (its validity lies within its parent's).
    assert fails(cli("locality", "add", "01871", "Xã Phúc Lộc", "--level", "xã", "--parent",
                     "061", "--from", "2020-01-01"), 3) == (
        "Error: parent: Huyện Ba Bể (061) is valid until 2025-06-30: a unit beneath it must "
        "lie within its validity (give its first and last day)\n")
    ok(cli("locality", "add", "01871", "Xã Phúc Lộc", "--level", "xã", "--parent", "061",
           "--from", "2020-01-01", "--to", "2025-06-30"))
    ok(cli("locality", "end", "01871", "--on", "2025-06-30", "--successor", "01918"))
    # On a day one of them is valid, that one.
    assert report(cli, "--year", "2024", "--locality", "phuc loc")["locality"]["code"] == (
        "01871")
    assert shown(cli, "phuc loc")["code"] == "01918"
    # Valid on neither day: both at the same step.
    stderr = fails(cli("report", "--year", "2019", "--locality", "phuc loc"), 1)
    assert stderr == (
        "Error: locality 'phuc loc' is ambiguous: 01871 Xã Phúc Lộc in Huyện Ba Bể (061), "
        "valid 2020-01-01 to 2025-06-30; 01918 Xã Phúc Lộc in Tỉnh Thái Nguyên (19), "
        "valid from 2025-07-01 — give the code\n")


# --- placing records ------------------------------------------------------------------------


def petition_refs(cli) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["ref"] for p in json.loads(ok(cli("export", "petitions", "--format", "json")))]


def test_a_record_in_an_ended_unit_is_refused_naming_its_end_and_successors(  # type: ignore[no-untyped-def]
        reorganised) -> None:
    cli = reorganised
    before = petition_refs(cli)
    stderr = fails(cli("petition", "add", "--kind", "denunciation", "--received-on",
                       "2025-07-10", "--locality", "01861", "--subject", "x", "--petitioner",
                       "Lương Văn Tố", "--phone", "0912345678"), 3)
    assert stderr == ("Error: locality: Thị trấn Chợ Rã (01861) ended on 2025-06-30; its "
                      "successor is Xã Chợ Rã (01912)\n")
    stderr = fails(cli("meeting", "add", "--date", "2025-07-10", "--locality", "Cao Thượng",
                       "--kind", "regular", "--body", "government"), 3)
    assert stderr == ("Error: locality: Xã Cao Thượng (01864) ended on 2025-06-30; its "
                      "successor is Xã Chợ Rã (01912)\n")
    stderr = fails(cli("dialogue", "add", "--date", "2025-08-01", "--locality", "01870",
                       "--body", "government"), 3)
    assert stderr == ("Error: locality: Xã Trần Phú (01870) ended on 2025-06-30; its "
                      "successors are Xã Trần Phú (01915), Xã Phúc Lộc (01918)\n")
    # A unit not yet begun on the record's date (a code names the first unit after it).
    stderr = fails(cli("petition", "add", "--kind", "complaint", "--received-on",
                       "2025-06-30", "--locality", "01912", "--subject", "x"), 3)
    assert stderr == "Error: locality: Xã Chợ Rã (01912) begins on 2025-07-01\n"
    assert petition_refs(cli) == before
    assert len(json.loads(ok(cli("export", "meetings", "--format", "json")))) == 2


def test_an_import_row_in_an_ended_unit_is_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
        reorganised, tmp_path: Path) -> None:
    cli = reorganised
    before = petition_refs(cli)
    path = tmp_path / "p.csv"
    path.write_text("ref,kind,received_on,locality,subject,petitioner,address\n"
                    "I1,complaint,2025-06-01,01861,fine,,\n"
                    "I2,denunciation,2025-07-10,01861,late,Lương Văn Tố,Thôn Nà Mòn\n"
                    "I3,complaint,2025-07-10,01912,fine,,\n", encoding="utf-8")
    result = cli("import", "petitions", str(path))
    assert result.exit_code == 3, result.stderr
    assert result.stderr.endswith(
        "nothing was imported:\n  line 3, locality '01861': Thị trấn Chợ Rã (01861) ended on "
        "2025-06-30; its successor is Xã Chợ Rã (01912)\n")
    assert "Tố" not in result.stderr and "Nà Mòn" not in result.stderr
    assert "Traceback" not in result.stderr
    assert petition_refs(cli) == before
    # Each row by its own date: the same code on 2025-06-01 is the old unit, valid.
    path.write_text("ref,kind,received_on,locality,subject\n"
                    "I1,complaint,2025-06-01,01861,fine\n", encoding="utf-8")
    ok(cli("import", "petitions", str(path)))
    assert json.loads(ok(cli("petition", "show", "I1", "--format", "json")))[
        "locality_name"] == "Thị trấn Chợ Rã"


# --- locality end ----------------------------------------------------------------------------


def localities(cli) -> str:  # type: ignore[no-untyped-def]
    return ok(cli("export", "localities", "--format", "csv"))


def test_end_refuses_a_unit_whose_children_are_still_valid(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    record_old(cli, monkeypatch)
    before = localities(cli)
    assert fails(cli("locality", "end", "06", "--on", "2025-06-30"), 1) == (
        "Error: Tỉnh Bắc Kạn (06) cannot end on 2025-06-30: its units Huyện Ba Bể (061) are "
        "valid after it — end them first\n")
    assert localities(cli) == before


def test_end_refuses_a_unit_with_records_after_the_end(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    record_old(cli, monkeypatch)
    before = localities(cli)
    stderr = fails(cli("locality", "end", "01861", "--on", "2024-12-31", "--successor",
                       "01864"), 1)
    assert stderr == (
        "Error: 1 record is dated after the end of the unit they are placed in: P3 "
        "(2025-01-15, Thị trấn Chợ Rã (01861)) — correct them, or give --move-late-records "
        "to move each to its unit's main successor\n")
    assert localities(cli) == before


def test_end_refuses_a_successor_not_valid_the_day_after(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    ok(cli("locality", "add", "01871", "Xã Phúc Lộc", "--level", "xã", "--parent", "061",
           "--from", "2020-01-01", "--to", "2025-06-30"))
    before = localities(cli)
    # Its end is recorded (beneath an ended unit it must have one): another day is refused.
    assert fails(cli("locality", "end", "01871", "--on", "2025-05-31", "--successor",
                     "01918"), 1) == "Error: Xã Phúc Lộc (01871) ended already on 2025-06-30\n"
    assert fails(cli("locality", "end", "01871", "--on", "2025-06-30", "--successor",
                     "01861"), 3) == (
        "Error: successor: Thị trấn Chợ Rã (01861) ended on 2025-06-30; its successor is "
        "Xã Chợ Rã (01912)\n")
    assert fails(cli("locality", "end", "01871", "--on", "2025-06-30", "--successor",
                     "01918", "--successor", "01918"), 3).startswith(
        "Error: successor: Xã Phúc Lộc (01918) is named twice")
    # An ended unit ends once; again on the same day only names its successors anew.
    assert fails(cli("locality", "end", "01861", "--on", "2025-05-31"), 1) == (
        "Error: Thị trấn Chợ Rã (01861) ended already on 2025-06-30\n")
    assert localities(cli) == before
    ok(cli("locality", "end", "01861", "--on", "2025-06-30", "--successor", "01912",
           "--successor", "01915"))
    assert shown(cli, "01861")["successors"] == "01912;01915"


# --- locality edit ---------------------------------------------------------------------------


def test_edit_corrects_name_level_and_parent(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    result = cli("locality", "edit", "01918", "--name", "Xã Phúc Lộc Mới")
    assert ok(result) == "" and result.stderr == (
        "Corrected name: Xã Phúc Lộc → Xã Phúc Lộc Mới\n")
    ok(cli("locality", "add", "01912-01", "Thôn Nà Mòn", "--level", "thôn", "--parent",
           "01912", "--from", "2025-07-01"))
    ok(cli("petition", "add", "--ref", "V1", "--kind", "complaint", "--received-on",
           "2025-12-01", "--locality", "Nà Mòn", "--subject", "x"))
    assert report(cli, "--year", "2025", "--locality", "01915")["petitions"]["received"] == 3
    result = cli("locality", "edit", "01912-01", "--parent", "01915", "--level", "tổ dân phố")
    assert ok(result) == "" and result.stderr == "Corrected parent: 01912 → 01915\n"
    assert shown(cli, "01912-01")["parent"] == "01915"
    assert report(cli, "--year", "2025", "--locality", "01915")["petitions"]["received"] == 4
    result = cli("locality", "edit", "01918", "--level", "thị xã")
    assert ok(result) == "" and result.stderr == "Corrected level: commune → district\n"
    # CODE@DATE corrects the old unit that had the code, not the new one.
    ok(cli("locality", "edit", "19@2025-01-01", "--name", "Tỉnh Thái Nguyên (cũ)"))
    assert shown(cli, "19@2025-01-01")["name"] == "Tỉnh Thái Nguyên (cũ)"
    assert shown(cli, "19")["name"] == "Tỉnh Thái Nguyên"


def test_edit_with_nothing_to_change_is_refused(reorganised) -> None:  # type: ignore[no-untyped-def]
    cli = reorganised
    before = localities(cli)
    assert fails(cli("locality", "edit", "01915"), 1) == (
        "Error: nothing to change: give --name, --level or --parent\n")
    assert fails(cli("locality", "edit", "01915", "--name", "Xã Trần Phú", "--level", "xã",
                     "--parent", "19"), 1) == (
        "Error: nothing changed: Xã Trần Phú (01915) is as given\n")
    assert "level" in fails(cli("locality", "edit", "01915", "--level", "hamlet"), 3)
    assert localities(cli) == before


# --- locality import and export --------------------------------------------------------------


LOCALITY_FILE = """code,name,level,parent,valid_from,valid_to,successors
20,Tỉnh Lạng Sơn,tỉnh,,,2025-06-30,20
06100,Xã Hoàng Đồng,xã,20,,2025-06-30,06200;06300
06110,Xã Mai Pha,xã,20,,2025-06-30,06200
20,Tỉnh Lạng Sơn,province,,2025-07-01,,
06200,Phường Lương Văn Tri,phường,20,2025-07-01,,
06300,Xã Hoàng Văn Thụ,commune,20,2025-07-01,,
"""


def summary(result) -> dict:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_import_localities_with_validity_and_successors_named_later(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", NEW_DAY)
    path = tmp_path / "units.csv"
    path.write_text(LOCALITY_FILE, encoding="utf-8")
    assert summary(cli("import", "localities", str(path), "--summary", "json"))[
        "inserted"] == 6
    old = shown(cli, "06100")
    assert (old["valid_to"], old["successors"], old["parent"]) == ("2025-06-30",
                                                                   "06200;06300", "20")
    assert shown(cli, "20@2025-06-30")["successors"] == "20"
    assert shown(cli, "20")["predecessors"] == "20"
    assert shown(cli, "06200")["predecessors"] == "06100;06110"
    assert shown(cli, "06200")["level"] == "commune"

    def codes(day: str) -> list[tuple[str, str | None]]:
        rows = json.loads(ok(cli("locality", "list", "--on", day, "--format", "json")))
        return [(unit["code"], unit["valid_from"]) for unit in rows]

    assert codes("2025-06-30") == [("20", None), ("06100", None), ("06110", None)]
    assert codes("2025-07-01") == [("20", "2025-07-01"), ("06200", "2025-07-01"),
                                   ("06300", "2025-07-01")]
    # A record in the old Hoàng Đồng of June counts in the new Lương Văn Tri of 2025.
    ok(cli("petition", "add", "--ref", "L1", "--kind", "complaint", "--received-on",
           "2025-06-02", "--locality", "Hoàng Đồng", "--subject", "x"))
    assert report(cli, "--year", "2025", "--locality", "06200")["petitions"]["received"] == 1
    assert report(cli, "--year", "2025", "--locality", "06300")["petitions"]["received"] == 0
    # Re-importing the file changes nothing.
    again = summary(cli("import", "localities", str(path), "--summary", "json"))
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 6)


def test_import_refuses_a_successor_not_valid_the_day_after(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DANTRACK_TODAY", NEW_DAY)
    path = tmp_path / "units.csv"
    path.write_text(LOCALITY_FILE.replace("06300,Xã Hoàng Văn Thụ,commune,20,2025-07-01",
                                          "06300,Xã Hoàng Văn Thụ,commune,20,2025-08-01"),
                    encoding="utf-8")
    result = cli("import", "localities", str(path))
    assert result.exit_code == 3, result.stderr
    assert result.stderr.endswith(
        "  line 3, successors '06300': Xã Hoàng Văn Thụ (06300) begins on 2025-08-01\n")
    assert ok(cli("export", "localities", "--format", "csv")).splitlines()[1:] == []


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Another empty database on the test's backend."""
    if backend != "postgresql":
        yield str(tmp_path / "fresh.sqlite")
        return
    server = request.getfixturevalue("postgres_server")
    schema = server.new_schema()
    yield server.url_for(schema)
    server.drop_schema(schema)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_reorganised_tree_round_trips_through_export_and_import(  # type: ignore[no-untyped-def]
        reorganised, tmp_path: Path, fresh_url: str, fmt: str) -> None:
    cli = reorganised
    exported = ok(cli("export", "localities", "--format", fmt))
    assert exported.count("2025-06-30") >= 7
    path = tmp_path / f"units.{fmt}"
    path.write_text(exported, encoding="utf-8")
    assert summary(cli("--db", fresh_url, "import", "localities", str(path), "--summary",
                       "json"))["inserted"] == 12
    assert ok(cli("--db", fresh_url, "export", "localities", "--format", fmt)) == exported
    # The same tree, so the same territory: the 2025 figures of the new province's parts.
    for kind in ("meetings", "petitions"):
        records = tmp_path / f"{kind}.csv"
        records.write_text(ok(cli("export", kind, "--format", "csv")), encoding="utf-8")
        ok(cli("--db", fresh_url, "import", kind, str(records)))
    assert (ok(cli("--db", fresh_url, "report", "--year", "2025", "--locality", "19",
                   "--format", "json"))
            == ok(cli("report", "--year", "2025", "--locality", "19", "--format", "json")))
    # Into the database it came from: nothing changes.
    again = summary(cli("import", "localities", str(path), "--summary", "json"))
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 12)
    assert ok(cli("export", "localities", "--format", fmt)) == exported
